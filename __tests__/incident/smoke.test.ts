// The smoke test of the restore version (src/runbook/smoke.ts), against real servers: a
// Verdaccio registry (behind an auth gate for a private package), the real npm CLI, a real
// distribution registry for images, the built action and the built CLI.
import { execFileSync, spawn } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { createServer, request as httpRequest } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { publish } from 'libnpmpublish'
import { parse as parseYaml } from 'yaml'
import { InputError, RollbackError } from '../../src/core/errors.js'
import { executeIncident } from '../../src/incident/execute.js'
import { readGitHubInputs, readInputs } from '../../src/config/inputs.js'
import { knownSecrets } from '../../src/core/secrets.js'
import { readSmokeInputs, smokeEnv, smokeOnly, smokeTest } from '../../src/incident/smoke.js'
import { createTargets } from '../../src/targets/select.js'
import { startDockerRegistry, type DockerRegistry } from '../support/docker-registry.mjs'
import { makeTarball, setDistTag, snapshot } from '../support/fixtures.mjs'
import { fixtureClient, pushRelease, skopeoRaw } from '../support/oci-fixtures.mjs'
import { root, runAction } from '../support/run-action.mjs'
import { freePort, startVerdaccio, type Registry } from '../support/verdaccio.mjs'

let registry: Registry
let counter = 0
beforeAll(async () => {
  registry = await startVerdaccio()
})
afterAll(async () => {
  await registry?.stop()
})

const scratch: string[] = []
afterEach(() => {
  for (const d of scratch.splice(0)) rmSync(d, { recursive: true, force: true })
})
function tempDir(prefix = 'rr-smoke-test-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix))
  scratch.push(d)
  return d
}

interface Version {
  version: string
  code?: string
  /** more package.json fields (scripts, dependencies) */
  manifest?: Record<string, unknown>
}

/** Publishes 1.2.1, 1.2.2 and 1.2.3 (latest) of a fresh package, each with its own code. */
async function publishVersions(
  over: Record<string, Partial<Version>> = {},
  reg: { url: string; token: string } = registry,
): Promise<string> {
  const name = `smoke-widget-${++counter}`
  const u = new URL(reg.url)
  for (const version of ['1.2.1', '1.2.2', '1.2.3']) {
    const v = over[version] ?? {}
    const manifest = { name, version, main: 'index.js', description: `fixture ${name}`, ...v.manifest }
    await publish(manifest, makeTarball(manifest, v.code), {
      registry: reg.url,
      [`//${u.host}${u.pathname}:_authToken`]: reg.token,
      defaultTag: 'latest',
      access: 'public',
    })
  }
  return name
}

/** 1.2.2, the version a rollback of 1.2.3 restores, throws when it is required, after 40 lines of output. */
const BROKEN = `for (let i = 1; i <= 40; i++) console.error('noise line ' + String(i).padStart(2, '0'))\nthrow new Error('boom: 1.2.2 was built without its config')\n`

function logger() {
  const lines: string[] = []
  return {
    lines,
    info: (m: string) => lines.push(m),
    warning: (m: string) => lines.push(`warning: ${m}`),
    debug: () => {},
  }
}

/** A rollback of 1.2.3 the way src/main.ts runs it (readInputs, createTargets, the smoke step, executeIncident), with these inputs. */
async function rollback(
  given: Record<string, string>,
  env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: tempDir('rr-smoke-home-') },
) {
  const all: Record<string, string> = {
    'rollback-version': '1.2.3',
    reason: 'crashes on start',
    'create-issue': 'false',
    'commit-report': 'false',
    ...given,
  }
  const get = (n: string) => all[n] ?? ''
  const log = logger()
  const inputs = readInputs(get, env)
  const gi = readGitHubInputs(get, env)
  const summaries: string[] = []
  const { targets, dispose } = createTargets(inputs, get, log, 'smoke-test')
  try {
    const steps = { beforeWrite: smokeTest(get, inputs, { log, env, summary: async (md) => summaries.push(md) }) }
    const run = executeIncident(
      inputs,
      gi,
      targets,
      undefined,
      { repository: 'acme/widget', serverUrl: 'https://github.com' },
      log,
      steps,
    )
    return {
      run: await run.then(
        (r) => ({ ok: true as const, ...r }),
        (error: unknown) => ({ ok: false as const, error }),
      ),
      log,
      summaries,
    }
  } finally {
    dispose()
  }
}

/**
 * The smoke-only mode the way src/main.ts runs it (the reusable workflows' smoke job, the
 * CLI's --smoke-only): the plan as a dry run, the smoke test of what would move, nothing
 * written. No token in these inputs.
 */
async function smokeOnlyRun(
  given: Record<string, string>,
  env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: tempDir('rr-smoke-home-') },
) {
  const all: Record<string, string> = {
    'rollback-version': '1.2.3',
    reason: 'crashes on start',
    'create-issue': 'false',
    'commit-report': 'false',
    ...given,
    'dry-run': 'true',
  }
  const get = (n: string) => all[n] ?? ''
  const log = logger()
  const inputs = readInputs(get, env)
  const summaries: string[] = []
  const { targets, dispose } = createTargets(inputs, get, log, 'smoke-test')
  try {
    const run = await smokeOnly(get, inputs, targets, { log, env, summary: async (md) => summaries.push(md) }).then(
      (r) => ({ ok: true as const, ...r }),
      (error: unknown) => ({ ok: false as const, error }),
    )
    return { run, log, summaries }
  } finally {
    dispose()
  }
}

/** A package on the test registry, read without a token (Verdaccio lets anyone read). */
const publicInputs = (pkg: string, over: Record<string, string> = {}) => ({
  package: pkg,
  registry: registry.url,
  ...over,
})

const npmInputs = (pkg: string, over: Record<string, string> = {}) => ({
  package: pkg,
  registry: registry.url,
  'npm-token': registry.token,
  ...over,
})

function errorOf(run: { ok: boolean; error?: unknown }): RollbackError {
  expect(run.ok).toBe(false)
  expect(run.error).toBeInstanceOf(RollbackError)
  return run.error as RollbackError
}

/** The `Last N lines of output:` part of a message, line by line. */
function tailOf(message: string): string[] {
  const at = message.indexOf('lines of output:\n')
  expect(at).toBeGreaterThan(0)
  return message.slice(at + 'lines of output:\n'.length).split('\n')
}

