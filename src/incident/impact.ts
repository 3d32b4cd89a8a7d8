// Impact and timing of an incident: how long the bad version held each channel (its
// publish time -> the moment this run moved the channel), the time from the run's start to
// protection (the last channel moved), and the recovery-time target for the severity, met
// or missed. The figures are computed here, purely, from the runner's result; the runbook
// step at the end adds the bad version's downloads (src/runbook/downloads.ts) and stores
// the impact on the result, from where the summary, the issue and the report render it.
import { parseDuration } from '../core/duration.js'
import { InputError } from '../core/errors.js'
import type { Impact, ImpactTarget, Severity } from '../github/incident.js'
import { SEVERITIES } from '../github/incident.js'
import { inert, table } from '../core/markdown.js'
import type { IncidentResult, TargetRun } from './run.js'
import { downloadsApiFor, fetchVersionDownloads } from './downloads.js'
import { KINDS, findKind, kindOf } from '../targets/registry.js'

export type { Impact, ImpactTarget } from '../github/incident.js'

/** Recovery-time targets in ms per severity; undefined: no target. */
export type RtoTargets = Record<Severity, number | undefined>

/** The kind a record leaves unnamed (ImpactTarget.kind undefined): the bare kind, npm. */
const BARE_KIND = KINDS.find((k) => k.bare)?.name ?? ''
const kindName = (t: ImpactTarget) => t.kind ?? BARE_KIND

const MINUTE = 60_000
const HOUR = 60 * MINUTE

/** The defaults of incident runbooks: critical 2 min, high 15 min, medium 4 h, low none. */
export const DEFAULT_RTO_TARGETS: RtoTargets = {
  critical: 2 * MINUTE,
  high: 15 * MINUTE,
  medium: 4 * HOUR,
  low: undefined,
}

/** the longest target accepted: a week */
const MAX_RTO_MS = 7 * 24 * HOUR

/**
 * The rto-targets input: `severity=duration` pairs, comma or newline separated, over the
 * defaults. A duration as core/duration.ts reads it (units ms, s, m, h, d; several in a row,
 * 1h30m), from 1s to a week, or `none` for no target. Errors name `name`.
 */
export function parseRtoTargets(name: string, raw: string): RtoTargets {
  const targets: RtoTargets = { ...DEFAULT_RTO_TARGETS }
  const seen = new Set<string>()
  const fix = `give severity=duration pairs separated by commas, such as critical=5m,high=30m (units s, m, h, d; none for no target; severities ${SEVERITIES.join(', ')}).`
  for (const part of raw
    .split(/[,\n]/)
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^([A-Za-z]+)\s*[=:]\s*(\S+)$/.exec(part)
    if (!m) throw new InputError(name, `${JSON.stringify(part.slice(0, 60))} is not severity=duration.`, fix)
    const severity = m[1].toLowerCase()
    if (!(SEVERITIES as readonly string[]).includes(severity))
      throw new InputError(name, `"${m[1].slice(0, 40)}" is not a severity.`, fix)
    if (seen.has(severity)) throw new InputError(name, `gives ${severity} twice.`, fix)
    seen.add(severity)
    targets[severity as Severity] = rtoOf(name, m[2], fix)
  }
  return targets
}

/** One target of rto-targets: a duration (core/duration.ts) from 1s to a week, or none/off. */
function rtoOf(name: string, raw: string, fix: string): number | undefined {
  const v = raw.toLowerCase()
  if (v === 'none' || v === 'off') return undefined
  return parseDuration(name, raw, { min: 1000, minText: 'a second', max: MAX_RTO_MS, maxText: 'a week', fix })
}

const msBetween = (from: string | undefined, to: string | undefined): number | undefined => {
  if (from === undefined || to === undefined) return undefined
  const a = Date.parse(from)
  const b = Date.parse(to)
  return Number.isNaN(a) || Number.isNaN(b) ? undefined : Math.max(0, b - a)
}

