// The record a report carries, hidden at its end so that a re-run merges into it instead
// of starting over: encoded (canonical JSON in base64), parsed back field by field, and
// merged with a re-run. Pure: no I/O, no @actions/*.
import { mergeImpact } from '../incident/impact.js'
import { isKindName, kindField } from './kinds.js'
import {
  SEVERITIES,
  type HandoffPlan,
  type Impact,
  type ImpactTarget,
  type IncidentEvent,
  type IncidentRecord,
  type IncidentRun,
  type IncidentVerification,
  type StagedFix,
} from './incident.js'

const RECORD_RE = /<!-- release-rollback:record ([A-Za-z0-9+/=\s]*?) -->/g

/** JSON with sorted keys, so equal records serialise to equal bytes however they were built. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  )
}

/** The record as a hidden HTML comment; base64, so a reason holding `-->` cannot end it early. */
export function encodeRecord(r: IncidentRecord): string {
  return `<!-- release-rollback:record ${Buffer.from(canonicalJson(r), 'utf8').toString('base64')} -->`
}

const isString = (v: unknown): v is string => typeof v === 'string'
const isOptString = (v: unknown) => v === undefined || isString(v)
const isStringMap = (v: unknown): v is Record<string, string> =>
  !!v && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every(isString)
const OUTCOMES = ['done', 'already', 'skipped', 'failed', 'planned']

function validRun(v: unknown): v is IncidentRun {
  const o = v as Record<string, unknown>
  return (
    !!o &&
    typeof o === 'object' &&
    isString(o.at) &&
    isString(o.status) &&
    isOptString(o.url) &&
    isOptString(o.actor) &&
    isOptString(o.trigger)
  )
}

function validEvent(v: unknown): v is IncidentEvent {
  const o = v as Record<string, unknown>
  return (
    !!o &&
    typeof o === 'object' &&
    isString(o.at) &&
    isString(o.action) &&
    isString(o.detail) &&
    OUTCOMES.includes(o.outcome as string)
  )
}

const isTime = (v: unknown): v is string => isString(v) && !Number.isNaN(Date.parse(v))
const isMs = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0
const optional = <T>(v: unknown, ok: (v: unknown) => v is T) => v === undefined || ok(v)

/** The impact rebuilt field by field, or undefined when it is malformed (the record keeps the rest). */
function impactOf(v: unknown): Impact | undefined {
  const o = v as Record<string, unknown>
  if (!o || typeof o !== 'object' || Array.isArray(o)) return undefined
  if (
    !isTime(o.startedAt) ||
    !optional(o.protectedAt, isTime) ||
    !optional(o.toProtectionMs, isMs) ||
    !optional(o.rtoMs, isMs)
  )
    return undefined
  if (
    !(SEVERITIES as readonly unknown[]).includes(o.severity) ||
    !['met', 'missed', 'none', 'open', 'unmeasured'].includes(o.verdict as string)
  )
    return undefined
  if (!Array.isArray(o.targets)) return undefined
  const targets: ImpactTarget[] = []
  for (const t of o.targets as Array<Record<string, unknown>>) {
    if (
      !t ||
      typeof t !== 'object' ||
      !isString(t.name) ||
      !isString(t.channel) ||
      !isString(t.version) ||
      typeof t.onChannel !== 'boolean'
    )
      return undefined
    if (
      !['moved', 'already', 'open'].includes(t.state as string) ||
      !optional(t.publishedAt, isTime) ||
      !optional(t.movedAt, isTime) ||
      !optional(t.heldMs, isMs) ||
      !optional(t.downloads, isMs)
    )
      return undefined
    if (t.kind !== undefined && !isKindName(t.kind)) return undefined
    targets.push({
      kind: t.kind as ImpactTarget['kind'],
      name: t.name,
      channel: t.channel,
      version: t.version,
      state: t.state as ImpactTarget['state'],
      onChannel: t.onChannel,
      publishedAt: t.publishedAt as string | undefined,
      movedAt: t.movedAt as string | undefined,
      heldMs: t.heldMs as number | undefined,
      downloads: t.downloads as number | undefined,
    })
  }
  if (!optional(o.resumedAt, isTime) || !optional(o.toResumeMs, isMs) || !optional(o.resumeToProtectionMs, isMs))
    return undefined
  return {
    ...(o.resumedAt !== undefined ? { resumedAt: o.resumedAt as string } : {}),
    ...(o.toResumeMs !== undefined ? { toResumeMs: o.toResumeMs as number } : {}),
    ...(o.resumeToProtectionMs !== undefined ? { resumeToProtectionMs: o.resumeToProtectionMs as number } : {}),
    startedAt: o.startedAt,
    protectedAt: o.protectedAt as string | undefined,
    toProtectionMs: o.toProtectionMs as number | undefined,
    severity: o.severity as Impact['severity'],
    rtoMs: o.rtoMs as number | undefined,
    verdict: o.verdict as Impact['verdict'],
    targets,
  }
}

