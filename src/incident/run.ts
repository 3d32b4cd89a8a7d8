// The one runner: one incident (one bad version on one channel) across N targets; one
// package is N = 1. Preflight every target, restore every channel, then retire; every
// write guarded by a fresh read (src/guard.ts). Knows nothing of GitHub Actions.
import semver from 'semver'
import { ChannelMovedError } from '../core/guard.js'
import { CapabilityError, InputError, PartialError, RollbackError, errorMessage } from '../core/errors.js'
import type { Impact, IncidentVerification } from '../github/incident.js'
import type { RollbackInputs } from '../config/inputs.js'
import {
  circuitBreaker,
  describePlan,
  incidentId,
  lastKnownGood,
  planRollback,
  planUndo,
  type PackageState,
  type Plan,
  type RecordedIncident,
  type UndoRecordFor,
} from '../core/plan.js'
import type { Logger } from '../core/retry.js'
import type { Target } from '../core/target.js'
import { mapLimit } from '../core/util.js'
import { currentDialect, setting } from '../core/settings.js'
import { needsPerson } from '../core/handoff.js'
import { incidentOfTargets } from '../core/incident-id.js'
import { approveCommand } from '../targets/npm/stage.js'
import { kindOf, labelOf } from '../targets/registry.js'

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

const now = () => new Date().toISOString()

/**
 * Runs the incident: preflight every target (read, token, plan) before any write, restore
 * every channel, then retire. Throws only for what happened before any write: a failed
 * `preflight` (checks beside the first reads, such as the GitHub token), a problem in the
 * preflight of any target (for one target its own error; for several, one InputError that
 * lists each), or, with one target, a failed restore that changed nothing. Everything else
 * is in the result.
 */
export async function runIncident(
  req: IncidentRequest,
  targets: IncidentTarget[],
  log: Logger,
  options: RunOptions = {},
): Promise<IncidentResult> {
  const handoff: { reason?: string } = {}
  const runs = await runTargets(req, targets, log, options, handoff)
  return resolve(req, runs, handoff.reason)
}

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
}

