// Every request this tool makes to an npm registry: npm-registry-fetch (npm's own client:
// token scoping, proxies, CA settings, EOTP detection and HTTP errors as npm has them),
// plus one rule npm does not have: the token goes to the registry's origin (scheme, host
// and port) and nowhere else, whatever a response redirects to.
//
// Why an agent. npm-registry-fetch hands the request to make-fetch-happen, which follows
// redirects itself and drops `authorization` only when the *hostname* changes: a redirect
// to http://same-host (a downgrade) or https://same-host:other-port still carries
// `Bearer <token>`. npm-registry-fetch passes no `redirect` option down, so following
// cannot be switched off; libnpmpublish calls npm-registry-fetch itself, so replacing it
// would mean reimplementing publish. What npm-registry-fetch does pass down, untouched,
// is `opts.agent`: make-fetch-happen gives it to @npmcli/agent's getAgent, which returns
// it as is, and minipass-fetch calls it — when it is a function — with the URL of every
// request it is about to open, the first one and every redirect hop, before anything is
// sent. So the agent here is a function that checks the hop's origin, then returns the
// very agent make-fetch-happen would have used (getAgent with the same options): proxies
// (HTTPS_PROXY, HTTP_PROXY, NO_PROXY), keep-alive and timeouts behave as before.
//
// - Registry API calls (reads, dist-tag and document writes, whoami, publish) start at
//   the registry's origin; a hop to any other origin is refused before it is opened and
//   surfaces as a RegistryError naming the registry and the target's origin. Same-origin
//   redirects are followed as before (with the token: it is the same server).
// - Tarball downloads (full URLs from the packument) may be served from elsewhere (a CDN,
//   blob storage behind a redirect); they go there without the token, whatever npm's host
//   match would say, and the bytes are checked against the packument's integrity anyway.
import type { Agent, ClientRequest } from 'node:http'
import { getAgent } from '@npmcli/agent'
import npmFetch from 'npm-registry-fetch'
import { InputError, RegistryError } from '../../core/errors.js'
import { fromAnsweredHost, misconfiguration, statusOf } from '../../core/retry.js'
import { setting, theSetting } from '../../core/settings.js'
import { asksSecondFactor, SecondFactorGiven, type DonePoll, type SecondFactor } from './two-factor.js'

/** The registry key npm scopes a token to: `//host[:port]/path/`. */
export function nerfDart(registry: string): string {
  const url = new URL(registry)
  return `//${url.host}${url.pathname}`
}

/** `@scope/name` -> `@scope%2fname`, as npm-package-arg escapes it. */
export function escapePackageName(name: string): string {
  return name.replace('/', '%2f')
}

export interface RegistryClientOptions {
  /** with a trailing slash */
  registry: string
  token?: string
  /** per request, ms (tarball transfers and publishes get at least two minutes) */
  timeoutMs?: number
  userAgent?: string
  /** the registry's origin has already answered in this run (another client's request) */
  answered?: boolean
  /**
   * The command line's second factor (src/targets/npm/two-factor.ts): requests say
   * `npm-auth-type: web`, writes carry its code as `npm-otp`, and a write refused for want
   * of one waits for the person. Without it (the action) an EOTP is an error.
   */
  secondFactor?: SecondFactor
}

/** Thrown by the agent for a hop it refuses; the client turns it into a RegistryError. */
class OffOriginHop extends Error {
  readonly code = 'EOFFORIGIN'
  constructor(readonly target: string) {
    super(`a request to the registry was redirected to ${target}, another origin: not followed`)
    this.name = 'OffOriginHop'
  }
}

type Mode = 'api' | 'tarball'

/** One request's view of where it went: the agent fills it in, the client reads it. */
class OriginGuard {
  /** the first origin other than the registry's a tarball download went to */
  elsewhere?: string

  constructor(
    private readonly registryOrigin: string,
    private readonly mode: Mode,
    private readonly agentOptions: Record<string, unknown>,
  ) {}

