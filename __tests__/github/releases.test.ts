// The bad version's GitHub Release after a rollback, against the stateful GitHub stand-in
// (every request and response checked against GitHub's OpenAPI description).
import { afterEach, describe, expect, it } from '@jest/globals'
import { Octokit } from '@octokit/rest'
import { createGitHubClient } from '../../src/github/client.js'
import { rolledBackMarker } from '../../src/github/markers.js'
import { markReleases, renderReleaseNote, type ReleaseRequest } from '../../src/github/releases.js'
import { startGitHubStandin, type GitHubStandin } from '../support/github-standin.mjs'
import { quiet } from '../support/helpers.js'

let github: GitHubStandin | undefined
afterEach(async () => {
  const violations = github?.violations ?? []
  await github?.stop()
  github = undefined
  expect(violations).toEqual([])
})

const repo = { owner: 'acme', repo: 'widget' }
const ISSUE = 'https://github.com/acme/widget/issues/7'
const request = (over: Partial<ReleaseRequest> = {}): ReleaseRequest => ({
  bad: '1.2.3',
  restore: '1.2.2',
  reason: 'Crashes on start',
  incidentId: 'rr-0123456789abcdef',
  issueUrl: ISSUE,
  ...over,
})

async function start() {
  github = await startGitHubStandin()
  return github
}
const client = (gh: GitHubStandin) =>
  createGitHubClient({ token: 'ghs_test-token', baseUrl: gh.url, log: quiet, throttle: false, retryBaseMs: 5 })
/** every request as `METHOD path`, from index `from` on */
const calls = (gh: GitHubStandin, from = 0) => gh.requests.slice(from).map((r) => `${r.method} ${r.path}`)
const writes = (gh: GitHubStandin) => gh.requests.filter((r) => r.method !== 'GET')
const run = (gh: GitHubStandin, over: Partial<ReleaseRequest> = {}) =>
  markReleases(client(gh), repo, request(over), quiet, { retryDelayMs: 5 })

/** 1.2.2 then 1.2.3, each made latest when created (as publishing them does): 1.2.3 is latest */
function twoReleases(gh: GitHubStandin, prefix = 'v') {
  const good = gh.releases.create({ tag_name: `${prefix}1.2.2`, body: 'Fixes.', created_at: '2026-11-01T10:00:00Z' })
  const bad = gh.releases.create({
    tag_name: `${prefix}1.2.3`,
    body: '## Changes\n\n- new parser',
    created_at: '2026-11-20T10:00:00Z',
  })
  return { good, bad }
}

