import { describe, expect, it } from '@jest/globals'
import type { IncidentRecord, RunContext } from '../../src/github/incident.js'
import { parseReportDir, reportPath } from '../../src/github/config.js'
import { hasMarker, issueMarker, runMarker } from '../../src/github/markers.js'
import { installerProtection } from '../../src/github/protection.js'
import { encodeRecord, mergeRecord, parseReportRecord } from '../../src/github/record.js'
import { issueTitle, renderIssueBody, renderRerunComment } from '../../src/github/render-issue.js'
import { formatTime } from '../../src/github/render-parts.js'
import { renderReport } from '../../src/github/render-report.js'
import { inputErrorOf } from '../support/helpers.js'

const ctx = (over: Partial<RunContext> = {}): RunContext => ({
  repository: 'acme/widget',
  serverUrl: 'https://github.com',
  runId: '4242',
  runAttempt: '1',
  actor: 'octocat',
  eventName: 'workflow_dispatch',
  workflow: 'Release rollback',
  ...over,
})

const MESSAGE = '1.2.3 was rolled back: Memory persistence corrupts data on restart. Use 1.2.2 instead.'

/** The first run: latest moved from 1.2.3 to 1.2.2, 1.2.3 deprecated. */
const record = (over: Partial<IncidentRecord> = {}): IncidentRecord => ({
  format: 1,
  incidentId: 'rr-0123456789abcdef',
  packageName: 'acme-widget',
  channel: 'latest',
  rollbackVersion: '1.2.3',
  restoreVersion: '1.2.2',
  previousVersion: '1.2.3',
  deprecationMessage: MESSAGE,
  tagsBefore: { latest: '1.2.3', next: '1.3.0-beta.1' },
  tagsAfter: { latest: '1.2.2', next: '1.3.0-beta.1' },
  severity: 'high',
  reason: 'Memory persistence corrupts data on restart',
  strategy: 'retag',
  runs: [
    {
      url: 'https://github.com/acme/widget/actions/runs/4242',
      at: '2026-11-21T14:00:00.000Z',
      status: 'completed',
      actor: 'octocat',
      trigger: 'workflow_dispatch',
    },
  ],
  timeline: [
    {
      at: '2026-11-21T14:00:01.250Z',
      action: "point dist-tag 'latest' at 1.2.2",
      outcome: 'done',
      detail: "'latest' -> 1.2.2, verified by a fresh read",
    },
    { at: '2026-11-21T14:00:02.500Z', action: 'deprecate 1.2.3', outcome: 'done', detail: MESSAGE },
  ],
  warnings: [],
  issueNumber: 17,
  issueUrl: 'https://github.com/acme/widget/issues/17',
  reportPath: 'incidents/rollback-acme-widget-1.2.3.md',
  ...over,
})

/** The same rollback run again (attempt 2) when the registry was already rolled back. */
const noopRerun = (over: Partial<IncidentRecord> = {}): IncidentRecord =>
  record({
    previousVersion: '1.2.2',
    tagsBefore: { latest: '1.2.2', next: '1.3.0-beta.1' },
    runs: [
      {
        url: 'https://github.com/acme/widget/actions/runs/4242/attempts/2',
        at: '2026-11-21T15:30:00.000Z',
        status: 'already-done',
        actor: 'octocat',
        trigger: 'workflow_dispatch',
      },
    ],
    timeline: [
      {
        at: '2026-11-21T15:30:01.000Z',
        action: "point dist-tag 'latest' at 1.2.2",
        outcome: 'skipped',
        detail: "'latest' already on 1.2.2",
      },
      { at: '2026-11-21T15:30:01.100Z', action: 'deprecate 1.2.3', outcome: 'already', detail: MESSAGE },
    ],
    issueNumber: undefined,
    issueUrl: undefined,
    reportPath: undefined,
    ...over,
  })

const EVIL = '**bold** <script>alert(1)</script> @octocat [x](https://evil) ```` ``` ```` `'

