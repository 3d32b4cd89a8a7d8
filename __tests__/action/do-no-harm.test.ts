// A rollback never makes the incident worse: the world changes at the exact moment
// between the plan read and the write (a proxy in front of a real Verdaccio publishes,
// moves a tag, refuses one package, answers 409), and every write is guarded by a read
// made right before it.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { buildRecord, changesOf } from '../../src/github/bookkeeping.js'
import { renderIssueBody, renderUndoComment } from '../../src/github/render-issue.js'
import { renderSummary } from '../../src/incident/summary.js'
import { ChannelMovedError, guardedWrite } from '../../src/core/guard.js'
import { runMultiRollback } from '../support/helpers.js'
import { rolledBack, runRollback } from '../support/helpers.js'
import { NpmTarget } from '../../src/targets/npm/target.js'
import { startFaultProxy } from '../support/fault-proxy.mjs'
import { deprecate, escapeName, publishPackage, setDistTag, snapshot } from '../support/fixtures.mjs'
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

const retry = { attempts: 3, baseDelayMs: 10, maxDelayMs: 50, deadlineMs: 5000 }
/** after the plan read has surely been answered: the world changes while the run still waits */
const later = async (change: () => Promise<unknown>) => {
  await new Promise((r) => setTimeout(r, 150))
  await change()
}

async function fresh(versions = ['1.2.1', '1.2.2', '1.2.3']): Promise<string> {
  round++
  const name = `harm-${round}`
  await publishPackage(registry, name, versions)
  return name
}

function target(name: string, log = quiet) {
  return new NpmTarget({ packageName: name, registry: proxy.url, token: registry.token, log, retry })
}

function recorder() {
  const warnings: string[] = []
  return { warnings, log: { info: () => {}, debug: () => {}, warning: (m: string) => warnings.push(m) } }
}

const whoami = /^\/-\/whoami/
const tagPut = (name: string) => new RegExp(`^/-/package/${escapeName(name)}/dist-tags/`)
const docPut = (name: string) => new RegExp(`^/${escapeName(name)}$`)

