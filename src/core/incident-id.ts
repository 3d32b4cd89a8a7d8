// The incident id: one formula for the runner (which makes it) and the record check (which
// recomputes it from a record to see that the record is that incident's). Pure: core knows
// no kind, so the caller says how each kind names its targets (TargetKind.label).
import { createHash } from 'node:crypto'

/** A deterministic key for one incident: the same rollback always gets the same id. */
export function incidentId(packageName: string, channel: string, bad: string, restore: string): string {
  const hash = createHash('sha256')
    .update(JSON.stringify([packageName, channel, bad, restore]))
    .digest('hex')
  return `rr-${hash.slice(0, 16)}`
}

/**
 * One id for an incident of several targets: every target as `label` names it among several
 * (its kind's label: an npm package by its name, the others as kind:name), the channel, the
 * bad version and the restore version asked for (absent: each target's last known good).
 */
export function incidentOfTargets(
  targets: ReadonlyArray<{ kind: string; name: string }>,
  channel: string,
  bad: string,
  restoreAsked: string | undefined,
  label: (kind: string, name: string) => string,
): string {
  const names = targets.map((r) => label(r.kind, r.name))
  return incidentId([...names].sort().join(','), channel, bad, restoreAsked ?? 'last-known-good')
}
