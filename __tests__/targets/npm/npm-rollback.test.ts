// The rollback against a real Verdaccio registry, read back with the real npm CLI.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { InputError } from '../../../src/core/errors.js'
import type { RollbackInputs } from '../../../src/config/inputs.js'
import { rolledBack, runRollback } from '../../support/helpers.js'
import { NpmTarget } from '../../../src/targets/npm/target.js'
import { deprecate, publishPackage, snapshot } from '../../support/fixtures.mjs'
import { npmView } from '../../support/npm-cli.mjs'
import { startVerdaccio, type Registry } from '../../support/verdaccio.mjs'
import { rollbackInputs } from '../../support/helpers.js'

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
  return {
    lines,
    info: (m: string) => lines.push(`info: ${m}`),
    warning: (m: string) => lines.push(`warning: ${m}`),
    debug: () => {},
  }
}

function inputs(packageName: string, over: Partial<RollbackInputs> = {}): RollbackInputs {
  return rollbackInputs({ packageName, registry: registry.url, npmToken: registry.token, ...over })
}

async function rollback(i: RollbackInputs) {
  const log = logger()
  const target = new NpmTarget({
    packageName: i.packageName,
    registry: i.registry,
    token: i.npmToken,
    log,
    retry: fastRetry,
    timeoutMs: 10_000,
  })
  const result = rolledBack(await runRollback(i, target, log))
  return { result, log }
}

async function expectRejectedUnchanged(pkg: string, i: RollbackInputs, input: string | RegExp) {
  const before = await snapshot(registry, pkg)
  const error = await rollback(i).then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(Error)
  if (typeof input === 'string') {
    expect(error).toBeInstanceOf(InputError)
    expect((error as InputError).input).toBe(input)
  } else {
    expect((error as Error).message).toMatch(input)
  }
  expect((error as Error).message).toMatch(/Fix: /)
  expect(await snapshot(registry, pkg)).toBe(before)
  return error as Error
}

const message = '1.2.3 was rolled back: Memory persistence corrupts data on restart. Use 1.2.2 instead.'

