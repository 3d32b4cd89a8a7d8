// The npm registry: dist-tags and deprecations through npm-registry-fetch (npm's own
// client: registry auth scoping, proxies and CA settings behave as they do for npm).
import npmFetch from 'npm-registry-fetch'
import { InputError, RegistryError } from '../errors.js'
import type { PackageState } from '../plan.js'
import { DEFAULT_RETRY, isRetryable, statusOf, withRetry, writeThenConfirm, type Logger, type RetryPolicy } from '../retry.js'
import { noteOf } from './republish-note.js'
import type { Target, WriteOutcome } from './target.js'

export interface NpmTargetOptions {
  packageName: string
  /** with a trailing slash */
  registry: string
  token?: string
  log: Logger
  retry?: RetryPolicy
  /** per request, ms */
  timeoutMs?: number
  userAgent?: string
}

interface Packument {
  _rev?: string
  name: string
  'dist-tags'?: Record<string, string>
  versions?: Record<string, { deprecated?: unknown }>
  time?: Record<string, unknown>
  [key: string]: unknown
}

/** `@scope/name` -> `@scope%2fname`, as npm-package-arg escapes it. */
export function escapePackageName(name: string): string {
  return name.replace('/', '%2f')
}

/** The registry key npm scopes a token to: `//host[:port]/path/`. */
export function nerfDart(registry: string): string {
  const url = new URL(registry)
  return `//${url.host}${url.pathname}`
}

export class NpmTarget implements Target {
  readonly kind = 'npm' as const
  readonly label: string
  private readonly retry: RetryPolicy
  private readonly escaped: string

  constructor(private readonly options: NpmTargetOptions) {
    this.label = `npm package ${options.packageName} on ${options.registry}`
    this.retry = options.retry ?? DEFAULT_RETRY
    this.escaped = escapePackageName(options.packageName)
  }

  private fetchOptions(command: string, extra: Record<string, unknown> = {}): npmFetch.Options {
    const { registry, token, timeoutMs, userAgent } = this.options
    return {
      registry,
      // the token goes to this registry only, never to another host a response names
      ...(token ? { [`${nerfDart(registry)}:_authToken`]: token } : {}),
      retry: { retries: 0 },
      timeout: timeoutMs ?? 30_000,
      preferOnline: true,
      fullMetadata: true,
      npmCommand: command,
      userAgent: userAgent ?? 'release-rollback',
      headers: { 'cache-control': 'no-cache' },
      ...extra
    } as npmFetch.Options
  }

  private async readPackument(): Promise<Packument> {
    return withRetry(
      `reading ${this.options.packageName}`,
      () => npmFetch.json(`/${this.escaped}?write=true`, this.fetchOptions('view')) as Promise<Packument>,
      this.retry,
      this.options.log
    ).catch((e) => {
      if (statusOf(e) === 404) {
        throw new InputError('package', `${this.options.packageName} was not found on ${this.options.registry} (404).`, 'check the package and registry inputs (a private package also needs a token that can read it).')
      }
      throw this.explain(e, 'read')
    })
  }

  private async readDistTags(): Promise<Record<string, string>> {
    return withRetry(
      `reading the dist-tags of ${this.options.packageName}`,
      () => npmFetch.json(`/-/package/${this.escaped}/dist-tags`, this.fetchOptions('dist-tag')) as Promise<Record<string, string>>,
      this.retry,
      this.options.log
    ).catch((e) => {
      throw this.explain(e, 'read')
    })
  }

  async checkAccess(): Promise<void> {
    let who: { username?: unknown }
    try {
      who = (await withRetry('checking the token', () => npmFetch.json('/-/whoami', this.fetchOptions('whoami')), this.retry, this.options.log)) as { username?: unknown }
    } catch (e) {
      const status = statusOf(e)
      // a registry without /-/whoami (404, 405) says nothing about the token: the writes will
      if (status === 401 || status === 403 || (e as { code?: string }).code === 'EOTP') {
        const explained = this.explain(e, 'write')
        throw new InputError('npm-token', `${explained.message.replace(/ Fix: .*$/, '')}`, explained.fix ?? 'check the token.')
      }
      return
    }
    // like `npm whoami`: an answer without a user name means the token was not recognised
    if (typeof who?.username !== 'string' || who.username === '') {
      throw new InputError(
        'npm-token',
        `${this.options.registry} does not recognise the token (whoami names no user).`,
        'check that npm-token holds a current token for this registry, not one for another registry or an expired one.'
      )
    }
  }

  async republish(args: { bad: string; restore: string; channel: string; incidentId: string }): Promise<{ version: string; outcome: 'published' | 'already'; channelHolds?: string }> {
    const { packageName, registry, token, log, timeoutMs, userAgent } = this.options
    // loaded only for strategy: republish (libnpmpublish and tar are most of its weight)
    const { republish } = await import('./republish.js')
    return republish({ packageName, registry, token, log, retry: this.retry, timeoutMs, userAgent, ...args })
  }