  /** minipass-fetch calls this with the URL of each request (first one and every redirect hop) before opening it. */
  readonly agent = (url: URL): Agent => {
    const target = new URL(String(url.href ?? url))
    const elsewhere = target.origin !== this.registryOrigin
    if (elsewhere && this.mode === 'api') throw new OffOriginHop(target.origin)
    // the agent make-fetch-happen would have used for this URL (it caches them by options)
    const agent = getAgent(target.href, this.agentOptions)
    if (!elsewhere) return agent
    this.elsewhere ??= target.origin
    return withoutAuthorization(agent)
  }
}

/**
 * The same agent, except that a request it is given leaves without an `authorization`
 * header. addRequest runs inside ClientRequest's constructor, before the headers are
 * written (@npmcli/agent sets `connection` there the same way); everything else is the
 * real agent's, bound to it.
 */
function withoutAuthorization(agent: Agent): Agent {
  return new Proxy(agent, {
    get(target, key) {
      if (key === 'addRequest') {
        return (req: ClientRequest, options: unknown) => {
          req.removeHeader('authorization')
          return (target as unknown as { addRequest(r: ClientRequest, o: unknown): void }).addRequest(req, options)
        }
      }
      const value: unknown = Reflect.get(target, key, target)
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value
    },
  })
}

/** The registry calls of one registry and token, all through the origin guard. */
export class RegistryClient {
  readonly origin: string
  /**
   * The registry's origin has answered (any HTTP status) in this run: from then on a refused
   * connection or a name that stops resolving is an outage, retried, not a wrong address.
   */
  answered: boolean
  /** a write may have reached the registry (it was answered, or failed after connecting) */
  private wrote = false

  constructor(private readonly o: RegistryClientOptions) {
    this.origin = new URL(o.registry).origin
    this.answered = o.answered === true
  }

  /**
   * One request to the registry, keeping account of what its answer proves: that the
   * origin answers, and whether a write may have been sent. Failures go through refused().
   */
  private async call<T>(method: string, path: string, write: boolean, request: () => Promise<T>): Promise<T> {
    try {
      const answer = await request()
      this.answered = true
      if (write) this.wrote = true
      return answer
    } catch (e) {
      const unreached = misconfiguration(e) !== undefined
      if (statusOf(e) !== undefined) this.answered = true
      if (write && !unreached) this.wrote = true
      throw this.refused(e, method, path)
    }
  }

  /** npm-registry-fetch options for one request (npm.ts and republish.ts used to build these each). */
  private options(
    command: string,
    extra: Record<string, unknown>,
    guard: OriginGuard,
    o: { transfer?: boolean; token?: boolean } = {},
  ): npmFetch.Options {
    const { registry, token, userAgent } = this.o
    return {
      registry,
      // the token is scoped to the registry (npm's nerf-dart key); the guard keeps it on its origin
      ...(token && o.token !== false ? { [`${nerfDart(registry)}:_authToken`]: token } : {}),
      retry: { retries: 0 },
      timeout: this.timeout(o.transfer),
      preferOnline: true,
      fullMetadata: true,
      npmCommand: command,
      // npm's own default (auth-type web): a registry that wants a second factor offers the web approval
      ...(this.o.secondFactor ? { authType: 'web' } : {}),
      userAgent: userAgent ?? 'release-rollback',
      headers: { 'cache-control': 'no-cache' },
      ...extra,
      agent: guard.agent,
    } as unknown as npmFetch.Options
  }

  /**
   * What make-fetch-happen passes getAgent for npm-registry-fetch's defaults (maxSockets
   * 12, strict TLS, NOPROXY, `timeout` as the idle timeout), so the agent is the same one.
   */
  private guard(mode: Mode, transfer = false): OriginGuard {
    return new OriginGuard(this.origin, mode, {
      maxSockets: 12,
      timeout: this.timeout(transfer),
      rejectUnauthorized: true,
      noProxy: process.env.NOPROXY,
    })
  }

  private timeout(transfer = false): number {
    return transfer ? Math.max(this.o.timeoutMs ?? 30_000, 120_000) : (this.o.timeoutMs ?? 30_000)
  }

