// The rollback drill (drill: true) against a real Verdaccio and the GitHub stand-in:
// it proves the tokens and a last known good, commits incidents/drills/<date>.md, leaves
// no dist-tag behind, and keeps ONE issue for a failing drill.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { runDrill } from '../../src/modes/drill.js'
import { DRILL_MARKER } from '../../src/modes/drill-report.js'
import { createGitHubClient } from '../../src/github/client.js'
import type { RunContext } from '../../src/github/incident.js'
import { readInputs, type GitHubInputs } from '../../src/config/inputs.js'
import { DRILL_TAG_PREFIX, NpmTarget, newDrillTag } from '../../src/targets/npm/target.js'
import { startFaultProxy } from '../support/fault-proxy.mjs'
import { escapeName, publishPackage, registryRequest, setDistTag } from '../support/fixtures.mjs'
import { startGitHubStandin, type GitHubStandin } from '../support/github-standin.mjs'
import { quiet } from '../support/helpers.js'
import { root, runAction } from '../support/run-action.mjs'
import { startVerdaccio, type Registry } from '../support/verdaccio.mjs'

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
  const violations = github?.violations ?? []
  await github?.stop()
  github = undefined
  expect(violations).toEqual([])
})

const ctx = (runId = '500'): RunContext => ({
  repository: 'acme/widget',
  serverUrl: 'https://github.com',
  runId,
  runAttempt: '1',
  actor: 'octocat',
  eventName: 'schedule',
  workflow: 'Rollback drill',
})
const gi: GitHubInputs = {
  token: 'ghs_test-token',
  createIssue: true,
  labels: ['rollback'],
  assignees: [],
  commitReport: true,
  reportDir: 'incidents',
  severity: 'high',
}
const STARTED = '2026-11-29T06:00:00.000Z'

async function freshPackage(versions = ['1.2.2', '1.2.3']): Promise<string> {
  const name = `drill-widget-${++counter}`
  await publishPackage(registry, name, versions)
  return name
}

const distTags = async (name: string) =>
  (
    (await (await registryRequest(registry, `${escapeName(name)}?write=true`)).json()) as {
      'dist-tags': Record<string, string>
    }
  )['dist-tags']

async function drill(pkg: string, options: { token?: string; registryUrl?: string; runId?: string } = {}) {
  const get = (values: Record<string, string>) => (n: string) => values[n] ?? ''
  const inputs = readInputs(
    get({
      drill: 'true',
      'rollback-version': 'current',
      package: pkg,
      registry: options.registryUrl ?? registry.url,
      'npm-token': options.token ?? registry.token,
    }),
    {},
  )
  const target = new NpmTarget({
    packageName: pkg,
    registry: inputs.registry,
    token: inputs.npmToken,
    log: quiet,
    retry: { attempts: 2, baseDelayMs: 5, maxDelayMs: 10, deadlineMs: 2000 },
  })
  const gh = createGitHubClient({
    token: 'ghs_test-token',
    baseUrl: (github as GitHubStandin).url,
    log: quiet,
    throttle: false,
    retryBaseMs: 5,
  })
  return runDrill(inputs, gi, [{ kind: 'npm', name: pkg, channel: 'latest', target }], gh, ctx(options.runId), quiet, {
    startedAt: STARTED,
  })
}

const issues = () => (github as GitHubStandin).state.issues.filter((i) => !i.pull_request)
const report = () => (github as GitHubStandin).state.files.main?.['incidents/drills/2026-11-29.md']?.content

