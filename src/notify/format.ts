// One announcement (message.ts), rendered for each platform. Pure: no I/O, no clock.
// Every piece of text that comes from users or from errors (the reason, names, error
// messages) is escaped for the platform it goes to, and clipped to the platform's limits
// without ever cutting an escape in half.
import type { AnnounceFormat } from './config.js'
import type { AnnouncedTarget, Announcement } from './message.js'
import { findKind } from '../targets/registry.js'

/** Discord's limit on `content`. */
export const DISCORD_MAX = 2000
/** Slack: section text 3000, header 150, a field 2000. */
const SLACK_SECTION = 3000
const SLACK_HEADER = 150
const SLACK_FIELD = 2000
/** at most this many target lines in a message; the rest are counted */
export const MAX_TARGET_LINES = 15
const REASON_MAX = 1000
const ERROR_MAX = 600
const LINE_MAX = 200

const EMOJI: Record<Announcement['status'], string> = {
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

/** Slack's mrkdwn characters, which have no escape there, as look-alikes that format nothing. */
const SLACK_LOOKALIKE: Record<string, string> = { '*': '\u2217', _: '\uff3f', '~': '\u223c', '`': '\u02cb' }

/**
 * Slack mrkdwn: `&`, `<` and `>` as entities (the only escapes Slack decodes:
 * https://docs.slack.dev/messaging/formatting-message-text#escaping), so no link, mention
 * (`<!here>`, `<@U…>`) or special can be written; `*`, `_`, `~` and `` ` `` (bold, italic,
 * strike, code), which cannot be escaped, as look-alikes (∗ ＿ ∼ ˋ); `@` with a zero-width
 * space after it (the fallback `text` has no `verbatim`).
 */
export const slackChar = (c: string): string =>
  c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '@' ? '@\u200b' : (SLACK_LOOKALIKE[c] ?? c)
export const slackText = (s: string, max = SLACK_SECTION) => clip(unlinked(s), max, slackChar)
/**
 * A mrkdwn text object with `verbatim: true`: Slack then auto-converts no URL into a link,
 * link-ifies no conversation name and parses no mention, while our own `<url|label>` links
 * and `*label*` still render (https://docs.slack.dev/reference/block-kit/composition-objects/text-object).
 */
const mrkdwn = (text: string) => ({ type: 'mrkdwn', text, verbatim: true })

/**
 * Discord markdown: every character that starts formatting, a quote, a heading, a list, a
 * spoiler, a masked link or a mention (`<@…>`) is backslash-escaped, and an `@` gets a
 * zero-width space after it (`@everyone` and `@here` stay text even without
 * allowed_mentions, which is sent as well).
 */
export const discordChar = (c: string): string =>
  c === '@' ? '@\u200b' : /^[\\*_~`|<>#\-[\]()]$/.test(c) ? `\\${c}` : c
export const discordText = (s: string, max = DISCORD_MAX) => clip(unlinked(s), max, discordChar)

function what(a: Announcement): string {
  if (a.targets.length === 1) {
    const t = a.targets[0]
    return `${findKind(t.kind)?.words.target ?? t.kind} ${t.name}`
  }
  return `${a.targets.length} targets`
}

function targetLine(t: AnnouncedTarget, several: boolean): string {
  const move = `'${t.channel}' ${t.current ?? '(none)'} → ${t.restore ?? '(none)'}`
  const outcome = t.outcome ? `: ${t.outcome}${t.error ? ` (${t.error})` : ''}` : ''
  return several ? `${t.kind}:${t.name} ${move}${outcome}` : `${move}${outcome}`
}

/** The facts every platform shows, as label/value pairs (values raw). */
function facts(a: Announcement): Array<[string, string]> {
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
function targetLines(a: Announcement): string[] {
  if (a.targets.length <= 1) return []
  const lines = a.targets.slice(0, MAX_TARGET_LINES).map((t) => targetLine(t, true))
  if (a.targets.length > MAX_TARGET_LINES) lines.push(`…and ${a.targets.length - MAX_TARGET_LINES} more`)
  return lines
}

function problem(a: Announcement): string | undefined {
  if (a.status === 'partial' && a.missing.length > 0) return `Still missing: ${a.missing.join('; ')}`
  if (a.error) return a.error
  return undefined
}

/** Slack incoming webhook: `{ text, blocks }` (text is the notification's fallback). */
export function slackPayload(a: Announcement): { text: string; blocks: unknown[] } {
  const one = a.targets.length === 1 ? a.targets[0] : undefined
  const summary = one ? `${what(a)}: ${targetLine(one, false)}` : `${what(a)}, ${a.rollbackVersion} on ${a.channel}`
  const blocks: unknown[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: clip(`${EMOJI[a.status]} ${a.headline}`, SLACK_HEADER), emoji: true },
    },
    {
      type: 'section',
      fields: facts(a).map(([label, value]) =>
        mrkdwn(`*${label}*\n${slackText(value, SLACK_FIELD - label.length - 4)}`),
      ),
    },
    { type: 'section', text: mrkdwn(`*Reason*\n${slackText(a.reason, SLACK_SECTION - 12)}`) },
  ]
  const lines = targetLines(a)
  if (lines.length > 0)
    blocks.push({
      type: 'section',
      text: mrkdwn(clipLines(['*Targets*', ...lines.map((l) => `• ${slackText(l, LINE_MAX)}`)], SLACK_SECTION)),
    })
  const p = problem(a)
  if (p)
    blocks.push({
      type: 'section',
      text: mrkdwn(`*${a.status === 'partial' ? 'What is missing' : 'Error'}*\n${slackText(p, ERROR_MAX)}`),
    })
  const links = [
    a.issueUrl ? `<${slackUrl(a.issueUrl)}|Tracking issue>` : '',
    a.reportUrl ? `<${slackUrl(a.reportUrl)}|Incident report>` : '',
    a.runUrl ? `<${slackUrl(a.runUrl)}|Workflow run>` : '',
  ].filter(Boolean)
  if (links.length > 0) blocks.push({ type: 'context', elements: [mrkdwn(links.join(' · '))] })
  return { text: slackText(`${EMOJI[a.status]} ${a.headline}: ${summary}. Reason: ${a.reason}`, SLACK_SECTION), blocks }
}

/** A URL inside Slack's `<url|text>`: the characters that would end it are percent-encoded. */
const slackUrl = (url: string) => url.replace(/[|<>]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)

/** Whole lines while they fit in `max`, then `more` (each line is escaped whole: a cut between lines is always safe). */
function clipLines(lines: string[], max: number, more = '…'): string {
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

/**
 * Discord webhook: `content` within 2,000 characters, no mention can ping anyone
 * (`allowed_mentions: { parse: [] }`), no link previews (flags: SUPPRESS_EMBEDS).
 */
export function discordPayload(a: Announcement): {
  content: string
  allowed_mentions: { parse: never[] }
  flags: number
} {
  const lines = [
    `**${discordText(`${EMOJI[a.status]} ${a.headline}`, LINE_MAX)}**`,
    ...(a.issueUrl ? [`Tracking issue: ${a.issueUrl}`] : []),
    ...(a.reportUrl ? [`Incident report: ${a.reportUrl}`] : []),
    ...(a.runUrl ? [`Workflow run: ${a.runUrl}`] : []),
    ...facts(a).map(([label, value]) => `**${label}:** ${discordText(value, LINE_MAX)}`),
    `**Reason:** ${discordText(a.reason, REASON_MAX)}`,
  ]
  const p = problem(a)
  if (p) lines.push(`**${a.status === 'partial' ? 'What is missing' : 'Error'}:** ${discordText(p, ERROR_MAX)}`)
  lines.push(...targetLines(a).map((l) => `- ${discordText(l, LINE_MAX)}`))
  return { content: clipLines(lines, DISCORD_MAX, '…(truncated)'), allowed_mentions: { parse: [] }, flags: 4 }
}

const TEAMS_COLOR: Record<Announcement['status'], string> = {
  'in-progress': 'Warning',
  completed: 'Good',
  'already-done': 'Good',
  partial: 'Attention',
  failed: 'Attention',
}

/** A line of an Adaptive Card: TextRuns render no Markdown, so user text stays text. */
function teamsLine(label: string | undefined, value: string, extra: Record<string, unknown> = {}) {
  return {
    type: 'RichTextBlock',
    inlines: [
      ...(label ? [{ type: 'TextRun', text: `${label}: `, weight: 'Bolder' }] : []),
      { type: 'TextRun', text: value, ...extra },
    ],
  }
}

/**
 * Microsoft Teams (a Workflows webhook or an incoming webhook): an Adaptive Card in the
 * message envelope. Every text is a TextRun, which renders no Markdown and no mention;
 * bare URLs are broken by a zero-width space (unlinked) in case a client links them.
 */
export function teamsPayload(a: Announcement) {
  const body = [
    teamsLine(undefined, clip(`${EMOJI[a.status]} ${a.headline}`, LINE_MAX), {
      weight: 'Bolder',
      size: 'Large',
      color: TEAMS_COLOR[a.status],
    }),
    ...facts(a).map(([label, value]) => teamsLine(label, clip(unlinked(value), LINE_MAX))),
    teamsLine('Reason', clip(unlinked(a.reason), REASON_MAX)),
  ]
  const p = problem(a)
  if (p) body.push(teamsLine(a.status === 'partial' ? 'What is missing' : 'Error', clip(unlinked(p), ERROR_MAX)))
  for (const line of targetLines(a)) body.push(teamsLine(undefined, clip(unlinked(line), LINE_MAX)))
  const actions = [
    ...(a.issueUrl ? [{ type: 'Action.OpenUrl', title: 'Tracking issue', url: a.issueUrl }] : []),
    ...(a.reportUrl ? [{ type: 'Action.OpenUrl', title: 'Incident report', url: a.reportUrl }] : []),
    ...(a.runUrl ? [{ type: 'Action.OpenUrl', title: 'Workflow run', url: a.runUrl }] : []),
  ]
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          msteams: { width: 'Full' },
          body,
          ...(actions.length > 0 ? { actions } : {}),
        },
      },
    ],
  }
}

/** The json format: the announcement itself, with a format version first (docs/runbook.md "Announce"). */
export function jsonPayload(a: Announcement): { version: 1 } & Announcement {
  return { version: 1, ...a }
}

export function payloadFor(format: AnnounceFormat, a: Announcement): unknown {
  return format === 'slack'
    ? slackPayload(a)
    : format === 'discord'
      ? discordPayload(a)
      : format === 'teams'
        ? teamsPayload(a)
        : jsonPayload(a)
}
