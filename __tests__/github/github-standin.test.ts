// Proves the GitHub REST stand-in behaves like the parts of GitHub the action relies on,
// and that its OpenAPI contract check really rejects requests GitHub would not accept.
import { afterEach, describe, expect, it } from '@jest/globals'
import { retry } from '@octokit/plugin-retry'
import { throttling } from '@octokit/plugin-throttling'
import { Octokit } from '@octokit/rest'
import { checkGitHubResponse, gitBlobSha, startGitHubStandin } from '../support/github-standin.mjs'

type Standin = Awaited<ReturnType<typeof startGitHubStandin>>

const owner = 'acme'
const repo = 'widget'
const token = 'ghs_test-token'
const MARKER = '<!-- release-rollback:incident:my-pkg@2.0.0 -->'
// Octokit logs every failed request with console.error; these tests fail requests on purpose
const log = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} }
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64')

const running: Standin[] = []
async function start(options: Parameters<typeof startGitHubStandin>[0] = {}) {
  const standin = await startGitHubStandin(options)
  running.push(standin)
  const octokit = new Octokit({ auth: token, baseUrl: standin.url, log })
  return { standin, octokit }
}
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()))
})

/** a request Octokit's types would refuse to compile: these tests send such requests on purpose */
function untyped(octokit: Octokit, route: string, params: Record<string, unknown>) {
  return octokit.request(route, params)
}

/** the HTTP status and GitHub error body of a rejected Octokit call */
async function failure(promise: Promise<unknown>) {
  try {
    await promise
  } catch (err) {
    const e = err as { status?: number; response?: { data?: unknown; headers?: Record<string, string> } }
    return { status: e.status, data: e.response?.data as Record<string, unknown> }
  }
  throw new Error('expected the request to fail, but it succeeded')
}

