// `release-rollback resume <incident-id> --repo owner/name`: a maintainer finishes a
// handed-off incident (src/handoff.ts). The incident record holds the exact plan the action
// left; the resume re-reads the registry, and performs that plan and nothing else through
// the one runner (src/run.ts runIncident, every write through guardedWrite) with the
// maintainer's own second factor, as any command-line rollback does. It refuses, with
// nothing written, when the registry no longer matches the plan (a fix published since the
// hand-off, a channel moved elsewhere), and is a no-op once a resume completed it. The checks
// here are pure; src/cli.ts reads the record and runs them (before the confirmation on the
// plan's reads, and again right before the first write, on fresh reads).
import semver from 'semver'
import { parseRegistry } from '../config/inputs.js'
import { InputError, RollbackError } from '../core/errors.js'
import { settingName } from '../core/settings.js'
import type { HandoffPlan, IncidentRecord, IncidentRun } from '../github/incident.js'
import type { Plan } from '../core/plan.js'
import type { TargetRun } from '../incident/run.js'

/** Where a recorded incident stands for a resume. */
export type ResumeState =
  | { kind: 'no-handoff' }
  | { kind: 'done'; run: IncidentRun }
  | { kind: 'waiting'; handoff: HandoffPlan }

const FINISHED = ['completed', 'already-done']

/** Whether the record holds a hand-off, and whether a run after it already finished it. */
export function resumeState(record: IncidentRecord): ResumeState {
  const h = record.handoff
  if (!h) return { kind: 'no-handoff' }
  let handedOff = -1
  record.runs.forEach((r, i) => {
    if (r.status === 'awaiting-approval') handedOff = i
  })
  const done = record.runs.slice(handedOff + 1).find((r) => FINISHED.includes(r.status))
  return done ? { kind: 'done', run: done } : { kind: 'waiting', handoff: h }
}

/**
 * The command line's rollback flags for the recorded plan: its targets, channel, versions,
 * deprecation and registry, nothing else. `--name=value`, so no recorded text can read as a flag.
 */
export function resumeFlags(record: IncidentRecord, h: HandoffPlan): string[] {
  const targets = h.targets.map((t) => `${t.kind}:${t.name}`).join(',')
  const messages = [...new Set(h.targets.map((t) => t.deprecationMessage))]
  const restores = [...new Set(h.targets.map((t) => t.restore))]
  // one target: its restore version (so the plan rebuilds to the incident's id); several: the one asked for, if any
  const restore = h.targets.length === 1 ? restores[0] : h.restoreAsked
  const flags = [
    `--targets=${targets}`,
    `--rollback=${record.rollbackVersion}`,
    `--channel=${record.channel}`,
    `--reason=${record.reason}`,
    `--registry=${h.registry}`,
    `--severity=${record.severity}`,
    `--strategy=${record.strategy}`,
    ...(restore !== undefined ? [`--restore=${restore}`] : []),
  ]
  // the deprecation: the recorded message itself, when every target has the same one (no
  // placeholder left in it, it renders as itself); else the default template, which the
  // check below compares target by target
  if (messages.length === 1 && messages[0] === undefined) flags.push('--no-deprecate')
  else if (
    messages.length === 1 &&
    messages[0] !== undefined &&
    !/\{(version|restore|channel|reason)\}/.test(messages[0])
  )
    flags.push(`--deprecation-message=${messages[0]}`)
  return flags
}

/** A registry URL as the writes use it (trailing slash, parsed), or undefined when it is none. */
function registryUrl(raw: string): string | undefined {
  try {
    return parseRegistry('registry', raw)
  } catch {
    return undefined
  }
}

/**
 * The hand-off's registry must be the one the maintainer's own settings name (--registry,
 * npm_config_registry, the .npmrc files, else registry.npmjs.org; `own` resolves them for a
 * target's name, as npm does for its scope). The record is read from places anyone with
 * write access can edit, and its check (src/github/record-check.ts) cannot prove the
 * registry: the incident id digests the targets, channel and versions, not where they live.
 * A record rewritten to name another host would otherwise receive the maintainer's npm token
 * at the first request (--yes skips the confirmation that shows the registry). Throws an
 * InputError naming --registry before any token is used; a plan with no registry (no npm
 * target) uses the maintainer's own.
 */