describe('rollback drill', () => {
  it('a valid token passes, the report is committed, and the dist-tags are exactly as before (the tag was added and removed)', async () => {
    github = await startGitHubStandin()
    const pkg = await freshPackage()
    await setDistTag(registry, pkg, 'next', '1.2.2')
    const before = await distTags(pkg)
    const proxy = await startFaultProxy(registry.url)
    try {
      const r = await drill(pkg, { registryUrl: proxy.url })
      expect(r.broken).toEqual([])
      expect(r.status).toBe('drill-passed')
      expect(r.checks.map((c) => [c.subject, c.check, c.outcome])).toEqual([
        [`npm:${pkg}`, 'credentials', 'passed'],
        [`npm:${pkg}`, 'last known good', 'passed'],
        [`npm:${pkg}`, 'write', 'passed'],
        ['github', 'repository access', 'passed'],
      ])
      expect(r.checks[1].detail).toContain('would restore 1.2.2')
      // the harmless write happened: the tag was put on what latest holds, then deleted
      const written = proxy.seen.filter((s) => s.method !== 'GET').map((s) => `${s.method} ${s.path}`)
      const tag = written[0]?.split('/').pop() ?? ''
      // the name says whose probe it is: this machine (a hash of host and pid namespace), the pid, a random part
      expect(tag).toMatch(new RegExp(`^release-rollback-drill-[0-9a-f]{6}-${process.pid}-[0-9a-f]{8}$`))
      const tagPath = `/-/package/${pkg}/dist-tags/${tag}`
      expect(written).toEqual([`PUT ${tagPath}`, `DELETE ${tagPath}`])
    } finally {
      await proxy.stop()
    }
    expect(await distTags(pkg)).toEqual(before)
    expect(report() ?? '').toContain('# Rollback drill 2026-11-29: passed')
    expect(report()).toContain('| write | ✅ passed |')
    expect(issues()).toHaveLength(0)
    expect((github as GitHubStandin).state.commits).toHaveLength(1)
  })

  it("another run's probe tag (running now, or left by one that died) is left alone and named in a warning with the command to remove it", async () => {
    github = await startGitHubStandin()
    const pkg = await freshPackage()
    const stale = `${DRILL_TAG_PREFIX}0badc0de`
    await setDistTag(registry, pkg, stale, '1.2.2')
    await setDistTag(registry, pkg, 'release-rollback-drill', '1.2.2') // the one name of earlier releases
    const r = await drill(pkg)
    expect(r.status).toBe('drill-passed')
    const warned = r.warnings.join('\n')
    expect(warned).toContain(`has a dist-tag '${stale}' on 1.2.2`)
    expect(warned).toContain(`npm dist-tag rm ${pkg} ${stale}`)
    expect(warned).toContain(`npm dist-tag rm ${pkg} release-rollback-drill`)
    expect(warned).not.toMatch(/someone else did meanwhile/)
    expect(await distTags(pkg)).toEqual({ latest: '1.2.3', [stale]: '1.2.2', 'release-rollback-drill': '1.2.2' })
  })

  it('a probe PUT that took effect but answered an error: the probe removes its own tag before it fails', async () => {
    const pkg = await freshPackage()
    const before = await distTags(pkg)
    const proxy = await startFaultProxy(registry.url)
    proxy.inject({ method: 'PUT', path: /dist-tags\/release-rollback-drill-/, action: 'after', status: 403 })
    try {
      const probe = new NpmTarget({ packageName: pkg, registry: proxy.url, token: registry.token, log: quiet })
      await expect(probe.probeWrite('1.2.3')).rejects.toThrow(/403/)
      const written = proxy.seen.filter((s) => s.method !== 'GET').map((s) => `${s.method} ${s.path.split('/').pop()}`)
      expect(written).toHaveLength(2)
      expect(written[1]).toBe(written[0].replace('PUT', 'DELETE'))
    } finally {
      await proxy.stop()
    }
    expect(await distTags(pkg)).toEqual(before)
  })

  it('two probes of one package at once each write a tag of their own: both succeed and leave no tag', async () => {
    const pkg = await freshPackage()
    await setDistTag(registry, pkg, 'next', '1.2.2')
    const before = await distTags(pkg)
    const proxy = await startFaultProxy(registry.url)
    const target = (url: string) =>
      new NpmTarget({
        packageName: pkg,
        registry: url,
        token: registry.token,
        log: quiet,
        retry: { attempts: 2, baseDelayMs: 5, maxDelayMs: 10, deadlineMs: 2000 },
      })
    // the second probe runs whole while the first one's tag is on the package (just before its DELETE)
    let second: { warnings: string[] } | undefined
    proxy.inject({
      method: 'DELETE',
      path: /dist-tags\/release-rollback-drill-/,
      action: 'before',
      then: async () => {
        second = await target(registry.url).probeWrite('1.2.2', 'the second probe')
      },
    })
    try {
      const first = await target(proxy.url).probeWrite('1.2.3', 'the first probe')
      expect(second).toBeDefined()
      const firstTag = proxy.seen
        .find((s) => s.method === 'PUT')
        ?.path.split('/')
        .pop()
      // the second saw the first's tag and left it alone; neither saw a tag move under it
      expect(second?.warnings).toEqual([expect.stringContaining(`has a dist-tag '${firstTag}' on 1.2.3`)])
      expect(first.warnings).toEqual([])
      expect(proxy.seen.filter((s) => s.method === 'DELETE').map((s) => s.path)).toEqual([
        `/-/package/${pkg}/dist-tags/${firstTag}`,
      ])
    } finally {
      await proxy.stop()
    }
    expect(await distTags(pkg)).toEqual(before)
  })

  it('an invalid token fails naming npm-token; one issue is opened, and a second failing drill comments on it instead of opening another', async () => {
    github = await startGitHubStandin()
    const pkg = await freshPackage()
    const before = await distTags(pkg)
    const first = await drill(pkg, { token: 'revoked-token-0000' })
    expect(first.status).toBe('drill-failed')
    const credentials = first.checks.find((c) => c.check === 'credentials')
    expect(credentials).toMatchObject({ outcome: 'failed', input: 'npm-token' })
    expect(first.broken.join('\n')).toContain('npm-token')
    expect(issues()).toHaveLength(1)
    expect(issues()[0].body).toContain(DRILL_MARKER)
    expect(issues()[0].body).toContain('npm-token')
    expect(first.issueNumber).toBe(issues()[0].number)

    const second = await drill(pkg, { token: 'revoked-token-0000', runId: '501' })
    expect(second.status).toBe('drill-failed')
    expect(issues()).toHaveLength(1)
    expect(second.issueNumber).toBe(first.issueNumber)
    expect(
      issues()[0]
        .comments.map((c) => c.body)
        .join('\n'),
    ).toContain('Drill failed again')
    expect(report()).toContain('# Rollback drill 2026-11-29: failed')
    expect(await distTags(pkg)).toEqual(before)

    // a passing drill closes nothing: it says so on the open issue
    const third = await drill(pkg, { runId: '502' })
    expect(third.status).toBe('drill-passed')
    expect(issues()[0].state).toBe('open')
    expect(
      issues()[0]
        .comments.map((c) => c.body)
        .join('\n'),
    ).toContain('Drill passed')
  })

  it('a failing drill reopens the drill issue a person closed, instead of opening a second one', async () => {
    github = await startGitHubStandin()
    const pkg = await freshPackage()
    const first = await drill(pkg, { token: 'revoked-token-3333' })
    const gh = createGitHubClient({
      token: 'ghs_test-token',
      baseUrl: (github as GitHubStandin).url,
      log: quiet,
      throttle: false,
    })
    await gh.rest.issues.update({
      owner: 'acme',
      repo: 'widget',
      issue_number: first.issueNumber as number,
      state: 'closed',
    })
    expect(issues()[0].state).toBe('closed')
    const second = await drill(pkg, { token: 'revoked-token-3333', runId: '503' })
    expect(second.issueNumber).toBe(first.issueNumber)
    expect(issues()).toHaveLength(1)
    expect(issues()[0].state).toBe('open')
  })

  it('no last known good fails naming it', async () => {
    github = await startGitHubStandin()
    const pkg = await freshPackage(['1.0.0'])
    const r = await drill(pkg)
    expect(r.status).toBe('drill-failed')
    expect(r.checks.find((c) => c.check === 'last known good')).toMatchObject({
      outcome: 'failed',
      input: 'restore-version',
    })
    expect(r.broken.join('\n')).toMatch(/last known good/)
    expect(issues()).toHaveLength(1)
    expect(await distTags(pkg)).toEqual({ latest: '1.0.0' })
  })
})

