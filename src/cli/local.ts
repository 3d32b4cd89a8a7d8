// The command line without GitHub: who runs it, the checkout it runs in, and the incident report written there
// (with the tracking issue's text printed to paste).
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { userInfo } from 'node:os'
import { dirname, join } from 'node:path'
import { buildRecord, reportName, undoReportPath } from '../github/bookkeeping.js'
import { reportPath } from '../github/config.js'
import type { RunContext } from '../github/incident.js'
import { mergeRecord, parseReportRecord } from '../github/record.js'
import { issueTitle, renderIssueBody } from '../github/render-issue.js'
import { renderReport } from '../github/render-report.js'
import type { GitHubInputs } from '../config/inputs.js'
import type { IncidentRequest, IncidentResult } from '../incident/run.js'

/** Who runs the CLI, for the record's "Run by": a GitHub login when GITHUB_ACTOR names one, else the local user, marked as such. */
export function localActor(env: NodeJS.ProcessEnv, cwd: string): string | undefined {
  if (env.GITHUB_ACTOR) return env.GITHUB_ACTOR
  let name = ''
  try {
    name = execFileSync('git', ['config', 'user.name'], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim()
  } catch {
    name = ''
  }
  if (!name) {
    try {
      name = env.USER || env.LOGNAME || userInfo().username
    } catch {
      name = ''
    }
  }
  return name ? `${name} (command line)` : undefined
}

export function gitRoot(cwd: string): string {
  try {
    return execFileSync('git', ['rev-parse', '--show-toplevel'], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim()
  } catch {
    return cwd
  }
}

/**
 * No GitHub: the report goes into the checkout (merged with the one there), the issue text to the terminal.
 * `wrote` is told the report's file once it is there.
 */
export function writeLocalReport(
  outcome: IncidentResult,
  request: { inputs: IncidentRequest; gi: GitHubInputs; ctx: RunContext; reportDir: string; cwd: string },
  say: (s: string) => void,
  printIssue: boolean,
  wrote: (file: string) => void,
): void {
  const { inputs, gi, ctx, reportDir } = request
  const record = buildRecord(outcome, inputs, gi, ctx, new Date().toISOString())
  const path =
    undoReportPath(outcome, inputs, reportDir) ??
    reportPath(reportDir, reportName(outcome), record.rollbackVersion, record.channel)
  const file = join(gitRoot(request.cwd), path)
  let previous: string | undefined
  try {
    previous = readFileSync(file, 'utf8')
  } catch {
    previous = undefined
  }
  const merged = mergeRecord(previous ? parseReportRecord(previous) : undefined, record)
  merged.reportPath = path
  const text = renderReport(merged, ctx, previous)
  if (text !== previous) {
    mkdirSync(dirname(file), { recursive: true })
    writeFileSync(file, text)
    if (outcome.status !== 'already-done') say(`✔ incident report written to ${file}\n`)
  } else if (outcome.status !== 'already-done') {
    say(`✔ incident report ${file} is up to date\n`)
  }
  wrote(file)
  if (printIssue && outcome.status !== 'already-done') {
    say(
      `\nNo GitHub token or --repo: paste this as the tracking issue.\n\nTitle: ${issueTitle(merged)}\n\n${renderIssueBody(merged, ctx, {})}\n`,
    )
  }
}
