// The reads of a git-tag target: the version tags (one listing), one tag's ref, and tags
// peeled to their commits (tag objects and commit dates cached by sha: they never change).
import semver from 'semver'
import { RegistryError } from '../../core/errors.js'
import type { GitHubClient } from '../../github/client.js'
import { ghStatus, type RepoRef } from '../../github/refs.js'
import { explainRead } from './explain.js'
import { MAX_LIST_PAGES, MAX_TAG_DEPTH, type Peeled, type RefObject, short, type TagObject } from './refs.js'

/** What the reads need of the target (GitTagTarget fills it): its client, its repository, its caches. */
export interface TagReader {
  readonly gh: GitHubClient
  readonly repo: RepoRef
  /** owner/name */
  readonly repository: string
  /** the part of a version tag before the semver */
  readonly prefix: string
  readonly tagObjects: Map<string, Promise<TagObject>>
  readonly commitDates: Map<string, Promise<string | undefined>>
}

/** `v1.2.3` -> `1.2.3`; undefined for a tag that is not prefix + an exact semantic version. */
export function versionOfTag(prefix: string, name: string): string | undefined {
  if (!name.startsWith(prefix)) return undefined
  const v = name.slice(prefix.length)
  return semver.valid(v) === v ? v : undefined
}

/** The version tags: version -> the ref's object. GitHub answers every match at once today; a Link header is followed all the same. */
export async function listVersionRefs(r: TagReader): Promise<Map<string, RefObject>> {
  const out = new Map<string, RefObject>()
  const ref = r.prefix === '' ? 'tags' : `tags/${r.prefix}`
  let pages = 0
  try {
    for await (const page of r.gh.paginate.iterator(r.gh.rest.git.listMatchingRefs, { ...r.repo, ref })) {
      if (++pages > MAX_LIST_PAGES) {
        throw new RegistryError(
          `GitHub kept paginating the tags of ${r.repository} past ${MAX_LIST_PAGES} pages.`,
          'check GITHUB_API_URL points at GitHub.',
        )
      }
      for (const ref of page.data) {
        if (!ref.ref.startsWith('refs/tags/')) continue
        const v = versionOfTag(r.prefix, ref.ref.slice('refs/tags/'.length))
        if (v !== undefined) out.set(v, { type: ref.object.type, sha: ref.object.sha })
      }
    }
  } catch (e) {
    // an empty repository (409) has no tags
    if (ghStatus(e) === 409) return out
    throw explainRead(r.repository, e, `listing the tags of ${r.repository}`)
  }
  return out
}

/** A tag's ref object (one GET), undefined when there is no such tag. */
export async function getTagRef(r: TagReader, name: string): Promise<RefObject | undefined> {
  try {
    const { data } = await r.gh.rest.git.getRef({ ...r.repo, ref: `tags/${name}` })
    if (Array.isArray(data) || data.ref !== `refs/tags/${name}`) {
      throw new RegistryError(
        `GitHub answered the tag '${name}' with another ref (${Array.isArray(data) ? 'a list' : data.ref}).`,
        'check GITHUB_API_URL points at GitHub (git/ref/ takes an exact name).',
      )
    }
    return { type: data.object.type, sha: data.object.sha }
  } catch (e) {
    const status = ghStatus(e)
    if (status === 404 || status === 409) return undefined
    throw explainRead(r.repository, e, `reading the tag '${name}' of ${r.repository}`)
  }
}

/** An annotated tag object (one GET; cached: a tag object never changes). */
function tagObject(r: TagReader, sha: string, name: string): Promise<TagObject> {
  let found = r.tagObjects.get(sha)
  if (!found) {
    found = r.gh.rest.git
      .getTag({ ...r.repo, tag_sha: sha })
      .then(({ data }) => {
        const at = Date.parse(data.tagger?.date ?? '')
        return {
          object: { type: data.object.type, sha: data.object.sha },
          message: data.message,
          ...(Number.isNaN(at) ? {} : { taggerDate: new Date(at).toISOString() }),
        }
      })
      .catch((e: unknown) => {
        r.tagObjects.delete(sha)
        throw explainRead(r.repository, e, `reading the annotated tag '${name}' (${short(sha)})`)
      })
    r.tagObjects.set(sha, found)
  }
  return found
}

/** Follows tag objects to the commit: one GET per tag object not seen before (usually 0 or 1). */
export async function peel(r: TagReader, ref: RefObject, name: string): Promise<Peeled> {
  let cur = ref
  let annotated: Peeled['annotated']
  for (let depth = 0; cur.type === 'tag'; depth++) {
    if (depth >= MAX_TAG_DEPTH)
      throw new RegistryError(
        `The tag '${name}' is a chain of more than ${MAX_TAG_DEPTH} tag objects.`,
        `point '${name}' at a commit.`,
      )
    const t = await tagObject(r, cur.sha, name)
    annotated ??= { sha: cur.sha, ...t }
    cur = t.object
  }
  return annotated ? { commit: cur.sha, annotated } : { commit: cur.sha }
}

/** The committer date of a commit (one GET; cached). */
export function commitDate(r: TagReader, sha: string, name: string): Promise<string | undefined> {
  let found = r.commitDates.get(sha)
  if (!found) {
    found = r.gh.rest.git
      .getCommit({ ...r.repo, commit_sha: sha })
      .then(({ data }) => {
        const at = Date.parse(data.committer?.date ?? '')
        return Number.isNaN(at) ? undefined : new Date(at).toISOString()
      })
      .catch((e: unknown) => {
        r.commitDates.delete(sha)
        throw explainRead(r.repository, e, `reading the commit of '${name}' (${short(sha)})`)
      })
    r.commitDates.set(sha, found)
  }
  return found
}
