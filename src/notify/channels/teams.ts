// Microsoft Teams (a Workflows webhook or an incoming webhook): an Adaptive Card.
import type { Announcement } from '../message.js'
import { under, type Channel } from './channel.js'
import { clip, unlinked, EMOJI, REASON_MAX, ERROR_MAX, LINE_MAX, facts, targetLines, problem } from '../format.js'

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

export const teamsChannel: Channel<'teams'> = {
  format: 'teams',
  forHost: (host) =>
    host.endsWith('.logic.azure.com') ||
    host.endsWith('.webhook.office.com') ||
    under(host, 'environment.api.powerplatform.com'),
  payload: teamsPayload,
}
