// Verify after (src/runbook/verify.ts), against real servers only: a health endpoint on
// 127.0.0.1, a real Verdaccio, and a small caching proxy in front of it that plays the
// registry's CDN (it keeps serving the packument it fetched first for N seconds).
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { buildRecord } from '../../src/github/bookkeeping.js'
import { main } from '../../src/cli/main.js'
import { executeIncident } from '../../src/incident/execute.js'
import { mergeRecord, parseReportRecord } from '../../src/github/record.js'
import { renderReport } from '../../src/github/render-report.js'
import type { GitHubInputs } from '../../src/config/inputs.js'
import { holdsVersion, maxAgeOf, readVerifyConfig, verifyAfter, type VerifyConfig } from '../../src/incident/verify.js'
import { renderSummary } from '../../src/incident/summary.js'
import { NpmTarget } from '../../src/targets/npm/target.js'
import { escapeName, publishPackage } from '../support/fixtures.mjs'
import { inputErrorOf, rollbackInputs } from '../support/helpers.js'
import { runAction } from '../support/run-action.mjs'
import { startVerdaccio, type Registry } from '../support/verdaccio.mjs'

let registry: Registry
const servers: Server[] = []
beforeAll(async () => {
  registry = await startVerdaccio()
})
afterAll(async () => {
  for (const s of servers) s.closeAllConnections()
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))))
  await registry?.stop()
})

/** A server on 127.0.0.1 on a free port; closed after the file. */
async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler)
  servers.push(server)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

/** A health endpoint: `answer(ms since its first request, request number)` gives status and body. */
async function health(answer: (sinceFirst: number, n: number) => { status?: number; body: string; type?: string }) {
  let first: number | undefined
  const requests: IncomingHttpHeaders[] = []
  const url = await serve((req, res) => {
    first ??= Date.now()
    requests.push(req.headers)
    const a = answer(Date.now() - first, requests.length)
    res.writeHead(a.status ?? 200, { 'content-type': a.type ?? 'application/json' })
    res.end(a.body)
  })
  return { url: `${url}/healthz`, requests }
}

/**
 * The registry's CDN: GETs of a packument are answered from what it fetched first, for
 * `ttlMs`, with cache-control: max-age; everything else goes straight through.
 */
async function cachingProxy(upstream: string, ttlMs: number) {
  const cache = new Map<string, { at: number; status: number; body: Buffer }>()
  const requests: Array<{ path: string; headers: IncomingHttpHeaders }> = []
  const url = await serve(async (req, res) => {
    requests.push({ path: req.url ?? '', headers: req.headers })
    const key = req.url ?? ''
    let hit = cache.get(key)
    if (!hit || Date.now() - hit.at >= ttlMs) {
      const headers: Record<string, string> = {}
      for (const h of ['accept', 'user-agent'])
        if (typeof req.headers[h] === 'string') headers[h] = req.headers[h] as string
      const up = await fetch(new URL(key, upstream), { headers })
      hit = { at: Date.now(), status: up.status, body: Buffer.from(await up.arrayBuffer()) }
      cache.set(key, hit)
    }
    const age = Math.floor((Date.now() - hit.at) / 1000)
    res.writeHead(hit.status, {
      'content-type': 'application/json',
      'cache-control': `public, max-age=${Math.ceil(ttlMs / 1000)}`,
      age: String(age),
    })
    res.end(hit.body)
  })
  return { url: `${url}/`, requests }
}

const gi: GitHubInputs = {
  createIssue: false,
  commitReport: false,
  labels: [],
  assignees: [],
  reportDir: 'incidents',
  severity: 'high',
} as unknown as GitHubInputs
const ctx = { repository: 'acme/widget', serverUrl: 'https://github.com' }

function logger() {
  const lines: string[] = []
  return {
    lines,
    info: (m: string) => lines.push(`info: ${m}`),
    warning: (m: string) => lines.push(`warning: ${m}`),
    debug: () => {},
  }
}

let n = 0
/** A fresh package with 1.2.2 and the bad 1.2.3 on latest. */
async function fixture(): Promise<string> {
  const pkg = `verify-widget-${++n}`
  await publishPackage(registry, pkg, ['1.2.2', '1.2.3'])
  return pkg
}

