import type { PackageState } from './plan.js'

export type { Logger } from './retry.js'
export type { WriteOutcome } from './guard.js'
import type { WriteOutcome } from './guard.js'
import type { Logger } from './retry.js'

/** The incident a write belongs to: adapters that can record it (Helm's revision description) do. */
export interface IncidentContext {
  /** the plan's incident id */
  id: string
  /** the bad version being rolled back */
  bad: string
}

/**
 * What a target's smoke hook is given for one smoke test of the restore version (src/incident/smoke.ts
 * runs the hooks; src/incident/smoke-kit.ts and smoke-process.ts are their tools).
 */
export interface SmokeRun {
  /** the target's name as the run knows it (the package, the image) */
  readonly name: string
  /** the version whose code the channel is about to hold (strategy republish: the code republished) */
  readonly version: string
  /** the smoke-test shell command */
  readonly command: string
  /** when this target's test ends (ms since the epoch): every process of it shares the time */
  readonly deadline: number
  /** smoke-test-timeout as the user wrote it, for messages */
  readonly timeout: string
  /** how log lines name the target: '' for the only one, 'name: ' among several */
  readonly label: string
  readonly log: Logger
  /** the environment the command's allowlisted one is taken from */
  readonly env: NodeJS.ProcessEnv
  /** the run's secrets: every line of output is scrubbed of them before it is logged or kept */
  readonly secrets: { scrub(text: string): string }
  /** programs a hook runs, by name, where not the ones on PATH (the npm CLI for tests: { npm: … }) */
  readonly programs: Readonly<Record<string, string | undefined>>
}

/**
 * One place releases are published to, seen through npm's model: versions, channels that
 * point at a version, and (optionally) retiring a version. An adapter maps its own world
 * onto it: a Docker channel tag "holds" the version tag with the same digest; a Helm
 * release's one channel holds the app (or chart) version of its current revision. The
 * pure planner (src/plan.ts) then guards every target the same way.
 */
export interface Target {
  /** the kind's name (src/targets/registry.ts), e.g. `npm` */
  readonly kind: string
  /** for messages: "npm package @acme/widget on https://registry.npmjs.org/" */
  readonly label: string
  /**
   * Checks, before any write, that the credentials are accepted (throws an error that
   * names the token input when they are not).
   */
  checkAccess(): Promise<void>
  /**
   * When the credential expires, where the place says so (npm: the registry's token
   * listing); `said` in words either way. For the drill's warning before it expires.
   */
  tokenExpiry?(): Promise<{ expires?: string; said: string }>
  /** The current state, read fresh (no cache). */
  inspect(): Promise<PackageState>
  /**
   * Points `channel` at `version`, guarded (src/guard.ts guardedWrite): right before the
   * write, and before every retry, the channel is read fresh; when it holds neither
   * `version` nor `expected` (what the plan saw it hold: a version, or undefined for no
   * such channel) nothing is written and a ChannelMovedError names what it holds now.
   * Confirmed by a read-back.
   */
  pointChannel(
    channel: string,
    version: string,
    expected: string | undefined,
    incident?: IncidentContext,
  ): Promise<WriteOutcome>
  /**
   * Marks `version` as retired with `message` and confirms it with a fresh read; refuses
   * when `names` (the version the message tells users to use) does not exist or is itself
   * retired in that fresh read. `current`: the retirement the plan read ("" or undefined:
   * none); another one in that fresh read (a person changed it meanwhile) is left alone with
   * a ChannelMovedError naming it. Targets
   * that have no such notion (container tags, Helm releases) leave it out, and the
   * rollback then plans no deprecation.
   */
  retire?(version: string, message: string, names?: string, current?: string): Promise<WriteOutcome>
  /**
   * Undo of `retire`: clears the retirement of `version`, through the same guarded write,
   * only while it is exactly `onlyIf` (the message this tool wrote); another message (a
   * person changed it) is left alone with a ChannelMovedError naming it. Confirmed by a
   * fresh read. `restoreTo`: the message the retirement replaced, written back instead of
   * clearing it. Targets with `retire` implement it.
   */
  unretire?(version: string, onlyIf: string, restoreTo?: string): Promise<WriteOutcome>
  /**
   * What the adapter saw after its writes that people must know (a registry document
   * that changed beyond this run's write); the runner adds them to the warnings.
   */
  anomalies?(): string[]
  /**
   * What another client wrote at the same time that the registry lost to this run's write
   * (a version published, a tag moved, while a whole-document PUT was in flight on a
   * registry that ignores `_rev`), one line each; the runner ends the run partial and names them.
   */
  lostWrites?(): string[]
  /**
   * Writes that wait for a person, e.g. a pull request to merge (gitops: the branch is protected),
   * one line each with its link: the runner ends the run partial and names them.
   */
  pending?(): string[]
  /**
   * How the last write ran, when people must know it to judge the result (Helm: which
   * readiness checks helm waited for); the runner shows it in the target's summary row.
   */
  writeNote?(): string | undefined
  /**
   * The runner awaited something else since this target's last read: that read may no
   * longer guard a write, so the next write reads again first. (An adapter may use its
   * last read as the guard of the write that immediately follows it, and only then.)
   */
  forget?(): void
  /**
   * The smoke test of the restore version before the first write (smoke-test): runs the
   * command against exactly what the channel will hold (npm: the version installed from the
   * registry into an empty project; an image: IMAGE set to it by digest) and throws a
   * SmokeTestError when it fails. Kinds with no such test leave it out (the test is then not run).
   */
  smoke?(run: SmokeRun): Promise<void>
  /**
   * npm's fix-forward: publishes the `restore` version's code as `version` (the next
   * version above `bad`) under `channel`, idempotently. Reports what the channel holds after.
   */
  /**
   * The drill's proof that the token may write here, without changing what anyone
   * installs: a harmless write made and undone, each step confirmed by a fresh read
   * (npm: a dist-tag of its own, `release-rollback-drill-<machine>-<pid>-<random>`, added on `version`, read back, removed,
   * confirmed gone; every other dist-tag must read back as it was). Throws an error that
   * names the token input when the write is refused. Targets whose checkAccess already
   * proves a write (Docker's cancelled blob upload) leave it out.
   */
  probeWrite?(version: string, by?: string): Promise<{ warnings: string[] }>
  /**
   * The preflight of what this place cannot do, before any write of a rollback (and in the
   * drill): throws a CapabilityError naming the registry when the channel cannot be moved
   * (`move`: the plan moves it; `republish`: it moves by publishing; `undo`: the plan is an
   * undo, which republishes nothing, so the fix never suggests it); reports in
   * `cannotRetire` a registry without deprecate. `probe` says whether probeWrite's harmless
   * write may prove the move: 'always' (the drill), 'if-needed' (where the reads name a
   * registry with reported gaps, or a credential only a write can tell), 'never' (a dry run).
   * `holds`: the version the channel holds. `deprecate`: the plan writes a deprecation.
   */
  capabilities?(
    channel: string,
    holds: string | undefined,
    options: {
      move: boolean
      probe: 'always' | 'if-needed' | 'never'
      republish?: boolean
      undo?: boolean
      /** the plan deprecates (or removes a deprecation) */
      deprecate?: boolean
    },
  ): Promise<{ warnings: string[]; probed: boolean; cannotRetire?: string }>
  republish?(args: {
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
  }>
}
