// The npm registry: dist-tags and deprecations through npm-registry-fetch (npm's own
// client: registry auth scoping, proxies and CA settings behave as they do for npm), by way
// of RegistryClient (npm-fetch.ts), which keeps the token on the registry's origin.
import { CapabilityError, InputError, RegistryError, RollbackError } from '../../core/errors.js'
import type { PackageState } from '../../core/plan.js'
import { ChannelMovedError, guardedWrite } from '../../core/guard.js'
import { DEFAULT_RETRY, isRetryable, statusOf, withRetry, type Logger, type RetryPolicy } from '../../core/retry.js'
import { escapePackageName, RegistryClient } from './fetch.js'
import { exchangeIdToken, TRUSTED_PUBLISHING_ONLY, type IdTokenSource } from './oidc.js'
import type { SecondFactor } from './two-factor.js'
import { noteOf } from './republish-note.js'
import { DRILL_TAG_PREFIX, leftoverOf, newDrillTag, trackProbe } from './probe-tag.js'
import { compareWrite, witnessWhile } from './lost-writes.js'
import {
  channelFixed,
  identifyRegistry,
  noDeprecate,
  notFoundOnDeprecate,
  notFoundOnDistTag,
  worthProbing,
  type RegistryIdentity,
} from './registry-kind.js'
import type { Target, WriteOutcome } from '../../core/target.js'
import { firstLine } from '../../core/util.js'
import { isTokensDisallowed, markNeedsPerson } from '../../core/handoff.js'
import { currentDialect, setting, settingName, setTo, theSetting } from '../../core/settings.js'

/**
 * The probe's dist-tag (the drill's harmless write, and the trusted-publishing preflight):
 * `release-rollback-drill-<machine>-<pid>-<random>` (src/targets/npm/probe-tag.ts), a name of
 * its own for every probe, so two probes of one package at once (a drill beside a rollback,
 * two channels rolled back together) never read or delete each other's tag.
 */
export { DRILL_TAG_PREFIX, newDrillTag } from './probe-tag.js'
/** The one name every probe used before the names became per run: recognised, never written. */
const LEGACY_DRILL_TAG = 'release-rollback-drill'
/** A tag some probe wrote (this run's or another's). */
export const isDrillTag = (tag: string): boolean => tag === LEGACY_DRILL_TAG || tag.startsWith(DRILL_TAG_PREFIX)

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

interface Packument {
  _rev?: string
  name: string
  'dist-tags'?: Record<string, string>
  versions?: Record<string, { deprecated?: unknown; gitHead?: unknown }>
  time?: Record<string, unknown>
  [key: string]: unknown
}

export { escapePackageName, nerfDart } from './fetch.js'

export class NpmTarget implements Target {
  readonly kind = 'npm' as const
  readonly label: string
  private readonly retry: RetryPolicy
  private readonly escaped: string
  /** the registry calls, with this package's token once it is known (exchanged through OIDC, or given) */
  private auth?: Promise<{ client: RegistryClient; token?: string }>
  /**
   * The newest read of the package document, while it may still guard a write: the
   * runner calls forget() as soon as it awaits anything else, so this is only ever a read
   * made immediately before (the plan read, or the read-back of the previous write).
   */
  private last?: Packument
  /** `last` carries the full document's deprecations too (read beside the write view): a deprecation needs no read of its own */
  private lastComplete = false
  private readonly notes: string[] = []
  /** the credential probe of the preflight (probeWrite), made once per target */
  private preflight?: Promise<void>
  /** what another client wrote at the same time that the registry lost to a document PUT of this run (issue 24) */
  private readonly lost: string[] = []
  /** which registry software answered the last read of the package document (its headers say) */
  private identity?: RegistryIdentity

  constructor(private readonly options: NpmTargetOptions) {
    this.label = `npm package ${options.packageName} on ${options.registry}`
    this.retry = options.retry ?? DEFAULT_RETRY
    this.escaped = escapePackageName(options.packageName)
  }

  /**
   * The client for this registry and package. The token goes to this registry's origin
   * only, never to another one a response names. With trusted publishing the token is the
   * one exchanged for this package (once per target: the exchange is per package).
   */
  private api(): Promise<RegistryClient> {
    return this.credentials().then((a) => a.client)
  }

