// The gitops target (issue 23) against the GitHub stand-in, which checks every request and answer
// against @octokit/openapi: the Contents API with the blob sha as a compare-and-set, the commits
// listing for the file's history, branches and pull requests for a protected branch.
import { afterEach, describe, expect, it } from '@jest/globals'
import { InputError } from '../../../src/core/errors.js'
import { ChannelMovedError } from '../../../src/core/guard.js'
import { createGitHubClient, type GitHubClient } from '../../../src/github/client.js'
import { parseGitOpsName, readGitOpsSettings } from '../../../src/targets/gitops/config.js'
import { GitOpsTarget, versionsOf } from '../../../src/targets/gitops/target.js'
import { readScalar, replaceScalar, splitKey } from '../../../src/targets/gitops/yaml-edit.js'
import { rollbackInputs, rolledBack, runRollback } from '../../support/helpers.js'
import { startGitHubStandin } from '../../support/github-standin.mjs'

type Standin = Awaited<ReturnType<typeof startGitHubStandin>>

const PATH = 'deploy/prod/values.yaml'
const values = (tag: string, replicas = 3) => `# Values for the prod cluster. CI bumps image.tag.
image:
  repository: ghcr.io/acme/app   # never change by hand
  tag: "${tag}"   # the release
  pullPolicy: IfNotPresent

replicas: ${replicas}
env: {LOG_LEVEL: 'info', TAG_NOTE: "tag: ${tag} is not this key"}
`
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
  for (const s of all) expect(s.violations).toEqual([])
})

const client = (standin: Standin): GitHubClient =>
  createGitHubClient({ token: 'ghs_test-token', baseUrl: standin.url, log: logger(), throttle: false, retryBaseMs: 5 })

/** The file committed at 1.0.0, then 1.2.0, then 1.3.0 (the bad one), through the Contents API. */
async function fixture(o: { protectedBranches?: string[] } = {}) {
  const standin = await startGitHubStandin({ files: { [PATH]: values('1.0.0'), 'README.md': '# deploy\n' } })
  running.push(standin)
  const gh = client(standin)
  for (const tag of ['1.2.0', '1.3.0']) await commit(gh, values(tag), `Release ${tag}`)
  if (o.protectedBranches) standin.state.protectedBranches.push(...o.protectedBranches)
  return { standin, gh }
}

async function commit(gh: GitHubClient, text: string, message: string) {
  const { data } = await gh.request('GET /repos/{owner}/{repo}/contents/{path}', {
    owner: 'acme',
    repo: 'widget',
    path: PATH,
  })
  await gh.request('PUT /repos/{owner}/{repo}/contents/{path}', {
    owner: 'acme',
    repo: 'widget',
    path: PATH,
    message,
    sha: (data as { sha: string }).sha,
    content: Buffer.from(text).toString('base64'),
  })
}

const fileOn = (standin: Standin, branch = 'main') => standin.state.files[branch][PATH]?.content

function target(gh: GitHubClient, over: { pr?: boolean } = {}, log = logger()) {
  return new GitOpsTarget({
    gh,
    name: parseGitOpsName('targets', `${PATH}#image.tag`),
    settings: { repo: { owner: 'acme', repo: 'widget' }, pr: over.pr ?? false },
    log,
    retry: fastRetry,
  })
}

describe('gitops: the YAML edit', () => {
  it('changes that one scalar and keeps every other byte: comments, order, quotes, blank lines, flow maps', () => {
    const before = values('1.3.0')
    const after = replaceScalar(before, splitKey('image.tag'), '1.2.0')
    expect(after).toBe(values('1.3.0').replace('tag: "1.3.0"', 'tag: "1.2.0"'))
    const diff = before.split('\n').filter((l, i) => after.split('\n')[i] !== l)
    expect(diff).toEqual(['  tag: "1.3.0"   # the release'])
  })

  it('keeps plain and single-quoted styles, and quotes a value YAML would read as a number', () => {
    expect(replaceScalar('a:\n  b: 1.3.0 # x\n', ['a', 'b'], '1.2.0')).toBe('a:\n  b: 1.2.0 # x\n')
    expect(replaceScalar("a: 'v1.3.0'\n", ['a'], 'v1.2.0')).toBe("a: 'v1.2.0'\n")
    expect(replaceScalar('a: v2\n', ['a'], '1.5')).toBe('a: "1.5"\n')
    expect(replaceScalar('l:\n  - image: x:1\n', ['l', 0, 'image'], 'x:2')).toBe('l:\n  - image: x:2\n')
  })

  it('refuses a missing key, a map, and a block scalar, naming the key', () => {
    expect(() => readScalar('a: 1\n', ['b'])).toThrow(/has no key b/)
    expect(() => replaceScalar('a:\n  b: 1\n', ['a'], '2')).toThrow(/a is not a single value/)
    expect(() => replaceScalar('a: |\n  1.0\n', ['a'], '2')).toThrow(/block text/)
  })
})

