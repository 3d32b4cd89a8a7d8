// The hidden HTML comments by which a re-run finds its tracking issue and its own comment
// on it. Pure: no I/O.

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
