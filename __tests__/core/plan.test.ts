import { describe, expect, it } from '@jest/globals'
import { DEFAULT_DEPRECATION_MESSAGE } from '../../src/config/inputs.js'
import {
  circuitBreaker,
  describePlan,
  formatDuration,
  incidentId,
  lastKnownGood,
  planIsNoop,
  planRollback,
  type PackageState,
  type PlanRequest,
} from '../../src/core/plan.js'
import { kindOf } from '../../src/targets/registry.js'
import { inputErrorOf, rollbackInputs } from '../support/helpers.js'

function state(versions: Record<string, string | null>, distTags: Record<string, string>): PackageState {
  return {
    name: 'acme-widget',
    distTags,
    versions: Object.fromEntries(Object.entries(versions).map(([v, d]) => [v, d ? { deprecated: d } : {}])),
  }
}

const request = (over: Partial<PlanRequest> = {}): PlanRequest => ({
  packageName: 'acme-widget',
  rollbackVersion: '1.2.3',
  channel: 'latest',
  reason: 'Memory persistence corrupts data',
  deprecate: true,
  deprecationMessage: DEFAULT_DEPRECATION_MESSAGE,
  force: false,
  ...over,
})

const base = state({ '1.0.0': null, '1.2.1': null, '1.2.2': null, '1.2.3': null }, { latest: '1.2.3' })

