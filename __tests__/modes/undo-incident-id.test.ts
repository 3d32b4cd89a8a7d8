// Undo by incident id (issue 14, part 2): `undo: true` with `incident-id` alone finds the
// incident's record (the committed report, else the tracking issue) and puts every
// channel back where the incident found it; the deprecation removed is the one the record
// holds, never one rebuilt from the inputs. Against a real Verdaccio and the OpenAPI-checked
// GitHub stand-in, through the built action and the built CLI (`npm run build` first).
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { parse } from 'yaml'
import { parseReportRecord } from '../../src/github/record.js'
import { recordedIncident, undoInputs } from '../../src/github/undo-record.js'
import type { IncidentRecord } from '../../src/github/incident.js'
import { readInputs } from '../../src/config/inputs.js'
import { planUndo, type PackageState } from '../../src/core/plan.js'
import { buildRecord } from '../../src/github/bookkeeping.js'
import { renderReport } from '../../src/github/render-report.js'
import { runIncident } from '../../src/incident/run.js'
import { HELM_CHANNEL } from '../../src/targets/helm/config.js'
import { HelmTarget } from '../../src/targets/helm/target.js'
import { createHelmStandin } from '../support/helm-standin.mjs'
import { gitCheckout, runCli } from '../support/cli-in-process.js'
import { startFaultProxy } from '../support/fault-proxy.mjs'
import { requireRegistryBinaries, startDockerRegistry } from '../support/docker-registry.mjs'
import { deprecate, escapeName, publishPackage, registryRequest, snapshot } from '../support/fixtures.mjs'
import { fixtureClient, pushRelease, skopeoRaw } from '../support/oci-fixtures.mjs'
import { startGitHubStandin, type GitHubStandin } from '../support/github-standin.mjs'
import { inputErrorOf, quiet, rollbackInputs } from '../support/helpers.js'
import { root, runAction } from '../support/run-action.mjs'
import { startVerdaccio, type Registry } from '../support/verdaccio.mjs'

let registry: Registry
beforeAll(async () => {
  registry = await startVerdaccio()
})
afterAll(async () => {
  await registry?.stop()
})

/** The packument fields an undo must put back: every dist-tag and every version's deprecation, as stored. */
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

const TOKEN = 'ghs_undo-by-id'
const env = (github: GitHubStandin, run: string) => ({
  GITHUB_API_URL: github.url,
  GITHUB_REPOSITORY: 'acme/widget',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_RUN_ID: run,
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_ACTOR: 'octocat',
  GITHUB_EVENT_NAME: 'workflow_dispatch',
})
/** Every request that could change something on GitHub. */
const writes = (github: GitHubStandin) => github.requests.filter((r) => r.method !== 'GET').length

const built = existsSync(join(root, 'dist', 'index.js'))

