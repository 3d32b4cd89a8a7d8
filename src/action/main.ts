// The only module that talks to @actions/core: inputs in, outputs and summary out.
import * as core from '@actions/core'
import type { BookkeepingResult } from '../github/bookkeeping.js'
import { knownSecrets } from '../core/secrets.js'
import { useDialect } from '../core/settings.js'
import { errorMessage } from '../core/errors.js'
import { executeIncident, type RunbookSteps } from '../incident/execute.js'
import type { RunContext } from '../github/incident.js'
import { githubEndpoints } from '../github/urls.js'
import { isFreezeCheck, readGitHubInputs, readInputs } from '../config/inputs.js'
import { readAnnounceInputs } from '../notify/config.js'
import { errorOf, type IncidentRequest, type IncidentResult, type TargetRun } from '../incident/run.js'
import { parseRtoTargets } from '../incident/impact.js'
import { SMOKE_ONLY_ENV, smokeOnly } from '../incident/smoke.js'
import { runbookSteps } from '../incident/steps.js'
import { renderSummary } from '../incident/summary.js'
import { createTargets, type TargetHooks } from '../targets/select.js'

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
  packages: 'packages',
  targets: 'targets',
  handoff: 'handoff',
  stagedVersion: 'staged-version',
  stageId: 'stage-id',
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
  packages: '',
  targets: '',
  handoff: 'false',
  'staged-version': '',
  'stage-id': '',
}

/** The one output mapping, for one target or many. */
export function outputsOf(result: IncidentResult, books?: BookkeepingResult): OutputValues {
  const several = result.targets.length > 1
  const only = result.targets[0]
  const plan = only.plan
  const npm = result.targets.filter((t) => t.kind === 'npm')
  const goal = channelGoal
  return {
    ...EMPTY,
    status: result.status,
    // one target: what its channel held and holds; several: the restore versions, once each
    'previous-version': several ? '' : (plan?.previousVersion ?? only.skipped?.holder ?? ''),
    'restored-version': several
      ? [...new Set(result.targets.map(goal).filter(Boolean))].join(',')
      : plan
        ? (goal(only) ?? '')
        : (only.skipped?.holder ?? ''),
    moved: String(result.targets.some((t) => t.moved)),
    deprecated: String(result.targets.some((t) => t.deprecated)),
    'incident-id': result.incidentId,
    'issue-number': books?.issueNumber ? String(books.issueNumber) : '',
    'issue-url': books?.issueUrl ?? '',
    'report-path': books?.reportPath ?? '',
    'report-url': books?.reportUrl ?? '',
    'pull-request-url': books?.pullRequestUrl ?? '',
    'republished-version': several ? '' : (plan?.republish?.version ?? ''),
    packages: several && npm.length > 0 ? JSON.stringify(npm.map(row).map(({ kind: _kind, ...rest }) => rest)) : '',
    targets: JSON.stringify(result.targets.map(row)),
    // a staged fix-forward version waits for its approval too, but that is no hand-off
    handoff: String(result.status === 'awaiting-approval' && !result.staged),
    'staged-version': result.staged?.version ?? '',
    'stage-id': result.staged?.stageId ?? '',
  }
}

/** The version the channel points at after the run (or would, in a dry run): an undo's is the bad version, or what it was left on. */
function channelGoal(t: TargetRun): string | undefined {
  const plan = t.plan
  if (plan?.undo) return plan.tag.kind === 'keep-newer' ? plan.tag.holder : plan.tag.to
  return plan?.republish?.version ?? plan?.restoreVersion
}

/** A target's row in the `targets` (and `packages`) output. */
function row(t: TargetRun) {
  return {
    kind: t.kind,
    name: t.name,
    outcome: t.outcome,
    previous: t.plan?.previousVersion ?? null,
    restored: channelGoal(t) ?? null,
    moved: t.moved,
    deprecated: t.deprecated,
    error: errorOf(t) ?? null,
  }
}

function runContext(env: NodeJS.ProcessEnv): RunContext {
  return {
    repository: env.GITHUB_REPOSITORY ?? '',
    serverUrl: githubEndpoints(env).serverUrl,
    runId: env.GITHUB_RUN_ID || undefined,
    runAttempt: env.GITHUB_RUN_ATTEMPT || undefined,
    actor: env.GITHUB_ACTOR || undefined,
    eventName: env.GITHUB_EVENT_NAME || undefined,
    workflow: env.GITHUB_WORKFLOW || undefined,
  }
}

