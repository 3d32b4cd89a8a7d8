// The gitops kind's own configuration: the target's name (`gitops:<path>#<key>`) and its three
// settings (gitops-repo, gitops-branch, gitops-pr).
import { InputError } from '../../core/errors.js'
import type { InputReader } from '../../core/reader.js'
import type { RepoRef } from './repo.js'
import { splitKey, type KeyPath } from './yaml-edit.js'

/** One gitops target: a YAML file of the GitOps repository and the key in it that holds the version. */
export interface GitOpsName {
  /** the file, relative to the repository root: deploy/prod/values.yaml */
  path: string
  /** the key, dotted: image.tag */
  key: string
  keyPath: KeyPath
}

const EXAMPLE = 'gitops:deploy/prod/values.yaml#image.tag'

/**
 * `deploy/prod/values.yaml#image.tag`: a relative path to a .yaml or .yml file (no `..`, no leading
 * `/`, no empty part) and a dotted key of letters, digits, `_` and `-` (a number indexes a list).
 * Throws an InputError naming `input`.
 */
export function parseGitOpsName(input: string, raw: string): GitOpsName {
  const v = raw.trim()
  const hash = v.lastIndexOf('#')
  const shown = JSON.stringify(v.slice(0, 120))
  const fix = `write the file and the key as <path>#<key>, such as ${EXAMPLE}.`
  if (hash <= 0 || hash === v.length - 1) throw new InputError(input, `${shown} names no key (<path>#<key>).`, fix)
  const path = v.slice(0, hash)
  const key = v.slice(hash + 1)
  const parts = path.split('/')
  if (path.startsWith('/') || parts.some((p) => p === '' || p === '.' || p === '..') || /[\s\\:*?"<>|]/.test(path)) {
    throw new InputError(
      input,
      `${shown}: the path must be relative to the repository root, without .., //, or spaces.`,
      fix,
    )
  }
  if (!/\.ya?ml$/i.test(path)) throw new InputError(input, `${shown}: only YAML files (.yaml, .yml) are edited.`, fix)
  if (!/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(key)) {
    throw new InputError(
      input,
      `${shown}: the key must be dotted names such as image.tag (a number indexes a list).`,
      fix,
    )
  }
  return { path, key, keyPath: splitKey(key) }
}

/** The settings of the gitops targets of a run. */
export interface GitOpsSettings {
  /** the GitOps repository (default: this repository) */
  repo: RepoRef
  /** its branch; undefined: its default branch, read from GitHub */
  branch?: string
  /** gitops-pr: always a pull request, never a direct commit */
  pr: boolean
}

/** Reads gitops-repo, gitops-branch and gitops-pr (`repository` is this repository, owner/name). */
export function readGitOpsSettings(get: InputReader, repository: string): GitOpsSettings {
  const rawRepo = get('gitops-repo').trim()
  const full = rawRepo || repository
  if (!/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/.test(full)) {
    throw new InputError(
      'gitops-repo',
      `${JSON.stringify(rawRepo.slice(0, 80))} is not owner/name.`,
      'give the GitOps repository as owner/name, such as acme/deploy, or leave it empty for this repository.',
    )
  }
  const [owner, name] = full.split('/')
  const repo: RepoRef = { owner, repo: name }
  const branch = get('gitops-branch').trim()
  if (branch !== '' && /[\s~^:?*[\\]|\.\.|@\{|\/\/|^[-/]|\/$|\.lock$|\.$/.test(branch)) {
    throw new InputError(
      'gitops-branch',
      `${JSON.stringify(branch.slice(0, 80))} is not a branch name git accepts.`,
      'give the branch the GitOps controller syncs from, such as main, or leave it empty for the default branch.',
    )
  }
  const rawPr = get('gitops-pr').trim().toLowerCase()
  if (!['', 'true', 'false'].includes(rawPr)) {
    throw new InputError(
      'gitops-pr',
      `${JSON.stringify(rawPr.slice(0, 20))} is not true or false.`,
      'set gitops-pr to true (always open a pull request) or false (commit, and a pull request only where the branch is protected).',
    )
  }
  return { repo, ...(branch ? { branch } : {}), pr: rawPr === 'true' }
}