/** A process that has exited (or is a zombie nobody reaped) is not running. */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return !/^\d+ \(.*\) Z/.test(stat)
  } catch {
    return false
  }
}

describe('the inputs', () => {
  it('reads Go-like durations, 5m by default', () => {
    expect(readSmokeInputs(() => '')).toEqual({ command: undefined, timeoutMs: 300_000, timeout: '5m' })
    const get = (over: Record<string, string>) => (n: string) => over[n] ?? ''
    const timeout = (t: string) => readSmokeInputs(get({ 'smoke-test-timeout': t })).timeoutMs
    expect([timeout('30s'), timeout('1h30m'), timeout('1.5m'), timeout('6h'), timeout('0.25d')]).toEqual([
      30_000, 5_400_000, 90_000, 21_600_000, 21_600_000,
    ])
    expect(readSmokeInputs(get({ 'smoke-test': '  npm test\r\n', 'smoke-test-timeout': '90s' }))).toEqual({
      command: 'npm test',
      timeoutMs: 90_000,
      timeout: '90s',
    })
  })

  it.each(['5', '5 m', 'five minutes', '-1m', '0s', '500ms', '7h', '1d'])(
    'refuses smoke-test-timeout %j, naming it and the fix',
    (raw) => {
      let error: unknown
      try {
        readSmokeInputs((n) => (n === 'smoke-test-timeout' ? raw : 'node -e 1'))
      } catch (e) {
        error = e
      }
      expect(error).toBeInstanceOf(InputError)
      expect((error as InputError).input).toBe('smoke-test-timeout')
      expect((error as InputError).message).toMatch(/Fix: use .*duration/)
    },
  )

  it('keeps no token, input, runner secret, npm config or proxy credential in the environment', () => {
    const env = smokeEnv(
      {
        PATH: '/usr/bin',
        HOME: '/home/runner',
        LC_ALL: 'C.UTF-8',
        GITHUB_WORKSPACE: '/work',
        NPM_TOKEN: 'npm_1',
        NODE_AUTH_TOKEN: 'npm_2',
        GITHUB_TOKEN: 'ghs_3',
        'INPUT_NPM-TOKEN': 'npm_4',
        ACTIONS_RUNTIME_TOKEN: 'tok_5',
        ACTIONS_ID_TOKEN_REQUEST_URL: 'https://x',
        npm_config__authToken: 'npm_6',
        NPM_CONFIG_USERCONFIG: '/tmp/rc',
        REGISTRY_PASSWORD: 'pw_7',
        AWS_SECRET_ACCESS_KEY: 'aws_8',
        GITHUB_ENV: '/tmp/env',
        HTTPS_PROXY: 'http://user:pw_9@proxy:3128',
        HTTP_PROXY: 'http://proxy:3128',
      },
      { PACKAGE: 'p', VERSION: '1.0.0' },
    )
    expect(env).toEqual({
      PATH: '/usr/bin',
      HOME: '/home/runner',
      LC_ALL: 'C.UTF-8',
      GITHUB_WORKSPACE: '/work',
      HTTP_PROXY: 'http://proxy:3128',
      PACKAGE: 'p',
      VERSION: '1.0.0',
    })
  })

  it("the run's secrets: the secret inputs by name (whatever the variable is called) and the credential variables; the runner's own token is scrubbed but is not a credential that stops the smoke test", () => {
    const inputs: Record<string, string> = {
      'announce-webhook': 'https://hooks.example.test/T/B/webhook-secret',
      kubeconfig: 'apiVersion: v1\nusers:\n- user:\n    token: kube-secret-token-0123\n',
      'smoke-test': 'exit 1',
    }
    const secrets = knownSecrets((n) => inputs[n] ?? '', {
      ACTIONS_RUNTIME_TOKEN: 'runtime-token-1',
      DEPLOY_KEY: 'not-known',
      NODE_AUTH_TOKEN: 'x',
    })
    // NODE_AUTH_TOKEN 'x' is too short to be one
    expect(secrets.credentials()).toEqual(['announce-webhook', 'kubeconfig'])
    expect(secrets.values()).toEqual([
      'https://hooks.example.test/T/B/webhook-secret',
      'apiVersion: v1',
      'token: kube-secret-token-0123',
      'runtime-token-1',
    ])
    expect(
      secrets.scrub(
        `a https://hooks.example.test/T/B/webhook-secret b ${encodeURIComponent('https://hooks.example.test/T/B/webhook-secret')} c ${Buffer.from('runtime-token-1').toString('base64')} d not-known`,
      ),
    ).toBe('a *** b *** c *** d not-known')
  })

  it('adds no step without a command, and none in a dry run (where it says so)', () => {
    const log = logger()
    expect(smokeTest(() => '', { registry: registry.url, dryRun: false }, { log })).toEqual([])
    expect(
      smokeTest((n) => (n === 'smoke-test' ? 'exit 1' : ''), { registry: registry.url, dryRun: false }, { log }),
    ).toHaveLength(1)
    expect(
      smokeTest((n) => (n === 'smoke-test' ? 'exit 1' : ''), { registry: registry.url, dryRun: true }, { log }),
    ).toEqual([])
    expect(log.lines.join('\n')).toMatch(/Dry run: the smoke test \(smoke-test\) is not run/)
  })
})

