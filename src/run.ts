// The one runner: one incident (one bad version on one channel) across N targets; one
// package is N = 1. Preflight every target, restore every channel, then retire; every
// write guarded by a fresh read (src/guard.ts). Knows nothing of GitHub Actions.
import semver from 'semver'
import { ChannelMovedError } from './guard.js'
import { InputError, RollbackError, errorMessage } from './errors.js'
import type { RollbackInputs } from './inputs.js'
import { circuitBreaker, describePlan, planRollback, type PackageState, type Plan } from './plan.js'
import type { Logger } from './retry.js'
import type { Target } from './targets/target.js'
import { mapLimit } from './util.js'

export const DEFAULT_PARALLEL = 4

export interface StepRecord {
  step: 'plan' | 'move-tag' | 'deprecate'
  outcome: 'done' | 'already' | 'skipped' | 'failed' | 'planned'
  detail: string
  at: string
}

/** One target's part of the incident, as it ran. */
export interface TargetRun {
  name: string
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
  republished: boolean
  outcome: 'rolled-back' | 'already' | 'planned' | 'failed' | 'put-back' | 'not-affected' | 'skipped'
  /** the failure, when the restore or the retire failed */
  failure?: { step: 'preflight' | 'move-tag' | 'deprecate' | 'put-back'; error: unknown }
  steps: StepRecord[]
  warnings: string[]
}

export interface IncidentRequest extends RollbackInputs {
  packageNames: string[]
  partialOk?: boolean
  fromWorkspaces?: boolean
}

export interface IncidentRun {
  targets: TargetRun[]
  warnings: string[]
  /** no write was made (dry run, or every target skipped or failed before writing) */
  wrote: boolean
}

const now = () => new Date().toISOString()

/**
 * Runs the incident. Failures are recorded per target, never thrown, except a failed
 * `preflight` (checks beside the first reads that must pass before any write).
 */
export async function runIncident(
  req: IncidentRequest,
  targetFor: (name: string) => Target,
  log: Logger,
  options: { parallel?: number; preflight?: () => Promise<unknown> } = {}
): Promise<IncidentRun> {
  const parallel = options.parallel ?? DEFAULT_PARALLEL
  const several = req.packageNames.length > 1
  const runs: TargetRun[] = req.packageNames.map((name) => ({ name, label: several ? `${name}: ` : '', target: targetFor(name), moved: false, deprecated: false, republished: false, outcome: 'planned', steps: [], warnings: [] }))
  const warnings: string[] = []

  // 1. preflight: every target read, its token checked and its rollback planned before
  // anything is written (the token against every target, not only the first). The plan
  // read may guard the first write only when nothing else answered after it.
  let answers = 0
  const counted = <T>(p: Promise<T> | undefined) => p?.finally(() => answers++)
  const lastAnswer = new Map<TargetRun, number>()
  await Promise.all([
    counted(options.preflight?.()),
    mapLimit(runs, parallel, async (r) => {
      try {
        const [before] = await Promise.all([r.target.inspect().finally(() => lastAnswer.set(r, ++answers)), counted(req.dryRun ? undefined : r.target.checkAccess())])
        r.before = before
        if (req.fromWorkspaces && !(req.rollbackVersion in before.versions)) {
          r.outcome = 'not-affected'
          return
        }
        const gate = circuitBreaker(before, req.channel, req.rollbackVersion, req)
        if (!gate.proceed) {
          r.outcome = 'skipped'
          r.skipped = { reason: gate.reason, ...(gate.holder !== undefined ? { holder: gate.holder } : {}) }
          return
        }
        // a target without retire (container tags, Helm releases) gets no deprecation in its plan
        const plan = planRollback({ ...req, packageName: r.name, rollbackVersion: gate.rollbackVersion, deprecate: req.deprecate && r.target.retire !== undefined }, before)
        if (plan.republish && !r.target.republish) throw new InputError('strategy', `republish is not supported for ${r.target.kind}.`, 'use strategy: retag.')
        r.plan = plan
        r.after = { distTags: { ...before.distTags }, deprecated: before.versions[plan.rollbackVersion]?.deprecated }
        r.warnings.push(...(gate.warnings ?? []), ...plan.warnings)
        r.steps.push({ step: 'plan', outcome: 'done', detail: describePlan(plan).join(' '), at: now() })
      } catch (e) {
        r.outcome = 'failed'
        r.failure = { step: 'preflight', error: e }
      }
    })
  ])
  const planned = runs.filter((r) => r.plan !== undefined)
  for (const r of runs) if (runs.length > 1 || lastAnswer.get(r) !== answers) r.target.forget?.()
  for (const r of planned) {
    for (const line of describePlan(r.plan as Plan)) log.info(line)
    for (const w of r.warnings) log.warning(w)
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
    return { targets: runs, warnings, wrote: false }
  }

  // 2. restore: every channel, before any deprecation
  await mapLimit(planned, parallel, (r) => restore(r, log))
  const failed = planned.filter((r) => r.failure)
  if (failed.length > 0 && req.partialOk === false && planned.length > 1) {
    // asked for: put back what this run moved, but only where the channel still holds what it wrote
    for (const r of planned) r.target.forget?.()
    await mapLimit(
      planned.filter((r) => r.moved),
      parallel,
      (r) => putBack(r, req, log)
    )
    return { targets: runs, warnings, wrote: runs.some((r) => r.moved || r.outcome === 'put-back' || r.failure?.step === 'put-back') }
  }

  // 3. retire: for every target whose channel is safe (with several, the others' writes
  // were awaited since each one's read-back: it reads again)
  if (planned.length > 1) for (const r of planned) r.target.forget?.()
  await mapLimit(
    planned.filter((r) => !r.failure),
    parallel,
    (r) => retire(r, log)
  )
  for (const r of planned) for (const a of r.target.anomalies?.() ?? []) r.warnings.push(a)
  return { targets: runs, warnings, wrote: runs.some((r) => r.moved || r.deprecated) }
}

