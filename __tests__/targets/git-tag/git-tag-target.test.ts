// The git-tag target against the GitHub stand-in (every request and response checked
// against GitHub's OpenAPI description): a moving tag (v1) rolled back from one version
// tag's commit to another's, guarded by a fresh read right before the write.
import { afterEach, describe, expect, it } from '@jest/globals'
import { InputError, RegistryError } from '../../../src/core/errors.js'
import { createGitHubClient } from '../../../src/github/client.js'
import { ChannelMovedError } from '../../../src/core/guard.js'
import type { RollbackInputs } from '../../../src/config/inputs.js'
import { rolledBack, runRollback } from '../../support/helpers.js'
import { GitTagTarget, type GitTagTargetOptions } from '../../../src/targets/git-tag/target.js'
import { startGitHubStandin } from '../../support/github-standin.mjs'
import { rollbackInputs } from '../../support/helpers.js'

type Standin = Awaited<ReturnType<typeof startGitHubStandin>>

const TOKEN = 'ghs_test-token'
const fastRetry = { attempts: 3, baseDelayMs: 10, maxDelayMs: 100, deadlineMs: 3000 }

function logger() {
  const lines: string[] = []
  return {
    lines,
    info: (m: string) => lines.push(`info: ${m}`),
    warning: (m: string) => lines.push(`warning: ${m}`),
    debug: (m: string) => lines.push(`debug: ${m}`),
  }
}

const running: Standin[] = []
afterEach(async () => {
  const all = running.splice(0)
  await Promise.all(all.map((s) => s.stop()))
  // every request the target sent, and every answer the stand-in gave, fit GitHub's description
  for (const s of all) expect(s.violations).toEqual([])
})

interface Fixture {
  standin: Standin
  /** version -> commit sha */
  commits: Record<string, string>
  /** version -> the sha its tag ref points at (a tag object when annotated) */
  refs: Record<string, string>
}

const COMMIT_DATES: Record<string, string> = {
  '1.2.1': '2026-11-01T10:00:00Z',
  '1.2.2': '2026-11-05T10:00:00Z',
  '1.2.3': '2026-11-20T10:00:00Z',
}
const TAGGER_DATES: Record<string, string> = {
  '1.2.1': '2026-11-02T08:00:00Z',
  '1.2.2': '2026-11-06T08:00:00Z',
  '1.2.3': '2026-11-21T08:00:00Z',
}

/** v1.2.1, v1.2.2, v1.2.3 on commits of their own, and v1 at v1.2.3's commit. */
async function fixture(
  o: {
    annotated?: boolean
    movingAnnotated?: boolean
    prefix?: string
    versions?: string[]
    moving?: string | null
  } = {},
): Promise<Fixture> {
  const standin = await startGitHubStandin()
  running.push(standin)
  const prefix = o.prefix ?? 'v'
  const commits: Record<string, string> = {}
  const refs: Record<string, string> = {}
  for (const v of o.versions ?? ['1.2.1', '1.2.2', '1.2.3']) {
    commits[v] = standin.tags.addCommit({ message: `release ${v}`, date: COMMIT_DATES[v] ?? '2026-10-01T00:00:00Z' })
    refs[v] = standin.tags.createTag(
      `${prefix}${v}`,
      commits[v],
      o.annotated ? { annotated: { message: `Release ${v}\n`, date: TAGGER_DATES[v] ?? '2026-10-02T00:00:00Z' } } : {},
    )
  }
  const moving = o.moving === undefined ? '1.2.3' : o.moving
  if (moving !== null)
    standin.tags.createTag(
      'v1',
      commits[moving],
      o.movingAnnotated ? { annotated: { message: 'v1 follows the 1.x releases\n' } } : {},
    )
  return { standin, commits, refs }
}

function client(standin: Standin, over: { token?: string; throttle?: boolean } = {}) {
  return createGitHubClient({
    token: over.token ?? TOKEN,
    baseUrl: standin.url,
    log: logger(),
    throttle: over.throttle ?? false,
    retryBaseMs: 5,
  })
}

function target(standin: Standin, over: Partial<GitTagTargetOptions> = {}) {
  const log = over.log ?? logger()
  return new GitTagTarget({ gh: client(standin), repository: 'acme/widget', tag: 'v1', log, retry: fastRetry, ...over })
}

