// Runs the committed bundle for real, as the runner does. (That dist/ matches src/ is checked before any test
// by npm test's pretest, against the source hash the build records: dist-fresh.test.ts; and by rebuilding and
// comparing in .ci/run and check-dist.yml.)
import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { parse } from 'yaml'
import { publishPackage, snapshot } from '../support/fixtures.mjs'
import { npmView } from '../support/npm-cli.mjs'
import { root, runAction } from '../support/run-action.mjs'
import { startGitHubStandin } from '../support/github-standin.mjs'
import { startVerdaccio, type Registry } from '../support/verdaccio.mjs'

let registry: Registry
beforeAll(async () => {
  registry = await startVerdaccio()
  await publishPackage(registry, '@acme/dist-widget', ['1.2.1', '1.2.2', '1.2.3'])
})
afterAll(async () => {
  await registry?.stop()
})

const OUTPUTS = [
  'status',
  'previous-version',
  'restored-version',
  'moved',
  'deprecated',
  'handoff',
  'incident-id',
  'issue-number',
  'issue-url',
  'report-path',
  'report-url',
  'pull-request-url',
  'previous-digest',
  'restored-digest',
  'previous-revision',
  'restored-revision',
  'new-revision',
  'republished-version',
  'staged-version',
  'stage-id',
  'packages',
  'targets',
]

