// The incident's record written to GitHub: the tracking issue, the bad version's GitHub
// Release, and the committed report, in that order. Each part that fails is collected in
// `missing`, so the run can say exactly what is absent; the registry rollback is done by then.
import { errorMessage } from '../core/errors.js'
import type { GitHubInputs } from '../config/inputs.js'
import type { Logger } from '../core/retry.js'
import type { GitHubClient, RepoRef } from './client.js'
import { ghMessage, ghStatus, repoRef } from './client.js'
import { reportPath } from './config.js'
import type { IncidentRecord, RunContext } from './incident.js'
import { ensureTrackingIssue } from './issue.js'
import { issueMarker, OVERRIDE_LABEL, runMarker } from './markers.js'
import { mergeRecord, parseReportRecord } from './record.js'
import { issueTitle, renderIssueBody, renderRerunComment, renderUndoComment } from './render-issue.js'
import { renderReport } from './render-report.js'
import { markReleases, type ReleaseMarking } from './releases.js'
import { commitReport, readFile, type RemoteFile } from './report.js'
import { blobUrl } from './urls.js'

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

/** One incident as this run recorded it, ready to write. */
export interface IncidentToRecord {
  record: IncidentRecord
  changes: string[]
  reportName: string
  path?: string
  undo?: boolean
}

/** What the parts below share: where they write, and the record merged with what a re-run found. */
interface Writing {
  gh: GitHubClient
  ctx: RunContext
  repo: RepoRef
  gi: GitHubInputs
  log: Logger
  out: BookkeepingResult
  incident: IncidentToRecord
  branch: string
  path: string
  /** this run's record */
  current: IncidentRecord
  /** this run's record merged into the one the report held */
  record: IncidentRecord
  existing: IncidentRecord | undefined
  /** the report as read once on its branch (the commit reuses this read) */
  known: { file: RemoteFile | undefined } | undefined
}

const lastStatus = (r: IncidentRecord) => r.runs[r.runs.length - 1]?.status

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

/** The tracking issue: opened once, commented on by each later run; an undo that is whole lifts the freeze. */
async function recordIssue(w: Writing): Promise<void> {
  const { gh, ctx, repo, gi, log, out, incident, current, record } = w
  // an undo that is whole (this run's, or an earlier one's) ends the incident: its issue no longer freezes releases
  const lifts = incident.undo === true && ['undone', 'already-done'].includes(current.runs[0]?.status ?? '')
  try {
    const reportUrl = gi.commitReport ? blobUrl(ctx, w.branch, w.path) : undefined
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
        recordedIssue: w.existing?.issueNumber,
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

/** The bad version's GitHub Release: one restore version to point at, or none. */
async function recordRelease(w: Writing): Promise<void> {
  const { gh, repo, gi, log, out, incident, current, record } = w
  const restores = new Set((current.packages ?? []).map((p) => p.restoreVersion).filter(Boolean))
  if (incident.undo) {
    // the undo reverses the registry; the GitHub Release marking is a note for people, left as it is
    if (gi.githubRelease !== false)
      out.warnings.push(
        `undo: the GitHub Release marking of ${record.rollbackVersion} (if the rollback made one) is left as it is; edit it by hand if needed.`,
      )
    return
  }
  // a hand-off wrote nothing: the resume marks the GitHub Release once the rollback is live
  if (lastStatus(current) === 'awaiting-approval') return
  if (gi.githubRelease === false || restores.size > 1) return
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

/** The incident report, committed on its branch (or, where that is protected, a pull request). */
async function recordReport(w: Writing): Promise<void> {
  const { gh, ctx, repo, log, out, incident, current, record, branch, path } = w
  /** the report on top of what a branch holds now: merged record, people's notes kept */
  const reportOn = (previous: string | undefined): string => {
    const merged = mergeRecord(previous === undefined ? undefined : parseReportRecord(previous), current)
    merged.reportPath = path
    if (record.issueNumber !== undefined) merged.issueNumber = record.issueNumber
    if (record.issueUrl !== undefined) merged.issueUrl = record.issueUrl
    return renderReport(merged, ctx, previous)
  }
  try {
    const commit = await commitReport(
      gh,
      repo,
      {
        branch,
        path,
        // what people wrote under the report's to-do headings is carried over
        render: reportOn,
        known: w.known,
        message: `docs(incidents): ${incident.undo ? 'undo of the ' : ''}rollback ${record.packageName}@${record.rollbackVersion} → ${record.restoreVersion} on ${record.channel} [skip ci]`,
        fallbackBranch: `rollback/${current.incidentId}`,
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

/**
 * The issue and the report for an incident, however it was built (one package or many).
 * `reportName` names the report file.
 */
export async function recordIncidentRecord(
  gh: GitHubClient,
  ctx: RunContext,
  defaultBranch: string,
  incident: IncidentToRecord,
  gi: GitHubInputs,
  log: Logger,
): Promise<BookkeepingResult> {
  const repo = repoRef(ctx.repository)
  const out: BookkeepingResult = { warnings: [], missing: [] }
  const branch = gi.reportBranch ?? defaultBranch
  const current = incident.record
  const path = incident.path ?? reportPath(gi.reportDir, incident.reportName, current.rollbackVersion, current.channel)

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
  const w: Writing = { gh, ctx, repo, gi, log, out, incident, branch, path, current, record, existing, known }

  if (gi.createIssue) await recordIssue(w)
  await recordRelease(w)
  if (gi.commitReport) await recordReport(w)
  for (const warning of out.warnings) log.warning(warning)
  return out
}