/** `METHOD path -> status` of the requests since `from` */
const sent = (standin: Standin, from = 0) =>
  standin.requests.slice(from).map((r) => `${r.method} ${r.path.replace('/repos/acme/widget', '')} -> ${r.status}`)

describe('git-tag target: inspect', () => {
  it('lightweight tags: versions with their commits, v1 held by the version on its commit, publish times for the ones that matter, in 4 requests', async () => {
    const { standin, commits } = await fixture()
    const t = target(standin, { preferVersions: ['1.2.2', '1.2.3'] })
    const state = await t.inspect()
    expect(state).toEqual({
      name: 'acme/widget',
      distTags: { v1: '1.2.3' },
      versions: {
        '1.2.1': { commit: commits['1.2.1'] },
        '1.2.2': { commit: commits['1.2.2'], publishedAt: '2026-11-05T10:00:00.000Z' },
        '1.2.3': { commit: commits['1.2.3'], publishedAt: '2026-11-20T10:00:00.000Z' },
      },
    })
    expect(sent(standin).sort()).toEqual(
      [
        'GET /git/matching-refs/tags/v -> 200',
        'GET /git/ref/tags/v1 -> 200',
        `GET /git/commits/${commits['1.2.2']} -> 200`,
        `GET /git/commits/${commits['1.2.3']} -> 200`,
      ].sort(),
    )
    expect(t.commitBefore()).toBe(commits['1.2.3'])
  })

  it('annotated tags are peeled lazily: the moving tag and the preferred versions only; publish time is the tagger date; 5 requests', async () => {
    const { standin, commits, refs } = await fixture({ annotated: true, movingAnnotated: true })
    const v1Object = standin.tags.refs.get('v1') as string
    expect(standin.tags.objects.has(v1Object)).toBe(true)
    const t = target(standin, { preferVersions: ['1.2.2', '1.2.3'] })
    const state = await t.inspect()
    expect(state.distTags).toEqual({ v1: '1.2.3' })
    expect(state.versions).toEqual({
      '1.2.1': {}, // annotated and not needed: not peeled
      '1.2.2': { commit: commits['1.2.2'], publishedAt: '2026-11-06T08:00:00.000Z' },
      '1.2.3': { commit: commits['1.2.3'], publishedAt: '2026-11-21T08:00:00.000Z' },
    })
    expect(sent(standin).sort()).toEqual(
      [
        'GET /git/matching-refs/tags/v -> 200',
        'GET /git/ref/tags/v1 -> 200',
        `GET /git/tags/${v1Object} -> 200`,
        `GET /git/tags/${refs['1.2.2']} -> 200`,
        `GET /git/tags/${refs['1.2.3']} -> 200`,
      ].sort(),
    )
    // tag objects and commit dates never change: a second inspect reads only the list and the moving tag
    const before = standin.requests.length
    await t.inspect()
    expect(sent(standin, before).sort()).toEqual([
      'GET /git/matching-refs/tags/v -> 200',
      'GET /git/ref/tags/v1 -> 200',
    ])
  })

  it('names the holder by walking down from the highest version, peeling only the annotated tags above it', async () => {
    const { standin, commits, refs } = await fixture({
      annotated: true,
      versions: ['1.2.1', '1.2.2', '1.2.3', '1.3.0', '2.0.0'],
      moving: '1.2.3',
    })
    const t = target(standin) // no preferVersions
    const state = await t.inspect()
    expect(state.distTags).toEqual({ v1: '1.2.3' })
    const peeled = standin.requests.filter((r) => r.path.includes('/git/tags/')).map((r) => r.path.split('/').at(-1))
    // v1 itself is lightweight here; 1.2.2 and 1.2.1 lie below the holder and are never peeled
    expect(peeled.sort()).toEqual([refs['2.0.0'], refs['1.3.0'], refs['1.2.3']].sort())
    expect(state.versions['1.2.2']).toEqual({})
    expect(state.versions['1.2.3']).toEqual({
      commit: commits['1.2.3'],
      publishedAt: TAGGER_DATES['1.2.3'].replace('Z', '.000Z'),
    })
  })

  it('several versions on the commit: the highest, unless a preferred one has it; a commit no version has is named by its sha', async () => {
    const { standin, commits } = await fixture()
    standin.tags.createTag('v1.2.4', commits['1.2.3']) // a re-tag of the same commit
    expect((await target(standin).inspect()).distTags).toEqual({ v1: '1.2.4' })
    expect((await target(standin, { preferVersions: ['1.2.3'] }).inspect()).distTags).toEqual({ v1: '1.2.3' })
    const stray = standin.tags.addCommit({ message: 'hotfix, never tagged' })
    standin.tags.createTag('v1', stray)
    expect((await target(standin, { preferVersions: ['1.2.3'] }).inspect()).distTags).toEqual({ v1: stray })
    // no moving tag: no channel
    standin.tags.deleteTag('v1')
    expect((await target(standin).inspect()).distTags).toEqual({})
  })

  it('versions are exactly tag-prefix + a semantic version', async () => {
    const { standin, commits } = await fixture()
    for (const name of ['v1.2', 'v1.2.3.4', 'v1.2.3+build.5', 'x1.2.4', 'vv1.2.5', '1.2.6', 'stable'])
      standin.tags.createTag(name, commits['1.2.1'])
    standin.tags.createTag('v2.0.0-rc.1', commits['1.2.1'])
    expect(Object.keys((await target(standin).inspect()).versions).sort()).toEqual([
      '1.2.1',
      '1.2.2',
      '1.2.3',
      '2.0.0-rc.1',
    ])
    // an empty prefix: bare versions only
    const bare = await target(standin, { tagPrefix: '' }).inspect()
    expect(Object.keys(bare.versions)).toEqual(['1.2.6'])
    expect(standin.requests.filter((r) => r.path.includes('matching-refs')).at(-1)?.path).toBe(
      '/repos/acme/widget/git/matching-refs/tags',
    )
  })

  it('a prefix with a slash (release/1.2.3)', async () => {
    const { standin, commits } = await fixture({ prefix: 'release/' })
    const state = await target(standin, { tagPrefix: 'release/' }).inspect()
    expect(state.versions).toEqual({
      '1.2.1': { commit: commits['1.2.1'] },
      '1.2.2': { commit: commits['1.2.2'] },
      '1.2.3': { commit: commits['1.2.3'], publishedAt: '2026-11-20T10:00:00.000Z' },
    })
    expect(state.distTags).toEqual({ v1: '1.2.3' })
    expect(standin.requests[0].path).toBe('/repos/acme/widget/git/matching-refs/tags/release/')
  })

  it('many tags: GitHub answers every match in one response (it ignores per_page), and the target reads them all', async () => {
    const { standin, commits } = await fixture()
    for (let i = 0; i < 250; i++) standin.tags.createTag(`v0.${i}.0`, commits['1.2.1'])
    const state = await target(standin).inspect()
    expect(Object.keys(state.versions)).toHaveLength(253)
    expect(standin.requests.filter((r) => r.path.includes('matching-refs'))).toHaveLength(1)
  })

  it('follows a Link rel="next" page when GitHub sends one, and counts a ref listed twice once', async () => {
    const { standin, commits } = await fixture()
    const gh = client(standin)
    const all = (await gh.rest.git.listMatchingRefs({ owner: 'acme', repo: 'widget', ref: 'tags/v' })).data
    const first = all.find((r) => r.ref === 'refs/tags/v1.2.1') as (typeof all)[number]
    const extra = { ...first, ref: 'refs/tags/v0.9.0', url: first.url.replace('v1.2.1', 'v0.9.0') }
    standin.failNext({
      method: 'GET',
      path: /matching-refs/,
      status: 200,
      body: [extra, first],
      headers: { link: `<${standin.url}/repos/acme/widget/git/matching-refs/tags%2Fv>; rel="next"` },
    })
    const from = standin.requests.length
    const state = await target(standin).inspect()
    expect(Object.keys(state.versions).sort()).toEqual(['0.9.0', '1.2.1', '1.2.2', '1.2.3'])
    expect(state.versions['0.9.0']).toEqual({ commit: commits['1.2.1'] })
    expect(standin.requests.slice(from).filter((r) => r.path.includes('matching-refs'))).toHaveLength(2)
  })
})