describe('npm: the restore version installed from the registry', () => {
  it('a broken restore version fails the command: nothing is written, the error names smoke-test and shows the last lines', async () => {
    const pkg = await publishVersions({ '1.2.2': { code: BROKEN } })
    const before = await snapshot(registry, pkg)
    const { run, summaries } = await smokeOnlyRun({ ...publicInputs(pkg), 'smoke-test': `node -e "require('${pkg}')"` })
    const error = errorOf(run)
    expect(error.message).toMatch(
      new RegExp(
        `^Input 'smoke-test': the smoke test of ${pkg}@1\\.2\\.2 failed while running the smoke-test command: it exited with code 1, so nothing was written\\. Fix: pass a restore-version`,
      ),
    )
    const tail = tailOf(error.message)
    expect(tail).toHaveLength(20)
    expect(tail.join('\n')).toContain('Error: boom: 1.2.2 was built without its config')
    // only the last lines: the first of the 40 noise lines is cut, the last is there
    expect(tail.join('\n')).not.toContain('noise line 01')
    expect(tail.join('\n')).toContain('noise line 40')
    expect(await snapshot(registry, pkg)).toBe(before)
    expect(summaries).toHaveLength(1)
    expect(summaries[0]).toContain('## ❌ Rollback stopped by the smoke test: nothing was changed')
    expect(summaries[0]).toMatch(/```text\n[\s\S]*Error: boom: 1\.2\.2 was built without its config[\s\S]*\n```/)
  })

  it('where no credential is, the install scripts and the command run against the restore version; the rollback with the token takes what passed and does not test again', async () => {
    const postinstall = `node -e "require('fs').writeFileSync('postinstall-saw', process.env.NPM_TOKEN || process.env.NODE_AUTH_TOKEN || process.env.npm_config__authToken || 'no token')"`
    const pkg = await publishVersions({ '1.2.2': { manifest: { scripts: { postinstall } } } })
    const out = tempDir()
    const checkFile = join(out, 'check.js')
    writeFileSync(
      checkFile,
      [
        "const fs = require('fs'), path = require('path')",
        'const got = require(process.env.PACKAGE)',
        "if (got !== process.env.PACKAGE + '@' + process.env.VERSION) { console.error('got ' + got); process.exit(3) }",
        "const saw = path.join('node_modules', process.env.PACKAGE, 'postinstall-saw')",
        "fs.writeFileSync(process.argv[2], JSON.stringify({ got, cwd: process.cwd(), postinstall: fs.existsSync(saw) ? fs.readFileSync(saw, 'utf8') : 'not run' }))",
      ].join('\n'),
    )
    const smoke = `node ${checkFile} ${join(out, 'result.json')}`
    const { run, log } = await smokeOnlyRun({ ...publicInputs(pkg), 'smoke-test': smoke })
    if (!run.ok) throw run.error
    expect(run.tested).toEqual([`${pkg}@1.2.2`])
    const seen = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'))
    expect(seen.got).toBe(`${pkg}@1.2.2`)
    expect(seen.postinstall).toBe('no token')
    // the temporary project is gone after the run
    expect(existsSync(seen.cwd)).toBe(false)
    expect(log.lines).toContain(`✔ Smoke test passed: ${pkg}@1.2.2.`)
    rmSync(join(out, 'result.json'))
    // the rollback, beside the token: what the smoke-only run passed, not tested again
    const done = await rollback(
      { ...npmInputs(pkg), 'smoke-test': smoke },
      {
        PATH: process.env.PATH,
        HOME: tempDir('rr-smoke-home-'),
        RELEASE_ROLLBACK_SMOKE_TESTED: JSON.stringify(run.tested),
      },
    )
    if (!done.run.ok) throw done.run.error
    expect(done.run.result.status).toBe('completed')
    expect(existsSync(join(out, 'result.json'))).toBe(false)
    expect(done.log.lines).toContain(`Smoke test: passed in the smoke job, which held no token: ${pkg}@1.2.2.`)
    const doc = JSON.parse(await snapshot(registry, pkg))
    expect(doc.distTags.latest).toBe('1.2.2')
    expect(doc.deprecated['1.2.3']).toMatch(/rolled back/)
  })

  it.each([
    ['npm-token', {}, 'npm-token'],
    ['NODE_AUTH_TOKEN', { NODE_AUTH_TOKEN: 'npm_node-auth-token' }, 'NODE_AUTH_TOKEN, npm-token'],
  ])(
    'beside a credential (%s) the smoke test is refused before anything of the package is fetched: no script, no command, nothing written, the fix named',
    async (_which, extra, named) => {
      const postinstall = `node -e "require('fs').writeFileSync(process.env.OUT_FILE || '/dev/null', 'ran')"`
      const pkg = await publishVersions({ '1.2.2': { manifest: { scripts: { postinstall } } } })
      const before = await snapshot(registry, pkg)
      const out = tempDir()
      const { run, log } = await rollback(
        { ...npmInputs(pkg), 'smoke-test': `touch ${join(out, 'ran')}; node -e "require(process.env.PACKAGE)"` },
        { PATH: process.env.PATH, HOME: tempDir('rr-smoke-home-'), ...extra },
      )
      expect(run.ok).toBe(false)
      const error = (run as { error: unknown }).error
      expect(error).toBeInstanceOf(InputError)
      expect((error as InputError).input).toBe('smoke-test')
      expect((error as InputError).message).toContain(
        `Input 'smoke-test': is not run beside credentials: this process holds ${named}, and the command runs the package's code`,
      )
      expect((error as InputError).message).toMatch(
        /Fix: run the smoke test in a job that holds no token: the reusable workflows rollback-npm\.yml and rollback-npm-oidc\.yml do .*RELEASE_ROLLBACK_SMOKE_ONLY=true.*RELEASE_ROLLBACK_SMOKE_TESTED/,
      )
      expect((error as InputError).message).not.toContain(registry.token)
      expect(existsSync(join(out, 'ran'))).toBe(false)
      expect(log.lines.some((l) => l.includes('Smoke test: installing'))).toBe(false)
      expect(await snapshot(registry, pkg)).toBe(before)
    },
  )

  it('the command sees no INPUT_ variable, no runner token, no secret of the step env, and nothing of the smoke test is left in the temp folder', async () => {
    const pkg = await publishVersions()
    const out = tempDir()
    const tmp = tempDir('rr-smoke-tmpdir-')
    const env = {
      PATH: process.env.PATH,
      HOME: tempDir('rr-smoke-home-'),
      TMPDIR: tmp,
      RUNNER_TEMP: tmp,
      'INPUT_SMOKE-TEST': 'env',
      ACTIONS_RUNTIME_TOKEN: 'actions-runtime-token',
      npm_config__authToken: 'npm-config-token',
      DEPLOY_SECRET: 'deploy-secret-value',
    }
    // the temporary folders go under RUNNER_TEMP (the runner's per-job temp folder)
    const { run } = await smokeOnlyRun(
      {
        ...publicInputs(pkg),
        'smoke-test': `env > ${join(out, 'env.txt')}; ls -a "$RUNNER_TEMP" > ${join(out, 'ls.txt')}; true`,
      },
      env,
    )
    if (!run.ok) throw run.error
    const printed = readFileSync(join(out, 'env.txt'), 'utf8')
    expect(printed).toContain(`PACKAGE=${pkg}\n`)
    expect(printed).toContain('VERSION=1.2.2\n')
    expect(printed).toContain(`TMPDIR=${tmp}\n`)
    for (const secret of ['actions-runtime-token', 'npm-config-token', 'deploy-secret-value'])
      expect(printed).not.toContain(secret)
    expect(printed).not.toMatch(/^(INPUT_|ACTIONS_|npm_config_|NPM_TOKEN|NODE_AUTH_TOKEN|GITHUB_TOKEN)/im)
    // while the command ran, its project was there
    expect(readFileSync(join(out, 'ls.txt'), 'utf8')).toMatch(/^release-rollback-smoke-/m)
    // and nothing of the smoke test is left there
    expect(readdirSync(tmp).filter((f) => f.startsWith('release-rollback-'))).toEqual([])
  })

  it("the smoke test's output is scrubbed of every secret the run knows, in the error, the summary and so the announcement", async () => {
    const pkg = await publishVersions()
    // the runner's own token is in every action's process: package code can read it
    // (/proc/<pid>/environ of the action) and print it
    const runtime = 'runner-runtime-token-5f2b9c'
    const { run, summaries } = await smokeOnlyRun(
      {
        ...publicInputs(pkg),
        'smoke-test': `echo "found ${runtime}"; echo 'as JSON: {"t":"${runtime}"} in a URL: ?t=${runtime}'; exit 4`,
      },
      { PATH: process.env.PATH, HOME: tempDir('rr-smoke-home-'), ACTIONS_RUNTIME_TOKEN: runtime },
    )
    const error = errorOf(run)
    expect(tailOf(error.message)).toEqual(['found ***', 'as JSON: {"t":"***"} in a URL: ?t=***'])
    expect(summaries[0]).toContain('found ***')
    for (const text of [error.message, summaries[0]]) expect(text).not.toContain(runtime)
    // the end announcement carries that error (src/notify/message.ts), for every format
    const { endAnnouncement } = await import('../../src/notify/message.js')
    const { payloadFor } = await import('../../src/notify/channels/index.js')
    const about = {
      request: { reason: 'x', channel: 'latest', rollbackVersion: '1.2.3' },
      severity: 'sev2',
      ctx: { repository: 'acme/widget', serverUrl: 'https://github.com' },
      targets: [{ kind: 'npm' as const, name: pkg }],
    }
    const announced = endAnnouncement({ error }, undefined, about, '2026-01-01T00:00:00Z')
    expect(announced.error).toContain('found ***')
    for (const format of ['slack', 'discord', 'teams', 'json'] as const)
      expect(JSON.stringify(payloadFor(format, announced))).not.toContain(runtime)
  })

  it('a private package beside its token is refused: npm never asks the registry, nothing written', async () => {
    const gate = await startAuthGate(registry.url, registry.token)
    try {
      const pkg = await publishVersions({}, { url: gate.url, token: registry.token })
      const before = await snapshot(registry, pkg)
      const { run } = await rollback(
        {
          package: pkg,
          registry: gate.url,
          'npm-token': registry.token,
          'smoke-test': 'node -e "require(process.env.PACKAGE)"',
        },
        { PATH: process.env.PATH, HOME: tempDir('rr-smoke-home-') },
      )
      expect(run.ok).toBe(false)
      expect((run as { error: InputError }).error.message).toContain('is not run beside credentials')
      expect(gate.seen.filter((s) => s.agent.startsWith('npm/'))).toEqual([])
      expect(await snapshot(registry, pkg)).toBe(before)
    } finally {
      await gate.close()
    }
  })

  it('a version that does not install stops the rollback, naming the install', async () => {
    // 1.2.2 depends on a package the registry does not have
    const pkg = await publishVersions({
      '1.2.2': { manifest: { dependencies: { 'smoke-no-such-package': '^1.0.0' } } },
    })
    const before = await snapshot(registry, pkg)
    const { run } = await smokeOnlyRun({ ...publicInputs(pkg), 'smoke-test': 'true' })
    const error = errorOf(run)
    expect(error.message).toContain(
      `the smoke test of ${pkg}@1.2.2 failed while installing it (npm install ${pkg}@1.2.2): it exited with code 1, so nothing was written. Fix: ${pkg}@1.2.2 must install from the registry as users get it`,
    )
    expect(tailOf(error.message).join('\n')).toMatch(/smoke-no-such-package/)
    expect(await snapshot(registry, pkg)).toBe(before)
  })
})

