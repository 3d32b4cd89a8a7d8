// The GitHub bookkeeping after a rollback: one tracking issue and one incident report per
// incident, however often it runs. The registry rollback is the critical path; anything
// that fails here is collected, so the run can say exactly what is missing.
import { errorMessage } from '../core/errors.js'
import { inert } from '../core/markdown.js'
import type { GitHubInputs, RollbackInputs } from '../config/inputs.js'
import type { Plan } from '../core/plan.js'
import { errorOf, type IncidentRequest, type IncidentResult, type StepRecord, type TargetRun } from '../incident/run.js'
import type { Logger } from '../core/retry.js'
import type { GitHubClient, RepoRef } from './client.js'
import { ghMessage, ghStatus, repoRef } from './client.js'
import { reportPath } from './config.js'
import type { HandoffPlan, IncidentEvent, IncidentRecord, IncidentRun, RunContext } from './incident.js'
import { resumeCommand } from '../core/handoff.js'
import { ensureTrackingIssue } from './issue.js'
import { issueMarker, OVERRIDE_LABEL, runMarker } from './markers.js'
import { mergeRecord, parseReportRecord } from './record.js'
import { issueTitle, renderIssueBody, renderRerunComment, renderUndoComment } from './render-issue.js'
import { renderReport } from './render-report.js'
import { markReleases, type ReleaseMarking } from './releases.js'
import { commitReport, readFile, type RemoteFile } from './report.js'
import { blobUrl, runUrl } from './urls.js'
import { kindOf } from '../targets/registry.js'

