// The incident's types: one target's run, the request, the result, and the runner's options.
// Shared by the stages (lifecycle.ts), the write stage (runner.ts) and everything that reads
// a result (the summary, the bookkeeping, the announcements).
import type { RollbackError } from '../core/errors.js'
import type { Impact, IncidentVerification } from '../github/incident.js'
import type { RollbackInputs } from '../config/inputs.js'
import type { PackageState, Plan, RecordedIncident } from '../core/plan.js'
import type { Logger } from '../core/retry.js'
import type { Target } from '../core/target.js'

export const DEFAULT_PARALLEL = 4

export interface StepRecord {
  step: 'plan' | 'move-tag' | 'deprecate'
  outcome: 'done' | 'already' | 'skipped' | 'failed' | 'planned'
  detail: string
  at: string
}

export type TargetKind = Target['kind']

/** One place the release lives, as the runner gets it: the adapter and its channel. */
export interface IncidentTarget {
  kind: TargetKind
  /** the package, image, release or moving tag */
  name: string
  /** what is rolled back there: npm dist-tag or image tag; a Helm release's one channel; the moving git tag itself */
  channel: string
  target: Target
}

/** One target's part of the incident, as it ran. */
export interface TargetRun {
  kind: TargetKind
  name: string
  channel: string
  /** how log lines name it: '' for the only target, 'name: ' among several */
  label: string
  target: Target
  before?: PackageState
  plan?: Plan
  /** the circuit breaker held this target back: why */
  skipped?: { reason: string; holder?: string }
  /** the channel and the bad version's deprecation as confirmed after this run */
  after?: { distTags: Record<string, string>; deprecated?: string }
  moved: boolean
  deprecated: boolean
  /** undo: this run removed the bad version's deprecation */
  undeprecated?: boolean
  republished: boolean
  /** strategy republish: the fix-forward version is staged, waiting for a maintainer's approval (the channel is on the restore version) */
  staged?: { version: string; stageId: string; waiting: boolean }
  outcome: 'rolled-back' | 'already' | 'planned' | 'failed' | 'put-back' | 'not-affected' | 'skipped'
  /** the failure, when the restore or the retire failed */
  failure?: { step: 'preflight' | 'move-tag' | 'deprecate' | 'put-back'; error: unknown }
  steps: StepRecord[]
  warnings: string[]
  /** the registry has no deprecate (found in the preflight or by its answer): the deprecation was skipped, and why */
  cannotRetire?: string
  /** how the adapter's write ran, as it tells it (Target.writeNote: the readiness checks helm waited for) */
  note?: string
  /** the preflight found that this credential cannot write without a person (src/handoff.ts): why */
  needsPerson?: string
  /** what the adapter saw after its writes that people must know (Target.anomalies), also among the warnings */
  anomalies?: string[]
  /** another client's writes the registry lost to this run's write (Target.lostWrites): the run is partial */
  lost?: string[]
  /** writes that wait for a person (Target.pending: a pull request to merge), also among the warnings: the run is partial */
  pending?: string[]
}

export interface IncidentRequest extends RollbackInputs {
  /** undo a rollback made by mistake: the same incident, every channel pointed back (src/plan.ts planUndo) */
  undo?: boolean
  /** undo: the incident's record, already read (undo by incident id): the targets' versions and deprecations come from it */
  recorded?: RecordedIncident
  partialOk?: boolean
  fromWorkspaces?: boolean
  /** ISO-8601: when the run started (the entry's clock); a hand-off records it for the impact of the resume */
  startedAt?: string
}

export type IncidentStatus =
  | 'completed'
  | 'already-done'
  | 'planned'
  | 'partial'
  | 'failed'
  | 'skipped'
  /** handed off (src/handoff.ts): planned and smoke-tested, nothing written; a maintainer resumes it */
  | 'awaiting-approval'

/** The one result of a rollback, for one target or many. */
export interface IncidentResult {
  status: IncidentStatus
  /** deterministic: the same rollback always gets the same id ('' when nothing could be planned) */
  incidentId: string
  rollbackVersion: string
  channel: string
  targets: TargetRun[]
  /** warnings of the run as a whole and of every target (prefixed with its name among several) */
  warnings: string[]
  /** partial or failed: what happened and what is missing, in one message */
  error?: RollbackError
  /** skipped: why the circuit breaker held (one target) */
  reason?: string
  /** this run undid the rollback (undo: true) */
  undo?: true
  /** impact and timing, set by the runbook's impact step (src/runbook/impact.ts) after the writes */
  impact?: Impact
  /** what the checks after the writes saw (src/runbook/verify.ts): the health endpoint, and npm's channels as installers read them */
  verification?: IncidentVerification
  /** awaiting-approval: why the run handed off, where the npm writes go, and when the run started */
  handoff?: { reason: string; registry: string; startedAt: string; restoreAsked?: string; command?: string }
  /** awaiting-approval without a hand-off: the fix-forward version staged (strategy republish), and the command that approves it */
  staged?: { version: string; stageId: string; command: string; waiting: boolean }
}

export const now = () => new Date().toISOString()

/** Where a target is in the run, for a live display (the CLI's progress lines). */
export interface ProgressEvent {
  kind: TargetKind
  name: string
  phase:
    | 'reading'
    | 'planned'
    | 'skipped'
    | 'not-affected'
    | 'writing'
    | 'retiring'
    | 'putting-back'
    | 'done'
    | 'failed'
  /** a few words: the plan's versions, the outcome, the error */
  detail?: string
}

export interface RunOptions {
  /** told each time a target moves on (never fails the run) */
  progress?: (event: ProgressEvent) => void
  /** how many targets are read or written at once (default DEFAULT_PARALLEL) */
  parallel?: number
  /** checks beside the first reads that must pass before any write (the GitHub token) */
  preflight?: () => Promise<unknown>
  /** after every target is planned, right before the first write (not in a dry run); throwing stops the run */
  beforeWrite?: (planned: TargetRun[]) => Promise<void>
  /** a hand-off instead of the writes: the checks of beforeWrite that write nothing (the smoke test); throwing stops the run */
  beforeHandoff?: (planned: TargetRun[]) => Promise<void>
  /**
   * undo without `recorded`: reads the incident's record by its id (the committed report,
   * else the tracking issue), awaited before planning; undefined when there is none. Left
   * out, the undo compares the deprecation with the message its inputs render.
   */
  undoRecord?: (incidentId: string) => Promise<RecordedIncident | undefined>
  /**
   * Once every channel is restored and read back, right before the retire (not after a put
   * back): the targets whose channel holds what the run meant. Runs beside the retire and is
   * not awaited (the verify step starts the installers' reads here); it must not throw.
   */
  afterRestore?: (restored: TargetRun[]) => void
}

/** One run of the lifecycle, as its stages share it (src/incident/lifecycle.ts). */
export interface RunState {
  req: IncidentRequest
  runs: TargetRun[]
  log: Logger
  options: RunOptions
  /** how many targets are read or written at once */
  parallel: number
  /** tells the progress display (never throws) */
  tell: (r: TargetRun, phase: ProgressEvent['phase'], detail?: string) => void
  /** the targets the preflight planned */
  planned: TargetRun[]
  /** handed off: why */
  handoff?: string
}