describe('several targets, and channels that do not move', () => {
  it('runs once per package, one after the other; one broken restore version stops the rollback of all, nothing written', async () => {
    const good = await publishVersions()
    const broken = await publishVersions({ '1.2.2': { code: BROKEN } })
    const before = [await snapshot(registry, good), await snapshot(registry, broken)]
    const out = tempDir()
    const { run } = await smokeOnlyRun({
      packages: `${good},${broken}`,
      registry: registry.url,
      'smoke-test': `echo "$PACKAGE@$VERSION" >> ${join(out, 'ran.txt')}; node -e "require(process.env.PACKAGE)"`,
    })
    const error = errorOf(run)
    expect(error.message).toContain(`the smoke test of ${broken}@1.2.2 failed while running the smoke-test command`)
    expect(readFileSync(join(out, 'ran.txt'), 'utf8')).toBe(`${good}@1.2.2\n${broken}@1.2.2\n`)
    expect([await snapshot(registry, good), await snapshot(registry, broken)]).toEqual(before)
  })

  it('a channel that already holds the restore version is not smoke-tested (so not refused beside the token): the deprecation goes ahead', async () => {
    const pkg = await publishVersions({ '1.2.2': { code: BROKEN } })
    await setDistTag(registry, pkg, 'latest', '1.2.2')
    const { run, log } = await rollback({ ...npmInputs(pkg), 'smoke-test': 'exit 1' })
    if (!run.ok) throw run.error
    expect(run.result.status).toBe('completed')
    expect(log.lines).toContain('Smoke test: not run, the channel is not moved (already on 1.2.2).')
    expect(JSON.parse(await snapshot(registry, pkg)).deprecated['1.2.3']).toMatch(/rolled back/)
  })
})