  /**
   * A refused hop, or an address that cannot work (connection refused, a name that does
   * not resolve, https:// to a plain-http port), as the error the caller shows: the latter
   * is bad input naming the registry setting, never retried - while the registry has not
   * answered in this run. Once it has, the same failure is an outage: the error is passed
   * on marked (fromAnsweredHost), and retried like a 5xx. Anything else unchanged.
   */
  private refused(e: unknown, method: string, path: string): unknown {
    if (this.answered && misconfiguration(e) !== undefined) return fromAnsweredHost(e)
    const wrong = misconfiguration(e)
    if (wrong !== undefined) {
      return new InputError(
        'registry',
        `${this.o.registry} cannot be reached: ${wrong} (${(e as { code?: string }).code ?? 'error'} on ${method} ${path.split('?')[0]}). This is the address, not an outage: nothing was retried${this.wrote ? '' : ' and nothing was written'}.`,
        `check ${theSetting('registry')} (scheme http or https, host and port), and the registry line of .npmrc.`,
      )
    }
    if (!(e instanceof OffOriginHop)) return e
    const { registry } = this.o
    return new RegistryError(
      `${registry} redirected ${method} ${path.split('?')[0]} to ${e.target}, which is not the registry's origin ${this.origin} (scheme, host and port must all match): the redirect was not followed and the npm token was not sent to ${e.target}.`,
      `if the registry has moved to ${e.target}, set ${theSetting('registry')} (and the token's .npmrc line) to its new address; otherwise find out why the registry, or a proxy in front of it, redirects there.`,
      undefined,
      e.code,
    )
  }

  /** GET a registry path (`/name?write=true`, `/-/whoami`), parsed as JSON. */
  async json<T>(path: string, command: string, extra: Record<string, unknown> = {}): Promise<T> {
    return (await this.read<T>(path, command, extra)).body
  }

  /** The same, with the answer's headers (lower-case names): they say which registry software answered. */
  async read<T>(
    path: string,
    command: string,
    extra: Record<string, unknown> = {},
  ): Promise<{ body: T; headers: Record<string, string> }> {
    const method = String(extra.method ?? 'GET')
    return this.call(method, path, method !== 'GET' && method !== 'HEAD', async () => {
      // what npmFetch.json does (fetch, then res.json()), keeping the response for its headers
      const res = await npmFetch(path, this.options(command, extra, this.guard('api')))
      const headers: Record<string, string> = {}
      res.headers.forEach((value: string, name: string) => {
        headers[name.toLowerCase()] = value
      })
      return { body: (await res.json()) as T, headers }
    })
  }

  /**
   * A write to a registry path; the answer's body is not read. With a second factor
   * (the CLI), see secondFactored: `resend: 'here'` sends a write refused for want of one
   * again inside this call (only for a write nothing else guards: the probe's own tag);
   * otherwise the caller gets SecondFactorGiven and resends through its guard.
   */
  async write(
    path: string,
    command: string,
    extra: Record<string, unknown>,
    o: { resend?: 'here' | 'guard' } = {},
  ): Promise<void> {
    await this.secondFactored(command, o.resend ?? 'guard', (otp) =>
      this.call(String(extra.method ?? 'PUT'), path, true, () =>
        npmFetch(path, this.options(command, { ...extra, ...otp, ignoreBody: true }, this.guard('api'))),
      ),
    )
  }

  /**
   * libnpmpublish's publish (one PUT of the package document, tarball attached), guarded the
   * same way. With `stage: true` in `extra` it is npm's stage publish instead (libnpmpublish
   * publish.js: `POST /-/stage/package/<name>`, the same document; the answer's `stageId`).
   */
  async publish(
    manifest: Record<string, unknown>,
    tarball: Buffer,
    extra: Record<string, unknown>,
  ): Promise<{ stageId?: string }> {
    let stageId: string | undefined
    const stage = extra.stage === true
    // loaded only when a run publishes (strategy: republish), as republish.ts itself is;
    // libnpmpublish ships no types: src/types/libnpmpublish.d.ts declares the one function used
    const { publish: publishPackage } = await import('libnpmpublish')
    const name = escapePackageName(String(manifest.name))
    await this.secondFactored(stage ? 'stage' : 'publish', 'guard', (otp) =>
      this.call(stage ? 'POST' : 'PUT', stage ? `/-/stage/package/${name}` : `/${name}`, true, async () => {
        const res = (await publishPackage(manifest, tarball, {
          ...this.options(stage ? 'stage' : 'publish', {}, this.guard('api', true), { transfer: true }),
          ...extra,
          ...otp,
        })) as { stageId?: unknown } | undefined
        if (typeof res?.stageId === 'string') stageId = res.stageId
      }),
    )
    return stageId !== undefined ? { stageId } : {}
  }