describe('undo by incident-id: the built action (Verdaccio + the GitHub stand-in)', () => {
  it('rollback of two packages, then undo with incident-id alone: dist-tags and deprecations exactly as before; a second undo changes nothing', async () => {
    expect(built).toBe(true)
    const names = ['byid-core', '@acme/byid-cli']
    for (const n of names)
      await publishPackage(registry, n, ['1.2.1', '1.2.2', '1.2.3'], {
        distTags: { latest: '1.2.3', next: '1.2.3', legacy: '1.2.1' },
        deprecated: { '1.2.1': 'old line, use 1.2.2' },
      })
    const before = await Promise.all(names.map(fields))
    const github = await startGitHubStandin({ token: TOKEN })
    try {
      const first = await runAction(
        {
          'rollback-version': '1.2.3',
          reason: 'broken',
          packages: names.join(','),
          registry: registry.url,
          'npm-token': registry.token,
          'github-token': TOKEN,
        },
        { env: env(github, '1') },
      )
      expect(first.outputs.status).toBe('completed')
      const id = first.outputs['incident-id']
      expect(id).toMatch(/^rr-[0-9a-f]{16}$/)
      expect((await fields(names[0])).deprecated['1.2.3']).toBe('1.2.3 was rolled back: broken. Use 1.2.2 instead.')

      // nothing but the id (and where the registry is, with its token)
      const byId = {
        undo: 'true',
        'incident-id': id,
        registry: registry.url,
        'npm-token': registry.token,
        'github-token': TOKEN,
      }
      const undo = await runAction(byId, { env: env(github, '2') })
      expect(undo.stderr).toBe('')
      expect(undo.code).toBe(0)
      expect(undo.outputs).toMatchObject({ status: 'completed', 'incident-id': id, moved: 'true' })
      expect(undo.stdout).toContain(
        `Undo of incident ${id}: its record is incidents/rollback-byid-core-and-1-more-1.2.3.md on acme/widget@main.`,
      )
      expect(await Promise.all(names.map(fields))).toEqual(before)

      // the same issue and report: an "Undone" comment and timeline entry
      expect(github.state.issues).toHaveLength(1)
      const comment = github.state.issues[0].comments.at(-1)?.body ?? ''
      expect(comment).toContain('### ↩️ Undone')
      expect(comment).toContain('removed the deprecation of `1.2.3` of `@acme/byid-cli`')
      const report = github.state.files.main['incidents/rollback-byid-core-and-1-more-1.2.3.md']
      const record = parseReportRecord(report.content)
      expect(record?.incidentId).toBe(id)
      expect(record?.runs.map((r) => r.status)).toEqual(['completed', 'undone'])
      expect(record?.timeline.map((e) => e.action)).toContain('Undone')
      const commits = github.state.commits.length
      const comments = github.state.issues[0].comments.length

      const again = await runAction(byId, { env: env(github, '3') })
      expect(again.code).toBe(0)
      expect(again.outputs.status).toBe('already-done')
      expect(await Promise.all(names.map(fields))).toEqual(before)
      expect(github.state.commits).toHaveLength(commits)
      expect(github.state.issues[0].comments).toHaveLength(comments + 1)
      expect(github.state.issues[0].comments.at(-1)?.body).toContain('### ↩️ Undone already')
      expect(github.violations).toEqual([])
    } finally {
      await github.stop()
    }
  })

  it('as the runner runs it, with every action.yml default passed (channel latest, strategy retag, target npm): an incident on next is undone, the defaults are no contradiction', async () => {
    const pkg = 'byid-next'
    await publishPackage(registry, pkg, ['1.2.2', '1.2.3'], { distTags: { latest: '1.2.2', next: '1.2.3' } })
    const before = await fields(pkg)
    // what the runner sets for inputs the workflow leaves out: action.yml's defaults (github-token's is an expression)
    const doc = parse(readFileSync(join(root, 'action.yml'), 'utf8')) as {
      inputs: Record<string, { default?: string }>
    }
    const defaults = Object.fromEntries(
      Object.entries(doc.inputs).flatMap(([name, spec]) =>
        spec.default !== undefined && spec.default !== '' && name !== 'github-token'
          ? [[name, String(spec.default)]]
          : [],
      ),
    )
    expect(defaults).toMatchObject({ channel: 'latest', strategy: 'retag', target: 'npm' })
    const github = await startGitHubStandin({ token: TOKEN })
    try {
      const first = await runAction(
        {
          ...defaults,
          'rollback-version': '1.2.3',
          'restore-version': '1.2.2',
          channel: 'next',
          reason: 'broken',
          package: pkg,
          registry: registry.url,
          'npm-token': registry.token,
          'github-token': TOKEN,
        },
        { env: env(github, '1') },
      )
      expect(first.outputs.status).toBe('completed')
      expect((await fields(pkg)).distTags).toEqual({ latest: '1.2.2', next: '1.2.2' })
      const undo = await runAction(
        {
          ...defaults,
          undo: 'true',
          'incident-id': first.outputs['incident-id'],
          registry: registry.url,
          'npm-token': registry.token,
          'github-token': TOKEN,
        },
        { env: env(github, '2') },
      )
      expect(undo.stderr).toBe('')
      expect(undo.code).toBe(0)
      expect(undo.outputs.status).toBe('completed')
      expect(await fields(pkg)).toEqual(before)
      expect(github.violations).toEqual([])
    } finally {
      await github.stop()
    }
  })

  it('packages: workspaces, one package without the bad version: the undo by id (in a job without the checkout) finds it not affected again and updates the same report', async () => {
    const names = ['byid-ws-a', 'byid-ws-b', 'byid-ws-c']
    for (const n of names.slice(0, 2)) await publishPackage(registry, n, ['1.2.2', '1.2.3'])
    await publishPackage(registry, names[2], ['1.0.0'])
    const before = await Promise.all(names.map(fields))
    const checkout = mkdtempSync(join(tmpdir(), 'rr-byid-ws-'))
    writeFileSync(join(checkout, 'package.json'), JSON.stringify({ private: true, workspaces: ['packages/*'] }))
    for (const n of names) {
      mkdirSync(join(checkout, 'packages', n), { recursive: true })
      writeFileSync(join(checkout, 'packages', n, 'package.json'), JSON.stringify({ name: n, version: '0.0.0' }))
    }
    const github = await startGitHubStandin({ token: TOKEN })
    try {
      const first = await runAction(
        {
          'rollback-version': '1.2.3',
          reason: 'broken',
          packages: 'workspaces',
          registry: registry.url,
          'npm-token': registry.token,
          'github-token': TOKEN,
        },
        { env: env(github, '1'), cwd: checkout },
      )
      expect(first.outputs.status).toBe('completed')
      const reports = () => Object.keys(github.state.files.main ?? {}).filter((p) => p.startsWith('incidents/'))
      expect(reports()).toEqual(['incidents/rollback-byid-ws-a-and-1-more-1.2.3.md'])
      const undo = await runAction(
        {
          undo: 'true',
          'incident-id': first.outputs['incident-id'],
          registry: registry.url,
          'npm-token': registry.token,
          'github-token': TOKEN,
        },
        { env: env(github, '2') },
      )
      expect(undo.stderr).toBe('')
      expect(undo.outputs.status).toBe('completed')
      expect(
        (JSON.parse(undo.outputs.targets) as Array<{ name: string; outcome: string }>).map((r) => [r.name, r.outcome]),
      ).toEqual([
        ['byid-ws-a', 'rolled-back'],
        ['byid-ws-b', 'rolled-back'],
        ['byid-ws-c', 'not-affected'],
      ])
      expect(await Promise.all(names.map(fields))).toEqual(before)
      expect(reports()).toEqual(['incidents/rollback-byid-ws-a-and-1-more-1.2.3.md'])
      const record = parseReportRecord(
        github.state.files.main['incidents/rollback-byid-ws-a-and-1-more-1.2.3.md'].content,
      )
      expect(record?.runs.map((r) => r.status)).toEqual(['completed', 'undone'])
      expect(github.violations).toEqual([])
    } finally {
      await github.stop()
      rmSync(checkout, { recursive: true, force: true })
    }
  })

  it('a deprecation the rollback replaced is put back (exactly as before), and a second undo leaves it', async () => {
    const pkg = 'byid-replaced'
    await publishPackage(registry, pkg, ['1.2.2', '1.2.3'], {
      deprecated: { '1.2.3': 'known issue with IPv6, see #7' },
    })
    const before = await fields(pkg)
    const github = await startGitHubStandin({ token: TOKEN })
    try {
      const first = await runAction(
        {
          'rollback-version': '1.2.3',
          reason: 'broken',
          package: pkg,
          registry: registry.url,
          'npm-token': registry.token,
          'github-token': TOKEN,
        },
        { env: env(github, '1') },
      )
      expect(first.outputs.status).toBe('completed')
      expect((await fields(pkg)).deprecated['1.2.3']).toBe('1.2.3 was rolled back: broken. Use 1.2.2 instead.')
      const byId = {
        undo: 'true',
        'incident-id': first.outputs['incident-id'],
        registry: registry.url,
        'npm-token': registry.token,
        'github-token': TOKEN,
      }
      const undo = await runAction(byId, { env: env(github, '2') })
      expect(undo.code).toBe(0)
      expect(undo.stdout).toContain(
        '- put back the deprecation of 1.2.3 the rollback replaced ("known issue with IPv6, see #7" instead of "1.2.3 was rolled back: broken. Use 1.2.2 instead.")',
      )
      expect(await fields(pkg)).toEqual(before)
      const report = github.state.files.main[undo.outputs['report-path']].content
      expect(report).toContain('the one the rollback replaced is back after the undo (known issue with IPv6, see \\#7;')
      expect(github.state.issues[0].comments.at(-1)?.body).toContain(
        'put back the deprecation of `1.2.3` that the rollback replaced',
      )
      const again = await runAction(byId, { env: env(github, '3') })
      expect(again.outputs.status).toBe('already-done')
      expect(again.stdout).not.toContain('a person changed it')
      expect(await fields(pkg)).toEqual(before)
      expect(github.violations).toEqual([])
    } finally {
      await github.stop()
    }
  })

  it('a deprecation a person changed after the rollback is not removed, and the run says so; the channel still goes back', async () => {
    const pkg = 'byid-human'
    await publishPackage(registry, pkg, ['1.2.2', '1.2.3'])
    const github = await startGitHubStandin({ token: TOKEN })
    try {
      const first = await runAction(
        {
          'rollback-version': '1.2.3',
          reason: 'broken',
          package: pkg,
          registry: registry.url,
          'npm-token': registry.token,
          'github-token': TOKEN,
        },
        { env: env(github, '1') },
      )
      expect(first.outputs.status).toBe('completed')
      await deprecate(registry, pkg, { '1.2.3': 'Do not use 1.2.3: see #42' })
      const undo = await runAction(
        {
          undo: 'true',
          'incident-id': first.outputs['incident-id'],
          registry: registry.url,
          'npm-token': registry.token,
          'github-token': TOKEN,
        },
        { env: env(github, '2') },
      )
      expect(undo.code).toBe(0)
      expect(undo.outputs.status).toBe('completed')
      expect(undo.stdout).toContain(
        '::warning::undo: 1.2.3 is deprecated with another message than the one this rollback wrote ("Do not use 1.2.3: see #42"): a person changed it, so it is kept.',
      )
      expect(await fields(pkg)).toEqual({
        distTags: { latest: '1.2.3' },
        deprecated: { '1.2.2': null, '1.2.3': 'Do not use 1.2.3: see #42' },
      })
      expect(github.state.issues[0].comments.at(-1)?.body).toContain(
        'kept the deprecation of `1.2.3`: a person changed its message',
      )
      expect(github.violations).toEqual([])
    } finally {
      await github.stop()
    }
  })

  it('the deprecation compared is the recorded one: an undo with the same versions but another reason and template removes exactly what the rollback wrote', async () => {
    const pkg = 'byid-recorded-message'
    await publishPackage(registry, pkg, ['1.2.2', '1.2.3'])
    const before = await fields(pkg)
    const github = await startGitHubStandin({ token: TOKEN })
    try {
      const inputs = {
        'rollback-version': '1.2.3',
        package: pkg,
        registry: registry.url,
        'npm-token': registry.token,
        'github-token': TOKEN,
      }
      expect((await runAction({ ...inputs, reason: 'broken' }, { env: env(github, '1') })).outputs.status).toBe(
        'completed',
      )
      // rebuilt from these inputs the message would be "1.2.3: another reason (1.2.2)": the undo must not go by it
      const undo = await runAction(
        { ...inputs, reason: 'another reason', 'deprecation-message': '{version}: {reason} ({restore})', undo: 'true' },
        { env: env(github, '2') },
      )
      expect(undo.code).toBe(0)
      expect(undo.outputs.status).toBe('completed')
      expect(undo.stdout).toContain(
        '- remove the deprecation of 1.2.3 ("1.2.3 was rolled back: broken. Use 1.2.2 instead.")',
      )
      expect(await fields(pkg)).toEqual(before)
      expect(github.violations).toEqual([])
    } finally {
      await github.stop()
    }
  })

  it('an unknown incident-id is an error naming incident-id; nothing is written to the registry or GitHub', async () => {
    const pkg = 'byid-unknown'
    await publishPackage(registry, pkg, ['1.2.2', '1.2.3'])
    const github = await startGitHubStandin({ token: TOKEN })
    try {
      await runAction(
        {
          'rollback-version': '1.2.3',
          reason: 'broken',
          package: pkg,
          registry: registry.url,
          'npm-token': registry.token,
          'github-token': TOKEN,
        },
        { env: env(github, '1') },
      )
      const registryBefore = await snapshot(registry, pkg)
      const githubWrites = writes(github)
      const undo = await runAction(
        {
          undo: 'true',
          'incident-id': 'rr-0123456789abcdef',
          registry: registry.url,
          'npm-token': registry.token,
          'github-token': TOKEN,
        },
        { env: env(github, '2') },
      )
      expect(undo.code).not.toBe(0)
      expect(undo.outputs.status).toBe('failed')
      expect(undo.stdout).toMatch(
        /::error::Input 'incident-id': rr-0123456789abcdef: no record of this incident was found in the reports under incidents\/ of acme\/widget and its tracking issues labelled rollback, so nothing was changed\. Fix: check the id/,
      )
      expect(await snapshot(registry, pkg)).toBe(registryBefore)
      expect(writes(github)).toBe(githubWrites)
      expect(github.violations).toEqual([])
    } finally {
      await github.stop()
    }
  })

  it('an input given with incident-id that contradicts the record is refused, naming it; nothing is written', async () => {
    const pkg = 'byid-contradiction'
    await publishPackage(registry, pkg, ['1.2.1', '1.2.2', '1.2.3'])
    const github = await startGitHubStandin({ token: TOKEN })
    try {
      const first = await runAction(
        {
          'rollback-version': '1.2.3',
          reason: 'broken',
          package: pkg,
          registry: registry.url,
          'npm-token': registry.token,
          'github-token': TOKEN,
        },
        { env: env(github, '1') },
      )
      const registryBefore = await snapshot(registry, pkg)
      const githubWrites = writes(github)
      const byId = {
        undo: 'true',
        'incident-id': first.outputs['incident-id'],
        registry: registry.url,
        'npm-token': registry.token,
        'github-token': TOKEN,
      }
      const wrongVersion = await runAction({ ...byId, 'rollback-version': '1.2.2' }, { env: env(github, '2') })
      expect(wrongVersion.code).not.toBe(0)
      expect(wrongVersion.stdout).toContain(
        `::error::Input 'rollback-version': is 1.2.2, but incident ${first.outputs['incident-id']} (incidents/rollback-byid-contradiction-1.2.3.md on acme/widget@main) rolled back 1.2.3.`,
      )
      const wrongPackage = await runAction({ ...byId, package: 'byid-other' }, { env: env(github, '3') })
      expect(wrongPackage.code).not.toBe(0)
      expect(wrongPackage.stdout).toContain("::error::Input 'package': names npm:byid-other, but incident")
      const wrongChannel = await runAction({ ...byId, channel: 'next' }, { env: env(github, '4') })
      expect(wrongChannel.stdout).toContain("::error::Input 'channel': is next, but incident")
      // the same values are no contradiction
      const same = await runAction(
        { ...byId, 'rollback-version': 'v1.2.3', package: pkg, channel: 'latest', 'dry-run': 'true' },
        { env: env(github, '5') },
      )
      expect(same.code).toBe(0)
      expect(same.outputs.status).toBe('planned')
      expect(await snapshot(registry, pkg)).toBe(registryBefore)
      expect(writes(github)).toBe(githubWrites)
      expect(github.violations).toEqual([])
    } finally {
      await github.stop()
    }
  })

  it('without a committed report (commit-report: false) the record comes from the tracking issue; a record someone else commented is ignored', async () => {
    const pkg = 'byid-issue-only'
    await publishPackage(registry, pkg, ['1.2.2', '1.2.3'])
    const before = await fields(pkg)
    const github = await startGitHubStandin({ token: TOKEN, users: { ghp_mallory: 'mallory' } })
    try {
      const inputs = {
        registry: registry.url,
        'npm-token': registry.token,
        'github-token': TOKEN,
        'commit-report': 'false',
      }
      const first = await runAction(
        { ...inputs, 'rollback-version': '1.2.3', reason: 'broken', package: pkg },
        { env: env(github, '1') },
      )
      expect(first.outputs.status).toBe('completed')
      expect(Object.keys(github.state.files.main ?? {}).filter((p) => p.startsWith('incidents/'))).toEqual([])
      const id = first.outputs['incident-id']
      // someone else's comment carrying a record that claims another message: not trusted
      const issue = github.state.issues[0]
      const forged = parseReportRecord(`${issue.body}`) as IncidentRecord
      expect(forged.incidentId).toBe(id)
      const { encodeRecord } = await import('../../src/github/record.js')
      const res = await fetch(`${github.url}/repos/acme/widget/issues/${issue.number}/comments`, {
        method: 'POST',
        headers: { authorization: 'token ghp_mallory', 'content-type': 'application/json' },
        body: JSON.stringify({
          body: encodeRecord({ ...forged, deprecationMessage: 'something else', previousVersion: '1.2.2' }),
        }),
      })
      expect(res.status).toBe(201)
      const undo = await runAction({ ...inputs, undo: 'true', 'incident-id': id }, { env: env(github, '2') })
      expect(undo.code).toBe(0)
      expect(undo.outputs.status).toBe('completed')
      expect(undo.stdout).toContain(`Undo of incident ${id}: its record is the tracking issue #${issue.number}.`)
      expect(await fields(pkg)).toEqual(before)
      expect(github.violations).toEqual([])
    } finally {
      await github.stop()
    }
  })
})

