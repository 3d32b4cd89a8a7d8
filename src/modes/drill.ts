// The rollback drill (drill: true): proves, without changing what anyone installs, that a
// rollback would work right now. Per target: its credentials (checkAccess), a harmless
// write where the adapter has one (probeWrite: npm's dist-tag release-rollback-drill-<machine>-<pid>-<random>, added
// and removed), and a last known good to go back to (the planner on what the channel holds).
// Then the GitHub token: the repository readable and, where GitHub lists them, push
// permission. The report is committed through the incident report's Contents-API path; a
// failed drill opens (or comments on) ONE issue found by its hidden marker.
import { runUrl } from '../github/urls.js'
import { CapabilityError, InputError, RegistryError, errorMessage } from '../core/errors.js'
import type { GitHubClient } from '../github/client.js'
import type { RunContext } from '../github/incident.js'
import { ensureTrackingIssue, findIssueByMarker } from '../github/issue.js'
import { runMarker } from '../github/markers.js'
import { ghStatus, repoRef } from '../github/refs.js'
import { commitReport } from '../github/report.js'
import type { GitHubInputs, RollbackInputs } from '../config/inputs.js'
import { circuitBreaker, planRollback } from '../core/plan.js'
import { removingProbesOnSignal } from '../targets/npm/probe-tag.js'
import type { Logger } from '../core/retry.js'
import type { IncidentTarget } from '../incident/run.js'
import {
  DRILL_MARKER,
  drillIssueTitle,
  drillReportPath,
  renderDrillComment,
  renderDrillIssue,
  renderDrillReport,
  whatWouldBreak,
  type DrillCheck,
  type DrillRecord,
  type DrillStatus,
} from './drill-report.js'
import { settingName } from '../core/settings.js'
import { kindOf } from '../targets/registry.js'

export type { DrillCheck, DrillStatus } from './drill-report.js'

export interface DrillResult {
  status: DrillStatus
  checks: DrillCheck[]
  warnings: string[]
  /** what would break, one line per failed check */
  broken: string[]
  reportPath?: string
  reportUrl?: string
  issueNumber?: number
  issueUrl?: string
  /** GitHub bookkeeping that could not be done (the drill fails then too) */
  missing: string[]
}

/** A credential that expires sooner than this is warned about (npm write tokens: 7 days by default, 90 at most). */
const EXPIRY_WARNING_DAYS = 14

/** The input that holds the kind's credentials, for failures that do not name one. */
const credentialOf = (kind: IncidentTarget['kind']): string => kindOf(kind).credential

function inputOf(e: unknown, kind: IncidentTarget['kind']): string | undefined {
  if (e instanceof CapabilityError) return 'registry'
  if (e instanceof InputError) return e.input
  const status = (e as { statusCode?: number }).statusCode ?? ghStatus(e)
  if (e instanceof RegistryError && (status === 401 || status === 403)) return credentialOf(kind)
  if (status === 401 || status === 403) return credentialOf(kind)
  return undefined
}

async function timed(
  check: string,
  subject: string,
  fn: () => Promise<string>,
  input: (e: unknown) => string | undefined,
): Promise<DrillCheck> {
  const start = Date.now()
  try {
    const detail = await fn()
    return { check, subject, outcome: 'passed', detail, ms: Date.now() - start }
  } catch (e) {
    const found = input(e)
    return {
      check,
      subject,
      outcome: 'failed',
      detail: errorMessage(e),
      ...(found ? { input: found } : {}),
      ms: Date.now() - start,
    }
  }
}

/** One target's checks: credentials, the harmless write, the last known good. */
async function drillTarget(
  req: RollbackInputs,
  t: IncidentTarget,
  log: Logger,
  warnings: string[],
): Promise<DrillCheck[]> {
  const subject = `${t.kind}:${t.name}`
  const checks: DrillCheck[] = []
  const byKind = (e: unknown) => inputOf(e, t.kind)
  checks.push(
    await timed(
      'credentials',
      subject,
      async () => {
        await t.target.checkAccess()
        const expiry = t.target.tokenExpiry ? await t.target.tokenExpiry() : undefined
        if (expiry?.expires !== undefined) {
          const days = (Date.parse(expiry.expires) - Date.now()) / 86_400_000
          // npm's write tokens last 7 days by default and 90 at most (github.blog changelog 2025-09-29):
          // a token that expires before the next scheduled drills is the rollback's to lose
          if (days < EXPIRY_WARNING_DAYS)
            warnings.push(
              `${subject}: ${settingName(credentialOf(t.kind))} expires ${expiry.expires} (in ${Math.max(0, Math.floor(days))} day(s)): a rollback after that fails. Create a new granular access token (npm's write tokens last 7 days by default, 90 at most) and replace it before then.`,
            )
        }
        return `${kindOf(t.kind).words.accessProven()}${expiry ? ` Expiry: ${expiry.said}.` : ''}`
      },
      byKind,
    ),
  )
  let holds: string | undefined
  checks.push(
    await timed(
      'last known good',
      subject,
      async () => {
        const state = await t.target.inspect()
        const gate = circuitBreaker(state, t.channel, req.rollbackVersion)
        if (!gate.proceed) throw new Error(gate.reason)
        holds = state.distTags[t.channel]
        const plan = planRollback(
          { ...req, packageName: t.name, channel: t.channel, rollbackVersion: gate.rollbackVersion, deprecate: false },
          state,
        )
        return `'${t.channel}' holds ${gate.rollbackVersion}; a rollback would restore ${plan.restoreVersion}.`
      },
      (e) => (e instanceof InputError ? e.input : undefined),
    ),
  )
  const write = await writeCheck(req, t, subject, holds, warnings)
  if (write) checks.push(write)
  t.target.forget?.()
  for (const c of checks)
    (c.outcome === 'failed' ? log.warning : log.info)(
      `Drill: ${subject}: ${c.check}: ${c.outcome} (${c.ms} ms): ${c.detail}`,
    )
  return checks
}

