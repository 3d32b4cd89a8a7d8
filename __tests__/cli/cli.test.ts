// The command-line twin, run as a process (the bundled dist/cli/index.js, as npx runs it)
// against a real Verdaccio.
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { parseReportRecord } from '../../src/github/record.js'
import { publishPackage, snapshot } from '../support/fixtures.mjs'
import { npmView } from '../support/npm-cli.mjs'
import { root } from '../support/run-action.mjs'
import { startGitHubStandin } from '../support/github-standin.mjs'
import { startVerdaccio, type Registry } from '../support/verdaccio.mjs'
import { startDockerRegistry } from '../support/docker-registry.mjs'
import { fixtureClient, pushRelease, skopeoRaw } from '../support/oci-fixtures.mjs'

let registry: Registry
let counter = 0
beforeAll(async () => {
  registry = await startVerdaccio()
})
afterAll(async () => {
  await registry?.stop()
})

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs the CLI in a fresh git checkout with its own HOME; `input` is what the user types. */
function cli(
  args: string[],
  options: { env?: Record<string, string>; input?: string; cwd?: string } = {},
): Promise<Run> {
  const cwd = options.cwd ?? checkout()
  const child = spawn(process.execPath, [join(root, 'dist', 'cli', 'index.js'), ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: cwd, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d) => (stdout += d))
  child.stderr.on('data', (d) => (stderr += d))
  child.stdin.end(options.input ?? '')
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })))
}

function checkout(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rr-cli-'))
  execFileSync('git', ['init', '-q'], { cwd: dir })
  return dir
}

async function freshPackage(): Promise<string> {
  const name = `cli-widget-${++counter}`
  await publishPackage(registry, name, ['1.2.1', '1.2.2', '1.2.3'])
  return name
}

const base = (pkg: string) => [
  '--package',
  pkg,
  '--rollback',
  '1.2.3',
  '--reason',
  'Memory persistence corrupts data',
  '--registry',
  registry.url,
]

