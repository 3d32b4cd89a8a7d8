// What the rest of the tool may know about one kind of target (npm, docker, helm, git-tag, …),
// as data and hooks. Each kind fills it in once, in src/targets/<kind>/kind.ts, and
// src/targets/registry.ts is the only list of kinds. Nothing outside a kind's folder and the
// registry compares a kind's name: it asks the registry for the kind and reads these fields.
// Pure: types and nothing else.

/**
 * What a kind calls its things, and the commands people run by hand, so that a Docker
 * incident's log never says "dist-tag" and a git-tag incident's issue never shows an npm command.
 */
export interface KindWords {
  /** one target of this kind, for sentences: "npm package", "image", "Helm release", "git tag" */
  readonly target: string
  /** what a channel is called: "dist-tag", "tag", "release", "git tag" */
  readonly channel: string
  /** what one version is called: "version", "tag", "revision", "commit" */
  readonly version: string
  /** the registry or place, for "check … and plan": "the registry", "the cluster", "GitHub" */
  readonly place: string
  /**
   * The command a person runs to point `channel` of `name` at `version` by hand (shown when
   * the tool stops and a person must finish), or undefined when there is none to show.
   */
  pointByHand(name: string, channel: string, version: string, registry?: string): string | undefined
  /**
   * The command that removes `channel` of `name` by hand (shown when a channel this run
   * created cannot be put back, for it did not exist before); undefined: none to show.
   */
  removeByHand?(name: string, channel: string, registry?: string): string
  /** The command that retires (deprecates) `version` by hand; undefined: the kind cannot retire. */
  retireByHand?(name: string, version: string, message: string, registry?: string): string
}

/** What a kind can do, as data the runner, the planner and the bookkeeping read. */
export interface KindCapabilities {
  /** it can retire (deprecate) a version */
  readonly retire: boolean
  /** strategy: republish (fix forward by publishing the good code as the next version) */
  readonly republish: boolean
  /** one target of the kind can carry several channels */
  readonly channelInName: boolean
  /**
   * installers read its channels from the npm registry (the registry input): the check after
   * the writes reads them as `npm install` does (src/incident/verify.ts)
   */
  readonly installerRead?: boolean
  /** npm's public downloads API counts its versions (the impact's downloads, src/incident/downloads.ts) */
  readonly downloads?: boolean
}

/**
 * One kind of target. `name` is the kind's prefix in the targets input (`npm:`), and the
 * value of Target.kind for its adapter.
 */
export interface TargetKind {
  readonly name: string
  readonly words: KindWords
  readonly capabilities: KindCapabilities
  /**
   * The kind of a name given without a prefix (npm): a list of several names its targets
   * bare, records leave its name out, and a preflight of only such targets names the
   * package input.
   */
  readonly bare?: boolean
  /**
   * Checks and normalises one name of the targets input (`input` names the input in errors);
   * throws an InputError with the fix.
   */
  parseName(input: string, name: string): string
  /** How one target of this kind is named in a list of several: "@acme/core", "docker:ghcr.io/acme/app". */
  label(name: string): string
}
