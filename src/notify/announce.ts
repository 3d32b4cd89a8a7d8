// The announce runbook step: one message to the incident channel's webhook when the
// rollback starts (a beforeWrite step) and one when it ends (an atEnd step). A webhook that
// fails never fails or delays the rollback: the start is sent beside the first writes and
// awaited before the end is sent (so the channel reads them in order), and every failure
// comes back as a warning. A dry run or a run the circuit breaker skipped announces nothing.
import type { BookkeepingResult } from '../github/bookkeeping.js'
import { errorMessage } from '../core/errors.js'
import type { StepReport } from '../incident/execute.js'
import type { Logger } from '../core/retry.js'
import type { IncidentResult, TargetRun } from '../incident/run.js'
import type { AnnounceInputs } from './config.js'
import { payloadFor } from './channels/index.js'
import { endAnnouncement, startAnnouncement, type AnnounceContext, type Announcement } from './message.js'
import { AnnounceError, postJson, type SendOptions } from './send.js'
import { settingName } from '../core/settings.js'

export interface AnnounceSteps {
  beforeWrite: (planned: TargetRun[]) => Promise<void>
  atEnd: (end: { result?: IncidentResult; error?: unknown }, books?: BookkeepingResult) => Promise<StepReport>
}

export interface AnnounceStepOptions extends SendOptions {
  dryRun: boolean
  /** the clock (tests) */
  now?: () => string
}

export function announceSteps(
  cfg: AnnounceInputs,
  about: AnnounceContext,
  log: Logger,
  o: AnnounceStepOptions,
): AnnounceSteps {
  const now = o.now ?? (() => new Date().toISOString())
  const where = `the ${cfg.format} webhook (${settingName('announce-webhook')})`
  let started: Promise<string | undefined> | undefined

  /** Sends one announcement; resolves to a warning when it was not delivered, never rejects. */
  const send = async (which: 'start' | 'end', build: () => Announcement): Promise<string | undefined> => {
    try {
      await postJson(cfg.webhook, payloadFor(cfg.format, build()), o)
      log.info(`Announced the ${which} of the rollback to ${where}.`)
      return undefined
    } catch (e) {
      // an AnnounceError never carries the URL; anything else is scrubbed of it to be sure
      const why =
        e instanceof AnnounceError
          ? e.message
          : errorMessage(e)
              .split(cfg.webhook)
              .join(`(${settingName('announce-webhook')})`)
      return `The ${which} announcement to ${where} was not delivered: ${why} The rollback itself is not affected.`
    }
  }

  return {
    async beforeWrite(planned) {
      // not awaited: the writes do not wait for the chat; atEnd awaits it before the end message
      started = send('start', () => startAnnouncement(planned, about, now()))
    },
    async atEnd(end, books) {
      const warnings: string[] = []
      const startWarning = await started
      if (startWarning) warnings.push(startWarning)
      if (o.dryRun || end.result?.status === 'planned') {
        log.info(`Dry run: no announcement was sent to ${where}.`)
        return { missing: [], warnings }
      }
      if (end.result?.status === 'awaiting-approval') {
        // a hand-off wrote nothing: the maintainer's resume announces the rollback (src/modes/resume.ts)
        log.info(`Handed off: nothing was written, so no announcement was sent to ${where} (the resume sends it).`)
        return { missing: [], warnings }
      }
      if (end.result?.status === 'skipped') {
        log.info(`Skipped: nothing was rolled back, so no announcement was sent to ${where}.`)
        return { missing: [], warnings }
      }
      const endWarning = await send('end', () => endAnnouncement(end, books, about, now()))
      if (endWarning) warnings.push(endWarning)
      return { missing: [], warnings }
    },
  }
}
