// The hand-off: a run that does everything but the registry writes (reads, plans,
// smoke-tests), opens the tracking issue with the plan and one command for a maintainer,
// and ends `awaiting-approval`. It happens with `handoff: true`, or when the preflight finds
// a credential that cannot write without a person. The maintainer's command
// (`release-rollback resume <incident-id>`, src/modes/resume.ts) performs exactly the plan
// recorded here, with their own second factor. Pure: no I/O.

/** Marks an error of the preflight as "this credential cannot write without a person". */
const NEEDS_PERSON = Symbol.for('release-rollback.needs-person')

/** The error, marked: the runner hands off instead of failing on it (why: one sentence). */
export function markNeedsPerson<E extends Error>(e: E, why: string): E {
  Object.defineProperty(e, NEEDS_PERSON, { value: why, enumerable: false })
  return e
}

/** Why this preflight error means a person must make the writes; undefined for any other error. */
export function needsPerson(e: unknown): string | undefined {
  if (!e || typeof e !== 'object') return undefined
  const why = (e as Record<symbol, unknown>)[NEEDS_PERSON]
  return typeof why === 'string' ? why : undefined
}

/**
 * npmjs's answer to a token write on a package set to "Require two-factor authentication
 * and disallow tokens" (docs.npmjs.com/requiring-2fa-for-package-publishing-and-settings-modification:
 * with that setting "you will not be able to use automation or granular access tokens" to
 * publish or change the package). The docs give no wording of the refusal: this matches a
 * 403 whose message speaks of two-factor authentication and tokens (unverified against npmjs).
 */
export function isTokensDisallowed(e: unknown): boolean {
  const err = e as { statusCode?: number; body?: unknown; message?: unknown }
  if (err?.statusCode !== 403) return false
  const text = `${typeof err.body === 'string' ? err.body : JSON.stringify(err.body ?? '')} ${String(err.message ?? '')}`
  return /two-factor|2fa/i.test(text) && /token/i.test(text) && /(not allow|disallow|does not permit)/i.test(text)
}

/** The maintainer's one command that finishes a handed-off incident. */
export function resumeCommand(incidentId: string, repository: string): string {
  return `npx release-rollback@1 resume ${incidentId} --repo ${repository}`
}