describe('gitops: the name and the settings', () => {
  it('takes <path>#<key> and refuses what is not, naming the input and the fix', () => {
    expect(parseGitOpsName('targets', 'apps/widget.yaml#spec.source.targetRevision')).toMatchObject({
      path: 'apps/widget.yaml',
      key: 'spec.source.targetRevision',
    })
    for (const bad of ['values.yaml', 'values.yaml#', '../x.yaml#a', '/etc/x.yaml#a', 'x.json#a', 'x.yaml#a..b']) {
      let e: unknown
      try {
        parseGitOpsName('targets', bad)
      } catch (err) {
        e = err
      }
      expect(e).toBeInstanceOf(InputError)
      expect((e as InputError).input).toBe('targets')
      expect((e as InputError).message).toMatch(/path|key|YAML/)
    }
  })

  it('reads gitops-repo, gitops-branch and gitops-pr, defaulting to this repository', () => {
    const get = (m: Record<string, string>) => (n: string) => m[n] ?? ''
    expect(readGitOpsSettings(get({}), 'acme/widget')).toEqual({ repo: { owner: 'acme', repo: 'widget' }, pr: false })
    expect(
      readGitOpsSettings(
        get({ 'gitops-repo': 'acme/deploy', 'gitops-branch': 'prod', 'gitops-pr': 'true' }),
        'acme/widget',
      ),
    ).toEqual({
      repo: { owner: 'acme', repo: 'deploy' },
      branch: 'prod',
      pr: true,
    })
    expect(() => readGitOpsSettings(get({ 'gitops-repo': 'nope' }), 'acme/widget')).toThrow(/gitops-repo/)
    expect(() => readGitOpsSettings(get({ 'gitops-branch': 'a..b' }), 'acme/widget')).toThrow(/gitops-branch/)
    expect(() => readGitOpsSettings(get({ 'gitops-pr': 'maybe' }), 'acme/widget')).toThrow(/gitops-pr/)
  })
})

