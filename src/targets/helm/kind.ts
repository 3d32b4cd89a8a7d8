// The helm kind (a Helm release rolled back to an earlier revision), as the rest of the tool
// sees it (src/core/kind.ts). src/targets/registry.ts lists it.
import type { TargetKind } from '../../core/kind.js'
import { settingName } from '../../core/settings.js'
import { shellWord } from '../../core/markdown.js'
import { parseHelmTargetName } from './config.js'

export const helmKind: TargetKind = {
  name: 'helm',
  words: {
    accessProven: () =>
      `helm history reads the release with this kubeconfig (not helm status, which in helm 4 fetches every live object), and helm version suits ${settingName('helm-wait')}.`,
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
  credential: 'kubeconfig',
  parseName: (input, name) => {
    const h = parseHelmTargetName(input, name)
    return h.namespace ? `${h.namespace}/${h.release}` : h.release
  },
  label: (name) => `helm:${name}`,
}
