// The circuit breakers for automation, one file each, in the order they run: the first that
// stops decides the reason; the warnings of those that pass add up. Pure: no I/O.
import { InputError } from '../errors.js'
import { DEFAULT_PLAN_WORDS, type Gate, type PackageState, type PlanWords, type ReleaseGuard } from '../plan-types.js'
import { theSetting } from '../settings.js'
import type { Guard, GuardContext } from './context.js'
import { maxAge } from './max-age.js'
import { overlappingRuns } from './overlapping-runs.js'
import { publishedAfter } from './published-after.js'
import { publishedBefore } from './published-before.js'
import { releaseCommit } from './release-commit.js'
import { requireHolder } from './require-holder.js'

export { formatDuration } from './max-age.js'
export type { Guard, GuardContext, GuardResult } from './context.js'

/** The circuit breakers, in order (named as the setting they check, or what they look for). */
export const GUARDS: ReadonlyArray<{ readonly name: string; readonly check: Guard }> = [
  // checked first: a channel that moved on is a skip whatever else is asked
  { name: 'require-holder', check: requireHolder },
  // the commit: proof when the version records one
  { name: 'release-commit', check: releaseCommit },
  // the time window
  { name: 'published-after', check: publishedAfter },
  { name: 'published-before', check: publishedBefore },
  { name: 'overlapping-runs', check: overlappingRuns },
  // the age
  { name: 'max-age', check: maxAge },
]

/** True when the guard asks for no check at all. */
const unguarded = (g: ReleaseGuard): boolean =>
  g.publishedAfter === undefined &&
  g.publishedBefore === undefined &&
  g.releaseCommit === undefined &&
  g.maxAgeMs === undefined &&
  g.requireHolder !== true

/** What rollback-version current stands for: what the channel holds, or the bad version a republish of ours replaced. */
function currentVersion(state: PackageState, channel: string, words: PlanWords): string {
  const holder = state.distTags[channel]
  if (holder === undefined) {
    throw new InputError(
      'channel',
      `the ${words.channel} '${channel}' does not exist on ${state.name}, so there is no current ${words.version} to roll back.`,
      `check ${theSetting('channel')}.`,
    )
  }
  // a version we republished stands for the bad one it replaced: never roll it back in turn
  return state.versions[holder]?.republishOf ?? holder
}

/**
 * The circuit breaker for automation: resolves `current` to what the channel holds (a
 * version we republished stands for the bad one it replaced), then lets the rollback
 * proceed only when that version is the release that failed (GUARDS, in order):
 *
 * - with `requireHolder`, an exact version only while the channel still holds it (checked
 *   first: a channel that moved on is a skip whatever else is asked);
 * - built from `releaseCommit`, when given and the version records its commit; a version
 *   that records none is judged by the time window alone, and the gate says so in `warnings`;
 * - published after `publishedAfter` and at or before `publishedBefore` (each when given);
 *   `publishedBefore` with whole seconds is a truncated time: the second after it counts;
 * - for `current` whose commit does not prove it (no release-commit, or the holder records
 *   none): the only version of its line published inside the window that could be the
 *   failed release; when another one could be (built from release-commit, or recording no
 *   commit), it is a skip naming them (two release runs overlapped);
 * - published at most `maxAgeMs` before `now` (an alert about an old version is no reason
 *   to roll it back automatically).
 *
 * Otherwise it returns `proceed: false` with the reason (nothing is rolled back; a re-run
 * after the rollback lands here too). The same checks guard an exact version when given.
 * A time window or a max-age on a version that records no publish time cannot be checked:
 * that is an InputError (naming rollback-version for `current`, else the input that cannot
 * be checked), never a skip that would repeat forever.
 *
 * `guard` may be the publishedAfter time alone (the older form); `words` (in either guard)
 * are the kind's, for the messages. Pure: no I/O.
 */
export function circuitBreaker(
  state: PackageState,
  channel: string,
  requested: string,
  guard?: string | ReleaseGuard,
  more: ReleaseGuard = {},
): Gate {
  const g: ReleaseGuard = typeof guard === 'string' ? { ...more, publishedAfter: guard } : { ...more, ...guard }
  const words = g.words ?? more.words ?? DEFAULT_PLAN_WORDS
  const current = requested === 'current'
  const version = current ? currentVersion(state, channel, words) : requested
  if (unguarded(g)) return { proceed: true, rollbackVersion: version }
  if (!(version in state.versions)) return { proceed: true, rollbackVersion: version } // planning names the unknown version
  const holder = state.distTags[channel]
  const ctx: GuardContext = {
    state,
    channel,
    version,
    info: state.versions[version],
    current,
    holder,
    guard: { ...g, releaseCommit: g.releaseCommit?.toLowerCase() },
    subject: current ? `'${channel}' holds ${version}` : `${state.name}@${version}`,
    verdict: current
      ? 'it did not come from the release that failed, so nothing was rolled back.'
      : 'it is not the release named by the inputs, so nothing was rolled back.',
    words,
  }
  const warnings: string[] = []
  for (const { check } of GUARDS) {
    const result = check(ctx)
    if (!result.pass) return { proceed: false, holder, reason: result.reason }
    warnings.push(...(result.warnings ?? []))
  }
  return warnings.length > 0
    ? { proceed: true, rollbackVersion: version, warnings }
    : { proceed: true, rollbackVersion: version }
}
