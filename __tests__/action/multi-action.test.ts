// packages: workspaces through the built action: every public workspace package that
// published the bad version, one tracking issue and one report with a row per package.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
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
  github = await startGitHubStandin({ token: 'ghs_mono' })
})
afterAll(async () => {
  await github?.stop()
  await registry?.stop()
})

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rr-mono-'))
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'mono-root', private: true, workspaces: ['packages/*'] }),
  )
  for (const [folder, manifest] of Object.entries({
    a: { name: '@mono/a' },
    b: { name: '@mono/b' },
    internal: { name: '@mono/internal', private: true },
    d: { name: '@mono/d' },
  })) {
    mkdirSync(join(dir, 'packages', folder), { recursive: true })
    writeFileSync(join(dir, 'packages', folder, 'package.json'), JSON.stringify(manifest))
  }
  return dir
}

describe('packages: workspaces', () => {
  it('rolls back every affected workspace package with one issue and one report', async () => {
    await publishPackage(registry, '@mono/a', ['1.2.2', '1.2.3'])
    await publishPackage(registry, '@mono/b', ['1.2.2', '1.2.3'])
    await publishPackage(registry, '@mono/d', ['1.0.0'])
    const dir = workspace()
    const env = {
      GITHUB_API_URL: github.url,
      GITHUB_REPOSITORY: 'acme/widget',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_RUN_ID: '7',
      GITHUB_RUN_ATTEMPT: '1',
    }
    const inputs = {
      packages: 'workspaces',
      'rollback-version': '1.2.3',
      reason: 'shared bug',
      registry: registry.url,
      'npm-token': registry.token,
      'github-token': 'ghs_mono',
    }
    const run = await runAction(inputs, { env, cwd: dir })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.outputs.status).toBe('completed')
    const packages = JSON.parse(run.outputs.packages) as Array<{ name: string; outcome: string }>
    expect(packages.map((p) => [p.name, p.outcome])).toEqual([
      ['@mono/a', 'rolled-back'],
      ['@mono/b', 'rolled-back'],
      ['@mono/d', 'not-affected'],
    ])
    for (const name of ['@mono/a', '@mono/b'])
      expect(await npmView(registry.url, name, 'dist-tags.latest')).toBe('1.2.2')
    expect(await npmView(registry.url, '@mono/d', 'dist-tags.latest')).toBe('1.0.0')

    const issues = github.state.issues.filter((i) => !i.pull_request)
    expect(issues).toHaveLength(1)
    expect(issues[0].title).toBe('Rollback: 3 packages (@mono/a and 1 more) @1.2.3 → 1.2.2 on latest')
    expect(issues[0].body).toMatch(/### Packages\n\| Package \|/)
    expect(issues[0].body).toContain('| `@mono/b` | `1.2.3` | `1.2.2` | rolled-back |')
    expect(github.state.commits).toHaveLength(1)
    expect(run.summary).toContain('| `@mono/d` | _(none)_ | – | not-affected | no | no |')

    // a GitHub token GitHub rejects fails before any registry write, as for one package
    await publishPackage(registry, '@mono/a', ['1.2.4'])
    const before = await npmView(registry.url, '@mono/a', 'dist-tags')
    const rejected = await runAction(
      { ...inputs, 'rollback-version': '1.2.4', 'github-token': 'ghs_wrong' },
      { env, cwd: dir },
    )
    expect(rejected.code).toBe(1)
    expect(rejected.stdout).toMatch(/::error::Input 'github-token': was rejected by GitHub/)
    expect(await npmView(registry.url, '@mono/a', 'dist-tags')).toEqual(before)
    await publishPackage(registry, '@mono/a', [], { distTags: { latest: '1.2.2' } })

    const again = await runAction(inputs, { env, cwd: dir })
    expect(again.outputs.status).toBe('already-done')
    expect(github.state.issues.filter((i) => !i.pull_request)).toHaveLength(1)
    expect(github.state.commits).toHaveLength(1)
    expect(github.violations).toEqual([])
  })
})
