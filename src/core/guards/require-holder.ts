// require-holder: an exact rollback-version is rolled back only while the channel still holds
// it (checked first: a channel that moved on is a skip whatever else is asked). Pure.
import { settingName } from '../settings.js'
import { type GuardContext, type GuardResult, PASS, stop } from './context.js'

export function requireHolder(ctx: GuardContext): GuardResult {
  const { state, channel, version, holder } = ctx
  // a tag that does not exist is left to planning, which names the channel: that is a wrong input, not a race
  if (ctx.guard.requireHolder !== true || ctx.current || holder === undefined || holder === version) return PASS
  const republished = state.versions[holder]?.republishOf === version
  return stop(
    republished
      ? `'${channel}' holds ${holder}, the republish that replaced ${state.name}@${version} (${settingName('require-holder')}): it was rolled back already, so nothing was rolled back.`
      : `'${channel}' holds ${holder}, not ${state.name}@${version} (${settingName('require-holder')}): the channel has moved on since the request (rolled back, or a newer release), so nothing was rolled back.`,
  )
}
