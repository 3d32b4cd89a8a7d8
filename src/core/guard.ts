// The one way any adapter writes a channel: a fresh read right before the write (and
// before every retry of it), a comparison with what the plan expected, the write, and a
// read-back that decides from state rather than from the status code. No protocol we
// write to has a compare-and-set for channels (npm dist-tags, OCI tags, helm releases,
// git refs), so this narrows the window to one round trip; it never writes over a value
// the plan did not expect.
import { RegistryError, RollbackError } from './errors.js'
import { describeFailure, isRetryable, nextDelay, sleep, type Logger, type RetryPolicy } from './retry.js'

/** Did a write change the channel, or was the wanted state already there? */
export type WriteOutcome = 'written' | 'already'

/**
 * The channel no longer holds what the plan expected: nothing was written. `holder` is
 * what it holds now (a version, a digest, or undefined when the channel is gone).
 */
export class ChannelMovedError extends RollbackError {
  constructor(
    readonly channel: string,
    readonly holder: string | undefined,
    readonly expected: string | undefined,
    readonly wanted: string,
  ) {
    super(
      `'${channel}' moved to ${holder ?? '(nothing: the channel was removed)'} while the rollback ran (the plan expected ${expected ?? 'no such channel'}); left there, nothing was written to it.`,
      `look at what '${channel}' holds now; if it still needs rolling back, run again and the plan starts from the new state.`,
    )
    this.name = 'ChannelMovedError'
  }
}

export interface GuardedWrite<S> {
  /** for messages, in the kind's own words: "moving tag 'latest' to 1.2.2" */
  what: string
  channel: string
  /** what the write puts there (for messages) */
  wanted: string
  /** what the plan expected the channel to hold (for messages) */
  expected: string | undefined
  /** a fresh read of what the write changes (no cache) */
  read: () => Promise<S>
  /** what `state` shows the channel holding (for messages) */
  holderOf: (state: S) => string | undefined
  /** the state already holds what the write wants */
  isDone: (state: S) => boolean
  /** the state still holds what the plan expected, so writing is safe */
  isExpected: (state: S) => boolean
  /** the write itself, given the fresh state it was guarded by */
  write: (state: S) => Promise<void>
  policy: RetryPolicy
  log: Logger
  /** turns a failed write that will not be retried into an error that says what to do */
  explain: (e: unknown) => Error
  /** failures to retry beyond 408/429/5xx (npm: a 409 on a stale document) */
  alsoRetry?: (e: unknown) => boolean
  /**
   * A read made by this run immediately before (for instance the read-back of the
   * previous write), used instead of the first fresh read. Only the caller knows that
   * nothing was awaited in between; every retry reads again regardless.
   */
  fresh?: S
}

/**
 * Guarded write: read -> compare -> write -> read back, with the retry inside the guard.
 * Returns the outcome and the last state read (the read-back), so the next step can use
 * it as its own fresh read instead of reading again.
 */
export async function guardedWrite<S>(g: GuardedWrite<S>): Promise<{ outcome: WriteOutcome; state: S }> {
  let startedAt = Date.now()
  let state = g.fresh ?? (await g.read())
  let wrote = false
  for (let attempt = 1; ; attempt++) {
    if (g.isDone(state)) return { outcome: wrote ? 'written' : 'already', state }
    if (!g.isExpected(state)) throw new ChannelMovedError(g.channel, g.holderOf(state), g.expected, g.wanted)
    let failure: unknown
    try {
      await g.write(state)
      wrote = true
    } catch (e) {
      if (e instanceof RollbackError) throw e
      failure = e
    }
    // the read-back: it decides, whatever the status code said
    state = await g.read()
    if (g.isDone(state)) {
      if (failure)
        g.log.warning(
          `${g.what}: the registry answered ${describeFailure(failure)}, but reading back shows the change took effect.`,
        )
      return { outcome: 'written', state }
    }
    // the write was refused for want of a second factor, which the person has just given
    // (src/targets/npm/two-factor.ts): sent again at once, guarded by the read-back above,
    // made after the approval; the wait for the person is not counted as retrying
    if (failure !== undefined && (failure as { resendNow?: boolean }).resendNow === true) {
      attempt--
      startedAt = Date.now()
      continue
    }
    const retryable = failure === undefined || isRetryable(failure) || g.alsoRetry?.(failure) === true
    const delay = retryable ? nextDelay(g.policy, attempt, failure, startedAt) : undefined
    if (delay === undefined) {
      if (failure) throw g.explain(failure)
      throw new RegistryError(
        `${g.what}: the registry accepted the write ${attempt} time(s) but reading it back does not show it.`,
        'check the registry (a caching proxy in front of it?) and re-run.',
      )
    }
    g.log.warning(
      `${g.what} did not take effect (${failure ? describeFailure(failure) : 'not visible on read-back'}); trying again in ${Math.round(delay / 100) / 10} s.`,
    )
    await sleep(delay)
    // time passed: the retry is guarded by a read made now, not by the read-back
    state = await g.read()
  }
}
