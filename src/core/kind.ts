// What the rest of the tool may know about one kind of target (npm, docker, helm, git-tag, …),
// as data and hooks. Each kind fills it in once, in src/targets/<kind>/kind.ts, and
// src/targets/registry.ts is the only list of kinds. Nothing outside a kind's folder and the
// registry compares a kind's name: it asks the registry for the kind and reads these fields.
// Pure: types and nothing else.
import type { InputReader } from './reader.js'

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
  /** what several targets of this kind alone are called, where they have a word of their own ("packages"); else "targets" */
  readonly several?: string
  /**
   * The command a person runs to point `channel` of `name` at `version` by hand (shown when
   * the tool stops and a person must finish), or undefined when there is none to show.
   */
  pointByHand(name: string, channel: string, version: string, registry?: string): string | undefined
  /** What the adapter's checkAccess proves, for the drill's report (a function: it names inputs in the run's dialect). */
  accessProven(): string
  /** The command that retires (deprecates) `version` by hand; undefined: the kind cannot retire. */
  retireByHand?(name: string, version: string, message: string, registry?: string): string
  /** One target in a table's first column and the heading rows: "Package", "Image", "Helm release", "Git tag". */
  readonly title: string
  /**
   * How a person moves `channel` of `name` forward once a fixed release is out (the issue's
   * checklist), `<fixed>` standing for the fixed version: a command, or a short instruction.
   */
  fixForward(name: string, channel: string): string
  /**
   * The message to users' "what you should do" line for someone who already took the bad
   * version; undefined: the neutral "If you run <bad>, move back to <good>."
   */
  goBack?(name: string, bad: string, good: string): string
  /**
   * The job summary's next steps after a completed rollback of `name` (`several`: the
   * incident has other targets, so a command names a placeholder rather than this one).
   */
  nextSteps(p: { name: string; channel: string; bad: string; several: boolean }): string[]
  /**
   * The command that removes `channel` of `name` by hand (a put-back of a channel the
   * rollback created); undefined: no command to show, the message says "by hand".
   */
  removeByHand?(name: string, channel: string, registry?: string): string
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
   * people install it by version range through client tools (npm, pnpm, Yarn), so the issue
   * and the report show who a rollback protects
   */
  readonly installers: boolean
  /** the smoke test runs for it (its adapter has Target.smoke); absent: it does not */
  readonly smoke?: boolean
  /** its writes go through the GitHub API: it needs a GitHub token and the repository (git tags) */
  readonly viaGitHub?: boolean
  /**
   * its targets live on the registry of the `registry` input and are what the package and packages inputs name
   * (npm): the command line's confirmation names that registry, and the `packages` output and --json field list them
   */
  readonly registryInput?: boolean
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
  /** the input that holds the kind's credentials, for failures that name none ('npm-token') */
  readonly credential: string
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
  /** How the request reader (src/config/) reads the kind's own settings; each kind's config.ts. */
  readonly settings?: KindSettings
  /**
   * The kind a name without a kind means: an incident record (or a record's row) without a
   * kind, as records written before there were kinds are. Exactly one kind sets it (npm).
   */
  readonly isDefault?: boolean
}

/** The shorthand inputs' reading: the incident's name and the kind's targets. */
export interface ShorthandTargets {
  /** the incident's name (its first target's, as the incident names it) */
  packageName: string
  /** every target the shorthand names (npm: packages), when more than packageName */
  packageNames?: string[]
  /** the packages came from the workspaces: those that lack the bad version are left out */
  fromWorkspaces?: boolean
}

/** What the request reader asks a kind about its settings, so that it names no kind itself. */
export interface KindSettings {
  /**
   * The inputs that name this kind's targets without the targets input (`target: <kind>`):
   * npm package and packages, docker image, helm release. None: only the targets input names
   * them, and the target input refuses the kind.
   */
  readonly shorthand: readonly string[]
  /** `target: <kind>`, no targets input: reads the shorthand inputs (an InputError when none is given) */
  readShorthand?(get: InputReader, env: NodeJS.ProcessEnv): ShorthandTargets
  /** The shorthand's targets' names again, from the request (`get` reads the inputs again when given). */
  shorthandNames?(request: { packageName: string; packageNames?: string[] }, get?: InputReader): string[]
  /** Checks the channel input as this kind names a channel (a dist-tag, a container tag). None: taken as given. */
  parseChannel?(input: string, raw: string): string
  /** the one channel of the kind's targets (a Helm release's deployed revision), when no other kind is in the incident */
  readonly fixedChannel?: string
  /** The name an incident goes by for a target of this kind (helm: `namespace/release`). None: the name. */
  incidentName?(name: string, get: InputReader): string
  /**
   * The kind's part of the flat request (npm: the registry and the credential), read for every
   * run. `present`: the incident has targets of this kind; `maybe`: it has, or may have (an
   * undo by incident id, whose record names the targets).
   */
  readRequest?(
    get: InputReader,
    env: NodeJS.ProcessEnv,
    ctx: { present: boolean; maybe: boolean; dryRun: boolean; handoff: boolean },
  ): object
  /** Reads and checks the settings the kind's adapter takes (docker: tag-prefix, credentials), up front. */
  readSettings?(get: InputReader): object
}
