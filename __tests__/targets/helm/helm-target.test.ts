// The Helm target, driven through runRollback against a stand-in `helm` executable (no
// helm binary or cluster can run here), called through the real @actions/exec. The
// stand-in is first checked against samples of the real CLI's JSON (helm-fixtures/).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { InputError, RegistryError, RollbackError } from '../../../src/core/errors.js'
import { ChannelMovedError } from '../../../src/core/guard.js'
import type { RollbackInputs } from '../../../src/config/inputs.js'
import { rolledBack, runRollback } from '../../support/helpers.js'
import { runIncident } from '../../../src/incident/run.js'
import { renderSummary } from '../../../src/incident/summary.js'
import { createTarget } from '../../../src/targets/select.js'
import {
  HELM_CHANNEL,
  parseHelmMatch,
  parseHelmTimeout,
  parseHelmWait,
  parseNamespace,
  parseReleaseName,
} from '../../../src/targets/helm/config.js'
import { KubeconfigFile, execHelm, helmEnvironment } from '../../../src/targets/helm/runner.js'
import {
  HelmTarget,
  chartVersionOf,
  isRollback,
  mayDescribe,
  normaliseVersion,
  parseHelmVersion,
  waitFlags,
  type HelmTargetOptions,
} from '../../../src/targets/helm/target.js'
import { FLAVORS, createHelmStandin, goTime } from '../../support/helm-standin.mjs'
import { inputErrorOf, rollbackInputs } from '../../support/helpers.js'

type Standin = ReturnType<typeof createHelmStandin>
type Spec = Parameters<typeof createHelmStandin>[0]
type Rev = Spec['releases'][string]['revisions'][number]
type Flavor = keyof typeof FLAVORS
/** every helm the stand-in plays: released v3 (3.19), released v4 (4.2), and main */
const ALL_FLAVORS = Object.keys(FLAVORS) as Flavor[]
/** the flavour the stand-ins of the running describe.each block play (set by its beforeAll) */
let current: Flavor = 'main'
/** what `helm rollback` gets for helm-wait legacy (the default) on each flavour */
const LEGACY: Record<Flavor, string[]> = { '3.19': ['--wait'], '4.2': ['--wait=legacy'], main: ['--wait=legacy'] }

const fixture = (name: string) => readFileSync(new URL(`../../support/helm-fixtures/${name}`, import.meta.url), 'utf8')

function logger() {
  const lines: string[] = []
  return {
    lines,
    info: (m: string) => lines.push(`info: ${m}`),
    warning: (m: string) => lines.push(`warning: ${m}`),
    debug: () => {},
  }
}

const rev = (status: Rev['status'], appVersion: string, more: Partial<Rev> = {}): Rev => ({
  status,
  appVersion,
  ...more,
})

/** acme in prod: 1.2.1, 1.2.2, then the bad 1.2.3 deployed. */
const usual = (): Rev[] => [rev('superseded', '1.2.1'), rev('superseded', '1.2.2'), rev('deployed', '1.2.3')]

const made: Standin[] = []
afterAll(() => {
  for (const s of made) rmSync(s.dir, { recursive: true, force: true })
})

function standin(
  revisions: Rev[],
  more: Partial<Spec> & {
    chart?: string
    failRollback?: string
    failHook?: Spec['releases'][string]['failHook']
    controller?: Spec['releases'][string]['controller']
  } = {},
): Standin {
  const { chart, failRollback, failHook, controller, ...rest } = more
  const s = createHelmStandin({
    flavor: current,
    releases: { 'prod/acme': { chart: chart ?? 'acme-app', revisions, failRollback, failHook, controller } },
    ...rest,
  })
  made.push(s)
  return s
}

function inputs(over: Partial<RollbackInputs> = {}): RollbackInputs {
  return rollbackInputs({ packageName: 'prod/acme', registry: '', channel: HELM_CHANNEL, deprecate: false, ...over })
}

function target(s: Standin, i: RollbackInputs, log = logger(), over: Partial<HelmTargetOptions> = {}) {
  return new HelmTarget({
    release: 'acme',
    namespace: 'prod',
    match: 'app-version',
    timeout: '5m',
    helmPath: s.path,
    request: i,
    log,
    ...over,
  })
}

async function rollback(s: Standin, i: RollbackInputs, over: Partial<HelmTargetOptions> = {}) {
  const log = logger()
  const t = target(s, i, log, over)
  const result = rolledBack(await runRollback(i, t, log))
  return { result, log, target: t }
}

async function failure(s: Standin, i: RollbackInputs, over: Partial<HelmTargetOptions> = {}): Promise<Error> {
  const log = logger()
  const e = await runRollback(i, target(s, i, log, over), log).then(
    () => undefined,
    (err: unknown) => err,
  )
  expect(e).toBeInstanceOf(Error)
  expect((e as Error).message).toMatch(/ Fix: /)
  return e as Error
}

const rollbacks = (s: Standin) => s.calls().filter((c) => c[0] === 'rollback')
const latest = (s: Standin) => s.history('prod/acme').at(-1)

