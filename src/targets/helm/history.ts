// The release's history as `helm history -o json` prints it, and what its rows say: which
// version a row holds, which rows a rollback wrote, how helm's errors read. Pure: no helm runs here.
import semver from 'semver'
import { RegistryError } from '../../core/errors.js'
import { firstLine } from '../../core/util.js'

/** How many revisions `helm history` is asked for (helm's own default is 256). */
export const HISTORY_READ_MAX = 1024
/** `helm rollback --description` takes at most this many characters (helm's MaxDescriptionLength). */
export const MAX_DESCRIPTION = 256

/** One row of `helm history -o json`: helm's releaseInfo. */
export interface HelmHistoryEntry {
  revision: number
  /** RFC 3339; helm 3 prints "" for a zero time, helm 4 leaves the key out */
  updated?: string
  status: string
  /** `<chart name>-<chart version>` */
  chart: string
  app_version: string
  /** helm main (after v4.2.4): the revision a rollback restored */
  rollback_revision?: number
  description: string
}

/** The revisions of the last inspection or rollback, for outputs. */
export interface HelmRevisions {
  /** the release's latest revision before the rollback */
  previous?: number
  /** the revision rolled back to */
  target?: number
  /** the revision `helm rollback` wrote (undefined when nothing was written) */
  created?: number
}

export const RESTORABLE = new Set(['deployed', 'superseded'])
export const PENDING = new Set(['pending-install', 'pending-upgrade', 'pending-rollback'])
export const OUR_DESCRIPTION = /^release-rollback(?: (rr-[0-9a-f]+))?:/
/** what helm writes over a rollback's description when it fails: the update (`Rollback`) or the wait (`Release`, as a failed install) */
const FAILED_ROLLBACK = /^Rollback ".*" failed: /s
const FAILED_RELEASE = /^Release ".*" failed: /s
/** helm's error when a hook failed (pkg/action/hooks.go) */
export const HOOK_FAILED = /Hook (pre-rollback|post-rollback) (\S+) failed/

/** `v1.2.3` -> `1.2.3`; undefined when it is not a semantic version. */
export function normaliseVersion(raw: string): string | undefined {
  const v = raw.trim().replace(/^[vV](?=\d)/, '')
  return v !== '' && semver.valid(v) !== null && !/^[=\s]/.test(v) ? v : undefined
}

/**
 * The chart version in helm's `<name>-<version>` (`acme-app-1.2.3` -> `1.2.3`). Chart
 * names may hold dashes and versions may too (`1.0.0-rc-1`); names hold no dotted
 * x.y.z, so the first dash followed by a whole semantic version is the split.
 */
export function chartVersionOf(chart: string): string | undefined {
  for (let i = chart.indexOf('-', 1); i !== -1; i = chart.indexOf('-', i + 1)) {
    const v = normaliseVersion(chart.slice(i + 1))
    if (v !== undefined) return v
  }
  return undefined
}

export interface Entry extends HelmHistoryEntry {
  /** the matched version, normalised; undefined when not a semantic version */
  version?: string
}

/** The revision helm treats as current: the newest `deployed` one. */
export function currentRevision(history: Entry[]): Entry | undefined {
  return history.findLast((e) => e.status === 'deployed')
}

/**
 * A revision written by a rollback: helm's default description, ours, helm main's
 * rollback_revision, a failed update (`Rollback "x" failed: ...`), or a failed wait
 * (`Release "x" failed: ...`, which a failed install writes too: an install is revision 1,
 * or follows an uninstalled one with `helm install --replace`).
 */
export function isRollback(e: HelmHistoryEntry, previous: HelmHistoryEntry | undefined): boolean {
  if (
    (e.rollback_revision ?? 0) > 0 ||
    /^Rollback to \d+$/.test(e.description) ||
    OUR_DESCRIPTION.test(e.description) ||
    FAILED_ROLLBACK.test(e.description)
  )
    return true
  return FAILED_RELEASE.test(e.description) && e.revision > 1 && !(previous && /^uninstall/.test(previous.status))
}

/** `e` is a rollback to `target`: helm main's rollback_revision, helm's or our description, or (failed) the target's chart and version. */
export function isRollbackTo(e: HelmHistoryEntry, target: HelmHistoryEntry): boolean {
  if (e.rollback_revision !== undefined) return e.rollback_revision === target.revision
  if (e.description === `Rollback to ${target.revision}`) return true
  if (OUR_DESCRIPTION.test(e.description)) return e.description.endsWith(`(revision ${target.revision})`)
  return (
    (FAILED_ROLLBACK.test(e.description) || FAILED_RELEASE.test(e.description)) &&
    e.chart === target.chart &&
    e.app_version === target.app_version
  )
}

/** "revisions 12-21: 1.2.4 (21 deployed), 1.2.3 (20 superseded, 12-19), ..." for messages. */
export function summarise(history: Entry[]): string {
  if (history.length === 0) return 'empty'
  const byVersion = new Map<string, Entry[]>()
  for (const e of [...history].reverse()) {
    const key = e.version ?? `${e.app_version || '?'} (${e.chart})`
    byVersion.set(key, [...(byVersion.get(key) ?? []), e])
  }
  const parts = [...byVersion]
    .slice(0, 12)
    .map(([v, es]) => `${v} (${es.map((e) => `${e.revision} ${e.status}`).join(', ')})`)
  const first = history[0].revision
  const last = history.at(-1)?.revision
  return `revisions ${first === last ? first : `${first}-${last}`}: ${parts.join('; ')}${byVersion.size > 12 ? '; ...' : ''}`
}

export function isHistoryEntry(x: unknown): x is HelmHistoryEntry {
  const e = x as Record<string, unknown>
  return (
    typeof e === 'object' &&
    e !== null &&
    Number.isInteger(e.revision) &&
    typeof e.status === 'string' &&
    typeof e.chart === 'string' &&
    typeof e.app_version === 'string' &&
    typeof e.description === 'string' &&
    (e.updated === undefined || typeof e.updated === 'string')
  )
}

export function parseJson(text: string, command: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    throw new RegistryError(
      `${command} did not print JSON: ${firstLine(text) || '(nothing)'}`,
      'use helm 3 or newer as the helm binary.',
    )
  }
}

/** The `Error: ...` line helm prints (warnings on stderr are skipped). */
export function helmError(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
  const error = lines.find((l) => l.startsWith('Error: '))
  return (error ? error.slice('Error: '.length) : (lines.at(-1) ?? '')).slice(0, 500)
}

export function truncate(s: string, max: number): string {
  const chars = [...s]
  return chars.length <= max ? s : chars.slice(0, max).join('')
}

export function quote(a: string): string {
  return /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`
}