describe('undo by incident-id of every place a release lives (npm, docker, git-tag; the built action)', () => {
  it('the record names each target; incident-id alone puts every channel back, and a second undo writes nothing', async () => {
    requireRegistryBinaries()
    const docker = await startDockerRegistry({ auth: 'htpasswd' })
    const github = await startGitHubStandin({ token: TOKEN })
    try {
      await publishPackage(registry, 'byid-mixed', ['1.2.2', '1.2.3'])
      const before = await fields('byid-mixed')
      const client = fixtureClient(docker)
      const images = await pushRelease(client, 'acme/byid', ['1.2.2', '1.2.3'], { kind: 'index', prefix: 'v' })
      const imagesBefore = await client.snapshot('acme/byid')
      const commits: Record<string, string> = {}
      for (const v of ['1.2.2', '1.2.3']) {
        commits[v] = github.tags.addCommit({ message: `release ${v}`, date: '2026-10-01T00:00:00Z' })
        github.tags.createTag(`v${v}`, commits[v])
      }
      github.tags.createTag('v1', commits['1.2.3'])
      // the adapters' own settings (where and how to log in, the tag prefix) are still inputs: the record names no credentials
      const settings = {
        'tag-prefix': 'v',
        registry: registry.url,
        'npm-token': registry.token,
        'registry-username': docker.user,
        'registry-password': docker.password,
        'github-token': TOKEN,
      }
      const first = await runAction(
        {
          ...settings,
          targets: ['npm:byid-mixed', `docker:${docker.host}/acme/byid`, 'git-tag:v1'].join('\n'),
          'rollback-version': '1.2.3',
          reason: 'broken',
        },
        { env: env(github, '1') },
      )
      expect(first.outputs.status).toBe('completed')
      expect(github.tags.commitOf('v1')).toBe(commits['1.2.2'])
      expect(await skopeoRaw(docker, 'acme/byid:latest')).toEqual(images['1.2.2'].bytes)

      const byId = { ...settings, undo: 'true', 'incident-id': first.outputs['incident-id'] }
      const undo = await runAction(byId, { env: env(github, '2') })
      expect(undo.stderr).toBe('')
      expect(undo.code).toBe(0)
      expect(undo.outputs.status).toBe('completed')
      const rows = JSON.parse(undo.outputs.targets) as Array<Record<string, unknown>>
      expect(rows.map((r) => [r.kind, r.name, r.outcome, r.restored, r.moved])).toEqual([
        ['npm', 'byid-mixed', 'rolled-back', '1.2.3', true],
        ['docker', `${docker.host}/acme/byid`, 'rolled-back', '1.2.3', true],
        ['git-tag', 'v1', 'rolled-back', '1.2.3', true],
      ])
      expect(await fields('byid-mixed')).toEqual(before)
      expect(await skopeoRaw(docker, 'acme/byid:latest')).toEqual(images['1.2.3'].bytes)
      expect(await client.snapshot('acme/byid')).toEqual(imagesBefore)
      expect(github.tags.commitOf('v1')).toBe(commits['1.2.3'])

      const patches = github.requests.filter((r) => r.method === 'PATCH').length
      const again = await runAction(byId, { env: env(github, '3') })
      expect(again.code).toBe(0)
      expect(again.outputs.status).toBe('already-done')
      expect(github.requests.filter((r) => r.method === 'PATCH')).toHaveLength(patches)
      expect(await fields('byid-mixed')).toEqual(before)
      expect(await client.snapshot('acme/byid')).toEqual(imagesBefore)
      expect(github.violations).toEqual([])
    } finally {
      await github.stop()
      await docker.stop()
    }
  })
})