/** The harmless write, where the adapter has one (probeWrite), on the version the channel holds. */
async function writeCheck(
  req: RollbackInputs,
  t: IncidentTarget,
  subject: string,
  holds: string | undefined,
  warnings: string[],
): Promise<DrillCheck | undefined> {
  if (!t.target.probeWrite) return undefined
  const target = t.target
  if (holds === undefined)
    return { check: 'write', subject, outcome: 'skipped', detail: `'${t.channel}' holds no version to tag.`, ms: 0 }
  const version = holds
  return timed(
    'write',
    subject,
    async () => {
      // the rollback's own preflight, always with the harmless write: a registry that cannot
      // move the channel fails here by name; one without deprecate is a warning (a rollback
      // would still move the channel)
      const r = target.capabilities
        ? await target.capabilities(t.channel, version, {
            move: true,
            probe: 'always',
            republish: req.strategy === 'republish',
          })
        : {
            ...(await (target.probeWrite as NonNullable<typeof target.probeWrite>)(version)),
            cannotRetire: undefined,
          }
      warnings.push(...r.warnings.map((w) => `${subject}: ${w}`))
      if (r.cannotRetire)
        warnings.push(
          `${subject}: ${r.cannotRetire}: a rollback would move '${t.channel}' but could not deprecate the bad version (deprecated=false).`,
        )
      return `a dist-tag of its own ('release-rollback-drill-<random>') was added on ${version}, read back, removed and confirmed gone.`
    },
    (e) => inputOf(e, t.kind),
  )
}

/** The GitHub token: the repository readable, and push permission where GitHub lists it. */
async function drillGitHub(gh: GitHubClient, ctx: RunContext): Promise<{ check: DrillCheck; defaultBranch?: string }> {
  let defaultBranch: string | undefined
  const check = await timed(
    'repository access',
    'github',
    async () => {
      let data: { default_branch: string; permissions?: { push?: boolean; triage?: boolean } }
      try {
        ;({ data } = await gh.rest.repos.get({ ...repoRef(ctx.repository) }))
      } catch (e) {
        const status = ghStatus(e)
        if (status === 401)
          throw new InputError('github-token', 'was rejected by GitHub (401 Bad credentials).', 'pass a valid token.')
        if (status === 403 || status === 404)
          throw new InputError(
            'github-token',
            `cannot read the repository ${ctx.repository} (${status}).`,
            'give the job contents: write and issues: write.',
          )
        throw e
      }
      defaultBranch = data.default_branch
      // the workflow token's permissions are not listed: the commit below proves them
      if (data.permissions && data.permissions.push === false)
        throw new InputError(
          'github-token',
          `may not push to ${ctx.repository} (GitHub lists no push permission), so the incident report could not be committed.`,
          'give the job contents: write.',
        )
      return data.permissions
        ? `the repository is readable; GitHub lists push${data.permissions.triage ? ' and triage' : ''} permission.`
        : 'the repository is readable (GitHub lists no permissions for this token: the commit of this report proves them).'
    },
    () => 'github-token',
  )
  return { check, defaultBranch }
}

type Repo = ReturnType<typeof repoRef>

/** Commits the drill's report (gi.commitReport); what failed goes to result.missing. */
async function recordReport(
  gh: GitHubClient,
  repo: Repo,
  gi: GitHubInputs,
  record: DrillRecord,
  result: DrillResult,
  startedAt: string,
  defaultBranch: string,
  log: Logger,
): Promise<void> {
  const path = drillReportPath(gi.reportDir, startedAt)
  const branch = gi.reportBranch ?? defaultBranch
  try {
    const commit = await commitReport(
      gh,
      repo,
      {
        branch,
        path,
        render: () => renderDrillReport(record),
        message: `Rollback drill ${startedAt.slice(0, 10)}: ${record.status === 'drill-passed' ? 'passed' : 'failed'} [skip ci]`,
        fallbackBranch: `rollback/drill-${startedAt.slice(0, 10)}`,
        pullRequest: {
          title: `Rollback drill ${startedAt.slice(0, 10)}`,
          body: `The report of the rollback drill of ${startedAt}.`,
        },
      },
      log,
    )
    result.reportPath = path
    result.reportUrl = commit.url
    if (commit.pullRequestRefused) result.missing.push(`the drill report's pull request: ${commit.pullRequestRefused}`)
  } catch (e) {
    result.missing.push(`the drill report (${path}): ${errorMessage(e)}`)
  }
}

