// The npm registry: dist-tags and deprecations through npm-registry-fetch (npm's own
// client: registry auth scoping, proxies and CA settings behave as they do for npm), by way
// of RegistryClient (npm-fetch.ts), which keeps the token on the registry's origin.
// The adapter's methods are here; what they share is the session (session.ts), and the
// longer ones delegate to their own files: the token's checks (access.ts), the probe
// (probe.ts), the preflight (capabilities.ts), the deprecation write (deprecate.ts) and
// the messages (explain.ts).
import { RegistryError } from '../../core/errors.js'
import { guardedWrite } from '../../core/guard.js'
import type { PackageState } from '../../core/plan.js'
import type { SmokeRun, Target, WriteOutcome } from '../../core/target.js'
import { checkAccess, tokenExpiry } from './access.js'
import { capabilities } from './capabilities.js'
import { type PointChannel, writeDeprecation } from './deprecate.js'
import { type Packument, toState } from './packument.js'
import { probeWrite } from './probe.js'
import { NpmSession, type NpmTargetOptions } from './session.js'
import { smokePackage } from './smoke.js'

/**
 * The probe's dist-tag (the drill's harmless write, and the trusted-publishing preflight):
 * `release-rollback-drill-<machine>-<pid>-<random>` (src/targets/npm/probe-tag.ts), a name of
 * its own for every probe, so two probes of one package at once (a drill beside a rollback,
 * two channels rolled back together) never read or delete each other's tag.
 */
export { DRILL_TAG_PREFIX, isDrillTag, newDrillTag } from './probe-tag.js'
export type { NpmTargetOptions } from './session.js'
export { escapePackageName, nerfDart } from './fetch.js'

export class NpmTarget implements Target {
  readonly kind = 'npm' as const
  readonly label: string
  /** the options, the client and token, the read kept to guard the next write, what the writes saw */
  private readonly session: NpmSession
  /** this adapter's guarded move, for the deprecation write to put back a tag another client lost */
  private readonly channelMover: PointChannel = (channel, version, expected) =>
    this.pointChannel(channel, version, expected)

  constructor(options: NpmTargetOptions) {
    this.label = `npm package ${options.packageName} on ${options.registry}`
    this.session = new NpmSession(options)
  }

  forget(): void {
    this.session.forget()
  }

  /** The smoke test of the restore version, installed from this registry (./smoke.ts). */
  smoke(run: SmokeRun): Promise<void> {
    return smokePackage(this.session.options.registry, run)
  }

  /** Anomalies seen after a write (a document the registry changed beyond ours). */
  anomalies(): string[] {
    return [...this.session.notes]
  }

  /** What the registry lost to this run's document PUTs (another client's version or tag), one line each. */
  lostWrites(): string[] {
    return [...this.session.lost]
  }

  /**
   * The token, before any write: the registry knows it (`/-/whoami`, asked once per
   * registry and token however many packages share them: a 401 there is a token expired or
   * revoked), and, where the registry lists a package's collaborators (npmjs:
   * `/-/package/<name>/collaborators`, as `npm access list collaborators` reads it), its user
   * may write this package. A registry without either endpoint says nothing about the
   * token: the preflight's probe (capabilities) or the writes will. With trusted publishing
   * there is no token yet: what it may do is known from the plan (capabilities).
   */
  checkAccess(): Promise<void> {
    return checkAccess(this.session)
  }

  /**
   * When the token expires, where the registry says: npmjs lists a user's tokens
   * (`GET /-/npm/v1/tokens`, as `npm token list` reads it: each with the first characters of
   * the token in `token`, and `expires` for tokens made since expiry became mandatory:
   * github.blog changelog 2025-09-29). This token is the one listed entry whose `token` it
   * starts with; none or several such entries, no listing (whoami only, as most other
   * registries), or no `expires`: `expires` is undefined and `said` says why. Never throws.
   */
  tokenExpiry(): Promise<{ expires?: string; said: string }> {
    return tokenExpiry(this.session)
  }

  /**
   * The drill's harmless write: a dist-tag of this probe's own (newDrillTag) added on
   * `version`, read back, removed (DELETE /-/package/<name>/dist-tags/<tag>) and confirmed
   * gone, every step checked by a fresh read. Only that tag is ever written. A probe tag of
   * another run found on the package is left alone with a warning: from the dist-tags alone
   * nobody can tell a probe running now from one that died between its add and its remove,
   * and deleting a running probe's tag would fail it. Any other dist-tag that differs after
   * the probe is reported (someone else moved it meanwhile).
   */
  probeWrite(version: string, by = 'the drill'): Promise<{ warnings: string[] }> {
    return probeWrite(this.session, version, by)
  }

  /**
   * The preflight of a rollback (and of the drill): what this registry cannot do, before
   * anything is written. From the answers to reads: a registry known to refuse moving this
   * channel (Nexus Repository 3 and 'latest') fails here, and one known to have no
   * deprecate is reported (`cannotRetire`). Where the reads name a registry with reported
   * gaps (Nexus, Artifactory, GitHub Packages), or always with `probe: 'always'` (the
   * drill), dist-tag writes are proven by probeWrite's harmless write on `holds` (the
   * version the channel holds): a registry that answers it 404/405/501 fails here with a
   * CapabilityError naming it and what it lacks. Nothing users install changes.
   */
  capabilities(
    channel: string,
    holds: string | undefined,
    o: {
      move: boolean
      probe: 'always' | 'if-needed' | 'never'
      republish?: boolean
      undo?: boolean
      deprecate?: boolean
    },
  ): Promise<{ warnings: string[]; probed: boolean; cannotRetire?: string }> {
    return capabilities(this.session, channel, holds, o, (version, by) => this.probeWrite(version, by))
  }

