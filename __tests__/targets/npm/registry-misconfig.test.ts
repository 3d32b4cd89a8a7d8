// Misconfiguration is not an outage (issue 15, part 4). An address that cannot work - a
// closed port, a host that does not resolve, https:// to a plain-http port, a server that
// answers 404 to /-/whoami - is bad input naming the registry setting, reported at once:
// not one retry. 408, 429 and 5xx from a reachable registry are still retried. Real sockets
// on 127.0.0.1; attempts are counted (connections, requests, retry warnings), never timed.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer as createHttpsServer } from 'node:https'
import { createServer, connect, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { main } from '../../../src/cli/main.js'
import { useDialect } from '../../../src/core/settings.js'
import { InputError } from '../../../src/core/errors.js'
import { fromAnsweredHost, isRetryable, misconfiguration } from '../../../src/core/retry.js'
import { runIncident } from '../../../src/incident/run.js'
import { NpmTarget } from '../../../src/targets/npm/target.js'
import { startFaultProxy } from '../../support/fault-proxy.mjs'
import { startRestartingFront } from '../../support/restarting-front.mjs'
import { escapeName, publishPackage, registryRequest } from '../../support/fixtures.mjs'
import { freePort, startVerdaccio, type Registry } from '../../support/verdaccio.mjs'

let registry: Registry
let counter = 0
beforeAll(async () => {
  registry = await startVerdaccio()
})
afterAll(async () => {
  await registry?.stop()
})

/** A logger that keeps every line: each retry announces itself with a warning. */
function recorder() {
  const warnings: string[] = []
  return { warnings, log: { info: () => {}, warning: (m: string) => warnings.push(m), debug: () => {} } }
}

/** A target whose retries would be fast and many: 4 attempts, 10 ms apart. */
function target(url: string, packageName: string, log: ReturnType<typeof recorder>['log']) {
  return new NpmTarget({
    packageName,
    registry: url,
    token: registry.token,
    log,
    retry: { attempts: 4, baseDelayMs: 10, maxDelayMs: 1000, deadlineMs: 20_000 },
    timeoutMs: 5000,
  })
}

/** A TCP relay to Verdaccio's plain-http port that counts the connections made to it. */
async function countingRelay(): Promise<{ port: number; connections: () => number; stop: () => Promise<void> }> {
  let n = 0
  const sockets = new Set<Socket>()
  const server: Server = createServer((client) => {
    n++
    const upstream = connect(registry.port, '127.0.0.1')
    for (const s of [client, upstream]) {
      sockets.add(s)
      s.on('error', () => {})
      s.on('close', () => sockets.delete(s))
    }
    client.pipe(upstream).pipe(client)
  })
  const port = await freePort()
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  return {
    port,
    connections: () => n,
    stop: async () => {
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

async function expectRegistryError(p: Promise<unknown>, pattern: RegExp): Promise<InputError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  )
  expect(e).toBeInstanceOf(InputError)
  expect((e as InputError).input).toBe('registry')
  expect((e as Error).message).toMatch(pattern)
  expect((e as Error).message).not.toMatch(/recovers/)
  return e as InputError
}

describe('an address that cannot work: reported at once, naming the registry', () => {
  it('a closed port on 127.0.0.1', async () => {
    const port = await freePort() // nothing listens there
    const { warnings, log } = recorder()
    const e = await expectRegistryError(
      target(`http://127.0.0.1:${port}/`, 'closed-port-widget', log).inspect(),
      /connection was refused/,
    )
    expect(e.message).toMatch(/^Input 'registry': /)
    expect(warnings).toEqual([]) // no retry was announced, so none was made
  })

  it('a host that does not resolve', async () => {
    const { warnings, log } = recorder()
    await expectRegistryError(
      target('https://nonexistent.invalid/', 'unresolvable-widget', log).inspect(),
      /does not resolve/,
    )
    expect(warnings).toEqual([])
  })

  it("https:// pointed at Verdaccio's plain http port", async () => {
    const relay = await countingRelay()
    try {
      const { warnings, log } = recorder()
      await expectRegistryError(
        target(`https://127.0.0.1:${relay.port}/`, 'tls-widget', log).inspect(),
        /wrong version number.*plain http/,
      )
      // the plan's two reads side by side (the write view and the full document, for npm/cli#9803), one
      // connection each, and none retried
      expect(relay.connections()).toBe(2)
      expect(warnings).toEqual([])
      // the relay itself works: plain http through it reaches Verdaccio
      const name = `misconfig-widget-${++counter}`
      await publishPackage(registry, name, ['1.0.0'])
      await expect(target(`http://127.0.0.1:${relay.port}/`, name, log).inspect()).resolves.toMatchObject({
        distTags: { latest: '1.0.0' },
      })
    } finally {
      await relay.stop()
    }
  })

  it('an https registry whose certificate is not trusted (self-signed)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rr-tls-'))
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '2',
        '-subj',
        '/CN=127.0.0.1',
      ],
      { stdio: 'ignore' },
    )
    let requests = 0
    const server = createHttpsServer(
      { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
      (_req, res) => {
        requests++
        res.end('{}')
      },
    )
    let connections = 0
    server.on('connection', () => connections++)
    const port = await freePort()
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
    try {
      const { warnings, log } = recorder()
      await expectRegistryError(
        target(`https://127.0.0.1:${port}/`, 'tls-cert-widget', log).inspect(),
        /self-signed and not trusted/,
      )
      // the plan's two reads side by side (npm/cli#9803), one TLS attempt each, none retried
      expect([requests, connections]).toEqual([0, 2])
      expect(warnings).toEqual([])
    } finally {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('a 404 on /-/whoami: not an npm registry at that address', async () => {
    const proxy = await startFaultProxy(registry.url)
    try {
      const name = `misconfig-widget-${++counter}`
      await publishPackage(registry, name, ['1.0.0'])
      proxy.inject({ method: 'GET', path: /^\/-\/whoami$/, action: 'respond', status: 404, times: 10 })
      const { warnings, log } = recorder()
      await expectRegistryError(target(proxy.url, name, log).checkAccess(), /answered 404 Not Found to \/-\/whoami/)
      expect(proxy.seen.filter((s) => s.path === '/-/whoami')).toHaveLength(1)
      expect(warnings).toEqual([])
    } finally {
      await proxy.stop()
    }
  })
})

describe('a reachable registry that fails for a while: retried', () => {
  it.each([503, 429])('%i on /-/whoami is retried, and the check then passes', async (status) => {
    const proxy = await startFaultProxy(registry.url)
    try {
      const name = `misconfig-widget-${++counter}`
      await publishPackage(registry, name, ['1.0.0'])
      proxy.inject({ method: 'GET', path: /^\/-\/whoami$/, action: 'respond', status, times: 2 })
      const { warnings, log } = recorder()
      await expect(target(proxy.url, name, log).checkAccess()).resolves.toBeUndefined()
      expect(proxy.seen.filter((s) => s.path === '/-/whoami').map((s) => s.fault ?? 'forwarded')).toEqual([
        'respond',
        'respond',
        'forwarded',
      ])
      expect(warnings.filter((w) => w.includes(`HTTP ${status}`) && w.includes('retrying'))).toHaveLength(2)
    } finally {
      await proxy.stop()
    }
  })

  it('the classification: what says "wrong address" and what says "try again"', () => {
    const err = (code: string, message = code) => Object.assign(new Error(message), { code, type: 'system' })
    for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'ERR_SSL_WRONG_VERSION_NUMBER']) {
      expect([code, misconfiguration(err(code)) !== undefined, isRetryable(err(code))]).toEqual([code, true, false])
    }
    expect(misconfiguration(err('EPROTO', 'ssl3_get_record:wrong version number'))).toMatch(/plain http/)
    for (const code of ['ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN'])
      expect([code, misconfiguration(err(code)), isRetryable(err(code))]).toEqual([code, undefined, true])
    expect(isRetryable({ statusCode: 503 })).toBe(true)
    expect(isRetryable({ statusCode: 408 })).toBe(true)
    // from a host that has answered in this run: an outage, retried; a certificate is still not
    for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'ERR_SSL_WRONG_VERSION_NUMBER'])
      expect([code, misconfiguration(fromAnsweredHost(err(code))), isRetryable(fromAnsweredHost(err(code)))]).toEqual([
        code,
        undefined,
        true,
      ])
    expect(isRetryable(fromAnsweredHost(err('DEPTH_ZERO_SELF_SIGNED_CERT')))).toBe(false)
  })
})

