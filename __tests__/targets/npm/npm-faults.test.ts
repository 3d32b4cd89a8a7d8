// Registry answers Verdaccio cannot give by itself (one-time-password demands, rate
// limits, writes that applied but answered an error), injected by a proxy in front of it.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { InputError, PartialError, RegistryError } from '../../../src/core/errors.js'
import type { RollbackInputs } from '../../../src/config/inputs.js'
import { rolledBack, runRollback } from '../../support/helpers.js'
import { NpmTarget } from '../../../src/targets/npm/target.js'
import { startFaultProxy } from '../../support/fault-proxy.mjs'
import { publishPackage, snapshot } from '../../support/fixtures.mjs'
import { npmView } from '../../support/npm-cli.mjs'
import { startVerdaccio, type Registry } from '../../support/verdaccio.mjs'
import { quiet, rollbackInputs } from '../../support/helpers.js'

let registry: Registry
let proxy: Awaited<ReturnType<typeof startFaultProxy>>
let counter = 0
beforeAll(async () => {
  registry = await startVerdaccio()
  proxy = await startFaultProxy(registry.url)
})
afterAll(async () => {
  await proxy?.stop()
  await registry?.stop()
})
afterEach(() => proxy.clear())

async function freshPackage(): Promise<string> {
  const name = `fault-widget-${++counter}`
  await publishPackage(registry, name, ['1.2.2', '1.2.3'])
  return name
}

function run(pkg: string, over: Partial<RollbackInputs> = {}, log = quiet) {
  const i = rollbackInputs({
    restoreVersion: '1.2.2',
    reason: 'broken',
    packageName: pkg,
    registry: proxy.url,
    npmToken: registry.token,
    ...over,
  })
  const target = new NpmTarget({
    packageName: pkg,
    registry: proxy.url,
    token: registry.token,
    log,
    retry: { attempts: 3, baseDelayMs: 10, maxDelayMs: 5000, deadlineMs: 20_000 },
    timeoutMs: 2000,
  })
  return runRollback(i, target, log).then(rolledBack)
}

const puts = (path: RegExp) => proxy.seen.filter((s) => s.method === 'PUT' && path.test(s.path))
const TAG = /^\/-\/package\/[^/]+\/dist-tags\/latest$/
const DOC = /^\/fault-widget-\d+$/

describe('token failures explain tokens and change nothing', () => {
  it('a one-time-password demand on the tag move', async () => {
    const pkg = await freshPackage()
    const before = await snapshot(registry, pkg)
    proxy.inject({
      method: 'PUT',
      path: TAG,
      action: 'respond',
      status: 401,
      headers: { 'www-authenticate': 'OTP' },
      body: '{"error":"otp required"}',
    })
    const e = await run(pkg).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(RegistryError)
    expect((e as RegistryError).code).toBe('EOTP')
    expect((e as Error).message).toMatch(
      /asks for a second factor \(two-factor authentication\).*granular access token.*Bypass two-factor authentication.*"read and write \(stage only\)"/,
    )
    expect(puts(TAG)).toHaveLength(1) // never retried
    expect(await snapshot(registry, pkg)).toBe(before)
  })

  it('a 401 on the token check names npm-token before any write', async () => {
    const pkg = await freshPackage()
    proxy.inject({ method: 'GET', path: /^\/-\/whoami$/, action: 'respond', status: 401 })
    const e = await run(pkg).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(InputError)
    expect((e as InputError).input).toBe('npm-token')
    expect((e as Error).message).toMatch(
      /401 Unauthorized to whoami: the token is expired or revoked.*Fix: create a new granular access token/,
    )
    // no advice to retag with trusted publishing or an automation token (neither can, on npmjs); the one mention
    // of trusted publishing says that such a token is refused here too
    expect((e as Error).message).not.toMatch(/OIDC|automation|leave npm-token (unset|empty)/)
    expect((e as Error).message).toMatch(
      /A token from trusted publishing given as npm-token is refused here too: it may only publish/,
    )
    expect(proxy.seen.filter((s) => s.method === 'PUT')).toHaveLength(0)
  })

  it('a 403 on the tag move says the token needs write access to the package', async () => {
    const pkg = await freshPackage()
    proxy.inject({ method: 'PUT', path: TAG, action: 'respond', status: 403 })
    await expect(run(pkg)).rejects.toThrow(
      /refused to let this token change fault-widget-\d+ \(403 Forbidden\).*needs write access/,
    )
    expect(puts(TAG)).toHaveLength(1)
  })
})

