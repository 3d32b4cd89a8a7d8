// Container images on an OCI / Docker distribution registry: versions are tags, a channel
// is a moving tag (latest, stable, ...) that "holds" the version tag with the same digest.
// Moving a channel retags without pulling: GET the version's manifest (by the digest its
// tag had when the rollback was planned) accepting all four manifest media types, PUT the
// unchanged bytes under the channel tag, check the digest, read the tag back. A multi-arch
// index stays the same index with the same digest. The PUT is guarded (src/guard.ts): the
// channel's digest is read right before it and before every retry, and must still be the
// one the plan saw (or already the restore digest).
//
// Credentials (Basic, or Basic to the token realm for a Bearer token) go only to the
// registry's own origin and to a token realm on the registry's host or an allowed host,
// over https (http only on loopback, for tests). Redirects are never followed with them.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import semver from 'semver'
import { InputError, RegistryError, RollbackError } from '../../errors.js'
import { ChannelMovedError, guardedWrite } from '../../guard.js'
import type { PackageState, VersionInfo } from '../../plan.js'
import { DEFAULT_RETRY, describeFailure, isRetryable, statusOf, withRetry, type Logger, type RetryPolicy } from '../../retry.js'
import type { Target, WriteOutcome } from '../target.js'

export const MEDIA_TYPES = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json'
} as const

/** All four, lists first: leave the list types out and a registry may answer one platform's manifest. */
export const MANIFEST_ACCEPT = [MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerManifestList, MEDIA_TYPES.ociManifest, MEDIA_TYPES.dockerManifest].join(', ')

const KNOWN_MEDIA_TYPES: ReadonlySet<string> = new Set(Object.values(MEDIA_TYPES))

/** A tag, as the distribution spec allows it. */
export const TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/

/** The manifest size distribution itself refuses above. */
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024
/** The largest image config read for its labels. */
const MAX_CONFIG_BYTES = 8 * 1024 * 1024

/** A manifest digest as a reference: `sha256:<64 hex>` (or sha512). */
const DIGEST_PATTERN = /^sha(256:[0-9a-f]{64}|512:[0-9a-f]{128})$/

/** The OCI annotations (and, in an image config, labels) that say when and from what an image was built. */
export const OCI_CREATED = 'org.opencontainers.image.created'
export const OCI_REVISION = 'org.opencontainers.image.revision'

/**
 * Token services on another host that a registry is known to use, so credentials may go
 * there (over https). Anything else must be allowed by name with `tokenRealmHosts`.
 */
export const BUILTIN_TOKEN_REALM_HOSTS: Readonly<Record<string, readonly string[]>> = {
  'registry-1.docker.io': ['auth.docker.io'],
  'registry.gitlab.com': ['gitlab.com']
}

const DOCKER_HUB = 'docker.io'
const DOCKER_HUB_API = 'registry-1.docker.io'
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com'])
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1'])

// --- image references -----------------------------------------------------------------

export interface ImageRef {
  /** the registry as the user knows it: `ghcr.io`, `127.0.0.1:5000`, `docker.io` */
  registry: string
  /** the host[:port] the API answers on: `registry-1.docker.io` for Docker Hub */
  apiHost: string
  /** the repository path: `acme/app`, `library/nginx` */
  repository: string
  /** `registry/repository`, for messages and PackageState.name */
  name: string
}

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/

/**
 * Parses `ghcr.io/acme/app`, `127.0.0.1:5000/acme/app`, `acme/app` (Docker Hub) or `nginx`
 * (Docker Hub's `library/nginx`), as docker's reference normalisation does: the first
 * component is a registry when it has a `.` or `:`, is `localhost`, or has capitals.
 */
export function parseImage(ref: string): ImageRef {
  const raw = ref.trim()
  const bad = (problem: string, fix = 'give the image as registry/repository, such as ghcr.io/acme/app, without a tag or digest.') => new InputError('image', `${JSON.stringify(raw.slice(0, 120))} ${problem}`, fix)
  if (raw === '') throw new InputError('image', 'is empty.', 'give the image as registry/repository, such as ghcr.io/acme/app.')
  if (/^[a-z]+:\/\//i.test(raw)) throw bad('has a URL scheme.', 'give the image without https:// or docker://, such as ghcr.io/acme/app.')
  if (raw.includes('@')) throw bad('has a digest.')
  const slash = raw.indexOf('/')
  const first = slash < 0 ? '' : raw.slice(0, slash)
  const isHost = slash >= 0 && (/[.:]/.test(first) || first === 'localhost' || first !== first.toLowerCase() || first.startsWith('['))
  let registry = isHost ? first : DOCKER_HUB
  let repository = isHost ? raw.slice(slash + 1) : raw
  if (isHost && !HOST.test(registry)) throw bad(`names the registry host ${JSON.stringify(registry)}, which is not a host name.`)
  if (repository.includes(':')) throw bad('has a tag.', 'give the image without a tag (the versions are tags): ghcr.io/acme/app, not ghcr.io/acme/app:1.2.3.')
  registry = registry.toLowerCase()
  const hub = DOCKER_HUB_ALIASES.has(registry)
  if (hub) registry = DOCKER_HUB
  if (hub && !repository.includes('/')) repository = `library/${repository}`
  const parts = repository.split('/')
  if (parts.some((p) => !PATH_COMPONENT.test(p))) {
    throw bad('is not a valid repository name.', 'use lowercase letters, digits and separators (. _ __ -) between /, such as ghcr.io/acme/app.')
  }
  if (`${registry}/${repository}`.length > 255) throw bad('is longer than 255 characters.')
  return { registry, apiHost: hub ? DOCKER_HUB_API : registry, repository, name: `${registry}/${repository}` }
}

// --- docker config ----------------------------------------------------------------------

export interface RegistryCredentials {
  username: string
  password: string
}

/** `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json` (where docker/login-action writes). */
export function defaultDockerConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.DOCKER_CONFIG ? join(env.DOCKER_CONFIG, 'config.json') : join(homedir(), '.docker', 'config.json')
}

/** `https://index.docker.io/v1/` -> `docker.io`; `ghcr.io` -> `ghcr.io`. */
function configKeyHost(key: string): string {
  const host = key
    .trim()
    .replace(/^[a-z]+:\/\//i, '')
    .replace(/\/.*$/, '')
    .toLowerCase()
  return DOCKER_HUB_ALIASES.has(host) ? DOCKER_HUB : host
}

interface DockerConfig {
  auths?: Record<string, { auth?: unknown; username?: unknown; password?: unknown; identitytoken?: unknown }>
  credsStore?: unknown
  credHelpers?: Record<string, unknown>
}

function loadDockerConfig(path: string): DockerConfig | undefined {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return undefined
    throw new InputError('registry-password', `the docker config ${path} cannot be read (${(e as Error).message}).`, 'pass registry-username and registry-password, or fix the docker login step.')
  }
  try {
    const doc = JSON.parse(text) as unknown
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new Error('not an object')
    return doc as DockerConfig
  } catch {
    throw new InputError('registry-password', `the docker config ${path} is not valid JSON.`, 'pass registry-username and registry-password, or fix the docker login step.')
  }
}

