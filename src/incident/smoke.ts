// The smoke test of the restore version, a runbook step before the first write: the
// version the channel is about to point at must pass the user's own check, or the rollback
// stops with nothing written (restoring a version that does not work would make the
// incident worse).
//
// This file is the stage: which targets are tested, where (never beside a credential), and
// the smoke-only mode. Each kind's test is its adapter's smoke hook (src/core/target.ts
// Target.smoke, in src/targets/<kind>/smoke.ts): npm installs `<package>@<restore>` from the
// registry into an empty temporary project with the real npm CLI, then runs the command there
// (PACKAGE, VERSION set); an image's command runs in an empty temporary folder with IMAGE set
// to the restore image by digest (`<registry>/<repository>@sha256:…`), exactly the manifest
// the channel will hold. Their tools: smoke-kit.ts (inputs, environment, errors) and
// smoke-process.ts (one contained process).
//
// No token is in the command's environment. It gets an allowlisted environment (PATH, HOME,
// locale, temp folders, CI and runner facts, proxies without credentials, Docker's client
// settings, GITHUB_WORKSPACE): never NPM_TOKEN, NODE_AUTH_TOKEN, GITHUB_TOKEN, INPUT_*,
// ACTIONS_*, npm_config_* or anything else. The npm install runs with --ignore-scripts and a
// user config of its own (no token: the caller's .npmrc is not read); the install scripts
// then run with `npm rebuild`. NODE_PATH points at the project's node_modules, so a script
// kept elsewhere (in GITHUB_WORKSPACE) can require the package too, unless a node_modules of
// its own, nearer to it, has one.
//
// A cleaned environment is not a wall: the install scripts and the command run package code,
// and that code can read the credentials of any process of the same user (see refusal). So
// the smoke test runs only in a process that holds no credential the run knows (the run's
// secrets, src/core/secrets.ts): the smoke job of the reusable workflows, which runs this step
// alone (RELEASE_ROLLBACK_SMOKE_ONLY, see smokeOnly) with no secret, no token and
// `permissions: {}`, and hands what passed to the rollback job (RELEASE_ROLLBACK_SMOKE_TESTED);
// or the CLI's --smoke-only where no token is set. Beside a credential it is refused before
// anything of the package is fetched, naming that fix; nothing is written.
//
// Every line of output is scrubbed of the run's secrets before it is logged or kept (the last
// 20 lines go into the error, the job summary, the tracking issue and the announcement), and
// everything the command started ends with it, a process that left its session (setsid)
// included (see contain).
//
// Not run in a dry run: the runbook's beforeWrite steps guard a write, and a dry run has
// none (it may also lack the token a private package's install needs). The plan says so.
import { InputError } from '../core/errors.js'
import type { InputReader } from '../core/reader.js'
import { knownSecrets, type KnownSecrets } from '../core/secrets.js'
import { currentDialect, settingName } from '../core/settings.js'
import type { Logger } from '../core/retry.js'
import type { RollbackInputs } from '../config/inputs.js'
import { KINDS } from '../targets/registry.js'
import { runIncident, type IncidentRequest, type IncidentStatus, type IncidentTarget, type TargetRun } from './run.js'
import { readSmokeInputs, SmokeTestError, type SmokeInputs } from './smoke-kit.js'

export {
  DEFAULT_SMOKE_TIMEOUT,
  readSmokeInputs,
  smokeEnv,
  SmokeTestError,
  type SmokeInputs,
} from './smoke-kit.js'
export { TAIL_LINES } from './smoke-process.js'

// --- write credentials in this process -----------------------------------------------------

/** The smoke-only switch: run the smoke test of the plan and nothing else (the reusable workflows' smoke job). */
export const SMOKE_ONLY_ENV = 'RELEASE_ROLLBACK_SMOKE_ONLY'
/** What the smoke job tested and passed, a JSON array of `name@version`: this run does not test again. */
export const SMOKE_TESTED_ENV = 'RELEASE_ROLLBACK_SMOKE_TESTED'

/**
 * The run's secrets (src/core/secrets.ts): the ones main.ts masks, or, without them, the
 * secret inputs and credential variables as the reader and the environment give them; with
 * the npm token the run was given (the CLI may read it from .npmrc).
 */
function secretsOf(options: SmokeOptions, get: InputReader, npmToken: string | undefined): KnownSecrets {
  const secrets = options.secrets ?? knownSecrets(get, options.env ?? process.env)
  if (npmToken && !secrets.values().includes(npmToken.trim())) secrets.add(settingName('npm-token'), npmToken)
  return secrets
}

