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
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import {
  accessSync,
  constants,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { DURATION_UNITS, parseDuration } from '../core/duration.js'
import type { InputReader } from '../core/reader.js'
import { knownSecrets, type KnownSecrets } from '../core/secrets.js'
import { InputError, RollbackError } from '../core/errors.js'
import type { RollbackInputs } from '../config/inputs.js'
import { inert } from '../core/markdown.js'
import type { Logger } from '../core/retry.js'
import { runIncident, type IncidentRequest, type IncidentStatus, type IncidentTarget, type TargetRun } from './run.js'
import type { DockerTarget } from '../targets/docker/target.js'
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
  options: {
    cwd: string
    env: Record<string, string>
    shell: boolean
    deadline: number
    log: Logger
    prefix: string
    /** the run's secrets: every line of output is scrubbed of them before it is logged or kept */
    scrub: Pick<KnownSecrets, 'scrub'>
  },
): Promise<Ran> {
  return new Promise((resolve) => {
    const tail: string[] = []
    const partial = { out: '', err: '' }
    // every line is logged behind the prefix (never at the start of a line), so the runner
    // never reads the command's output as a workflow command (::add-mask::, ::error::, …)
    const push = (line: string) => {
      // scrubbed before it is cut to length, so no piece of a secret is left at the cut; the
      // tail goes into the error, and so the job summary, the tracking issue and the webhook
      const text = clean(options.scrub.scrub(line.replace(/\r$/, '')))
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
    // Linux: under the supervisor (a subreaper), or tracked through /proc
    let program = file
    let argv = args
    let shell = options.shell
    let tracker: Descendants | undefined
    let supervised = false
    const linux = process.platform === 'linux'
    if (linux) {
      const resolved = shell ? '/bin/sh' : onPath(file, options.env.PATH)
      if (resolved === undefined) {
        const e: NodeJS.ErrnoException = new Error(`spawn ${file} ENOENT`)
        e.code = 'ENOENT'
        resolve({ code: null, signal: null, timedOut: false, tail, spawnError: e })
        return
      }
      const full = shell ? [resolved, '-c', file] : [resolved, ...args]
      const py = supervisorPython(options.env.PATH)
      if (py) {
        supervised = true
        program = py
        argv = ['-c', SUPERVISOR, ...full]
      } else {
        program = full[0]
        argv = full.slice(1)
      }
      shell = false
    }
    try {
      child = spawn(program, argv, {
        cwd: options.cwd,
        env: options.env,
        shell,
        stdio: ['ignore', 'pipe', 'pipe'],
        // its own process group: a timeout ends the command and everything it started
        detached: process.platform !== 'win32',
        windowsHide: true,
      })
    } catch (e) {
      resolve({ code: null, signal: null, timedOut: false, tail, spawnError: e as NodeJS.ErrnoException })
      return
    }
    if (linux && !supervised && child.pid !== undefined) tracker = new Descendants(child.pid)
    child.stdout?.on('data', feed('out'))
    child.stderr?.on('data', feed('err'))
    let timedOut = false
    let settled = false
    let hardKill: NodeJS.Timeout | undefined
    const timer = setTimeout(
      () => {
        timedOut = true
        tracker?.killAll()
        killTree(child, 'SIGTERM')
        hardKill = setTimeout(() => killTree(child, 'SIGKILL'), 3000)
      },
      Math.max(0, options.deadline - Date.now()),
    )
    const finish = (ran: Omit<Ran, 'tail' | 'timedOut'>) => {
      if (settled) return
      settled = true
      tracker?.stop()
      clearTimeout(timer)
      clearTimeout(hardKill)
      for (const key of ['out', 'err'] as const) if (partial[key] !== '') push(partial[key])
      resolve({ ...ran, timedOut, tail })
    }
    child.once('error', (e: NodeJS.ErrnoException) => finish({ code: null, signal: null, spawnError: e }))
    child.once('exit', (code, signal) => {
      // whatever it left running (a server started in the background) ends with it; the
      // pipes it held then close too
      tracker?.killAll()
      killTree(child, 'SIGKILL')
      const closed = new Promise<void>((done) => {
        child.once('close', () => done())
        setTimeout(() => {
          child.stdout?.destroy()
          child.stderr?.destroy()
          done()
        }, 2000).unref()
      })
      void Promise.all([closed, tracker?.ended()]).then(() => finish({ code, signal }))
    })
  })
}

// --- containing what the command starts ---------------------------------------------------
//
// The command runs in a process group of its own, which a timeout and its end kill. A process
// that leaves the group (setsid: a new session, the way a daemon starts) escapes that kill and
// would outlive the smoke test and the action, with the package's code in it. On Linux the
// complete fix is a subreaper (prctl PR_SET_CHILD_SUBREAPER, man 2 prctl): every orphan below
// it is reparented to it, setsid or not, so it can end them all. Node cannot call prctl
// without a native module, so the command runs under a small supervisor in python3 (ctypes,
// on the runner images), which sets it, runs the command, and on the command's end or a
// SIGTERM kills every process below it until none is left, then ends the same way the command
// did. Without python3 the best available is used: the descendants are read from /proc
// (/proc/<pid>/task/<tid>/children, man 5 proc) every 100 ms and at the end, and every one
// seen is killed (by pid and start time, so a reused pid is not); a process that starts and
// leaves within one interval is missed then (docs/runbook.md "Smoke test" says so).

/** The supervisor (python3): argv is the command; PR_SET_CHILD_SUBREAPER is 36 (linux/prctl.h). */
const SUPERVISOR = `
import ctypes, os, signal, sys, time
ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)
def below():
    found, todo = [], [os.getpid()]
    while todo:
        p = todo.pop()
        try: tasks = os.listdir('/proc/%d/task' % p)
        except OSError: continue
        for t in tasks:
            try:
                with open('/proc/%d/task/%s/children' % (p, t)) as f: kids = [int(k) for k in f.read().split()]
            except OSError: kids = []
            found += kids; todo += kids
    return found
def sweep():
    for _ in range(500):
        pids = below()
        if not pids: return
        for p in pids:
            try: os.kill(p, signal.SIGKILL)
            except OSError: pass
        time.sleep(0.01)
        try:
            while os.waitpid(-1, os.WNOHANG)[0] != 0: pass
        except ChildProcessError: pass
def stop(sig, frame):
    sweep()
    signal.signal(sig, signal.SIG_DFL)
    os.kill(os.getpid(), sig)
child = os.fork()
if child == 0:
    try: os.execv(sys.argv[1], sys.argv[1:])
    finally: os._exit(127)
for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP): signal.signal(sig, stop)
while True:
    pid, status = os.wait()
    if pid == child: break
sweep()
if os.WIFSIGNALED(status):
    signal.signal(os.WTERMSIG(status), signal.SIG_DFL)
    os.kill(os.getpid(), os.WTERMSIG(status))
sys.exit(os.WEXITSTATUS(status))
`

/** A program on PATH, as the shell would find it (undefined: not found). */
function onPath(file: string, path: string | undefined): string | undefined {
  if (file.includes('/')) return existsSync(file) ? file : undefined
  for (const dir of (path ?? '').split(delimiter)) {
    if (dir === '') continue
    const candidate = join(dir, file)
    try {
      accessSync(candidate, constants.X_OK)
      if (statSync(candidate).isFile()) return candidate
    } catch {
      // not here
    }
  }
  return undefined
}

const pythons = new Map<string, string | null>()
/** python3 with ctypes and prctl on this PATH, looked for once; null: none (then the /proc tracker). */
function supervisorPython(path: string | undefined): string | null {
  const known = pythons.get(path ?? '')
  if (known !== undefined) return known
  const found = onPath('python3', path)
  const ok =
    found !== undefined &&
    spawnSync(found, ['-c', 'import ctypes; ctypes.CDLL(None).prctl'], { stdio: 'ignore', timeout: 10_000 }).status ===
      0
  const python = ok ? (found as string) : null
  pythons.set(path ?? '', python)
  return python
}

/** The tracker without a subreaper: the processes below `root` seen so far, by pid and start time. */
class Descendants {
  private readonly seen = new Map<number, string>()
  private timer: NodeJS.Timeout | undefined

  constructor(private readonly root: number) {
    this.timer = setInterval(() => this.scan(), 100)
    this.timer.unref()
  }

  private static startTime(pid: number): string | undefined {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]
    } catch {
      return undefined
    }
  }

  /** Adds every process now below the root (and below any seen before: an orphan is still tracked). */
  scan(): void {
    const todo = [this.root, ...this.seen.keys()]
    const visited = new Set<number>()
    while (todo.length > 0) {
      const pid = todo.pop() as number
      if (visited.has(pid)) continue
      visited.add(pid)
      let tasks: string[]
      try {
        tasks = readdirSync(`/proc/${pid}/task`)
      } catch {
        continue
      }
      for (const t of tasks) {
        let kids: number[] = []
        try {
          kids = readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').split(' ').filter(Boolean).map(Number)
        } catch {
          // gone
        }
        for (const k of kids) {
          const start = Descendants.startTime(k)
          if (start !== undefined && !this.seen.has(k)) this.seen.set(k, start)
          todo.push(k)
        }
      }
    }
  }

  /** Kills every process seen that is still the same process. */
  killAll(): void {
    this.scan()
    for (const [pid, start] of this.seen) {
      if (Descendants.startTime(pid) !== start) continue
      try {
        process.kill(pid, 'SIGKILL')
      } catch {
        // gone
      }
    }
  }

  /** Resolves once every process killed is gone (or a zombie), at most 2 s: SIGKILL takes effect when the process next runs. */
  async ended(): Promise<void> {
    const until = Date.now() + 2000
    const alive = () =>
      [...this.seen].some(([pid, start]) => {
        try {
          const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
          const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
          return fields[19] === start && fields[0] !== 'Z'
        } catch {
          return false
        }
      })
    while (alive() && Date.now() < until) await new Promise((r) => setTimeout(r, 20))
  }

  stop(): void {
    clearInterval(this.timer)
  }
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
  /** the run's secrets (the action's masked values, src/core/secrets.ts); default: read from the inputs and env */
  secrets?: KnownSecrets
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
  return [smokeTestStep(config, inputs, { ...options, secrets })]
}

