// Impact and timing (src/runbook/impact.ts): the pure figures from a runner result, the
// rto-targets parser, the merge that keeps the first run's figures, the record's codec, and
// the block the summary, the issue and the report render. No I/O, no clock.
import { describe, expect, it } from '@jest/globals'
import { buildRecord } from '../../src/github/bookkeeping.js'
import type { IncidentRecord, RunContext } from '../../src/github/incident.js'
import { encodeRecord, mergeRecord, parseReportRecord } from '../../src/github/record.js'
import { renderIssueBody } from '../../src/github/render-issue.js'
import { renderReport } from '../../src/github/render-report.js'
import type { Plan } from '../../src/core/plan.js'
import type { IncidentResult, TargetRun } from '../../src/incident/run.js'
import {
  DEFAULT_RTO_TARGETS,
  formatDuration,
  impactOf,
  mergeImpact,
  parseRtoTargets,
  renderImpact,
} from '../../src/incident/impact.js'
import { renderSummary } from '../../src/incident/summary.js'
import type { Target } from '../../src/core/target.js'
import { inputErrorOf } from '../support/helpers.js'

const T0 = Date.parse('2026-11-21T14:00:00.000Z')
const at = (ms: number) => new Date(T0 + ms).toISOString()
const START = at(0)
const SEC = 1000
const MIN = 60 * SEC

interface Spec {
  name?: string
  kind?: TargetRun['kind']
  channel?: string
  /** when the bad version was published, ms from T0 (undefined: the registry gives no time) */
  published?: number
  /** when this run moved the channel, ms from T0 (undefined: not moved) */
  moved?: number
  outcome?: TargetRun['outcome']
  /** what the channel held at the start (default the bad version) */
  held?: string
}

function targetRun(s: Spec, several: boolean): TargetRun {
  const name = s.name ?? 'acme-widget'
  const channel = s.channel ?? 'latest'
  const held = s.held ?? '1.2.3'
  const plan = {
    packageName: name,
    channel,
    rollbackVersion: '1.2.3',
    restoreVersion: '1.2.2',
    restoreChosen: false,
    previousVersion: held,
    tag: s.moved !== undefined ? { kind: 'move', from: held, to: '1.2.2' } : { kind: 'already', to: '1.2.2' },
    deprecation: { kind: 'off' },
    otherTagsOnBad: [],
    warnings: [],
    incidentId: 'rr-0123456789abcdef',
  } as Plan
  const outcome = s.outcome ?? (s.moved !== undefined ? 'rolled-back' : 'already')
  return {
    kind: s.kind ?? 'npm',
    name,
    channel,
    label: several ? `${name}: ` : '',
    target: {} as Target,
    before: {
      name,
      distTags: { [channel]: held },
      versions: {
        '1.2.2': { publishedAt: at(-3 * 24 * 60 * MIN) },
        '1.2.3': s.published !== undefined ? { publishedAt: at(s.published) } : {},
      },
    },
    plan,
    after: { distTags: { [channel]: s.moved !== undefined || outcome === 'already' ? '1.2.2' : held } },
    moved: s.moved !== undefined && outcome === 'rolled-back',
    deprecated: false,
    republished: false,
    outcome,
    ...(outcome === 'failed' ? { failure: { step: 'move-tag' as const, error: new Error('403 Forbidden') } } : {}),
    steps: [
      { step: 'plan', outcome: 'done', detail: 'plan', at: at(2 * SEC) },
      s.moved !== undefined
        ? {
            step: 'move-tag',
            outcome: outcome === 'failed' ? 'failed' : 'done',
            detail: `'${channel}' -> 1.2.2`,
            at: at(s.moved),
          }
        : { step: 'move-tag', outcome: 'skipped', detail: `'${channel}' already on 1.2.2`, at: at(3 * SEC) },
    ],
    warnings: [],
  }
}

function result(specs: Spec[], status: IncidentResult['status'] = 'completed'): IncidentResult {
  return {
    status,
    incidentId: 'rr-0123456789abcdef',
    rollbackVersion: '1.2.3',
    channel: 'latest',
    targets: specs.map((s) => targetRun(s, specs.length > 1)),
    warnings: [],
  }
}

