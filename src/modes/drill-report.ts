// The drill's record: the committed report (incidents/drills/<date>.md), the issue a
// failed drill opens, and its comments. Pure: no I/O.
import { inert } from '../core/markdown.js'
import { settingName } from '../core/settings.js'

export type DrillStatus = 'drill-passed' | 'drill-failed'

/** One check of a drill: what was proven (or not) and how long it took. */
export interface DrillCheck {
  /** 'credentials' | 'write' | 'last known good' | 'github' */
  check: string
  /** the target ('npm:@acme/widget'), or 'github' */
  subject: string
  outcome: 'passed' | 'failed' | 'skipped'
  detail: string
  /** the input a failure names (npm-token, registry-password, github-token, restore-version ...) */
  input?: string
  ms: number
}

export interface DrillRecord {
  status: DrillStatus
  startedAt: string
  repository: string
  runUrl?: string
  channel: string
  checks: DrillCheck[]
  warnings: string[]
}

/** The hidden marker by which every drill finds the one drill issue. */
export const DRILL_MARKER = '<!-- release-rollback:drill -->'

/** incidents/drills/2026-11-29.md */
export function drillReportPath(reportDir: string, startedAt: string): string {
  return `${reportDir}/drills/${startedAt.slice(0, 10)}.md`
}

const MARK = { passed: '✅ passed', failed: '❌ failed', skipped: '➖ skipped' } as const

/** What would break, one line per failed check (plain text: the renderers make it inert). */
export function whatWouldBreak(record: Pick<DrillRecord, 'checks'>): string[] {
  return record.checks
    .filter((c) => c.outcome === 'failed')
    .map((c) => `${c.subject}: ${c.check}${c.input ? ` (${settingName(c.input)})` : ''}: ${c.detail}`)
}

function table(checks: DrillCheck[]): string[] {
  return [
    '| Target | Check | Outcome | Time | Detail |',
    '| --- | --- | --- | --- | --- |',
    ...checks.map(
      (c) =>
        `| ${inert(c.subject)} | ${inert(c.check)} | ${MARK[c.outcome]} | ${c.ms} ms | ${inert(c.input ? `${settingName(c.input)}: ${c.detail}` : c.detail)} |`,
    ),
  ]
}

/** The committed report of one day's drill (a second drill the same day replaces it). */
export function renderDrillReport(record: DrillRecord): string {
  const lines = [
    `# Rollback drill ${record.startedAt.slice(0, 10)}: ${record.status === 'drill-passed' ? 'passed' : 'failed'}`,
    '',
    `- Started: ${record.startedAt}`,
    `- Repository: ${record.repository || '(local)'}`,
    ...(record.runUrl ? [`- Run: ${record.runUrl}`] : []),
    `- Channel: ${record.channel}`,
    '',
    'A drill proves that a rollback would work now, without changing what anyone installs: the credentials of every target, a harmless write where the target has one (npm: a dist-tag of its own, `release-rollback-drill-<random>`, added and removed), and a last known good version to go back to.',
    '',
    '## Checks',
    '',
    ...table(record.checks),
  ]
  const broken = whatWouldBreak(record)
  if (broken.length > 0) lines.push('', '## What would break', '', ...broken.map((b) => `- ${inert(b)}`))
  if (record.warnings.length > 0) lines.push('', '## Warnings', '', ...record.warnings.map((w) => `- ${inert(w)}`))
  return `${lines.join('\n')}\n`
}

export function drillIssueTitle(): string {
  return 'Rollback drill failed: a rollback would not work right now'
}

/** The drill issue's body (the marker finds it again). */
export function renderDrillIssue(record: DrillRecord, reportUrl?: string): string {
  return [
    DRILL_MARKER,
    `The rollback drill of ${record.startedAt} failed: a rollback run now would break here.`,
    '',
    ...whatWouldBreak(record).map((b) => `- ${inert(b)}`),
    '',
    ...(record.runUrl ? [`Run: ${record.runUrl}`] : []),
    ...(reportUrl ? [`Report: ${reportUrl}`] : []),
    '',
    'Fix each one (a new token in the repository secret, a version to restore), then run the drill again; close this issue once it passes.',
  ].join('\n')
}

/** A later drill's comment on the drill issue. */
export function renderDrillComment(record: DrillRecord, runMarker: string, reportUrl?: string): string {
  const head =
    record.status === 'drill-passed'
      ? `Drill passed (${record.startedAt}): every check passed. Close this issue when you are satisfied.`
      : `Drill failed again (${record.startedAt}):`
  return [
    runMarker,
    head,
    '',
    ...whatWouldBreak(record).map((b) => `- ${inert(b)}`),
    ...(record.runUrl ? ['', `Run: ${record.runUrl}`] : []),
    ...(reportUrl ? [`Report: ${reportUrl}`] : []),
  ].join('\n')
}
