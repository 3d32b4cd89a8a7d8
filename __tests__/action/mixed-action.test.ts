// One release, every place it lives, through the built action: two npm packages on a
// real Verdaccio, an image on the real docker-registry (read back with skopeo) and the
// moving git tag v1 on the GitHub stand-in (every request checked against the OpenAPI
// description), rolled back in one run with one tracking issue, one report and the
// `targets` output.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { startDockerRegistry, type DockerRegistry } from '../support/docker-registry.mjs'
import { publishPackage } from '../support/fixtures.mjs'
import { startGitHubStandin, type GitHubStandin } from '../support/github-standin.mjs'
import { npmView } from '../support/npm-cli.mjs'
import { fixtureClient, pushRelease, skopeoRaw } from '../support/oci-fixtures.mjs'
import { runAction } from '../support/run-action.mjs'
import { startVerdaccio, type Registry } from '../support/verdaccio.mjs'

let registry: Registry
let docker: DockerRegistry
let github: GitHubStandin
beforeAll(async () => {
  ;[registry, docker, github] = await Promise.all([
    startVerdaccio(),
    startDockerRegistry({ auth: 'htpasswd' }),
    startGitHubStandin({ token: 'ghs_mixed' }),
  ])
})
afterAll(async () => {
  await github?.stop()
  await docker?.stop()
  await registry?.stop()
})

describe('targets: npm, docker and git-tag in one incident', () => {
  it('rolls back every place the release lives, with one issue, one report and a row per target', async () => {
    await publishPackage(registry, '@acme/core', ['1.2.2', '1.2.3'])
    await publishPackage(registry, '@acme/cli', ['1.2.2', '1.2.3'])
    const images = await pushRelease(fixtureClient(docker), 'acme/app', ['1.2.2', '1.2.3'], {
      kind: 'index',
      prefix: 'v',
    })
    const commits: Record<string, string> = {}
    for (const v of ['1.2.2', '1.2.3']) {
      commits[v] = github.tags.addCommit({ message: `release ${v}`, date: '2026-10-01T00:00:00Z' })
      github.tags.createTag(`v${v}`, commits[v])
    }
    github.tags.createTag('v1', commits['1.2.3'])

    const inputs = {
      targets: [
        'npm:@acme/core',
        'npm:@acme/cli',
        `docker:${docker.host}/acme/app`,
        '# the action authors move v1',
        'git-tag:v1',
      ].join('\n'),
      'rollback-version': '1.2.3',
      'tag-prefix': 'v',
      reason: 'Shared serializer corrupts data',
      registry: registry.url,
      'npm-token': registry.token,
      'registry-username': docker.user,
      'registry-password': docker.password,
      'github-token': 'ghs_mixed',
    }
    const env = {
      GITHUB_API_URL: github.url,
      GITHUB_REPOSITORY: 'acme/widget',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_RUN_ID: '11',
      GITHUB_RUN_ATTEMPT: '1',
    }
    const run = await runAction(inputs, { env })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.outputs.status).toBe('completed')

    // every place, read back with its own client
    expect(await npmView(registry.url, '@acme/core', 'dist-tags.latest')).toBe('1.2.2')
    expect(await npmView(registry.url, '@acme/cli', 'dist-tags.latest')).toBe('1.2.2')
    expect(await npmView(registry.url, '@acme/core@1.2.3', 'deprecated')).toMatch(/Use 1\.2\.2 instead\.$/)
    expect(await skopeoRaw(docker, 'acme/app:latest')).toEqual(images['1.2.2'].bytes)
    expect(github.tags.commitOf('v1')).toBe(commits['1.2.2'])

    const rows = JSON.parse(run.outputs.targets) as Array<Record<string, unknown>>
    expect(rows.map((r) => [r.kind, r.name, r.outcome, r.previous, r.restored, r.moved])).toEqual([
      ['npm', '@acme/core', 'rolled-back', '1.2.3', '1.2.2', true],
      ['npm', '@acme/cli', 'rolled-back', '1.2.3', '1.2.2', true],
      ['docker', `${docker.host}/acme/app`, 'rolled-back', '1.2.3', '1.2.2', true],
      ['git-tag', 'v1', 'rolled-back', '1.2.3', '1.2.2', true],
    ])
    // packages keeps its meaning: the npm ones
    expect((JSON.parse(run.outputs.packages) as Array<{ name: string }>).map((p) => p.name)).toEqual([
      '@acme/core',
      '@acme/cli',
    ])

    // one issue and one report, a row per target
    const issues = github.state.issues.filter((i) => !i.pull_request)
    expect(issues).toHaveLength(1)
    for (const name of ['@acme/core', '@acme/cli', `${docker.host}/acme/app`, 'v1'])
      expect(issues[0].body).toContain(name)
    const reports = Object.keys(github.state.files.main ?? {}).filter((k) => k.startsWith('incidents/'))
    expect(reports).toHaveLength(1)
    expect(run.outputs['issue-number']).toBe(String(issues[0].number))
    expect(github.violations).toEqual([])

    // the re-run changes nothing anywhere and comments once
    const again = await runAction(inputs, { env: { ...env, GITHUB_RUN_ATTEMPT: '2' } })
    expect(again.code).toBe(0)
    expect(again.outputs.status).toBe('already-done')
    expect(github.state.issues.filter((i) => !i.pull_request)).toHaveLength(1)
    expect(github.violations).toEqual([])
  })

  it('a bad line names the targets input and writes nothing', async () => {
    const run = await runAction({
      targets: 'npm:@acme/core\nrpm:acme',
      'rollback-version': '1.2.3',
      reason: 'x',
      registry: registry.url,
      'npm-token': registry.token,
      'create-issue': 'false',
      'commit-report': 'false',
    })
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(/::error::Input 'targets': /)
  })
})
