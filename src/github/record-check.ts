// The check an incident record must pass before an undo acts on it or the release freeze
// counts it. The record is read from places anyone with write access can edit (the tracking
// issue's body and comments, the unprotected rollback/<incident-id> branch, an unprotected
// report branch), so it proves nothing by where it was found. What it must prove instead:
//
// - It is the incident its id names. The id is a digest the rollback made before writing
//   (src/plan.ts incidentId, src/core/incident-id.ts for several targets) of the targets,
//   the channel, the bad version and the restore version; recomputed here from the record,
//   it must be the record's id. An edited package, channel or version no longer matches the
//   id the person undoing types (from the rollback's run, outputs or notification).
// - Every field is what the rollback could have written: names, versions and channels pass
//   the same parsers as the inputs, every text passes checkPlainText (no control or bidi
//   characters), and
//   - the restore target of each channel (where an undo puts it back) is the bad version:
//     a record may also say the channel held what the rollback wrote (nothing moved) or did
//     not exist, never anything else;
//   - what the rollback wrote is the restore version (republish: fixForwardVersion(bad));
//   - a deprecation message the record says this tool wrote is one its template renders for
//     that version (the default template, or the deprecation-message setting of the undo),
//     so an undo never removes a text a person wrote.
//
// What it still trusts (README, Guarantees): the id the person undoing gives, and the text a
// record says the rollback replaced (deprecationBefore), which an undo puts back: it is
// checked as plain text, and the undo compares copies (src/github/find-record.ts), but
// without a secret nothing proves who wrote it. Pure: no I/O.
import semver from 'semver'
import { DEFAULT_DEPRECATION_MESSAGE, renderDeprecationMessage } from '../core/deprecation.js'
import { incidentOfTargets } from '../core/incident-id.js'
import { InputError } from '../core/errors.js'
import { checkPlainText } from '../config/inputs.js'
import { fixForwardVersion, incidentId } from '../core/plan.js'
import type { TargetKind } from '../core/kind.js'
import { kindOf } from '../targets/registry.js'
import { parseTargets } from '../targets/spec.js'
import { labelOf } from '../targets/registry.js'
import type { IncidentRecord } from './incident.js'
import { recordedKind, recordedKindName } from './kinds.js'
import { hasMarker, issueMarker } from './markers.js'
import { parseReportRecord } from './record.js'
import { recordedIncident } from './undo-record.js'

export interface RecordCheckOptions {
  /** deprecation templates the rollback may have rendered its message with, beside the default (the undo's deprecation-message) */
  templates?: string[]
  /** reasons the message may have been rendered with, beside the record's (the undo's reason) */
  reasons?: string[]
  /** the template is not known (the release freeze): the deprecation message is checked as plain text only */
  anyTemplate?: boolean
}

const INCIDENT_ID = /^rr-[0-9a-f]{16}$/
const OTHER_CHANNEL = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,255}$/
const exact = (v: string | undefined): v is string => typeof v === 'string' && semver.valid(v) === v
const shown = (v: unknown) => JSON.stringify(typeof v === 'string' ? v.slice(0, 80) : v)

/** Every string in the record, with where it is (for the message). */
function strings(v: unknown, at: string, out: Array<[string, string]>): void {
  if (typeof v === 'string') out.push([at, v])
  else if (Array.isArray(v)) for (const [i, x] of v.entries()) strings(x, `${at}[${i}]`, out)
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) strings(x, at ? `${at}.${k}` : k, out)
}

function plainProblem(at: string, text: string): string | undefined {
  try {
    checkPlainText(at, text, 'the record')
    return undefined
  } catch (e) {
    if (e instanceof InputError) return `${at} ${e.problem}`
    throw e
  }
}

function channelProblem(kind: TargetKind | undefined, channel: string): string | undefined {
  const parseChannel = kind?.settings?.parseChannel
  const fixedChannel = kind?.settings?.fixedChannel
  if (parseChannel) {
    try {
      parseChannel('channel', channel)
      return undefined
    } catch (e) {
      if (e instanceof InputError) return `channel ${shown(channel)}: ${e.problem}`
      throw e
    }
  }
  if (kind && fixedChannel !== undefined)
    return channel === fixedChannel
      ? undefined
      : `a ${kind.words.target}'s channel is ${fixedChannel}, not ${shown(channel)}.`
  return OTHER_CHANNEL.test(channel) ? undefined : `channel ${shown(channel)} is not a tag name.`
}

