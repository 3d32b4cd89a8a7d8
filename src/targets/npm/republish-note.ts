// The mark a republished version carries (tiny on purpose: every registry read uses it,
// while the republish code itself is loaded only when strategy: republish runs).

/** The package.json (and registry manifest) field that marks a republished version. */
export const NOTE_KEY = 'releaseRollback'

/**
 * What a republished version says about itself, under `releaseRollback` in its
 * package.json and so in its registry manifest (`npm view pkg@1.2.4 releaseRollback`).
 * Verdaccio and the npm registry both keep unknown package.json fields in the full
 * packument's `versions[v]` (the abbreviated install document drops them, as it drops
 * every field installs do not need).
 */
export interface RepublishNote {
  /** the bad version this one replaces */
  rollbackOf: string
  /** the version whose tarball this one carries */
  restoredFrom: string
  /** the rollback's incident id (plan.incidentId) */
  incidentId: string
}

/** The note a manifest carries, when it carries a well-formed one. */
export function noteOf(manifest: unknown): RepublishNote | undefined {
  const note = (manifest as Record<string, unknown> | undefined)?.[NOTE_KEY] as Record<string, unknown> | undefined
  if (!note || typeof note !== 'object') return undefined
  const { rollbackOf, restoredFrom, incidentId } = note
  if (typeof rollbackOf !== 'string' || typeof restoredFrom !== 'string' || typeof incidentId !== 'string')
    return undefined
  return { rollbackOf, restoredFrom, incidentId }
}