/** When this run moved the target's channel: the move step that wrote, read back. */
function movedAt(t: TargetRun): string | undefined {
  if (!t.moved) return undefined
  return [...t.steps].reverse().find((s) => s.step === 'move-tag' && s.outcome === 'done')?.at
}

function targetOf(result: IncidentResult, t: TargetRun): ImpactTarget {
  const version = t.plan?.rollbackVersion ?? result.rollbackVersion
  const publishedAt = t.before?.versions[version]?.publishedAt
  const onChannel = t.before?.distTags[t.channel] === version
  const moved = movedAt(t)
  // a channel that did not move is safe when the run found it off the bad version already
  // (or left a newer fix there); a failed move or one put back leaves it on the bad version
  const open = t.outcome === 'failed' || t.outcome === 'put-back'
  const state: ImpactTarget['state'] = moved ? 'moved' : open ? 'open' : 'already'
  const heldMs = state === 'moved' && onChannel ? msBetween(publishedAt, moved) : undefined
  return {
    ...(kindOf(t.kind).bare ? {} : { kind: t.kind }),
    name: t.name,
    channel: t.channel,
    version,
    state,
    onChannel,
    ...(publishedAt && !Number.isNaN(Date.parse(publishedAt)) ? { publishedAt } : {}),
    ...(moved ? { movedAt: moved } : {}),
    ...(heldMs !== undefined ? { heldMs } : {}),
  }
}

/** The summary figures from the targets' figures: protection time and the verdict. */
function summarise(startedAt: string, severity: Severity, rtoMs: number | undefined, targets: ImpactTarget[]): Impact {
  const moved = targets.filter((t) => t.state === 'moved' && t.movedAt !== undefined)
  const open = targets.some((t) => t.state === 'open')
  const last = moved
    .map((t) => t.movedAt as string)
    .sort((a, b) => Date.parse(a) - Date.parse(b))
    .pop()
  const protectedAt = !open && last !== undefined ? last : undefined
  const toProtectionMs = msBetween(startedAt, protectedAt)
  const verdict: Impact['verdict'] =
    rtoMs === undefined
      ? 'none'
      : toProtectionMs !== undefined
        ? toProtectionMs <= rtoMs
          ? 'met'
          : 'missed'
        : open
          ? 'open'
          : 'unmeasured'
  return {
    startedAt,
    ...(protectedAt !== undefined ? { protectedAt } : {}),
    ...(toProtectionMs !== undefined ? { toProtectionMs } : {}),
    severity,
    ...(rtoMs !== undefined ? { rtoMs } : {}),
    verdict,
    targets,
  }
}

/**
 * Impact and timing of this run: per target, how long the bad version held the channel
 * (its publish time -> the moment this run moved the channel); the time from `startedAt`
 * (the run's start, ISO-8601) to the last channel moved; the recovery-time target of the
 * severity, met or missed. Targets the incident left out (not affected, circuit breaker)
 * are not counted. Pure: no clock, no I/O.
 */
export function impactOf(
  result: IncidentResult,
  startedAt: string,
  severity: Severity,
  targets: RtoTargets = DEFAULT_RTO_TARGETS,
): Impact {
  const counted = result.targets.filter(
    (t) => t.plan !== undefined && t.outcome !== 'not-affected' && t.outcome !== 'skipped',
  )
  return summarise(
    startedAt,
    severity,
    targets[severity],
    counted.map((t) => targetOf(result, t)),
  )
}

const targetKey = (t: ImpactTarget) => JSON.stringify([kindName(t), t.name, t.channel])

/**
 * A re-run's impact merged into what the record already holds: the first run's figures
 * stay. Its start stays; a target it measured (moved, or found already rolled back) keeps
 * its figures, and a target it left open takes the re-run's; downloads counted once stay.
 * The target and the verdict follow the re-run's severity, as the record's severity does.
 * A record from before impacts existed takes the re-run's only when it measured something
 * (a channel moved, or one still open): an already-done re-run leaves such a report as it is.
 */
