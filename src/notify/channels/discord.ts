// Discord webhooks: one `content` in Discord markdown, escaped, no mention, no preview.
import type { Announcement } from '../message.js'
import { under, type Channel } from './channel.js'
import {
  clip,
  unlinked,
  EMOJI,
  REASON_MAX,
  ERROR_MAX,
  LINE_MAX,
  facts,
  targetLines,
  problem,
  clipLines,
} from '../format.js'

/** Discord's limit on `content`. */
export const DISCORD_MAX = 2000

/**
 * Discord markdown: every character that starts formatting, a quote, a heading, a list, a
 * spoiler, a masked link or a mention (`<@…>`) is backslash-escaped, and an `@` gets a
 * zero-width space after it (`@everyone` and `@here` stay text even without
 * allowed_mentions, which is sent as well).
 */
export const discordChar = (c: string): string =>
  c === '@' ? '@\u200b' : /^[\\*_~`|<>#\-[\]()]$/.test(c) ? `\\${c}` : c
export const discordText = (s: string, max = DISCORD_MAX) => clip(unlinked(s), max, discordChar)

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

export const discordChannel: Channel<'discord'> = {
  format: 'discord',
  forHost: (host) => under(host, 'discord.com') || under(host, 'discordapp.com'),
  payload: discordPayload,
}