describe('the stand-in against the helm CLI contract (helm-fixtures/)', () => {
  // the release the fixtures describe: installed at 1.2.2, upgraded to 1.2.3, rolled back to 1
  const times = ['2026-11-20T10:01:00.482913772Z', '2026-11-20T11:01:00.482913773Z', '2026-11-20T12:01:00.482913774Z']
  const config = { replicaCount: 2, image: { pullPolicy: 'IfNotPresent' } }
  const sample = (flavor: Flavor) =>
    standin(
      [
        rev('superseded', '1.2.2', { updated: times[0], description: 'Install complete', config }),
        rev('superseded', '1.2.3', { updated: times[1], description: 'Upgrade complete', config }),
        rev('deployed', '1.2.2', { updated: times[2], description: 'Rollback to 1', rollbackRevision: 1, config }),
      ],
      { flavor },
    )

  for (const flavor of ALL_FLAVORS) {
    it(`${flavor}: history -o json and status -o json print exactly what helm prints`, async () => {
      const s = sample(flavor)
      const history = await execHelm(s.path, ['history', 'acme', '-n', 'prod', '-o', 'json'])
      const status = await execHelm(s.path, ['status', 'acme', '-n', 'prod', '-o', 'json'])
      expect(history).toEqual({ exitCode: 0, stdout: fixture(`history-${flavor}.json`), stderr: '' })
      expect(status).toEqual({ exitCode: 0, stdout: fixture(`status-${flavor}.json`), stderr: '' })
    })

    it(`${flavor}: every history row and status has helm's keys, in helm's order, with helm's types`, async () => {
      // a busier history than the sample: a failed rollback, a pending upgrade, and a rollback made here
      const s = standin(
        [
          ...usual(),
          rev('failed', '1.2.4', { description: 'Upgrade "acme" failed: timed out waiting for the condition' }),
        ],
        { flavor },
      )
      await execHelm(s.path, ['rollback', 'acme', '2', '-n', 'prod'])
      const rows = JSON.parse(
        (await execHelm(s.path, ['history', 'acme', '-n', 'prod', '-o', 'json'])).stdout,
      ) as Record<string, unknown>[]
      const status = JSON.parse(
        (await execHelm(s.path, ['status', 'acme', '-n', 'prod', '-o', 'json'])).stdout,
      ) as Record<string, unknown>
      const sampleRows = JSON.parse(fixture(`history-${flavor}.json`)) as Record<string, unknown>[]
      const sampleStatus = JSON.parse(fixture(`status-${flavor}.json`)) as Record<string, unknown>
      // helm's releaseInfo: every field is always there except the omitempty ones (v4: updated, rollback_revision)
      const rowKeys =
        flavor === 'main'
          ? ['revision', 'updated', 'status', 'chart', 'app_version', 'rollback_revision', 'description']
          : ['revision', 'updated', 'status', 'chart', 'app_version', 'description']
      expect(Object.keys(sampleRows[2])).toEqual(rowKeys)
      for (const row of rows) {
        expect(Object.keys(row)).toEqual(rowKeys.filter((k) => k in row))
        for (const k of [
          'revision',
          'status',
          'chart',
          'app_version',
          'description',
          ...(flavor === '3.19' ? ['updated'] : []),
        ])
          expect(row).toHaveProperty(k)
        for (const [k, v] of Object.entries(row)) expect(typeof v).toBe(typeof sampleRows[2][k])
      }
      expect(rows.map((r) => [r.revision, r.status])).toEqual([
        [1, 'superseded'],
        [2, 'superseded'],
        [3, 'superseded'],
        [4, 'failed'],
        [5, 'deployed'],
      ])
      // release.Release without its chart
      expect(Object.keys(status)).toEqual(Object.keys(sampleStatus).filter((k) => k !== 'config'))
      expect(status).not.toHaveProperty('chart')
      expect(Object.keys(status.info as object)).toEqual(Object.keys(sampleStatus.info as object))
      for (const [k, v] of Object.entries(status)) expect(typeof v).toBe(typeof sampleStatus[k])
      expect(status).toMatchObject({
        name: 'acme',
        namespace: 'prod',
        version: 5,
        info: { status: 'deployed', description: 'Rollback to 2' },
      })
    })

    it(`${flavor}: version --short, and the rollback flags and --wait forms of that helm (cobra's errors, nothing run)`, async () => {
      const s = standin(usual(), { flavor })
      expect(await execHelm(s.path, ['version', '--short'])).toEqual({
        exitCode: 0,
        stdout: `${FLAVORS[flavor].short}\n`,
        stderr: '',
      })
      const run = (...flags: string[]) => execHelm(s.path, ['rollback', 'acme', '2', '-n', 'prod', ...flags])
      const description = await run('--description', 'x')
      if (flavor === 'main') expect(description.exitCode).toBe(0)
      else expect(description).toEqual({ exitCode: 1, stdout: '', stderr: 'Error: unknown flag: --description\n' })
      const legacy = await run('--wait=legacy')
      if (flavor === '3.19') {
        expect(legacy).toEqual({
          exitCode: 1,
          stdout: '',
          stderr:
            'Error: invalid argument "legacy" for "--wait" flag: strconv.ParseBool: parsing "legacy": invalid syntax\n',
        })
      } else {
        expect(legacy.exitCode).toBe(0)
        expect(await run('--wait=soon')).toEqual({
          exitCode: 1,
          stdout: '',
          stderr:
            'Error: invalid argument "soon" for "--wait" flag: invalid wait input "soon". Valid inputs are watcher, hookOnly, and legacy\n',
        })
      }
      expect((await run('--wait')).exitCode).toBe(0)
      // each refused call wrote nothing; each accepted one wrote a revision
      expect(s.history('prod/acme')).toHaveLength(flavor === 'main' ? 6 : flavor === '4.2' ? 5 : 4)
    })
  }

  it('records failures as helm does: a failed wait is "Release ... failed", a failed hook leaves pending-rollback', async () => {
    for (const flavor of ALL_FLAVORS) {
      const wait = LEGACY[flavor]
      const slow = standin(usual(), { flavor, failRollback: 'context deadline exceeded' })
      expect(await execHelm(slow.path, ['rollback', 'acme', '2', '-n', 'prod', ...wait])).toEqual({
        exitCode: 1,
        stdout: '',
        stderr: 'Error: release acme failed: context deadline exceeded\n',
      })
      expect(
        slow
          .history('prod/acme')
          .slice(-2)
          .map((r) => [r.status, r.description]),
      ).toEqual([
        ['deployed', 'Upgrade complete'],
        ['failed', 'Release "acme" failed: context deadline exceeded'],
      ])
      for (const phase of ['pre-rollback', 'post-rollback'] as const) {
        const hooked = standin(usual(), { flavor, failHook: { phase, why: 'job failed: BackoffLimitExceeded' } })
        const r = await execHelm(hooked.path, ['rollback', 'acme', '2', '-n', 'prod', ...wait])
        expect(r).toEqual({
          exitCode: 1,
          stdout: '',
          stderr: `Error: warning: Hook ${phase} acme/templates/${phase}-job.yaml failed: job failed: BackoffLimitExceeded\n`,
        })
        expect(
          hooked
            .history('prod/acme')
            .slice(-2)
            .map((h) => [h.status, h.description]),
        ).toEqual([
          ['deployed', 'Upgrade complete'],
          ['pending-rollback', 'Rollback to 2'],
        ])
      }
    }
  })

  it('fails like helm: stderr "Error: ...", exit code 1', async () => {
    const s = standin(usual(), { flavor: '3.19' })
    expect(await execHelm(s.path, ['history', 'nope', '-n', 'prod', '-o', 'json'])).toEqual({
      exitCode: 1,
      stdout: '',
      stderr: 'Error: release: not found\n',
    })
    expect(await execHelm(s.path, ['status', 'acme', '-n', 'staging', '-o', 'json'])).toEqual({
      exitCode: 1,
      stdout: '',
      stderr: 'Error: release: not found\n',
    })
    expect(await execHelm(s.path, ['rollback', 'acme', '9', '-n', 'prod'])).toEqual({
      exitCode: 1,
      stdout: '',
      stderr: 'Error: release has no 9 version\n',
    })
    // helm v3 has no rollback --description: cobra refuses the flag before anything runs
    expect(await execHelm(s.path, ['rollback', 'acme', '2', '-n', 'prod', '--description', 'x'])).toEqual({
      exitCode: 1,
      stdout: '',
      stderr: 'Error: unknown flag: --description\n',
    })
    expect(s.history('prod/acme')).toHaveLength(3)
    const down = standin(usual(), { unreachable: true })
    expect((await execHelm(down.path, ['history', 'acme', '-n', 'prod', '-o', 'json'])).stderr).toMatch(
      /^Error: Kubernetes cluster unreachable: /,
    )
  })

  it('rolls back like helm: revision 0 is the one before the latest, whatever its status; old revisions are pruned to --history-max', async () => {
    const s = standin(
      [...usual(), rev('failed', '1.2.4'), rev('deployed', '1.2.3', { description: 'Rollback to 3' })],
      { flavor: 'main' },
    )
    expect((await execHelm(s.path, ['rollback', 'acme', '0', '-n', 'prod'])).stdout).toBe(
      'Rollback was a success! Happy Helming!\n',
    )
    // back onto the failed 1.2.4: why the target never asks for revision 0
    expect(latest(s)).toMatchObject({
      revision: 6,
      status: 'deployed',
      app_version: '1.2.4',
      description: 'Rollback to 4',
      rollback_revision: 4,
    })
    expect(s.history('prod/acme')[4].status).toBe('superseded')
    const many = standin(Array.from({ length: 12 }, (_, i) => rev(i === 11 ? 'deployed' : 'superseded', `1.0.${i}`)))
    await execHelm(many.path, ['rollback', 'acme', '11', '-n', 'prod'])
    expect(many.history('prod/acme').map((r) => r.revision)).toEqual([4, 5, 6, 7, 8, 9, 10, 11, 12, 13])
  })
})