/** the text outside fenced code blocks (where Markdown is live) */
function outsideFences(markdown: string): string {
  const lines = markdown.split('\n')
  const out: string[] = []
  let fence: string | undefined
  for (const line of lines) {
    const m = /^(`{3,})/.exec(line)
    if (fence === undefined && m) fence = m[1]
    else if (fence !== undefined && line === fence) fence = undefined
    else if (fence === undefined) out.push(line)
  }
  expect(fence).toBeUndefined() // every fence is closed
  return out.join('\n')
}

describe('the rendered texts for one scenario (snapshots for review)', () => {
  it('issue body', () => {
    const body = renderIssueBody(record(), ctx(), {
      reportUrl: 'https://github.com/acme/widget/blob/main/incidents/rollback-acme-widget-1.2.3.md',
    })
    expect(body.startsWith(`${issueMarker('rr-0123456789abcdef')}\n`)).toBe(true)
    expect(body).toContain('[run 4242](https://github.com/acme/widget/actions/runs/4242)')
    expect(body).toContain('- [ ] ')
    expect(body).toContain('`npm dist-tag add acme-widget@<fixed> latest`')
    expect(body).toMatchSnapshot()
  })

  it('re-run comment', () => {
    const run = noopRerun().runs[0]
    const nothing = renderRerunComment(record(), ctx({ runAttempt: '2' }), run, [])
    expect(nothing.startsWith(`${runMarker({ runId: '4242', runAttempt: '2' })}\n`)).toBe(true)
    expect(nothing).toContain('[run 4242, attempt 2](https://github.com/acme/widget/actions/runs/4242/attempts/2)')
    expect(nothing).toMatch(/Nothing needed changing: the registry was already rolled back/)
    expect(nothing).toMatchSnapshot()

    const some = renderRerunComment(record(), ctx({ runId: '4300' }), { ...run, status: 'completed' }, [
      'deprecated `1.2.3`',
    ])
    expect(some).toContain('Changes made by this run:\n- deprecated `1.2.3`')
    expect(some).not.toMatch(/Nothing needed changing/)
  })

  it('incident report', () => {
    const report = renderReport(record(), ctx())
    expect(report).toMatch(/^# Rollback of `acme-widget@1\.2\.3`\n/)
    expect(report).toContain("| 2026-11-21 14:00:01 | point dist-tag 'latest' at 1.2.2 | ✅ done |")
    expect(report).toContain('| `latest` | `1.2.3` | `1.2.2` | **yes** |')
    expect(report).toContain('| `next` | `1.3.0-beta.1` | `1.3.0-beta.1` | no |')
    for (const h of ['### Impact', '### Root cause', '### Regression test', '### Lessons learned'])
      expect(report).toContain(`${h}\n_To be filled in._`)
    expect(report).toContain('- Tracking issue: [#17](https://github.com/acme/widget/issues/17)')
    expect(report).toContain('[Run at 2026-11-21 14:00:00 UTC](https://github.com/acme/widget/actions/runs/4242)')
    expect(report.trimEnd().split('\n').pop()).toMatch(/^<!-- release-rollback:record [A-Za-z0-9+/=]+ -->$/)
    expect(report).toMatchSnapshot()
  })
})

describe('markers, title and links', () => {
  it('marks the issue and each run attempt, and finds the markers again', () => {
    expect(issueMarker('rr-0123456789abcdef')).toBe('<!-- release-rollback:incident=rr-0123456789abcdef -->')
    expect(runMarker({ runId: '4242', runAttempt: '3' })).toBe('<!-- release-rollback:run=4242-3 -->')
    expect(runMarker({})).toBe('<!-- release-rollback:run=local-1 -->')
    expect(issueMarker('x --> <b>')).not.toMatch(/-->.*-->/) // cannot close itself early
    expect(hasMarker(`text\n${issueMarker('rr-1')}\n`, issueMarker('rr-1'))).toBe(true)
    expect(hasMarker(issueMarker('rr-12'), issueMarker('rr-1'))).toBe(false)
    expect(hasMarker(null, issueMarker('rr-1'))).toBe(false)
    expect(hasMarker(undefined, issueMarker('rr-1'))).toBe(false)
  })

  it('titles the issue on one line, at most 256 characters', () => {
    expect(issueTitle(record())).toBe('Rollback: acme-widget@1.2.3 → 1.2.2 on latest')
    const long = issueTitle(
      record({ packageName: `@acme/${'w'.repeat(200)}`, rollbackVersion: `1.2.3-${'a'.repeat(100)}` }),
    )
    expect(long.length).toBe(256)
    expect(long.endsWith('…')).toBe(true)
    expect(issueTitle(record({ channel: 'x\ny' }))).not.toContain('\n')
  })

  it('links attempt 2 of a run, and says when there is no run to link', () => {
    expect(renderIssueBody(record(), ctx({ runAttempt: '2' }), {})).toContain(
      '(https://github.com/acme/widget/actions/runs/4242/attempts/2)',
    )
    const local = renderIssueBody(record(), ctx({ runId: undefined }), {})
    expect(local).toContain('_local run (no link)_')
    expect(local).not.toContain('/actions/runs/')
  })

  it('does not claim the deprecation when the rollback is partial, nor anything written in a dry run', () => {
    const partial = renderIssueBody(record({ runs: [{ ...record().runs[0], status: 'partial' }] }), ctx(), {})
    expect(partial).toContain('**`latest` points at `1.2.2` again.**\n⚠️ **The rollback is partial**')
    expect(partial).not.toMatch(/`1\.2\.3` is deprecated/)
    const dry = renderIssueBody(
      record({ runs: [{ ...record().runs[0], status: 'planned' }], tagsAfter: { latest: '1.2.3' } }),
      ctx(),
      {},
    )
    expect(dry).toContain(
      '📝 **Dry run: nothing was written.** The plan: point `latest` at `1.2.2` and deprecate `1.2.3`.',
    )
    const kept = renderIssueBody(record({ tagsAfter: { latest: '1.2.4' } }), ctx(), {})
    expect(kept).toContain('**`latest` holds `1.2.4` (left as it is); `1.2.3` is deprecated.**')
  })

  it('links the actor without mentioning them, bots included', () => {
    expect(renderIssueBody(record(), ctx(), {})).toContain('| Run by | [octocat](https://github.com/octocat) |')
    expect(renderIssueBody(record(), ctx({ actor: 'github-actions[bot]' }), {})).toContain(
      '[github-actions\\[bot\\]](https://github.com/apps/github-actions)',
    )
  })

  it('shows the report link when known, else the path', () => {
    expect(
      renderIssueBody(record(), ctx(), { reportUrl: 'https://github.com/acme/widget/blob/main/incidents/r.md' }),
    ).toContain(
      '| Incident report | [`incidents/rollback-acme-widget-1.2.3.md`](https://github.com/acme/widget/blob/main/incidents/r.md) |',
    )
    expect(renderIssueBody(record(), ctx(), {})).toContain(
      '| Incident report | `incidents/rollback-acme-widget-1.2.3.md` |',
    )
    expect(renderIssueBody(record(), ctx(), { reportUrl: 'javascript:alert(1)' })).not.toContain('javascript:')
  })
})

describe('user text is inert', () => {
  const r = record({
    reason: EVIL,
    deprecationMessage: `1.2.3 was rolled back: ${EVIL}. Use 1.2.2 instead.`,
    warnings: [`careful ${EVIL}`],
  })
  const body = renderIssueBody(r, ctx(), {})
  const report = renderReport(r, ctx())

  it.each([
    ['issue body', body],
    ['report', report],
  ])('in the %s: no HTML, no mention, no link, no emphasis outside code blocks', (_, text) => {
    const live = outsideFences(text)
    expect(live).not.toMatch(/<script/i)
    expect(live).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(live).not.toMatch(/@octocat/) // only with a zero-width space after the @
    expect(live).toContain('@\u200boctocat')
    expect(live).not.toContain('[x](https://evil)')
    expect(live).toContain('\\[x\\](https:\u200b//evil)') // no autolink inside either
    expect(live).not.toMatch(/(^|[^\\])\*\*bold/)
    expect(live).not.toMatch(/(^|[^\\])```/) // no unescaped backtick fence in live Markdown
  })

  it('cannot break out of the message-to-users code block', () => {
    const blocks = [...body.matchAll(/^(`{3,})text\n([\s\S]*?)\n\1$/gm)]
    expect(blocks).toHaveLength(1)
    const [, fence, content] = blocks[0]
    expect(fence.length).toBeGreaterThan(4) // longer than the reason's longest backtick run
    expect(content).toContain(`What happened: ${EVIL}`) // shown raw: inert inside a code block
    expect(body.slice(body.indexOf(`${fence}text`))).toMatch(new RegExp(`^${fence}text\\n[\\s\\S]*\\n${fence}\\n$`)) // the block ends the body

    // a fence on a line of its own inside the reason does not close the block either
    const multi = renderIssueBody(record({ reason: 'first line\n````\n# Hacked\n```` more' }), ctx(), {})
    const [, longer, inside] = /^(`{3,})text\n([\s\S]*?)\n\1$/m.exec(multi) ?? []
    expect(longer).toBe('`````')
    expect(inside).toContain('\n````\n# Hacked\n')
    expect(outsideFences(multi)).not.toMatch(/^# Hacked/m)
  })

  it('URLs in the reason, the deprecation message and warnings are not autolinked', () => {
    const urls =
      'read https://evil.example/a or http://evil.example/b, HTTPS://EVIL.EXAMPLE/c, www.evil.example and (WWW.evil.example)'
    const r = record({
      reason: urls,
      deprecationMessage: `1.2.3 was rolled back: ${urls}`,
      warnings: [`careful: ${urls}`],
    })
    for (const text of [renderIssueBody(r, ctx(), {}), renderReport(r, ctx())]) {
      const live = outsideFences(text)
      expect(live).toContain('evil.example/a') // still there to read
      expect(live).not.toMatch(/(?:[a-z]:\/\/|www\.)evil\.example/i)
      // the only live links left are our own, to github.com
      const hosts = [...live.matchAll(/https?:\/\/([^/\s)]+)/gi)].map((m) => m[1])
      expect(hosts.length).toBeGreaterThan(0)
      expect(new Set(hosts)).toEqual(new Set(['github.com']))
    }
  })

  it('keeps a reason holding --> from ending the hidden record early', () => {
    const tricky = renderReport(record({ reason: 'a --> <!-- b' }), ctx())
    expect(parseReportRecord(tricky)?.reason).toBe('a --> <!-- b')
    // the only comment ends are those of the notes markers and the record
    expect(tricky.split('-->').length - 1).toBe(3)
  })
})