async function runTargets(
  req: IncidentRequest,
  targets: IncidentTarget[],
  log: Logger,
  options: RunOptions,
  handoff: { reason?: string } = {},
): Promise<TargetRun[]> {
  const parallel = options.parallel ?? DEFAULT_PARALLEL
  const several = targets.length > 1
  const runs: TargetRun[] = targets.map((t) => ({
    ...t,
    label: several ? `${t.kind === 'npm' ? '' : `${t.kind}:`}${t.name}: ` : '',
    moved: false,
    deprecated: false,
    republished: false,
    outcome: 'planned',
    steps: [],
    warnings: [],
  }))
  const tell = (r: TargetRun, phase: ProgressEvent['phase'], detail?: string) => {
    try {
      options.progress?.({ kind: r.kind, name: r.name, phase, ...(detail !== undefined ? { detail } : {}) })
    } catch {
      // a display that fails does not stop a rollback
    }
  }

  // 1. preflight: every target read, its token checked and its rollback planned before
  // anything is written (the token against every target, not only the first). The plan
  // read may guard the first write only when nothing else answered after it.
  let answers = 0
  const counted = <T>(p: Promise<T> | undefined) => p?.finally(() => answers++)
  const lastAnswer = new Map<TargetRun, number>()
  // undo: the incident's record, read once by its id, before any target is planned
  const records = new Map<string, Promise<RecordedIncident | undefined>>()
  const recordOf = (id: string): Promise<RecordedIncident | undefined> => {
    if (req.recorded) return Promise.resolve(req.recorded)
    const read = options.undoRecord
    if (!read) return Promise.resolve(undefined)
    let pending = records.get(id)
    if (!pending) {
      pending = counted(read(id)) as Promise<RecordedIncident | undefined>
      records.set(id, pending)
    }
    return pending
  }
  /** This target as the incident's record holds it; undefined (said as a warning) when the record has nothing for it. */
  const undoRecordFor = async (r: TargetRun, before: PackageState, bad: string): Promise<UndoRecordFor | undefined> => {
    // the rollback's incident id: by the record's id, else rebuilt as the rollback built it
    const id =
      req.recorded?.incidentId ??
      (several
        ? incidentOf(runs, req)
        : incidentId(
            r.name,
            r.channel,
            bad,
            req.restoreVersion ?? lastKnownGood(before, bad, r.channel, req.releaseCommit) ?? '',
          ))
    const rec = await recordOf(id)
    if (!rec) {
      if (options.undoRecord)
        r.warnings.push(
          `undo: no record of incident ${id} was found (the incident report, the tracking issue): the deprecation is removed only when it is exactly the message these inputs render.`,
        )
      return undefined
    }
    const t = rec.targets.find((x) => x.kind === r.kind && x.name === r.name && x.channel === r.channel)
    if (!t) {
      r.warnings.push(
        `undo: the record of incident ${rec.incidentId} (${rec.source}) has nothing for this target: the deprecation is removed only when it is exactly the message these inputs render.`,
      )
      return undefined
    }
    return {
      incidentId: rec.incidentId,
      previousVersion: t.previousVersion,
      wrote: t.wrote,
      restoreVersion: t.restoreVersion,
      deprecationMessage: t.deprecationMessage,
      deprecationBefore: t.deprecationBefore,
    }
  }
  await Promise.all([
    counted(options.preflight?.()),
    mapLimit(runs, parallel, async (r) => {
      tell(r, 'reading')
      try {
        const [before] = await Promise.all([
          r.target.inspect().finally(() => lastAnswer.set(r, ++answers)),
          // a hand-off writes nothing with the token (it may have none): nothing to check
          counted(req.dryRun || req.handoff ? undefined : r.target.checkAccess()),
        ])
        r.before = before
        if (req.fromWorkspaces && !(req.rollbackVersion in before.versions)) {
          r.outcome = 'not-affected'
          tell(r, 'not-affected', `no ${req.rollbackVersion}`)
          return
        }
        const gate = circuitBreaker(before, r.channel, req.rollbackVersion, req, { words: kindOf(r.kind).words })
        if (!gate.proceed) {
          r.outcome = 'skipped'
          r.skipped = { reason: gate.reason, ...(gate.holder !== undefined ? { holder: gate.holder } : {}) }
          log.info(`${r.label}Skipped: ${gate.reason}`)
          tell(r, 'skipped', gate.reason)
          return
        }
        const record = req.undo ? await undoRecordFor(r, before, gate.rollbackVersion) : undefined
        // a target without retire (container tags, Helm releases) gets no deprecation in its plan
        const plan = (req.undo ? planUndo : planRollback)(
          {
            ...req,
            packageName: r.name,
            channel: r.channel,
            rollbackVersion: gate.rollbackVersion,
            deprecate: req.deprecate && r.target.retire !== undefined,
            record,
            words: kindOf(r.kind).words,
          },
          before,
        )
        if (plan.republish && !r.target.republish && !plan.undo)
          throw new InputError(
            'strategy',
            `republish is not supported for ${r.target.kind}.`,
            `use ${setting('strategy', 'retag')}.`,
          )
        // what the registry cannot do, before anything is written: a channel it cannot move
        // stops the run here; one without deprecate is moved and the deprecation skipped
        const deprecates = plan.deprecation.kind === 'deprecate' || plan.deprecation.kind === 'undeprecate'
        if (r.target.capabilities && (plan.tag.kind === 'move' || deprecates)) {
          // handoff: true writes nothing, not even the preflight's probe
          const probe = req.dryRun || req.handoff ? 'never' : 'if-needed'
          const caps = await r.target
            .capabilities(r.channel, before.distTags[r.channel], {
              move: plan.tag.kind === 'move',
              deprecate: deprecates,
              probe,
              republish: Boolean(plan.republish) && !plan.undo,
              undo: plan.undo === true,
            })
            .catch((e: unknown) => {
              // a credential that cannot write without a person: the run hands off instead of failing
              const why = plan.undo ? undefined : needsPerson(e)
              if (why === undefined) throw e
              r.needsPerson = why
              // the hand-off finishes this incident; the fix is for the next one (a credential a workflow can use)
              const next =
                e instanceof RollbackError && e.fix ? [`So that the next rollback needs no person: ${e.fix}`] : []
              return { warnings: next, cannotRetire: undefined }
            })
          r.warnings.push(...caps.warnings)
          if (caps.cannotRetire && plan.deprecation.kind === 'deprecate') r.cannotRetire = caps.cannotRetire
        }
        r.plan = plan
        r.after = { distTags: { ...before.distTags }, deprecated: before.versions[plan.rollbackVersion]?.deprecated }
        r.warnings.push(...(gate.warnings ?? []), ...plan.warnings)
        r.steps.push({
          step: 'plan',
          outcome: 'done',
          detail: describePlan(plan, kindOf(r.kind).words).join(' '),
          at: now(),
        })
        tell(
          r,
          'planned',
          plan.tag.kind === 'move'
            ? `${plan.tag.from ?? '(none)'} -> ${plan.tag.to}`
            : plan.tag.kind === 'already'
              ? `already on ${plan.tag.to}`
              : `left on ${plan.tag.holder}`,
        )
      } catch (e) {
        r.outcome = 'failed'
        r.failure = { step: 'preflight', error: e }
        tell(r, 'failed', errorMessage(e))
      }
    }),
  ])
  const planned = runs.filter((r) => r.plan !== undefined)
  for (const r of runs) if (runs.length > 1 || lastAnswer.get(r) !== answers) r.target.forget?.()
  if (req.undo && !req.recorded && !options.undoRecord && planned.length > 0) {
    log.info(
      'Undo: no incident record to read (no GitHub bookkeeping): the deprecation is removed only when it is exactly the message these inputs render.',
    )
  }
  for (const r of planned) {
    for (const line of describePlan(r.plan as Plan, kindOf(r.kind).words)) log.info(line)
    for (const w of r.warnings) log.warning(w)
  }
  // the hand-off: asked for, or a credential that cannot write without a person (src/handoff.ts)
  const person = planned.find((r) => r.needsPerson)
  if (!req.dryRun && planned.length > 0 && !runs.some((r) => r.failure) && (req.handoff || person)) {
    handoff.reason = person
      ? `${person.label}${person.needsPerson}`
      : `${setting('handoff', 'true')} was asked: a maintainer makes the registry writes.`
    await options.beforeHandoff?.(planned)
    for (const r of planned) {
      const plan = r.plan as Plan
      r.steps.push({ step: 'move-tag', outcome: 'planned', detail: plan.tag.kind, at: now() })
      r.steps.push({ step: 'deprecate', outcome: 'planned', detail: plan.deprecation.kind, at: now() })
    }
    log.info(`Handed off (${handoff.reason.replace(/\.$/, '')}): nothing was written to the registry.`)
    return runs
  }
  if (runs.some((r) => r.failure) || req.dryRun || planned.length === 0) {
    if (req.dryRun) {
      for (const r of planned) {
        const plan = r.plan as Plan
        r.steps.push({ step: 'move-tag', outcome: 'planned', detail: plan.tag.kind, at: now() })
        r.steps.push({ step: 'deprecate', outcome: 'planned', detail: plan.deprecation.kind, at: now() })
      }
      if (!runs.some((r) => r.failure)) log.info('Dry run: nothing was written.')
    }
    return runs
  }

  // the runbook's checks between the plan and the first write (the smoke test of the
  // restore version, the start announcement): one that throws stops the run, nothing written
  if (options.beforeWrite) {
    await options.beforeWrite(planned)
    // time passed: the plan reads no longer guard the writes
    for (const r of planned) r.target.forget?.()
  }

  // 2. restore: every channel, before any deprecation
  await mapLimit(planned, parallel, async (r) => {
    tell(r, 'writing')
    await restore(r, log)
    if (r.failure) tell(r, 'failed', errorOf(r))
  })
  const failed = planned.filter((r) => r.failure)
  if (failed.length > 0 && req.partialOk === false && planned.length > 1) {
    // asked for: put back what this run moved, but only where the channel still holds what it wrote
    for (const r of planned) r.target.forget?.()
    await mapLimit(
      planned.filter((r) => r.moved),
      parallel,
      async (r) => {
        tell(r, 'putting-back')
        await putBack(r, log)
        tell(
          r,
          r.failure?.step === 'put-back' ? 'failed' : 'done',
          r.failure?.step === 'put-back' ? errorOf(r) : 'put back',
        )
      },
    )
    for (const r of planned) if (r.outcome === 'already') tell(r, 'done', r.outcome)
    return runs
  }

  // 3. retire: for every target whose channel is safe (with several, the others' writes
  // were awaited since each one's read-back: it reads again)
  if (planned.length > 1) for (const r of planned) r.target.forget?.()
  await mapLimit(
    planned.filter((r) => !r.failure),
    parallel,
    async (r) => {
      tell(r, 'retiring')
      await retire(r, log)
      tell(r, r.failure ? 'failed' : 'done', r.failure ? errorOf(r) : r.outcome)
    },
  )
  for (const r of planned) {
    const anomalies = r.target.anomalies?.() ?? []
    r.warnings.push(...anomalies)
    if (anomalies.length > 0) r.anomalies = anomalies
    const lost = r.target.lostWrites?.() ?? []
    if (lost.length > 0) r.lost = lost
  }
  return runs
}