describe('the built action with drill: true', () => {
  const env = (url: string) => ({
    GITHUB_API_URL: url,
    GITHUB_REPOSITORY: 'acme/widget',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: '88',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_ACTOR: 'octocat',
    GITHUB_EVENT_NAME: 'schedule',
  })

  it('drill: true and rollback-version: current (no published-after) passes and commits the drill report; outputs empty but status and report', async () => {
    github = await startGitHubStandin()
    const pkg = await freshPackage()
    const before = await distTags(pkg)
    const run = await runAction(
      {
        drill: 'true',
        'rollback-version': 'current',
        package: pkg,
        registry: registry.url,
        'npm-token': registry.token,
        'github-token': 'ghs_test-token',
      },
      { env: env(github.url) },
    )
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    const day = new Date().toISOString().slice(0, 10)
    expect(run.outputs).toMatchObject({
      status: 'drill-passed',
      'report-path': `incidents/drills/${day}.md`,
      'previous-version': '',
      'restored-version': '',
      moved: 'false',
      deprecated: 'false',
      'incident-id': '',
      'issue-number': '',
    })
    expect(run.summary).toContain('Rollback drill')
    expect(github.state.files.main?.[`incidents/drills/${day}.md`]?.content).toContain('passed')
    expect(await distTags(pkg)).toEqual(before)
  })

  it('a bad token makes the action fail with drill-failed, naming npm-token', async () => {
    github = await startGitHubStandin()
    const pkg = await freshPackage()
    const run = await runAction(
      {
        drill: 'true',
        'rollback-version': 'current',
        package: pkg,
        registry: registry.url,
        'npm-token': 'revoked-token-1111',
        'github-token': 'ghs_test-token',
      },
      { env: env(github.url) },
    )
    expect(run.code).toBe(1)
    expect(run.outputs.status).toBe('drill-failed')
    expect(run.stdout).toMatch(/::error::The rollback drill failed[\s\S]*npm-token/)
    expect(issues()).toHaveLength(1)
    expect(run.outputs['issue-number']).toBe(String(issues()[0].number))
  })
})

