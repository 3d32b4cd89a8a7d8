// Slack incoming webhooks: Block Kit sections in mrkdwn, escaped for Slack.
import type { Announcement } from '../message.js'
import type { Channel } from './channel.js'
import {
  clip,
  unlinked,
  EMOJI,
  ERROR_MAX,
  LINE_MAX,
  what,
  targetLine,
  facts,
  targetLines,
  problem,
  clipLines,
} from '../format.js'

/** Slack: section text 3000, header 150, a field 2000. */
const SLACK_SECTION = 3000
const SLACK_HEADER = 150
const SLACK_FIELD = 2000

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

export const slackChannel: Channel<'slack'> = {
  format: 'slack',
  forHost: (host) => host === 'hooks.slack.com',
  payload: slackPayload,
}
