// Undo (issue 14): a rollback made by mistake is reversible in one step. Against a real
// Verdaccio (npm) and the real docker-registry (OCI): rollback, then undo, leaves the
// channels and deprecations exactly as they were; a second undo writes nothing; a channel
// moved to a newer fix and a deprecation a person changed are left alone.
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { parseReportRecord } from '../../src/github/record.js'
import { planUndo, type PackageState } from '../../src/core/plan.js'
import type { RollbackInputs } from '../../src/config/inputs.js'
import { runIncident } from '../../src/incident/run.js'
import { createGitHubClient } from '../../src/github/client.js'
import { DockerTarget } from '../../src/targets/docker/target.js'
import { GitTagTarget } from '../../src/targets/git-tag/target.js'
import { HELM_CHANNEL } from '../../src/targets/helm/config.js'
import { HelmTarget } from '../../src/targets/helm/target.js'
import { NpmTarget } from '../../src/targets/npm/target.js'
import { requireRegistryBinaries, startDockerRegistry, type DockerRegistry } from '../support/docker-registry.mjs'
import { deprecate, publishPackage, registryRequest, escapeName, setDistTag, snapshot } from '../support/fixtures.mjs'
import { startGitHubStandin } from '../support/github-standin.mjs'
import { createHelmStandin } from '../support/helm-standin.mjs'
import { fixtureClient, pushRelease, skopeoRaw, type FixtureClient } from '../support/oci-fixtures.mjs'
import { root, runAction } from '../support/run-action.mjs'
import { rollbackInputs, rolledBack, runRollback } from '../support/helpers.js'
import { startVerdaccio, type Registry } from '../support/verdaccio.mjs'

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

function target(i: RollbackInputs, log = logger()) {
  return new NpmTarget({
    packageName: i.packageName,
    registry: i.registry,
    token: i.npmToken,
    log,
    retry: fastRetry,
    timeoutMs: 10_000,
  })
}

async function run(i: RollbackInputs) {
  const log = logger()
  const result = rolledBack(await runRollback(i, target(i, log), log))
  return { result, log }
}

/** The packument fields undo must put back: the dist-tags and each version's deprecation, as stored (Verdaccio drops a "" deprecation, as npmjs does). */
async function fields(name: string) {
  const doc = (await (await registryRequest(registry, `${escapeName(name)}?write=true`)).json()) as {
    'dist-tags': Record<string, string>
    versions: Record<string, { deprecated?: string }>
  }
  return {
    distTags: doc['dist-tags'],
    deprecated: Object.fromEntries(Object.entries(doc.versions).map(([v, m]) => [v, m.deprecated ?? null])),
  }
}

const message = '1.2.3 was rolled back: Memory persistence corrupts data on restart. Use 1.2.2 instead.'