describe('npm rollback against Verdaccio', () => {
  it('rolls back a scoped package: moves latest, deprecates, as the npm CLI sees it', async () => {
    const pkg = '@acme/widget'
    await publishPackage(registry, pkg, ['1.2.1', '1.2.2', '1.2.3'], { distTags: { latest: '1.2.3', next: '1.2.3' } })
    const { result, log } = await rollback(inputs(pkg))

    expect(result.status).toBe('completed')
    expect(result.moved).toBe(true)
    expect(result.deprecated).toBe(true)
    expect(result.plan.previousVersion).toBe('1.2.3')
    expect(result.plan.restoreVersion).toBe('1.2.2')
    expect(result.plan.restoreChosen).toBe(true)
    expect(await npmView(registry.url, pkg, 'dist-tags')).toEqual({ latest: '1.2.2', next: '1.2.3' })
    expect(await npmView(registry.url, `${pkg}@1.2.3`, 'deprecated')).toBe(message)
    expect(await npmView(registry.url, `${pkg}@1.2.2`, 'deprecated')).toBeUndefined()
    expect(log.lines).toContain(
      'warning: Other dist-tags still point at the bad version 1.2.3: next. Roll those back too (one run per channel).',
    )
  })

  it('is idempotent: a re-run writes nothing and says already-done', async () => {
    const pkg = 'rerun-widget'
    await publishPackage(registry, pkg, ['1.2.2', '1.2.3'])
    expect((await rollback(inputs(pkg, { restoreVersion: '1.2.2' }))).result.status).toBe('completed')
    const afterFirst = await snapshot(registry, pkg)
    const { result } = await rollback(inputs(pkg, { restoreVersion: '1.2.2' }))
    expect(result.status).toBe('already-done')
    expect([result.moved, result.deprecated]).toEqual([false, false])
    expect(result.plan.previousVersion).toBe('1.2.2')
    expect(await snapshot(registry, pkg)).toBe(afterFirst) // same _rev: not even a rewrite
  })

  it('finishes only the deprecation when the tag was already moved by hand', async () => {
    const pkg = 'half-done-widget'
    await publishPackage(registry, pkg, ['1.2.2', '1.2.3'], { distTags: { latest: '1.2.2' } })
    const { result } = await rollback(inputs(pkg))
    expect(result.status).toBe('completed')
    expect([result.moved, result.deprecated]).toEqual([false, true])
    expect(await npmView(registry.url, `${pkg}@1.2.3`, 'deprecated')).toBe(message)
  })

  it('dry-run plans and writes nothing, and needs no token', async () => {
    const pkg = 'dry-widget'
    await publishPackage(registry, pkg, ['1.2.2', '1.2.3'])
    const before = await snapshot(registry, pkg)
    const { result, log } = await rollback(inputs(pkg, { dryRun: true, npmToken: undefined }))
    expect(result.status).toBe('planned')
    expect(result.plan.tag).toEqual({ kind: 'move', from: '1.2.3', to: '1.2.2' })
    expect(log.lines).toContain('info: Dry run: nothing was written.')
    expect(await snapshot(registry, pkg)).toBe(before)
  })

  it('leaves a published fix on the channel and still deprecates the bad version', async () => {
    const pkg = 'fixed-widget'
    await publishPackage(registry, pkg, ['1.2.2', '1.2.3', '1.2.4'])
    const { result } = await rollback(inputs(pkg))
    expect(result.status).toBe('completed')
    expect([result.moved, result.deprecated]).toEqual([false, true])
    expect(await npmView(registry.url, pkg, 'dist-tags.latest')).toBe('1.2.4')
    expect(result.warnings.join()).toMatch(/newer than the bad 1\.2\.3/)
  })

  it('refuses when the channel holds another version, and force moves it', async () => {
    const pkg = 'moved-widget'
    await publishPackage(registry, pkg, ['1.2.1', '1.2.2', '1.2.3'], { distTags: { latest: '1.2.1' } })
    await expectRejectedUnchanged(pkg, inputs(pkg, { restoreVersion: '1.2.2' }), 'channel')
    const { result } = await rollback(inputs(pkg, { restoreVersion: '1.2.2', force: true }))
    expect(result.moved).toBe(true)
    expect(await npmView(registry.url, pkg, 'dist-tags.latest')).toBe('1.2.2')
  })

  it('rolls back a prerelease channel to the last good prerelease of the same line', async () => {
    const pkg = 'beta-widget'
    await publishPackage(registry, pkg, ['1.0.0', '2.0.0-beta.1', '2.0.0-beta.2', '2.0.0-beta.3', '2.0.0-rc.1'], {
      distTags: { latest: '1.0.0', beta: '2.0.0-beta.3', next: '2.0.0-rc.1' },
    })
    await deprecate(registry, pkg, { '2.0.0-beta.2': 'broken' })
    const { result } = await rollback(inputs(pkg, { rollbackVersion: '2.0.0-beta.3', channel: 'beta' }))
    expect(result.plan.restoreVersion).toBe('2.0.0-beta.1')
    expect(await npmView(registry.url, pkg, 'dist-tags')).toEqual({
      latest: '1.0.0',
      beta: '2.0.0-beta.1',
      next: '2.0.0-rc.1',
    })
  })

  it('does not rewrite a deprecation that already carries the message', async () => {
    const pkg = 'predeprecated-widget'
    await publishPackage(registry, pkg, ['1.2.2', '1.2.3'], { distTags: { latest: '1.2.3' } })
    await deprecate(registry, pkg, { '1.2.3': message })
    const { result } = await rollback(inputs(pkg))
    expect([result.moved, result.deprecated]).toEqual([true, false])
    expect(result.steps.find((s) => s.step === 'deprecate')?.outcome).toBe('already')
  })

  it('the circuit breaker: current rolls back a release published after the failed run started, and nothing else', async () => {
    const pkg = 'automated-widget'
    await publishPackage(registry, pkg, ['1.2.2'])
    // the failed release run starts after 1.2.2 was published and before it published 1.2.3
    await new Promise((r) => setTimeout(r, 20))
    const runStarted = new Date().toISOString()
    await new Promise((r) => setTimeout(r, 20))
    await publishPackage(registry, pkg, ['1.2.3'], { distTags: { latest: '1.2.3' } })

    const first = await runRollback(
      inputs(pkg, { rollbackVersion: 'current', publishedAfter: runStarted }),
      new NpmTarget({ packageName: pkg, registry: registry.url, token: registry.token, log: logger() }),
      logger(),
    )
    expect(first.status).toBe('completed')
    expect(rolledBack(first).plan.rollbackVersion).toBe('1.2.3')
    expect(await npmView(registry.url, pkg, 'dist-tags.latest')).toBe('1.2.2')

    // the re-run finds 1.2.2 on latest, published before the run: it must not roll that back too
    const before = await snapshot(registry, pkg)
    const again = await runRollback(
      inputs(pkg, { rollbackVersion: 'current', publishedAfter: runStarted }),
      new NpmTarget({ packageName: pkg, registry: registry.url, token: registry.token, log: logger() }),
      logger(),
    )
    expect(again).toMatchObject({ status: 'skipped', holder: '1.2.2' })
    expect(again.status === 'skipped' && again.reason).toMatch(
      /'latest' holds 1\.2\.2, published .*, which is not after/,
    )
    expect(await snapshot(registry, pkg)).toBe(before)
  })

  it("strategy republish: 1.2.2's code as 1.2.4 on latest, 1.2.3 deprecated pointing at 1.2.4; re-runs (also with current) publish nothing", async () => {
    const pkg = 'republish-widget'
    await publishPackage(registry, pkg, ['1.2.1', '1.2.2'])
    // the release run that published 1.2.3 (alone in its window: several would be ambiguous, issue 24)
    await new Promise((r) => setTimeout(r, 20))
    const runStarted = new Date().toISOString()
    await new Promise((r) => setTimeout(r, 20))
    await publishPackage(registry, pkg, ['1.2.3'])
    const { result } = await rollback(inputs(pkg, { strategy: 'republish' }))
    expect(result.status).toBe('completed')
    expect(result.plan.republish).toEqual({ version: '1.2.4', from: '1.2.2' })
    expect([result.moved, result.republished, result.deprecated]).toEqual([true, true, true])
    expect(await npmView(registry.url, pkg, 'dist-tags.latest')).toBe('1.2.4')
    expect(await npmView(registry.url, `${pkg}@1.2.4`, 'releaseRollback')).toMatchObject({
      rollbackOf: '1.2.3',
      restoredFrom: '1.2.2',
    })
    expect(await npmView(registry.url, `${pkg}@1.2.3`, 'deprecated')).toBe(
      '1.2.3 was rolled back: Memory persistence corrupts data on restart. Use 1.2.4 instead.',
    )

    const before = await snapshot(registry, pkg)
    const again = await rollback(inputs(pkg, { strategy: 'republish' }))
    expect(again.result.status).toBe('already-done')
    // current + published-after: 1.2.4 (published after the run started) stands for 1.2.3, never rolled back in turn
    const automated = await rollback(
      inputs(pkg, { strategy: 'republish', rollbackVersion: 'current', publishedAfter: runStarted }),
    )
    expect(automated.result.status).toBe('already-done')
    expect(automated.result.plan.rollbackVersion).toBe('1.2.3')
    expect(await snapshot(registry, pkg)).toBe(before)
    expect(Object.keys((await npmView(registry.url, pkg, 'versions')) as string[])).toHaveLength(4)
  })

  describe('bad input that only the registry can reveal: a clear error, nothing changed', () => {
    const pkg = 'guarded-widget'
    beforeAll(async () => {
      await publishPackage(registry, pkg, ['1.2.0', '1.2.2', '1.2.3'], { distTags: { latest: '1.2.3' } })
      await deprecate(registry, pkg, { '1.2.0': 'old and broken' })
    })

    it('an unknown bad version', async () => {
      await expectRejectedUnchanged(pkg, inputs(pkg, { rollbackVersion: '1.2.9' }), 'rollback-version')
    })
    it('an unknown restore version', async () => {
      await expectRejectedUnchanged(pkg, inputs(pkg, { restoreVersion: '1.1.0' }), 'restore-version')
    })
    it('a deprecated restore version', async () => {
      await expectRejectedUnchanged(pkg, inputs(pkg, { restoreVersion: '1.2.0' }), 'restore-version')
    })
    it('a channel that does not exist', async () => {
      await expectRejectedUnchanged(pkg, inputs(pkg, { channel: 'canary' }), 'channel')
    })
    it('a token the registry does not recognise', async () => {
      const e = await expectRejectedUnchanged(pkg, inputs(pkg, { npmToken: 'npm_not-a-real-token' }), 'npm-token')
      expect(e.message).not.toContain('npm_not-a-real-token')
    })
    it('an unknown package', async () => {
      const e = await expectRejectedUnchanged(pkg, inputs('no-such-widget'), 'package')
      expect(e.message).toMatch(
        /no-such-widget was not found on .* \(404\)\. Fix: check the package and registry inputs/,
      )
    })
    it('a registry URL where no registry answers: bad input naming registry, not an outage to wait out', async () => {
      const e = await expectRejectedUnchanged(pkg, inputs(pkg, { registry: 'http://127.0.0.1:9/' }), 'registry')
      expect(e.message).toMatch(
        /http:\/\/127\.0\.0\.1:9\/ cannot be reached: the connection was refused.*\(ECONNREFUSED on GET \/guarded-widget\)/,
      )
      expect(e.message).not.toMatch(/re-run when it recovers/)
    })
  })
})
