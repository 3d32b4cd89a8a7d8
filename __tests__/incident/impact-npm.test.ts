// Impact and timing through the real runner against Verdaccio: the figures are there and
// plausible (no tight timing bounds: how fast a rollback is never goes into a timed test),
// the first run's figures survive an already-done re-run, and the two entries wire it:
// the CLI in process, the built action as the runner runs it.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { buildRecord } from '../../src/github/bookkeeping.js'
import { main, EXIT } from '../../src/cli/main.js'
import { executeIncident } from '../../src/incident/execute.js'
import type { RunContext } from '../../src/github/incident.js'
import { mergeRecord, parseReportRecord } from '../../src/github/record.js'
import { renderReport } from '../../src/github/render-report.js'
import type { GitHubInputs, RollbackInputs } from '../../src/config/inputs.js'
import { DEFAULT_RTO_TARGETS, impactStep } from '../../src/incident/impact.js'
import { renderSummary } from '../../src/incident/summary.js'
import { NpmTarget } from '../../src/targets/npm/target.js'
import { startDownloadsApi, type DownloadsApi } from '../support/downloads-api.js'
import { publishPackage } from '../support/fixtures.mjs'
import { rollbackInputs, quiet } from '../support/helpers.js'
import { root, runAction } from '../support/run-action.mjs'
import { startVerdaccio, type Registry } from '../support/verdaccio.mjs'

let registry: Registry
let api: DownloadsApi
beforeAll(async () => {
  ;[registry, api] = await Promise.all([startVerdaccio(), startDownloadsApi()])
})
afterAll(async () => {
  await Promise.all([registry?.stop(), api?.stop()])
})

const fastRetry = { attempts: 2, baseDelayMs: 10, maxDelayMs: 100, deadlineMs: 2000 }
const gi: GitHubInputs = {
  createIssue: false,
  commitReport: false,
  labels: ['rollback'],
  assignees: [],
  reportDir: 'incidents',
  severity: 'critical',
}
const ctx: RunContext = {
  repository: 'acme/widget',
  serverUrl: 'https://github.com',
  runId: '7',
  actor: 'octocat',
  eventName: 'workflow_dispatch',
}

async function rollback(i: RollbackInputs) {
  const startedAt = new Date().toISOString()
  const target = new NpmTarget({
    packageName: i.packageName,
    registry: i.registry,
    token: i.npmToken,
    log: quiet,
    retry: fastRetry,
    timeoutMs: 10_000,
  })
  const step = impactStep({
    startedAt,
    severity: gi.severity,
    rtoTargets: DEFAULT_RTO_TARGETS,
    registry: i.registry,
    downloadsApi: api.url,
  })
  const { result } = await executeIncident(
    i,
    gi,
    [{ kind: 'npm', name: i.packageName, channel: i.channel, target }],
    undefined,
    ctx,
    quiet,
    { afterWrite: [step] },
  )
  return { result, startedAt }
}

describe('impact and timing through the runner, against Verdaccio', () => {
  it('measures how long the bad version held latest and the time to protection; a re-run keeps the first figures', async () => {
    const pkg = '@acme/impact-widget'
    await publishPackage(registry, pkg, ['1.2.1', '1.2.2', '1.2.3'])
    api.counts[pkg] = { '1.2.2': 310, '1.2.3': 17 }
    const inputs = rollbackInputs({ packageName: pkg, registry: registry.url, npmToken: registry.token })

    const { result, startedAt } = await rollback(inputs)
    expect(result.status).toBe('completed')
    const impact = result.impact
    expect(impact).toBeDefined()
    if (!impact) return
    const [t] = impact.targets
    expect(t).toMatchObject({
      name: pkg,
      channel: 'latest',
      version: '1.2.3',
      state: 'moved',
      onChannel: true,
      downloads: 17,
    })
    // the registry's publish time, then this run's start, then the move: in that order
    const published = Date.parse(t.publishedAt as string)
    const moved = Date.parse(t.movedAt as string)
    expect(published).toBeLessThanOrEqual(moved)
    expect(Date.parse(startedAt)).toBeLessThanOrEqual(moved)
    expect(t.heldMs).toBe(moved - published)
    expect(impact).toMatchObject({
      startedAt,
      severity: 'critical',
      rtoMs: 2 * 60_000,
      protectedAt: t.movedAt,
      toProtectionMs: moved - Date.parse(startedAt),
    })
    expect(['met', 'missed']).toContain(impact.verdict)
    expect(api.requests.map((r) => r.path)).toContain('/versions/@acme%2Fimpact-widget/last-week')

    const summary = renderSummary(result)
    expect(summary).toContain('### Impact and timing')
    expect(summary).toContain('- Downloads of `1.2.3` in the last 7 days (npm): 17')
    expect(summary).toMatch(/- Recovery-time target for \*\*critical\*\*: 2m — (✅ met|❌ missed)/)

    // the report of the first run, then an already-done re-run merged into it
    const first = buildRecord(result, inputs, gi, ctx, startedAt)
    const report = renderReport(first, ctx)
    expect(report).toContain('## Impact and timing')
    const again = await rollback(inputs)
    expect(again.result.status).toBe('already-done')
    expect(again.result.impact).toMatchObject({ verdict: 'unmeasured', targets: [{ state: 'already' }] })
    expect(renderSummary(again.result)).toContain('not measured: every channel was already rolled back before the run')
    const merged = mergeRecord(
      parseReportRecord(report),
      buildRecord(again.result, inputs, gi, { ...ctx, runId: '8' }, again.startedAt),
    )
    expect(merged.impact).toEqual(first.impact)
    expect(renderReport(merged, ctx, report)).toBe(report)
  })

  it('a dry run measures nothing', async () => {
    const pkg = 'impact-dry-widget'
    await publishPackage(registry, pkg, ['1.2.2', '1.2.3'])
    const { result } = await rollback(
      rollbackInputs({ packageName: pkg, registry: registry.url, npmToken: registry.token, dryRun: true }),
    )
    expect(result.status).toBe('planned')
    expect(result.impact).toBeUndefined()
    expect(renderSummary(result)).not.toContain('Impact and timing')
  })
})

