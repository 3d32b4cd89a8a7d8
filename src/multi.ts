// Many packages, one incident: an all-or-nothing preflight, then the tags moved with
// bounded concurrency (restore before retire across the whole set), then the
// deprecations. A tag that fails puts back the tags this run moved, unless partial-ok.
import { InputError, RollbackError, errorMessage } from './errors.js'
import type { RollbackInputs } from './inputs.js'
import { incidentId, planRollback, type PackageState, type Plan } from './plan.js'
import type { Logger } from './retry.js'
import type { Target } from './targets/target.js'

export const DEFAULT_PARALLEL = 4

export interface PackageOutcome {
  name: string
  plan?: Plan
  before?: PackageState
  /** did this run move the tag / deprecate (and keep it) */
  moved: boolean
  deprecated: boolean
  outcome: 'rolled-back' | 'already' | 'planned' | 'failed' | 'put-back' | 'not-affected'
  error?: string
}

export interface MultiResult {
  status: 'completed' | 'already-done' | 'planned' | 'partial' | 'failed'
  incidentId: string
  channel: string
  rollbackVersion: string
  packages: PackageOutcome[]
  warnings: string[]
  /** failed or partial: what happened, in one message */
  error?: RollbackError
}

/** Runs `fn` over `items` with at most `limit` at a time, keeping the order of results. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      results[i] = await fn(items[i], i)
    }
  }
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker))
  return results
}

/** One id for the whole incident: every package, the channel and the bad version. */
export function multiIncidentId(names: string[], channel: string, bad: string, restore?: string): string {
  return incidentId([...names].sort().join(','), channel, bad, restore ?? 'last-known-good')
}

export async function runMultiRollback(
  inputs: RollbackInputs & { packageNames: string[]; partialOk?: boolean; fromWorkspaces?: boolean },
  targetFor: (name: string) => Target,
  log: Logger,
  parallel = DEFAULT_PARALLEL
): Promise<MultiResult> {
  const names = inputs.packageNames
  const targets = new Map(names.map((n) => [n, targetFor(n)]))
  const base = {
    incidentId: multiIncidentId(names, inputs.channel, inputs.rollbackVersion, inputs.restoreVersion),
    channel: inputs.channel,
    rollbackVersion: inputs.rollbackVersion,
    warnings: [] as string[]
  }

  // 1. preflight: every package read and planned before anything is written
  // one token for every package: checked once, before anything is written
  if (!inputs.dryRun) await (targets.get(names[0]) as Target).checkAccess()
  const outcomes: PackageOutcome[] = await mapLimit(names, parallel, async (name) => {
    try {
      const before = await (targets.get(name) as Target).inspect()
      // packages: workspaces takes only the workspace packages that published the bad version
      if (inputs.fromWorkspaces && !(inputs.rollbackVersion in before.versions)) {
        return { name, before, moved: false, deprecated: false, outcome: 'not-affected' as const }
      }
      const plan = planRollback({ ...inputs, packageName: name }, before)
      return { name, before, plan, moved: false, deprecated: false, outcome: 'planned' as const }
    } catch (e) {
      return { name, moved: false, deprecated: false, outcome: 'failed' as const, error: errorMessage(e) }
    }
  })
  const problems = outcomes.filter((o) => o.outcome === 'failed')
  if (problems.length > 0) {
    throw new InputError(
      'package',
      `the preflight found problems in ${problems.length} of ${names.length} packages, so nothing was written:\n${problems.map((p) => `- ${p.name}: ${p.error}`).join('\n')}`,
      'fix each problem (or leave those packages out) and run again; partial-ok does not skip the preflight.'
    )
  }
  for (const o of outcomes) for (const w of o.plan?.warnings ?? []) base.warnings.push(`${o.name}: ${w}`)
  const all = outcomes
  const affected = outcomes.filter((o) => o.outcome !== 'not-affected')
  if (affected.length === 0) {
    throw new InputError('rollback-version', `no workspace package has version ${inputs.rollbackVersion}.`, 'check the version, or list the packages.')
  }
  if (affected.length < all.length) base.warnings.push(`Left out (no ${inputs.rollbackVersion} published): ${all.filter((o) => o.outcome === 'not-affected').map((o) => o.name).join(', ')}.`)
  if (inputs.dryRun) return { ...base, status: 'planned', packages: all }

  // 2. the tags, all of them, before any deprecation
  await mapLimit(affected, parallel, async (o) => {
    const plan = o.plan as Plan
    if (plan.tag.kind !== 'move') {
      o.outcome = 'already'
      return
    }
    try {
      o.moved = (await (targets.get(o.name) as Target).pointChannel(plan.channel, plan.restoreVersion, plan.previousVersion)) === 'written'
      o.outcome = 'rolled-back'
      log.info(`✔ ${o.name}: '${plan.channel}' -> ${plan.restoreVersion}`)
    } catch (e) {
      o.outcome = 'failed'
      o.error = errorMessage(e)
      log.warning(`✖ ${o.name}: ${o.error}`)
    }
  })
  const failed = affected.filter((o) => o.outcome === 'failed')
  if (failed.length > 0 && !inputs.partialOk) {
    // compensation: put back what this run moved, so the set stays consistent
    const notPutBack: string[] = []
    await mapLimit(
      affected.filter((o) => o.moved),
      parallel,
      async (o) => {
        const previous = o.plan?.previousVersion
        try {
          if (previous === undefined) throw new Error(`'${inputs.channel}' did not exist before; remove it by hand (npm dist-tag rm ${o.name} ${inputs.channel})`)
          await (targets.get(o.name) as Target).pointChannel(inputs.channel, previous, o.plan?.restoreVersion)
          o.moved = false
          o.outcome = 'put-back'
          log.info(`↩ ${o.name}: '${inputs.channel}' put back to ${previous}`)
        } catch (e) {
          notPutBack.push(`${o.name} (${errorMessage(e)})`)
        }
      }
    )
    const message =
      `Rolled back nothing: ${failed.map((f) => `${f.name} failed (${f.error})`).join('; ')}. ` +
      (notPutBack.length === 0 ? 'The tags this run had moved were put back.' : `Could not put back: ${notPutBack.join('; ')}.`)
    return { ...base, status: notPutBack.length === 0 ? 'failed' : 'partial', packages: all, error: new RollbackError(message, notPutBack.length === 0 ? 'fix the failure and run again, or set partial-ok: true to keep the packages that succeed.' : 'put those tags back by hand, then run again.') }
  }

  // 3. the deprecations, for every package whose channel is safe
  await mapLimit(
    affected.filter((o) => o.outcome !== 'failed'),
    parallel,
    async (o) => {
      const plan = o.plan as Plan
      const target = targets.get(o.name) as Target
      if (plan.deprecation.kind !== 'deprecate' || !target.retire) return
      try {
        o.deprecated = (await target.retire(plan.rollbackVersion, plan.deprecation.message)) === 'written'
      } catch (e) {
        o.error = `deprecation failed: ${errorMessage(e)}`
        log.warning(`✖ ${o.name}: ${o.error}`)
      }
    }
  )
  const incomplete = affected.filter((o) => o.outcome === 'failed' || o.error)
  if (incomplete.length > 0) {
    return {
      ...base,
      status: 'partial',
      packages: all,
      error: new RollbackError(`Partial rollback: ${incomplete.map((o) => `${o.name}: ${o.error}`).join('; ')}.`, 'Re-run the same rollback: it completes only what is missing.')
    }
  }
  const changed = affected.some((o) => o.moved || o.deprecated)
  return { ...base, status: changed ? 'completed' : 'already-done', packages: all }
}
