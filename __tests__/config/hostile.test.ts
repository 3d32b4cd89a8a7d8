// Hostile and malformed input against the built action, with a real registry and the
// GitHub stand-in behind it: each gets a clear error naming the input, and the registry
// and the repository are byte-for-byte unchanged. Then the secrets: no token appears in
// anything the action prints or writes, error paths included.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { startFaultProxy } from '../support/fault-proxy.mjs'
import { publishPackage, snapshot } from '../support/fixtures.mjs'
import { startGitHubStandin, type GitHubStandin } from '../support/github-standin.mjs'
import { runAction } from '../support/run-action.mjs'
import { startVerdaccio, type Registry } from '../support/verdaccio.mjs'

const GH_TOKEN = 'ghs_hostile-secret-1234567890'
let registry: Registry
let github: GitHubStandin
const PKG = 'hostile-widget'

beforeAll(async () => {
  registry = await startVerdaccio()
  github = await startGitHubStandin({ token: GH_TOKEN })
  await publishPackage(registry, PKG, ['1.2.1', '1.2.2', '1.2.3'], { distTags: { latest: '1.2.3' } })
})
afterAll(async () => {
  await github?.stop()
  await registry?.stop()
})

const runnerEnv = () => ({
  GITHUB_API_URL: github.url,
  GITHUB_REPOSITORY: 'acme/widget',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_RUN_ID: '5',
  GITHUB_RUN_ATTEMPT: '1',
})
const good = () => ({
  'rollback-version': '1.2.3',
  'restore-version': '1.2.2',
  reason: 'Memory persistence corrupts data on restart',
  package: PKG,
  registry: registry.url,
  'npm-token': registry.token,
  'github-token': GH_TOKEN,
})

// [what, the inputs changed, the input the error must name]
const hostile: Array<[string, Record<string, string>, string]> = [
  ['invalid semver', { 'rollback-version': '1.2' }, 'rollback-version'],
  ['a range as the bad version', { 'rollback-version': '>=1.2.3' }, 'rollback-version'],
  ['$(id) in the bad version', { 'rollback-version': '$(id)' }, 'rollback-version'],
  ['backticks in the restore version', { 'restore-version': '`id`' }, 'restore-version'],
  ['the same version twice', { 'restore-version': '1.2.3' }, 'restore-version'],
  ['an unknown bad version', { 'rollback-version': '9.9.9' }, 'rollback-version'],
  ['an unknown restore version', { 'restore-version': '0.0.1' }, 'restore-version'],
  ['a range as channel', { channel: '^1' }, 'channel'],
  ['a version as channel', { channel: '1.2.2' }, 'channel'],
  ['a newline in channel', { channel: 'latest\nnext' }, 'channel'],
  ['$(id) in channel', { channel: '$(id)' }, 'channel'],
  ['a channel that does not exist', { channel: 'canary' }, 'channel'],
  ['an empty reason', { reason: '  ' }, 'reason'],
  ['a huge reason', { reason: 'x'.repeat(100_000) }, 'reason'],
  ['a terminal escape in the reason', { reason: 'bad\u001b[2J\u001b[31mreason' }, 'reason'],
  ['path traversal in package', { package: '../../../etc/passwd' }, 'package'],
  ['a URL as package', { package: 'https://evil.example/pkg' }, 'package'],
  ['an unknown package', { package: 'no-such-widget' }, 'package'],
  ['path traversal in report-dir', { 'report-dir': '../../.github/workflows' }, 'report-dir'],
  ['an absolute report-dir', { 'report-dir': '/etc' }, 'report-dir'],
  ['an empty npm token', { 'npm-token': '' }, 'npm-token'],
  ['a token with a newline', { 'npm-token': 'abc\ndef' }, 'npm-token'],
  ['a token the registry rejects', { 'npm-token': 'npm_wrong-token' }, 'npm-token'],
  ['a wrong registry URL', { registry: 'not a url' }, 'registry'],
  ['plain http to a remote registry', { registry: 'http://registry.example.com/' }, 'registry'],
  ['an unknown severity', { severity: 'sev0' }, 'severity'],
  ['shell in report-branch', { 'report-branch': 'main;rm -rf /' }, 'report-branch'],
  ['a GitHub token GitHub rejects', { 'github-token': 'ghs_wrong' }, 'github-token'],
  ['current without published-after', { 'rollback-version': 'current' }, 'published-after'],
  ['a bad published-after', { 'published-after': 'tomorrow' }, 'published-after'],
  ['an unknown placeholder', { 'deprecation-message': '{version} {evil}' }, 'deprecation-message'],
  ['a non-boolean force', { force: 'yes' }, 'force'],
]

