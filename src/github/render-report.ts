// The incident report's text, rendered from an IncidentRecord, with the record itself
// hidden at its end. Pure: no I/O, no clock, no @actions/* and no Octokit, so the same
// record always renders the same bytes.
import { setting } from '../core/settings.js'
import { inert, table } from '../core/markdown.js'
import { renderImpact } from '../incident/impact.js'
import type { IncidentEvent, IncidentRecord, IncidentVerification, RunContext } from './incident.js'
import { protectionTable, strategyNote } from './protection.js'
import { encodeRecord } from './record.js'
import {
  code,
  formatTime,
  hasInstallers,
  lastRun,
  link,
  onlyKind,
  packagesTable,
  safeUrl,
  who,
} from './render-parts.js'
import { renderHandoff } from './render-handoff.js'
import { renderStaged } from './render-staged.js'
import { issueUrl } from './urls.js'

const NOTES_START = '<!-- release-rollback:notes-start (everything until notes-end is yours: a re-run keeps it) -->'
const NOTES_END = '<!-- release-rollback:notes-end -->'
const DEFAULT_NOTES = ['### Impact', '### Root cause', '### Regression test', '### Lessons learned']
  .map((h) => `${h}\n_To be filled in._`)
  .join('\n\n')

/** The people-written part of an earlier report, between the notes markers, if it is there. */
function notesOf(previous: string | undefined): string | undefined {
  if (!previous) return undefined
  const start = previous.indexOf(NOTES_START)
  if (start < 0) return undefined
  const end = previous.indexOf(NOTES_END, start + NOTES_START.length)
  if (end < 0) return undefined
  return previous
    .slice(start + NOTES_START.length, end)
    .replace(/^\n/, '')
    .replace(/\n$/, '')
}

const OUTCOME_LABEL: Record<IncidentEvent['outcome'], string> = {
  done: '✅ done',
  already: '✅ already in place',
  skipped: '⏭️ skipped',
  failed: '❌ failed',
  planned: '📝 planned',
}

function byTime<T extends { at: string }>(items: T[]): T[] {
  const t = (x: T) => {
    const ms = Date.parse(x.at)
    return Number.isNaN(ms) ? Infinity : ms
  }
  return [...items].sort((a, b) => t(a) - t(b)) // stable: equal times keep their order
}

function versionsAndTags(r: IncidentRecord): string {
  const names = [...new Set([...Object.keys(r.tagsBefore), ...Object.keys(r.tagsAfter)])].sort((a, b) =>
    a === r.channel ? -1 : b === r.channel ? 1 : a < b ? -1 : a > b ? 1 : 0,
  )
  const rows = names.map((t) => {
    const before = r.tagsBefore[t]
    const after = r.tagsAfter[t]
    return [code(t), code(before, '_(none)_'), code(after, '_(none)_'), before === after ? 'no' : '**yes**']
  })
  const undeprecated = r.timeline.some(
    (e) => e.action === `undo: remove the deprecation of ${r.rollbackVersion}` && e.outcome === 'done',
  )
  const dep =
    undeprecated && lastRun(r)?.status === 'undone'
      ? r.deprecationBefore !== undefined
        ? `Deprecation of ${code(r.rollbackVersion)}: the one the rollback replaced is back after the undo (${inert(r.deprecationBefore)}; the rollback's was: ${inert(r.deprecationMessage ?? '')}).`
        : `Deprecation of ${code(r.rollbackVersion)}: removed by the undo (it was: ${inert(r.deprecationMessage ?? '')}).`
      : r.deprecationSkipped && r.deprecationMessage === undefined
        ? `Deprecation of ${code(r.rollbackVersion)}: NOT done: ${inert(r.deprecationSkipped)}.`
        : r.deprecationMessage === undefined
          ? `Deprecation of ${code(r.rollbackVersion)}: off for this rollback (${setting('deprecate', 'false')}).`
          : `Deprecation of ${code(r.rollbackVersion)}: ${inert(r.deprecationMessage)}`
  const word = onlyKind(r)?.words.channel ?? 'channel'
  return `${table([`${word[0].toUpperCase()}${word.slice(1)}`, 'Before the first run', 'After the latest run', 'Changed'], rows)}\n\n${dep}`
}

function actionsTaken(r: IncidentRecord): string {
  // the latest outcome of each action, in the order the actions first happened
  const latest = new Map<string, IncidentEvent>()
  for (const e of byTime(r.timeline)) latest.set(e.action, e)
  const order = [...new Set(byTime(r.timeline).map((e) => e.action))]
  if (order.length === 0) return '_No actions recorded._'
  return order
    .map((a) => latest.get(a) as IncidentEvent)
    .map(
      (e) =>
        `- ${OUTCOME_LABEL[e.outcome]}: ${inert(e.action)}${e.outcome === 'failed' ? ` (${inert(e.detail)})` : ''}`,
    )
    .join('\n')
}