describe('docker: IMAGE is the restore image by digest', () => {
  // a registry that takes no credential: the rollback holds none, so its smoke test runs in
  // the same run as its writes (beside registry-password it is refused, below)
  let docker: DockerRegistry
  beforeAll(async () => {
    docker = await startDockerRegistry({ auth: 'none' })
  })
  afterAll(async () => {
    await docker?.stop()
  })

  const dockerInputs = (repo: string) => ({
    target: 'docker',
    image: `${docker.host}/${repo}`,
    'tag-prefix': 'v',
  })

  it('beside registry-password the command is refused, the channel left where it was', async () => {
    const images = await pushRelease(fixtureClient(docker), 'acme/smoke-pw', ['1.2.2', '1.2.3'], { prefix: 'v' })
    const out = tempDir()
    const { run } = await rollback({
      ...dockerInputs('acme/smoke-pw'),
      'registry-username': 'someone',
      'registry-password': 'registry-password-value',
      'smoke-test': `touch ${join(out, 'ran')}`,
    })
    expect(run.ok).toBe(false)
    expect((run as { error: InputError }).error.message).toContain(
      "Input 'smoke-test': is not run beside credentials: this process holds registry-password,",
    )
    expect(existsSync(join(out, 'ran'))).toBe(false)
    expect(await skopeoRaw(docker, 'acme/smoke-pw:latest')).toEqual(images['1.2.3'].bytes)
  })

  it('sets IMAGE to <registry>/<repository>@<digest of the restore tag>, which the command can pull, then rolls back', async () => {
    const images = await pushRelease(fixtureClient(docker), 'acme/smoke-ok', ['1.2.2', '1.2.3'], {
      kind: 'index',
      prefix: 'v',
    })
    const out = tempDir()
    const cmd = `printf '%s' "$IMAGE" > ${join(out, 'image.txt')} && skopeo inspect --raw --tls-verify=false "docker://$IMAGE" > ${join(out, 'manifest.json')}`
    const { run } = await rollback({ ...dockerInputs('acme/smoke-ok'), 'smoke-test': cmd })
    expect(run.ok).toBe(true)
    expect(readFileSync(join(out, 'image.txt'), 'utf8')).toBe(`${docker.host}/acme/smoke-ok@${images['1.2.2'].digest}`)
    expect(readFileSync(join(out, 'manifest.json'))).toEqual(images['1.2.2'].bytes)
    expect(await skopeoRaw(docker, 'acme/smoke-ok:latest')).toEqual(images['1.2.2'].bytes)
  })

  it('a command that fails leaves the channel where it was', async () => {
    const images = await pushRelease(fixtureClient(docker), 'acme/smoke-bad', ['1.2.2', '1.2.3'], { prefix: 'v' })
    const { run } = await rollback({
      ...dockerInputs('acme/smoke-bad'),
      'smoke-test': 'echo "container exited: missing libssl" >&2; exit 42',
    })
    const error = errorOf(run)
    expect(error.message).toContain(
      `the smoke test of ${docker.host}/acme/smoke-bad@${images['1.2.2'].digest} failed while running the smoke-test command: it exited with code 42`,
    )
    expect(tailOf(error.message)).toEqual(['container exited: missing libssl'])
    expect(await skopeoRaw(docker, 'acme/smoke-bad:latest')).toEqual(images['1.2.3'].bytes)
  })

  it.each(
    process.platform === 'linux'
      ? [
          ['under the subreaper (python3)', 'exits'],
          ['under the subreaper (python3)', 'times out'],
          ['without python3, by the /proc tracker', 'exits'],
          ['without python3, by the /proc tracker', 'times out'],
        ]
      : [],
  )('a process the command started in a session of its own (setsid) ends with it, %s, when it %s', async (how, end) => {
    const repo = `acme/smoke-setsid-${++counter}`
    await pushRelease(fixtureClient(docker), repo, ['1.2.2', '1.2.3'], { prefix: 'v' })
    let path = process.env.PATH
    if (how.startsWith('without')) {
      // a PATH with the few programs the command uses, and no python3
      const bin = tempDir('rr-smoke-bin-')
      for (const tool of ['sh', 'setsid', 'sleep', 'cat'])
        symlinkSync(execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim(), join(bin, tool))
      path = bin
    }
    const out = tempDir()
    const daemon = `setsid sh -c 'echo $$ > ${join(out, 'daemon')}; exec sleep 120' > /dev/null 2>&1 < /dev/null &`
    // the tracker reads /proc every 100 ms: the command lives long enough to be seen (README states the limit)
    const rest = end === 'exits' ? 'sleep 1' : 'sleep 120'
    const { run } = await rollback(
      {
        ...dockerInputs(repo),
        'smoke-test': `${daemon} while [ ! -s ${join(out, 'daemon')} ]; do sleep 0.05; done; ${rest}`,
        'smoke-test-timeout': '6s',
      },
      { PATH: path, HOME: tempDir('rr-smoke-home-') },
    )
    if (end === 'exits') expect(run.ok).toBe(true)
    else expect(errorOf(run).message).toContain('did not finish within 6s')
    const pid = Number(readFileSync(join(out, 'daemon'), 'utf8').trim())
    expect(pid).toBeGreaterThan(1)
    // it left the command's process group and session, and is gone all the same
    expect(running(pid)).toBe(false)
  })

  it('a command that runs past smoke-test-timeout is killed, with everything it started, and stops the rollback', async () => {
    const images = await pushRelease(fixtureClient(docker), 'acme/smoke-slow', ['1.2.2', '1.2.3'], { prefix: 'v' })
    const out = tempDir()
    const cmd = `echo started; sleep 120 & echo $! > ${join(out, 'child')}; echo $$ > ${join(out, 'shell')}; wait`
    const started = Date.now()
    const { run } = await rollback({
      ...dockerInputs('acme/smoke-slow'),
      'smoke-test': cmd,
      'smoke-test-timeout': '2s',
    })
    const error = errorOf(run)
    expect(Date.now() - started).toBeLessThan(20_000)
    expect(error.message).toMatch(
      /did not finish within 2s \(smoke-test-timeout\) while running the smoke-test command; it was stopped, so nothing was written\. Fix: make the command faster or raise smoke-test-timeout/,
    )
    expect(tailOf(error.message)).toEqual(['started'])
    for (const f of ['shell', 'child']) expect(running(Number(readFileSync(join(out, f), 'utf8').trim()))).toBe(false)
    expect(await skopeoRaw(docker, 'acme/smoke-slow:latest')).toEqual(images['1.2.3'].bytes)
  })
})