describe('hostile and malformed input', () => {
  it('the table is big enough', () => {
    expect(hostile.length).toBeGreaterThanOrEqual(25)
  })

  it.each(hostile)('%s: names the input, changes nothing', async (_, change, input) => {
    const registryBefore = await snapshot(registry, PKG)
    const repoBefore = JSON.stringify(github.state)
    const writesBefore = github.requests.filter((r) => r.method !== 'GET').length
    const run = await runAction({ ...good(), ...change }, { env: runnerEnv() })
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(new RegExp(`::error::Input '${input}': .* Fix: `))
    expect(run.outputs.status).toBe('failed')
    expect(await snapshot(registry, PKG)).toBe(registryBefore)
    expect(JSON.stringify(github.state)).toBe(repoBefore)
    expect(github.requests.filter((r) => r.method !== 'GET').length).toBe(writesBefore)
  })
})

describe('secrets', () => {
  /** Everything a run leaves behind, minus the runner's own ::add-mask:: commands. */
  const visible = (run: { stdout: string; stderr: string; summary: string }) =>
    [run.stdout.replace(/^::add-mask::.*$/gm, ''), run.stderr, run.summary, JSON.stringify(github.state)].join('\n')

  it('no token in outputs, summary, issue or report on a successful run', async () => {
    await publishPackage(registry, 'secret-widget', ['1.2.2', '1.2.3'])
    const run = await runAction({ ...good(), package: 'secret-widget' }, { env: runnerEnv() })
    expect(run.code).toBe(0)
    const text = visible(run)
    expect(text).not.toContain(registry.token)
    expect(text).not.toContain(GH_TOKEN)
  })

  it('no token on error paths that print HTTP requests (registry 500s, GitHub 500s)', async () => {
    await publishPackage(registry, 'secret-widget-2', ['1.2.2', '1.2.3'])
    const proxy = await startFaultProxy(registry.url)
    try {
      proxy.inject({
        method: 'PUT',
        path: /dist-tags/,
        action: 'respond',
        status: 500,
        times: 10,
        body: '{"error":"internal"}',
      })
      const failed = await runAction(
        { ...good(), package: 'secret-widget-2', registry: proxy.url },
        { env: runnerEnv() },
      )
      expect(failed.code).toBe(1)
      expect(failed.stdout).toMatch(/::error::.*HTTP 500/)
      github.failNext({ method: 'POST', path: /\/issues$/, status: 500, times: 10 })
      github.failNext({ method: 'PUT', path: /\/contents\//, status: 500, times: 10 })
      proxy.clear()
      const partial = await runAction(
        { ...good(), package: 'secret-widget-2', registry: proxy.url },
        { env: { ...runnerEnv(), ACTIONS_STEP_DEBUG: 'true', RUNNER_DEBUG: '1' } },
      )
      expect(partial.outputs.status).toBe('partial')
      for (const run of [failed, partial]) {
        const text = visible(run)
        expect(text).not.toContain(registry.token)
        expect(text).not.toContain(GH_TOKEN)
      }
    } finally {
      await proxy.stop()
    }
  })
})