describe('impactOf', () => {
  it('one npm package: held from its publish time to the move, protected at the move, the target met', () => {
    const impact = impactOf(result([{ published: -2 * 60 * MIN, moved: 90 * SEC }]), START, 'critical')
    expect(impact).toEqual({
      startedAt: START,
      protectedAt: at(90 * SEC),
      toProtectionMs: 90 * SEC,
      severity: 'critical',
      rtoMs: 2 * MIN,
      verdict: 'met',
      targets: [
        {
          name: 'acme-widget',
          channel: 'latest',
          version: '1.2.3',
          state: 'moved',
          onChannel: true,
          publishedAt: at(-2 * 60 * MIN),
          movedAt: at(90 * SEC),
          heldMs: 2 * 60 * MIN + 90 * SEC,
        },
      ],
    })
  })

  it.each([
    ['critical', 2 * MIN, 3 * MIN, 'missed'],
    ['high', 15 * MIN, 3 * MIN, 'met'],
    ['high', 15 * MIN, 16 * MIN, 'missed'],
    ['medium', 4 * 60 * MIN, 16 * MIN, 'met'],
    ['medium', 4 * 60 * MIN, 5 * 60 * MIN, 'missed'],
  ] as const)('%s (target %d ms), protected after %d ms: %s', (severity, rto, moved, verdict) => {
    const impact = impactOf(result([{ published: -MIN, moved }]), START, severity)
    expect(impact.rtoMs).toBe(rto)
    expect(impact.toProtectionMs).toBe(moved)
    expect(impact.verdict).toBe(verdict)
  })

  it('exactly on the target is met', () => {
    expect(impactOf(result([{ published: -MIN, moved: 2 * MIN }]), START, 'critical').verdict).toBe('met')
  })

  it('low has no target by default: the time is still measured', () => {
    const impact = impactOf(result([{ published: -MIN, moved: 5 * 60 * MIN }]), START, 'low')
    expect(impact).toMatchObject({ toProtectionMs: 5 * 60 * MIN, verdict: 'none' })
    expect(impact.rtoMs).toBeUndefined()
  })

  it('custom targets from rto-targets replace the defaults they name', () => {
    const targets = parseRtoTargets('rto-targets', 'critical=5m,high=30m')
    expect(targets).toEqual({ critical: 5 * MIN, high: 30 * MIN, medium: 4 * 60 * MIN, low: undefined })
    const r = result([{ published: -MIN, moved: 3 * MIN }])
    expect(impactOf(r, START, 'critical').verdict).toBe('missed')
    expect(impactOf(r, START, 'critical', targets).verdict).toBe('met')
    expect(impactOf(result([{ published: -MIN, moved: 20 * MIN }]), START, 'high', targets).verdict).toBe('met')
    expect(impactOf(r, START, 'low', parseRtoTargets('rto-targets', 'low=1m')).verdict).toBe('missed')
    expect(impactOf(r, START, 'high', parseRtoTargets('rto-targets', 'high=none')).verdict).toBe('none')
  })

  it('several targets: each its own time on its channel, protection when the last channel moved', () => {
    const r = result([
      { name: '@acme/core', published: -10 * MIN, moved: 40 * SEC },
      { name: 'ghcr.io/acme/app', kind: 'docker', channel: 'stable', published: -5 * MIN, moved: 70 * SEC },
      { name: '@acme/cli', published: -10 * MIN },
    ])
    const impact = impactOf(r, START, 'critical')
    expect(impact.targets.map((t) => [t.kind ?? 'npm', t.name, t.channel, t.state, t.heldMs])).toEqual([
      ['npm', '@acme/core', 'latest', 'moved', 10 * MIN + 40 * SEC],
      ['docker', 'ghcr.io/acme/app', 'stable', 'moved', 5 * MIN + 70 * SEC],
      ['npm', '@acme/cli', 'latest', 'already', undefined],
    ])
    expect(impact).toMatchObject({ protectedAt: at(70 * SEC), toProtectionMs: 70 * SEC, verdict: 'met' })
  })

  it('a registry without publish times: held "unknown", the protection still measured', () => {
    const impact = impactOf(
      result([{ kind: 'helm', name: 'prod/acme', channel: 'deployed', moved: 45 * SEC }]),
      START,
      'high',
    )
    expect(impact.targets[0]).toMatchObject({ state: 'moved', movedAt: at(45 * SEC) })
    expect(impact.targets[0].heldMs).toBeUndefined()
    expect(impact.targets[0].publishedAt).toBeUndefined()
    expect(impact).toMatchObject({ toProtectionMs: 45 * SEC, verdict: 'met' })
    expect(renderImpact(impact, '###')).toContain('held `deployed`: unknown (no publish time from the registry)')
  })

  it('a channel that does not hold the bad version (force) gets no held time', () => {
    const impact = impactOf(result([{ published: -MIN, moved: 30 * SEC, held: '1.2.4' }]), START, 'high')
    expect(impact.targets[0]).toMatchObject({ onChannel: false, state: 'moved' })
    expect(impact.targets[0].heldMs).toBeUndefined()
    expect(renderImpact(impact, '###')).toContain('not on the channel when the run started')
  })

  it('a channel that could not be moved leaves protection open: no time, no verdict yet', () => {
    const r = result(
      [
        { name: 'a', published: -MIN, moved: 20 * SEC },
        { name: 'b', published: -MIN, moved: 25 * SEC, outcome: 'failed' },
      ],
      'partial',
    )
    const impact = impactOf(r, START, 'critical')
    expect(impact.targets.map((t) => t.state)).toEqual(['moved', 'open'])
    expect(impact.protectedAt).toBeUndefined()
    expect(impact.toProtectionMs).toBeUndefined()
    expect(impact.verdict).toBe('open')
  })

  it('nothing to move (already rolled back before the run): unmeasured', () => {
    const impact = impactOf(result([{ published: -MIN }], 'already-done'), START, 'critical')
    expect(impact.targets[0].state).toBe('already')
    expect(impact.verdict).toBe('unmeasured')
    expect(renderImpact(impact, '###')).toContain('not measured: every channel was already rolled back before the run')
  })

  it('targets the incident left out (circuit breaker, not affected) are not counted', () => {
    const r = result([{ name: 'a', published: -MIN, moved: 20 * SEC }, { name: 'b' }, { name: 'c' }])
    r.targets[1] = { ...r.targets[1], outcome: 'skipped', plan: undefined }
    r.targets[2] = { ...r.targets[2], outcome: 'not-affected', plan: undefined }
    expect(impactOf(r, START, 'high').targets.map((t) => t.name)).toEqual(['a'])
  })
})