describe('a drill cancelled mid-probe (SIGTERM, SIGINT) and the leftovers of one that died (issue 24)', () => {
  const env = (url: string) => ({
    GITHUB_API_URL: url,
    GITHUB_REPOSITORY: 'acme/widget',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: '89',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_ACTOR: 'octocat',
    GITHUB_EVENT_NAME: 'schedule',
  })

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal} while the probe's DELETE is held: the built action removes its probe tag before it exits`, async () => {
      github = await startGitHubStandin()
      const pkg = await freshPackage()
      const before = await distTags(pkg)
      const proxy = await startFaultProxy(registry.url)
      // the probe's own DELETE never answers: the drill is cancelled right there
      proxy.inject({ method: 'DELETE', path: /dist-tags\/release-rollback-drill-/, action: 'hang' })
      const dir = mkdtempSync(join(tmpdir(), 'rr-drill-kill-'))
      const child = spawn(process.execPath, [join(root, 'dist', 'index.js')], {
        env: {
          PATH: process.env.PATH ?? '',
          HOME: dir,
          RUNNER_TEMP: dir,
          GITHUB_OUTPUT: join(dir, 'output'),
          GITHUB_STEP_SUMMARY: join(dir, 'summary'),
          ...env(github.url),
          INPUT_DRILL: 'true',
          'INPUT_ROLLBACK-VERSION': 'current',
          INPUT_PACKAGE: pkg,
          INPUT_REGISTRY: proxy.url,
          'INPUT_NPM-TOKEN': registry.token,
          'INPUT_GITHUB-TOKEN': 'ghs_test-token',
        },
        cwd: dir,
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let stdout = ''
      child.stdout.on('data', (d) => (stdout += d))
      child.stderr.on('data', (d) => (stdout += d))
      const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)))
      try {
        for (let i = 0; i < 1000 && !proxy.seen.some((x) => x.method === 'DELETE'); i++)
          await new Promise((r) => setTimeout(r, 10))
        expect(proxy.seen.filter((x) => x.method === 'DELETE')).toHaveLength(1)
        const probe = (await distTags(pkg)) as Record<string, string>
        const tag = Object.keys(probe).find((t) => t.startsWith(DRILL_TAG_PREFIX)) as string
        expect(tag).toBeDefined() // the held DELETE never reached the registry
        child.kill(signal)
        const code = await exited
        expect(code).toBe(signal === 'SIGTERM' ? 143 : 130)
        expect(stdout).toContain(`removing its probe tag '${tag}'`)
        expect(await distTags(pkg)).toEqual(before)
      } finally {
        child.kill('SIGKILL')
        await proxy.stop()
        rmSync(dir, { recursive: true, force: true })
      }
    })
  }

  it('the next drill removes a probe tag provably its own leftover (this machine, a pid that is gone) and keeps warning about any other', async () => {
    github = await startGitHubStandin()
    const pkg = await freshPackage()
    // a process of this machine that has ended: its pid is free now
    const dead = spawn(process.execPath, ['-e', ''])
    await new Promise((r) => dead.on('close', r))
    const mine = newDrillTag()
    const leftover = mine.replace(`-${process.pid}-`, `-${dead.pid}-`)
    const running = mine.replace(/-[0-9a-f]{8}$/, '-00000000') // this very process: alive
    const elsewhere = mine.replace(/drill-[0-9a-f]{6}-/, 'drill-ffffff-').replace(`-${process.pid}-`, `-${dead.pid}-`)
    for (const t of [leftover, running, elsewhere]) await setDistTag(registry, pkg, t, '1.2.2')
    const r = await drill(pkg)
    expect(r.status).toBe('drill-passed')
    const tags = await distTags(pkg)
    expect(tags[leftover]).toBeUndefined()
    expect(tags[running]).toBe('1.2.2')
    expect(tags[elsewhere]).toBe('1.2.2')
    const warned = r.warnings.join('\n')
    expect(warned).toContain(
      `removed the dist-tag '${leftover}' (on 1.2.2), the probe of an earlier drill or preflight on this machine whose process (${dead.pid}) has ended`,
    )
    expect(warned).toContain(`npm dist-tag rm ${pkg} ${running}`)
    expect(warned).toContain(`npm dist-tag rm ${pkg} ${elsewhere}`)
  })
})