export function mergeImpact(existing: Impact | undefined, current: Impact | undefined): Impact | undefined {
  if (current === undefined) return existing
  if (existing === undefined) return current.targets.some((t) => t.state !== 'already') ? current : undefined
  const now = new Map(current.targets.map((t) => [targetKey(t), t]))
  const kept = existing.targets.map((first) => {
    const again = now.get(targetKey(first))
    now.delete(targetKey(first))
    if (!again) return first
    const chosen = first.state === 'open' ? again : first
    const downloads = first.downloads ?? again.downloads
    return { ...chosen, ...(downloads !== undefined ? { downloads } : {}) }
  })
  const merged = summarise(existing.startedAt, current.severity, current.rtoMs, [...kept, ...now.values()])
  return {
    ...merged,
    ...resumeFigures(existing.resumedAt ?? current.resumedAt, existing.startedAt, merged.protectedAt),
  }
}

/** A resumed hand-off's figures: the action's start → the maintainer's command → protection. */
function resumeFigures(
  resumedAt: string | undefined,
  startedAt: string,
  protectedAt: string | undefined,
): Pick<Impact, 'resumedAt' | 'toResumeMs' | 'resumeToProtectionMs'> {
  if (resumedAt === undefined) return {}
  const toResumeMs = msBetween(startedAt, resumedAt)
  const resumeToProtectionMs = msBetween(resumedAt, protectedAt)
  return {
    resumedAt,
    ...(toResumeMs !== undefined ? { toResumeMs } : {}),
    ...(resumeToProtectionMs !== undefined ? { resumeToProtectionMs } : {}),
  }
}

// ---------------------------------------------------------------------------------------
// Rendering: one block for the summary, the issue and the report

/** A duration for people, to two units at most: `<1s`, `42s`, `3m 05s`, `2m`, `2h 14m`, `4h`, `3d 4h`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return '<1s'
  const two = (big: number, bigUnit: string, small: number, smallUnit: string, pad: boolean) =>
    small === 0 ? `${big}${bigUnit}` : `${big}${bigUnit} ${pad ? String(small).padStart(2, '0') : small}${smallUnit}`
  const s = Math.floor(ms / 1000)
  if (s < 60) return `${s}s`
  const m = Math.floor(s / 60)
  if (m < 60) return two(m, 'm', s % 60, 's', true)
  const h = Math.floor(m / 60)
  if (h < 24) return two(h, 'h', m % 60, 'm', true)
  return two(Math.floor(h / 24), 'd', h % 24, 'h', false)
}

const cell = (v: string) => (/^[^`|\r\n]+$/.test(v) ? `\`${v}\`` : inert(v))
const utc = (at: string) => `${new Date(Date.parse(at)).toISOString().slice(0, 19).replace('T', ' ')} UTC`

function held(t: ImpactTarget): string {
  if (t.state === 'open') return 'still on the channel (not rolled back yet)'
  if (t.state === 'already') return 'off the channel before this run'
  if (!t.onChannel) return 'not on the channel when the run started'
  if (t.heldMs === undefined) return 'unknown (no publish time from the registry)'
  return formatDuration(t.heldMs)
}

const VERDICT: Record<Impact['verdict'], string> = {
  met: '✅ met',
  missed: '❌ missed',
  none: 'no target for this severity',
  open: '⏳ open until every channel is rolled back (re-run to finish)',
  unmeasured: 'not measured',
}

/**
 * The "Impact and timing" block, with a heading of `level` (## or ###). User-given names
 * are shown inert.
 */
