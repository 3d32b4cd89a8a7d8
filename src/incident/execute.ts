// One rollback, start to finish, for every entry point (the action and the CLI): the
// runner over every target, then the GitHub bookkeeping, with failures after the rollback
// took effect turned into a partial result that names what is missing.
import type { BookkeepingResult } from '../github/bookkeeping.js'
import { InputError, PartialError, errorMessage } from '../core/errors.js'
import type { GitHubClient } from '../github/client.js'
import { ghStatus, repoRef } from '../github/refs.js'
import type { RunContext } from '../github/incident.js'
import type { GitHubInputs } from '../config/inputs.js'
import type { RecordedIncident } from '../core/plan.js'
import type { Logger } from '../core/retry.js'
import {
  runIncident,
  type IncidentRequest,
  type IncidentResult,
  type IncidentTarget,
  type RunOptions,
  type TargetRun,
} from './run.js'
import { currentDialect } from '../core/settings.js'
import { resumeCommand } from '../core/handoff.js'

export interface Execution {
  result: IncidentResult
  bookkeeping?: BookkeepingResult
}

/** What a runbook step found: parts that are missing (the run becomes partial) and warnings. */
export interface StepReport {
  missing: string[]
  warnings: string[]
}

/**
 * The runbook around the registry writes, each step in its own module (src/runbook/,
 * src/notify/): executeIncident calls them at fixed points.
 */
export interface RunbookSteps {
  /** after every target is planned, before any write (not in a dry run); throwing stops the run with nothing written */
  beforeWrite?: Array<(planned: TargetRun[]) => Promise<void>>
  /** a hand-off (src/handoff.ts) instead of the writes: the checks of beforeWrite that write nothing (the smoke test) */
  beforeHandoff?: Array<(planned: TargetRun[]) => Promise<void>>
  /** once the channels are restored, beside the retire (not awaited): the installers' reads start here */
  afterRestore?: Array<(restored: TargetRun[]) => void>
  /** after the writes, before the bookkeeping, when something was rolled back or already was: what is missing makes the run partial */
  afterWrite?: Array<(result: IncidentResult) => Promise<StepReport>>
  /** told each time a target moves on (the CLI's progress lines) */
  progress?: RunOptions['progress']
  /** at the very end, whatever happened (result, or the error that stopped the run); never fails the run */
  atEnd?: Array<(end: { result?: IncidentResult; error?: unknown }, books?: BookkeepingResult) => Promise<StepReport>>
  /** undo: reads the incident's record by its id, awaited before planning (src/undo.ts undoRecordReader) */
  undoRecord?: (incidentId: string) => Promise<RecordedIncident | undefined>
}

/**
 * `gh` undefined: no GitHub bookkeeping (dry run, both parts off, or a CLI run without a
 * token). Throws only for failures before anything was written.
 */
export async function executeIncident(
  req: IncidentRequest,
  gi: GitHubInputs,
  targets: IncidentTarget[],
  gh: GitHubClient | undefined,
  ctx: RunContext,
  log: Logger,
  steps: RunbookSteps = {},
): Promise<Execution> {
  let execution: Execution | undefined
  try {
    execution = await runAndRecord(req, gi, targets, gh, ctx, log, steps)
    return execution
  } catch (error) {
    await atEnd(steps, { error }, undefined, log)
    throw error
  } finally {
    if (execution)
      partialFrom(execution.result, await atEnd(steps, { result: execution.result }, execution.bookkeeping, log), true)
  }
}

async function atEnd(
  steps: RunbookSteps,
  end: { result?: IncidentResult; error?: unknown },
  books: BookkeepingResult | undefined,
  log: Logger,
): Promise<StepReport> {
  const report: StepReport = { missing: [], warnings: [] }
  for (const step of steps.atEnd ?? []) {
    try {
      const r = await step(end, books)
      report.warnings.push(...r.warnings, ...r.missing)
    } catch (e) {
      report.warnings.push(errorMessage(e))
    }
  }
  for (const w of report.warnings) log.warning(w)
  return report
}