/** A staged fix-forward version rebuilt field by field, or undefined when it is missing or malformed. */
function stagedOf(v: unknown): StagedFix | undefined {
  const o = v as Record<string, unknown>
  if (!o || typeof o !== 'object' || Array.isArray(o) || ![o.version, o.stageId, o.command].every(isString))
    return undefined
  return { version: o.version as string, stageId: o.stageId as string, command: o.command as string }
}

/** A hand-off's plan rebuilt field by field, or undefined when it is missing or malformed. */
function handoffOf(v: unknown): HandoffPlan | undefined {
  const o = v as Record<string, unknown>
  if (!o || typeof o !== 'object' || Array.isArray(o)) return undefined
  if (!isTime(o.startedAt) || ![o.reason, o.registry, o.command].every(isString) || !isOptString(o.restoreAsked))
    return undefined
  if (!Array.isArray(o.targets) || o.targets.length === 0) return undefined
  const targets: HandoffPlan['targets'] = []
  for (const t of o.targets as Array<Record<string, unknown>>) {
    if (!t || typeof t !== 'object' || !isKindName(t.kind)) return undefined
    if (![t.name, t.channel, t.restore].every(isString) || ![t.expected, t.deprecationMessage].every(isOptString))
      return undefined
    targets.push({
      kind: t.kind as HandoffPlan['targets'][number]['kind'],
      name: t.name as string,
      channel: t.channel as string,
      ...(t.expected !== undefined ? { expected: t.expected as string } : {}),
      restore: t.restore as string,
      ...(t.deprecationMessage !== undefined ? { deprecationMessage: t.deprecationMessage as string } : {}),
    })
  }
  return {
    startedAt: o.startedAt,
    reason: o.reason as string,
    registry: o.registry as string,
    ...(o.restoreAsked !== undefined ? { restoreAsked: o.restoreAsked as string } : {}),
    command: o.command as string,
    targets,
  }
}

/** The verification a record carries, rebuilt field by field; undefined when it is missing or malformed (the rest of the record still counts). */
function parseVerification(v: unknown): IncidentVerification | undefined {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined
  const o = v as Record<string, unknown>
  const out: IncidentVerification = {}
  const h = o.health as Record<string, unknown> | undefined
  if (h !== undefined) {
    if (
      !h ||
      typeof h !== 'object' ||
      !isString(h.url) ||
      !isString(h.timeout) ||
      !Array.isArray(h.versions) ||
      !h.versions.every(isString)
    )
      return undefined
    if (![h.field, h.seenAt, h.reports].every(isOptString)) return undefined
    out.health = {
      url: h.url,
      field: h.field as string | undefined,
      versions: [...h.versions],
      timeout: h.timeout,
      seenAt: h.seenAt as string | undefined,
      reports: h.reports as string | undefined,
    }
  }
  if (o.installers !== undefined) {
    if (!Array.isArray(o.installers)) return undefined
    const rows: NonNullable<IncidentVerification['installers']> = []
    for (const r of o.installers as Array<Record<string, unknown>>) {
      if (
        !r ||
        typeof r !== 'object' ||
        ![r.name, r.channel, r.version, r.registry].every(isString) ||
        ![r.seenAt, r.holds, r.error].every(isOptString)
      )
        return undefined
      if (r.maxAgeSeconds !== undefined && !(Number.isSafeInteger(r.maxAgeSeconds) && (r.maxAgeSeconds as number) >= 0))
        return undefined
      rows.push({
        name: r.name as string,
        channel: r.channel as string,
        version: r.version as string,
        registry: r.registry as string,
        seenAt: r.seenAt as string | undefined,
        holds: r.holds as string | undefined,
        maxAgeSeconds: r.maxAgeSeconds as number | undefined,
        error: r.error as string | undefined,
      })
    }
    out.installers = rows
  }
  return out.health || out.installers ? out : undefined
}

