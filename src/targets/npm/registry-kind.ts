import { setting, theSetting } from '../../core/settings.js'
// Which npm registry software answers, from what it says about itself when read, and
// what its users report it cannot do (docs/shared reference "Other registries"). Pure:
// the adapter (src/targets/npm.ts) reads, this names and knows.
//
// - Nexus Repository 3 adds and removes dist-tags but refuses to move `latest` ("Unable to
//   update latest tag": only a publish moves it); group and proxy repositories take no writes.
// - Nexus Repository 2 has no deprecate.
// - Artifactory: dist-tags work on a local repository; a remote (proxy) one answers 404.
// - GitHub Packages documents neither dist-tags nor deprecate; some endpoints answer 405.
// Nexus and Artifactory name themselves in every answer (Server: Nexus/3.x, X-JFrog-Version,
// X-Artifactory-Id) unless a proxy in front strips it; GitHub Packages by its host.

export type RegistryKind = 'npmjs' | 'nexus3' | 'nexus2' | 'artifactory' | 'github-packages' | 'unknown'

export interface RegistryIdentity {
  kind: RegistryKind
  /** for messages: "Nexus Repository 3 at nexus.example.com", "the registry at npm.example.com" */
  name: string
  host: string
}

interface Known {
  product: string
  /** reported gaps worth the preflight's harmless write (a dist-tag added and removed) before a rollback */
  probe: boolean
  /** the channel this registry refuses to move with a dist-tag write, and what to do instead */
  /** `undoFix`: what to do when an undo would move it back (an undo republishes nothing) */
  fixedChannel?: { channel: string; why: string; fix: string; undoFix: string }
  /** no deprecate at all */
  noDeprecate?: string
  /** what a 404 to a dist-tag write means here */
  notFoundOnDistTag?: { why: string; fix: string }
  /** a 404 to the deprecation (the document PUT) means no deprecate here, not a token without write access */
  notFoundOnDeprecate?: boolean
}

const KNOWN: Record<RegistryKind, Known> = {
  npmjs: { product: 'the npm public registry', probe: false },
  nexus3: {
    product: 'Nexus Repository 3',
    probe: true,
    fixedChannel: {
      channel: 'latest',
      why: 'cannot move the dist-tag \'latest\' (it answers "Unable to update latest tag": only a publish moves it)',
      get fix() {
        return `use ${setting('strategy', 'republish')}, which publishes the good code as the next version and so moves 'latest' the only way Nexus allows; or roll back another channel`
      },
      undoFix:
        "move 'latest' back by hand where Nexus lets you, or by publishing (a publish moves 'latest' there); an undo republishes nothing",
    },
  },
  nexus2: {
    product: 'Nexus Repository 2',
    probe: true,
    noDeprecate: 'has no deprecate (npm deprecate is not supported)',
  },
  artifactory: {
    product: 'Artifactory',
    probe: true,
    notFoundOnDeprecate: true,
    notFoundOnDistTag: {
      why: 'answers 404 to dist-tag writes, as an Artifactory remote (proxy) repository does: dist-tags can only be moved on a local repository',
      get fix() {
        return `set ${theSetting('registry')} to the local repository the package is published to (not the remote or virtual one in front of it)`
      },
    },
  },
  'github-packages': {
    product: 'GitHub Packages',
    probe: true,
    notFoundOnDeprecate: true,
    notFoundOnDistTag: {
      why: 'does not take dist-tag writes (GitHub Packages documents no dist-tag endpoint)',
      get fix() {
        return `move the channel by publishing (${setting('strategy', 'republish')}), or delete the bad version in the package settings on GitHub`
      },
    },
  },
  unknown: { product: 'the registry', probe: false },
}

/** Which registry `registry` is, from its URL and the headers of an answer to a read. */
export function identifyRegistry(registry: string, headers: Record<string, string | undefined>): RegistryIdentity {
  const url = new URL(registry)
  const host = url.host
  const server = headers.server ?? ''
  let kind: RegistryKind = 'unknown'
  if (host === 'registry.npmjs.org') kind = 'npmjs'
  else if (/^Nexus\/3\./i.test(server)) kind = 'nexus3'
  else if (/^Nexus\/2\./i.test(server)) kind = 'nexus2'
  else if (
    headers['x-jfrog-version'] !== undefined ||
    headers['x-artifactory-id'] !== undefined ||
    /\/artifactory\/api\/npm\//.test(url.pathname)
  )
    kind = 'artifactory'
  else if (
    host === 'npm.pkg.github.com' ||
    headers['x-github-request-id'] !== undefined ||
    /\/_registry\/npm\//.test(url.pathname)
  )
    kind = 'github-packages'
  return { kind, host, name: `${KNOWN[kind].product} at ${host}` }
}

/** Whether the preflight should prove dist-tag writes with its harmless write before a rollback writes. */
export function worthProbing(id: RegistryIdentity): boolean {
  return KNOWN[id.kind].probe
}

/** The channel's move is known to be refused here: why and what to do; undefined when not. */
export function channelFixed(
  id: RegistryIdentity,
  channel: string,
  undo = false,
): { why: string; fix: string } | undefined {
  const f = KNOWN[id.kind].fixedChannel
  return f && f.channel === channel ? { why: f.why, fix: undo ? f.undoFix : f.fix } : undefined
}

/** Known to have no deprecate: why; undefined when it may have one. */
export function noDeprecate(id: RegistryIdentity): string | undefined {
  return KNOWN[id.kind].noDeprecate
}

/** What a 404 to a dist-tag write means on this registry, where it is known to mean a missing capability. */
export function notFoundOnDistTag(id: RegistryIdentity): { why: string; fix: string } | undefined {
  return KNOWN[id.kind].notFoundOnDistTag
}

/**
 * Whether a 404 to the deprecation means this registry cannot deprecate: only where it is
 * known to answer so (Artifactory's remote repositories, GitHub Packages). On npmjs, and on
 * a registry that did not say what it is, a 404 to a write is the token's (no write access).
 */
export function notFoundOnDeprecate(id: RegistryIdentity): boolean {
  return KNOWN[id.kind].notFoundOnDeprecate === true
}