describe('the CLI (in process)', () => {
  function io(argv: string[], cwd: string) {
    const out = { stdout: '', stderr: '' }
    return {
      out,
      io: {
        argv,
        env: { PATH: process.env.PATH ?? '', HOME: cwd, NPM_TOKEN: registry.token },
        cwd,
        stdout: (s: string) => {
          out.stdout += s
        },
        stderr: (s: string) => {
          out.stderr += s
        },
        ask: async () => 'y',
        version: 'test',
      },
    }
  }
  function checkout(): string {
    const dir = mkdtempSync(join(tmpdir(), 'rr-impact-cli-'))
    execFileSync('git', ['init', '-q'], { cwd: dir })
    return dir
  }

  it('--rto-targets sets the target; the local report and --json carry the impact', async () => {
    const pkg = 'impact-cli-widget'
    await publishPackage(registry, pkg, ['1.2.2', '1.2.3'])
    const cwd = checkout()
    const run = io(
      [
        '--package',
        pkg,
        '--rollback',
        '1.2.3',
        '--reason',
        'broken',
        '--registry',
        registry.url,
        '--severity',
        'medium',
        '--rto-targets',
        'medium=3h',
        '--no-issue',
        '--yes',
        '--json',
      ],
      cwd,
    )
    expect(await main(run.io)).toBe(EXIT.ok)
    const json = JSON.parse(run.out.stdout) as {
      impact?: { rtoMs?: number; severity?: string; targets: Array<{ state: string; downloads?: number }> }
    }
    expect(json.impact).toMatchObject({ severity: 'medium', rtoMs: 3 * 3_600_000, targets: [{ state: 'moved' }] })
    // not registry.npmjs.org: no downloads asked for
    expect(json.impact?.targets[0].downloads).toBeUndefined()
    const file = join(cwd, 'incidents', `rollback-${pkg}-1.2.3.md`)
    expect(existsSync(file)).toBe(true)
    expect(parseReportRecord(readFileSync(file, 'utf8'))?.impact).toMatchObject({
      severity: 'medium',
      rtoMs: 3 * 3_600_000,
    })
    expect(readFileSync(file, 'utf8')).toContain('- Recovery-time target for **medium**: 3h — ✅ met')
  })

  it('a bad --rto-targets is refused before anything is written, naming the flag', async () => {
    const cwd = checkout()
    const run = io(
      [
        '--package',
        'impact-cli-widget',
        '--rollback',
        '1.2.3',
        '--reason',
        'broken',
        '--registry',
        registry.url,
        '--rto-targets',
        'critical=soon',
        '--yes',
      ],
      cwd,
    )
    expect(await main(run.io)).toBe(EXIT.badInput)
    expect(run.out.stderr).toMatch(/^--rto-targets: .*"soon" is not a duration\..*Fix: .*critical=5m,high=30m/)
  })
})

// the built bundle: rebuilt from these sources by `npm run build` (CI checks it is fresh)
describe('dist/index.js', () => {
  it('writes the Impact and timing block into the job summary, and refuses a bad rto-targets naming it', async () => {
    const pkg = 'impact-dist-widget'
    await publishPackage(registry, pkg, ['1.2.2', '1.2.3'])
    const base = {
      'rollback-version': '1.2.3',
      reason: 'broken',
      package: pkg,
      registry: registry.url,
      'npm-token': registry.token,
      'create-issue': 'false',
      'commit-report': 'false',
      severity: 'low',
    }
    const bad = await runAction({ ...base, 'rto-targets': 'urgent=1m' })
    expect(bad.code).not.toBe(0)
    expect(bad.stdout).toMatch(/::error::Input 'rto-targets': "urgent" is not a severity/)
    const run = await runAction({ ...base, 'rto-targets': 'low=1h' })
    expect(run.code).toBe(0)
    expect(run.summary).toContain('### Impact and timing')
    expect(run.summary).toContain('- Recovery-time target for **low**: 1h — ✅ met')
    expect(existsSync(join(root, 'dist', 'index.js'))).toBe(true)
  })
})