/**
 * freeze-check: true. Only the release freeze is checked (no rollback input is read):
 * outputs `frozen` and `freeze-issue-url`; a frozen release fails the step unless
 * fail-if-frozen is false. A check that cannot be made fails the step (and says `frozen`
 * is unknown by leaving it empty): a release must not go out unchecked.
 */
async function runFreezeCheck(env: NodeJS.ProcessEnv): Promise<void> {
  const outputs = { frozen: '', 'freeze-issue-url': '' }
  try {
    const token = core.getInput('github-token') || env.GITHUB_TOKEN || ''
    if (token.trim()) core.setSecret(token.trim())
    // loaded only in this mode: it brings Octokit
    const { checkFreeze, readFreezeInputs } = await import('../modes/freeze.js')
    const fi = readFreezeInputs((name) => core.getInput(name), env)
    const { createGitHubClient, repoRef } = await import('../github/client.js')
    const gh = createGitHubClient({ token: fi.token, baseUrl: githubEndpoints(env).apiUrl, log: core })
    const result = await checkFreeze(gh, repoRef(fi.repository), fi)
    outputs.frozen = String(result.frozen)
    outputs['freeze-issue-url'] = result.issueUrl ?? ''
    // the summary is a courtesy: without one (no GITHUB_STEP_SUMMARY) the decision stands
    await core.summary
      .addRaw(`${result.frozen ? '🧊' : '✅'} ${result.reason}\n`)
      .write()
      .catch((e: unknown) => core.debug(`no job summary: ${errorMessage(e)}`))
    if (result.frozen && fi.failIfFrozen) core.setFailed(result.reason)
    else if (result.frozen) core.warning(result.reason)
    else core.info(result.reason)
  } catch (e) {
    core.setFailed(`The release freeze could not be checked: ${errorMessage(e)}`)
  } finally {
    for (const [name, value] of Object.entries(outputs)) core.setOutput(name, value)
  }
}