describe('dist/index.js, run as the runner runs it', () => {
  it('is a real bundle, not the tiny stub a misconfigured ncc writes', () => {
    expect(statSync(join(root, 'dist', 'index.js')).size).toBeGreaterThan(500_000)
    const action = parse(readFileSync(join(root, 'action.yml'), 'utf8'))
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' })
    expect(JSON.parse(readFileSync(join(root, 'dist', 'package.json'), 'utf8'))).toEqual({ type: 'module' })
  })

  it('rolls back, sets every output, writes the summary, and never prints the token', async () => {
    const inputs = {
      'rollback-version': 'v1.2.3',
      reason: 'Memory persistence corrupts data on restart',
      package: '@acme/dist-widget',
      registry: registry.url,
      'npm-token': registry.token,
      'create-issue': 'false',
      'commit-report': 'false',
    }
    const run = await runAction(inputs)
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.outputs).toEqual({
      status: 'completed',
      'previous-version': '1.2.3',
      'restored-version': '1.2.2',
      moved: 'true',
      deprecated: 'true',
      handoff: 'false',
      'incident-id': expect.stringMatching(/^rr-[0-9a-f]{16}$/),
      'issue-number': '',
      'issue-url': '',
      'report-path': '',
      'report-url': '',
      'pull-request-url': '',
      'previous-digest': '',
      'restored-digest': '',
      'previous-revision': '',
      'restored-revision': '',
      'new-revision': '',
      'republished-version': '',
      'staged-version': '',
      'stage-id': '',
      packages: '',
      targets: JSON.stringify([
        {
          kind: 'npm',
          name: '@acme/dist-widget',
          outcome: 'rolled-back',
          previous: '1.2.3',
          restored: '1.2.2',
          moved: true,
          deprecated: true,
          error: null,
        },
      ]),
    })
    expect(run.summary).toContain('## ✅ Rollback completed')
    expect(run.summary).toContain('| dist-tag `latest` | `1.2.3` | `1.2.2` | **yes** |')
    // the token is only ever handed to the runner's masker
    expect(run.stdout.split(registry.token).length - 1).toBe(1)
    expect(run.stdout).toContain(`::add-mask::${registry.token}`)
    expect(run.summary).not.toContain(registry.token)
    expect(await npmView(registry.url, '@acme/dist-widget', 'dist-tags.latest')).toBe('1.2.2')

    const again = await runAction(inputs)
    expect(again.code).toBe(0)
    expect(again.outputs).toMatchObject({
      status: 'already-done',
      moved: 'false',
      deprecated: 'false',
      'incident-id': run.outputs['incident-id'],
    })
  })

  it('fails a bad input with ::error:: naming it, sets every output, writes nothing', async () => {
    const before = await snapshot(registry, '@acme/dist-widget')
    const run = await runAction({
      'rollback-version': '1.2.3',
      channel: '1.x',
      reason: 'x',
      package: '@acme/dist-widget',
      registry: registry.url,
      'npm-token': registry.token,
    })
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(/::error::Input 'channel': "1\.x" reads as a semver range/)
    expect(Object.keys(run.outputs).sort()).toEqual([...OUTPUTS].sort())
    expect(run.outputs.status).toBe('failed')
    expect(await snapshot(registry, '@acme/dist-widget')).toBe(before)
  })

  it('dry-run with no token prints the plan', async () => {
    const run = await runAction({
      'rollback-version': '1.2.2',
      'restore-version': '1.2.1',
      channel: 'latest',
      reason: 'x',
      package: '@acme/dist-widget',
      registry: registry.url,
      'dry-run': 'true',
      force: 'true',
      'create-issue': 'false',
      'commit-report': 'false',
    })
    expect(run.code).toBe(0)
    expect(run.outputs.status).toBe('planned')
    expect(run.stdout).toContain("- move dist-tag 'latest': 1.2.2 -> 1.2.1")
    expect(run.summary).toContain('Rollback planned (dry run: nothing written)')
  })

  it('the circuit breaker holds: status=skipped, every output set, nothing written, no bookkeeping needed', async () => {
    const before = await snapshot(registry, '@acme/dist-widget')
    const run = await runAction({
      'rollback-version': 'current',
      'published-after': '2099-01-01T00:00:00Z',
      reason: 'smoke test failed',
      package: '@acme/dist-widget',
      registry: registry.url,
      'npm-token': registry.token,
      'create-issue': 'false',
      'commit-report': 'false',
    })
    expect(run.code).toBe(0)
    expect(run.outputs).toMatchObject({ status: 'skipped', moved: 'false', deprecated: 'false', 'issue-url': '' })
    expect(Object.keys(run.outputs).sort()).toEqual([...OUTPUTS].sort())
    expect(run.stdout).toMatch(
      /Skipped: 'latest' holds \S+, published .*, which is not after 2099-01-01T00:00:00\.000Z/,
    )
    expect(run.summary).toContain('Rollback skipped: nothing was changed')
    expect(await snapshot(registry, '@acme/dist-widget')).toBe(before)
  })

  it('with GitHub: opens the tracking issue and commits the report, masks the GitHub token too', async () => {
    await publishPackage(registry, 'books-dist-widget', ['1.2.2', '1.2.3'])
    const github = await startGitHubStandin({ token: 'ghs_dist-secret-token' })
    try {
      const env = {
        GITHUB_API_URL: github.url,
        GITHUB_REPOSITORY: 'acme/widget',
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_RUN_ID: '77',
        GITHUB_RUN_ATTEMPT: '1',
        GITHUB_ACTOR: 'octocat',
        GITHUB_EVENT_NAME: 'workflow_dispatch',
      }
      const inputs = {
        'rollback-version': '1.2.3',
        reason: 'broken',
        package: 'books-dist-widget',
        registry: registry.url,
        'npm-token': registry.token,
        'github-token': 'ghs_dist-secret-token',
        severity: 'critical',
      }
      const run = await runAction(inputs, { env })
      expect(run.stderr).toBe('')
      expect(run.code).toBe(0)
      expect(run.outputs).toMatchObject({
        status: 'completed',
        'issue-number': '1',
        'issue-url': 'https://github.com/acme/widget/issues/1',
        'report-path': 'incidents/rollback-books-dist-widget-1.2.3.md',
        'pull-request-url': '',
      })
      expect(run.outputs['report-url']).toMatch(
        /^https:\/\/github\.com\/acme\/widget\/blob\/main\/incidents\/rollback-books-dist-widget-1\.2\.3\.md$/,
      )
      expect(run.stdout).toContain('::add-mask::ghs_dist-secret-token')
      expect(run.stdout.split('ghs_dist-secret-token').length - 1).toBe(1)
      expect(run.summary).toContain('### Incident record')
      expect(github.state.issues).toHaveLength(1)
      expect(github.state.commits).toHaveLength(1)
      expect(github.violations).toEqual([])
    } finally {
      await github.stop()
    }
  })
})
