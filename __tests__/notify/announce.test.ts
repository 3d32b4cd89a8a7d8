// The announce step (src/notify/): the pure payload builders (escaping, truncation, mention
// safety), the input parser, and the built action and CLI posting to a real webhook
// receiver on 127.0.0.1 in each platform's format, in order, with a real Verdaccio.
import { spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { PartialError, RollbackError } from '../../src/core/errors.js'
import { readAnnounceInputs, formatForHost } from '../../src/notify/config.js'
import { MAX_TARGET_LINES, clip } from '../../src/notify/format.js'
import {
  DISCORD_MAX,
  discordPayload,
  jsonPayload,
  payloadFor,
  slackChar,
  slackPayload,
  teamsPayload,
} from '../../src/notify/channels/index.js'
import { endAnnouncement, startAnnouncement, type AnnounceContext } from '../../src/notify/message.js'
import { postJson } from '../../src/notify/send.js'
import type { IncidentResult, TargetRun } from '../../src/incident/run.js'
import { publishPackage } from '../support/fixtures.mjs'
import { npmView } from '../support/npm-cli.mjs'
import { startGitHubStandin } from '../support/github-standin.mjs'
import { root, runAction } from '../support/run-action.mjs'
import { freePort, startVerdaccio, type Registry } from '../support/verdaccio.mjs'

// ---------------------------------------------------------------------------------------
// fixtures for the pure builders

const HOSTILE =
  'Broke prod <!channel> <@U024BE7LH> @everyone @here <https://evil.example|click> & **bold** [x](https://evil.example) `code` # head\n> quote ||spoiler||'

function run(name: string, over: Partial<TargetRun> = {}): TargetRun {
  return {
    kind: 'npm',
    name,
    channel: 'latest',
    label: '',
    target: {} as TargetRun['target'],
    plan: {
      packageName: name,
      channel: 'latest',
      rollbackVersion: '1.2.3',
      restoreVersion: '1.2.2',
      previousVersion: '1.2.3',
      incidentId: 'rr-0123456789abcdef',
    } as TargetRun['plan'],
    moved: true,
    deprecated: true,
    republished: false,
    outcome: 'rolled-back',
    steps: [],
    warnings: [],
    ...over,
  }
}

const about = (
  reason = 'Memory persistence corrupts data on restart',
  targets: AnnounceContext['targets'] = [{ kind: 'npm', name: 'acme-widget' }],
): AnnounceContext => ({
  request: { reason, channel: 'latest', rollbackVersion: '1.2.3' },
  severity: 'critical',
  ctx: {
    repository: 'acme/widget',
    serverUrl: 'https://github.com',
    runId: '77',
    runAttempt: '2',
    actor: 'octocat',
    eventName: 'workflow_dispatch',
  },
  targets,
})

const AT = '2026-11-29T12:00:00.000Z'

function result(status: IncidentResult['status'], targets: TargetRun[], error?: RollbackError): IncidentResult {
  return {
    status,
    incidentId: 'rr-0123456789abcdef',
    rollbackVersion: '1.2.3',
    channel: 'latest',
    targets,
    warnings: [],
    ...(error ? { error } : {}),
  }
}

/** Every string anywhere in a payload. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value]
  if (Array.isArray(value)) return value.flatMap(strings)
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings)
  return []
}

describe('the messages', () => {
  it('start: what, channel, current version, restoring to, reason, who and the run link', () => {
    const a = startAnnouncement([run('acme-widget')], about(), AT)
    expect(a).toMatchObject({
      event: 'rollback.started',
      status: 'in-progress',
      headline: 'ROLLBACK IN PROGRESS',
      incidentId: 'rr-0123456789abcdef',
      reason: 'Memory persistence corrupts data on restart',
      actor: 'octocat',
      runUrl: 'https://github.com/acme/widget/actions/runs/77/attempts/2',
      issueUrl: null,
      targets: [
        { kind: 'npm', name: 'acme-widget', channel: 'latest', current: '1.2.3', restore: '1.2.2', outcome: null },
      ],
    })
  })

  it('end: complete with the tracking issue, partial naming what is missing, failed saying nothing changed', () => {
    const books = { issueNumber: 4, issueUrl: 'https://github.com/acme/widget/issues/4', warnings: [], missing: [] }
    expect(endAnnouncement({ result: result('completed', [run('acme-widget')]) }, books, about(), AT)).toMatchObject({
      event: 'rollback.finished',
      status: 'completed',
      headline: 'ROLLBACK COMPLETE',
      issueUrl: books.issueUrl,
    })
    const partial = endAnnouncement(
      {
        result: result(
          'partial',
          [run('acme-widget')],
          new PartialError(["'latest' points at 1.2.2"], ['deprecating 1.2.3'], new Error('E500')),
        ),
      },
      books,
      about(),
      AT,
    )
    expect(partial).toMatchObject({
      status: 'partial',
      headline: 'ROLLBACK PARTIAL: deprecating 1.2.3 missing',
      missing: ['deprecating 1.2.3'],
    })
    const failed = endAnnouncement({ error: new RollbackError('the npm token was rejected.') }, undefined, about(), AT)
    expect(failed).toMatchObject({
      status: 'failed',
      headline: 'ROLLBACK FAILED: nothing was changed',
      error: 'the npm token was rejected.',
      targets: [],
    })
    // several targets, one failed: the failed one is what is missing
    const two = [
      run('a'),
      run('b', { outcome: 'failed', failure: { step: 'move-tag', error: new Error('E503 busy') } }),
    ]
    expect(
      endAnnouncement(
        { result: result('partial', two, new RollbackError('Partial rollback: b: E503 busy.')) },
        undefined,
        about(),
        AT,
      ).missing,
    ).toEqual(['b (E503 busy)'])
  })

  it('the partial headline is clipped, the full list stays in the body', () => {
    const missing = Array.from({ length: 20 }, (_, i) => `deprecating pkg-${i}@1.2.3`)
    const a = endAnnouncement(
      { result: result('partial', [run('x')], new PartialError(['x'], missing, new Error('y'))) },
      undefined,
      about(),
      AT,
    )
    expect(a.headline.length).toBeLessThan(150)
    expect(a.headline).toMatch(/^ROLLBACK PARTIAL: deprecating pkg-0@1\.2\.3; .*… missing$/)
    expect(a.missing).toHaveLength(20)
  })
})

describe('the platform payloads', () => {
  const hostile = startAnnouncement([run('acme-widget')], about(HOSTILE), AT)

  it('Slack: text and blocks; <, > and & escaped in every mrkdwn text, so no mention, special or link can be written', () => {
    const p = slackPayload(hostile)
    expect(typeof p.text).toBe('string')
    expect(Array.isArray(p.blocks)).toBe(true)
    expect(p.text).toContain('&lt;!channel&gt; &lt;@\u200bU024BE7LH&gt;')
    // URLs broken by a zero-width space, mrkdwn characters as look-alikes (issue 24)
    expect(p.text).toContain('&lt;https:\u200b//evil.example|click&gt; &amp; \u2217\u2217bold\u2217\u2217')
    const mrkdwn = strings(p.blocks.filter((b) => (b as { type: string }).type !== 'header'))
    const withReason = mrkdwn.filter((s) => s.includes('Broke prod'))
    expect(withReason.length).toBeGreaterThan(0)
    for (const s of [p.text, ...mrkdwn]) {
      // the only < in a Slack text is one of our own links
      expect(s.replace(/<https:\/\/github\.com\/[^|>\s]+\|[A-Za-z ]+>/g, '')).not.toMatch(/[<>]/)
      expect(s).not.toMatch(/&(?!amp;|lt;|gt;)/)
    }
  })

  it('Slack: every text within its block limit, even for 100 targets and a reason of 1,000 ampersands', () => {
    const targets = Array.from({ length: 100 }, (_, i) => run(`@acme/package-with-a-rather-long-name-${i}`))
    const a = startAnnouncement(targets, about('&'.repeat(1000), targets), AT)
    const p = slackPayload(a)
    const blocks = p.blocks as Array<{ type: string; text?: { text: string }; fields?: Array<{ text: string }> }>
    expect(blocks.find((b) => b.type === 'header')?.text?.text.length).toBeLessThanOrEqual(150)
    for (const b of blocks) {
      if (b.type === 'section' && b.text) expect(b.text.text.length).toBeLessThanOrEqual(3000)
      for (const f of b.fields ?? []) expect(f.text.length).toBeLessThanOrEqual(2000)
    }
    expect(p.text.length).toBeLessThanOrEqual(3000)
    expect(JSON.stringify(p)).toContain(`…and ${100 - MAX_TARGET_LINES} more`)
  })

  it('Discord: content escapes markdown and mentions, allowed_mentions parses none', () => {
    const p = discordPayload(hostile)
    expect(p.allowed_mentions).toEqual({ parse: [] })
    expect(p.content).not.toMatch(/@(everyone|here)/)
    expect(p.content).toContain('@\u200beveryone @\u200bhere')
    expect(p.content).toContain('\\<@\u200bU024BE7LH\\>')
    expect(p.content).toContain('\\[x\\]\\(https:\u200b//evil.example\\)')
    expect(p.content).toContain('& \\*\\*bold\\*\\* \\[x\\]')
    expect(p.content).toContain('\\`code\\` \\# head\n\\> quote \\|\\|spoiler\\|\\|')
    expect(p.content).toContain('**Restoring to:** 1.2.2')
  })

  it('Discord: content within 2,000 characters however long the message, cut between lines', () => {
    const targets = Array.from({ length: 100 }, (_, i) =>
      run(`@acme/package-with-a-rather-long-name-${i}`, {
        outcome: 'failed',
        failure: { step: 'move-tag', error: new Error('*'.repeat(300)) },
      }),
    )
    const end = endAnnouncement(
      { result: result('partial', targets, new RollbackError(`Partial rollback: ${'_'.repeat(3000)}`)) },
      undefined,
      about('@'.repeat(1000), targets),
      AT,
    )
    const p = discordPayload(end)
    expect(p.content.length).toBeLessThanOrEqual(DISCORD_MAX)
    expect(p.content.endsWith('\n…(truncated)')).toBe(true)
    expect(p.content).toContain('**Reason:** @\u200b@\u200b')
    // no escape cut in half: every backslash escapes the character after it
    expect(p.content.replace(/\\[\\*_~`|<>#\-[\]()]/g, '')).not.toContain('\\')
  })

  it('Teams: an Adaptive Card in the message envelope; user text only ever in TextRuns (no Markdown there)', () => {
    const p = teamsPayload(
      endAnnouncement(
        { result: result('completed', [run('acme-widget')]) },
        { issueUrl: 'https://github.com/acme/widget/issues/4', warnings: [], missing: [] },
        about(HOSTILE),
        AT,
      ),
    )
    expect(p.type).toBe('message')
    expect(p.attachments).toHaveLength(1)
    const card = p.attachments[0]
    expect(card.contentType).toBe('application/vnd.microsoft.card.adaptive')
    expect(card.content).toMatchObject({
      type: 'AdaptiveCard',
      version: '1.4',
      $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    })
    expect(card.content.actions).toEqual(
      expect.arrayContaining([
        { type: 'Action.OpenUrl', title: 'Tracking issue', url: 'https://github.com/acme/widget/issues/4' },
      ]),
    )
    for (const block of card.content.body) {
      expect(block.type).toBe('RichTextBlock')
      for (const inline of block.inlines) expect(inline.type).toBe('TextRun')
    }
    // the text as written, but for the zero-width space that keeps a client from linking a bare URL
    expect(JSON.stringify(card.content.body)).toContain(JSON.stringify(HOSTILE.replace(/:\/\//g, ':\u200b//')))
  })

  it('json: a stable object, every field always present, the text raw (JSON is the escaping)', () => {
    const p = jsonPayload(hostile)
    expect(Object.keys(p)).toEqual([
      'version',
      'event',
      'status',
      'headline',
      'incidentId',
      'rollbackVersion',
      'channel',
      'reason',
      'severity',
      'actor',
      'trigger',
      'runUrl',
      'at',
      'targets',
      'missing',
      'error',
      'issueUrl',
      'reportUrl',
    ])
    expect(p).toMatchObject({ version: 1, event: 'rollback.started', status: 'in-progress', reason: HOSTILE, at: AT })
  })

  it('clip never cuts an escape or a surrogate pair in half', () => {
    expect(clip('&&&&', 7, slackChar)).toBe('&amp;…')
    expect(clip('&&', 10, slackChar)).toBe('&amp;&amp;')
    expect(clip('😀😀😀', 4)).toBe('😀…')
    expect(clip('abc', 3)).toBe('abc')
    expect(clip('abcd', 3)).toBe('ab…')
  })
})

describe('readAnnounceInputs', () => {
  const read = (webhook: string, format = '') =>
    readAnnounceInputs((n) => (n === 'announce-webhook' ? webhook : n === 'announce-format' ? format : ''))

  it('goes by the host, unless announce-format says otherwise', () => {
    expect(formatForHost('hooks.slack.com')).toBe('slack')
    expect(formatForHost('discord.com')).toBe('discord')
    expect(formatForHost('canary.discord.com')).toBe('discord')
    expect(formatForHost('discordapp.com')).toBe('discord')
    expect(formatForHost('prod-12.westus.logic.azure.com')).toBe('teams')
    expect(formatForHost('acme.webhook.office.com')).toBe('teams')
    expect(formatForHost('default0123.ab.environment.api.powerplatform.com')).toBe('teams')
    expect(formatForHost('hooks.slack.com.evil.example')).toBe('json')
    expect(formatForHost('notdiscord.com')).toBe('json')
    expect(formatForHost('logic.azure.com.evil.example')).toBe('json')
    expect(read('https://hooks.slack.com/services/T0/B0/XYZ')).toEqual({
      webhook: 'https://hooks.slack.com/services/T0/B0/XYZ',
      format: 'slack',
    })
    expect(read('http://127.0.0.1:9/x', 'Teams')).toEqual({ webhook: 'http://127.0.0.1:9/x', format: 'teams' })
    expect(read('')).toBeUndefined()
  })

  it('refuses what cannot be a webhook, without ever echoing the URL', () => {
    const secret = 'T0SECRET/B0SECRET/xyzzySECRET'
    for (const [webhook, problem] of [
      [`http://hooks.slack.com/services/${secret}`, /is not an https URL/],
      [`ftp://example.com/${secret}`, /is not an https URL/],
      [`https://user:pw@example.com/${secret}`, /user name or password/],
      [`https://example.com/${secret} x`, /whitespace/],
      [`not a url ${secret}`, /whitespace|is not a URL/],
      [`${secret}`, /is not a URL/],
      [`https://example.com/${secret}#frag`, /fragment/],
    ] as const) {
      let message = ''
      try {
        read(webhook)
      } catch (e) {
        message = (e as Error).message
      }
      expect(message).toMatch(/^Input 'announce-webhook': /)
      expect(message).toMatch(problem)
      expect(message).not.toContain('SECRET')
    }
    expect(() => read('https://example.com/x', 'markdown')).toThrow(
      /Input 'announce-format': "markdown" is not a format/,
    )
  })
})

// ---------------------------------------------------------------------------------------
// a real webhook receiver on 127.0.0.1

interface Received {
  path: string
  body: Record<string, unknown>
  contentType: string
  /** shape violations found for the platform the receiver plays */
  problems: string[]
}

