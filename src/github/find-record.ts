// Finds an incident's record by its id, for an undo: the committed report under report-dir
// (on the report branch, then on the rollback/<incident-id> branch a protected target sent
// it to), else the tracking issue (its body and the comments the token's identity wrote,
// merged in order). Reads only.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { InputError } from '../core/errors.js'
import type { Logger } from '../core/retry.js'
import { ghStatus, type GitHubClient, type RepoRef } from './client.js'
import type { IncidentRecord } from './incident.js'
import { findIssueByMarker, isAuthor, tokenIdentity } from './issue.js'
import { issueMarker } from './markers.js'
import { mergeRecord, parseReportRecord } from './record.js'
import { readFile } from './report.js'
import { recordedIncident } from './undo-record.js'

/** Where reports can be listed and read: a branch of the repository, or the local checkout. */
export interface ReportSource {
  /** for messages: "acme/widget@main" */
  where: string
  /** the files directly in `dir` (repository-relative paths); none when it does not exist */
  list(dir: string): Promise<string[]>
  read(path: string): Promise<string | undefined>
}

export interface FoundRecord {
  record: IncidentRecord
  /** for messages: the report's path and where it was read, or the tracking issue */
  source: string
}

const REPORT_FILE = /(^|\/)rollback-[^/]+\.md$/

/** The first report in `dir` whose record is incident `incidentId` (in name order). */
export async function findInReports(
  source: ReportSource,
  dir: string,
  incidentId: string,
): Promise<FoundRecord | undefined> {
  const files = (await source.list(dir)).filter((p) => REPORT_FILE.test(p)).sort()
  for (const path of files) {
    const text = await source.read(path)
    const record = text === undefined ? undefined : parseReportRecord(text)
    if (record?.incidentId === incidentId) return { record, source: `${path} on ${source.where}` }
  }
  return undefined
}

/** Reports on a branch of the repository, through the Contents API. */
export function githubReports(gh: GitHubClient, repo: RepoRef, branch: string): ReportSource {
  return {
    where: `${repo.owner}/${repo.repo}@${branch}`,
    list: async (dir) => {
      try {
        const { data } = await gh.rest.repos.getContent({ ...repo, path: dir, ref: branch })
        return Array.isArray(data) ? data.filter((e) => e.type === 'file').map((e) => e.path) : []
      } catch (e) {
        if (ghStatus(e) === 404) return []
        throw e
      }
    },
    read: async (path) => (await readFile(gh, repo, path, branch))?.content,
  }
}

/** Reports in the local checkout (the command line without GitHub writes them there). */
export function localReports(root: string): ReportSource {
  return {
    where: root,
    list: async (dir) => {
      try {
        return readdirSync(join(root, dir), { withFileTypes: true })
          .filter((e) => e.isFile())
          .map((e) => `${dir}/${e.name}`)
      } catch {
        return []
      }
    },
    read: async (path) => {
      try {
        return readFileSync(join(root, path), 'utf8')
      } catch {
        return undefined
      }
    },
  }
}

/**
 * The record the tracking issue carries: its body's (the first run's), merged with the
 * records of the comments the token's identity wrote, in order. Only the incident's own
 * issue counts (opened by the token's identity, as the bookkeeping finds it), and only its
 * comments: a record anyone else wrote into the issue is ignored.
 */
export async function findInIssue(
  gh: GitHubClient,
  repo: RepoRef,
  label: string,
  incidentId: string,
): Promise<FoundRecord | undefined> {
  const issue = await findIssueByMarker(gh, repo, label, issueMarker(incidentId))
  if (!issue) return undefined
  const { data } = await gh.rest.issues.get({ ...repo, issue_number: issue.number })
  let record = parseReportRecord(data.body ?? '')
  const me = await tokenIdentity(gh)
  const comments = await gh.paginate(gh.rest.issues.listComments, {
    ...repo,
    issue_number: issue.number,
    per_page: 100,
  })
  for (const c of comments) {
    if (!isAuthor(c.user ? { login: c.user.login, type: c.user.type } : undefined, me)) continue
    const later = parseReportRecord(c.body ?? '')
    if (later && later.incidentId === incidentId) record = mergeRecord(record, later)
  }
  if (!record || record.incidentId !== incidentId) return undefined
  return { record, source: `the tracking issue #${issue.number}` }
}

export interface FindRecordOptions {
  reportDir: string
  /** the branch reports are committed to */
  branch: string
  /** the tracking issues' label (the first of issue-labels) */
  label: string
  log: Logger
}

/** What an undo of the record does, as one string: equal for two copies that would undo the same way. */
function undoView(record: IncidentRecord): string {
  const r = recordedIncident(record, '')
  const targets = [...r.targets].sort((a, b) =>
    `${a.kind}:${a.name}:${a.channel}` < `${b.kind}:${b.name}:${b.channel}` ? -1 : 1,
  )
  return JSON.stringify([r.incidentId, r.rollbackVersion, r.channel, record.strategy, targets, r.notAffected ?? []])
}

/**
 * The record of incident `incidentId`: the committed report first, then the tracking issue.
 * A report found is cross-checked with the tracking issue's copy when there is one: the two
 * are written by the same runs, so a copy edited since (the issue's body, the report on an
 * unprotected branch) no longer agrees on what the undo would do, and the undo is refused.
 */
export async function findIncidentRecord(
  gh: GitHubClient,
  repo: RepoRef,
  incidentId: string,
  o: FindRecordOptions,
): Promise<FoundRecord | undefined> {
  for (const branch of [o.branch, `rollback/${incidentId}`]) {
    let found: FoundRecord | undefined
    try {
      found = await findInReports(githubReports(gh, repo, branch), o.reportDir, incidentId)
    } catch (e) {
      // a branch that does not exist answers 404 (no reports there); anything else is said
      if (ghStatus(e) !== 404) throw e
    }
    if (!found) continue
    const issue = await findInIssue(gh, repo, o.label, incidentId)
    if (issue && undoView(issue.record) !== undoView(found.record))
      throw new InputError(
        'incident-id',
        `the record of ${incidentId} in ${found.source} and the one in ${issue.source} disagree on what an undo would do (the targets, versions or deprecation messages): one of them was edited after the rollback wrote it, so nothing was changed.`,
        `compare the two (the report's history shows who changed it; the issue's edit history too), put the rollback's own record back, then undo again; or undo by hand.`,
      )
    return found
  }
  return findInIssue(gh, repo, o.label, incidentId)
}
