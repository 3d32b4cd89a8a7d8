// Undo (issue 14): a rollback made by mistake is reversible in one step. Against a real
// Verdaccio (npm) and the real docker-registry (OCI): rollback, then undo, leaves the
// channels and deprecations exactly as they were; a second undo writes nothing; a channel
// moved to a newer fix and a deprecation a person changed are left alone.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { RollbackInputs } from '../src/inputs.js'
import { runIncident } from '../src/run.js'
import { NpmTarget } from '../src/targets/npm.js'
import { deprecate, publishPackage, registryRequest, escapeName, setDistTag, snapshot } from './support/fixtures.mjs'
import { rollbackInputs, rolledBack, runRollback } from './support/helpers.js'
import { startVerdaccio, type Registry } from './support/verdaccio.mjs'

let registry: Registry
beforeAll(async () => {
  registry = await startVerdaccio()
})
afterAll(async () => {
  await registry?.stop()
})

const fastRetry = { attempts: 2, baseDelayMs: 10, maxDelayMs: 100, deadlineMs: 2000 }

function logger() {
  const lines: string[] = []
  return { lines, info: (m: string) => lines.push(`info: ${m}`), warning: (m: string) => lines.push(`warning: ${m}`), debug: () => {} }
}

function inputs(packageName: string, over: Partial<RollbackInputs> = {}): RollbackInputs {
  return rollbackInputs({ packageName, registry: registry.url, npmToken: registry.token, ...over })
}

function target(i: RollbackInputs, log = logger()) {
  return new NpmTarget({ packageName: i.packageName, registry: i.registry, token: i.npmToken, log, retry: fastRetry, timeoutMs: 10_000 })
}

async function run(i: RollbackInputs) {
  const log = logger()
  const result = rolledBack(await runRollback(i, target(i, log), log))
  return { result, log }
}

/** The packument fields undo must put back: the dist-tags and each version's deprecation ("" is npm's "not deprecated"). */
async function fields(name: string) {
  const doc = (await (await registryRequest(registry, `${escapeName(name)}?write=true`)).json()) as { 'dist-tags': Record<string, string>; versions: Record<string, { deprecated?: string }> }
  return { distTags: doc['dist-tags'], deprecated: Object.fromEntries(Object.entries(doc.versions).map(([v, m]) => [v, m.deprecated || null])) }
}

const message = '1.2.3 was rolled back: Memory persistence corrupts data on restart. Use 1.2.2 instead.'