describe('GitHub stand-in: issues, labels, comments', () => {
  it('creates an issue, finds it again by label and marker, comments, and re-lists', async () => {
    const { standin, octokit } = await start({ labels: ['rollback'] })
    expect(standin.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)

    const created = await octokit.rest.issues.create({
      owner,
      repo,
      title: 'Rolled back my-pkg@2.0.0',
      body: `${MARKER}\nThe release was rolled back.`,
      labels: ['rollback', 'incident'],
    })
    expect(created.status).toBe(201)
    expect(created.data.number).toBe(1)
    expect(created.data.html_url).toBe('https://github.com/acme/widget/issues/1')
    expect(created.data.user?.login).toBe('github-actions[bot]')
    expect(created.data.labels.map((l) => (typeof l === 'string' ? l : l.name))).toEqual(['rollback', 'incident'])
    // GitHub creates labels that do not exist yet when an issue uses them
    expect(standin.state.labels.map((l) => l.name)).toEqual(['rollback', 'incident'])
    await octokit.rest.issues.create({ owner, repo, title: 'unrelated issue' })

    const byLabel = await octokit.rest.issues.listForRepo({
      owner,
      repo,
      labels: 'rollback',
      state: 'all',
      per_page: 100,
    })
    expect(byLabel.data.map((i) => i.number)).toEqual([1])
    expect(byLabel.data.find((i) => i.body?.includes(MARKER))?.number).toBe(1)
    // all listed labels must be present; label filters are case-insensitive
    const both = await octokit.rest.issues.listForRepo({ owner, repo, labels: 'Rollback,INCIDENT' })
    expect(both.data.map((i) => i.number)).toEqual([1])
    const none = await octokit.rest.issues.listForRepo({ owner, repo, labels: 'rollback,nope' })
    expect(none.data).toEqual([])
    const all = await octokit.rest.issues.listForRepo({ owner, repo })
    expect(all.data.map((i) => i.number)).toEqual([2, 1]) // newest first, like GitHub

    const comment = await octokit.rest.issues.createComment({
      owner,
      repo,
      issue_number: 1,
      body: 'Rolled back again.',
    })
    expect(comment.status).toBe(201)
    expect(comment.data.html_url).toBe(`https://github.com/acme/widget/issues/1#issuecomment-${comment.data.id}`)
    const relisted = await octokit.rest.issues.listForRepo({ owner, repo, labels: 'rollback' })
    expect(relisted.data[0].comments).toBe(1)
    const comments = await octokit.rest.issues.listComments({ owner, repo, issue_number: 1 })
    expect(comments.data.map((c) => c.body)).toEqual(['Rolled back again.'])
    expect(standin.state.issues[0].comments.map((c) => c.body)).toEqual(['Rolled back again.'])

    const closed = await octokit.rest.issues.update({ owner, repo, issue_number: 2, state: 'closed' })
    expect(closed.data.state).toBe('closed')
    expect(closed.data.closed_at).not.toBeNull()
    expect((await octokit.rest.issues.listForRepo({ owner, repo })).data.map((i) => i.number)).toEqual([1])
    expect((await octokit.rest.issues.get({ owner, repo, issue_number: 2 })).data.state_reason).toBe('completed')
    expect((await failure(octokit.rest.issues.get({ owner, repo, issue_number: 99 }))).status).toBe(404)

    expect(standin.violations).toEqual([])
  })

  it('creates missing labels, refuses duplicates with GitHub’s validation error, adds labels to issues', async () => {
    const { standin, octokit } = await start({ labels: ['rollback'] })
    expect((await octokit.rest.issues.getLabel({ owner, repo, name: 'rollback' })).data.name).toBe('rollback')
    expect((await failure(octokit.rest.issues.getLabel({ owner, repo, name: 'incident' }))).status).toBe(404)

    const label = await octokit.rest.issues.createLabel({
      owner,
      repo,
      name: 'incident',
      color: 'b60205',
      description: 'x',
    })
    expect(label.status).toBe(201)
    expect(label.data).toMatchObject({ name: 'incident', color: 'b60205', description: 'x', default: false })

    const dup = await failure(octokit.rest.issues.createLabel({ owner, repo, name: 'Incident' }))
    expect(dup.status).toBe(422)
    expect(dup.data).toMatchObject({
      message: 'Validation Failed',
      errors: [{ resource: 'Label', code: 'already_exists', field: 'name' }],
    })
    expect(standin.state.labels).toHaveLength(2)

    await octokit.rest.issues.create({ owner, repo, title: 't' })
    const added = await octokit.rest.issues.addLabels({ owner, repo, issue_number: 1, labels: ['incident', 'fresh'] })
    expect(added.data.map((l) => l.name)).toEqual(['incident', 'fresh'])
    expect(standin.state.issues[0].labels.map((l) => l.name)).toEqual(['incident', 'fresh'])
    expect(standin.state.labels.map((l) => l.name)).toEqual(['rollback', 'incident', 'fresh'])
    expect(standin.violations).toEqual([])
  })

  it('paginates the issue list with a Link header that Octokit follows', async () => {
    const { standin, octokit } = await start()
    for (let n = 1; n <= 5; n++) await octokit.rest.issues.create({ owner, repo, title: `issue ${n}` })
    const first = await octokit.rest.issues.listForRepo({ owner, repo, per_page: 2 })
    expect(first.headers.link).toContain('rel="next"')
    expect(first.headers.link).toContain(`<${standin.url}/repos/acme/widget/issues?`)
    const every = await octokit.paginate(octokit.rest.issues.listForRepo, { owner, repo, per_page: 2 })
    expect(every.map((i) => i.number)).toEqual([5, 4, 3, 2, 1])
    const asc = await octokit.rest.issues.listForRepo({ owner, repo, direction: 'asc', per_page: 100 })
    expect(asc.data.map((i) => i.number)).toEqual([1, 2, 3, 4, 5])
    expect(asc.headers.link).toBeUndefined()
    expect(standin.violations).toEqual([])
  })
})

