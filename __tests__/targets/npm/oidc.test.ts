// Tokenless rollbacks through trusted publishing (OIDC): the runner's ID token exchanged
// per package at the registry, against a real Verdaccio behind the trusted-publishing
// stand-in (__tests__/support/oidc-standin.mjs), whose contract the real npm CLI checks.
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { InputError } from '../../../src/core/errors.js'
import { runDrill } from '../../../src/modes/drill.js'
import { readInputs } from '../../../src/config/inputs.js'
import { runIncident, type IncidentResult } from '../../../src/incident/run.js'
import { createTargets } from '../../../src/targets/select.js'
import { startFaultProxy } from '../../support/fault-proxy.mjs'
import { publishPackage, snapshot } from '../../support/fixtures.mjs'
import { npmView } from '../../support/npm-cli.mjs'
import { startIdTokenService, startTrustedPublishing } from '../../support/oidc-standin.mjs'
import { root, runAction } from '../../support/run-action.mjs'
import { freePort, startVerdaccio, type Registry } from '../../support/verdaccio.mjs'
import { createServer } from 'node:http'

const run = promisify(execFile)

let registry: Registry
let idp: Awaited<ReturnType<typeof startIdTokenService>>
let front: Awaited<ReturnType<typeof startTrustedPublishing>> | undefined
let counter = 0
beforeAll(async () => {
  registry = await startVerdaccio()
  idp = await startIdTokenService()
})
afterAll(async () => {
  await idp?.stop()
  await registry?.stop()
})
afterEach(async () => {
  const violations = [...(front?.violations ?? []), ...idp.violations]
  await front?.stop()
  front = undefined
  idp.violations.length = 0
  expect(violations).toEqual([])
})

type Action = 'publish' | 'dist-tags' | 'deprecate'
const ALL: Action[] = ['publish', 'dist-tags', 'deprecate']
const publisher = (actions: Action[] = ALL) => ({ repository: 'acme/widgets', workflow: 'rollback.yml', actions })

/** A runner's environment with id-token: write and no npm token. */
const runnerEnv = (): NodeJS.ProcessEnv => ({
  ACTIONS_ID_TOKEN_REQUEST_URL: idp.url,
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: idp.requestToken,
  GITHUB_ACTIONS: 'true',
})

async function fixture(versions = ['1.2.2', '1.2.3']): Promise<string> {
  const name = `@acme/oidc-widget-${++counter}`
  await publishPackage(registry, name, versions)
  return name
}

function logger() {
  const lines: string[] = []
  return {
    lines,
    info: (m: string) => lines.push(`info: ${m}`),
    warning: (m: string) => lines.push(`warning: ${m}`),
    debug: (m: string) => lines.push(`debug: ${m}`),
  }
}

/**
 * The action's path, in process: inputs with no npm-token, the runner's environment,
 * createTargets (one exchange per package), the one runner. Returns what it printed and
 * what it masked.
 */
async function rollback(
  packages: string[],
  env: NodeJS.ProcessEnv = runnerEnv(),
  registryUrl?: string,
  over: Record<string, string> = {},
) {
  const log = logger()
  const masked: string[] = []
  const values: Record<string, string> = {
    'rollback-version': '1.2.3',
    reason: 'Memory persistence corrupts data on restart',
    packages: packages.join(','),
    registry: registryUrl ?? (front as { url: string }).url,
    'npm-token': '',
    ...over,
  }
  const get = (n: string) => values[n] ?? ''
  const inputs = readInputs(get, env)
  const { targets } = createTargets(inputs, get, log, 'release-rollback-test', {
    env,
    setSecret: (v) => masked.push(v),
  })
  let result: IncidentResult | undefined
  let error: unknown
  try {
    result = await runIncident(inputs, targets, log)
  } catch (e) {
    error = e
  }
  const printed = [
    ...log.lines,
    error instanceof Error ? error.message : '',
    JSON.stringify(result ?? {}, (_k, v: unknown) => (v instanceof Error ? v.message : v)),
  ].join('\n')
  return { inputs, result, error, printed, masked, log }
}