export function requireOwnRegistry(
  incidentId: string,
  source: string,
  h: HandoffPlan,
  own: (targetName: string) => string,
): void {
  if (h.registry.trim() === '') return
  const planned = registryUrl(h.registry)
  for (const t of h.targets) {
    const mine = registryUrl(own(t.name)) ?? own(t.name)
    if (planned === mine) continue
    const flag = settingName('registry')
    throw new InputError(
      'registry',
      `is ${mine} by your own settings, but the hand-off's plan of ${incidentId} (${source}) sends the writes, and your npm token, to ${JSON.stringify(h.registry.slice(0, 200))}: nothing was written and no npm token was used.`,
      `if ${t.name} really lives there, run resume again with ${flag} ${planned ?? '<that registry>'} (or set registry in your .npmrc); otherwise the record was changed after the hand-off: check who edited the tracking issue and the report, and roll back with your own settings instead of resume.`,
    )
  }
}

/**
 * What no longer matches the recorded plan, one line per problem; empty: the plan can be
 * performed as recorded. `runs`: the runner's targets after planning (the plan's reads).
 */
export function handoffProblems(h: HandoffPlan, record: IncidentRecord, runs: TargetRun[]): string[] {
  const problems: string[] = []
  const since = Date.parse(h.startedAt)
  for (const t of h.targets) {
    const who = h.targets.length > 1 ? `${t.name}: ` : ''
    const r = runs.find((x) => x.kind === t.kind && x.name === t.name && x.channel === t.channel)
    if (!r) {
      problems.push(`${who}no longer planned: its channel no longer holds what the plan expected`)
      continue
    }
    // a failed read fails the run by itself, with its own message
    if (r.failure) continue
    if (r.skipped) {
      problems.push(`${who}${r.skipped.reason}`)
      continue
    }
    const plan = r.plan as Plan | undefined
    if (!plan) {
      problems.push(`${who}nothing to plan (${r.outcome})`)
      continue
    }
    const bad = plan.rollbackVersion
    const tag = plan.tag
    if (tag.kind === 'keep-newer')
      problems.push(
        `${who}'${t.channel}' holds ${tag.holder}, newer than the bad ${bad}: a fix was published since the hand-off`,
      )
    else if (tag.kind === 'move' && tag.from !== t.expected)
      problems.push(
        `${who}'${t.channel}' holds ${tag.from ?? 'nothing'}, but the plan expected ${t.expected ?? 'no such channel'}: it moved since the hand-off`,
      )
    else if ((tag.kind === 'move' || tag.kind === 'already') && tag.to !== t.restore)
      problems.push(`${who}the restore version would now be ${tag.to}, but the plan says ${t.restore}`)
    // versions above the restore version published since the hand-off (a fix the plan did not know of)
    for (const [v, info] of Object.entries(r.before?.versions ?? {})) {
      if (v === bad || !semver.valid(v) || !semver.valid(t.restore) || !semver.gt(v, t.restore)) continue
      const at = info.publishedAt ? Date.parse(info.publishedAt) : Number.NaN
      const after = Number.isNaN(at) ? semver.gt(v, bad) : at > since
      if (after)
        problems.push(
          `${who}${v} was published${info.publishedAt ? ` at ${info.publishedAt}` : ''} after the hand-off: a fix the plan did not expect`,
        )
    }
    const d = plan.deprecation
    if (t.deprecationMessage === undefined) {
      if (d.kind !== 'off') problems.push(`${who}the plan has no deprecation, this run would deprecate ${bad}`)
    } else if ((d.kind !== 'deprecate' && d.kind !== 'already') || d.message !== t.deprecationMessage) {
      problems.push(
        `${who}the deprecation would be ${d.kind === 'deprecate' || d.kind === 'already' ? `"${d.message}"` : d.kind}, but the plan says "${t.deprecationMessage}"`,
      )
    }
    if (h.targets.length === 1 && plan.incidentId !== record.incidentId)
      problems.push(
        `the plan rebuilt from the record is incident ${plan.incidentId}, not ${record.incidentId}: the record was changed`,
      )
  }
  return [...new Set(problems)]
}

/** The refusal: what changed, and that nothing was written. */
export class HandoffChangedError extends RollbackError {
  constructor(incidentId: string, problems: string[]) {
    super(
      `Resume of ${incidentId} refused: the registry no longer matches the plan the hand-off recorded, so nothing was written:\n${problems.map((p) => `- ${p}`).join('\n')}`,
      'check what changed (npm view <package> dist-tags time); if a fix is out, move the channel to it by hand, or run a new rollback with the versions that hold now.',
    )
    this.name = 'HandoffChangedError'
  }
}

/** The runner's beforeWrite step of a resume: the plan checked again on the reads right before the first write. */
export function handoffGuard(h: HandoffPlan, record: IncidentRecord): (planned: TargetRun[]) => Promise<void> {
  return async (planned) => {
    const problems = handoffProblems(h, record, planned)
    if (problems.length > 0) throw new HandoffChangedError(record.incidentId, problems)
  }
}
