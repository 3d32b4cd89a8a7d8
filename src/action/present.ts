// What the action shows of a mode's outcome (src/modes/run.ts): its outputs, the job summary, and the step's failure.
import * as core from '@actions/core'
import type { RunContext } from '../github/incident.js'
import { renderSummary } from '../incident/summary.js'
import type { ModeOutcome } from '../modes/run.js'
import { EMPTY, channelGoal, outputsOf, type OutputValues } from './outputs.js'

/**
 * Presents the outcome. `keep` is handed the outputs to set as soon as they are known, so that a summary that
 * cannot be written does not lose them.
 */
export async function present(
  outcome: ModeOutcome,
  ctx: RunContext,
  startedAt: string,
  keep: (outputs: OutputValues) => void,
): Promise<void> {
  const summary = (md: string) => core.summary.addRaw(md).write()
  switch (outcome.ran) {
    case 'smoke-only': {
      // the reusable workflows' smoke job: the plan and its smoke test, no write, no bookkeeping;
      // the rollback job takes smoke-tested as RELEASE_ROLLBACK_SMOKE_TESTED
      if (!outcome.smoked) {
        core.info('Smoke test only: not run for a dry run (it does not run the smoke test); nothing was written.')
        keep({ ...EMPTY, status: 'planned' })
        core.setOutput('smoke-tested', '[]')
        return
      }
      keep({ ...EMPTY, status: outcome.smoked.status })
      core.setOutput('smoke-tested', JSON.stringify(outcome.smoked.tested))
      return
    }
    case 'drill': {
      const { drill } = outcome
      keep({
        ...EMPTY,
        status: drill.status,
        'report-path': drill.reportPath ?? '',
        'report-url': drill.reportUrl ?? '',
        'issue-number': drill.issueNumber ? String(drill.issueNumber) : '',
        'issue-url': drill.issueUrl ?? '',
      })
      const { renderDrillReport } = await import('../modes/drill-report.js')
      await summary(
        renderDrillReport({
          status: drill.status,
          startedAt,
          repository: ctx.repository,
          channel: outcome.request.channel,
          checks: drill.checks,
          warnings: drill.warnings,
        }),
      )
      for (const w of drill.warnings) core.warning(w)
      if (drill.status === 'drill-failed')
        core.setFailed(
          `The rollback drill failed: a rollback now would break:\n${drill.broken.map((b) => `- ${b}`).join('\n')}`,
        )
      return
    }
    case 'incident': {
      const { result, bookkeeping, extras } = outcome
      const only = result.targets.length === 1 ? result.targets[0] : undefined
      keep({
        ...outputsOf(result, bookkeeping),
        ...(only ? await extras[0].outputs(only.plan?.undo ? channelGoal(only) : only.plan?.restoreVersion) : {}),
      })
      await summary(renderSummary(result, bookkeeping))
      if (result.error) core.setFailed(result.error.message)
      return
    }
    default:
    // the action has no preview to stop at
  }
}