type Behaviour = 'ok' | 500 | 'hang' | { redirectTo: string; status: number } | ((path: string) => Behaviour)

interface Receiver {
  url: string
  origin: string
  received: Received[]
  /** Date.now() when each message arrived */
  times: number[]
  behaviour: Behaviour
  platform: 'slack' | 'discord' | 'teams' | 'json'
  close: () => Promise<void>
}

/** The shape each platform requires; anything else is a problem the test reports. */
function shapeProblems(platform: Receiver['platform'], body: Record<string, unknown>): string[] {
  const problems: string[] = []
  if (platform === 'slack') {
    if (typeof body.text !== 'string' || body.text === '') problems.push('slack: text missing')
    if (!Array.isArray(body.blocks) || body.blocks.length === 0 || body.blocks.length > 50)
      problems.push('slack: blocks missing or too many')
  } else if (platform === 'discord') {
    const content = body.content
    if (typeof content !== 'string' && !Array.isArray(body.embeds)) problems.push('discord: neither content nor embeds')
    if (typeof content === 'string' && (content.length === 0 || content.length > 2000))
      problems.push(`discord: content of ${content.length} characters`)
    if (JSON.stringify(body.allowed_mentions) !== JSON.stringify({ parse: [] }))
      problems.push('discord: allowed_mentions is not { parse: [] }')
  } else if (platform === 'teams') {
    const attachments = body.attachments as
      | Array<{ contentType?: string; content?: { type?: string; version?: string; body?: unknown[] } }>
      | undefined
    if (body.type !== 'message') problems.push('teams: type is not message')
    if (!Array.isArray(attachments) || attachments.length !== 1) problems.push('teams: not one attachment')
    const card = attachments?.[0]
    if (card?.contentType !== 'application/vnd.microsoft.card.adaptive') problems.push('teams: contentType')
    if (card?.content?.type !== 'AdaptiveCard') problems.push('teams: content.type is not AdaptiveCard')
    if (!/^1\.\d$/.test(String(card?.content?.version))) problems.push('teams: content.version')
    if (!Array.isArray(card?.content?.body) || card.content.body.length === 0) problems.push('teams: empty body')
  } else {
    for (const key of ['version', 'event', 'status', 'headline', 'incidentId', 'targets', 'reason'])
      if (!(key in body)) problems.push(`json: ${key} missing`)
  }
  return problems
}

