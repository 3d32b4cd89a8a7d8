// The npm token never follows a redirect to another origin (scheme, host or port).
// make-fetch-happen (under npm-registry-fetch and libnpmpublish) follows redirects and
// drops `authorization` only when the hostname changes; these tests put a real registry
// (Verdaccio) behind a front server on 127.0.0.1 that answers chosen requests with
// 301/302/307/308, and a receiving server on another port that records whether an
// `authorization` header reached it. Registry calls must refuse any hop off the
// registry's origin before opening it, with an error that names the registry and the
// target's origin and never the token; same-origin redirects still work; tarballs may be
// fetched from another origin, but never with the token.
//
// The agent that enforces this replaces the one npm's libraries pick, so every request of
// this file also goes through an HTTP proxy named by HTTP_PROXY, as on a runner behind
// one: proxy support must survive. @npmcli/agent reads the proxy variables when it is
// loaded, so the code under test and the fixtures (libnpmpublish) are imported only after
// HTTP_PROXY is set.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { RegistryError } from '../../../src/core/errors.js'
import type { NpmTarget as NpmTargetClass } from '../../../src/targets/npm/target.js'
import type { RepublishOptions } from '../../../src/targets/npm/republish.js'
import { freePort, startVerdaccio, type Registry } from '../../support/verdaccio.mjs'

const fastRetry = { attempts: 3, baseDelayMs: 10, maxDelayMs: 100, deadlineMs: 5000 }

interface Seen {
  server: 'front' | 'receiver'
  host: string
  method: string
  path: string
  authorized: boolean
}

interface Redirect {
  method: string
  path: RegExp
  status: number
  /** where to send the client: a full URL, given the path asked for */
  to: (path: string) => string
}