describe.each(ALL_FLAVORS)('helm %s: rollback through runRollback and the stand-in', (flavor) => {
  beforeAll(() => {
    current = flavor
  })
  afterAll(() => {
    current = 'main'
  })
  /** what this helm records as the description of our rollback to `revision` */
  const describedAs = (id: string, revision: number, bad = '1.2.3', good = '1.2.2') =>
    flavor === 'main'
      ? `release-rollback ${id}: roll back ${bad} to ${good} (revision ${revision})`
      : `Rollback to ${revision}`

  it('rolls the bad release back to the revision of the restore version, with the legacy wait of this helm, --timeout, and the incident id only where --description exists', async () => {
    const s = standin(usual())
    const { result, target: t } = await rollback(s, inputs())

    expect(result.status).toBe('completed')
    expect(result.moved).toBe(true)
    expect(result.plan).toMatchObject({
      previousVersion: '1.2.3',
      restoreVersion: '1.2.2',
      restoreChosen: true,
      channel: 'deployed',
    })
    expect(result.after.distTags).toEqual({ deployed: '1.2.2' })
    expect(t.revisions).toEqual({ previous: 3, target: 2, created: 4 })
    const description = describedAs(result.plan.incidentId, 2)
    expect(s.history('prod/acme').map((r) => [r.revision, r.status, r.app_version])).toEqual([
      [1, 'superseded', '1.2.1'],
      [2, 'superseded', '1.2.2'],
      [3, 'superseded', '1.2.3'],
      [4, 'deployed', '1.2.2'],
    ])
    expect(latest(s)).toEqual(
      expect.objectContaining({ description, ...(flavor === 'main' ? { rollback_revision: 2 } : {}) }),
    )
    expect(t.writeNote()).toBe(
      `helm ${FLAVORS[flavor].short} waited with the legacy readiness checks (${LEGACY[flavor].join(' ')})`,
    )

    // reads: helm version --short once, helm get manifest once (the GitOps controller's marks), then
    // helm history as JSON (never helm status); one write, an argument vector with this helm's wait,
    // --timeout, and --description only where it exists
    const calls = s.calls()
    expect(calls.filter((c) => c[0] === 'version')).toEqual([['version', '--short']])
    expect(calls.filter((c) => c[0] === 'get')).toEqual([['get', 'manifest', 'acme', '-n', 'prod']])
    for (const c of calls.filter((c) => c[0] !== 'rollback' && c[0] !== 'version' && c[0] !== 'get')) {
      expect(c[0]).toBe('history')
      expect(c.slice(0, 4)).toEqual([c[0], 'acme', '-n', 'prod'])
      expect(c.join(' ')).toContain('-o json')
    }
    expect(rollbacks(s)).toEqual([
      [
        'rollback',
        'acme',
        '2',
        '-n',
        'prod',
        ...LEGACY[flavor],
        '--timeout',
        '5m',
        '--history-max',
        '0',
        ...(flavor === 'main' ? ['--description', description] : []),
      ],
    ])
  })

  it('helm-wait watcher and none: the form of this helm, and watcher on helm 3 is an input error naming helm-wait and the helm version, before anything is written', async () => {
    const none = standin(usual())
    const n = await rollback(none, inputs(), { wait: 'none' })
    expect(n.result.status).toBe('completed')
    expect(rollbacks(none)[0].filter((a) => a.startsWith('--wait'))).toEqual([])
    expect(n.target.writeNote()).toBe(
      `helm ${FLAVORS[flavor].short} waited with no readiness checks (${flavor === '3.19' ? 'no --wait' : 'no --wait: hooks only'})`,
    )

    const watched = standin(usual())
    if (flavor === '3.19') {
      const e = await failure(watched, inputs(), { wait: 'watcher' })
      expect(e).toBeInstanceOf(InputError)
      expect((e as InputError).input).toBe('helm-wait')
      expect(e.message).toBe(
        "Input 'helm-wait': is watcher, but the helm on this runner is v3.19.0+g3d8990f: helm 3 has only the legacy readiness checks (--wait), the watcher came with helm 4. Fix: set helm-wait: legacy (the default) or none, or install helm 4 on the runner.",
      )
      expect(rollbacks(watched)).toEqual([])
      // a dry run says so too
      expect(await failure(standin(usual()), inputs({ dryRun: true }), { wait: 'watcher' })).toBeInstanceOf(InputError)
    } else {
      const w = await rollback(watched, inputs(), { wait: 'watcher' })
      expect(w.result.status).toBe('completed')
      expect(rollbacks(watched)[0].filter((a) => a.startsWith('--wait'))).toEqual(['--wait=watcher'])
      expect(w.target.writeNote()).toMatch(/waited with the watcher readiness checks \(--wait=watcher\)$/)
    }
  })

  it('rolls back to the newest superseded revision of the restore version, never to a failed one', async () => {
    const s = standin([
      rev('superseded', '1.2.1'),
      rev('superseded', '1.2.2'),
      rev('superseded', '1.2.3'),
      rev('superseded', '1.2.2', { description: 'Rollback to 2' }),
      rev('failed', '1.2.2', { description: 'Upgrade "acme" failed: timed out waiting for the condition' }),
      rev('deployed', '1.2.3'),
    ])
    const { result, target: t } = await rollback(s, inputs({ restoreVersion: '1.2.2' }))
    expect(result.status).toBe('completed')
    expect(rollbacks(s)[0].slice(0, 3)).toEqual(['rollback', 'acme', '4'])
    expect(t.revisions).toEqual({ previous: 6, target: 4, created: 7 })
    expect(latest(s)).toMatchObject({ revision: 7, status: 'deployed', app_version: '1.2.2' })
  })

  it('never restores a version that only failed: auto-restore skips it, an explicit one is refused', async () => {
    const history = () => [
      rev('superseded', '1.2.1'),
      rev('failed', '1.2.2', { description: 'Upgrade "acme" failed: timed out waiting for the condition' }),
      rev('deployed', '1.2.3'),
    ]
    const t = target(standin(history()), inputs())
    const state = await t.inspect()
    expect(state.distTags).toEqual({ deployed: '1.2.3' })
    expect(state.versions['1.2.1'].revision).toBe(1)
    expect(state.versions['1.2.2']).toMatchObject({
      deprecated: expect.stringMatching(
        /^no deployed or superseded revision of 1\.2\.2 in the Helm history \(revisions: 2 failed\)/,
      ),
    })
    expect(state.versions['1.2.2'].revision).toBeUndefined()

    const s = standin(history())
    const { result } = await rollback(s, inputs())
    expect(result.plan.restoreVersion).toBe('1.2.1')
    expect(rollbacks(s)[0].slice(0, 3)).toEqual(['rollback', 'acme', '1'])

    const e = await failure(standin(history()), inputs({ restoreVersion: '1.2.2' }))
    expect(e.message).toMatch(
      /^Input 'restore-version': .* has no deployed or superseded revision with app version 1\.2\.2 \(only failed or unfinished ones, which are never rolled back to\): its history is revisions 1-3: /,
    )
  })

  it('refuses a release locked by a pending operation, naming it, and runs nothing', async () => {
    const s = standin([
      ...usual(),
      rev('pending-upgrade', '1.2.4', { updated: '2026-11-21T08:00:00.5Z', description: 'Preparing upgrade' }),
    ])
    const e = await failure(s, inputs())
    expect(e).toBeInstanceOf(RegistryError)
    expect((e as RegistryError).code).toBe('HELM_PENDING')
    expect(e.message).toMatch(
      /^Helm release acme in namespace prod is locked by a pending-upgrade \(revision 4, app version 1\.2\.4, started 2026-11-21T08:00:00\.5Z\): nothing was rolled back\./,
    )
    expect(e.message).toMatch(
      /free it by hand with `helm rollback acme 3 -n prod` \(revision 3 is the last deployed one\)/,
    )
    expect(rollbacks(s)).toEqual([])
    expect(s.history('prod/acme')).toHaveLength(4)

    // a run of ours that was cancelled mid-rollback says so
    const ours = standin([
      ...usual(),
      rev('pending-rollback', '1.2.2', {
        description: 'release-rollback rr-0123456789abcdef: roll back 1.2.3 to 1.2.2 (revision 2)',
      }),
    ])
    expect((await failure(ours, inputs())).message).toMatch(
      /locked by a pending-rollback \(revision 4, .*by an earlier release-rollback run for incident rr-0123456789abcdef\): nothing was rolled back\./,
    )
    expect(rollbacks(ours)).toEqual([])
  })

  it('a failed pre-rollback hook: says so by name with the command that clears the lock; the re-run is refused as locked, explained, until it is cleared', async () => {
    const s = standin(usual(), {
      failHook: { phase: 'pre-rollback', why: 'job db-check failed: BackoffLimitExceeded' },
    })
    const e = await failure(s, inputs())
    expect((e as RegistryError).code).toBe('HELM_HOOK_FAILED')
    expect(e.message).toBe(
      'helm rollback of acme to revision 2 (1.2.2) stopped: its pre-rollback hook acme/templates/pre-rollback-job.yaml failed (warning: Hook pre-rollback acme/templates/pre-rollback-job.yaml failed: job db-check failed: BackoffLimitExceeded), ' +
        'so helm left the new revision 4 pending-rollback and the release locked; the workloads were not changed. ' +
        'Fix: see why the hook failed (`kubectl get jobs,pods -n prod`, `helm get hooks acme -n prod`). helm still lists revision 3 (1.2.3) as deployed. ' +
        'Clear the lock with `helm rollback acme 3 -n prod` (add --no-hooks only if skipping the hook is safe), then re-run.',
    )
    expect(
      s
        .history('prod/acme')
        .slice(-2)
        .map((r) => [r.revision, r.status]),
    ).toEqual([
      [3, 'deployed'],
      [4, 'pending-rollback'],
    ])

    // the next run: refused as locked, naming the failed-hook case and the command
    const again = await failure(s, inputs())
    expect((again as RegistryError).code).toBe('HELM_PENDING')
    expect(again.message).toMatch(
      /^Helm release acme in namespace prod is locked by a pending-rollback \(revision 4, a rollback to revision 2, app version 1\.2\.2, started [^)]+\): nothing was rolled back\. A rollback whose pre-rollback or post-rollback hook failed leaves its revision pending-rollback/,
    )
    expect(again.message).toMatch(
      /clear the lock with `helm rollback acme 3 -n prod` \(revision 3 is the last deployed one; add --no-hooks only if skipping the failing hook is safe\), and re-run\.$/,
    )
    expect(rollbacks(s)).toHaveLength(1)

    // cleared as the message says (the hook still fails, so without it): the re-run completes
    expect((await execHelm(s.path, ['rollback', 'acme', '3', '-n', 'prod', '--no-hooks'])).exitCode).toBe(0)
    s.update((st) => {
      st.failHook = {}
    })
    const { result } = await rollback(s, inputs())
    expect(result.status).toBe('completed')
    expect(latest(s)).toMatchObject({ revision: 6, status: 'deployed', app_version: '1.2.2' })
  })

  it('a failed post-rollback hook: the workloads were updated, the revision is left pending-rollback', async () => {
    const s = standin(usual(), { failHook: { phase: 'post-rollback', why: 'job smoke failed' } })
    const e = await failure(s, inputs())
    expect((e as RegistryError).code).toBe('HELM_HOOK_FAILED')
    expect(e.message).toMatch(
      /its post-rollback hook acme\/templates\/post-rollback-job\.yaml failed .*; the workloads were already updated to 1\.2\.2\. Fix: /,
    )
    expect(latest(s)).toMatchObject({ revision: 4, status: 'pending-rollback' })
  })

  it('says the restore revision may have been pruned by --history-max, and lists what the history holds', async () => {
    // deployed with the default --history-max 10: revisions 12-21 are all that is left
    const revisions = Array.from({ length: 21 }, (_, i) =>
      rev(i === 20 ? 'deployed' : 'superseded', i < 11 ? '1.2.2' : i < 18 ? '1.2.4' : '1.2.5'),
    )
    const s = standin(revisions)
    s.update((st) => {
      st.releases['prod/acme'] = st.releases['prod/acme'].slice(11)
    })
    const e = await failure(s, inputs({ rollbackVersion: '1.2.5', restoreVersion: '1.2.2' }))
    expect(e).toBeInstanceOf(InputError)
    expect((e as InputError).input).toBe('restore-version')
    expect(e.message).toMatch(
      /has no deployed or superseded revision with app version 1\.2\.2: its history is revisions 12-21: 1\.2\.5 \(21 deployed, 20 superseded, 19 superseded\); 1\.2\.4 \(18 superseded/,
    )
    expect(e.message).toMatch(/--history-max revisions \(10 unless the deployments set another limit\)/)
    expect(e.message).toMatch(
      /Fix: give a restore-version the history can restore \(1\.2\.4 \(revision 18\), 1\.2\.5 \(revision 21\)\)/,
    )

    // nothing below the bad version is left to choose from
    const only = standin([rev('superseded', '1.2.3'), rev('deployed', '1.2.3')])
    const e2 = await failure(only, inputs())
    expect((e2 as InputError).input).toBe('restore-version')
    expect(e2.message).toMatch(
      /is empty and .* has no deployed or superseded revision below 1\.2\.3 to restore: .*--history-max/,
    )
    expect([...rollbacks(s), ...rollbacks(only)]).toEqual([])

    // and pointChannel itself, when the revision goes between planning and rolling back
    const t = target(standin(usual()), inputs())
    await t.inspect()
    await expect(t.pointChannel('deployed', '1.1.9', '1.2.3')).rejects.toThrow(
      /no deployed or superseded revision with app version 1\.1\.9 to roll back to: .*--history-max/,
    )
  })

  it('matches chart versions with helm-match: chart-version (chart names and versions with dashes)', async () => {
    const s = standin(
      [
        rev('superseded', '2.4.0', { chartVersion: '0.9.1' }),
        rev('superseded', '2.4.0', { chartVersion: '0.9.2' }),
        rev('deployed', '2.4.0', { chartVersion: '0.10.0-rc-1' }),
      ],
      { chart: 'my-acme-app-2' },
    )
    const { result } = await rollback(s, inputs({ rollbackVersion: '0.10.0-rc-1', restoreVersion: '0.9.2' }), {
      match: 'chart-version',
    })
    expect(result.status).toBe('completed')
    expect(result.plan.previousVersion).toBe('0.10.0-rc-1')
    expect(rollbacks(s)[0].slice(0, 3)).toEqual(['rollback', 'acme', '2'])
    expect(latest(s)).toMatchObject({ status: 'deployed', chart: 'my-acme-app-2-0.9.2' })

    // with app-version matching the same history has no 0.9.2
    const e = await failure(
      standin(usual(), { chart: 'my-acme-app-2' }),
      inputs({ rollbackVersion: '0.10.0-rc-1', restoreVersion: '0.9.2' }),
    )
    expect(e.message).toMatch(
      /Input 'rollback-version': .* has no revision with app version 0\.10\.0-rc-1: .*set helm-match: chart-version/,
    )
  })

  it('is idempotent: a re-run finds the release on the restore version and runs no second helm rollback', async () => {
    const s = standin(usual())
    const first = await rollback(s, inputs())
    expect(first.result.status).toBe('completed')
    const afterFirst = s.state()
    const again = await rollback(s, inputs())
    expect(again.result.status).toBe('already-done')
    expect([again.result.moved, again.result.plan.tag]).toEqual([false, { kind: 'already', to: '1.2.2' }])
    expect(again.result.plan.incidentId).toBe(first.result.plan.incidentId)
    // a later run knows the revision is ours only where helm kept the description (main)
    const said = `info: Helm release acme in namespace prod: revision 4 (deployed) was written by release-rollback for incident ${first.result.plan.incidentId}.`
    expect(again.log.lines.includes(said)).toBe(flavor === 'main')
    expect(rollbacks(s)).toHaveLength(1)
    expect(s.state()).toEqual(afterFirst)

    // pointChannel on its own also sees it is done
    const t = target(s, inputs())
    await t.inspect()
    expect(await t.pointChannel('deployed', '1.2.2', '1.2.3')).toBe('already')
    expect(rollbacks(s)).toHaveLength(1)
  })

  it("reports a failed rollback with helm's reason, and a re-run tries it again", async () => {
    const s = standin(usual(), { failRollback: 'timed out waiting for the condition' })
    const e = await failure(s, inputs())
    expect(rollbacks(s)).toHaveLength(1)
    expect(e).toBeInstanceOf(RegistryError)
    expect((e as RegistryError).code).toBe('HELM_ROLLBACK_FAILED')
    expect(e.message).toMatch(
      /^helm rollback of acme to revision 2 \(1\.2\.2\) did not succeed: the new revision 4 is failed \("Release \\"acme\\" failed: timed out waiting for the condition"\); helm said: release acme failed: timed out waiting for the condition\./,
    )
    expect(e.message).toMatch(
      /helm still lists revision 3 \(1\.2\.3\) as deployed\. Re-run to try the rollback again, with a longer helm-timeout \(now 5m\)/,
    )
    expect(
      s
        .history('prod/acme')
        .slice(-2)
        .map((r) => [r.revision, r.status]),
    ).toEqual([
      [3, 'deployed'],
      [4, 'failed'],
    ])
    // the failed rollback is no release of 1.2.2: its time is not 1.2.2's publish time
    const seen = await target(s, inputs()).inspect()
    expect(seen.versions['1.2.2'].publishedAt).toBe(
      new Date(Date.parse(s.history('prod/acme')[1].updated as string)).toISOString(),
    )

    // the failed revision holds 1.2.2, but that is not "already on 1.2.2": the re-run rolls back again
    s.update((st) => {
      st.failRollback = {}
    })
    const { result, log } = await rollback(s, inputs())
    expect(result.status).toBe('completed')
    expect(result.plan.previousVersion).toBe('1.2.3')
    expect(log.lines.join('\n')).toMatch(
      /the latest revision 4 \(1\.2\.2\) failed .* counts as holding the newer one, 1\.2\.3/,
    )
    expect(rollbacks(s).map((c) => c[2])).toEqual(['2', '2'])
    expect(latest(s)).toMatchObject({ revision: 5, status: 'deployed', app_version: '1.2.2' })
  })

  it('rolls back a failed upgrade to the bad version (helm still lists the old revision as deployed)', async () => {
    const s = standin([
      rev('superseded', '1.2.1'),
      rev('deployed', '1.2.2'),
      rev('failed', '1.2.3', { description: 'Upgrade "acme" failed: context deadline exceeded' }),
    ])
    const { result, target: t } = await rollback(s, inputs())
    expect(result.plan).toMatchObject({ previousVersion: '1.2.3', restoreVersion: '1.2.2' })
    expect(t.revisions).toEqual({ previous: 3, target: 2, created: 4 })
    expect(s.history('prod/acme').map((r) => r.status)).toEqual(['superseded', 'superseded', 'failed', 'deployed'])
  })

  it('finds its revision by the history before and after (the new one above the old top that rolls back to the planned revision), not by its description', async () => {
    const s = standin(usual())
    // someone re-deploys revision 3 between the guard's read and our helm rollback
    const exec: HelmTargetOptions['exec'] = async (command, args) => {
      if (args[0] === 'rollback' && args[2] === '2') await execHelm(command, ['rollback', 'acme', '3', '-n', 'prod'])
      return execHelm(command, args)
    }
    const { result, target: t, log } = await rollback(s, inputs(), { exec })
    expect(result.status).toBe('completed')
    expect(t.revisions).toEqual({ previous: 3, target: 2, created: 5 })
    expect(
      s
        .history('prod/acme')
        .slice(-2)
        .map((r) => [r.revision, r.app_version, r.description]),
    ).toEqual([
      [4, '1.2.3', 'Rollback to 3'],
      [5, '1.2.2', describedAs(result.plan.incidentId, 2)],
    ])
    expect(log.lines.join('\n')).toMatch(
      /besides revision 5 \(this rollback\), the history gained revision 4 \(superseded, "Rollback to 3"\) while helm rollback ran: another helm operation wrote to the release\./,
    )
    // only released helms never try --description (cobra would refuse it)
    expect(rollbacks(s).filter((c) => c.includes('--description'))).toHaveLength(flavor === 'main' ? 1 : 0)
  })

  it('a rollback whose wait failed is recognised: not a release of the restore version, so it does not feed the circuit breaker', async () => {
    const runStarted = '2026-11-21T10:00:00.000Z'
    const s = standin([
      rev('superseded', '1.2.2', { updated: '2026-11-20T09:00:00Z' }),
      rev('deployed', '1.2.3', { updated: '2026-11-21T10:04:00Z' }),
      rev('failed', '1.2.2', {
        updated: '2026-11-21T10:30:00Z',
        description: 'Release "acme" failed: context deadline exceeded',
      }),
    ])
    const state = await target(s, inputs()).inspect()
    expect(state.versions['1.2.2'].publishedAt).toBe('2026-11-20T09:00:00.000Z')
    expect(state.distTags).toEqual({ deployed: '1.2.3' })
    // current: 1.2.3 came after the run started and is rolled back again; 1.2.2 is not taken for a new release
    const i = inputs({ rollbackVersion: 'current', publishedAfter: runStarted })
    const { result } = await rollback(s, i)
    expect(result.plan).toMatchObject({ rollbackVersion: '1.2.3', restoreVersion: '1.2.2' })
    expect(latest(s)).toMatchObject({ revision: 4, status: 'deployed', app_version: '1.2.2' })
  })

  it('keeps the history helm would prune (--history-max 0), and passes kubeconfig, context and timeout through', async () => {
    const revisions = Array.from({ length: 14 }, (_, i) => rev(i === 13 ? 'deployed' : 'superseded', `1.2.${i}`))
    const s = standin(revisions)
    await rollback(s, inputs({ rollbackVersion: '1.2.13' }), {
      kubeconfig: '/tmp/kube config',
      kubeContext: 'ci',
      timeout: '90s',
    })
    expect(s.history('prod/acme')).toHaveLength(15)
    expect(rollbacks(s)[0]).toEqual(
      expect.arrayContaining(['--kubeconfig=/tmp/kube config', '--kube-context=ci', '--timeout', '90s']),
    )
    for (const c of s.calls().filter((c) => c[0] !== 'version')) {
      const at = c[0] === 'rollback' || c[0] === 'get' ? 3 : 2 // after the release (and the revision, or get's subcommand)
      expect(c.slice(at, at + 4)).toEqual(['-n', 'prod', '--kubeconfig=/tmp/kube config', '--kube-context=ci'])
    }
  })

  it('the circuit breaker: current rolls back a release deployed after the failed run started, and a re-run is skipped', async () => {
    const runStarted = '2026-11-21T10:00:00.000Z'
    const s = standin([
      rev('superseded', '1.2.2', { updated: '2026-11-20T09:00:00.123456789Z' }),
      rev('deployed', '1.2.3', { updated: '2026-11-21T10:04:00.5Z' }),
    ])
    const i = inputs({ rollbackVersion: 'current', publishedAfter: runStarted })
    const { result } = await rollback(s, i)
    expect(result.plan).toMatchObject({ rollbackVersion: '1.2.3', restoreVersion: '1.2.2' })
    expect(latest(s)?.description).toBe(describedAs(result.plan.incidentId, 1))
    // the rollback wrote 1.2.2 again after the run started, but a rollback is not a release
    const log = logger()
    const again = await runRollback(i, target(s, i, log), log)
    expect(again).toMatchObject({ status: 'skipped', holder: '1.2.2' })
    expect(again.status === 'skipped' && again.reason).toMatch(
      /'deployed' holds 1\.2\.2, published 2026-11-20T09:00:00\.123Z, which is not after/,
    )
    expect(rollbacks(s)).toHaveLength(1)
  })

  it('leaves a newer release alone, and dry-run reads only the history', async () => {
    const s = standin(
      [...usual(), rev('deployed', '1.2.4')].map((r, i) => (i === 2 ? { ...r, status: 'superseded' as const } : r)),
    )
    const { result } = await rollback(s, inputs())
    expect(result.plan.tag).toEqual({ kind: 'keep-newer', holder: '1.2.4' })
    const dry = standin(usual())
    expect((await rollback(dry, inputs({ dryRun: true }))).result.status).toBe('planned')
    expect(dry.calls().map((c) => c[0])).toEqual(['version', 'history'])
    expect([...rollbacks(s), ...rollbacks(dry)]).toEqual([])
  })

  it('refuses a release Flux deploys before any write, naming Flux and pointing at the gitops target', async () => {
    const s = standin(usual(), { controller: 'flux' })
    const e = await failure(s, inputs())
    expect(e.message).toMatch(
      /managed by Flux \(HelmRelease prod\/acme: its manifest carries the label helm\.toolkit\.fluxcd\.io\/name\)/,
    )
    expect(e.message).toMatch(/gitops target \(targets: gitops:/)
    expect(rollbacks(s)).toEqual([])
    expect(s.history('prod/acme')).toHaveLength(3)
    // Argo CD's tracking annotation, where the stored manifest carries it, is refused alike
    const argo = standin(usual(), { controller: 'argocd' })
    expect((await failure(argo, inputs())).message).toMatch(/managed by Argo CD \(Application acme: /)
    expect(rollbacks(argo)).toEqual([])
  })

  describe('errors that name the input to fix', () => {
    it('an unknown release or namespace', async () => {
      const e = await failure(standin(usual()), inputs(), { release: 'acme-web' })
      expect(e).toBeInstanceOf(InputError)
      expect(e.message).toBe(
        "Input 'release': Helm release acme-web was not found in namespace prod. Fix: check the release and namespace inputs (`helm list -n prod` lists the releases).",
      )
      expect(((await failure(standin(usual()), inputs(), { namespace: 'staging' })) as InputError).input).toBe(
        'release',
      )
    })
    it('a cluster that cannot be reached, or credentials it refuses', async () => {
      const down = await failure(standin(usual(), { unreachable: true }), inputs())
      expect(down.message).toMatch(
        /^Input 'kubeconfig': helm cannot reach the cluster \(Kubernetes cluster unreachable: .*\)\. Fix: check that the kubeconfig secret/,
      )
      const denied = await failure(standin(usual(), { forbidden: true }), inputs())
      expect(denied.message).toMatch(
        /^Input 'kubeconfig': the cluster refused helm's credentials or their permissions \(query: failed to query with labels: secrets is forbidden: .*sh\.helm\.release\.v1\.acme\.v\* in namespace prod/,
      )
    })
    it('no helm on the runner', async () => {
      const e = await failure(standin(usual()), inputs(), { helmPath: 'helm-that-is-not-installed' })
      expect(e).toBeInstanceOf(RollbackError)
      expect(e.message).toMatch(
        /^Could not run helm-that-is-not-installed: Unable to locate executable file: helm-that-is-not-installed\..* Fix: install helm on the runner/,
      )
    })
    it('inputs that are not a release, namespace, match or timeout (nothing reaches helm as a flag)', () => {
      const log = logger()
      const make = (over: Partial<HelmTargetOptions>) => () =>
        new HelmTarget({ release: 'acme', match: 'app-version', timeout: '5m', log, ...over })
      expect(inputErrorOf(make({ release: '--kubeconfig=/etc/passwd' })).input).toBe('release')
      expect(inputErrorOf(make({ release: 'Acme' })).input).toBe('release')
      expect(inputErrorOf(make({ namespace: '-n' })).input).toBe('namespace')
      expect(inputErrorOf(make({ timeout: '5 minutes' })).input).toBe('helm-timeout')
      expect(inputErrorOf(make({ match: 'version' as never })).input).toBe('helm-match')
      expect(inputErrorOf(make({ wait: 'true' as never })).input).toBe('helm-wait')
      expect(inputErrorOf(() => parseHelmWait('helm-wait', 'hookOnly')).message).toBe(
        "Input 'helm-wait': \"hookOnly\" is not legacy, watcher or none. Fix: use legacy (the default: the readiness checks helm 3's --wait runs, on helm 3 and 4 alike), watcher (helm 4's --wait=watcher) or none (no wait).",
      )
      expect(['', ' watcher ', 'none'].map((v) => parseHelmWait('helm-wait', v))).toEqual(['legacy', 'watcher', 'none'])
      expect(parseReleaseName('release', ' acme.web-1 ')).toBe('acme.web-1')
      expect(parseNamespace('namespace', '')).toBe('')
      expect(parseHelmMatch('helm-match', '')).toBe('app-version')
      expect([parseHelmTimeout('helm-timeout', ''), parseHelmTimeout('helm-timeout', '1h30m')]).toEqual(['5m', '1h30m'])
      expect(inputErrorOf(() => parseHelmTimeout('helm-timeout', '0s')).input).toBe('helm-timeout')
    })
  })
})

describe.each(ALL_FLAVORS)('helm %s: the guard reads the release again right before helm rollback', (flavor) => {
  beforeAll(() => {
    current = flavor
  })
  afterAll(() => {
    current = 'main'
  })

  it('a release upgraded between planning and the rollback is left alone, and the error says what it holds now', async () => {
    const s = standin(usual())
    const t = target(s, inputs())
    expect((await t.inspect()).distTags).toEqual({ deployed: '1.2.3' })
    // someone deploys the fix meanwhile
    s.update((st) => {
      const records = st.releases['prod/acme']
      const fix = structuredClone(records[2])
      fix.version = 4
      fix.chart.metadata.appVersion = '1.2.4'
      fix.chart.metadata.version = '1.2.4'
      records[2].info.status = 'superseded'
      records.push(fix)
    })
    const before = s.state()
    const e = (await t.pointChannel('deployed', '1.2.2', '1.2.3').catch((err: unknown) => err)) as ChannelMovedError
    expect(e).toBeInstanceOf(ChannelMovedError)
    expect(e.message).toBe(
      "'deployed' moved to 1.2.4 at revision 4 (deployed) while the rollback ran (the plan expected 1.2.3 at revision 3); left there, nothing was written to it. " +
        "Fix: look at what 'deployed' holds now; if it still needs rolling back, run again and the plan starts from the new state.",
    )
    expect(rollbacks(s)).toEqual([])
    expect(s.state()).toEqual(before)
  })

  it('the same version deployed again (a new revision) is a move too: the plan is stale', async () => {
    const s = standin(usual())
    const t = target(s, inputs())
    await t.inspect()
    await execHelm(s.path, ['rollback', 'acme', '3', '-n', 'prod']) // someone re-deploys revision 3 as revision 4
    const e = await t.pointChannel('deployed', '1.2.2', '1.2.3').catch((err: unknown) => err)
    expect(e).toBeInstanceOf(ChannelMovedError)
    expect((e as Error).message).toMatch(
      /^'deployed' moved to 1\.2\.3 at revision 4 \(deployed\) while the rollback ran \(the plan expected 1\.2\.3 at revision 3\)/,
    )
    expect(rollbacks(s)).toHaveLength(1) // only the one made by hand
  })

  it('a release someone else already rolled back to the restore version: already, no second rollback', async () => {
    const s = standin(usual())
    const t = target(s, inputs())
    await t.inspect()
    await execHelm(s.path, ['rollback', 'acme', '2', '-n', 'prod'])
    expect(await t.pointChannel('deployed', '1.2.2', '1.2.3')).toBe('already')
    expect(rollbacks(s)).toHaveLength(1)
    expect(t.revisions).toEqual({ previous: 4, target: 4 })
  })

  it('through runRollback: the release changes after the plan, right before the guard reads it, and nothing is rolled back', async () => {
    const s = standin(usual())
    let histories = 0
    // a runner hook: the second full `helm history` is the guard's read before the rollback (the access check reads --max 1)
    const exec: HelmTargetOptions['exec'] = async (command, args) => {
      if (args[0] === 'history' && args.at(-1) !== '1' && ++histories === 2)
        await execHelm(command, ['rollback', 'acme', '1', '-n', 'prod'])
      return execHelm(command, args)
    }
    const log = logger()
    const i = inputs({ restoreVersion: '1.2.2' })
    const e = await runRollback(i, target(s, i, log, { exec }), log).catch((err: unknown) => err)
    expect(e).toBeInstanceOf(ChannelMovedError)
    expect((e as Error).message).toMatch(
      /^'deployed' moved to 1\.2\.1 at revision 4 \(deployed\) while the rollback ran \(the plan expected 1\.2\.3 at revision 3\)/,
    )
    expect(rollbacks(s).map((c) => c[2])).toEqual(['1']) // the hand-made one only
    expect(latest(s)).toMatchObject({ revision: 4, app_version: '1.2.1' })
  })
})

describe('the summary says which readiness checks helm waited for', () => {
  it('one release: a line under the table; several: in each row', async () => {
    const releases = {
      'prod/acme': { chart: 'acme-app', revisions: usual() },
      'prod/acme-web': { chart: 'acme-web', revisions: usual() },
    }
    const s = createHelmStandin({ flavor: '4.2', releases })
    made.push(s)
    const i = inputs()
    const log = logger()
    const make = (release: string) =>
      new HelmTarget({ release, namespace: 'prod', match: 'app-version', timeout: '5m', helmPath: s.path, log })
    const one = await runIncident(
      i,
      [{ kind: 'helm', name: 'prod/acme', channel: HELM_CHANNEL, target: make('acme') }],
      log,
    )
    expect(renderSummary(one)).toContain(
      '\n\nHow it ran: helm v4.2.4+g3900f43 waited with the legacy readiness checks (--wait=legacy).\n',
    )
    const s2 = createHelmStandin({ flavor: '4.2', releases })
    made.push(s2)
    const two = await runIncident(
      i,
      [
        {
          kind: 'helm',
          name: 'prod/acme',
          channel: HELM_CHANNEL,
          target: new HelmTarget({
            release: 'acme',
            namespace: 'prod',
            match: 'app-version',
            timeout: '5m',
            helmPath: s2.path,
            log,
          }),
        },
        {
          kind: 'helm',
          name: 'prod/acme-web',
          channel: HELM_CHANNEL,
          target: new HelmTarget({
            release: 'acme-web',
            namespace: 'prod',
            match: 'app-version',
            timeout: '5m',
            helmPath: s2.path,
            log,
            wait: 'watcher',
          }),
        },
      ],
      log,
    )
    const rows = renderSummary(two)
      .split('\n')
      .filter((l) => l.startsWith('| helm `prod/'))
    expect(rows).toHaveLength(2)
    expect(rows[0]).toContain(
      '| rolled-back (helm v4.2.4+g3900f43 waited with the legacy readiness checks (--wait=legacy)) |',
    )
    expect(rows[1]).toContain(
      '| rolled-back (helm v4.2.4+g3900f43 waited with the watcher readiness checks (--wait=watcher)) |',
    )
  })
})

describe('what helm may see', () => {
  const planted: Record<string, string> = {
    INPUT_KUBECONFIG: 'apiVersion: v1 # kube-secret',
    'INPUT_REGISTRY-PASSWORD': 'input-password',
    INPUT_RELEASE: 'acme',
    NPM_TOKEN: 'npm-token-value',
    NODE_AUTH_TOKEN: 'node-auth-token-value',
    GITHUB_TOKEN: 'ghs_github-token-value',
    ACTIONS_RUNTIME_TOKEN: 'runtime-token-value',
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc-request-token-value',
    DEPLOY_SECRET: 'deploy-secret-value',
    db_password: 'db-password-value',
    NPM_CONFIG__AUTH: 'npm-auth-value',
  }
  const kept: Record<string, string> = {
    KUBECONFIG: '/home/runner/.kube/config',
    HELM_CACHE_HOME: '/tmp/helm-cache',
    HELM_REGISTRY_CONFIG: '/tmp/helm-registry.json',
    XDG_CONFIG_HOME: '/tmp/xdg',
    HTTPS_PROXY: 'http://proxy.internal:3128',
    no_proxy: 'localhost,.svc',
    AWS_SESSION_TOKEN: 'aws-session-token-for-eks-get-token',
    AZURE_CLIENT_SECRET: 'azure-secret-for-kubelogin',
    RUNNER_TEMP: '/tmp/runner',
  }

  it('helmEnvironment drops inputs and tokens, and keeps what helm and kubeconfig exec plugins need', () => {
    const env = helmEnvironment({ PATH: '/usr/bin', HOME: '/home/runner', ...planted, ...kept })
    expect(env).toEqual({ PATH: '/usr/bin', HOME: '/home/runner', ...kept })
  })

  it('a helm run by the target (the default runner) sees no INPUT_ variable and no token', async () => {
    const saved = { ...process.env }
    Object.assign(process.env, planted, kept)
    try {
      const s = standin(usual())
      const i = inputs()
      const log = logger()
      const t = new HelmTarget({
        release: 'acme',
        namespace: 'prod',
        match: 'app-version',
        timeout: '5m',
        helmPath: s.path,
        request: i,
        log,
      })
      expect(rolledBack(await runRollback(i, t, log)).status).toBe('completed')
      const envs = s.envs()
      expect(envs.length).toBe(s.calls().length)
      expect(envs.map((e) => e.PATH)).toEqual(envs.map(() => process.env.PATH))
      for (const env of envs) {
        expect(Object.keys(env).filter((k) => /^INPUT_/i.test(k) || k in planted)).toEqual([])
        expect(Object.values(env).filter((v) => Object.values(planted).includes(v))).toEqual([])
        expect(env).toMatchObject({ ...kept, HOME: process.env.HOME })
      }
    } finally {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k]
      Object.assign(process.env, saved)
    }
  })
})

describe('the kubeconfig secret on disk', () => {
  const kubeconfig = 'apiVersion: v1\nusers:\n- name: ci\n  user:\n    token: kube-secret-token-0123456789\n'
  const get = (values: Record<string, string>) => (name: string) => values[name] ?? ''

  /** Runs `fn` with RUNNER_TEMP a fresh directory and the stand-in first on PATH (as `helm`). */
  async function withRunner(s: Standin, fn: (runnerTemp: string) => Promise<void>) {
    const saved = { RUNNER_TEMP: process.env.RUNNER_TEMP, PATH: process.env.PATH }
    const runnerTemp = mkdtempSync(join(tmpdir(), 'rr-runner-temp-'))
    process.env.RUNNER_TEMP = runnerTemp
    process.env.PATH = `${dirname(s.path)}:${process.env.PATH ?? ''}`
    try {
      await fn(runnerTemp)
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k]
        else process.env[k] = v
      }
      rmSync(runnerTemp, { recursive: true, force: true })
    }
  }

  for (const dryRun of [false, true]) {
    it(`${dryRun ? 'a dry run' : 'a rollback'} built by createTarget: a 0600 file only once helm runs, gone after extras.dispose()`, async () => {
      const s = standin(usual())
      await withRunner(s, async (runnerTemp) => {
        const i = { ...inputs({ dryRun }), target: 'helm' as const }
        const log = logger()
        const { target: t, extras } = createTarget(
          i,
          get({ release: 'acme', namespace: 'prod', kubeconfig }),
          log,
          'test',
        )
        try {
          expect(readdirSync(runnerTemp)).toEqual([]) // nothing written before helm runs
          const outcome = await runRollback(i, t, log)
          expect(outcome.status).toBe(dryRun ? 'planned' : 'completed')
          // every call but `helm version` (which reads no cluster) gets the file
          const paths = [
            ...new Set(
              s
                .calls()
                .filter((c) => c[0] !== 'version')
                .map((c) => c.find((a) => a.startsWith('--kubeconfig='))?.slice('--kubeconfig='.length)),
            ),
          ]
          expect(paths).toHaveLength(1)
          const path = paths[0] as string
          expect(path.startsWith(join(runnerTemp, 'release-rollback-'))).toBe(true)
          expect(readFileSync(path, 'utf8')).toBe(kubeconfig.trim()) // (readHelmInputs trims it)
          expect(statSync(path).mode & 0o777).toBe(0o600)
          expect(statSync(dirname(path)).mode & 0o777).toBe(0o700)
        } finally {
          extras.dispose()
        }
        expect(readdirSync(runnerTemp)).toEqual([])
        extras.dispose() // twice is fine
      })
    })
  }

  it('KubeconfigFile: written on first use, removed by dispose (and never written when unused)', () => {
    const parent = mkdtempSync(join(tmpdir(), 'rr-kubeconfig-'))
    try {
      const unused = new KubeconfigFile(kubeconfig, parent)
      unused.dispose()
      expect(readdirSync(parent)).toEqual([])
      const f = new KubeconfigFile(kubeconfig, parent)
      expect(f.written).toBe(false)
      const path = f.path()
      expect(f.path()).toBe(path)
      expect(readdirSync(parent)).toHaveLength(1)
      const t = new HelmTarget({ release: 'acme', match: 'app-version', timeout: '5m', kubeconfig: f, log: logger() })
      t.dispose()
      expect([f.written, existsSync(path), readdirSync(parent)]).toEqual([false, false, []])
    } finally {
      rmSync(parent, { recursive: true, force: true })
    }
  })
})

