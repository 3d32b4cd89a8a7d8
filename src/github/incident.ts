// The incident as the GitHub bookkeeping records it: plain data, no I/O. The tracking
// issue and the incident report are both rendered from an IncidentRecord, and the report
// carries the record (hidden) so that a re-run can merge into it instead of starting over.

import type { Target } from '../core/target.js'
export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const
export type Severity = (typeof SEVERITIES)[number]

/** Who ran the rollback and from where (from the runner's GITHUB_* variables). */
export interface RunContext {
  /** owner/name of the repository that holds the issue and the report */
  repository: string
  /** https://github.com */
  serverUrl: string
  runId?: string
  runAttempt?: string
  actor?: string
  /** workflow_dispatch, workflow_run, workflow_call via push, ... */
  eventName?: string
  workflow?: string
}

export interface IncidentEvent {
  /** ISO-8601 UTC */
  at: string
  /** what was attempted, e.g. "move dist-tag latest to 1.2.2" */
  action: string
  outcome: 'done' | 'already' | 'skipped' | 'failed' | 'planned'
  detail: string
}

export interface IncidentRun {
  /** link to the workflow run, when known */
  url?: string
  at: string
  status: string
  actor?: string
  trigger?: string
}

/** One target's part of the impact: how long the bad version held its channel. */
export interface ImpactTarget {
  /** absent: npm */
  kind?: Target['kind']
  name: string
  channel: string
  /** the bad version on this target */
  version: string
  /** moved: this run moved the channel off it; already: it was off it before the run; open: still not rolled back (failed, put back) */
  state: 'moved' | 'already' | 'open'
  /** whether the channel held the bad version when the run started */
  onChannel: boolean
  /** ISO-8601: when the bad version was published, when the registry says */
  publishedAt?: string
  /** ISO-8601: when this run moved the channel (state moved) */
  movedAt?: string
  /** publishedAt → movedAt in ms: how long the bad version held the channel */
  heldMs?: number
  /** npm on registry.npmjs.org: the bad version's downloads in the last 7 days, when npm's downloads API answered */
  downloads?: number
}

/**
 * Impact and timing, measured from the run's start. On a re-run the first run's figures
 * stay (see mergeImpact in src/runbook/impact.ts).
 */
export interface Impact {
  /** ISO-8601: when the run started */
  startedAt: string
  /** ISO-8601: when the last channel moved, once every channel is rolled back and this run (or an earlier one) moved one */
  protectedAt?: string
  /** startedAt → protectedAt in ms */
  toProtectionMs?: number
  severity: Severity
  /** the recovery-time target for the severity in ms; absent: none */
  rtoMs?: number
  /** met or missed against rtoMs; none: no target; open: a channel is not rolled back yet; unmeasured: no channel needed moving */
  verdict: 'met' | 'missed' | 'none' | 'open' | 'unmeasured'
  targets: ImpactTarget[]
  /** a hand-off resumed (src/modes/resume.ts): when the maintainer's command started */
  resumedAt?: string
  /** startedAt (the action's start) → resumedAt in ms: how long the incident waited for a maintainer */
  toResumeMs?: number
  /** resumedAt → protectedAt in ms */
  resumeToProtectionMs?: number
}

/**
 * The plan a hand-off leaves for a maintainer (src/handoff.ts), exactly: the resume performs
 * it and nothing else, and refuses when the registry no longer matches it.
 */
export interface HandoffPlan {
  /** ISO-8601: when the action started (the impact measures from here) */
  startedAt: string
  /** why the action handed off */
  reason: string
  /** the npm registry the writes go to */
  registry: string
  /** the restore version the action was given (absent: the last known good of each target) */
  restoreAsked?: string
  /** the maintainer's command */
  command: string
  targets: Array<{
    kind: Target['kind']
    name: string
    channel: string
    /** what the channel must still hold (the bad version, as the plan read it; absent: no such channel) */
    expected?: string
    /** where the channel goes */
    restore: string
    /** the deprecation the bad version gets (absent: none) */
    deprecationMessage?: string
  }>
}

export interface IncidentRecord {
  format: 1
  incidentId: string
  packageName: string
  channel: string
  rollbackVersion: string
  restoreVersion: string
  /** what the channel held when the incident was first handled */
  previousVersion?: string
  /** undefined when deprecate is off */
  deprecationMessage?: string
  /** the bad version's deprecation before the first run replaced it (an undo puts it back) */
  deprecationBefore?: string
  /** deprecation was asked for but the registry has none: why (deprecationMessage is then undefined) */
  deprecationSkipped?: string
  /** every dist-tag before the first run and after the latest run */
  tagsBefore: Record<string, string>
  tagsAfter: Record<string, string>
  severity: Severity
  reason: string
  /** how users are protected: the channel moved back, or the good code republished as the next version */
  strategy: 'retag' | 'republish'
  /** strategy republish: the version that carries the good code */
  republishedVersion?: string
  /** several packages in one incident: a row each (packageName then names them all briefly) */
  packages?: Array<{
    name: string /** absent: npm */
    kind?: Target['kind'] /** absent: the incident's channel */
    channel?: string
    previousVersion?: string
    restoreVersion?: string /** the deprecation message this tool wrote on it (absent: none, or a record written before rows had it) */
    deprecationMessage?: string /** its deprecation before the rollback replaced it */
    deprecationBefore?: string
    outcome: string
  }>
  /** where the release lives; absent means npm (records written before targets existed) */
  target?: Target['kind']
  runs: IncidentRun[]
  timeline: IncidentEvent[]
  warnings: string[]
  issueNumber?: number
  issueUrl?: string
  /** repository-relative path of the report */
  reportPath?: string
  /** impact and timing (the first run's figures stay on a re-run); absent in records written before it existed */
  impact?: Impact
  /** what the checks after the writes saw (verify-url, the installers' read of npm channels); a re-run keeps the first time each was seen */
  verification?: IncidentVerification
  /** a hand-off: the exact plan a maintainer's resume performs (the first hand-off's stays) */
  handoff?: HandoffPlan
  /** strategy republish, staged: the fix-forward version waiting for a maintainer's approval (the latest run's; absent once live) */
  staged?: StagedFix
}

/** A fix-forward version staged (npm stage publish), and the command that approves it. */
export interface StagedFix {
  version: string
  stageId: string
  /** `npm stage approve <stageId>` */
  command: string
}

/** The health endpoint and npm's channels as installers read them, after the writes. */
export interface IncidentVerification {
  health?: { url: string; field?: string; versions: string[]; timeout: string; seenAt?: string; reports?: string }
  installers?: Array<{
    name: string
    channel: string
    version: string
    registry: string
    seenAt?: string
    holds?: string
    maxAgeSeconds?: number
    error?: string
  }>
}
