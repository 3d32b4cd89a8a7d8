// One announcement (message.ts): what every platform's rendering shares (channels/, one file
// per platform, renders it). Pure: no I/O, no clock.
// Every piece of text that comes from users or from errors (the reason, names, error
// messages) is escaped for the platform it goes to, and clipped to the platform's limits
// without ever cutting an escape in half.
import type { AnnouncedTarget, Announcement } from './message.js'
import { findKind } from '../targets/registry.js'

/** at most this many target lines in a message; the rest are counted */
export const MAX_TARGET_LINES = 15
export const REASON_MAX = 1000
export const ERROR_MAX = 600
export const LINE_MAX = 200

export const EMOJI: Record<Announcement['status'], string> = {
  'in-progress': '🚨',
  completed: '✅',
  'already-done': '✅',
  partial: '⚠️',
  failed: '❌',
}

/**
 * `raw` escaped character by character with `esc`, cut to at most `max` characters (UTF-16
 * units) with a trailing `…` when it does not fit. The cut falls between two escaped
 * characters, never inside an escape or a surrogate pair.
 */
export function clip(raw: string, max: number, esc: (c: string) => string = (c) => c): string {
  let out = ''
  const chars = [...raw]
  for (let i = 0; i < chars.length; i++) {
    const piece = esc(chars[i])
    const room = i === chars.length - 1 ? max : max - 1
    if (out.length + piece.length > room) return `${out}…`
    out += piece
  }
  return out
}

/**
 * Bare URLs and `www.` hosts with a zero-width space inside (`https:\u200b//…`), as
 * src/markdown.ts does for GitHub: the text reads as written, but no client's autolinker
 * sees a URL in it (issue 24: Slack linked a bare URL from the reason).
 */
export const unlinked = (s: string): string => s.replace(/:\/\//g, ':\u200b//').replace(/(www)\./gi, '$1\u200b.')

export function what(a: Announcement): string {
  if (a.targets.length === 1) {
    const t = a.targets[0]
    return `${findKind(t.kind)?.words.target ?? t.kind} ${t.name}`
  }
  return `${a.targets.length} targets`
}

export function targetLine(t: AnnouncedTarget, several: boolean): string {
  const move = `'${t.channel}' ${t.current ?? '(none)'} → ${t.restore ?? '(none)'}`
  const outcome = t.outcome ? `: ${t.outcome}${t.error ? ` (${t.error})` : ''}` : ''
  return several ? `${t.kind}:${t.name} ${move}${outcome}` : `${move}${outcome}`
}

/** The facts every platform shows, as label/value pairs (values raw). */
export function facts(a: Announcement): Array<[string, string]> {
  const one = a.targets.length === 1 ? a.targets[0] : undefined
  const rows: Array<[string, string]> = [['What', what(a)]]
  if (one) {
    rows.push(
      ['Channel', one.channel],
      ['Current version', one.current ?? '(none)'],
      ['Restoring to', one.restore ?? '(none)'],
    )
    if (one.outcome) rows.push(['Outcome', one.outcome])
  } else {
    rows.push(['Bad version', a.rollbackVersion], ['Channel', a.channel])
  }
  rows.push(['Severity', a.severity])
  if (a.incidentId) rows.push(['Incident', a.incidentId])
  rows.push(['Who', a.actor ? `${a.actor}${a.trigger ? ` (${a.trigger})` : ''}` : (a.trigger ?? 'unknown')])
  return rows
}

/** The lines under the facts: several targets, a line each (or, for one, its error). */
export function targetLines(a: Announcement): string[] {
  if (a.targets.length <= 1) return []
  const lines = a.targets.slice(0, MAX_TARGET_LINES).map((t) => targetLine(t, true))
  if (a.targets.length > MAX_TARGET_LINES) lines.push(`…and ${a.targets.length - MAX_TARGET_LINES} more`)
  return lines
}

export function problem(a: Announcement): string | undefined {
  if (a.status === 'partial' && a.missing.length > 0) return `Still missing: ${a.missing.join('; ')}`
  if (a.error) return a.error
  return undefined
}

/** Whole lines while they fit in `max`, then `more` (each line is escaped whole: a cut between lines is always safe). */
export function clipLines(lines: string[], max: number, more = '…'): string {
  const all = lines.join('\n')
  if (all.length <= max) return all
  const kept: string[] = []
  let size = 0
  for (const line of lines) {
    const add = (kept.length > 0 ? 1 : 0) + line.length
    if (size + add + 1 + more.length > max) break
    kept.push(line)
    size += add
  }
  return [...kept, more].join('\n')
}