describe('rto-targets', () => {
  it.each([
    ['', DEFAULT_RTO_TARGETS],
    ['critical=90s', { ...DEFAULT_RTO_TARGETS, critical: 90 * SEC }],
    ['HIGH = 1h30m', { ...DEFAULT_RTO_TARGETS, high: 90 * MIN }],
    ['critical=5m\nlow=1d', { ...DEFAULT_RTO_TARGETS, critical: 5 * MIN, low: 24 * 60 * MIN }],
    ['medium=none, high=0.5h', { ...DEFAULT_RTO_TARGETS, medium: undefined, high: 30 * MIN }],
  ])('%j', (raw, expected) => {
    expect(parseRtoTargets('rto-targets', raw)).toEqual(expected)
  })

  it.each([
    'critical',
    'critical=',
    'urgent=5m',
    'critical=fast',
    'critical=5',
    'critical=5m,critical=6m',
    'critical=0s',
    'critical=8d',
    'critical=5m high=30m',
  ])('refuses %j, naming rto-targets', (raw) => {
    const e = inputErrorOf(() => parseRtoTargets('rto-targets', raw))
    expect(e.input).toBe('rto-targets')
    expect(e.message).toMatch(/critical=5m,high=30m/)
  })
})

describe('formatDuration', () => {
  it.each([
    [400, '<1s'],
    [42 * SEC, '42s'],
    [3 * MIN + 5 * SEC, '3m 05s'],
    [2 * 60 * MIN + 14 * MIN + 59 * SEC, '2h 14m'],
    [3 * 24 * 60 * MIN + 4 * 60 * MIN, '3d 4h'],
    [2 * MIN, '2m'],
    [4 * 60 * MIN, '4h'],
    [90 * MIN, '1h 30m'],
    [2 * 24 * 60 * MIN, '2d'],
  ])('%d ms is %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text)
  })
})

const ctx: RunContext = {
  repository: 'acme/widget',
  serverUrl: 'https://github.com',
  runId: '4242',
  runAttempt: '1',
  actor: 'octocat',
  eventName: 'workflow_dispatch',
  workflow: 'Release rollback',
}
const inputs = { reason: 'Memory persistence corrupts data on restart' }

/** The record of a run whose result carries the impact the step computes. */
function recordOf(
  r: IncidentResult,
  startedAt: string,
  now: string,
  severity: IncidentRecord['severity'] = 'critical',
): IncidentRecord {
  r.impact = impactOf(r, startedAt, severity)
  return buildRecord(r, inputs, { severity }, ctx, now)
}

