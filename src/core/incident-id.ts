// The incident id of several targets: one formula for the runner (which makes it) and the
// record check (which recomputes it from a record to see that the record is that incident's).
// Pure.
import { incidentId } from './plan.js'

/**
 * One id for an incident of several targets: every target (npm packages by name, others
 * as kind:name), the channel, the bad version and the restore version asked for (absent:
 * each target's last known good).
 */
export function incidentOfTargets(
  targets: ReadonlyArray<{ kind: string; name: string }>,
  channel: string,
  bad: string,
  restoreAsked: string | undefined,
): string {
  const names = targets.map((r) => (r.kind === 'npm' ? r.name : `${r.kind}:${r.name}`))
  return incidentId([...names].sort().join(','), channel, bad, restoreAsked ?? 'last-known-good')
}
