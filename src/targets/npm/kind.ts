// The npm kind, as the rest of the tool sees it (src/core/kind.ts): its words, what it can do,
// and its name parser. src/targets/registry.ts lists it.
import type { TargetKind } from '../../core/kind.js'
import { shellWord } from '../../core/markdown.js'
import { parsePackageName } from './config.js'

const DEFAULT_REGISTRY = 'https://registry.npmjs.org/'
const onRegistry = (registry?: string) =>
  registry && registry !== DEFAULT_REGISTRY ? ` --registry ${shellWord(registry)}` : ''

export const npmKind: TargetKind = {
  name: 'npm',
  words: {
    target: 'npm package',
    channel: 'dist-tag',
    version: 'version',
    place: 'the registry',
    // npm CLI docs, npm-dist-tag: `npm dist-tag add <package-spec (with version)> [<tag>]`
    pointByHand: (name, channel, version, registry) =>
      `npm dist-tag add ${shellWord(`${name}@${version}`)} ${shellWord(channel)}${onRegistry(registry)}`,
    // npm CLI docs, npm-dist-tag: `npm dist-tag rm <package-spec> <tag>`
    removeByHand: (name, channel, registry) => `npm dist-tag rm ${name} ${channel}${onRegistry(registry)}`,
    // npm CLI docs, npm-deprecate: `npm deprecate <package-spec> <message>`; "" removes it
    retireByHand: (name, version, message, registry) =>
      `npm deprecate ${shellWord(`${name}@${version}`)} ${JSON.stringify(message)}${onRegistry(registry)}`,
  },
  capabilities: { retire: true, republish: true, channelInName: false, installerRead: true, downloads: true },
  bare: true,
  parseName: (input, name) => parsePackageName(input, name),
  // npm packages are the default kind: a list of several names them bare
  label: (name) => name,
}
