// The GitHub bookkeeping's inputs: the tracking issue (labels, assignees, severity), the
// incident report (report-dir, report-branch), the GitHub Release, and the token they need.
import { InputError } from '../core/errors.js'
import type { InputReader } from '../core/reader.js'
import { currentDialect } from '../core/settings.js'
import { parseReportDir } from '../github/config.js'
import { SEVERITIES, type Severity } from '../github/incident.js'
import { parseBoolean } from './parse.js'

/** The GitHub bookkeeping's inputs (tracking issue and incident report). */
export interface GitHubInputs {
  token?: string
  createIssue: boolean
  labels: string[]
  assignees: string[]
  commitReport: boolean
  /** validated, relative, no trailing slash */
  reportDir: string
  /** undefined: the repository's default branch */
  reportBranch?: string
  severity: Severity
  /**
   * github-release: mark the bad version's GitHub Release as rolled back and move 'latest'
   * to the restore version's release. readGitHubInputs always sets it (default true);
   * optional so that GitHubInputs built by hand stay valid (undefined: true).
   */
  githubRelease?: boolean
}

function parseList(raw: string): string[] {
  return [
    ...new Set(
      raw
        .split(/[,\n]/)
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ]
}

export function readGitHubInputs(get: InputReader, env: NodeJS.ProcessEnv = process.env): GitHubInputs {
  const createIssue = parseBoolean('create-issue', get('create-issue'), true)
  const githubRelease = parseBoolean('github-release', get('github-release'), true)
  const commitReport = parseBoolean('commit-report', get('commit-report'), true)
  const labels = parseList(get('issue-labels') || 'rollback')
  for (const label of labels) {
    if (label.length > 50)
      throw new InputError(
        'issue-labels',
        `"${label.slice(0, 60)}…" is longer than GitHub's 50 characters.`,
        'use shorter label names.',
      )
  }
  if (createIssue && labels.length === 0) {
    throw new InputError(
      'issue-labels',
      'is empty.',
      'keep at least one label (default rollback): a re-run finds the tracking issue again by it.',
    )
  }
  const assignees = parseList(get('issue-assignees')).map((a) => a.replace(/^@/, ''))
  for (const a of assignees) {
    if (!/^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/.test(a)) {
      throw new InputError(
        'issue-assignees',
        `"${a.slice(0, 60)}" is not a GitHub user name.`,
        'list GitHub logins separated by commas, such as octocat, hubot.',
      )
    }
  }
  const reportDir = parseReportDir('report-dir', get('report-dir') || 'incidents')
  const branchRaw = get('report-branch').trim()
  if (
    branchRaw &&
    (!/^[A-Za-z0-9._/-]{1,200}$/.test(branchRaw) || /(^|\/)\.|\.\.|\/\/|\/$|\.lock$|^-/.test(branchRaw))
  ) {
    throw new InputError(
      'report-branch',
      `"${branchRaw.slice(0, 60)}" is not a valid branch name.`,
      'give a branch name such as main, or leave it empty for the default branch.',
    )
  }
  const severityRaw = (get('severity') || 'high').trim().toLowerCase()
  if (!(SEVERITIES as readonly string[]).includes(severityRaw)) {
    throw new InputError(
      'severity',
      `"${severityRaw.slice(0, 40)}" is not a severity.`,
      `use one of ${SEVERITIES.join(', ')}.`,
    )
  }
  const token = (get('github-token') || env.GITHUB_TOKEN || '').trim() || undefined
  if ((createIssue || commitReport) && token === undefined) {
    throw new InputError(
      'github-token',
      'is empty, and the tracking issue and incident report need it.',
      currentDialect() === 'action'
        ? 'pass github-token (the default is the workflow token; the job needs contents: write, issues: write and pull-requests: write), or set create-issue: false and commit-report: false.'
        : 'set GITHUB_TOKEN (contents: write, issues: write, pull-requests: write), or pass --no-issue and --no-report.',
    )
  }
  if ((createIssue || commitReport) && !/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(env.GITHUB_REPOSITORY ?? '')) {
    throw new InputError(
      'create-issue',
      'needs the repository, and GITHUB_REPOSITORY is not set (this is not running on GitHub Actions).',
      currentDialect() === 'action'
        ? 'run it in a workflow, or set create-issue: false and commit-report: false.'
        : 'pass --repo owner/name, or --no-issue and --no-report.',
    )
  }
  return {
    token,
    createIssue,
    labels,
    assignees,
    commitReport,
    reportDir,
    reportBranch: branchRaw || undefined,
    severity: severityRaw as Severity,
    githubRelease,
  }
}
