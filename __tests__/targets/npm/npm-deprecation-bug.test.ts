// npm/cli#9803 on the npmjs front (support/npmjs-front.mjs renders it by its mechanism: the
// write view `?write=true` has no `deprecated` at all, and a document PUT that carries no
// string for an already deprecated version is refused 400 "deprecations must be strings").
// A package that had a rollback before is exactly one with a deprecated version: its next
// rollback's deprecation must complete (the other versions' deprecations taken from the full
// document), or end partial naming the registry bug and the command, never a token problem.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { RollbackInputs } from '../../../src/config/inputs.js'
import { NpmTarget } from '../../../src/targets/npm/target.js'
import { startFaultProxy } from '../../support/fault-proxy.mjs'
import { escapeName, publishPackage } from '../../support/fixtures.mjs'
import { rollbackInputs, runRollback } from '../../support/helpers.js'
import { startNpmjsFront } from '../../support/npmjs-front.mjs'
import { startVerdaccio, type Registry } from '../../support/verdaccio.mjs'

let registry: Registry
let front: Awaited<ReturnType<typeof startNpmjsFront>>
let counter = 0
beforeAll(async () => {
  registry = await startVerdaccio()
  front = await startNpmjsFront({ upstream: registry.url, upstreamToken: registry.token })
})
afterAll(async () => {
  await front?.close()
  await registry?.stop()
})

const fastRetry = { attempts: 2, baseDelayMs: 10, maxDelayMs: 100, deadlineMs: 2000 }

function logger() {
  const lines: string[] = []
  return {
    lines,
    info: (m: string) => lines.push(`info: ${m}`),
    warning: (m: string) => lines.push(`warning: ${m}`),
    debug: () => {},
  }
}

/** A package whose 1.2.0 an earlier rollback deprecated; 1.2.3 is the bad release on latest. */
async function rolledBackBefore(): Promise<string> {
  const name = `@acme/twice-${++counter}`
  await publishPackage(registry, name, ['1.2.0', '1.2.1', '1.2.2', '1.2.3'], {
    deprecated: { '1.2.0': '1.2.0 was rolled back: it leaked memory. Use 1.2.1 instead.' },
  })
  return name
}

/** What Verdaccio holds (past the front). */
async function upstream(name: string) {
  const res = await fetch(new URL(escapeName(name), registry.url))
  return (await res.json()) as {
    'dist-tags': Record<string, string>
    versions: Record<string, { deprecated?: string }>
  }
}

async function rollback(url: string, over: Partial<RollbackInputs> & { packageName: string }) {
  const log = logger()
  const token = front.token('granular-bypass')
  const i = rollbackInputs({ registry: url, npmToken: token, ...over })
  const target = new NpmTarget({
    packageName: i.packageName,
    registry: url,
    token,
    log,
    retry: fastRetry,
    timeoutMs: 10_000,
  })
  return { result: await runRollback(i, target, log), log, token }
}