describe('GitHub stand-in: who a token acts as', () => {
  it('the workflow token acts as github-actions[bot], which GET /user refuses; a user token gets its account', async () => {
    const { standin, octokit } = await start({ users: { ghp_mallory: 'mallory' } })
    const refused = await failure(octokit.rest.users.getAuthenticated())
    expect(refused.status).toBe(403)
    expect(refused.data.message).toBe('Resource not accessible by integration')

    const mallory = new Octokit({ auth: 'ghp_mallory', baseUrl: standin.url, log })
    const me = await mallory.rest.users.getAuthenticated()
    expect(me.data).toMatchObject({ login: 'mallory', type: 'User' })

    // issues, comments and closes carry the identity of the token that made them
    const theirs = await mallory.rest.issues.create({ owner, repo, title: 'by mallory', body: MARKER })
    const ours = await octokit.rest.issues.create({ owner, repo, title: 'by the workflow' })
    expect(theirs.data.user).toMatchObject({ login: 'mallory', type: 'User' })
    expect(ours.data.user).toMatchObject({ login: 'github-actions[bot]', type: 'Bot' })
    const comment = await octokit.rest.issues.createComment({
      owner,
      repo,
      issue_number: theirs.data.number,
      body: 'hi',
    })
    expect(comment.data.user?.login).toBe('github-actions[bot]')
    const closed = await mallory.rest.issues.update({ owner, repo, issue_number: ours.data.number, state: 'closed' })
    expect(closed.data.closed_by?.login).toBe('mallory')
    const listed = await octokit.rest.issues.listForRepo({ owner, repo, state: 'all' })
    expect(listed.data.map((i) => [i.number, i.user?.login])).toEqual([
      [2, 'github-actions[bot]'],
      [1, 'mallory'],
    ])

    // a token the stand-in does not know is still refused
    const stranger = new Octokit({ auth: 'ghp_unknown', baseUrl: standin.url, log })
    expect((await failure(stranger.rest.users.getAuthenticated())).status).toBe(401)
    expect(standin.violations).toEqual([])
  })

  it('a stand-in started for a user token answers GET /user with that user', async () => {
    const standin = await startGitHubStandin({ token: 'ghp_octocat', actor: 'octocat' })
    running.push(standin)
    const octokit = new Octokit({ auth: 'ghp_octocat', baseUrl: standin.url, log })
    expect((await octokit.rest.users.getAuthenticated()).data.login).toBe('octocat')
    expect((await octokit.rest.issues.create({ owner, repo, title: 't' })).data.user?.login).toBe('octocat')
    expect(standin.violations).toEqual([])
  })
})

