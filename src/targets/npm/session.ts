// One npm target's registry session: its options, its client and token (exchanged through
// OIDC, or given), the package document reads (the write view, and the full document's
// deprecations), the read kept to guard the next write, and what the writes saw. The
// adapter (target.ts) and its sibling files (access, probe, capabilities, deprecate) share it.
import { type CapabilityError, InputError, RegistryError, type RollbackError } from '../../core/errors.js'
import { DEFAULT_RETRY, statusOf, withRetry, type Logger, type RetryPolicy } from '../../core/retry.js'
import { currentDialect } from '../../core/settings.js'
import { escapePackageName, RegistryClient } from './fetch.js'
import { deprecationsMustBeStrings, explain, lacks, type NpmWho } from './explain.js'
import { exchangeIdToken, type IdTokenSource } from './oidc.js'
import type { Packument } from './packument.js'
import { identifyRegistry, type RegistryIdentity } from './registry-kind.js'
import type { SecondFactor } from './two-factor.js'

export interface NpmTargetOptions {
  packageName: string
  /** with a trailing slash */
  registry: string
  token?: string
  /**
   * No token: trusted publishing. The job's OIDC ID token is exchanged at the registry for
   * a short-lived token for this package alone (src/targets/npm/oidc.ts), the first time
   * the registry is asked anything; `setSecret` masks it.
   */
  oidc?: { idToken: IdTokenSource; setSecret?: (value: string) => void }
  log: Logger
  retry?: RetryPolicy
  /** per request, ms */
  timeoutMs?: number
  userAgent?: string
  /** shared by the targets of one run, so that N packages on one registry ask whoami once */
  whoamiCache?: Map<string, Promise<string | undefined>>
  /**
   * The command line's second factor, one for the run (src/targets/npm/two-factor.ts): a
   * write the registry refuses for want of one waits for the person's approval. Without it
   * (the action) such a token fails the preflight, before any rollback write.
   */
  secondFactor?: SecondFactor
}

export class NpmSession {
  readonly retry: RetryPolicy
  readonly escaped: string
  /** the registry calls, with this package's token once it is known (exchanged through OIDC, or given) */
  private auth?: Promise<{ client: RegistryClient; token?: string }>
  /**
   * The newest read of the package document, while it may still guard a write: the
   * runner calls forget() as soon as it awaits anything else, so this is only ever a read
   * made immediately before (the plan read, or the read-back of the previous write).
   */
  last?: Packument
  /** `last` carries the full document's deprecations too (read beside the write view): a deprecation needs no read of its own */
  lastComplete = false
  /** anomalies seen after a write (a document the registry changed beyond ours) */
  readonly notes: string[] = []
  /** the credential probe of the preflight (probeWrite), made once per target */
  preflight?: Promise<void>
  /** what another client wrote at the same time that the registry lost to a document PUT of this run (issue 24) */
  readonly lost: string[] = []
  /** which registry software answered the last read of the package document (its headers say) */
  identity?: RegistryIdentity

  constructor(readonly options: NpmTargetOptions) {
    this.retry = options.retry ?? DEFAULT_RETRY
    this.escaped = escapePackageName(options.packageName)
  }

  /**
   * The client for this registry and package. The token goes to this registry's origin
   * only, never to another one a response names. With trusted publishing the token is the
   * one exchanged for this package (once per target: the exchange is per package).
   */
  api(): Promise<RegistryClient> {
    return this.credentials().then((a) => a.client)
  }

  credentials(): Promise<{ client: RegistryClient; token?: string }> {
    const { oidc, ...o } = this.options
    this.auth ??= oidc
      ? exchangeIdToken({
          registry: o.registry,
          packageName: o.packageName,
          idToken: oidc.idToken,
          setSecret: oidc.setSecret,
          userAgent: o.userAgent,
          timeoutMs: o.timeoutMs,
          retry: this.retry,
          log: o.log,
        }).then((token) => ({
          // the exchange was answered: the registry's origin is known to answer
          client: new RegistryClient({ ...o, token, answered: true }),
          token,
        }))
      : Promise.resolve({ client: new RegistryClient(o), token: o.token })
    return this.auth
  }

  async readPackument(): Promise<Packument> {
    const client = await this.api()
    const doc = await withRetry(
      `reading ${this.options.packageName}`,
      () => client.read<Packument>(`/${this.escaped}?write=true`, 'view'),
      this.retry,
      this.options.log,
    ).then(
      ({ body, headers }) => {
        this.identity = identifyRegistry(this.options.registry, headers)
        return body
      },
      (e) => {
        if (statusOf(e) === 404) {
          throw new InputError(
            'package',
            `${this.options.packageName} was not found on ${this.options.registry} (404).`,
            `check ${currentDialect() === 'action' ? 'the package and registry inputs' : '--package and --registry'} (a private package also needs a token that can read it).`,
          )
        }
        throw this.explain(e, 'read')
      },
    )
    this.last = doc
    this.lastComplete = false
    return doc
  }