async function startReceiver(platform: Receiver['platform'], behaviour: Behaviour = 'ok'): Promise<Receiver> {
  const port = await freePort()
  const hanging: ServerResponse[] = []
  const receiver: Receiver = {
    url: `http://127.0.0.1:${port}/hooks/T0SECRET/B0SECRET/xyzzy-webhook-secret`,
    origin: `http://127.0.0.1:${port}`,
    received: [],
    times: [],
    behaviour,
    platform,
    close: async () => {
      for (const res of hanging) res.destroy()
      server.closeAllConnections()
      await new Promise((r) => server.close(r))
    },
  }
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = ''
    req.on('data', (d) => (raw += d))
    req.on('end', () => {
      let body: Record<string, unknown> = {}
      const problems: string[] = []
      try {
        body = JSON.parse(raw) as Record<string, unknown>
      } catch {
        problems.push('body is not JSON')
      }
      if (req.method !== 'POST') problems.push(`method ${req.method}`)
      receiver.times.push(Date.now())
      receiver.received.push({
        path: req.url ?? '',
        body,
        contentType: String(req.headers['content-type']),
        problems: [...problems, ...shapeProblems(receiver.platform, body)],
      })
      const b = typeof receiver.behaviour === 'function' ? receiver.behaviour(req.url ?? '') : receiver.behaviour
      if (b === 'hang') return void hanging.push(res)
      if (b === 500) return void res.writeHead(500, { 'content-type': 'text/plain' }).end('internal_error')
      if (typeof b === 'object') return void res.writeHead(b.status, { location: b.redirectTo }).end()
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok')
    })
  })
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r))
  return receiver
}