describe('decide from state, not from the status code', () => {
  it('honours Retry-After on a 429 and then completes', async () => {
    const pkg = await freshPackage()
    proxy.inject({ method: 'PUT', path: TAG, action: 'respond', status: 429, headers: { 'retry-after': '1' } })
    const result = await run(pkg)
    expect(result.status).toBe('completed')
    const [first, second] = puts(TAG)
    expect(second.at - first.at).toBeGreaterThanOrEqual(950)
  })

  it('a deprecation answered 422 although it applied counts as done, written once', async () => {
    const pkg = await freshPackage()
    proxy.inject({ method: 'PUT', path: DOC, action: 'after', status: 422, body: '{"error":"E422"}' })
    const warnings: string[] = []
    const result = await run(pkg, {}, { ...quiet, warning: (m: string) => void warnings.push(m) })
    expect(result.status).toBe('completed')
    expect(result.deprecated).toBe(true)
    expect(puts(DOC)).toHaveLength(1)
    expect(warnings.join()).toMatch(/answered HTTP 422, but reading back shows the change took effect/)
    expect(await npmView(registry.url, `${pkg}@1.2.3`, 'deprecated')).toMatch(/^1\.2\.3 was rolled back: broken/)
  })

  it('a connection dropped after the registry applied the tag move counts as done', async () => {
    const pkg = await freshPackage()
    proxy.inject({ method: 'PUT', path: TAG, action: 'drop-after' })
    const result = await run(pkg)
    expect(result.status).toBe('completed')
    expect(result.moved).toBe(true)
    expect(puts(TAG)).toHaveLength(1)
  })

  it('a 409 on the deprecation (stale _rev) is re-read and retried', async () => {
    const pkg = await freshPackage()
    proxy.inject({ method: 'PUT', path: DOC, action: 'respond', status: 409, body: '{"error":"conflict"}' })
    const result = await run(pkg)
    expect(result.deprecated).toBe(true)
    expect(puts(DOC)).toHaveLength(2)
  })

  it('a deprecation that keeps failing leaves a partial rollback that a re-run completes', async () => {
    const pkg = await freshPackage()
    proxy.inject({ method: 'PUT', path: DOC, action: 'respond', status: 403, times: 5 })
    const first = await run(pkg)
    expect(first.status).toBe('partial')
    expect(first.moved).toBe(true)
    expect(first.error).toBeInstanceOf(PartialError)
    expect(first.error?.message).toMatch(
      /'latest' points at 1\.2\.2 \(the rollback is live\).*Still missing: deprecating 1\.2\.3.*Re-run/,
    )
    expect(await npmView(registry.url, pkg, 'dist-tags.latest')).toBe('1.2.2')

    proxy.clear()
    const second = await run(pkg)
    expect(second.status).toBe('completed')
    expect([second.moved, second.deprecated]).toEqual([false, true])
    expect(puts(TAG)).toHaveLength(0) // the tag move is not repeated
  })

  it('a hung response hits the request timeout and is retried', async () => {
    const pkg = await freshPackage()
    proxy.inject({ method: 'PUT', path: TAG, action: 'hang' })
    const result = await run(pkg)
    expect(result.moved).toBe(true)
    expect(puts(TAG)).toHaveLength(2)
  })
})