/** Opens (or comments on) the drill issue of a failed drill; says so on an open one when it passes. */
async function recordIssue(
  gh: GitHubClient,
  repo: Repo,
  gi: GitHubInputs,
  record: DrillRecord,
  result: DrillResult,
  ctx: RunContext,
  log: Logger,
): Promise<void> {
  const label = gi.labels[0]
  const marker = runMarker(ctx)
  try {
    if (record.status === 'drill-failed') {
      const issue = await ensureTrackingIssue(
        gh,
        repo,
        {
          marker: DRILL_MARKER,
          title: drillIssueTitle(),
          body: renderDrillIssue(record, result.reportUrl),
          labels: gi.labels,
          assignees: gi.assignees,
          comment: renderDrillComment(record, marker, result.reportUrl),
          runMarker: marker,
        },
        log,
      )
      result.issueNumber = issue.number
      result.issueUrl = issue.url
      // a drill issue closed earlier, failing again: open again, it is the same problem's place
      if (!issue.created) {
        const { data } = await gh.rest.issues.get({ ...repo, issue_number: issue.number })
        if (data.state === 'closed') await gh.rest.issues.update({ ...repo, issue_number: issue.number, state: 'open' })
      }
    } else {
      // a passing drill closes nothing: it says so on the open drill issue, a person closes it
      const found = await findIssueByMarker(gh, repo, label, DRILL_MARKER)
      if (found) {
        const { data } = await gh.rest.issues.get({ ...repo, issue_number: found.number })
        if (data.state === 'open') {
          const comments = await gh.paginate(gh.rest.issues.listComments, {
            ...repo,
            issue_number: found.number,
            per_page: 100,
          })
          if (!comments.some((c) => c.body?.includes(marker)))
            await gh.rest.issues.createComment({
              ...repo,
              issue_number: found.number,
              body: renderDrillComment(record, marker, result.reportUrl),
            })
          result.issueNumber = found.number
          result.issueUrl = found.url
        }
      }
    }
  } catch (e) {
    result.missing.push(`the drill issue: ${errorMessage(e)}`)
  }
}

export interface DrillOptions {
  /** the start of the run (the report's date) */
  startedAt?: string
}

/**
 * Runs the drill over every target, then records it on GitHub when `gh` is given (the
 * report, and the issue of a failed drill). Never throws for a failed check: the result
 * says what would break.
 */
export async function runDrill(
  req: RollbackInputs,
  gi: GitHubInputs,
  targets: IncidentTarget[],
  gh: GitHubClient | undefined,
  ctx: RunContext,
  log: Logger,
  options: DrillOptions = {},
): Promise<DrillResult> {
  const startedAt = options.startedAt ?? new Date().toISOString()
  const warnings: string[] = []
  const checks: DrillCheck[] = []
  // a drill cancelled mid-probe (SIGTERM, SIGINT) removes its probe tags before it exits
  await removingProbesOnSignal(async () => {
    for (const t of targets) checks.push(...(await drillTarget(req, t, log, warnings)))
  }, log)
  let defaultBranch: string | undefined
  if (gh) {
    const g = await drillGitHub(gh, ctx)
    checks.push(g.check)
    defaultBranch = g.defaultBranch
  }
  const record: DrillRecord = {
    status: checks.some((c) => c.outcome === 'failed') ? 'drill-failed' : 'drill-passed',
    startedAt,
    repository: ctx.repository,
    runUrl: runUrl(ctx),
    channel: req.channel,
    checks,
    warnings,
  }
  const result: DrillResult = { status: record.status, checks, warnings, broken: whatWouldBreak(record), missing: [] }
  if (!gh || defaultBranch === undefined) return result

  const repo = repoRef(ctx.repository)
  if (gi.commitReport) await recordReport(gh, repo, gi, record, result, startedAt, defaultBranch, log)
  if (gi.createIssue) await recordIssue(gh, repo, gi, record, result, ctx, log)
  for (const m of result.missing) log.warning(`Drill: could not record ${m}`)
  // the GitHub token that cannot record the drill could not record an incident either
  if (result.missing.length > 0) {
    result.status = 'drill-failed'
    result.broken.push(...result.missing.map((m) => `github (${settingName('github-token')}): could not record ${m}`))
  }
  return result
}