describe('GitHub stand-in: Contents API, refs, branches and pull requests', () => {
  it('creates and updates a file, with GitHub’s 422 (no sha), 409 (stale sha) and 404 (no branch)', async () => {
    const { standin, octokit } = await start()
    const path = 'incidents/my-pkg-2.0.0.md'
    expect((await failure(octokit.rest.repos.getContent({ owner, repo, path }))).status).toBe(404)

    const created = await octokit.rest.repos.createOrUpdateFileContents({
      owner,
      repo,
      path,
      message: 'docs: incident report',
      content: b64('hello\n'),
    })
    expect(created.status).toBe(201)
    // the blob sha is git's own: `printf 'hello\n' | git hash-object --stdin`
    expect(created.data.content?.sha).toBe('ce013625030ba8dba906f756967f9e9ca394464a')
    expect(gitBlobSha('hello\n')).toBe('ce013625030ba8dba906f756967f9e9ca394464a')
    expect(created.data.commit.html_url).toBe(`https://github.com/acme/widget/commit/${created.data.commit.sha}`)
    expect(standin.state.files.main[path]).toEqual({
      content: 'hello\n',
      sha: 'ce013625030ba8dba906f756967f9e9ca394464a',
    })
    expect(standin.state.branches.main).toBe(created.data.commit.sha)

    const got = await octokit.rest.repos.getContent({ owner, repo, path })
    if (Array.isArray(got.data) || got.data.type !== 'file') throw new Error('expected a file')
    expect(got.data.encoding).toBe('base64')
    expect(Buffer.from(got.data.content, 'base64').toString('utf8')).toBe('hello\n')
    expect(got.data.html_url).toBe(`https://github.com/acme/widget/blob/main/${path}`)

    const noSha = await failure(
      octokit.rest.repos.createOrUpdateFileContents({ owner, repo, path, message: 'again', content: b64('v2\n') }),
    )
    expect(noSha.status).toBe(422)
    expect(noSha.data.message).toContain('"sha" wasn\'t supplied')

    const stale = await failure(
      octokit.rest.repos.createOrUpdateFileContents({
        owner,
        repo,
        path,
        message: 'again',
        content: b64('v2\n'),
        sha: gitBlobSha('something else'),
      }),
    )
    expect(stale.status).toBe(409)
    expect(stale.data.message).toBe(`is at ${got.data.sha} but expected ${gitBlobSha('something else')}`)

    const updated = await octokit.rest.repos.createOrUpdateFileContents({
      owner,
      repo,
      path,
      message: 'docs: update incident report',
      content: b64('v2\n'),
      sha: got.data.sha,
    })
    expect(updated.status).toBe(200)
    expect(standin.state.files.main[path].content).toBe('v2\n')
    expect(standin.state.commits.map((c) => [c.branch, c.path, c.message])).toEqual([
      ['main', path, 'docs: incident report'],
      ['main', path, 'docs: update incident report'],
    ])
    expect(standin.state.commits[1].parents).toEqual([standin.state.commits[0].sha])

    const noBranch = await failure(
      octokit.rest.repos.createOrUpdateFileContents({
        owner,
        repo,
        path: 'x.md',
        message: 'm',
        content: b64('x'),
        branch: 'nope',
      }),
    )
    expect(noBranch.status).toBe(404)
    expect(standin.state.commits).toHaveLength(2)
    expect(standin.violations).toEqual([])
  })

  it('refuses direct commits to a protected branch; a rollback/<id> branch plus pull request works', async () => {
    const { standin, octokit } = await start({ protectedBranches: ['main'] })
    const path = 'incidents/42.md'

    expect((await octokit.rest.repos.getBranch({ owner, repo, branch: 'main' })).data.protected).toBe(true)
    const refused = await failure(
      octokit.rest.repos.createOrUpdateFileContents({ owner, repo, path, message: 'm', content: b64('report') }),
    )
    expect(refused).toEqual({
      status: 409,
      data: expect.objectContaining({ message: 'Changes must be made through a pull request.' }),
    })
    expect(standin.state.commits).toEqual([])
    expect(standin.state.files.main[path]).toBeUndefined()

    const main = await octokit.rest.git.getRef({ owner, repo, ref: 'heads/main' })
    expect(main.data.ref).toBe('refs/heads/main')
    expect(main.data.object.sha).toBe(standin.state.branches.main)
    const ref = await octokit.rest.git.createRef({
      owner,
      repo,
      ref: 'refs/heads/rollback/42',
      sha: main.data.object.sha,
    })
    expect(ref.status).toBe(201)
    expect(standin.state.branches['rollback/42']).toBe(main.data.object.sha)
    const again = await failure(
      octokit.rest.git.createRef({ owner, repo, ref: 'refs/heads/rollback/42', sha: main.data.object.sha }),
    )
    expect(again.status).toBe(422)
    expect(again.data.message).toBe('Reference already exists')
    expect((await octokit.rest.repos.getBranch({ owner, repo, branch: 'rollback/42' })).data.protected).toBe(false)

    // like GitHub: a pull request needs at least one commit on the head branch
    const empty = await failure(
      octokit.rest.pulls.create({ owner, repo, head: 'rollback/42', base: 'main', title: 'Rollback' }),
    )
    expect(empty.status).toBe(422)
    expect(JSON.stringify(empty.data)).toContain('No commits between main and rollback/42')

    const commit = await octokit.rest.repos.createOrUpdateFileContents({
      owner,
      repo,
      path,
      message: 'docs: incident 42',
      content: b64('report'),
      branch: 'rollback/42',
    })
    expect(commit.status).toBe(201)
    expect(standin.state.files['rollback/42'][path].content).toBe('report')
    expect(standin.state.files.main[path]).toBeUndefined()

    const pr = await octokit.rest.pulls.create({
      owner,
      repo,
      head: 'rollback/42',
      base: 'main',
      title: 'Rollback incident 42',
      body: 'Adds the incident report.',
    })
    expect(pr.status).toBe(201)
    expect(pr.data.number).toBe(1)
    expect(pr.data.html_url).toBe('https://github.com/acme/widget/pull/1')
    expect(pr.data.head.ref).toBe('rollback/42')
    expect(pr.data.head.sha).toBe(commit.data.commit.sha)
    expect(standin.state.pulls.map((p) => [p.number, p.head, p.base, p.state])).toEqual([
      [1, 'rollback/42', 'main', 'open'],
    ])

    const dup = await failure(
      octokit.rest.pulls.create({ owner, repo, head: 'acme:rollback/42', base: 'main', title: 'again' }),
    )
    expect(dup.status).toBe(422)
    expect(JSON.stringify(dup.data)).toContain('A pull request already exists for acme:rollback/42.')

    expect(
      (await octokit.rest.pulls.list({ owner, repo, head: 'acme:rollback/42' })).data.map((p) => p.number),
    ).toEqual([1])
    expect((await octokit.rest.pulls.list({ owner, repo, head: 'acme:other' })).data).toEqual([])

    // issues and pull requests share one number sequence, and the issue list includes PRs
    const issue = await octokit.rest.issues.create({ owner, repo, title: 'tracking issue' })
    expect(issue.data.number).toBe(2)
    const listed = await octokit.rest.issues.listForRepo({ owner, repo, state: 'all' })
    expect(listed.data.map((i) => [i.number, i.pull_request !== undefined])).toEqual([
      [2, false],
      [1, true],
    ])
    expect(standin.violations).toEqual([])
  })

  it('answers 403 when GitHub Actions may not create pull requests', async () => {
    const { standin, octokit } = await start({ allowPullRequestCreation: false })
    const main = standin.state.branches.main
    await octokit.rest.git.createRef({ owner, repo, ref: 'refs/heads/rollback/7', sha: main })
    await octokit.rest.repos.createOrUpdateFileContents({
      owner,
      repo,
      path: 'r.md',
      message: 'm',
      content: b64('r'),
      branch: 'rollback/7',
    })
    const refused = await failure(
      octokit.rest.pulls.create({ owner, repo, head: 'rollback/7', base: 'main', title: 'Rollback' }),
    )
    expect(refused.status).toBe(403)
    expect(refused.data.message).toBe('GitHub Actions is not permitted to create or approve pull requests.')
    expect(standin.state.pulls).toEqual([])
    expect(standin.violations).toEqual([])
  })
})

