// The smoke test of the restore version, a runbook step before the first write: the
// version the channel is about to point at must pass the user's own check, or the rollback
// stops with nothing written (restoring a version that does not work would make the
// incident worse).
//
// npm: `<package>@<restore>` is installed from the registry into an empty temporary project
// with the real npm CLI, then the command runs there (PACKAGE, VERSION set). Docker: the
// command runs in an empty temporary folder with IMAGE set to the restore image by digest
// (`<registry>/<repository>@sha256:…`), exactly the manifest the channel will hold.
//
// No token is in the command's environment. It gets an allowlisted environment (PATH, HOME,
// locale, temp folders, CI and runner facts, proxies without credentials, Docker's client
// settings, GITHUB_WORKSPACE): never NPM_TOKEN, NODE_AUTH_TOKEN, GITHUB_TOKEN, INPUT_*,
// ACTIONS_*, npm_config_* or anything else. The npm install of a private package needs the
// token: it is written to a temporary .npmrc (mode 0600) in its own folder outside the project,
// passed to that one npm process as its user config, and deleted as soon as the install ends.
// The install runs with --ignore-scripts, so no package code runs while the token is on disk.
// NODE_PATH points at the project's node_modules, so a script kept elsewhere (in
// GITHUB_WORKSPACE) can require the package too, unless a node_modules of its own, nearer to
// it, has one.
//
// A cleaned environment is not a wall: a child can read its ancestors' environments
// (/proc/<ppid>/environ on Linux), and this process holds the tokens of the rollback
// (INPUT_NPM-TOKEN, INPUT_GITHUB-TOKEN, ACTIONS_RUNTIME_TOKEN, ACTIONS_ID_TOKEN_REQUEST_TOKEN,
// a registry password, a kubeconfig). So the install scripts (preinstall, install,
// postinstall of the package and its dependencies, run with `npm rebuild`) run only in a
// process that holds no write credential: the smoke job of the reusable workflows, which runs
// this step alone (RELEASE_ROLLBACK_SMOKE_ONLY, see smokeOnly) with no secret, no token and
// `permissions: {}`, and hands what passed to the rollback job (RELEASE_ROLLBACK_SMOKE_TESTED).
// Beside a write credential the install scripts are not run, and a warning says so and names
// that fix. The smoke command itself still runs there: it is the caller's own command.
//
// Not run in a dry run: the runbook's beforeWrite steps guard a write, and a dry run has
// none (it may also lack the token a private package's install needs). The plan says so.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DURATION_UNITS, parseDuration } from '../core/duration.js'
import type { InputReader } from '../core/reader.js'
import { InputError, RollbackError } from '../errors.js'
import type { RollbackInputs } from '../inputs.js'
import { inert } from '../markdown.js'
import type { Logger } from '../retry.js'
import { runIncident, type IncidentRequest, type IncidentStatus, type IncidentTarget, type TargetRun } from '../run.js'
import type { DockerTarget } from '../targets/docker/target.js'
import { nerfDart } from '../targets/npm-fetch.js'
import { currentDialect, inputLabel, settingName } from '../core/settings.js'

export const DEFAULT_SMOKE_TIMEOUT = '5m'
/** how many of the last lines of output go into the error and the summary */
export const TAIL_LINES = 20
const MAX_LINE = 400
const MIN_TIMEOUT_MS = 1000
const MAX_TIMEOUT_MS = 6 * 60 * 60 * 1000

export interface SmokeInputs {
  /** the shell command; undefined: no smoke test */
  command?: string
  /** per target: the install and the command together */
  timeoutMs: number
  /** as the user wrote it, for messages */
  timeout: string
}