describe('the drill report (pure)', () => {
  it('renders every check with its outcome and timing, and keeps registry text inert', async () => {
    const { renderDrillReport, renderDrillIssue } = await import('../../src/modes/drill-report.js')
    const record = {
      status: 'drill-failed' as const,
      startedAt: STARTED,
      repository: 'acme/widget',
      channel: 'latest',
      checks: [
        {
          check: 'credentials',
          subject: 'npm:acme-widget',
          outcome: 'failed' as const,
          input: 'npm-token',
          detail: 'rejected | ping @octocat <b>',
          ms: 12,
        },
        { check: 'last known good', subject: 'npm:acme-widget', outcome: 'passed' as const, detail: 'ok', ms: 3 },
      ],
      warnings: [],
    }
    const md = renderDrillReport(record)
    expect(md).toContain('# Rollback drill 2026-11-29: failed')
    expect(md).toContain('| npm:acme-widget | last known good | ✅ passed | 3 ms | ok |')
    expect(md).toContain('12 ms')
    expect(md).not.toMatch(/@octocat|<b>| \| ping/)
    const body = renderDrillIssue(record)
    expect(body.startsWith(DRILL_MARKER)).toBe(true)
    expect(body).toContain('npm-token')
    expect(body).not.toContain('@octocat')
  })
})
