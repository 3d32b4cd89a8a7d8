// The action's outputs: every one set on every run, from the incident's result (src/incident/run.ts).
import type { BookkeepingResult } from '../github/bookkeeping.js'
import { errorOf, type IncidentResult, type TargetRun } from '../incident/run.js'
import { kindOf } from '../targets/registry.js'

export const Outputs = {
  status: 'status',
  previousVersion: 'previous-version',
  restoredVersion: 'restored-version',
  moved: 'moved',
  deprecated: 'deprecated',
  incidentId: 'incident-id',
  issueNumber: 'issue-number',
  issueUrl: 'issue-url',
  reportPath: 'report-path',
  reportUrl: 'report-url',
  pullRequestUrl: 'pull-request-url',
  previousDigest: 'previous-digest',
  restoredDigest: 'restored-digest',
  previousRevision: 'previous-revision',
  restoredRevision: 'restored-revision',
  newRevision: 'new-revision',
  republishedVersion: 'republished-version',
  packages: 'packages',
  targets: 'targets',
  handoff: 'handoff',
  stagedVersion: 'staged-version',
  stageId: 'stage-id',
} as const

export type OutputValues = Record<(typeof Outputs)[keyof typeof Outputs], string>

export const EMPTY: OutputValues = {
  status: 'failed',
  'previous-version': '',
  'restored-version': '',
  moved: 'false',
  deprecated: 'false',
  'incident-id': '',
  'issue-number': '',
  'issue-url': '',
  'report-path': '',
  'report-url': '',
  'pull-request-url': '',
  'previous-digest': '',
  'restored-digest': '',
  'previous-revision': '',
  'restored-revision': '',
  'new-revision': '',
  'republished-version': '',
  packages: '',
  targets: '',
  handoff: 'false',
  'staged-version': '',
  'stage-id': '',
}

/** The one output mapping, for one target or many. */
export function outputsOf(result: IncidentResult, books?: BookkeepingResult): OutputValues {
  const several = result.targets.length > 1
  const only = result.targets[0]
  const plan = only.plan
  // the packages of the registry input (npm's), listed as before the targets input
  const npm = result.targets.filter((t) => kindOf(t.kind).capabilities.registryInput === true)
  const goal = channelGoal
  return {
    ...EMPTY,
    status: result.status,
    // one target: what its channel held and holds; several: the restore versions, once each
    'previous-version': several ? '' : (plan?.previousVersion ?? only.skipped?.holder ?? ''),
    'restored-version': several
      ? [...new Set(result.targets.map(goal).filter(Boolean))].join(',')
      : plan
        ? (goal(only) ?? '')
        : (only.skipped?.holder ?? ''),
    moved: String(result.targets.some((t) => t.moved)),
    deprecated: String(result.targets.some((t) => t.deprecated)),
    'incident-id': result.incidentId,
    'issue-number': books?.issueNumber ? String(books.issueNumber) : '',
    'issue-url': books?.issueUrl ?? '',
    'report-path': books?.reportPath ?? '',
    'report-url': books?.reportUrl ?? '',
    'pull-request-url': books?.pullRequestUrl ?? '',
    'republished-version': several ? '' : (plan?.republish?.version ?? ''),
    packages: several && npm.length > 0 ? JSON.stringify(npm.map(row).map(({ kind: _kind, ...rest }) => rest)) : '',
    targets: JSON.stringify(result.targets.map(row)),
    // a staged fix-forward version waits for its approval too, but that is no hand-off
    handoff: String(result.status === 'awaiting-approval' && !result.staged),
    'staged-version': result.staged?.version ?? '',
    'stage-id': result.staged?.stageId ?? '',
  }
}

/** The version the channel points at after the run (or would, in a dry run): an undo's is the bad version, or what it was left on. */
export function channelGoal(t: TargetRun): string | undefined {
  const plan = t.plan
  if (plan?.undo) return plan.tag.kind === 'keep-newer' ? plan.tag.holder : plan.tag.to
  return plan?.republish?.version ?? plan?.restoreVersion
}

/** A target's row in the `targets` (and `packages`) output. */
function row(t: TargetRun) {
  return {
    kind: t.kind,
    name: t.name,
    outcome: t.outcome,
    previous: t.plan?.previousVersion ?? null,
    restored: channelGoal(t) ?? null,
    moved: t.moved,
    deprecated: t.deprecated,
    error: errorOf(t) ?? null,
  }
}
