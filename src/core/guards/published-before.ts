// published-before: the version must have been published at or before this time (the release
// run's end). It is the failed run's updated_at, which GitHub truncates to the second: a
// whole-second end admits the second after it (issue 24), where the commit check has decided
// already (another commit was skipped). Pure.
import { settingName } from '../settings.js'
import { type GuardContext, type GuardResult, inWindowEnd, PASS, publishTime, stop } from './context.js'

export function publishedBefore(ctx: GuardContext): GuardResult {
  const { state, version, info } = ctx
  const { publishedBefore: before, releaseCommit } = ctx.guard
  if (before === undefined) return PASS
  const at = publishTime(ctx, 'published-before')
  if (!inWindowEnd(at, before))
    return stop(
      `${ctx.subject}, published ${info.publishedAt}, which is after ${before} (${settingName('published-before')}, the end of the release run): a later release published it; ${ctx.verdict}`,
    )
  const proven = releaseCommit !== undefined && info.commit?.toLowerCase() === releaseCommit
  if (at <= Date.parse(before) || proven) return PASS
  return {
    pass: true,
    warnings: [
      `${state.name}@${version}, published ${info.publishedAt}, within the second after ${settingName('published-before')} ${before} (GitHub's updated_at is truncated to the second): counted as inside the release run, on its publish time alone.`,
    ],
  }
}
