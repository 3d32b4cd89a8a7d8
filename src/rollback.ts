// One package's view of the one runner (src/run.ts): the result the single-target
// summary, outputs and bookkeeping read. Knows nothing of GitHub Actions.
import { PartialError, errorMessage } from './errors.js'
import type { RollbackInputs } from './inputs.js'
import { planIsNoop, type PackageState, type Plan } from './plan.js'
import { runIncident, type StepRecord } from './run.js'
import type { Logger, Target } from './targets/target.js'

export type { StepRecord } from './run.js'

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
 * such as the GitHub token's access to the repository). Throws for failures before any
 * write (the status is then `failed`).
 */
export async function runRollback(inputs: RollbackInputs, target: Target, log: Logger, preflight?: () => Promise<unknown>): Promise<RollbackResult | SkippedResult> {
  const run = await runIncident({ ...inputs, packageNames: [inputs.packageName] }, () => target, log, { preflight })
  const r = run.targets[0]
  if (r.failure?.step === 'preflight') throw r.failure.error
  if (r.skipped) {
    log.info(`Skipped: ${r.skipped.reason}`)
    return { status: 'skipped', reason: r.skipped.reason, packageName: inputs.packageName, channel: inputs.channel, ...(r.skipped.holder !== undefined ? { holder: r.skipped.holder } : {}) }
  }
  const plan = r.plan as Plan
  const result: RollbackResult = {
    status: 'completed',
    targetKind: target.kind,
    plan,
    before: r.before as PackageState,
    after: r.after as RollbackResult['after'],
    moved: r.moved,
    deprecated: r.deprecated,
    ...(plan.republish ? { republished: r.republished } : {}),
    steps: r.steps,
    warnings: [...run.warnings, ...r.warnings]
  }
  if (inputs.dryRun) {
    result.status = 'planned'
    return result
  }
  if (r.failure?.step === 'move-tag') {
    // nothing took effect (a fix-forward publish that did is a partial rollback)
    if (!r.republished) throw r.failure.error
    result.status = 'partial'
    result.error = new PartialError([`${plan.republish?.version} is published`], [`pointing '${plan.channel}' at it`], r.failure.error)
    return result
  }
  if (r.failure?.step === 'deprecate') {
    const done = plan.tag.kind === 'keep-newer' ? [`'${plan.channel}' is on ${plan.tag.holder}`] : [`'${plan.channel}' points at ${plan.republish?.version ?? plan.restoreVersion} (the rollback is live)`]
    result.status = 'partial'
    result.error = new PartialError(done, [`deprecating ${plan.rollbackVersion}`], r.failure.error)
    return result
  }
  result.status = planIsNoop(plan) || (!result.moved && !result.deprecated) ? 'already-done' : 'completed'
  if (result.warnings.length > 0) log.debug(`Warnings: ${result.warnings.map(errorMessage).join(' | ')}`)
  return result
}
