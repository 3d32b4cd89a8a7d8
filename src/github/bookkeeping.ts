// The GitHub bookkeeping after a rollback: one tracking issue and one incident report per
// incident, however often it runs. The registry rollback is the critical path; anything
// that fails here is collected, so the run can say exactly what is missing.
import { inert } from '../core/markdown.js'
import type { GitHubInputs, RollbackInputs } from '../config/inputs.js'
import type { Plan } from '../core/plan.js'
import { errorOf, type IncidentRequest, type IncidentResult, type StepRecord, type TargetRun } from '../incident/run.js'
import type { Logger } from '../core/retry.js'
import type { GitHubClient } from './client.js'
import type { HandoffPlan, IncidentEvent, IncidentRecord, IncidentRun, RunContext } from './incident.js'
import { resumeCommand } from '../core/handoff.js'
import { kindOf } from '../targets/registry.js'
import { kindField } from './kinds.js'
import { type BookkeepingResult, recordIncidentRecord } from './record-incident.js'
import { runUrl } from './urls.js'

export type { BookkeepingResult } from './record-incident.js'

export { runUrl } from './urls.js'

/** What a target's kind calls its channel: "dist-tag", "tag", "release", "git tag". */
const channelWord = (t: TargetRun) => kindOf(t.kind).words.channel

function eventOf(step: StepRecord, r: TargetRun, several: boolean): IncidentEvent {
  const plan = r.plan as Plan
  // undo: the channel goes back to the bad version; the deprecation is removed
  const goal = plan.undo
    ? (plan.foundVersion ?? plan.rollbackVersion)
    : (plan.republish?.version ?? plan.restoreVersion)
  const undo = plan.undo ? 'undo: ' : ''
  const action = {
    plan: `check ${plan.packageName} on ${kindOf(r.kind).words.place} and plan`,
    'move-tag': `${undo}point ${channelWord(r)} '${plan.channel}' ${plan.undo ? 'back ' : ''}at ${goal}`,
    deprecate: plan.undo
      ? `undo: remove the deprecation of ${plan.rollbackVersion}`
      : `deprecate ${plan.rollbackVersion}`,
  }[step.step]
  return {
    at: step.at,
    action: several ? `${r.label.replace(/: $/, '')}: ${action}` : action,
    outcome: step.outcome,
    detail: step.detail,
  }
}

/**
 * The message the rollback replaced, which an undo puts back: from the rollback's plan, and
 * kept by an undo's plan (its restoreTo), so that a failed undo's record still holds it for
 * the re-run.
 */
function deprecationBeforeOf(plan: Plan | undefined): string | undefined {
  const d = plan?.deprecation
  if (d?.kind === 'deprecate') return d.previous || undefined
  if (d?.kind === 'undeprecate') return d.restoreTo
  return undefined
}

/** The incident as the issue and the report record it: one record, a row per target. */
/**
 * The deprecation message a target's run wrote (an undo removes exactly it): while the fix
 * is staged, the one naming the restore version (src/incident/run.ts, whileStaged).
 */
function writtenMessage(t: TargetRun): string | undefined {
  const d = t.plan?.deprecation
  if (!d || !('message' in d)) return undefined
  return t.staged && d.kind === 'deprecate' && d.whileStaged !== undefined ? d.whileStaged : d.message
}

/** One target's row in the record of several. */
function rowOf(t: TargetRun, result: IncidentResult): NonNullable<IncidentRecord['packages']>[number] {
  const kind = kindField(t.kind)
  return {
    name: t.name,
    ...(kind ? { kind } : {}),
    ...(t.channel !== result.channel ? { channel: t.channel } : {}),
    // undo: the row keeps what the rollback found and wrote, and says it is undone
    previousVersion: t.plan?.undo ? t.plan.foundVersion : t.plan?.previousVersion,
    restoreVersion: t.plan?.republish?.version ?? t.plan?.restoreVersion,
    // the message this tool wrote on this target (an undo compares with it)
    ...(writtenMessage(t) !== undefined ? { deprecationMessage: writtenMessage(t) } : {}),
    ...(deprecationBeforeOf(t.plan) !== undefined ? { deprecationBefore: deprecationBeforeOf(t.plan) } : {}),
    outcome: errorOf(t) ? `${t.outcome}: ${errorOf(t)}` : t.plan?.undo ? undoOutcome(t) : t.outcome,
  }
}

