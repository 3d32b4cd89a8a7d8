// The gitops kind (one key of a YAML file in a GitOps repository: what Argo CD or Flux deploys), as
// the rest of the tool sees it (src/core/kind.ts). src/targets/registry.ts lists it.
import type { TargetKind } from '../../core/kind.js'
import { parseGitOpsName } from './config.js'

export const gitopsKind: TargetKind = {
  name: 'gitops',
  words: {
    target: 'GitOps value',
    channel: 'key',
    version: 'value',
    place: 'the GitOps repository',
    // no command: the change is a commit (or a pull request) to the file
    pointByHand: (name, _channel, version) => {
      const [path, key] = name.split('#')
      return `set ${key} to ${version} in ${path} and commit it to the branch the GitOps controller syncs from`
    },
  },
  capabilities: { retire: false, republish: false, channelInName: true },
  parseName: (input, name) => {
    const n = parseGitOpsName(input, name)
    return `${n.path}#${n.key}`
  },
  label: (name) => `gitops:${name}`,
}