describe('the guard', () => {
  it('moves the channel when it holds the bad version, and deprecates', () => {
    const plan = planRollback(request({ restoreVersion: '1.2.2' }), base)
    expect(plan.tag).toEqual({ kind: 'move', from: '1.2.3', to: '1.2.2' })
    expect(plan.deprecation).toEqual({
      kind: 'deprecate',
      message: '1.2.3 was rolled back: Memory persistence corrupts data. Use 1.2.2 instead.',
      previous: undefined,
    })
    expect(plan.previousVersion).toBe('1.2.3')
    expect(planIsNoop(plan)).toBe(false)
  })

  it('writes nothing when the channel already holds the restore version and the deprecation is there', () => {
    const message = '1.2.3 was rolled back: Memory persistence corrupts data. Use 1.2.2 instead.'
    const s = state({ '1.2.2': null, '1.2.3': message }, { latest: '1.2.2' })
    const plan = planRollback(request({ restoreVersion: '1.2.2' }), s)
    expect(plan.tag).toEqual({ kind: 'already', to: '1.2.2' })
    expect(plan.deprecation).toEqual({ kind: 'already', message })
    expect(planIsNoop(plan)).toBe(true)
  })

  it('leaves a newer fix on the channel, says so, and still deprecates', () => {
    const s = state({ '1.2.2': null, '1.2.3': null, '1.2.4': null }, { latest: '1.2.4' })
    const plan = planRollback(request({ restoreVersion: '1.2.2' }), s)
    expect(plan.tag).toEqual({ kind: 'keep-newer', holder: '1.2.4' })
    expect(plan.deprecation.kind).toBe('deprecate')
    expect(plan.warnings.join('\n')).toMatch(/already holds 1\.2\.4, newer than the bad 1\.2\.3/)
  })

  it('moves back over a newer fix only with force', () => {
    const s = state({ '1.2.2': null, '1.2.3': null, '1.2.4': null }, { latest: '1.2.4' })
    expect(planRollback(request({ restoreVersion: '1.2.2', force: true }), s).tag).toEqual({
      kind: 'move',
      from: '1.2.4',
      to: '1.2.2',
    })
  })

  it('refuses when the channel holds something else, naming the tags and force', () => {
    const s = state({ '1.2.1': null, '1.2.2': null, '1.2.3': null }, { latest: '1.2.1' })
    const e = inputErrorOf(() => planRollback(request({ restoreVersion: '1.2.2' }), s))
    expect(e.input).toBe('channel')
    expect(e.message).toMatch(
      /'latest' holds 1\.2\.1, which is neither the bad version 1\.2\.3 nor the restore version 1\.2\.2/,
    )
    expect(e.message).toMatch(/latest=1\.2\.1/)
    expect(e.message).toMatch(/force: true/)
    const forced = planRollback(request({ restoreVersion: '1.2.2', force: true }), s)
    expect(forced.tag).toEqual({ kind: 'move', from: '1.2.1', to: '1.2.2' })
    expect(forced.warnings.join()).toMatch(/force/)
  })

  it('refuses a channel that does not exist unless forced', () => {
    expect(
      inputErrorOf(() => planRollback(request({ channel: 'beta', restoreVersion: '1.2.2' }), base)).message,
    ).toMatch(/dist-tag 'beta' does not exist/)
    expect(planRollback(request({ channel: 'beta', restoreVersion: '1.2.2', force: true }), base).tag).toEqual({
      kind: 'move',
      from: undefined,
      to: '1.2.2',
    })
  })

  it('refuses a deprecated restore version unless forced', () => {
    const s = state({ '1.2.2': 'broken too', '1.2.3': null }, { latest: '1.2.3' })
    const e = inputErrorOf(() => planRollback(request({ restoreVersion: '1.2.2' }), s))
    expect(e.input).toBe('restore-version')
    expect(e.message).toMatch(/itself deprecated \("broken too"\)/)
    expect(planRollback(request({ restoreVersion: '1.2.2', force: true }), s).tag.kind).toBe('move')
  })

  it('refuses a restore version higher than the bad one unless forced', () => {
    const s = state({ '1.2.3': null, '1.3.0': null }, { latest: '1.2.3' })
    expect(inputErrorOf(() => planRollback(request({ restoreVersion: '1.3.0' }), s)).message).toMatch(/roll-forward/)
    expect(planRollback(request({ restoreVersion: '1.3.0', force: true }), s).restoreVersion).toBe('1.3.0')
  })

  it('names the input when a version does not exist, with the newest published ones', () => {
    const bad = inputErrorOf(() => planRollback(request({ rollbackVersion: '9.9.9' }), base))
    expect(bad.input).toBe('rollback-version')
    expect(bad.message).toMatch(/acme-widget@9\.9\.9 does not exist.*1\.2\.3, 1\.2\.2, 1\.2\.1, 1\.0\.0/)
    const restore = inputErrorOf(() => planRollback(request({ restoreVersion: '1.1.0' }), base))
    expect(restore.input).toBe('restore-version')
  })

  it('does not rewrite a deprecation that already carries the message, and replaces a different one', () => {
    const s = state({ '1.2.2': null, '1.2.3': 'something else' }, { latest: '1.2.3' })
    const plan = planRollback(request({ restoreVersion: '1.2.2' }), s)
    expect(plan.deprecation).toMatchObject({ kind: 'deprecate', previous: 'something else' })
    expect(plan.warnings.join()).toMatch(/already deprecated with a different message/)
  })

  it('does not deprecate when deprecate is false', () => {
    expect(planRollback(request({ deprecate: false }), base).deprecation).toEqual({ kind: 'off' })
  })

  it('warns about other dist-tags that still point at the bad version', () => {
    const s = state({ '1.2.2': null, '1.2.3': null }, { latest: '1.2.3', next: '1.2.3', legacy: '1.2.2' })
    const plan = planRollback(request(), s)
    expect(plan.otherTagsOnBad).toEqual(['next'])
    expect(plan.warnings.join()).toMatch(/Other dist-tags still point at the bad version 1\.2\.3: next/)
  })

  it('renders the deprecation template with every placeholder and folds whitespace', () => {
    const plan = planRollback(
      request({
        reason: 'line one\n  line two',
        deprecationMessage: 'Bad: {version}; use {restore} ({channel}). {reason}',
        restoreVersion: '1.2.2',
      }),
      base,
    )
    expect(plan.deprecation).toMatchObject({ message: 'Bad: 1.2.3; use 1.2.2 (latest). line one line two' })
  })

  it('describes the plan in plain lines', () => {
    const lines = describePlan(planRollback(request(), base), kindOf('npm').words)
    expect(lines[0]).toBe(
      "Package acme-widget: roll back 1.2.3 to 1.2.2 (last known good, chosen automatically) on 'latest'.",
    )
    expect(lines[1]).toBe("- move dist-tag 'latest': 1.2.3 -> 1.2.2")
    expect(lines[2]).toMatch(/^- deprecate 1\.2\.3: "/)
  })
})

describe('last known good', () => {
  const s = state(
    {
      '1.0.0': null,
      '1.1.0': null,
      '1.2.0': 'bad too',
      '1.2.1-beta.1': null,
      '1.3.0-beta.1': null,
      '1.3.0-beta.2': 'bad beta',
      '1.3.0-beta.3': null,
      '1.3.0-canary.7': null,
      '1.3.0': null,
      '2.0.0-beta.1': null,
    },
    { latest: '1.3.0', beta: '1.3.0-beta.3' },
  )

  it('on latest: the highest non-deprecated stable version below the bad one', () => {
    expect(lastKnownGood(s, '1.3.0', 'latest')).toBe('1.1.0')
    expect(lastKnownGood(s, '1.1.0', 'latest')).toBe('1.0.0')
    expect(lastKnownGood(s, '1.0.0', 'latest')).toBeUndefined()
  })

  it('on a prerelease channel: the same prerelease identifier, skipping deprecated ones', () => {
    expect(lastKnownGood(s, '1.3.0-beta.3', 'beta')).toBe('1.3.0-beta.1')
    // 1.3.0-beta.3's line was released as 1.3.0: restoring it would be stale (see 'by history' below)
    expect(() => lastKnownGood(s, '2.0.0-beta.1', 'beta')).toThrow(
      /previous beta line, 1\.3\.0-beta\.3, was released as 1\.3\.0/,
    )
    expect(lastKnownGood(s, '1.3.0-canary.8', 'canary')).toBe('1.3.0-canary.7')
  })

  it('on another channel holding stable versions: stable ones', () => {
    expect(lastKnownGood(s, '1.3.0', 'stable')).toBe('1.1.0')
  })

  it('fails with a clear error when there is none', () => {
    const e = inputErrorOf(() =>
      planRollback(request({ rollbackVersion: '1.0.0' }), state({ '1.0.0': null }, { latest: '1.0.0' })),
    )
    expect(e.input).toBe('restore-version')
    expect(e.message).toMatch(/no non-deprecated stable version below 1\.0\.0/)
  })
})

describe('incident id', () => {
  it('is deterministic and depends on package, channel and both versions', () => {
    const id = incidentId('acme-widget', 'latest', '1.2.3', '1.2.2')
    expect(id).toMatch(/^rr-[0-9a-f]{16}$/)
    expect(incidentId('acme-widget', 'latest', '1.2.3', '1.2.2')).toBe(id)
    const others = [
      incidentId('acme-widgets', 'latest', '1.2.3', '1.2.2'),
      incidentId('acme-widget', 'beta', '1.2.3', '1.2.2'),
      incidentId('acme-widget', 'latest', '1.2.4', '1.2.2'),
      incidentId('acme-widget', 'latest', '1.2.3', '1.2.1'),
    ]
    expect(new Set([id, ...others]).size).toBe(5)
  })
})

describe('circuit breaker', () => {
  const timed: PackageState = {
    name: 'acme-widget',
    distTags: { latest: '1.2.3' },
    versions: {
      '1.2.2': { publishedAt: '2026-11-20T10:00:00.000Z' },
      '1.2.3': { publishedAt: '2026-11-21T14:05:00.000Z' },
      '1.2.4': {},
    },
  }

  it('resolves current to what the channel holds and proceeds when it was published after the time', () => {
    expect(circuitBreaker(timed, 'latest', 'current', '2026-11-21T14:00:00.000Z')).toEqual({
      proceed: true,
      rollbackVersion: '1.2.3',
    })
  })

  it('skips when the holder was published before the time, saying why', () => {
    const gate = circuitBreaker(
      { ...timed, distTags: { latest: '1.2.2' } },
      'latest',
      'current',
      '2026-11-21T14:00:00.000Z',
    )
    expect(gate).toMatchObject({ proceed: false, holder: '1.2.2' })
    expect(gate.proceed === false && gate.reason).toMatch(
      /'latest' holds 1\.2\.2, published 2026-11-20T10:00:00\.000Z, which is not after 2026-11-21T14:00:00\.000Z/,
    )
  })

  it('skips a version published exactly at the time (not after it)', () => {
    expect(circuitBreaker(timed, 'latest', '1.2.3', '2026-11-21T14:05:00.000Z').proceed).toBe(false)
  })

  it('refuses current when the target records no publish time for the version, naming rollback-version and the version', () => {
    // skipping would skip forever: no run could ever prove the version is the failed release's
    const e = inputErrorOf(() =>
      circuitBreaker({ ...timed, distTags: { latest: '1.2.4' } }, 'latest', 'current', '2026-11-21T14:00:00.000Z'),
    )
    expect(e.input).toBe('rollback-version')
    expect(e.message).toMatch(/records no publish time for acme-widget@1\.2\.4/)
    expect(e.message).toMatch(/Fix: give the exact version/)
  })

  it('refuses a time window on an exact version the target records no publish time for, naming the time input', () => {
    const e = inputErrorOf(() =>
      circuitBreaker(timed, 'latest', '1.2.4', undefined, { publishedBefore: '2026-11-21T15:00:00.000Z' }),
    )
    expect(e.input).toBe('published-before')
    expect(e.message).toMatch(/records no publish time for acme-widget@1\.2\.4/)
  })

  it('without a time, an explicit version passes through untouched', () => {
    expect(circuitBreaker(timed, 'latest', '1.2.2')).toEqual({ proceed: true, rollbackVersion: '1.2.2' })
  })

  it('current on a tag that does not exist names the channel', () => {
    expect(() => circuitBreaker(timed, 'beta', 'current', '2026-11-21T14:00:00.000Z')).toThrow(
      /Input 'channel': the dist-tag 'beta' does not exist/,
    )
  })
})

describe('circuit breaker: the release that failed, by time window and commit', () => {
  const A = 'a'.repeat(40)
  const B = 'b'.repeat(40)
  const C = 'c'.repeat(40)
  const started = '2026-11-21T14:00:00.000Z'
  const ended = '2026-11-21T14:20:00.000Z'
  // the failed release run published 1.2.3 from commit B between 14:00 and 14:20; the next
  // release published 1.2.4 from commit C at 14:30, before the rollback job read the registry
  const raced: PackageState = {
    name: 'acme-widget',
    distTags: { latest: '1.2.4' },
    versions: {
      '1.2.2': { publishedAt: '2026-11-20T10:00:00.000Z', commit: A },
      '1.2.3': { publishedAt: '2026-11-21T14:05:00.000Z', commit: B },
      '1.2.4': { publishedAt: '2026-11-21T14:30:00.000Z', commit: C },
      '1.2.5': { publishedAt: '2026-11-21T14:10:00.000Z' },
    },
  }

  it('skips current when the channel holds a version published after published-before (the next release), saying why', () => {
    const gate = circuitBreaker(raced, 'latest', 'current', started, { publishedBefore: ended })
    expect(gate).toMatchObject({ proceed: false, holder: '1.2.4' })
    expect(gate.proceed === false && gate.reason).toMatch(
      /'latest' holds 1\.2\.4, published 2026-11-21T14:30:00\.000Z, which is after 2026-11-21T14:20:00\.000Z \(published-before, the end of the release run\): a later release published it/,
    )
  })

  it('skips current when the version on the channel was built from another commit than release-commit', () => {
    const gate = circuitBreaker(raced, 'latest', 'current', started, { releaseCommit: B })
    expect(gate).toMatchObject({ proceed: false, holder: '1.2.4' })
    expect(gate.proceed === false && gate.reason).toMatch(
      new RegExp(`built from commit ${C}, not the release's commit ${B}`),
    )
  })

  it('proceeds when the version is inside the window and built from release-commit (commits compared case-insensitively), with no warning', () => {
    const state = {
      ...raced,
      distTags: { latest: '1.2.3' },
      versions: { ...raced.versions, '1.2.3': { ...raced.versions['1.2.3'], commit: B.toUpperCase() } },
    }
    expect(circuitBreaker(state, 'latest', 'current', started, { publishedBefore: ended, releaseCommit: B })).toEqual({
      proceed: true,
      rollbackVersion: '1.2.3',
    })
  })

  it('a version that records no commit falls back to the time window, and the gate carries a warning saying so', () => {
    // the only candidate in the window (1.2.3 from release-commit beside it: see "overlapping release runs")
    const { '1.2.3': _failed, ...others } = raced.versions
    const alone = { ...raced, versions: others }
    const inside = circuitBreaker({ ...alone, distTags: { latest: '1.2.5' } }, 'latest', 'current', started, {
      publishedBefore: ended,
      releaseCommit: B,
    })
    expect(inside).toMatchObject({ proceed: true, rollbackVersion: '1.2.5' })
    expect(inside.proceed && inside.warnings?.join('\n')).toMatch(
      /acme-widget@1\.2\.5 records no commit, so release-commit could not be compared; it was identified by its publish time alone/,
    )
    const outside = circuitBreaker(
      { ...alone, distTags: { latest: '1.2.5' } },
      'latest',
      'current',
      '2026-11-21T14:15:00.000Z',
      { releaseCommit: B },
    )
    expect(outside.proceed).toBe(false)
  })

  it('guards an exact version too: outside the window or from another commit, it is skipped', () => {
    expect(circuitBreaker(raced, 'latest', '1.2.4', undefined, { publishedBefore: ended })).toMatchObject({
      proceed: false,
    })
    expect(circuitBreaker(raced, 'latest', '1.2.4', undefined, { releaseCommit: B })).toMatchObject({ proceed: false })
    expect(circuitBreaker(raced, 'latest', '1.2.3', undefined, { releaseCommit: B })).toEqual({
      proceed: true,
      rollbackVersion: '1.2.3',
    })
  })

  it('an exact version that records no commit, with release-commit and no time window, proceeds with a warning (the version was named)', () => {
    const gate = circuitBreaker(raced, 'latest', '1.2.5', undefined, { releaseCommit: B })
    expect(gate).toMatchObject({ proceed: true, rollbackVersion: '1.2.5' })
    expect(gate.proceed && gate.warnings?.join()).toMatch(/records no commit/)
  })

  it("takes the action's parsed inputs as the guard (what runRollback passes)", () => {
    const inputs = rollbackInputs({
      packageName: 'acme-widget',
      registry: 'https://registry.npmjs.org/',
      rollbackVersion: 'current',
      publishedAfter: started,
      publishedBefore: ended,
      releaseCommit: B,
    })
    expect(circuitBreaker(raced, 'latest', inputs.rollbackVersion, inputs)).toMatchObject({
      proceed: false,
      holder: '1.2.4',
    })
    expect(
      circuitBreaker({ ...raced, distTags: { latest: '1.2.3' } }, 'latest', inputs.rollbackVersion, inputs),
    ).toEqual({ proceed: true, rollbackVersion: '1.2.3' })
  })

  it('a republished holder stands for the bad version it replaced: its window and commit are checked', () => {
    const state = {
      ...raced,
      distTags: { latest: '1.2.6' },
      versions: { ...raced.versions, '1.2.6': { publishedAt: '2026-11-21T14:40:00.000Z', republishOf: '1.2.3' } },
    }
    expect(circuitBreaker(state, 'latest', 'current', started, { publishedBefore: ended, releaseCommit: B })).toEqual({
      proceed: true,
      rollbackVersion: '1.2.3',
    })
  })
})

describe('circuit breaker: an alert (max-age, require-holder)', () => {
  const HOUR = 3_600_000
  const now = Date.parse('2026-11-22T12:00:00.000Z')
  // 1.2.3 went out 3 hours before the alert; 1.2.1 a month earlier; 1.2.9 records no time
  const alerted: PackageState = {
    name: 'acme-widget',
    distTags: { latest: '1.2.3', legacy: '1.2.1', edge: '1.2.9' },
    versions: {
      '1.2.1': { publishedAt: '2026-10-22T12:00:00.000Z' },
      '1.2.2': { publishedAt: '2026-11-20T10:00:00.000Z' },
      '1.2.3': { publishedAt: '2026-11-22T09:00:00.000Z' },
      '1.2.4': { publishedAt: '2026-11-22T11:00:00.000Z', republishOf: '1.2.3' },
      '1.2.9': {},
    },
  }
  const alert = { maxAgeMs: 24 * HOUR, requireHolder: true, now }

  it('proceeds for a fresh version the channel still holds, with no warning', () => {
    expect(circuitBreaker(alerted, 'latest', '1.2.3', alert)).toEqual({ proceed: true, rollbackVersion: '1.2.3' })
  })

  it('max-age: proceeds up to the limit itself, skips past it, saying how old the version is and what max-age was', () => {
    expect(circuitBreaker(alerted, 'latest', '1.2.3', { maxAgeMs: 3 * HOUR, now })).toEqual({
      proceed: true,
      rollbackVersion: '1.2.3',
    })
    const gate = circuitBreaker(alerted, 'latest', '1.2.3', { maxAgeMs: 3 * HOUR - 1000, now })
    expect(gate).toMatchObject({ proceed: false, holder: '1.2.3' })
    expect(gate.proceed === false && gate.reason).toBe(
      'acme-widget@1.2.3, published 2026-11-22T09:00:00.000Z, 3h before 2026-11-22T12:00:00.000Z: older than max-age 2h59m59s, so nothing was rolled back automatically. If it must go, roll it back by hand without max-age.',
    )
  })

  it('max-age: says a sub-second age in milliseconds, a longer one to the second', () => {
    const at = Date.parse('2026-11-22T09:00:00.000Z')
    const reason = (age: number, max: number) => {
      const gate = circuitBreaker(alerted, 'latest', '1.2.3', { maxAgeMs: max, now: at + age })
      return gate.proceed === false ? gate.reason : ''
    }
    expect(reason(250, 1)).toMatch(/, 250ms before .*older than max-age 1ms,/)
    expect(reason(90_500, 60_000)).toMatch(/, 1m30s before .*older than max-age 1m,/)
  })

  it('max-age: a month-old version on its channel is skipped even though the channel holds it', () => {
    const gate = circuitBreaker(alerted, 'legacy', '1.2.1', alert)
    expect(gate).toMatchObject({ proceed: false, holder: '1.2.1' })
    expect(gate.proceed === false && gate.reason).toMatch(
      /published 2026-10-22T12:00:00\.000Z, 744h before .*older than max-age 24h/,
    )
  })

  it('max-age is measured against the real clock when no now is given', () => {
    const fresh = {
      ...alerted,
      versions: { ...alerted.versions, '1.2.3': { publishedAt: new Date(Date.now() - HOUR).toISOString() } },
    }
    expect(circuitBreaker(fresh, 'latest', '1.2.3', { maxAgeMs: 2 * HOUR })).toMatchObject({ proceed: true })
    expect(circuitBreaker(fresh, 'latest', '1.2.3', { maxAgeMs: HOUR / 2 })).toMatchObject({ proceed: false })
  })

  it('max-age: a version published after now (clock skew) counts as fresh', () => {
    expect(
      circuitBreaker(alerted, 'latest', '1.2.3', { maxAgeMs: HOUR, now: Date.parse('2026-11-22T08:59:00.000Z') }),
    ).toMatchObject({ proceed: true })
  })

  it('max-age: no publish time is refused clearly, naming max-age (a skip would repeat forever), also for a version the channel holds', () => {
    const e = inputErrorOf(() => circuitBreaker(alerted, 'edge', '1.2.9', alert))
    expect(e.input).toBe('max-age')
    expect(e.message).toMatch(
      /cannot be checked: the target records no publish time for acme-widget@1\.2\.9, so it can never be shown to be younger than 24h/,
    )
    expect(e.message).toMatch(/Fix: roll 1\.2\.9 back by hand, without max-age/)
  })

  it('max-age with current and no publish time names rollback-version, as current does', () => {
    // (current always comes with published-after, which refuses first; this is the gate alone)
    const e = inputErrorOf(() => circuitBreaker(alerted, 'edge', 'current', { maxAgeMs: HOUR, now }))
    expect(e.input).toBe('rollback-version')
    expect(e.message).toMatch(
      /is current, but the target records no publish time for acme-widget@1\.2\.9 \(what 'edge' holds\)/,
    )
  })

  it('require-holder: the channel holds another version -> skipped with the holder, before any other check', () => {
    const moved = { ...alerted, distTags: { ...alerted.distTags, latest: '1.2.2' } }
    const gate = circuitBreaker(moved, 'latest', '1.2.3', alert)
    expect(gate).toEqual({
      proceed: false,
      holder: '1.2.2',
      reason:
        "'latest' holds 1.2.2, not acme-widget@1.2.3 (require-holder): the channel has moved on since the request (rolled back, or a newer release), so nothing was rolled back.",
    })
    // no publish time would be an error; the moved channel is decided first
    expect(
      circuitBreaker({ ...moved, distTags: { ...moved.distTags, edge: '1.2.2' } }, 'edge', '1.2.9', alert),
    ).toMatchObject({ proceed: false, holder: '1.2.2' })
  })

  it('require-holder: a newer release on the channel is skipped (not kept with a deprecation of the bad one, as the planner would)', () => {
    const newer = { ...alerted, distTags: { latest: '1.2.9' } }
    expect(circuitBreaker(newer, 'latest', '1.2.3', { requireHolder: true })).toMatchObject({
      proceed: false,
      holder: '1.2.9',
    })
    // without it the gate lets the planner decide (keep-newer)
    expect(circuitBreaker(newer, 'latest', '1.2.3', {})).toEqual({ proceed: true, rollbackVersion: '1.2.3' })
  })

  it('require-holder: the channel holds our republish of the version -> skipped as rolled back already', () => {
    const gate = circuitBreaker({ ...alerted, distTags: { latest: '1.2.4' } }, 'latest', '1.2.3', alert)
    expect(gate).toMatchObject({ proceed: false, holder: '1.2.4' })
    expect(gate.proceed === false && gate.reason).toMatch(
      /'latest' holds 1\.2\.4, the republish that replaced acme-widget@1\.2\.3 \(require-holder\): it was rolled back already/,
    )
  })

  it('require-holder: a channel that does not exist and an unknown version are left to planning, which names the input', () => {
    expect(circuitBreaker(alerted, 'beta', '1.2.3', { requireHolder: true })).toEqual({
      proceed: true,
      rollbackVersion: '1.2.3',
    })
    expect(() =>
      planRollback(request({ channel: 'beta' }), { ...alerted, versions: { ...alerted.versions, '1.2.3': {} } }),
    ).toThrow(/Input 'channel': the dist-tag 'beta' does not exist/)
    expect(circuitBreaker(alerted, 'latest', '9.9.9', { requireHolder: true })).toEqual({
      proceed: true,
      rollbackVersion: '9.9.9',
    })
  })

  it('require-holder with current holds trivially; max-age still applies to what the channel holds', () => {
    expect(
      circuitBreaker(alerted, 'latest', 'current', {
        publishedAfter: '2026-11-22T08:00:00.000Z',
        requireHolder: true,
        maxAgeMs: 24 * HOUR,
        now,
      }),
    ).toEqual({ proceed: true, rollbackVersion: '1.2.3' })
    const gate = circuitBreaker(alerted, 'latest', 'current', {
      publishedAfter: '2026-11-22T08:00:00.000Z',
      maxAgeMs: HOUR,
      now,
    })
    expect(gate.proceed === false && gate.reason).toMatch(/^'latest' holds 1\.2\.3, published .*older than max-age 1h/)
  })

  it("takes the action's parsed inputs as the guard (what the runner passes), with the real clock", () => {
    const inputs = rollbackInputs({
      packageName: 'acme-widget',
      registry: 'https://registry.npmjs.org/',
      rollbackVersion: '1.2.3',
      maxAgeMs: 24 * HOUR,
      requireHolder: true,
    })
    expect(
      circuitBreaker({ ...alerted, distTags: { latest: '1.2.2' } }, 'latest', inputs.rollbackVersion, inputs),
    ).toMatchObject({ proceed: false, holder: '1.2.2' })
    const at = (ago: number) => ({
      ...alerted,
      versions: { ...alerted.versions, '1.2.3': { publishedAt: new Date(Date.now() - ago).toISOString() } },
    })
    expect(circuitBreaker(at(2 * HOUR), 'latest', inputs.rollbackVersion, inputs)).toEqual({
      proceed: true,
      rollbackVersion: '1.2.3',
    })
    expect(circuitBreaker(at(25 * HOUR), 'latest', inputs.rollbackVersion, inputs)).toMatchObject({
      proceed: false,
      holder: '1.2.3',
    })
  })

  it('formats durations as Go does', () => {
    expect([24 * HOUR, 90 * 60_000, 90_000, 1500, 0, HOUR + 1000].map(formatDuration)).toEqual([
      '24h',
      '1h30m',
      '1m30s',
      '1s500ms',
      '0s',
      '1h1s',
    ])
  })
})

describe('last known good by history (publish times)', () => {
  const at = (day: number) => `2026-11-${String(day).padStart(2, '0')}T10:00:00.000Z`
  const timed = (versions: Record<string, [number, string?]>, distTags: Record<string, string>): PackageState => ({
    name: 'acme-widget',
    distTags,
    versions: Object.fromEntries(
      Object.entries(versions).map(([v, [day, deprecated]]) => [
        v,
        { publishedAt: at(day), ...(deprecated ? { deprecated } : {}) },
      ]),
    ),
  })

  it('a backport published to latest by mistake: restores what latest held before it, even though that is higher', () => {
    const s = timed({ '1.9.4': [1], '2.0.0': [2], '2.1.0': [3], '1.9.5': [4] }, { latest: '1.9.5' })
    expect(lastKnownGood(s, '1.9.5', 'latest')).toBe('2.1.0')
    const plan = planRollback(request({ rollbackVersion: '1.9.5' }), s)
    expect(plan).toMatchObject({
      restoreVersion: '2.1.0',
      restoreChosen: true,
      tag: { kind: 'move', from: '1.9.5', to: '2.1.0' },
    })
  })

  it('never picks a version published after the bad one, and skips deprecated ones', () => {
    const s = timed({ '1.0.0': [1], '1.1.0': [2, 'broken'], '1.2.3': [3], '1.1.5': [4] }, { latest: '1.2.3' })
    expect(lastKnownGood(s, '1.2.3', 'latest')).toBe('1.0.0')
  })

  it('a version published at the same time as the bad one counts when it is lower (the order is unknown)', () => {
    const s = timed({ '1.2.2': [5], '1.2.3': [5], '1.2.4': [5] }, { latest: '1.2.3' })
    expect(lastKnownGood(s, '1.2.3', 'latest')).toBe('1.2.2')
  })

  it('on a prerelease channel: the same prerelease line, by publish time', () => {
    const s = timed({ '2.0.0-beta.5': [1], '2.0.0-canary.9': [2], '1.9.0-beta.1': [3] }, { beta: '1.9.0-beta.1' })
    expect(lastKnownGood(s, '1.9.0-beta.1', 'beta')).toBe('2.0.0-beta.5')
  })

  it('explains when there is none published before the bad one', () => {
    const s = timed({ '1.2.3': [1], '1.2.2': [2] }, { latest: '1.2.3' })
    const e = inputErrorOf(() => planRollback(request(), s))
    expect(e.input).toBe('restore-version')
    expect(e.message).toMatch(/no non-deprecated stable version published before 1\.2\.3/)
  })

  it('an explicit restore-version higher than the bad one is still refused without force', () => {
    const s = timed({ '2.1.0': [3], '1.9.5': [4] }, { latest: '1.9.5' })
    expect(
      inputErrorOf(() => planRollback(request({ rollbackVersion: '1.9.5', restoreVersion: '2.1.0' }), s)).message,
    ).toMatch(/roll-forward/)
  })

  it('strategy republish refuses a chosen restore higher than the bad one (it would publish 2.1.0 as 1.9.6)', () => {
    const s = timed({ '2.1.0': [3], '1.9.5': [4] }, { latest: '1.9.5' })
    const e = inputErrorOf(() => planRollback(request({ rollbackVersion: '1.9.5', strategy: 'republish' }), s))
    expect(e.input).toBe('strategy')
    expect(e.message).toMatch(/2\.1\.0.*higher than the bad 1\.9\.5/)
  })

  it('a new beta line whose previous beta line was released as stable: refused, naming restore-version (with or without times)', () => {
    const untimed = state(
      { '2.0.0-beta.1': null, '2.0.0-beta.2': null, '2.0.0': null, '3.0.0-beta.0': null },
      { latest: '2.0.0', beta: '3.0.0-beta.0' },
    )
    const withTimes = timed(
      { '2.0.0-beta.1': [1], '2.0.0-beta.2': [2], '2.0.0': [3], '3.0.0-beta.0': [4] },
      { latest: '2.0.0', beta: '3.0.0-beta.0' },
    )
    for (const s of [untimed, withTimes]) {
      const e = inputErrorOf(() => planRollback(request({ rollbackVersion: '3.0.0-beta.0', channel: 'beta' }), s))
      expect(e.input).toBe('restore-version')
      expect(e.message).toMatch(/the previous beta line, 2\.0\.0-beta\.2, was released as 2\.0\.0/)
      expect(e.message).toMatch(/Fix: give restore-version explicitly/)
    }
    // an explicit restore-version is taken as given
    expect(
      planRollback(
        request({ rollbackVersion: '3.0.0-beta.0', channel: 'beta', restoreVersion: '2.0.0-beta.2' }),
        untimed,
      ).tag,
    ).toMatchObject({ kind: 'move', to: '2.0.0-beta.2' })
  })
})

describe('overlapping release runs (issue 24): never the fix rolled back, never the failed commit restored', () => {
  const B = 'b'.repeat(40) // the failed release run's commit (release-commit)
  const A = 'a'.repeat(40)
  const started = '2026-11-21T14:00:00.000Z'
  const ended = '2026-11-21T14:20:00.000Z' // the failed run's updated_at, truncated to the second
  // the failed run (commit B) published 1.2.3 at 14:05; an overlapping run published the fix
  // 1.2.4 at 14:10, from a tool that records no gitHead, and moved latest to it
  const overlapped: PackageState = {
    name: 'acme-widget',
    distTags: { latest: '1.2.4' },
    versions: {
      '1.2.2': { publishedAt: '2026-11-20T10:00:00.000Z', commit: A },
      '1.2.3': { publishedAt: '2026-11-21T14:05:00.000Z', commit: B },
      '1.2.4': { publishedAt: '2026-11-21T14:10:00.000Z' },
    },
  }
  const guard = { publishedAfter: started, publishedBefore: ended, releaseCommit: B }

  it('current: the holder records no commit and the window holds the version built from release-commit: skipped, naming it (the fix is not rolled back)', () => {
    const gate = circuitBreaker(overlapped, 'latest', 'current', guard)
    expect(gate).toMatchObject({ proceed: false, holder: '1.2.4' })
    expect(gate.proceed === false && gate.reason).toMatch(
      new RegExp(
        `'latest' holds 1\\.2\\.4, which records no commit; acme-widget@1\\.2\\.3, published in the same window, was built from the release's commit ${B} \\(release-commit\\): that is the release that failed, and 'latest' no longer holds it, so nothing was rolled back`,
      ),
    )
  })

  it('current: the holder records no commit and another version without one was published in the window: skipped as ambiguous', () => {
    const s: PackageState = {
      ...overlapped,
      versions: { ...overlapped.versions, '1.2.3': { publishedAt: '2026-11-21T14:05:00.000Z' } },
    }
    for (const g of [guard, { publishedAfter: started, publishedBefore: ended }]) {
      const gate = circuitBreaker(s, 'latest', 'current', g)
      expect(gate).toMatchObject({ proceed: false, holder: '1.2.4' })
      expect(gate.proceed === false && gate.reason).toMatch(
        /'latest' holds 1\.2\.4, which records no commit; 1\.2\.3 was published in the same window too and could be the release that failed: the time window alone cannot tell which, so nothing was rolled back/,
      )
    }
  })

  it('current: a holder without a commit that is the only candidate in the window proceeds, with the warning (versions from another commit are no candidates)', () => {
    const s: PackageState = {
      ...overlapped,
      versions: { ...overlapped.versions, '1.2.3': { publishedAt: '2026-11-21T14:05:00.000Z', commit: A } },
    }
    const gate = circuitBreaker(s, 'latest', 'current', guard)
    expect(gate).toMatchObject({ proceed: true, rollbackVersion: '1.2.4' })
    expect(gate.proceed && gate.warnings?.join()).toMatch(/records no commit/)
  })

  it('a holder built from release-commit proceeds whatever else the window holds', () => {
    const s: PackageState = { ...overlapped, distTags: { latest: '1.2.3' } }
    expect(circuitBreaker(s, 'latest', 'current', guard)).toEqual({ proceed: true, rollbackVersion: '1.2.3' })
  })

  it('the last known good is never a version built from release-commit (a re-run of the failed commit published it earlier)', () => {
    // the first attempt of the failed run published 1.2.3 from B before this window; the re-run published 1.2.4 from B
    const s: PackageState = {
      name: 'acme-widget',
      distTags: { latest: '1.2.4' },
      versions: {
        '1.2.2': { publishedAt: '2026-11-20T10:00:00.000Z', commit: A },
        '1.2.3': { publishedAt: '2026-11-21T13:00:00.000Z', commit: B },
        '1.2.4': { publishedAt: '2026-11-21T14:05:00.000Z', commit: B },
      },
    }
    expect(lastKnownGood(s, '1.2.4', 'latest')).toBe('1.2.3')
    expect(lastKnownGood(s, '1.2.4', 'latest', B)).toBe('1.2.2')
    const gate = circuitBreaker(s, 'latest', 'current', guard)
    expect(gate).toEqual({ proceed: true, rollbackVersion: '1.2.4' })
    const plan = planRollback(request({ rollbackVersion: '1.2.4', releaseCommit: B }), s)
    expect(plan).toMatchObject({ restoreVersion: '1.2.2', restoreChosen: true, tag: { to: '1.2.2' } })
    // commits compare case-insensitively
    expect(planRollback(request({ rollbackVersion: '1.2.4', releaseCommit: B.toUpperCase() }), s).restoreVersion).toBe(
      '1.2.2',
    )
  })

  it('an explicit restore-version built from release-commit is refused, naming both inputs, even with force', () => {
    const s: PackageState = { ...overlapped, distTags: { latest: '1.2.4' } }
    for (const force of [false, true]) {
      const e = inputErrorOf(() =>
        planRollback(request({ rollbackVersion: '1.2.4', restoreVersion: '1.2.3', releaseCommit: B, force }), s),
      )
      expect(e.input).toBe('restore-version')
      expect(e.message).toMatch(
        new RegExp(`acme-widget@1\\.2\\.3 was built from ${B}, the release's commit \\(release-commit\\)`),
      )
    }
  })

  it('no candidate left but versions from release-commit: the error says why', () => {
    const s: PackageState = {
      name: 'acme-widget',
      distTags: { latest: '1.2.4' },
      versions: {
        '1.2.3': { publishedAt: '2026-11-21T13:00:00.000Z', commit: B },
        '1.2.4': { publishedAt: '2026-11-21T14:05:00.000Z', commit: B },
      },
    }
    const e = inputErrorOf(() => planRollback(request({ rollbackVersion: '1.2.4', releaseCommit: B }), s))
    expect(e.input).toBe('restore-version')
    expect(e.message).toMatch(/not built from the release's commit/)
  })
})

describe('published-before is the run end truncated to the second (issue 24)', () => {
  const B = 'b'.repeat(40)
  const C = 'c'.repeat(40)
  const ended = '2026-11-21T14:20:00Z'
  const at = (publishedAt: string, commit?: string): PackageState => ({
    name: 'acme-widget',
    distTags: { latest: '1.2.3' },
    versions: {
      '1.2.2': { publishedAt: '2026-11-20T10:00:00.000Z' },
      '1.2.3': { publishedAt, ...(commit ? { commit } : {}) },
    },
  })
  const guard = { publishedAfter: '2026-11-21T14:00:00Z', publishedBefore: ended, releaseCommit: B }

  it("a release published in the run's last second (after the truncated end) is rolled back when its commit is release-commit", () => {
    expect(circuitBreaker(at('2026-11-21T14:20:00.730Z', B), 'latest', 'current', guard)).toEqual({
      proceed: true,
      rollbackVersion: '1.2.3',
    })
  })

  it('the commit check decides inside that second: another commit is skipped', () => {
    expect(circuitBreaker(at('2026-11-21T14:20:00.730Z', C), 'latest', 'current', guard)).toMatchObject({
      proceed: false,
    })
  })

  it('a version without a commit in that second proceeds only with a warning naming the truncation', () => {
    const gate = circuitBreaker(at('2026-11-21T14:20:00.730Z'), 'latest', 'current', guard)
    expect(gate).toMatchObject({ proceed: true, rollbackVersion: '1.2.3' })
    expect(gate.proceed && gate.warnings?.join('\n')).toMatch(
      /published 2026-11-21T14:20:00\.730Z, within the second after published-before 2026-11-21T14:20:00Z \(GitHub's updated_at is truncated to the second\)/,
    )
  })

  it('one full second after is outside, and a published-before with milliseconds is not widened', () => {
    expect(circuitBreaker(at('2026-11-21T14:20:01.000Z', B), 'latest', 'current', guard)).toMatchObject({
      proceed: false,
    })
    expect(
      circuitBreaker(at('2026-11-21T14:20:00.730Z', B), 'latest', 'current', {
        ...guard,
        publishedBefore: '2026-11-21T14:20:00.500Z',
      }),
    ).toMatchObject({ proceed: false })
  })
})
