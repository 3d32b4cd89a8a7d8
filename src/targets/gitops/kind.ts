// The gitops kind (one key of a YAML file in a GitOps repository: what Argo CD or Flux deploys), as
// the rest of the tool sees it (src/core/kind.ts). src/targets/registry.ts lists it.
import type { TargetKind } from '../../core/kind.js'
import type { Kind } from '../hooks.js'
import { parseGitOpsName } from './config.js'
import { createGitOpsTarget } from './create.js'

/** The by-hand edit of one key: `path#key` set to `version`. */
const edit = (name: string, version: string) => {
  const [path, key] = name.split('#')
  return `set ${key} to ${version} in ${path} and commit it to the branch the GitOps controller syncs from`
}

export const gitopsKind: TargetKind & Kind = {
  name: 'gitops',
  words: {
    target: 'GitOps value',
    channel: 'key',
    version: 'value',
    place: 'the GitOps repository',
    // no command: the change is a commit (or a pull request) to the file
    pointByHand: (name, _channel, version) => edit(name, version),
    title: 'GitOps value',
    // the drill reads the file and its history; a commit is not made to prove the token may write
    accessProven: () =>
      'the GitOps repository serves the file and its history with this token (its write access is not proven: that needs a commit).',
    fixForward: (name) => edit(name, '<fixed>'),
    nextSteps: ({ name, channel, bad }) => [
      // Argo CD docs, "Automated Sync Policy" (polls Git every 3 minutes by default); Flux docs,
      // "GitRepository" `.spec.interval`: the controller applies the commit at its next sync
      `The GitOps controller (Argo CD, Flux) applies the change at its next sync: check that the workloads run \`${bad}\` no more (argocd app get, flux get kustomizations).`,
      `Release a fix, then set ${channel} in ${name.split('#')[0]} to it.`,
    ],
  },
  capabilities: { retire: false, republish: false, channelInName: true, installers: false, viaGitHub: true },
  credential: 'github-token',
  parseName: (input, name) => {
    const n = parseGitOpsName(input, name)
    return `${n.path}#${n.key}`
  },
  label: (name) => `gitops:${name}`,
  // only the targets input names gitops targets; create() checks gitops-repo, gitops-branch and gitops-pr
  // when the targets are built, before any write
  settings: { shorthand: [] },
  create: createGitOpsTarget,
}