describe('git-tag target: pointChannel', () => {
  it('moves v1 from v1.2.3 to v1.2.2 (read, PATCH with force, read back), and a second call is already done', async () => {
    const { standin, commits } = await fixture()
    const t = target(standin, { preferVersions: ['1.2.2', '1.2.3'] })
    await t.inspect()
    const from = standin.requests.length
    expect(await t.pointChannel('v1', '1.2.2', '1.2.3')).toBe('written')
    expect(sent(standin, from)).toEqual([
      'GET /git/ref/tags/v1 -> 200',
      'PATCH /git/refs/tags/v1 -> 200',
      'GET /git/ref/tags/v1 -> 200',
    ])
    expect(standin.requests.find((r) => r.method === 'PATCH')?.body).toEqual({ sha: commits['1.2.2'], force: true })
    expect(standin.tags.commitOf('v1')).toBe(commits['1.2.2'])
    expect(t.commitBefore()).toBe(commits['1.2.3'])
    expect(t.anomalies()).toEqual([])

    const again = standin.requests.length
    expect(await t.pointChannel('v1', '1.2.2', '1.2.3')).toBe('already')
    expect(sent(standin, again)).toEqual(['GET /git/ref/tags/v1 -> 200'])
    // a new run sees it there
    expect((await target(standin, { preferVersions: ['1.2.2', '1.2.3'] }).inspect()).distTags).toEqual({ v1: '1.2.2' })
  })

  it('an annotated v1 becomes a lightweight tag at the restore commit, and the target says so', async () => {
    const { standin, commits } = await fixture({ annotated: true, movingAnnotated: true })
    const oldObject = standin.tags.refs.get('v1') as string
    const t = target(standin, { preferVersions: ['1.2.2', '1.2.3'] })
    await t.inspect()
    expect(await t.pointChannel('v1', '1.2.2', '1.2.3')).toBe('written')
    // the ref now names the commit itself, not v1.2.2's tag object nor a new one
    expect(standin.tags.refs.get('v1')).toBe(commits['1.2.2'])
    expect(t.anomalies()).toHaveLength(1)
    expect(t.anomalies()[0]).toContain(oldObject)
    expect(t.anomalies()[0]).toMatch(/annotated.*now a lightweight tag/)
  })

  it('guard: v1 moved to another version between inspect and the write -> ChannelMovedError naming it, and no PATCH', async () => {
    const { standin, commits } = await fixture()
    const t = target(standin, { preferVersions: ['1.2.2', '1.2.3'] })
    await t.inspect()
    standin.tags.createTag('v1', commits['1.2.1']) // someone else moved it
    const e = await t.pointChannel('v1', '1.2.2', '1.2.3').catch((x: unknown) => x)
    expect(e).toBeInstanceOf(ChannelMovedError)
    expect((e as ChannelMovedError).holder).toBe('1.2.1')
    expect(standin.requests.filter((r) => r.method === 'PATCH')).toEqual([])
    expect(standin.tags.commitOf('v1')).toBe(commits['1.2.1'])
  })

  it('guard: v1 moved to a fix tagged after inspect -> the holder is named by its new version tag (the runner keeps a newer fix)', async () => {
    const { standin } = await fixture()
    const t = target(standin, { preferVersions: ['1.2.2', '1.2.3'] })
    await t.inspect()
    const fix = standin.tags.addCommit({ message: 'fix' })
    standin.tags.createTag('v1.2.4', fix, { annotated: { message: 'Release 1.2.4\n' } })
    standin.tags.createTag('v1', fix)
    const e = (await t.pointChannel('v1', '1.2.2', '1.2.3').catch((x: unknown) => x)) as ChannelMovedError
    expect(e).toBeInstanceOf(ChannelMovedError)
    expect(e.holder).toBe('1.2.4')
    expect(standin.requests.filter((r) => r.method === 'PATCH')).toEqual([])
  })

  it('guard: v1 deleted meanwhile -> ChannelMovedError (nothing there), nothing created', async () => {
    const { standin } = await fixture()
    const t = target(standin, { preferVersions: ['1.2.2', '1.2.3'] })
    await t.inspect()
    standin.tags.deleteTag('v1')
    const e = (await t.pointChannel('v1', '1.2.2', '1.2.3').catch((x: unknown) => x)) as ChannelMovedError
    expect(e).toBeInstanceOf(ChannelMovedError)
    expect(e.holder).toBeUndefined()
    expect(standin.tags.refs.has('v1')).toBe(false)
    expect(standin.requests.filter((r) => r.method !== 'GET')).toEqual([])
  })

  it('a 5xx on the PATCH: Octokit does not repeat it; the guard reads the tag again before the retry', async () => {
    const { standin, commits } = await fixture()
    const log = logger()
    const t = target(standin, { preferVersions: ['1.2.2', '1.2.3'], log })
    await t.inspect()
    standin.failNext({ method: 'PATCH', path: /\/git\/refs\/tags\/v1$/, status: 502 })
    const from = standin.requests.length
    expect(await t.pointChannel('v1', '1.2.2', '1.2.3')).toBe('written')
    expect(sent(standin, from)).toEqual([
      'GET /git/ref/tags/v1 -> 200',
      'PATCH /git/refs/tags/v1 -> 502',
      'GET /git/ref/tags/v1 -> 200', // read-back: not there
      'GET /git/ref/tags/v1 -> 200', // the fresh read that guards the retry
      'PATCH /git/refs/tags/v1 -> 200',
      'GET /git/ref/tags/v1 -> 200',
    ])
    expect(standin.tags.commitOf('v1')).toBe(commits['1.2.2'])
    expect(
      log.lines.some((l) => /warning: moving the git tag 'v1' to v1\.2\.2 .* did not take effect \(HTTP 502\)/.test(l)),
    ).toBe(true)
  })

  it('a 5xx on the PATCH, and v1 moved during the wait: the retry is not sent', async () => {
    const { standin, commits } = await fixture()
    const log = logger()
    // the guard logs its warning right before it waits: someone moves v1 then
    const moving = {
      ...log,
      warning: (m: string) => {
        log.warning(m)
        return standin.tags.createTag('v1', commits['1.2.1'])
      },
    }
    const t = target(standin, { preferVersions: ['1.2.2', '1.2.3'], log: moving })
    await t.inspect()
    standin.failNext({ method: 'PATCH', path: /\/git\/refs\/tags\/v1$/, status: 503 })
    const e = await t.pointChannel('v1', '1.2.2', '1.2.3').catch((x: unknown) => x)
    expect(e).toBeInstanceOf(ChannelMovedError)
    expect((e as ChannelMovedError).holder).toBe('1.2.1')
    expect(standin.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1)
    expect(standin.tags.commitOf('v1')).toBe(commits['1.2.1'])
  })

  it('a 5xx that took effect anyway: the read-back decides, one PATCH', async () => {
    const { standin, commits } = await fixture()
    const t = target(standin, { preferVersions: ['1.2.2', '1.2.3'] })
    await t.inspect()
    standin.failNext({ method: 'PATCH', path: /\/git\/refs\/tags\/v1$/, status: 502, applyFirst: true })
    expect(await t.pointChannel('v1', '1.2.2', '1.2.3')).toBe('written')
    expect(standin.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1)
    expect(standin.tags.commitOf('v1')).toBe(commits['1.2.2'])
  })

  it('a secondary rate limit on the PATCH with the throttling plugin on: its retry is refused, the guard re-reads and writes again', async () => {
    const { standin, commits } = await fixture()
    const t = new GitTagTarget({
      gh: client(standin, { throttle: true }),
      repository: 'acme/widget',
      tag: 'v1',
      preferVersions: ['1.2.2', '1.2.3'],
      log: logger(),
      retry: { attempts: 3, baseDelayMs: 10, maxDelayMs: 2000, deadlineMs: 10_000 },
    })
    await t.inspect()
    standin.failNext({
      method: 'PATCH',
      path: /\/git\/refs\/tags\/v1$/,
      status: 403,
      body: {
        message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
        documentation_url: 'https://docs.github.com/rest',
      },
      headers: { 'retry-after': '1' },
    })
    const from = standin.requests.length
    expect(await t.pointChannel('v1', '1.2.2', '1.2.3')).toBe('written')
    expect(sent(standin, from)).toEqual([
      'GET /git/ref/tags/v1 -> 200',
      'PATCH /git/refs/tags/v1 -> 403',
      'GET /git/ref/tags/v1 -> 200',
      'GET /git/ref/tags/v1 -> 200',
      'PATCH /git/refs/tags/v1 -> 200',
      'GET /git/ref/tags/v1 -> 200',
    ])
    expect(standin.tags.commitOf('v1')).toBe(commits['1.2.2'])
  }, 20_000)

  it('a rate limit that does not lift within the retry policy is a RegistryError saying so, not a token problem', async () => {
    const { standin, commits } = await fixture()
    const t = target(standin, { preferVersions: ['1.2.2', '1.2.3'] })
    await t.inspect()
    const limited = {
      message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
      documentation_url: 'https://docs.github.com/rest',
    }
    standin.failNext({
      method: 'PATCH',
      path: /\/git\/refs\/tags\/v1$/,
      status: 403,
      body: limited,
      headers: { 'retry-after': '0' },
      times: 3,
    })
    const e = await t.pointChannel('v1', '1.2.2', '1.2.3').catch((x: unknown) => x)
    expect(e).toBeInstanceOf(RegistryError)
    expect((e as Error).message).toMatch(/GitHub rate-limited moving the git tag 'v1'.*Fix: wait/)
    // each attempt was guarded by a read of its own
    expect(sent(standin).filter((l) => !l.includes('matching-refs') && !l.includes('/git/commits/'))).toEqual([
      'GET /git/ref/tags/v1 -> 200',
      ...Array.from({ length: 3 }, () => [
        'GET /git/ref/tags/v1 -> 200',
        'PATCH /git/refs/tags/v1 -> 403',
        'GET /git/ref/tags/v1 -> 200',
      ]).flat(),
    ])
    expect(standin.tags.commitOf('v1')).toBe(commits['1.2.3'])
  })

  it('a protected tag (ruleset): the 422 names the setting, and nothing changed', async () => {
    const { standin, commits } = await fixture()
    standin.tags.protect(/^v\d+$/)
    const t = target(standin, { preferVersions: ['1.2.2', '1.2.3'] })
    await t.inspect()
    const e = await t.pointChannel('v1', '1.2.2', '1.2.3').catch((x: unknown) => x)
    expect(e).toBeInstanceOf(RegistryError)
    expect((e as Error).message).toMatch(
      /refuses to move the git tag 'v1' of acme\/widget: the tag is protected \(Repository rule violations found Cannot update this protected ref\.\)/,
    )
    expect((e as Error).message).toMatch(/Fix: .*Rulesets.*bypass list/)
    expect(standin.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1) // a 422 is not retried
    expect(standin.tags.commitOf('v1')).toBe(commits['1.2.3'])
  })

  it('no moving tag yet: it is created (POST refs/tags/v1); a tag created meanwhile stops it', async () => {
    const { standin, commits } = await fixture({ moving: null })
    const t = target(standin, { preferVersions: ['1.2.2'] })
    expect((await t.inspect()).distTags).toEqual({})
    const from = standin.requests.length
    expect(await t.pointChannel('v1', '1.2.2', undefined)).toBe('written')
    expect(sent(standin, from)).toEqual([
      'GET /git/ref/tags/v1 -> 404',
      'POST /git/refs -> 201',
      'GET /git/ref/tags/v1 -> 200',
    ])
    expect(standin.requests.find((r) => r.method === 'POST')?.body).toEqual({
      ref: 'refs/tags/v1',
      sha: commits['1.2.2'],
    })
    expect(standin.tags.commitOf('v1')).toBe(commits['1.2.2'])

    standin.tags.deleteTag('v1')
    const u = target(standin, { preferVersions: ['1.2.2'] })
    await u.inspect()
    standin.tags.createTag('v1', commits['1.2.1'])
    const e = await u.pointChannel('v1', '1.2.2', undefined).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(ChannelMovedError)
    expect((e as ChannelMovedError).holder).toBe('1.2.1')
  })

  it('refuses another channel than its tag, and a restore version without a tag', async () => {
    const { standin } = await fixture()
    const t = target(standin)
    await t.inspect()
    const other = (await t.pointChannel('stable', '1.2.2', '1.2.3').catch((x: unknown) => x)) as InputError
    expect(other).toBeInstanceOf(InputError)
    expect(other.input).toBe('channel')
    const missing = (await t.pointChannel('v1', '1.1.0', '1.2.3').catch((x: unknown) => x)) as InputError
    expect(missing).toBeInstanceOf(InputError)
    expect(missing.input).toBe('restore-version')
    expect(missing.message).toMatch(/acme\/widget has no tag v1\.1\.0/)
    expect(standin.requests.filter((r) => r.method !== 'GET')).toEqual([])
  })
})