/**
 * A re-run's verification over the first one's: the state now, except that a check which
 * saw the same version before keeps the time it was first seen (so a re-run that sees
 * what the first run saw changes nothing).
 */
function mergeVerification(
  base: IncidentVerification | undefined,
  current: IncidentVerification | undefined,
): IncidentVerification | undefined {
  if (!current) return base
  const merged = JSON.parse(JSON.stringify(current)) as IncidentVerification
  const bh = base?.health
  if (
    merged.health &&
    bh?.seenAt &&
    bh.url === merged.health.url &&
    bh.field === merged.health.field &&
    bh.reports !== undefined &&
    merged.health.versions.includes(bh.reports)
  ) {
    merged.health = { ...merged.health, seenAt: bh.seenAt, reports: bh.reports }
  }
  if (merged.installers) {
    merged.installers = merged.installers.map((row) => {
      const first = base?.installers?.find(
        (b) => b.name === row.name && b.channel === row.channel && b.version === row.version && b.seenAt,
      )
      return first ? { ...first } : row
    })
  }
  return merged
}

/** The record a report carries (the last one, if several), or undefined when it is missing, malformed or of another format. */
export function parseReportRecord(markdown: string): IncidentRecord | undefined {
  const match = [...markdown.matchAll(RECORD_RE)].pop()
  if (!match) return undefined
  let o: Record<string, unknown>
  try {
    o = JSON.parse(Buffer.from(match[1].replace(/\s+/g, ''), 'base64').toString('utf8')) as Record<string, unknown>
  } catch {
    return undefined
  }
  if (!o || typeof o !== 'object' || Array.isArray(o) || o.format !== 1) return undefined
  const strings = ['incidentId', 'packageName', 'channel', 'rollbackVersion', 'restoreVersion', 'reason'] as const
  if (!strings.every((k) => isString(o[k]) && o[k] !== '')) return undefined
  if (
    !isOptString(o.previousVersion) ||
    !isOptString(o.deprecationMessage) ||
    !isOptString(o.deprecationSkipped) ||
    !isOptString(o.issueUrl) ||
    !isOptString(o.reportPath)
  )
    return undefined
  if (o.issueNumber !== undefined && !(Number.isSafeInteger(o.issueNumber) && (o.issueNumber as number) > 0))
    return undefined
  if (!isStringMap(o.tagsBefore) || !isStringMap(o.tagsAfter)) return undefined
  if (
    !(SEVERITIES as readonly unknown[]).includes(o.severity) ||
    (o.strategy !== 'retag' && o.strategy !== 'republish')
  )
    return undefined
  if (!Array.isArray(o.runs) || !o.runs.every(validRun)) return undefined
  if (!Array.isArray(o.timeline) || !o.timeline.every(validEvent)) return undefined
  if (!Array.isArray(o.warnings) || !o.warnings.every(isString)) return undefined
  // rebuilt field by field: nothing unknown travels on
  const record: IncidentRecord = {
    format: 1,
    incidentId: o.incidentId as string,
    packageName: o.packageName as string,
    channel: o.channel as string,
    rollbackVersion: o.rollbackVersion as string,
    restoreVersion: o.restoreVersion as string,
    previousVersion: o.previousVersion as string | undefined,
    deprecationMessage: o.deprecationMessage as string | undefined,
    deprecationBefore: typeof o.deprecationBefore === 'string' ? o.deprecationBefore : undefined,
    ...(isString(o.deprecationSkipped) ? { deprecationSkipped: o.deprecationSkipped } : {}),
    tagsBefore: { ...o.tagsBefore },
    tagsAfter: { ...o.tagsAfter },
    severity: o.severity as IncidentRecord['severity'],
    reason: o.reason as string,
    strategy: o.strategy as IncidentRecord['strategy'],
    republishedVersion: typeof o.republishedVersion === 'string' ? o.republishedVersion : undefined,
    target: isKindName(o.target) ? kindField(o.target) : undefined,
    packages: Array.isArray(o.packages)
      ? o.packages.map((p: NonNullable<IncidentRecord['packages']>[number]) => ({
          name: String(p.name),
          ...(isKindName(p.kind) ? { kind: p.kind } : {}),
          ...(typeof p.channel === 'string' ? { channel: p.channel } : {}),
          previousVersion: typeof p.previousVersion === 'string' ? p.previousVersion : undefined,
          restoreVersion: typeof p.restoreVersion === 'string' ? p.restoreVersion : undefined,
          ...(typeof p.deprecationMessage === 'string' ? { deprecationMessage: p.deprecationMessage } : {}),
          ...(typeof p.deprecationBefore === 'string' ? { deprecationBefore: p.deprecationBefore } : {}),
          outcome: String(p.outcome),
        }))
      : undefined,
    runs: o.runs.map((r: IncidentRun) => ({
      url: r.url,
      at: r.at,
      status: r.status,
      actor: r.actor,
      trigger: r.trigger,
    })),
    timeline: o.timeline.map((e: IncidentEvent) => ({
      at: e.at,
      action: e.action,
      outcome: e.outcome,
      detail: e.detail,
    })),
    warnings: [...o.warnings],
    issueNumber: o.issueNumber as number | undefined,
    issueUrl: o.issueUrl as string | undefined,
    reportPath: o.reportPath as string | undefined,
    impact: impactOf(o.impact),
    verification: parseVerification(o.verification),
    handoff: handoffOf(o.handoff),
    staged: stagedOf(o.staged),
  }
  return JSON.parse(JSON.stringify(record)) as IncidentRecord // drops the undefined fields
}

