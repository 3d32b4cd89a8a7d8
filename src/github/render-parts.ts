// The small pieces the tracking issue and the incident report share: code spans, safe
// links (the release note uses safeUrl too), people and runs, times, fences, shell words,
// the packages table. Pure: no I/O, no clock, no @actions/*.
import type { TargetKind } from '../core/kind.js'
import { inert, table } from '../core/markdown.js'
import { DEFAULT_KIND, KINDS, kindOrDefault } from '../targets/registry.js'
import type { IncidentRecord, IncidentRun, RunContext } from './incident.js'
import { accountUrl, DEFAULT_SERVER_URL, runUrl } from './urls.js'

/** A value in a code span; anything that could break the span or a table falls back to inert text. */
export function code(value: string | undefined, none = '_(none)_'): string {
  if (value === undefined || value === '') return none
  return /^[^`|\r\n]+$/.test(value) ? `\`${value}\`` : inert(value)
}

/** An http(s) URL safe to put in a Markdown link target, or undefined. */
export function safeUrl(url: string | undefined): string | undefined {
  if (!url || !/^https?:\/\/[^\s<>"'`]+$/.test(url)) return undefined
  return url.replace(/[()[\]|\\]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)
}

export function link(text: string, url: string | undefined): string {
  const target = safeUrl(url)
  return target ? `[${text}](${target})` : text
}

/** A GitHub login as a link to its profile (no @mention: nobody gets notified by the bookkeeping). */
export function who(actor: string | undefined, serverUrl: string): string {
  if (!actor) return '_(unknown)_'
  const m = /^([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))(\[bot\])?$/.exec(actor)
  if (!m) return inert(actor)
  const url =
    safeUrl(accountUrl(serverUrl, m[1], m[2] !== undefined)) ?? accountUrl(DEFAULT_SERVER_URL, m[1], m[2] !== undefined)
  return m[2] ? `[${m[1]}\\[bot\\]](${url})` : `[${m[1]}](${url})`
}

/** The link to this workflow run (with the attempt when it is a re-run attempt). */
function runLink(ctx: RunContext): string | undefined {
  return safeUrl(runUrl(ctx))
}

export function runLabel(ctx: RunContext): string {
  const url = runLink(ctx)
  if (!url) return '_local run (no link)_'
  const attempt = ctx.runAttempt && Number(ctx.runAttempt) > 1 ? `, attempt ${ctx.runAttempt}` : ''
  return `[run ${ctx.runId}${attempt}](${url})`
}

export function trigger(ctx: RunContext): string {
  const event = ctx.eventName ? code(ctx.eventName) : '_(unknown event)_'
  return ctx.workflow ? `${event} in workflow ${inert(ctx.workflow)}` : event
}

/** `2026-11-21T14:00:05.123Z` as `2026-11-21 14:00:05`; anything unparsable shown as it is. */
export function formatTime(at: string): string {
  const ms = /^\d{4}-\d\d-\d\dT/.test(at) ? Date.parse(at) : NaN
  return Number.isNaN(ms) ? inert(at) : new Date(ms).toISOString().slice(0, 19).replace('T', ' ')
}

/** A code fence longer than any backtick run inside the content. */
export function fenced(info: string, content: string): string {
  const longest = Math.max(0, ...[...content.matchAll(/`+/g)].map((m) => m[0].length))
  const fence = '`'.repeat(Math.max(3, longest + 1))
  return `${fence}${info}\n${content}\n${fence}`
}

export { shellWord } from '../core/markdown.js'

export const lastRun = (r: IncidentRecord): IncidentRun | undefined => r.runs[r.runs.length - 1]

/** A row per target of an incident with several (npm packages, or any kind with `targets`). */
export function packagesTable(r: IncidentRecord): string {
  const rows = r.packages ?? []
  const mixed = rows.some((p) => kindOrDefault(p.kind) !== DEFAULT_KIND)
  if (!mixed) {
    return table(
      ['Package', `\`${r.channel}\` before`, 'Restored', 'Outcome'],
      rows.map((p) => [
        code(p.name),
        p.previousVersion ? code(p.previousVersion) : '_(none)_',
        p.restoreVersion ? code(p.restoreVersion) : '–',
        inert(p.outcome),
      ]),
    )
  }
  return table(
    ['Target', 'Channel', 'Before', 'Restored', 'Outcome'],
    rows.map((p) => [
      `${kindOrDefault(p.kind).name} ${code(p.name)}`,
      code(p.channel ?? r.channel),
      p.previousVersion ? code(p.previousVersion) : '_(none)_',
      p.restoreVersion ? code(p.restoreVersion) : '–',
      inert(p.outcome),
    ]),
  )
}

/**
 * The kinds of an incident's targets, in the registry's order: its rows' (a row that names
 * none is the default kind's), or the one target's (a record that names none: the default).
 */
export function kindsOf(r: IncidentRecord): TargetKind[] {
  const named = new Set(
    r.packages && r.packages.length > 0 ? r.packages.map((p) => kindOrDefault(p.kind)) : [kindOrDefault(r.target)],
  )
  return KINDS.filter((k) => named.has(k))
}

/** Installers' ranges are only the question for kinds people install by range (npm packages). */
export const hasInstallers = (r: IncidentRecord): boolean => kindsOf(r).some((k) => k.capabilities.installers)

/** The one kind of an incident's targets, or undefined when they are of several. */
export function onlyKind(r: IncidentRecord): TargetKind | undefined {
  const kinds = kindsOf(r)
  return kinds.length === 1 ? kinds[0] : undefined
}

/** A target in a table: the default kind's by name alone, any other's after its kind ("docker `ghcr.io/acme/app`"). */
export function targetCell(kind: string | undefined, name: string): string {
  const k = kindOrDefault(kind)
  return k === DEFAULT_KIND ? code(name) : `${k.name} ${code(name)}`
}