describe('the built action and CLI', () => {
  it('dist/index.js: a broken restore version stops the run, in the failure and the job summary; nothing written', async () => {
    const pkg = await publishVersions({ '1.2.2': { code: BROKEN } })
    const before = await snapshot(registry, pkg)
    const run = await runAction(
      {
        ...publicInputs(pkg),
        'rollback-version': '1.2.3',
        reason: 'crashes on start',
        'create-issue': 'false',
        'commit-report': 'false',
        'smoke-test': `node -e "require('${pkg}')"`,
      },
      { env: { RELEASE_ROLLBACK_SMOKE_ONLY: 'true' } },
    )
    expect(run.code).toBe(1)
    expect(run.outputs.status).toBe('failed')
    expect(run.stdout).toMatch(new RegExp(`::error::Input 'smoke-test': the smoke test of ${pkg}@1\\.2\\.2 failed`))
    expect(run.stdout).toContain('Error: boom: 1.2.2 was built without its config')
    expect(run.summary).toContain('## ❌ Rollback stopped by the smoke test: nothing was changed')
    expect(run.summary).toContain('Error: boom: 1.2.2 was built without its config')
    expect(await snapshot(registry, pkg)).toBe(before)
  })

  it('dist/index.js: the command prints its environment: no token, no INPUT_ or ACTIONS_ variable', async () => {
    const pkg = await publishVersions()
    const out = tempDir()
    const run = await runAction(
      {
        ...publicInputs(pkg),
        'rollback-version': '1.2.3',
        reason: 'crashes on start',
        'create-issue': 'false',
        'commit-report': 'false',
        'smoke-test': `echo "::error::injected by the smoke command"; env | tee ${join(out, 'env.txt')}`,
        'smoke-test-timeout': '2m',
      },
      // the smoke job: the runner's own token is in every action's process, the only one here
      { env: { RELEASE_ROLLBACK_SMOKE_ONLY: 'true', ACTIONS_RUNTIME_TOKEN: 'dist-runtime-token' } },
    )
    expect(run.code).toBe(0)
    expect(run.outputs.status).toBe('planned')
    expect(JSON.parse(run.outputs['smoke-tested'])).toEqual([`${pkg}@1.2.2`])
    const printed = readFileSync(join(out, 'env.txt'), 'utf8')
    expect(printed).toContain(`PACKAGE=${pkg}\n`)
    expect(printed).toContain('VERSION=1.2.2\n')
    expect(printed).toMatch(/^PATH=/m)
    expect(printed).not.toContain('dist-runtime-token')
    expect(printed).not.toMatch(/^(INPUT_|ACTIONS_|GITHUB_OUTPUT|GITHUB_STEP_SUMMARY|npm_config_)/im)
    // the same lines went to the log, which holds the token only where it is masked
    expect(run.stdout).toContain(`│ PACKAGE=${pkg}`)
    for (const line of run.stdout.split('\n').filter((l) => l.includes('dist-runtime-token')))
      expect(line).toBe('::add-mask::dist-runtime-token')
    // its output is logged behind a prefix, so the runner never reads a line of it as a workflow command
    expect(run.stdout).toContain('│ ::error::injected by the smoke command')
    expect(run.stdout).not.toMatch(/^\s*::error::injected/m)
  })

  it('dist/index.js: a dry run does not run the command and says so', async () => {
    const pkg = await publishVersions()
    const out = tempDir()
    const marker = join(out, 'ran')
    const run = await runAction({
      package: pkg,
      registry: registry.url,
      'rollback-version': '1.2.3',
      reason: 'x',
      'dry-run': 'true',
      'create-issue': 'false',
      'commit-report': 'false',
      'smoke-test': `touch ${marker}`,
    })
    expect(run.code).toBe(0)
    expect(run.outputs.status).toBe('planned')
    expect(run.stdout).toContain('Dry run: the smoke test (smoke-test) is not run')
    expect(existsSync(marker)).toBe(false)
  })

  it('dist/cli: --smoke-test beside NPM_TOKEN is refused (exit 2); --smoke-only stops on a broken version with exit code 1, naming smoke-test; a bad --smoke-test-timeout is a bad input', async () => {
    const pkg = await publishVersions({ '1.2.2': { code: BROKEN } })
    const before = await snapshot(registry, pkg)
    const home = tempDir('rr-smoke-cli-')
    mkdirSync(join(home, 'repo'))
    const cli = (args: string[]) =>
      runCli(
        [
          '--package',
          pkg,
          '--rollback',
          '1.2.3',
          '--reason',
          'crashes',
          '--registry',
          registry.url,
          '--yes',
          '--no-report',
          '--no-issue',
          ...args,
        ],
        { HOME: home, NPM_TOKEN: registry.token },
        join(home, 'repo'),
      )
    // beside NPM_TOKEN: refused, a bad input naming --smoke-only
    const refused = await cli(['--smoke-test', `node -e "require('${pkg}')"`])
    expect(refused.code).toBe(2)
    expect(refused.stderr).toMatch(
      /--smoke-test: is not run beside credentials: this process holds NPM_TOKEN, .*Fix: run release-rollback --smoke-only where no token is set/,
    )
    expect(await snapshot(registry, pkg)).toBe(before)
    const failed = await runCli(
      [
        '--package',
        pkg,
        '--rollback',
        '1.2.3',
        '--reason',
        'crashes',
        '--registry',
        registry.url,
        '--no-report',
        '--no-issue',
        '--smoke-only',
        '--smoke-test',
        `node -e "require('${pkg}')"`,
      ],
      { HOME: home },
      join(home, 'repo'),
    )
    expect(failed.code).toBe(1)
    expect(failed.stderr).toMatch(new RegExp(`--smoke-test: the smoke test of ${pkg}@1\\.2\\.2 failed`))
    expect(failed.stderr).not.toContain("Input '")
    expect(failed.stderr).toContain('Error: boom: 1.2.2 was built without its config')
    expect(await snapshot(registry, pkg)).toBe(before)
    const bad = await cli(['--smoke-test', 'true', '--smoke-test-timeout', 'soon'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(
      /^--smoke-test-timeout: "soon" is not a duration\. Fix: use a duration such as 30s, 5m or 1h30m \(units ms, s, m, h, d;/,
    )
    expect(await snapshot(registry, pkg)).toBe(before)
  })
})

function runCli(
  args: string[],
  env: Record<string, string>,
  cwd: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [join(root, 'dist', 'cli', 'index.js'), ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d) => (stdout += d))
  child.stderr.on('data', (d) => (stderr += d))
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })))
}

/**
 * A private registry: an HTTP gate in front of Verdaccio that answers 401 to any request
 * without the token (Verdaccio itself lets anyone read). The Host header is passed on, so
 * the tarball URLs Verdaccio writes lead back through the gate.
 */