describe('git-tag target: the whole rollback (runRollback)', () => {
  const inputs = (over: Partial<RollbackInputs> = {}) =>
    rollbackInputs({
      packageName: 'acme/widget',
      registry: '',
      channel: 'v1',
      rollbackVersion: '1.2.3',
      deprecate: false,
      ...over,
    })
  const forInputs = (standin: Standin, i: RollbackInputs, log = logger()) =>
    target(standin, {
      log,
      preferVersions: [i.restoreVersion, i.rollbackVersion].filter(
        (v): v is string => v !== undefined && v !== 'current',
      ),
    })

  it('plans, moves v1 back to the last known good version, and a re-run is already done', async () => {
    const { standin, commits } = await fixture()
    const log = logger()
    const result = rolledBack(await runRollback(inputs(), forInputs(standin, inputs(), log), log))
    expect(result.status).toBe('completed')
    expect(result.targetKind).toBe('git-tag')
    expect(result.plan.restoreVersion).toBe('1.2.2')
    expect(result.plan.restoreChosen).toBe(true)
    expect(result.plan.tag).toEqual({ kind: 'move', from: '1.2.3', to: '1.2.2' })
    expect(result.plan.deprecation).toEqual({ kind: 'off' })
    expect(result.after.distTags).toEqual({ v1: '1.2.2' })
    expect(standin.tags.commitOf('v1')).toBe(commits['1.2.2'])
    expect(standin.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1)
    // GET /repos/acme/widget is the access check
    expect(standin.requests.some((r) => r.method === 'GET' && r.path === '/repos/acme/widget')).toBe(true)

    const again = rolledBack(await runRollback(inputs(), forInputs(standin, inputs()), logger()))
    expect(again.status).toBe('already-done')
    expect(again.plan.tag).toEqual({ kind: 'already', to: '1.2.2' })
    expect(standin.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1)
  })

  it('rollback-version current with release-commit: the commit of a git tag is exact', async () => {
    const { standin, commits } = await fixture()
    const wrong = inputs({ rollbackVersion: 'current', releaseCommit: commits['1.2.1'] })
    const skipped = await runRollback(wrong, forInputs(standin, wrong), logger())
    expect(skipped.status).toBe('skipped')
    expect(standin.tags.commitOf('v1')).toBe(commits['1.2.3'])
    const right = inputs({ rollbackVersion: 'current', releaseCommit: commits['1.2.3'] })
    const result = rolledBack(await runRollback(right, forInputs(standin, right), logger()))
    expect(result.status).toBe('completed')
    expect(standin.tags.commitOf('v1')).toBe(commits['1.2.2'])
  })

  it('the guard inside a full run: v1 moved after planning is left where it is', async () => {
    const { standin, commits } = await fixture()
    const i = inputs({ restoreVersion: '1.2.2' })
    const t = forInputs(standin, i)
    const inspect = t.inspect.bind(t)
    // someone moves v1 right after the run read it
    t.inspect = async () => {
      const s = await inspect()
      standin.tags.createTag('v1', commits['1.2.1'])
      return s
    }
    const e = await runRollback(i, t, logger()).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(ChannelMovedError)
    expect(standin.tags.commitOf('v1')).toBe(commits['1.2.1'])
    expect(standin.requests.filter((r) => r.method === 'PATCH')).toHaveLength(0)
  })
})

