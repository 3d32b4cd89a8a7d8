// The runbook around the writes, built once for both entries (the action and the CLI): the
// smoke test and the start announcement before the writes, the impact figures and the checks
// after them, the end announcement at the end. An undo points channels back at the bad
// version, so none of the rollback's steps runs: they are all about the restore version.
import type { InputReader } from '../core/reader.js'
import type { RunbookSteps } from './execute.js'
import type { Severity } from '../github/incident.js'
import type { RollbackInputs } from '../config/inputs.js'
import { announceSteps } from '../notify/announce.js'
import type { AnnounceInputs } from '../notify/config.js'
import type { AnnounceContext } from '../notify/message.js'
import type { Logger } from '../core/retry.js'
import { impactStep, type RtoTargets } from './impact.js'
import { smokeTest, type SmokeOptions } from './smoke.js'
import { verifySteps } from './verify.js'

export interface RunbookConfig {
  startedAt: string
  severity: Severity
  rtoTargets: RtoTargets
  announce?: AnnounceInputs
  about: Omit<AnnounceContext, 'request' | 'severity'>
  log: Logger
  userAgent: string
  smoke: Omit<SmokeOptions, 'log'>
  undoRecord?: RunbookSteps['undoRecord']
  /** resume of a hand-off: when the maintainer's command started (startedAt is then the action's start) */
  resumedAt?: string
}

export function runbookSteps(get: InputReader, inputs: RollbackInputs, c: RunbookConfig): RunbookSteps {
  const steps: RunbookSteps = {
    beforeWrite: [],
    afterWrite: [],
    atEnd: [],
    ...(c.undoRecord ? { undoRecord: c.undoRecord } : {}),
  }
  if (inputs.undo) return steps
  const smoke = smokeTest(get, inputs, { ...c.smoke, log: c.log })
  steps.beforeWrite?.push(...smoke)
  // a hand-off smoke-tests the plan it leaves (src/handoff.ts); nothing is announced until a maintainer resumes it
  steps.beforeHandoff = [...smoke]
  const verify = verifySteps(get, inputs, c.log, c.userAgent)
  steps.afterRestore = [verify.afterRestore]
  steps.afterWrite?.push(
    impactStep({
      startedAt: c.startedAt,
      severity: c.severity,
      rtoTargets: c.rtoTargets,
      registry: inputs.registry,
      ...(c.resumedAt ? { resumedAt: c.resumedAt } : {}),
    }),
    ...verify.afterWrite,
  )
  if (c.announce) {
    // the start announcement goes last among the beforeWrite steps: sent only once every check before the writes passed
    const announcer = announceSteps(c.announce, { ...c.about, request: inputs, severity: c.severity }, c.log, {
      dryRun: inputs.dryRun,
      userAgent: c.userAgent,
    })
    steps.beforeWrite?.push(announcer.beforeWrite)
    steps.atEnd?.push(announcer.atEnd)
  }
  return steps
}