  /** The read made immediately before, used once (a copy: the write edits what it is given). */
  takeFresh(): Packument | undefined {
    const last = this.last
    this.last = undefined
    return last && structuredClone(last)
  }

  forget(): void {
    this.last = undefined
    this.lastComplete = false
  }

  /**
   * The document a deprecation is guarded by and written from: the write view (`?write=true`,
   * with its `_rev`) and, read beside it (no extra round trip), the full document's
   * deprecations put back into every version where the write view has none. npmjs's write
   * view leaves `deprecated` out of every version, and a document PUT that then carries no
   * string for a version that is deprecated is refused `400 deprecations must be strings`
   * (npm/cli#9803, the mechanism in its author's follow-up; also #2282, #3449): sending the
   * deprecations the full document shows is the way around it that mechanism allows, and it
   * makes the guard compare with the deprecations as they are. A registry whose write view
   * is complete (Verdaccio) is unchanged by it.
   */
  async readForDeprecation(): Promise<Packument> {
    const [doc, deprecations] = await Promise.allSettled([this.readPackument(), this.readDeprecations()])
    // the write view's failure is the one to report (a missing package is its 404, an InputError)
    if (doc.status === 'rejected') throw doc.reason
    if (deprecations.status === 'rejected') throw deprecations.reason
    const merged = this.withDeprecations(doc.value, deprecations.value)
    this.lastComplete = this.last === merged
    return merged
  }

  /**
   * The write view the channel's guard reads and, beside it (no extra round; one try, its
   * failure ignored), the full document's deprecations: the read-back is then the whole fresh
   * read the deprecation that follows is guarded by, with no read of its own.
   */
  async readForMove(): Promise<Packument> {
    const once = this.api().then((c) =>
      c.json<Packument>(`/${this.escaped}`, 'view').then(deprecationsOf, () => undefined),
    )
    const [doc, deprecations] = await Promise.all([this.readPackument(), once.catch(() => undefined)])
    if (deprecations === undefined) return doc
    const merged = this.withDeprecations(doc, deprecations)
    this.lastComplete = this.last === merged
    return merged
  }

  /** version -> its deprecation message, from the full document (GET /<name>, as installers read it). */
  async readDeprecations(): Promise<Record<string, string>> {
    const client = await this.api()
    const doc = await withRetry(
      `reading the deprecations of ${this.options.packageName}`,
      () => client.json<Packument>(`/${this.escaped}`, 'view'),
      this.retry,
      this.options.log,
    ).catch((e) => {
      throw this.explain(e, 'read')
    })
    return deprecationsOf(doc)
  }

  /** `doc` with the deprecations put back where it has none (it is changed and returned). */
  withDeprecations(doc: Packument, deprecations: Record<string, string>): Packument {
    for (const [v, m] of Object.entries(doc.versions ?? {}))
      if (m && m.deprecated === undefined && deprecations[v] !== undefined) m.deprecated = deprecations[v]
    return doc
  }

  versionOf(doc: Packument, version: string): { deprecated?: unknown } {
    const entry = doc.versions?.[version]
    if (!entry)
      throw new RegistryError(
        `${this.options.packageName}@${version} vanished from the registry while rolling back.`,
        'check whether it was unpublished.',
      )
    return entry
  }

  guardOptions() {
    return {
      policy: this.retry,
      log: this.options.log,
      explain: (e: unknown) => this.explain(e, 'write'),
      alsoRetry: (e: unknown) => statusOf(e) === 409,
    }
  }

  /** For messages: the package, the registry, how it is credentialed, and what the reads said of it. */
  private who(): NpmWho {
    return {
      packageName: this.options.packageName,
      registry: this.options.registry,
      oidc: this.options.oidc !== undefined,
      escaped: this.escaped,
      identity: this.identity,
    }
  }

  /**
   * Turns a registry failure into an error that says what to do (explain.ts). Never includes the token.
   * `whoami`: the answer to /-/whoami, where a 401 means the token itself is not valid any more.
   */
  explain(e: unknown, kind: 'read' | 'write' | 'whoami'): RollbackError {
    return explain(e, kind, this.who())
  }

  /** A failed write that says the registry lacks the capability, as a CapabilityError (explain.ts); else undefined. */
  lacks(e: unknown, what: 'move' | 'deprecate', channel?: string): CapabilityError | undefined {
    return lacks(e, what, this.who(), channel)
  }

  /** A deprecation refused by npm/cli#9803, said as that registry bug (explain.ts); else undefined. */
  deprecationsMustBeStrings(e: unknown, version: string, message: string): RegistryError | undefined {
    return deprecationsMustBeStrings(e, version, message, this.who())
  }
}

/** version -> its deprecation message, from a full document. */
function deprecationsOf(doc: Packument | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [v, m] of Object.entries(doc?.versions ?? {}))
    if (typeof m?.deprecated === 'string' && m.deprecated !== '') out[v] = m.deprecated
  return out
}