describe('who is protected', () => {
  it('protects npm, pnpm, Yarn Berry and bun through latest and the deprecation, Yarn Classic partly, lockfiles not at all', () => {
    const table = Object.fromEntries(installerProtection('retag').map((p) => [p.installer, p.protected]))
    expect(table).toEqual({
      npm: 'yes',
      pnpm: 'yes',
      'Yarn Classic (1.x)': 'partly',
      'Yarn Berry (4.x)': 'yes',
      bun: 'yes',
      'Lockfiles (frozen installs)': 'no',
      'Update commands': 'yes',
      'Renovate / Dependabot PRs already opened': 'no',
    })
  })

  it('does not count on the deprecation when it was off', () => {
    const berry = installerProtection('retag', { deprecated: false }).find((p) => p.installer.startsWith('Yarn Berry'))
    // an add without a range follows latest; ranges take the highest match, the bad version
    expect(berry?.protected).toBe('partly')
    expect(berry?.why).toMatch(
      /the restored version for an add without a range; the bad version for a range the restored version satisfies/,
    )
    const report = renderReport(record({ deprecationMessage: undefined }), ctx())
    expect(report).toMatch(/\| Yarn Berry \(4\.x\) \| ⚠️ partly \|/)
    expect(report).toContain('off for this rollback')
  })

  it('on another channel, only installs naming the tag are steered by the move', () => {
    const rows = installerProtection('retag', {
      channel: 'beta',
      rollbackVersion: '2.0.0-beta.3',
      restoreVersion: '2.0.0-beta.2',
      deprecated: false,
    })
    expect(rows.find((p) => p.installer === 'npm')).toMatchObject({
      protected: 'partly',
      why: expect.stringMatching(/`…@beta`\) now get `2\.0\.0-beta\.2`/),
    })
    expect(rows.map((p) => p.protected)).not.toContain('yes')
  })

  it('the issue and the report show the same table', () => {
    const row = /\| npm \| ✅ yes \| [^\n]+/
    expect(renderIssueBody(record(), ctx(), {}).match(row)?.[0]).toBe(renderReport(record(), ctx()).match(row)?.[0])
  })
})