/** The one status logic, for one target or many. */
function resolve(req: IncidentRequest, runs: TargetRun[], handoff?: string): IncidentResult {
  const single = runs.length === 1
  const only = runs[0]
  const allNpm = runs.every((r) => r.kind === 'npm')
  const problems = runs.filter((r) => r.failure?.step === 'preflight')
  if (problems.length > 0) {
    if (single) throw only.failure?.error
    throw new InputError(
      allNpm ? 'package' : 'targets',
      `the preflight found problems in ${problems.length} of ${runs.length} ${allNpm ? 'packages' : 'targets'}, so nothing was written:\n${problems.map((p) => `- ${p.label.replace(/: $/, '')}: ${errorMessage(p.failure?.error)}`).join('\n')}`,
      `fix each problem (or leave those out) and run again; ${currentDialect() === 'action' ? 'partial-ok does not skip the preflight' : 'the preflight is never skipped'}.`,
    )
  }
  const affected = runs.filter((r) => r.outcome !== 'not-affected')
  if (affected.length === 0)
    throw new InputError(
      'rollback-version',
      `no workspace package has version ${req.rollbackVersion}.`,
      'check the version, or list the packages.',
    )
  const warnings: string[] = []
  for (const r of runs) for (const w of r.warnings) warnings.push(`${r.label}${w}`)
  if (affected.length < runs.length)
    warnings.push(
      `Left out (no ${req.rollbackVersion} published): ${runs
        .filter((r) => r.outcome === 'not-affected')
        .map((r) => r.name)
        .join(', ')}.`,
    )
  const base = {
    incidentId: req.recorded?.incidentId ?? (single ? (only.plan?.incidentId ?? '') : incidentOf(runs, req)),
    rollbackVersion: only.plan?.rollbackVersion ?? req.rollbackVersion,
    channel: req.channel,
    targets: runs,
    warnings,
    ...(req.undo ? { undo: true as const } : {}),
  }
  if (req.dryRun) return { ...base, status: 'planned' }
  if (handoff !== undefined)
    return {
      ...base,
      status: 'awaiting-approval',
      handoff: {
        reason: handoff,
        registry: req.registry,
        startedAt: req.startedAt ?? now(),
        ...(req.restoreVersion !== undefined ? { restoreAsked: req.restoreVersion } : {}),
      },
    }
  if (affected.every((r) => r.outcome === 'skipped'))
    return { ...base, status: 'skipped', ...(single && only.skipped ? { reason: only.skipped.reason } : {}) }

  const failedMoves = runs.filter((r) => r.failure?.step === 'move-tag' || r.failure?.step === 'put-back')
  if (single && only.failure?.step === 'move-tag' && !only.republished) throw only.failure.error
  if (failedMoves.length > 0 && req.partialOk === false && !single) {
    const notPutBack = runs.filter((r) => r.failure?.step === 'put-back')
    const failed = runs.filter((r) => r.failure?.step === 'move-tag')
    const message =
      `Rolled back nothing: ${failed.map((f) => `${f.name} failed (${errorMessage(f.failure?.error)})`).join('; ')}. ` +
      (notPutBack.length === 0
        ? 'The tags this run had moved were put back.'
        : `Could not put back: ${notPutBack.map((r) => `${r.name} (${errorMessage(r.failure?.error)})`).join('; ')}.`)
    return {
      ...base,
      status: notPutBack.length === 0 ? 'failed' : 'partial',
      error: new RollbackError(
        message,
        notPutBack.length === 0
          ? `fix the failure and run again, or ${currentDialect() === 'action' ? 'leave partial-ok at true' : 'leave out --all-or-nothing'} to keep the packages that succeed.`
          : 'put those tags back by hand, then run again.',
      ),
    }
  }
  const incomplete = runs.filter((r) => r.failure)
  const wrote = runs.some((r) => r.moved || r.deprecated || r.undeprecated || r.republished)
  if (incomplete.length > 0) {
    if (single) {
      const plan = only.plan as Plan
      const goal = plan.republish?.version ?? plan.restoreVersion
      const error =
        only.failure?.step === 'move-tag'
          ? new PartialError([`${goal} is published`], [`pointing '${plan.channel}' at it`], only.failure.error)
          : new PartialError(
              [
                plan.tag.kind === 'keep-newer'
                  ? `'${plan.channel}' is on ${plan.tag.holder}`
                  : `'${plan.channel}' points at ${goal} (the rollback is live)`,
              ],
              [`deprecating ${plan.rollbackVersion}`],
              only.failure?.error,
            )
      return { ...base, status: 'partial', error }
    }
    const kept = affected.filter((r) => r.outcome === 'rolled-back' || r.outcome === 'already')
    return {
      ...base,
      status: wrote ? 'partial' : 'failed',
      error: new RollbackError(
        `${wrote ? 'Partial rollback' : 'Rolled back nothing'}: ${incomplete.map((r) => `${r.name}: ${errorOf(r)}`).join('; ')}.` +
          (wrote && kept.length > 0 ? ` Kept rolled back: ${kept.map((r) => r.name).join(', ')}.` : ''),
        'Re-run the same rollback once the failures are fixed: it completes only what is missing.',
      ),
    }
  }
  // the writes took effect, but the registry lost another client's write made at the same time (issue 24)
  const lost = runs.flatMap((r) => (r.lost ?? []).map((l) => `${r.label}${l}`))
  if (lost.length > 0)
    return {
      ...base,
      status: 'partial',
      error: new RollbackError(
        `${req.undo ? 'Undone' : 'Rolled back'}, but the registry lost what another client wrote at the same time: ${lost.join('; ')}.`,
        'publish or tag again what is named (see the warnings; a re-run cannot bring it back), then check the package.',
      ),
    }
  const staged = runs.find((r) => r.staged)?.staged
  if (staged)
    return { ...base, status: 'awaiting-approval', staged: { ...staged, command: approveCommand(staged.stageId) } }
  return { ...base, status: wrote ? 'completed' : 'already-done' }
}

