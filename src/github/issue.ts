// The tracking issue: found again by the hidden marker in its body (listing by label,
// since the search index lags new issues), created once, commented on by re-runs.
// The marker is public (anyone can write it into an issue), so only issues opened by the
// identity the token acts as are ours: adopted, commented on, closed as duplicates. Anyone
// else's issue, however alike, is left untouched.
import type { Logger } from '../core/retry.js'
import { ghMessage, ghStatus, type GitHubClient, type RepoRef } from './client.js'
import { hasMarker } from './markers.js'
import { carriesOwnRecord } from './record-check.js'

export interface TrackedIssue {
  number: number
  url: string
  created: boolean
  commented: boolean
}

/** The app user the workflow token (GITHUB_TOKEN) acts as. */
export const WORKFLOW_BOT = 'github-actions[bot]'

export interface Identity {
  login: string
  /** 'Bot' or 'User'; undefined when unknown (then the login alone decides) */
  type?: string
  /**
   * true when GitHub could not name it (an installation token): taken to be the workflow
   * token's github-actions[bot], though another app's token acts as that app's bot
   */
  assumed?: boolean
}

interface Author {
  login: string
  type?: string
}

const identities = new WeakMap<GitHubClient, Promise<Identity>>()

/**
 * Who the token acts as, asked at most once per client. An installation token (ghs_, the
 * workflow token among them) acts as an app's bot user, for which GET /user answers 403
 * "Resource not accessible by integration": it is taken as github-actions[bot] without
 * asking. Any other token asks GET /user; a 403/404 there falls back the same way.
 */
export function tokenIdentity(gh: GitHubClient): Promise<Identity> {
  let known = identities.get(gh)
  if (!known) {
    known = resolveIdentity(gh)
    identities.set(gh, known)
    known.catch(() => identities.delete(gh)) // a failed look-up may be asked again
  }
  return known
}

async function resolveIdentity(gh: GitHubClient): Promise<Identity> {
  const auth = (await gh.auth()) as { tokenType?: string }
  if (auth.tokenType === 'installation') return { login: WORKFLOW_BOT, type: 'Bot', assumed: true }
  try {
    const { data } = await gh.rest.users.getAuthenticated()
    return { login: data.login, type: data.type }
  } catch (e) {
    const status = ghStatus(e)
    if (status === 403 || status === 404) return { login: WORKFLOW_BOT, type: 'Bot', assumed: true }
    throw e
  }
}

/** Whether an issue's author is the identity (logins compare case-insensitively, as on GitHub). */
export function isAuthor(user: Author | null | undefined, me: Identity): boolean {
  if (!user || user.login.toLowerCase() !== me.login.toLowerCase()) return false
  return me.type === undefined || user.type === undefined || user.type === me.type
}

interface Candidate {
  number: number
  url: string
  open: boolean
  user?: Author
  body?: string | null
  author_association?: string
}

/** Every issue carrying the marker, whoever opened it; open ones first, then by number (the canonical one first). */
async function issuesByMarker(gh: GitHubClient, repo: RepoRef, label: string, marker: string): Promise<Candidate[]> {
  const found: Candidate[] = []
  for await (const page of gh.paginate.iterator(gh.rest.issues.listForRepo, {
    ...repo,
    labels: label,
    state: 'all',
    per_page: 100,
  })) {
    for (const i of page.data) {
      if (i.pull_request || !hasMarker(i.body, marker)) continue
      found.push({
        number: i.number,
        url: i.html_url,
        open: i.state === 'open',
        user: i.user ? { login: i.user.login, type: i.user.type } : undefined,
        body: i.body,
        author_association: i.author_association,
      })
    }
  }
  return found.sort((a, b) => Number(b.open) - Number(a.open) || a.number - b.number)
}

/**
 * The incident's issue among those carrying the marker: the first one the token's identity
 * opened. The identity is looked up only when there is a candidate to attribute.
 *
 * `recorded` is the issue number the committed report names. It counts only when GitHub
 * could not name the identity (another app's installation token acts as that app's bot, not
 * as github-actions[bot]) and only for an issue a bot opened: then a re-run with the team's
 * own app token comments on its issue instead of opening another. A person's issue is never
 * adopted this way.
 *
 * Last, a candidate carrying its own verified record (src/github/record-check.ts
 * carriesOwnRecord: opened by someone who may write to the repository or an app's bot, its
 * record passing the check under its own marker), the issues the release freeze counts: an
 * undo with the workflow token then closes the issue a person's token opened on the command
 * line (no report committed) instead of opening and closing a new one while the freeze stays.
 * An outsider's copy, or a record that fails the check, is never taken.
 */