  /**
   * One write with the run's second factor, if there is one: sent with its current code
   * (npm-registry-fetch's `otp` option: the `npm-otp` header). Refused for want of one (EOTP),
   * the person is asked (an approval link, or a code on a terminal) and then:
   * - 'guard': SecondFactorGiven is thrown, and guardedWrite (src/guard.ts) reads the state
   *   again and resends only if that read still allows the write. The approval may take
   *   minutes, so the read the write was guarded by is stale by then: a resend from here
   *   would break the guard rule (every write right after a fresh read);
   * - 'here': sent again at once (the probe's dist-tag of its own, which no plan guards).
   * Once a wait ended without an answer, no write is sent any more (assertMayWrite).
   */
  private async secondFactored(
    command: string,
    resend: 'here' | 'guard',
    send: (otp: { otp?: string }) => Promise<unknown>,
  ): Promise<void> {
    const sf = this.o.secondFactor
    for (;;) {
      sf?.assertMayWrite()
      const sent = sf?.current()
      try {
        await send(sent !== undefined ? { otp: sent } : {})
        return
      } catch (e) {
        if (!sf || !asksSecondFactor(e)) throw e
        await sf.answer(e, sent, (url) => this.done(url, command))
        if (resend === 'guard') throw new SecondFactorGiven()
      }
    }
  }

  /** One poll of a web approval's doneUrl (on the registry's origin: the origin guard refuses any other). */
  private async done(url: string, command: string): Promise<DonePoll> {
    return this.call('GET', url, false, async () => {
      const res = await npmFetch(url, this.options(command, {}, this.guard('api')))
      let body: { token?: unknown } = {}
      try {
        body = (await res.json()) as { token?: unknown }
      } catch {
        body = {}
      }
      const after = res.headers.get('retry-after')
      return {
        status: res.status,
        ...(after && /^\d+$/.test(after.trim()) ? { retryAfterMs: Number(after.trim()) * 1000 } : {}),
        ...(typeof body?.token === 'string' && body.token !== '' ? { token: body.token } : {}),
      }
    })
  }

  /**
   * GET a full URL (a tarball named by the packument). The token goes with it only on the
   * registry's origin; a URL or redirect hop elsewhere goes without it. `what` names the
   * download in errors ("the tarball of name@1.2.3").
   */
  async download(url: string, what: string): Promise<Buffer> {
    const guard = this.guard('tarball', true)
    const onOrigin = new URL(url).origin === this.origin
    try {
      const res = await npmFetch(
        url,
        this.options('view', { headers: { 'cache-control': 'no-cache', accept: 'application/octet-stream' } }, guard, {
          transfer: true,
          token: onOrigin,
        }),
      )
      return Buffer.from(await res.arrayBuffer())
    } catch (e) {
      // the registry's origin went away after answering: an outage, retried (as refused() says)
      if (onOrigin && !guard.elsewhere && this.answered) fromAnsweredHost(e)
      const status = statusOf(e)
      if (guard.elsewhere && (status === 401 || status === 403 || status === 404)) {
        throw new RegistryError(
          `${what} is served from ${guard.elsewhere}, not from the registry's origin ${this.origin}, so the npm token was not sent with it; ${guard.elsewhere} answered HTTP ${status}.`,
          `release-rollback sends the npm token to ${this.origin} only: make the registry serve the tarball there or from a host that needs no token, or use ${setting('strategy', 'retag')}.`,
          status,
          (e as { code?: string }).code,
        )
      }
      throw e
    }
  }
}