describe('report path and folder', () => {
  it('slugs the package name and stays inside the folder', () => {
    expect(reportPath('incidents', 'acme-widget', '1.2.3')).toBe('incidents/rollback-acme-widget-1.2.3.md')
    expect(reportPath('incidents', '@acme/widget', '1.2.3')).toBe('incidents/rollback-acme__widget-1.2.3.md')
    expect(reportPath('docs/incidents', 'JSONStream', '2.0.0-beta.1')).toBe(
      'docs/incidents/rollback-jsonstream-2.0.0-beta.1.md',
    )
    expect(reportPath('incidents', 'acme-widget', '2.0.0-beta.3', 'beta')).toBe(
      'incidents/rollback-acme-widget-2.0.0-beta.3-beta.md',
    )
    for (const [pkg, version] of [
      ['../../etc/passwd', '1.0.0'],
      ['@../..', '1.0.0'],
      ['a', '1.0.0/../../x'],
      ["it's(ok)!", '1.0.0+build.1'],
    ]) {
      const path = reportPath('incidents', pkg, version)
      expect(path).toMatch(/^incidents\/rollback-[a-z0-9._-]+\.md$/)
    }
    expect(reportPath('incidents', 'a'.repeat(214), `1.0.0-${'b'.repeat(250)}`).length).toBeLessThanOrEqual(
      'incidents/rollback-'.length + 180 + '.md'.length,
    )
  })

  it('refuses a bad folder in reportPath too', () => {
    expect(inputErrorOf(() => reportPath('../x', 'acme-widget', '1.2.3')).input).toBe('report-dir')
  })

  it('accepts and normalises relative folders', () => {
    expect(parseReportDir('report-dir', 'incidents')).toBe('incidents')
    expect(parseReportDir('report-dir', 'docs/incidents')).toBe('docs/incidents')
    expect(parseReportDir('report-dir', './incidents/')).toBe('incidents')
    expect(parseReportDir('report-dir', ' .github/incidents ')).toBe('.github/incidents')
  })

  it.each([
    '../x',
    '/etc',
    'a/../../b',
    'a\\b',
    '$(id)',
    '',
    '   ',
    '.',
    'a//b',
    'a/./b',
    '.git/hooks',
    'x'.repeat(201),
  ])('refuses %j, naming report-dir', (raw) => {
    const e = inputErrorOf(() => parseReportDir('report-dir', raw))
    expect(e.input).toBe('report-dir')
    expect(e.message).toMatch(/^Input 'report-dir': /)
    expect(e.fix).toMatch(/relative to the repository root/)
  })
})

