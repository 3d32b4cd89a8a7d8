// Durations as every duration input takes them: Go's notation (`30s`, `5m`, `1h30m`, `1.5h`,
// `500ms`) plus days (`2d` is 48h), which Go lacks but an age or a recovery-time target is
// often said in. One parser for max-age, smoke-test-timeout, verify-timeout, wait-for-cdn
// and rto-targets; each caller keeps its own limits, default and empty value.
// Pure: no I/O.
import { InputError } from './errors.js'

/** The units, for messages and descriptions. */
export const DURATION_UNITS = 'ms, s, m, h, d'

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }
// `ms` before `m`: 5ms is five milliseconds, 5m five minutes
const DURATION = /^(\d+(\.\d+)?(ms|s|m|h|d))+$/
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g
/** longer text is refused before it is read (a duration this long is a mistake or an attack) */
const MAX_TEXT = 40

export interface DurationRule {
  /** the longest allowed, in ms */
  max: number
  /** how a message says the longest: `6h`, `a year (8760h)` */
  maxText: string
  /** the shortest allowed, in ms; without it anything above 0 */
  min?: number
  /** how a message says the shortest: `1s` */
  minText?: string
  /** `0` (and `0s`, `0m`...) is allowed and means "not at all" */
  zero?: boolean
  /** the fix every error of this input ends with: examples and what else the input takes */
  fix: string
}

/**
 * A duration in whole milliseconds, or an InputError naming `input`, what is wrong and
 * `rule.fix`. Units ms, s, m, h, d (case-insensitive), several in a row (`1h30m`), each with
 * an optional fraction (`1.5h`). Empty text is not a duration: callers decide what empty means.
 */
export function parseDuration(input: string, raw: string, rule: DurationRule): number {
  const text = raw.trim()
  const v = text.toLowerCase()
  if (rule.zero && /^0+$/.test(v)) return 0
  if (v.length > MAX_TEXT || !DURATION.test(v))
    throw new InputError(input, `${JSON.stringify(text.slice(0, MAX_TEXT))} is not a duration.`, rule.fix)
  let ms = 0
  for (const [, n, unit] of v.matchAll(PART)) ms += Number(n) * UNIT_MS[unit]
  ms = Math.round(ms)
  if (ms === 0 && rule.zero) return 0
  if (!(ms > 0)) throw new InputError(input, `must be longer than 0 (got ${text}).`, rule.fix)
  if (rule.min !== undefined && ms < rule.min)
    throw new InputError(input, `${text} is shorter than ${rule.minText ?? `${rule.min}ms`}.`, rule.fix)
  if (ms > rule.max) throw new InputError(input, `${text} is longer than ${rule.maxText}.`, rule.fix)
  return ms
}
