// The docker kind (container images, retagged by digest), as the rest of the tool sees it
// (src/core/kind.ts). src/targets/registry.ts lists it.
import type { TargetKind } from '../../core/kind.js'
import type { Kind } from '../hooks.js'
import { parseTag, readDockerSettings, readDockerShorthand } from './config.js'
import { createDockerTarget } from './create.js'
import { shellWord } from '../../core/markdown.js'
import { parseImage } from './image.js'

// skopeo-copy(1): `skopeo copy --all docker://SRC docker://DEST` copies a manifest list whole
const copy = (name: string, from: string, to: string) =>
  `skopeo copy --all ${shellWord(`docker://${name}:${from}`)} ${shellWord(`docker://${name}:${to}`)}`

export const dockerKind: TargetKind & Kind = {
  name: 'docker',
  words: {
    accessProven: () => 'the registry accepts the credentials and a push (a blob upload, cancelled).',
    target: 'image',
    channel: 'tag',
    version: 'tag',
    place: 'the registry',
    pointByHand: (name, channel, version) => copy(name, version, channel),
    title: 'Image',
    fixForward: (name, channel) => copy(name, '<fixed>', channel),
    nextSteps: ({ channel, bad }) => [
      // Kubernetes docs, "Images": imagePullPolicy Always pulls the tag's current digest on every start
      `Hosts that already pulled \`${bad}\` under \`${channel}\` keep it until they pull again (or restart with imagePullPolicy: Always).`,
      `Publish a fix as a new tag, then move \`${channel}\` to it.`,
    ],
    // no removeByHand: the registry API deletes manifests by digest, which would delete every tag of that image
  },
  capabilities: { retire: false, republish: false, channelInName: false, installers: false, smoke: true },
  credential: 'registry-password',
  parseName: (_input, name) => parseImage(name).name,
  label: (name) => `docker:${name}`,
  settings: {
    shorthand: ['image'],
    readShorthand: readDockerShorthand,
    shorthandNames: (request) => [request.packageName],
    parseChannel: parseTag,
    readSettings: readDockerSettings,
  },
  create: createDockerTarget,
}
