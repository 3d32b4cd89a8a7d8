// The helm kind (a Helm release rolled back to an earlier revision), as the rest of the tool
// sees it (src/core/kind.ts). src/targets/registry.ts lists it.
import type { TargetKind } from '../../core/kind.js'
import type { Kind } from '../hooks.js'
import { HELM_CHANNEL, helmIncidentName, helmShorthandNames, readHelmSettings, readHelmShorthand } from './config.js'
import { createHelmTarget } from './create.js'
import { settingName } from '../../core/settings.js'
import { shellWord } from '../../core/markdown.js'
import { parseHelmTargetName } from './config.js'

export const helmKind: TargetKind & Kind = {
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
    title: 'Helm release',
    // helm docs, helm_upgrade: `helm upgrade [RELEASE] [CHART] [flags]`
    fixForward: (name) => `helm upgrade ${name.split('/').pop()} … (the fixed version)`,
    nextSteps: ({ name }) => [
      // kubectl docs, kubectl rollout status; helm docs, helm_history
      `Check the workloads: \`kubectl rollout status\` for the release's deployments, and \`helm history ${name.split('/').pop()}\`.`,
      'Ship the fix with a normal helm upgrade once it is ready.',
    ],
  },
  capabilities: { retire: false, republish: false, channelInName: true, installers: false },
  credential: 'kubeconfig',
  parseName: (input, name) => {
    const h = parseHelmTargetName(input, name)
    return h.namespace ? `${h.namespace}/${h.release}` : h.release
  },
  label: (name) => `helm:${name}`,
  settings: {
    shorthand: ['release'],
    readShorthand: readHelmShorthand,
    shorthandNames: helmShorthandNames,
    fixedChannel: HELM_CHANNEL,
    incidentName: helmIncidentName,
    readSettings: readHelmSettings,
  },
  create: createHelmTarget,
}
