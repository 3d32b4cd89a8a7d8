// Roll back on an alert (workflows-templates/rollback-on-alert.yml): the built action run
// as the runner runs it, with the inputs that template passes from a repository_dispatch
// payload (package, version, channel, reason) and its circuit breaker (require-holder,
// max-age 24h), against a real Verdaccio registry and the GitHub stand-in.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { publishPackage, snapshot } from '../support/fixtures.mjs'
import { startGitHubStandin } from '../support/github-standin.mjs'
import { npmView } from '../support/npm-cli.mjs'
import { runAction } from '../support/run-action.mjs'
import { startVerdaccio, type Registry } from '../support/verdaccio.mjs'

const TOKEN = 'ghs_alert-secret-token'
let registry: Registry
let github: Awaited<ReturnType<typeof startGitHubStandin>>
beforeAll(async () => {
  registry = await startVerdaccio()
  github = await startGitHubStandin({ token: TOKEN })
})
afterAll(async () => {
  await github?.stop()
  await registry?.stop()
})

const env = () => ({
  GITHUB_API_URL: github.url,
  GITHUB_REPOSITORY: 'acme/widget',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_RUN_ID: '91',
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_ACTOR: 'monitoring-bot',
  GITHUB_EVENT_NAME: 'repository_dispatch',
})

/** The action's inputs as rollback-on-alert.yml passes them, from this payload. */
function alert(
  payload: { package: string; version: string; channel?: string; reason?: string },
  over: Record<string, string> = {},
): Record<string, string> {
  return {
    package: payload.package,
    'rollback-version': payload.version,
    channel: payload.channel ?? '',
    reason: payload.reason ?? 'Error rate above 5% for 10 minutes (Grafana)',
    'require-holder': 'true',
    'max-age': '24h',
    severity: 'high',
    registry: registry.url,
    'npm-token': registry.token,
    'github-token': TOKEN,
    ...over,
  }
}

/** Requests that change something on GitHub (the stand-in records every request). */
const githubWrites = () => github.requests.filter((r) => r.method !== 'GET')