/** Neither the ID tokens nor the exchanged tokens nor the runner's request token appear in `text`. */
function expectNoSecretIn(text: string) {
  const secrets = [idp.requestToken, ...idp.issued, ...(front?.tokens() ?? [])]
  expect(secrets.length).toBeGreaterThan(1)
  for (const s of secrets) expect(text.includes(s)).toBe(false)
}

const writes = () => (front?.seen ?? []).filter((s) => s.method !== 'GET' && !s.path.startsWith('/-/npm/v1/oidc/'))

describe("the stand-ins follow npm's trusted publishing contract", () => {
  it('the real npm CLI publishes through them with no token: it asks the ID token service, exchanges at the registry, and publishes with the exchanged token', async () => {
    const name = `@acme/oidc-cli-${++counter}`
    front = await startTrustedPublishing(registry, idp, { publishers: { [name]: publisher(['publish']) } })
    const dir = mkdtempSync(join(tmpdir(), 'rr-oidc-npm-'))
    try {
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', main: 'index.js' }))
      writeFileSync(join(dir, 'index.js'), 'module.exports = 1\n')
      writeFileSync(join(dir, '.npmrc'), '')
      const { stdout, stderr } = await run(
        'npm',
        [
          'publish',
          '--registry',
          front.url,
          '--access',
          'public',
          '--provenance=false',
          '--loglevel',
          'verbose',
          '--userconfig',
          join(dir, '.npmrc'),
          '--cache',
          join(dir, 'cache'),
        ],
        {
          cwd: dir,
          // what a GitHub runner with id-token: write gives npm, and nothing else of this machine's
          env: {
            PATH: process.env.PATH ?? '',
            HOME: dir,
            NODE_OPTIONS: '',
            CI: 'true',
            GITHUB_ACTIONS: 'true',
            ACTIONS_ID_TOKEN_REQUEST_URL: idp.url,
            ACTIONS_ID_TOKEN_REQUEST_TOKEN: idp.requestToken,
          },
          timeout: 60_000,
        },
      )
      expect(`${stdout}\n${stderr}`).toMatch(/oidc Successfully retrieved and set token/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
    expect(idp.requests.at(-1)?.audience).toBe('npm:127.0.0.1')
    const exchange = front.seen.find((s) => s.path.startsWith('/-/npm/v1/oidc/token/exchange/package/'))
    expect(exchange).toMatchObject({
      method: 'POST',
      path: `/-/npm/v1/oidc/token/exchange/package/${name.replace('/', '%2f')}`,
      auth: 'id-token',
      status: 201,
    })
    expect(front.seen.find((s) => s.method === 'PUT')).toMatchObject({ auth: `exchanged:${name}`, status: 201 })
    expect(await npmView(registry.url, name, 'version')).toBe('1.0.0')
  })

  it("the exchange refuses a workflow no trusted publisher names (404 with npm's body) and an ID token for another audience (401)", async () => {
    const name = await fixture()
    front = await startTrustedPublishing(registry, idp, {
      publishers: { [name]: { ...publisher(), workflow: 'release.yml' } },
    })
    const path = `-/npm/v1/oidc/token/exchange/package/${name.replace('/', '%2f')}`
    const idFor = async (audience: string) =>
      (
        (await (
          await fetch(`${idp.url}&audience=${encodeURIComponent(audience)}`, {
            headers: { authorization: `Bearer ${idp.requestToken}` },
          })
        ).json()) as { value: string }
      ).value
    const post = async (token: string) => {
      const res = await fetch(new URL(path, front?.url), {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      })
      return { status: res.status, body: (await res.json()) as unknown }
    }
    expect(await post(await idFor('npm:127.0.0.1'))).toEqual({
      status: 404,
      body: { message: 'OIDC token exchange error - package not found' },
    })
    expect(await post(await idFor('npm:registry.npmjs.org'))).toEqual({
      status: 401,
      body: { message: 'OIDC token exchange error - unauthorized' },
    })
    expect((await post('made-up')).status).toBe(401)
  })
})

describe('a rollback with trusted publishing (no npm-token, id-token: write)', () => {
  it('a retag: one exchange per package for the plan reads, then fails before any write (npm allows trusted publishing only for publishing); every token masked, none printed', async () => {
    const a = await fixture()
    const b = await fixture()
    front = await startTrustedPublishing(registry, idp, { publishers: { [a]: publisher(), [b]: publisher() } })
    const before = [await snapshot(registry, a), await snapshot(registry, b)]
    const asked = idp.requests.length
    const { inputs, error, printed, masked } = await rollback([a, b])

    expect(inputs.npmToken).toBeUndefined()
    expect(inputs.npmOidc).toBe(true)
    expect(error).toBeInstanceOf(InputError)
    const message = (error as Error).message
    for (const name of [a, b])
      expect(message).toContain(
        `${name}: Input 'npm-token': is empty, so this rollback would use trusted publishing (OIDC), and it would move the dist-tag 'latest' and deprecate of ${name}: npm allows trusted publishing only for publishing`,
      )
    expect(message).toMatch(/or a granular token with "read and write \(stage only\)"/)
    expect([await snapshot(registry, a), await snapshot(registry, b)]).toEqual(before)
    expect(writes()).toEqual([])
    // one exchange per package (the plan reads a private package with it), one ID token for the run
    const exchanges = (front?.seen ?? []).filter((s) => s.path.startsWith('/-/npm/v1/oidc/'))
    expect(exchanges.map((s) => decodeURIComponent(s.path.split('/').pop() ?? '')).sort()).toEqual([a, b].sort())
    expect(exchanges.every((s) => s.auth === 'id-token' && s.status === 201)).toBe(true)
    expect(idp.requests.length - asked).toBe(1)
    expect(
      (front?.seen ?? [])
        .filter((s) => s.auth === 'id-token')
        .every((s) => s.path.startsWith('/-/npm/v1/oidc/token/exchange/package/')),
    ).toBe(true)
    // masked: the ID token and both exchanged tokens; printed: none of them
    for (const t of [...(front?.tokens() ?? []), idp.issued.at(-1) as string]) expect(masked).toContain(t)
    expectNoSecretIn(printed)
  })

  it("the exchange refused (no trusted publisher for this workflow: 404 with npm's body): a clear error naming trusted publishing and npm-token; nothing written", async () => {
    const name = await fixture()
    front = await startTrustedPublishing(registry, idp, {
      publishers: { [name]: { ...publisher(), workflow: 'release.yml' } },
    })
    const before = await snapshot(registry, name)
    const { error, printed } = await rollback([name])

    expect(error).toBeInstanceOf(InputError)
    expect((error as InputError).input).toBe('npm-token')
    const message = (error as Error).message
    expect(message).toMatch(
      /refused to exchange this job's OIDC token .* \(HTTP 404: "OIDC token exchange error - package not found"\)/,
    )
    expect(message).toMatch(/add a trusted publisher/)
    expect(message).toMatch(/the calling workflow's file/)
    expect(message).toMatch(/or pass npm-token/)
    expect(writes()).toEqual([])
    expect(await snapshot(registry, name)).toBe(before)
    expectNoSecretIn(printed)
  })

  it("a registry URL with a path (/npm/): the exchange goes to the host root, as npm's CLI sends it, with the ID token; the fix-forward publish completes", async () => {
    const name = await fixture()
    front = await startTrustedPublishing(registry, idp, { publishers: { [name]: publisher() }, path: '/npm/' })
    expect(front.url).toMatch(/\/npm\/$/)
    const { error, result, printed } = await rollback([name], runnerEnv(), undefined, {
      strategy: 'republish',
      deprecate: 'false',
    })

    expect(error).toBeUndefined()
    expect(result?.status).toBe('completed')
    const exchanges = (front?.seen ?? []).filter((s) => s.path.startsWith('/-/npm/v1/oidc/'))
    expect(exchanges.map((s) => [s.path, s.auth, s.status])).toEqual([
      [`/-/npm/v1/oidc/token/exchange/package/${name.replace('/', '%2f')}`, 'id-token', 201],
    ])
    expect(writes().length).toBeGreaterThan(0)
    for (const w of writes()) expect(w.auth).toBe(`exchanged:${name}`)
    expect(await npmView(registry.url, name, 'dist-tags')).toEqual({ latest: '1.2.4' })
    expectNoSecretIn(printed)
  })

  it('strategy: republish with the deprecation on: fails before any write, since trusted publishing cannot deprecate', async () => {
    const name = await fixture()
    front = await startTrustedPublishing(registry, idp, { publishers: { [name]: publisher() } })
    const before = await snapshot(registry, name)
    const { error, printed } = await rollback([name], runnerEnv(), undefined, { strategy: 'republish' })

    expect(error).toBeInstanceOf(InputError)
    expect((error as InputError).input).toBe('npm-token')
    const message = (error as Error).message
    expect(message).toMatch(
      /it would deprecate of @acme\/oidc-widget-\d+: npm allows trusted publishing only for publishing/,
    )
    expect(message).toMatch(/docs\.npmjs\.com\/trusted-publishers, "Limitations"; npm\/cli#8547/)
    expect(message).toMatch(/Nothing was written/)
    expect(writes()).toEqual([])
    expect(await snapshot(registry, name)).toBe(before)
    expectNoSecretIn(printed)
  })

  it('a runner that refuses the ID token (no id-token: write granted after all): names the permission and npm-token', async () => {
    const name = await fixture()
    front = await startTrustedPublishing(registry, idp, { publishers: { [name]: publisher() } })
    const { error } = await rollback([name], { ...runnerEnv(), ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'not-the-runners' })
    expect(error).toBeInstanceOf(InputError)
    expect((error as Error).message).toMatch(
      /did not give this job an OIDC ID token for npm:127\.0\.0\.1 \(.* answered HTTP 401\)/,
    )
    expect((error as Error).message).toMatch(/permissions: id-token: write.*or pass npm-token/)
    expect(writes()).toEqual([])
  })

  it('an exchange redirected to another origin is not followed: the ID token never reaches it, nothing is written', async () => {
    const name = await fixture()
    front = await startTrustedPublishing(registry, idp, { publishers: { [name]: publisher() } })
    // another origin (same host, another port) that records whatever reaches it
    const reached: string[] = []
    const port = await freePort()
    const elsewhere = createServer((req, res) => {
      reached.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`)
      res.writeHead(201, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ token: 'stolen' }))
    })
    await new Promise((r) => elsewhere.listen(port, '127.0.0.1', () => r(undefined)))
    const proxy = await startFaultProxy(front.url)
    try {
      proxy.inject({
        method: 'POST',
        path: /^\/-\/npm\/v1\/oidc\//,
        action: 'respond',
        status: 307,
        headers: { location: `http://127.0.0.1:${port}/-/npm/v1/oidc/token/exchange/package/x` },
      })
      const before = await snapshot(registry, name)
      const { error, printed } = await rollback([name], runnerEnv(), proxy.url)
      expect((error as Error).message).toMatch(/redirected POST .* which is not the registry's origin/)
      expect(reached).toEqual([])
      expect(writes()).toEqual([])
      expect(await snapshot(registry, name)).toBe(before)
      expectNoSecretIn(printed)
    } finally {
      await proxy.stop()
      await new Promise((r) => {
        elsewhere.close(() => r(undefined))
        elsewhere.closeAllConnections()
      })
    }
  })

  it("strategy: republish publishes the fix-forward version with the package's exchanged token", async () => {
    const name = await fixture()
    front = await startTrustedPublishing(registry, idp, { publishers: { [name]: publisher() } })
    const log = logger()
    const values: Record<string, string> = {
      'rollback-version': '1.2.3',
      reason: 'broken',
      package: name,
      registry: front.url,
      'npm-token': '',
      strategy: 'republish',
      // trusted publishing cannot deprecate (npm allows it only for publishing)
      deprecate: 'false',
    }
    const get = (n: string) => values[n] ?? ''
    const inputs = readInputs(get, runnerEnv())
    const { targets } = createTargets(inputs, get, log, 'test', { env: runnerEnv() })
    const result = await runIncident(inputs, targets, log)
    expect(result.status).toBe('completed')
    expect(await npmView(registry.url, name, 'dist-tags.latest')).toBe('1.2.4')
    const publish = front.seen.find(
      (s) =>
        s.method === 'PUT' &&
        s.path === `/${name.replace('/', '%2f')}` &&
        s.auth.startsWith('exchanged:') &&
        s.status === 201,
    )
    expect(publish?.auth).toBe(`exchanged:${name}`)
  })

  it('a given npm-token wins: no ID token is asked for, no exchange made', async () => {
    const name = await fixture()
    front = await startTrustedPublishing(registry, idp, { publishers: { [name]: publisher() } })
    const values: Record<string, string> = {
      'rollback-version': '1.2.3',
      reason: 'r',
      package: name,
      registry: front.url,
      'npm-token': registry.token,
    }
    const inputs = readInputs((n) => values[n] ?? '', runnerEnv())
    expect(inputs.npmOidc).toBeUndefined()
    const asked = idp.requests.length
    const log = logger()
    const { targets } = createTargets(inputs, (n) => values[n] ?? '', log, 'test', { env: runnerEnv() })
    const result = await runIncident(inputs, targets, log)
    expect(result.status).toBe('completed')
    expect(idp.requests.length).toBe(asked)
    expect(front.seen.some((s) => s.path.startsWith('/-/npm/v1/oidc/'))).toBe(false)
  })
})

describe('a drill with trusted publishing', () => {
  async function drill(name: string) {
    const values: Record<string, string> = {
      drill: 'true',
      'rollback-version': 'current',
      package: name,
      registry: (front as { url: string }).url,
      'npm-token': '',
    }
    const get = (n: string) => values[n] ?? ''
    const inputs = readInputs(get, runnerEnv())
    const log = logger()
    const { targets } = createTargets(inputs, get, log, 'test', { env: runnerEnv() })
    const ctx = { repository: 'acme/widgets', serverUrl: 'https://github.com', eventName: 'schedule' }
    const gi = {
      createIssue: false,
      labels: ['rollback'],
      assignees: [],
      commitReport: false,
      reportDir: 'incidents',
      severity: 'high' as const,
    }
    return runDrill(inputs, gi, targets, undefined, ctx, log)
  }

  it('fails for a retag, naming npm-token and that npm allows trusted publishing only for publishing; the dist-tags as they were', async () => {
    const name = await fixture()
    front = await startTrustedPublishing(registry, idp, { publishers: { [name]: publisher() } })
    const before = await snapshot(registry, name)
    const result = await drill(name)
    expect(result.status).toBe('drill-failed')
    expect(result.checks.map((c) => [c.check, c.outcome])).toEqual([
      ['credentials', 'passed'],
      ['last known good', 'passed'],
      ['write', 'failed'],
    ])
    const write = result.checks.find((c) => c.check === 'write')
    expect(write).toMatchObject({ outcome: 'failed', input: 'npm-token' })
    expect(write?.detail).toMatch(/npm allows trusted publishing only for publishing/)
    expect(write?.detail).not.toMatch(/allowed\sactions|allow\smoving\sdist-tags/)
    expect(writes()).toEqual([])
    expect(await snapshot(registry, name)).toBe(before)
  })
})

describe('the built bundles (dist/index.js, dist/cli/index.js)', () => {
  it('the action masks the ID token and the exchanged token (::add-mask::) and prints neither anywhere else (a fix-forward publish)', async () => {
    const name = await fixture()
    front = await startTrustedPublishing(registry, idp, { publishers: { [name]: publisher() } })
    const run = await runAction(
      {
        'rollback-version': '1.2.3',
        reason: 'Memory persistence corrupts data on restart',
        package: name,
        registry: front.url,
        // trusted publishing may only publish: the fix-forward, without a deprecation
        strategy: 'republish',
        deprecate: 'false',
        'create-issue': 'false',
        'commit-report': 'false',
        'github-release': 'false',
      },
      { env: runnerEnv() as Record<string, string> },
    )
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.outputs.status).toBe('completed')
    expect(await npmView(registry.url, name, 'dist-tags')).toEqual({ latest: '1.2.4' })
    const [token] = front.tokens()
    const idToken = idp.issued.at(-1) as string
    const masks = run.stdout
      .split('\n')
      .filter((l) => l.startsWith('::add-mask::'))
      .map((l) => l.slice('::add-mask::'.length))
    for (const secret of [token, idToken, idp.requestToken]) expect(masks).toContain(secret)
    // anywhere but the mask commands themselves: none of them
    expectNoSecretIn(
      [
        run.stdout
          .split('\n')
          .filter((l) => !l.startsWith('::add-mask::'))
          .join('\n'),
        run.stderr,
        run.summary,
        JSON.stringify(run.outputs),
      ].join('\n'),
    )
  })

  it('the command line takes the same path inside a job with ACTIONS_ID_TOKEN_REQUEST_*, and prints no token', async () => {
    const name = await fixture()
    front = await startTrustedPublishing(registry, idp, { publishers: { [name]: publisher() } })
    const home = mkdtempSync(join(tmpdir(), 'rr-oidc-cli-'))
    try {
      writeFileSync(join(home, '.npmrc'), '')
      const { stdout, stderr } = await run(
        process.execPath,
        [
          join(root, 'dist', 'cli', 'index.js'),
          '--package',
          name,
          '--rollback',
          '1.2.3',
          '--reason',
          'broken',
          '--registry',
          (front as { url: string }).url,
          '--strategy',
          'republish',
          '--no-deprecate',
          '--yes',
          '--no-report',
        ],
        {
          cwd: home,
          env: {
            PATH: process.env.PATH ?? '',
            HOME: home,
            NPM_CONFIG_USERCONFIG: join(home, '.npmrc'),
            ...runnerEnv(),
          },
          timeout: 60_000,
        },
      )
      expect(await npmView(registry.url, name, 'dist-tags')).toEqual({ latest: '1.2.4' })
      expect(front.seen.filter((s) => s.path.startsWith('/-/npm/v1/oidc/'))).toHaveLength(1)
      expectNoSecretIn(`${stdout}\n${stderr}`)
    } finally {
      rmSync(home, { recursive: true, force: true })
    }
  })
})

describe('inputs', () => {
  const values: Record<string, string> = {
    'rollback-version': '1.2.3',
    reason: 'r',
    package: 'widget',
    'npm-token': '',
  }
  const get = (n: string) => values[n] ?? ''

  it('no token and no ID token request variables: the existing "no token" error, which now names trusted publishing too', () => {
    let error: unknown
    try {
      readInputs(get, { GITHUB_ACTIONS: 'true', ACTIONS_ID_TOKEN_REQUEST_URL: idp.url })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(InputError)
    expect((error as InputError).input).toBe('npm-token')
    expect((error as Error).message).toMatch(/is empty: moving a dist-tag and deprecating need a token/)
    expect((error as Error).message).toMatch(/id-token: write/)
  })

  it('a dry run with the variables does not use trusted publishing (it writes nothing)', () => {
    expect(readInputs((n) => ({ ...values, 'dry-run': 'true' })[n] ?? '', runnerEnv()).npmOidc).toBeUndefined()
  })
})