describe('GitHub stand-in: tags (git-tag target)', () => {
  it('lists, reads, peels and moves tags with GitHub’s answers (404, 422 Reference does not exist / already exists / not a fast forward)', async () => {
    const { standin, octokit } = await start()
    const c1 = standin.tags.addCommit({ message: 'one', date: '2026-11-01T10:00:00Z' })
    const c2 = standin.tags.addCommit({ message: 'two', date: '2026-11-02T10:00:00Z' })
    standin.tags.createTag('v1.0.0', c1)
    const tagObject = standin.tags.createTag('v1.1.0', c2, {
      annotated: { message: 'Release 1.1.0\n', date: '2026-11-03T10:00:00Z' },
    })
    standin.tags.createTag('v1', c2)

    const listed = await octokit.rest.git.listMatchingRefs({ owner, repo, ref: 'tags/v1.' })
    expect(listed.data.map((r) => [r.ref, r.object.type, r.object.sha])).toEqual([
      ['refs/tags/v1.0.0', 'commit', c1],
      ['refs/tags/v1.1.0', 'tag', tagObject],
    ])
    expect(listed.headers.link).toBeUndefined()
    expect((await octokit.rest.git.listMatchingRefs({ owner, repo, ref: 'tags/nope' })).data).toEqual([])
    expect((await octokit.rest.git.listMatchingRefs({ owner, repo, ref: 'heads' })).data.map((r) => r.ref)).toEqual([
      'refs/heads/main',
    ])

    // git/ref/ takes an exact name: v1 is not a prefix match of v1.0.0
    expect((await octokit.rest.git.getRef({ owner, repo, ref: 'tags/v1' })).data.object).toEqual({
      type: 'commit',
      sha: c2,
      url: `${standin.url}/repos/acme/widget/git/commits/${c2}`,
    })
    expect((await failure(octokit.rest.git.getRef({ owner, repo, ref: 'tags/v2' }))).status).toBe(404)
    const tag = (await octokit.rest.git.getTag({ owner, repo, tag_sha: tagObject })).data
    expect([tag.tag, tag.object.type, tag.object.sha, tag.tagger.date, tag.message]).toEqual([
      'v1.1.0',
      'commit',
      c2,
      '2026-11-03T10:00:00Z',
      'Release 1.1.0\n',
    ])
    expect((await failure(octokit.rest.git.getTag({ owner, repo, tag_sha: c1 }))).status).toBe(404)
    expect((await octokit.rest.git.getCommit({ owner, repo, commit_sha: c2 })).data.committer.date).toBe(
      '2026-11-02T10:00:00Z',
    )
    expect((await failure(octokit.rest.git.getCommit({ owner, repo, commit_sha: '0'.repeat(40) }))).status).toBe(404)

    // moving back is not a fast forward: refused without force
    const notFf = await failure(octokit.rest.git.updateRef({ owner, repo, ref: 'tags/v1', sha: c1 }))
    expect([notFf.status, notFf.data.message]).toEqual([422, 'Update is not a fast forward'])
    expect(standin.tags.commitOf('v1')).toBe(c2)
    const moved = await octokit.rest.git.updateRef({ owner, repo, ref: 'tags/v1', sha: c1, force: true })
    expect(moved.data.object.sha).toBe(c1)
    expect(standin.tags.commitOf('v1')).toBe(c1)
    const gone = await failure(octokit.rest.git.updateRef({ owner, repo, ref: 'tags/v9', sha: c1, force: true }))
    expect([gone.status, gone.data.message]).toEqual([422, 'Reference does not exist'])
    const noObject = await failure(
      octokit.rest.git.updateRef({ owner, repo, ref: 'tags/v1', sha: 'f'.repeat(40), force: true }),
    )
    expect([noObject.status, noObject.data.message]).toEqual([422, 'Object does not exist'])

    const createdRef = await octokit.rest.git.createRef({ owner, repo, ref: 'refs/tags/stable', sha: c2 })
    expect(createdRef.status).toBe(201)
    expect(standin.tags.commitOf('stable')).toBe(c2)
    const exists = await failure(octokit.rest.git.createRef({ owner, repo, ref: 'refs/tags/stable', sha: c1 }))
    expect([exists.status, exists.data.message]).toEqual([422, 'Reference already exists'])

    // a tag ruleset
    standin.tags.protect(/^v1$/)
    const ruled = await failure(octokit.rest.git.updateRef({ owner, repo, ref: 'tags/v1', sha: c2, force: true }))
    expect(ruled.status).toBe(422)
    expect(ruled.data.message).toMatch(/^Repository rule violations found\n\nCannot update this protected ref\./)
    expect(standin.tags.commitOf('v1')).toBe(c1)
    expect(standin.violations).toEqual([])
  })
})

