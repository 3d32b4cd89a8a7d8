// The only module that talks to @actions/core: inputs in, outputs and summary out.
import * as core from '@actions/core'
import type { BookkeepingResult } from './bookkeeping.js'
import { PartialError, errorMessage } from './errors.js'
import { executeMultiRollback, executeRollback } from './execute.js'
import type { RunContext } from './github/incident.js'
import { readGitHubInputs, readInputs } from './inputs.js'
import type { RollbackResult } from './rollback.js'
import { renderMultiSummary, renderSkipped, renderSummary } from './summary.js'
import { createTarget } from './targets/select.js'

export const Outputs = {
  status: 'status',
  previousVersion: 'previous-version',
  restoredVersion: 'restored-version',
  moved: 'moved',
  deprecated: 'deprecated',
  incidentId: 'incident-id',
  issueNumber: 'issue-number',
  issueUrl: 'issue-url',
  reportPath: 'report-path',
  reportUrl: 'report-url',
  pullRequestUrl: 'pull-request-url',
  previousDigest: 'previous-digest',
  restoredDigest: 'restored-digest',
  previousRevision: 'previous-revision',
  restoredRevision: 'restored-revision',
  newRevision: 'new-revision',
  republishedVersion: 'republished-version',
  packages: 'packages'
} as const

type OutputValues = Record<(typeof Outputs)[keyof typeof Outputs], string>

const EMPTY: OutputValues = {
  status: 'failed',
  'previous-version': '',
  'restored-version': '',
  moved: 'false',
  deprecated: 'false',
  'incident-id': '',
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
  packages: ''
}

export function outputsOf(result: RollbackResult, books?: BookkeepingResult): OutputValues {
  return {
    status: result.status,
    'previous-version': result.plan.previousVersion ?? '',
    // the version the channel points at now: with republish, the fix-forward version
    'restored-version': result.plan.republish?.version ?? result.plan.restoreVersion,
    moved: String(result.moved),
    deprecated: String(result.deprecated),
    'incident-id': result.plan.incidentId,
    'issue-number': books?.issueNumber ? String(books.issueNumber) : '',
    'issue-url': books?.issueUrl ?? '',
    'report-path': books?.reportPath ?? '',
    'report-url': books?.reportUrl ?? '',
    'pull-request-url': books?.pullRequestUrl ?? '',
    'previous-digest': '',
    'restored-digest': '',
    'previous-revision': '',
    'restored-revision': '',
    'new-revision': '',
    'republished-version': result.plan.republish?.version ?? '',
    packages: ''
  }
}

function runContext(env: NodeJS.ProcessEnv): RunContext {
  return {
    repository: env.GITHUB_REPOSITORY ?? '',
    serverUrl: (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, ''),
    runId: env.GITHUB_RUN_ID || undefined,
    runAttempt: env.GITHUB_RUN_ATTEMPT || undefined,
    actor: env.GITHUB_ACTOR || undefined,
    eventName: env.GITHUB_EVENT_NAME || undefined,
    workflow: env.GITHUB_WORKFLOW || undefined
  }
}

export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  // every output is set, whatever happens; `failed` until something better is known
  let outputs: OutputValues = { ...EMPTY }
  // files a target made for this run (the Helm kubeconfig), removed whatever happens
  const disposers: Array<() => void> = []
  const hooks = { setSecret: (value: string) => core.setSecret(value) }
  try {
    // mask secrets before anything else can print them
    for (const secret of [core.getInput('npm-token'), core.getInput('github-token'), core.getInput('registry-password'), env.NODE_AUTH_TOKEN ?? '', env.GITHUB_TOKEN ?? '']) {
      if (secret.trim()) core.setSecret(secret.trim())
    }
    // a kubeconfig is many lines: the runner masks line by line, so register each one
    for (const line of core.getInput('kubeconfig').split(/\r?\n/)) {
      if (line.trim().length >= 8) core.setSecret(line.trim())
    }
    // every input is validated before anything is written
    const get = (name: string) => core.getInput(name)
    const inputs = readInputs(get, env)
    const gi = readGitHubInputs(get, env)
    const ctx = runContext(env)

    const userAgent = `release-rollback (node ${process.version})`
    const books = !inputs.dryRun && (gi.createIssue || gi.commitReport) && gi.token
    // Octokit is loaded only when the bookkeeping will run
    const gh = books ? (await import('./github/client.js')).createGitHubClient({ token: gi.token as string, baseUrl: env.GITHUB_API_URL || 'https://api.github.com', log: core }) : undefined

    // several npm packages, one incident
    const names = inputs.packageNames ?? [inputs.packageName]
    if ((inputs.target ?? 'npm') === 'npm' && (names.length > 1 || inputs.fromWorkspaces)) {
      const { multi, bookkeeping } = await executeMultiRollback({ ...inputs, packageNames: names }, gi, (name) => {
          const { target, extras } = createTarget({ ...inputs, packageName: name }, get, core, userAgent, hooks)
          disposers.push(extras.dispose)
          return target
        }, gh, ctx, core)
      outputs = {
        ...EMPTY,
        status: multi.status,
        'incident-id': multi.incidentId,
        moved: String(multi.packages.some((p) => p.moved)),
        deprecated: String(multi.packages.some((p) => p.deprecated)),
        'restored-version': [...new Set(multi.packages.map((p) => p.plan?.restoreVersion).filter(Boolean))].join(','),
        'issue-number': bookkeeping?.issueNumber ? String(bookkeeping.issueNumber) : '',
        'issue-url': bookkeeping?.issueUrl ?? '',
        'report-path': bookkeeping?.reportPath ?? '',
        'report-url': bookkeeping?.reportUrl ?? '',
        'pull-request-url': bookkeeping?.pullRequestUrl ?? '',
        packages: JSON.stringify(multi.packages.map((p) => ({ name: p.name, outcome: p.outcome, previous: p.plan?.previousVersion ?? null, restored: p.plan?.restoreVersion ?? null, moved: p.moved, deprecated: p.deprecated, error: p.error ?? null })))
      }
      await core.summary.addRaw(renderMultiSummary(multi, bookkeeping)).write()
      if (multi.error) core.setFailed(multi.error.message)
      return
    }

    const { target, extras } = createTarget(inputs, get, core, userAgent, hooks)
    disposers.push(extras.dispose)
    const { outcome, bookkeeping } = await executeRollback(inputs, gi, target, gh, ctx, core)
    if (outcome.status === 'skipped') {
      // the circuit breaker said no: nothing to record either
      outputs = { ...EMPTY, status: 'skipped', 'previous-version': outcome.holder ?? '', 'restored-version': outcome.holder ?? '', ...(await extras.outputs(undefined)) }
      await core.summary.addRaw(renderSkipped(outcome)).write()
      return
    }
    const result = outcome
    outputs = { ...outputsOf(result, bookkeeping), ...(await extras.outputs(result.plan.restoreVersion)) }
    await core.summary.addRaw(renderSummary(result, bookkeeping)).write()
    if (result.error instanceof PartialError) core.setFailed(result.error.message)
  } catch (e) {
    core.setFailed(errorMessage(e))
  } finally {
    for (const dispose of disposers) dispose()
    for (const [name, value] of Object.entries(outputs)) core.setOutput(name, value)
  }
}