/** A target's failure (or skip) in one line, as its row and the outputs say it. */
export function errorOf(r: TargetRun): string | undefined {
  if (r.failure)
    return `${r.failure.step === 'deprecate' ? 'deprecation failed: ' : r.failure.step === 'put-back' ? 'not put back: ' : ''}${errorMessage(r.failure.error)}`
  return r.skipped?.reason
}

/** One id for an incident of several targets (src/core/incident-id.ts): the runner's and the record check's. */
export function incidentOf(
  runs: Array<Pick<TargetRun, 'kind' | 'name'>>,
  req: Pick<RollbackInputs, 'channel' | 'rollbackVersion' | 'restoreVersion'>,
): string {
  return incidentOfTargets(runs, req.channel, req.rollbackVersion, req.restoreVersion, labelOf)
}

async function restore(r: TargetRun, log: Logger): Promise<void> {
  const plan = r.plan as Plan
  const after = r.after as NonNullable<TargetRun['after']>
  const label = r.label
  if (plan.tag.kind !== 'move') {
    const detail =
      plan.tag.kind === 'already'
        ? `'${plan.channel}' already on ${plan.tag.to}`
        : plan.undo
          ? `'${plan.channel}' holds ${plan.tag.holder}, not what the rollback wrote`
          : `'${plan.channel}' holds the newer ${plan.tag.holder}`
    r.steps.push({ step: 'move-tag', outcome: 'skipped', detail, at: now() })
    r.outcome = 'already'
    log.info(`✔ ${label}${detail}: not moved.`)
    return
  }
  const expected = plan.tag.from
  const incident = { id: plan.incidentId, bad: plan.rollbackVersion }
  try {
    if (plan.republish && !plan.undo) {
      const target = r.target as Required<Pick<Target, 'republish'>> & Target
      const p = await target.republish({
        bad: plan.rollbackVersion,
        restore: plan.republish.from,
        channel: plan.channel,
        incidentId: plan.incidentId,
        expected,
        ...(plan.republish.stage ? { stage: true } : {}),
      })
      if (p.outcome === 'staged') {
        await staged(r, p, incident, log)
        return
      }
      let moved = p.outcome === 'published'
      if (p.channelHolds !== p.version)
        moved = (await r.target.pointChannel(plan.channel, p.version, expected, incident)) === 'written' || moved
      r.moved = moved
      r.republished = p.outcome === 'published'
      after.distTags[plan.channel] = p.version
      r.steps.push({
        step: 'move-tag',
        outcome: moved ? 'done' : 'already',
        detail: `${plan.republish.from}'s code ${p.outcome === 'published' ? 'published' : 'already published'} as ${p.version}; '${plan.channel}' -> ${p.version}, verified by a fresh read`,
        at: now(),
      })
      log.info(
        `✔ ${label}${plan.republish.from}'s code is published as ${p.version}, and '${plan.channel}' points at it (read back from the registry).`,
      )
    } else {
      // tag.to: the restore version, or (undo) the bad version the rollback found there
      const to = plan.tag.to
      const outcome = await r.target
        .pointChannel(plan.channel, to, expected, incident)
        .finally(() => (r.note = r.target.writeNote?.()))
      r.moved = outcome === 'written'
      after.distTags[plan.channel] = to
      const bad = to === plan.rollbackVersion
      r.steps.push({
        step: 'move-tag',
        outcome: outcome === 'written' ? 'done' : 'already',
        detail: `'${plan.channel}' -> ${to}${plan.undo ? (bad ? ' (undo: the bad version again)' : ' (undo: as the incident found it)') : ''}, verified by a fresh read${r.note ? `; ${r.note}` : ''}`,
        at: now(),
      })
      if (plan.undo)
        log.warning(
          bad
            ? `↩ ${label}'${plan.channel}' points at the bad ${to} again, as undo asked (read back from the registry).`
            : `↩ ${label}'${plan.channel}' points at ${to} again, as the incident found it (read back from the registry).`,
        )
      else {
        const words = kindOf(r.kind).words
        log.info(`✔ ${label}${words.channel} '${plan.channel}' now points at ${to} (read back from ${words.place}).`)
      }
    }
    r.outcome = r.moved ? 'rolled-back' : 'already'
  } catch (e) {
    if (e instanceof ChannelMovedError && (await movedToNewerFix(r, e, log))) return
    r.outcome = 'failed'
    r.failure = { step: 'move-tag', error: e }
    r.steps.push({ step: 'move-tag', outcome: 'failed', detail: errorMessage(e), at: now() })
    log.warning(`✖ ${label}${errorMessage(e)}`)
  }
}

