// The tracking issue's text: its title and body (with the message to users) and the
// comment a re-run adds, all rendered from an IncidentRecord. Pure functions: no I/O, no
// clock, no @actions/* and no Octokit, so the same record always renders the same bytes.
import { inert, table } from '../core/markdown.js'
import { renderImpact } from '../incident/impact.js'
import type { IncidentRecord, IncidentRun, RunContext } from './incident.js'
import { issueMarker, OVERRIDE_LABEL, runMarker } from './markers.js'
import { encodeRecord } from './record.js'
import { DEFAULT_KIND, kindOrDefault } from '../targets/registry.js'
import { awaitsMaintainer, renderHandoff } from './render-handoff.js'
import { protectionTable, strategyNote } from './protection.js'
import { awaitsApproval, renderStaged, stagedHeadline } from './render-staged.js'
import {
  code,
  fenced,
  formatTime,
  hasInstallers,
  kindsOf,
  lastRun,
  link,
  onlyKind,
  packagesTable,
  runLabel,
  safeUrl,
  trigger,
  who,
} from './render-parts.js'

const MAX_TITLE = 256
/** GitHub takes 65,536 characters in an issue body or comment: a record longer than this stays in the report only */
const MAX_RECORD = 30_000

/**
 * The record, hidden, for an undo by incident id when there is no committed report (the
 * issue's body holds the first run's, each comment that run's): empty when it is too long.
 */
function hiddenRecord(r: IncidentRecord): string[] {
  const encoded = encodeRecord(r)
  return encoded.length <= MAX_RECORD ? [encoded] : []
}

export function issueTitle(r: IncidentRecord): string {
  const mixed = onlyKind(r) !== DEFAULT_KIND
  const what =
    r.packages && r.packages.length > 1
      ? `${r.packages.length} ${mixed ? 'targets' : 'packages'} (${r.packageName}) @${r.rollbackVersion}`
      : `${r.packageName}@${r.rollbackVersion}`
  const title = `Rollback: ${what} → ${r.restoreVersion} on ${r.channel}`.replace(/\s+/g, ' ').trim()
  return title.length <= MAX_TITLE ? title : `${title.slice(0, MAX_TITLE - 1)}…`
}

/** One line on where the registry stands, from the record (and its latest run). */
function headline(r: IncidentRecord): string {
  const status = lastRun(r)?.status
  const bad = code(r.rollbackVersion)
  // staged fix-forward version (issue 21 §1): users are protected, the fix waits for its approval
  if (awaitsApproval(r)) return stagedHeadline(r)
  if (status === 'awaiting-approval') {
    const dep = r.deprecationMessage === undefined ? '' : ` and deprecate ${bad}`
    return `⏳ **Handed off: nothing was written to the registry yet.** The plan: point ${code(r.channel)} at ${code(r.restoreVersion)}${dep}, by the maintainer's command below.`
  }
  if (status === 'planned') {
    const dep = r.deprecationMessage === undefined ? '' : ` and deprecate ${bad}`
    return `📝 **Dry run: nothing was written.** The plan: point ${code(r.channel)} at ${code(r.restoreVersion)}${dep}.`
  }
  const held = r.tagsAfter[r.channel]
  if (status === 'undone') {
    return held === r.rollbackVersion
      ? `↩️ **Undone: ${code(r.channel)} points at the bad ${bad} again, as undo asked.**`
      : `↩️ **Undone** (${code(r.channel)} holds ${code(held)}: left as it is).`
  }
  const tag =
    held === r.restoreVersion
      ? `${code(r.channel)} points at ${code(r.restoreVersion)} again`
      : held === undefined
        ? `${code(r.channel)} does not exist`
        : `${code(r.channel)} holds ${code(held)} (left as it is)`
  if (status === 'partial') {
    return `**${tag}.**\n⚠️ **The rollback is partial**: a step after it failed (see the warnings and the incident report's timeline). Re-run the same workflow; it completes only what is missing.`
  }
  const dep =
    r.deprecationMessage !== undefined
      ? `${bad} is deprecated`
      : r.deprecationSkipped
        ? `${bad} is NOT deprecated: ${inert(r.deprecationSkipped)}`
        : `${bad} is not deprecated (deprecation was off)`
  return `**${tag}; ${dep}.**`
}