/** The smoke job's tested list, when this run was given one. */
function testedElsewhere(env: NodeJS.ProcessEnv): Set<string> | undefined {
  const raw = env[SMOKE_TESTED_ENV]
  if (raw === undefined || raw.trim() === '') return undefined
  let list: unknown
  try {
    list = JSON.parse(raw)
  } catch {
    list = undefined
  }
  if (!Array.isArray(list) || !list.every((x) => typeof x === 'string'))
    throw new InputError(
      'smoke-test',
      `${SMOKE_TESTED_ENV} is not a JSON array of name@version (the smoke job's output smoke-tested).`,
      `pass the smoke job's output unchanged, or leave ${SMOKE_TESTED_ENV} unset to run the smoke test in this job.`,
    )
  return new Set(list as string[])
}

export interface SmokeOptions {
  log: Logger
  /** the environment the command's allowlisted one is taken from (default process.env) */
  env?: NodeJS.ProcessEnv
  /** writes a Markdown section to the job summary (the action: core.summary) */
  summary?: (markdown: string) => Promise<unknown>
  /** the npm CLI (default npm, npm.cmd on Windows): the npm kind's smoke hook installs with it */
  npm?: string
  /** the run's secrets (the action's masked values, src/core/secrets.ts); default: read from the inputs and env */
  secrets?: KnownSecrets
}

/**
 * The runbook's smoke test: a beforeWrite step for each run (none when smoke-test is
 * empty). In a dry run it only says it would run. Reads and checks its inputs now, before
 * anything is read or written.
 */
export function smokeTest(
  get: InputReader,
  inputs: Pick<RollbackInputs, 'registry' | 'npmToken' | 'dryRun'>,
  options: SmokeOptions,
): Array<(planned: TargetRun[]) => Promise<void>> {
  const config = readSmokeInputs(get)
  if (config.command === undefined) return []
  const secrets = secretsOf(options, get, inputs.npmToken)
  if (inputs.dryRun) {
    options.log.info(
      `Dry run: the smoke test (${settingName('smoke-test')}) is not run; a real rollback runs it against the restore version before its first write.`,
    )
    const held = secrets.credentials()
    if (held.length > 0 && testedElsewhere(options.env ?? process.env) === undefined)
      options.log.warning(refusal(held).message)
    return []
  }
  return [smokeTestStep(config, { ...options, secrets })]
}

/** The beforeWrite step: one smoke run per target whose channel moves and whose kind has a smoke test, one after the other. */
export function smokeTestStep(
  config: SmokeInputs,
  options: SmokeOptions & { secrets: KnownSecrets },
): (planned: TargetRun[]) => Promise<void> {
  return async (planned) => {
    await smokeRuns(planned, config, options)
  }
}

/**
 * The smoke command beside a credential, refused. It runs package code (the restore version
 * and its freshly resolved dependencies, `require(process.env.PACKAGE)` included), and no
 * environment, however clean, keeps that code from the credentials of the process that
 * started it: on Linux any process of the same user reads another's environment as it was
 * at exec (/proc/<pid>/environ: the action's holds every INPUT_*) and its memory
 * (/proc/<pid>/mem), where every token the run read lives, unless Yama's ptrace_scope
 * forbids it, and a GitHub-hosted runner gives the job's user passwordless sudo besides
 * (https://docs.github.com/en/actions/using-github-hosted-runners/using-github-hosted-runners/about-github-hosted-runners:
 * "passwordless sudo"). A helper re-exec'd with a clean environment before any secret is read
 * does not help either: it is still this user's, beside this process. So the command runs only
 * in a process that holds no credential at all (docs/runbook.md "Smoke test").
 */
function refusal(held: string[]): InputError {
  const action = currentDialect() === 'action'
  return new InputError(
    'smoke-test',
    `is not run beside credentials: this process holds ${held.join(', ')}, and the command runs the package's code (the restore version and its dependencies), which can read them from this process (/proc/<pid>/environ and /proc/<pid>/mem on Linux), whatever environment the command is given. Nothing was written.`,
    action
      ? `run the smoke test in a job that holds no token: the reusable workflows rollback-npm.yml and rollback-npm-oidc.yml do (their smoke job has no secret and permissions: {}); in a workflow of your own, run the action with ${SMOKE_ONLY_ENV}=true in a job with no token and permissions: {}, and pass its smoke-tested output to the rollback step as ${SMOKE_TESTED_ENV}; or leave smoke-test empty.`
      : `run release-rollback --smoke-only where no token is set (no NPM_TOKEN, GITHUB_TOKEN or other credential), then the rollback with ${SMOKE_TESTED_ENV} set to its smokeTested list (--json); or leave out --smoke-test.`,
  )
}