describe('the record inside the report', () => {
  it('round-trips, also through the rendered report', () => {
    const r = record({ reason: 'closes --> early? <!-- no', warnings: ['w1'] })
    expect(parseReportRecord(encodeRecord(r))).toEqual(r)
    expect(parseReportRecord(renderReport(r, ctx()))).toEqual(r)
    expect(encodeRecord(r)).not.toContain('closes')
  })

  it('encodes equal records to equal bytes, whatever the key order', () => {
    const r = record()
    const reordered = Object.fromEntries(Object.entries(r).reverse()) as unknown as IncidentRecord
    expect(encodeRecord(reordered)).toBe(encodeRecord(r))
  })

  it('returns undefined for anything malformed or of another format', () => {
    const b64 = (v: unknown) => `<!-- release-rollback:record ${Buffer.from(JSON.stringify(v)).toString('base64')} -->`
    expect(parseReportRecord('')).toBeUndefined()
    expect(parseReportRecord('# a report someone wrote by hand')).toBeUndefined()
    expect(parseReportRecord('<!-- release-rollback:record !!!not base64!!! -->')).toBeUndefined()
    expect(parseReportRecord('<!-- release-rollback:record bm90IGpzb24= -->')).toBeUndefined() // "not json"
    expect(parseReportRecord(b64(null))).toBeUndefined()
    expect(parseReportRecord(b64([1, 2]))).toBeUndefined()
    expect(parseReportRecord(b64({ ...record(), format: 2 }))).toBeUndefined()
    expect(parseReportRecord(b64({ ...record(), severity: 'apocalyptic' }))).toBeUndefined()
    expect(parseReportRecord(b64({ ...record(), tagsAfter: { latest: 1 } }))).toBeUndefined()
    expect(
      parseReportRecord(b64({ ...record(), timeline: [{ at: 'x', action: 'y', outcome: 'maybe', detail: '' }] })),
    ).toBeUndefined()
    expect(parseReportRecord(b64({ ...record(), runs: 'none' }))).toBeUndefined()
    expect(parseReportRecord(b64({ ...record(), issueNumber: -1 }))).toBeUndefined()
    // unknown fields do not travel on
    expect(parseReportRecord(b64({ ...record(), extra: 'x' }))).toEqual(record())
  })
})

