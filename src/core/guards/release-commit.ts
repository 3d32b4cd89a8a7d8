// release-commit: the version must be built from the release's commit; that is proof when the
// version records its commit. One that records none is judged by the time window alone, and
// the gate says so. Pure.
import { settingName } from '../settings.js'
import { type GuardContext, type GuardResult, PASS, stop } from './context.js'

export function releaseCommit(ctx: GuardContext): GuardResult {
  const { state, version } = ctx
  const { releaseCommit: wanted, publishedAfter, publishedBefore } = ctx.guard
  if (wanted === undefined) return PASS
  const commit = ctx.info.commit?.toLowerCase()
  if (commit !== undefined && commit !== wanted)
    return stop(
      `${ctx.subject}, built from commit ${commit}, not the release's commit ${wanted} (${settingName('release-commit')}): ${ctx.verdict}`,
    )
  if (commit !== undefined) return PASS
  const alone =
    publishedAfter === undefined && publishedBefore === undefined
      ? `it is rolled back because ${settingName('rollback-version')} names it.`
      : 'it was identified by its publish time alone.'
  return {
    pass: true,
    warnings: [
      `${state.name}@${version} records no commit, so ${settingName('release-commit')} could not be compared; ${alone}`,
    ],
  }
}