function nameProblem(kind: string, name: string): string | undefined {
  try {
    const [spec] = parseTargets(`${kind}:${name}`, 'incident-id')
    return spec.kind === kind && spec.name === name
      ? undefined
      : `${kind} target ${shown(name)} is not a name as the rollback writes it.`
  } catch (e) {
    if (e instanceof InputError) return `${kind} target ${shown(name)}: ${e.problem}`
    throw e
  }
}

/** A record's rows as the incident id digests them: each with its kind. */
const recordedRows = (r: IncidentRecord) =>
  (r.packages ?? []).map((p) => ({ kind: recordedKindName(p.kind), name: p.name }))

/**
 * What is wrong with a record, as sentences naming the field; empty when it passes. The
 * derived targets (what an undo acts on) are checked as src/github/undo-record.ts reads them.
 */
export function recordProblems(r: IncidentRecord, o: RecordCheckOptions = {}): string[] {
  const problems: string[] = []
  for (const [at, text] of (() => {
    const out: Array<[string, string]> = []
    strings(r, '', out)
    return out
  })()) {
    const p = plainProblem(at, text)
    if (p) problems.push(p)
  }
  if (!INCIDENT_ID.test(r.incidentId)) problems.push(`incidentId ${shown(r.incidentId)} is not an id this tool makes.`)
  const bad = r.rollbackVersion
  if (!exact(bad)) problems.push(`rollbackVersion ${shown(bad)} is not an exact version.`)
  if (r.reason.trim() === '' || r.reason.length > 1000) problems.push('reason is empty or longer than a reason may be.')
  if (problems.length > 0) return problems

  const several = r.packages !== undefined && r.packages.length > 0
  // the incident's channel: one kind's incident's is that kind's (an npm incident's a dist-tag)
  const cp = channelProblem(several ? undefined : recordedKind(r.target), r.channel)
  if (cp) problems.push(cp)

  // the id: the digest the rollback made of its targets, channel and versions
  if (several) {
    const rows = recordedRows(r)
    const asked = [r.restoreVersion, undefined].filter((v) => v === undefined || exact(v))
    if (!asked.some((v) => incidentOfTargets(rows, r.channel, bad, v, labelOf) === r.incidentId))
      problems.push(
        `its targets, channel and versions are not those incident ${r.incidentId} was made of: the record was changed after the rollback wrote it.`,
      )
  } else if (incidentId(r.packageName, r.channel, bad, r.restoreVersion) !== r.incidentId) {
    problems.push(
      `${shown(r.packageName)} on ${shown(r.channel)}, ${shown(bad)} → ${shown(r.restoreVersion)} is not what incident ${r.incidentId} was made of: the record was changed after the rollback wrote it.`,
    )
  }
  if (!several && !exact(r.restoreVersion))
    problems.push(`restoreVersion ${shown(r.restoreVersion)} is not an exact version.`)
  if (problems.length > 0) return problems

  // what an undo acts on, target by target
  const incident = recordedIncident(r, 'the record')
  const asked = exact(r.restoreVersion) ? r.restoreVersion : undefined
  const templates = [DEFAULT_DEPRECATION_MESSAGE, ...(o.templates ?? [])]
  const reasons = [r.reason, ...(o.reasons ?? [])]
  for (const t of incident.targets) {
    const what = `${t.kind} ${t.name} on ${t.channel}`
    const np = nameProblem(t.kind, t.name)
    if (np) problems.push(np)
    const chp = t.channel === r.channel ? undefined : channelProblem(kindOf(t.kind), t.channel)
    if (chp) problems.push(`${what}: ${chp}`)
    if (!exact(t.restoreVersion) || t.restoreVersion === bad) {
      problems.push(
        `${what}: the restore version ${shown(t.restoreVersion)} is not an exact version other than the bad one.`,
      )
      continue
    }
    // several targets with one restore version asked for: each restored that one
    if (
      several &&
      asked !== undefined &&
      t.restoreVersion !== asked &&
      incidentOfTargets(recordedRows(r), r.channel, bad, asked, labelOf) === r.incidentId
    )
      problems.push(`${what}: it restored ${shown(t.restoreVersion)}, but the incident restored ${asked}.`)
    // staged (issue 21 §1): the channel went to the restore version while the fix waits for its approval
    const wrote = r.strategy === 'republish' && r.staged === undefined ? fixForwardVersion(bad) : t.restoreVersion
    if (t.wrote !== wrote)
      problems.push(
        `${what}: the rollback wrote ${shown(t.wrote)} there by the record, but a ${r.strategy} of ${bad} writes ${wrote}.`,
      )
    if (t.previousVersion !== undefined && t.previousVersion !== bad && t.previousVersion !== t.wrote)
      problems.push(
        `${what}: the record says the rollback moved it off ${shown(t.previousVersion)}, but a rollback moves a channel only off the bad version ${bad}, so an undo puts back nothing else.`,
      )
    if (t.deprecationMessage !== undefined && !o.anyTemplate) {
      const ours = templates.flatMap((template) =>
        reasons.map((reason) =>
          renderDeprecationMessage(template, { version: bad, restore: t.wrote, channel: t.channel, reason }),
        ),
      )
      if (!ours.includes(t.deprecationMessage))
        problems.push(
          `${what}: the deprecation message ${shown(t.deprecationMessage)} is not one this tool renders for ${bad} (its template, with the record's reason), so an undo will not remove it.`,
        )
    }
  }
  return problems
}

