// The docker kind (container images, retagged by digest), as the rest of the tool sees it
// (src/core/kind.ts). src/targets/registry.ts lists it.
import type { TargetKind } from '../../core/kind.js'
import { shellWord } from '../../core/markdown.js'
import { parseImage } from './image.js'

export const dockerKind: TargetKind = {
  name: 'docker',
  words: {
    accessProven: () => 'the registry accepts the credentials and a push (a blob upload, cancelled).',
    target: 'image',
    channel: 'tag',
    version: 'tag',
    place: 'the registry',
    // skopeo-copy(1): `skopeo copy --all docker://SRC docker://DEST` copies a manifest list whole
    pointByHand: (name, channel, version) =>
      `skopeo copy --all ${shellWord(`docker://${name}:${version}`)} ${shellWord(`docker://${name}:${channel}`)}`,
  },
  capabilities: { retire: false, republish: false, channelInName: false, smoke: true },
  credential: 'registry-password',
  parseName: (_input, name) => parseImage(name).name,
  label: (name) => `docker:${name}`,
}