async function startAuthGate(upstream: string, token: string) {
  const port = await freePort()
  const seen: Array<{ method: string; path: string; auth: boolean; agent: string }> = []
  const target = new URL(upstream)
  const server = createServer((req, res) => {
    const auth = req.headers.authorization === `Bearer ${token}`
    seen.push({
      method: req.method ?? '',
      path: decodeURIComponent(req.url ?? ''),
      auth,
      agent: String(req.headers['user-agent'] ?? ''),
    })
    if (!auth) {
      res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer realm="gate"' })
      res.end('{"error":"authentication required"}')
      return
    }
    const forward = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers)
        up.pipe(res)
      },
    )
    forward.on('error', () => {
      res.writeHead(502)
      res.end()
    })
    req.pipe(forward)
  })
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${port}/`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

// A package whose postinstall, and a smoke command, walk up their parent processes and read
// each one's environment (/proc/<pid>/environ), as any install script can, looking for a
// token-looking variable. They stop at the action's process (marked PROBE_STOP).
const PROBE = `const pkg = require('./package.json')
module.exports = pkg.name + '@' + pkg.version
if (require.main === module) {
  const fs = require('fs'), os = require('os'), path = require('path')
  const found = [], read = []
  let pid = process.pid
  for (let i = 0; i < 16; i++) {
    const stat = fs.readFileSync('/proc/' + pid + '/stat', 'utf8')
    pid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
    if (!(pid > 1)) break
    let vars
    try { vars = fs.readFileSync('/proc/' + pid + '/environ', 'utf8').split('\\0') } catch (e) { read.push(pid + ': ' + e.code); continue }
    read.push(pid + ': read')
    for (const kv of vars) {
      const at = kv.indexOf('=')
      if (at > 0 && kv.slice(at + 1) !== '' && /TOKEN|PASSWORD|SECRET|KUBECONFIG|AUTH/i.test(kv.slice(0, at))) found.push(kv)
    }
    if (vars.includes('PROBE_STOP=action')) { read.push('reached the action'); break }
  }
  fs.writeFileSync(path.join(os.tmpdir(), 'probe-' + (process.env.npm_lifecycle_event || 'command') + '.json'), JSON.stringify({ found, read }))
}
`

/** The workflow's step env as the runner would give it: each expression evaluated with these values. */
function stepEnv(job: 'smoke' | 'rollback', values: Record<string, string>): Record<string, string> {
  const wf = parseYaml(readFileSync(join(root, '.github/workflows/rollback-npm.yml'), 'utf8'))
  const defaults = Object.fromEntries(
    Object.entries(wf.on.workflow_call.inputs as Record<string, { default?: unknown }>).map(([k, v]) => [
      `inputs.${k}`,
      v.default === undefined ? '' : String(v.default),
    ]),
  )
  const known: Record<string, string> = { ...defaults, ...values }
  const step = (wf.jobs[job].steps as Array<{ run?: string; env?: Record<string, string> }>).find(
    (st) => st.run?.trim() === 'node .release-rollback/dist/index.js',
  )
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(step?.env ?? {})) {
    const m = /^\$\{\{ (.+) \}\}$/.exec(String(v))
    if (!m) {
      env[k] = String(v)
      continue
    }
    // a || b: the first that is not empty; a secret not given is empty (the caller passed none), the job token a stand-in
    env[k] =
      m[1]
        .split('||')
        .map((e) => e.trim())
        .map((e) => known[e] ?? (e === 'github.token' ? 'ghs_stand-in-job-token' : ''))
        .find((x) => x !== '') ?? ''
  }
  return env
}

/** runAction with an env of the workflow step's own (INPUT_* included) instead of inputs. */
async function runStep(env: Record<string, string>, extra: Record<string, string>) {
  return runAction({}, { env: { ...env, ...extra, PROBE_STOP: 'action' } })
}

describe.each(process.platform === 'linux' ? ['linux'] : [])(
  'install scripts and the parent process environment (%s /proc)',
  () => {
    const inputs = (pkg: string) => ({
      'inputs.rollback-version': '1.2.3',
      'inputs.reason': 'crashes on start',
      'inputs.registry': registry.url,
      'inputs.create-issue': 'false',
      'inputs.commit-report': 'false',
      'inputs.github-release': 'false',
      'inputs.smoke-test': 'node "node_modules/$PACKAGE/index.js"',
      // package empty: the smoke job takes the name the key job read from package.json
      'needs.key.outputs.package': pkg,
      'inputs.package': pkg,
    })

    it("the workflow's smoke job: the postinstall and the command run, reach the action's environment, and find no token in it but the runner's own", async () => {
      const pkg = await publishVersions({
        '1.2.2': { code: PROBE, manifest: { scripts: { postinstall: 'node index.js' } } },
      })
      const before = await snapshot(registry, pkg)
      const tmp = tempDir('rr-probe-')
      const env = stepEnv('smoke', { ...inputs(pkg), 'inputs.package': '' })
      expect(env.RELEASE_ROLLBACK_SMOKE_ONLY).toBe('true')
      expect(env.INPUT_PACKAGE).toBe(pkg)
      // the runner gives every JavaScript action's process its own ACTIONS_RUNTIME_TOKEN (src/core/secrets.ts)
      const run = await runStep(env, { TMPDIR: tmp, ACTIONS_RUNTIME_TOKEN: 'runner-runtime-token' })
      expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' })
      expect(JSON.parse(run.outputs['smoke-tested'])).toEqual([`${pkg}@1.2.2`])
      for (const which of ['postinstall', 'command']) {
        const probe = JSON.parse(readFileSync(join(tmp, `probe-${which}.json`), 'utf8'))
        // it read every parent's environment up to the action's (so it could have seen a token there)
        expect({ which, reached: probe.read.at(-1) }).toEqual({ which, reached: 'reached the action' })
        // only the runner's own token, which no job is without (README "Smoke test" says what it reaches)
        expect({ which, found: probe.found }).toEqual({ which, found: ['ACTIONS_RUNTIME_TOKEN=runner-runtime-token'] })
      }
      expect(run.stdout).not.toMatch(/::warning::Smoke test: the install scripts/)
      // nothing written
      expect(await snapshot(registry, pkg)).toBe(before)

      // the rollback job: takes what the smoke job tested, does not test again, rolls back
      const tmp2 = tempDir('rr-probe-')
      const rollbackEnv = stepEnv('rollback', {
        ...inputs(pkg),
        'secrets.npm-token': registry.token,
        'needs.smoke.outputs.tested': run.outputs['smoke-tested'],
      })
      expect(rollbackEnv['INPUT_NPM-TOKEN']).toBe(registry.token)
      const done = await runStep(rollbackEnv, { TMPDIR: tmp2 })
      expect({ code: done.code, status: done.outputs.status }).toEqual({ code: 0, status: 'completed' })
      expect(done.stdout).toContain(`Smoke test: passed in the smoke job, which held no token: ${pkg}@1.2.2.`)
      expect(readdirSync(tmp2).filter((f) => f.startsWith('probe-'))).toEqual([])
      expect(JSON.parse(await snapshot(registry, pkg)).distTags.latest).toBe('1.2.2')
    })

    it('the rollback job stops, nothing written, when its plan restores a version the smoke job did not test', async () => {
      const pkg = await publishVersions()
      const before = await snapshot(registry, pkg)
      const done = await runStep(
        stepEnv('rollback', {
          ...inputs(pkg),
          'secrets.npm-token': registry.token,
          'needs.smoke.outputs.tested': JSON.stringify([`${pkg}@1.2.1`]),
        }),
        { TMPDIR: tempDir('rr-probe-') },
      )
      expect({ code: done.code, status: done.outputs.status }).toEqual({ code: 1, status: 'failed' })
      expect(done.stdout).toContain(
        `::error::Input 'smoke-test': the smoke test of ${pkg}@1.2.2 was not run: the smoke job tested ${pkg}@1.2.1, and the plan changed since, so nothing was written.`,
      )
      expect(await snapshot(registry, pkg)).toBe(before)
    })

    it('the action with a write token and no smoke job: the smoke test is refused before the package is fetched, nothing of it runs, nothing written, the fix named', async () => {
      const pkg = await publishVersions({
        '1.2.2': { code: PROBE, manifest: { scripts: { postinstall: 'node index.js' } } },
      })
      const before = await snapshot(registry, pkg)
      const tmp = tempDir('rr-probe-')
      const env = stepEnv('rollback', { ...inputs(pkg), 'secrets.npm-token': registry.token })
      expect(env.RELEASE_ROLLBACK_SMOKE_TESTED).toBe('')
      const run = await runStep(env, { TMPDIR: tmp })
      expect({ code: run.code, status: run.outputs.status }).toEqual({ code: 1, status: 'failed' })
      expect(run.stdout).toMatch(
        /::error::Input 'smoke-test': is not run beside credentials: this process holds github-token, npm-token, and the command runs the package's code .*Nothing was written\. Fix: run the smoke test in a job that holds no token: the reusable workflows rollback-npm\.yml and rollback-npm-oidc\.yml do/,
      )
      expect(readdirSync(tmp).filter((f) => f.startsWith('probe-'))).toEqual([])
      expect(await snapshot(registry, pkg)).toBe(before)
    })

    it('smoke-only beside announce-webhook (or any secret input) is refused: the credentials are the secrets the run knows, not names that look like one', async () => {
      const pkg = await publishVersions({
        '1.2.2': { code: PROBE, manifest: { scripts: { postinstall: 'node index.js' } } },
      })
      const tmp = tempDir('rr-probe-')
      const env = stepEnv('smoke', { ...inputs(pkg), 'inputs.package': '' })
      const run = await runStep(env, {
        TMPDIR: tmp,
        'INPUT_ANNOUNCE-WEBHOOK': 'https://hooks.example.test/services/T000/B000/smoke-webhook-secret',
      })
      expect(run.code).toBe(1)
      expect(run.stdout).toContain(
        "::error::Input 'smoke-test': is not run beside credentials: this process holds announce-webhook,",
      )
      for (const line of run.stdout.split('\n').filter((l) => l.includes('smoke-webhook-secret')))
        expect(line).toMatch(/^::add-mask::/)
      expect(readdirSync(tmp).filter((f) => f.startsWith('probe-'))).toEqual([])
    })

    it('dist/cli: --smoke-only without a token runs the install scripts and the command, which find no token, and writes nothing; the rollback beside NPM_TOKEN takes what it passed', async () => {
      const pkg = await publishVersions({
        '1.2.2': { code: PROBE, manifest: { scripts: { postinstall: 'node index.js' } } },
      })
      const before = await snapshot(registry, pkg)
      const home = tempDir('rr-smoke-cli-')
      mkdirSync(join(home, 'repo'))
      const args = ['--package', pkg, '--rollback', '1.2.3', '--reason', 'crashes', '--registry', registry.url]
      const smoke = ['--smoke-test', 'node "node_modules/$PACKAGE/index.js"', '--no-report', '--no-issue']
      const tmp = tempDir('rr-probe-')
      const only = await runCli(
        [...args, ...smoke, '--smoke-only', '--json'],
        { HOME: home, TMPDIR: tmp, PROBE_STOP: 'action' },
        join(home, 'repo'),
      )
      expect(only.code).toBe(0)
      expect(only.stderr).toContain(`Smoke test only: passed for ${pkg}@1.2.2; nothing was written.`)
      expect(JSON.parse(only.stdout)).toMatchObject({ status: 'planned', smokeTested: [`${pkg}@1.2.2`] })
      for (const which of ['postinstall', 'command']) {
        const probe = JSON.parse(readFileSync(join(tmp, `probe-${which}.json`), 'utf8'))
        expect({ which, reached: probe.read.at(-1), found: probe.found }).toEqual({
          which,
          reached: 'reached the action',
          found: [],
        })
      }
      expect(await snapshot(registry, pkg)).toBe(before)
      // the rollback itself, with the token, takes what --smoke-only passed: nothing of the package runs beside it
      const tmp2 = tempDir('rr-probe-')
      const run = await runCli(
        [...args, ...smoke, '--yes'],
        {
          HOME: home,
          TMPDIR: tmp2,
          NPM_TOKEN: registry.token,
          RELEASE_ROLLBACK_SMOKE_TESTED: JSON.stringify(JSON.parse(only.stdout).smokeTested),
        },
        join(home, 'repo'),
      )
      expect(run.code).toBe(0)
      expect(readdirSync(tmp2).filter((f) => f.startsWith('probe-'))).toEqual([])
      expect(JSON.parse(await snapshot(registry, pkg)).distTags.latest).toBe('1.2.2')
    })
  },
)
