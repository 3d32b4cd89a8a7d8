// The git-tag kind (a moving tag such as v1, moved through the GitHub API), as the rest of the
// tool sees it (src/core/kind.ts). src/targets/registry.ts lists it.
import type { TargetKind } from '../../core/kind.js'
import type { Kind } from '../hooks.js'
import { createGitTagTarget } from './create.js'
import { shellWord } from '../../core/markdown.js'
import { parseGitTagName } from './config.js'

// git-push(1): `<src>:<dst>` with `+`/--force updates a ref that is not a fast-forward;
// `^{commit}` (gitrevisions(7)) peels an annotated tag to its commit
const push = (version: string, tag: string) =>
  `git push --force origin ${shellWord(`${version}^{commit}:refs/tags/${tag}`)}`

export const gitTagKind: TargetKind & Kind = {
  name: 'git-tag',
  words: {
    accessProven: () => 'the GitHub token reads the repository, and may push where GitHub lists its permissions.',
    target: 'git tag',
    channel: 'git tag',
    version: 'tag',
    place: 'GitHub',
    // the channel is the moving tag itself (the target's name is the tag, or in tests the repository)
    pointByHand: (_name, channel, version) => push(version, channel),
    title: 'Git tag',
    fixForward: (_name, channel) => push('<fixed>', channel),
    nextSteps: ({ channel }) => [
      // GitHub docs, "Using pre-written building blocks in your workflow": a full-length commit SHA is the only immutable pin
      `Workflows pinned to \`${channel}\` use the restored commit from their next run; pins by full SHA keep what they had.`,
      `Release a fix as a new tag, then move \`${channel}\` to it.`,
    ],
    // git-push(1): `git push origin --delete <ref>` (the same as `git push origin :<ref>`)
    removeByHand: (_name, channel) => `git push origin --delete ${shellWord(`refs/tags/${channel}`)}`,
  },
  capabilities: { retire: false, republish: false, channelInName: true, installers: false, viaGitHub: true },
  credential: 'github-token',
  parseName: (input, name) => parseGitTagName(input, name),
  label: (name) => `git-tag:${name}`,
  // only the targets input names git tags (git-tag:v1): no shorthand input, no target: git-tag
  settings: { shorthand: [] },
  create: createGitTagTarget,
}
