// Undo by incident id: the incident record (the committed report, or the tracking issue)
// read back into what an undo needs - every target with the version its channel held when
// the incident found it, what the rollback wrote there and the deprecation message it
// wrote - and the inputs of an undo built from it. Pure: no I/O, no @actions/*.
import semver from 'semver'
import { currentDialect, settingName } from '../core/settings.js'
import { InputError } from '../core/errors.js'
import { mainKind, requireNpmToken, type RollbackInputs, type TargetSpec } from '../config/inputs.js'
import type { RecordedIncident } from '../core/plan.js'
import type { IncidentRecord } from './incident.js'
import { type KindName, recordedKind, recordedKindName } from './kinds.js'
import { kindOf } from '../targets/registry.js'

/** What an undo needs of an incident's record: one entry per target the rollback planned. */
export function recordedIncident(r: IncidentRecord, source: string): RecordedIncident {
  const restore = semver.valid(r.restoreVersion) ? r.restoreVersion : undefined
  const republish = r.strategy === 'republish'
  const targets: RecordedIncident['targets'] = []
  const notAffected: string[] = []
  if (r.packages && r.packages.length > 0) {
    // a record written before rows carried their own message: the incident's one message is
    // each retiring row's only when every such row's message names the same version on the same channel
    const retiring = r.packages.filter((p) => recordedKind(p.kind).capabilities.retire)
    const oneMessage =
      new Set(retiring.map((p) => `${p.restoreVersion}\0${p.channel ?? r.channel}`)).size === 1
        ? r.deprecationMessage
        : undefined
    for (const p of r.packages) {
      // a row without a restore version was never planned (not affected, skipped, refused): the rollback wrote nothing there
      if (p.restoreVersion === undefined) {
        // a workspace's packages that lacked the bad version: rows of the default kind
        if (p.outcome === 'not-affected' && recordedKind(p.kind).isDefault) notAffected.push(p.name)
        continue
      }
      const kind = recordedKind(p.kind)
      targets.push({
        kind: kind.name as KindName,
        name: p.name,
        channel: p.channel ?? r.channel,
        previousVersion: p.previousVersion,
        wrote: p.restoreVersion,
        restoreVersion: republish ? (restore ?? p.restoreVersion) : p.restoreVersion,
        deprecationMessage: p.deprecationMessage ?? (kind.capabilities.retire ? oneMessage : undefined),
        ...(p.deprecationBefore !== undefined ? { deprecationBefore: p.deprecationBefore } : {}),
      })
    }
  } else {
    targets.push({
      kind: recordedKindName(r.target),
      name: r.packageName,
      channel: r.channel,
      previousVersion: r.previousVersion,
      // while the fix is staged, the channel was pointed at the restore version (the fix is not live)
      wrote: r.staged ? r.restoreVersion : (r.republishedVersion ?? r.restoreVersion),
      restoreVersion: r.restoreVersion,
      deprecationMessage: r.deprecationMessage,
      ...(r.deprecationBefore !== undefined ? { deprecationBefore: r.deprecationBefore } : {}),
    })
  }
  return {
    incidentId: r.incidentId,
    rollbackVersion: r.rollbackVersion,
    channel: r.channel,
    source,
    targets,
    ...(r.reportPath ? { reportPath: r.reportPath } : {}),
    ...(notAffected.length > 0 ? { notAffected } : {}),
  }
}

const specOf = (t: { kind: string; name: string }) => `${t.kind}:${t.name}`

/**
 * The inputs of an undo by incident id: the targets, channel, versions and strategy of the
 * record, with `recorded` for the planner. An input given together with incident-id that
 * contradicts the record is refused, naming that input; nothing else is needed.
 */