describe('stand-in: releases', () => {
  it('finds releases by tag and id, and answers "latest" by GitHub\'s rule', async () => {
    const gh = await start()
    const octokit = new Octokit({
      auth: 'ghs_test-token',
      baseUrl: gh.url,
      log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    })
    const old = gh.releases.create({ tag_name: 'v1.0.0', created_at: '2026-01-01T00:00:00Z', make_latest: 'legacy' })
    const newer = gh.releases.create({ tag_name: 'v1.1.0', created_at: '2026-02-01T00:00:00Z', make_latest: 'legacy' })
    gh.releases.create({ tag_name: 'v2.0.0-rc.1', prerelease: true, created_at: '2026-03-01T00:00:00Z' })
    const draft = gh.releases.create({ tag_name: 'v2.0.0', draft: true, created_at: '2026-04-01T00:00:00Z' })
    const latestId = async () => (await octokit.rest.repos.getLatestRelease(repo)).data.id

    // by creation date, drafts and prereleases never
    expect(await latestId()).toBe(newer.id)
    expect((await octokit.rest.repos.getReleaseByTag({ ...repo, tag: 'v1.0.0' })).data).toMatchObject({
      id: old.id,
      name: 'v1.0.0',
      html_url: 'https://github.com/acme/widget/releases/tag/v1.0.0',
    })
    // a draft has no tag yet
    await expect(octokit.rest.repos.getReleaseByTag({ ...repo, tag: 'v2.0.0' })).rejects.toMatchObject({ status: 404 })
    expect((await octokit.rest.repos.getRelease({ ...repo, release_id: draft.id })).data.draft).toBe(true)

    // make_latest "true" pins, an edit without it leaves latest alone, "legacy" unpins, "false" opts out
    await octokit.rest.repos.updateRelease({ ...repo, release_id: old.id, make_latest: 'true' })
    expect(await latestId()).toBe(old.id)
    await octokit.rest.repos.updateRelease({ ...repo, release_id: newer.id, name: 'renamed', body: 'edited' })
    expect(await latestId()).toBe(old.id)
    expect(gh.releases.byTag('v1.1.0')).toMatchObject({ name: 'renamed', body: 'edited' })
    await octokit.rest.repos.updateRelease({ ...repo, release_id: old.id, make_latest: 'legacy' })
    expect(await latestId()).toBe(newer.id)
    await octokit.rest.repos.updateRelease({ ...repo, release_id: newer.id, make_latest: 'false' })
    expect(await latestId()).toBe(old.id)
    // a prerelease cannot be made latest
    const rc = gh.releases.byTag('v2.0.0-rc.1')
    await expect(
      octokit.rest.repos.updateRelease({ ...repo, release_id: rc?.id ?? 0, make_latest: 'true' }),
    ).rejects.toMatchObject({ status: 422 })

    // no published full release at all: 404
    for (const r of gh.releases.list) r.prerelease = true
    await expect(octokit.rest.repos.getLatestRelease(repo)).rejects.toMatchObject({ status: 404 })
  })

  it('creating a release makes it latest by default, like publishing one through the API', async () => {
    const gh = await start()
    const newer = gh.releases.create({ tag_name: 'v2.0.0', created_at: '2026-05-01T00:00:00Z' })
    const older = gh.releases.create({ tag_name: 'v1.9.9', created_at: '2026-04-01T00:00:00Z' })
    expect(gh.releases.latest()?.id).toBe(older.id)
    gh.releases.create({ tag_name: 'v1.9.8', created_at: '2026-03-01T00:00:00Z', make_latest: 'false' })
    expect(gh.releases.latest()?.id).toBe(older.id)
    // "legacy": by creation date, not by the order they were entered
    gh.releases.makeLatest(older, 'legacy')
    expect(gh.releases.latest()?.id).toBe(newer.id)
  })
})