export interface BookkeepingResult {
  issueNumber?: number
  issueUrl?: string
  issueCreated?: boolean
  reportPath?: string
  reportUrl?: string
  reportOutcome?: 'created' | 'updated' | 'unchanged'
  pullRequestUrl?: string
  /** the bad version's GitHub Release, marked; 'latest' moved to the restore version's */
  githubRelease?: ReleaseMarking
  warnings: string[]
  /** the parts that failed, each with its reason */
  missing: string[]
  /** an undo lifted the release freeze: closed the tracking issue, or labelled it release-freeze-override where closing was refused */
  freezeLifted?: 'closed' | 'labelled'
}

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
    ...(kinds.length === 1 && kinds[0] !== 'npm' ? { target: kinds[0] } : {}),
    ...(several
      ? {
          packages: result.targets.map((t) => ({
            name: t.name,
            ...(t.kind !== 'npm' ? { kind: t.kind } : {}),
            ...(t.channel !== result.channel ? { channel: t.channel } : {}),
            // undo: the row keeps what the rollback found and wrote, and says it is undone
            previousVersion: t.plan?.undo ? t.plan.foundVersion : t.plan?.previousVersion,
            restoreVersion: t.plan?.republish?.version ?? t.plan?.restoreVersion,
            // the message this tool wrote on this target (an undo compares with it)
            ...(writtenMessage(t) !== undefined ? { deprecationMessage: writtenMessage(t) } : {}),
            ...(deprecationBeforeOf(t.plan) !== undefined ? { deprecationBefore: deprecationBeforeOf(t.plan) } : {}),
            outcome: errorOf(t) ? `${t.outcome}: ${errorOf(t)}` : t.plan?.undo ? undoOutcome(t) : t.outcome,
          })),
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

const lastStatus = (r: IncidentRecord) => r.runs[r.runs.length - 1]?.status

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

/**
 * An undone incident's issue stops freezing releases (src/freeze.ts): it is closed, or where
 * GitHub refuses that, labelled release-freeze-override. An issue already closed is left as it is.
 */
async function liftFreeze(
  gh: GitHubClient,
  repo: RepoRef,
  number: number,
  out: BookkeepingResult,
  log: Logger,
): Promise<void> {
  const { data } = await gh.rest.issues.get({ ...repo, issue_number: number })
  if (data.state === 'closed') return
  try {
    await gh.rest.issues.update({ ...repo, issue_number: number, state: 'closed', state_reason: 'completed' })
    out.freezeLifted = 'closed'
    log.info(`✔ closed tracking issue #${number}: the rollback is undone, so the release freeze no longer holds`)
    return
  } catch (e) {
    const status = ghStatus(e)
    if (status !== 403 && status !== 404 && status !== 410 && status !== 422) throw e
    const why = ghMessage(e)
    try {
      await gh.rest.issues.addLabels({ ...repo, issue_number: number, labels: [OVERRIDE_LABEL] })
      out.freezeLifted = 'labelled'
      out.warnings.push(
        `GitHub refused to close tracking issue #${number} (${why}): it is labelled ${OVERRIDE_LABEL} instead, so the release freeze no longer holds; close it by hand.`,
      )
    } catch (e2) {
      out.missing.push(
        `closing tracking issue #${number}, or labelling it ${OVERRIDE_LABEL} (${why}; ${errorMessage(e2)}): the release freeze still holds until it is closed by hand`,
      )
    }
  }
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

/**
 * The issue and the report for an incident, however it was built (one package or many).
 * `reportName` names the report file.
 */
async function recordIncidentRecord(
  gh: GitHubClient,
  ctx: RunContext,
  defaultBranch: string,
  incident: { record: IncidentRecord; changes: string[]; reportName: string; path?: string; undo?: boolean },
  gi: GitHubInputs,
  log: Logger,
): Promise<BookkeepingResult> {
  const repo = repoRef(ctx.repository)
  const out: BookkeepingResult = { warnings: [], missing: [] }
  const branch = gi.reportBranch ?? defaultBranch
  const current = incident.record
  const path = incident.path ?? reportPath(gi.reportDir, incident.reportName, current.rollbackVersion, current.channel)
  const fallbackBranch = `rollback/${current.incidentId}`

  // a re-run merges into what the first run recorded (first "before", all real events).
  // Read once, on the report's branch; the commit below reuses this read. A report that
  // went to the fallback branch (protected target) is read there when the commit gets there.
  let known: { file: RemoteFile | undefined } | undefined
  if (gi.commitReport) {
    try {
      known = { file: await readFile(gh, repo, path, branch) }
    } catch (e) {
      log.warning(`Could not read the existing report ${path}: ${errorMessage(e)}`)
    }
  }
  const existing = known?.file ? parseReportRecord(known.file.content) : undefined
  const record = mergeRecord(existing, current)
  record.reportPath = gi.commitReport ? path : undefined
  /** the report on top of what a branch holds now: merged record, people's notes kept */
  const reportOn = (previous: string | undefined): string => {
    const merged = mergeRecord(previous === undefined ? undefined : parseReportRecord(previous), current)
    merged.reportPath = path
    if (record.issueNumber !== undefined) merged.issueNumber = record.issueNumber
    if (record.issueUrl !== undefined) merged.issueUrl = record.issueUrl
    return renderReport(merged, ctx, previous)
  }

  // an undo that is whole (this run's, or an earlier one's) ends the incident: its issue no longer freezes releases
  const lifts = incident.undo === true && ['undone', 'already-done'].includes(current.runs[0]?.status ?? '')
  if (gi.createIssue) {
    try {
      const reportUrl = gi.commitReport ? blobUrl(ctx, branch, path) : undefined
      const issue = await ensureTrackingIssue(
        gh,
        repo,
        {
          marker: issueMarker(record.incidentId),
          title: issueTitle(record),
          body: renderIssueBody(record, ctx, { reportUrl }),
          labels: gi.labels,
          assignees: gi.assignees,
          comment: incident.undo
            ? renderUndoComment(record, ctx, current.runs[0], incident.changes, lifts)
            : renderRerunComment(record, ctx, current.runs[0], incident.changes),
          runMarker: runMarker(ctx),
          recordedIssue: existing?.issueNumber,
          // a maintainer's resume (their own token) comments on the issue the hand-off's bot opened
          ...(ctx.eventName === 'resume' ? { adoptRecordedBotIssue: true } : {}),
        },
        log,
      )
      Object.assign(out, { issueNumber: issue.number, issueUrl: issue.url, issueCreated: issue.created })
      record.issueNumber = issue.number
      record.issueUrl = issue.url
      log.info(
        issue.created
          ? `✔ opened tracking issue #${issue.number}: ${issue.url}`
          : `✔ tracking issue #${issue.number} already exists${issue.commented ? ': commented on it' : ''}: ${issue.url}`,
      )
      if (lifts) await liftFreeze(gh, repo, issue.number, out, log)
    } catch (e) {
      out.missing.push(`the tracking issue (${errorMessage(e)})`)
    }
  }

  // the bad version's GitHub Release: one restore version to point at, or none
  const restores = new Set((current.packages ?? []).map((p) => p.restoreVersion).filter(Boolean))
  if (incident.undo) {
    // the undo reverses the registry; the GitHub Release marking is a note for people, left as it is
    if (gi.githubRelease !== false)
      out.warnings.push(
        `undo: the GitHub Release marking of ${record.rollbackVersion} (if the rollback made one) is left as it is; edit it by hand if needed.`,
      )
  } else if (lastStatus(current) === 'awaiting-approval') {
    // a hand-off wrote nothing: the resume marks the GitHub Release once the rollback is live
  } else if (gi.githubRelease !== false && restores.size <= 1) {
    try {
      const releases = await markReleases(
        gh,
        repo,
        {
          bad: record.rollbackVersion,
          restore: record.republishedVersion ?? record.restoreVersion,
          reason: record.reason,
          incidentId: record.incidentId,
          issueUrl: record.issueUrl,
        },
        log,
      )
      out.githubRelease = releases
      out.warnings.push(...releases.warnings)
      out.missing.push(...releases.missing)
      if (releases.badRelease)
        log.info(
          `✔ GitHub Release of ${record.rollbackVersion} ${releases.badRelease.outcome === 'marked' ? 'marked as rolled back' : 'already marked'}: ${releases.badRelease.url}`,
        )
      if (releases.latestMovedTo)
        log.info(
          `✔ the latest GitHub Release is ${releases.latestMovedTo.tag}${releases.latestMovedTo.outcome === 'already' ? ' (already)' : ' now'}`,
        )
    } catch (e) {
      out.missing.push(`the GitHub Release marking (${errorMessage(e)})`)
    }
  }

  if (gi.commitReport) {
    try {
      const commit = await commitReport(
        gh,
        repo,
        {
          branch,
          path,
          // what people wrote under the report's to-do headings is carried over
          render: reportOn,
          known,
          message: `docs(incidents): ${incident.undo ? 'undo of the ' : ''}rollback ${record.packageName}@${record.rollbackVersion} → ${record.restoreVersion} on ${record.channel} [skip ci]`,
          fallbackBranch,
          pullRequest: {
            title: `Incident report: rollback of ${record.packageName}@${record.rollbackVersion}`,
            body: `The incident report for the rollback of \`${record.packageName}@${record.rollbackVersion}\` (${record.incidentId}). The branch \`${branch}\` is protected, so it comes as a pull request.${record.issueNumber ? `\n\nRefs #${record.issueNumber}` : ''}`,
          },
        },
        log,
      )
      Object.assign(out, {
        reportPath: path,
        reportUrl: commit.url,
        reportOutcome: commit.outcome,
        pullRequestUrl: commit.pullRequestUrl,
      })
      // a report on a branch without a pull request is seen by nobody: the run is partial
      if (commit.pullRequestRefused)
        out.missing.push(
          `the pull request for the incident report (committed on branch ${commit.branch}): ${commit.pullRequestRefused}`,
        )
      log.info(
        `✔ incident report ${path} ${commit.outcome === 'unchanged' ? 'is up to date' : commit.outcome} on ${commit.branch}${commit.pullRequestUrl ? ` (pull request ${commit.pullRequestUrl})` : ''}`,
      )
    } catch (e) {
      out.missing.push(`the incident report ${path} (${errorMessage(e)})`)
    }
  }
  for (const w of out.warnings) log.warning(w)
  return out
}