async function restore(r: TargetRun, log: Logger): Promise<void> {
  const plan = r.plan as Plan
  const after = r.after as NonNullable<TargetRun['after']>
  const label = r.label
  if (plan.tag.kind !== 'move') {
    const detail = plan.tag.kind === 'already' ? `'${plan.channel}' already on ${plan.restoreVersion}` : `'${plan.channel}' holds the newer ${plan.tag.holder}`
    r.steps.push({ step: 'move-tag', outcome: 'skipped', detail, at: now() })
    r.outcome = 'already'
    log.info(`✔ ${label}${detail}: not moved.`)
    return
  }
  const expected = plan.tag.from
  try {
    if (plan.republish) {
      const target = r.target as Required<Pick<Target, 'republish'>> & Target
      const p = await target.republish({ bad: plan.rollbackVersion, restore: plan.republish.from, channel: plan.channel, incidentId: plan.incidentId, expected })
      let moved = p.outcome === 'published'
      if (p.channelHolds !== p.version) moved = (await r.target.pointChannel(plan.channel, p.version, expected)) === 'written' || moved
      r.moved = moved
      r.republished = p.outcome === 'published'
      after.distTags[plan.channel] = p.version
      r.steps.push({ step: 'move-tag', outcome: moved ? 'done' : 'already', detail: `${plan.republish.from}'s code ${p.outcome === 'published' ? 'published' : 'already published'} as ${p.version}; '${plan.channel}' -> ${p.version}, verified by a fresh read`, at: now() })
      log.info(`✔ ${label}${plan.republish.from}'s code is published as ${p.version}, and '${plan.channel}' points at it (read back from the registry).`)
    } else {
      const outcome = await r.target.pointChannel(plan.channel, plan.restoreVersion, expected)
      r.moved = outcome === 'written'
      after.distTags[plan.channel] = plan.restoreVersion
      r.steps.push({ step: 'move-tag', outcome: outcome === 'written' ? 'done' : 'already', detail: `'${plan.channel}' -> ${plan.restoreVersion}, verified by a fresh read`, at: now() })
      log.info(`✔ ${label}dist-tag '${plan.channel}' now points at ${plan.restoreVersion} (read back from the registry).`)
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
  const message = `'${plan.channel}' moved to ${holder} while the rollback ran; left there.`
  r.plan = { ...plan, tag: { kind: 'keep-newer', holder } }
  ;(r.after as NonNullable<TargetRun['after']>).distTags[plan.channel] = holder
  r.outcome = 'already'
  r.warnings.push(message)
  r.steps.push({ step: 'move-tag', outcome: 'skipped', detail: message, at: now() })
  log.warning(`${r.label}${message}`)
  return true
}

async function putBack(r: TargetRun, req: IncidentRequest, log: Logger): Promise<void> {
  const plan = r.plan as Plan
  const previous = plan.previousVersion
  const wrote = plan.republish?.version ?? plan.restoreVersion
  try {
    if (previous === undefined) throw new RollbackError(`'${req.channel}' did not exist before; remove it by hand (npm dist-tag rm ${r.name} ${req.channel}).`)
    await r.target.pointChannel(req.channel, previous, wrote)
    r.moved = false
    r.outcome = 'put-back'
    log.info(`↩ ${r.name}: '${req.channel}' put back to ${previous}`)
  } catch (e) {
    r.failure = { step: 'put-back', error: e }
    log.warning(`✖ ${r.name}: not put back: ${errorMessage(e)}`)
  }
}

async function retire(r: TargetRun, log: Logger): Promise<void> {
  const plan = r.plan as Plan
  const after = r.after as NonNullable<TargetRun['after']>
  if (plan.deprecation.kind !== 'deprecate' || !r.target.retire) {
    r.steps.push({ step: 'deprecate', outcome: plan.deprecation.kind === 'already' ? 'already' : 'skipped', detail: plan.deprecation.kind, at: now() })
    return
  }
  // the message tells users to use this version: it must exist and not be deprecated when written
  const names = plan.republish?.version ?? plan.restoreVersion
  try {
    const outcome = await r.target.retire(plan.rollbackVersion, plan.deprecation.message, names)
    r.deprecated = outcome === 'written'
    after.deprecated = plan.deprecation.message
    r.steps.push({ step: 'deprecate', outcome: outcome === 'written' ? 'done' : 'already', detail: plan.deprecation.message, at: now() })
    log.info(`✔ ${r.label}${plan.rollbackVersion} is deprecated (read back from the registry).`)
  } catch (e) {
    r.failure = { step: 'deprecate', error: e }
    r.steps.push({ step: 'deprecate', outcome: 'failed', detail: errorMessage(e), at: now() })
    log.warning(`✖ ${r.label}deprecation failed: ${errorMessage(e)}`)
  }
}