describe('GitHub stand-in: the OpenAPI contract check can fail', () => {
  it('rejects a body that does not fit the requestBody schema, and performs no write', async () => {
    const { standin, octokit } = await start()
    const bad = await failure(
      untyped(octokit, 'POST /repos/{owner}/{repo}/issues', { owner, repo, title: 'x', labels: 'rollback' }),
    )
    expect(bad.status).toBe(422)
    expect(bad.data.message).toMatch(/^stand-in: request does not fit the GitHub OpenAPI description: /)
    expect(standin.violations).toEqual(['POST /repos/acme/widget/issues: body/labels must be array [issues/create]'])
    expect(standin.state.issues).toEqual([])
    expect(standin.state.labels).toEqual([])

    // ...whereas what the description allows passes (GitHub's title is string | integer)
    const ok = await untyped(octokit, 'POST /repos/{owner}/{repo}/issues', { owner, repo, title: 42 })
    expect(ok.status).toBe(201)
    expect(standin.violations).toHaveLength(1)
  })

  it('rejects missing fields, unknown body properties, bad parameters, unknown paths and methods', async () => {
    const { standin, octokit } = await start()
    await octokit.rest.issues.create({ owner, repo, title: 'tracking' })
    // [route, parameters, what the violation and the 422 message must say]
    const attempts: [string, Record<string, unknown>, RegExp][] = [
      ['POST /repos/{owner}/{repo}/labels', { color: 'ffffff' }, /body must have required property 'name'/],
      [
        'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
        { issue_number: 1, body: 'x', bdy: 'y' },
        /unknown body property bdy/,
      ],
      [
        'PUT /repos/{owner}/{repo}/contents/{path}',
        { path: 'a.md', message: 'm' },
        /body must have required property 'content'/,
      ],
      ['GET /repos/{owner}/{repo}/issues', { labelz: 'rollback' }, /unknown query parameter labelz/],
      [
        'GET /repos/{owner}/{repo}/issues',
        { state: 'opened' },
        /query parameter state="opened" is not one of open, closed, all/,
      ],
      [
        'GET /repos/{owner}/{repo}/issues/{issue_number}',
        { issue_number: 'first' },
        /path parameter issue_number="first" is not an integer/,
      ],
      [
        'GET /repos/{owner}/{repo}/incident-reports',
        {},
        /GET \/repos\/acme\/widget\/incident-reports: no such path in the description/,
      ],
      [
        'PUT /repos/{owner}/{repo}/issues',
        { title: 'x' },
        /\/repos\/\{owner\}\/\{repo\}\/issues has no PUT operation \(it has GET, POST\)/,
      ],
    ]
    for (const [route, params, expected] of attempts) {
      const before = standin.violations.length
      const result = await failure(untyped(octokit, route, { owner, repo, ...params }))
      expect(result.status).toBe(422)
      expect(String(result.data.message)).toMatch(expected)
      expect(standin.violations.length).toBe(before + 1)
      expect(standin.violations.at(-1)).toMatch(expected)
    }
    expect(standin.state.labels).toEqual([])
    expect(standin.state.issues[0].comments).toEqual([])
    expect(standin.state.commits).toEqual([])
  })

  it('answers 501 and records real GitHub endpoints and parameters that are not emulated', async () => {
    const { standin, octokit } = await start()
    const tags = await failure(octokit.rest.repos.listTags({ owner, repo }))
    expect(tags.status).toBe(501)
    expect(standin.violations).toEqual(['GET /repos/acme/widget/tags: unimplemented: GET /repos/{owner}/{repo}/tags'])
    const milestone = await failure(octokit.rest.issues.listForRepo({ owner, repo, milestone: '*' }))
    expect(milestone.status).toBe(501)
    expect(standin.violations[1]).toContain(
      'unimplemented: GET /repos/{owner}/{repo}/issues with query parameter milestone',
    )
  })

  it('checks responses against the description too', () => {
    expect(checkGitHubResponse('POST', '/repos/{owner}/{repo}/issues', 201, { number: 1 })).toContain(
      "body must have required property 'html_url'",
    )
    const label = {
      id: 1,
      node_id: 'LA_x',
      url: 'https://api.github.com/repos/acme/widget/labels/a',
      name: 'a',
      color: 'ffffff',
      description: null,
      default: false,
    }
    expect(checkGitHubResponse('GET', '/repos/{owner}/{repo}/labels/{name}', 200, label)).toEqual([])
    expect(checkGitHubResponse('GET', '/repos/{owner}/{repo}/labels/{name}', 200, { ...label, default: 'no' })).toEqual(
      ['body/default must be boolean'],
    )
  })
})

