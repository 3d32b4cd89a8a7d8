// The lifecycle of one incident as a table of stages, and each mode as the list of stages it
// runs. The runbook around the runner adds its own after the write stage (execute.ts: verify,
// record, the end announcement):
//
//   preflight → checks (smoke, announce, confirm) → write → [verify → record → announce]
//
// Each stage is one named entry; a mode is chosen once the preflight has planned every
// target (a credential that needs a person turns a rollback into a hand-off).
import { setting } from '../core/settings.js'
import type { Plan } from '../core/plan.js'
import { preflight } from './preflight.js'
import { writeStage } from './runner.js'
import { now, type RunState } from './types.js'

export interface Stage {
  /** what the stage does, in a few words */
  readonly does: string
  run(s: RunState): Promise<void>
}

/** Every stage of the runner, by name. */
export const STAGES = {
  preflight: {
    does: 'read every target, check its token and plan its rollback; nothing written',
    run: preflight,
  },
  checks: {
    does: "the runbook's checks before the first write: the smoke test, the start announcement, a resume's confirmation",
    run: async (s) => {
      if (!s.options.beforeWrite) return
      await s.options.beforeWrite(s.planned)
      // time passed: the plan reads no longer guard the writes
      for (const r of s.planned) r.target.forget?.()
    },
  },
  write: {
    does: 'restore every channel, then retire the bad version (or, all or nothing, put back); every write guarded',
    run: writeStage,
  },
  'hand-off-checks': {
    does: 'the checks before the writes that write nothing (the smoke test of the plan left to a maintainer)',
    run: async (s) => {
      await s.options.beforeHandoff?.(s.planned)
    },
  },
  'hand-off': {
    does: 'record the plan a maintainer resumes; nothing written',
    run: async (s) => {
      plannedSteps(s)
      s.log.info(`Handed off (${(s.handoff ?? '').replace(/\.$/, '')}): nothing was written to the registry.`)
    },
  },
  'plan-only': {
    does: 'the dry run: the plan recorded, nothing written',
    run: async (s) => {
      plannedSteps(s)
      if (!s.runs.some((r) => r.failure)) s.log.info('Dry run: nothing was written.')
    },
  },
} satisfies Record<string, Stage>

export type StageName = keyof typeof STAGES

/** The modes, each as the stages it runs in order. */
export const MODES = {
  rollback: ['preflight', 'checks', 'write'],
  /** the same stages: an undo's runbook has no checks of its own (steps.ts), its plan points the channels back */
  undo: ['preflight', 'checks', 'write'],
  'dry-run': ['preflight', 'plan-only'],
  'hand-off': ['preflight', 'hand-off-checks', 'hand-off'],
} as const satisfies Record<string, readonly StageName[]>

export type ModeName = keyof typeof MODES

/**
 * The mode, once the preflight has run: undefined when it stops there (a problem in a
 * preflight, or nothing to plan), which resolve() turns into the result.
 */
export function modeAfterPreflight(s: RunState): ModeName | undefined {
  const { req, runs, planned } = s
  const failed = runs.some((r) => r.failure)
  if (req.dryRun) return 'dry-run'
  if (failed || planned.length === 0) return undefined
  // the hand-off: asked for, or a credential that cannot write without a person (src/core/handoff.ts)
  const person = planned.find((r) => r.needsPerson)
  if (req.handoff || person) {
    s.handoff = person
      ? `${person.label}${person.needsPerson}`
      : `${setting('handoff', 'true')} was asked: a maintainer makes the registry writes.`
    return 'hand-off'
  }
  return req.undo ? 'undo' : 'rollback'
}

/** Runs the preflight, then the rest of the stages of the mode it leads to. */
export async function runLifecycle(s: RunState): Promise<ModeName | undefined> {
  await STAGES.preflight.run(s)
  const mode = modeAfterPreflight(s)
  if (mode === undefined) return undefined
  for (const name of MODES[mode]) if (name !== 'preflight') await STAGES[name].run(s)
  return mode
}

/** Nothing is written (dry run, hand-off): each planned target's steps, as planned. */
function plannedSteps(s: RunState): void {
  for (const r of s.planned) {
    const plan = r.plan as Plan
    r.steps.push({ step: 'move-tag', outcome: 'planned', detail: plan.tag.kind, at: now() })
    r.steps.push({ step: 'deprecate', outcome: 'planned', detail: plan.deprecation.kind, at: now() })
  }
}