/** The verify step's config from inputs as the action gets them; polls a little faster than the default. */
function config(inputs: Record<string, string>, registryUrl = registry.url): VerifyConfig {
  return { ...readVerifyConfig((name) => inputs[name] ?? '', registryUrl, 'release-rollback-test'), pollMs: 100 }
}

/** The rollback of pkg@1.2.3 through executeIncident, with verify after as its one afterWrite step. */
async function rollback(pkg: string, verify: VerifyConfig) {
  const log = logger()
  const inputs = rollbackInputs({ packageName: pkg, registry: registry.url, npmToken: registry.token })
  const target = new NpmTarget({
    packageName: pkg,
    registry: registry.url,
    token: registry.token,
    log,
    timeoutMs: 10_000,
  })
  const { result } = await executeIncident(
    inputs,
    gi,
    [{ kind: 'npm', name: pkg, channel: 'latest', target }],
    undefined,
    ctx,
    log,
    { afterWrite: [verifyAfter(verify, log)] },
  )
  return { result, log }
}

describe('the built action', () => {
  // dist/ is this checkout's build: npm test's pretest refuses a stale one (never rebuilt here,
  // which would delete dist/ under the other test files running the bundle at the same time)
  it('rolls back, polls the health endpoint until it flips, and says so in the summary', async () => {
    const pkg = await fixture()
    const h = await health((since) => ({
      body: JSON.stringify({ build: { version: since < 500 ? '1.2.3' : '1.2.2' } }),
    }))
    const run = await runAction({
      'rollback-version': '1.2.3',
      reason: 'Memory persistence corrupts data on restart',
      package: pkg,
      registry: registry.url,
      'npm-token': registry.token,
      'create-issue': 'false',
      'commit-report': 'false',
      'verify-url': h.url,
      'verify-field': 'build.version',
      'verify-timeout': '10s',
    })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.outputs.status).toBe('completed')
    expect(run.summary).toContain('### Verification')
    expect(run.summary).toContain(`- Health: \`${h.url}\` (\`build.version\`) reported \`1.2.2\` at `)
    expect(run.summary).toContain(`- Installers: \`${pkg}\` \`latest\` gave \`1.2.2\``)
    expect(h.requests.length).toBeGreaterThan(1)
    expect(h.requests.every((r) => r.authorization === undefined)).toBe(true)
  }, 60_000)

  it('a health endpoint that never reports the restore version: partial, exit code set', async () => {
    const pkg = await fixture()
    const h = await health(() => ({ body: '{"version":"1.2.3"}' }))
    const run = await runAction({
      'rollback-version': '1.2.3',
      reason: 'Memory persistence corrupts data on restart',
      package: pkg,
      registry: registry.url,
      'npm-token': registry.token,
      'create-issue': 'false',
      'commit-report': 'false',
      'verify-url': h.url,
      'verify-timeout': '1s',
    })
    expect(run.code).toBe(1)
    expect(run.outputs.status).toBe('partial')
    expect(run.stdout).toContain(`the channel is rolled back but ${h.url} still reports 1.2.3 after 1s`)
  }, 60_000)
})