  private credentials(): Promise<{ client: RegistryClient; token?: string }> {
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

  private async readPackument(): Promise<Packument> {
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
  private takeFresh(): Packument | undefined {
    const last = this.last
    this.last = undefined
    return last && structuredClone(last)
  }

  forget(): void {
    this.last = undefined
    this.lastComplete = false
  }

  /** Anomalies seen after a write (a document the registry changed beyond ours). */
  anomalies(): string[] {
    return [...this.notes]
  }

  /** What the registry lost to this run's document PUTs (another client's version or tag), one line each. */
  lostWrites(): string[] {
    return [...this.lost]
  }

  /**
   * The token, before any write: the registry knows it (`/-/whoami`, asked once per
   * registry and token however many packages share them: a 401 there is a token expired or
   * revoked), and, where the registry lists a package's collaborators (npmjs:
   * `/-/package/<name>/collaborators`, as `npm access list collaborators` reads it), its user
   * may write this package. A registry without either endpoint says nothing about the
   * token: the preflight's probe (capabilities) or the writes will. With trusted publishing
   * there is no token yet: what it may do is known from the plan (capabilities).
   */
  async checkAccess(): Promise<void> {
    if (this.options.oidc) return
    const [who, collaborators] = await Promise.all([this.whoami(), this.collaborators()])
    if (who === undefined) return
    const pkg = this.options.packageName
    const access = collaborators?.[who]
    if (collaborators !== undefined && access !== 'read-write' && access !== 'write') {
      throw new InputError(
        'npm-token',
        `the token's user ${who} ${access ? `has only ${access} access to` : 'is not a collaborator of'} ${pkg} on ${this.options.registry}, so it cannot move its dist-tags or deprecate it.`,
        `use a token of a maintainer of ${pkg} (npm access list collaborators ${pkg}), or leave ${pkg} out of this rollback.`,
      )
    }
  }

  /**
   * Whether the token may need a second factor on writes, which no read tells: npmjs asks
   * for one on every write of an account with two-factor authentication unless the token is
   * a granular one with "bypass 2FA" or "read and write (stage only)" (docs.npmjs.com "About
   * two-factor authentication"; github.blog changelog 2025-12-09), and whoami answers alike
   * for all of them. So on npmjs, or with a token in npmjs's format (`npm_…`, github.blog
   * 2021-09-23 "new npm token format"; a proxy in front of npmjs keeps its rules), the
   * action's preflight proves a write with the probe. Not on the command line, which asks the
   * person for the second factor instead (secondFactor), nor where the registry is not npmjs.
   */
  private mayNeedSecondFactor(id: RegistryIdentity): boolean {
    if (this.options.secondFactor || this.options.oidc || !this.options.token) return false
    return id.kind === 'npmjs' || /^npm_\S+$/.test(this.options.token)
  }

  /** The token's user name; undefined when the registry has no whoami (404, 405). */
  private whoami(): Promise<string | undefined> {
    const key = `${this.options.registry}\0${this.options.token ?? ''}`
    this.options.whoamiCache ??= new Map()
    const cache = this.options.whoamiCache
    let pending = cache.get(key)
    if (!pending) {
      pending = this.askWhoami()
      cache.set(key, pending)
    }
    return pending
  }

  private async askWhoami(): Promise<string | undefined> {
    let who: { username?: unknown }
    const client = await this.api()
    try {
      who = await withRetry(
        'checking the token',
        () => client.json<{ username?: unknown }>('/-/whoami', 'whoami'),
        this.retry,
        this.options.log,
      )
    } catch (e) {
      // a redirect to another origin (refused, the token not sent), or an address that cannot
      // work, says the registry is not where it is configured
      if (e instanceof RollbackError) throw e
      const status = statusOf(e)
      // every npm registry answers /-/whoami: a 404 there is a wrong address (path or port), not a missing feature
      if (status === 404) {
        throw new InputError(
          'registry',
          `${this.options.registry} answered 404 Not Found to /-/whoami, which every npm registry answers: this address is not an npm registry's API (a wrong path or port, or a web page in front of it). Nothing was retried and nothing was written.`,
          `check ${theSetting('registry')}: the URL npm uses for this registry (npm config get registry), with its path.`,
        )
      }
      // a registry without /-/whoami (405) says nothing about the token: the writes will
      if (status === 401 || status === 403 || (e as { code?: string }).code === 'EOTP') {
        const explained = this.explain(e, status === 401 ? 'whoami' : 'write')
        throw new InputError(
          'npm-token',
          `${explained.message.replace(/ Fix: .*$/, '')}`,
          explained.fix ?? 'check the token.',
        )
      }
      return undefined
    }
    // like `npm whoami`: an answer without a user name means the token was not recognised
    if (typeof who?.username !== 'string' || who.username === '') {
      throw new InputError(
        'npm-token',
        `${this.options.registry} does not recognise the token (whoami names no user).`,
        `check that ${settingName('npm-token')} holds a current token for this registry, not one for another registry or an expired one.`,
      )
    }
    return who.username
  }

  /**
   * When the token expires, where the registry says: npmjs lists a user's tokens
   * (`GET /-/npm/v1/tokens`, as `npm token list` reads it: each with the first characters of
   * the token in `token`, and `expires` for tokens made since expiry became mandatory:
   * github.blog changelog 2025-09-29). This token is the one listed entry whose `token` it
   * starts with; none or several such entries, no listing (whoami only, as most other
   * registries), or no `expires`: `expires` is undefined and `said` says why. Never throws.
   */
  async tokenExpiry(): Promise<{ expires?: string; said: string }> {
    const where = new URL(this.options.registry).host
    if (this.options.oidc || !this.options.token)
      return { said: 'trusted publishing: the exchanged token lives for the run only' }
    const token = this.options.token
    let listing: { objects?: unknown }
    try {
      listing = await (await this.api()).json<{ objects?: unknown }>('/-/npm/v1/tokens', 'token')
    } catch (e) {
      return {
        said: `${where} does not list its tokens to this one (${statusOf(e) ? `HTTP ${statusOf(e)}` : 'no answer'} to /-/npm/v1/tokens), so it does not say when this token expires`,
      }
    }
    const objects = Array.isArray(listing?.objects) ? (listing.objects as { token?: unknown; expires?: unknown }[]) : []
    const mine = objects.filter((o) => typeof o?.token === 'string' && o.token !== '' && token.startsWith(o.token))
    if (mine.length !== 1)
      return {
        said: `${where} lists ${mine.length === 0 ? 'no token' : `${mine.length} tokens`} starting as this one does, so it does not say which expiry is this token's`,
      }
    const expires = mine[0].expires
    if (typeof expires !== 'string' || Number.isNaN(Date.parse(expires)))
      return { said: `${where} lists this token without an expiry date` }
    return { expires: new Date(Date.parse(expires)).toISOString(), said: `${where} says this token expires ${expires}` }
  }

  /** user -> access level, where the registry lists them; undefined when it does not say. */
  private async collaborators(): Promise<Record<string, string> | undefined> {
    try {
      const list = await (await this.api()).json<unknown>(`/-/package/${this.escaped}/collaborators`, 'access')
      if (!list || typeof list !== 'object' || Array.isArray(list)) return undefined
      const entries = Object.entries(list as Record<string, unknown>).filter(
        (e): e is [string, string] => typeof e[1] === 'string',
      )
      return entries.length > 0 ? Object.fromEntries(entries) : undefined
    } catch (e) {
      this.options.log.debug(
        `${this.options.registry} does not list the collaborators of ${this.options.packageName} (${e instanceof RegistryError ? e.message : (statusOf(e) ?? 'no answer')}); the writes will show whether the token may change it.`,
      )
      return undefined
    }
  }

  /**
   * The drill's harmless write: a dist-tag of this probe's own (newDrillTag) added on
   * `version`, read back, removed (DELETE /-/package/<name>/dist-tags/<tag>) and confirmed
   * gone, every step checked by a fresh read. Only that tag is ever written. A probe tag of
   * another run found on the package is left alone with a warning: from the dist-tags alone
   * nobody can tell a probe running now from one that died between its add and its remove,
   * and deleting a running probe's tag would fail it. Any other dist-tag that differs after
   * the probe is reported (someone else moved it meanwhile).
   */
  async probeWrite(version: string, by = 'the drill'): Promise<{ warnings: string[] }> {
    const pkg = this.options.packageName
    const warnings: string[] = []
    const tag = newDrillTag()
    const path = `/-/package/${this.escaped}/dist-tags/${encodeURIComponent(tag)}`
    const tags = (d: Packument) => ({ ...(d['dist-tags'] ?? {}) })
    this.forget()
    const before = tags(await this.readPackument())
    const others = (t: Record<string, string>) => Object.fromEntries(Object.entries(t).filter(([k]) => !isDrillTag(k)))
    for (const [stale, on] of Object.entries(before).filter(([k]) => isDrillTag(k))) {
      // provably a leftover (this machine, a process that has ended): removed, guarded by the read just made
      const pid = leftoverOf(stale)
      if (pid !== undefined) {
        const at = `/-/package/${this.escaped}/dist-tags/${encodeURIComponent(stale)}`
        const gone = await withRetry(
          `removing dist-tag '${stale}'`,
          async () => (await this.api()).write(at, 'dist-tag', { method: 'DELETE' }),
          this.retry,
          this.options.log,
        ).then(
          () => true,
          () => false,
        )
        if (gone) {
          warnings.push(
            `${by} removed the dist-tag '${stale}' (on ${on}), the probe of an earlier drill or preflight on this machine whose process (${pid}) has ended without removing it.`,
          )
          continue
        }
      }
      warnings.push(
        `${pkg} has a dist-tag '${stale}' on ${on}: the probe of another drill or preflight, running now or left by one that did not finish. ${by} left it alone (it may be in use); if no rollback or drill of ${pkg} is running, remove it: npm dist-tag rm ${pkg} ${stale}`,
      )
    }
    const write = (what: string, init: Record<string, unknown>) =>
      withRetry(
        what,
        // a second factor given on the command line: the probe's own tag, which no plan guards, is sent again at once
        async () => (await this.api()).write(path, 'dist-tag', init, { resend: 'here' }),
        this.retry,
        this.options.log,
      ).catch((e) => {
        const lack = this.lacks(e, 'move', tag)
        if (lack) throw lack
        const explained = this.explain(e, 'write')
        const status = statusOf(e)
        if (status === 401 || status === 403 || status === 404 || (e as { code?: string }).code === 'EOTP') {
          const refused = new InputError(
            'npm-token',
            explained.message.replace(/ Fix: [\s\S]*$/, ''),
            explained.fix ?? 'check the token.',
          )
          // a write that needs a person (a second factor, or a package that takes no token): the action hands off (src/handoff.ts)
          if (isTokensDisallowed(e))
            throw markNeedsPerson(
              refused,
              `${pkg} is set to "Require two-factor authentication and disallow tokens": no token can write it, only a maintainer with 2FA.`,
            )
          const otp =
            (e as { code?: string }).code === 'EOTP' ||
            (status === 401 && /one-time pass/i.test(String((e as { body?: unknown }).body ?? '')))
          if (otp)
            throw markNeedsPerson(
              refused,
              `the npm token needs a second factor (2FA) on every write to ${pkg}, which a workflow cannot give.`,
            )
          throw refused
        }
        throw explained
      })
    // a cancelled drill (SIGTERM, SIGINT) removes the tag, only while it still is this probe's
    const untrack = trackProbe(tag, async () => {
      if (tags(await this.readPackument())[tag] === version)
        await write(`removing dist-tag '${tag}'`, { method: 'DELETE' })
    })
    let added = false
    try {
      await write(`adding dist-tag '${tag}'`, {
        method: 'PUT',
        body: JSON.stringify(version),
        headers: { 'content-type': 'application/json' },
      })
      added = true
      const after = tags(await this.readPackument())
      if (after[tag] !== version) {
        throw new RegistryError(
          `${this.options.registry} accepted the dist-tag '${tag}' on ${pkg}@${version} but reads back ${after[tag] ?? '(no such tag)'}.`,
          'check the registry: its writes do not read back.',
        )
      }
    } finally {
      // a PUT that failed may still have taken effect: the tag is this probe's alone, so a fresh read decides
      const ours =
        added ||
        (await this.readPackument().then(
          (d) => tags(d)[tag] !== undefined,
          () => false,
        ))
      try {
        if (ours) await write(`removing dist-tag '${tag}'`, { method: 'DELETE' })
      } finally {
        untrack()
      }
    }
    const end = tags(await this.readPackument())
    this.forget()
    if (end[tag] !== undefined) {
      throw new RegistryError(
        `${this.options.registry} accepted the removal of the dist-tag '${tag}' from ${pkg} but still reads it on ${end[tag]}.`,
        `remove it by hand: npm dist-tag rm ${pkg} ${tag}`,
      )
    }
    const was = others(before)
    const now = others(end)
    for (const other of new Set([...Object.keys(was), ...Object.keys(now)])) {
      if (was[other] !== now[other])
        warnings.push(
          `${pkg}'s dist-tag '${other}' was ${was[other] ?? '(none)'} before ${by} and is ${now[other] ?? '(gone)'} after it: ${by} never writes it, so someone else did meanwhile.`,
        )
    }
    return { warnings }
  }

  /**
   * The preflight of a rollback (and of the drill): what this registry cannot do, before
   * anything is written. From the answers to reads: a registry known to refuse moving this
   * channel (Nexus Repository 3 and 'latest') fails here, and one known to have no
   * deprecate is reported (`cannotRetire`). Where the reads name a registry with reported
   * gaps (Nexus, Artifactory, GitHub Packages), or always with `probe: 'always'` (the
   * drill), dist-tag writes are proven by probeWrite's harmless write on `holds` (the
   * version the channel holds): a registry that answers it 404/405/501 fails here with a
   * CapabilityError naming it and what it lacks. Nothing users install changes.
   */
  async capabilities(
    channel: string,
    holds: string | undefined,
    o: {
      move: boolean
      probe: 'always' | 'if-needed' | 'never'
      republish?: boolean
      undo?: boolean
      deprecate?: boolean
    },
  ): Promise<{ warnings: string[]; probed: boolean; cannotRetire?: string }> {
    const pkg = this.options.packageName
    // trusted publishing may publish and stage-publish only: a plan that moves a dist-tag (other
    // than by publishing) or writes a deprecation cannot be done with it, so nothing is tried
    if (this.options.oidc && ((o.move && !o.republish) || o.deprecate)) {
      const what = [o.move && !o.republish ? `move the dist-tag '${channel}'` : '', o.deprecate ? 'deprecate' : '']
        .filter(Boolean)
        .join(' and ')
      const only = TRUSTED_PUBLISHING_ONLY(pkg)
      throw new InputError(
        'npm-token',
        `is empty, so this ${o.undo ? 'undo' : 'rollback'} would use trusted publishing (OIDC), and it would ${what} of ${pkg}: ${only.problem} Nothing was written.`,
        only.fix,
      )
    }
    // the plan's read named the registry; only without it is the document read here (and then not kept as a guard)
    if (!this.identity) {
      await this.readPackument()
      this.forget()
    }
    const id = this.identity as RegistryIdentity
    const fixed = o.move && !o.republish ? channelFixed(id, channel, o.undo) : undefined
    if (fixed) {
      throw new CapabilityError(
        'move',
        id.name,
        `${id.name} ${fixed.why}, so the ${o.undo ? 'undo' : 'rollback'} cannot point '${channel}' of ${pkg} back: nothing was written.`,
        fixed.fix,
      )
    }
    const warnings: string[] = []
    let probed = false
    // the credential: only a write tells whether this token needs a second factor (mayNeedSecondFactor)
    const credential = o.probe === 'if-needed' && (o.move || o.deprecate === true) && this.mayNeedSecondFactor(id)
    if (
      holds !== undefined &&
      // a token from trusted publishing cannot add the probe's dist-tag (it may only publish)
      !this.options.oidc &&
      ((o.move && (o.probe === 'always' || (o.probe === 'if-needed' && worthProbing(id)))) || credential)
    ) {
      const probe = () =>
        this.probeWrite(
          holds,
          o.probe === 'always' ? 'the drill' : "the rollback's preflight (a harmless dist-tag, added and removed)",
        ).then(({ warnings: w }) => {
          warnings.push(...w)
        })
      if (o.probe === 'always') await probe()
      else {
        // once per target in a run: a second preflight of the same target proves nothing new
        this.preflight ??= probe()
        await this.preflight
      }
      probed = true
    }
    const lacking = noDeprecate(id)
    return { warnings, probed, ...(lacking ? { cannotRetire: `${id.name} ${lacking}` } : {}) }
  }

  /**
   * A failed write that says the registry lacks the capability (rather than refusing this
   * token or failing for a while), as a CapabilityError naming the registry; else undefined.
   * Moves: 405 or 501 to a dist-tag write anywhere, 404 where the registry is known to mean
   * that (Artifactory remote repositories, GitHub Packages), Nexus 3's "Unable to update latest
   * tag". Deprecations: 405 or 501 to the document PUT, 404 where the registry is known to
   * mean that (on npmjs or an unnamed registry a 404 is the token's), or any refusal from a
   * registry known to have no deprecate.
   */
  private lacks(e: unknown, what: 'move' | 'deprecate', channel?: string): CapabilityError | undefined {
    if (e instanceof RollbackError) return undefined
    const status = statusOf(e)
    const id = this.identity ?? identifyRegistry(this.options.registry, {})
    const pkg = this.options.packageName
    const said = firstLine(String((e as { message?: string }).message ?? ''))
    const answered = `it answered ${status ?? 'an error'}${said ? ` (${said})` : ''}`
    if (what === 'move') {
      if (
        /unable to update latest tag/i.test(said) ||
        (channel !== undefined && channelFixed(id, channel) && status !== undefined && status >= 400 && status < 600)
      ) {
        const fixed = channelFixed(id, 'latest')
        return new CapabilityError(
          'move',
          id.name,
          `${id.name} cannot move the dist-tag '${channel ?? 'latest'}' of ${pkg}: ${answered}; Nexus Repository 3 moves 'latest' only on publish.`,
          fixed?.fix ?? `use ${setting('strategy', 'republish')}, which moves the channel by publishing.`,
          status,
        )
      }
      const notFound = status === 404 ? notFoundOnDistTag(id) : undefined
      if (notFound)
        return new CapabilityError(
          'move',
          id.name,
          `${id.name} ${notFound.why}: ${answered} to PUT /-/package/${this.escaped}/dist-tags/… .`,
          notFound.fix,
          status,
        )
      if (status === 405 || status === 501) {
        return new CapabilityError(
          'move',
          id.name,
          `${id.name} cannot move dist-tags: ${answered} to PUT /-/package/${this.escaped}/dist-tags/… , which npm dist-tag uses.`,
          notFoundOnDistTag(id)?.fix ??
            `point ${theSetting('registry')} at the repository the package is published to (a hosted or local one that takes dist-tag writes), or use ${setting('strategy', 'republish')}, which moves the channel by publishing.`,
          status,
        )
      }
      return undefined
    }
    if (
      (status === 404 && notFoundOnDeprecate(id)) ||
      status === 405 ||
      status === 501 ||
      (noDeprecate(id) !== undefined && status !== undefined && status >= 400 && status < 500)
    ) {
      return new CapabilityError(
        'deprecate',
        id.name,
        `${id.name} cannot deprecate ${pkg}: ${answered} to the deprecation (PUT /${this.escaped}, which npm deprecate uses).`,
        'deprecate the bad version by hand where the registry allows it (or remove it); the channel is what protects new installs.',
        status,
      )
    }
    return undefined
  }

  async republish(args: {
    bad: string
    restore: string
    channel: string
    incidentId: string
    expected?: string
    /** republish-stage: stage the version (npm stage publish) instead of publishing it */
    stage?: boolean
  }): Promise<{
    version: string
    /** staged: waiting for a maintainer's approval (npm stage approve <stageId>) */
    outcome: 'published' | 'already' | 'staged'
    channelHolds?: string
    stageId?: string
    /** staged by an earlier run: nothing staged now */
    waiting?: boolean
  }> {
    // its own reads and writes come between any earlier read and the next write
    this.forget()
    const { packageName, registry, log, timeoutMs, userAgent } = this.options
    const { token, client } = await this.credentials()
    // loaded only for strategy: republish (libnpmpublish and tar are most of its weight)
    const { republish } = await import('./republish.js')
    const registryAnswered = client.answered
    return republish({
      packageName,
      registry,
      token,
      log,
      retry: this.retry,
      timeoutMs,
      userAgent,
      registryAnswered,
      secondFactor: this.options.secondFactor,
      // trusted publishing may stage, but then nothing could move the channel back: refused there
      ...(this.options.oidc ? { oidc: true } : {}),
      ...args,
    })
  }

  async inspect(): Promise<PackageState> {
    // with the full document's deprecations: npmjs's write view has none (npm/cli#9803), and a
    // plan without them would take a deprecated version for a good one, and an undo would
    // not see the deprecation it removes
    const doc = await this.readForDeprecation()
    return toState(doc)
  }

  async pointChannel(channel: string, version: string, expected: string | undefined): Promise<WriteOutcome> {
    const tags = (d: Packument) => d['dist-tags'] ?? {}
    const { outcome, state } = await guardedWrite<Packument>({
      what: `moving dist-tag '${channel}' to ${version}`,
      channel,
      wanted: version,
      expected,
      read: () => this.readForMove(),
      fresh: this.takeFresh(),
      holderOf: (d) => tags(d)[channel],
      isDone: (d) => tags(d)[channel] === version,
      isExpected: (d) => tags(d)[channel] === expected,
      write: async () => {
        await (await this.api())
          .write(`/-/package/${this.escaped}/dist-tags/${encodeURIComponent(channel)}`, 'dist-tag', {
            method: 'PUT',
            body: JSON.stringify(version),
            headers: { 'content-type': 'application/json' },
          })
          .catch((e: unknown) => {
            // a registry that lacks the move: said so by name, never retried (a CapabilityError passes the guard)
            throw this.lacks(e, 'move', channel) ?? e
          })
      },
      ...this.guardOptions(),
    })
    // the read-back is the fresh read the deprecation that follows starts from
    this.last = state
    return outcome
  }

  /**
   * Deprecates `version` with `message` through the whole-document PUT, guarded: a fresh
   * document (its `_rev` sent back, so npmjs answers 409 to a stale one, which is re-read
   * and retried), written only while `names` (the version the message tells users to
   * use) exists and is not deprecated; then the read-back is compared with the document
   * sent: any other version or dist-tag that differs is reported loudly (a registry that
   * ignores `_rev`, such as Verdaccio, can drop a write made between our read and PUT).
   * Written only while the version's message is still `current`, the one the plan read
   * ("": not deprecated): another one (a person set it meanwhile) is left as it is, with a
   * ChannelMovedError naming it.
   */
  async retire(version: string, message: string, names?: string, current = ''): Promise<WriteOutcome> {
    const pkg = this.options.packageName
    return this.writeDeprecation(version, message, (d) => {
      if (String(this.versionOf(d, version).deprecated ?? '') !== current) return false
      if (names !== undefined) {
        const named = d.versions?.[names]
        if (!named || (typeof named.deprecated === 'string' && named.deprecated !== '')) {
          throw new RegistryError(
            `The deprecation of ${pkg}@${version} would tell users to use ${names}, which ${named ? 'is deprecated itself' : 'does not exist'} on the registry now: nothing was deprecated.`,
            `check ${pkg}'s versions, then deprecate ${version} by hand (npm deprecate ${pkg}@${version} "...") naming a good version.`,
          )
        }
      }
      return true
    })
  }

  /**
   * Undo of retire: clears the deprecation of `version` (npm's "" message: not deprecated)
   * through the same guarded document PUT, only while it is exactly `onlyIf`, the message
   * this tool wrote. Another message (a person changed it) throws a ChannelMovedError that
   * names it; no deprecation at all is already done.
   */
  async unretire(version: string, onlyIf: string, restoreTo = ''): Promise<WriteOutcome> {
    return this.writeDeprecation(
      version,
      restoreTo,
      (d) => String(this.versionOf(d, version).deprecated ?? '') === onlyIf,
      onlyIf,
      restoreTo === '' ? 'removing the deprecation of' : 'putting back the earlier deprecation of',
    )
  }

  /** The one deprecation write: a version's `deprecated` set to `message` ("" clears it) through the guarded document PUT. */
  private async writeDeprecation(
    version: string,
    message: string,
    isExpected: (d: Packument) => boolean,
    expected = 'the planned state',
    doing = 'deprecating',
  ): Promise<WriteOutcome> {
    let sent: Packument | undefined
    let witnesses: Packument[] = []
    const now = (d: Packument) => String(this.versionOf(d, version).deprecated ?? '')
    // the read made just before (the channel's read-back) is of the write view: the
    // deprecations come from the full document, read now (see readForDeprecation)
    const complete = this.lastComplete
    const last = this.takeFresh()
    const fresh = last && (complete ? last : this.withDeprecations(last, await this.readDeprecations()))
    const { outcome, state } = await guardedWrite<Packument>({
      what: message === '' ? `removing the deprecation of ${version}` : `deprecating ${version}`,
      channel: `${version}'s deprecation`,
      wanted: message,
      expected,
      read: () => this.readForDeprecation(),
      fresh,
      holderOf: (d) => String(d.versions?.[version]?.deprecated ?? ''),
      isDone: (d) => now(d) === message,
      isExpected,
      write: async (doc) => {
        this.versionOf(doc, version).deprecated = message
        sent = structuredClone(doc)
        const client = await this.api()
        const put = client.write(`/${this.escaped}`, 'deprecate', { method: 'PUT', body: doc }).catch((e: unknown) => {
          throw this.lacks(e, 'deprecate') ?? this.deprecationsMustBeStrings(e, version, message) ?? e
        })
        // reads while the PUT is in flight: where a registry that ignores _rev (not npmjs, which
        // answers 409) still shows another client's write that our PUT is about to overwrite
        const watch =
          this.identity?.kind === 'npmjs'
            ? Promise.resolve([])
            : witnessWhile(put, () => client.read<Packument>(`/${this.escaped}?write=true`, 'view').then((r) => r.body))
        await put
        witnesses = await watch
      },
      ...this.guardOptions(),
    })
    if (sent) await this.compareAfterWrite(sent, state, version, witnesses, doing, message !== '')
    return outcome
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
  private async readForDeprecation(): Promise<Packument> {
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
  private async readForMove(): Promise<Packument> {
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
  private async readDeprecations(): Promise<Record<string, string>> {
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
  private withDeprecations(doc: Packument, deprecations: Record<string, string>): Packument {
    for (const [v, m] of Object.entries(doc.versions ?? {}))
      if (m && m.deprecated === undefined && deprecations[v] !== undefined) m.deprecated = deprecations[v]
    return doc
  }

  /**
   * npm/cli#9803 still refusing the PUT (400 "deprecations must be strings") although the
   * other versions' deprecations went with it: said as the registry bug it is, with the
   * command that deprecates by hand, never as a token problem; not retried (undefined for
   * any other failure).
   */
  private deprecationsMustBeStrings(e: unknown, version: string, message: string): RegistryError | undefined {
    if (statusOf(e) !== 400 || !/deprecations must be strings/i.test(String((e as { message?: unknown }).message)))
      return undefined
    const pkg = this.options.packageName
    const quoted = `"${message.replace(/(["\\$`])/g, '\\$1')}"`
    return new RegistryError(
      `${this.options.registry} refused the ${message === '' ? 'removal of the deprecation' : 'deprecation'} of ${pkg}@${version} with 400 "deprecations must be strings": that is the npm registry bug npm/cli#9803 (a package's document PUT is refused once another of its versions is deprecated), and it held even with the other versions' deprecations sent along. The token is not the problem.`,
      `${message === '' ? 'remove it' : 'deprecate it'} by hand: npm deprecate ${pkg}@${version} ${quoted}`,
      400,
      (e as { code?: string }).code,
    )
  }

  private versionOf(doc: Packument, version: string): { deprecated?: unknown } {
    const entry = doc.versions?.[version]
    if (!entry)
      throw new RegistryError(
        `${this.options.packageName}@${version} vanished from the registry while rolling back.`,
        'check whether it was unpublished.',
      )
    return entry
  }

  /**
   * After a document PUT: everything but our own change must read back as it was sent. A
   * version or a dist-tag another client wrote while the PUT was in flight that the
   * read-back no longer shows is lost (lostWrites(): the run ends partial); a tag that can
   * go back to where that write had moved it (the version still exists and is not
   * deprecated) is moved back, guarded by a fresh read. A lost version cannot be published
   * again by this tool.
   */
  private async compareAfterWrite(
    sent: Packument,
    got: Packument,
    changed: string,
    witnesses: Packument[],
    doing: string,
    deprecated: boolean,
  ): Promise<void> {
    const pkg = this.options.packageName
    const c = compareWrite(sent, got, witnesses, changed)
    const parts: string[] = []
    const lost: string[] = []
    for (const v of c.lostVersions) {
      parts.push(
        `version ${v}, published meanwhile, is gone from the registry (it took this run's document, which did not have it, whole): it must be published again; this tool cannot`,
      )
      lost.push(`${pkg}@${v} (published while this run wrote; the registry lost it: publish it again)`)
    }
    const gotVersions = got.versions ?? {}
    for (const t of c.lostTags) {
      const now = t.now ?? '(no such tag)'
      const onBad = t.now === changed && deprecated ? ', the bad version this run deprecated' : ''
      const target = gotVersions[t.movedTo]
      const why = !target
        ? `it cannot follow ${t.movedTo}, which is lost`
        : typeof target.deprecated === 'string' && target.deprecated !== ''
          ? `it is not moved back: ${t.movedTo} is deprecated`
          : undefined
      if (why !== undefined) {
        parts.push(`dist-tag '${t.tag}' was moved to ${t.movedTo} meanwhile and is back on ${now}${onBad}: ${why}`)
        lost.push(`${pkg}'s dist-tag '${t.tag}' (moved to ${t.movedTo} meanwhile, set back to ${now}${onBad})`)
        continue
      }
      // another client's move, undone by our PUT: put back, only while the tag still holds what our PUT left
      this.forget()
      try {
        await this.pointChannel(t.tag, t.movedTo, t.now)
        parts.push(
          `dist-tag '${t.tag}' was moved to ${t.movedTo} meanwhile and was back on ${now}: moved back to ${t.movedTo}`,
        )
      } catch (e) {
        const moved = e instanceof ChannelMovedError
        parts.push(
          `dist-tag '${t.tag}' was moved to ${t.movedTo} meanwhile and was back on ${now}: ${moved ? 'it moved again since, so it is left there' : `moving it back failed (${e instanceof Error ? e.message : String(e)})`}`,
        )
        if (!moved) lost.push(`${pkg}'s dist-tag '${t.tag}' (moved to ${t.movedTo} meanwhile, set back to ${now})`)
      }
      this.forget()
    }
    if (c.differences.length > 0)
      parts.push(
        `the registry's document differs from the one this run sent in more than that: ${c.differences.join('; ')}`,
      )
    if (c.otherWrites > 0) {
      parts.push(
        `the document's revision went from ${sent._rev} to ${got._rev}: ${c.otherWrites} other write(s) landed between this run's read (revision ${sent._rev}) and its read-back (revision ${got._rev})`,
      )
      // nothing seen explains them: a warning, not a loss. The count alone cannot tell a lost
      // write from one that left nothing to lose (a second rollback of the same incident
      // moving the same tag to the same version: concurrency.test.ts), and a run safe to run
      // twice must not turn partial on that. What a witness read saw lost is named above.
    }
    if (parts.length === 0) return
    const note =
      `After ${doing} ${pkg}@${changed}, ${parts.join('; ')}. ` +
      `Another write happened at the same time; on a registry that ignores the document revision (_rev), as Verdaccio does, this run's write may have undone it. Check ${pkg} and restore what is missing by hand.`
    this.notes.push(note)
    this.lost.push(...lost)
    this.options.log.warning(note)
  }

  private guardOptions() {
    return {
      policy: this.retry,
      log: this.options.log,
      explain: (e: unknown) => this.explain(e, 'write'),
      alsoRetry: (e: unknown) => statusOf(e) === 409,
    }
  }

  /**
   * Turns a registry failure into an error that says what to do. Never includes the token.
   * `whoami`: the answer to /-/whoami, where a 401 means the token itself is not valid any more.
   */
  private explain(e: unknown, kind: 'read' | 'write' | 'whoami'): RollbackError {
    if (e instanceof RollbackError) return e
    const err = e as { statusCode?: number; code?: string; message?: string }
    const status = err.statusCode
    const pkg = this.options.packageName
    const where = this.options.registry
    // a token from trusted publishing: npm lets it publish only, so npm-token is the way
    const oidc = this.options.oidc ? ` ${TRUSTED_PUBLISHING_ONLY(pkg).fix}` : ''
    if (
      err.code === 'EOTP' ||
      (status === 401 && /one-time pass/i.test(String((e as { body?: unknown }).body ?? '')))
    ) {
      return new RegistryError(
        `${where} asks for a second factor (two-factor authentication) on writes with this token: it is a session token from npm login, or a granular token without "Bypass two-factor authentication"${currentDialect() === 'action' ? ', and a workflow cannot give one' : ''}. Nothing was written with it.`,
        SECOND_FACTOR_FIX(pkg),
        status,
        err.code,
      )
    }
    if (status === 401 && kind === 'whoami') {
      return new RegistryError(
        `${where} answered 401 Unauthorized to whoami: the token is expired or revoked (or is not a token for this registry). npm's write tokens last 7 days by default and 90 days at most (github.blog changelog 2025-09-29), so a token kept for rollbacks often expires before it is needed. (A token from trusted publishing given as ${settingName('npm-token')} is refused here too: it may only publish.)`,
        `create a new granular access token for ${pkg} (read and write, with "Bypass two-factor authentication", or "read and write (stage only)") and ${setTo('npm-token')}${currentDialect() === 'cli' ? ', or log in again with npm login (a session token, valid for 2 hours; this command line asks you to approve each write)' : ''}; a scheduled drill (${setting('drill', 'true')}) finds an expired token before an incident does.${oidc}`,
        status,
        err.code,
      )
    }
    if (status === 401) {
      return new RegistryError(
        `${where} rejected the token (401 Unauthorized) for this ${kind === 'read' ? 'read' : 'write'} of ${pkg}.`,
        `check that ${settingName('npm-token')} holds a current token for this registry with write access to ${pkg} (npm's write tokens expire: 7 days by default, 90 at most).${oidc}`,
        status,
        err.code,
      )
    }
    if (status === 403 && isTokensDisallowed(e)) {
      return new RegistryError(
        `${where} refused the write to ${pkg} (403): the package is set to "Require two-factor authentication and disallow tokens", so no token can change it, whatever its kind.`,
        `a maintainer makes the writes with their own two-factor authentication: ${currentDialect() === 'action' ? `${setting('handoff', 'true')} (the action plans, and the tracking issue gives the command)` : 'log in with npm login and run this command line again (it asks you to approve each write)'}.`,
        status,
        err.code,
      )
    }
    if (status === 403) {
      return new RegistryError(
        `${where} refused to let this token change ${pkg} (403 Forbidden).`,
        `the token needs write access to ${pkg}: a granular token with "Read and write" on the package or its scope, owned by a maintainer; with 2FA on the account, tick "Bypass two-factor authentication" (or use a "read and write (stage only)" token).${oidc}`,
        status,
        err.code,
      )
    }
    if (status === 404 && kind === 'read') {
      return new RegistryError(
        `${pkg} was not found on ${where} (404).`,
        `check ${theSetting('package')} and ${theSetting('registry')} (a private package also needs a token that can read it).`,
        status,
        err.code,
      )
    }
    if (status === 404) {
      return new RegistryError(
        `${where} answered 404 to a write on ${pkg}: a wrong or expired token often shows up this way.`,
        `check ${settingName('npm-token')} has write access to the package.${oidc}`,
        status,
        err.code,
      )
    }
    const detail = status ? `HTTP ${status}` : (err.code ?? 'network error')
    return new RegistryError(
      `${kind === 'read' ? 'Reading' : 'Writing'} ${pkg} on ${where} failed: ${detail}${err.message ? ` (${firstLine(err.message)})` : ''}.`,
      isRetryable(e)
        ? 'the registry is failing or unreachable; re-run when it recovers (a re-run is safe).'
        : 'see the registry message above.',
      status,
      err.code,
    )
  }
}

/**
 * The credentials that write without a second factor on npmjs: a granular token with
 * "bypass 2FA" (dist-tags, deprecations, and publishing until npm's January 2027 change:
 * github.blog changelog 2026-07-07, 2026-09-18) or a "read and write (stage only)" one (dist-tags
 * and deprecations; publish refused with E_STAGE_REQUIRED: changelog 2026-09-18, npm/cli#9948).
 */
const SECOND_FACTOR_FIX = (pkg: string) =>
  `${setTo('npm-token')}: a granular access token with read and write access to ${pkg} and "Bypass two-factor authentication" ticked, or a granular token with "read and write (stage only)", which may move dist-tags and deprecate (the recommended one for a retag)${currentDialect() === 'cli' ? '; or keep this token and approve each write when asked (the command line prints an approval link, or takes --otp <code>)' : '; or run the rollback from the command line (npx release-rollback), which asks you to approve each write'}.`

function toState(doc: Packument): PackageState {
  const versions: PackageState['versions'] = {}
  for (const [v, manifest] of Object.entries(doc.versions ?? {})) {
    const d = manifest?.deprecated
    const t = doc.time?.[v]
    const note = noteOf(manifest)
    const gitHead = manifest?.gitHead
    versions[v] = {
      ...(typeof gitHead === 'string' && /^[0-9a-f]{40}$/i.test(gitHead) ? { commit: gitHead.toLowerCase() } : {}),
      ...(typeof d === 'string' && d !== '' ? { deprecated: d } : {}),
      ...(typeof t === 'string' ? { publishedAt: t } : {}),
      ...(note ? { republishOf: note.rollbackOf } : {}),
    }
  }
  return { name: doc.name, distTags: { ...(doc['dist-tags'] ?? {}) }, versions }
}

/** version -> its deprecation message, from a full document. */
function deprecationsOf(doc: Packument | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [v, m] of Object.entries(doc?.versions ?? {}))
    if (typeof m?.deprecated === 'string' && m.deprecated !== '') out[v] = m.deprecated
  return out
}
