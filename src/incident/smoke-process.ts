// One process of the smoke test (the npm install, its scripts, the user's command), run
// contained: its own process group, a deadline, everything it started ended with it (a
// process that left its session included, see "containing" below), and every line of its
// output scrubbed of the run's secrets and cleaned before it is logged or kept. Generic: the
// kinds' smoke hooks (src/targets/<kind>/smoke.ts) run their processes through it.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { accessSync, constants, existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { delimiter, join } from 'node:path'
import type { Logger } from '../core/retry.js'
import type { KnownSecrets } from '../core/secrets.js'

/** how many of the last lines of output go into the error and the summary */
export const TAIL_LINES = 20
const MAX_LINE = 400

export interface Ran {
  code: number | null
  signal: NodeJS.Signals | null
  timedOut: boolean
  /** the last lines of stdout and stderr together, cleaned for a message */
  tail: string[]
  /** it could not start (npm not on PATH) */
  spawnError?: NodeJS.ErrnoException
}

export interface RunOptions {
  cwd: string
  env: Record<string, string>
  shell: boolean
  deadline: number
  log: Logger
  prefix: string
  /** the run's secrets: every line of output is scrubbed of them before it is logged or kept */
  scrub: Pick<KnownSecrets, 'scrub'>
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

interface Output {
  tail: string[]
  feed(key: 'out' | 'err'): (chunk: Buffer) => void
  /** the last line of each stream, when it had no end */
  flush(): void
}

/** The process's output, line by line: logged, and its last lines kept. */
function outputOf(options: RunOptions): Output {
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
  const flush = () => {
    for (const key of ['out', 'err'] as const) if (partial[key] !== '') push(partial[key])
  }
  return { tail, feed, flush }
}

interface Launch {
  program: string
  argv: string[]
  shell: boolean
  /** the /proc tracker follows what it starts (Linux without the supervisor) */
  track: boolean
}

/** How the process starts. Linux: under the supervisor (a subreaper), or tracked through /proc. */
function launchOf(file: string, args: string[], options: RunOptions): Launch | NodeJS.ErrnoException {
  if (process.platform !== 'linux') return { program: file, argv: args, shell: options.shell, track: false }
  const resolved = options.shell ? '/bin/sh' : onPath(file, options.env.PATH)
  if (resolved === undefined) {
    const e: NodeJS.ErrnoException = new Error(`spawn ${file} ENOENT`)
    e.code = 'ENOENT'
    return e
  }
  const full = options.shell ? [resolved, '-c', file] : [resolved, ...args]
  const py = supervisorPython(options.env.PATH)
  if (py) return { program: py, argv: ['-c', SUPERVISOR, ...full], shell: false, track: false }
  return { program: full[0], argv: full.slice(1), shell: false, track: true }
}

/** Runs one process to its end (or the deadline), and everything it started with it. */
export function runProcess(file: string, args: string[], options: RunOptions): Promise<Ran> {
  const output = outputOf(options)
  const launch = launchOf(file, args, options)
  const unstarted = (e: NodeJS.ErrnoException): Ran => ({
    code: null,
    signal: null,
    timedOut: false,
    tail: output.tail,
    spawnError: e,
  })
  if (launch instanceof Error) return Promise.resolve(unstarted(launch))
  let child: ChildProcess
  try {
    child = spawn(launch.program, launch.argv, {
      cwd: options.cwd,
      env: options.env,
      shell: launch.shell,
      stdio: ['ignore', 'pipe', 'pipe'],
      // its own process group: a timeout ends the command and everything it started
      detached: process.platform !== 'win32',
      windowsHide: true,
    })
  } catch (e) {
    return Promise.resolve(unstarted(e as NodeJS.ErrnoException))
  }
  const tracker = launch.track && child.pid !== undefined ? new Descendants(child.pid) : undefined
  return watch(child, tracker, options.deadline, output)
}

/** Waits for the process: ends it at the deadline, and what it left running when it exits. */
function watch(child: ChildProcess, tracker: Descendants | undefined, deadline: number, output: Output): Promise<Ran> {
  return new Promise((resolve) => {
    child.stdout?.on('data', output.feed('out'))
    child.stderr?.on('data', output.feed('err'))
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
      Math.max(0, deadline - Date.now()),
    )
    const finish = (ran: Omit<Ran, 'tail' | 'timedOut'>) => {
      if (settled) return
      settled = true
      tracker?.stop()
      clearTimeout(timer)
      clearTimeout(hardKill)
      output.flush()
      resolve({ ...ran, timedOut, tail: output.tail })
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