/** The headline of a received message, whatever the platform. */
function headlineOf(platform: Receiver['platform'], body: Record<string, unknown>): string {
  if (platform === 'json') return String(body.headline)
  if (platform === 'slack') return String((body.blocks as Array<{ text: { text: string } }>)[0].text.text)
  if (platform === 'discord') return String(body.content).split('\n')[0]
  const card = (body.attachments as Array<{ content: { body: Array<{ inlines: Array<{ text: string }> }> } }>)[0]
    .content
  return card.body[0].inlines[0].text
}

describe('user text is inert on every platform, as the receiver gets it (issue 24)', () => {
  // a reason with a bare URL, a www. host, mrkdwn/Markdown formatting and a mention; a version-like channel with them too
  const REASON = 'see https://evil.example/x and www.evil.example, *bold* _it_ ~gone~ `code` @here & <b>'
  const announcement = () =>
    endAnnouncement(
      { result: result('completed', [run('acme-widget', { channel: '*next*' })]) },
      { issueUrl: 'https://github.com/acme/widget/issues/4', warnings: [], missing: [] },
      about(REASON),
      AT,
    )

  /** Every text a platform renders, as received. */
  async function received(platform: Receiver['platform']): Promise<Record<string, unknown>> {
    const hook = await startReceiver(platform)
    try {
      await postJson(hook.url, payloadFor(platform, announcement()))
      expect(hook.received).toHaveLength(1)
      expect(hook.received[0].problems).toEqual([])
      return hook.received[0].body
    } finally {
      await hook.close()
    }
  }
  const autolink = /[a-z]+:\/\/evil|www\.evil/i

  it('Slack: no autolink (verbatim mrkdwn, and the URL broken by a zero-width space), no mrkdwn from the reason or a version', async () => {
    const body = await received('slack')
    const blocks = body.blocks as Array<{
      type: string
      text?: { type: string; text: string; verbatim?: boolean }
      fields?: Array<{ type: string; text: string; verbatim?: boolean }>
      elements?: Array<{ type: string; text: string; verbatim?: boolean }>
    }>
    const objects = blocks.flatMap((b) => [...(b.text ? [b.text] : []), ...(b.fields ?? []), ...(b.elements ?? [])])
    for (const o of objects.filter((x) => x.type === 'mrkdwn')) expect(o.verbatim).toBe(true)
    const reason = objects.find((o) => o.text.startsWith('*Reason*\n')) as { text: string }
    const value = reason.text.slice('*Reason*\n'.length)
    for (const text of [value, String(body.text)]) {
      expect(text).not.toMatch(autolink)
      expect(text).not.toMatch(/[*_~`]/)
      expect(text).not.toMatch(/[<>]/)
      expect(text).not.toMatch(/@here/)
    }
    expect(value).toContain('&amp; &lt;b&gt;')
    // a version or channel from the user is text too; our own labels stay bold
    const channel = objects.find((o) => o.text.startsWith('*Channel*\n')) as { text: string }
    expect(channel.text.slice('*Channel*\n'.length)).not.toMatch(/[*]/)
  })

  it('Discord and Teams: no autolink from the reason either; json keeps the text raw', async () => {
    const discord = String((await received('discord')).content)
    const line = discord.split('\n').find((l) => l.startsWith('**Reason:**')) as string
    expect(line).not.toMatch(autolink)
    const teams = await received('teams')
    const runs = (
      teams.attachments as Array<{ content: { body: Array<{ inlines: Array<{ text: string }> }> } }>
    )[0].content.body.flatMap((b) => b.inlines.map((i) => i.text))
    const reasonRun = runs[runs.indexOf('Reason: ') + 1]
    expect(reasonRun).toContain('see https:')
    expect(reasonRun).not.toMatch(autolink)
    expect((await received('json')).reason).toBe(REASON)
  })
})

describe('postJson against a real receiver', () => {
  it('refuses a redirect to another origin: the other origin never sees the request', async () => {
    const elsewhere = await startReceiver('json')
    const hook = await startReceiver('json', { redirectTo: `${elsewhere.origin}/steal`, status: 307 })
    try {
      await expect(postJson(hook.url, { hello: 1 })).rejects.toThrow(
        `the webhook redirected (HTTP 307) to ${elsewhere.origin}, another origin: not followed, nothing was sent there.`,
      )
      expect(hook.received).toHaveLength(1)
      expect(elsewhere.received).toHaveLength(0)
    } finally {
      await hook.close()
      await elsewhere.close()
    }
  })

  it('follows a 307 on the same origin (the body POSTed again), and gives up on a hang after the timeout', async () => {
    // a relative Location: the same origin; the moved-to path answers 200
    const hook = await startReceiver('json', (path) =>
      path === '/hooks/moved-here' ? 'ok' : { redirectTo: '/hooks/moved-here', status: 308 },
    )
    try {
      await postJson(hook.url, { hello: 2 })
      expect(hook.received.map((r) => [r.path, r.body])).toEqual([
        ['/hooks/T0SECRET/B0SECRET/xyzzy-webhook-secret', { hello: 2 }],
        ['/hooks/moved-here', { hello: 2 }],
      ])
    } finally {
      await hook.close()
    }
    const hung = await startReceiver('json', 'hang')
    try {
      const t0 = Date.now()
      await expect(postJson(hung.url, {}, { timeoutMs: 300 })).rejects.toThrow(
        'the webhook did not answer within 300 ms.',
      )
      expect(Date.now() - t0).toBeLessThan(5000)
    } finally {
      await hung.close()
    }
  })

  it('a non-2xx answer names the status and a short reason, never the URL', async () => {
    const hook = await startReceiver('json', 500)
    try {
      await expect(postJson(hook.url, {})).rejects.toThrow(/^the webhook answered HTTP 500: internal_error\.$/)
    } finally {
      await hook.close()
    }
    const closed = `http://127.0.0.1:${await freePort()}/hooks/SECRET`
    const e = await postJson(closed, {}).catch((err: Error) => err)
    expect(String(e)).toMatch(/the webhook could not be reached \(ECONNREFUSED\)/)
    expect(String(e)).not.toContain('SECRET')
  })
})

// ---------------------------------------------------------------------------------------
// the built action and CLI, with a real registry

let registry: Registry
let counter = 0
beforeAll(async () => {
  registry = await startVerdaccio()
})
afterAll(async () => {
  await registry?.stop()
})

async function freshPackage(): Promise<string> {
  const name = `announce-widget-${++counter}`
  await publishPackage(registry, name, ['1.2.1', '1.2.2', '1.2.3'])
  return name
}

const REASON = 'Memory persistence corrupts data <!channel> @everyone'
const inputs = (pkg: string, hook: Receiver, over: Record<string, string> = {}) => ({
  'rollback-version': '1.2.3',
  reason: REASON,
  package: pkg,
  registry: registry.url,
  'npm-token': registry.token,
  'create-issue': 'false',
  'commit-report': 'false',
  'announce-webhook': hook.url,
  'announce-format': hook.platform,
  ...over,
})

/** The URL only ever reaches the runner's masker (::add-mask::), never the summary or any other line. */
function expectUrlNeverShown(run: { stdout: string; stderr: string; summary: string }, url: string) {
  expect(run.stdout).toContain(`::add-mask::${url}`)
  expect(run.stdout.split(url).length - 1).toBe(1)
  expect(run.stdout.split('\n').filter((l) => l.includes('SECRET') || l.includes('xyzzy-webhook-secret'))).toEqual([
    `::add-mask::${url}`,
  ])
  expect(run.stderr).not.toContain('SECRET')
  expect(run.summary).not.toContain('SECRET')
}

describe('the built action announces the start and the end', () => {
  it.each(['slack', 'discord', 'teams'] as const)(
    '%s: two messages in the platform shape, start then end, the rollback done',
    async (platform) => {
      const pkg = await freshPackage()
      const hook = await startReceiver(platform)
      try {
        const run = await runAction(inputs(pkg, hook))
        expect(run.stderr).toBe('')
        expect(run.code).toBe(0)
        expect(run.outputs.status).toBe('completed')
        expect(hook.received).toHaveLength(2)
        for (const r of hook.received) {
          expect(r.problems).toEqual([])
          expect(r.path).toBe('/hooks/T0SECRET/B0SECRET/xyzzy-webhook-secret')
          expect(r.contentType).toMatch(/^application\/json/)
        }
        expect(hook.received.map((r) => headlineOf(platform, r.body))).toEqual([
          expect.stringContaining('ROLLBACK IN PROGRESS'),
          expect.stringContaining('ROLLBACK COMPLETE'),
        ])
        // Discord's content is backslash-escaped: read it unescaped
        const start =
          platform === 'discord'
            ? String(hook.received[0].body.content).replace(/\\(.)/g, '$1')
            : JSON.stringify(hook.received[0].body)
        expect(start).toContain(pkg)
        expect(start).toContain('1.2.3')
        expect(start).toContain('1.2.2')
        // the reason arrives escaped for the platform
        if (platform === 'slack') expect(start).toContain('&lt;!channel&gt; @\u200beveryone')
        if (platform === 'discord')
          expect(String(hook.received[0].body.content)).toContain('\\<!channel\\> @\u200beveryone')
        if (platform === 'teams') expect(start).toContain(JSON.stringify(REASON))
        expect(run.stdout).toContain(
          `Announced the start of the rollback to the ${platform} webhook (announce-webhook).`,
        )
        expect(run.stdout).toContain(`Announced the end of the rollback to the ${platform} webhook (announce-webhook).`)
        expectUrlNeverShown(run, hook.url)
        expect(await npmView(registry.url, pkg, 'dist-tags.latest')).toBe('1.2.2')
      } finally {
        await hook.close()
      }
    },
  )

  it('json, with GitHub: the end message links the tracking issue; a re-run announces ROLLBACK COMPLETE: already rolled back', async () => {
    const pkg = await freshPackage()
    const hook = await startReceiver('json')
    const github = await startGitHubStandin({ token: 'ghs_announce-token' })
    try {
      const env = {
        GITHUB_API_URL: github.url,
        GITHUB_REPOSITORY: 'acme/widget',
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_RUN_ID: '91',
        GITHUB_RUN_ATTEMPT: '1',
        GITHUB_ACTOR: 'octocat',
        GITHUB_EVENT_NAME: 'workflow_dispatch',
      }
      const run = await runAction(
        inputs(pkg, hook, {
          'create-issue': 'true',
          'commit-report': 'true',
          'github-token': 'ghs_announce-token',
          severity: 'critical',
        }),
        { env },
      )
      expect(run.code).toBe(0)
      expect(run.outputs.status).toBe('completed')
      expect(hook.received.map((r) => r.problems)).toEqual([[], []])
      const [start, end] = hook.received.map((r) => r.body)
      expect(start).toMatchObject({
        version: 1,
        event: 'rollback.started',
        status: 'in-progress',
        headline: 'ROLLBACK IN PROGRESS',
        incidentId: run.outputs['incident-id'],
        rollbackVersion: '1.2.3',
        channel: 'latest',
        reason: REASON,
        severity: 'critical',
        actor: 'octocat',
        runUrl: 'https://github.com/acme/widget/actions/runs/91',
        issueUrl: null,
        targets: [
          { kind: 'npm', name: pkg, channel: 'latest', current: '1.2.3', restore: '1.2.2', outcome: null, error: null },
        ],
      })
      expect(end).toMatchObject({
        event: 'rollback.finished',
        status: 'completed',
        headline: 'ROLLBACK COMPLETE',
        incidentId: run.outputs['incident-id'],
        issueUrl: run.outputs['issue-url'],
        targets: [{ name: pkg, outcome: 'rolled-back', current: '1.2.3', restore: '1.2.2' }],
      })
      expect(run.outputs['issue-url']).toMatch(/^https:\/\/github\.com\/acme\/widget\/issues\/\d+$/)
      // nothing of the webhook reaches GitHub either
      expect(github.violations).toEqual([])
      expect(github.requests.length).toBeGreaterThan(0)
      expect(JSON.stringify(github.requests)).not.toContain('SECRET')
      expectUrlNeverShown(run, hook.url)

      const again = await runAction(
        inputs(pkg, hook, { 'create-issue': 'true', 'commit-report': 'true', 'github-token': 'ghs_announce-token' }),
        { env },
      )
      expect(again.outputs.status).toBe('already-done')
      expect(hook.received.slice(2).map((r) => [r.body.event, r.body.headline])).toEqual([
        ['rollback.started', 'ROLLBACK IN PROGRESS'],
        ['rollback.finished', 'ROLLBACK COMPLETE: already rolled back, nothing needed changing'],
      ])
    } finally {
      await hook.close()
      await github.stop()
    }
  })

  it('several packages: one start and one end for the incident, with the incident id of all of them and a row each', async () => {
    const a = await freshPackage()
    const b = await freshPackage()
    const hook = await startReceiver('json')
    try {
      const run = await runAction(inputs('', hook, { packages: `${a}, ${b}` }))
      expect(run.code).toBe(0)
      expect(run.outputs.status).toBe('completed')
      expect(hook.received.map((r) => [r.body.event, r.body.incidentId])).toEqual([
        ['rollback.started', run.outputs['incident-id']],
        ['rollback.finished', run.outputs['incident-id']],
      ])
      expect((hook.received[0].body.targets as Array<{ name: string }>).map((t) => t.name).sort()).toEqual(
        [a, b].sort(),
      )
      expect((hook.received[1].body.targets as Array<{ outcome: string }>).map((t) => t.outcome)).toEqual([
        'rolled-back',
        'rolled-back',
      ])
    } finally {
      await hook.close()
    }
  })

  it('a failure before any write: one message, ROLLBACK FAILED: nothing was changed, with the error', async () => {
    const pkg = await freshPackage()
    const hook = await startReceiver('json')
    try {
      const run = await runAction(inputs(pkg, hook, { 'rollback-version': '9.9.9' }), { env: { RUNNER_DEBUG: '1' } })
      expect(run.code).toBe(1)
      expect(run.outputs.status).toBe('failed')
      expect(hook.received.map((r) => [r.body.event, r.body.status, r.body.headline])).toEqual([
        ['rollback.finished', 'failed', 'ROLLBACK FAILED: nothing was changed'],
      ])
      expect(String(hook.received[0].body.error)).toContain('9.9.9')
      expectUrlNeverShown(run, hook.url)
    } finally {
      await hook.close()
    }
  })

  it('a dry run and a skipped run announce nothing, and say so', async () => {
    const pkg = await freshPackage()
    const hook = await startReceiver('json')
    try {
      const dry = await runAction(inputs(pkg, hook, { 'dry-run': 'true' }))
      expect(dry.code).toBe(0)
      expect(dry.outputs.status).toBe('planned')
      expect(dry.stdout).toContain('Dry run: no announcement was sent to the json webhook (announce-webhook).')
      const skipped = await runAction(
        inputs(pkg, hook, { 'rollback-version': 'current', 'published-after': '2099-01-01T00:00:00Z' }),
      )
      expect(skipped.outputs.status).toBe('skipped')
      expect(skipped.stdout).toContain('Skipped: nothing was rolled back, so no announcement was sent')
      expect(hook.received).toEqual([])
      expect(await npmView(registry.url, pkg, 'dist-tags.latest')).toBe('1.2.3')
    } finally {
      await hook.close()
    }
  })

  it('a webhook answering 500: the rollback completes, a warning for each message in the log and the summary', async () => {
    const pkg = await freshPackage()
    const hook = await startReceiver('slack', 500)
    try {
      const run = await runAction(inputs(pkg, hook), { env: { RUNNER_DEBUG: '1' } })
      expect(run.code).toBe(0)
      expect(run.outputs.status).toBe('completed')
      expect(hook.received).toHaveLength(2)
      for (const which of ['start', 'end']) {
        const warning = `The ${which} announcement to the slack webhook (announce-webhook) was not delivered: the webhook answered HTTP 500: internal_error. The rollback itself is not affected.`
        expect(run.stdout).toContain(`::warning::${warning}`)
        // the summary renders warnings inertly (internal\_error)
        expect(run.summary).toContain(
          `- The ${which} announcement to the slack webhook (announce-webhook) was not delivered: the webhook answered HTTP 500: internal\\_error. The rollback itself is not affected.`,
        )
      }
      expectUrlNeverShown(run, hook.url)
      expect(await npmView(registry.url, pkg, 'dist-tags.latest')).toBe('1.2.2')
    } finally {
      await hook.close()
    }
  })

  it('a webhook that never answers: the rollback is not held up, completes, and warns after the 10 s timeout', async () => {
    const pkg = await freshPackage()
    const hook = await startReceiver('discord', 'hang')
    try {
      // watch the registry while the action runs: the channel moves while the start message still hangs
      let movedAt = 0
      const started = Date.now()
      const running = runAction(inputs(pkg, hook))
      while (!movedAt && Date.now() - started < 15_000) {
        const doc = (await (
          await fetch(`${registry.url}${pkg}`, { headers: { accept: 'application/json' } })
        ).json()) as { 'dist-tags': Record<string, string> }
        if (doc['dist-tags'].latest === '1.2.2') movedAt = Date.now()
        else await new Promise((r) => setTimeout(r, 100))
      }
      const run = await running
      expect(run.code).toBe(0)
      expect(run.outputs.status).toBe('completed')
      expect(hook.times.length).toBe(2)
      expect(movedAt).toBeGreaterThan(0)
      // moved well within the 10 s the start message hung for
      expect(movedAt - hook.times[0]).toBeLessThan(5000)
      expect(run.stdout).toContain(
        '::warning::The start announcement to the discord webhook (announce-webhook) was not delivered: the webhook did not answer within 10 s.',
      )
      expect(run.stdout).toContain(
        '::warning::The end announcement to the discord webhook (announce-webhook) was not delivered: the webhook did not answer within 10 s.',
      )
      expect(hook.received.map((r) => headlineOf('discord', r.body))).toEqual([
        expect.stringContaining('ROLLBACK IN PROGRESS'),
        expect.stringContaining('ROLLBACK COMPLETE'),
      ])
      expectUrlNeverShown(run, hook.url)
    } finally {
      await hook.close()
    }
  }, 60_000)

  it('a redirect to another port is not followed: the other server gets nothing, the rollback completes', async () => {
    const pkg = await freshPackage()
    const elsewhere = await startReceiver('json')
    const hook = await startReceiver('json', { redirectTo: `${elsewhere.origin}/collect`, status: 308 })
    try {
      const run = await runAction(inputs(pkg, hook), { env: { RUNNER_DEBUG: '1' } })
      expect(run.code).toBe(0)
      expect(run.outputs.status).toBe('completed')
      expect(hook.received).toHaveLength(2)
      expect(elsewhere.received).toEqual([])
      expect(run.stdout).toContain(
        `::warning::The end announcement to the json webhook (announce-webhook) was not delivered: the webhook redirected (HTTP 308) to ${elsewhere.origin}, another origin: not followed, nothing was sent there.`,
      )
      expectUrlNeverShown(run, hook.url)
    } finally {
      await hook.close()
      await elsewhere.close()
    }
  })

  it('a bad announce-webhook fails before anything is written, naming the input but not the URL', async () => {
    const pkg = await freshPackage()
    const url = 'http://hooks.example.com/T0SECRET/xyzzy-webhook-secret'
    const run = await runAction({
      'rollback-version': '1.2.3',
      reason: 'x',
      package: pkg,
      registry: registry.url,
      'npm-token': registry.token,
      'create-issue': 'false',
      'commit-report': 'false',
      'announce-webhook': url,
    })
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(/::error::Input 'announce-webhook': is not an https URL/)
    expect(run.stdout.split(url).length - 1).toBe(1)
    expect(await npmView(registry.url, pkg, 'dist-tags.latest')).toBe('1.2.3')
  })
})

describe('the CLI announces too, the webhook from ANNOUNCE_WEBHOOK only', () => {
  function cli(
    args: string[],
    env: Record<string, string>,
  ): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const cwd = mkdtempSync(join(tmpdir(), 'rr-announce-cli-'))
    const child = spawn(process.execPath, [join(root, 'dist', 'cli', 'index.js'), ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: cwd, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })))
  }

  it('posts start and end with --announce-format, and refuses the URL as a flag without echoing it', async () => {
    const pkg = await freshPackage()
    const hook = await startReceiver('teams')
    try {
      const args = [
        '--package',
        pkg,
        '--rollback',
        '1.2.3',
        '--reason',
        'broken',
        '--registry',
        registry.url,
        '--yes',
        '--no-report',
        '--no-issue',
      ]
      const run = await cli([...args, '--announce-format', 'teams'], {
        NPM_TOKEN: registry.token,
        ANNOUNCE_WEBHOOK: hook.url,
      })
      expect(run.code).toBe(0)
      expect(hook.received.map((r) => r.problems)).toEqual([[], []])
      expect(hook.received.map((r) => headlineOf('teams', r.body))).toEqual([
        expect.stringContaining('ROLLBACK IN PROGRESS'),
        expect.stringContaining('ROLLBACK COMPLETE'),
      ])
      expect(run.stdout + run.stderr).not.toContain('SECRET')

      const flag = await cli([...args, `--announce-webhook=${hook.url}`], { NPM_TOKEN: registry.token })
      expect(flag.code).toBe(2)
      expect(flag.stderr).toContain('--announce-webhook: the webhook URL is a secret and is never taken from a flag')
      expect(flag.stdout + flag.stderr).not.toContain('SECRET')
      expect(hook.received).toHaveLength(2)
    } finally {
      await hook.close()
    }
  })
})
