// max-age: only a recent version is rolled back automatically (an alert about an old version
// is no reason to roll it back). Pure: the clock is the guard's `now`, else Date.now().
import { InputError } from '../errors.js'
import { settingName } from '../settings.js'
import { type GuardContext, type GuardResult, PASS, stop } from './context.js'

/** A duration in Go's notation, for messages: 86400000 -> `24h`, 5400000 -> `1h30m`, 90000 -> `1m30s`. */
export function formatDuration(ms: number): string {
  const parts: string[] = []
  let rest = Math.max(0, Math.round(ms))
  for (const [unit, size] of [
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
    ['ms', 1],
  ] as const) {
    const n = Math.floor(rest / size)
    rest -= n * size
    if (n > 0) parts.push(`${n}${unit}`)
  }
  return parts.join('') || '0s'
}

export function maxAge(ctx: GuardContext): GuardResult {
  const { state, channel, version, current } = ctx
  const { maxAgeMs } = ctx.guard
  if (maxAgeMs === undefined) return PASS
  const publishedAt = ctx.info.publishedAt
  const at = publishedAt === undefined ? NaN : Date.parse(publishedAt)
  if (publishedAt === undefined || Number.isNaN(at)) {
    throw new InputError(
      current ? 'rollback-version' : 'max-age',
      current
        ? `is current, but the target records no publish time for ${state.name}@${version} (what '${channel}' holds), so ${settingName('max-age')} cannot be checked.`
        : `cannot be checked: the target records no publish time for ${state.name}@${version}, so it can never be shown to be younger than ${formatDuration(maxAgeMs)}.`,
      `roll ${version} back by hand, without ${settingName('max-age')}, once you have checked that it is the bad one.`,
    )
  }
  const now = ctx.guard.now ?? Date.now()
  const age = now - at
  if (age <= maxAgeMs) return PASS
  return stop(
    `${ctx.subject}, published ${publishedAt}, ${formatDuration(age < 1000 ? age : Math.floor(age / 1000) * 1000)} before ${new Date(now).toISOString()}: older than ${settingName('max-age')} ${formatDuration(maxAgeMs)}, so nothing was rolled back automatically. If it must go, roll it back by hand without ${settingName('max-age')}.`,
  )
}