export function buildRecord(
  result: IncidentResult,
  inputs: Pick<RollbackInputs, 'reason' | 'restoreVersion'>,
  gi: Pick<GitHubInputs, 'severity'>,
  ctx: RunContext,
  now: string,
): IncidentRecord {
  const affected = result.targets.filter((t) => t.outcome !== 'not-affected')
  const several = result.targets.length > 1
  const first = affected[0] ?? result.targets[0]
  const plan = first.plan
  const restores = [...new Set(affected.map((t) => t.plan?.restoreVersion).filter((v): v is string => Boolean(v)))]
  // a target whose registry has no deprecate deprecated nothing: the record does not claim it
  const retired = affected.filter((t) => !t.cannotRetire).find((t) => t.plan && t.plan.deprecation.kind !== 'off')
  const deprecationSkipped = affected.find((t) => t.cannotRetire)?.cannotRetire
  const republished = affected.map((t) => t.plan?.republish?.version).find(Boolean)
  // an undo that changed something is recorded as its own status; a repeated one stays already-done (the no-op rule)
  const run: IncidentRun = {
    url: runUrl(ctx),
    at: now,
    status: result.undo && result.status === 'completed' ? 'undone' : result.status,
    actor: ctx.actor,
    trigger: ctx.eventName,
  }
  const changes = changesOf(result)
  const kinds = [...new Set(affected.map((t) => t.kind))]
  return {
    format: 1,
    incidentId: result.incidentId,
    packageName: several ? `${first.name} and ${affected.length - 1} more` : first.name,
    channel: several ? result.channel : (plan?.channel ?? first.channel),
    rollbackVersion: result.rollbackVersion,
    restoreVersion: restores.length === 1 ? restores[0] : (inputs.restoreVersion ?? 'last known good of each'),
    previousVersion: several ? undefined : plan?.undo ? plan.foundVersion : plan?.previousVersion,
    deprecationMessage: retired ? writtenMessage(retired) : undefined,
    ...(!several && deprecationBeforeOf(plan) !== undefined ? { deprecationBefore: deprecationBeforeOf(plan) } : {}),
    ...(deprecationSkipped ? { deprecationSkipped } : {}),
    tagsBefore: several ? {} : (first.before?.distTags ?? {}),
    tagsAfter: several ? {} : (first.after?.distTags ?? {}),
    severity: gi.severity,
    reason: inputs.reason,
    strategy: affected.some((t) => t.plan?.republish) ? 'republish' : 'retag',
    ...(republished ? { republishedVersion: republished } : {}),
    ...(kinds.length === 1 && kindField(kinds[0]) ? { target: kindField(kinds[0]) } : {}),
    ...(several
      ? {
          packages: result.targets.map((t) => rowOf(t, result)),
        }
      : {}),
    runs: [run],
    // the planning step is bookkeeping noise in a timeline: keep the writes
    timeline: [
      ...affected.flatMap((t) =>
        t.plan ? t.steps.filter((s) => s.step !== 'plan').map((s) => eventOf(s, t, several)) : [],
      ),
      // the undo as one entry of its own, with what it changed
      ...(run.status === 'undone'
        ? [
            {
              at: now,
              action: 'Undone',
              outcome: 'done' as const,
              detail: changes.map((c) => c.replace(/`/g, '')).join('; '),
            },
          ]
        : []),
    ],
    warnings: result.warnings,
    ...(result.impact ? { impact: result.impact } : {}),
    ...(result.verification
      ? { verification: JSON.parse(JSON.stringify(result.verification)) as NonNullable<IncidentRecord['verification']> }
      : {}),
    ...(result.handoff ? { handoff: handoffPlanOf(result, ctx) } : {}),
    ...(result.staged
      ? { staged: { version: result.staged.version, stageId: result.staged.stageId, command: result.staged.command } }
      : {}),
  }
}

/** The exact plan a hand-off leaves (src/handoff.ts): each planned target, where its channel goes, what it must still hold. */
function handoffPlanOf(result: IncidentResult, ctx: RunContext): HandoffPlan {
  const h = result.handoff as NonNullable<IncidentResult['handoff']>
  return {
    startedAt: h.startedAt,
    reason: h.reason,
    registry: h.registry,
    ...(h.restoreAsked !== undefined ? { restoreAsked: h.restoreAsked } : {}),
    command: h.command ?? resumeCommand(result.incidentId, ctx.repository),
    targets: result.targets.flatMap((t) => {
      const plan = t.plan
      if (!plan) return []
      return [
        {
          kind: t.kind,
          name: t.name,
          channel: plan.channel,
          ...(plan.previousVersion !== undefined ? { expected: plan.previousVersion } : {}),
          restore: plan.republish?.version ?? plan.restoreVersion,
          ...(plan.deprecation.kind === 'deprecate' && !t.cannotRetire
            ? { deprecationMessage: plan.deprecation.message }
            : {}),
        },
      ]
    }),
  }
}

/** An undone target's row outcome. */
function undoOutcome(t: TargetRun): string {
  const plan = t.plan as Plan
  return plan.tag.kind === 'keep-newer' ||
    t.after?.distTags[plan.channel] !== (plan.foundVersion ?? plan.rollbackVersion)
    ? `left alone (holds ${t.after?.distTags[plan.channel] ?? 'nothing'})`
    : 'undone'
}

/** What this run changed, in words, for the re-run comment. */
export function changesOf(result: IncidentResult): string[] {
  const changes: string[] = []
  for (const t of result.targets) {
    const plan = t.plan
    if (!plan) continue
    const who = result.targets.length > 1 ? ` of \`${t.name}\`` : ''
    if (plan.undo) {
      const holds = t.after?.distTags[plan.channel]
      const found = plan.foundVersion ?? plan.rollbackVersion
      if (t.moved)
        changes.push(
          `moved ${channelWord(t)} \`${plan.channel}\`${who} back to \`${found}\`: ${found === plan.rollbackVersion ? 'it points at the bad version again, as undo asked' : 'what it held when the incident found it'}`,
        )
      else if (holds !== found)
        changes.push(
          `left ${channelWord(t)} \`${plan.channel}\`${who} alone: it holds \`${holds ?? 'nothing'}\`, not what the rollback wrote`,
        )
      if (t.undeprecated)
        changes.push(
          plan.deprecation.kind === 'undeprecate' && plan.deprecation.restoreTo !== undefined
            ? `put back the deprecation of \`${plan.rollbackVersion}\`${who} that the rollback replaced`
            : `removed the deprecation of \`${plan.rollbackVersion}\`${who}`,
        )
      if (plan.deprecation.kind === 'kept')
        changes.push(`kept the deprecation of \`${plan.rollbackVersion}\`${who}: a person changed its message`)
      if (plan.republish)
        changes.push(`\`${plan.republish.version}\`${who} stays published (npm never reuses a version)`)
      for (const s of t.steps) if (s.outcome === 'failed') changes.push(`failed: ${s.step}${who}`)
      for (const a of t.anomalies ?? []) changes.push(`⚠️ ${inert(a)}`)
      continue
    }
    if (t.moved)
      changes.push(
        `moved ${channelWord(t)} \`${plan.channel}\`${who} to \`${plan.republish?.version ?? plan.restoreVersion}\``,
      )
    if (t.deprecated) changes.push(`deprecated \`${plan.rollbackVersion}\`${who}`)
    for (const s of t.steps) if (s.outcome === 'failed') changes.push(`failed: ${s.step}${who}`)
    for (const a of t.anomalies ?? []) changes.push(`⚠️ ${inert(a)}`)
  }
  return changes
}

/** The report's file name part: the target, or the first of several and how many more. */
export function reportName(result: IncidentResult): string {
  const affected = result.targets.filter((t) => t.outcome !== 'not-affected')
  const first = (affected[0] ?? result.targets[0]).name
  return result.targets.length > 1 ? `${first}-and-${affected.length - 1}-more` : first
}

/** The issue and the report for one incident (one target or many). */
export function recordIncident(
  gh: GitHubClient,
  ctx: RunContext,
  defaultBranch: string,
  result: IncidentResult,
  inputs: Pick<IncidentRequest, 'reason' | 'restoreVersion' | 'recorded'>,
  gi: GitHubInputs,
  log: Logger,
  now = new Date().toISOString(),
): Promise<BookkeepingResult> {
  const path = undoReportPath(result, inputs, gi.reportDir)
  return recordIncidentRecord(
    gh,
    ctx,
    defaultBranch,
    {
      record: buildRecord(result, inputs, gi, ctx, now),
      changes: changesOf(result),
      reportName: reportName(result),
      ...(path ? { path } : {}),
      ...(result.undo ? { undo: true } : {}),
    },
    gi,
    log,
  )
}

/**
 * An undo by incident id updates the report its record names (a report under report-dir),
 * even when the undo's targets name it differently (a target the rollback never planned is
 * not undone).
 */
export function undoReportPath(
  result: IncidentResult,
  inputs: Pick<IncidentRequest, 'recorded'>,
  reportDir: string,
): string | undefined {
  const path = inputs.recorded?.reportPath
  if (!result.undo || path === undefined) return undefined
  return path.startsWith(`${reportDir}/`) &&
    /^[A-Za-z0-9._/-]+\.md$/.test(path) &&
    !path.split('/').some((s) => s === '..' || s === '.' || s === '')
    ? path
    : undefined
}
