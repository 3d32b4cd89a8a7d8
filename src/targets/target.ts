import type { PackageState } from '../plan.js'

export type { Logger } from '../retry.js'

/** Did a write change the registry, or was the wanted state already there? */
export type WriteOutcome = 'written' | 'already'

/**
 * One place releases are published to. npm is the first; Docker tags and Helm
 * releases fit the same three verbs: read the state, point a channel, retire a version.
 */
export interface Target {
  readonly kind: 'npm'
  /** for messages: "npm package @acme/widget on https://registry.npmjs.org/" */
  readonly label: string
  /**
   * Checks, before any write, that the credentials are accepted (throws an error that
   * names the token input when they are not).
   */
  checkAccess(): Promise<void>
  /** The current state, read fresh (no cache). */
  inspect(): Promise<PackageState>
  /** Points `channel` at `version` and confirms it with a fresh read. */
  pointChannel(channel: string, version: string): Promise<WriteOutcome>
  /** Marks `version` as retired with `message` and confirms it with a fresh read. */
  retire(version: string, message: string): Promise<WriteOutcome>
}