describe('release-rollback CLI', () => {
  it('shows the plan and changes nothing when the confirmation is refused', async () => {
    const pkg = await freshPackage()
    const before = await snapshot(registry, pkg)
    const run = await cli(base(pkg), { env: { NPM_TOKEN: registry.token }, input: 'n\n' })
    expect(run.stdout).toContain("- move dist-tag 'latest': 1.2.3 -> 1.2.2")
    expect(run.stdout).toContain('Aborted: nothing was changed.')
    expect(run.code).toBe(1)
    expect(await snapshot(registry, pkg)).toBe(before)
  })

  it('applies after "y", writes the report into the checkout and prints the issue text to paste', async () => {
    const pkg = await freshPackage()
    const cwd = checkout()
    const run = await cli(base(pkg), { env: { NPM_TOKEN: registry.token }, input: 'y\n', cwd })
    expect(run.code).toBe(0)
    expect(run.stdout).toContain("✔ dist-tag 'latest' now points at 1.2.2")
    expect(run.stdout).toContain(`Title: Rollback: ${pkg}@1.2.3 → 1.2.2 on latest`)
    expect(await npmView(registry.url, pkg, 'dist-tags.latest')).toBe('1.2.2')
    const report = readFileSync(join(cwd, 'incidents', `rollback-${pkg}-1.2.3.md`), 'utf8')
    expect(parseReportRecord(report)).toMatchObject({
      packageName: pkg,
      rollbackVersion: '1.2.3',
      restoreVersion: '1.2.2',
      previousVersion: '1.2.3',
    })
    expect(run.stdout + run.stderr).not.toContain(registry.token)
  })

  it('--yes --json prints one machine-readable result; a re-run says already-done and keeps the report', async () => {
    const pkg = await freshPackage()
    const cwd = checkout()
    const first = await cli([...base(pkg), '--yes', '--json'], { env: { NPM_TOKEN: registry.token }, cwd })
    expect(first.code).toBe(0)
    expect(JSON.parse(first.stdout)).toMatchObject({
      exitCode: 0,
      status: 'completed',
      moved: true,
      deprecated: true,
      restoreVersion: '1.2.2',
      previousVersion: '1.2.3',
      incidentId: expect.stringMatching(/^rr-/),
    })
    const file = join(cwd, 'incidents', `rollback-${pkg}-1.2.3.md`)
    const report = readFileSync(file, 'utf8')
    const again = await cli([...base(pkg), '--yes', '--json'], { env: { NPM_TOKEN: registry.token }, cwd })
    expect(JSON.parse(again.stdout)).toMatchObject({
      exitCode: 0,
      status: 'already-done',
      moved: false,
      deprecated: false,
    })
    expect(readFileSync(file, 'utf8')).toBe(report)
  })

  it('--dry-run shows only the plan and needs no token', async () => {
    const pkg = await freshPackage()
    const before = await snapshot(registry, pkg)
    const run = await cli([...base(pkg), '--dry-run', '--json'])
    expect(run.code).toBe(0)
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'planned', restoreVersion: '1.2.2' })
    expect(await snapshot(registry, pkg)).toBe(before)
  })

  it('--drill checks the token and the last known good, needs no --rollback or --reason, and leaves the registry as it was', async () => {
    const pkg = await freshPackage()
    const before = await snapshot(registry, pkg)
    const run = await cli(['--drill', '--package', pkg, '--registry', registry.url, '--json'], {
      env: { NPM_TOKEN: registry.token },
    })
    expect(run.code).toBe(0)
    const out = JSON.parse(run.stdout)
    expect(out).toMatchObject({ exitCode: 0, status: 'drill-passed' })
    expect(out.checks.map((c: { check: string; outcome: string }) => `${c.check}:${c.outcome}`)).toEqual([
      'credentials:passed',
      'last known good:passed',
      'write:passed',
    ])
    expect(JSON.parse(await snapshot(registry, pkg)).distTags).toEqual(JSON.parse(before).distTags)
    const bad = await cli(['--drill', '--package', pkg, '--registry', registry.url], {
      env: { NPM_TOKEN: 'revoked-token-2222' },
    })
    expect(bad.code).toBe(1)
    expect(bad.stdout).toMatch(/Drill failed[\s\S]*NPM_TOKEN/)
  })

  it('takes the token from the .npmrc entry scoped to the registry, like npm', async () => {
    const pkg = await freshPackage()
    const cwd = checkout()
    const host = new URL(registry.url).host
    writeFileSync(join(cwd, '.npmrc'), `registry=${registry.url}\n//${host}/:_authToken=\${MY_TOKEN}\n`)
    const run = await cli(
      ['--package', pkg, '--rollback', '1.2.3', '--reason', 'x', '--yes', '--no-issue', '--no-report'],
      { env: { MY_TOKEN: registry.token }, cwd },
    )
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(await npmView(registry.url, pkg, 'dist-tags.latest')).toBe('1.2.2')
  })

  it('with --repo and GITHUB_TOKEN: opens the issue and commits the report as the action does; exit 3 when that fails half-way', async () => {
    const github = await startGitHubStandin({ token: 'ghs_cli-token' })
    try {
      const env = { NPM_TOKEN: registry.token, GITHUB_TOKEN: 'ghs_cli-token', GITHUB_API_URL: github.url }
      const pkg = await freshPackage()
      const run = await cli([...base(pkg), '--repo', 'acme/widget', '--yes', '--json'], { env })
      expect(JSON.parse(run.stdout)).toMatchObject({
        exitCode: 0,
        status: 'completed',
        issueUrl: 'https://github.com/acme/widget/issues/1',
      })
      expect(github.state.issues).toHaveLength(1)
      expect(github.state.commits.map((c) => c.path)).toEqual([`incidents/rollback-${pkg}-1.2.3.md`])
      expect(run.stdout + run.stderr).not.toContain('ghs_cli-token')

      const other = await freshPackage()
      github.failNext({
        method: 'PUT',
        path: /\/contents\//,
        status: 403,
        body: { message: 'Resource not accessible by integration' },
        times: 1,
      })
      const partial = await cli([...base(other), '--repo', 'acme/widget', '--yes', '--json'], { env })
      expect(partial.code).toBe(3)
      expect(JSON.parse(partial.stdout)).toMatchObject({ exitCode: 3, status: 'partial', moved: true })
      expect(partial.stderr).toMatch(/the rollback is live.*Still missing: the incident report/)
      expect(github.violations).toEqual([])
    } finally {
      await github.stop()
    }
  })

  it('--packages rolls back several packages as one incident; --strategy republish fixes forward', async () => {
    const a = await freshPackage()
    const b = await freshPackage()
    const multi = await cli(
      [
        '--packages',
        `${a},${b}`,
        '--rollback',
        '1.2.3',
        '--restore',
        '1.2.2',
        '--reason',
        'shared bug',
        '--registry',
        registry.url,
        '--yes',
        '--json',
        '--no-report',
      ],
      { env: { NPM_TOKEN: registry.token } },
    )
    expect(multi.code).toBe(0)
    expect(JSON.parse(multi.stdout)).toMatchObject({
      status: 'completed',
      packages: [
        { name: a, outcome: 'rolled-back' },
        { name: b, outcome: 'rolled-back' },
      ],
    })
    for (const name of [a, b]) expect(await npmView(registry.url, name, 'dist-tags.latest')).toBe('1.2.2')

    const c = await freshPackage()
    const fix = await cli([...base(c), '--strategy', 'republish', '--yes', '--json', '--no-report'], {
      env: { NPM_TOKEN: registry.token },
    })
    expect(fix.code).toBe(0)
    expect(JSON.parse(fix.stdout)).toMatchObject({ status: 'completed', moved: true })
    expect(await npmView(registry.url, c, 'dist-tags.latest')).toBe('1.2.4')
  })

  const badFlags: Array<[string, string[], RegExp]> = [
    ['an unknown flag', ['--rollbak', '1.2.3'], /Unknown option '--rollbak'/],
    ['a token on the command line', ['--npm-token=abc'], /tokens are never taken from flags/],
    [
      'a range as the bad version',
      ['--rollback', '^1.2.3', '--reason', 'x', '--package', 'p', '--dry-run'],
      /--rollback: "\^1\.2\.3" is not an exact semantic version/,
    ],
    ['no reason', ['--rollback', '1.2.3', '--package', 'p', '--dry-run'], /Missing: --reason <why>/],
    ['an empty reason', ['--rollback', '1.2.3', '--reason', ' ', '--package', 'p', '--dry-run'], /^--reason: is empty/],
    [
      'a version as the channel',
      ['--rollback', '1.2.3', '--reason', 'x', '--package', 'p', '--channel', 'v1', '--dry-run'],
      /--channel: .*semver range/,
    ],
  ]
  it.each(badFlags)('exits 2 on %s, naming the flag', async (_, args, message) => {
    const run = await cli(args)
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(message)
  })

  it('exits 2 without a token outside a dry run, saying where tokens come from', async () => {
    const pkg = await freshPackage()
    const run = await cli([...base(pkg), '--yes'])
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(
      /^Missing: NPM_TOKEN in the environment \(or the registry's _authToken in \.npmrc\), or --dry-run to only see the plan\./,
    )
  })

  it('--help lists every flag with its default', async () => {
    const run = await cli(['--help'])
    expect(run.code).toBe(0)
    for (const flag of [
      '--package',
      '--rollback',
      '--restore',
      '--channel',
      '--reason',
      '--registry',
      '--no-deprecate',
      '--dry-run',
      '--yes',
      '--json',
      '--repo',
      '--published-after',
    ])
      expect(run.stdout).toContain(flag)
    expect(run.stdout).toContain('[latest]')
    expect(run.stdout).toMatch(/Exit codes: 0 done or already done, 1 failed, 2 bad input, 3 partial/)
  })

  it("--targets: an npm package, an image and a git tag in one incident, through the action's code path", async () => {
    const docker = await startDockerRegistry({ auth: 'htpasswd' })
    const github = await startGitHubStandin({ token: 'ghp_cli-targets' })
    try {
      const pkg = await freshPackage()
      const images = await pushRelease(fixtureClient(docker), 'acme/cli-app', ['1.2.2', '1.2.3'], { prefix: 'v' })
      const commits: Record<string, string> = {}
      for (const v of ['1.2.2', '1.2.3']) {
        commits[v] = github.tags.addCommit({ message: `release ${v}` })
        github.tags.createTag(`v${v}`, commits[v])
      }
      github.tags.createTag('v1', commits['1.2.3'])
      const args = [
        '--targets',
        `npm:${pkg},docker:${docker.host}/acme/cli-app,git-tag:v1`,
        '--tag-prefix',
        'v',
        '--rollback',
        '1.2.3',
        '--restore',
        '1.2.2',
        '--reason',
        'broken',
        '--registry',
        registry.url,
        '--repo',
        'acme/widget',
        '--no-issue',
        '--no-report',
        '--yes',
        '--json',
      ]
      const env = {
        NPM_TOKEN: registry.token,
        REGISTRY_USERNAME: docker.user,
        REGISTRY_PASSWORD: docker.password,
        GITHUB_TOKEN: 'ghp_cli-targets',
        GITHUB_API_URL: github.url,
      }
      const run = await cli(args, { env })
      expect(run.stderr).not.toContain(docker.password)
      expect(run.code).toBe(0)
      const out = JSON.parse(run.stdout)
      expect(out.status).toBe('completed')
      expect(out.targets.map((t: { kind: string; outcome: string }) => [t.kind, t.outcome])).toEqual([
        ['npm', 'rolled-back'],
        ['docker', 'rolled-back'],
        ['git-tag', 'rolled-back'],
      ])
      expect(await npmView(registry.url, pkg, 'dist-tags.latest')).toBe('1.2.2')
      expect(await skopeoRaw(docker, 'acme/cli-app:latest')).toEqual(images['1.2.2'].bytes)
      expect(github.tags.commitOf('v1')).toBe(commits['1.2.2'])
      expect(github.violations).toEqual([])
      // a git-tag target without --repo is refused before anything is read
      const refused = await cli(
        args.filter((a, i) => a !== '--repo' && args[i - 1] !== '--repo'),
        { env },
      )
      expect(refused.code).toBe(2)
      expect(refused.stderr).toMatch(/^GITHUB_TOKEN: and --repo are needed for a git-tag target/)
    } finally {
      await github.stop()
      await docker.stop()
    }
  })
})