export async function findIssueByMarker(
  gh: GitHubClient,
  repo: RepoRef,
  label: string,
  marker: string,
  recorded?: number,
  adoptRecordedBot = false,
): Promise<{ number: number; url: string } | undefined> {
  const candidates = await issuesByMarker(gh, repo, label, marker)
  if (candidates.length === 0) return undefined
  const me = await tokenIdentity(gh)
  const first =
    candidates.find((i) => isAuthor(i.user, me)) ??
    (me.assumed || adoptRecordedBot
      ? candidates.find((i) => i.number === recorded && i.user?.type === 'Bot' && i.user.login.endsWith('[bot]'))
      : undefined) ??
    candidates.find((i) => carriesOwnRecord(i))
  return first ? { number: first.number, url: first.url } : undefined
}

/**
 * Two runs of the same incident at once can both find no issue and both open one (GitHub
 * has no create-if-absent). After opening, read the list again: the lowest-numbered open
 * issue is the incident's, and a run that opened another closes its own as a duplicate.
 */
async function converge(
  gh: GitHubClient,
  repo: RepoRef,
  label: string,
  marker: string,
  created: { number: number; url: string },
  me: Identity,
): Promise<{ number: number; url: string }> {
  // only our own issues count: an outsider's issue with the same marker is never canonical
  const open = (await issuesByMarker(gh, repo, label, marker)).filter((i) => i.open && isAuthor(i.user, me))
  const canonical = open[0]
  if (!canonical || canonical.number === created.number) return created
  await gh.rest.issues.createComment({
    ...repo,
    issue_number: created.number,
    body: `Duplicate of #${canonical.number}: another run of the same rollback opened it at the same time.`,
    request: { retries: 0 },
  })
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
  /** the issue number the committed incident report records, if any */
  recordedIssue?: number
  /**
   * the resume of a hand-off (src/modes/resume.ts): a maintainer's own token adopts the
   * recorded issue when a bot opened it (the action's workflow token), as an app token does
   */
  adoptRecordedBotIssue?: boolean
}

/**
 * Finds the incident's issue or opens it. A create that fails is never blindly retried
 * (a retried POST can open the issue twice): the list is read again first.
 */
export async function ensureTrackingIssue(
  gh: GitHubClient,
  repo: RepoRef,
  req: IssueRequest,
  log: Logger,
): Promise<TrackedIssue> {
  // no label look-up: opening the issue with labels that do not exist yet creates them
  // (and listing by a label that does not exist yet answers an empty list)
  const label = req.labels[0]
  const existing = await findIssueByMarker(gh, repo, label, req.marker, req.recordedIssue, req.adoptRecordedBotIssue)
  if (existing) return { ...existing, created: false, commented: await commentOnce(gh, repo, existing.number, req) }

  let assignees = req.assignees
  for (let attempt = 1; ; attempt++) {
    try {
      const { data } = await gh.rest.issues.create({
        ...repo,
        title: req.title,
        body: req.body,
        labels: req.labels,
        assignees,
        request: { retries: 0 },
      })
      // the issue we just opened tells who we are: no look-up needed to converge
      const me: Identity = data.user ? { login: data.user.login, type: data.user.type } : await tokenIdentity(gh)
      const kept = await converge(gh, repo, label, req.marker, { number: data.number, url: data.html_url }, me)
      return { ...kept, created: kept.number === data.number, commented: false }
    } catch (e) {
      const status = ghStatus(e)
      if (status === 422 && assignees.length > 0) {
        log.warning(
          `GitHub refused the assignees (${assignees.join(', ')}): ${ghMessage(e)}. Opening the issue without them.`,
        )
        assignees = []
        continue
      }
      const retryable = status === undefined || status >= 500
      if (!retryable || attempt >= 3) throw e
      const found = await findIssueByMarker(gh, repo, label, req.marker, req.recordedIssue)
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