function timeline(r: IncidentRecord): string {
  if (r.timeline.length === 0) return '_No events recorded._'
  return table(
    ['Time', 'Action', 'Outcome', 'Detail'],
    byTime(r.timeline).map((e) => [formatTime(e.at), inert(e.action), OUTCOME_LABEL[e.outcome], inert(e.detail)]),
  )
}

/** What the checks after the writes saw: when the health endpoint and installers got the restore version, or what they still got. */
function verification(v: IncidentVerification): string {
  const lines: string[] = []
  const h = v.health
  if (h) {
    const where = `${code(h.url)}${h.field ? ` (${code(h.field)})` : ''}`
    lines.push(
      h.seenAt
        ? `- Health endpoint ${where} reported ${code(h.reports ?? h.versions[0])} at ${formatTime(h.seenAt)} UTC.`
        : `- Health endpoint ${where} did not report ${h.versions.map((x) => code(x)).join(' or ')} within ${inert(h.timeout)}; its last answer: ${inert(h.reports ?? 'none')}.`,
    )
  }
  for (const i of v.installers ?? []) {
    const what = `${code(i.name)} ${code(i.channel)}`
    if (i.seenAt)
      lines.push(
        `- Installers got ${code(i.version)} for ${what} (read as \`npm install\` reads it, without a token) at ${formatTime(i.seenAt)} UTC.`,
      )
    else if (i.error)
      lines.push(
        `- ${what} could not be read as \`npm install\` reads it (${inert(i.error)}); the registry holds ${code(i.version)}.`,
      )
    else {
      const lifetime =
        i.maxAgeSeconds !== undefined
          ? `up to ${i.maxAgeSeconds} s (\`cache-control: max-age=${i.maxAgeSeconds}\`)`
          : 'its cache lifetime'
      lines.push(
        `- Installers still got ${code(i.holds, '_(no version)_')} for ${what}: the registry holds ${code(i.version)}, but its CDN may serve the old answer for ${lifetime}.`,
      )
    }
  }
  return lines.join('\n')
}

function issueLink(r: IncidentRecord, ctx: RunContext): string | undefined {
  const url = safeUrl(r.issueUrl) ?? (r.issueNumber ? safeUrl(issueUrl(ctx, r.issueNumber)) : undefined)
  if (!url) return undefined
  return `[${r.issueNumber ? `#${r.issueNumber}` : 'tracking issue'}](${url})`
}

/**
 * The incident report. Deterministic: it holds only times from the record, never the
 * clock, so a re-run that changes nothing renders the same bytes. Pass the report as it
 * is in the repository as `previous` to keep what people wrote between the notes markers
 * ("Still to do by humans"); everything else is regenerated from the record.
 */
export function renderReport(r: IncidentRecord, ctx: RunContext, previous?: string): string {
  const status = lastRun(r)?.status
  const issue = issueLink(r, ctx)
  const header: string[][] = [
    ['Severity', `**${inert(r.severity)}**`],
    [onlyKind(r)?.words.title ?? 'Targets', code(r.packageName)],
    ['Rollback', `${code(r.rollbackVersion)} → ${code(r.restoreVersion)} on ${code(r.channel)}`],
    ['Status', status ? code(status) : '_(no run recorded)_'],
  ]
  if (issue) header.push(['Tracking issue', issue])

  const links: string[] = []
  if (issue) links.push(`- Tracking issue: ${issue}`)
  for (const run of r.runs) {
    const by = run.actor ? ` by ${who(run.actor, ctx.serverUrl)}` : ''
    const via = run.trigger ? ` via ${code(run.trigger)}` : ''
    links.push(`- ${link(`Run at ${formatTime(run.at)} UTC`, run.url)}: ${code(run.status)}${by}${via}`)
  }

  const parts = [
    `# Rollback of ${code(`${r.packageName}@${r.rollbackVersion}`)}`,
    table(['Incident', code(r.incidentId)], header),
    ...renderHandoff(r, '##'),
    ...renderStaged(r, '##'),
    `## Timeline (UTC)\n${timeline(r)}`,
    ...(r.impact ? [renderImpact(r.impact, '##')] : []),
    ...(r.packages && r.packages.length > 1 ? [`## Packages\n${packagesTable(r)}`] : []),
    `## Versions and tags\n${versionsAndTags(r)}`,
    `## Reason\n${inert(r.reason)}`,
    `## Actions taken\n${actionsTaken(r)}`,
    ...(r.verification ? [`## Verification\n${verification(r.verification)}`] : []),
  ]
  if (r.warnings.length > 0) parts.push(['## Warnings', ...r.warnings.map((w) => `- ${inert(w)}`)].join('\n'))
  if (hasInstallers(r)) parts.push(`## Who is protected\n${protectionTable(r)}\n\n${strategyNote(r)}`)
  parts.push(`## Still to do by humans\n${NOTES_START}\n${notesOf(previous) ?? DEFAULT_NOTES}\n${NOTES_END}`)
  parts.push(`## Links\n${links.length > 0 ? links.join('\n') : '_None recorded._'}`)
  parts.push(encodeRecord(r))
  return parts.join('\n\n') + '\n'
}