describe('the health endpoint (verify-url)', () => {
  it('waits until it flips to the restore version, and records when it was first seen', async () => {
    const pkg = await fixture()
    let flippedAt = 0
    const h = await health((since) => {
      if (since < 700) return { body: JSON.stringify({ status: 'ok', version: '1.2.3' }) }
      flippedAt ||= Date.now()
      return { body: JSON.stringify({ status: 'ok', version: '1.2.2' }) }
    })
    const { result } = await rollback(pkg, config({ 'verify-url': h.url, 'verify-timeout': '10s' }))
    expect(result.status).toBe('completed')
    expect(result.error).toBeUndefined()
    const seen = result.verification?.health
    expect(seen).toEqual({
      url: h.url,
      versions: ['1.2.2'],
      timeout: '10s',
      seenAt: expect.any(String),
      reports: '1.2.2',
    })
    expect(Date.parse(seen?.seenAt as string)).toBeGreaterThanOrEqual(flippedAt - 5)
    expect(h.requests.length).toBeGreaterThan(1)
    // no token, whatever the run holds
    expect(h.requests.every((r) => r.authorization === undefined)).toBe(true)
    expect(renderSummary(result)).toContain(`- Health: \`${h.url}\` reported \`1.2.2\` at `)
  })

  it('never flips: partial, naming the URL and what it still reports', async () => {
    const pkg = await fixture()
    const h = await health(() => ({ body: JSON.stringify({ version: '1.2.3' }) }))
    const { result } = await rollback(pkg, config({ 'verify-url': h.url, 'verify-timeout': '1s' }))
    expect(result.status).toBe('partial')
    expect(result.error?.message).toContain(
      `the channel is rolled back but ${h.url} still reports 1.2.3 after 1s (expected 1.2.2)`,
    )
    // what the rollback did is still said
    expect(result.error?.message).toContain(`'latest' points at 1.2.2 (the rollback is live)`)
    expect(result.verification?.health).toEqual({ url: h.url, versions: ['1.2.2'], timeout: '1s', reports: '1.2.3' })
    expect(result.targets[0].moved).toBe(true)
    const summary = renderSummary(result)
    expect(summary).toContain('## ⚠️ Rollback partially applied')
    expect(summary).toContain(`did not report \`1.2.2\` within 1s; its last answer: 1.2.3.`)
  })

  it('reads a dot path into the JSON answer (verify-field), and only that field', async () => {
    const pkg = await fixture()
    // the top-level version is the API's, not the build's
    const h = await health(() => ({
      body: JSON.stringify({ version: '1.2.3', build: { version: 'v1.2.2', sha: 'abc' } }),
    }))
    const { result } = await rollback(
      pkg,
      config({ 'verify-url': h.url, 'verify-field': 'build.version', 'verify-timeout': '5s' }),
    )
    expect(result.status).toBe('completed')
    expect(result.verification?.health).toMatchObject({
      field: 'build.version',
      reports: 'v1.2.2',
      seenAt: expect.any(String),
    })
    expect(h.requests).toHaveLength(1)

    const pkg2 = await fixture()
    const h2 = await health(() => ({ body: JSON.stringify({ version: '1.2.2', build: { version: '1.2.3' } }) }))
    const { result: r2 } = await rollback(
      pkg2,
      config({ 'verify-url': h2.url, 'verify-field': 'build.version', 'verify-timeout': '1s' }),
    )
    expect(r2.status).toBe('partial')
    expect(r2.error?.message).toContain(`${h2.url} still reports 1.2.3 in build.version after 1s`)
  })

  it('a body that is not JSON: with verify-field, not verified; without it, the version as a word counts', async () => {
    const pkg = await fixture()
    const h = await health(() => ({ body: 'OK acme-api v1.2.2 (build 1.2.23)', type: 'text/plain' }))
    const { result } = await rollback(
      pkg,
      config({ 'verify-url': h.url, 'verify-field': 'version', 'verify-timeout': '1s' }),
    )
    expect(result.status).toBe('partial')
    expect(result.error?.message).toContain(
      `${h.url} did not report 1.2.2 within 1s: its last answer was an answer that is not JSON ("OK acme-api v1.2.2 (build 1.2.23)")`,
    )

    const pkg2 = await fixture()
    const { result: r2 } = await rollback(pkg2, config({ 'verify-url': h.url, 'verify-timeout': '2s' }))
    expect(r2.status).toBe('completed')
    expect(r2.verification?.health?.reports).toBe('1.2.2')

    // 1.2.23 and 11.2.2 are not 1.2.2
    const pkg3 = await fixture()
    const h3 = await health(() => ({ body: 'build 1.2.23 / 11.2.2 / 1.2.2-rc.1', type: 'text/plain' }))
    const { result: r3 } = await rollback(pkg3, config({ 'verify-url': h3.url, 'verify-timeout': '1s' }))
    expect(r3.status).toBe('partial')
    expect(r3.error?.message).toContain(`did not report 1.2.2 within 1s: its last answer was an answer without 1.2.2`)
  })

  it('5xx, then OK: keeps polling and completes', async () => {
    const pkg = await fixture()
    const h = await health((_, i) =>
      i <= 2 ? { status: 503, body: 'starting' } : { body: JSON.stringify({ version: '1.2.2' }) },
    )
    const { result, log } = await rollback(
      pkg,
      config({ 'verify-url': h.url, 'verify-field': 'version', 'verify-timeout': '10s' }),
    )
    expect(result.status).toBe('completed')
    expect(h.requests).toHaveLength(3)
    expect(log.lines).toContain(`info: ✔ ${h.url} reports 1.2.2.`)
  })

  it('several targets with different restore versions: the endpoint reporting any of them counts', async () => {
    const a = `verify-multi-a-${++n}`
    const b = `verify-multi-b-${n}`
    await publishPackage(registry, a, ['1.2.2', '1.2.3'])
    await publishPackage(registry, b, ['1.2.1', '1.2.3'])
    const h = await health(() => ({ body: 'acme-api 1.2.1' }))
    const log = logger()
    const inputs = rollbackInputs({ packageName: a, registry: registry.url, npmToken: registry.token })
    const target = (name: string) => ({
      kind: 'npm' as const,
      name,
      channel: 'latest',
      target: new NpmTarget({
        packageName: name,
        registry: registry.url,
        token: registry.token,
        log,
        timeoutMs: 10_000,
      }),
    })
    const { result } = await executeIncident(inputs, gi, [target(a), target(b)], undefined, ctx, log, {
      afterWrite: [verifyAfter(config({ 'verify-url': h.url, 'verify-timeout': '5s' }), log)],
    })
    expect(result.status).toBe('completed')
    expect(result.verification?.health).toMatchObject({
      versions: ['1.2.2', '1.2.1'],
      reports: '1.2.1',
      seenAt: expect.any(String),
    })
    expect(result.verification?.installers?.map((i) => [i.name, i.version, Boolean(i.seenAt)])).toEqual([
      [a, '1.2.2', true],
      [b, '1.2.1', true],
    ])
  })

  it('always 5xx: partial, with the last status', async () => {
    const pkg = await fixture()
    const h = await health(() => ({ status: 502, body: 'bad gateway' }))
    const { result } = await rollback(pkg, config({ 'verify-url': h.url, 'verify-timeout': '1s' }))
    expect(result.status).toBe('partial')
    expect(result.error?.message).toContain(`${h.url} did not report 1.2.2 within 1s: its last answer was HTTP 502`)
  })
})