function summaryRows(r: IncidentRecord, ctx: RunContext, reportUrl?: string): string[][] {
  const kind = onlyKind(r)
  const rows = [
    [kind?.words.title ?? 'Targets', code(r.packageName)],
    [kind ? `Channel (${kind.words.channel})` : 'Channel', code(r.channel)],
    ['Bad version', code(r.rollbackVersion)],
    ['Restored version', code(r.restoreVersion)],
    [`${code(r.channel)} before the rollback`, code(r.previousVersion, '_(tag did not exist)_')],
    ['Deprecation message', r.deprecationMessage === undefined ? '_(deprecation off)_' : inert(r.deprecationMessage)],
    ['Severity', `**${inert(r.severity)}**`],
    ['Run by', who(ctx.actor, ctx.serverUrl)],
    ['Triggered by', trigger(ctx)],
    ['Workflow run', runLabel(ctx)],
  ]
  if (reportUrl && safeUrl(reportUrl))
    rows.push(['Incident report', link(r.reportPath ? code(r.reportPath) : 'report', reportUrl)])
  else if (r.reportPath) rows.push(['Incident report', code(r.reportPath)])
  return rows
}

/** How the channel moves forward to the fix: the kind's own command, or one per kind of a mixed incident. */
function fixForward(r: IncidentRecord): string {
  const kind = onlyKind(r)
  if (kind) return code(kind.words.fixForward(r.packageName, r.channel))
  return kindsOf(r)
    .map((k) => {
      const row = r.packages?.find((p) => kindOrDefault(p.kind) === k)
      return code(k.words.fixForward(row?.name ?? r.packageName, row?.channel ?? r.channel))
    })
    .join(', ')
}

function checklist(r: IncidentRecord): string {
  return [
    '- [ ] Post-mortem scheduled, with an owner',
    '- [ ] Root cause found and written into the incident report',
    `- [ ] Regression test added that fails on ${code(r.rollbackVersion)}`,
    `- [ ] Fix released as a new version (above ${code(r.rollbackVersion)}) and ${code(r.channel)} moved forward to it: ${fixForward(r)}`,
    '- [ ] Users told (the message below)',
    '- [ ] Lessons learned written into the incident report',
    '- [ ] Close this issue',
  ].join('\n')
}

/** The ready-to-post message for users, plain text (the reason is shown as written). */
export function userMessage(r: IncidentRecord): string {
  const pkg = r.packageName
  const deprecated = r.deprecationMessage !== undefined
  const who = r.channel === 'latest' ? 'new installs' : `installs of ${pkg}@${r.channel}`
  return [
    `${pkg} ${r.rollbackVersion} has been rolled back`,
    '',
    `What happened: ${r.reason}`,
    '',
    `What we did: the "${r.channel}" tag of ${pkg} points at ${r.restoreVersion} again${deprecated ? ` and ${r.rollbackVersion} is deprecated` : ''}, so ${who} get ${r.restoreVersion}.`,
    '',
    'What you should do:',
    `- ${kindsOf(r)[0]?.words.goBack?.(pkg, r.rollbackVersion, r.restoreVersion) ?? `If you run ${r.rollbackVersion}, move back to ${r.restoreVersion}.`}`,
    `- Do not merge automated update pull requests (Renovate, Dependabot) to ${r.rollbackVersion}.`,
    `- A fixed version will follow; we will post here when it is out.`,
  ].join('\n')
}

