// The tracking issue: found again by the hidden marker in its body (listing by label,
// since the search index lags new issues), created once, commented on by re-runs.
import type { Logger } from '../retry.js'
import { ghMessage, ghStatus, type GitHubClient, type RepoRef } from './client.js'
import { hasMarker } from './render.js'

export interface TrackedIssue {
  number: number
  url: string
  created: boolean
  commented: boolean
}

const LABEL_COLOR = 'b60205'

/** Creates the labels that do not exist yet (another run creating one at the same time is fine). */
export async function ensureLabels(gh: GitHubClient, repo: RepoRef, labels: string[]): Promise<void> {
  for (const name of labels) {
    try {
      await gh.rest.issues.getLabel({ ...repo, name })
    } catch (e) {
      if (ghStatus(e) !== 404) throw e
      try {
        await gh.rest.issues.createLabel({ ...repo, name, color: LABEL_COLOR, description: 'Release rolled back by release-rollback' })
      } catch (e2) {
        if (ghStatus(e2) !== 422) throw e2 // 422 already_exists: created meanwhile
      }
    }
  }
}

/** Every issue carrying the marker, open ones first, then by number (the canonical one first). */
async function issuesByMarker(gh: GitHubClient, repo: RepoRef, label: string, marker: string): Promise<Array<{ number: number; url: string; open: boolean }>> {
  const found: Array<{ number: number; url: string; open: boolean }> = []
  for await (const page of gh.paginate.iterator(gh.rest.issues.listForRepo, { ...repo, labels: label, state: 'all', per_page: 100 })) {
    for (const i of page.data) if (!i.pull_request && hasMarker(i.body, marker)) found.push({ number: i.number, url: i.html_url, open: i.state === 'open' })
  }
  return found.sort((a, b) => Number(b.open) - Number(a.open) || a.number - b.number)
}

export async function findIssueByMarker(gh: GitHubClient, repo: RepoRef, label: string, marker: string): Promise<{ number: number; url: string } | undefined> {
  const [first] = await issuesByMarker(gh, repo, label, marker)
  return first ? { number: first.number, url: first.url } : undefined
}

/**
 * Two runs of the same incident at once can both find no issue and both open one (GitHub
 * has no create-if-absent). After opening, read the list again: the lowest-numbered open
 * issue is the incident's, and a run that opened another closes its own as a duplicate.
 */
async function converge(gh: GitHubClient, repo: RepoRef, label: string, marker: string, created: { number: number; url: string }): Promise<{ number: number; url: string }> {
  const open = (await issuesByMarker(gh, repo, label, marker)).filter((i) => i.open)
  const canonical = open[0]
  if (!canonical || canonical.number === created.number) return created
  await gh.rest.issues.createComment({ ...repo, issue_number: created.number, body: `Duplicate of #${canonical.number}: another run of the same rollback opened it at the same time.`, request: { retries: 0 } })
  await gh.rest.issues.update({ ...repo, issue_number: created.number, state: 'closed', state_reason: 'not_planned' })
  return { number: canonical.number, url: canonical.url }
}

export interface IssueRequest {
  marker: string
  title: string
  body: string
  labels: string[]
  assignees: string[]
  /** the comment a re-run leaves, carrying its own run marker */
  comment: string
  runMarker: string
}

/**
 * Finds the incident's issue or opens it. A create that fails is never blindly retried
 * (a retried POST can open the issue twice): the list is read again first.
 */
export async function ensureTrackingIssue(gh: GitHubClient, repo: RepoRef, req: IssueRequest, log: Logger): Promise<TrackedIssue> {
  await ensureLabels(gh, repo, req.labels)
  const label = req.labels[0]
  const existing = await findIssueByMarker(gh, repo, label, req.marker)
  if (existing) return { ...existing, created: false, commented: await commentOnce(gh, repo, existing.number, req) }

  let assignees = req.assignees
  for (let attempt = 1; ; attempt++) {
    try {
      const { data } = await gh.rest.issues.create({ ...repo, title: req.title, body: req.body, labels: req.labels, assignees, request: { retries: 0 } })
      const kept = await converge(gh, repo, label, req.marker, { number: data.number, url: data.html_url })
      return { ...kept, created: kept.number === data.number, commented: false }
    } catch (e) {
      const status = ghStatus(e)
      if (status === 422 && assignees.length > 0) {
        log.warning(`GitHub refused the assignees (${assignees.join(', ')}): ${ghMessage(e)}. Opening the issue without them.`)
        assignees = []
        continue
      }
      const retryable = status === undefined || status >= 500
      if (!retryable || attempt >= 3) throw e
      const found = await findIssueByMarker(gh, repo, label, req.marker)
      if (found) return { ...found, created: true, commented: false }
      await new Promise((r) => setTimeout(r, 1000 * attempt))
    }
  }
}

/** One comment per run (and attempt): the same run retrying leaves no second comment. */
async function commentOnce(gh: GitHubClient, repo: RepoRef, issueNumber: number, req: IssueRequest): Promise<boolean> {
  const comments = await gh.paginate(gh.rest.issues.listComments, { ...repo, issue_number: issueNumber, per_page: 100 })
  if (comments.some((c) => hasMarker(c.body, req.runMarker))) return false
  await gh.rest.issues.createComment({ ...repo, issue_number: issueNumber, body: req.comment, request: { retries: 0 } })
  return true
}
