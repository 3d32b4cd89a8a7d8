// The hidden HTML comments by which a re-run finds its tracking issue, its own comment on
// it, and the GitHub Release it already marked. Pure: no I/O.

/** Keeps a value that goes into an HTML comment or a path free of anything but [A-Za-z0-9._-]. */
const markerSafe = (value: string) => value.replace(/[^A-Za-z0-9._-]/g, '_')

export function issueMarker(incidentId: string): string {
  return `<!-- release-rollback:incident=${markerSafe(incidentId)} -->`
}

export function runMarker(run: { runId?: string; runAttempt?: string }): string {
  return `<!-- release-rollback:run=${markerSafe(run.runId || 'local')}-${markerSafe(run.runAttempt || '1')} -->`
}

export function hasMarker(body: string | null | undefined, marker: string): boolean {
  return typeof body === 'string' && body.includes(marker)
}

/** The hidden marker by which a re-run knows the release is marked for this incident. */
export function rolledBackMarker(incidentId: string): string {
  return `<!-- release-rollback:rolled-back=${markerSafe(incidentId)} -->`
}

/** The label that lifts the release freeze while a tracking issue stays open (src/freeze.ts). */
export const OVERRIDE_LABEL = 'release-freeze-override'
