// The registry HTTP client: the distribution API's reads and the one write (a manifest PUT),
// with token auth (Bearer from the realm the 401 names, Basic to it) or Basic, retries of
// reads (src/retry.ts), and host pinning: credentials go only to the registry's own origin
// and to a token realm on the registry's host or an allowed host, over https (http only
// on loopback, for tests). Redirects are followed by hand, never with credentials.
import { type InputError, RegistryError, type RollbackError } from '../../core/errors.js'
import { fromAnsweredHost, statusOf, withRetry, type Logger, type RetryPolicy } from '../../core/retry.js'
import { basicHeader, type RegistryCredentials, type ResolvedCredentials } from './credentials.js'
import type { ImageRef } from './image.js'
import { theSetting } from '../../core/settings.js'
import { credentialsProblem, explainFailure, type ExplainHost, noCredentials } from './explain.js'
import {
  BUILTIN_TOKEN_REALM_HOSTS,
  type Challenge,
  DIGEST_PATTERN,
  digestOfBytes,
  httpError,
  isLoopback,
  KNOWN_MEDIA_TYPES,
  MANIFEST_ACCEPT,
  type Manifest,
  MAX_MANIFEST_BYTES,
  NetworkError,
  nextLink,
  parseChallenge,
  type Reply,
} from './protocol.js'

export {
  BUILTIN_TOKEN_REALM_HOSTS,
  DIGEST_PATTERN,
  HttpError,
  httpError,
  isLoopback,
  MANIFEST_ACCEPT,
  MEDIA_TYPES,
  parseChallenge,
  short,
  type Manifest,
  type Reply,
} from './protocol.js'

type Auth = { scheme: 'basic'; header: string } | { scheme: 'bearer'; header: string; expiresAt: number }

export interface RegistryClientOptions {
  log: Logger
  retry: RetryPolicy
  /** the part of a version tag before the semver (for messages about a missing version tag) */
  tagPrefix: string
  /** resolveCredentials() */
  credentials: ResolvedCredentials
  /** the registry-username input, when given (for messages: which credentials to check) */
  username?: string
  /** token realm hosts other than the registry's own that may receive the credentials */
  tokenRealmHosts?: string[]
  /** per request, ms (default 30 s) */
  timeoutMs?: number
  /** plain http to a registry (and token realm) on 127.0.0.1, localhost or [::1]: tests */
  allowInsecureLoopback?: boolean
  /** `n` for the tag list (default: the registry's own page size) */
  tagsPageSize?: number
  userAgent?: string
  /** registers a token obtained from the realm as a secret (core.setSecret) */
  setSecret?: (value: string) => void
}

/** One repository on one registry, spoken to over the distribution API. */
export class RegistryClient {
  readonly base: URL
  private readonly retry: RetryPolicy
  private readonly prefix: string
  private readonly credentials?: RegistryCredentials
  /** where the credentials came from, for messages */
  private readonly credentialSource: string
  /** why none were found, for the error when the registry asks for them */
  private readonly missingHint: string
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
  /**
   * The origins that have answered (any status) in this run: a refused connection or a name
   * that stops resolving there is an outage (retried), not a wrong address.
   */
  private readonly answered = new Set<string>()

  constructor(
    readonly ref: ImageRef,
    private readonly options: RegistryClientOptions,
  ) {
    this.retry = options.retry
    this.prefix = options.tagPrefix
    this.credentials = options.credentials.credentials
    this.credentialSource = options.credentials.source
    this.missingHint = options.credentials.missingHint
    const secure = !(options.allowInsecureLoopback && isLoopback(new URL(`http://${this.ref.apiHost}`).hostname))
    this.base = new URL(`${secure ? 'https' : 'http'}://${this.ref.apiHost}`)
    this.realmHosts = new Set(
      [...(BUILTIN_TOKEN_REALM_HOSTS[this.base.host] ?? []), ...(options.tokenRealmHosts ?? [])].map((h) =>
        h.toLowerCase(),
      ),
    )
  }