/** The smoke test's inputs: smoke-test (a shell command; empty: none) and smoke-test-timeout. */
export function readSmokeInputs(get: InputReader): SmokeInputs {
  const raw = get('smoke-test').replace(/\r\n/g, '\n').trim()
  if (raw.includes('\0'))
    throw new InputError(
      'smoke-test',
      'contains a NUL character.',
      'give a plain shell command, such as node -e "require(process.env.PACKAGE)".',
    )
  const timeout = get('smoke-test-timeout').trim() || DEFAULT_SMOKE_TIMEOUT
  const timeoutMs = parseDuration('smoke-test-timeout', timeout, {
    min: MIN_TIMEOUT_MS,
    minText: '1s',
    max: MAX_TIMEOUT_MS,
    maxText: '6h',
    fix: `use a duration such as 30s, 5m or 1h30m (units ${DURATION_UNITS}; between 1s and 6h; 5m by default).`,
  })
  return { command: raw === '' ? undefined : raw, timeoutMs, timeout }
}

// --- the command's environment ------------------------------------------------------------

/** Variables the command may see (case-insensitive); everything else is left out. */
const KEEP = new Set(
  [
    'PATH',
    'HOME',
    'USER',
    'LOGNAME',
    'SHELL',
    'LANG',
    'LANGUAGE',
    'TZ',
    'TERM',
    'TMPDIR',
    'TEMP',
    'TMP',
    // Windows
    'USERPROFILE',
    'USERNAME',
    'SYSTEMROOT',
    'SYSTEMDRIVE',
    'WINDIR',
    'COMSPEC',
    'PATHEXT',
    'APPDATA',
    'LOCALAPPDATA',
    'PROGRAMFILES',
    'PROGRAMDATA',
    // CI and the runner (facts and folders, no credentials)
    'CI',
    'GITHUB_ACTIONS',
    'GITHUB_WORKSPACE',
    'RUNNER_OS',
    'RUNNER_ARCH',
    'RUNNER_TEMP',
    'RUNNER_TOOL_CACHE',
    // certificates, and the docker client's settings (paths; its credentials stay in its config file)
    'NODE_EXTRA_CA_CERTS',
    'SSL_CERT_FILE',
    'SSL_CERT_DIR',
    'DOCKER_HOST',
    'DOCKER_CONFIG',
    'DOCKER_CONTEXT',
    'DOCKER_CERT_PATH',
    'DOCKER_TLS_VERIFY',
    'XDG_RUNTIME_DIR',
    'NO_PROXY',
  ].map((n) => n.toUpperCase()),
)
const PROXIES = new Set(['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY'])

/** A proxy URL that carries a user or password is a credential. */
function hasCredentials(value: string): boolean {
  try {
    const url = new URL(value.includes('://') ? value : `http://${value}`)
    return url.username !== '' || url.password !== ''
  } catch {
    return /@/.test(value)
  }
}

/**
 * The environment of the smoke command (and of `npm rebuild`): the allowlist above, proxies
 * without credentials, and `extra` (PACKAGE, VERSION, IMAGE). No token of any kind.
 */
export function smokeEnv(env: NodeJS.ProcessEnv, extra: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue
    const upper = name.toUpperCase()
    if (KEEP.has(upper) || upper.startsWith('LC_') || (PROXIES.has(upper) && !hasCredentials(value))) out[name] = value
  }
  return { ...out, ...extra }
}

// --- write credentials in this process -----------------------------------------------------

/** The smoke-only switch: run the smoke test of the plan and nothing else (the reusable workflows' smoke job). */
export const SMOKE_ONLY_ENV = 'RELEASE_ROLLBACK_SMOKE_ONLY'
/** What the smoke job tested and passed, a JSON array of `name@version`: this run does not test again. */
export const SMOKE_TESTED_ENV = 'RELEASE_ROLLBACK_SMOKE_TESTED'

/** A variable whose name says it holds a credential: a token, a password, a secret, a kubeconfig. */
const CREDENTIAL_NAME = /TOKEN|PASSWORD|PASSWD|SECRET|KUBECONFIG|AUTH/i

/**
 * The credentials this process holds, by name (never their values): every non-empty variable
 * whose name says it is one (INPUT_NPM-TOKEN, INPUT_GITHUB-TOKEN, INPUT_REGISTRY-PASSWORD,
 * INPUT_KUBECONFIG, ACTIONS_RUNTIME_TOKEN, ACTIONS_ID_TOKEN_REQUEST_TOKEN, NPM_TOKEN,
 * NODE_AUTH_TOKEN, GITHUB_TOKEN, …), and the npm token the run was given (the CLI may read it
 * from .npmrc). A child process can read all of them from its parent.
 */