/** An HTTP server on 127.0.0.1 that forwards to Verdaccio (or answers `fallback`), records every request, and redirects what a rule names. */
async function startServer(name: Seen['server'], upstream: string, seen: Seen[]) {
  const port = await freePort()
  const base = new URL(upstream)
  const rules: Redirect[] = []
  let fallback: ((req: IncomingMessage, res: ServerResponse) => boolean) | undefined
  const sockets = new Set<Socket>()
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const body = Buffer.concat(chunks)
    const method = req.method ?? 'GET'
    const path = req.url ?? '/'
    seen.push({
      server: name,
      host: req.headers.host ?? '',
      method,
      path,
      authorized: req.headers.authorization !== undefined,
    })
    const i = rules.findIndex((r) => r.method === method && r.path.test(path))
    if (i >= 0) {
      const [rule] = rules.splice(i, 1)
      res.writeHead(rule.status, { location: rule.to(path), 'content-type': 'text/plain' })
      res.end('moved')
      return
    }
    if (fallback?.(req, res)) return
    const headers = { ...req.headers, host: base.host } as unknown as Record<string, string>
    delete headers['content-length']
    const up = await fetch(new URL(path, base), {
      method,
      headers,
      body: method === 'GET' || method === 'HEAD' ? undefined : body,
      redirect: 'manual',
    })
    const out: Record<string, string> = {}
    up.headers.forEach((v, k) => {
      if (!['content-encoding', 'content-length', 'transfer-encoding', 'connection'].includes(k)) out[k] = v
    })
    let answer = Buffer.from(await up.arrayBuffer())
    // tarball URLs name this server, as the client asked for it (a registry behind a proxy does the same)
    if (String(up.headers.get('content-type')).includes('json'))
      answer = Buffer.from(answer.toString('utf8').replaceAll(base.origin, `http://${req.headers.host}`))
    res.writeHead(up.status, out)
    res.end(answer)
  })
  server.on('connection', (s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  return {
    port,
    url: `http://127.0.0.1:${port}/`,
    origin: `http://127.0.0.1:${port}`,
    redirect(rule: Redirect) {
      rules.push(rule)
    },
    answer(f: typeof fallback) {
      fallback = f
    },
    clear() {
      rules.length = 0
      fallback = undefined
    },
    async stop() {
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** A forward HTTP proxy (absolute-form requests, as http-proxy-agent sends them) that records what it was asked for. */
async function startForwardProxy(proxied: { origin: string; path: string; authorized: boolean }[]) {
  const port = await freePort()
  const sockets = new Set<Socket>()
  const server = createServer((req, res) => {
    const target = new URL(req.url ?? '/')
    proxied.push({
      origin: target.origin,
      path: `${target.pathname}${target.search}`,
      authorized: req.headers.authorization !== undefined,
    })
    const headers = { ...req.headers }
    delete headers['proxy-connection']
    delete headers['proxy-authorization']
    const up = httpRequest(
      {
        hostname: target.hostname,
        port: target.port,
        method: req.method,
        path: `${target.pathname}${target.search}`,
        headers,
      },
      (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers)
        upRes.pipe(res)
      },
    )
    up.on('error', () => {
      res.writeHead(502)
      res.end()
    })
    req.pipe(up)
  })
  server.on('connection', (s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

let registry: Registry
let front: Awaited<ReturnType<typeof startServer>>
let receiver: Awaited<ReturnType<typeof startServer>>
let forward: Awaited<ReturnType<typeof startForwardProxy>>
const seen: Seen[] = []
const proxied: { origin: string; path: string; authorized: boolean }[] = []

let NpmTarget: typeof NpmTargetClass
let republish: typeof import('../../../src/targets/npm/republish.js').republish
let publishPackage: typeof import('../../support/fixtures.mjs').publishPackage
let snapshot: typeof import('../../support/fixtures.mjs').snapshot

beforeAll(async () => {
  registry = await startVerdaccio()
  front = await startServer('front', registry.url, seen)
  receiver = await startServer('receiver', registry.url, seen)
  forward = await startForwardProxy(proxied)
  // as a runner behind a proxy has it (jest gives each test file its own process.env)
  for (const k of ['NO_PROXY', 'no_proxy', 'NOPROXY', 'HTTPS_PROXY', 'https_proxy', 'http_proxy', 'proxy'])
    delete process.env[k]
  process.env.HTTP_PROXY = forward.url
  ;({ NpmTarget } = await import('../../../src/targets/npm/target.js'))
  ;({ republish } = await import('../../../src/targets/npm/republish.js'))
  ;({ publishPackage, snapshot } = await import('../../support/fixtures.mjs'))
})
afterAll(async () => {
  await forward?.stop()
  await front?.stop()
  await receiver?.stop()
  await registry?.stop()
})
afterEach(() => {
  seen.length = 0
  proxied.length = 0
  front.clear()
  receiver.clear()
})

function logger() {
  const lines: string[] = []
  return {
    lines,
    info: (m: string) => lines.push(`info: ${m}`),
    warning: (m: string) => lines.push(`warning: ${m}`),
    debug: (m: string) => lines.push(`debug: ${m}`),
  }
}

/** Requests that reached anything but the registry's origin (the front server, asked for as 127.0.0.1:port). */
const offOrigin = () => seen.filter((s) => s.server === 'receiver' || s.host !== `127.0.0.1:${front.port}`)

function expectNoToken(...texts: string[]) {
  for (const t of texts) expect(t).not.toContain(registry.token)
}

/** The other origins a registry may redirect to. */
const targets: [string, () => string][] = [
  ['another port on 127.0.0.1', () => receiver.origin],
  ['localhost instead of 127.0.0.1 (another host)', () => `http://localhost:${front.port}`],
  ['https on the same host and port (another scheme)', () => `https://127.0.0.1:${front.port}`],
]
const statuses = [301, 302, 307, 308]

let counter = 0
async function freshPackage(prefix: string): Promise<string> {
  const name = `${prefix}-${++counter}`
  await publishPackage(registry, name, ['1.2.2', '1.2.3'])
  return name
}

function target(pkg: string, log = logger()) {
  return new NpmTarget({
    packageName: pkg,
    registry: front.url,
    token: registry.token,
    log,
    retry: fastRetry,
    timeoutMs: 5000,
  })
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')

describe('registry calls refuse a redirect to another origin', () => {
  let pkg: string
  beforeAll(async () => {
    pkg = await freshPackage('redirect-widget')
  })

  // each registry call NpmTarget makes with the token, and the request a registry could redirect
  const calls: [string, string, (p: string) => RegExp, string, (t: NpmTargetClass) => Promise<unknown>][] = [
    ['the packument read', 'GET', (p) => new RegExp(`^/${p}\\?write=true$`), '/PKG', (t) => t.inspect()],
    ['the whoami', 'GET', () => /^\/-\/whoami$/, '/-/whoami', (t) => t.checkAccess()],
    [
      'the dist-tag PUT',
      'PUT',
      (p) => new RegExp(`^/-/package/${p}/dist-tags/latest$`),
      '/-/package/PKG/dist-tags/latest',
      async (t) => {
        await t.inspect()
        return t.pointChannel('latest', '1.2.2', '1.2.3')
      },
    ],
  ]

  describe.each(calls)('%s', (_name, method, path, shown, call) => {
    it.each(targets.flatMap(([where, to]) => statuses.map((status) => [status, where, to] as const)))(
      '%i to %s: not followed, the token not sent, a clear error',
      async (status, _where, to) => {
        const before = await snapshot(registry, pkg)
        const destination = to()
        front.redirect({ method, path: path(pkg), status, to: (p) => `${destination}${p}` })
        const log = logger()
        proxied.length = 0 // the fixtures' own publishes (libnpmpublish) went through the proxy too
        const error = await call(target(pkg, log)).catch((e: unknown) => e)
        // the redirecting request went through the proxy; the refused hop never reached it either
        expect(proxied.filter((r) => r.origin !== front.origin)).toEqual([])
        expect(proxied.some((r) => r.origin === front.origin && r.authorized)).toBe(true)

        // refused before the hop was opened: nothing reached the other origin, with or without the token
        expect(offOrigin()).toEqual([])
        expect(error).toBeInstanceOf(RegistryError)
        const message = (error as Error).message
        expect(message).toMatch(
          new RegExp(
            `^${escapeRe(front.url)} redirected ${method} ${escapeRe(shown.replace('PKG', pkg))} to ${escapeRe(destination)}, which is not the registry's origin ${escapeRe(front.origin)} .*the npm token was not sent to ${escapeRe(destination)}\\. Fix: .*set the registry input`,
          ),
        )
        expect((error as RegistryError).code).toBe('EOFFORIGIN')
        expectNoToken(message, ...log.lines)
        // the redirecting request was made once: a refusal is not retried
        expect(seen.filter((s) => s.method === method && path(pkg).test(s.path))).toHaveLength(1)
        expect(await snapshot(registry, pkg)).toBe(before)
      },
    )
  })

  it('a redirect on the collaborators list is refused too, and the run goes on without it', async () => {
    front.redirect({
      method: 'GET',
      path: new RegExp(`^/-/package/${pkg}/collaborators$`),
      status: 307,
      to: (p) => `${receiver.origin}${p}`,
    })
    const log = logger()
    await target(pkg, log).checkAccess()
    expect(offOrigin()).toEqual([])
    expect(log.lines.join('\n')).toMatch(
      /does not list the collaborators .*redirected GET .* to http:\/\/127\.0\.0\.1:\d+, which is not the registry's origin/,
    )
    expectNoToken(...log.lines)
  })
})

describe('same-origin redirects are followed, with the token', () => {
  it.each(statuses)('%i on the packument read, the whoami and the dist-tag PUT', async (status) => {
    const pkg = await freshPackage('same-origin-widget')
    const again = (p: string) => `${front.origin}${p}${p.includes('?') ? '&' : '?'}hop=1`
    front.redirect({ method: 'GET', path: new RegExp(`^/${pkg}\\?write=true$`), status, to: again })
    front.redirect({ method: 'GET', path: /^\/-\/whoami$/, status, to: again })
    front.redirect({ method: 'PUT', path: new RegExp(`^/-/package/${pkg}/dist-tags/latest$`), status, to: again })
    const t = target(pkg)
    await t.checkAccess() // Verdaccio names the token's user only when the token arrived
    expect((await t.inspect()).distTags.latest).toBe('1.2.3')
    expect(await t.pointChannel('latest', '1.2.2', '1.2.3')).toBe('written')
    expect(JSON.parse(await snapshot(registry, pkg)).distTags.latest).toBe('1.2.2')
    const hops = seen.filter((s) => s.path.includes('hop=1'))
    expect(hops.map((s) => [s.method, s.path.replace(pkg, 'PKG'), s.authorized])).toEqual([
      ['GET', '/-/whoami?hop=1', true],
      ['GET', '/PKG?write=true&hop=1', true],
      ['PUT', '/-/package/PKG/dist-tags/latest?hop=1', true],
    ])
    expect(proxied.filter((r) => r.path.includes('hop=1')).map((r) => [r.origin, r.authorized])).toEqual([
      [front.origin, true],
      [front.origin, true],
      [front.origin, true],
    ])
    expect(offOrigin()).toEqual([])
  })
})

describe('republish', () => {
  function options(pkg: string): RepublishOptions & { log: ReturnType<typeof logger> } {
    return {
      packageName: pkg,
      registry: front.url,
      token: registry.token,
      channel: 'latest',
      bad: '1.2.3',
      restore: '1.2.2',
      incidentId: 'rr-redirect',
      log: logger(),
      retry: fastRetry,
      timeoutMs: 5000,
    }
  }
  const tarball = (pkg: string, version: string) => new RegExp(`^/${pkg}/-/${pkg}-${escapeRe(version)}\\.tgz$`)

  it.each([307, 308])(
    'the publish PUT redirected (%i) to another port: refused, the token not sent, nothing published',
    async (status) => {
      const pkg = await freshPackage('publish-redirect-widget')
      const before = await snapshot(registry, pkg)
      front.redirect({ method: 'PUT', path: new RegExp(`^/${pkg}$`), status, to: (p) => `${receiver.origin}${p}` })
      const o = options(pkg)
      const error = await republish(o).catch((e: unknown) => e)
      expect(offOrigin()).toEqual([])
      expect(error).toBeInstanceOf(RegistryError)
      expect((error as Error).message).toMatch(
        new RegExp(
          `^${escapeRe(front.url)} redirected PUT /${pkg} to ${escapeRe(receiver.origin)}, which is not the registry's origin .*the npm token was not sent to ${escapeRe(receiver.origin)}\\.`,
        ),
      )
      expectNoToken((error as Error).message, ...o.log.lines)
      expect(await snapshot(registry, pkg)).toBe(before)
      expect(seen.filter((s) => s.method === 'PUT')).toHaveLength(1)
    },
  )

  it('the publish PUT redirected within the origin: published, with the token', async () => {
    const pkg = await freshPackage('publish-same-origin-widget')
    front.redirect({
      method: 'PUT',
      path: new RegExp(`^/${pkg}$`),
      status: 307,
      to: (p) => `${front.origin}${p}?hop=1`,
    })
    const result = await republish(options(pkg))
    expect(result).toMatchObject({ version: '1.2.4', outcome: 'published' })
    expect(seen.filter((s) => s.method === 'PUT').map((s) => [s.path.replace(pkg, 'PKG'), s.authorized])).toEqual([
      ['/PKG', true],
      ['/PKG?hop=1', true],
    ])
    expect(JSON.parse(await snapshot(registry, pkg)).distTags.latest).toBe('1.2.4')
  })

  it.each([
    ['another port on 127.0.0.1', () => receiver.origin],
    ['localhost instead of 127.0.0.1', () => `http://localhost:${front.port}`],
  ])('a tarball download redirected to %s: fetched there without the token, then verified', async (_where, to) => {
    const pkg = await freshPackage('tarball-redirect-widget')
    const destination = to()
    front.redirect({ method: 'GET', path: tarball(pkg, '1.2.2'), status: 302, to: (p) => `${destination}${p}` })
    front.redirect({ method: 'GET', path: tarball(pkg, '1.2.4'), status: 307, to: (p) => `${destination}${p}` })
    const o = options(pkg)
    expect((await republish(o)).outcome).toBe('published')
    const tgz = seen.filter((s) => s.path.endsWith('.tgz'))
    // each download: asked of the registry with the token, then fetched elsewhere without it
    expect(tgz.map((s) => [s.server, s.host === `127.0.0.1:${front.port}`, s.authorized])).toEqual([
      ['front', true, true],
      [destination === receiver.origin ? 'receiver' : 'front', false, false],
      ['front', true, true],
      [destination === receiver.origin ? 'receiver' : 'front', false, false],
    ])
    expect(offOrigin().every((s) => !s.authorized)).toBe(true)
    // through the proxy, the hop elsewhere without the token too
    expect(
      proxied.filter((r) => r.path.endsWith('.tgz')).map((r) => [r.origin === front.origin, r.authorized]),
    ).toEqual([
      [true, true],
      [false, false],
      [true, true],
      [false, false],
    ])
    expectNoToken(...o.log.lines)
  })

  it('a tarball redirected to another origin that wants a token: a clear error, the token still not sent, nothing published', async () => {
    const pkg = await freshPackage('tarball-private-widget')
    const before = await snapshot(registry, pkg)
    front.redirect({ method: 'GET', path: tarball(pkg, '1.2.2'), status: 302, to: (p) => `${receiver.origin}${p}` })
    receiver.answer((req, res) => {
      if (req.headers.authorization) return false
      res.writeHead(401, { 'content-type': 'application/json' })
      res.end('{"error":"authentication required"}')
      return true
    })
    const o = options(pkg)
    const error = await republish(o).catch((e: unknown) => e)
    expect(offOrigin().filter((s) => s.authorized)).toEqual([])
    expect(error).toBeInstanceOf(RegistryError)
    expect((error as Error).message).toBe(
      `The tarball of ${pkg}@1.2.2 is served from ${receiver.origin}, not from the registry's origin ${front.origin}, so the npm token was not sent with it; ${receiver.origin} answered HTTP 401. ` +
        `Fix: release-rollback sends the npm token to ${front.origin} only: make the registry serve the tarball there or from a host that needs no token, or use strategy: retag.`,
    )
    expect((error as RegistryError).status).toBe(401)
    expectNoToken((error as Error).message, ...o.log.lines)
    expect(offOrigin()).toHaveLength(1) // a 401 is not retried
    expect(await snapshot(registry, pkg)).toBe(before)
  })
})