describe('npm channels as installers read them', () => {
  it('reads once by default: unauthenticated, the install GET, no cache-busting; records when installers saw the restore version', async () => {
    const pkg = await fixture()
    const cdn = await cachingProxy(registry.url, 100)
    const { result } = await rollback(pkg, config({}, cdn.url))
    expect(result.status).toBe('completed')
    expect(result.verification).toEqual({
      installers: [
        {
          name: pkg,
          channel: 'latest',
          version: '1.2.2',
          registry: cdn.url,
          seenAt: expect.any(String),
          maxAgeSeconds: 1,
        },
      ],
    })
    expect(cdn.requests).toHaveLength(1)
    const [read] = cdn.requests
    expect(read.path).toBe(`/${escapeName(pkg)}`)
    expect(read.headers.accept).toBe('application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*')
    expect(read.headers.authorization).toBeUndefined()
    expect(read.headers['cache-control']).toBeUndefined()
    expect(read.headers.pragma).toBeUndefined()
    expect(renderSummary(result)).toContain(
      `- Installers: \`${pkg}\` \`latest\` gave \`1.2.2\` (read as \`npm install\` reads it, without a token) at `,
    )
  })

  it('behind a CDN that still serves the old packument: recorded as not yet seen, with its max-age; not partial', async () => {
    const pkg = await fixture()
    const cdn = await cachingProxy(registry.url, 30_000)
    // an installer read before the rollback fills the CDN with latest -> 1.2.3
    expect(
      ((await (await fetch(`${cdn.url}${escapeName(pkg)}`)).json()) as { 'dist-tags': Record<string, string> })[
        'dist-tags'
      ].latest,
    ).toBe('1.2.3')
    const { result, log } = await rollback(pkg, config({}, cdn.url))
    expect(result.status).toBe('completed')
    expect(result.warnings).toEqual([])
    expect(result.verification?.installers).toEqual([
      { name: pkg, channel: 'latest', version: '1.2.2', registry: cdn.url, holds: '1.2.3', maxAgeSeconds: 30 },
    ])
    expect(log.lines).toContain(
      `info: Installers still get 1.2.3 for ${pkg}@latest: the registry holds 1.2.2, but its CDN may serve the old answer for up to 30 s (cache-control: max-age=30).`,
    )
    expect(renderSummary(result)).toContain(
      `still gave \`1.2.3\`, not \`1.2.2\`: the registry holds \`1.2.2\`, but its CDN may serve the old answer for up to 30 s (\`cache-control: max-age=30\`).`,
    )
  })

  it('wait-for-cdn waits until the CDN serves the restore version', async () => {
    const pkg = await fixture()
    const cdn = await cachingProxy(registry.url, 1500)
    await fetch(`${cdn.url}${escapeName(pkg)}`)
    const primed = Date.now()
    const { result } = await rollback(pkg, config({ 'wait-for-cdn': '10s' }, cdn.url))
    expect(result.status).toBe('completed')
    const row = result.verification?.installers?.[0]
    expect(row).toEqual({
      name: pkg,
      channel: 'latest',
      version: '1.2.2',
      registry: cdn.url,
      seenAt: expect.any(String),
      maxAgeSeconds: 2,
    })
    expect(Date.parse(row?.seenAt as string)).toBeGreaterThanOrEqual(primed + 1500)
    expect(cdn.requests.length).toBeGreaterThan(2)
  })

  it('wait-for-cdn runs out: a warning naming the max-age, and the run is still completed', async () => {
    const pkg = await fixture()
    const cdn = await cachingProxy(registry.url, 30_000)
    await fetch(`${cdn.url}${escapeName(pkg)}`)
    const { result } = await rollback(pkg, config({ 'wait-for-cdn': '1s' }, cdn.url))
    expect(result.status).toBe('completed')
    expect(result.error).toBeUndefined()
    expect(result.warnings).toEqual([
      `Installers still get 1.2.3 for ${pkg}@latest after waiting 1s: the registry holds 1.2.2, but its CDN may serve the old answer for up to 30 s (cache-control: max-age=30).`,
    ])
  })

  it('the report records both checks, and a re-run keeps the first time each was seen', async () => {
    const pkg = await fixture()
    const h = await health(() => ({ body: '{"version":"1.2.2"}' }))
    const { result } = await rollback(
      pkg,
      config({ 'verify-url': h.url, 'verify-field': 'version', 'verify-timeout': '5s' }),
    )
    const inputs = rollbackInputs({ packageName: pkg, registry: registry.url })
    const record = buildRecord(result, inputs, gi, ctx, '2026-11-29T10:00:00.000Z')
    const report = renderReport(record, ctx)
    expect(report).toContain('## Verification\n- Health endpoint')
    expect(report).toMatch(
      /- Installers got `1\.2\.2` for `verify-widget-\d+` `latest` \(read as `npm install` reads it, without a token\) at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\./,
    )
    const parsed = parseReportRecord(report)
    expect(parsed?.verification).toEqual(record.verification)
    // a later run that sees the same: the first times stay, the report does not change
    const later = JSON.parse(JSON.stringify(record)) as typeof record
    later.runs = [{ ...record.runs[0], at: '2026-11-29T11:00:00.000Z', status: 'already-done' }]
    for (const i of later.verification?.installers ?? []) i.seenAt = '2026-11-29T11:00:01.000Z'
    if (later.verification?.health) later.verification.health.seenAt = '2026-11-29T11:00:01.000Z'
    const merged = mergeRecord(parsed, later)
    expect(merged.verification).toEqual(record.verification)
    expect(renderReport(merged, ctx)).toBe(report)
  })
})