describe('planUndo (pure)', () => {
  const req = {
    packageName: 'w',
    rollbackVersion: '1.2.3',
    restoreVersion: '1.2.2',
    channel: 'latest',
    reason: 'r',
    deprecate: true,
    deprecationMessage: '{version} bad; use {restore}',
    force: false,
  }
  const state = (latest: string | undefined, deprecated?: string): PackageState => ({
    name: 'w',
    distTags: latest ? { latest } : {},
    versions: { '1.2.2': {}, '1.2.3': deprecated ? { deprecated } : {}, '1.2.4': {} },
  })
  it('moves back while the channel holds what the rollback wrote, and clears our deprecation', () => {
    const plan = planUndo(req, state('1.2.2', '1.2.3 bad; use 1.2.2'))
    expect(plan.tag).toEqual({ kind: 'move', from: '1.2.2', to: '1.2.3' })
    expect(plan.deprecation).toEqual({ kind: 'undeprecate', message: '1.2.3 bad; use 1.2.2' })
    expect(plan.undo).toBe(true)
  })
  it('is already done when the channel holds the bad version and nothing is deprecated', () => {
    const plan = planUndo(req, state('1.2.3'))
    expect(plan.tag).toEqual({ kind: 'already', to: '1.2.3' })
    expect(plan.deprecation.kind).toBe('already')
  })
  it('leaves a channel on anything else, and a message a person changed', () => {
    const plan = planUndo(req, state('1.2.4', 'edited'))
    expect(plan.tag).toEqual({ kind: 'keep-newer', holder: '1.2.4' })
    expect(plan.deprecation).toEqual({ kind: 'kept', message: '1.2.3 bad; use 1.2.2', current: 'edited' })
    expect(plan.warnings).toHaveLength(2)
  })
  it('republish: expects the fix-forward version on the channel; the same incident id as the rollback', () => {
    const plan = planUndo({ ...req, strategy: 'republish' }, state('1.2.4', '1.2.3 bad; use 1.2.4'))
    expect(plan.tag).toEqual({ kind: 'move', from: '1.2.4', to: '1.2.3' })
    expect(plan.deprecation.kind).toBe('undeprecate')
    expect(plan.warnings.join()).toMatch(/1\.2\.4 .* stays published/)
  })
})

