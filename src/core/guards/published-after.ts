// published-after: the version must have been published after this time (the release run's
// start). Pure.
import { type GuardContext, type GuardResult, PASS, publishTime, stop } from './context.js'

export function publishedAfter(ctx: GuardContext): GuardResult {
  const after = ctx.guard.publishedAfter
  if (after === undefined) return PASS
  const at = publishTime(ctx, 'published-after')
  if (at > Date.parse(after)) return PASS
  return stop(`${ctx.subject}, published ${ctx.info.publishedAt}, which is not after ${after}: ${ctx.verdict}`)
}