describe('git-tag target: checkAccess and inputs', () => {
  it('passes for a token that can push, and for the workflow token (no permissions in the answer)', async () => {
    const { standin } = await fixture()
    await expect(target(standin).checkAccess()).resolves.toBeUndefined()
    const repo = (await client(standin).rest.repos.get({ owner: 'acme', repo: 'widget' })).data as Record<
      string,
      unknown
    >
    delete repo.permissions
    standin.failNext({ method: 'GET', path: /^\/repos\/acme\/widget$/, status: 200, body: repo })
    await expect(target(standin).checkAccess()).resolves.toBeUndefined()
  })

  it('a rejected token, a repository it cannot see, and a read-only token are InputErrors naming github-token with the fix', async () => {
    const { standin } = await fixture()
    const bad = (await new GitTagTarget({
      gh: client(standin, { token: 'ghs_wrong' }),
      repository: 'acme/widget',
      tag: 'v1',
      log: logger(),
    })
      .checkAccess()
      .catch((x: unknown) => x)) as InputError
    expect(bad).toBeInstanceOf(InputError)
    expect(bad.input).toBe('github-token')
    expect(bad.message).toMatch(/401/)

    const unseen = (await target(standin, { repository: 'acme/other' })
      .checkAccess()
      .catch((x: unknown) => x)) as InputError
    expect(unseen).toBeInstanceOf(InputError)
    expect(unseen.input).toBe('github-token')
    expect(unseen.message).toMatch(/cannot read the repository acme\/other \(404.*Fix: .*contents: write/)

    const repo = (await client(standin).rest.repos.get({ owner: 'acme', repo: 'widget' })).data
    standin.failNext({
      method: 'GET',
      path: /^\/repos\/acme\/widget$/,
      status: 200,
      body: { ...repo, permissions: { ...repo.permissions, push: false } },
    })
    const readOnly = (await target(standin)
      .checkAccess()
      .catch((x: unknown) => x)) as InputError
    expect(readOnly).toBeInstanceOf(InputError)
    expect(readOnly.input).toBe('github-token')
    expect(readOnly.message).toMatch(/may not push.*Fix: .*contents: write/)
  })

  it('a write the token may not make (403) names github-token and contents: write', async () => {
    const { standin, commits } = await fixture()
    const t = target(standin, { preferVersions: ['1.2.2', '1.2.3'] })
    await t.inspect()
    standin.failNext({
      method: 'PATCH',
      path: /\/git\/refs\/tags\/v1$/,
      status: 403,
      body: { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest' },
    })
    const e = (await t.pointChannel('v1', '1.2.2', '1.2.3').catch((x: unknown) => x)) as InputError
    expect(e).toBeInstanceOf(InputError)
    expect(e.input).toBe('github-token')
    expect(e.message).toMatch(/Resource not accessible by integration.*Fix: .*contents: write/)
    expect(standin.tags.commitOf('v1')).toBe(commits['1.2.3'])
  })

  it('inspect with a token that cannot see the repository names github-token', async () => {
    const { standin } = await fixture()
    const e = (await target(standin, { repository: 'acme/other' })
      .inspect()
      .catch((x: unknown) => x)) as InputError
    expect(e).toBeInstanceOf(InputError)
    expect(e.input).toBe('github-token')
  })

  it('refuses a moving tag that is a version tag or not a tag name, a bad prefix and a bad repository', () => {
    const gh = createGitHubClient({ token: TOKEN, baseUrl: 'http://127.0.0.1:9', log: logger(), throttle: false })
    const make = (over: Partial<GitTagTargetOptions>) => () =>
      new GitTagTarget({ gh, repository: 'acme/widget', tag: 'v1', log: logger(), ...over })
    const input = (fn: () => unknown) => {
      try {
        fn()
      } catch (e) {
        expect(e).toBeInstanceOf(InputError)
        return (e as InputError).input
      }
      throw new Error('expected an InputError')
    }
    expect(input(make({ tag: 'v1.2.3' }))).toBe('channel')
    expect(input(make({ tag: '1.2.3', tagPrefix: '' }))).toBe('channel')
    expect(input(make({ tag: 'v 1' }))).toBe('channel')
    expect(input(make({ tag: 'v1..2' }))).toBe('channel')
    expect(input(make({ tag: '-v1' }))).toBe('channel')
    expect(input(make({ tagPrefix: '../' }))).toBe('tag-prefix')
    expect(input(make({ repository: 'acme' }))).toBe('repository')
    expect(make({ tag: 'production' })().label).toBe("git tag 'production' of acme/widget on GitHub")
    expect(make({ tag: 'v1.2.3', tagPrefix: 'release-' })().tag).toBe('v1.2.3')
  })
})
