// Issue 23's mixed incident, through the built action: an npm package on a real Verdaccio, an
// image on the real docker-registry (read back with skopeo) and a GitOps values file on the GitHub
// stand-in (every request checked against the OpenAPI description), rolled back in one run with one
// tracking issue; the values file keeps every byte but the tag's.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { startDockerRegistry, type DockerRegistry } from '../../support/docker-registry.mjs'
import { publishPackage } from '../../support/fixtures.mjs'
import { startGitHubStandin, type GitHubStandin } from '../../support/github-standin.mjs'
import { npmView } from '../../support/npm-cli.mjs'
import { fixtureClient, pushRelease, skopeoRaw } from '../../support/oci-fixtures.mjs'
import { runAction } from '../../support/run-action.mjs'
import { startVerdaccio, type Registry } from '../../support/verdaccio.mjs'

const PATH = 'deploy/prod/values.yaml'
const values = (tag: string) => `# prod values: CI bumps image.tag
image:
  repository: ghcr.io/acme/app # the image
  tag: '${tag}'

replicas: 3   # keep
`

let registry: Registry
let docker: DockerRegistry
let github: GitHubStandin
beforeAll(async () => {
  ;[registry, docker, github] = await Promise.all([
    startVerdaccio(),
    startDockerRegistry({ auth: 'htpasswd' }),
    startGitHubStandin({ token: 'ghs_mixed', files: { [PATH]: values('1.2.2') } }),
  ])
  // the release bumped the file to the bad version
  const headers = { authorization: 'token ghs_mixed', 'content-type': 'application/json' }
  const at = `${github.url}/repos/acme/widget/contents/${PATH}`
  const { sha } = (await (await fetch(at, { headers })).json()) as { sha: string }
  const put = await fetch(at, {
    method: 'PUT',
    headers,
    body: JSON.stringify({ message: 'Release 1.2.3', sha, content: Buffer.from(values('1.2.3')).toString('base64') }),
  })
  expect(put.status).toBe(200)
})
afterAll(async () => {
  await github?.stop()
  await docker?.stop()
  await registry?.stop()
})

describe('gitops with npm and an image in one incident', () => {
  it('rolls back all three in one run, with one issue, and only the tag changes in the values file', async () => {
    await publishPackage(registry, '@acme/core', ['1.2.2', '1.2.3'])
    const images = await pushRelease(fixtureClient(docker), 'acme/app', ['1.2.2', '1.2.3'], {
      kind: 'index',
      prefix: 'v',
    })
    const inputs = {
      targets: ['npm:@acme/core', `docker:${docker.host}/acme/app`, `gitops:${PATH}#image.tag`].join('\n'),
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
      GITHUB_RUN_ID: '23',
      GITHUB_RUN_ATTEMPT: '1',
    }
    const run = await runAction(inputs, { env })
    expect(run.stderr).toBe('')
    expect([run.code, run.outputs.status]).toEqual([0, 'completed'])

    expect(await npmView(registry.url, '@acme/core', 'dist-tags.latest')).toBe('1.2.2')
    expect(await skopeoRaw(docker, 'acme/app:latest')).toEqual(images['1.2.2'].bytes)
    expect(github.state.files.main[PATH].content).toBe(values('1.2.2'))

    const rows = JSON.parse(run.outputs.targets) as Array<Record<string, unknown>>
    expect(rows.map((r) => [r.kind, r.name, r.outcome, r.previous, r.restored])).toEqual([
      ['npm', '@acme/core', 'rolled-back', '1.2.3', '1.2.2'],
      ['docker', `${docker.host}/acme/app`, 'rolled-back', '1.2.3', '1.2.2'],
      ['gitops', `${PATH}#image.tag`, 'rolled-back', '1.2.3', '1.2.2'],
    ])
    const issues = github.state.issues.filter((i) => !i.pull_request)
    expect(issues).toHaveLength(1)
    expect(issues[0].body).toContain(`${PATH}#image.tag`)
    // a GitOps value is no dist-tag
    expect(issues[0].body).not.toMatch(/dist-tag\W+image\.tag/)
    expect(issues[0].body).toContain('set image.tag to <fixed> in deploy/prod/values.yaml')
    expect(github.violations).toEqual([])

    // the re-run changes nothing and opens no second issue
    const again = await runAction(inputs, { env: { ...env, GITHUB_RUN_ATTEMPT: '2' } })
    expect([again.code, again.outputs.status]).toEqual([0, 'already-done'])
    expect(github.state.issues.filter((i) => !i.pull_request)).toHaveLength(1)
    expect(github.violations).toEqual([])
  })
})