/** Smoke-tests every target whose channel moves; returns what passed, as `name@version`. */
async function smokeRuns(
  planned: TargetRun[],
  config: SmokeInputs,
  options: SmokeOptions & { secrets: KnownSecrets },
): Promise<string[]> {
  const command = config.command as string
  const env = options.env ?? process.env
  const passed: string[] = []
  try {
    const tested = testedElsewhere(env)
    const held = options.secrets.credentials()
    for (const r of planned) {
      const plan = r.plan
      if (!plan) continue
      const label = r.label
      if (plan.tag.kind !== 'move') {
        options.log.info(
          `${label}Smoke test: not run, the channel is not moved (${plan.tag.kind === 'already' ? `already on ${plan.restoreVersion}` : `it stays on ${plan.tag.holder}`}).`,
        )
        continue
      }
      // strategy republish publishes the restore version's code: that code is what is tested
      const version = plan.republish?.from ?? plan.restoreVersion
      const subject = `${r.name}@${version}`
      if (tested) {
        // the smoke job (no token in it) tested the plan it read; this run's plan must be the same
        if (!tested.has(subject))
          throw new SmokeTestError(
            subject,
            `was not run: the smoke job tested ${tested.size > 0 ? [...tested].join(', ') : 'nothing'}, and the plan changed since`,
            'run the rollback again: its smoke job then tests what the channel will hold.',
            [],
          )
        options.log.info(`${label}Smoke test: passed in the smoke job, which held no token: ${subject}.`)
        passed.push(subject)
        continue
      }
      if (!r.target.smoke) {
        options.log.info(`${label}Smoke test: not run for ${r.kind} targets (only ${smokedKinds()}).`)
        continue
      }
      // before anything of the package is fetched: nothing of it runs beside a credential
      if (held.length > 0) throw refusal(held)
      await r.target.smoke({
        name: r.name,
        version,
        command,
        deadline: Date.now() + config.timeoutMs,
        timeout: config.timeout,
        label,
        log: options.log,
        env,
        secrets: options.secrets,
        programs: { npm: options.npm },
      })
      passed.push(subject)
    }
  } catch (e) {
    if (e instanceof SmokeTestError && options.summary) await options.summary(e.markdown()).catch(() => undefined)
    throw e
  }
  return passed
}

/**
 * The smoke-only mode (RELEASE_ROLLBACK_SMOKE_ONLY): plan the rollback without writing
 * anything, smoke-test what the channels would move to, and return what passed (for the
 * rollback job's RELEASE_ROLLBACK_SMOKE_TESTED). Meant for a job that holds no token, where
 * the install scripts run.
 */
export async function smokeOnly(
  get: InputReader,
  request: IncidentRequest,
  targets: IncidentTarget[],
  options: SmokeOptions,
): Promise<{ status: IncidentStatus; tested: string[] }> {
  if (request.undo || request.drill) {
    options.log.info(
      'Smoke test only: not run for an undo or a drill (neither runs the smoke test); nothing was written.',
    )
    return { status: 'planned', tested: [] }
  }
  const config = readSmokeInputs(get)
  if (config.command === undefined)
    throw new InputError(
      'smoke-test',
      `is empty, and ${currentDialect() === 'action' ? SMOKE_ONLY_ENV : '--smoke-only'} asks for the smoke test alone.`,
      `give the ${settingName('smoke-test')} command, or leave ${currentDialect() === 'action' ? `${SMOKE_ONLY_ENV} unset` : 'out --smoke-only'}.`,
    )
  const plan = await runIncident({ ...request, dryRun: true }, targets, options.log)
  if (plan.error) throw plan.error
  const tested = await smokeRuns(plan.targets, config, {
    ...options,
    secrets: secretsOf(options, get, request.npmToken),
  })
  options.log.info(
    `Smoke test only: ${tested.length > 0 ? `passed for ${tested.join(', ')}` : 'no channel would move, nothing to test'}; nothing was written.`,
  )
  return { status: plan.status, tested }
}

/** The kinds the smoke test runs for, for the log: "npm packages and images". */
function smokedKinds(): string {
  const names = KINDS.filter((k) => k.capabilities.smoke).map((k) => `${k.words.target}s`)
  return new Intl.ListFormat('en', { type: 'conjunction' }).format(names)
}
