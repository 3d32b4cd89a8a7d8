// The one status logic, for one target or many: what the stages left in the targets' runs,
// turned into the incident's result (completed, partial, failed, …) and its one error.
import { InputError, PartialError, RollbackError, errorMessage } from '../core/errors.js'
import type { RollbackInputs } from '../config/inputs.js'
import type { Plan } from '../core/plan.js'
import { currentDialect } from '../core/settings.js'
import { incidentOfTargets } from '../core/incident-id.js'
import { approveCommand } from '../targets/npm/stage.js'
import { kindOf, labelOf } from '../targets/registry.js'
import { now, type IncidentRequest, type IncidentResult, type TargetRun } from './types.js'

type Base = Omit<IncidentResult, 'status'>

/** The one status logic, for one target or many. */
export function resolve(req: IncidentRequest, runs: TargetRun[], handoff?: string): IncidentResult {
  const single = runs.length === 1
  const only = runs[0]
  throwPreflightProblems(runs)
  const affected = runs.filter((r) => r.outcome !== 'not-affected')
  if (affected.length === 0)
    throw new InputError(
      'rollback-version',
      `no workspace package has version ${req.rollbackVersion}.`,
      'check the version, or list the packages.',
    )
  const base = baseOf(req, runs, affected)
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

  if (single && only.failure?.step === 'move-tag' && !only.republished) throw only.failure.error
  const failedMoves = runs.filter((r) => r.failure?.step === 'move-tag' || r.failure?.step === 'put-back')
  if (failedMoves.length > 0 && req.partialOk === false && !single) return allOrNothing(base, runs)
  const wrote = runs.some((r) => r.moved || r.deprecated || r.undeprecated || r.republished)
  if (runs.some((r) => r.failure)) return incomplete(base, runs, affected, wrote)
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
  // the writes wait for a person (a pull request to merge): partial until then, with the links
  const pending = runs.flatMap((r) => r.pending ?? [])
  if (pending.length > 0)
    return {
      ...base,
      status: 'partial',
      error: new RollbackError(
        `${req.undo ? 'Undo' : 'Rollback'} proposed, waiting to be merged: ${pending.join('; ')}.`,
        'merge the pull request (the GitOps controller then syncs it), then re-run to confirm.',
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

/** A problem in the preflight of any target: for one target its own error; for several, one InputError that lists each. */
function throwPreflightProblems(runs: TargetRun[]): void {
  const problems = runs.filter((r) => r.failure?.step === 'preflight')
  if (problems.length === 0) return
  if (runs.length === 1) throw runs[0].failure?.error
  // targets of the bare kind only (npm packages): the package input listed them
  const bare = runs.every((r) => kindOf(r.kind).bare === true)
  throw new InputError(
    bare ? 'package' : 'targets',
    `the preflight found problems in ${problems.length} of ${runs.length} ${bare ? 'packages' : 'targets'}, so nothing was written:\n${problems.map((p) => `- ${p.label.replace(/: $/, '')}: ${errorMessage(p.failure?.error)}`).join('\n')}`,
    `fix each problem (or leave those out) and run again; ${currentDialect() === 'action' ? 'partial-ok does not skip the preflight' : 'the preflight is never skipped'}.`,
  )
}

/** What every result holds: the id, the versions, the targets and the warnings (each prefixed with its target's label). */
function baseOf(req: IncidentRequest, runs: TargetRun[], affected: TargetRun[]): Base {
  const single = runs.length === 1
  const only = runs[0]
  const warnings: string[] = []
  for (const r of runs) for (const w of r.warnings) warnings.push(`${r.label}${w}`)
  if (affected.length < runs.length)
    warnings.push(
      `Left out (no ${req.rollbackVersion} published): ${runs
        .filter((r) => r.outcome === 'not-affected')
        .map((r) => r.name)
        .join(', ')}.`,
    )
  return {
    incidentId: req.recorded?.incidentId ?? (single ? (only.plan?.incidentId ?? '') : incidentOf(runs, req)),
    rollbackVersion: only.plan?.rollbackVersion ?? req.rollbackVersion,
    channel: req.channel,
    targets: runs,
    warnings,
    ...(req.undo ? { undo: true as const } : {}),
  }
}

/** All or nothing (partial-ok false) and a move failed: what this run had moved was put back, or could not be. */
function allOrNothing(base: Base, runs: TargetRun[]): IncidentResult {
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

/** Some target failed after the preflight: partial when anything was written, else failed. */
function incomplete(base: Base, runs: TargetRun[], affected: TargetRun[], wrote: boolean): IncidentResult {
  const failures = runs.filter((r) => r.failure)
  if (runs.length === 1) {
    const only = runs[0]
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
      `${wrote ? 'Partial rollback' : 'Rolled back nothing'}: ${failures.map((r) => `${r.name}: ${errorOf(r)}`).join('; ')}.` +
        (wrote && kept.length > 0 ? ` Kept rolled back: ${kept.map((r) => r.name).join(', ')}.` : ''),
      'Re-run the same rollback once the failures are fixed: it completes only what is missing.',
    ),
  }
}
