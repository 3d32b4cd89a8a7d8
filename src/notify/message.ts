// What the announcements say, platform-neutral: the start (a beforeWrite step) and the end
// (an atEnd step) of a rollback as one plain object. format.ts renders it for each
// platform, and the json format sends it as it is. Pure: no I/O, no clock (the time is
// passed in), no @actions/*. Text here is raw: each platform escapes it.
import type { BookkeepingResult } from '../github/bookkeeping.js'
import { PartialError, errorMessage } from '../core/errors.js'
import type { RunContext } from '../github/incident.js'
import { safeUrl } from '../github/render-parts.js'
import { runUrl } from '../github/urls.js'
import {
  errorOf,
  incidentOf,
  type IncidentRequest,
  type IncidentResult,
  type IncidentTarget,
  type TargetRun,
} from '../incident/run.js'

export type AnnouncedStatus = 'in-progress' | 'completed' | 'already-done' | 'partial' | 'failed'

export interface AnnouncedTarget {
  kind: string
  name: string
  channel: string
  /** what the channel holds (start) or held (end) */
  current: string | null
  /** what it is restored to */
  restore: string | null
  /** the end only: rolled-back, already, failed, put-back, skipped, not-affected */
  outcome: string | null
  error: string | null
}

/** The json format's body, field for field (docs/runbook.md "Announce" documents it). */
export interface Announcement {
  event: 'rollback.started' | 'rollback.finished'
  status: AnnouncedStatus
  /** ROLLBACK IN PROGRESS, ROLLBACK COMPLETE, ROLLBACK PARTIAL: … missing, ROLLBACK FAILED: nothing was changed */
  headline: string
  incidentId: string | null
  rollbackVersion: string
  channel: string
  reason: string
  severity: string
  targets: AnnouncedTarget[]
  /** partial: what is still missing */
  missing: string[]
  /** partial or failed: the error, in one message */
  error: string | null
  actor: string | null
  trigger: string | null
  runUrl: string | null
  issueUrl: string | null
  reportUrl: string | null
  /** ISO-8601 UTC */
  at: string
}

export interface AnnounceContext {
  request: Pick<IncidentRequest, 'reason' | 'channel' | 'rollbackVersion' | 'restoreVersion'>
  severity: string
  ctx: RunContext
  /** every target of the incident (the incident id of several is computed over all of them) */
  targets: Array<Pick<IncidentTarget, 'kind' | 'name'>>
}

export const HEADLINE = {
  started: 'ROLLBACK IN PROGRESS',
  completed: 'ROLLBACK COMPLETE',
  alreadyDone: 'ROLLBACK COMPLETE: already rolled back, nothing needed changing',
  failed: 'ROLLBACK FAILED: nothing was changed',
} as const

const HEADLINE_MISSING_MAX = 120

/** The link to the workflow run, when there is one (the CLI has none). */
export function runUrlOf(ctx: RunContext): string | null {
  return safeUrl(runUrl(ctx)) ?? null
}

function common(a: AnnounceContext, at: string) {
  return {
    reason: a.request.reason,
    severity: a.severity,
    actor: a.ctx.actor ?? null,
    trigger: a.ctx.eventName ? (a.ctx.workflow ? `${a.ctx.eventName} in ${a.ctx.workflow}` : a.ctx.eventName) : null,
    runUrl: runUrlOf(a.ctx),
    at,
  }
}

const goal = (t: TargetRun) => t.plan?.republish?.version ?? t.plan?.restoreVersion ?? null

/** The start: every planned target, what its channel holds and what it is restored to. */
export function startAnnouncement(planned: TargetRun[], a: AnnounceContext, at: string): Announcement {
  const first = planned[0]
  return {
    event: 'rollback.started',
    status: 'in-progress',
    headline: HEADLINE.started,
    incidentId: (a.targets.length > 1 ? incidentOf(a.targets, a.request) : first?.plan?.incidentId) || null,
    rollbackVersion: first?.plan?.rollbackVersion ?? a.request.rollbackVersion,
    channel: a.request.channel,
    ...common(a, at),
    targets: planned.map((t) => ({
      kind: t.kind,
      name: t.name,
      channel: t.channel,
      current: t.plan?.previousVersion ?? null,
      restore: goal(t),
      outcome: null,
      error: null,
    })),
    missing: [],
    error: null,
    issueUrl: null,
    reportUrl: null,
  }
}

/** What a partial result still misses, one item each. */
export function missingOf(result: IncidentResult): string[] {
  if (result.error instanceof PartialError) return result.error.missing
  const failed = result.targets.filter((t) => t.failure)
  if (failed.length > 0) return failed.map((t) => `${t.name} (${errorOf(t)})`)
  return result.error ? [result.error.message] : []
}

/** The end: the result (or the error that stopped the run before any write), with the tracking issue. */
export function endAnnouncement(
  end: { result?: IncidentResult; error?: unknown },
  books: BookkeepingResult | undefined,
  a: AnnounceContext,
  at: string,
): Announcement {
  const result = end.result
  const status: AnnouncedStatus = !result
    ? 'failed'
    : result.status === 'completed' || result.status === 'already-done' || result.status === 'partial'
      ? result.status
      : 'failed'
  const missing = result && status === 'partial' ? missingOf(result) : []
  const shortMissing = missing.join('; ')
  const headline =
    status === 'completed'
      ? HEADLINE.completed
      : status === 'already-done'
        ? HEADLINE.alreadyDone
        : status === 'partial'
          ? `ROLLBACK PARTIAL: ${shortMissing.length > HEADLINE_MISSING_MAX ? `${[...shortMissing].slice(0, HEADLINE_MISSING_MAX - 1).join('')}…` : shortMissing} missing`
          : HEADLINE.failed
  const first = result?.targets.find((t) => t.plan)
  return {
    event: 'rollback.finished',
    status,
    headline,
    incidentId: result?.incidentId || null,
    rollbackVersion: first?.plan?.rollbackVersion ?? result?.rollbackVersion ?? a.request.rollbackVersion,
    channel: a.request.channel,
    ...common(a, at),
    targets: (result?.targets ?? []).map((t) => ({
      kind: t.kind,
      name: t.name,
      channel: t.channel,
      current: t.plan?.previousVersion ?? null,
      restore: goal(t),
      outcome: t.outcome,
      error: errorOf(t) ?? null,
    })),
    missing,
    error: result ? (result.error?.message ?? null) : errorMessage(end.error),
    issueUrl: safeUrl(books?.issueUrl) ?? null,
    reportUrl: safeUrl(books?.pullRequestUrl ?? books?.reportUrl) ?? null,
  }
}
