// The probe's dist-tag names, and what happens to a probe's tag when its process is
// cancelled. A name says whose probe wrote it: `release-rollback-drill-<machine>-<pid>-<random>`,
// where <machine> is a hash of the host name and the pid namespace (two containers with
// one host name have different pid namespaces), so that a later probe on the same machine
// can prove a tag is a leftover: same machine, and that pid no longer runs there.
import { createHash, randomBytes } from 'node:crypto'
import { readlinkSync } from 'node:fs'
import { hostname } from 'node:os'

export const DRILL_TAG_PREFIX = 'release-rollback-drill-'

/** The one name every probe used before the names became per run: recognised, never written. */
const LEGACY_DRILL_TAG = 'release-rollback-drill'
/** A tag some probe wrote (this run's or another's). */
export const isDrillTag = (tag: string): boolean => tag === LEGACY_DRILL_TAG || tag.startsWith(DRILL_TAG_PREFIX)

/** This machine: the host name and the pid namespace (Linux: /proc/self/ns/pid), hashed, 6 hex digits. */
function machine(): string {
  let ns = ''
  try {
    ns = readlinkSync('/proc/self/ns/pid')
  } catch {
    // not Linux: the host name alone
  }
  return createHash('sha256').update(`${hostname()}\0${ns}`).digest('hex').slice(0, 6)
}

/** A fresh probe tag name: the prefix, this machine, this process's pid and 8 random hex digits. */
export const newDrillTag = (): string =>
  `${DRILL_TAG_PREFIX}${machine()}-${process.pid}-${randomBytes(4).toString('hex')}`

const OWN = /^release-rollback-drill-([0-9a-f]{6})-(\d+)-[0-9a-f]{8}$/

/** True when a process with this pid runs on this machine (or may: a pid we may not signal runs). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    // ESRCH: no such process; EPERM: it exists, owned by someone else
    return (e as NodeJS.ErrnoException).code !== 'ESRCH'
  }
}

/**
 * The pid of the probe that left `tag`, when the tag is provably a leftover: named by
 * this machine, by another process than this one, which no longer runs. Anything else
 * (another machine, the older names without a pid, a pid that runs, even if reused) is
 * undefined: it may be a probe running now.
 */
export function leftoverOf(tag: string): number | undefined {
  const m = OWN.exec(tag)
  if (!m || m[1] !== machine()) return undefined
  const pid = Number(m[2])
  if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid || running(pid)) return undefined
  return pid
}

/** This process's probes between their add and their confirmed remove: tag -> a guarded removal. */
const active = new Map<string, () => Promise<void>>()

/** Tracks a probe's tag until the returned function is called (its removal was answered). */
export function trackProbe(tag: string, remove: () => Promise<void>): () => void {
  active.set(tag, remove)
  return () => {
    active.delete(tag)
  }
}

/**
 * While `run` runs, SIGTERM and SIGINT (a cancelled job, Ctrl-C) first remove the tags of
 * this process's probes (each guarded: only a tag that still is the probe's, read fresh),
 * then exit with 128 + the signal number, as the default handler would. A removal that
 * takes longer than `timeoutMs` is given up and said.
 */
export async function removingProbesOnSignal<T>(
  run: () => Promise<T>,
  log: { warning: (m: string) => void },
  timeoutMs = 5000,
): Promise<T> {
  let stopping = false
  const handler = (signal: NodeJS.Signals) => {
    // a second signal does not start the removals again: a cancelled step gets SIGINT, then
    // SIGTERM 7500 ms later, then its process tree is killed 2500 ms after that
    // (https://docs.github.com/en/actions/reference/workflow-cancellation-reference), so the
    // removals get timeoutMs (5 s) within the first 7.5 s
    if (stopping) return
    stopping = true
    const tags = [...active.keys()]
    const removals = [...active.entries()].map(([tag, remove]) => {
      log.warning(`${signal}: the drill is cancelled; removing its probe tag '${tag}' before it exits.`)
      return remove().then(
        () => {
          active.delete(tag)
        },
        (e: unknown) =>
          log.warning(
            `could not remove the probe tag '${tag}' (${e instanceof Error ? e.message : String(e)}): remove it by hand (npm dist-tag rm <package> ${tag}).`,
          ),
      )
    })
    const timer = new Promise<void>((r) => setTimeout(r, timeoutMs).unref())
    void Promise.race([Promise.all(removals), timer]).finally(() => {
      if (tags.some((t) => active.has(t)))
        log.warning(`gave up removing ${[...active.keys()].join(', ')} after ${timeoutMs} ms: remove by hand.`)
      process.exit(128 + (signal === 'SIGINT' ? 2 : 15))
    })
  }
  process.on('SIGTERM', handler)
  process.on('SIGINT', handler)
  try {
    return await run()
  } finally {
    process.off('SIGTERM', handler)
    process.off('SIGINT', handler)
  }
}
