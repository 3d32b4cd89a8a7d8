// The rollback itself: inspect, plan, then restore before retire, each write confirmed.
// Knows nothing of GitHub Actions: the action and the tests drive it the same way.
import { PartialError, errorMessage } from './errors.js'
import type { RollbackInputs } from './inputs.js'
import { circuitBreaker, describePlan, planIsNoop, planRollback, type PackageState, type Plan } from './plan.js'
import type { Logger, Target } from './targets/target.js'

export type RollbackStatus = 'completed' | 'already-done' | 'planned' | 'partial'

/** For callers that expect a rollback: throws when the circuit breaker skipped it. */
export function rolledBack(r: RollbackResult | SkippedResult): RollbackResult {
  if (r.status === 'skipped') throw new Error(`expected a rollback, but it was skipped: ${r.reason}`)
  return r
}

/** The circuit breaker said no: nothing was planned or written. */
export interface SkippedResult {
  status: 'skipped'
  reason: string
  packageName: string
  channel: string
  /** what the channel holds */
  holder?: string
}

export interface StepRecord {
  step: 'plan' | 'move-tag' | 'deprecate'
  outcome: 'done' | 'already' | 'skipped' | 'failed' | 'planned'
  detail: string
  at: string
}

export interface RollbackResult {
  status: RollbackStatus
  /** which kind of target was rolled back (wording of summaries) */
  targetKind: Target['kind']
  plan: Plan
  before: PackageState
  /** the dist-tags and the bad version's deprecation as confirmed after this run */
  after: { distTags: Record<string, string>; deprecated?: string }
  /** did this run change them */
  moved: boolean
  deprecated: boolean
  /** strategy republish: did this run publish the fix-forward version */
  republished?: boolean
  steps: StepRecord[]
  warnings: string[]
  /** set when status is partial */
  error?: PartialError
}

/**
 * `preflight` runs beside the first read (other checks that must pass before any write,
 * such as the GitHub token's access to the repository).
 */
export async function runRollback(inputs: RollbackInputs, target: Target, log: Logger, preflight?: () => Promise<unknown>): Promise<RollbackResult | SkippedResult> {
  const now = () => new Date().toISOString()
  // the token check runs beside the first read: a bad token fails before any write
  const [before] = await Promise.all([target.inspect(), inputs.dryRun ? undefined : target.checkAccess(), preflight?.()])
  const gate = circuitBreaker(before, inputs.channel, inputs.rollbackVersion, inputs.publishedAfter)
  if (!gate.proceed) {
    log.info(`Skipped: ${gate.reason}`)
    return { status: 'skipped', reason: gate.reason, packageName: inputs.packageName, channel: inputs.channel, holder: gate.holder }
  }
  // a target without retire (container tags, Helm releases) gets no deprecation in its plan
  const plan = planRollback({ ...inputs, rollbackVersion: gate.rollbackVersion, deprecate: inputs.deprecate && target.retire !== undefined }, before)
  for (const line of describePlan(plan)) log.info(line)
  for (const w of plan.warnings) log.warning(w)

  const steps: StepRecord[] = [{ step: 'plan', outcome: 'done', detail: describePlan(plan).join(' '), at: now() }]
  const after = { distTags: { ...before.distTags }, deprecated: before.versions[plan.rollbackVersion]?.deprecated }
  const result: RollbackResult = { status: 'completed', targetKind: target.kind, plan, before, after, moved: false, deprecated: false, steps, warnings: [...plan.warnings] }

  if (inputs.dryRun) {
    result.status = 'planned'
    steps.push({ step: 'move-tag', outcome: 'planned', detail: plan.tag.kind, at: now() })
    steps.push({ step: 'deprecate', outcome: 'planned', detail: plan.deprecation.kind, at: now() })
    log.info('Dry run: nothing was written.')
    return result
  }

  // 1. Restore: the channel is the critical path.
  if (plan.tag.kind === 'move' && plan.republish) {
    if (!target.republish) throw new Error(`strategy republish is not supported for ${target.kind}.`)
    const r = await target.republish({ bad: plan.rollbackVersion, restore: plan.republish.from, channel: plan.channel, incidentId: plan.incidentId })
    let moved = r.outcome === 'published'
    if (r.channelHolds !== r.version) moved = (await target.pointChannel(plan.channel, r.version, plan.tag.from)) === 'written' || moved
    result.moved = moved
    result.republished = r.outcome === 'published'
    after.distTags[plan.channel] = r.version
    steps.push({ step: 'move-tag', outcome: moved ? 'done' : 'already', detail: `${plan.republish.from}'s code ${r.outcome === 'published' ? 'published' : 'already published'} as ${r.version}; '${plan.channel}' -> ${r.version}, verified by a fresh read`, at: now() })
    log.info(`✔ ${plan.republish.from}'s code is published as ${r.version}, and '${plan.channel}' points at it (read back from the registry).`)
  } else if (plan.tag.kind === 'move') {
    const outcome = await target.pointChannel(plan.channel, plan.restoreVersion, plan.tag.from)
    result.moved = outcome === 'written'
    after.distTags[plan.channel] = plan.restoreVersion
    steps.push({ step: 'move-tag', outcome: outcome === 'written' ? 'done' : 'already', detail: `'${plan.channel}' -> ${plan.restoreVersion}, verified by a fresh read`, at: now() })
    log.info(`✔ dist-tag '${plan.channel}' now points at ${plan.restoreVersion} (read back from the registry).`)
  } else {
    const detail = plan.tag.kind === 'already' ? `'${plan.channel}' already on ${plan.restoreVersion}` : `'${plan.channel}' holds the newer ${plan.tag.holder}`
    steps.push({ step: 'move-tag', outcome: 'skipped', detail, at: now() })
    log.info(`✔ ${detail}: not moved.`)
  }

  // 2. Retire: only once the channel is safe.
  if (plan.deprecation.kind === 'deprecate' && target.retire) {
    try {
      const outcome = await target.retire(plan.rollbackVersion, plan.deprecation.message)
      result.deprecated = outcome === 'written'
      after.deprecated = plan.deprecation.message
      steps.push({ step: 'deprecate', outcome: outcome === 'written' ? 'done' : 'already', detail: plan.deprecation.message, at: now() })
      log.info(`✔ ${plan.rollbackVersion} is deprecated (read back from the registry).`)
    } catch (e) {
      steps.push({ step: 'deprecate', outcome: 'failed', detail: errorMessage(e), at: now() })
      const done = plan.tag.kind === 'keep-newer' ? [`'${plan.channel}' is on ${plan.tag.holder}`] : [`'${plan.channel}' points at ${plan.restoreVersion} (the rollback is live)`]
      result.status = 'partial'
      result.error = new PartialError(done, [`deprecating ${plan.rollbackVersion}`], e)
      return result
    }
  } else {
    steps.push({ step: 'deprecate', outcome: plan.deprecation.kind === 'already' ? 'already' : 'skipped', detail: plan.deprecation.kind, at: now() })
  }

  result.status = planIsNoop(plan) || (!result.moved && !result.deprecated) ? 'already-done' : 'completed'
  return result
}