// ---------------------------------------------------------------------------------------
// Merging a re-run into the record

const eventKey = (e: IncidentEvent) => JSON.stringify([e.at, e.action, e.outcome, e.detail])
const runKey = (r: IncidentRun) => JSON.stringify([r.url ?? '', r.at])
const wroteSomething = (e: IncidentEvent) => e.outcome === 'done' || e.outcome === 'failed'

/**
 * A re-run merged into what the report already records.
 *
 * - The first run's `previousVersion` and `tagsBefore` stay: they are the state before
 *   the incident was handled. `tagsAfter`, `deprecationMessage`, `severity`, `reason` and
 *   `warnings` come from the re-run (the state now); `restoreVersion` and `incidentId` too,
 *   so a re-run with a corrected restore version updates the report. `issueNumber`,
 *   `issueUrl` and `reportPath` come from the re-run when it has them.
 * - `verification` comes from the re-run, except that a check which saw the same version
 *   before keeps the time it was first seen.
 * - Only events that wrote or failed (`done`, `failed`) are appended to the timeline; an
 *   `already`, `skipped` or `planned` event from a re-run adds nothing. Identical events
 *   are not repeated; runs already listed (same url and time) are not repeated.
 * - **No-op rule**: a re-run whose runs all ended `already-done`, that has no `done` or
 *   `failed` event, and that changes none of the fields above adds nothing at all, not
 *   even a run entry. The report then renders byte-identical and the caller can skip the
 *   commit. (A re-run that changes a field, such as the severity, is listed as a run so the
 *   report's changed content is explained.)
 * - `impact`: the first run's figures stay (its start, each target it measured, downloads
 *   counted once); a target it left not rolled back takes the re-run's figures, and the
 *   target and verdict follow the re-run's severity (mergeImpact).
 * - A record for another package, channel or bad version (a report path collision) is not
 *   merged: the current record is returned as it is.
 */
