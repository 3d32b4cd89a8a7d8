// The helm kind (a Helm release rolled back to an earlier revision), as the rest of the tool
// sees it (src/core/kind.ts). src/targets/registry.ts lists it.
import type { TargetKind } from '../../core/kind.js'
import { shellWord } from '../../core/markdown.js'
import { HELM_CHANNEL, parseHelmTargetName } from './config.js'

export const helmKind: TargetKind = {
  name: 'helm',
  words: {
    target: 'Helm release',
    channel: 'release',
    version: 'revision',
    place: 'the cluster',
    // helm docs, helm_rollback: `helm rollback <RELEASE> [REVISION] [flags]`; the version here is
    // the app (or chart) version, so the person picks the revision from `helm history`
    pointByHand: (name) => {
      const [ns, release] = name.includes('/') ? name.split('/') : [undefined, name]
      return `helm history ${shellWord(release)}${ns ? ` -n ${shellWord(ns)}` : ''}, then helm rollback ${shellWord(release)} <revision>${ns ? ` -n ${shellWord(ns)}` : ''}`
    },
  },
  capabilities: { retire: false, republish: false, channelInName: true },
  parseName: (input, name) => {
    const h = parseHelmTargetName(input, name)
    return h.namespace ? `${h.namespace}/${h.release}` : h.release
  },
  label: (name) => `helm:${name}`,
  fixedChannel: HELM_CHANNEL,
}
