// The planner's types: what the registry holds, what is asked, and what the plan decides.
// Pure: types and nothing else, so every core module (the planner, the guards, the undo)
// and every adapter can name them without importing the planner itself.
import type { KindWords } from './kind.js'

/**
 * What the planner's messages call a channel and a version: the kind's own words
 * (src/targets/<kind>/kind.ts), passed in by the caller; core knows no kind.
 */
export type PlanWords = Pick<KindWords, 'channel' | 'version'>

/**
 * The words of a request that gives none: the planner's wording from before the kinds had
 * words of their own, so a request without words (the branch tests) reads as it always did.
 * Every caller in src/ passes its kind's words.
 */
export const DEFAULT_PLAN_WORDS: PlanWords = { channel: 'dist-tag', version: 'version' }

export interface VersionInfo {
  /** the deprecation message, when the version is deprecated */
  deprecated?: string
  /** ISO-8601 publish time, when the registry says */
  publishedAt?: string
  /** the commit the version was built from (npm gitHead, OCI org.opencontainers.image.revision) */
  commit?: string
  /** Docker: the manifest digest behind the version tag */
  digest?: string
  /** Helm: the revision to roll back to for this version */
  revision?: number
  /** npm: this version is a republish (strategy republish) replacing that bad version */
  republishOf?: string
}

/** What the registry holds for the package, read fresh just before planning. */
export interface PackageState {
  name: string
  distTags: Record<string, string>
  versions: Record<string, VersionInfo>
}

export interface PlanRequest {
  packageName: string
  rollbackVersion: string
  restoreVersion?: string
  channel: string
  reason: string
  deprecate: boolean
  deprecationMessage: string
  force: boolean
  /** retag (default): point the channel at the restore version; republish: publish its code as the next version */
  strategy?: 'retag' | 'republish'
  /** republish-stage: the fix-forward version is staged (npm stage publish), not published */
  republishStage?: boolean
  /** undo: this target as the incident record holds it (planUndo then takes the versions and the deprecation from it) */
  record?: UndoRecordFor
  /** release-commit: the failed release's commit; a version built from it is never the restore version */
  releaseCommit?: string
  /** what the kind calls its channel and its versions, for the messages (default: DEFAULT_PLAN_WORDS) */
  words?: PlanWords
}

/**
 * One target of an incident as its record (the committed report, or the tracking issue)
 * holds it: what an undo needs, and nothing rebuilt from the inputs.
 */
export interface UndoRecordFor {
  incidentId: string
  /** what the channel held when the incident found it (undefined: the channel did not exist) */
  previousVersion?: string
  /** what the rollback wrote to the channel: the restore version, or the republished one */
  wrote: string
  /** the restore version of the rollback (republish: the version whose code was republished) */
  restoreVersion: string
  /** the deprecation message this tool wrote (undefined: it wrote none) */
  deprecationMessage?: string
  /** the bad version's deprecation before the rollback replaced it (undefined: it was not deprecated) */
  deprecationBefore?: string
}

/** An incident's record, as an undo reads it: every target, each with its versions and deprecation. */
export interface RecordedIncident {
  incidentId: string
  rollbackVersion: string
  channel: string
  /** where the record was read, for messages (a report path, or the tracking issue) */
  source: string
  /** the incident's report, repository-relative, when the record names it (the undo updates that report) */
  reportPath?: string
  /** npm packages of the incident that did not have the bad version (packages: workspaces): listed again so the undo's report keeps the incident's shape */
  notAffected?: string[]
  targets: Array<
    { /** the kind's name (src/targets/registry.ts) */ kind: string; name: string; channel: string } & Omit<
      UndoRecordFor,
      'incidentId'
    >
  >
}

export type TagAction =
  /** point the channel at the restore version */
  | { kind: 'move'; from?: string; to: string }
  /** the channel already holds the restore version: nothing to write */
  | { kind: 'already'; to: string }
  /** a newer version than the bad one holds the channel (a fix was published): leave it */
  | { kind: 'keep-newer'; holder: string }

export type DeprecationAction =
  /** whileStaged (strategy republish): the message while the fix-forward version waits for its approval, naming the restore version (live) instead */
  | { kind: 'deprecate'; message: string; previous?: string; whileStaged?: string }
  | { kind: 'already'; message: string }
  | { kind: 'off' }
  /** undo: the bad version carries exactly the message this tool wrote: clear it (or put back `restoreTo`, the message the rollback replaced) */
  | { kind: 'undeprecate'; message: string; restoreTo?: string }
  /** undo: the bad version carries another message (a person changed it): left alone */
  | { kind: 'kept'; message: string; current: string }

export interface Plan {
  packageName: string
  channel: string
  rollbackVersion: string
  restoreVersion: string
  /** true when restore-version was empty and the last known good version was chosen */
  restoreChosen: boolean
  /** what the channel held before this run (undefined: the tag did not exist) */
  previousVersion?: string
  tag: TagAction
  deprecation: DeprecationAction
  /** the other channels that still hold the bad version */
  otherTagsOnBad: string[]
  warnings: string[]
  incidentId: string
  /** strategy republish: the restore version's code published as `version`, which the channel then holds */
  republish?: { version: string; from: string; stage?: boolean }
  /** an undo plan (planUndo): the tag goes back to where the incident found it, the deprecation is cleared */
  undo?: true
  /** undo: the version the channel held when the incident found it (usually the bad one), where it goes back to */
  foundVersion?: string
}

export type Gate =
  | {
      proceed: true
      rollbackVersion: string /** what the gate could not check, for the log and the record */
      warnings?: string[]
    }
  | { proceed: false; reason: string; holder?: string }

/** What identifies the release that failed (RollbackInputs carries these fields). */
export interface ReleaseGuard {
  /** ISO-8601: the version must have been published after this time (the release run's start) */
  publishedAfter?: string
  /** ISO-8601: ... and at or before this time (the release run's end) */
  publishedBefore?: string
  /** 40-hex, lower case: ... and built from this commit, when the version records one */
  releaseCommit?: string
  /** max-age: ... and published at most this many milliseconds before `now` */
  maxAgeMs?: number
  /**
   * require-holder: an exact rollback-version is rolled back only while the channel still
   * holds it; a channel that holds something else is a skip, not an error (an alert that
   * arrives after the channel moved on)
   */
  requireHolder?: boolean
  /** the clock max-age is measured against, in epoch milliseconds (default: Date.now()) */
  now?: number
  /** what the kind calls its channel and its versions, for the messages (default: DEFAULT_PLAN_WORDS) */
  words?: PlanWords
}