export function heldCredentials(env: NodeJS.ProcessEnv, npmToken?: string): string[] {
  const names = Object.entries(env)
    .filter(([name, value]) => value !== undefined && value.trim() !== '' && CREDENTIAL_NAME.test(name))
    .map(([name]) => name)
    .sort()
  if (npmToken && names.length === 0) names.push(settingName('npm-token'))
  return names
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

// --- running one process ------------------------------------------------------------------

interface Ran {
  code: number | null
  signal: NodeJS.Signals | null
  timedOut: boolean
  /** the last lines of stdout and stderr together, cleaned for a message */
  tail: string[]
  /** it could not start (npm not on PATH) */
  spawnError?: NodeJS.ErrnoException
}

/** Text of a process shown to people: no terminal escapes, no control characters but tab. */
function clean(line: string): string {
  return line
    .replace(/\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(\u0007|\u001b\\)?|\u001b./g, '')
    .replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g, '')
    .slice(0, MAX_LINE)
}

/** Ends the process and everything it started (its process group). */
function killTree(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return
  if (process.platform === 'win32') {
    spawnSync('taskkill', ['/pid', String(child.pid), '/T', '/F'], { stdio: 'ignore' })
    return
  }
  try {
    process.kill(-child.pid, signal)
  } catch {
    // the group is gone already
  }
}

function runProcess(
  file: string,
  args: string[],
  options: { cwd: string; env: Record<string, string>; shell: boolean; deadline: number; log: Logger; prefix: string },
): Promise<Ran> {
  return new Promise((resolve) => {
    const tail: string[] = []
    const partial = { out: '', err: '' }
    // every line is logged behind the prefix (never at the start of a line), so the runner
    // never reads the command's output as a workflow command (::add-mask::, ::error::, …)
    const push = (line: string) => {
      const text = clean(line.replace(/\r$/, ''))
      options.log.info(`${options.prefix}${text}`)
      tail.push(text)
      if (tail.length > TAIL_LINES) tail.shift()
    }
    const feed = (key: 'out' | 'err') => (chunk: Buffer) => {
      const lines = (partial[key] + chunk.toString('utf8')).split('\n')
      partial[key] = lines.pop() ?? ''
      // a line without an end is cut, not buffered without bound
      if (partial[key].length > 64 * 1024) {
        lines.push(partial[key])
        partial[key] = ''
      }
      for (const l of lines) push(l)
    }
    let child: ChildProcess
    try {
      child = spawn(file, args, {
        cwd: options.cwd,
        env: options.env,
        shell: options.shell,
        stdio: ['ignore', 'pipe', 'pipe'],
        // its own process group: a timeout ends the command and everything it started
        detached: process.platform !== 'win32',
        windowsHide: true,
      })
    } catch (e) {
      resolve({ code: null, signal: null, timedOut: false, tail, spawnError: e as NodeJS.ErrnoException })
      return
    }
    child.stdout?.on('data', feed('out'))
    child.stderr?.on('data', feed('err'))
    let timedOut = false
    let settled = false
    let hardKill: NodeJS.Timeout | undefined
    const timer = setTimeout(
      () => {
        timedOut = true
        killTree(child, 'SIGTERM')
        hardKill = setTimeout(() => killTree(child, 'SIGKILL'), 3000)
      },
      Math.max(0, options.deadline - Date.now()),
    )
    const finish = (ran: Omit<Ran, 'tail' | 'timedOut'>) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      clearTimeout(hardKill)
      for (const key of ['out', 'err'] as const) if (partial[key] !== '') push(partial[key])
      resolve({ ...ran, timedOut, tail })
    }
    child.once('error', (e: NodeJS.ErrnoException) => finish({ code: null, signal: null, spawnError: e }))
    child.once('exit', (code, signal) => {
      // whatever it left running (a server started in the background) ends with it; the
      // pipes it held then close too
      killTree(child, 'SIGKILL')
      const done = () => finish({ code, signal })
      child.once('close', done)
      setTimeout(() => {
        child.stdout?.destroy()
        child.stderr?.destroy()
        done()
      }, 2000).unref()
    })
  })
}

