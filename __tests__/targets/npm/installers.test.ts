// The installer table must be true: runs the real npm, pnpm, Yarn 1, Yarn 4 and bun
// against a local Verdaccio for every (client, strategy, scenario, release-age gate) and
// checks that each installed exactly what INSTALLER_MATRIX in src/targets/npm/protection.ts
// says, which is what the and the report's table are made from. The rollback the
// clients meet is the one the built action (dist/index.js) wrote, once per strategy, so a
// change in what the tool writes (the tag, the deprecation, the republished version) that
// changes what users install fails here. A client that cannot run fails the test, naming
// it: nothing is skipped.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  FRESH_BAD_RANGE,
  INSTALLER_CLIENT_ORDER,
  INSTALLER_CLIENTS,
  INSTALLER_MATRIX,
  installerProtection,
  outcome,
  type Got,
  type InstallerClient,
  type MatrixScenario,
  type MatrixStrategy,
} from '../../../src/targets/npm/protection.js'
import { staleness } from '../../../scripts/dist-hash.mjs'
import {
  clients,
  clientVersion,
  FIXTURE,
  packageName,
  runMatrix,
  type Observation,
  type Rollback,
} from '../../support/installers.mjs'
import { root } from '../../support/run-action.mjs'
import { startVerdaccio, type Registry } from '../../support/verdaccio.mjs'

let registry: Registry
let observations: Observation[] = []
let rollbacks: Rollback[] = []
let started = 0

/** the version a role stands for in the fixture */
function versionOf(got: Got, scenario: MatrixScenario | 'fresh-bad-range'): string {
  if (got === 'bad') return FIXTURE.bad
  if (got === 'republished') return FIXTURE.republished
  if (got === 'good') return FIXTURE.goodAboveRestore
  return scenario === 'range-above-restore' ? FIXTURE.restoredBelow : FIXTURE.restored
}

/** client -> gate -> version, as observed */
function observed(
  strategy: MatrixStrategy | 'before',
  scenario: Observation['scenario'],
): Record<string, Record<string, string | undefined>> {
  const out: Record<string, Record<string, string | undefined>> = {}
  for (const o of observations.filter((x) => x.strategy === strategy && x.scenario === scenario)) {
    out[o.client] = { ...out[o.client], [o.gate]: o.version }
  }
  return out
}

/** client -> gate -> version, as the matrix claims (gate 'off' only for clients that have a gate) */
function claimed(
  row: Record<InstallerClient, Parameters<typeof outcome>[0]>,
  scenario: MatrixScenario | 'fresh-bad-range',
): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {}
  for (const c of INSTALLER_CLIENT_ORDER) {
    out[c] = { on: versionOf(outcome(row[c], 'on'), scenario) }
    if (INSTALLER_CLIENTS[c].gate) out[c].off = versionOf(outcome(row[c], 'off'), scenario)
    else expect(outcome(row[c], 'on')).toBe(outcome(row[c], 'off')) // no gate: one outcome
  }
  return out
}

beforeAll(async () => {
  started = Date.now()
  // the rollbacks are the built action's: a dist/ built from other sources would test those
  const stale = staleness(root)
  if (stale) throw new Error(stale)
  registry = await startVerdaccio()
  ;({ observations, rollbacks } = await runMatrix(registry, INSTALLER_CLIENT_ORDER))
}, 600_000)

afterAll(async () => {
  await registry?.stop()
  // the observed matrix, for whoever updates INSTALLER_MATRIX
  const lines = observations
    .map((o) => `${o.client}\t${o.strategy}\t${o.scenario}\tgate ${o.gate}\t${o.version}\t${o.ms} ms`)
    .sort()
  for (const r of rollbacks) lines.push(`action\t${r.strategy}\t${r.name}\t${r.outputs.status}\t${r.ms} ms`)
  if (process.env.INSTALLER_MATRIX_LOG) process.stdout.write(`${lines.join('\n')}\ntotal ${Date.now() - started} ms\n`)
})

