// Two rollbacks of the same package and channel at the same time, as two processes of
// the built action: the channel ends on one consistent version, with one open issue.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { publishPackage } from '../support/fixtures.mjs'
import { startGitHubStandin, type GitHubStandin } from '../support/github-standin.mjs'
import { npmView } from '../support/npm-cli.mjs'
import { runAction } from '../support/run-action.mjs'
import { startVerdaccio, type Registry } from '../support/verdaccio.mjs'

let registry: Registry
let github: GitHubStandin
beforeAll(async () => {
  registry = await startVerdaccio()
  github = await startGitHubStandin({ token: 'ghs_concurrent' })
})
afterAll(async () => {
  await github?.stop()
  await registry?.stop()
})

describe('two rollbacks at once', () => {
  it.each([1, 2, 3])('round %i: one consistent channel, one deprecation, one open issue', async (round) => {
    const pkg = `race-widget-${round}`
    await publishPackage(registry, pkg, ['1.2.2', '1.2.3'])
    const env = {
      GITHUB_API_URL: github.url,
      GITHUB_REPOSITORY: 'acme/widget',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_RUN_ID: String(100 + round),
    }
    const inputs = {
      'rollback-version': '1.2.3',
      reason: 'race',
      package: pkg,
      registry: registry.url,
      'npm-token': registry.token,
      'github-token': 'ghs_concurrent',
    }
    const [a, b] = await Promise.all([
      runAction(inputs, { env: { ...env, GITHUB_RUN_ATTEMPT: '1' } }),
      runAction(inputs, { env: { ...env, GITHUB_RUN_ATTEMPT: '2' } }),
    ])

    for (const run of [a, b]) {
      expect(run.code).toBe(0)
      expect(['completed', 'already-done']).toContain(run.outputs.status)
    }
    expect(await npmView(registry.url, pkg, 'dist-tags')).toEqual({ latest: '1.2.2' })
    expect(await npmView(registry.url, `${pkg}@1.2.3`, 'deprecated')).toMatch(/^1\.2\.3 was rolled back: race/)
    const mine = github.state.issues.filter((i) => !i.pull_request && i.title.includes(`${pkg}@`))
    expect(mine.filter((i) => i.state === 'open')).toHaveLength(1)
    // both runs report the same, surviving issue
    expect(a.outputs['issue-number']).toBe(b.outputs['issue-number'])
    expect(mine.find((i) => i.state === 'open')?.number).toBe(Number(a.outputs['issue-number']))
    expect(github.violations).toEqual([])
  })
})