describe('undo on npm (Verdaccio)', () => {
  it('rollback then undo leaves the dist-tags and deprecations exactly as before; the incident id is the rollback\'s', async () => {
    const pkg = '@acme/undo-widget'
    await publishPackage(registry, pkg, ['1.2.1', '1.2.2', '1.2.3'], { distTags: { latest: '1.2.3', next: '1.2.3' }, deprecated: { '1.2.1': 'old' } })
    const before = await fields(pkg)
    const rollback = await run(inputs(pkg))
    expect(rollback.result.status).toBe('completed')
    expect((await fields(pkg)).deprecated['1.2.3']).toBe(message)

    const undo = await run(inputs(pkg, { undo: true }))
    expect(undo.result.status).toBe('completed')
    expect(undo.result.undo).toBe(true)
    expect(undo.result.incidentId).toBe(rollback.result.incidentId)
    expect(undo.result.moved).toBe(true)
    expect(undo.result.targets[0].undeprecated).toBe(true)
    expect(undo.result.plan.tag).toEqual({ kind: 'move', from: '1.2.2', to: '1.2.3' })
    expect(undo.log.lines).toContain("warning: ↩ 'latest' points at the bad 1.2.3 again, as undo asked (read back from the registry).")
    expect(await fields(pkg)).toEqual(before)
  })

  it('undo twice: the second finds everything back, writes nothing and says already-done', async () => {
    const pkg = 'undo-twice'
    await publishPackage(registry, pkg, ['1.2.2', '1.2.3'])
    await run(inputs(pkg))
    expect((await run(inputs(pkg, { undo: true }))).result.status).toBe('completed')
    const afterUndo = await snapshot(registry, pkg)
    const again = await run(inputs(pkg, { undo: true }))
    expect(again.result.status).toBe('already-done')
    expect(again.result.moved).toBe(false)
    expect(again.result.targets[0].undeprecated).toBeFalsy()
    expect(again.result.plan.tag).toEqual({ kind: 'already', to: '1.2.3' })
    expect(again.result.plan.deprecation.kind).toBe('already')
    expect(await snapshot(registry, pkg)).toBe(afterUndo)
  })

  it('a channel moved to a newer fix after the rollback is left alone and reported; the deprecation is still removed', async () => {
    const pkg = 'undo-newer'
    await publishPackage(registry, pkg, ['1.2.2', '1.2.3', '1.2.4'], { distTags: { latest: '1.2.3' } })
    await run(inputs(pkg, { restoreVersion: '1.2.2' }))
    await setDistTag(registry, pkg, 'latest', '1.2.4')
    const undo = await run(inputs(pkg, { restoreVersion: '1.2.2', undo: true }))
    expect(undo.result.moved).toBe(false)
    expect(undo.result.plan.tag).toEqual({ kind: 'keep-newer', holder: '1.2.4' })
    expect(undo.result.warnings.join('\n')).toMatch(/'latest' holds 1\.2\.4, not 1\.2\.2 \(what the rollback wrote\).*left alone/)
    expect(await fields(pkg)).toEqual({ distTags: { latest: '1.2.4' }, deprecated: { '1.2.2': null, '1.2.3': null, '1.2.4': null } })
  })

  it('a channel moved to a newer fix between the undo plan and its write: ChannelMovedError, left there, reported', async () => {
    const pkg = 'undo-race'
    await publishPackage(registry, pkg, ['1.2.2', '1.2.3', '1.2.4'], { distTags: { latest: '1.2.3' } })
    const i = inputs(pkg, { restoreVersion: '1.2.2' })
    await run(i)
    const log = logger()
    const result = await runIncident({ ...i, undo: true }, [{ kind: 'npm', name: pkg, channel: 'latest', target: target(i, log) }], log, {
      beforeWrite: async () => setDistTag(registry, pkg, 'latest', '1.2.4')
    })
    expect(result.status).toBe('completed')
    const t = result.targets[0]
    expect(t.moved).toBe(false)
    expect(t.steps.find((s) => s.step === 'move-tag')).toMatchObject({ outcome: 'skipped', detail: "'latest' moved to 1.2.4 after the rollback (a newer fix): left there, not undone." })
    expect(result.warnings).toContain("'latest' moved to 1.2.4 after the rollback (a newer fix): left there, not undone.")
    expect((await fields(pkg)).distTags).toEqual({ latest: '1.2.4' })
  })

  it('a deprecation message a person changed is kept (and reported); the channel still goes back', async () => {
    const pkg = 'undo-human'
    await publishPackage(registry, pkg, ['1.2.2', '1.2.3'])
    await run(inputs(pkg))
    await deprecate(registry, pkg, { '1.2.3': 'Do not use 1.2.3: see #42' })
    const undo = await run(inputs(pkg, { undo: true }))
    expect(undo.result.status).toBe('completed')
    expect(undo.result.plan.deprecation).toEqual({ kind: 'kept', message, current: 'Do not use 1.2.3: see #42' })
    expect(undo.result.warnings.join('\n')).toMatch(/another message .*"Do not use 1\.2\.3: see #42".*kept/)
    expect(await fields(pkg)).toEqual({ distTags: { latest: '1.2.3' }, deprecated: { '1.2.2': null, '1.2.3': 'Do not use 1.2.3: see #42' } })
  })

  it('a deprecation changed between the undo plan and its write is kept: the guarded PUT compares the message', async () => {
    const pkg = 'undo-human-race'
    await publishPackage(registry, pkg, ['1.2.2', '1.2.3'])
    const i = inputs(pkg)
    await run(i)
    const log = logger()
    const result = await runIncident({ ...i, undo: true }, [{ kind: 'npm', name: pkg, channel: 'latest', target: target(i, log) }], log, {
      beforeWrite: async () => deprecate(registry, pkg, { '1.2.3': 'edited by a person' })
    })
    expect(result.targets[0].undeprecated).toBeFalsy()
    expect(result.warnings.join('\n')).toMatch(/changed to "edited by a person" meanwhile: kept/)
    expect((await fields(pkg)).deprecated['1.2.3']).toBe('edited by a person')
    expect((await fields(pkg)).distTags.latest).toBe('1.2.3')
  })

  it('undo of a republish: the channel goes back to the bad version, the fix-forward version stays published', async () => {
    const pkg = 'undo-republish'
    await publishPackage(registry, pkg, ['1.2.2', '1.2.3'])
    const i = inputs(pkg, { strategy: 'republish' })
    const first = await run(i)
    expect(first.result.plan.republish?.version).toBe('1.2.4')
    const undo = await run({ ...i, undo: true })
    expect(undo.result.status).toBe('completed')
    expect(undo.result.incidentId).toBe(first.result.incidentId)
    expect(undo.result.warnings.join('\n')).toMatch(/1\.2\.4 \(the republished fix-forward version\) stays published/)
    const now = await fields(pkg)
    expect(now.distTags).toEqual({ latest: '1.2.3' })
    expect(Object.keys(now.deprecated)).toContain('1.2.4')
    expect(now.deprecated['1.2.3']).toBeNull()
  })

  it('a dry-run undo shows the plan and writes nothing', async () => {
    const pkg = 'undo-dry'
    await publishPackage(registry, pkg, ['1.2.2', '1.2.3'])
    await run(inputs(pkg))
    const before = await snapshot(registry, pkg)
    const dry = await run(inputs(pkg, { undo: true, dryRun: true }))
    expect(dry.result.status).toBe('planned')
    expect(dry.result.plan.deprecation.kind).toBe('undeprecate')
    expect(await snapshot(registry, pkg)).toBe(before)
  })
})
