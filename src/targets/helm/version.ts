// `helm version --short`, parsed, and what the helm it names can do: `rollback --description`,
// and the `--wait` flag of its major (helm 3's bool, helm 4's strategy).
import { InputError } from '../../core/errors.js'
import { setTo } from '../../core/settings.js'
import type { HelmWait } from './config.js'

/** `helm version --short` (`v3.19.0+g3d8990f`, `v4.2.4+g3900f43`, `v4.2+unreleased+ge9b85e4`), parsed. */
export interface HelmVersion {
  /** what helm printed */
  raw: string
  major: number
  minor: number
  /** undefined for a build without one (helm main built from source: `v4.2+unreleased`) */
  patch?: number
  /** a build from a branch, not a release (`+unreleased` metadata) */
  unreleased: boolean
}

/** Parses `helm version --short`; undefined when it is not helm's format. */
export function parseHelmVersion(text: string): HelmVersion | undefined {
  const raw = text.trim()
  const m = /^v(\d+)\.(\d+)(?:\.(\d+))?(?:-[0-9A-Za-z.-]+)?(?:\+([0-9A-Za-z.+-]*))?$/.exec(raw)
  if (!m) return undefined
  return {
    raw,
    major: Number(m[1]),
    minor: Number(m[2]),
    patch: m[3] === undefined ? undefined : Number(m[3]),
    unreleased: (m[4] ?? '').split('+').includes('unreleased'),
  }
}

/**
 * Whether `helm rollback --description` may exist: it came to main after v4.2.4 (PR
 * #31580), so a release from v4.3 on or a build of main (`v4.2+unreleased`, which a
 * release-4.2 branch build also prints: the unknown-flag fallback covers that).
 */
export function mayDescribe(v: HelmVersion): boolean {
  return v.major > 4 || (v.major === 4 && (v.minor >= 3 || (v.minor === 2 && v.unreleased)))
}

/** The flags of `helm rollback` for `wait` on helm `v`; throws naming helm-wait where the major has no such checks. */
export function waitFlags(wait: HelmWait, v: HelmVersion): string[] {
  if (wait === 'none') return []
  if (v.major === 3) {
    if (wait === 'watcher') {
      throw new InputError(
        'helm-wait',
        `is watcher, but the helm on this runner is ${v.raw}: helm 3 has only the legacy readiness checks (--wait), the watcher came with helm 4.`,
        `${setTo('helm-wait', 'legacy')} (the default) or none, or install helm 4 on the runner.`,
      )
    }
    return ['--wait']
  }
  // helm 4: a value needs '=' (a bare --wait is 'watcher', and `--wait legacy` would make legacy an argument)
  return [`--wait=${wait}`]
}