describe('an alert through the built action (rollback-on-alert.yml)', () => {
  it('for a version the channel no longer holds: status=skipped, nothing written to the registry or GitHub', async () => {
    await publishPackage(registry, '@acme/alert-moved', ['1.2.1', '1.2.2', '1.2.3'], { distTags: { latest: '1.2.2' } })
    const before = await snapshot(registry, '@acme/alert-moved')
    const writes = githubWrites().length

    const run = await runAction(alert({ package: '@acme/alert-moved', version: '1.2.3' }), { env: env() })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.outputs).toMatchObject({
      status: 'skipped',
      'previous-version': '1.2.2',
      moved: 'false',
      deprecated: 'false',
      'issue-url': '',
      'report-path': '',
    })
    expect(run.stdout).toContain(
      "Skipped: 'latest' holds 1.2.2, not @acme/alert-moved@1.2.3 (require-holder): the channel has moved on since the request",
    )
    expect(run.summary).toContain('Rollback skipped: nothing was changed')
    expect(await snapshot(registry, '@acme/alert-moved')).toBe(before)
    expect(githubWrites().length).toBe(writes)
    expect(github.state.issues).toHaveLength(0)
    expect(github.violations).toEqual([])

    // without require-holder the same request would still deprecate 1.2.3 (the channel is
    // already at the last known good 1.2.2): shown as a dry run
    const planned = await runAction(
      alert(
        { package: '@acme/alert-moved', version: '1.2.3' },
        {
          'require-holder': 'false',
          'dry-run': 'true',
          'github-token': '',
          'create-issue': 'false',
          'commit-report': 'false',
        },
      ),
    )
    expect(planned.outputs.status).toBe('planned')
    expect(planned.stdout).toContain('- deprecate 1.2.3')
    expect(await snapshot(registry, '@acme/alert-moved')).toBe(before)
  })

  it('when a newer release holds the channel: skipped, and the bad version is not deprecated either', async () => {
    await publishPackage(registry, '@acme/alert-newer', ['1.2.2', '1.2.3', '1.2.4'])
    const before = await snapshot(registry, '@acme/alert-newer')
    const run = await runAction(alert({ package: '@acme/alert-newer', version: '1.2.3', channel: 'latest' }), {
      env: env(),
    })
    expect(run.code).toBe(0)
    expect(run.outputs).toMatchObject({
      status: 'skipped',
      'previous-version': '1.2.4',
      moved: 'false',
      deprecated: 'false',
    })
    expect(await snapshot(registry, '@acme/alert-newer')).toBe(before)
    expect(await npmView(registry.url, '@acme/alert-newer@1.2.3', 'deprecated')).toBeUndefined()
  })

  it('for a version older than max-age: skipped, saying how old it is', async () => {
    await publishPackage(registry, '@acme/alert-old', ['1.2.2', '1.2.3'])
    const before = await snapshot(registry, '@acme/alert-old')
    // every version is older than a millisecond by the time the action reads it
    const run = await runAction(alert({ package: '@acme/alert-old', version: '1.2.3' }, { 'max-age': '1ms' }), {
      env: env(),
    })
    expect(run.code).toBe(0)
    expect(run.outputs).toMatchObject({ status: 'skipped', 'previous-version': '1.2.3', moved: 'false' })
    expect(run.stdout).toMatch(
      /Skipped: @acme\/alert-old@1\.2\.3, published \S+, \S+ before \S+: older than max-age 1ms, so nothing was rolled back automatically/,
    )
    expect(await snapshot(registry, '@acme/alert-old')).toBe(before)
  })

  it('a payload with a bad value fails naming the input, and writes nothing', async () => {
    await publishPackage(registry, '@acme/alert-bad', ['1.2.2', '1.2.3'])
    const before = await snapshot(registry, '@acme/alert-bad')
    const cases: Array<[Record<string, string>, RegExp]> = [
      [
        alert({ package: '@acme/alert-bad', version: '1.2.3; curl evil' }),
        /::error::Input 'rollback-version': .* is not an exact semantic version/,
      ],
      [
        alert({ package: '@acme/alert-bad', version: 'current' }),
        /::error::Input 'published-after': is required with rollback-version: current/,
      ],
      [
        alert({ package: '@acme/alert-bad', version: '1.2.3', channel: '$(id)' }),
        /::error::Input 'channel': .* is not a valid dist-tag/,
      ],
      [alert({ package: '@acme/alert-bad', version: '1.2.3', reason: '' }), /::error::Input 'reason': is empty/],
      [
        alert({ package: '@acme/alert-bad', version: '1.2.3' }, { 'max-age': '1 day' }),
        /::error::Input 'max-age': "1 day" is not a duration/,
      ],
    ]
    for (const [inputs, error] of cases) {
      const run = await runAction(inputs, { env: env() })
      expect({ inputs, code: run.code, status: run.outputs.status }).toEqual({ inputs, code: 1, status: 'failed' })
      expect(run.stdout).toMatch(error)
    }
    expect(await snapshot(registry, '@acme/alert-bad')).toBe(before)
  })

  it('for the version the channel holds, fresh: rolled back', async () => {
    await publishPackage(registry, '@acme/alert-fresh', ['1.2.2', '1.2.3'])
    const run = await runAction(alert({ package: '@acme/alert-fresh', version: '1.2.3', channel: 'latest' }), {
      env: env(),
    })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.outputs).toMatchObject({
      status: 'completed',
      'previous-version': '1.2.3',
      'restored-version': '1.2.2',
      moved: 'true',
      deprecated: 'true',
    })
    expect(await npmView(registry.url, '@acme/alert-fresh', 'dist-tags.latest')).toBe('1.2.2')
    expect(github.violations).toEqual([])

    // the alert fires again: the channel moved, so the repeat is skipped
    const again = await runAction(alert({ package: '@acme/alert-fresh', version: '1.2.3', channel: 'latest' }), {
      env: env(),
    })
    expect(again.outputs).toMatchObject({ status: 'skipped', 'previous-version': '1.2.2' })
  })
})
