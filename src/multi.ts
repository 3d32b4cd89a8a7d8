// Many packages, one incident: the several-package view of the one runner (src/run.ts).
// An all-or-nothing preflight, the channels moved with bounded concurrency before any
// deprecation, and a package that was rolled back stays rolled back when another fails
// (status partial), unless partial-ok: false asks for the put-back.
import { InputError, RollbackError, errorMessage } from './errors.js'
import { incidentId, type PackageState, type Plan } from './plan.js'
import type { Logger } from './retry.js'
import { DEFAULT_PARALLEL, runIncident, type IncidentRequest } from './run.js'
import type { Target } from './targets/target.js'

export { DEFAULT_PARALLEL } from './run.js'

export interface PackageOutcome {
  name: string
  plan?: Plan
  before?: PackageState
  /** did this run move the tag / deprecate (and keep it) */
  moved: boolean
  deprecated: boolean
  outcome: 'rolled-back' | 'already' | 'planned' | 'failed' | 'put-back' | 'not-affected' | 'skipped'
  error?: string
}

export interface MultiResult {
  status: 'completed' | 'already-done' | 'planned' | 'partial' | 'failed' | 'skipped'
  incidentId: string
  channel: string
  rollbackVersion: string
  packages: PackageOutcome[]
  warnings: string[]
  /** failed or partial: what happened, in one message */
  error?: RollbackError
}

/** One id for the whole incident: every package, the channel and the bad version. */
export function multiIncidentId(names: string[], channel: string, bad: string, restore?: string): string {
  return incidentId([...names].sort().join(','), channel, bad, restore ?? 'last-known-good')
}

export async function runMultiRollback(
  inputs: IncidentRequest,
  targetFor: (name: string) => Target,
  log: Logger,
  parallel = DEFAULT_PARALLEL,
  preflight?: () => Promise<unknown>
): Promise<MultiResult> {
  const names = inputs.packageNames
  const base = {
    incidentId: multiIncidentId(names, inputs.channel, inputs.rollbackVersion, inputs.restoreVersion),
    channel: inputs.channel,
    rollbackVersion: inputs.rollbackVersion,
    warnings: [] as string[]
  }
  const run = await runIncident(inputs, targetFor, log, { parallel, preflight })
  const problems = run.targets.filter((t) => t.failure?.step === 'preflight')
  if (problems.length > 0) {
    throw new InputError(
      'package',
      `the preflight found problems in ${problems.length} of ${names.length} packages, so nothing was written:\n${problems.map((p) => `- ${p.name}: ${errorMessage(p.failure?.error)}`).join('\n')}`,
      'fix each problem (or leave those packages out) and run again; partial-ok does not skip the preflight.'
    )
  }
  const packages: PackageOutcome[] = run.targets.map((t) => ({
    name: t.name,
    ...(t.plan ? { plan: t.plan } : {}),
    ...(t.before ? { before: t.before } : {}),
    moved: t.moved,
    deprecated: t.deprecated,
    outcome: t.outcome,
    ...(t.failure ? { error: `${t.failure.step === 'deprecate' ? 'deprecation failed: ' : t.failure.step === 'put-back' ? 'not put back: ' : ''}${errorMessage(t.failure.error)}` } : t.skipped ? { error: t.skipped.reason } : {})
  }))
  for (const t of run.targets) for (const w of t.warnings) base.warnings.push(`${t.name}: ${w}`)
  const affected = packages.filter((o) => o.outcome !== 'not-affected')
  if (affected.length === 0) {
    throw new InputError('rollback-version', `no workspace package has version ${inputs.rollbackVersion}.`, 'check the version, or list the packages.')
  }
  if (affected.length < packages.length) base.warnings.push(`Left out (no ${inputs.rollbackVersion} published): ${packages.filter((o) => o.outcome === 'not-affected').map((o) => o.name).join(', ')}.`)
  if (inputs.dryRun) return { ...base, status: 'planned', packages }
  if (affected.every((o) => o.outcome === 'skipped')) return { ...base, status: 'skipped', packages }

  const failed = run.targets.filter((t) => t.failure?.step === 'move-tag')
  if (failed.length > 0 && inputs.partialOk === false) {
    const notPutBack = run.targets.filter((t) => t.failure?.step === 'put-back')
    const message =
      `Rolled back nothing: ${failed.map((f) => `${f.name} failed (${errorMessage(f.failure?.error)})`).join('; ')}. ` +
      (notPutBack.length === 0 ? 'The tags this run had moved were put back.' : `Could not put back: ${notPutBack.map((t) => `${t.name} (${errorMessage(t.failure?.error)})`).join('; ')}.`)
    return {
      ...base,
      status: notPutBack.length === 0 ? 'failed' : 'partial',
      packages,
      error: new RollbackError(message, notPutBack.length === 0 ? 'fix the failure and run again, or leave partial-ok at true to keep the packages that succeed.' : 'put those tags back by hand, then run again.')
    }
  }
  const incomplete = affected.filter((o) => o.error && o.outcome !== 'skipped')
  if (incomplete.length > 0) {
    const kept = affected.filter((o) => o.outcome === 'rolled-back' || o.outcome === 'already')
    return {
      ...base,
      status: run.wrote ? 'partial' : 'failed',
      packages,
      error: new RollbackError(
        `${run.wrote ? 'Partial rollback' : 'Rolled back nothing'}: ${incomplete.map((o) => `${o.name}: ${o.error}`).join('; ')}.` +
          (run.wrote && kept.length > 0 ? ` Kept rolled back: ${kept.map((o) => o.name).join(', ')}.` : ''),
        'Re-run the same rollback once the failures are fixed: it completes only what is missing.'
      )
    }
  }
  const changed = affected.some((o) => o.moved || o.deprecated)
  return { ...base, status: changed ? 'completed' : 'already-done', packages }
}
