// Runs the mode of a rollback request (src/modes/choose.ts), for both entries: the action (src/action/main.ts) and
// the command line (src/cli/rollback.ts) read the request, hand it in with how they reach GitHub and what they
// show on the way, and present what comes back. Everything between - the GitHub client, the undo's record, the
// targets, the smoke-only job, the drill, the incident with its runbook - happens here, once.
import type { BookkeepingResult } from '../github/bookkeeping.js'
import type { GitHubClient } from '../github/client.js'
import type { HandoffPlan, IncidentRecord, RunContext } from '../github/incident.js'
import type { GitHubInputs, InputReader } from '../config/inputs.js'
import { readRequest, rollbackInputs } from '../config/request.js'
import type { AnnounceInputs } from '../notify/config.js'
import type { Logger } from '../core/retry.js'
import { executeIncident, type RunbookSteps } from '../incident/execute.js'
import type { RtoTargets } from '../incident/impact.js'
import { runIncident, type IncidentRequest, type IncidentResult, type IncidentTarget } from '../incident/run.js'
import { smokeOnly, type SmokeOptions } from '../incident/smoke.js'
import { runbookSteps } from '../incident/steps.js'
import { kindOf } from '../targets/registry.js'
import { createTargets, type TargetExtras, type TargetHooks } from '../targets/select.js'
import { chooseMode, type Mode } from './choose.js'
import type { DrillResult } from './drill.js'
import { HandoffChangedError, handoffGuard, handoffProblems } from './resume.js'

/** A rollback request as the entries read it: the inputs (or the flags mapped onto them), once. */
export interface ModeRequest {
  inputs: IncidentRequest
  gi: GitHubInputs
  rtoTargets: RtoTargets
  announce?: AnnounceInputs
  /** the inputs' reader, for the runbook steps and the targets that read their own */
  get: InputReader
  /** the adapters' settings, read and checked up front by readRequest (by kind name) */
  settings?: Record<string, object>
}

/** Reads the request: the rollback's inputs, GitHub's, the recovery-time targets and the announcements. */
export function readModeRequest(get: InputReader, env: NodeJS.ProcessEnv): ModeRequest {
  // once, up front: every input read and checked before anything runs (src/config/request.ts)
  const r = readRequest(get, env)
  if (r.mode !== 'rollback') throw new Error('a freeze check is run by runFreezeCheck, not as a rollback')
  const inputs: IncidentRequest = rollbackInputs(r)
  return { inputs, gi: r.github, rtoTargets: r.rtoTargets, announce: r.announce, get, settings: r.settings }
}

/** How the entry reaches GitHub: the token, and what the client is made and used for. */
export interface GitHubAccess {
  /** the token a client is made with; empty: none is made */
  token: string
  apiUrl: string
  /** a client is wanted whatever the targets (the bookkeeping; the action's undo reads its record) */
  wanted: boolean
  /** the incident's bookkeeping is done on GitHub with it */
  books: boolean
  /** the drill's report and issue go to GitHub */
  drillBooks: boolean
  /** an undo looks its record up on GitHub (with the client) */
  recordsOnGitHub: boolean
  /** else in the reports of this checkout (the command line's) */
  localRecords?: () => string
}

/** A resume of a hand-off (src/modes/resume.ts): the record it performs, and when the maintainer's command started. */
export interface Resuming {
  record: IncidentRecord
  handoff: HandoffPlan
  resumedAt: string
}

/**
 * The command line's look before the writes: given the read-only preview of the plan, it shows it, and stops
 * the run (a dry run, no confirmation) or lets it go on, `quiet` when nothing is left to change.
 */
export type Gate<S> = (preview: IncidentResult, targets: IncidentTarget[]) => Promise<{ stop: S } | { quiet: boolean }>