/** The beforeWrite step: one smoke run per npm package and image whose channel moves, one after the other. */
export function smokeTestStep(
  config: SmokeInputs,
  inputs: Pick<RollbackInputs, 'registry' | 'npmToken'>,
  options: SmokeOptions & { secrets: KnownSecrets },
): (planned: TargetRun[]) => Promise<void> {
  return async (planned) => {
    await smokeRuns(planned, config, inputs, options)
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
  inputs: Pick<RollbackInputs, 'registry' | 'npmToken'>,
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
      if (r.kind !== 'npm' && r.kind !== 'docker') {
        options.log.info(`${label}Smoke test: not run for ${r.kind} targets (only npm packages and images).`)
        continue
      }
      // before anything of the package is fetched: nothing of it runs beside a credential
      if (held.length > 0) throw refusal(held)
      if (r.kind === 'npm') await smokeNpm(r.name, version, command, config, inputs, options, label)
      else await smokeDocker(r, version, command, config, options, label)
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
  const tested = await smokeRuns(plan.targets, config, request, {
    ...options,
    secrets: secretsOf(options, get, request.npmToken),
  })
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
  options: SmokeOptions & { secrets: KnownSecrets },
  label: string,
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

    // 1. the install, without a token (the smoke test runs only where none is, see refusal),
    // with a user config of its own: the caller's .npmrc, which may hold one, is not read
    const rcDir = mkdtempSync(join(temp, 'release-rollback-npmrc-'))
    let install: Ran
    try {
      const rc = join(rcDir, '.npmrc')
      writeFileSync(rc, `registry=${inputs.registry}\n`, { mode: 0o600 })
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
          scrub: options.secrets,
        },
      )
    } finally {
      rmSync(rcDir, { recursive: true, force: true })
    }
    check(install, subject, `installing it (npm install ${subject})`, config, 'npm')

    // 2. the install scripts, as a user's install runs them (this process holds no credential)
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
        scrub: options.secrets,
      },
    )
    check(rebuild, subject, 'running its install scripts (npm rebuild)', config, 'npm')

    // 3. the command, in the project
    options.log.info(`${label}Smoke test: running the ${settingName('smoke-test')} command for ${subject}…`)
    const ran = await runProcess(command, [], {
      cwd: project,
      env: smokeEnv(env, { PACKAGE: name, VERSION: version, NODE_PATH: join(project, 'node_modules') }),
      shell: true,
      deadline,
      log: options.log,
      prefix: `${label}  │ `,
      scrub: options.secrets,
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
  options: SmokeOptions & { secrets: KnownSecrets },
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
      scrub: options.secrets,
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