  private secret(value: string): void {
    if (value !== '') this.options.setSecret?.(value)
  }

  // --- registry reads ------------------------------------------------------------------

  get repoPath(): string {
    return `/v2/${this.ref.repository}`
  }

  async listTags(): Promise<string[]> {
    const tags: string[] = []
    const n = this.options.tagsPageSize
    let next: string | undefined = `${this.repoPath}/tags/list${n ? `?n=${n}` : ''}`
    for (let page = 0; next !== undefined; page++) {
      if (page >= 1000)
        throw new RegistryError(
          `${this.ref.registry} kept paginating the tags of ${this.ref.repository} past 1000 pages.`,
          'check the registry.',
        )
      const url: string = next
      const reply = await this.read(`listing the tags of ${this.ref.name}`, () => this.request('GET', url))
      let doc: { tags?: unknown }
      try {
        doc = JSON.parse(reply.body.toString('utf8')) as { tags?: unknown }
      } catch {
        throw new RegistryError(
          `${this.ref.registry} answered the tag list of ${this.ref.repository} with something that is not JSON.`,
          `check ${theSetting('image')} points at a container registry.`,
        )
      }
      if (Array.isArray(doc.tags)) tags.push(...doc.tags.filter((t): t is string => typeof t === 'string'))
      next = nextLink(reply.headers.get('link'), new URL(url, this.base))
    }
    return [...new Set(tags)]
  }