describe('versions in helm history', () => {
  it('the chart version is what follows the chart name in <name>-<version>', () => {
    expect(chartVersionOf('acme-app-1.2.3')).toBe('1.2.3')
    expect(chartVersionOf('my-acme-app-2-0.10.0-rc-1')).toBe('0.10.0-rc-1')
    expect(chartVersionOf('app-v2-1.0.0+build.7')).toBe('1.0.0+build.7')
    expect(chartVersionOf('acme-v1.4.0')).toBe('1.4.0')
    expect(chartVersionOf('MISSING')).toBeUndefined()
    expect(chartVersionOf('acme-latest')).toBeUndefined()
  })
  it('app versions lose a leading v; anything not semver is no version', () => {
    expect(['v1.2.3', '1.2.3', ' 2.0.0-beta.1 ', 'latest', '1.2', '', '=1.2.3'].map(normaliseVersion)).toEqual([
      '1.2.3',
      '1.2.3',
      '2.0.0-beta.1',
      undefined,
      undefined,
      undefined,
      undefined,
    ])
  })
  it('a version is published when an install or upgrade last brought it (a rollback to it does not count); no time, no publishedAt', async () => {
    const s = standin(
      [
        rev('superseded', '1.2.2', { updated: '2026-11-20T09:00:00.123456789Z' }),
        rev('superseded', '1.2.3', { updated: '2026-11-21T10:04:00.5Z' }),
        rev('deployed', '1.2.2', {
          updated: '2026-11-21T11:00:00Z',
          description: 'Rollback to 1',
          rollbackRevision: 1,
        }),
        rev('superseded', '1.2.4', { updated: '' }),
      ].map((r, i, all) =>
        i === all.length - 2
          ? { ...r, status: 'superseded' as const }
          : i === all.length - 1
            ? { ...r, status: 'deployed' as const }
            : r,
      ),
    )
    const state = await target(s, inputs({ rollbackVersion: '1.2.4' })).inspect()
    expect(state.versions['1.2.2'].publishedAt).toBe('2026-11-20T09:00:00.123Z')
    expect(state.versions['1.2.3'].publishedAt).toBe('2026-11-21T10:04:00.500Z')
    expect(state.versions['1.2.4'].publishedAt).toBeUndefined() // helm 4 leaves a zero time out
    expect(Object.values(state.versions).map((v) => v.commit)).toEqual([undefined, undefined, undefined]) // helm records no commit
  })
  it('helm version --short: the major picks the --wait form; --description only where the version says it may exist', () => {
    const v = (t: string) => {
      const p = parseHelmVersion(t)
      if (!p) throw new Error(`not parsed: ${t}`)
      return p
    }
    expect(parseHelmVersion('v3.19.0+g3d8990f\n')).toEqual({
      raw: 'v3.19.0+g3d8990f',
      major: 3,
      minor: 19,
      patch: 0,
      unreleased: false,
    })
    expect(parseHelmVersion('v4.2+unreleased+ge9b85e4')).toEqual({
      raw: 'v4.2+unreleased+ge9b85e4',
      major: 4,
      minor: 2,
      patch: undefined,
      unreleased: true,
    })
    expect(parseHelmVersion('v4.0.0-rc.1+g1234567')).toMatchObject({ major: 4, minor: 0, patch: 0 })
    expect(
      ['', 'Client: &version.Version{SemVer:"v2.17.0"}', '3.19.0', 'version.BuildInfo{Version:"v3.19.0"}'].map(
        parseHelmVersion,
      ),
    ).toEqual([undefined, undefined, undefined, undefined])
    for (const [flavor, f] of Object.entries(FLAVORS))
      expect([flavor, mayDescribe(v(f.short))]).toEqual([flavor, f.description])
    expect([
      mayDescribe(v('v4.3.0+gabcdef0')),
      mayDescribe(v('v3.21.4+g813176c')),
      mayDescribe(v('v4.2.4+g3900f43')),
    ]).toEqual([true, false, false])
    expect([
      waitFlags('legacy', v('v3.19.0+g3d8990f')),
      waitFlags('none', v('v3.19.0+g3d8990f')),
      waitFlags('legacy', v('v4.2.4+g3900f43')),
      waitFlags('watcher', v('v4.2.4+g3900f43')),
      waitFlags('none', v('v4.2.4+g3900f43')),
    ]).toEqual([['--wait'], [], ['--wait=legacy'], ['--wait=watcher'], []])
    expect(inputErrorOf(() => waitFlags('watcher', v('v3.21.4+g813176c'))).message).toMatch(
      /^Input 'helm-wait': is watcher, but the helm on this runner is v3\.21\.4\+g813176c/,
    )
  })
  it('"Release ... failed" is a failed rollback wait, except for an install (revision 1, or after an uninstall)', () => {
    const row = (revision: number, status: string, description: string) => ({
      revision,
      status,
      chart: 'acme-app-1.2.2',
      app_version: '1.2.2',
      description,
    })
    const failed = 'Release "acme" failed: context deadline exceeded'
    expect(isRollback(row(4, 'failed', failed), row(3, 'deployed', 'Upgrade complete'))).toBe(true)
    expect(isRollback(row(1, 'failed', failed), undefined)).toBe(false)
    expect(isRollback(row(5, 'failed', failed), row(4, 'uninstalled', 'Uninstallation complete'))).toBe(false)
    expect(
      isRollback(row(4, 'failed', 'Rollback "acme" failed: conflict'), row(3, 'superseded', 'Upgrade complete')),
    ).toBe(true)
    expect(
      isRollback(row(4, 'failed', 'Upgrade "acme" failed: timed out'), row(3, 'deployed', 'Upgrade complete')),
    ).toBe(false)
    expect(isRollback(row(4, 'deployed', 'Rollback to 2'), undefined)).toBe(true)
  })
  it('times are Go RFC 3339 as the stand-in prints them', () => {
    expect(goTime(Date.parse('2026-11-20T09:00:00.482Z'), 913_771)).toBe('2026-11-20T09:00:00.482913771Z')
    expect(goTime(Date.parse('2026-11-20T09:00:00Z'))).toBe('2026-11-20T09:00:00Z')
  })
})