describe('mergeRecord', () => {
  it('takes the first run as it is when there is no report yet', () => {
    expect(mergeRecord(undefined, record())).toEqual(record())
  })

  it('keeps the first previousVersion and tagsBefore, and takes the state now from the re-run', () => {
    const merged = mergeRecord(record(), noopRerun({ severity: 'critical', tagsAfter: { latest: '1.2.2' } }))
    expect(merged.previousVersion).toBe('1.2.3')
    expect(merged.tagsBefore).toEqual({ latest: '1.2.3', next: '1.3.0-beta.1' })
    expect(merged.tagsAfter).toEqual({ latest: '1.2.2' })
    expect(merged.severity).toBe('critical')
    expect(merged.issueUrl).toBe('https://github.com/acme/widget/issues/17') // kept: the re-run has none yet
    expect(merged.reportPath).toBe('incidents/rollback-acme-widget-1.2.3.md')
    // it changed what the report says, so the run is listed; its already/skipped events are not
    expect(merged.runs).toHaveLength(2)
    expect(merged.timeline).toEqual(record().timeline)
  })

  it('a no-op re-run leaves the report byte-identical', () => {
    const first = mergeRecord(undefined, record())
    const before = renderReport(first, ctx())
    const fromFile = parseReportRecord(before)
    const merged = mergeRecord(fromFile, noopRerun())
    expect(merged.runs).toEqual(first.runs)
    expect(merged.timeline).toEqual(first.timeline)
    expect(renderReport(merged, ctx({ runAttempt: '2' }))).toBe(before)
  })

  it('a re-run that did something appends its events and its run', () => {
    const partial = record({
      runs: [{ ...record().runs[0], status: 'partial' }],
      timeline: [
        record().timeline[0],
        {
          at: '2026-11-21T14:00:02.500Z',
          action: 'deprecate 1.2.3',
          outcome: 'failed',
          detail: 'E422 from the registry',
        },
      ],
    })
    const rerun = noopRerun({
      runs: [
        {
          url: 'https://github.com/acme/widget/actions/runs/4242/attempts/2',
          at: '2026-11-21T14:10:00.000Z',
          status: 'completed',
          actor: 'octocat',
          trigger: 'workflow_dispatch',
        },
      ],
      timeline: [
        {
          at: '2026-11-21T14:10:01.000Z',
          action: "point dist-tag 'latest' at 1.2.2",
          outcome: 'skipped',
          detail: "'latest' already on 1.2.2",
        },
        { at: '2026-11-21T14:10:02.000Z', action: 'deprecate 1.2.3', outcome: 'done', detail: MESSAGE },
      ],
    })
    const merged = mergeRecord(partial, rerun)
    expect(merged.runs.map((r) => r.status)).toEqual(['partial', 'completed'])
    expect(merged.timeline.map((e) => `${e.action}: ${e.outcome}`)).toEqual([
      "point dist-tag 'latest' at 1.2.2: done",
      'deprecate 1.2.3: failed',
      'deprecate 1.2.3: done',
    ])
    expect(merged.previousVersion).toBe('1.2.3')

    const report = renderReport(merged, ctx())
    expect(report).toContain('| 2026-11-21 14:10:02 | deprecate 1.2.3 | ✅ done |')
    expect(report).toContain('- ✅ done: deprecate 1.2.3\n') // the latest outcome of the action
    expect(report).toMatch(/\| Status \| `completed` \|/)

    // merging the same re-run again changes nothing
    expect(mergeRecord(merged, rerun)).toEqual(merged)
  })

  it('does not merge a record of another rollback (a path collision)', () => {
    const other = record({ packageName: 'acme__widget' })
    expect(mergeRecord(other, record())).toEqual(record())
  })
})

