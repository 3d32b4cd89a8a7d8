// The crash matrix: the built action is killed (SIGKILL) right after each step took
// effect, then run again. The end state must equal a clean run's: the channel restored,
// the bad version deprecated, one issue, one report commit, no pull request, no comment
// storm, and no registry write repeated needlessly.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { startFaultProxy } from '../support/fault-proxy.mjs'
import { publishPackage } from '../support/fixtures.mjs'
import { startGitHubStandin, type GitHubStandin } from '../support/github-standin.mjs'
import { npmView } from '../support/npm-cli.mjs'
import { parseOutputs, root } from '../support/run-action.mjs'
import { startVerdaccio, type Registry } from '../support/verdaccio.mjs'

type Proxy = Awaited<ReturnType<typeof startFaultProxy>>
let registry: Registry
let github: GitHubStandin
let npmProxy: Proxy
let ghProxy: Proxy
let counter = 0

beforeAll(async () => {
  registry = await startVerdaccio()
  github = await startGitHubStandin({ token: 'ghs_crash-token' })
  npmProxy = await startFaultProxy(registry.url)
  ghProxy = await startFaultProxy(`${github.url}/`)
})
afterAll(async () => {
  await ghProxy?.stop()
  await npmProxy?.stop()
  await github?.stop()
  await registry?.stop()
})

interface ActionRun {
  code: number | null
  signal: NodeJS.Signals | null
  outputs: Record<string, string>
}

/** Runs dist/index.js as the runner does; `onChild` gets the process (the crash rules kill it). */
function runAction(pkg: string, onChild: (child: ChildProcess) => void = () => {}): Promise<ActionRun> {
  const dir = mkdtempSync(join(tmpdir(), 'rr-crash-'))
  const outputFile = join(dir, 'output')
  writeFileSync(outputFile, '')
  writeFileSync(join(dir, 'summary'), '')
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: dir,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: join(dir, 'summary'),
    GITHUB_WORKSPACE: dir,
    GITHUB_API_URL: ghProxy.url.replace(/\/$/, ''),
    GITHUB_REPOSITORY: 'acme/widget',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: '99',
    GITHUB_RUN_ATTEMPT: '1',
    'INPUT_ROLLBACK-VERSION': '1.2.3',
    INPUT_REASON: 'Memory persistence corrupts data on restart',
    INPUT_PACKAGE: pkg,
    INPUT_REGISTRY: npmProxy.url,
    'INPUT_NPM-TOKEN': registry.token,
    'INPUT_GITHUB-TOKEN': 'ghs_crash-token',
  }
  const child = spawn(process.execPath, [join(root, 'dist', 'index.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  child.stdout.resume()
  child.stderr.resume()
  onChild(child)
  return new Promise((resolve) =>
    child.on('close', (code, signal) =>
      resolve({ code, signal, outputs: parseOutputs(readFileSync(outputFile, 'utf8')) }),
    ),
  )
}

// each step boundary, as the request that makes the step take effect
const boundaries: Array<
  [
    string,
    (pkg: string) => {
      proxy: () => Proxy
      method: string
      path: RegExp
      when?: (seen: Array<{ method: string; path: string }>) => boolean
    },
  ]
> = [
  [
    'plan (after the first read)',
    (pkg) => ({ proxy: () => npmProxy, method: 'GET', path: new RegExp(`^/${pkg}\\?write=true$`) }),
  ],
  [
    'tag moved',
    (pkg) => ({ proxy: () => npmProxy, method: 'PUT', path: new RegExp(`^/-/package/${pkg}/dist-tags/latest$`) }),
  ],
  // the read-back of the tag move (it is also the fresh read the deprecation starts from)
  [
    'tag verified',
    (pkg) => ({
      proxy: () => npmProxy,
      method: 'GET',
      path: new RegExp(`^/${pkg}\\?write=true$`),
      when: (seen) => seen.some((s) => s.method === 'PUT' && s.path.endsWith('/dist-tags/latest')),
    }),
  ],
  ['deprecated', (pkg) => ({ proxy: () => npmProxy, method: 'PUT', path: new RegExp(`^/${pkg}$`) })],
  ['issue created', () => ({ proxy: () => ghProxy, method: 'POST', path: /^\/repos\/acme\/widget\/issues$/ })],
  ['report committed', () => ({ proxy: () => ghProxy, method: 'PUT', path: /^\/repos\/acme\/widget\/contents\// })],
]

const issuesFor = (pkg: string) => github.state.issues.filter((i) => !i.pull_request && i.title.includes(`${pkg}@`))
const reportPath = (pkg: string) => `incidents/rollback-${pkg}-1.2.3.md`

describe('crash after each step, then re-run', () => {
  it.each(boundaries)('killed after: %s', async (_, boundary) => {
    const pkg = `crash-widget-${++counter}`
    await publishPackage(registry, pkg, ['1.2.2', '1.2.3'])
    npmProxy.clear()
    ghProxy.clear()
    const { proxy, method, path, when } = boundary(pkg)
    let child: ChildProcess | undefined
    proxy().inject({ method, path, when, action: 'crash-after', then: () => child?.kill('SIGKILL') })

    const crashed = await runAction(pkg, (c) => (child = c))
    expect(crashed.signal).toBe('SIGKILL') // it really died at that boundary

    const rerun = await runAction(pkg)
    expect(rerun.code).toBe(0)
    expect(['completed', 'already-done']).toContain(rerun.outputs.status)

    // the end state of a clean run
    expect(await npmView(registry.url, pkg, 'dist-tags')).toEqual({ latest: '1.2.2' })
    expect(await npmView(registry.url, `${pkg}@1.2.3`, 'deprecated')).toBe(
      '1.2.3 was rolled back: Memory persistence corrupts data on restart. Use 1.2.2 instead.',
    )
    expect(issuesFor(pkg)).toHaveLength(1)
    expect(issuesFor(pkg)[0].comments.length).toBeLessThanOrEqual(1) // at most the re-run's one comment
    expect(github.state.commits.filter((c) => c.path === reportPath(pkg))).toHaveLength(1)
    expect(github.state.files.main[reportPath(pkg)]?.content).toContain(issuesFor(pkg)[0].html_url)
    expect(github.state.pulls).toHaveLength(0)

    // no registry write repeated needlessly: each write reached the registry once in both runs
    const writes = npmProxy.seen.filter((s) => s.method === 'PUT')
    expect(writes.filter((s) => s.path.includes('/dist-tags/'))).toHaveLength(1)
    expect(writes.filter((s) => s.path === `/${pkg}`)).toHaveLength(1)
    expect(github.violations).toEqual([])
  })
})