  /** The tag's digest (HEAD, all four types accepted); undefined for an unknown tag. */
  async headDigest(tag: string): Promise<string | undefined> {
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
  async getManifest(reference: string): Promise<Manifest> {
    const byDigest = DIGEST_PATTERN.test(reference)
    const tag = byDigest ? `@${reference}` : `:${reference}`
    const reply = await this.request('GET', `${this.repoPath}/manifests/${reference}`, { accept: MANIFEST_ACCEPT })
    const bytes = reply.body
    if (bytes.length > MAX_MANIFEST_BYTES)
      throw new RegistryError(
        `The manifest of ${this.ref.name}${tag} is ${bytes.length} bytes, over the 4 MiB registries accept.`,
        'check the tag.',
      )
    const said = reply.headers.get('docker-content-digest') ?? undefined
    const algorithm = (byDigest ? reference : said)?.startsWith('sha512:') ? 'sha512' : 'sha256'
    const digest = digestOfBytes(bytes, algorithm)
    if (said && said !== digest) {
      throw new RegistryError(
        `${this.ref.registry} served ${this.ref.name}${tag} as ${said}, but the bytes hash to ${digest}: something between here and the registry changed them.`,
        'check for a proxy that rewrites responses, and re-run.',
      )
    }
    if (byDigest && digest !== reference) {
      throw new RegistryError(
        `${this.ref.registry} answered ${this.ref.name}${tag} with bytes that hash to ${digest}: not that image, so nothing was written from it.`,
        'check for a proxy or cache between here and the registry that rewrites or mixes up responses, and re-run.',
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
        're-push the image with a current Docker or buildx (schema 2 / OCI), or move the tag by hand.',
      )
    }
    return { bytes, mediaType, digest }
  }

  /** A blob (an image config), checked against its digest. */
  async getBlob(digest: string, maxBytes: number): Promise<Buffer> {
    const reply = await this.request('GET', `${this.repoPath}/blobs/${digest}`)
    if (reply.body.length > maxBytes)
      throw new RegistryError(
        `The blob ${this.ref.name}@${digest} is ${reply.body.length} bytes, more than an image config should be.`,
        'check the image.',
      )
    const got = digestOfBytes(reply.body, digest.startsWith('sha512:') ? 'sha512' : 'sha256')
    if (got !== digest) {
      throw new RegistryError(
        `${this.ref.registry} answered the blob ${this.ref.name}@${digest} with bytes that hash to ${got}.`,
        'check for a proxy that rewrites responses, and re-run.',
      )
    }
    return reply.body
  }

  // --- HTTP with auth ------------------------------------------------------------------

  /**
   * One registry request: answers 2xx/3xx-free replies, throws HttpError for >= 400.
   * Authenticates on a 401 from the registry's own origin; follows redirects by hand,
   * sending Authorization only to the registry's own origin.
   */
  async request(
    method: string,
    path: string,
    init: { accept?: string; contentType?: string; body?: Buffer; reauthenticate?: boolean } = {},
  ): Promise<Reply> {
    let url = new URL(path, this.base)
    let authTries = init.reauthenticate === false && this.auth ? 2 : 0
    for (let hop = 0; ; ) {
      const own = url.origin === this.base.origin
      const generation = this.authGeneration
      const headers: Record<string, string> = { 'user-agent': this.options.userAgent ?? 'release-rollback' }
      if (init.accept) headers.accept = init.accept
      if (init.contentType) headers['content-type'] = init.contentType
      // an expired token is not sent: the 401 that follows fetches a fresh one
      if (own && this.auth && !(this.auth.scheme === 'bearer' && this.auth.expiresAt < Date.now() + 5000))
        headers.authorization = this.auth.header
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
        if (++hop > 5)
          throw new RegistryError(
            `${this.ref.registry} redirected ${method} ${url.pathname} more than 5 times.`,
            'check the registry.',
          )
        const next = new URL(reply.headers.get('location') as string, url)
        if (
          next.protocol !== 'https:' &&
          !(next.protocol === 'http:' && this.options.allowInsecureLoopback && isLoopback(next.hostname))
        ) {
          throw new RegistryError(
            `${this.ref.registry} redirected ${method} ${url.pathname} to ${next.protocol}//${next.host}, which is not https: refused.`,
            'check the registry configuration.',
          )
        }
        if (next.origin !== this.base.origin)
          this.options.log.debug(
            `${method} ${url.pathname} redirected to ${next.host}: re-issued there without credentials.`,
          )
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
      const res = await fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : new Uint8Array(body),
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      })
      this.answered.add(url.origin)
      const data = method === 'HEAD' ? Buffer.alloc(0) : Buffer.from(await res.arrayBuffer())
      return { status: res.status, headers: res.headers, body: data }
    } catch (e) {
      const failed = this.failure(e, method, url, timeoutMs)
      throw this.answered.has(url.origin) ? fromAnsweredHost(failed) : failed
    }
  }

  /** A fetch failure as a NetworkError with the code src/retry.ts knows. */
  private failure(e: unknown, method: string, url: URL, timeoutMs: number): NetworkError {
    const err = e as { name?: string; message?: string; cause?: { code?: string; errors?: { code?: string }[] } }
    if (err.name === 'TimeoutError' || err.name === 'AbortError')
      return new NetworkError(
        'ETIMEDOUT',
        `${method} ${url.host}${url.pathname}: no answer within ${timeoutMs / 1000} s`,
      )
    const code = err.cause?.code ?? err.cause?.errors?.[0]?.code ?? 'FETCH_ERROR'
    return new NetworkError(
      code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' ? 'ETIMEDOUT' : code,
      `${method} ${url.host}${url.pathname}: ${code}`,
    )
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
      throw new RegistryError(
        `${this.ref.registry} asked for authentication without a challenge this action understands (${challenge?.scheme ?? 'none'}).`,
        `check ${theSetting('image')} points at a Docker / OCI registry.`,
      )
    }
    let realm: URL
    try {
      realm = new URL(challenge.params.realm)
    } catch {
      throw new RegistryError(
        `${this.ref.registry} named a token realm that is not a URL: ${JSON.stringify(challenge.params.realm.slice(0, 120))}.`,
        'check the registry.',
      )
    }
    const refusal = creds ? this.realmRefusal(realm) : undefined
    if (refusal && this.withheld !== refusal) {
      this.withheld = refusal
      this.options.log.warning(
        `The credentials were not sent to the token service ${realm.origin}: ${refusal}. Asking for an anonymous token.`,
      )
    }
    const sendCreds = creds !== undefined && refusal === undefined
    // plain-http token service off loopback: not even an anonymous request
    if (
      realm.protocol !== 'https:' &&
      !(realm.protocol === 'http:' && isLoopback(realm.hostname) && this.options.allowInsecureLoopback)
    ) {
      throw this.credentialsProblem(
        `${this.ref.registry} sends clients to the token service ${realm.origin}, which is not https.`,
      )
    }
    const scopes = new Set((challenge.params.scope ?? '').split(' ').filter(Boolean))
    scopes.add(`repository:${this.ref.repository}:${sendCreds ? 'pull,push' : 'pull'}`)
    if (challenge.params.service) realm.searchParams.set('service', challenge.params.service)
    for (const s of scopes) realm.searchParams.append('scope', s)
    const headers: Record<string, string> = {
      'user-agent': this.options.userAgent ?? 'release-rollback',
      accept: 'application/json',
    }
    if (sendCreds) headers.authorization = basicHeader(creds)
    const reply = await this.send('GET', realm, headers)
    if (reply.status === 401 || reply.status === 403) {
      if (sendCreds) {
        this.realmRejected = `the token service ${realm.origin} rejected them (${reply.status})`
        throw this.credentialsProblem(
          `${this.ref.registry}'s token service ${realm.origin} rejected the credentials of ${creds.username} (${reply.status}).`,
        )
      }
      throw creds ? this.credentialsProblem(`${this.ref.registry} refused an anonymous token.`) : this.noCredentials()
    }
    if (reply.status >= 300) throw httpError('GET', realm, reply)
    let doc: { token?: unknown; access_token?: unknown; expires_in?: unknown }
    try {
      doc = JSON.parse(reply.body.toString('utf8')) as typeof doc
    } catch {
      throw new RegistryError(
        `The token service ${realm.origin} answered with something that is not JSON.`,
        'check the registry.',
      )
    }
    const token =
      typeof doc.token === 'string' && doc.token
        ? doc.token
        : typeof doc.access_token === 'string'
          ? doc.access_token
          : ''
    if (!token)
      throw new RegistryError(`The token service ${realm.origin} answered without a token.`, 'check the registry.')
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
    if (
      realm.protocol === 'http:' &&
      this.options.allowInsecureLoopback &&
      isLoopback(host) &&
      isLoopback(registryHost)
    )
      return undefined
    return `${realm.origin} is not https`
  }

  // --- errors (explain.ts) ----------------------------------------------------------------

  /** What the messages need of this client. */
  private host(): ExplainHost {
    return {
      ref: this.ref,
      prefix: this.prefix,
      hostname: this.base.hostname,
      credentials: this.credentials,
      credentialSource: this.credentialSource,
      missingHint: this.missingHint,
      username: this.options.username,
      withheld: this.withheld,
      realmRejected: this.realmRejected,
      insufficientScope: this.insufficientScope,
    }
  }

  private noCredentials(): InputError {
    return noCredentials(this.host())
  }

  private credentialsProblem(problem: string): InputError {
    return credentialsProblem(this.host(), problem)
  }

  /** Runs a read with retries; failures become errors that say what to do. */
  async read<T>(what: string, fn: () => Promise<T>, context: { tag?: string; input?: string } = {}): Promise<T> {
    try {
      return await withRetry(what, fn, this.retry, this.options.log)
    } catch (e) {
      throw this.explain(e, 'read', context)
    }
  }

  /** Turns a failure into an error that says what to do (explain.ts). Never includes the password or a token. */
  explain(e: unknown, kind: 'read' | 'write', context: { tag?: string; input?: string } = {}): RollbackError {
    return explainFailure(this.host(), e, kind, context)
  }
}
