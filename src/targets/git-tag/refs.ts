// The git objects a git-tag target reads (refs, tag objects, peeled tags), GitHub's write
// failure as src/retry.ts understands it, and git's rule for a tag name.

/** A ref's object: a commit, or (annotated tag) a tag object. */
export interface RefObject {
  type: string
  sha: string
}

/** An annotated tag object, as far as this target uses it. Immutable: cached by sha. */
export interface TagObject {
  object: RefObject
  message: string
  /** ISO 8601 */
  taggerDate?: string
}

/** A ref resolved to its commit. */
export interface Peeled {
  commit: string
  /** the tag object the ref pointed at, when it was annotated */
  annotated?: TagObject & { sha: string }
}

/** A fresh read of the moving tag: undefined when it does not exist. */
export interface Moving {
  peeled?: Peeled
}

/** What the last inspect() saw (and this target's own writes since). */
export interface Seen {
  distTags: Record<string, string>
  /** the moving tag */
  channel?: Peeled
  /** version -> commit, for the version tags whose commit is known (lightweight, or peeled) */
  commits: Map<string, string>
}

/** An Octokit failure in the shape src/core/retry.ts understands (one class for every GitHub write). */
export { GitHubHttpError } from '../../github/send-once.js'

export const MAX_TAG_DEPTH = 5
export const MAX_LIST_PAGES = 100
export const SHA = /^[0-9a-f]{40}$/
export const short = (sha: string) => (SHA.test(sha) ? sha.slice(0, 12) : sha)

/** A tag name git accepts (git check-ref-format, for one name under refs/tags/). */
export function isValidTagName(name: string): boolean {
  return (
    name.length > 0 &&
    name.length <= 250 &&
    /^[^\x00-\x20\x7f~^:?*[\\]+$/.test(name) &&
    !name.includes('..') &&
    !name.includes('@{') &&
    name !== '@' &&
    !name.startsWith('-') &&
    !name.endsWith('.') &&
    name.split('/').every((c) => c !== '' && !c.startsWith('.') && !c.endsWith('.lock'))
  )
}