export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  // messages name the action's inputs (src/core/settings.ts)
  useDialect('action')
  let freezeMode: boolean
  try {
    freezeMode = isFreezeCheck((name) => core.getInput(name))
  } catch (e) {
    core.setFailed(errorMessage(e))
    for (const [name, value] of Object.entries(EMPTY)) core.setOutput(name, value)
    return
  }
  if (freezeMode) return runFreezeCheck(env)
  // the run's start: the time to protection is measured from here
  const startedAt = new Date().toISOString()
  // every output is set, whatever happens; `failed` until something better is known
  let outputs: OutputValues = { ...EMPTY }
  // files a target made for this run (the Helm kubeconfig), removed whatever happens
  const disposers: Array<() => void> = []
  // the run's secrets (src/core/secrets.ts): masked by the runner, scrubbed from the smoke
  // test's output, and what the smoke test refuses to run beside
  const secrets = knownSecrets((name) => core.getInput(name), env)
  // env: trusted publishing reads the runner's ID token request variables from it
  const hooks: TargetHooks = {
    setSecret: (value: string) => {
      core.setSecret(value)
      secrets.add('a credential the run obtained', value)
    },
    env,
  }
  try {
    // mask secrets before anything else can print them (a kubeconfig line by line, as the runner masks)
    for (const secret of secrets.values()) core.setSecret(secret)
    // every input is validated before anything is written
    // the smoke-only mode runs in a job without tokens: it reads the plan as a dry run does
    const smokeOnlyMode = env[SMOKE_ONLY_ENV] === 'true'
    const askedDryRun = /^true$/i.test(core.getInput('dry-run').trim())
    const get = (name: string) => (smokeOnlyMode && name === 'dry-run' ? 'true' : core.getInput(name))
    let inputs: IncidentRequest = { ...readInputs(get, env), startedAt }
    const gi = readGitHubInputs(get, env)
    const rtoTargets = parseRtoTargets('rto-targets', get('rto-targets'))
    const announce = readAnnounceInputs(get)
    const ctx = runContext(env)

    const userAgent = `release-rollback (node ${process.version})`
    const books = !inputs.dryRun && (gi.createIssue || gi.commitReport) && gi.token
    // a git-tag target moves its tag through the GitHub API, a dry run reads it; an undo by
    // incident id may name git-tag targets only in its record
    const gitTagsAsked = inputs.targets?.some((t) => t.kind === 'git-tag') === true
    // Octokit is loaded only when the bookkeeping, a git-tag target or an undo (it reads the incident record) needs it
    const client =
      (books || gitTagsAsked || inputs.undo) && gi.token
        ? (await import('../github/client.js')).createGitHubClient({
            token: gi.token,
            baseUrl: githubEndpoints(env).apiUrl,
            log: core,
          })
        : undefined
    const gh = books ? client : undefined
    if (client) hooks.github = { client: () => client, repository: ctx.repository }
    // undo reads the incident's record before planning: by incident-id alone it names the targets and versions
    let undoRecord: RunbookSteps['undoRecord']
    if (inputs.undo) {
      const { githubRecords, undoByIncidentId, undoRecordReader, checkOptionsOf } = await import('../modes/undo.js')
      const finder =
        client && /^[^/\s]+\/[^/\s]+$/.test(ctx.repository) ? githubRecords(client, ctx, gi, core) : undefined
      inputs = await undoByIncidentId(inputs, finder, core)
      if (finder) undoRecord = undoRecordReader(finder, checkOptionsOf(inputs), core)
    }

    // one incident over every target, one package or many
    const { targets, extras, dispose } = createTargets(inputs, get, core, userAgent, hooks)
    disposers.push(dispose)
    if (smokeOnlyMode) {
      // the reusable workflows' smoke job: the plan and its smoke test, no write, no bookkeeping;
      // the rollback job takes smoke-tested as RELEASE_ROLLBACK_SMOKE_TESTED
      if (askedDryRun) {
        core.info('Smoke test only: not run for a dry run (it does not run the smoke test); nothing was written.')
        outputs = { ...EMPTY, status: 'planned' }
        core.setOutput('smoke-tested', '[]')
        return
      }
      const smoked = await smokeOnly(get, inputs, targets, {
        log: core,
        env,
        secrets,
        summary: (md) => core.summary.addRaw(md).write(),
      })
      outputs = { ...EMPTY, status: smoked.status }
      core.setOutput('smoke-tested', JSON.stringify(smoked.tested))
      return
    }
    if (inputs.drill) {
      // the drill: checks only, nothing anyone installs changes (src/drill.ts)
      const { runDrill } = await import('../modes/drill.js')
      const { renderDrillReport } = await import('../modes/drill-report.js')
      const drill = await runDrill(inputs, gi, targets, gh, ctx, core, { startedAt })
      outputs = {
        ...EMPTY,
        status: drill.status,
        'report-path': drill.reportPath ?? '',
        'report-url': drill.reportUrl ?? '',
        'issue-number': drill.issueNumber ? String(drill.issueNumber) : '',
        'issue-url': drill.issueUrl ?? '',
      }
      await core.summary
        .addRaw(
          renderDrillReport({
            status: drill.status,
            startedAt,
            repository: ctx.repository,
            channel: inputs.channel,
            checks: drill.checks,
            warnings: drill.warnings,
          }),
        )
        .write()
      for (const w of drill.warnings) core.warning(w)
      if (drill.status === 'drill-failed')
        core.setFailed(
          `The rollback drill failed: a rollback now would break:\n${drill.broken.map((b) => `- ${b}`).join('\n')}`,
        )
      return
    }
    // the runbook around the writes (none for an undo: its steps are about the restore version)
    if (inputs.undo)
      core.info(
        'Undo: the smoke test, the checks after the writes and the announcements are not run (they are about the restore version).',
      )
    const steps = runbookSteps(get, inputs, {
      startedAt,
      severity: gi.severity,
      rtoTargets,
      announce,
      about: { ctx, targets },
      log: core,
      userAgent,
      smoke: { env, secrets, summary: (md) => core.summary.addRaw(md).write() },
      undoRecord,
    })
    const { result, bookkeeping } = await executeIncident(inputs, gi, targets, gh, ctx, core, steps)
    outputs = {
      ...outputsOf(result, bookkeeping),
      ...(result.targets.length === 1
        ? await extras[0].outputs(
            result.targets[0].plan?.undo ? channelGoal(result.targets[0]) : result.targets[0].plan?.restoreVersion,
          )
        : {}),
    }
    await core.summary.addRaw(renderSummary(result, bookkeeping)).write()
    if (result.error) core.setFailed(result.error.message)
  } catch (e) {
    core.setFailed(errorMessage(e))
  } finally {
    for (const dispose of disposers) dispose()
    for (const [name, value] of Object.entries(outputs)) core.setOutput(name, value)
  }
}
