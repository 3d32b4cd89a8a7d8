// The bad version's GitHub Release after a rollback: its title and notes say it was rolled
// back (with the reason and the tracking issue), and when it was the repository's latest
// release, the restore version's release becomes latest instead.
//
// The rollback itself has already happened when this runs, so nothing here throws for a
// GitHub failure: every failure is collected in `missing`, every "could not do it, on
// purpose" in `warnings` (the caller logs them). Only programming errors are thrown.
//
// GitHub has no compare-and-set for releases, so every write is guarded: the release is
// read again right before the PATCH (and before any retry) and the new notes are built
// from that fresh read, so an edit a person made meanwhile is kept; "latest" is read again
// right before it is moved.
//
// Requests (the bad version's tag found with the first prefix, 'v'):
// - first run, the bad release was latest: 5. GET releases (one listing page finds both),
//   GET releases/{id} (guard), PATCH releases/{id}, GET releases/latest (guard), PATCH releases/{restore id}.
//   The bad release was not latest: 4 (no second PATCH).
// - re-run: 2 reads, no write. GET releases (the bad one's marker found), GET releases/latest
//   (already the restore release, or not the bad one).
// - no release for the bad version: 1 (the listing, to its last page), nothing else.
// A listing whose first-choice tags (prefix 'v') are not all on its first page reads the next
// page, up to the last; each retry of a write that failed with a 5xx costs its guard read and
// the write again (at most 3 attempts).
import { inert } from '../core/markdown.js'
import type { Logger } from '../core/retry.js'
import { ghMessage, ghStatus, type GitHubClient, type RepoRef } from './client.js'
import { rolledBackMarker } from './markers.js'
import { safeUrl } from './render-parts.js'
import { sleep } from '../core/retry.js'

export interface ReleaseRequest {
  /** the rolled-back version, e.g. 1.2.3 (its release is found by tag: v1.2.3, then 1.2.3) */
  bad: string
  /** the version the channel was moved back to */
  restore: string
  /** why, as the user wrote it (rendered inert) */
  reason: string
  incidentId: string
  /** the tracking issue, when there is one */
  issueUrl?: string
  /** tried in order in front of the version to name its tag; default ['v', ''] */
  tagPrefixes?: string[]
}

export interface ReleaseMarking {
  /** the bad version's release; absent when it has none (nothing to do) or it could not be marked */
  badRelease?: { url: string; outcome: 'marked' | 'already' }
  /** set when the restore version's release is (now) the repository's latest release */
  latestMovedTo?: { tag: string; url: string; outcome: 'moved' | 'already' }
  warnings: string[]
  /** the parts that failed, each with its reason */
  missing: string[]
}

export interface ReleaseOptions {
  /** wait before retrying a write that failed with a 5xx or a network error (ms, times the attempt) */
  retryDelayMs?: number
}

export const ROLLED_BACK_PREFIX = 'Rolled back: '
const ATTEMPTS = 3

interface Release {
  id: number
  tag_name: string
  name: string | null
  body?: string | null
  html_url: string
  draft: boolean
  prerelease: boolean
}

/** The note that goes on top of the bad release's notes. Pure: the same request renders the same bytes. */
export function renderReleaseNote(req: ReleaseRequest, restoreUrl?: string): string {
  const restoreTarget = safeUrl(restoreUrl)
  const restore = restoreTarget ? `[${inert(req.restore)}](${restoreTarget})` : inert(req.restore)
  const issue = safeUrl(req.issueUrl)
  const lines = [
    rolledBackMarker(req.incidentId),
    '> [!WARNING]',
    `> **This release was rolled back.** Use ${restore} instead.`,
    ...(req.reason.trim() ? ['>', `> Reason: ${inert(req.reason.trim())}`] : []),
    ...(issue ? ['>', `> Tracking issue: ${issue}`] : []),
  ]
  return lines.join('\n')
}

/** The title and notes that mark `current`; undefined when it already carries the marker. */
function markedVersion(
  current: Release,
  req: ReleaseRequest,
  restoreUrl: string | undefined,
): { name?: string; body: string } | undefined {
  const body = current.body ?? ''
  if (body.includes(rolledBackMarker(req.incidentId))) return undefined
  const name = current.name?.trim() ? current.name : current.tag_name
  const note = renderReleaseNote(req, restoreUrl)
  return {
    ...(name.startsWith(ROLLED_BACK_PREFIX) ? {} : { name: `${ROLLED_BACK_PREFIX}${name}` }),
    // prepended to what the release says now: nothing a person wrote is lost
    body: body.trim() ? `${note}\n\n${body}` : note,
  }
}