describe("marking the bad version's GitHub Release", () => {
  it('first run: prefixes the title, puts the note with reason, issue link and marker on top, and makes the restore release latest', async () => {
    const gh = await start()
    const { good, bad } = twoReleases(gh)
    expect(gh.releases.latest()?.id).toBe(bad.id)

    const out = await run(gh)

    expect(out).toEqual({
      badRelease: { url: 'https://github.com/acme/widget/releases/tag/v1.2.3', outcome: 'marked' },
      latestMovedTo: { tag: 'v1.2.2', url: 'https://github.com/acme/widget/releases/tag/v1.2.2', outcome: 'moved' },
      warnings: [],
      missing: [],
    })
    expect(bad.name).toBe('Rolled back: v1.2.3')
    const note = renderReleaseNote(request(), 'https://github.com/acme/widget/releases/tag/v1.2.2')
    expect(bad.body).toBe(`${note}\n\n## Changes\n\n- new parser`)
    expect(note.startsWith(rolledBackMarker('rr-0123456789abcdef'))).toBe(true)
    expect(rolledBackMarker('rr-0123456789abcdef')).toBe('<!-- release-rollback:rolled-back=rr-0123456789abcdef -->')
    expect(note).toContain('Reason: Crashes on start')
    expect(note).toContain(`Tracking issue: ${ISSUE}`)
    expect(note).toContain('Use [1.2.2](https://github.com/acme/widget/releases/tag/v1.2.2) instead')
    expect(gh.releases.latest()?.id).toBe(good.id)
    // the restore release itself is left as it was
    expect(good).toMatchObject({ name: 'v1.2.2', body: 'Fixes.' })

    // 5 requests (one listing finds both releases), the writes each right after their guard read
    expect(calls(gh)).toEqual([
      'GET /repos/acme/widget/releases',
      `GET /repos/acme/widget/releases/${bad.id}`,
      `PATCH /repos/acme/widget/releases/${bad.id}`,
      'GET /repos/acme/widget/releases/latest',
      `PATCH /repos/acme/widget/releases/${good.id}`,
    ])
    expect(writes(gh).map((r) => r.body)).toEqual([
      { name: 'Rolled back: v1.2.3', body: bad.body },
      { make_latest: 'true' },
    ])
  })

  it('a re-run finds the marker and writes nothing (2 reads)', async () => {
    const gh = await start()
    const { good, bad } = twoReleases(gh)
    await run(gh)
    const snapshot = structuredClone(gh.releases.list)
    const from = gh.requests.length

    const again = await run(gh)

    expect(again).toEqual({
      badRelease: { url: 'https://github.com/acme/widget/releases/tag/v1.2.3', outcome: 'already' },
      latestMovedTo: { tag: 'v1.2.2', url: 'https://github.com/acme/widget/releases/tag/v1.2.2', outcome: 'already' },
      warnings: [],
      missing: [],
    })
    expect(calls(gh, from)).toEqual(['GET /repos/acme/widget/releases', 'GET /repos/acme/widget/releases/latest'])
    expect(gh.releases.list).toEqual(snapshot)
    expect(bad.name).toBe('Rolled back: v1.2.3')
    expect(bad.body?.split(rolledBackMarker('rr-0123456789abcdef'))).toHaveLength(2)
    expect(gh.releases.latest()?.id).toBe(good.id)
  })

  it('a person who edits the notes or the title between the look-up and the write keeps their edit', async () => {
    const gh = await start()
    const { bad } = twoReleases(gh)
    const edited = '## Changes\n\n- new parser\n\nKnown issue: crashes on start (added by a maintainer)'
    // right after the listing answers, before the guard read
    gh.releases.afterServe((op, release) => {
      if (op === 'list' && release?.id === bad.id) {
        bad.body = edited
        bad.name = 'v1.2.3 (parser rewrite)'
      }
    })

    const out = await run(gh)

    expect(out.badRelease?.outcome).toBe('marked')
    expect(bad.name).toBe('Rolled back: v1.2.3 (parser rewrite)')
    expect(bad.body).toBe(
      `${renderReleaseNote(request(), 'https://github.com/acme/widget/releases/tag/v1.2.2')}\n\n${edited}`,
    )
  })

  it('a write that failed is retried only after a fresh read, built from what the release says then', async () => {
    const gh = await start()
    const { bad } = twoReleases(gh)
    let guardReads = 0
    gh.releases.afterServe((op) => {
      // a person edits right after the first guard read; the PATCH built from it then fails
      if (op === 'get' && ++guardReads === 1) bad.body = 'edited after the first guard read'
    })
    gh.failNext({ method: 'PATCH', path: new RegExp(`/releases/${bad.id}$`), status: 502 })

    const out = await run(gh)

    expect(out).toMatchObject({ badRelease: { outcome: 'marked' }, missing: [] })
    expect(bad.body).toBe(
      `${renderReleaseNote(request(), 'https://github.com/acme/widget/releases/tag/v1.2.2')}\n\nedited after the first guard read`,
    )
    expect(calls(gh).slice(1, 5)).toEqual([
      `GET /repos/acme/widget/releases/${bad.id}`,
      `PATCH /repos/acme/widget/releases/${bad.id}`,
      `GET /repos/acme/widget/releases/${bad.id}`,
      `PATCH /repos/acme/widget/releases/${bad.id}`,
    ])
  })

  it('a write that took effect but whose answer was lost is not written again', async () => {
    const gh = await start()
    const { bad } = twoReleases(gh)
    gh.failNext({ method: 'PATCH', path: new RegExp(`/releases/${bad.id}$`), status: 502, applyFirst: true })

    const out = await run(gh)

    expect(out).toMatchObject({ badRelease: { outcome: 'marked' }, missing: [] })
    expect(writes(gh).filter((r) => r.path.endsWith(`/releases/${bad.id}`))).toHaveLength(1)
    expect(bad.name).toBe('Rolled back: v1.2.3')
    expect(bad.body?.split(rolledBackMarker('rr-0123456789abcdef'))).toHaveLength(2)
  })

  it('a title that already says "Rolled back: " gets no second prefix; the note still goes on top', async () => {
    const gh = await start()
    const { bad } = twoReleases(gh)
    bad.name = 'Rolled back: v1.2.3'

    const out = await run(gh)

    expect(out.badRelease?.outcome).toBe('marked')
    expect(bad.name).toBe('Rolled back: v1.2.3')
    expect(bad.body?.startsWith(rolledBackMarker('rr-0123456789abcdef'))).toBe(true)
    expect(writes(gh)[0].body).toEqual({ body: bad.body })
  })

  it('latest stays where it is when the bad release was not latest', async () => {
    const gh = await start()
    const { good, bad } = twoReleases(gh)
    // a newer line was published after the bad patch release (1.2.3 was a backport)
    const current = gh.releases.create({ tag_name: 'v1.3.0', created_at: '2026-11-25T10:00:00Z' })

    const out = await run(gh)

    expect(out.badRelease?.outcome).toBe('marked')
    expect(out.latestMovedTo).toBeUndefined()
    expect(out.warnings).toEqual([])
    expect(gh.releases.latest()?.id).toBe(current.id)
    expect(writes(gh).map((r) => r.path)).toEqual([`/repos/acme/widget/releases/${bad.id}`])
    expect(good.name).toBe('v1.2.2')
  })

  it('latest is not moved when someone moved it between the look-up and the guard read', async () => {
    const gh = await start()
    const { bad } = twoReleases(gh)
    const other = gh.releases.create({ tag_name: 'v1.2.1', created_at: '2026-10-01T10:00:00Z', make_latest: 'legacy' })
    expect(gh.releases.latest()?.id).toBe(bad.id)
    gh.releases.afterServe((op, release) => {
      // a maintainer picks 1.2.1 as latest by hand while the rollback marks 1.2.3
      if (op === 'update' && release?.id === bad.id) gh.releases.makeLatest(other, 'true')
    })

    const out = await run(gh)

    expect(out.badRelease?.outcome).toBe('marked')
    expect(out.latestMovedTo).toBeUndefined()
    expect(gh.releases.latest()?.id).toBe(other.id)
    expect(writes(gh).map((r) => r.path)).toEqual([`/repos/acme/widget/releases/${bad.id}`])
  })

  it('restore version without a release: a warning, and latest is left untouched (no other release is made latest)', async () => {
    const gh = await start()
    gh.releases.create({ tag_name: 'v1.2.1', created_at: '2026-10-01T10:00:00Z' })
    const bad = gh.releases.create({ tag_name: 'v1.2.3', created_at: '2026-11-20T10:00:00Z' })

    const out = await run(gh)

    expect(out.badRelease?.outcome).toBe('marked')
    expect(out.latestMovedTo).toBeUndefined()
    expect(out.missing).toEqual([])
    expect(out.warnings).toEqual([
      "The GitHub Release v1.2.3 is still the repository's latest release: 1.2.2 has no GitHub Release (looked for tags v1.2.2, 1.2.2). Choose the latest release by hand.",
    ])
    expect(gh.releases.latest()?.id).toBe(bad.id)
    expect(writes(gh).map((r) => [r.path, r.body])).toEqual([
      [`/repos/acme/widget/releases/${bad.id}`, expect.not.objectContaining({ make_latest: expect.anything() })],
    ])
    // without a restore release the note names the version without a link
    expect(bad.body).toContain('Use 1.2.2 instead.')
  })

  it('restore release that is a prerelease: a warning, latest untouched', async () => {
    const gh = await start()
    const pre = gh.releases.create({ tag_name: 'v1.2.2', prerelease: true, created_at: '2026-11-01T10:00:00Z' })
    const bad = gh.releases.create({ tag_name: 'v1.2.3', created_at: '2026-11-20T10:00:00Z' })

    const out = await run(gh)

    expect(out.warnings).toEqual([expect.stringContaining('the release v1.2.2 of 1.2.2 is a prerelease')])
    expect(gh.releases.latest()?.id).toBe(bad.id)
    expect(writes(gh).some((r) => r.path.endsWith(`/releases/${pre.id}`))).toBe(false)
  })

  it('no release for the bad version: nothing is written and nothing is reported', async () => {
    const gh = await start()
    const good = gh.releases.create({ tag_name: 'v1.2.2' })

    const out = await run(gh)

    expect(out).toEqual({ warnings: [], missing: [] })
    expect(calls(gh)).toEqual(['GET /repos/acme/widget/releases'])
    expect(good).toMatchObject({ name: 'v1.2.2', body: null })
  })

  it('tags without the v prefix: 1.2.3 is found, and 1.2.2 is taken without the prefix first', async () => {
    const gh = await start()
    const { good, bad } = twoReleases(gh, '')

    const out = await run(gh)

    expect(out).toMatchObject({
      badRelease: { outcome: 'marked', url: 'https://github.com/acme/widget/releases/tag/1.2.3' },
      latestMovedTo: { tag: '1.2.2', outcome: 'moved' },
      missing: [],
    })
    expect(bad.name).toBe('Rolled back: 1.2.3')
    expect(gh.releases.latest()?.id).toBe(good.id)
    // the first-choice tags (v1.2.3, v1.2.2) are not there: the listing is read to its end, one page here
    expect(calls(gh).slice(0, 2)).toEqual([
      'GET /repos/acme/widget/releases',
      `GET /repos/acme/widget/releases/${bad.id}`,
    ])
  })

  it('a 403 is collected in missing and names contents: write; nothing is thrown', async () => {
    const gh = await start()
    const { good, bad } = twoReleases(gh)
    const refused = {
      message: 'Resource not accessible by integration',
      documentation_url: 'https://docs.github.com/rest/releases/releases#update-a-release',
      status: '403',
    }
    gh.failNext({ method: 'PATCH', path: /\/releases\/\d+$/, status: 403, body: refused, times: 2 })

    const out = await run(gh)

    expect(out.badRelease).toBeUndefined()
    expect(out.latestMovedTo).toBeUndefined()
    expect(out.missing).toHaveLength(2)
    expect(out.missing[0]).toMatch(
      /^the GitHub Release v1\.2\.3 marked as rolled back \(GitHub answered 403: Resource not accessible by integration\. .*`contents: write`/,
    )
    expect(out.missing[1]).toMatch(
      /^the GitHub Release v1\.2\.2 made latest instead of v1\.2\.3 \(GitHub answered 403: .*`contents: write`/,
    )
    // a 403 is not retried
    expect(writes(gh)).toHaveLength(2)
    expect(bad.name).toBe('v1.2.3')
    expect(gh.releases.latest()?.id).toBe(bad.id)
    expect(good.name).toBe('v1.2.2')
  })

  it('a failed look-up is collected in missing, not thrown', async () => {
    const gh = await start()
    twoReleases(gh)
    gh.failNext({
      method: 'GET',
      path: /\/releases$/,
      status: 403,
      body: {
        message: 'Resource not accessible by integration',
        documentation_url: 'https://docs.github.com/rest',
        status: '403',
      },
    })

    const out = await run(gh)

    expect(out.missing).toEqual([
      expect.stringMatching(
        /^the GitHub Release of 1\.2\.3 marked as rolled back \(could not look it up: GitHub answered 403: .*`contents: write`/,
      ),
    ])
    expect(writes(gh)).toHaveLength(0)
  })

  it('the listing is paginated: releases beyond its first page are found (two pages read, no more)', async () => {
    const gh = await start()
    const { good, bad } = twoReleases(gh)
    // 120 newer releases put both on the second page of 100 (newest first)
    for (let i = 0; i < 120; i++)
      gh.releases.create({
        tag_name: `v2.0.${i}`,
        created_at: `2026-11-2${1 + Math.floor(i / 40)}T10:00:${String(i % 40).padStart(2, '0')}Z`,
      })

    const out = await run(gh)

    expect(out).toMatchObject({ badRelease: { outcome: 'marked' }, missing: [] })
    expect(bad.name).toBe('Rolled back: v1.2.3')
    expect(bad.body).toContain('Use [1.2.2](https://github.com/acme/widget/releases/tag/v1.2.2) instead')
    expect(good.name).toBe('v1.2.2')
    const listings = gh.requests.filter((r) => r.method === 'GET' && r.path === '/repos/acme/widget/releases')
    expect(listings.map((r) => r.query.page ?? '1')).toEqual(['1', '2'])
    expect(gh.violations).toEqual([])
  })

  it('a failed later page of the listing is collected in missing and nothing is written', async () => {
    const gh = await start()
    twoReleases(gh)
    for (let i = 0; i < 120; i++) gh.releases.create({ tag_name: `v2.0.${i}`, created_at: '2026-11-22T10:00:00Z' })
    let pages = 0
    gh.releases.afterServe((op) => {
      if (op === 'list' && ++pages === 100)
        gh.failNext({
          method: 'GET',
          path: /\/releases$/,
          status: 403,
          body: {
            message: 'Resource not accessible by integration',
            documentation_url: 'https://docs.github.com/rest',
            status: '403',
          },
        })
    })

    const out = await run(gh)

    expect(out.missing).toEqual([
      expect.stringMatching(/^the GitHub Release of 1\.2\.3 marked as rolled back \(could not look it up/),
    ])
    expect(writes(gh)).toHaveLength(0)
  })

  it('a release deleted between the look-up and the guard read is not recreated or reported missing', async () => {
    const gh = await start()
    const { bad } = twoReleases(gh)
    gh.releases.afterServe((op, release) => {
      if (op === 'list' && release?.id === bad.id) gh.releases.list.splice(gh.releases.list.indexOf(bad), 1)
    })

    const out = await run(gh)

    expect(out.badRelease).toBeUndefined()
    expect(out.missing).toEqual([])
    expect(writes(gh)).toEqual([])
    expect(gh.releases.list.map((r) => r.tag_name)).toEqual(['v1.2.2'])
  })

  it('a reason with a URL, a mention, HTML and Markdown is rendered inert', async () => {
    const gh = await start()
    const { bad } = twoReleases(gh)
    const reason =
      'See https://evil.example/x and www.evil.example, ping @octocat <img src=x onerror=alert(1)> [click](https://evil.example) #12\n> [!NOTE]'

    await run(gh, { reason })

    const body = bad.body ?? ''
    const note = body.split('\n\n## Changes')[0]
    expect(note).not.toMatch(/https:\/\/evil/)
    expect(note).toContain('https:\u200b//evil.example/x')
    expect(note).toContain('www\u200b.evil.example')
    expect(note).toContain('@\u200boctocat')
    expect(note).not.toContain('<img')
    expect(note).toContain('&lt;img src=x onerror=alert(1)&gt;')
    expect(note).toContain('\\[click\\](https:\u200b//evil.example)')
    expect(note).toContain('\\#12')
    // the reason stays on one line of the quote: no second alert can start
    expect(note.split('\n').filter((l) => l.includes('[!'))).toEqual(['> [!WARNING]'])
  })
})