export function mergeRecord(existing: IncidentRecord | undefined, current: IncidentRecord): IncidentRecord {
  const copy = (r: IncidentRecord) => JSON.parse(JSON.stringify(r)) as IncidentRecord
  if (
    existing === undefined ||
    existing.packageName !== current.packageName ||
    existing.channel !== current.channel ||
    existing.rollbackVersion !== current.rollbackVersion
  ) {
    return copy(current)
  }
  const base = copy(existing)
  // what the first run replaced stays in its row (an undo's row, even a failed one, must keep it for the re-run)
  const withBefore = (row: NonNullable<IncidentRecord['packages']>[number]) => {
    const before = row.deprecationBefore ?? base.packages?.find((b) => b.name === row.name)?.deprecationBefore
    return before === undefined ? row : { ...row, deprecationBefore: before }
  }
  const carried: IncidentRecord = {
    ...base,
    incidentId: current.incidentId,
    target: current.target,
    strategy: current.strategy,
    republishedVersion: current.republishedVersion ?? base.republishedVersion,
    // per package: a re-run's "already" keeps the row that says what actually happened
    packages:
      current.packages?.map((row) =>
        row.outcome === 'already' ? (base.packages?.find((b) => b.name === row.name) ?? row) : withBefore(row),
      ) ?? base.packages,
    restoreVersion: current.restoreVersion,
    tagsAfter: { ...current.tagsAfter },
    deprecationMessage: current.deprecationMessage,
    // what the first run replaced stays (a re-run finds its own message there)
    deprecationBefore: base.deprecationBefore ?? current.deprecationBefore,
    deprecationSkipped: current.deprecationSkipped,
    severity: current.severity,
    reason: current.reason,
    warnings: [...current.warnings],
    issueNumber: current.issueNumber ?? base.issueNumber,
    issueUrl: current.issueUrl ?? base.issueUrl,
    reportPath: current.reportPath ?? base.reportPath,
    impact: mergeImpact(base.impact, current.impact),
    verification: mergeVerification(base.verification, current.verification),
    // the plan the first hand-off left stays: a resume performs exactly it
    handoff: base.handoff ?? current.handoff,
    // staged: the state now (a run after the approval finds the fix live and drops it)
    staged: current.staged,
  }
  if (carried.handoff === undefined) delete carried.handoff
  if (carried.staged === undefined) delete carried.staged
  if (carried.deprecationMessage === undefined) delete carried.deprecationMessage
  if (carried.deprecationBefore === undefined) delete carried.deprecationBefore
  if (carried.deprecationSkipped === undefined) delete carried.deprecationSkipped
  if (carried.impact === undefined) delete carried.impact
  if (carried.verification === undefined) delete carried.verification

  const knownRuns = new Set(base.runs.map(runKey))
  const newRuns = current.runs.filter((r) => !knownRuns.has(runKey(r)))
  const knownEvents = new Set(base.timeline.map(eventKey))
  const newEvents = current.timeline.filter((e) => wroteSomething(e) && !knownEvents.has(eventKey(e)))

  const noop =
    newRuns.every((r) => r.status === 'already-done') &&
    newEvents.length === 0 &&
    canonicalJson(carried) === canonicalJson(base)
  if (noop) return carried

  const seen = new Set<string>()
  carried.runs = [...base.runs, ...newRuns.map((r) => ({ ...r }))]
  carried.timeline = [...base.timeline, ...newEvents.map((e) => ({ ...e }))].filter(
    (e) => !seen.has(eventKey(e)) && !!seen.add(eventKey(e)),
  )
  return carried
}