export function renderIssueBody(r: IncidentRecord, ctx: RunContext, links: { reportUrl?: string }): string {
  const parts = [
    issueMarker(r.incidentId),
    ...hiddenRecord(r),
    awaitsMaintainer(r)
      ? `## ⏳ Rollback of ${code(`${r.packageName}@${r.rollbackVersion}`)} → ${code(r.restoreVersion)} on ${code(r.channel)} waits for a maintainer`
      : `## 🔙 Rolled back ${code(`${r.packageName}@${r.rollbackVersion}`)} → ${code(r.restoreVersion)} on ${code(r.channel)}`,
    headline(r),
    ...renderHandoff(r, '###'),
    ...renderStaged(r, '###'),
    table(['Incident', code(r.incidentId)], summaryRows(r, ctx, links.reportUrl)),
    ...(r.packages && r.packages.length > 1 ? [`### Packages\n${packagesTable(r)}`] : []),
    ...(r.impact ? [renderImpact(r.impact, '###')] : []),
    `### Reason\n${inert(r.reason)}`,
  ]
  if (r.warnings.length > 0) parts.push(['### ⚠️ Warnings', ...r.warnings.map((w) => `- ${inert(w)}`)].join('\n'))
  if (hasInstallers(r)) parts.push(`### Who is protected by this rollback\n${protectionTable(r)}\n\n${strategyNote(r)}`)
  parts.push(`### After the rollback\n${checklist(r)}`)
  parts.push(
    `### Message to users\nReady to post (release notes, discussions, chat):\n\n${fenced('text', userMessage(r))}`,
  )
  return parts.join('\n\n') + '\n'
}

export function renderRerunComment(r: IncidentRecord, ctx: RunContext, run: IncidentRun, changes: string[]): string {
  const parts = [
    runMarker(ctx),
    ...hiddenRecord(r),
    run.trigger === 'resume' ? '### ▶️ Resumed by a maintainer' : `### 🔁 Re-run of this rollback`,
    `${runLabel(ctx)} by ${who(run.actor ?? ctx.actor, ctx.serverUrl)} at ${formatTime(run.at)} UTC: status ${code(run.status)}.`,
    changes.length > 0
      ? ['Changes made by this run:', ...changes.map((c) => `- ${c.replace(/\r?\n/g, ' ')}`)].join('\n')
      : `Nothing needed changing: the registry was already rolled back (${code(r.channel)} → ${code(r.tagsAfter[r.channel])}).`,
  ]
  if (run.status === 'partial') parts.push('⚠️ Still partial: re-run again; it completes only what is missing.')
  parts.push(...renderStaged(r, '####'))
  return parts.join('\n\n') + '\n'
}

/** The comment an undo leaves on the incident's issue: "Undone" and what changed. */
export function renderUndoComment(
  r: IncidentRecord,
  ctx: RunContext,
  run: IncidentRun,
  changes: string[],
  closing = false,
): string {
  const held = r.tagsAfter[r.channel]
  const parts = [
    runMarker(ctx),
    ...hiddenRecord(r),
    run.status === 'already-done' ? `### ↩️ Undone already` : `### ↩️ Undone`,
    `${runLabel(ctx)} by ${who(run.actor ?? ctx.actor, ctx.serverUrl)} at ${formatTime(run.at)} UTC undid this rollback: status ${code(run.status)}.`,
    changes.length > 0
      ? ['Changes made by this run:', ...changes.map((c) => `- ${c.replace(/\r?\n/g, ' ')}`)].join('\n')
      : `Nothing needed changing: the rollback was already undone${held !== undefined ? ` (${code(r.channel)} → ${code(held)})` : ''}.`,
  ]
  if (held === r.rollbackVersion)
    parts.push(`⚠️ ${code(r.channel)} points at the bad ${code(r.rollbackVersion)} again, as undo asked.`)
  if (run.status === 'partial') parts.push('⚠️ Partly undone: re-run the same undo; it completes only what is missing.')
  if (closing)
    parts.push(
      `🔓 This undo closes the issue: the rollback is undone, so the release freeze it held is lifted (where GitHub refuses to close it, the undo labels it ${code(OVERRIDE_LABEL)} instead; the run's summary says which).`,
    )
  return parts.join('\n\n') + '\n'
}