/**
 * The fix-forward version is staged (strategy republish): users are protected at once by
 * the channel on the restore version (guarded, restore before retire); the fix becomes the
 * channel's when a maintainer approves it and the rollback runs again.
 */
async function staged(
  r: TargetRun,
  p: { version: string; stageId?: string; waiting?: boolean },
  incident: { id: string; bad: string },
  log: Logger,
): Promise<void> {
  const plan = r.plan as Plan
  const from = (plan.republish as NonNullable<Plan['republish']>).from
  const expected = plan.tag.kind === 'move' ? plan.tag.from : undefined
  const stageId = p.stageId ?? ''
  r.staged = { version: p.version, stageId, waiting: p.waiting === true }
  const outcome = expected === from ? 'already' : await r.target.pointChannel(plan.channel, from, expected, incident)
  r.moved = outcome === 'written'
  ;(r.after as NonNullable<TargetRun['after']>).distTags[plan.channel] = from
  r.steps.push({
    step: 'move-tag',
    outcome: r.moved ? 'done' : 'already',
    detail: `${p.version} (the code of ${from}) ${p.waiting ? 'is still staged' : 'staged'} (stage id ${stageId}), waiting for a maintainer's approval; '${plan.channel}' -> ${from} meanwhile, verified by a fresh read`,
    at: now(),
  })
  r.outcome = r.moved ? 'rolled-back' : 'already'
  const approve = `${p.version} ${p.waiting ? 'is still waiting' : 'waits'} for a maintainer's approval: run \`${approveCommand(stageId)}\` (it asks for two-factor authentication), then run this rollback again: it moves '${plan.channel}' to ${p.version} and rewrites the deprecation to name it.`
  r.warnings.push(approve)
  log.info(
    `✔ ${r.label}'${plan.channel}' points at ${from} (read back from the registry) while ${p.version} is staged.`,
  )
  log.warning(`${r.label}${approve}`)
}