export function undoInputs(
  inputs: RollbackInputs,
  record: IncidentRecord,
  source: string,
): RollbackInputs & { recorded: RecordedIncident } {
  const by = inputs.undoById
  if (!by) throw new Error('internal: undoInputs without incident-id')
  const rec = recordedIncident(record, source)
  const id = by.incidentId
  const id_ = settingName('incident-id')
  const leave = (input: string) =>
    `${currentDialect() === 'action' ? `leave ${input} empty` : `leave out ${settingName(input)}`} (with ${id_} the record names the versions and targets), or check that ${id_} is the incident you mean to undo.`
  const given = by.given
  if (given.rollbackVersion !== undefined && given.rollbackVersion !== rec.rollbackVersion) {
    throw new InputError(
      'rollback-version',
      `is ${given.rollbackVersion}, but incident ${id} (${source}) rolled back ${rec.rollbackVersion}.`,
      leave('rollback-version'),
    )
  }
  if (given.restoreVersion !== undefined && given.restoreVersion !== record.restoreVersion) {
    throw new InputError(
      'restore-version',
      `is ${given.restoreVersion}, but incident ${id} (${source}) restored ${record.restoreVersion}.`,
      leave('restore-version'),
    )
  }
  if (given.channel !== undefined && given.channel !== rec.channel) {
    throw new InputError(
      'channel',
      `is ${given.channel}, but incident ${id} (${source}) was on '${rec.channel}'.`,
      leave('channel'),
    )
  }
  if (given.strategy !== undefined && given.strategy !== record.strategy) {
    throw new InputError(
      'strategy',
      `is ${given.strategy}, but incident ${id} (${source}) used ${record.strategy}.`,
      leave('strategy'),
    )
  }
  if (rec.targets.length === 0) {
    throw new InputError(
      'incident-id',
      `names incident ${id} (${source}), whose record holds no target the rollback changed: there is nothing to undo.`,
      "check the incident id (the rollback's, shown in its tracking issue and report).",
    )
  }
  if (given.targets !== undefined) {
    const want = [...new Set(given.targets.targets.map(specOf))].sort()
    const have = [
      ...new Set([
        ...rec.targets.map(specOf),
        ...(rec.notAffected ?? []).map((name) => specOf({ kind: recordedKindName(undefined), name })),
      ]),
    ].sort()
    if (want.join('\n') !== have.join('\n')) {
      throw new InputError(
        given.targets.input,
        `names ${want.join(', ')}, but incident ${id} (${source}) rolled back ${have.join(', ')}.`,
        leave(given.targets.input),
      )
    }
  }
  // the packages that lacked the bad version come along as they did (not affected again), so the undo's report is the rollback's
  const specs: TargetSpec[] = [
    ...rec.targets.map((t) => ({ kind: t.kind, name: t.name })),
    ...(rec.notAffected ?? []).map((name) => ({ kind: recordedKindName(undefined), name })),
  ]
  const kinds = new Set(specs.map((s) => s.kind))
  const target = mainKind(kinds)
  // the request's package names, npm token and trusted publishing are the default kind's (npm):
  // its writes need a token, or the job's ID token (readInputs saw whether the runner offers one)
  const hasDefault = specs.some((s) => kindOf(s.kind).isDefault)
  if (hasDefault && !inputs.dryRun && !inputs.npmOidc) requireNpmToken(inputs.npmToken)
  const npmNames = specs.filter((s) => kindOf(s.kind).isDefault).map((s) => s.name)
  return {
    ...inputs,
    target,
    targets: specs,
    packageName: specs[0].name,
    packageNames: npmNames.length > 0 ? npmNames : [specs[0].name],
    fromWorkspaces: (rec.notAffected ?? []).length > 0,
    rollbackVersion: rec.rollbackVersion,
    restoreVersion: semver.valid(record.restoreVersion) ? record.restoreVersion : undefined,
    channel: rec.channel,
    reason: inputs.reason || record.reason,
    strategy: record.strategy,
    deprecate: inputs.deprecate && specs.some((s) => kindOf(s.kind).capabilities.retire),
    ...(inputs.npmOidc && hasDefault ? { npmOidc: true } : { npmOidc: undefined }),
    recorded: rec,
  }
}
