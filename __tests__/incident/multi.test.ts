// Many packages, one incident, against a real Verdaccio (faults through the proxy).
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { InputError } from '../../src/core/errors.js'
import { runMultiRollback } from '../support/helpers.js'
import { mapLimit } from '../../src/core/util.js'
import { NpmTarget } from '../../src/targets/npm/target.js'
import { startFaultProxy } from '../support/fault-proxy.mjs'
import { publishPackage, snapshot } from '../support/fixtures.mjs'
import { quiet, rollbackInputs } from '../support/helpers.js'
import { npmView } from '../support/npm-cli.mjs'
import { startVerdaccio, type Registry } from '../support/verdaccio.mjs'

let registry: Registry
let proxy: Awaited<ReturnType<typeof startFaultProxy>>
let round = 0
beforeAll(async () => {
  registry = await startVerdaccio()
  proxy = await startFaultProxy(registry.url)
})
afterAll(async () => {
  await proxy?.stop()
  await registry?.stop()
})
afterEach(() => proxy.clear())

async function family(n: number, versions = ['1.2.2', '1.2.3']): Promise<string[]> {
  round++
  const names = Array.from({ length: n }, (_, i) => `@mono${round}/pkg-${i}`)
  for (const name of names) await publishPackage(registry, name, versions)
  return names
}

function run(names: string[], over: { partialOk?: boolean; dryRun?: boolean } = {}) {
  const inputs = {
    ...rollbackInputs({
      packageName: names[0],
      registry: proxy.url,
      npmToken: registry.token,
      restoreVersion: '1.2.2',
      dryRun: over.dryRun ?? false,
    }),
    packageNames: names,
    partialOk: over.partialOk ?? false,
  }
  const retry = { attempts: 1, baseDelayMs: 1, maxDelayMs: 1, deadlineMs: 1000 }
  return runMultiRollback(
    inputs,
    (name) => new NpmTarget({ packageName: name, registry: proxy.url, token: registry.token, log: quiet, retry }),
    quiet,
    3,
  )
}

const snapshots = (names: string[]) => Promise.all(names.map((n) => snapshot(registry, n)))

describe('many packages, one incident', () => {
  it('rolls back every package: tags first, then deprecations, one incident id', async () => {
    const names = await family(5)
    const result = await run(names)
    expect(result.status).toBe('completed')
    expect(result.incidentId).toMatch(/^rr-[0-9a-f]{16}$/)
    expect(result.packages.map((p) => [p.name, p.outcome, p.moved, p.deprecated])).toEqual(
      names.map((n) => [n, 'rolled-back', true, true]),
    )
    for (const name of names) expect(await npmView(registry.url, name, 'dist-tags.latest')).toBe('1.2.2')
    // restore before retire across the set: every tag PUT comes before the first deprecation PUT
    const puts = proxy.seen.filter((s) => s.method === 'PUT')
    const lastTag = Math.max(...puts.map((s, i) => (s.path.includes('/dist-tags/') ? i : -1)))
    const firstDoc = puts.findIndex((s) => !s.path.includes('/dist-tags/'))
    expect(lastTag).toBeLessThan(firstDoc)
    expect((await run(names)).status).toBe('already-done')
  })

  it('all-or-nothing preflight: one package without the bad version, nothing written, every problem listed', async () => {
    const names = await family(3)
    round++
    const odd = `@mono${round}/odd`
    await publishPackage(registry, odd, ['1.0.0'])
    const before = await snapshots([...names, odd])
    const e = await run([...names, odd, `@mono${round}/missing`]).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(InputError)
    expect((e as Error).message).toMatch(/problems in 2 of 5 packages, so nothing was written/)
    expect((e as Error).message).toContain(`- ${odd}: Input 'rollback-version': ${odd}@1.2.3 does not exist`)
    expect((e as Error).message).toContain(`- @mono${round}/missing: Input 'package'`)
    expect(proxy.seen.filter((s) => s.method === 'PUT')).toHaveLength(0)
    expect(await snapshots([...names, odd])).toEqual(before)
  })

  it('a package failing mid-way puts back the tags already moved, and deprecates nothing', async () => {
    const names = await family(4)
    proxy.inject({
      method: 'PUT',
      path: new RegExp(`${names[2].replace('/', '%2f')}/dist-tags/`),
      action: 'respond',
      status: 403,
    })
    const result = await run(names)
    expect(result.status).toBe('failed')
    expect(result.error?.message).toMatch(
      /Rolled back nothing: .*pkg-2 failed .*The tags this run had moved were put back/,
    )
    for (const name of names) expect(await npmView(registry.url, name, 'dist-tags.latest')).toBe('1.2.3')
    expect(proxy.seen.filter((s) => s.method === 'PUT' && !s.path.includes('/dist-tags/'))).toHaveLength(0)
    expect(result.packages.filter((p) => p.outcome === 'put-back')).toHaveLength(3)
  })

  it('partial-ok keeps the packages that succeeded and reports each outcome', async () => {
    const names = await family(3)
    proxy.inject({
      method: 'PUT',
      path: new RegExp(`${names[1].replace('/', '%2f')}/dist-tags/`),
      action: 'respond',
      status: 403,
    })
    const result = await run(names, { partialOk: true })
    expect(result.status).toBe('partial')
    expect(result.packages.map((p) => p.outcome)).toEqual(['rolled-back', 'failed', 'rolled-back'])
    expect(await npmView(registry.url, names[0], 'dist-tags.latest')).toBe('1.2.2')
    expect(await npmView(registry.url, names[1], 'dist-tags.latest')).toBe('1.2.3')
    // a re-run without the fault completes the one that failed
    proxy.clear()
    const again = await run(names, { partialOk: true })
    expect(again.packages.map((p) => p.outcome)).toEqual(['already', 'rolled-back', 'already'])
  })

  it('mapLimit keeps order and never runs more than the limit at once', async () => {
    let running = 0
    let peak = 0
    const out = await mapLimit([5, 1, 4, 2, 3, 0], 2, async (ms) => {
      peak = Math.max(peak, ++running)
      await new Promise((r) => setTimeout(r, ms * 5))
      running--
      return ms * 10
    })
    expect(out).toEqual([50, 10, 40, 20, 30, 0])
    expect(peak).toBe(2)
  })
})
