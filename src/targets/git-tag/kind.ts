// The git-tag kind (a moving tag such as v1, moved through the GitHub API), as the rest of the
// tool sees it (src/core/kind.ts). src/targets/registry.ts lists it.
import type { TargetKind } from '../../core/kind.js'
import { shellWord } from '../../core/markdown.js'
import { parseGitTagName } from './config.js'

export const gitTagKind: TargetKind = {
  name: 'git-tag',
  words: {
    target: 'git tag',
    channel: 'git tag',
    version: 'tag',
    place: 'GitHub',
    // git-push(1): `<src>:<dst>` with `+`/--force updates a ref that is not a fast-forward;
    // `^{commit}` (gitrevisions(7)) peels an annotated tag to its commit
    pointByHand: (name, _channel, version) =>
      `git push --force origin ${shellWord(`${version}^{commit}:refs/tags/${name}`)}`,
  },
  capabilities: { retire: false, republish: false, channelInName: true, viaGitHub: true },
  parseName: (input, name) => parseGitTagName(input, name),
  label: (name) => `git-tag:${name}`,
}
