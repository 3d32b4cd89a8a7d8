// Builds a git-tag target: the tag is moved through the GitHub API, so it needs the run's client.
import { InputError } from '../../core/errors.js'
import type { TargetSpec } from '../../core/request.js'
import { currentDialect } from '../../core/settings.js'
import { type BuiltTarget, type CreateContext, NO_EXTRAS, preferVersions } from '../hooks.js'
import { GitTagTarget } from './target.js'

export function createGitTagTarget(spec: TargetSpec, { inputs, get, log, hooks }: CreateContext): BuiltTarget {
  if (!hooks.github) {
    throw new InputError(
      'github-token',
      `is needed for git-tag:${spec.name}: the tag is moved through the GitHub API.`,
      currentDialect() === 'action'
        ? 'give the job contents: write and pass github-token (the default is the workflow token).'
        : 'set GITHUB_TOKEN (contents: write) and pass --repo owner/name.',
    )
  }
  const target = new GitTagTarget({
    gh: hooks.github.client(),
    repository: hooks.github.repository,
    tag: spec.name,
    tagPrefix: get('tag-prefix').trim() || 'v',
    preferVersions: preferVersions(inputs),
    log,
  })
  return { target, extras: NO_EXTRAS, name: spec.name, channel: spec.name }
}