/**
 * The channel moved while the rollback ran. A newer version that is not deprecated (a fix
 * published meanwhile) is kept, as the planner keeps one it sees: the channel is safe and
 * the bad version is still retired. Anything else stops this target.
 */
async function movedToNewerFix(r: TargetRun, e: ChannelMovedError, log: Logger): Promise<boolean> {
  const plan = r.plan as Plan
  const holder = e.holder
  if (holder === undefined || !semver.valid(holder) || !semver.gt(holder, plan.rollbackVersion)) return false
  let fresh: PackageState
  try {
    fresh = await r.target.inspect()
  } catch {
    return false
  }
  if (fresh.distTags[plan.channel] !== holder || fresh.versions[holder]?.deprecated) return false
  const message = plan.undo
    ? `'${plan.channel}' moved to ${holder} after the rollback (a newer fix): left there, not undone.`
    : `'${plan.channel}' moved to ${holder} while the rollback ran; left there.`
  r.plan = { ...plan, tag: { kind: 'keep-newer', holder } }
  ;(r.after as NonNullable<TargetRun['after']>).distTags[plan.channel] = holder
  r.outcome = 'already'
  r.warnings.push(message)
  r.steps.push({ step: 'move-tag', outcome: 'skipped', detail: message, at: now() })
  log.warning(`${r.label}${message}`)
  return true
}

