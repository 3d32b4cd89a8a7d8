// The preflight stage: every target read, its token checked and its rollback planned before
// anything is written (the token against every target, not only the first). The plan read
// may guard the first write only when nothing else answered after it.
import { InputError, RollbackError, errorMessage } from '../core/errors.js'
import { needsPerson } from '../core/handoff.js'
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
import { setting } from '../core/settings.js'
import { mapLimit } from '../core/util.js'
import { kindOf } from '../targets/registry.js'
import { incidentOf } from './resolve.js'
import { now, type RunState, type TargetRun } from './types.js'

/** Counts the answers of the preflight's reads: a plan read guards a write only when it answered last. */
interface Answers {
  count: number
  counted: <T>(p: Promise<T> | undefined) => Promise<T> | undefined
}

export async function preflight(s: RunState): Promise<void> {
  const { req, runs, options } = s
  const answers: Answers = {
    count: 0,
    counted: (p) => p?.finally(() => answers.count++),
  }
  const lastAnswer = new Map<TargetRun, number>()
  const recordFor = undoRecords(s, answers)
  await Promise.all([
    answers.counted(options.preflight?.()),
    mapLimit(runs, s.parallel, async (r) => {
      s.tell(r, 'reading')
      try {
        const [before] = await Promise.all([
          r.target.inspect().finally(() => lastAnswer.set(r, ++answers.count)),
          // a hand-off writes nothing with the token (it may have none): nothing to check
          answers.counted(req.dryRun || req.handoff ? undefined : r.target.checkAccess()),
        ])
        r.before = before
        await planTarget(s, r, before, recordFor)
      } catch (e) {
        r.outcome = 'failed'
        r.failure = { step: 'preflight', error: e }
        s.tell(r, 'failed', errorMessage(e))
      }
    }),
  ])
  s.planned = runs.filter((r) => r.plan !== undefined)
  for (const r of runs) if (runs.length > 1 || lastAnswer.get(r) !== answers.count) r.target.forget?.()
  if (req.undo && !req.recorded && !options.undoRecord && s.planned.length > 0) {
    s.log.info(
      'Undo: no incident record to read (no GitHub bookkeeping): the deprecation is removed only when it is exactly the message these inputs render.',
    )
  }
  for (const r of s.planned) {
    for (const line of describePlan(r.plan as Plan, kindOf(r.kind).words)) s.log.info(line)
    for (const w of r.warnings) s.log.warning(w)
  }
}

type RecordFor = (r: TargetRun, before: PackageState, bad: string) => Promise<UndoRecordFor | undefined>

/** One target: left out, held back by the circuit breaker, or planned (with what its place cannot do). */
async function planTarget(s: RunState, r: TargetRun, before: PackageState, recordFor: RecordFor): Promise<void> {
  const { req } = s
  if (req.fromWorkspaces && !(req.rollbackVersion in before.versions)) {
    r.outcome = 'not-affected'
    s.tell(r, 'not-affected', `no ${req.rollbackVersion}`)
    return
  }
  const gate = circuitBreaker(before, r.channel, req.rollbackVersion, req, { words: kindOf(r.kind).words })
  if (!gate.proceed) {
    r.outcome = 'skipped'
    r.skipped = { reason: gate.reason, ...(gate.holder !== undefined ? { holder: gate.holder } : {}) }
    s.log.info(`${r.label}Skipped: ${gate.reason}`)
    s.tell(r, 'skipped', gate.reason)
    return
  }
  const record = req.undo ? await recordFor(r, before, gate.rollbackVersion) : undefined
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
  await checkCapabilities(s, r, plan, before)
  r.plan = plan
  r.after = { distTags: { ...before.distTags }, deprecated: before.versions[plan.rollbackVersion]?.deprecated }
  r.warnings.push(...(gate.warnings ?? []), ...plan.warnings)
  r.steps.push({ step: 'plan', outcome: 'done', detail: describePlan(plan, kindOf(r.kind).words).join(' '), at: now() })
  s.tell(
    r,
    'planned',
    plan.tag.kind === 'move'
      ? `${plan.tag.from ?? '(none)'} -> ${plan.tag.to}`
      : plan.tag.kind === 'already'
        ? `already on ${plan.tag.to}`
        : `left on ${plan.tag.holder}`,
  )
}

/**
 * What the registry cannot do, before anything is written: a channel it cannot move stops
 * the run here; one without deprecate is moved and the deprecation skipped.
 */
async function checkCapabilities(s: RunState, r: TargetRun, plan: Plan, before: PackageState): Promise<void> {
  const { req } = s
  const deprecates = plan.deprecation.kind === 'deprecate' || plan.deprecation.kind === 'undeprecate'
  if (!r.target.capabilities || (plan.tag.kind !== 'move' && !deprecates)) return
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
      const next = e instanceof RollbackError && e.fix ? [`So that the next rollback needs no person: ${e.fix}`] : []
      return { warnings: next, cannotRetire: undefined }
    })
  r.warnings.push(...caps.warnings)
  if (caps.cannotRetire && plan.deprecation.kind === 'deprecate') r.cannotRetire = caps.cannotRetire
}

/** undo: the incident's record, read once by its id before any target is planned; each target's part of it. */
function undoRecords(s: RunState, answers: Answers): RecordFor {
  const { req, runs, options } = s
  const records = new Map<string, Promise<RecordedIncident | undefined>>()
  const recordOf = (id: string): Promise<RecordedIncident | undefined> => {
    if (req.recorded) return Promise.resolve(req.recorded)
    const read = options.undoRecord
    if (!read) return Promise.resolve(undefined)
    let pending = records.get(id)
    if (!pending) {
      pending = answers.counted(read(id)) as Promise<RecordedIncident | undefined>
      records.set(id, pending)
    }
    return pending
  }
  /** This target as the incident's record holds it; undefined (said as a warning) when the record has nothing for it. */
  return async (r, before, bad) => {
    // the rollback's incident id: by the record's id, else rebuilt as the rollback built it
    const id =
      req.recorded?.incidentId ??
      (runs.length > 1
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
}