describe('the channel is re-read right before the write', () => {
  it('a fix published while the run waited (between the plan read and the tag move) is left on the channel', async () => {
    const name = await fresh()
    // the token check is slow; meanwhile the next release publishes 1.2.4 to latest
    proxy.inject({
      method: 'GET',
      path: whoami,
      action: 'before',
      then: () => later(() => publishPackage(registry, name, ['1.2.4'], { distTags: { latest: '1.2.4' } })),
    })
    const { warnings, log } = recorder()
    const result = rolledBack(
      await runRollback(
        rollbackInputs({ packageName: name, registry: proxy.url, npmToken: registry.token }),
        target(name, log),
        log,
      ),
    )
    expect(await npmView(registry.url, name, 'dist-tags.latest')).toBe('1.2.4')
    expect(result.moved).toBe(false)
    expect(result.plan.tag).toEqual({ kind: 'keep-newer', holder: '1.2.4' })
    expect(result.warnings).toContain("'latest' moved to 1.2.4 while the rollback ran; left there.")
    expect(warnings.join('\n')).toContain("'latest' moved to 1.2.4 while the rollback ran; left there.")
    // no tag write reached the registry; the bad version is still retired
    expect(proxy.seen.filter((s) => s.method === 'PUT' && tagPut(name).test(s.path))).toHaveLength(0)
    expect(await npmView(registry.url, `${name}@1.2.3`, 'deprecated')).toMatch(
      /^1\.2\.3 was rolled back: .* Use 1\.2\.2 instead\.$/,
    )
    expect(result.status).toBe('completed')
  })

  it('a channel moved to an older version meanwhile stops the run, names it, and writes nothing', async () => {
    const name = await fresh()
    proxy.inject({
      method: 'GET',
      path: whoami,
      action: 'before',
      then: () => later(() => setDistTag(registry, name, 'latest', '1.2.1')),
    })
    const before = await snapshot(registry, name).then((s) => JSON.parse(s))
    const e = await runRollback(
      rollbackInputs({ packageName: name, registry: proxy.url, npmToken: registry.token }),
      target(name),
      quiet,
    ).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(ChannelMovedError)
    expect((e as Error).message).toMatch(
      /^'latest' moved to 1\.2\.1 while the rollback ran \(the plan expected 1\.2\.3\); left there, nothing was written to it\./,
    )
    const after = JSON.parse(await snapshot(registry, name))
    expect(after.distTags.latest).toBe('1.2.1')
    expect(after.deprecated).toEqual(before.deprecated)
    expect(proxy.seen.filter((s) => s.method === 'PUT')).toHaveLength(0)
  })

  it('a retry is guarded too: a fix published after a failed attempt is not overwritten', async () => {
    const name = await fresh()
    // the first tag move fails with 503; before the answer, the fix lands
    proxy.inject({
      method: 'PUT',
      path: tagPut(name),
      action: 'respond',
      status: 503,
      before: () => publishPackage(registry, name, ['1.2.4'], { distTags: { latest: '1.2.4' } }),
    })
    const result = rolledBack(
      await runRollback(
        rollbackInputs({ packageName: name, registry: proxy.url, npmToken: registry.token }),
        target(name),
        quiet,
      ),
    )
    expect(await npmView(registry.url, name, 'dist-tags.latest')).toBe('1.2.4')
    expect(result.plan.tag).toEqual({ kind: 'keep-newer', holder: '1.2.4' })
    expect(proxy.seen.filter((s) => s.method === 'PUT' && tagPut(name).test(s.path))).toHaveLength(1)
  })

  it('guardedWrite never writes when the fresh read differs from the plan, and re-reads before every retry', async () => {
    const reads: string[] = []
    const writes: string[] = []
    let value = 'bad'
    const run = (initial?: string) =>
      guardedWrite<string>({
        what: 'moving x',
        channel: 'x',
        wanted: 'good',
        expected: 'bad',
        read: async () => {
          reads.push(value)
          return value
        },
        fresh: initial,
        holderOf: (s) => s,
        isDone: (s) => s === 'good',
        isExpected: (s) => s === 'bad',
        write: async () => {
          writes.push(value)
          // the registry fails, and meanwhile someone else writes
          value = 'newer'
          throw Object.assign(new Error('boom'), { statusCode: 503 })
        },
        policy: { attempts: 3, baseDelayMs: 1, maxDelayMs: 1, deadlineMs: 1000 },
        log: quiet,
        explain: (e) => e as Error,
      })
    const e = await run().catch((x: unknown) => x)
    expect(e).toBeInstanceOf(ChannelMovedError)
    expect((e as ChannelMovedError).holder).toBe('newer')
    expect(writes).toEqual(['bad'])
    // the read before the write, the read-back, and the read before the retry
    expect(reads).toEqual(['bad', 'newer', 'newer'])
  })
})