describe('the impact in the record', () => {
  it('buildRecord carries it; the codec round-trips it through the report', () => {
    const record = recordOf(result([{ published: -2 * 60 * MIN, moved: 90 * SEC }]), START, START)
    expect(record.impact?.verdict).toBe('met')
    expect(parseReportRecord(renderReport(record, ctx))).toEqual(JSON.parse(JSON.stringify(record)))
  })

  it('a record without impact (written before it existed) parses without one', () => {
    const record = recordOf(result([{ published: -MIN, moved: 30 * SEC }]), START, START)
    delete record.impact
    expect(parseReportRecord(encodeRecord(record))?.impact).toBeUndefined()
  })

  it.each([
    ['a bad verdict', { verdict: 'great' }],
    ['a negative time', { toProtectionMs: -5 }],
    ['a start that is no time', { startedAt: 'yesterday' }],
    [
      'a target without a name',
      { targets: [{ channel: 'latest', version: '1.2.3', state: 'moved', onChannel: true }] },
    ],
    [
      'downloads that are no count',
      {
        targets: [{ name: 'x', channel: 'latest', version: '1.2.3', state: 'moved', onChannel: true, downloads: '12' }],
      },
    ],
  ])('a malformed impact (%s) is dropped, the rest of the record kept', (_what, over) => {
    const record = recordOf(result([{ published: -MIN, moved: 30 * SEC }]), START, START)
    const bad = { ...record, impact: { ...record.impact, ...over } } as unknown as IncidentRecord
    const parsed = parseReportRecord(encodeRecord(bad))
    expect(parsed?.incidentId).toBe(record.incidentId)
    expect(parsed?.impact).toBeUndefined()
  })

  it("an already-done re-run keeps the first run's figures, and the report stays byte-identical", () => {
    const first = recordOf(result([{ published: -2 * 60 * MIN, moved: 90 * SEC }]), START, START)
    const report = renderReport(first, ctx)
    const rerunStart = at(3 * 60 * MIN)
    const rerun = recordOf(result([{ published: -2 * 60 * MIN }], 'already-done'), rerunStart, rerunStart)
    expect(rerun.impact?.verdict).toBe('unmeasured')
    const merged = mergeRecord(parseReportRecord(report), rerun)
    expect(merged.impact).toEqual(first.impact)
    expect(renderReport(merged, ctx, report)).toBe(report)
  })

  it("a re-run that finishes what the first left open: measured from the first run's start", () => {
    const first = recordOf(
      result(
        [
          { name: 'a', published: -MIN, moved: 20 * SEC },
          { name: 'b', published: -MIN, moved: 25 * SEC, outcome: 'failed' },
        ],
        'partial',
      ),
      START,
      START,
    )
    expect(first.impact?.verdict).toBe('open')
    const rerunStart = at(10 * MIN)
    const rerun = recordOf(
      result([
        { name: 'a', published: -MIN },
        { name: 'b', published: -MIN, moved: 10 * MIN + 30 * SEC },
      ]),
      rerunStart,
      rerunStart,
    )
    const merged = mergeRecord(first, rerun).impact
    expect(merged?.startedAt).toBe(START)
    expect(merged?.targets.map((t) => [t.name, t.state, t.movedAt])).toEqual([
      ['a', 'moved', at(20 * SEC)],
      ['b', 'moved', at(10 * MIN + 30 * SEC)],
    ])
    expect(merged).toMatchObject({
      protectedAt: at(10 * MIN + 30 * SEC),
      toProtectionMs: 10 * MIN + 30 * SEC,
      verdict: 'missed',
    })
  })

  it('follows a corrected severity on a re-run: the same figures against the new target', () => {
    const first = recordOf(result([{ published: -MIN, moved: 3 * MIN }]), START, START, 'critical')
    expect(first.impact?.verdict).toBe('missed')
    const rerun = recordOf(result([{ published: -MIN }], 'already-done'), at(MIN * 30), at(MIN * 30), 'high')
    expect(mergeRecord(first, rerun).impact).toMatchObject({
      severity: 'high',
      rtoMs: 15 * MIN,
      toProtectionMs: 3 * MIN,
      verdict: 'met',
    })
  })

  it("downloads counted once stay; a first run without them takes the re-run's", () => {
    const a = impactOf(result([{ published: -MIN, moved: 30 * SEC }]), START, 'high')
    const b = impactOf(result([{ published: -MIN }], 'already-done'), at(MIN), 'high')
    expect(
      mergeImpact(
        { ...a, targets: [{ ...a.targets[0], downloads: 10 }] },
        { ...b, targets: [{ ...b.targets[0], downloads: 99 }] },
      )?.targets[0].downloads,
    ).toBe(10)
    expect(mergeImpact(a, { ...b, targets: [{ ...b.targets[0], downloads: 99 }] })?.targets[0]).toMatchObject({
      state: 'moved',
      downloads: 99,
    })
    expect(mergeImpact(a, undefined)).toBe(a)
  })

  it('a report from before impacts existed: a re-run that moved something adds its figures, an already-done one adds nothing', () => {
    const moved = impactOf(result([{ published: -MIN, moved: 30 * SEC }]), START, 'high')
    const nothing = impactOf(result([{ published: -MIN }], 'already-done'), START, 'high')
    expect(mergeImpact(undefined, moved)).toBe(moved)
    expect(mergeImpact(undefined, nothing)).toBeUndefined()
    const old = recordOf(result([{ published: -MIN, moved: 30 * SEC }]), START, START)
    delete old.impact
    const report = renderReport(old, ctx)
    const rerun = recordOf(result([{ published: -MIN }], 'already-done'), at(MIN), at(MIN))
    expect(renderReport(mergeRecord(parseReportRecord(report), rerun), ctx, report)).toBe(report)
  })
})