describe('undo by incident-id of a Helm release (the helm stand-in)', () => {
  it('the record read back from the report text names the release and versions; the undo rolls forward to the bad version again, a second one writes nothing', async () => {
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
      const helm = (req: typeof i) => [
        {
          kind: 'helm' as const,
          name: 'prod/acme',
          channel: req.channel,
          target: new HelmTarget({
            release: 'acme',
            namespace: 'prod',
            match: 'app-version',
            timeout: '5m',
            helmPath: s.path,
            request: req,
            log: quiet,
          }),
        },
      ]
      const rollback = await runIncident(i, helm(i), quiet)
      expect(rollback.status).toBe('completed')
      const ctx = { repository: 'acme/widget', serverUrl: 'https://github.com' }
      const record = parseReportRecord(
        renderReport(buildRecord(rollback, i, { severity: 'high' }, ctx, '2026-11-29T10:00:00.000Z'), ctx, undefined),
      ) as IncidentRecord
      const inputs = readInputs((n) => ({ undo: 'true', 'incident-id': rollback.incidentId })[n] ?? '', {})
      const req = undoInputs(inputs, record, 'the report')
      expect(req).toMatchObject({
        targets: [{ kind: 'helm', name: 'prod/acme' }],
        rollbackVersion: '1.2.3',
        restoreVersion: '1.2.2',
        channel: HELM_CHANNEL,
        deprecate: false,
      })
      const undo = await runIncident(req, helm(req), quiet)
      expect(undo.status).toBe('completed')
      expect(undo.incidentId).toBe(rollback.incidentId)
      const history = s.history('prod/acme')
      expect(history.at(-1)).toMatchObject({ status: 'deployed', app_version: '1.2.3' })
      const again = await runIncident(req, helm(req), quiet)
      expect(again.status).toBe('already-done')
      expect(s.history('prod/acme')).toHaveLength(history.length)
    } finally {
      rmSync(s.dir, { recursive: true, force: true })
    }
  })
})