async function putBack(r: TargetRun, log: Logger): Promise<void> {
  const plan = r.plan as Plan
  const previous = plan.previousVersion
  // an undo wrote the bad version back; putting back returns the channel to what the rollback wrote
  const wrote = plan.undo && plan.tag.kind === 'move' ? plan.tag.to : (plan.republish?.version ?? plan.restoreVersion)
  try {
    const remove = kindOf(r.kind).words.removeByHand?.(r.name, r.channel)
    if (previous === undefined)
      throw new RollbackError(`'${r.channel}' did not exist before; remove it by hand${remove ? ` (${remove})` : ''}.`)
    await r.target.pointChannel(r.channel, previous, wrote, { id: plan.incidentId, bad: plan.rollbackVersion })
    r.moved = false
    r.outcome = 'put-back'
    log.info(`↩ ${r.label}'${r.channel}' put back to ${previous}`)
  } catch (e) {
    r.failure = { step: 'put-back', error: e }
    log.warning(`✖ ${r.label}not put back: ${errorMessage(e)}`)
  }
}

async function retire(r: TargetRun, log: Logger): Promise<void> {
  const plan = r.plan as Plan
  const after = r.after as NonNullable<TargetRun['after']>
  if (plan.deprecation.kind === 'undeprecate' && r.target.unretire) {
    const { message, restoreTo } = plan.deprecation
    try {
      const outcome = await r.target.unretire(plan.rollbackVersion, message, restoreTo)
      r.undeprecated = outcome === 'written'
      after.deprecated = restoreTo
      r.steps.push({
        step: 'deprecate',
        outcome: outcome === 'written' ? 'done' : 'already',
        detail:
          restoreTo === undefined
            ? `undo: deprecation removed ("${message}")`
            : `undo: the deprecation the rollback replaced is back ("${restoreTo}")`,
        at: now(),
      })
      log.info(
        restoreTo === undefined
          ? `✔ ${r.label}${plan.rollbackVersion} is no longer deprecated (read back from the registry).`
          : `✔ ${r.label}${plan.rollbackVersion} carries its earlier deprecation again (read back from the registry).`,
      )
    } catch (e) {
      if (e instanceof ChannelMovedError) {
        // a person changed the message between the plan and the write: theirs is kept
        const kept = `undo: ${plan.rollbackVersion}'s deprecation changed to "${e.holder ?? ''}" meanwhile: kept.`
        r.warnings.push(kept)
        r.steps.push({ step: 'deprecate', outcome: 'skipped', detail: kept, at: now() })
        log.warning(`${r.label}${kept}`)
        return
      }
      r.failure = { step: 'deprecate', error: e }
      r.steps.push({ step: 'deprecate', outcome: 'failed', detail: errorMessage(e), at: now() })
      log.warning(`✖ ${r.label}removing the deprecation failed: ${errorMessage(e)}`)
    }
    return
  }
  if (plan.deprecation.kind !== 'deprecate' || !r.target.retire) {
    r.steps.push({
      step: 'deprecate',
      outcome: plan.deprecation.kind === 'already' ? 'already' : 'skipped',
      detail: plan.deprecation.kind,
      at: now(),
    })
    return
  }
  if (r.cannotRetire) {
    cannotRetire(r, r.cannotRetire, log)
    return
  }
  // the message tells users to use this version: it must exist and not be deprecated when written
  // staged: the fix-forward version is not live, so the message names the restore version
  const whileStaged = r.staged ? plan.deprecation.whileStaged : undefined
  const names = whileStaged !== undefined ? plan.restoreVersion : (plan.republish?.version ?? plan.restoreVersion)
  const message = whileStaged ?? plan.deprecation.message
  try {
    // only over the message the plan read (the one recorded as replaced): never over one a person set meanwhile
    const outcome = await r.target.retire(plan.rollbackVersion, message, names, plan.deprecation.previous ?? '')
    r.deprecated = outcome === 'written'
    after.deprecated = message
    r.steps.push({
      step: 'deprecate',
      outcome: outcome === 'written' ? 'done' : 'already',
      detail: message,
      at: now(),
    })
    log.info(`✔ ${r.label}${plan.rollbackVersion} is deprecated (read back from the registry).`)
  } catch (e) {
    // a registry without deprecate: the channel is safe, which is what protects installs; said plainly, never retried
    if (e instanceof CapabilityError && e.capability === 'deprecate') {
      cannotRetire(r, e.message.replace(/ Fix: .*$/, ''), log)
      return
    }
    if (e instanceof ChannelMovedError) {
      // a person changed the deprecation between the plan and the write: theirs is kept, the channel move stays
      const read = plan.deprecation.previous ? `"${plan.deprecation.previous}"` : 'no deprecation'
      const kept = `${plan.rollbackVersion}'s deprecation changed while the rollback ran (the plan read ${read}, it is now ${e.holder ? `"${e.holder}"` : 'none'}): left as the person set it, NOT deprecated by this run.`
      after.deprecated = e.holder || undefined
      r.warnings.push(kept)
      r.steps.push({ step: 'deprecate', outcome: 'skipped', detail: kept, at: now() })
      log.warning(`${r.label}${kept}`)
      return
    }
    r.failure = { step: 'deprecate', error: e }
    r.steps.push({ step: 'deprecate', outcome: 'failed', detail: errorMessage(e), at: now() })
    log.warning(`✖ ${r.label}deprecation failed: ${errorMessage(e)}`)
  }
}

/** The deprecation skipped because the registry has none: a warning for the summary and the issue, not a failure. */
function cannotRetire(r: TargetRun, why: string, log: Logger): void {
  const plan = r.plan as Plan
  const moved =
    plan.tag.kind === 'move'
      ? `'${plan.channel}' was moved to ${plan.republish?.version ?? plan.tag.to}, which protects new installs`
      : `'${plan.channel}' is not on ${plan.rollbackVersion}`
  const message = `${plan.rollbackVersion} was NOT deprecated (deprecated=false): ${why.replace(/\.$/, '')}. ${moved}; ranges that match ${plan.rollbackVersion} still install it, so deprecate or remove it by hand where the registry allows.`
  r.cannotRetire = why
  r.warnings.push(message)
  r.steps.push({ step: 'deprecate', outcome: 'skipped', detail: message, at: now() })
  log.warning(`${r.label}${message}`)
}
