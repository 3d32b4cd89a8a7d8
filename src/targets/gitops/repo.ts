// The GitOps repository, through GitHub's REST API: a file's text and blob sha (the Contents API),
// the commits that changed it (the commits listing with `path`), a commit with the file's blob sha
// as the compare-and-set, a branch and a pull request. Reads go through Octokit with its retry
// plugin; every write is sent once (src/github/send-once.ts) and retried only by the guard.
//
// GitHub REST docs, "Repository contents": GET /repos/{owner}/{repo}/contents/{path}?ref= gives the
// file base64-encoded with its blob `sha`; PUT .../contents/{path} "Create or update file contents"
// requires `sha` ("The blob SHA of the file being replaced") and answers 409 when it is stale.
// "List commits": GET /repos/{owner}/{repo}/commits?sha=<branch>&path=<file> lists the commits that
// touched the file, newest first, paginated (per_page at most 100).
import type { GitHubClient } from '../../github/client.js'
import { ghStatus } from '../../github/refs.js'
import { sendOnce } from '../../github/send-once.js'

export interface RepoRef {
  owner: string
  repo: string
}

/** A file as one read saw it. */
export interface FileAt {
  text: string
  /** the blob sha: the compare-and-set of the next write */
  sha: string
}

/** One commit that changed the file, newest first. */
export interface FileCommit {
  sha: string
  /** the committer's date, ISO-8601 */
  date: string
  message: string
}

export class GitOpsRepo {
  constructor(
    private readonly gh: GitHubClient,
    readonly ref: RepoRef,
  ) {}

  get fullName(): string {
    return `${this.ref.owner}/${this.ref.repo}`
  }

  async defaultBranch(): Promise<string> {
    const { data } = await this.gh.request('GET /repos/{owner}/{repo}', { ...this.ref })
    return data.default_branch
  }

  /** The file at `ref` (a branch or a commit); undefined when it does not exist there. */
  async read(path: string, ref: string): Promise<FileAt | undefined> {
    try {
      const { data } = await this.gh.request('GET /repos/{owner}/{repo}/contents/{path}', { ...this.ref, path, ref })
      if (Array.isArray(data) || data.type !== 'file' || !('content' in data)) {
        throw new Error(`${path} in ${this.fullName} is not a file.`)
      }
      return { text: Buffer.from(data.content, 'base64').toString('utf8'), sha: data.sha }
    } catch (e) {
      if (ghStatus(e) === 404) return undefined
      throw e
    }
  }

  /** The commits on `branch` that changed `path`, newest first, at most `limit`. */
  async history(path: string, branch: string, limit: number): Promise<FileCommit[]> {
    const out: FileCommit[] = []
    for (let page = 1; out.length < limit; page++) {
      const per = Math.min(100, limit - out.length)
      const { data } = await this.gh.request('GET /repos/{owner}/{repo}/commits', {
        ...this.ref,
        sha: branch,
        path,
        per_page: per,
        page,
      })
      for (const c of data) {
        out.push({
          sha: c.sha,
          date: c.commit.committer?.date ?? c.commit.author?.date ?? '',
          message: c.commit.message,
        })
      }
      if (data.length < per) break
    }
    return out
  }

  /** Commits `text` as `path` on `branch`, replacing the blob `sha` (GitHub refuses a stale one with 409). */
  async write(path: string, branch: string, text: string, sha: string, message: string): Promise<string> {
    const data = await sendOnce<{ commit: { sha: string } }>(this.gh, 'PUT /repos/{owner}/{repo}/contents/{path}', {
      ...this.ref,
      path,
      branch,
      sha,
      message,
      content: Buffer.from(text, 'utf8').toString('base64'),
    })
    return data.commit.sha
  }

  /** The commit `branch` points at; undefined when there is no such branch. */
  async head(branch: string): Promise<string | undefined> {
    try {
      const { data } = await this.gh.request('GET /repos/{owner}/{repo}/git/ref/{ref}', {
        ...this.ref,
        ref: `heads/${branch}`,
      })
      return data.object.sha
    } catch (e) {
      if (ghStatus(e) === 404) return undefined
      throw e
    }
  }

  /** Creates `branch` at `sha`. */
  async branch(branch: string, sha: string): Promise<void> {
    await sendOnce(this.gh, 'POST /repos/{owner}/{repo}/git/refs', { ...this.ref, ref: `refs/heads/${branch}`, sha })
  }

  /** The open pull request from `head` into `base`, if there is one: its web address. */
  async openPull(head: string, base: string): Promise<string | undefined> {
    const { data } = await this.gh.request('GET /repos/{owner}/{repo}/pulls', {
      ...this.ref,
      head: `${this.ref.owner}:${head}`,
      base,
      state: 'open',
    })
    return data[0]?.html_url
  }

  /** Opens a pull request from `head` into `base`; its web address. */
  async pull(head: string, base: string, title: string, body: string): Promise<string> {
    const data = await sendOnce<{ html_url: string }>(this.gh, 'POST /repos/{owner}/{repo}/pulls', {
      ...this.ref,
      head,
      base,
      title,
      body,
    })
    return data.html_url
  }
}