/** Missing parts make a run that rolled something back partial; warnings are added. */
function partialFrom(result: IncidentResult, report: StepReport, warningsOnly = false): void {
  result.warnings.push(...report.warnings)
  if (warningsOnly || report.missing.length === 0) return
  const earlier = result.error
  const done = earlier instanceof PartialError ? earlier.done : doneOf(result)
  const missing = [
    ...(earlier instanceof PartialError ? earlier.missing : earlier ? [earlier.message] : []),
    ...report.missing,
  ]
  result.status = 'partial'
  result.error = new PartialError(
    done,
    missing,
    earlier instanceof PartialError ? earlier.cause : new Error(report.missing[0]),
  )
}

async function runAndRecord(
  req: IncidentRequest,
  gi: GitHubInputs,
  targets: IncidentTarget[],
  gh: GitHubClient | undefined,
  ctx: RunContext,
  log: Logger,
  steps: RunbookSteps,
): Promise<Execution> {
  // the GitHub token is checked beside the registry reads, before any write
  let defaultBranch = ''
  const preflight = gh && !req.dryRun ? async () => (defaultBranch = await repositoryDefaultBranch(gh, ctx)) : undefined
  const beforeWrite = steps.beforeWrite?.length
    ? async (planned: TargetRun[]) => {
        for (const step of steps.beforeWrite ?? []) await step(planned)
      }
    : undefined
  const beforeHandoff = steps.beforeHandoff?.length
    ? async (planned: TargetRun[]) => {
        for (const step of steps.beforeHandoff ?? []) await step(planned)
      }
    : undefined
  const undoRecord = req.undo && !req.recorded ? steps.undoRecord : undefined
  const afterRestore = steps.afterRestore?.length
    ? (restored: TargetRun[]) => {
        for (const step of steps.afterRestore ?? []) step(restored)
      }
    : undefined
  const result = await runIncident(req, targets, log, {
    preflight,
    beforeWrite,
    ...(beforeHandoff ? { beforeHandoff } : {}),
    progress: steps.progress,
    ...(undoRecord ? { undoRecord } : {}),
    ...(afterRestore ? { afterRestore } : {}),
  })
  // the maintainer's command, in the summary, the issue and the report (src/handoff.ts)
  if (result.handoff && ctx.repository) result.handoff.command = resumeCommand(result.incidentId, ctx.repository)
  if (result.status === 'completed' || result.status === 'already-done' || result.status === 'partial') {
    for (const step of steps.afterWrite ?? []) partialFrom(result, await step(result))
  }
  // nothing happened to record
  if (!gh || result.status === 'planned' || result.status === 'failed' || result.status === 'skipped') return { result }

  // the GitHub side (Octokit and the renderers) is loaded only when it runs
  const { recordIncident } = await import('../github/bookkeeping.js')
  const bookkeeping = await recordIncident(gh, ctx, defaultBranch, result, req, gi, log)
  partialFrom(result, bookkeeping)
  return { result, bookkeeping }
}

/** What the rollback achieved, in words, for a partial result. */
function doneOf(result: IncidentResult): string[] {
  if (result.targets.length > 1) return [`the targets' channels are rolled back`]
  const plan = result.targets[0].plan
  if (!plan) return []
  return [
    plan.tag.kind === 'keep-newer'
      ? `'${plan.channel}' stays on ${plan.tag.holder}`
      : `'${plan.channel}' points at ${plan.republish?.version ?? plan.restoreVersion} (the rollback is live)`,
    ...(plan.deprecation.kind === 'off' ? [] : [`${plan.rollbackVersion} is deprecated`]),
  ]
}

/** Reads the repository before any write: a token that cannot see it fails now, naming github-token. */
export async function repositoryDefaultBranch(gh: GitHubClient, ctx: RunContext): Promise<string> {
  try {
    const { data } = await gh.rest.repos.get({ ...repoRef(ctx.repository) })
    return data.default_branch
  } catch (e) {
    const status = ghStatus(e)
    if (status === 401)
      throw new InputError(
        'github-token',
        'was rejected by GitHub (401 Bad credentials).',
        currentDialect() === 'action'
          ? 'pass a valid token; in a workflow the default is the workflow token ${{ github.token }}.'
          : 'set GITHUB_TOKEN to a valid token.',
      )
    if (status === 403 || status === 404) {
      throw new InputError(
        'github-token',
        `cannot read the repository ${ctx.repository} (${status}).`,
        'give the job contents: write, issues: write and pull-requests: write, or use a token with access to this repository.',
      )
    }
    throw e
  }
}