  async inspect(): Promise<PackageState> {
    const doc = await this.readPackument()
    return toState(doc)
  }

  async pointChannel(channel: string, version: string): Promise<WriteOutcome> {
    return this.writeThenConfirm(
      `moving dist-tag '${channel}' to ${version}`,
      async () => {
        await npmFetch(
          `/-/package/${this.escaped}/dist-tags/${encodeURIComponent(channel)}`,
          this.fetchOptions('dist-tag', {
            method: 'PUT',
            body: JSON.stringify(version),
            headers: { 'content-type': 'application/json' },
            ignoreBody: true
          })
        )
      },
      async () => (await this.readDistTags())[channel] === version
    )
  }

  async retire(version: string, message: string): Promise<WriteOutcome> {
    let alreadyThere = false
    const outcome = await this.writeThenConfirm(
      `deprecating ${version}`,
      async () => {
        // fresh document each time: the tag move (or a concurrent writer) changed _rev
        const doc = await this.readPackument()
        const entry = doc.versions?.[version]
        if (!entry) throw new RegistryError(`${this.options.packageName}@${version} vanished from the registry while rolling back.`, 'check whether it was unpublished.')
        if (entry.deprecated === message) {
          alreadyThere = true
          return
        }
        entry.deprecated = message
        await npmFetch(
          `/${this.escaped}`,
          this.fetchOptions('deprecate', {
            method: 'PUT',
            body: doc,
            ignoreBody: true
          })
        )
      },
      async () => (await this.readPackument()).versions?.[version]?.deprecated === message
    )
    return alreadyThere ? 'already' : outcome
  }

  private writeThenConfirm(what: string, write: () => Promise<void>, confirm: () => Promise<boolean>): Promise<WriteOutcome> {
    return writeThenConfirm(what, write, confirm, { policy: this.retry, log: this.options.log, explain: (e) => this.explain(e, 'write'), alsoRetry: (e) => statusOf(e) === 409 })
  }

  /** Turns a registry failure into an error that says what to do. Never includes the token. */
  private explain(e: unknown, kind: 'read' | 'write'): RegistryError {
    if (e instanceof RegistryError) return e
    const err = e as { statusCode?: number; code?: string; message?: string }
    const status = err.statusCode
    const pkg = this.options.packageName
    const where = this.options.registry
    const oidc = 'OIDC trusted publishing tokens can only publish: they cannot move dist-tags or deprecate.'
    if (err.code === 'EOTP') {
      return new RegistryError(
        `The registry asked for a one-time password: the token's account has two-factor authentication for writes.`,
        `use a granular access token with read and write access to ${pkg} and "Bypass two-factor authentication" ticked (or an automation token). ${oidc}`,
        status,
        err.code
      )
    }
    if (status === 401) {
      return new RegistryError(
        `${where} rejected the token (401 Unauthorized).`,
        `check that npm-token holds a current token for this registry (not expired or revoked). ${oidc}`,
        status,
        err.code
      )
    }
    if (status === 403) {
      return new RegistryError(
        `${where} refused to let this token change ${pkg} (403 Forbidden).`,
        `the token needs write access to ${pkg}: a granular token with "Read and write" on the package or its scope, owned by a maintainer; with 2FA on the account, tick "Bypass two-factor authentication". ${oidc}`,
        status,
        err.code
      )
    }
    if (status === 404 && kind === 'read') {
      return new RegistryError(
        `${pkg} was not found on ${where} (404).`,
        'check the package input and the registry input (a private package also needs a token that can read it).',
        status,
        err.code
      )
    }
    if (status === 404) {
      return new RegistryError(
        `${where} answered 404 to a write on ${pkg}: a wrong or expired token often shows up this way.`,
        'check npm-token has write access to the package.',
        status,
        err.code
      )
    }
    const detail = status ? `HTTP ${status}` : (err.code ?? 'network error')
    return new RegistryError(
      `${kind === 'read' ? 'Reading' : 'Writing'} ${pkg} on ${where} failed: ${detail}${err.message ? ` (${firstLine(err.message)})` : ''}.`,
      isRetryable(e) ? 'the registry is failing or unreachable; re-run when it recovers (a re-run is safe).' : 'see the registry message above.',
      status,
      err.code
    )
  }
}

function firstLine(s: string): string {
  return s.split('\n')[0].slice(0, 300)
}

function toState(doc: Packument): PackageState {
  const versions: PackageState['versions'] = {}
  for (const [v, manifest] of Object.entries(doc.versions ?? {})) {
    const d = manifest?.deprecated
    const t = doc.time?.[v]
    const note = noteOf(manifest)
    versions[v] = {
      ...(typeof d === 'string' && d !== '' ? { deprecated: d } : {}),
      ...(typeof t === 'string' ? { publishedAt: t } : {}),
      ...(note ? { republishOf: note.rollbackOf } : {})
    }
  }
  return { name: doc.name, distTags: { ...(doc['dist-tags'] ?? {}) }, versions }
}
