// The GitHub bookkeeping against the stateful GitHub stand-in (every request checked
// against GitHub's OpenAPI description), after a real rollback on Verdaccio.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { recordIncident } from '../../src/github/bookkeeping.js'
import { executeRollback } from '../support/helpers.js'
import { createGitHubClient, type GitHubClientOptions } from '../../src/github/client.js'
import { startFaultProxy } from '../support/fault-proxy.mjs'
import type { RunContext } from '../../src/github/incident.js'
import type { GitHubInputs } from '../../src/config/inputs.js'
import { rolledBack, runRollback } from '../support/helpers.js'
import { incidentId } from '../../src/core/plan.js'
import { issueMarker } from '../../src/github/markers.js'
import { Octokit } from '@octokit/rest'
import { NpmTarget } from '../../src/targets/npm/target.js'
import { publishPackage } from '../support/fixtures.mjs'
import { gitBlobSha, startGitHubStandin, type GitHubStandin } from '../support/github-standin.mjs'
import { startVerdaccio, type Registry } from '../support/verdaccio.mjs'
import { quiet, rollbackInputs } from '../support/helpers.js'

let registry: Registry
let github: GitHubStandin | undefined
let counter = 0
beforeAll(async () => {
  registry = await startVerdaccio()
})
afterAll(async () => {
  await registry?.stop()
})
afterEach(async () => {
  // every request the code made must fit GitHub's OpenAPI description
  const violations = github?.violations ?? []
  await github?.stop()
  github = undefined
  expect(violations).toEqual([])
})

const ctx = (runAttempt = '1'): RunContext => ({
  repository: 'acme/widget',
  serverUrl: 'https://github.com',
  runId: '4242',
  runAttempt,
  actor: 'octocat',
  eventName: 'workflow_dispatch',
  workflow: 'Rollback',
})
const gi = (over: Partial<GitHubInputs> = {}): GitHubInputs => ({
  token: 'ghs_test-token',
  createIssue: true,
  labels: ['rollback'],
  assignees: [],
  commitReport: true,
  reportDir: 'incidents',
  severity: 'high',
  ...over,
})

async function freshPackage(): Promise<string> {
  const name = `books-widget-${++counter}`
  await publishPackage(registry, name, ['1.2.2', '1.2.3'])
  return name
}

async function rollbackAndRecord(
  pkg: string,
  options: {
    reason?: string
    github?: Partial<GitHubInputs>
    ctx?: RunContext
    log?: typeof quiet
    client?: Partial<GitHubClientOptions>
    token?: string
  } = {},
) {
  const inputs = rollbackInputs({
    packageName: pkg,
    registry: registry.url,
    npmToken: registry.token,
    ...(options.reason ? { reason: options.reason } : {}),
  })
  const log = options.log ?? quiet
  const result = rolledBack(
    await runRollback(
      inputs,
      new NpmTarget({ packageName: pkg, registry: registry.url, token: registry.token, log }),
      log,
    ),
  )
  const gh = createGitHubClient({
    token: options.token ?? 'ghs_test-token',
    baseUrl: (github as GitHubStandin).url,
    log,
    throttle: false,
    retryBaseMs: 5,
    ...options.client,
  })
  const books = await recordIncident(
    gh,
    options.ctx ?? ctx(),
    'main',
    result,
    inputs,
    gi(options.github),
    log,
    '2026-11-21T14:00:00.000Z',
  )
  return { result, books }
}

const issues = () => (github as GitHubStandin).state.issues.filter((i) => !i.pull_request)
const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} }