describe('a registry that has answered, then refuses connections for a while (a restart): an outage, retried', () => {
  async function rollbackThrough(
    front: Awaited<ReturnType<typeof startRestartingFront>>,
    name: string,
    comeBack = true,
  ) {
    const warnings: string[] = []
    const log = {
      info: () => {},
      debug: () => {},
      warning: (m: string) => {
        warnings.push(m)
        // the registry is back on the same port before the retry this warning announces
        if (comeBack && /ECONNREFUSED/.test(m) && !front.isUp) void front.up()
      },
    }
    const t = new NpmTarget({
      packageName: name,
      registry: front.url,
      token: registry.token,
      log,
      retry: { attempts: 4, baseDelayMs: 50, maxDelayMs: 1000, deadlineMs: 20_000 },
      timeoutMs: 5000,
    })
    const inputs = {
      rollbackVersion: '1.2.3',
      restoreVersion: '1.2.2',
      channel: 'latest',
      reason: 'Memory persistence corrupts data on restart',
      deprecate: true,
      deprecationMessage: '{version} was rolled back: {reason}. Use {restore} instead.',
      dryRun: false,
      force: false,
      packageName: name,
      registry: front.url,
    }
    const outcome = await runIncident(inputs, [{ kind: 'npm', name, channel: 'latest', target: t }], log).then(
      (result) => ({ result, error: undefined }),
      (error: unknown) => ({ result: undefined, error }),
    )
    return { ...outcome, warnings }
  }

  async function published(): Promise<string> {
    const name = `restart-widget-${++counter}`
    await publishPackage(registry, name, ['1.2.2', '1.2.3'])
    return name
  }

  async function upstreamState(name: string) {
    const doc = (await (await registryRequest(registry, `${escapeName(name)}?write=true`)).json()) as {
      'dist-tags': Record<string, string>
      versions: Record<string, { deprecated?: string }>
    }
    return { latest: doc['dist-tags'].latest, deprecated: doc.versions['1.2.3'].deprecated ?? null }
  }

  it('down right after the dist-tag PUT, back on the same port while the read-back retries: the run completes', async () => {
    const name = await published()
    const front = await startRestartingFront(
      registry.url,
      (method, path) => method === 'PUT' && path.includes('/dist-tags/latest'),
    )
    try {
      const { result, error, warnings } = await rollbackThrough(front, name)
      expect(error).toBeUndefined()
      expect(result?.status).toBe('completed')
      expect([front.downs, front.ups]).toEqual([1, 2])
      // the read-back met a refused connection, said so, and tried again
      expect(warnings.filter((w) => /ECONNREFUSED/.test(w) && /retrying/.test(w)).length).toBeGreaterThan(0)
      expect(await upstreamState(name)).toEqual({
        latest: '1.2.2',
        deprecated: '1.2.3 was rolled back: Memory persistence corrupts data on restart. Use 1.2.2 instead.',
      })
      // the move was sent once: the read-back showed it had taken effect
      expect(front.seen.filter((s) => s.startsWith('PUT /-/package/'))).toHaveLength(1)
    } finally {
      await front.down()
    }
  })

  it('down after the plan read (before any write), back while the retries run: the run completes', async () => {
    const name = await published()
    const front = await startRestartingFront(
      registry.url,
      (method, path) => method === 'GET' && path.startsWith(`/${name}`),
    )
    try {
      const { result, error, warnings } = await rollbackThrough(front, name)
      expect(error).toBeUndefined()
      expect(result?.status).toBe('completed')
      expect(front.downs).toBe(1)
      expect(warnings.some((w) => /ECONNREFUSED/.test(w))).toBe(true)
      expect((await upstreamState(name)).latest).toBe('1.2.2')
    } finally {
      await front.down()
    }
  })

  it('down after the dist-tag PUT and never back: an outage, not bad input, and it never says nothing was written', async () => {
    const name = await published()
    const front = await startRestartingFront(
      registry.url,
      (method, path) => method === 'PUT' && path.includes('/dist-tags/latest'),
    )
    try {
      const { result, error, warnings } = await rollbackThrough(front, name, false)
      const failure = (result?.error ?? error) as Error | undefined
      expect(failure).toBeDefined()
      expect(failure).not.toBeInstanceOf(InputError)
      expect(failure?.message).toMatch(/ECONNREFUSED/)
      expect(failure?.message).not.toMatch(/nothing was written|not an outage/)
      expect(String((failure as { fix?: string }).fix ?? failure?.message)).toMatch(/recovers/)
      // retried within the policy (4 attempts: 3 retries announced; the first may meet the
      // cut keep-alive socket, ECONNRESET) before giving up
      expect(warnings.filter((w) => /retrying/.test(w))).toHaveLength(3)
      expect(warnings.filter((w) => /ECONNREFUSED/.test(w) && /retrying/.test(w)).length).toBeGreaterThan(0)
      // the channel did move before the registry went away; nothing in the result says otherwise
      expect((await upstreamState(name)).latest).toBe('1.2.2')
      expect(JSON.stringify(result ?? {})).not.toMatch(/nothing was written/)
    } finally {
      await front.down()
    }
  })
})