  async republish(args: {
    bad: string
    restore: string
    channel: string
    incidentId: string
    expected?: string
    /** republish-stage: stage the version (npm stage publish) instead of publishing it */
    stage?: boolean
  }): Promise<{
    version: string
    /** staged: waiting for a maintainer's approval (npm stage approve <stageId>) */
    outcome: 'published' | 'already' | 'staged'
    channelHolds?: string
    stageId?: string
    /** staged by an earlier run: nothing staged now */
    waiting?: boolean
  }> {
    // its own reads and writes come between any earlier read and the next write
    this.forget()
    const { packageName, registry, log, timeoutMs, userAgent } = this.session.options
    const { token, client } = await this.session.credentials()
    // loaded only for strategy: republish (libnpmpublish and tar are most of its weight)
    const { republish } = await import('./republish.js')
    const registryAnswered = client.answered
    return republish({
      packageName,
      registry,
      token,
      log,
      retry: this.session.retry,
      timeoutMs,
      userAgent,
      registryAnswered,
      secondFactor: this.session.options.secondFactor,
      // trusted publishing may stage, but then nothing could move the channel back: refused there
      ...(this.session.options.oidc ? { oidc: true } : {}),
      ...args,
    })
  }

  async inspect(): Promise<PackageState> {
    // with the full document's deprecations: npmjs's write view has none (npm/cli#9803), and a
    // plan without them would take a deprecated version for a good one, and an undo would
    // not see the deprecation it removes
    const doc = await this.session.readForDeprecation()
    return toState(doc)
  }

  async pointChannel(channel: string, version: string, expected: string | undefined): Promise<WriteOutcome> {
    const tags = (d: Packument) => d['dist-tags'] ?? {}
    const { outcome, state } = await guardedWrite<Packument>({
      what: `moving dist-tag '${channel}' to ${version}`,
      channel,
      wanted: version,
      expected,
      read: () => this.session.readForMove(),
      fresh: this.session.takeFresh(),
      holderOf: (d) => tags(d)[channel],
      isDone: (d) => tags(d)[channel] === version,
      isExpected: (d) => tags(d)[channel] === expected,
      write: async () => {
        await (await this.session.api())
          .write(`/-/package/${this.session.escaped}/dist-tags/${encodeURIComponent(channel)}`, 'dist-tag', {
            method: 'PUT',
            body: JSON.stringify(version),
            headers: { 'content-type': 'application/json' },
          })
          .catch((e: unknown) => {
            // a registry that lacks the move: said so by name, never retried (a CapabilityError passes the guard)
            throw this.session.lacks(e, 'move', channel) ?? e
          })
      },
      ...this.session.guardOptions(),
    })
    // the read-back is the fresh read the deprecation that follows starts from
    this.session.last = state
    return outcome
  }

  /**
   * Deprecates `version` with `message` through the whole-document PUT, guarded: a fresh
   * document (its `_rev` sent back, so npmjs answers 409 to a stale one, which is re-read
   * and retried), written only while `names` (the version the message tells users to
   * use) exists and is not deprecated; then the read-back is compared with the document
   * sent: any other version or dist-tag that differs is reported loudly (a registry that
   * ignores `_rev`, such as Verdaccio, can drop a write made between our read and PUT).
   * Written only while the version's message is still `current`, the one the plan read
   * ("": not deprecated): another one (a person set it meanwhile) is left as it is, with a
   * ChannelMovedError naming it.
   */
  async retire(version: string, message: string, names?: string, current = ''): Promise<WriteOutcome> {
    const pkg = this.session.options.packageName
    return writeDeprecation(this.session, this.channelMover, version, message, (d) => {
      if (String(this.session.versionOf(d, version).deprecated ?? '') !== current) return false
      if (names !== undefined) {
        const named = d.versions?.[names]
        if (!named || (typeof named.deprecated === 'string' && named.deprecated !== '')) {
          throw new RegistryError(
            `The deprecation of ${pkg}@${version} would tell users to use ${names}, which ${named ? 'is deprecated itself' : 'does not exist'} on the registry now: nothing was deprecated.`,
            `check ${pkg}'s versions, then deprecate ${version} by hand (npm deprecate ${pkg}@${version} "...") naming a good version.`,
          )
        }
      }
      return true
    })
  }

  /**
   * Undo of retire: clears the deprecation of `version` (npm's "" message: not deprecated)
   * through the same guarded document PUT, only while it is exactly `onlyIf`, the message
   * this tool wrote. Another message (a person changed it) throws a ChannelMovedError that
   * names it; no deprecation at all is already done.
   */
  async unretire(version: string, onlyIf: string, restoreTo = ''): Promise<WriteOutcome> {
    return writeDeprecation(
      this.session,
      this.channelMover,
      version,
      restoreTo,
      (d) => String(this.session.versionOf(d, version).deprecated ?? '') === onlyIf,
      onlyIf,
      restoreTo === '' ? 'removing the deprecation of' : 'putting back the earlier deprecation of',
    )
  }
}
