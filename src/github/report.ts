// Commits the incident report through the Contents API: write only when the content
// changed, re-read on a stale sha, and fall back to a branch and a pull request when the
// target branch is protected.
import type { Logger } from '../core/retry.js'
import { ghMessage, ghStatus, type GitHubClient, type RepoRef } from './client.js'

export interface CommitRequest {
  branch: string
  path: string
  /**
   * The report, given the content on the branch it goes to (undefined: no file there yet).
   * Called again after every fresh read, so a re-read after a conflict, or the fallback
   * branch, merges into what is really there.
   */
  render: (previous: string | undefined) => string
  /** `path` as the caller already read it on `branch` (file undefined: absent): saves a second read */
  known?: { file: RemoteFile | undefined }
  message: string
  /** the branch a protected target falls back to, e.g. rollback/<incident-id> */
  fallbackBranch: string
  pullRequest: { title: string; body: string }
}

export interface CommitResult {
  outcome: 'created' | 'updated' | 'unchanged'
  /** the branch the report is on */
  branch: string
  url: string
  pullRequestUrl?: string
  /**
   * Set when the report had to go on the fallback branch and GitHub refused the pull
   * request: why, and what to enable. The report is then on a branch nobody looks at, so
   * the caller counts the pull request as missing (a re-run after the fix opens it).
   */
  pullRequestRefused?: string
}

/** The repository setting without which the workflow token may not open pull requests. */
export const PR_SETTING = 'Settings → Actions → General → "Allow GitHub Actions to create and approve pull requests"'

export interface RemoteFile {
  sha: string
  content: string
  url: string
}

export async function readFile(
  gh: GitHubClient,
  repo: RepoRef,
  path: string,
  ref: string,
): Promise<RemoteFile | undefined> {
  try {
    const { data } = await gh.rest.repos.getContent({ ...repo, path, ref })
    if (Array.isArray(data) || data.type !== 'file' || !('content' in data))
      throw new Error(`${path} on ${ref} is not a file.`)
    return { sha: data.sha, content: Buffer.from(data.content, 'base64').toString('utf8'), url: data.html_url ?? '' }
  } catch (e) {
    if (ghStatus(e) === 404) return undefined
    throw e
  }
}

const PROTECTED = /through a pull request|protected branch|repository rule/i

/** Writes the file on `branch` unless it already has this content; 'protected' when refused. */
async function putIfChanged(
  gh: GitHubClient,
  repo: RepoRef,
  req: CommitRequest,
  branch: string,
  known?: { file: RemoteFile | undefined },
): Promise<Omit<CommitResult, 'branch'> | 'protected'> {
  for (let attempt = 1; ; attempt++) {
    const existing = attempt === 1 && known ? known.file : await readFile(gh, repo, req.path, branch)
    const content = req.render(existing?.content)
    if (existing?.content === content) return { outcome: 'unchanged', url: existing.url }
    try {
      const { data } = await gh.rest.repos.createOrUpdateFileContents({
        ...repo,
        path: req.path,
        branch,
        message: req.message,
        content: Buffer.from(content, 'utf8').toString('base64'),
        ...(existing ? { sha: existing.sha } : {}),
      })
      return { outcome: existing ? 'updated' : 'created', url: data.content?.html_url ?? '' }
    } catch (e) {
      const status = ghStatus(e)
      if ((status === 409 || status === 422 || status === 403) && PROTECTED.test(ghMessage(e))) return 'protected'
      // 409: our sha is stale; 422 "sha wasn't supplied": someone created it meanwhile. Re-read.
      if ((status === 409 || status === 422) && attempt < 4) continue
      throw e
    }
  }
}

export async function commitReport(
  gh: GitHubClient,
  repo: RepoRef,
  req: CommitRequest,
  log: Logger,
): Promise<CommitResult> {
  const direct = await putIfChanged(gh, repo, req, req.branch, req.known)
  if (direct !== 'protected') return { ...direct, branch: req.branch }

  log.info(`${req.branch} is protected: committing the report to ${req.fallbackBranch} and opening a pull request.`)
  await ensureBranch(gh, repo, req.fallbackBranch, req.branch)
  const onBranch = await putIfChanged(gh, repo, req, req.fallbackBranch)
  if (onBranch === 'protected')
    throw new Error(`${req.fallbackBranch} is protected too: the report could not be committed.`)
  const result: CommitResult = { ...onBranch, branch: req.fallbackBranch }

  const head = `${repo.owner}:${req.fallbackBranch}`
  const open = await gh.rest.pulls.list({ ...repo, head, base: req.branch, state: 'open', per_page: 10 })
  if (open.data.length > 0) return { ...result, pullRequestUrl: open.data[0].html_url }
  try {
    const { data } = await gh.rest.pulls.create({
      ...repo,
      head: req.fallbackBranch,
      base: req.branch,
      title: req.pullRequest.title,
      body: req.pullRequest.body,
      request: { retries: 0 },
    })
    return { ...result, pullRequestUrl: data.html_url }
  } catch (e) {
    const status = ghStatus(e)
    if (status === 422 && /already exists/i.test(ghMessage(e))) {
      const again = await gh.rest.pulls.list({ ...repo, head, base: req.branch, state: 'open', per_page: 10 })
      if (again.data.length > 0) return { ...result, pullRequestUrl: again.data[0].html_url }
    }
    if (status === 403) {
      const message = ghMessage(e)
      const fix = /not permitted to create or approve pull requests/i.test(message)
        ? `enable ${PR_SETTING} (in an organization, allow it in the organization's Actions settings first)`
        : `give the job pull-requests: write (for the workflow token, also enable ${PR_SETTING})`
      return {
        ...result,
        pullRequestRefused: `GitHub refused to open it (${message}). To fix: ${fix}, then re-run: the re-run opens the pull request from ${req.fallbackBranch} without committing again. Or open it from ${req.fallbackBranch} by hand.`,
      }
    }
    throw e
  }
}

async function ensureBranch(gh: GitHubClient, repo: RepoRef, branch: string, from: string): Promise<void> {
  try {
    await gh.rest.git.getRef({ ...repo, ref: `heads/${branch}` })
    return
  } catch (e) {
    if (ghStatus(e) !== 404) throw e
  }
  const base = await gh.rest.git.getRef({ ...repo, ref: `heads/${from}` })
  try {
    await gh.rest.git.createRef({ ...repo, ref: `refs/heads/${branch}`, sha: base.data.object.sha })
  } catch (e) {
    if (!(ghStatus(e) === 422 && /already exists/i.test(ghMessage(e)))) throw e
  }
}