describe('the record codec', () => {
  it('drops a malformed verification and keeps the rest of the record', async () => {
    const pkg = await fixture()
    const { result } = await rollback(pkg, config({}))
    const record = buildRecord(
      result,
      rollbackInputs({ packageName: pkg, registry: registry.url }),
      gi,
      ctx,
      '2026-11-29T10:00:00.000Z',
    )
    expect(record.verification?.installers).toHaveLength(1)
    const bad = {
      ...record,
      verification: { installers: [{ name: pkg, channel: 'latest', version: 7 }] },
    } as unknown as typeof record
    const parsed = parseReportRecord(renderReport(bad, ctx))
    expect(parsed?.incidentId).toBe(record.incidentId)
    expect(parsed?.verification).toBeUndefined()
    // without the feature's data, the report has no Verification section
    const { verification: _, ...plain } = record
    expect(renderReport(plain, ctx)).not.toContain('## Verification')
  })
})

describe('inputs', () => {
  const get = (inputs: Record<string, string>) => (name: string) => inputs[name] ?? ''
  it('defaults: no health check, verify-timeout 2m, wait-for-cdn 0', () => {
    expect(readVerifyConfig(get({}), registry.url)).toMatchObject({
      url: undefined,
      field: undefined,
      timeout: '2m',
      timeoutMs: 120_000,
      waitForCdn: '0',
      waitForCdnMs: 0,
    })
  })
  it('durations as Go writes them', () => {
    const read = (inputs: Record<string, string>) => readVerifyConfig(get(inputs), registry.url)
    expect(read({ 'verify-timeout': '1m30s' }).timeoutMs).toBe(90_000)
    expect(read({ 'verify-timeout': '1500ms' }).timeoutMs).toBe(1500)
    expect(read({ 'verify-timeout': '' }).timeoutMs).toBe(120_000)
    expect(read({ 'wait-for-cdn': '0s' }).waitForCdnMs).toBe(0)
    expect(read({ 'wait-for-cdn': '90s' })).toMatchObject({ waitForCdn: '90s', waitForCdnMs: 90_000 })
    expect(inputErrorOf(() => read({ 'verify-timeout': '0' })).input).toBe('verify-timeout')
    expect(inputErrorOf(() => read({ 'verify-timeout': '2 minutes' })).message).toMatch(/is not a duration/)
    expect(inputErrorOf(() => read({ 'wait-for-cdn': '7h' })).message).toMatch(/longer than a job may run/)
  })
  it('verify-url: https, or plain http on this machine only; no credentials', () => {
    expect(readVerifyConfig(get({ 'verify-url': 'https://acme.example/healthz?full=1' }), registry.url).url).toBe(
      'https://acme.example/healthz?full=1',
    )
    expect(readVerifyConfig(get({ 'verify-url': 'http://localhost:8080/healthz' }), registry.url).url).toBe(
      'http://localhost:8080/healthz',
    )
    expect(
      inputErrorOf(() => readVerifyConfig(get({ 'verify-url': 'http://acme.example/healthz' }), registry.url)).message,
    ).toMatch(/plain http/)
    expect(
      inputErrorOf(() => readVerifyConfig(get({ 'verify-url': 'https://u:p@acme.example/' }), registry.url)).message,
    ).toMatch(/credentials/)
    expect(inputErrorOf(() => readVerifyConfig(get({ 'verify-url': 'ftp://acme.example/' }), registry.url)).input).toBe(
      'verify-url',
    )
    expect(inputErrorOf(() => readVerifyConfig(get({ 'verify-field': 'version' }), registry.url)).input).toBe(
      'verify-field',
    )
    expect(
      inputErrorOf(() =>
        readVerifyConfig(get({ 'verify-url': 'https://a.example/', 'verify-field': 'a..b' }), registry.url),
      ).input,
    ).toBe('verify-field')
  })
  it('the version as a word', () => {
    expect(holdsVersion('{"version":"1.2.2"}', '1.2.2')).toBe(true)
    expect(holdsVersion('running v1.2.2.', '1.2.2')).toBe(true)
    expect(holdsVersion('1.2.22 11.2.2 1.2.2-rc.1 1.2.2.4 a1.2.2', '1.2.2')).toBe(false)
  })
  it('max-age from cache-control (s-maxage first)', () => {
    expect(maxAgeOf('public, max-age=300')).toBe(300)
    expect(maxAgeOf('public, max-age=60, s-maxage=300')).toBe(300)
    expect(maxAgeOf('no-cache')).toBeUndefined()
    expect(maxAgeOf(null)).toBeUndefined()
  })
  it('the CLI names the flag of a bad verify input, before anything is written', async () => {
    const pkg = await fixture()
    const err: string[] = []
    const code = await main({
      argv: [
        '--package',
        pkg,
        '--rollback',
        '1.2.3',
        '--reason',
        'r',
        '--registry',
        registry.url,
        '--verify-url',
        'http://acme.example/',
        '-y',
      ],
      env: { NPM_TOKEN: registry.token },
      cwd: '/tmp',
      stdout: () => {},
      stderr: (s) => err.push(s),
      ask: async () => 'n',
      version: 'test',
    })
    expect(code).toBe(2)
    expect(err.join('')).toMatch(/^--verify-url: .*acme\.example is plain http/)
    const doc = (await (await fetch(`${registry.url}${escapeName(pkg)}`)).json()) as {
      'dist-tags': Record<string, string>
    }
    expect(doc['dist-tags'].latest).toBe('1.2.3')
  })
})