describe('npm/cli#9803 (400 deprecations must be strings) on the npmjs front', () => {
  it('the real bug is there: a deprecation PUT built from the write view alone is refused 400', async () => {
    const pkg = await rolledBackBefore()
    const token = front.token('granular-bypass')
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
    const doc = (await (await fetch(`${front.url}${escapeName(pkg)}?write=true`, { headers })).json()) as {
      versions: Record<string, { deprecated?: string }>
    }
    expect(doc.versions['1.2.0'].deprecated).toBeUndefined()
    doc.versions['1.2.3'].deprecated = 'bad'
    const res = await fetch(`${front.url}${escapeName(pkg)}`, { method: 'PUT', headers, body: JSON.stringify(doc) })
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({ error: 'deprecations must be strings' })
  })

  it('a second rollback of a package completes: the other versions keep their deprecations, the bad one is deprecated, no 400', async () => {
    const pkg = await rolledBackBefore()
    const seen = front.requests.length
    const { result, log } = await rollback(front.url, { packageName: pkg })
    expect(result.error?.message).toBeUndefined()
    expect(result.status).toBe('completed')
    expect(result.moved).toBe(true)
    expect(result.deprecated).toBe(true)
    const doc = await upstream(pkg)
    expect(doc['dist-tags'].latest).toBe('1.2.2')
    expect(doc.versions['1.2.3'].deprecated).toMatch(/^1\.2\.3 was rolled back: .*Use 1\.2\.2 instead\.$/)
    expect(doc.versions['1.2.0'].deprecated).toBe('1.2.0 was rolled back: it leaked memory. Use 1.2.1 instead.')
    expect(doc.versions['1.2.1'].deprecated).toBeUndefined()
    const mine = front.requests.slice(seen)
    expect(mine.filter((r) => r.method === 'PUT' && !r.path.includes('/dist-tags/')).map((r) => r.status)).toEqual([
      201,
    ])
    expect(mine.some((r) => r.status === 400)).toBe(false)
    // the read-back shows the deprecation: no "did not take effect" retry
    expect(log.lines.filter((l) => /did not take effect|reading back shows/.test(l))).toEqual([])
  })

  it('when the way around cannot hold (the full document shows no deprecations either): partial, naming npm/cli#9803 and the exact npm deprecate command, never the token', async () => {
    const pkg = await rolledBackBefore()
    const token = front.token('granular-bypass')
    // a full read that lost the deprecations as the write view does
    const stripped = await (
      await fetch(`${front.url}${escapeName(pkg)}?write=true`, { headers: { authorization: `Bearer ${token}` } })
    ).text()
    const proxy = await startFaultProxy(front.url)
    try {
      proxy.inject({
        method: 'GET',
        path: new RegExp(`^/${escapeName(pkg)}$`),
        action: 'respond',
        status: 200,
        body: stripped,
        times: 50,
      })
      const { result } = await rollback(proxy.url, { packageName: pkg })
      expect(result.status).toBe('partial')
      const message = String(result.error?.message)
      expect(message).toMatch(/npm\/cli#9803/)
      expect(message).toMatch(/deprecations must be strings/)
      expect(message).toContain(
        `npm deprecate ${pkg}@1.2.3 "1.2.3 was rolled back: Memory persistence corrupts data on restart. Use 1.2.2 instead."`,
      )
      expect(message).not.toMatch(/rejected the token|npm-token|granular|Bypass two-factor/i)
      const doc = await upstream(pkg)
      // the channel is what protects installs: moved; nothing else changed
      expect(doc['dist-tags'].latest).toBe('1.2.2')
      expect(doc.versions['1.2.3'].deprecated).toBeUndefined()
      expect(doc.versions['1.2.0'].deprecated).toBe('1.2.0 was rolled back: it leaked memory. Use 1.2.1 instead.')
      // refused once, not retried
      expect(proxy.seen.filter((s) => s.method === 'PUT' && !s.path.includes('/dist-tags/'))).toHaveLength(1)
    } finally {
      await proxy.stop()
    }
  })

  it('the plan sees the deprecations the write view hides: a deprecated version is not taken as the restore version', async () => {
    const pkg = `@acme/twice-${++counter}`
    await publishPackage(registry, pkg, ['1.2.0', '1.2.1', '1.2.2', '1.2.3'], {
      deprecated: { '1.2.2': '1.2.2 was rolled back: it leaked memory. Use 1.2.1 instead.' },
    })
    const { result } = await rollback(front.url, { packageName: pkg })
    expect(result.status).toBe('completed')
    expect(result.plan.restoreVersion).toBe('1.2.1')
    const doc = await upstream(pkg)
    expect(doc['dist-tags'].latest).toBe('1.2.1')
    expect(doc.versions['1.2.2'].deprecated).toBe('1.2.2 was rolled back: it leaked memory. Use 1.2.1 instead.')
    expect(doc.versions['1.2.3'].deprecated).toMatch(/Use 1\.2\.1 instead\.$/)
  })

  it('the undo of the second rollback clears only its own deprecation, the earlier one stays', async () => {
    const pkg = await rolledBackBefore()
    const first = await rollback(front.url, { packageName: pkg })
    expect(first.result.status).toBe('completed')
    const undo = await rollback(front.url, { packageName: pkg, undo: true })
    expect(undo.result.error?.message).toBeUndefined()
    const doc = await upstream(pkg)
    expect(doc['dist-tags'].latest).toBe('1.2.3')
    expect(doc.versions['1.2.3'].deprecated ?? '').toBe('')
    expect(doc.versions['1.2.0'].deprecated).toBe('1.2.0 was rolled back: it leaked memory. Use 1.2.1 instead.')
  })
})