/** The record, or an InputError naming incident-id when it fails the check: nothing is written then. */
export function requireVerifiedRecord(r: IncidentRecord, source: string, o: RecordCheckOptions = {}): IncidentRecord {
  const problems = recordProblems(r, o)
  if (problems.length === 0) return r
  const id = INCIDENT_ID.test(r.incidentId) ? r.incidentId : 'the incident'
  throw new InputError(
    'incident-id',
    `the record of ${id} (${source}) fails the check an undo makes before it acts, so nothing was changed: ${problems.slice(0, 3).join(' ')}${problems.length > 3 ? ` (and ${problems.length - 3} more)` : ''}`,
    'check who edited the record (the issue body and comments, the report and its branch); if the rollback was yours and its record is damaged, undo by hand: npm dist-tag add <package>@<bad version> <channel>, and npm deprecate <package>@<bad version> "" (or the message it had before), or undo with the same settings as the rollback (its versions and targets) instead of incident-id.',
  )
}

/**
 * The associations of an author who may write to the repository (GitHub's author_association;
 * CONTRIBUTOR, FIRST_TIMER, FIRST_TIME_CONTRIBUTOR, MANNEQUIN and NONE may not):
 * https://docs.github.com/en/graphql/reference/enums#commentauthorassociation
 */
const WRITERS = ['OWNER', 'MEMBER', 'COLLABORATOR']

/** An issue as the list endpoint gives it, reduced to what carriesOwnRecord reads. */
export interface IssueAuthored {
  body?: string | null
  user?: { login: string; type?: string } | null
  author_association?: string
}

/**
 * An issue the tool opened with a token other than the one now asking (a person's token on
 * the command line, another app's or the workflow's): its author may write to the repository
 * (a person with OWNER/MEMBER/COLLABORATOR, or an app's bot, which only an installation on
 * the repository can be; app bots' author_association is not documented, so `type: Bot`
 * decides) and its body carries a record that passes the record check under its own marker.
 * The release freeze counts such issues (src/freeze.ts) and the tracking issue's look-up
 * falls back to them (src/github/issue.ts findIssueByMarker).
 */
export function carriesOwnRecord(issue: IssueAuthored): boolean {
  const writer = issue.user?.type === 'Bot' || WRITERS.includes(issue.author_association ?? '')
  if (!writer) return false
  const record = parseReportRecord(issue.body ?? '')
  if (!record || !hasMarker(issue.body, issueMarker(record.incidentId))) return false
  return recordProblems(record, { anyTemplate: true }).length === 0
}