export interface ModeDeps<S = never> {
  log: Logger
  ctx: RunContext
  userAgent: string
  /** the run's start: the time to protection is measured from here */
  startedAt: string
  github: GitHubAccess
  /** the targets' hooks (the action's setSecret, the environment) */
  hooks: TargetHooks
  /** the entry's checks once the request is complete (an undo by incident id fills it in) */
  check?: (inputs: IncidentRequest) => void
  /** more hooks once the request is complete (the command line's second factor) */
  moreHooks?: (inputs: IncidentRequest) => Partial<TargetHooks>
  /** what the smoke test runs with */
  smoke: Omit<SmokeOptions, 'log'>
  /** the smoke-only job (the action's RELEASE_ROLLBACK_SMOKE_ONLY, the command line's --smoke-only) */
  smokeOnly?: boolean
  /** the action's smoke-only job was asked for a dry run: the smoke test is not run */
  smokeOnlyDryRun?: boolean
  /** registers what removes the targets' files; the entry calls it once it is done, whatever happens */
  onDispose: (dispose: () => void) => void
  /** the command line: the preview shown and confirmed before the writes */
  gate?: Gate<S>
  /** says, for an undo, which runbook steps it leaves out (the action) */
  undoNote?: boolean
  /** a hand-off being resumed: only its recorded plan is written */
  resuming?: Resuming
  /** the progress of several targets: set up on the steps, and the function that ends it */
  watch?: (steps: RunbookSteps, targets: IncidentTarget[], quiet: boolean) => (() => void) | undefined
}

export type ModeOutcome<S = never> = { mode: Mode; request: IncidentRequest; targets: IncidentTarget[] } & (
  | { ran: 'smoke-only'; smoked?: { status: IncidentResult['status']; tested: string[] } }
  | { ran: 'drill'; drill: DrillResult }
  | { ran: 'skipped'; preview: IncidentResult }
  | { ran: 'stopped'; stop: S; preview: IncidentResult }
  | { ran: 'incident'; result: IncidentResult; bookkeeping?: BookkeepingResult; extras: TargetExtras[] }
)

/** Runs the mode the request is in, and says what came of it for the entry to present. */
export async function runMode<S = never>(req: ModeRequest, deps: ModeDeps<S>): Promise<ModeOutcome<S>> {
  const { log, ctx, github } = deps
  const client = await githubClient(req.inputs, deps)
  const { inputs, undoRecord } = await completeRequest(req, deps, client)
  deps.check?.(inputs)
  const { targets, extras, dispose } = createTargets(inputs, req.get, log, deps.userAgent, {
    ...deps.hooks,
    ...(req.settings ? { settings: req.settings } : {}),
    ...(client ? { github: { client: () => client, repository: ctx.repository } } : {}),
    ...deps.moreHooks?.(inputs),
  })
  deps.onDispose(dispose)
  const mode = chooseMode({ smokeOnly: deps.smokeOnly, drill: inputs.drill, undo: inputs.undo, dryRun: inputs.dryRun })
  const base = { mode, request: inputs, targets }
  if (mode === 'smoke-only') {
    if (deps.smokeOnlyDryRun) return { ...base, ran: 'smoke-only' }
    return { ...base, ran: 'smoke-only', smoked: await smokeOnly(req.get, inputs, targets, { log, ...deps.smoke }) }
  }
  if (mode === 'drill') {
    // the drill: checks only, nothing anyone installs changes (src/modes/drill.ts)
    const { runDrill } = await import('./drill.js')
    const gh = github.drillBooks ? client : undefined
    return {
      ...base,
      ran: 'drill',
      drill: await runDrill(inputs, req.gi, targets, gh, ctx, log, { startedAt: deps.startedAt }),
    }
  }
  return { ...base, ...(await incident({ ...req, inputs }, deps, client, targets, extras, undoRecord)) }
}

/** The GitHub client, made only when the bookkeeping, a target that writes through GitHub or an undo needs it. */
async function githubClient(inputs: IncidentRequest, deps: ModeDeps<unknown>): Promise<GitHubClient | undefined> {
  const { github, log } = deps
  const viaGitHub = inputs.targets?.some((t) => kindOf(t.kind).capabilities.viaGitHub === true) === true
  if (!(github.wanted || viaGitHub) || !github.token) return undefined
  // Octokit is loaded only when it is needed
  const { createGitHubClient } = await import('../github/client.js')
  return createGitHubClient({ token: github.token, baseUrl: github.apiUrl, log })
}