/** Why GitHub refused, and what to do about it. */
function describe(e: unknown): string {
  const status = ghStatus(e)
  const message = ghMessage(e)
  if (status === 403 && !/rate limit/i.test(message)) {
    return `GitHub answered 403: ${message}. The token needs \`contents: write\` (in a workflow: \`permissions: contents: write\`); then re-run`
  }
  return status === undefined ? message : `GitHub answered ${status}: ${message}`
}

/** Only GitHub's answers (and network failures, which Octokit reports with a status) are collected. */
function rethrowIfBug(e: unknown): void {
  if (ghStatus(e) === undefined) throw e
}

const retryable = (e: unknown) => (ghStatus(e) ?? 0) >= 500

/** The releases of the versions wanted, by tag, from one listing. */
type ReleasesByTag = Map<string, Release>

/**
 * One listing (GET /repos/{owner}/{repo}/releases, newest first, 100 a page) instead of one
 * `releases/tags/{tag}` read per tag and prefix: page after page until the first-choice tag
 * of each version is seen, or the list ends. Drafts are left out: the tag look-up finds only
 * a published release ("Get a release by tag name: Get a published release with the
 * specified tag", https://docs.github.com/en/rest/releases/releases#get-a-release-by-tag-name),
 * and the listing includes drafts for those who can push
 * (https://docs.github.com/en/rest/releases/releases#list-releases).
 */
async function releasesByTag(
  gh: GitHubClient,
  repo: RepoRef,
  versions: string[],
  prefixes: string[],
): Promise<ReleasesByTag> {
  const wanted = new Set(versions.flatMap((v) => prefixes.map((p) => `${p}${v}`)))
  const firstChoices = versions.map((v) => `${prefixes[0]}${v}`)
  const found: ReleasesByTag = new Map()
  for await (const page of gh.paginate.iterator(gh.rest.repos.listReleases, { ...repo, per_page: 100 })) {
    for (const r of page.data as Release[])
      if (!r.draft && wanted.has(r.tag_name) && !found.has(r.tag_name)) found.set(r.tag_name, r)
    if (firstChoices.every((t) => found.has(t))) break
  }
  return found
}

/** The release for a version: the first tag prefix that has one. */
function findRelease(
  found: ReleasesByTag,
  version: string,
  prefixes: string[],
): { release: Release; prefix: string } | undefined {
  for (const prefix of prefixes) {
    const release = found.get(`${prefix}${version}`)
    if (release) return { release, prefix }
  }
  return undefined
}

async function releaseById(gh: GitHubClient, repo: RepoRef, releaseId: number): Promise<Release | undefined> {
  try {
    return (await gh.rest.repos.getRelease({ ...repo, release_id: releaseId })).data
  } catch (e) {
    if (ghStatus(e) === 404) return undefined
    throw e
  }
}

async function latestRelease(gh: GitHubClient, repo: RepoRef): Promise<Release | undefined> {
  try {
    return (await gh.rest.repos.getLatestRelease({ ...repo })).data
  } catch (e) {
    if (ghStatus(e) === 404) return undefined
    throw e
  }
}

/** Marks the bad release, guarded by a fresh read before every attempt. */
async function markRelease(
  gh: GitHubClient,
  repo: RepoRef,
  releaseId: number,
  req: ReleaseRequest,
  restoreUrl: string | undefined,
  delayMs: number,
): Promise<{ url: string; outcome: 'marked' | 'already' } | undefined> {
  for (let attempt = 1; ; attempt++) {
    const current = await releaseById(gh, repo, releaseId)
    // deleted meanwhile: nothing left to mark
    if (!current) return undefined
    const update = markedVersion(current, req, restoreUrl)
    // found marked after a failed attempt of ours: that attempt took effect
    if (!update) return { url: current.html_url, outcome: attempt === 1 ? 'already' : 'marked' }
    try {
      // never retried blindly by the client: a retry must rebuild the notes from a fresh read
      const { data } = await gh.rest.repos.updateRelease({
        ...repo,
        release_id: releaseId,
        ...update,
        request: { retries: 0 },
      })
      return { url: data.html_url, outcome: 'marked' }
    } catch (e) {
      if (!retryable(e) || attempt >= ATTEMPTS) throw e
      await sleep(delayMs * attempt)
    }
  }
}