/** Someone else opens an issue that looks exactly like the incident's: same title, label and marker. */
async function outsiderIssue(pkg: string, token = 'ghp_mallory') {
  const as = new Octokit({ auth: token, baseUrl: (github as GitHubStandin).url, log: silent })
  const marker = issueMarker(incidentId(pkg, 'latest', '1.2.3', '1.2.2'))
  const { data } = await as.rest.issues.create({
    owner: 'acme',
    repo: 'widget',
    title: `Rollback: ${pkg}@1.2.3 → 1.2.2 on latest`,
    body: `${marker}\nlooks like yours`,
    labels: ['rollback'],
  })
  return data
}
/** Every write request the code made to one issue. */
const writesTo = (n: number) =>
  (github as GitHubStandin).requests.filter((r) => r.method !== 'GET' && new RegExp(`/issues/${n}(/|$)`).test(r.path))
const userLookups = () => (github as GitHubStandin).requests.filter((r) => r.method === 'GET' && r.path === '/user')
const reportOn = (branch: string, pkg: string) =>
  (github as GitHubStandin).state.files[branch]?.[`incidents/rollback-${pkg}-1.2.3.md`]

describe('tracking issue and incident report', () => {
  it('first run: opens one labelled issue and commits the report with [skip ci]', async () => {
    github = await startGitHubStandin()
    const pkg = await freshPackage()
    const { books } = await rollbackAndRecord(pkg)

    expect(books.missing).toEqual([])
    expect(issues()).toHaveLength(1)
    const [issue] = issues()
    expect(issue.title).toBe(`Rollback: ${pkg}@1.2.3 → 1.2.2 on latest`)
    expect(issue.labels.map((l) => l.name)).toEqual(['rollback'])
    expect(github.state.labels.map((l) => l.name)).toContain('rollback') // created: it did not exist
    expect(issue.body).toMatch(/<!-- release-rollback:incident=rr-[0-9a-f]{16} -->/)
    expect(books).toMatchObject({
      issueNumber: issue.number,
      issueUrl: issue.html_url,
      issueCreated: true,
      reportPath: `incidents/rollback-${pkg}-1.2.3.md`,
      reportOutcome: 'created',
    })

    expect(github.state.commits).toHaveLength(1)
    expect(github.state.commits[0]).toMatchObject({ branch: 'main', path: `incidents/rollback-${pkg}-1.2.3.md` })
    expect(github.state.commits[0].message).toMatch(/\[skip ci\]$/)
    const report = reportOn('main', pkg)?.content ?? ''
    expect(report).toContain(issue.html_url) // the report links the issue
    expect(report).toMatch(/2026-11-21 14:00:00|\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/)
  })

  it('re-run: no second issue, one comment, no second commit', async () => {
    github = await startGitHubStandin()
    const pkg = await freshPackage()
    await rollbackAndRecord(pkg)
    const commits = github.state.commits.length
    const { result, books } = await rollbackAndRecord(pkg, { ctx: ctx('2') })

    expect(result.status).toBe('already-done')
    expect(books).toMatchObject({ issueCreated: false, reportOutcome: 'unchanged', missing: [] })
    expect(issues()).toHaveLength(1)
    expect(issues()[0].comments).toHaveLength(1)
    expect(issues()[0].comments[0].body).toMatch(/Re-run/i)
    expect(github.state.commits).toHaveLength(commits)

    // the same run attempt retrying its bookkeeping does not comment twice
    await rollbackAndRecord(pkg, { ctx: ctx('2') })
    expect(issues()[0].comments).toHaveLength(1)
  })

  it("only our own issue: an outsider's issue with the same title, label and marker is left alone", async () => {
    github = await startGitHubStandin({ users: { ghp_mallory: 'mallory' } })
    const pkg = await freshPackage()
    const theirs = await outsiderIssue(pkg)
    const { books } = await rollbackAndRecord(pkg)

    expect(books.missing).toEqual([])
    const ours = issues().find((i) => i.number !== theirs.number)
    expect(ours?.user).toBe('github-actions[bot]')
    expect(books).toMatchObject({ issueNumber: ours?.number, issueCreated: true })
    const outsider = issues().find((i) => i.number === theirs.number)
    expect(outsider).toMatchObject({ state: 'open', comments: [], body: theirs.body, title: theirs.title })
    expect(writesTo(theirs.number)).toEqual([])
    // the workflow token (ghs_) is an installation token: GET /user would be refused, so it is not asked
    expect(userLookups()).toEqual([])

    // a re-run comments on ours, never on theirs
    await rollbackAndRecord(pkg, { ctx: ctx('2') })
    expect(issues().find((i) => i.number === ours?.number)?.comments).toHaveLength(1)
    expect(writesTo(theirs.number)).toEqual([])
    expect(issues()).toHaveLength(2)
  })

  it('a token GET /user refuses (403) is taken for the workflow token: github-actions[bot], asked once per client', async () => {
    // an installation token in the old 40-hex format: no ghs_ prefix to tell what it is
    const legacy = 'f'.repeat(40)
    github = await startGitHubStandin({ token: legacy, users: { ghp_mallory: 'mallory' } })
    const pkg = await freshPackage()
    const theirs = await outsiderIssue(pkg)
    const { books } = await rollbackAndRecord(pkg, { token: legacy })
    expect(userLookups().map((r) => r.status)).toEqual([403])
    expect(books.issueNumber).not.toBe(theirs.number)
    expect(writesTo(theirs.number)).toEqual([])
    await rollbackAndRecord(pkg, { token: legacy, ctx: ctx('2') })
    expect(issues().find((i) => i.number === books.issueNumber)?.comments).toHaveLength(1)
    expect(writesTo(theirs.number)).toEqual([])
  })

  it("a user's token: GET /user names the user, and a bot's issue with the marker is not ours", async () => {
    github = await startGitHubStandin({
      token: 'ghp_octocat',
      actor: 'octocat',
      users: { ghs_other: 'github-actions[bot]' },
    })
    const pkg = await freshPackage()
    const theirs = await outsiderIssue(pkg, 'ghs_other')
    const { books } = await rollbackAndRecord(pkg, { token: 'ghp_octocat' })
    expect(userLookups().map((r) => r.status)).toEqual([200])
    expect(issues().find((i) => i.number === books.issueNumber)?.user).toBe('octocat')
    expect(books.issueNumber).not.toBe(theirs.number)
    expect(writesTo(theirs.number)).toEqual([])
    await rollbackAndRecord(pkg, { token: 'ghp_octocat', ctx: ctx('2') })
    expect(issues().find((i) => i.number === books.issueNumber)?.comments).toHaveLength(1)
    expect(writesTo(theirs.number)).toEqual([])
  })

  it("another GitHub App's installation token: a re-run adopts the issue the report records, opened by a bot", async () => {
    // a ghs_ token of the team's own app acts as rollback-app[bot], which GET /user cannot name
    github = await startGitHubStandin({
      token: 'ghs_app-token',
      actor: 'rollback-app[bot]',
      users: { ghp_mallory: 'mallory' },
    })
    const pkg = await freshPackage()
    const first = await rollbackAndRecord(pkg, { token: 'ghs_app-token' })
    expect(issues().find((i) => i.number === first.books.issueNumber)?.user).toBe('rollback-app[bot]')
    const again = await rollbackAndRecord(pkg, { token: 'ghs_app-token', ctx: ctx('2') })
    expect(again.books).toMatchObject({ issueNumber: first.books.issueNumber, issueCreated: false, missing: [] })
    expect(issues()).toHaveLength(1)
    expect(issues()[0].comments).toHaveLength(1)
  })

  it('the issue number a report records is never enough for an issue a person opened', async () => {
    github = await startGitHubStandin({ users: { ghp_mallory: 'mallory' } })
    const pkg = await freshPackage()
    const theirs = await outsiderIssue(pkg)
    // a report (say, from an older version that adopted it) that records the outsider's issue
    const first = await rollbackAndRecord(pkg)
    const path = `incidents/rollback-${pkg}-1.2.3.md`
    const file = github.state.files.main[path]
    const { parseReportRecord } = await import('../../src/github/record.js')
    const { renderReport } = await import('../../src/github/render-report.js')
    const record = parseReportRecord(file.content)
    if (!record) throw new Error('no record in the report')
    const content = renderReport({ ...record, issueNumber: theirs.number, issueUrl: theirs.html_url }, ctx())
    github.state.files.main[path] = { content, sha: gitBlobSha(content) }
    github.state.issues = github.state.issues.filter((i) => i.number !== first.books.issueNumber) // ours is gone
    const again = await rollbackAndRecord(pkg, { ctx: ctx('2') })
    expect(again.books.issueNumber).not.toBe(theirs.number)
    expect(writesTo(theirs.number)).toEqual([])
  })

  it("two of our runs racing converge on one of ours; an outsider's lower-numbered issue is neither adopted nor closed", async () => {
    github = await startGitHubStandin({ users: { ghp_mallory: 'mallory' } })
    const pkg = await freshPackage()
    const theirs = await outsiderIssue(pkg)
    // one registry rollback, then both runs' bookkeeping at once: both list before either opens
    const inputs = rollbackInputs({ packageName: pkg, registry: registry.url, npmToken: registry.token })
    const result = rolledBack(
      await runRollback(
        inputs,
        new NpmTarget({ packageName: pkg, registry: registry.url, token: registry.token, log: quiet }),
        quiet,
      ),
    )
    const books = (attempt: string) =>
      recordIncident(
        createGitHubClient({
          token: 'ghs_test-token',
          baseUrl: (github as GitHubStandin).url,
          log: quiet,
          throttle: false,
        }),
        ctx(attempt),
        'main',
        result,
        inputs,
        gi(),
        quiet,
        '2026-11-21T14:00:00.000Z',
      )
    const [a, b] = await Promise.all([books('1'), books('2')])
    expect(a.missing).toEqual([])
    expect(a.issueNumber).toBe(b.issueNumber)
    expect(a.issueNumber).not.toBe(theirs.number)
    const ours = issues().filter((i) => i.user === 'github-actions[bot]')
    expect(ours).toHaveLength(2) // the race happened: both opened one
    expect(ours.filter((i) => i.state === 'open').map((i) => i.number)).toEqual([a.issueNumber])
    // when both opened one, the other is closed as a duplicate of the surviving one
    for (const dup of ours.filter((i) => i.state === 'closed')) {
      expect(dup.state_reason).toBe('not_planned')
      expect(dup.comments.map((c) => c.body)).toEqual([
        `Duplicate of #${a.issueNumber}: another run of the same rollback opened it at the same time.`,
      ])
    }
    expect(issues().find((i) => i.number === theirs.number)).toMatchObject({ state: 'open', comments: [] })
    expect(writesTo(theirs.number)).toEqual([])
  })

  it('round trips: a first run makes 6 requests, a re-run 5 (no GET /user, no label look-up, the report read once)', async () => {
    github = await startGitHubStandin()
    const pkg = await freshPackage()
    const inputs = rollbackInputs({ packageName: pkg, registry: registry.url, npmToken: registry.token })
    const run = (attempt: string) =>
      executeRollback(
        inputs,
        gi(),
        new NpmTarget({ packageName: pkg, registry: registry.url, token: registry.token, log: quiet }),
        createGitHubClient({
          token: 'ghs_test-token',
          baseUrl: (github as GitHubStandin).url,
          log: quiet,
          throttle: false,
        }),
        ctx(attempt),
        quiet,
      )
    const report = `/repos/acme/widget/contents/incidents/rollback-${pkg}-1.2.3.md`
    const seen = (from: number) =>
      (github as GitHubStandin).requests.slice(from).map((r) => `${r.method} ${r.path} ${r.status}`)

    const first = await run('1')
    expect(first.outcome.status).toBe('completed')
    expect(seen(0)).toEqual([
      'GET /repos/acme/widget 200',
      `GET ${report} 404`,
      'GET /repos/acme/widget/issues 200',
      'POST /repos/acme/widget/issues 201',
      'GET /repos/acme/widget/issues 200', // converge: did another run open one at the same time?
      // github-release: is there a release of the bad version? (none here: one listing, empty)
      'GET /repos/acme/widget/releases 200',
      `PUT ${report} 201`,
    ])
    expect(issues()[0].labels.map((l) => l.name)).toEqual(['rollback']) // created by opening the issue with it

    const before = github.requests.length
    const second = await run('2')
    expect(second.outcome.status).toBe('already-done')
    expect(seen(before)).toEqual([
      'GET /repos/acme/widget 200',
      `GET ${report} 200`,
      'GET /repos/acme/widget/issues 200',
      'GET /repos/acme/widget/issues/1/comments 200',
      'POST /repos/acme/widget/issues/1/comments 201',
      'GET /repos/acme/widget/releases 200',
    ])

    // with github-release: false, 6 and 5
    const pkg2 = await freshPackage()
    const inputs2 = rollbackInputs({ packageName: pkg2, registry: registry.url, npmToken: registry.token })
    const run2 = () =>
      executeRollback(
        inputs2,
        gi({ githubRelease: false }),
        new NpmTarget({ packageName: pkg2, registry: registry.url, token: registry.token, log: quiet }),
        createGitHubClient({
          token: 'ghs_test-token',
          baseUrl: (github as GitHubStandin).url,
          log: quiet,
          throttle: false,
        }),
        ctx('1'),
        quiet,
      )
    const at = github.requests.length
    await run2()
    expect(seen(at).filter((r) => r.includes('/releases'))).toEqual([])
    expect(seen(at)).toHaveLength(6)
  })

  it('labels that do not exist yet are created, all of them', async () => {
    github = await startGitHubStandin({ labels: ['bug'] })
    const pkg = await freshPackage()
    await rollbackAndRecord(pkg, { github: { labels: ['incident', 'sev-high'] } })
    expect(github.state.labels.map((l) => l.name).sort()).toEqual(['bug', 'incident', 'sev-high'])
    expect(
      issues()[0]
        .labels.map((l) => l.name)
        .sort(),
    ).toEqual(['incident', 'sev-high'])
  })

  it('a protected branch: commits to rollback/<incident-id> and opens one pull request, reused on re-run', async () => {
    github = await startGitHubStandin({ protectedBranches: ['main'] })
    const pkg = await freshPackage()
    const { result, books } = await rollbackAndRecord(pkg)
    const branch = `rollback/${result.plan.incidentId}`

    expect(books.missing).toEqual([])
    expect(reportOn('main', pkg)).toBeUndefined()
    expect(reportOn(branch, pkg)?.content).toContain(pkg)
    expect(github.state.pulls).toHaveLength(1)
    expect(github.state.pulls[0]).toMatchObject({ head: branch, base: 'main', state: 'open' })
    expect(books.pullRequestUrl).toBe(github.state.pulls[0].html_url)

    const commits = github.state.commits.length
    const again = await rollbackAndRecord(pkg, { ctx: ctx('2') })
    expect(again.books.pullRequestUrl).toBe(github.state.pulls[0].html_url)
    expect(github.state.pulls).toHaveLength(1)
    expect(github.state.commits).toHaveLength(commits)
  })

  it('pull request creation refused: the run is partial, names the setting, and a re-run after enabling it opens the pull request', async () => {
    github = await startGitHubStandin({ protectedBranches: ['main'], allowPullRequestCreation: false })
    const pkg = await freshPackage()
    const inputs = rollbackInputs({ packageName: pkg, registry: registry.url, npmToken: registry.token })
    const run = (attempt: string) =>
      executeRollback(
        inputs,
        gi(),
        new NpmTarget({ packageName: pkg, registry: registry.url, token: registry.token, log: quiet }),
        createGitHubClient({
          token: 'ghs_test-token',
          baseUrl: (github as GitHubStandin).url,
          log: quiet,
          throttle: false,
        }),
        ctx(attempt),
        quiet,
      )

    const first = await run('1')
    const branch = `rollback/${first.outcome.status === 'skipped' ? '' : first.outcome.plan.incidentId}`
    expect(reportOn(branch, pkg)).toBeDefined()
    expect(first.bookkeeping?.pullRequestUrl).toBeUndefined()
    // the report sits on a branch nobody sees: that is not a completed run
    expect(first.outcome.status).toBe('partial')
    expect(first.bookkeeping?.missing).toHaveLength(1)
    const missing = first.bookkeeping?.missing[0] ?? ''
    expect(missing).toContain(`the pull request for the incident report (committed on branch ${branch})`)
    expect(missing).toContain(
      'Settings → Actions → General → "Allow GitHub Actions to create and approve pull requests"',
    )
    expect(first.outcome.status === 'partial' && first.outcome.error?.message).toContain(
      'Allow GitHub Actions to create and approve pull requests',
    )
    const commits = github.state.commits.length

    // someone enables the setting and re-runs: the pull request is opened from the same branch, no second commit
    github.state.allowPullRequestCreation = true
    const second = await run('2')
    expect(second.bookkeeping?.missing).toEqual([])
    expect(second.outcome.status).toBe('already-done')
    expect(github.state.pulls).toHaveLength(1)
    expect(github.state.pulls[0]).toMatchObject({ head: branch, base: 'main', state: 'open' })
    expect(second.bookkeeping?.pullRequestUrl).toBe(github.state.pulls[0].html_url)
    expect(github.state.commits).toHaveLength(commits)
    expect(Object.keys(github.state.branches).filter((b) => b.startsWith('rollback/'))).toEqual([branch])
  })

  it('a pull request refused for lack of permission (pull-requests: write) is partial too, naming the permission', async () => {
    github = await startGitHubStandin({ protectedBranches: ['main'] })
    const pkg = await freshPackage()
    github.failNext({
      method: 'POST',
      path: /\/pulls$/,
      status: 403,
      body: { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest' },
    })
    const { books } = await rollbackAndRecord(pkg)
    expect(books.pullRequestUrl).toBeUndefined()
    expect(books.missing).toHaveLength(1)
    expect(books.missing[0]).toMatch(
      /the pull request for the incident report \(committed on branch rollback\/rr-[0-9a-f]+\)/,
    )
    expect(books.missing[0]).toContain('pull-requests: write')
  })

  it('a stale sha (409) is re-read and retried: one commit', async () => {
    github = await startGitHubStandin()
    const pkg = await freshPackage()
    github.failNext({
      method: 'PUT',
      path: /\/contents\//,
      status: 409,
      body: { message: 'is at 0123 but expected 4567' },
    })
    const { books } = await rollbackAndRecord(pkg)
    expect(books.missing).toEqual([])
    expect(github.state.commits).toHaveLength(1)
    expect(
      github.requests.filter((r) => r.method === 'PUT' && r.path.includes('/contents/')).map((r) => r.status),
    ).toEqual([409, 201])
  })

  it('a crash between the issue and the report: the re-run ends with one issue and one report', async () => {
    github = await startGitHubStandin()
    const pkg = await freshPackage()
    // one try and plugin-retry's three retries, all failing
    github.failNext({ method: 'PUT', path: /\/contents\//, status: 500, times: 4 })
    const first = await rollbackAndRecord(pkg)
    expect(
      github.requests.filter((r) => r.method === 'PUT' && r.path.includes('/contents/')).map((r) => r.status),
    ).toEqual([500, 500, 500, 500])
    expect(first.books.missing).toHaveLength(1)
    expect(first.books.missing[0]).toMatch(/^the incident report incidents\/rollback-books-widget-\d+-1\.2\.3\.md/)
    expect(issues()).toHaveLength(1)
    expect(github.state.commits).toHaveLength(0)

    const second = await rollbackAndRecord(pkg, { ctx: ctx('2') })
    expect(second.books.missing).toEqual([])
    expect(issues()).toHaveLength(1)
    expect(github.state.commits).toHaveLength(1)
    expect(reportOn('main', pkg)?.content).toContain(issues()[0].html_url)
  })

  it('an issue create that applied but answered 502 is found by its marker, not opened twice', async () => {
    github = await startGitHubStandin()
    const pkg = await freshPackage()
    github.failNext({ method: 'POST', path: /\/repos\/acme\/widget\/issues$/, status: 502, applyFirst: true })
    const { books } = await rollbackAndRecord(pkg)
    expect(books.missing).toEqual([])
    expect(issues()).toHaveLength(1)
    expect(books.issueNumber).toBe(issues()[0].number)
  })

  it('a secondary rate limit (429 + Retry-After) on the issue: the throttling plugin waits and retries, one issue', async () => {
    github = await startGitHubStandin()
    const pkg = await freshPackage()
    github.failNext({
      method: 'POST',
      path: /\/repos\/acme\/widget\/issues$/,
      status: 429,
      headers: { 'retry-after': '1' },
      body: { message: 'You have exceeded a secondary rate limit.' },
    })
    const { books } = await rollbackAndRecord(pkg, { client: { throttle: true } })
    expect(books.missing).toEqual([])
    expect(issues()).toHaveLength(1)
    const posts = github.requests.filter((r) => r.method === 'POST' && /\/issues$/.test(r.path))
    expect(posts.map((r) => r.status)).toEqual([429, 201])
  })

  it('a hung GitHub response hits the request deadline and is retried', async () => {
    github = await startGitHubStandin()
    const proxy = await startFaultProxy(`${github.url}/`)
    try {
      const pkg = await freshPackage()
      proxy.inject({ method: 'GET', path: /\/issues\?/, action: 'hang' })
      const { books } = await rollbackAndRecord(pkg, { client: { baseUrl: proxy.url, timeoutMs: 1000 } })
      expect(books.missing).toEqual([])
      expect(issues()).toHaveLength(1)
      expect(
        proxy.seen.filter((r) => /\/issues\?/.test(r.path) && r.method === 'GET' && r.fault === 'hang'),
      ).toHaveLength(1)
      // the hung list was asked again, then once more after opening the issue (converge)
      expect(proxy.seen.filter((r) => /\/issues\?/.test(r.path) && r.method === 'GET').length).toBeGreaterThanOrEqual(3)
    } finally {
      await proxy.stop()
    }
  })

  it('assignees GitHub refuses: the issue is opened without them, with a warning', async () => {
    github = await startGitHubStandin({ assignableUsers: ['octocat'] })
    const pkg = await freshPackage()
    const warnings: string[] = []
    await rollbackAndRecord(pkg, {
      github: { assignees: ['not-a-collaborator'] },
      log: { ...quiet, warning: (m: string) => void warnings.push(m) },
    })
    expect(issues()).toHaveLength(1)
    expect(issues()[0].assignees).toEqual([])
    expect(warnings.join()).toMatch(/refused the assignees \(not-a-collaborator\)/)
  })

  it('a reason with markdown, HTML and @mentions renders inertly in the issue and the report', async () => {
    github = await startGitHubStandin()
    const pkg = await freshPackage()
    const reason =
      '**bold** <script>alert(1)</script> @octocat [x](https://evil.example) ``` see http://evil.example/b or www.evil.example'
    await rollbackAndRecord(pkg, { reason })
    for (const text of [issues()[0].body ?? '', reportOn('main', pkg)?.content ?? '']) {
      const outsideFences = text.replace(/(`{3,})text\n[\s\S]*?\n\1/g, '')
      expect(outsideFences).not.toContain('<script>')
      expect(outsideFences).not.toMatch(/@octocat/)
      expect(outsideFences).not.toContain('[x](https://evil.example)')
      expect(outsideFences).toContain('&lt;script&gt;')
      // no autolink from the reason: GitHub would link a bare scheme:// or www.
      expect(outsideFences).not.toMatch(/(?:[a-z]:\/\/|www\.)evil\.example/i)
    }
  })
})