/** An undo reads the incident's record before planning: by incident id alone it names the targets and versions. */
async function completeRequest(
  req: ModeRequest,
  deps: ModeDeps<unknown>,
  client: GitHubClient | undefined,
): Promise<{ inputs: IncidentRequest; undoRecord?: RunbookSteps['undoRecord'] }> {
  if (!req.inputs.undo) return { inputs: req.inputs }
  const { log, ctx, github } = deps
  const { githubRecords, localRecords, undoByIncidentId, undoRecordReader, checkOptionsOf } = await import('./undo.js')
  const finder =
    client && github.recordsOnGitHub
      ? githubRecords(client, ctx, req.gi, log)
      : github.localRecords
        ? localRecords(github.localRecords(), req.gi.reportDir)
        : undefined
  const inputs = await undoByIncidentId(req.inputs, finder, log)
  return { inputs, ...(finder ? { undoRecord: undoRecordReader(finder, checkOptionsOf(inputs), log) } : {}) }
}

type IncidentRun<S> =
  Extract<ModeOutcome<S>, { ran: 'skipped' | 'stopped' | 'incident' }> extends infer R
    ? R extends unknown
      ? Omit<R, 'mode' | 'request' | 'targets'>
      : never
    : never

/** The incident: a rollback, a dry run or an undo, through the runbook (and, on the command line, its preview). */
async function incident<S>(
  req: ModeRequest,
  deps: ModeDeps<S>,
  client: GitHubClient | undefined,
  targets: IncidentTarget[],
  extras: TargetExtras[],
  undoRecord: RunbookSteps['undoRecord'],
): Promise<IncidentRun<S>> {
  const { inputs, gi } = req
  const { log, ctx, resuming } = deps
  let quiet = false
  if (deps.gate) {
    // the plan, first: a read-only pass over every target, whose lines and warnings the gate shows
    const preview = await runIncident(
      { ...inputs, dryRun: true },
      targets,
      { ...log, info: () => {}, warning: () => {} },
      undoRecord ? { undoRecord } : {},
    )
    if (preview.status === 'skipped') return { ran: 'skipped', preview }
    if (resuming) checkHandoff(resuming, preview)
    const gate = await deps.gate(preview, targets)
    if ('stop' in gate) return { ran: 'stopped', stop: gate.stop, preview }
    quiet = gate.quiet
  }
  if (deps.undoNote && inputs.undo)
    log.info(
      'Undo: the smoke test, the checks after the writes and the announcements are not run (they are about the restore version).',
    )
  // nothing to change: the run's step lines are not said, only its outcome
  const runLog: Logger = quiet ? { ...log, info: () => {} } : log
  // the runbook around the writes: each step's module reads its own inputs; an undo runs none of the
  // rollback's runbook steps (they are about the restore version)
  const steps = runbookSteps(req.get, inputs, {
    startedAt: deps.startedAt,
    severity: gi.severity,
    rtoTargets: req.rtoTargets,
    announce: req.announce,
    about: { ctx, targets },
    log: runLog,
    userAgent: deps.userAgent,
    smoke: deps.smoke,
    undoRecord,
    ...(resuming ? { resumedAt: resuming.resumedAt } : {}),
  })
  // a resume: nothing but the recorded plan is written (src/modes/resume.ts)
  if (resuming) steps.beforeWrite?.unshift(handoffGuard(resuming.handoff, resuming.record))
  const done = deps.watch?.(steps, targets, quiet)
  try {
    const gh = deps.github.books ? client : undefined
    const { result, bookkeeping } = await executeIncident(inputs, gi, targets, gh, ctx, runLog, steps)
    return { ran: 'incident', result, extras, ...(bookkeeping ? { bookkeeping } : {}) }
  } finally {
    done?.()
  }
}

/** The plan as the hand-off recorded it, or nothing: checked on the preview's reads, and again before the first write. */
function checkHandoff(resuming: Resuming, preview: IncidentResult): void {
  const problems = handoffProblems(resuming.handoff, resuming.record, preview.targets)
  if (preview.targets.length > 1 && preview.incidentId !== resuming.record.incidentId)
    problems.push(
      `the plan rebuilt from the record is incident ${preview.incidentId}, not ${resuming.record.incidentId}: the record was changed`,
    )
  if (problems.length > 0) throw new HandoffChangedError(resuming.record.incidentId, problems)
}
