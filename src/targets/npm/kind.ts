// The npm kind, as the rest of the tool sees it (src/core/kind.ts): its words, what it can do,
// and its name parser. src/targets/registry.ts lists it.
import type { TargetKind } from '../../core/kind.js'
import type { Kind } from '../hooks.js'
import { readNpmRequest, readNpmShorthand, parseChannel } from './config.js'
import { createNpmTarget } from './create.js'
import { settingName } from '../../core/settings.js'
import { shellWord } from '../../core/markdown.js'
import { parsePackageName } from './config.js'

const DEFAULT_REGISTRY = 'https://registry.npmjs.org/'
const onRegistry = (registry?: string) =>
  registry && registry !== DEFAULT_REGISTRY ? ` --registry ${shellWord(registry)}` : ''

export const npmKind: TargetKind & Kind = {
  name: 'npm',
  words: {
    accessProven: () =>
      `the registry knows the token (whoami) and, where it lists collaborators, lets its user write the package; with trusted publishing (no ${settingName('npm-token')}), nothing more: the token npm exchanges may only publish, so a retag needs ${settingName('npm-token')}.`,
    target: 'npm package',
    channel: 'dist-tag',
    version: 'version',
    place: 'the registry',
    several: 'packages',
    // npm CLI docs, npm-dist-tag: `npm dist-tag add <package-spec (with version)> [<tag>]`
    pointByHand: (name, channel, version, registry) =>
      `npm dist-tag add ${shellWord(`${name}@${version}`)} ${shellWord(channel)}${onRegistry(registry)}`,
    // npm CLI docs, npm-dist-tag: `npm dist-tag rm <package-spec> <tag>`
    removeByHand: (name, channel, registry) => `npm dist-tag rm ${name} ${channel}${onRegistry(registry)}`,
    // npm CLI docs, npm-deprecate: `npm deprecate <package-spec> <message>`; "" removes it
    retireByHand: (name, version, message, registry) =>
      `npm deprecate ${shellWord(`${name}@${version}`)} ${JSON.stringify(message)}${onRegistry(registry)}`,
    title: 'Package',
    fixForward: (name, channel) => `npm dist-tag add ${shellWord(name)}@<fixed> ${channel}`,
    // npm CLI docs, npm-ls and npm-install: `npm ls <package-spec>`, `npm install <package-spec>`
    goBack: (name, bad, good) =>
      `If you installed ${bad} (check with: npm ls ${name}), go back to ${good}: npm install ${shellWord(`${name}@${good}`)}`,
    nextSteps: ({ name, channel, bad, several }) => {
      const pkg = several ? '<package>' : name
      return [
        // npm CLI docs, npm-view: `npm view <package-spec> [<field>]`; the registry's documents are cached at its CDN
        `Registry caches and CDNs can serve the old \`${channel}\` for a few minutes; \`npm view ${pkg} dist-tags\` converges by itself.`,
        `Installs that already resolved \`${bad}\` (lockfiles, Renovate/Dependabot updates) keep it: publish a fix as a new version, then move \`${channel}\` to it with \`npm dist-tag add ${pkg}@<fixed> ${channel}\`.`,
        'Yarn Berry follows `latest` only for a plain `yarn add`; for a range it takes the highest match that is not deprecated, so the deprecation is what steers its users away from the bad version.',
      ]
    },
  },
  capabilities: {
    retire: true,
    republish: true,
    channelInName: false,
    installers: true,
    smoke: true,
    registryInput: true,
    installerRead: true,
    downloads: true,
  },
  credential: 'npm-token',
  bare: true,
  parseName: (input, name) => parsePackageName(input, name),
  // npm packages are the default kind: a list of several names them bare
  label: (name) => name,
  settings: {
    shorthand: ['package', 'packages'],
    readShorthand: readNpmShorthand,
    shorthandNames: (request) => request.packageNames ?? [request.packageName],
    parseChannel,
    readRequest: readNpmRequest,
  },
  create: createNpmTarget,
  isDefault: true,
}