/**
 * The user name and password `docker login` (docker/login-action) stored for `host` in a
 * docker config file: `auths[host].auth` (base64 `user:password`), or `username` and
 * `password`. undefined when the file or the entry does not exist; an InputError when the
 * entry holds something this action cannot use (an identity token).
 */
export function readDockerConfigAuth(path: string, host: string): RegistryCredentials | undefined {
  const doc = loadDockerConfig(path)
  const wanted = configKeyHost(host)
  for (const [key, entry] of Object.entries(doc?.auths ?? {})) {
    if (configKeyHost(key) !== wanted || entry === null || typeof entry !== 'object') continue
    if (typeof entry.auth === 'string' && entry.auth !== '') {
      const decoded = Buffer.from(entry.auth, 'base64').toString('utf8')
      const i = decoded.indexOf(':')
      if (i > 0) return { username: decoded.slice(0, i), password: decoded.slice(i + 1) }
    }
    if (typeof entry.username === 'string' && typeof entry.password === 'string' && entry.username !== '') {
      return { username: entry.username, password: entry.password }
    }
    if (typeof entry.identitytoken === 'string' && entry.identitytoken !== '') {
      throw new InputError(
        'registry-password',
        `the docker config ${path} holds an identity token for ${host}, not a user name and password.`,
        'pass registry-username and registry-password (a token with write access to the repository as the password).'
      )
    }
  }
  return undefined
}

/** Why the docker config has no usable entry, for the error when a registry asks for credentials. */
function dockerConfigHint(path: string, host: string): string {
  let doc: DockerConfig | undefined
  try {
    doc = loadDockerConfig(path)
  } catch {
    return ` (${path} cannot be read)`
  }
  if (!doc) return ` (there is no ${path})`
  const helper = doc.credHelpers && Object.entries(doc.credHelpers).find(([k]) => configKeyHost(k) === configKeyHost(host))?.[1]
  const store = typeof helper === 'string' ? helper : typeof doc.credsStore === 'string' ? doc.credsStore : undefined
  if (store) return ` (${path} keeps them in the credential helper docker-credential-${store}, which this action does not run)`
  return ` (${path} has no entry for ${host})`
}

// --- HTTP --------------------------------------------------------------------------------

/** An HTTP error status, in the shape src/retry.ts understands (statusCode, headers). */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly method: string,
    readonly url: string,
    readonly headers: Record<string, string>,
    /** the registry's error code: MANIFEST_UNKNOWN, DENIED, TAG_INVALID, ... */
    readonly registryCode?: string,
    /** the registry's error message, or the start of the body */
    readonly detail?: string
  ) {
    super(`${method} ${url}: HTTP ${statusCode}${registryCode ? ` ${registryCode}` : ''}${detail ? ` (${detail})` : ''}`)
    this.name = 'HttpError'
  }
}

/** A failure before any status: `code` is one src/retry.ts retries (ECONNREFUSED, ETIMEDOUT, ...). */
class NetworkError extends Error {
  constructor(
    readonly code: string,
    message: string
  ) {
    super(message)
    this.name = 'NetworkError'
  }
}

interface Reply {
  status: number
  headers: Headers
  body: Buffer
}

interface Manifest {
  bytes: Buffer
  mediaType: string
  digest: string
}

type Auth = { scheme: 'basic'; header: string } | { scheme: 'bearer'; header: string; expiresAt: number }

interface Challenge {
  scheme: string
  params: Record<string, string>
}