/** Makes `restore` the latest release while the bad one is, guarded by a fresh read of "latest" before every attempt. */
async function moveLatest(
  gh: GitHubClient,
  repo: RepoRef,
  badId: number,
  restore: Release,
  delayMs: number,
): Promise<'moved' | 'already' | 'not-bad'> {
  for (let attempt = 1; ; attempt++) {
    const latest = await latestRelease(gh, repo)
    if (latest?.id === restore.id) return attempt === 1 ? 'already' : 'moved'
    // someone (or GitHub) already moved it elsewhere: not ours to overrule
    if (latest?.id !== badId) return 'not-bad'
    try {
      await gh.rest.repos.updateRelease({
        ...repo,
        release_id: restore.id,
        make_latest: 'true',
        request: { retries: 0 },
      })
      return 'moved'
    } catch (e) {
      if (!retryable(e) || attempt >= ATTEMPTS) throw e
      await sleep(delayMs * attempt)
    }
  }
}

/**
 * Marks the bad version's GitHub Release as rolled back and, when it was the repository's
 * latest release, makes the restore version's release latest. No release for the bad
 * version: nothing to do. Never throws for what GitHub answers.
 */
export async function markReleases(
  gh: GitHubClient,
  repo: RepoRef,
  req: ReleaseRequest,
  log: Logger,
  options: ReleaseOptions = {},
): Promise<ReleaseMarking> {
  const out: ReleaseMarking = { warnings: [], missing: [] }
  const delayMs = options.retryDelayMs ?? 1000
  const prefixes = [...new Set(req.tagPrefixes ?? ['v', ''])]
  const tags = (version: string, order = prefixes) => order.map((p) => `${p}${version}`).join(', ')

  let bad: { release: Release; prefix: string } | undefined
  let found: ReleasesByTag
  try {
    found = await releasesByTag(gh, repo, [req.bad, req.restore], prefixes)
    bad = findRelease(found, req.bad, prefixes)
  } catch (e) {
    rethrowIfBug(e)
    out.missing.push(`the GitHub Release of ${req.bad} marked as rolled back (could not look it up: ${describe(e)})`)
    return out
  }
  if (!bad) {
    log.debug(`No GitHub Release for ${req.bad} (tags ${tags(req.bad)}): nothing to mark.`)
    return out
  }
  const badTag = bad.release.tag_name

  // the restore version's release, tried first with the prefix the bad one has: linked from
  // the note, and the one made latest
  const restoreOrder = [bad.prefix, ...prefixes.filter((p) => p !== bad.prefix)]
  const restore = findRelease(found, req.restore, restoreOrder)?.release

  try {
    // marked already (a re-run): no guard read, no write
    out.badRelease = bad.release.body?.includes(rolledBackMarker(req.incidentId))
      ? { url: bad.release.html_url, outcome: 'already' }
      : await markRelease(gh, repo, bad.release.id, req, restore?.html_url, delayMs)
    if (!out.badRelease) log.info(`The GitHub Release ${badTag} was deleted meanwhile: nothing to mark.`)
    else
      log.info(
        out.badRelease.outcome === 'marked'
          ? `✔ marked the GitHub Release ${badTag} as rolled back: ${out.badRelease.url}`
          : `✔ the GitHub Release ${badTag} is already marked as rolled back: ${out.badRelease.url}`,
      )
  } catch (e) {
    rethrowIfBug(e)
    out.missing.push(`the GitHub Release ${badTag} marked as rolled back (${describe(e)})`)
  }

  try {
    if (restore && !restore.draft && !restore.prerelease) {
      const moved = await moveLatest(gh, repo, bad.release.id, restore, delayMs)
      if (moved !== 'not-bad') {
        out.latestMovedTo = { tag: restore.tag_name, url: restore.html_url, outcome: moved }
        log.info(
          moved === 'moved'
            ? `✔ made the GitHub Release ${restore.tag_name} the latest release (instead of ${badTag})`
            : `✔ the GitHub Release ${restore.tag_name} is already the latest release`,
        )
      }
    } else {
      // nothing else is ever made latest: only say that the bad one still is
      const latest = await latestRelease(gh, repo)
      if (latest?.id === bad.release.id) {
        const why = restore
          ? `the release ${restore.tag_name} of ${req.restore} is a prerelease, which GitHub cannot make latest`
          : `${req.restore} has no GitHub Release (looked for tags ${tags(req.restore, restoreOrder)})`
        out.warnings.push(
          `The GitHub Release ${badTag} is still the repository's latest release: ${why}. Choose the latest release by hand.`,
        )
      }
    }
  } catch (e) {
    rethrowIfBug(e)
    out.missing.push(
      `the GitHub Release ${restore?.tag_name ?? req.restore} made latest instead of ${badTag} (${describe(e)})`,
    )
  }
  return out
}
