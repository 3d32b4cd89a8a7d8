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
//
// This file is the target (inspect, pointChannel); the image reference is parsed in
// image.ts, credentials are found in credentials.ts, the build identity is read in
// identity.ts, and the registry is spoken to through client.ts.
import semver from 'semver'
import { InputError, RegistryError, RollbackError } from '../../core/errors.js'
import { ChannelMovedError, guardedWrite } from '../../core/guard.js'
import type { PackageState, VersionInfo } from '../../core/plan.js'
import { DEFAULT_RETRY, describeFailure, statusOf, withRetry, type Logger, type RetryPolicy } from '../../core/retry.js'
import type { SmokeRun, Target, WriteOutcome } from '../../core/target.js'
import { DIGEST_PATTERN, RegistryClient, short, type Manifest, type Reply } from './client.js'
import { resolveCredentials } from './credentials.js'
import { smokeImage } from './smoke.js'
import { TAG_PATTERN, parseImage, type ImageRef } from './image.js'
import { mapLimit } from '../../core/util.js'
import { type Identity, readIdentity } from './identity.js'

export { OCI_CREATED, OCI_REVISION } from './identity.js'

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
  private readonly client: RegistryClient
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
      throw new InputError(
        'tag-prefix',
        `${JSON.stringify(this.prefix.slice(0, 60))} cannot start a tag.`,
        "use letters, digits, '.', '_' or '-' (and no '.' or '-' first), such as v.",
      )
    }
    if (options.channels.length === 0)
      throw new InputError('channel', 'is empty.', 'name the moving tag to roll back, such as latest.')
    for (const c of options.channels) {
      if (!TAG_PATTERN.test(c)) {
        throw new InputError(
          'channel',
          `${JSON.stringify(c.slice(0, 80))} is not a valid image tag.`,
          "use a tag such as latest or stable (letters, digits, '.', '_', '-'; at most 128).",
        )
      }
    }
    const credentials = resolveCredentials(this.ref.registry, options)
    this.client = new RegistryClient(this.ref, {
      log: options.log,
      retry: this.retry,
      tagPrefix: this.prefix,
      credentials,
      username: options.username,
      tokenRealmHosts: options.tokenRealmHosts,
      timeoutMs: options.timeoutMs,
      allowInsecureLoopback: options.allowInsecureLoopback,
      tagsPageSize: options.tagsPageSize,
      userAgent: options.userAgent,
      setSecret: options.setSecret,
    })
    this.label = `container image ${this.ref.name} on ${this.client.base.origin}`
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

  /** The smoke test of the restore image, by digest (./smoke.ts). */
  smoke(run: SmokeRun): Promise<void> {
    return smokeImage({ name: this.ref.name, digestOf: (version) => this.digestOf(version) }, run)
  }

  /** The digest a tag has now (a fresh HEAD); undefined when the tag does not exist. */
  async digestOfTag(tag: string): Promise<string | undefined> {
    return this.client.read(`reading the digest of ${this.ref.name}:${tag}`, () => this.client.headDigest(tag), { tag })
  }

  async checkAccess(): Promise<void> {
    // 1. the credentials: the registry (Basic) or its token realm (Bearer) accepts them
    await this.client.read(`checking access to ${this.ref.registry}`, () => this.client.request('GET', '/v2/'))
    // 2. push: open a blob upload (needs push, changes no tag) and cancel it at once
    let started: Reply
    try {
      started = await withRetry(
        `checking push access to ${this.ref.name}`,
        () => this.client.request('POST', `${this.client.repoPath}/blobs/uploads/`),
        this.retry,
        this.options.log,
      )
    } catch (e) {
      if (e instanceof RollbackError) throw e
      const status = statusOf(e)
      const ecr = /\.dkr\.ecr\.[^.]+\.amazonaws\.com(\.cn)?$/.test(this.client.base.hostname)
      if (status === 401 || (status === 403 && !ecr)) throw this.client.explain(e, 'write')
      // ECR allows retag-only policies (PutImage without InitiateLayerUpload): not conclusive
      this.options.log.debug(
        `Could not confirm push access to ${this.ref.name} in advance (${describeFailure(e)}); the tag write will tell.`,
      )
      return
    }
    const location = started.headers.get('location')
    if (location) {
      // (distribution wants the delete action for this: no new token is fetched for it)
      await this.client
        .request('DELETE', location, { reauthenticate: false })
        .catch((e: unknown) =>
          this.options.log.debug(
            `Cancelling the probe upload on ${this.ref.registry} failed (${describeFailure(e)}); the registry purges it.`,
          ),
        )
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
    const tags = await this.client.listTags()
    const present = new Set(tags)
    const versionTags = this.versionTags(tags)
    const limit = this.options.concurrency ?? 8
    const channelDigests = new Map<string, string>()
    await mapLimit(
      this.options.channels.filter((c) => present.has(c)),
      limit,
      async (c) => {
        const d = await this.client.read(`reading ${this.ref.name}:${c}`, () => this.client.headDigest(c), { tag: c })
        if (d) channelDigests.set(c, d)
      },
    )
    const versions: Record<string, VersionInfo> = {}
    for (const v of versionTags.keys()) versions[v] = {}
    const headVersion = async (v: string) => {
      const d = await this.client.read(
        `reading ${this.ref.name}:${this.tagFor(v)}`,
        () => this.client.headDigest(this.tagFor(v)),
        { tag: this.tagFor(v) },
      )
      if (d) versions[v].digest = d
      else delete versions[v] // listed, but gone by now
    }

    const preferred = [...new Set(this.options.preferVersions ?? [])].filter((v) => versionTags.has(v))
    await mapLimit(preferred, limit, headVersion)
    const preferredDigests = new Set(
      preferred.map((v) => versions[v]?.digest).filter((d): d is string => d !== undefined),
    )
    if ([...channelDigests.values()].some((d) => !preferredDigests.has(d))) {
      // a channel holds something else: read the other version tags to name its holder
      const rest = [...versionTags.keys()].filter((v) => !preferred.includes(v)).sort(semver.rcompare)
      const cap = this.options.maxVersionTags ?? 500
      if (rest.length > cap) {
        this.options.log.warning(
          `${this.ref.name} has ${rest.length + preferred.length} version tags; only the newest ${cap} are read to find what the channel holds.`,
        )
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
      versions: new Map(
        Object.entries(versions).flatMap(([v, info]) => (info.digest ? [[v, info.digest] as const] : [])),
      ),
    }
    if (this.options.readIdentity ?? true) {
      const matter = [...new Set([...preferred, ...Object.values(distTags)])].filter(
        (v) => versions[v]?.digest !== undefined,
      )
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
      found = readIdentity(this.client, this.ref, digest).catch((e: unknown) => {
        this.identities.delete(digest) // a later inspect() may try again
        this.options.log.warning(
          `Could not read when and from which commit ${this.ref.name}:${tag} (${short(digest)}) was built (${e instanceof RollbackError ? e.message : describeFailure(e)}); its publish time is taken as unknown.`,
        )
        return {}
      })
      this.identities.set(digest, found)
    }
    return found
  }

  /**
   * Retags `channel` with the image `version` had when the rollback was planned (the last
   * inspect(): fetched by that digest, so a version tag moved since cannot change what is
   * written). Guarded: right before the PUT, and before every retry, the channel's digest is
   * read; unless it is still the digest `expected` stood for at plan time (or already the
   * restore digest: 'already'), nothing is written and a ChannelMovedError names the holder.
   */
  async pointChannel(channel: string, version: string, expected: string | undefined): Promise<WriteOutcome> {
    if (!TAG_PATTERN.test(channel))
      throw new InputError(
        'channel',
        `${JSON.stringify(channel.slice(0, 80))} is not a valid image tag.`,
        'use a tag such as latest or stable.',
      )
    const tag = this.tagFor(version)
    const source = await this.restoreManifest(version)
    const expectedDigest = await this.expectedDigest(channel, expected)
    const what = `moving '${channel}' to ${tag} (${short(source.digest)})`
    const head = () =>
      this.client.read(`reading ${this.ref.name}:${channel}`, () => this.client.headDigest(channel), { tag: channel })
    let outcome: WriteOutcome
    try {
      ;({ outcome } = await guardedWrite<string | undefined>({
        what,
        channel,
        wanted: `${version} (${short(source.digest)})`,
        expected:
          expected === undefined
            ? undefined
            : `${expected}${expectedDigest && expectedDigest !== expected ? ` (${short(expectedDigest)})` : ''}`,
        read: head,
        holderOf: (digest) => (digest === undefined ? undefined : this.nameOf(digest)),
        isDone: (digest) => digest === source.digest,
        isExpected: (digest) => digest === expectedDigest,
        write: async () => {
          const reply = await this.client.request('PUT', `${this.client.repoPath}/manifests/${channel}`, {
            contentType: source.mediaType,
            body: source.bytes,
          })
          const stored = reply.headers.get('docker-content-digest')
          if (stored && stored !== source.digest) {
            throw new RegistryError(
              `${this.ref.registry} stored the manifest of ${tag} under '${channel}' as ${stored}, not ${source.digest}: it rewrote the bytes, so '${channel}' is not the same image.`,
              `check '${channel}' by hand (skopeo inspect --raw docker://${this.ref.name}:${channel}); this registry cannot retag byte for byte.`,
            )
          }
        },
        policy: this.retry,
        log: this.options.log,
        explain: (e) => this.client.explain(e, 'write', {}),
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
      return this.client.read(`reading the manifest of ${this.ref.name}:${tag}`, () => this.client.getManifest(tag), {
        tag,
        input: 'restore-version',
      })
    }
    try {
      return await withRetry(
        `reading the manifest of ${this.ref.name}:${tag} (${short(planned)})`,
        () => this.client.getManifest(planned),
        this.retry,
        this.options.log,
      )
    } catch (e) {
      if (statusOf(e) === 404) {
        throw new InputError(
          'restore-version',
          `the image ${this.ref.name}:${tag} had when the rollback was planned (${planned}) is no longer on ${this.ref.registry}: it was deleted meanwhile.`,
          `check what ${tag} is now (skopeo inspect --raw docker://${this.ref.name}:${tag}), and re-run to plan from the registry as it is.`,
        )
      }
      throw this.client.explain(e, 'read', {})
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
        `look at what '${channel}' holds now and re-run to plan from the registry as it is.`,
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
    const versions = [...this.versionTags(await this.client.listTags()).keys()]
      .sort(semver.rcompare)
      .slice(0, Math.min(100, this.options.maxVersionTags ?? 500))
    const found: string[] = []
    await mapLimit(versions, this.options.concurrency ?? 8, async (v) => {
      if ((await this.client.headDigest(this.tagFor(v))) === digest) found.push(v)
    })
    return found.sort(semver.rcompare)[0]
  }
}