export function parseChallenge(header: string): Challenge | undefined {
  // several challenges may share one header (joined with ", "): prefer Bearer
  const at = header.search(/\bBearer\s/i)
  const text = at >= 0 ? header.slice(at) : header
  const m = /^\s*([A-Za-z][A-Za-z0-9_-]*)\s*(.*)$/s.exec(text)
  if (!m) return undefined
  const params: Record<string, string> = {}
  for (const p of m[2].matchAll(/([A-Za-z_][A-Za-z0-9_-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g)) {
    const key = p[1].toLowerCase()
    if (!(key in params)) params[key] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : p[3]
  }
  return { scheme: m[1].toLowerCase(), params }
}

function isLoopback(hostname: string): boolean {
  return LOOPBACK.has(hostname.toLowerCase())
}

function digestOfBytes(bytes: Buffer, algorithm = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`
}

const short = (digest: string) => digest.replace(/^(sha\d+:)([0-9a-f]{12})[0-9a-f]*$/, '$1$2')

async function mapLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  const worker = async () => {
    while (next < items.length) await fn(items[next++])
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
}

// --- the target --------------------------------------------------------------------------

export interface DockerTargetOptions {
  /** registry host[:port]/repository; `acme/app` and `nginx` mean Docker Hub */
  image: string
  /**
   * The channel tags to resolve in inspect() (the run's `channel`, plus any others whose
   * holder should be known). Other non-version tags are not read.
   */
  channels: string[]
  /**
   * Versions to prefer when several version tags share the channel's digest, in order:
   * pass [restore-version, rollback-version] (the ones given). With them the guard is
   * digest-exact: the channel "holds" the restore version when it has its digest (a no-op)
   * and the bad version when it has the bad digest (a move), whatever else shares it. When
   * every channel matches one of them, no other version tag is read.
   */
  preferVersions?: string[]
  /** the part of a version tag before the semver: `v` for `v1.2.3` (default empty) */
  tagPrefix?: string
  username?: string
  password?: string
  /** where docker/login-action left the credentials when username/password are not given */
  dockerConfigPath?: string
  /** token realm hosts other than the registry's own that may receive the credentials */
  tokenRealmHosts?: string[]
  log: Logger
  retry?: RetryPolicy
  /** per request, ms (default 30 s) */
  timeoutMs?: number
  /** plain http to a registry (and token realm) on 127.0.0.1, localhost or [::1]: tests */
  allowInsecureLoopback?: boolean
  /** at most this many version tags are read (newest first) to name a channel's holder (default 500) */
  maxVersionTags?: number
  /** concurrent HEAD requests in inspect() (default 8) */
  concurrency?: number
  /** `n` for the tag list (default: the registry's own page size) */
  tagsPageSize?: number
  userAgent?: string
  /**
   * Read when and from which commit the versions that matter (the channels' holders and
   * `preferVersions`) were built, into VersionInfo.publishedAt and .commit: the image's
   * `org.opencontainers.image.created` / `.revision` annotations (manifest or index), else
   * its config's labels. Costs a manifest GET (and a config blob GET) per such image, by
   * digest; never for the other tags. Default true.
   */
  readIdentity?: boolean
  /**
   * Registers a value as a secret (core.setSecret): called for every credential this target
   * decodes or obtains (a docker config's password, its base64 auth, a registry token).
   */
  setSecret?: (value: string) => void
}

/** When and from what an image was built, as far as it says. */
interface Identity {
  /** ISO 8601 */
  created?: string
  revision?: string
}

/** What the last inspect() saw: the guard compares the channel with it. */
interface Seen {
  distTags: Record<string, string>
  /** channel tag -> digest */
  channels: Map<string, string>
  /** version -> digest, for the versions whose tags were read */
  versions: Map<string, string>
}

export class DockerTarget implements Target {
  readonly kind = 'docker' as const
  readonly label: string
  readonly ref: ImageRef
  private readonly retry: RetryPolicy
  private readonly prefix: string
  private readonly base: URL
  private readonly credentials?: RegistryCredentials
  /** where the credentials came from, for messages */
  private readonly credentialSource: string
  /** why none were found, for the error when the registry asks for them */
  private readonly missingHint: string = ''
  private readonly realmHosts: Set<string>
  private auth?: Auth
  /** bumped whenever `auth` changes, so concurrent 401s authenticate once */
  private authGeneration = 0
  private authInFlight?: Promise<void>
  /** set when a token realm did not get the credentials, and why */
  private withheld?: string
  /** the token realm answered 401/403 to these credentials */
  private realmRejected?: string
  private insufficientScope = false
  private readonly before = new Map<string, string>()
  private inspected = false
  /** the state the last inspect() read (and this target's own writes since) */
  private seen?: Seen
  /** build identities by manifest digest (a digest's content never changes) */
  private readonly identities = new Map<string, Promise<Identity>>()

  constructor(private readonly options: DockerTargetOptions) {
    this.ref = parseImage(options.image)
    this.retry = options.retry ?? DEFAULT_RETRY
    this.prefix = options.tagPrefix ?? ''
    if (this.prefix !== '' && !TAG_PATTERN.test(`${this.prefix}0.0.0`)) {
      throw new InputError('tag-prefix', `${JSON.stringify(this.prefix.slice(0, 60))} cannot start a tag.`, "use letters, digits, '.', '_' or '-' (and no '.' or '-' first), such as v.")
    }
    if (options.channels.length === 0) throw new InputError('channel', 'is empty.', 'name the moving tag to roll back, such as latest.')
    for (const c of options.channels) {
      if (!TAG_PATTERN.test(c)) {
        throw new InputError('channel', `${JSON.stringify(c.slice(0, 80))} is not a valid image tag.`, "use a tag such as latest or stable (letters, digits, '.', '_', '-'; at most 128).")
      }
    }
    const secure = !(options.allowInsecureLoopback && isLoopback(new URL(`http://${this.ref.apiHost}`).hostname))
    this.base = new URL(`${secure ? 'https' : 'http'}://${this.ref.apiHost}`)
    this.label = `container image ${this.ref.name} on ${this.base.origin}`
    this.realmHosts = new Set([...(BUILTIN_TOKEN_REALM_HOSTS[this.base.host] ?? []), ...(options.tokenRealmHosts ?? [])].map((h) => h.toLowerCase()))

    if ((options.username ?? '') !== '' || (options.password ?? '') !== '') {
      if (!options.username) throw new InputError('registry-username', 'is empty but registry-password is set.', `give the user name that goes with the password (for GHCR: the workflow's actor, github.actor).`)
      if (!options.password) throw new InputError('registry-password', 'is empty but registry-username is set.', 'give the password or access token for that user.')
      this.credentials = { username: options.username, password: options.password }
      this.credentialSource = 'registry-username and registry-password'
    } else {
      const path = options.dockerConfigPath ?? defaultDockerConfigPath()
      this.credentials = readDockerConfigAuth(path, this.ref.registry)
      this.credentialSource = `the docker config ${path}`
      if (!this.credentials) this.missingHint = dockerConfigHint(path, this.ref.registry)
      // decoded here, so nothing masked them yet: the password, and the base64 pair it came as
      if (this.credentials) {
        this.secret(this.credentials.password)
        this.secret(Buffer.from(`${this.credentials.username}:${this.credentials.password}`).toString('base64'))
      }
    }
  }

  private secret(value: string): void {
    if (value !== '') this.options.setSecret?.(value)
  }

  /** version -> tag, for the tags that are `tagPrefix` + an exact semantic version. */
  private versionTags(tags: string[]): Map<string, string> {
    const out = new Map<string, string>()
    for (const tag of tags) {
      if (!tag.startsWith(this.prefix)) continue
      const v = tag.slice(this.prefix.length)
      if (semver.valid(v) === v) out.set(v, tag)
    }
    return out
  }

  /** `1.2.3` -> `v1.2.3` with tag-prefix `v`. */
  tagFor(version: string): string {
    return `${this.prefix}${version}`
  }

  /**
   * The channel tag's digest when this target first inspected the registry, before any
   * write of this run: the `previous-digest` output. undefined when the tag did not exist.
   */
  digestBefore(channel: string): string | undefined {
    return this.before.get(channel)
  }

  /** The digest the version's tag has now (a fresh HEAD): the `restored-digest` output. */
  async digestOf(version: string): Promise<string | undefined> {
    return this.digestOfTag(this.tagFor(version))
  }

  /** The digest a tag has now (a fresh HEAD); undefined when the tag does not exist. */
  async digestOfTag(tag: string): Promise<string | undefined> {
    return this.read(`reading the digest of ${this.ref.name}:${tag}`, () => this.headDigest(tag), { tag })
  }

  async checkAccess(): Promise<void> {
    // 1. the credentials: the registry (Basic) or its token realm (Bearer) accepts them
    await this.read(`checking access to ${this.ref.registry}`, () => this.request('GET', '/v2/'))
    // 2. push: open a blob upload (needs push, changes no tag) and cancel it at once
    let started: Reply
    try {
      started = await withRetry(`checking push access to ${this.ref.name}`, () => this.request('POST', `${this.repoPath}/blobs/uploads/`), this.retry, this.options.log)
    } catch (e) {
      if (e instanceof RollbackError) throw e
      const status = statusOf(e)
      const ecr = /\.dkr\.ecr\.[^.]+\.amazonaws\.com(\.cn)?$/.test(this.base.hostname)
      if (status === 401 || (status === 403 && !ecr)) throw this.explain(e, 'write')
      // ECR allows retag-only policies (PutImage without InitiateLayerUpload): not conclusive
      this.options.log.debug(`Could not confirm push access to ${this.ref.name} in advance (${describeFailure(e)}); the tag write will tell.`)
      return
    }
    const location = started.headers.get('location')
    if (location) {
      // (distribution wants the delete action for this: no new token is fetched for it)
      await this.request('DELETE', location, { reauthenticate: false }).catch((e: unknown) => this.options.log.debug(`Cancelling the probe upload on ${this.ref.registry} failed (${describeFailure(e)}); the registry purges it.`))
    }
  }

  /**
   * The tags as npm's model: `versions` holds every tag that is `tagPrefix` + an exact
   * semver (keyed without the prefix); `distTags[channel]` is the version whose tag has
   * the channel's digest. Reads are HEADs (Docker Hub counts a manifest GET as a pull).
   *
   * The cost trade-off: naming a channel's holder needs the digests of the version tags,
   * and a repository can have hundreds. So: HEAD the channels, then the preferred
   * versions (restore and bad). When every channel has one of those digests (the usual
   * case: the channel is on the bad version, or already on the restore one) nothing else
   * is read, and the other versions carry no `digest`. Otherwise the other version tags
   * are read newest first, 8 at a time, at most `maxVersionTags` of them; a digest no
   * version tag has is reported as the digest itself, which the planner then refuses
   * (or force overrides) like any other unexpected holder.
   *
   * For the channels' holders and the preferred versions (only those), publishedAt and
   * commit come from the image's OCI annotations or config labels (see readIdentity).
   */
  async inspect(): Promise<PackageState> {
    const tags = await this.listTags()
    const present = new Set(tags)
    const versionTags = this.versionTags(tags)
    const limit = this.options.concurrency ?? 8
    const channelDigests = new Map<string, string>()
    await mapLimit(
      this.options.channels.filter((c) => present.has(c)),
      limit,
      async (c) => {
        const d = await this.read(`reading ${this.ref.name}:${c}`, () => this.headDigest(c), { tag: c })
        if (d) channelDigests.set(c, d)
      }
    )
    const versions: Record<string, VersionInfo> = {}
    for (const v of versionTags.keys()) versions[v] = {}
    const headVersion = async (v: string) => {
      const d = await this.read(`reading ${this.ref.name}:${this.tagFor(v)}`, () => this.headDigest(this.tagFor(v)), { tag: this.tagFor(v) })
      if (d) versions[v].digest = d
      else delete versions[v] // listed, but gone by now
    }

    const preferred = [...new Set(this.options.preferVersions ?? [])].filter((v) => versionTags.has(v))
    await mapLimit(preferred, limit, headVersion)
    const preferredDigests = new Set(preferred.map((v) => versions[v]?.digest).filter((d): d is string => d !== undefined))
    if ([...channelDigests.values()].some((d) => !preferredDigests.has(d))) {
      // a channel holds something else: read the other version tags to name its holder
      const rest = [...versionTags.keys()].filter((v) => !preferred.includes(v)).sort(semver.rcompare)
      const cap = this.options.maxVersionTags ?? 500
      if (rest.length > cap) {
        this.options.log.warning(`${this.ref.name} has ${rest.length + preferred.length} version tags; only the newest ${cap} are read to find what the channel holds.`)
      }
      await mapLimit(rest.slice(0, cap), limit, headVersion)
    }

    const distTags: Record<string, string> = {}
    for (const [channel, digest] of channelDigests) {
      const holders = Object.entries(versions)
        .filter(([, info]) => info.digest === digest)
        .map(([v]) => v)
      // preferred versions first (digest-exact guard), then the highest; a digest that no
      // version tag has is reported as itself ("'latest' holds sha256:...")
      distTags[channel] = preferred.find((v) => holders.includes(v)) ?? holders.sort(semver.rcompare)[0] ?? digest
    }
    if (!this.inspected) {
      this.inspected = true
      for (const [c, d] of channelDigests) this.before.set(c, d)
    }
    this.seen = {
      distTags: { ...distTags },
      channels: new Map(channelDigests),
      versions: new Map(Object.entries(versions).flatMap(([v, info]) => (info.digest ? [[v, info.digest] as const] : [])))
    }
    if (this.options.readIdentity ?? true) {
      const matter = [...new Set([...preferred, ...Object.values(distTags)])].filter((v) => versions[v]?.digest !== undefined)
      await mapLimit(matter, limit, async (v) => {
        const id = await this.identityOf(versions[v].digest as string, this.tagFor(v))
        if (id.created) versions[v].publishedAt = id.created
        if (id.revision) versions[v].commit = id.revision
      })
    }
    return { name: this.ref.name, distTags, versions }
  }

  /**
   * When and from what the image `digest` (tagged `tag`) was built; {} when it does not say,
   * or when it cannot be read (with a warning: a rollback gated on the publish time is then
   * skipped, never run on a guess).
   */
  private identityOf(digest: string, tag: string): Promise<Identity> {
    let found = this.identities.get(digest)
    if (!found) {
      found = this.readIdentity(digest).catch((e: unknown) => {
        this.identities.delete(digest) // a later inspect() may try again
        this.options.log.warning(
          `Could not read when and from which commit ${this.ref.name}:${tag} (${short(digest)}) was built (${e instanceof RollbackError ? e.message : describeFailure(e)}); its publish time is taken as unknown.`
        )
        return {}
      })
      this.identities.set(digest, found)
    }
    return found
  }

  /** The annotations of the manifest (or index, then its first platform's manifest), else the config's labels. */
  private async readIdentity(digest: string): Promise<Identity> {
    const what = `reading the build annotations of ${this.ref.name}@${short(digest)}`
    const top = await this.read(what, () => this.getManifest(digest))
    const doc = parseObject(top.bytes)
    let id = identityFrom(doc.annotations)
    let manifest = doc
    if (!complete(id) && (top.mediaType === MEDIA_TYPES.ociIndex || top.mediaType === MEDIA_TYPES.dockerManifestList)) {
      // an index's config lives in its platform manifests: the first real one (buildx adds
      // attestation manifests with platform unknown/unknown)
      const entries = Array.isArray(doc.manifests) ? (doc.manifests as Record<string, unknown>[]) : []
      const first = entries.find((m) => typeof m?.digest === 'string' && DIGEST_PATTERN.test(m.digest) && (m.platform as { os?: unknown } | undefined)?.os !== 'unknown')
      if (!first) return id
      const child = await this.read(what, () => this.getManifest(first.digest as string))
      manifest = parseObject(child.bytes)
      id = merge(id, identityFrom(manifest.annotations))
    }
    const config = manifest.config as { digest?: unknown } | undefined
    if (!complete(id) && typeof config?.digest === 'string' && DIGEST_PATTERN.test(config.digest)) {
      const blob = await this.read(what, () => this.getBlob(config.digest as string, MAX_CONFIG_BYTES))
      const labels = (parseObject(blob).config as { Labels?: unknown } | undefined)?.Labels
      id = merge(id, identityFrom(labels))
    }
    return id
  }

  /**
   * Retags `channel` with the image `version` had when the rollback was planned (the last
   * inspect(): fetched by that digest, so a version tag moved since cannot change what is
   * written). Guarded: right before the PUT, and before every retry, the channel's digest is
   * read; unless it is still the digest `expected` stood for at plan time (or already the
   * restore digest: 'already'), nothing is written and a ChannelMovedError names the holder.
   */
  async pointChannel(channel: string, version: string, expected: string | undefined): Promise<WriteOutcome> {
    if (!TAG_PATTERN.test(channel)) throw new InputError('channel', `${JSON.stringify(channel.slice(0, 80))} is not a valid image tag.`, 'use a tag such as latest or stable.')
    const tag = this.tagFor(version)
    const source = await this.restoreManifest(version)
    const expectedDigest = await this.expectedDigest(channel, expected)
    const what = `moving '${channel}' to ${tag} (${short(source.digest)})`
    const head = () => this.read(`reading ${this.ref.name}:${channel}`, () => this.headDigest(channel), { tag: channel })
    let outcome: WriteOutcome
    try {
      ;({ outcome } = await guardedWrite<string | undefined>({
        what,
        channel,
        wanted: `${version} (${short(source.digest)})`,
        expected: expected === undefined ? undefined : `${expected}${expectedDigest && expectedDigest !== expected ? ` (${short(expectedDigest)})` : ''}`,
        read: head,
        holderOf: (digest) => (digest === undefined ? undefined : this.nameOf(digest)),
        isDone: (digest) => digest === source.digest,
        isExpected: (digest) => digest === expectedDigest,
        write: async () => {
          const reply = await this.request('PUT', `${this.repoPath}/manifests/${channel}`, { contentType: source.mediaType, body: source.bytes })
          const stored = reply.headers.get('docker-content-digest')
          if (stored && stored !== source.digest) {
            throw new RegistryError(
              `${this.ref.registry} stored the manifest of ${tag} under '${channel}' as ${stored}, not ${source.digest}: it rewrote the bytes, so '${channel}' is not the same image.`,
              `check '${channel}' by hand (skopeo inspect --raw docker://${this.ref.name}:${channel}); this registry cannot retag byte for byte.`
            )
          }
        },
        policy: this.retry,
        log: this.options.log,
        explain: (e) => this.explain(e, 'write', {})
      }))
    } catch (e) {
      if (e instanceof ChannelMovedError && e.holder !== undefined && DIGEST_PATTERN.test(e.holder)) {
        // name the image by its version tag when one has it (read only now: this is the stop)
        const named = await this.findVersionOf(e.holder).catch(() => undefined)
        if (named) throw new ChannelMovedError(e.channel, `${named} (${short(e.holder)})`, e.expected, e.wanted)
      }
      throw e
    }
    if (this.seen) {
      this.seen.channels.set(channel, source.digest)
      this.seen.distTags[channel] = version
    }
    return outcome
  }

  /** The manifest to write: by the digest `version`'s tag had at plan time, checked against it. */
  private async restoreManifest(version: string): Promise<Manifest> {
    const tag = this.tagFor(version)
    const planned = this.seen?.versions.get(version)
    if (!planned) {
      // the plan named the version without reading its tag (an auto-chosen restore
      // version): what the tag holds now is the first and only look at it
      this.options.log.debug(`${this.ref.name}:${tag} was not read when planning; reading it now.`)
      return this.read(`reading the manifest of ${this.ref.name}:${tag}`, () => this.getManifest(tag), { tag, input: 'restore-version' })
    }
    try {
      return await withRetry(`reading the manifest of ${this.ref.name}:${tag} (${short(planned)})`, () => this.getManifest(planned), this.retry, this.options.log)
    } catch (e) {
      if (statusOf(e) === 404) {
        throw new InputError(
          'restore-version',
          `the image ${this.ref.name}:${tag} had when the rollback was planned (${planned}) is no longer on ${this.ref.registry}: it was deleted meanwhile.`,
          `check what ${tag} is now (skopeo inspect --raw docker://${this.ref.name}:${tag}), and re-run to plan from the registry as it is.`
        )
      }
      throw this.explain(e, 'read', {})
    }
  }

  /** The digest the channel must still have for the write to go ahead; undefined: no such tag. */
  private async expectedDigest(channel: string, expected: string | undefined): Promise<string | undefined> {
    if (expected === undefined) return undefined
    const seen = this.seen
    if (seen?.distTags[channel] === expected && seen.channels.has(channel)) return seen.channels.get(channel)
    if (DIGEST_PATTERN.test(expected)) return expected // a holder no version tag had, named by its digest
    const known = seen?.versions.get(expected)
    if (known) return known
    // a version the last inspect() did not read (or none ran): its tag now
    const now = await this.digestOfTag(this.tagFor(expected))
    if (now === undefined) {
      throw new RegistryError(
        `The rollback expected '${channel}' to hold ${expected}, but ${this.ref.name} has no tag ${this.tagFor(expected)} to compare it with: nothing was written.`,
        `look at what '${channel}' holds now and re-run to plan from the registry as it is.`
      )
    }
    return now
  }

  /** A digest named by a version tag the last inspect() saw with it, else the digest itself. */
  private nameOf(digest: string): string {
    const names = [...(this.seen?.versions ?? [])].filter(([, d]) => d === digest).map(([v]) => v)
    const name = names.sort(semver.rcompare)[0]
    return name ? `${name} (${short(digest)})` : digest
  }

  /**
   * The highest version whose tag has `digest` now, among the newest 100 version tags (the
   * error path: naming a new holder must not hold the error back for long).
   */
  private async findVersionOf(digest: string): Promise<string | undefined> {
    const versions = [...this.versionTags(await this.listTags()).keys()].sort(semver.rcompare).slice(0, Math.min(100, this.options.maxVersionTags ?? 500))
    const found: string[] = []
    await mapLimit(versions, this.options.concurrency ?? 8, async (v) => {
      if ((await this.headDigest(this.tagFor(v))) === digest) found.push(v)
    })
    return found.sort(semver.rcompare)[0]
  }

  // --- registry reads ------------------------------------------------------------------

  private get repoPath(): string {
    return `/v2/${this.ref.repository}`
  }

  private async listTags(): Promise<string[]> {
    const tags: string[] = []
    const n = this.options.tagsPageSize
    let next: string | undefined = `${this.repoPath}/tags/list${n ? `?n=${n}` : ''}`
    for (let page = 0; next !== undefined; page++) {
      if (page >= 1000) throw new RegistryError(`${this.ref.registry} kept paginating the tags of ${this.ref.repository} past 1000 pages.`, 'check the registry.')
      const url: string = next
      const reply = await this.read(`listing the tags of ${this.ref.name}`, () => this.request('GET', url))
      let doc: { tags?: unknown }
      try {
        doc = JSON.parse(reply.body.toString('utf8')) as { tags?: unknown }
      } catch {
        throw new RegistryError(`${this.ref.registry} answered the tag list of ${this.ref.repository} with something that is not JSON.`, 'check the image input points at a container registry.')
      }
      if (Array.isArray(doc.tags)) tags.push(...doc.tags.filter((t): t is string => typeof t === 'string'))
      next = nextLink(reply.headers.get('link'), new URL(url, this.base))
    }
    return [...new Set(tags)]
  }

  /** The tag's digest (HEAD, all four types accepted); undefined for an unknown tag. */
  private async headDigest(tag: string): Promise<string | undefined> {
    let reply: Reply
    try {
      reply = await this.request('HEAD', `${this.repoPath}/manifests/${tag}`, { accept: MANIFEST_ACCEPT })
    } catch (e) {
      if (statusOf(e) === 404) return undefined
      throw e
    }
    const digest = reply.headers.get('docker-content-digest')
    if (digest && /^sha(256|512):[0-9a-f]+$/.test(digest)) return digest
    // a registry that does not say: read the manifest and hash it
    return (await this.getManifest(tag)).digest
  }

  /** A manifest by tag or by digest; by digest, the bytes must hash to it. */
  private async getManifest(reference: string): Promise<Manifest> {
    const byDigest = DIGEST_PATTERN.test(reference)
    const tag = byDigest ? `@${reference}` : `:${reference}`
    const reply = await this.request('GET', `${this.repoPath}/manifests/${reference}`, { accept: MANIFEST_ACCEPT })
    const bytes = reply.body
    if (bytes.length > MAX_MANIFEST_BYTES) throw new RegistryError(`The manifest of ${this.ref.name}${tag} is ${bytes.length} bytes, over the 4 MiB registries accept.`, 'check the tag.')
    const said = reply.headers.get('docker-content-digest') ?? undefined
    const algorithm = (byDigest ? reference : said)?.startsWith('sha512:') ? 'sha512' : 'sha256'
    const digest = digestOfBytes(bytes, algorithm)
    if (said && said !== digest) {
      throw new RegistryError(
        `${this.ref.registry} served ${this.ref.name}${tag} as ${said}, but the bytes hash to ${digest}: something between here and the registry changed them.`,
        'check for a proxy that rewrites responses, and re-run.'
      )
    }
    if (byDigest && digest !== reference) {
      throw new RegistryError(
        `${this.ref.registry} answered ${this.ref.name}${tag} with bytes that hash to ${digest}: not that image, so nothing was written from it.`,
        'check for a proxy or cache between here and the registry that rewrites or mixes up responses, and re-run.'
      )
    }
    let mediaType = (reply.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase()
    if (!KNOWN_MEDIA_TYPES.has(mediaType)) {
      try {
        const declared = (JSON.parse(bytes.toString('utf8')) as { mediaType?: unknown }).mediaType
        if (typeof declared === 'string') mediaType = declared
      } catch {
        // not JSON: refused below
      }
    }
    if (!KNOWN_MEDIA_TYPES.has(mediaType)) {
      throw new RegistryError(
        `${this.ref.name}${tag} is a ${mediaType || 'manifest of no known type'}, not an OCI or Docker v2 image manifest or index: retagging it could not keep its digest.`,
        're-push the image with a current Docker or buildx (schema 2 / OCI), or move the tag by hand.'
      )
    }
    return { bytes, mediaType, digest }
  }

  /** A blob (an image config), checked against its digest. */
  private async getBlob(digest: string, maxBytes: number): Promise<Buffer> {
    const reply = await this.request('GET', `${this.repoPath}/blobs/${digest}`)
    if (reply.body.length > maxBytes) throw new RegistryError(`The blob ${this.ref.name}@${digest} is ${reply.body.length} bytes, more than an image config should be.`, 'check the image.')
    const got = digestOfBytes(reply.body, digest.startsWith('sha512:') ? 'sha512' : 'sha256')
    if (got !== digest) {
      throw new RegistryError(`${this.ref.registry} answered the blob ${this.ref.name}@${digest} with bytes that hash to ${got}.`, 'check for a proxy that rewrites responses, and re-run.')
    }
    return reply.body
  }

  // --- HTTP with auth ------------------------------------------------------------------

  /**
   * One registry request: answers 2xx/3xx-free replies, throws HttpError for >= 400.
   * Authenticates on a 401 from the registry's own origin; follows redirects by hand,
   * sending Authorization only to the registry's own origin.
   */
  private async request(method: string, path: string, init: { accept?: string; contentType?: string; body?: Buffer; reauthenticate?: boolean } = {}): Promise<Reply> {
    let url = new URL(path, this.base)
    let authTries = init.reauthenticate === false && this.auth ? 2 : 0
    for (let hop = 0; ; ) {
      const own = url.origin === this.base.origin
      const generation = this.authGeneration
      const headers: Record<string, string> = { 'user-agent': this.options.userAgent ?? 'release-rollback' }
      if (init.accept) headers.accept = init.accept
      if (init.contentType) headers['content-type'] = init.contentType
      // an expired token is not sent: the 401 that follows fetches a fresh one
      if (own && this.auth && !(this.auth.scheme === 'bearer' && this.auth.expiresAt < Date.now() + 5000)) headers.authorization = this.auth.header
      const reply = await this.send(method, url, headers, init.body)

      if (reply.status === 401 && own && authTries < 2) {
        authTries++
        const challenge = parseChallenge(reply.headers.get('www-authenticate') ?? '')
        if (challenge?.params.error === 'insufficient_scope') this.insufficientScope = true
        // another request authenticated meanwhile: try with that
        if (this.authGeneration !== generation) continue
        // Basic credentials that were just refused will not do better a second time
        if (!(headers.authorization && challenge?.scheme === 'basic')) {
          await this.authenticate(challenge, generation)
          continue
        }
      }
      if ([301, 302, 303, 307, 308].includes(reply.status) && reply.headers.get('location')) {
        if (++hop > 5) throw new RegistryError(`${this.ref.registry} redirected ${method} ${url.pathname} more than 5 times.`, 'check the registry.')
        const next = new URL(reply.headers.get('location') as string, url)
        if (next.protocol !== 'https:' && !(next.protocol === 'http:' && this.options.allowInsecureLoopback && isLoopback(next.hostname))) {
          throw new RegistryError(`${this.ref.registry} redirected ${method} ${url.pathname} to ${next.protocol}//${next.host}, which is not https: refused.`, 'check the registry configuration.')
        }
        if (next.origin !== this.base.origin) this.options.log.debug(`${method} ${url.pathname} redirected to ${next.host}: re-issued there without credentials.`)
        url = next
        continue
      }
      if (reply.status >= 400) throw httpError(method, url, reply)
      return reply
    }
  }

  /** One fetch: no redirects followed, a timeout, network failures as NetworkError. */
  private async send(method: string, url: URL, headers: Record<string, string>, body?: Buffer): Promise<Reply> {
    const timeoutMs = this.options.timeoutMs ?? 30_000
    try {
      const res = await fetch(url, { method, headers, body: body === undefined ? undefined : new Uint8Array(body), redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) })
      const data = method === 'HEAD' ? Buffer.alloc(0) : Buffer.from(await res.arrayBuffer())
      return { status: res.status, headers: res.headers, body: data }
    } catch (e) {
      const err = e as { name?: string; message?: string; cause?: { code?: string; errors?: { code?: string }[] } }
      if (err.name === 'TimeoutError' || err.name === 'AbortError') throw new NetworkError('ETIMEDOUT', `${method} ${url.host}${url.pathname}: no answer within ${timeoutMs / 1000} s`)
      const code = err.cause?.code ?? err.cause?.errors?.[0]?.code ?? 'FETCH_ERROR'
      throw new NetworkError(code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' ? 'ETIMEDOUT' : code, `${method} ${url.host}${url.pathname}: ${code}`)
    }
  }

  private async authenticate(challenge: Challenge | undefined, seenGeneration: number): Promise<void> {
    if (this.authInFlight) return this.authInFlight
    if (this.authGeneration !== seenGeneration) return
    this.authInFlight = this.obtainAuth(challenge).finally(() => {
      this.authInFlight = undefined
    })
    return this.authInFlight
  }

  private async obtainAuth(challenge: Challenge | undefined): Promise<void> {
    const creds = this.credentials
    if (challenge?.scheme === 'basic') {
      if (!creds) throw this.noCredentials()
      this.setAuth({ scheme: 'basic', header: basicHeader(creds) })
      return
    }
    if (challenge?.scheme !== 'bearer' || !challenge.params.realm) {
      throw new RegistryError(`${this.ref.registry} asked for authentication without a challenge this action understands (${challenge?.scheme ?? 'none'}).`, 'check the image input points at a Docker / OCI registry.')
    }
    let realm: URL
    try {
      realm = new URL(challenge.params.realm)
    } catch {
      throw new RegistryError(`${this.ref.registry} named a token realm that is not a URL: ${JSON.stringify(challenge.params.realm.slice(0, 120))}.`, 'check the registry.')
    }
    const refusal = creds ? this.realmRefusal(realm) : undefined
    if (refusal && this.withheld !== refusal) {
      this.withheld = refusal
      this.options.log.warning(`The credentials were not sent to the token service ${realm.origin}: ${refusal}. Asking for an anonymous token.`)
    }
    const sendCreds = creds !== undefined && refusal === undefined
    // plain-http token service off loopback: not even an anonymous request
    if (realm.protocol !== 'https:' && !(realm.protocol === 'http:' && isLoopback(realm.hostname) && this.options.allowInsecureLoopback)) {
      throw this.credentialsProblem(`${this.ref.registry} sends clients to the token service ${realm.origin}, which is not https.`)
    }
    const scopes = new Set((challenge.params.scope ?? '').split(' ').filter(Boolean))
    scopes.add(`repository:${this.ref.repository}:${sendCreds ? 'pull,push' : 'pull'}`)
    if (challenge.params.service) realm.searchParams.set('service', challenge.params.service)
    for (const s of scopes) realm.searchParams.append('scope', s)
    const headers: Record<string, string> = { 'user-agent': this.options.userAgent ?? 'release-rollback', accept: 'application/json' }
    if (sendCreds) headers.authorization = basicHeader(creds)
    const reply = await this.send('GET', realm, headers)
    if (reply.status === 401 || reply.status === 403) {
      if (sendCreds) {
        this.realmRejected = `the token service ${realm.origin} rejected them (${reply.status})`
        throw this.credentialsProblem(`${this.ref.registry}'s token service ${realm.origin} rejected the credentials of ${creds.username} (${reply.status}).`)
      }
      throw creds ? this.credentialsProblem(`${this.ref.registry} refused an anonymous token.`) : this.noCredentials()
    }
    if (reply.status >= 300) throw httpError('GET', realm, reply)
    let doc: { token?: unknown; access_token?: unknown; expires_in?: unknown }
    try {
      doc = JSON.parse(reply.body.toString('utf8')) as typeof doc
    } catch {
      throw new RegistryError(`The token service ${realm.origin} answered with something that is not JSON.`, 'check the registry.')
    }
    const token = typeof doc.token === 'string' && doc.token ? doc.token : typeof doc.access_token === 'string' ? doc.access_token : ''
    if (!token) throw new RegistryError(`The token service ${realm.origin} answered without a token.`, 'check the registry.')
    this.secret(token)
    const ttl = typeof doc.expires_in === 'number' && doc.expires_in > 0 ? doc.expires_in : 60
    this.setAuth({ scheme: 'bearer', header: `Bearer ${token}`, expiresAt: Date.now() + ttl * 1000 })
  }

  private setAuth(auth: Auth) {
    this.auth = auth
    this.authGeneration++
  }

  /** Why the credentials must not go to this token realm; undefined when they may. */
  private realmRefusal(realm: URL): string | undefined {
    const host = realm.hostname.toLowerCase()
    const registryHost = this.base.hostname.toLowerCase()
    if (host !== registryHost && !this.realmHosts.has(host)) {
      return `${realm.host} is not the registry's host ${registryHost} (credentials go only to the registry's own host, or to a token host allowed by name)`
    }
    if (realm.protocol === 'https:') return undefined
    if (realm.protocol === 'http:' && this.options.allowInsecureLoopback && isLoopback(host) && isLoopback(registryHost)) return undefined
    return `${realm.origin} is not https`
  }

  // --- errors --------------------------------------------------------------------------

  private noCredentials(): InputError {
    return new InputError(
      'registry-password',
      `${this.ref.registry} asks for credentials and none were given${this.missingHint}.`,
      `set registry-username and registry-password, or run docker/login-action for ${this.ref.registry} before this step.`
    )
  }

  private credentialsProblem(problem: string): InputError {
    const why = this.withheld ? ` The credentials were not sent to the token service: ${this.withheld}.` : ''
    const fix = this.withheld
      ? `if that host is ${this.ref.registry}'s own token service, allow it by name (tokenRealmHosts); otherwise check the image input names the registry you meant.`
      : this.credentialFix()
    return new InputError('registry-password', `${problem}${why}`, fix)
  }

  private credentialFix(): string {
    const ghcr = this.base.hostname === 'ghcr.io' ? ` For GHCR: the token needs packages: write, and the package's "Manage Actions access" must give this repository Write.` : ''
    const hub = this.base.hostname === DOCKER_HUB_API ? ' For Docker Hub: use an access token with Read & Write scope as the password.' : ''
    const which = this.options.username
      ? 'check registry-username and registry-password are current'
      : this.credentials
        ? `the credentials came from ${this.credentialSource} (docker/login-action): check that login step, or pass registry-username and registry-password`
        : 'set registry-username and registry-password'
    return `${which}, and that they may push to ${this.ref.name}.${ghcr}${hub}`
  }

  /** Runs a read with retries; failures become errors that say what to do. */
  private async read<T>(what: string, fn: () => Promise<T>, context: { tag?: string; input?: string } = {}): Promise<T> {
    try {
      return await withRetry(what, fn, this.retry, this.options.log)
    } catch (e) {
      throw this.explain(e, 'read', context)
    }
  }

  /** Turns a failure into an error that says what to do. Never includes the password or a token. */
  private explain(e: unknown, kind: 'read' | 'write', context: { tag?: string; input?: string } = {}): RollbackError {
    if (e instanceof RollbackError) return e
    const where = this.ref.registry
    const name = this.ref.name
    if (e instanceof HttpError) {
      const status = e.statusCode
      const said = e.detail ? ` (${e.registryCode ? `${e.registryCode}: ` : ''}${e.detail})` : e.registryCode ? ` (${e.registryCode})` : ''
      if (isImmutable(e)) {
        return new RegistryError(
          `${where} refuses to move the tag: ${name} has immutable tags${said}.`,
          'allow tags to be overwritten for this repository (ECR: image tag mutability MUTABLE, or an exclusion for the channel tag; Harbor: the immutability rule; Artifact Registry: immutable tags off), then re-run.',
          status,
          e.registryCode
        )
      }
      if (status === 401) {
        if (!this.credentials) return this.noCredentials()
        if (this.withheld || this.realmRejected) return this.credentialsProblem(`${where} refused access to ${name} (401 Unauthorized).`)
        if (this.insufficientScope || kind === 'write') {
          return new InputError('registry-password', `${where} does not let ${this.credentials.username} ${kind === 'write' ? 'push to' : 'read'} ${name} (401${this.insufficientScope ? ', insufficient scope' : ''}).`, this.credentialFix())
        }
        return new InputError('registry-password', `${where} rejected the credentials of ${this.credentials.username} (401 Unauthorized).`, this.credentialFix())
      }
      if (status === 403) {
        return new InputError(
          'registry-password',
          `${where} denied ${this.credentials ? this.credentials.username : 'anonymous'} ${kind === 'write' ? 'push' : 'pull'} access to ${name} (403 Forbidden)${said}.`,
          this.credentialFix()
        )
      }
      if (status === 404 && (e.registryCode === 'NAME_UNKNOWN' || /\/tags\/list/.test(e.url))) {
        return new InputError('image', `${name} does not exist on ${where} (404${e.registryCode ? ` ${e.registryCode}` : ''}).`, 'check the image input (registry host and repository path); a private repository also needs credentials that can read it.')
      }
      if (status === 404 && context.tag !== undefined) {
        const version = context.tag.startsWith(this.prefix) ? context.tag.slice(this.prefix.length) : context.tag
        return new InputError(
          context.input ?? 'restore-version',
          `${name}:${context.tag} does not exist on ${where} (404${e.registryCode ? ` ${e.registryCode}` : ''}).`,
          `give a version that has a tag${this.prefix ? ` (tag-prefix '${this.prefix}' makes ${version} the tag ${context.tag})` : ''}.`
        )
      }
      if (status === 405 && kind === 'write') {
        return new RegistryError(`${where} does not accept tag writes for ${name} (405)${said}: a pull-through cache or read-only mirror?`, 'point the image input at the registry the image is pushed to.', status, e.registryCode)
      }
      return new RegistryError(
        `${kind === 'read' ? 'Reading' : 'Writing'} ${name} on ${where} failed: HTTP ${status}${said}.`,
        isRetryable(e) ? 'the registry is failing or unreachable; re-run when it recovers (a re-run is safe).' : 'see the registry message above.',
        status,
        e.registryCode
      )
    }
    const code = (e as { code?: string }).code
    const message = e instanceof NetworkError ? e.message : `${code ?? 'network error'}${e instanceof Error ? ` (${e.message.slice(0, 200)})` : ''}`
    const tls = /SSL|TLS|CERT|SELF_SIGNED/i.test(code ?? '')
    return new RegistryError(
      `${kind === 'read' ? 'Reading' : 'Writing'} ${name} on ${where} failed: ${message}.`,
      isRetryable(e)
        ? 'the registry is failing or unreachable; re-run when it recovers (a re-run is safe).'
        : tls
          ? `the TLS connection to ${where} failed: it must serve https with a certificate the runner trusts (NODE_EXTRA_CA_CERTS for a private CA).`
          : 'see the message above.',
      undefined,
      code
    )
  }
}

function basicHeader(creds: RegistryCredentials): string {
  return `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`
}

function httpError(method: string, url: URL, reply: Reply): HttpError {
  const headers: Record<string, string> = {}
  reply.headers.forEach((v, k) => (headers[k] = v))
  let code: string | undefined
  let detail: string | undefined
  const text = reply.body.toString('utf8')
  try {
    const doc = JSON.parse(text) as { errors?: { code?: unknown; message?: unknown }[] }
    const first = doc.errors?.[0]
    if (typeof first?.code === 'string') code = first.code
    if (typeof first?.message === 'string') detail = first.message.slice(0, 300)
  } catch {
    const line = text.split('\n')[0].trim()
    if (line) detail = line.slice(0, 300)
  }
  return new HttpError(reply.status, method, `${url.origin}${url.pathname}`, headers, code, detail)
}

/** ECR: 400 ImageTagAlreadyExistsException / TAG_INVALID "...immutable"; Harbor 412, Artifact Registry 400, others 409/403 saying "immutable". */
function isImmutable(e: HttpError): boolean {
  if (e.method !== 'PUT' || ![400, 403, 409, 412].includes(e.statusCode)) return false
  return /immutable|ImageTagAlreadyExistsException|cannot be overwritten/i.test(`${e.registryCode ?? ''} ${e.detail ?? ''}`)
}

/** The `rel="next"` target of a Link header, resolved against the request URL. */
function nextLink(header: string | null, requested: URL): string | undefined {
  if (!header) return undefined
  for (const part of header.split(/,(?=\s*<)/)) {
    const m = /^\s*<([^>]*)>\s*;(.*)$/.exec(part)
    if (m && /\brel\s*=\s*"?next"?/i.test(m[2])) return new URL(m[1], requested).toString()
  }
  return undefined
}

/** A JSON object from bytes; {} when they are not one. */
function parseObject(bytes: Buffer): Record<string, unknown> {
  try {
    const doc = JSON.parse(bytes.toString('utf8')) as unknown
    return doc !== null && typeof doc === 'object' && !Array.isArray(doc) ? (doc as Record<string, unknown>) : {}
  } catch {
    return {}
  }
}

/** created / revision from OCI annotations or image labels (the same keys); malformed values are left out. */
function identityFrom(map: unknown): Identity {
  if (map === null || typeof map !== 'object') return {}
  const m = map as Record<string, unknown>
  const id: Identity = {}
  const created = m[OCI_CREATED]
  // RFC 3339 with a date and a time; "0001-01-01T00:00:00Z" and the epoch are reproducible-build placeholders, not times
  if (typeof created === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(created.trim())) {
    const at = Date.parse(created.trim())
    if (!Number.isNaN(at) && at > 0) id.created = new Date(at).toISOString()
  }
  const revision = m[OCI_REVISION]
  if (typeof revision === 'string' && revision.trim() !== '' && revision.trim().length <= 200) id.revision = revision.trim()
  return id
}

function merge(a: Identity, b: Identity): Identity {
  return { created: a.created ?? b.created, revision: a.revision ?? b.revision }
}

function complete(id: Identity): boolean {
  return id.created !== undefined && id.revision !== undefined
}
