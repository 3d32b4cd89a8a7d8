// The action's entry, and the only module with src/action/ that talks to @actions/core: it reads the inputs,
// runs the mode (src/modes/run.ts) and presents the result (src/action/present.ts): outputs, summary, failure.
import * as core from '@actions/core'
import { knownSecrets } from '../core/secrets.js'
import { useDialect } from '../core/settings.js'
import { errorMessage } from '../core/errors.js'
import type { RunContext } from '../github/incident.js'
import { githubEndpoints } from '../github/urls.js'
import { isFreezeCheck } from '../config/inputs.js'
import { SMOKE_ONLY_ENV } from '../incident/smoke.js'
import { chooseCommand } from '../modes/choose.js'
import { readModeRequest, runMode, type ModeDeps } from '../modes/run.js'
import type { TargetHooks } from '../targets/select.js'
import { freezeCheck } from './freeze.js'
import { EMPTY, type OutputValues } from './outputs.js'
import { present } from './present.js'

export { Outputs, outputsOf } from './outputs.js'

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

export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  // messages name the action's inputs (src/core/settings.ts)
  useDialect('action')
  let command: ReturnType<typeof chooseCommand>
  try {
    command = chooseCommand({ freezeCheck: isFreezeCheck((name) => core.getInput(name)) })
  } catch (e) {
    core.setFailed(errorMessage(e))
    for (const [name, value] of Object.entries(EMPTY)) core.setOutput(name, value)
    return
  }
  if (command === 'freeze-check') return freezeCheck(env)
  // the run's start: the time to protection is measured from here
  const startedAt = new Date().toISOString()
  // every output is set, whatever happens; `failed` until something better is known
  let outputs: OutputValues = { ...EMPTY }
  // files a target made for this run (the Helm kubeconfig), removed whatever happens
  const disposers: Array<() => void> = []
  try {
    const { get, deps } = actionRequest(env, startedAt, disposers)
    // every input is validated before anything is written
    const req = readModeRequest(get, env)
    req.inputs = { ...req.inputs, startedAt }
    const books = !req.inputs.dryRun && (req.gi.createIssue || req.gi.commitReport) && Boolean(req.gi.token)
    const ctx = runContext(env)
    const outcome = await runMode(req, {
      ...deps,
      ctx,
      github: {
        token: req.gi.token ?? '',
        apiUrl: githubEndpoints(env).apiUrl,
        // an undo reads the incident record
        wanted: books || req.inputs.undo === true,
        books,
        drillBooks: books,
        recordsOnGitHub: /^[^/\s]+\/[^/\s]+$/.test(ctx.repository),
      },
    })
    await present(outcome, ctx, startedAt, (o) => {
      outputs = o
    })
  } catch (e) {
    core.setFailed(errorMessage(e))
  } finally {
    for (const dispose of disposers) dispose()
    for (const [name, value] of Object.entries(outputs)) core.setOutput(name, value)
  }
}

/** The inputs' reader and what the run needs of the runner: its secrets masked first, its context, its hooks. */
function actionRequest(
  env: NodeJS.ProcessEnv,
  startedAt: string,
  disposers: Array<() => void>,
): { get: (name: string) => string; deps: Omit<ModeDeps, 'github' | 'ctx'> } {
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
  // mask secrets before anything else can print them (a kubeconfig line by line, as the runner masks)
  for (const secret of secrets.values()) core.setSecret(secret)
  // the smoke-only mode runs in a job without tokens: it reads the plan as a dry run does
  const smokeOnly = env[SMOKE_ONLY_ENV] === 'true'
  const askedDryRun = /^true$/i.test(core.getInput('dry-run').trim())
  const get = (name: string) => (smokeOnly && name === 'dry-run' ? 'true' : core.getInput(name))
  return {
    get,
    deps: {
      log: core,
      userAgent: `release-rollback (node ${process.version})`,
      startedAt,
      hooks,
      smoke: { env, secrets, summary: (md) => core.summary.addRaw(md).write() },
      smokeOnly,
      smokeOnlyDryRun: smokeOnly && askedDryRun,
      onDispose: (dispose) => disposers.push(dispose),
      undoNote: true,
    },
  }
}
