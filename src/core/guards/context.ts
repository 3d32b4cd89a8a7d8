// What every circuit breaker reads and answers (src/core/guards/index.ts runs them in order).
// Pure: no I/O.
import { InputError } from '../errors.js'
import type { PackageState, PlanWords, ReleaseGuard, VersionInfo } from '../plan-types.js'
import { currentDialect, settingName } from '../settings.js'

/** The version the gate judges, and what identifies the release that failed. */
export interface GuardContext {
  state: PackageState
  channel: string
  /** the version judged: the exact one asked for, or (current) the one the channel stands for */
  version: string
  info: VersionInfo
  /** rollback-version is current: `version` is what the channel holds */
  current: boolean
  /** what the channel holds (undefined: no such channel) */
  holder?: string
  /** the guard's inputs, release-commit lower-cased */
  guard: ReleaseGuard
  /** how a skip names the version: "'latest' holds 1.2.3", "acme-widget@1.2.3" */
  subject: string
  /** how a skip ends: "…, so nothing was rolled back." */
  verdict: string
  words: PlanWords
}

/**
 * One circuit breaker's answer: pass (with what it could not check, for the log and the
 * record), or stop with the reason (nothing is rolled back).
 */
export type GuardResult = { pass: true; warnings?: string[] } | { pass: false; reason: string }

/** One circuit breaker: a pure check of the context; an input it can never check is an InputError. */
export type Guard = (ctx: GuardContext) => GuardResult

export const PASS: GuardResult = { pass: true }

export const stop = (reason: string): GuardResult => ({ pass: false, reason })

/**
 * The judged version's publish time in epoch ms, for the time window (`input`: the window's
 * end that asks). A version that records none can never be checked: an InputError, never a
 * skip that would repeat forever.
 */
export function publishTime(ctx: GuardContext, input: 'published-after' | 'published-before'): number {
  const { state, version, channel, guard } = ctx
  const publishedAt = ctx.info.publishedAt
  const at = publishedAt === undefined ? NaN : Date.parse(publishedAt)
  if (!Number.isNaN(at)) return at
  if (ctx.current) {
    throw new InputError(
      'rollback-version',
      `is current, but the target records no publish time for ${state.name}@${version} (what '${channel}' holds), so it can never be shown to come from the release that failed.`,
      `give the exact version to roll back instead of current, once you have checked that ${version} is the bad one.`,
    )
  }
  const action = currentDialect() === 'action'
  throw new InputError(
    input,
    `cannot be checked: the target records no publish time for ${state.name}@${version}.`,
    `${action ? 'leave' : 'leave out'} ${settingName('published-after')} and ${settingName('published-before')}${action ? ' empty' : ''} (${settingName('rollback-version')} already names the version${guard.releaseCommit !== undefined ? `; ${settingName('release-commit')} still guards it` : ''}).`,
  )
}

/**
 * True when `at` (epoch ms) is at or before `publishedBefore`. A whole-second
 * `publishedBefore` is a truncated time (GitHub's updated_at): the run may have ended up to
 * a second later, so that second counts too.
 */
export function inWindowEnd(at: number, publishedBefore: string): boolean {
  const end = Date.parse(publishedBefore)
  return end % 1000 === 0 ? at < end + 1000 : at <= end
}