// --- the step -----------------------------------------------------------------------------

/** The smoke test stopped the rollback: names the input, the target, the output's last lines. */
export class SmokeTestError extends RollbackError {
  constructor(
    readonly subject: string,
    readonly problem: string,
    readonly fixText: string,
    readonly output: string[],
  ) {
    super(
      `${inputLabel('smoke-test')} the smoke test of ${subject} ${problem}, so nothing was written. Fix: ${fixText}${output.length > 0 ? `\nLast ${output.length} lines of output:\n${output.join('\n')}` : ''}`,
    )
    this.name = 'SmokeTestError'
  }

  /** The job summary's section. */
  markdown(): string {
    const longest = Math.max(0, ...this.output.map((l) => Math.max(0, ...(l.match(/`+/g) ?? []).map((r) => r.length))))
    const fence = '`'.repeat(Math.max(3, longest + 1))
    return (
      [
        '## ❌ Rollback stopped by the smoke test: nothing was changed',
        `The smoke test (\`${settingName('smoke-test')}\`) of ${inert(this.subject)} ${inert(this.problem)}.`,
        ...(this.output.length > 0
          ? [`Last ${this.output.length} lines of output:\n\n${fence}text\n${this.output.join('\n')}\n${fence}`]
          : []),
        `**Fix:** ${inert(this.fixText)}`,
      ].join('\n\n') + '\n'
    )
  }
}

export interface SmokeOptions {
  log: Logger
  /** the environment the command's allowlisted one is taken from (default process.env) */
  env?: NodeJS.ProcessEnv
  /** writes a Markdown section to the job summary (the action: core.summary) */
  summary?: (markdown: string) => Promise<unknown>
  /** the npm CLI (default npm, npm.cmd on Windows) */
  npm?: string
}

const fixVersion = () =>
  `pass a ${settingName('restore-version')} that passes the smoke test (or correct the ${settingName('smoke-test')} command if it is wrong) and run again; to roll back without the test, ${currentDialect() === 'action' ? 'leave smoke-test empty' : 'leave out --smoke-test'}.`

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
  if (inputs.dryRun) {
    options.log.info(
      `Dry run: the smoke test (${settingName('smoke-test')}) is not run; a real rollback runs it against the restore version before its first write.`,
    )
    return []
  }
  return [smokeTestStep(config, inputs, options)]
}

/** The beforeWrite step: one smoke run per npm package and image whose channel moves, one after the other. */
export function smokeTestStep(
  config: SmokeInputs,
  inputs: Pick<RollbackInputs, 'registry' | 'npmToken'>,
  options: SmokeOptions,
): (planned: TargetRun[]) => Promise<void> {
  return async (planned) => {
    await smokeRuns(planned, config, inputs, options)
  }
}

/** Smoke-tests every target whose channel moves; returns what passed, as `name@version`. */
async function smokeRuns(
  planned: TargetRun[],
  config: SmokeInputs,
  inputs: Pick<RollbackInputs, 'registry' | 'npmToken'>,
  options: SmokeOptions,
): Promise<string[]> {
  const command = config.command as string
  const env = options.env ?? process.env
  const passed: string[] = []
  try {
    const tested = testedElsewhere(env)
    const held = heldCredentials(env, inputs.npmToken)
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
      if (r.kind === 'npm') await smokeNpm(r.name, version, command, config, inputs, options, label, held)
      else if (r.kind === 'docker') await smokeDocker(r, version, command, config, options, label)
      else {
        options.log.info(`${label}Smoke test: not run for ${r.kind} targets (only npm packages and images).`)
        continue
      }
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
  const tested = await smokeRuns(plan.targets, config, request, options)
  options.log.info(
    `Smoke test only: ${tested.length > 0 ? `passed for ${tested.join(', ')}` : 'no channel would move, nothing to test'}; nothing was written.`,
  )
  return { status: plan.status, tested }
}

async function smokeNpm(
  name: string,
  version: string,
  command: string,
  config: SmokeInputs,
  inputs: Pick<RollbackInputs, 'registry' | 'npmToken'>,
  options: SmokeOptions,
  label: string,
  /** the credentials this process holds: then no install script runs */
  held: string[],
): Promise<void> {
  const subject = `${name}@${version}`
  const deadline = Date.now() + config.timeoutMs
  const env = options.env ?? process.env
  const npm = options.npm ?? (process.platform === 'win32' ? 'npm.cmd' : 'npm')
  const temp = tempRoot(env)
  const project = mkdtempSync(join(temp, 'release-rollback-smoke-'))
  try {
    writeFileSync(
      join(project, 'package.json'),
      `${JSON.stringify({ name: 'release-rollback-smoke-test', version: '0.0.0', private: true }, null, 2)}\n`,
    )
    const base = smokeEnv(env)
    options.log.info(`${label}Smoke test: installing ${subject} from ${inputs.registry} into an empty project…`)

    // 1. the install: the token, when there is one, only in a temporary user config that
    // exists for this one npm process; no scripts run while it is on disk
    const rcDir = mkdtempSync(join(temp, 'release-rollback-npmrc-'))
    let install: Ran
    try {
      const rc = join(rcDir, '.npmrc')
      writeFileSync(
        rc,
        `registry=${inputs.registry}\n${inputs.npmToken ? `${nerfDart(inputs.registry)}:_authToken=${inputs.npmToken}\n` : ''}`,
        { mode: 0o600 },
      )
      const empty = join(rcDir, 'global-npmrc')
      writeFileSync(empty, '', { mode: 0o600 })
      // the install may use the proxies as given (credentials too): it runs no package code
      const proxies = Object.fromEntries(
        Object.entries(env).filter(([k, v]) => v !== undefined && PROXIES.has(k.toUpperCase())) as Array<
          [string, string]
        >,
      )
      install = await runProcess(
        npm,
        [
          'install',
          `${name}@${version}`,
          '--registry',
          inputs.registry,
          '--ignore-scripts',
          '--no-audit',
          '--no-fund',
          '--no-package-lock',
          '--no-update-notifier',
          '--prefer-online',
        ],
        {
          cwd: project,
          env: { ...base, ...proxies, npm_config_userconfig: rc, npm_config_globalconfig: empty },
          shell: process.platform === 'win32',
          deadline,
          log: options.log,
          prefix: `${label}  npm │ `,
        },
      )
    } finally {
      rmSync(rcDir, { recursive: true, force: true })
    }
    check(install, subject, `installing it (npm install ${subject})`, config, 'npm')

    // 2. the install scripts, as a user's install runs them, in an environment without
    // tokens; but a script can read its ancestors' environments (/proc/<ppid>/environ), so
    // only where this process holds no credential
    if (held.length > 0) {
      options.log.warning(
        `${label}Smoke test: the install scripts of ${subject} (and its dependencies) were not run: this process holds write credentials (${held.join(', ')}), which a script could read from its parent process. The package was installed with scripts off, so a version that needs its install scripts may fail the test, and one that breaks in them may pass. Fix: run the smoke test in a job that holds no token: the reusable workflows rollback-npm.yml and rollback-npm-oidc.yml do (their smoke job has no secret and permissions: {}); in a workflow of your own, run the action with ${SMOKE_ONLY_ENV}=true in such a job and pass its smoke-tested output to the rollback step as ${SMOKE_TESTED_ENV}; on the command line, run release-rollback --smoke-only where no token is set.`,
      )
    } else {
      const noRc = {
        npm_config_userconfig: join(project, '.no-user-npmrc'),
        npm_config_globalconfig: join(project, '.no-global-npmrc'),
      }
      const rebuild = await runProcess(
        npm,
        ['rebuild', '--ignore-scripts=false', '--no-audit', '--no-fund', '--no-update-notifier'],
        {
          cwd: project,
          env: { ...base, ...noRc },
          shell: process.platform === 'win32',
          deadline,
          log: options.log,
          prefix: `${label}  npm │ `,
        },
      )
      check(rebuild, subject, 'running its install scripts (npm rebuild)', config, 'npm')
    }

    // 3. the command, in the project
    options.log.info(`${label}Smoke test: running the ${settingName('smoke-test')} command for ${subject}…`)
    const ran = await runProcess(command, [], {
      cwd: project,
      env: smokeEnv(env, { PACKAGE: name, VERSION: version, NODE_PATH: join(project, 'node_modules') }),
      shell: true,
      deadline,
      log: options.log,
      prefix: `${label}  │ `,
    })
    check(ran, subject, 'running the smoke-test command', config, 'command')
    options.log.info(`✔ ${label}Smoke test passed: ${subject}.`)
  } finally {
    rmSync(project, { recursive: true, force: true })
  }
}

async function smokeDocker(
  r: TargetRun,
  version: string,
  command: string,
  config: SmokeInputs,
  options: SmokeOptions,
  label: string,
): Promise<void> {
  const deadline = Date.now() + config.timeoutMs
  const target = r.target as DockerTarget
  const digest = await target.digestOf(version)
  if (!digest)
    throw new SmokeTestError(
      `${r.name}:${version}`,
      'could not start: the registry has no digest for that tag',
      `check that the restore version is pushed, or pass another ${settingName('restore-version')}.`,
      [],
    )
  const image = `${target.ref.name}@${digest}`
  const dir = mkdtempSync(join(tempRoot(options.env ?? process.env), 'release-rollback-smoke-'))
  try {
    options.log.info(
      `${label}Smoke test: running the ${settingName('smoke-test')} command with IMAGE=${image} (${version})…`,
    )
    const ran = await runProcess(command, [], {
      cwd: dir,
      env: smokeEnv(options.env ?? process.env, { IMAGE: image, VERSION: version }),
      shell: true,
      deadline,
      log: options.log,
      prefix: `${label}  │ `,
    })
    check(ran, image, 'running the smoke-test command', config, 'command')
    options.log.info(`✔ ${label}Smoke test passed: ${image}.`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Where the temporary folders go: the runner's per-job temp folder when there is one, else the system's. */
function tempRoot(env: NodeJS.ProcessEnv): string {
  const runnerTemp = env.RUNNER_TEMP
  return runnerTemp && existsSync(runnerTemp) ? runnerTemp : tmpdir()
}

/** Throws the SmokeTestError for a run that did not succeed. */
function check(ran: Ran, subject: string, doing: string, config: SmokeInputs, what: 'npm' | 'command'): void {
  if (ran.spawnError) {
    if (what === 'npm' && ran.spawnError.code === 'ENOENT') {
      throw new InputError(
        'smoke-test',
        `needs the npm CLI to install ${subject}, and npm was not found on PATH.`,
        `set up Node.js with npm before this step (actions/setup-node), or ${currentDialect() === 'action' ? `leave ${settingName('smoke-test')} empty` : `leave out ${settingName('smoke-test')}`}.`,
      )
    }
    throw new SmokeTestError(subject, `could not start ${doing} (${ran.spawnError.message})`, fixVersion(), ran.tail)
  }
  if (ran.timedOut) {
    throw new SmokeTestError(
      subject,
      `did not finish within ${config.timeout} (${settingName('smoke-test-timeout')}) while ${doing}; it was stopped`,
      `make the command faster or raise ${settingName('smoke-test-timeout')} (the install and the command share it); ${fixVersion()}`,
      ran.tail,
    )
  }
  if (ran.code !== 0) {
    const how = ran.code !== null ? `exited with code ${ran.code}` : `was ended by ${ran.signal}`
    const fix =
      what === 'npm' ? `${subject} must install from the registry as users get it: ${fixVersion()}` : fixVersion()
    throw new SmokeTestError(subject, `failed while ${doing}: it ${how}`, fix, ran.tail)
  }
}
