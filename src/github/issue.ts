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

export async function findIssueByMarker(gh: GitHubClient, repo: RepoRef, label: string, marker: string): Promise<{ number: number; url: string } | undefined> {
  for await (const page of gh.paginate.iterator(gh.rest.issues.listForRepo, { ...repo, labels: label, state: 'all', per_page: 100 })) {
    const hit = page.data.find((i) => !i.pull_request && hasMarker(i.body, marker))
    if (hit) return { number: hit.number, url: hit.html_url }
  }
  return undefined
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
      return { number: data.number, url: data.html_url, created: true, commented: false }
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
