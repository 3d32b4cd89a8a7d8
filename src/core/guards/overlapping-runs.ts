// Overlapping release runs (issue 24): with current and a time window, a holder its commit does
// not prove is the release that failed only while nothing else published in the window could
// be it; otherwise it is a skip naming them. Pure.
import semver from 'semver'
import type { PackageState, ReleaseGuard, VersionInfo } from '../plan-types.js'
import { prereleaseId } from '../plan-versions.js'
import { setting, settingName } from '../settings.js'
import { type GuardContext, type GuardResult, inWindowEnd, PASS, stop } from './context.js'

/**
 * The other versions that could be the release that failed: the holder's line (stable, or
 * its prerelease id), published inside the window, not a republish, not the same image
 * (digest), and not provably from another commit (with release-commit: built from it, or
 * recording no commit).
 */
function otherCandidates(state: PackageState, version: string, info: VersionInfo, guard: ReleaseGuard): string[] {
  const { publishedAfter, publishedBefore, releaseCommit } = guard
  const id = semver.valid(version) ? prereleaseId(version) : undefined
  return Object.entries(state.versions)
    .filter(([v, o]) => {
      if (v === version || semver.valid(v) === null || prereleaseId(v) !== id) return false
      if (o.republishOf !== undefined || (info.digest !== undefined && o.digest === info.digest)) return false
      const at = o.publishedAt === undefined ? NaN : Date.parse(o.publishedAt)
      if (Number.isNaN(at)) return false
      if (publishedAfter !== undefined && at <= Date.parse(publishedAfter)) return false
      if (publishedBefore !== undefined && !inWindowEnd(at, publishedBefore)) return false
      const commit = o.commit?.toLowerCase()
      return releaseCommit === undefined || commit === undefined || commit === releaseCommit
    })
    .map(([v]) => v)
    .sort(semver.compare)
}

export function overlappingRuns(ctx: GuardContext): GuardResult {
  const { state, channel, version, info, guard } = ctx
  const { publishedAfter, publishedBefore, releaseCommit } = guard
  if (publishedAfter === undefined && publishedBefore === undefined) return PASS
  if (!ctx.current || (releaseCommit !== undefined && info.commit !== undefined)) return PASS
  const ambiguity = otherCandidates(state, version, info, guard)
  if (ambiguity.length === 0) return PASS
  const how =
    info.commit === undefined
      ? 'records no commit'
      : `was built from ${info.commit}, but no ${settingName('release-commit')} was given to compare it with`
  const matched = ambiguity.find(
    (v) => releaseCommit !== undefined && state.versions[v].commit?.toLowerCase() === releaseCommit,
  )
  return stop(
    matched !== undefined
      ? `'${channel}' holds ${version}, which ${how}; ${state.name}@${matched}, published in the same window, was built from the release's commit ${releaseCommit} (${settingName('release-commit')}): that is the release that failed, and '${channel}' no longer holds it, so nothing was rolled back (${version} came from another release run, such as an overlapping fix). If ${matched} must be deprecated, roll it back by hand with ${setting('rollback-version', matched)}.`
      : `'${channel}' holds ${version}, which ${how}; ${ambiguity.join(', ')} ${ambiguity.length === 1 ? 'was' : 'were'} published in the same window too and could be the release that failed: the time window alone cannot tell which, so nothing was rolled back. Roll the bad one back by hand with an exact ${settingName('rollback-version')}.`,
  )
}