describe('gitops: the target', () => {
  it('reads the key and the values it held from the file history; the last known good is the value before the bad one', async () => {
    const { gh } = await fixture()
    const state = await target(gh).inspect()
    expect(state.distTags).toEqual({ 'image.tag': '1.3.0' })
    expect(Object.keys(state.versions).sort()).toEqual(['1.0.0', '1.2.0', '1.3.0'])
    const r = rolledBack(
      await runRollback(
        rollbackInputs({
          packageName: `${PATH}#image.tag`,
          registry: '',
          rollbackVersion: '1.3.0',
          channel: 'image.tag',
          deprecate: false,
        }),
        target(gh),
        logger(),
      ),
    )
    expect(r.status).toBe('completed')
  })

  it('rolls back with one commit that changes only that value, guarded by the blob sha', async () => {
    const { standin, gh } = await fixture()
    const t = target(gh)
    await t.inspect()
    expect(await t.pointChannel('image.tag', '1.2.0', '1.3.0', { id: 'rr-0123456789abcdef', bad: '1.3.0' })).toBe(
      'written',
    )
    expect(fileOn(standin)).toBe(values('1.3.0').replace('tag: "1.3.0"', 'tag: "1.2.0"'))
    const last = standin.state.commits.at(-1)
    expect(last?.message).toContain('rr-0123456789abcdef')
    const put = standin.requests.filter((q) => q.method === 'PUT').at(-1)
    expect((put?.body as { sha?: string } | undefined)?.sha).toMatch(/^[0-9a-f]{40}$/)
    // a re-run changes nothing
    expect(await target(gh).pointChannel('image.tag', '1.2.0', '1.3.0')).toBe('already')
  })

  it('the sha catches an edit made between the read and the write: another key changed is kept, the write made again', async () => {
    const { standin, gh } = await fixture()
    const other = client(standin)
    let once = true
    gh.hook.before('request', async (o) => {
      if (o.method === 'PUT' && once) {
        once = false
        await commit(other, values('1.3.0', 5), 'Scale up')
      }
    })
    const log = logger()
    expect(await target(gh, {}, log).pointChannel('image.tag', '1.2.0', '1.3.0')).toBe('written')
    expect(standin.requests.some((q) => q.method === 'PUT' && q.status === 409)).toBe(true)
    expect(fileOn(standin)).toBe(values('1.3.0', 5).replace('tag: "1.3.0"', 'tag: "1.2.0"'))
    expect(log.lines.join('\n')).toMatch(/did not take effect \(HTTP 409/)
  })

  it('stops with nothing written when the key no longer holds the bad version, naming what it holds', async () => {
    const { standin, gh } = await fixture()
    const other = client(standin)
    let once = true
    gh.hook.before('request', async (o) => {
      if (o.method === 'PUT' && once) {
        once = false
        await commit(other, values('1.3.1'), 'Release 1.3.1')
      }
    })
    const err = await target(gh)
      .pointChannel('image.tag', '1.2.0', '1.3.0')
      .catch((e) => e)
    expect(err).toBeInstanceOf(ChannelMovedError)
    expect((err as ChannelMovedError).holder).toBe('1.3.1')
    expect(fileOn(standin)).toBe(values('1.3.1'))
  })

  it('on a protected branch opens one pull request, leaves the branch alone, and says the change waits for the merge', async () => {
    const { standin, gh } = await fixture({ protectedBranches: ['main'] })
    const t = target(gh)
    expect(await t.pointChannel('image.tag', '1.2.0', '1.3.0', { id: 'rr-00000000000000aa', bad: '1.3.0' })).toBe(
      'written',
    )
    expect(fileOn(standin)).toBe(values('1.3.0'))
    expect(standin.state.pulls).toHaveLength(1)
    const head = standin.state.pulls[0].head
    expect(fileOn(standin, head)).toBe(values('1.3.0').replace('tag: "1.3.0"', 'tag: "1.2.0"'))
    expect(t.pending()).toEqual([expect.stringContaining(`/pull/${standin.state.pulls[0].number}`)])
    // a re-run finds the same pull request
    const again = target(gh)
    expect(await again.pointChannel('image.tag', '1.2.0', '1.3.0', { id: 'rr-00000000000000aa', bad: '1.3.0' })).toBe(
      'written',
    )
    expect(standin.state.pulls).toHaveLength(1)
    expect(again.pending()).toEqual(t.pending())
  })

  it('through the runner: a change that went to a pull request ends partial with its link; after the merge a re-run is done', async () => {
    const { standin, gh } = await fixture({ protectedBranches: ['main'] })
    const inputs = rollbackInputs({
      packageName: `${PATH}#image.tag`,
      registry: '',
      rollbackVersion: '1.3.0',
      restoreVersion: '1.2.0',
      channel: 'image.tag',
      deprecate: false,
    })
    const r = rolledBack(await runRollback(inputs, target(gh), logger()))
    expect(r.status).toBe('partial')
    const link = `/pull/${standin.state.pulls[0].number}`
    expect(r.targets[0].warnings).toEqual([expect.stringContaining(link)])
    expect((r as { error?: Error }).error?.message).toContain(link)
    expect(fileOn(standin)).toBe(values('1.3.0'))
    // the stand-in has no merge route: a person's merge, as the commit it leaves on main
    standin.state.protectedBranches.splice(0)
    await commit(gh, fileOn(standin, standin.state.pulls[0].head) as string, 'Merge pull request')
    standin.state.protectedBranches.push('main')
    const again = rolledBack(await runRollback(inputs, target(gh), logger()))
    expect(again.status).toBe('already-done')
    expect(again.targets[0].warnings.join('\n')).not.toContain(link)
  })

  it('gitops-pr: true opens a pull request even where the branch takes commits', async () => {
    const { standin, gh } = await fixture()
    await target(gh, { pr: true }).pointChannel('image.tag', '1.2.0', '1.3.0', {
      id: 'rr-00000000000000bb',
      bad: '1.3.0',
    })
    expect(fileOn(standin)).toBe(values('1.3.0'))
    expect(standin.state.pulls).toHaveLength(1)
  })

  it('a missing file or key is an error naming targets, with nothing written', async () => {
    const { standin, gh } = await fixture()
    const missing = new GitOpsTarget({
      gh,
      name: parseGitOpsName('targets', 'deploy/none.yaml#image.tag'),
      settings: { repo: { owner: 'acme', repo: 'widget' }, pr: false },
      log: logger(),
    })
    await expect(missing.inspect()).rejects.toThrow(/deploy\/none.yaml/)
    const noKey = new GitOpsTarget({
      gh,
      name: parseGitOpsName('targets', `${PATH}#image.digest`),
      settings: { repo: { owner: 'acme', repo: 'widget' }, pr: false },
      log: logger(),
    })
    await expect(noKey.inspect()).rejects.toThrow(/image.digest/)
    expect(standin.requests.filter((q) => q.method !== 'GET' && q.status < 300).length).toBe(2)
  })
})

describe('gitops: the versions the planner sees', () => {
  it('leave out a value held earlier but higher than the one before the bad version (rolled back before)', () => {
    const v = versionsOf('1.3.0', [
      { value: '1.3.0', date: '2026-12-04T00:00:00Z', commit: 'c' },
      { value: '1.0.0', date: '2026-12-03T00:00:00Z', commit: 'b' },
      { value: '1.2.0', date: '2026-12-02T00:00:00Z', commit: 'a' },
      { value: '1.0.0', date: '2026-12-01T00:00:00Z', commit: '0' },
    ])
    expect(Object.keys(v).sort()).toEqual(['1.0.0', '1.3.0'])
  })
})
