// The one runner: one incident (one bad version on one channel) across N targets; one
// package is N = 1. The stages and the modes are in lifecycle.ts, the write stage in
// runner.ts, the status logic in resolve.ts; this module runs them and is where the rest of
// the tool imports the incident's types from. Knows nothing of GitHub Actions.
import type { Logger } from '../core/retry.js'
import { kindOf } from '../targets/registry.js'
import { runLifecycle } from './lifecycle.js'
import { resolve } from './resolve.js'
import {
  DEFAULT_PARALLEL,
  type IncidentRequest,
  type IncidentResult,
  type IncidentTarget,
  type ProgressEvent,
  type RunOptions,
  type RunState,
  type TargetRun,
} from './types.js'

export * from './types.js'
export { errorOf, incidentOf } from './resolve.js'

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

/** The stages of the incident's mode over every target, without the status logic: each target's run. */
export async function runTargets(
  req: IncidentRequest,
  targets: IncidentTarget[],
  log: Logger,
  options: RunOptions,
  handoff: { reason?: string } = {},
): Promise<TargetRun[]> {
  const several = targets.length > 1
  const runs: TargetRun[] = targets.map((t) => ({
    ...t,
    // among several, each line names its target as its kind does ("@acme/core", "docker:ghcr.io/acme/app")
    label: several ? `${kindOf(t.kind).label(t.name)}: ` : '',
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
  const state: RunState = {
    req,
    runs,
    log,
    options,
    parallel: options.parallel ?? DEFAULT_PARALLEL,
    tell,
    planned: [],
  }
  await runLifecycle(state)
  if (state.handoff !== undefined) handoff.reason = state.handoff
  return runs
}
