// The versions' order: the last known good version of a channel, and the fix-forward
// version a republish gets. Pure: semver and the registry's state, no I/O.
import semver from 'semver'
import { InputError } from './errors.js'
import type { PackageState, VersionInfo } from './plan-types.js'
import { settingName } from './settings.js'

/** The prerelease identifier of `version` ('' when it is a number: `1.0.0-0`), or undefined for a stable version. */
export function prereleaseId(version: string): string | undefined {
  const pre = semver.prerelease(version)
  return pre && typeof pre[0] === 'string' ? pre[0] : pre ? '' : undefined
}

/** `1.2.3` for `1.2.3-beta.4`: the stable version a prerelease line leads to. */
export function releaseOf(version: string): string {
  const p = semver.parse(version)
  return p ? `${p.major}.${p.minor}.${p.patch}` : version
}

/** True when the versions' publish times tell the order: the bad version records one. */
export function byHistory(state: PackageState, bad: string): boolean {
  const t = state.versions[bad]?.publishedAt
  return t !== undefined && !Number.isNaN(Date.parse(t))
}

/**
 * The last known good version for `bad` on `channel`, among the channel's line: for
 * `latest` (or a stable bad version) the non-deprecated stable versions; for a prerelease
 * channel the non-deprecated versions with the bad one's prerelease identifier (beta,
 * canary, ...).
 *
 * - When the registry's publish times tell (the bad version has `publishedAt`): the highest
 *   of the line **published before the bad one** (a version without a time counts when it
 *   is lower than the bad one). It may be higher than the bad version: 2.1.0 on latest, a
 *   backport 1.9.5 published to latest by mistake, gives 2.1.0. (A version with the same
 *   time as the bad one counts when it is lower.)
 * - Without times: the highest of the line below the bad version.
 *
 * - Never a version built from `releaseCommit` (release-commit: the commit of the release
 *   that failed), whatever its number or time: it carries the bad code.
 *
 * Throws an InputError naming restore-version when the choice would be a stale prerelease:
 * a new prerelease line (3.0.0-beta.0) whose previous line (2.0.0-beta.N) was released as
 * stable (2.0.0 exists), so nobody on the channel should go back to 2.0.0-beta.N.
 */
export function lastKnownGood(
  state: PackageState,
  bad: string,
  channel: string,
  releaseCommit?: string,
): string | undefined {
  const id = channel === 'latest' ? undefined : prereleaseId(bad)
  const failed = releaseCommit?.toLowerCase()
  const history = byHistory(state, bad)
  const badAt = history ? Date.parse(state.versions[bad].publishedAt as string) : NaN
  const before = (v: string, info: VersionInfo): boolean => {
    if (!history) return semver.lt(v, bad)
    const at = info.publishedAt === undefined ? NaN : Date.parse(info.publishedAt)
    // no time, or the same time as the bad one (order unknown): below it counts
    return Number.isNaN(at) || at === badAt ? semver.lt(v, bad) : at < badAt
  }
  const candidates = Object.entries(state.versions)
    .filter(([v, info]) => semver.valid(v) !== null && v !== bad && !info.deprecated && before(v, info))
    // built from the failed release's commit: the same code as the bad version, never known good (issue 24)
    .filter(([, info]) => failed === undefined || info.commit?.toLowerCase() !== failed)
    .map(([v]) => v)
    .filter((v) => (id === undefined ? semver.prerelease(v) === null : prereleaseId(v) === id))
  const chosen = candidates.sort(semver.rcompare)[0]
  if (
    chosen !== undefined &&
    id !== undefined &&
    releaseOf(chosen) !== releaseOf(bad) &&
    releaseOf(chosen) in state.versions
  ) {
    const line = id === '' ? 'prerelease' : id
    throw new InputError(
      'restore-version',
      `is empty, and the previous ${line} line, ${chosen}, was released as ${releaseOf(chosen)}: restoring ${chosen} on '${channel}' would put a stale prerelease back, not the last known good ${line} of the ${releaseOf(bad)} line.`,
      `give ${settingName('restore-version')} explicitly (${releaseOf(chosen)}, or a ${line} version you know is good).`,
    )
  }
  return chosen
}

/**
 * The version a fix-forward republish gets: the next one above the bad version on the
 * same line, so that every range that let the bad version in (`^1.2.0`, `~1.2.3`,
 * `>=1.2.3`) prefers it, and bots that only propose upgrades (Renovate, Dependabot) move onto it.
 *
 * - a stable bad version gets the next patch: `1.2.3` -> `1.2.4`;
 * - a prerelease gets the next prerelease of the same line: `2.0.0-beta.3` ->
 *   `2.0.0-beta.4`, `2.0.0-rc` -> `2.0.0-rc.0` (semver's `prerelease` increment; it never
 *   leaves the prerelease line, so `2.0.0` itself stays free for the real release).
 *
 * Build metadata is dropped (`1.2.3+build.5` -> `1.2.4`). Throws on an invalid version.
 */
export function fixForwardVersion(bad: string): string {
  const parsed = semver.parse(bad)
  if (!parsed)
    throw new InputError(
      'rollback-version',
      `'${bad}' is not a valid semver version.`,
      'give the exact version to roll back, such as 1.2.3.',
    )
  const next =
    parsed.prerelease.length > 0 ? semver.inc(parsed.version, 'prerelease') : semver.inc(parsed.version, 'patch')
  if (!next)
    throw new InputError(
      'rollback-version',
      `cannot compute the version after '${bad}'.`,
      'give a valid semver version.',
    )
  return next
}