describe("the rollbacks the clients meet are the built action's", () => {
  it('each strategy ran to completed and wrote what the matrix assumes', () => {
    const got = rollbacks.map((r) => ({
      strategy: r.strategy,
      name: r.name,
      code: r.code,
      stderr: r.stderr,
      errors: r.stdout.split('\n').filter((l) => l.startsWith('::error::')),
      status: r.outputs.status,
      moved: r.outputs.moved,
      deprecated: r.outputs.deprecated,
      'previous-version': r.outputs['previous-version'],
      'restored-version': r.outputs['restored-version'],
      'republished-version': r.outputs['republished-version'],
    }))
    const ran = (strategy: Rollback['strategy'], below: boolean, restored: string, republished = '') => ({
      strategy,
      name: packageName(strategy, below),
      code: 0,
      stderr: '',
      errors: [],
      status: 'completed',
      moved: 'true',
      deprecated: strategy === 'retag-undeprecated' ? 'false' : 'true',
      'previous-version': FIXTURE.bad,
      'restored-version': restored,
      'republished-version': republished,
    })
    expect(got).toEqual([
      ran('retag', false, FIXTURE.restored),
      ran('retag', true, FIXTURE.restoredBelow),
      ran('retag-undeprecated', false, FIXTURE.restored),
      ran('retag-undeprecated', true, FIXTURE.restoredBelow),
      // republish: the channel's restore is the republished version (1.2.2's code as 1.2.4)
      ran('republish', false, FIXTURE.republished, FIXTURE.republished),
    ])
  })
})

describe('the installer matrix (real clients against a local registry)', () => {
  it('runs the client versions the table names', () => {
    const specs = clients()
    const versions = Object.fromEntries(INSTALLER_CLIENT_ORDER.map((c) => [c, clientVersion(specs[c])]))
    const checked = Object.fromEntries(INSTALLER_CLIENT_ORDER.map((c) => [c, INSTALLER_CLIENTS[c].checked]))
    // another version may behave differently: re-run with INSTALLER_MATRIX_LOG=1, update
    // INSTALLER_MATRIX and the versions in INSTALLER_CLIENTS together
    expect(versions).toEqual(checked)
  })

  it('before the rollback, every client installed the bad version for ^1.2.0 (the lockfiles of the lockfile and update scenarios)', () => {
    for (const strategy of ['retag', 'retag-undeprecated', 'republish'] as const) {
      const got = observed(strategy, 'pre-install')
      expect(got).toEqual(Object.fromEntries(INSTALLER_CLIENT_ORDER.map((c) => [c, { on: FIXTURE.bad }])))
    }
  })

  it('a bad version under a day old: the release-age gates kept it away', () => {
    expect(observed('before', 'fresh-bad-range')).toEqual(claimed(FRESH_BAD_RANGE, 'fresh-bad-range'))
  })

  const cases = (
    Object.entries(INSTALLER_MATRIX) as [MatrixStrategy, (typeof INSTALLER_MATRIX)[MatrixStrategy]][]
  ).flatMap(([strategy, row]) =>
    (Object.keys(row) as MatrixScenario[]).map((scenario) => [strategy, scenario] as const),
  )
  it('covers every strategy and scenario the runner runs', () => {
    const ran = [
      ...new Set(
        observations
          .filter((o) => o.strategy !== 'before' && o.scenario !== 'pre-install')
          .map((o) => `${o.strategy} ${o.scenario}`),
      ),
    ].sort()
    expect(ran).toEqual(cases.map(([s, c]) => `${s} ${c}`).sort())
  })

  it.each(cases)('%s, %s: each client installed what INSTALLER_MATRIX claims', (strategy, scenario) => {
    expect(observed(strategy, scenario)).toEqual(claimed(INSTALLER_MATRIX[strategy][scenario]!, scenario))
  })
})

describe('the table is made from the matrix', () => {
  const level = (strategy: 'retag' | 'republish', deprecated = true) =>
    Object.fromEntries(installerProtection(strategy, { deprecated }).map((p) => [p.installer, p.protected]))

  it('retag: Yarn Classic takes the deprecated version above the restored one; lockfiles keep it; update commands move back', () => {
    expect(level('retag')).toMatchObject({
      npm: 'yes',
      pnpm: 'yes',
      'Yarn Classic (1.x)': 'partly',
      'Yarn Berry (4.x)': 'yes',
      bun: 'yes',
      'Lockfiles (frozen installs)': 'no',
      'Update commands': 'yes',
    })
  })

  it('republish: the release-age gates of pnpm and Yarn Berry hold the new version back for a day', () => {
    expect(level('republish')).toMatchObject({
      npm: 'yes',
      pnpm: 'partly',
      'Yarn Classic (1.x)': 'yes',
      'Yarn Berry (4.x)': 'partly',
      bun: 'yes',
      'Update commands': 'partly',
    })
    const pnpm = installerProtection('republish', {
      rollbackVersion: '1.2.3',
      restoreVersion: '1.2.2',
      republished: '1.2.4',
    }).find((p) => p.installer === 'pnpm')
    expect(pnpm?.why).toMatch(
      /less than a day ago by default \(`minimumReleaseAge`\): for a day after `1\.2\.4` is published/,
    )
  })
})