describe('the deprecation document PUT', () => {
  it('a write made between our read and our PUT that the registry lost is reported loudly (Verdaccio ignores _rev)', async () => {
    const name = await fresh()
    // right before our document PUT arrives, another publisher adds 1.2.5 under 'next'; our PUT
    // stays in flight a little after it (as a real one would), so the reads made meanwhile can see it
    // even when a loaded machine answers them late
    proxy.inject({
      method: 'PUT',
      path: docPut(name),
      action: 'before',
      then: async () => {
        await publishPackage(registry, name, ['1.2.5'], { distTags: { next: '1.2.5' } })
        await new Promise((r) => setTimeout(r, 300))
      },
    })
    const { warnings, log } = recorder()
    const result = rolledBack(
      await runRollback(
        rollbackInputs({ packageName: name, registry: proxy.url, npmToken: registry.token }),
        target(name, log),
        log,
      ),
    )
    // what was lost is not on the registry any more: the run cannot say it completed (issue 24)
    expect(result.status).toBe('partial')
    const note = result.warnings.find((w) => w.startsWith(`After deprecating ${name}@1.2.3, `))
    expect(note).toBeDefined()
    // Verdaccio took our stale document whole: the publish made meanwhile is gone, and the revisions show it
    expect(note).toMatch(/other write\(s\) landed between this run's read \(revision \d+-\w+\) and its read-back/)
    expect(await npmView(registry.url, name, 'dist-tags.next')).toBeUndefined()
    expect(warnings).toContain(note)
    expect(result.error?.message).toMatch(/lost/)
  })

  /** Holds our document PUT until the world changed and a read of the document made after that was answered. */
  const changeThenWitness = (name: string, change: () => Promise<unknown>) => async () => {
    await change()
    const done = Date.now()
    const get = new RegExp(`^/${escapeName(name)}\\?`)
    for (let i = 0; i < 500; i++) {
      if (proxy.seen.some((s) => s.method === 'GET' && get.test(s.path) && s.at >= done && s.end !== undefined)) return
      await new Promise((r) => setTimeout(r, 10))
    }
  }

  it('a version published and tags moved mid-write (Verdaccio ignores _rev): named as lost, the tag that can go back goes back, status partial (issue 24)', async () => {
    round++
    const name = `harm-${round}`
    await publishPackage(registry, name, ['1.2.1', '1.2.2', '1.2.3'], {
      distTags: { latest: '1.2.3', beta: '1.2.3', next: '1.2.1' },
    })
    // between our read and our deprecation PUT: 1.2.9 is published to beta, and next is moved to 1.2.2
    proxy.inject({
      method: 'PUT',
      path: docPut(name),
      action: 'before',
      then: changeThenWitness(name, async () => {
        await publishPackage(registry, name, ['1.2.9'], { distTags: { beta: '1.2.9' } })
        await setDistTag(registry, name, 'next', '1.2.2')
      }),
    })
    const { warnings, log } = recorder()
    const result = rolledBack(
      await runRollback(
        rollbackInputs({ packageName: name, registry: proxy.url, npmToken: registry.token }),
        target(name, log),
        log,
      ),
    )
    expect(result.status).toBe('partial')
    expect(await npmView(registry.url, name, 'dist-tags.latest')).toBe('1.2.2')
    expect(await npmView(registry.url, `${name}@1.2.3`, 'deprecated')).toMatch(/was rolled back/)
    // the registry lost 1.2.9 (re-publishing is impossible); beta went back to the bad 1.2.3 and cannot follow 1.2.9
    expect(await npmView(registry.url, name, 'versions')).not.toContain('1.2.9')
    expect(await npmView(registry.url, name, 'dist-tags.beta')).toBe('1.2.3')
    // next can go back where the other write put it, guarded by a fresh read
    expect(await npmView(registry.url, name, 'dist-tags.next')).toBe('1.2.2')
    const note = result.warnings.find((w) => w.startsWith(`After deprecating ${name}@1.2.3, `)) as string
    expect(note).toMatch(/version 1\.2\.9, published meanwhile, is gone from the registry/)
    expect(note).toMatch(
      /dist-tag 'beta' was moved to 1\.2\.9 meanwhile and is back on 1\.2\.3, the bad version this run deprecated: it cannot follow 1\.2\.9/,
    )
    expect(note).toMatch(
      /dist-tag 'next' was moved to 1\.2\.2 meanwhile and was back on 1\.2\.1: moved back to 1\.2\.2/,
    )
    expect(warnings).toContain(note)
    // the run's error names what is lost (the summary, the issue and the announcement show it)
    expect(result.error?.message).toMatch(/1\.2\.9/)
    expect(result.error?.message).toMatch(/'beta'/)
    expect(result.error?.message).not.toMatch(/'next'/)
    // the job summary and the issue body name it
    const summary = renderSummary(result)
    expect(summary).toContain('### What is missing')
    expect(summary).toMatch(/1\.2\.9 \(published while this run wrote; the registry lost it: publish it again\)/)
    const ctx = {
      repository: 'acme/widget',
      serverUrl: 'https://github.com',
      runId: '3',
      runAttempt: '1',
      actor: 'octocat',
      eventName: 'workflow_dispatch',
      workflow: 'Release rollback',
    }
    const record = buildRecord(result, { reason: 'x' }, { severity: 'critical' }, ctx, new Date().toISOString())
    const body = renderIssueBody(record, ctx, {})
    expect(body).toMatch(/### ⚠️ Warnings[\s\S]*version 1\.2\.9, published meanwhile, is gone from the registry/)
    expect(body).toContain('The rollback is partial')
  })

  it('undo: the same read-back after removing the deprecation, worded for the undo, status partial (issue 24)', async () => {
    const name = await fresh()
    const inputs = rollbackInputs({ packageName: name, registry: proxy.url, npmToken: registry.token })
    rolledBack(await runRollback(inputs, target(name), quiet))
    proxy.clear()
    proxy.inject({
      method: 'PUT',
      path: docPut(name),
      action: 'before',
      then: changeThenWitness(name, () => publishPackage(registry, name, ['1.2.9'], { distTags: { beta: '1.2.9' } })),
    })
    const { log } = recorder()
    const result = await runRollback({ ...inputs, undo: true } as typeof inputs, target(name, log), log)
    expect(result.status).toBe('partial')
    expect(await npmView(registry.url, name, 'dist-tags.latest')).toBe('1.2.3')
    const note = result.warnings.find((w) => w.includes('1.2.9')) as string
    expect(note).toMatch(new RegExp(`^After removing the deprecation of ${name}@1\\.2\\.3, `))
    expect(note).not.toMatch(/After deprecating/)
    expect(note).toMatch(/version 1\.2\.9, published meanwhile, is gone from the registry/)
    expect(result.error?.message).toMatch(
      /^Undone, but the registry lost what another client wrote at the same time: .*1\.2\.9/,
    )
    // the issue's "Undone" comment carries it (the README promises the warning there)
    const ctx = {
      repository: 'acme/widget',
      serverUrl: 'https://github.com',
      runId: '2',
      runAttempt: '1',
      actor: 'octocat',
      eventName: 'workflow_dispatch',
      workflow: 'Release rollback',
    }
    const record = buildRecord(result, { reason: 'x' }, { severity: 'critical' }, ctx, new Date().toISOString())
    const comment = renderUndoComment(record, ctx, record.runs[0], changesOf(result))
    expect(comment).toMatch(
      /After removing the deprecation of .*1\.2\.9, published meanwhile, is gone from the registry/,
    )
    expect(comment).toContain('Partly undone')
  })

  it('a 409 on a stale _rev is re-read and retried; the deprecation names a version that exists', async () => {
    const name = await fresh()
    proxy.inject({
      method: 'PUT',
      path: docPut(name),
      action: 'respond',
      status: 409,
      body: JSON.stringify({ error: 'Document update conflict.' }),
    })
    const result = rolledBack(
      await runRollback(
        rollbackInputs({ packageName: name, registry: proxy.url, npmToken: registry.token }),
        target(name),
        quiet,
      ),
    )
    expect(result.deprecated).toBe(true)
    const docPuts = proxy.seen.filter((s) => s.method === 'PUT' && docPut(name).test(s.path))
    expect(docPuts).toHaveLength(2)
    // the retry was guarded by a read made after the 409
    const i = proxy.seen.indexOf(docPuts[0])
    expect(proxy.seen.slice(i + 1).findIndex((s) => s.method === 'GET')).toBeLessThan(
      proxy.seen.slice(i + 1).indexOf(docPuts[1]),
    )
  })

  it('refuses to write a deprecation that tells users to use a version deprecated meanwhile', async () => {
    const name = await fresh()
    // after the tag moved to 1.2.2, someone deprecates 1.2.2 before our deprecation
    proxy.inject({
      method: 'PUT',
      path: tagPut(name),
      action: 'before',
      then: async () => {
        const { deprecate } = await import('../support/fixtures.mjs')
        await deprecate(registry, name, { '1.2.2': 'also broken' })
      },
    })
    const result = rolledBack(
      await runRollback(
        rollbackInputs({ packageName: name, registry: proxy.url, npmToken: registry.token }),
        target(name),
        quiet,
      ),
    )
    expect(result.status).toBe('partial')
    expect(result.error?.message).toMatch(
      /would tell users to use 1\.2\.2, which is deprecated itself on the registry now: nothing was deprecated/,
    )
    expect(await npmView(registry.url, `${name}@1.2.3`, 'deprecated')).toBeUndefined()
  })
})

describe('the deprecation is written only over the message the plan read', () => {
  const rollback = (name: string, log = quiet) =>
    runRollback(
      rollbackInputs({ packageName: name, registry: proxy.url, npmToken: registry.token }),
      target(name, log),
      log,
    ).then(rolledBack)
  const deprecations = async (name: string) => JSON.parse(await snapshot(registry, name)).deprecated

  it('a deprecation a person sets between the plan read and the PUT is left as they set it; the channel move stays', async () => {
    const name = await fresh()
    // the plan read 1.2.3 without a deprecation; while the tag moves, a person deprecates it
    proxy.inject({
      method: 'PUT',
      path: tagPut(name),
      action: 'before',
      then: () => deprecate(registry, name, { '1.2.3': 'broken on Windows, see #12' }),
    })
    const { warnings, log } = recorder()
    const result = await rollback(name, log)
    expect(result.plan.deprecation).toMatchObject({ kind: 'deprecate', previous: undefined })
    expect(await npmView(registry.url, name, 'dist-tags.latest')).toBe('1.2.2')
    expect(result.moved).toBe(true)
    expect(result.deprecated).toBe(false)
    expect((await deprecations(name))['1.2.3']).toBe('broken on Windows, see #12')
    const said =
      '1.2.3\'s deprecation changed while the rollback ran (the plan read no deprecation, it is now "broken on Windows, see #12"): left as the person set it, NOT deprecated by this run.'
    expect(result.warnings).toContain(said)
    expect(warnings).toContain(said)
    expect(proxy.seen.filter((s) => s.method === 'PUT' && docPut(name).test(s.path))).toHaveLength(0)
  })

  it('between retries too: a message a person sets after a failed PUT is not overwritten by the retry', async () => {
    const name = await fresh()
    await deprecate(registry, name, { '1.2.3': 'known issue with IPv6, see #7' })
    // our PUT fails (the registry never sees it); meanwhile a person rewrites the message
    proxy.inject({
      method: 'PUT',
      path: docPut(name),
      action: 'respond',
      status: 503,
      before: () => deprecate(registry, name, { '1.2.3': 'do not use: data loss, see #9' }),
    })
    const result = await rollback(name)
    expect(result.plan.deprecation).toMatchObject({ kind: 'deprecate', previous: 'known issue with IPv6, see #7' })
    expect(await npmView(registry.url, name, 'dist-tags.latest')).toBe('1.2.2')
    expect(result.deprecated).toBe(false)
    expect((await deprecations(name))['1.2.3']).toBe('do not use: data loss, see #9')
    expect(result.warnings).toContain(
      '1.2.3\'s deprecation changed while the rollback ran (the plan read "known issue with IPv6, see #7", it is now "do not use: data loss, see #9"): left as the person set it, NOT deprecated by this run.',
    )
    // one PUT, refused; the retry was stopped by the read before it
    expect(proxy.seen.filter((s) => s.method === 'PUT' && docPut(name).test(s.path))).toHaveLength(1)
  })

  it('the message the plan read is the one replaced, and recorded as deprecationBefore for the undo', async () => {
    const name = await fresh()
    await deprecate(registry, name, { '1.2.3': 'known issue with IPv6, see #7' })
    // a failed PUT and a retry: the retry still finds the message the plan read, and replaces it
    proxy.inject({ method: 'PUT', path: docPut(name), action: 'respond', status: 503 })
    const result = await rollback(name)
    expect(result.deprecated).toBe(true)
    expect((await deprecations(name))['1.2.3']).toMatch(/^1\.2\.3 was rolled back: .* Use 1\.2\.2 instead\.$/)
    expect(proxy.seen.filter((s) => s.method === 'PUT' && docPut(name).test(s.path))).toHaveLength(2)
    const ctx = {
      repository: 'acme/widget',
      serverUrl: 'https://github.com',
      runId: '1',
      runAttempt: '1',
      actor: 'octocat',
      eventName: 'workflow_dispatch',
      workflow: 'Release rollback',
    }
    const record = buildRecord(result, { reason: 'x' }, { severity: 'critical' }, ctx, new Date().toISOString())
    expect(record.deprecationBefore).toBe('known issue with IPv6, see #7')
  })
})

describe('several packages keep what they protected', () => {
  async function family(n: number, versions = ['1.2.2', '1.2.3']): Promise<string[]> {
    round++
    const names = Array.from({ length: n }, (_, i) => `@harm${round}/pkg-${i}`)
    for (const name of names) await publishPackage(registry, name, versions)
    return names
  }
  const inputs = (names: string[], over: Record<string, unknown> = {}) => ({
    ...rollbackInputs({
      packageName: names[0],
      registry: proxy.url,
      npmToken: registry.token,
      restoreVersion: '1.2.2',
    }),
    packageNames: names,
    ...over,
  })

  it('one package refused (403): the others stay rolled back, status partial, the failure named', async () => {
    const names = await family(3)
    proxy.inject({ method: 'PUT', path: tagPut(names[1]), action: 'respond', status: 403 })
    const result = await runMultiRollback(inputs(names), (n) => target(n), quiet, 3)
    expect(result.status).toBe('partial')
    expect(result.packages.map((p) => p.outcome)).toEqual(['rolled-back', 'failed', 'rolled-back'])
    expect(result.error?.message).toMatch(new RegExp(`${names[1].replace('/', '\\/')}: .*403 Forbidden`))
    expect(result.error?.message).toContain(`Kept rolled back: ${names[0]}, ${names[2]}.`)
    expect(await npmView(registry.url, names[0], 'dist-tags.latest')).toBe('1.2.2')
    expect(await npmView(registry.url, names[1], 'dist-tags.latest')).toBe('1.2.3')
    expect(await npmView(registry.url, names[2], 'dist-tags.latest')).toBe('1.2.2')
    expect(await npmView(registry.url, `${names[0]}@1.2.3`, 'deprecated')).toMatch(/was rolled back/)
  })

  it('partial-ok: false puts back only a channel that still holds what this run wrote', async () => {
    const names = await family(2)
    // pkg-0 moves first; when pkg-1's move arrives (and is refused), pkg-0 already got a fix
    proxy.inject({
      method: 'PUT',
      path: tagPut(names[1]),
      action: 'respond',
      status: 403,
      before: () => publishPackage(registry, names[0], ['1.2.5'], { distTags: { latest: '1.2.5' } }),
    })
    const result = await runMultiRollback(inputs(names, { partialOk: false }), (n) => target(n), quiet, 1)
    expect(await npmView(registry.url, names[0], 'dist-tags.latest')).toBe('1.2.5')
    expect(result.status).toBe('partial')
    expect(result.error?.message).toMatch(
      /Could not put back: .*'latest' moved to 1\.2\.5 while the rollback ran \(the plan expected 1\.2\.2\); left there/,
    )
  })

  it('the token is checked against every package before any write', async () => {
    const names = await family(3)
    // the registry lists collaborators (as npmjs does): our user may not write pkg-2
    proxy.inject({
      method: 'GET',
      path: new RegExp(`^/-/package/${escapeName(names[2])}/collaborators`),
      action: 'respond',
      status: 200,
      body: JSON.stringify({ someone: 'read-write', [registry.user]: 'read-only' }),
    })
    proxy.inject({
      method: 'GET',
      path: new RegExp(`^/-/package/${escapeName(names[0])}/collaborators`),
      action: 'respond',
      status: 200,
      body: JSON.stringify({ [registry.user]: 'read-write' }),
    })
    const e = await runMultiRollback(inputs(names), (n) => target(n), quiet, 3).catch((x: unknown) => x)
    expect((e as Error).message).toMatch(/problems in 1 of 3 packages, so nothing was written/)
    expect((e as Error).message).toContain(
      `Input 'npm-token': the token's user ${registry.user} has only read-only access to ${names[2]}`,
    )
    expect(proxy.seen.filter((s) => s.method === 'PUT')).toHaveLength(0)
    // one whoami for the whole run is enough, but every package was asked about
    expect(proxy.seen.filter((s) => s.path.includes('/collaborators'))).toHaveLength(3)
  })

  it('several packages + republish run through the same code as one: every fix-forward version exists before a deprecation names it', async () => {
    const names = await family(2)
    const result = await runMultiRollback(inputs(names, { strategy: 'republish' }), (n) => target(n), quiet, 2)
    expect(result.status).toBe('completed')
    for (const name of names) {
      expect(await npmView(registry.url, name, 'dist-tags.latest')).toBe('1.2.4')
      expect(await npmView(registry.url, `${name}@1.2.4`, 'version')).toBe('1.2.4')
      expect(await npmView(registry.url, `${name}@1.2.3`, 'deprecated')).toMatch(/Use 1\.2\.4 instead\.$/)
    }
  })
})

describe('automation rolls back only the release that failed', () => {
  const sha = (c: string) => c.repeat(40)

  it('the next, good release published before the rollback job reads the registry is left alone (time window)', async () => {
    round++
    const name = `auto-${round}`
    await publishPackage(registry, name, ['1.2.2'])
    const started = new Date().toISOString()
    await publishPackage(registry, name, ['1.2.3'], { gitHead: { '1.2.3': sha('a') } })
    const ended = new Date().toISOString()
    // the next release run publishes the fix before the rollback job starts
    await new Promise((r) => setTimeout(r, 20))
    await publishPackage(registry, name, ['1.2.4'], { distTags: { latest: '1.2.4' }, gitHead: { '1.2.4': sha('b') } })
    const before = await snapshot(registry, name)
    const result = await runRollback(
      rollbackInputs({
        packageName: name,
        registry: proxy.url,
        npmToken: registry.token,
        rollbackVersion: 'current',
        publishedAfter: started,
        publishedBefore: ended,
        releaseCommit: sha('a'),
      }),
      target(name),
      quiet,
    )
    expect(result.status).toBe('skipped')
    expect(result.status === 'skipped' && result.reason).toMatch(/1\.2\.4/)
    expect(await snapshot(registry, name)).toBe(before)
    expect(proxy.seen.filter((s) => s.method === 'PUT')).toHaveLength(0)
  })

  it('a version from another commit inside the window is left alone; the failed release itself is rolled back', async () => {
    round++
    const name = `auto-${round}`
    await publishPackage(registry, name, ['1.2.2'])
    const started = new Date().toISOString()
    await publishPackage(registry, name, ['1.2.3'], { gitHead: { '1.2.3': sha('c') } })
    const ended = new Date(Date.now() + 60_000).toISOString()
    const req = (commit: string) =>
      rollbackInputs({
        packageName: name,
        registry: proxy.url,
        npmToken: registry.token,
        rollbackVersion: 'current',
        publishedAfter: started,
        publishedBefore: ended,
        releaseCommit: commit,
      })
    const other = await runRollback(req(sha('d')), target(name), quiet)
    expect(other.status).toBe('skipped')
    expect(await npmView(registry.url, name, 'dist-tags.latest')).toBe('1.2.3')
    const ours = rolledBack(await runRollback(req(sha('c')), target(name), quiet))
    expect(ours.status).toBe('completed')
    expect(await npmView(registry.url, name, 'dist-tags.latest')).toBe('1.2.2')
    // and a re-run after it (the channel now holds the older 1.2.2) does nothing
    expect((await runRollback(req(sha('c')), target(name), quiet)).status).toBe('skipped')
  })

  it('two release runs overlap and the fix records no gitHead (issue 24): the fix is never deprecated, the failed commit never restored', async () => {
    round++
    const name = `auto-${round}`
    await publishPackage(registry, name, ['1.2.2'], { gitHead: { '1.2.2': sha('e') } })
    // the failed run (commit a) starts, and publishes 1.2.3 to latest
    const started = new Date().toISOString()
    await publishPackage(registry, name, ['1.2.3'], { gitHead: { '1.2.3': sha('a') } })
    // an overlapping run publishes the fix 1.2.4 with a tool that writes no gitHead, before the failed run ends
    await publishPackage(registry, name, ['1.2.4'], { distTags: { latest: '1.2.4' } })
    const ended = new Date(Date.now() + 1000).toISOString()
    const before = await snapshot(registry, name)
    const result = await runRollback(
      rollbackInputs({
        packageName: name,
        registry: proxy.url,
        npmToken: registry.token,
        rollbackVersion: 'current',
        publishedAfter: started,
        publishedBefore: ended,
        releaseCommit: sha('a'),
      }),
      target(name),
      quiet,
    )
    expect(result.status).toBe('skipped')
    expect(result.status === 'skipped' && result.reason).toMatch(
      /'latest' holds 1\.2\.4, which records no commit; .*@1\.2\.3, published in the same window, was built from the release's commit a{40}/,
    )
    expect(await snapshot(registry, name)).toBe(before)
    expect(await npmView(registry.url, name, 'dist-tags.latest')).toBe('1.2.4')
    expect(await npmView(registry.url, `${name}@1.2.4`, 'deprecated')).toBeUndefined()
    expect(proxy.seen.filter((s) => s.method === 'PUT')).toHaveLength(0)
  })

  it('a re-run of the failed commit: the version its first attempt published is never the restore version (issue 24)', async () => {
    round++
    const name = `auto-${round}`
    await publishPackage(registry, name, ['1.2.2'], { gitHead: { '1.2.2': sha('e') } })
    // the first attempt of the release run (commit a) published 1.2.3; the re-run publishes 1.2.4 from the same commit
    await publishPackage(registry, name, ['1.2.3'], { gitHead: { '1.2.3': sha('a') } })
    const started = new Date().toISOString()
    await publishPackage(registry, name, ['1.2.4'], { gitHead: { '1.2.4': sha('a') } })
    const ended = new Date(Date.now() + 1000).toISOString()
    const result = rolledBack(
      await runRollback(
        rollbackInputs({
          packageName: name,
          registry: proxy.url,
          npmToken: registry.token,
          rollbackVersion: 'current',
          publishedAfter: started,
          publishedBefore: ended,
          releaseCommit: sha('a'),
        }),
        target(name),
        quiet,
      ),
    )
    expect(result.status).toBe('completed')
    expect(result.plan.restoreVersion).toBe('1.2.2')
    expect(await npmView(registry.url, name, 'dist-tags.latest')).toBe('1.2.2')
    expect(await npmView(registry.url, `${name}@1.2.4`, 'deprecated')).toMatch(/Use 1\.2\.2 instead\.$/)
  })
})