describe('undo on npm (Verdaccio)', () => {
  it("rollback then undo leaves the dist-tags and deprecations exactly as before; the incident id is the rollback's", async () => {
    const pkg = '@acme/undo-widget'
    await publishPackage(registry, pkg, ['1.2.1', '1.2.2', '1.2.3'], {
      distTags: { latest: '1.2.3', next: '1.2.3' },
      deprecated: { '1.2.1': 'old' },
    })
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
    expect(undo.log.lines).toContain(
      "warning: ↩ 'latest' points at the bad 1.2.3 again, as undo asked (read back from the registry).",
    )
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
    expect(undo.result.warnings.join('\n')).toMatch(
      /'latest' holds 1\.2\.4, not 1\.2\.2 \(what the rollback wrote\).*left alone/,
    )
    expect(await fields(pkg)).toEqual({
      distTags: { latest: '1.2.4' },
      deprecated: { '1.2.2': null, '1.2.3': null, '1.2.4': null },
    })
  })

  it('a channel moved to a newer fix between the undo plan and its write: ChannelMovedError, left there, reported', async () => {
    const pkg = 'undo-race'
    await publishPackage(registry, pkg, ['1.2.2', '1.2.3', '1.2.4'], { distTags: { latest: '1.2.3' } })
    const i = inputs(pkg, { restoreVersion: '1.2.2' })
    await run(i)
    const log = logger()
    const result = await runIncident(
      { ...i, undo: true },
      [{ kind: 'npm', name: pkg, channel: 'latest', target: target(i, log) }],
      log,
      {
        beforeWrite: async () => setDistTag(registry, pkg, 'latest', '1.2.4'),
      },
    )
    expect(result.status).toBe('completed')
    const t = result.targets[0]
    expect(t.moved).toBe(false)
    expect(t.steps.find((s) => s.step === 'move-tag')).toMatchObject({
      outcome: 'skipped',
      detail: "'latest' moved to 1.2.4 after the rollback (a newer fix): left there, not undone.",
    })
    expect(result.warnings).toContain(
      "'latest' moved to 1.2.4 after the rollback (a newer fix): left there, not undone.",
    )
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
    expect(await fields(pkg)).toEqual({
      distTags: { latest: '1.2.3' },
      deprecated: { '1.2.2': null, '1.2.3': 'Do not use 1.2.3: see #42' },
    })
  })

  it('a deprecation changed between the undo plan and its write is kept: the guarded PUT compares the message', async () => {
    const pkg = 'undo-human-race'
    await publishPackage(registry, pkg, ['1.2.2', '1.2.3'])
    const i = inputs(pkg)
    await run(i)
    const log = logger()
    const result = await runIncident(
      { ...i, undo: true },
      [{ kind: 'npm', name: pkg, channel: 'latest', target: target(i, log) }],
      log,
      {
        beforeWrite: async () => deprecate(registry, pkg, { '1.2.3': 'edited by a person' }),
      },
    )
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

describe('undo of several packages (one incident)', () => {
  const targets = (names: string[], i: RollbackInputs, log: ReturnType<typeof logger>) =>
    names.map((name) => ({
      kind: 'npm' as const,
      name,
      channel: 'latest',
      target: target({ ...i, packageName: name }, log),
    }))

  it('rollback then undo of two packages: both back as before, the same incident id', async () => {
    const names = ['undo-multi-a', 'undo-multi-b']
    for (const n of names) await publishPackage(registry, n, ['1.2.2', '1.2.3'])
    const before = await Promise.all(names.map(fields))
    const i = inputs(names[0], { restoreVersion: '1.2.2' })
    const log = logger()
    const rollback = await runIncident(i, targets(names, i, log), log)
    expect(rollback.status).toBe('completed')
    const undo = await runIncident({ ...i, undo: true }, targets(names, i, log), log)
    expect(undo.status).toBe('completed')
    expect(undo.incidentId).toBe(rollback.incidentId)
    expect(undo.targets.map((t) => [t.moved, t.undeprecated])).toEqual([
      [true, true],
      [true, true],
    ])
    expect(await Promise.all(names.map(fields))).toEqual(before)
  })

  it('all or nothing: when one channel cannot be undone, the undone ones are put back to what the rollback wrote', async () => {
    const names = ['undo-aon-a', 'undo-aon-b']
    for (const n of names) await publishPackage(registry, n, ['1.2.1', '1.2.2', '1.2.3'])
    const i = inputs(names[0], { restoreVersion: '1.2.2', partialOk: false })
    const log = logger()
    await runIncident(i, targets(names, i, log), log)
    const undo = await runIncident({ ...i, undo: true }, targets(names, i, log), log, {
      beforeWrite: async () => setDistTag(registry, names[1], 'latest', '1.2.1'),
    })
    expect(undo.status).toBe('failed')
    expect(undo.targets.map((t) => t.outcome)).toEqual(['put-back', 'failed'])
    expect((await fields(names[0])).distTags.latest).toBe('1.2.2')
    expect((await fields(names[1])).distTags.latest).toBe('1.2.1')
    // nothing was un-deprecated: the deprecations come after every channel
    expect((await fields(names[0])).deprecated['1.2.3']).toBe(
      '1.2.3 was rolled back: Memory persistence corrupts data on restart. Use 1.2.2 instead.',
    )
  })
})

describe('undo on Docker (the real docker-registry, read back with skopeo)', () => {
  let docker: DockerRegistry
  let client: FixtureClient
  beforeAll(async () => {
    requireRegistryBinaries()
    docker = await startDockerRegistry({ auth: 'htpasswd' })
    client = fixtureClient(docker)
  })
  afterAll(async () => {
    await docker?.stop()
  })

  function dockerRun(i: RollbackInputs) {
    const log = logger()
    const t = new DockerTarget({
      image: i.packageName,
      channels: [i.channel],
      preferVersions: [i.restoreVersion, i.rollbackVersion].filter((v): v is string => v !== undefined),
      username: docker.user,
      password: docker.password,
      log,
      retry: fastRetry,
      timeoutMs: 10_000,
      allowInsecureLoopback: true,
    })
    return runRollback(i, t, log)
  }

  it('rollback then undo: latest holds the 1.2.3 manifest again, byte for byte; a second undo writes nothing', async () => {
    const repo = 'acme/undo'
    const images = await pushRelease(client, repo, ['1.2.1', '1.2.2', '1.2.3'], { channels: { latest: '1.2.3' } })
    const before = await client.snapshot(repo)
    const i = rollbackInputs({ packageName: `${docker.host}/${repo}`, registry: '', deprecate: false })
    const rollback = await dockerRun(i)
    expect(rollback.status).toBe('completed')
    expect((await skopeoRaw(docker, `${repo}:latest`)).equals(images['1.2.2'].bytes)).toBe(true)

    const undo = await dockerRun({ ...i, undo: true })
    expect(undo.status).toBe('completed')
    expect(undo.incidentId).toBe(rollback.incidentId)
    expect(undo.plan.tag).toEqual({ kind: 'move', from: '1.2.2', to: '1.2.3' })
    expect((await skopeoRaw(docker, `${repo}:latest`)).equals(images['1.2.3'].bytes)).toBe(true)
    expect(await client.snapshot(repo)).toEqual(before)

    const again = await dockerRun({ ...i, undo: true })
    expect(again.status).toBe('already-done')
    expect(again.moved).toBe(false)
    expect(await client.snapshot(repo)).toEqual(before)
  })

  it('a tag moved to a newer image after the rollback is left alone', async () => {
    const repo = 'acme/undo-newer'
    const images = await pushRelease(client, repo, ['1.2.2', '1.2.3', '1.2.4'], { channels: { latest: '1.2.3' } })
    const i = rollbackInputs({
      packageName: `${docker.host}/${repo}`,
      registry: '',
      deprecate: false,
      restoreVersion: '1.2.2',
    })
    await dockerRun(i)
    await client.pushManifest(repo, 'latest', images['1.2.4'].mediaType, images['1.2.4'].bytes)
    const undo = await dockerRun({ ...i, undo: true })
    expect(undo.moved).toBe(false)
    expect(undo.warnings.join('\n')).toMatch(/left alone/)
    expect((await skopeoRaw(docker, `${repo}:latest`)).equals(images['1.2.4'].bytes)).toBe(true)
  })
})

describe('undo on Helm (the helm stand-in)', () => {
  it('rolls the release forward to a revision of the bad version again; a second undo writes nothing', async () => {
    const s = createHelmStandin({
      releases: {
        'prod/acme': {
          chart: 'acme-app',
          revisions: [
            { status: 'superseded', appVersion: '1.2.2' },
            { status: 'deployed', appVersion: '1.2.3' },
          ],
        },
      },
    })
    try {
      const i = rollbackInputs({
        packageName: 'prod/acme',
        registry: '',
        channel: HELM_CHANNEL,
        deprecate: false,
        restoreVersion: '1.2.2',
      })
      const helm = (req: RollbackInputs) => {
        const log = logger()
        return runRollback(
          req,
          new HelmTarget({
            release: 'acme',
            namespace: 'prod',
            match: 'app-version',
            timeout: '5m',
            helmPath: s.path,
            request: req,
            log,
          }),
          log,
        )
      }
      const rollback = await helm(i)
      expect(rollback.status).toBe('completed')
      const undo = await helm({ ...i, undo: true })
      expect(undo.status).toBe('completed')
      expect(undo.incidentId).toBe(rollback.incidentId)
      const history = s.history('prod/acme')
      expect(history.at(-1)).toMatchObject({ status: 'deployed', app_version: '1.2.3' })
      const again = await helm({ ...i, undo: true })
      expect(again.status).toBe('already-done')
      expect(s.history('prod/acme')).toHaveLength(history.length)
    } finally {
      rmSync(s.dir, { recursive: true, force: true })
    }
  })
})

describe('undo on a moving git tag (the GitHub stand-in)', () => {
  it("v1 goes back to the bad version's commit; a second undo writes nothing", async () => {
    const standin = await startGitHubStandin()
    try {
      const commits: Record<string, string> = {}
      for (const v of ['1.2.2', '1.2.3']) {
        commits[v] = standin.tags.addCommit({
          message: `release ${v}`,
          date: v === '1.2.2' ? '2026-11-05T10:00:00Z' : '2026-11-20T10:00:00Z',
        })
        standin.tags.createTag(`v${v}`, commits[v], {})
      }
      standin.tags.createTag('v1', commits['1.2.3'], {})
      const i = rollbackInputs({
        packageName: 'acme/widget',
        registry: '',
        channel: 'v1',
        deprecate: false,
        restoreVersion: '1.2.2',
      })
      const gitTag = (req: RollbackInputs) => {
        const log = logger()
        const gh = createGitHubClient({
          token: 'ghs_test-token',
          baseUrl: standin.url,
          log,
          throttle: false,
          retryBaseMs: 5,
        })
        return runRollback(
          req,
          new GitTagTarget({
            gh,
            repository: 'acme/widget',
            tag: 'v1',
            log,
            retry: fastRetry,
            preferVersions: ['1.2.2', '1.2.3'],
          }),
          log,
        )
      }
      expect((await gitTag(i)).status).toBe('completed')
      expect(standin.tags.commitOf('v1')).toBe(commits['1.2.2'])
      const undo = await gitTag({ ...i, undo: true })
      expect(undo.status).toBe('completed')
      expect(undo.plan.tag).toEqual({ kind: 'move', from: '1.2.2', to: '1.2.3' })
      expect(standin.tags.commitOf('v1')).toBe(commits['1.2.3'])
      const writes = standin.requests.filter((r) => r.method === 'PATCH').length
      expect((await gitTag({ ...i, undo: true })).status).toBe('already-done')
      expect(standin.requests.filter((r) => r.method === 'PATCH')).toHaveLength(writes)
      expect(standin.violations).toEqual([])
    } finally {
      await standin.stop()
    }
  })
})

// the built action: `npm run build` first (dist/ is never committed from this branch)
const built = existsSync(join(root, 'dist', 'index.js'))
describe('the built action with undo: true (Verdaccio + the GitHub stand-in)', () => {
  it('rollback, then undo: the channel and deprecation are back, the issue gets an "Undone" comment, the report an "Undone" timeline entry; a second undo is already-done', async () => {
    expect(built).toBe(true)
    const pkg = 'undo-action-widget'
    await publishPackage(registry, pkg, ['1.2.2', '1.2.3'])
    const before = await fields(pkg)
    const github = await startGitHubStandin({ token: 'ghs_undo-token' })
    try {
      const env = (run: string) => ({
        GITHUB_API_URL: github.url,
        GITHUB_REPOSITORY: 'acme/widget',
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_RUN_ID: run,
        GITHUB_RUN_ATTEMPT: '1',
        GITHUB_ACTOR: 'octocat',
        GITHUB_EVENT_NAME: 'workflow_dispatch',
      })
      const inputs = {
        'rollback-version': '1.2.3',
        reason: 'broken',
        package: pkg,
        registry: registry.url,
        'npm-token': registry.token,
        'github-token': 'ghs_undo-token',
      }
      const first = await runAction(inputs, { env: env('1') })
      expect(first.code).toBe(0)
      expect(first.outputs.status).toBe('completed')

      const undo = await runAction({ ...inputs, undo: 'true' }, { env: env('2') })
      expect(undo.stderr).toBe('')
      expect(undo.code).toBe(0)
      expect(undo.outputs).toMatchObject({
        status: 'completed',
        'incident-id': first.outputs['incident-id'],
        'issue-number': '1',
        moved: 'true',
        'previous-version': '1.2.2',
        'restored-version': '1.2.3',
      })
      expect(undo.summary).toContain('## ↩️ Undone: the rollback is reversed')
      expect(undo.summary).toContain('⚠️ **`latest` points at the bad `1.2.3` again, as undo asked.**')
      expect(await fields(pkg)).toEqual(before)

      expect(github.state.issues).toHaveLength(1)
      const comments = github.state.issues[0].comments.map((c) => c.body)
      expect(comments).toHaveLength(1)
      expect(comments[0]).toContain('### ↩️ Undone')
      expect(comments[0]).toContain(
        'moved dist-tag `latest` back to `1.2.3`: it points at the bad version again, as undo asked',
      )
      expect(comments[0]).toContain('removed the deprecation of `1.2.3`')
      const report = github.state.files.main[undo.outputs['report-path']]
      const record = parseReportRecord(report.content)
      expect(report.content).toContain('| Status | `undone` |')
      expect(report.content).toContain(
        'Deprecation of `1.2.3`: removed by the undo (it was: 1.2.3 was rolled back: broken. Use 1.2.2 instead.).',
      )
      expect(record?.runs.map((r) => r.status)).toEqual(['completed', 'undone'])
      expect(record?.timeline.map((e) => e.action)).toEqual(
        expect.arrayContaining([
          "point dist-tag 'latest' at 1.2.2",
          'deprecate 1.2.3',
          "undo: point dist-tag 'latest' back at 1.2.3",
          'undo: remove the deprecation of 1.2.3',
          'Undone',
        ]),
      )
      expect(record?.tagsBefore).toEqual({ latest: '1.2.3' })
      expect(record?.tagsAfter).toEqual({ latest: '1.2.3' })
      expect(record?.previousVersion).toBe('1.2.3')
      const commits = github.state.commits.length

      const again = await runAction({ ...inputs, undo: 'true' }, { env: env('3') })
      expect(again.code).toBe(0)
      expect(again.outputs.status).toBe('already-done')
      expect(again.summary).toContain('## ↩️ Already undone: nothing to change')
      expect(github.state.commits).toHaveLength(commits)
      expect(github.state.issues[0].comments.at(-1)?.body).toContain('### ↩️ Undone already')
      expect(await fields(pkg)).toEqual(before)
      expect(github.violations).toEqual([])
    } finally {
      await github.stop()
    }
  })
})

describe('the command line with --undo', () => {
  function cli(
    args: string[],
    env: Record<string, string>,
  ): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const cwd = mkdtempSync(join(tmpdir(), 'rr-undo-cli-'))
    execFileSync('git', ['init', '-q'], { cwd })
    const child = spawn(process.execPath, [join(root, 'dist', 'cli', 'index.js'), ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: cwd, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })))
  }

  it('shows the undo plan, puts latest back at the bad version and says so; --json says undo', async () => {
    expect(existsSync(join(root, 'dist', 'cli', 'index.js'))).toBe(true)
    const pkg = 'undo-cli-widget'
    await publishPackage(registry, pkg, ['1.2.2', '1.2.3'])
    const before = await fields(pkg)
    const args = [
      '--package',
      pkg,
      '--rollback',
      '1.2.3',
      '--reason',
      'broken',
      '--registry',
      registry.url,
      '--yes',
      '--no-report',
    ]
    expect((await cli(args, { NPM_TOKEN: registry.token })).code).toBe(0)
    const undo = await cli([...args, '--undo'], { NPM_TOKEN: registry.token })
    expect(undo.code).toBe(0)
    expect(undo.stdout).toContain("- move dist-tag 'latest' back: 1.2.2 -> 1.2.3 (the bad version, as undo asks)")
    expect(undo.stdout).toContain('- remove the deprecation of 1.2.3')
    expect(undo.stdout).toContain('⚠️ `latest` points at the bad `1.2.3` again, as undo asked.')
    expect(undo.stdout).toContain('Undone.')
    expect(await fields(pkg)).toEqual(before)
    const again = await cli([...args, '--undo', '--json'], { NPM_TOKEN: registry.token })
    expect(again.code).toBe(0)
    expect(JSON.parse(again.stdout)).toMatchObject({ status: 'already-done', undo: true })
  })

  it('refuses --undo with --rollback current: the exact bad version is needed', async () => {
    const run = await cli(
      [
        '--package',
        'whatever',
        '--rollback',
        'current',
        '--published-after',
        '2020-01-01T00:00:00Z',
        '--reason',
        'x',
        '--registry',
        registry.url,
        '--undo',
        '--yes',
      ],
      { NPM_TOKEN: registry.token },
    )
    expect(run.code).not.toBe(0)
    expect(run.stderr).toMatch(/undo needs the exact bad version/)
  })
})

describe('an undo ends the release freeze of its incident (issue 24; the built action)', () => {
  const TOKEN = 'ghs_undo-freeze'
  async function scenario(refuseClose: boolean) {
    const pkg = refuseClose ? 'undo-freeze-label' : 'undo-freeze-close'
    await publishPackage(registry, pkg, ['1.2.2', '1.2.3'])
    const github = await startGitHubStandin({ token: TOKEN })
    try {
      const env = (run: string) => ({
        GITHUB_API_URL: github.url,
        GITHUB_REPOSITORY: 'acme/widget',
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_RUN_ID: run,
        GITHUB_RUN_ATTEMPT: '1',
        GITHUB_ACTOR: 'octocat',
        GITHUB_EVENT_NAME: 'workflow_dispatch',
      })
      const freeze = async () =>
        (
          await runAction(
            { 'freeze-check': 'true', 'github-token': TOKEN, package: pkg, 'fail-if-frozen': 'false' },
            { env: env('9') },
          )
        ).outputs.frozen
      const inputs = {
        registry: registry.url,
        'npm-token': registry.token,
        'github-token': TOKEN,
        'commit-report': 'false',
        'github-release': 'false',
      }
      const first = await runAction(
        { ...inputs, 'rollback-version': '1.2.3', reason: 'broken', package: pkg },
        { env: env('1') },
      )
      expect(first.outputs.status).toBe('completed')
      expect(await freeze()).toBe('true')
      const number = Number(first.outputs['issue-number'])
      if (refuseClose)
        github.failNext({
          method: 'PATCH',
          path: new RegExp(`/issues/${number}$`),
          status: 403,
          body: {
            message: 'Resource not accessible by integration',
            documentation_url: 'https://docs.github.com/rest',
          },
        })
      const undo = await runAction(
        { ...inputs, undo: 'true', 'incident-id': first.outputs['incident-id'] },
        { env: env('2') },
      )
      expect(undo.code).toBe(0)
      expect(undo.outputs.status).toBe('completed')
      const issue = github.state.issues.find((i) => i.number === number)
      expect(issue?.comments.at(-1)?.body).toContain('🔓 This undo closes the issue')
      if (refuseClose) {
        expect(issue?.state).toBe('open')
        expect(issue?.labels.map((l) => l.name)).toContain('release-freeze-override')
        expect(undo.summary).toContain('labelled release-freeze-override by this undo (GitHub refused to close it)')
        expect(undo.stdout).toContain(`::warning::GitHub refused to close tracking issue #${number}`)
      } else {
        expect(issue?.state).toBe('closed')
        expect(undo.summary).toContain(`closed by this undo, so the release freeze no longer holds`)
      }
      expect(await freeze()).toBe('false')
      // a second undo finds the issue as the first left it: no second close
      const patches = github.requests.filter((r) => r.method === 'PATCH').length
      const again = await runAction(
        { ...inputs, undo: 'true', 'incident-id': first.outputs['incident-id'] },
        { env: env('3') },
      )
      expect(again.outputs.status).toBe('already-done')
      if (!refuseClose) expect(github.requests.filter((r) => r.method === 'PATCH')).toHaveLength(patches)
      expect(github.violations).toEqual([])
    } finally {
      await github.stop()
    }
  }

  it('the undo closes the tracking issue and says so in its comment and summary: the freeze no longer holds', async () => {
    await scenario(false)
  })

  it('where GitHub refuses to close it, the undo labels it release-freeze-override, and says so', async () => {
    await scenario(true)
  })
})