describe('GitHub stand-in: auth, other repositories, fault injection', () => {
  it('answers 401 without the token or with a wrong one, and 404 for other repositories', async () => {
    const { standin, octokit } = await start()
    const anonymous = new Octokit({ baseUrl: standin.url, log })
    const noToken = await failure(anonymous.rest.repos.get({ owner, repo }))
    expect(noToken.status).toBe(401)
    expect(noToken.data.message).toBe('Bad credentials')
    const wrong = new Octokit({ auth: 'ghs_wrong', baseUrl: standin.url, log })
    expect((await failure(wrong.rest.issues.create({ owner, repo, title: 'x' }))).status).toBe(401)
    expect(standin.state.issues).toEqual([])
    const bearer = await fetch(`${standin.url}/repos/acme/widget`, { headers: { authorization: `Bearer ${token}` } })
    expect(bearer.status).toBe(200)

    const other = await failure(octokit.rest.repos.get({ owner, repo: 'gadget' }))
    expect(other.status).toBe(404)
    expect(other.data).toMatchObject({
      message: 'Not Found',
      documentation_url: expect.stringMatching(/^https:\/\/docs\.github\.com\//),
    })
    expect(standin.requests.map((r) => [r.method, r.path, r.status])).toEqual([
      ['GET', '/repos/acme/widget', 401],
      ['POST', '/repos/acme/widget/issues', 401],
      ['GET', '/repos/acme/widget', 200],
      ['GET', '/repos/acme/gadget', 404],
    ])
    expect(standin.violations).toEqual([])
  })

  it('records every request with its decoded path, query, body and status', async () => {
    const { standin, octokit } = await start()
    await octokit.rest.repos.createOrUpdateFileContents({
      owner,
      repo,
      path: 'docs/a b.md',
      message: 'm',
      content: b64('x'),
    })
    await octokit.rest.issues.listForRepo({ owner, repo, labels: 'rollback', state: 'all' })
    expect(standin.requests).toEqual([
      expect.objectContaining({
        method: 'PUT',
        path: '/repos/acme/widget/contents/docs/a b.md',
        query: {},
        body: { message: 'm', content: b64('x') },
        status: 201,
      }),
      expect.objectContaining({
        method: 'GET',
        path: '/repos/acme/widget/issues',
        query: { labels: 'rollback', state: 'all' },
        body: undefined,
        status: 200,
      }),
    ])
    expect(Object.keys(standin.state.files.main)).toContain('docs/a b.md')
  })

  it('failNext answers with the injected error and leaves the state untouched', async () => {
    const { standin, octokit } = await start()
    standin.failNext({ method: 'POST', path: /\/issues$/, status: 502, times: 2 })
    for (let i = 0; i < 2; i++) {
      const r = await failure(octokit.rest.issues.create({ owner, repo, title: 'x' }))
      expect(r.status).toBe(502)
    }
    expect(standin.state.issues).toEqual([])
    expect((await octokit.rest.issues.create({ owner, repo, title: 'x' })).status).toBe(201)
    expect(standin.requests.map((r) => r.status)).toEqual([502, 502, 201])

    standin.failNext({ path: /contents/, status: 409, body: { message: 'custom conflict' } })
    const conflict = await failure(
      octokit.rest.repos.createOrUpdateFileContents({ owner, repo, path: 'a.md', message: 'm', content: b64('x') }),
    )
    expect(conflict).toEqual({ status: 409, data: { message: 'custom conflict' } })
    expect(standin.state.commits).toEqual([])
    expect(standin.violations).toEqual([])
  })

  it('failNext with applyFirst performs the write and still answers with the error', async () => {
    const { standin, octokit } = await start({ labels: ['rollback'] })
    standin.failNext({ method: 'POST', path: /\/repos\/acme\/widget\/issues$/, status: 500, applyFirst: true })
    const r = await failure(
      octokit.rest.issues.create({ owner, repo, title: 'Rollback', body: MARKER, labels: ['rollback'] }),
    )
    expect(r.status).toBe(500)
    expect(standin.state.issues.map((i) => i.title)).toEqual(['Rollback'])
    // a re-run that searches by label and marker finds the issue the failed call created
    const found = await octokit.rest.issues.listForRepo({ owner, repo, labels: 'rollback' })
    expect(found.data.filter((i) => i.body?.includes(MARKER)).map((i) => i.number)).toEqual([1])

    // with @octokit/plugin-retry a 5xx on a write is retried: the write happens twice
    const RetryingOctokit = Octokit.plugin(retry)
    const retrying = new RetryingOctokit({ auth: token, baseUrl: standin.url, log, retry: { retryAfterBaseValue: 1 } })
    standin.failNext({ method: 'POST', path: /\/issues$/, status: 502, applyFirst: true })
    const second = await retrying.rest.issues.create({ owner, repo, title: 'Retried' })
    expect(second.status).toBe(201)
    expect(standin.state.issues.map((i) => i.title)).toEqual(['Rollback', 'Retried', 'Retried'])
    expect(standin.violations).toEqual([])
  })

  it('failNext headers reach the client: a secondary rate limit is retried by the throttling plugin', async () => {
    const { standin } = await start()
    const ThrottledOctokit = Octokit.plugin(throttling)
    const limited: number[] = []
    const throttled = new ThrottledOctokit({
      auth: token,
      baseUrl: standin.url,
      log,
      throttle: {
        retryAfterBaseValue: 1,
        onRateLimit: () => false,
        onSecondaryRateLimit: (retryAfter: number) => {
          limited.push(retryAfter)
          return true
        },
      },
    })
    standin.failNext({
      method: 'GET',
      path: /\/repos\/acme\/widget$/,
      status: 403,
      headers: { 'retry-after': '7' },
      body: { message: 'You have exceeded a secondary rate limit.', documentation_url: 'https://docs.github.com/rest' },
    })
    const res = await throttled.rest.repos.get({ owner, repo })
    expect(res.status).toBe(200)
    expect(res.data.full_name).toBe('acme/widget')
    expect(limited).toEqual([7])
    expect(standin.requests.map((r) => r.status)).toEqual([403, 200])
  })
})