describe('the report keeps what people wrote', () => {
  it('carries the notes between the markers into the next rendering', () => {
    const first = renderReport(record(), ctx())
    const edited = first.replace(
      '### Root cause\n_To be filled in._',
      '### Root cause\nA race in the cache flush (see #18).',
    )
    expect(edited).not.toBe(first)
    expect(renderReport(record(), ctx(), edited)).toBe(edited)
    const rerendered = renderReport(
      mergeRecord(parseReportRecord(edited), record({ severity: 'critical' })),
      ctx(),
      edited,
    )
    expect(rerendered).toContain('A race in the cache flush (see #18).')
    expect(rerendered).toContain('| Severity | **critical** |')
  })
})

describe('formatTime', () => {
  it('shows UTC to the second, and anything else as inert text', () => {
    expect(formatTime('2026-11-21T14:00:05.999Z')).toBe('2026-11-21 14:00:05')
    expect(formatTime('2026-11-21T16:00:05+02:00')).toBe('2026-11-21 14:00:05')
    expect(formatTime('soon | *now*')).toBe('soon \\| \\*now\\*')
  })
})

describe('other targets', () => {
  it('a Docker incident gets no npm installer table or npm commands, and the target survives a re-run merge', () => {
    const docker = {
      ...record(),
      packageName: 'ghcr.io/acme/app',
      target: 'docker' as const,
      deprecationMessage: undefined,
    }
    const body = renderIssueBody(docker, ctx(), {})
    const report = renderReport(docker, ctx())
    for (const text of [body, report]) {
      expect(text).not.toMatch(/Who is protected|npm dist-tag|npm install|Yarn/)
      expect(text).toContain('ghcr.io/acme/app')
    }
    // the kind's own by-hand command (src/targets/docker/kind.ts): skopeo copies the fixed tag onto the channel
    expect(body).toContain("skopeo copy --all 'docker://ghcr.io/acme/app:<fixed>' 'docker://ghcr.io/acme/app:latest'")
    expect(body).toContain('| Image | `ghcr.io/acme/app` |')
    expect(body).toContain('| Channel (tag) | `latest` |')
    const parsed = parseReportRecord(report)
    expect(parsed?.target).toBe('docker')
    expect(renderReport(mergeRecord(parsed, docker), ctx(), report)).toBe(report)
  })
})
