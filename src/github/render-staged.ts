// The staged fix-forward version's part of the tracking issue, its re-run comments and the
// incident report (strategy republish under staged publishing, issue 21 §1): the version,
// its stage id and the one command that approves it. Pure: no I/O.
import type { IncidentRecord } from './incident.js'
import { code, fenced, lastRun } from './render-parts.js'

/** What the channel holds while the fix is staged (the restore version, as the latest run read it back). */
const live = (r: IncidentRecord): string => r.tagsAfter[r.channel] ?? r.restoreVersion

/** Whether the latest run left the fix-forward version staged, waiting for a maintainer's approval. */
export const awaitsApproval = (r: IncidentRecord): boolean =>
  r.staged !== undefined && lastRun(r)?.status === 'awaiting-approval'

/** The headline while the fix is staged: users are protected, the fix waits. */
export function stagedHeadline(r: IncidentRecord): string {
  const s = r.staged as NonNullable<IncidentRecord['staged']>
  return `⏳ **${code(r.channel)} points at ${code(live(r))} again; the fix ${code(s.version)} is staged and waits for a maintainer's approval.**`
}

/** The approval block, under a heading of `level`; empty unless the fix waits for its approval. */
export function renderStaged(r: IncidentRecord, level: '##' | '###' | '####'): string[] {
  if (!awaitsApproval(r)) return []
  const s = r.staged as NonNullable<IncidentRecord['staged']>
  return [
    [
      `${level} ⏳ Staged: ${code(`${r.packageName}@${s.version}`)} waits for a maintainer's approval`,
      `Stage id: ${code(s.stageId)}. Users are protected meanwhile: ${code(r.channel)} points at ${code(live(r))} and the deprecation of ${code(r.rollbackVersion)} names only versions that are live.`,
      '',
      'A maintainer with two-factor authentication on the registry approves it (or on npmjs.com, under the package):',
      '',
      fenced('sh', s.command),
      '',
      `Then run this rollback again: it moves ${code(r.channel)} to ${code(s.version)} and rewrites the deprecation to name it.`,
    ].join('\n'),
  ]
}