describe('from the CLI', () => {
  it('a wrong port: exit 2 at once, naming --registry, no retries', async () => {
    const port = await freePort()
    let stdout = ''
    let stderr = ''
    const code = await main({
      argv: [
        '--package',
        'some-widget',
        '--rollback',
        '1.2.3',
        '--reason',
        'x',
        '--registry',
        `http://127.0.0.1:${port}/`,
        '--yes',
      ],
      env: { PATH: process.env.PATH ?? '', NPM_TOKEN: 'npm_not-a-real-token' },
      cwd: process.cwd(),
      stdout: (s) => (stdout += s),
      stderr: (s) => (stderr += s),
      ask: async () => undefined,
      version: 'test',
    })
    expect(code).toBe(2)
    expect(stderr).toMatch(
      /^--registry: http:\/\/127\.0\.0\.1:\d+\/ cannot be reached: the connection was refused.*Fix: check --registry/,
    )
    expect(stdout + stderr).not.toMatch(/retrying|recovers|Input '/)
  })

  it('the action names its input', async () => {
    const previous = useDialect('action')
    try {
      const port = await freePort()
      const { log } = recorder()
      await expect(target(`http://127.0.0.1:${port}/`, 'x', log).inspect()).rejects.toThrow(
        /^Input 'registry': .*Fix: check the registry input/,
      )
    } finally {
      useDialect(previous)
    }
  })
})