describe('the rendered block', () => {
  it('one target (snapshot)', () => {
    const r = result([{ published: -(2 * 60 * MIN + 14 * MIN), moved: 72 * SEC }])
    const impact = impactOf(r, START, 'critical')
    impact.targets[0].downloads = 12345
    expect(renderImpact(impact, '###')).toMatchSnapshot()
  })

  it('several targets, one open (snapshot)', () => {
    const impact = impactOf(
      result(
        [
          { name: '@acme/core', published: -10 * MIN, moved: 40 * SEC },
          { name: 'ghcr.io/acme/app', kind: 'docker', channel: 'stable', moved: 70 * SEC, outcome: 'failed' },
          { name: '@acme/cli', published: -10 * MIN },
        ],
        'partial',
      ),
      START,
      'high',
    )
    impact.targets[0].downloads = 7
    expect(renderImpact(impact, '##')).toMatchSnapshot()
  })

  it('in the summary, the issue and the report; absent impact renders nothing', () => {
    const r = result([{ published: -2 * 60 * MIN, moved: 90 * SEC }])
    const without = { summary: renderSummary(r), record: buildRecord(r, inputs, { severity: 'critical' }, ctx, START) }
    expect(without.summary).not.toContain('Impact and timing')
    expect(renderIssueBody(without.record, ctx, {})).not.toContain('Impact and timing')
    expect(renderReport(without.record, ctx)).not.toContain('Impact and timing')

    const record = recordOf(r, START, START)
    const block =
      '- `1.2.3` held `latest`: 2h 01m (published 2026-11-21 12:00:00 UTC, channel moved back 2026-11-21 14:01:30 UTC)\n- Time to protection: 1m 30s'
    const summary = renderSummary(r)
    expect(summary).toContain(`### Impact and timing\n${block}`)
    expect(summary).toContain('- Recovery-time target for **critical**: 2m — ✅ met')
    // after the table, before the warnings and next steps
    expect(summary.indexOf('Impact and timing')).toBeLessThan(summary.indexOf('### Next steps'))
    const issue = renderIssueBody(record, ctx, {})
    expect(issue).toContain(`### Impact and timing\n${block}`)
    expect(issue.indexOf('### Impact and timing')).toBeLessThan(issue.indexOf('### Reason'))
    const report = renderReport(record, ctx)
    expect(report).toContain(`## Impact and timing\n${block}`)
    expect(report.indexOf('## Timeline')).toBeLessThan(report.indexOf('## Impact and timing'))
  })

  it('names from outside stay inert', () => {
    const impact = impactOf(
      result([
        { name: 'acme/app|<b>x</b>', kind: 'docker', moved: 10 * SEC },
        { name: 'b', moved: 5 * SEC },
      ]),
      START,
      'high',
    )
    const text = renderImpact(impact, '###')
    expect(text).not.toContain('<b>')
    expect(text).toContain('acme/app\\|&lt;b&gt;x&lt;/b&gt;')
  })
})