export function renderImpact(impact: Impact, level: '##' | '###'): string {
  const several = impact.targets.length > 1
  const lines: string[] = [`${level} Impact and timing`]
  const downloads = impact.targets.some((t) => t.downloads !== undefined)
  if (several) {
    const mixed = impact.targets.some((t) => t.kind !== undefined)
    lines.push(
      table(
        ['Target', 'Bad version', 'Held the channel', ...(downloads ? ['Downloads, last 7 days'] : [])],
        impact.targets.map((t) => [
          `${mixed ? `${kindName(t)} ` : ''}${cell(t.name)} on ${cell(t.channel)}`,
          cell(t.version),
          held(t),
          ...(downloads ? [t.downloads !== undefined ? t.downloads.toLocaleString('en-US') : '–'] : []),
        ]),
      ),
      '',
    )
  } else if (impact.targets.length === 1) {
    const t = impact.targets[0]
    const span =
      t.heldMs !== undefined && t.publishedAt && t.movedAt
        ? ` (published ${utc(t.publishedAt)}, channel moved back ${utc(t.movedAt)})`
        : ''
    lines.push(`- ${cell(t.version)} held ${cell(t.channel)}: ${held(t)}${span}`)
    if (t.downloads !== undefined)
      lines.push(`- Downloads of ${cell(t.version)} in the last 7 days (npm): ${t.downloads.toLocaleString('en-US')}`)
  }
  const protection =
    impact.toProtectionMs !== undefined
      ? `${formatDuration(impact.toProtectionMs)} (run started ${utc(impact.startedAt)}, last channel moved ${utc(impact.protectedAt as string)})`
      : impact.targets.some((t) => t.state === 'open')
        ? `not reached yet: ${impact.targets
            .filter((t) => t.state === 'open')
            .map((t) => `${cell(t.name)} on ${cell(t.channel)}`)
            .join(', ')} not rolled back`
        : 'not measured: every channel was already rolled back before the run'
  lines.push(`- Time to protection: ${protection}`)
  if (impact.resumedAt !== undefined) {
    // a hand-off: the action planned, a maintainer's command made the writes
    lines.push(
      `- Handed off: the maintainer's command ran ${impact.toResumeMs !== undefined ? formatDuration(impact.toResumeMs) : '(unknown)'} after the run started (${utc(impact.resumedAt)})${impact.resumeToProtectionMs !== undefined ? `, and protected users ${formatDuration(impact.resumeToProtectionMs)} after that` : ''}`,
    )
  }
  const target = impact.rtoMs === undefined ? 'none' : formatDuration(impact.rtoMs)
  lines.push(
    `- Recovery-time target for **${inert(impact.severity)}**: ${target}${impact.rtoMs === undefined ? '' : ` — ${VERDICT[impact.verdict]}`}`,
  )
  return lines.join('\n')
}

// ---------------------------------------------------------------------------------------
// The runbook step

export interface ImpactConfig {
  /** ISO-8601: when the run started (the entry captured it) */
  startedAt: string
  severity: Severity
  rtoTargets: RtoTargets
  /** the npm registry of the run: downloads are counted on registry.npmjs.org only */
  registry: string
  /** tests: the downloads API to ask instead of npm's (not an input) */
  downloadsApi?: string
  /** how long the downloads API may take (default 3 s) */
  downloadsTimeoutMs?: number
  /** the resume of a hand-off: when the maintainer's command started (startedAt is the action's start) */
  resumedAt?: string
}

/**
 * The afterWrite step: computes the impact, adds the bad version's downloads (npm targets
 * on registry.npmjs.org, best effort) and stores it on the result. Never makes the run
 * partial: a downloads API that fails is skipped. (The shape of execute.ts's StepReport,
 * not imported: the bookkeeping imports this module, and execute.ts imports the bookkeeping.)
 */
export function impactStep(
  config: ImpactConfig,
): (result: IncidentResult) => Promise<{ missing: string[]; warnings: string[] }> {
  return async (result) => {
    const impact = impactOf(result, config.startedAt, config.severity, config.rtoTargets)
    const api = config.downloadsApi ?? downloadsApiFor(config.registry)
    if (api) {
      const counted = impact.targets.filter((t) => findKind(kindName(t))?.capabilities.downloads === true)
      await Promise.all(
        counted.map(async (t) => {
          const counts = await fetchVersionDownloads(api, t.name, config.downloadsTimeoutMs)
          if (counts && typeof counts[t.version] === 'number') t.downloads = counts[t.version]
        }),
      )
    }
    result.impact = { ...impact, ...resumeFigures(config.resumedAt, impact.startedAt, impact.protectedAt) }
    return { missing: [], warnings: [] }
  }
}
