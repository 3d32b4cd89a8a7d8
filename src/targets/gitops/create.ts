// Builds a gitops target: the file is read and committed through the GitHub API, so it needs the run's client.
import { InputError } from '../../core/errors.js'
import type { TargetSpec } from '../../core/request.js'
import { currentDialect } from '../../core/settings.js'
import { type BuiltTarget, type CreateContext, NO_EXTRAS } from '../hooks.js'
import { parseGitOpsName, readGitOpsSettings } from './config.js'
import { GitOpsTarget } from './target.js'

export function createGitOpsTarget(spec: TargetSpec, { get, log, hooks }: CreateContext): BuiltTarget {
  if (!hooks.github) {
    throw new InputError(
      'github-token',
      `is needed for gitops:${spec.name}: the file is changed through the GitHub API.`,
      currentDialect() === 'action'
        ? 'give the job contents: write and pull-requests: write, and pass github-token (a token that may write the GitOps repository when it is another one).'
        : 'set GITHUB_TOKEN (contents: write, pull-requests: write on the GitOps repository) and pass --repo owner/name.',
    )
  }
  const name = parseGitOpsName('targets', spec.name)
  const target = new GitOpsTarget({
    gh: hooks.github.client(),
    name,
    settings: readGitOpsSettings(get, hooks.github.repository),
    log,
  })
  // the channel is the key: the value it holds is the version
  return { target, extras: NO_EXTRAS, name: spec.name, channel: name.key }
}