describe('the command line with --undo --incident-id', () => {
  function cli(
    cwd: string,
    args: string[],
    env: Record<string, string>,
  ): Promise<{ code: number | null; stdout: string; stderr: string }> {
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
  function checkout(): string {
    const cwd = mkdtempSync(join(tmpdir(), 'rr-undo-id-cli-'))
    execFileSync('git', ['init', '-q'], { cwd })
    return cwd
  }

  it('with --repo and GITHUB_TOKEN: the record is read on GitHub; --incident-id alone undoes, a second time changes nothing', async () => {
    expect(existsSync(join(root, 'dist', 'cli', 'index.js'))).toBe(true)
    const pkg = 'byid-cli-github'
    await publishPackage(registry, pkg, ['1.2.2', '1.2.3'])
    const before = await fields(pkg)
    const github = await startGitHubStandin({ token: TOKEN })
    const cwd = checkout()
    try {
      const envs = { NPM_TOKEN: registry.token, GITHUB_TOKEN: TOKEN, GITHUB_API_URL: github.url }
      const first = await cli(
        cwd,
        [
          '--package',
          pkg,
          '--rollback',
          '1.2.3',
          '--reason',
          'broken',
          '--registry',
          registry.url,
          '--repo',
          'acme/widget',
          '--yes',
          '--json',
        ],
        envs,
      )
      expect(first.code).toBe(0)
      const id = (JSON.parse(first.stdout) as { incidentId: string }).incidentId
      const undo = await cli(
        cwd,
        ['--undo', '--incident-id', id, '--registry', registry.url, '--repo', 'acme/widget', '--yes'],
        envs,
      )
      expect(undo.stderr).toBe('')
      expect(undo.code).toBe(0)
      expect(undo.stdout).toContain("- move dist-tag 'latest' back: 1.2.2 -> 1.2.3 (the bad version, as undo asks)")
      expect(undo.stdout).toContain(
        '- remove the deprecation of 1.2.3 ("1.2.3 was rolled back: broken. Use 1.2.2 instead.")',
      )
      expect(undo.stdout).toContain('Undone.')
      expect(await fields(pkg)).toEqual(before)
      expect(github.state.issues[0].comments.at(-1)?.body).toContain('### ↩️ Undone')
      const again = await cli(
        cwd,
        ['--undo', '--incident-id', id, '--registry', registry.url, '--repo', 'acme/widget', '--yes', '--json'],
        envs,
      )
      expect(again.code).toBe(0)
      expect(JSON.parse(again.stdout)).toMatchObject({ status: 'already-done', undo: true, incidentId: id })
      expect(await fields(pkg)).toEqual(before)
      expect(github.violations).toEqual([])
    } finally {
      await github.stop()
      rmSync(cwd, { recursive: true, force: true })
    }
  })

  it('without --repo: the record is the report the CLI wrote into the checkout; an unknown id exits 2 and changes nothing', async () => {
    const pkg = 'byid-cli-local'
    await publishPackage(registry, pkg, ['1.2.2', '1.2.3'])
    const before = await fields(pkg)
    const cwd = checkout()
    try {
      const envs = { NPM_TOKEN: registry.token }
      const first = await cli(
        cwd,
        ['--package', pkg, '--rollback', '1.2.3', '--reason', 'broken', '--registry', registry.url, '--yes', '--json'],
        envs,
      )
      expect(first.code).toBe(0)
      const id = (JSON.parse(first.stdout) as { incidentId: string }).incidentId
      expect(readdirSync(join(cwd, 'incidents'))).toEqual([`rollback-${pkg}-1.2.3.md`])

      const rolledBack = await snapshot(registry, pkg)
      const unknown = await cli(
        cwd,
        ['--undo', '--incident-id', 'rr-ffffffffffffffff', '--registry', registry.url, '--yes'],
        envs,
      )
      expect(unknown.code).toBe(2)
      expect(unknown.stderr).toMatch(
        /^--incident-id: rr-ffffffffffffffff: no record of this incident was found in the reports under incidents\/ of .*, so nothing was changed\./,
      )
      expect(await snapshot(registry, pkg)).toBe(rolledBack)

      const undo = await cli(cwd, ['--undo', '--incident-id', id, '--registry', registry.url, '--yes'], envs)
      expect(undo.code).toBe(0)
      expect(undo.stdout).toContain(`Undo of incident ${id}: its record is incidents/rollback-${pkg}-1.2.3.md on `)
      expect(undo.stdout).toContain('Undone.')
      expect(await fields(pkg)).toEqual(before)
      // the local report records the undo too
      const record = parseReportRecord(readFileSync(join(cwd, 'incidents', `rollback-${pkg}-1.2.3.md`), 'utf8'))
      expect(record?.runs.map((r) => r.status)).toEqual(['completed', 'undone'])
    } finally {
      rmSync(cwd, { recursive: true, force: true })
    }
  })

  it('several packages: an undo whose un-deprecation fails once keeps the replaced message in the record; the re-run puts it back', async () => {
    const names = ['byid-refail-a', 'byid-refail-b']
    await publishPackage(registry, names[0], ['1.2.2', '1.2.3'], {
      deprecated: { '1.2.3': 'known issue with IPv6, see #7' },
    })
    await publishPackage(registry, names[1], ['1.2.2', '1.2.3'])
    const before = await Promise.all(names.map(fields))
    const proxy = await startFaultProxy(registry.url)
    const cwd = gitCheckout('rr-undo-refail-')
    try {
      const env = { NPM_TOKEN: registry.token }
      const first = await runCli(
        [
          '--packages',
          names.join(','),
          '--rollback',
          '1.2.3',
          '--reason',
          'broken',
          '--registry',
          proxy.url,
          '--yes',
          '--json',
        ],
        { cwd, env },
      )
      expect(first.code).toBe(0)
      expect((await fields(names[0])).deprecated['1.2.3']).toBe('1.2.3 was rolled back: broken. Use 1.2.2 instead.')
      const id = (JSON.parse(first.stdout) as { incidentId: string }).incidentId
      // the undo's document PUT for the first package is refused once (the registry never sees it)
      proxy.inject({ method: 'PUT', path: new RegExp(`^/${escapeName(names[0])}$`), action: 'respond', status: 403 })
      const undo = ['--undo', '--incident-id', id, '--registry', proxy.url, '--yes']
      const failed = await runCli(undo, { cwd, env })
      expect(failed.code).not.toBe(0)
      expect((await fields(names[0])).deprecated['1.2.3']).toBe('1.2.3 was rolled back: broken. Use 1.2.2 instead.')
      const again = await runCli(undo, { cwd, env })
      expect(again.stdout).toContain(
        '- put back the deprecation of 1.2.3 the rollback replaced ("known issue with IPv6, see #7" instead of "1.2.3 was rolled back: broken. Use 1.2.2 instead.")',
      )
      expect(again.code).toBe(0)
      expect(await Promise.all(names.map(fields))).toEqual(before)
    } finally {
      await proxy.stop()
      rmSync(cwd, { recursive: true, force: true })
    }
  })

  it('--help names --incident-id', async () => {
    const run = await cli(tmpdir(), ['--help'], {})
    expect(run.stdout).toMatch(/--incident-id <id> +with --undo: the incident to undo/)
  })
})

// ---------------------------------------------------------------------------------------
// pure: the inputs, the record read back, the plan

describe('incident-id input (pure)', () => {
  const get = (map: Record<string, string>) => (name: string) => map[name] ?? ''
  it('needs undo: true, names incident-id and the fix', () => {
    const e = inputErrorOf(() => readInputs(get({ 'incident-id': 'rr-0123456789abcdef' }), {}))
    expect(e.input).toBe('incident-id')
    expect(e.message).toMatch(/is set without undo/)
    expect(e.fix).toMatch(/set undo: true/)
  })
  it('refuses what is not an incident id', () => {
    const e = inputErrorOf(() => readInputs(get({ undo: 'true', 'incident-id': 'latest; rm -rf /' }), {}))
    expect(e.input).toBe('incident-id')
    expect(e.message).toMatch(/is not an incident id/)
  })
  it('alone with undo: no rollback-version, package, reason or npm-token needed yet; the given inputs are kept for the check against the record', () => {
    const inputs = readInputs(get({ undo: 'true', 'incident-id': 'RR-0123456789ABCDEF ' }), {})
    expect(inputs.undoById).toEqual({ incidentId: 'rr-0123456789abcdef', given: {} })
    expect(inputs.rollbackVersion).toBe('')
    const given = readInputs(
      get({
        undo: 'true',
        'incident-id': 'rr-0123456789abcdef',
        'rollback-version': 'v1.2.3',
        channel: 'next',
        package: 'acme-widget',
        'npm-token': 't',
      }),
      {},
    )
    expect(given.undoById?.given).toEqual({
      rollbackVersion: '1.2.3',
      channel: 'next',
      targets: { input: 'package', targets: [{ kind: 'npm', name: 'acme-widget' }] },
    })
  })
  it('still needs the exact bad version: not current', () => {
    expect(
      inputErrorOf(() =>
        readInputs(
          get({
            undo: 'true',
            'incident-id': 'rr-0123456789abcdef',
            'rollback-version': 'current',
            'published-after': '2026-01-01T00:00:00Z',
          }),
          {},
        ),
      ).input,
    ).toBe('rollback-version')
  })
})

const baseRecord: IncidentRecord = {
  format: 1,
  incidentId: 'rr-0123456789abcdef',
  packageName: 'core and 1 more',
  channel: 'latest',
  rollbackVersion: '1.2.3',
  restoreVersion: 'last known good of each',
  deprecationMessage: 'core msg',
  tagsBefore: {},
  tagsAfter: {},
  severity: 'high',
  reason: 'broken',
  strategy: 'retag',
  packages: [
    {
      name: 'core',
      previousVersion: '1.2.3',
      restoreVersion: '1.2.2',
      deprecationMessage: '1.2.3 bad; use 1.2.2',
      outcome: 'rolled-back',
    },
    { name: 'cli', previousVersion: '1.2.3', restoreVersion: '1.2.1', outcome: 'rolled-back' },
    {
      name: 'ghcr.io/acme/app',
      kind: 'docker',
      previousVersion: '1.2.3',
      restoreVersion: '1.2.2',
      outcome: 'rolled-back',
    },
    { name: 'docs', outcome: 'not-affected' },
  ],
  runs: [],
  timeline: [],
  warnings: [],
}

describe('the record read back for an undo (pure)', () => {
  it('a row per planned target, each with its own message; a row the rollback never planned is left out', () => {
    const rec = recordedIncident(baseRecord, 'the report')
    expect(rec.notAffected).toEqual(['docs'])
    expect(rec.targets).toEqual([
      {
        kind: 'npm',
        name: 'core',
        channel: 'latest',
        previousVersion: '1.2.3',
        wrote: '1.2.2',
        restoreVersion: '1.2.2',
        deprecationMessage: '1.2.3 bad; use 1.2.2',
      },
      // an older row without its own message, and the npm rows name different versions: no message is known for it
      {
        kind: 'npm',
        name: 'cli',
        channel: 'latest',
        previousVersion: '1.2.3',
        wrote: '1.2.1',
        restoreVersion: '1.2.1',
        deprecationMessage: undefined,
      },
      {
        kind: 'docker',
        name: 'ghcr.io/acme/app',
        channel: 'latest',
        previousVersion: '1.2.3',
        wrote: '1.2.2',
        restoreVersion: '1.2.2',
        deprecationMessage: undefined,
      },
    ])
  })
  it('builds the inputs from the record, and refuses a contradicting target list naming the input given', () => {
    const inputs = readInputs(
      (n) => ({ undo: 'true', 'incident-id': 'rr-0123456789abcdef', 'npm-token': 't' })[n] ?? '',
      {},
    )
    const req = undoInputs(inputs, baseRecord, 'the report')
    // docs lacked the bad version (packages: workspaces): it comes along, to be found not affected again
    expect(req.targets).toEqual([
      { kind: 'npm', name: 'core' },
      { kind: 'npm', name: 'cli' },
      { kind: 'docker', name: 'ghcr.io/acme/app' },
      { kind: 'npm', name: 'docs' },
    ])
    expect(req).toMatchObject({
      rollbackVersion: '1.2.3',
      restoreVersion: undefined,
      channel: 'latest',
      reason: 'broken',
      packageNames: ['core', 'cli', 'docs'],
      fromWorkspaces: true,
    })
    const packages = readInputs(
      (n) => ({ undo: 'true', 'incident-id': 'rr-0123456789abcdef', 'npm-token': 't', packages: 'core,cli' })[n] ?? '',
      {},
    )
    const e = inputErrorOf(() => undoInputs(packages, baseRecord, 'the report'))
    expect(e.input).toBe('packages')
    expect(e.problem).toBe(
      'names npm:cli, npm:core, but incident rr-0123456789abcdef (the report) rolled back docker:ghcr.io/acme/app, npm:cli, npm:core, npm:docs.',
    )
  })
  it('an npm incident needs the npm token once the record says so (not in a dry run)', () => {
    const inputs = readInputs((n) => ({ undo: 'true', 'incident-id': 'rr-0123456789abcdef' })[n] ?? '', {})
    expect(inputErrorOf(() => undoInputs(inputs, baseRecord, 'the report')).input).toBe('npm-token')
    const dry = readInputs(
      (n) => ({ undo: 'true', 'incident-id': 'rr-0123456789abcdef', 'dry-run': 'true' })[n] ?? '',
      {},
    )
    expect(undoInputs(dry, baseRecord, 'the report').dryRun).toBe(true)
  })
})

describe('planUndo with the record (pure)', () => {
  const req = {
    packageName: 'w',
    rollbackVersion: '1.2.3',
    channel: 'latest',
    reason: 'another',
    deprecate: true,
    deprecationMessage: '{version} rebuilt',
    force: false,
  }
  const state = (latest: string | undefined, deprecated?: string): PackageState => ({
    name: 'w',
    distTags: latest ? { latest } : {},
    versions: { '1.2.1': {}, '1.2.2': {}, '1.2.3': deprecated ? { deprecated } : {} },
  })
  const record = {
    incidentId: 'rr-0123456789abcdef',
    previousVersion: '1.2.3',
    wrote: '1.2.2',
    restoreVersion: '1.2.2',
    deprecationMessage: 'what the rollback wrote',
  }
  it('compares the deprecation with the recorded message, not the one the inputs render', () => {
    expect(planUndo({ ...req, record }, state('1.2.2', 'what the rollback wrote')).deprecation).toEqual({
      kind: 'undeprecate',
      message: 'what the rollback wrote',
    })
    expect(planUndo({ ...req, record }, state('1.2.2', '1.2.3 rebuilt')).deprecation).toEqual({
      kind: 'kept',
      message: 'what the rollback wrote',
      current: '1.2.3 rebuilt',
    })
    expect(planUndo(req, state('1.2.2', '1.2.3 rebuilt')).deprecation.kind).toBe('undeprecate')
  })
  it('a message the rollback replaced is put back, and once back counts as done', () => {
    const replaced = { ...record, deprecationBefore: 'an older note' }
    expect(planUndo({ ...req, record: replaced }, state('1.2.2', 'what the rollback wrote')).deprecation).toEqual({
      kind: 'undeprecate',
      message: 'what the rollback wrote',
      restoreTo: 'an older note',
    })
    const again = planUndo({ ...req, record: replaced }, state('1.2.3', 'an older note'))
    expect(again.deprecation).toEqual({ kind: 'already', message: 'what the rollback wrote' })
    expect(again.warnings).toEqual([])
  })
  it('no recorded message (the rollback wrote none): a deprecation there is kept and said plainly', () => {
    const plan = planUndo(
      { ...req, record: { ...record, deprecationMessage: undefined } },
      state('1.2.2', 'a person wrote this'),
    )
    expect(plan.deprecation).toEqual({ kind: 'off' })
    expect(plan.warnings).toContain(
      'undo: 1.2.3 is deprecated ("a person wrote this"), but the incident record holds no deprecation written by this tool, so it is kept.',
    )
  })
  it("the channel goes back to where the incident found it, with the record's incident id", () => {
    const forced = planUndo({ ...req, record: { ...record, previousVersion: '1.2.1' } }, state('1.2.2'))
    expect(forced.tag).toEqual({ kind: 'move', from: '1.2.2', to: '1.2.1' })
    expect(forced.foundVersion).toBe('1.2.1')
    expect(forced.incidentId).toBe('rr-0123456789abcdef')
    const created = planUndo({ ...req, record: { ...record, previousVersion: undefined } }, state('1.2.2'))
    expect(created.tag).toEqual({ kind: 'keep-newer', holder: '1.2.2' })
    expect(created.warnings.join('\n')).toMatch(/did not exist before the rollback .* left on 1\.2\.2/)
  })
})
