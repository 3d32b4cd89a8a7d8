// The npm registry: dist-tags and deprecations through npm-registry-fetch (npm's own
// client: registry auth scoping, proxies and CA settings behave as they do for npm), by way
// of RegistryClient (npm-fetch.ts), which keeps the token on the registry's origin.
import { InputError, RegistryError, RollbackError } from '../errors.js'
import type { PackageState } from '../plan.js'
import { guardedWrite } from '../guard.js'
import { DEFAULT_RETRY, isRetryable, statusOf, withRetry, type Logger, type RetryPolicy } from '../retry.js'
import { escapePackageName, RegistryClient } from './npm-fetch.js'
import { noteOf } from './republish-note.js'
import type { Target, WriteOutcome } from './target.js'
import { firstLine } from '../util.js'
import { currentDialect, settingName, theSetting } from '../core/settings.js'

/** The one dist-tag a drill writes (and removes again): ours by its name. */
export const DRILL_TAG = 'release-rollback-drill'

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
  /** shared by the targets of one run, so that N packages on one registry ask whoami once */
  whoamiCache?: Map<string, Promise<string | undefined>>
}

interface Packument {
  _rev?: string
  name: string
  'dist-tags'?: Record<string, string>
  versions?: Record<string, { deprecated?: unknown; gitHead?: unknown }>
  time?: Record<string, unknown>
  [key: string]: unknown
}

export { escapePackageName, nerfDart } from './npm-fetch.js'

export class NpmTarget implements Target {
  readonly kind = 'npm' as const
  readonly label: string
  private readonly retry: RetryPolicy
  private readonly escaped: string
  private readonly client: RegistryClient
  /**
   * The newest read of the package document, while it may still guard a write: the
   * runner calls forget() as soon as it awaits anything else, so this is only ever a read
   * made immediately before (the plan read, or the read-back of the previous write).
   */
  private last?: Packument
  private readonly notes: string[] = []

  constructor(private readonly options: NpmTargetOptions) {
    this.label = `npm package ${options.packageName} on ${options.registry}`
    this.retry = options.retry ?? DEFAULT_RETRY
    this.escaped = escapePackageName(options.packageName)
    // the token goes to this registry's origin only, never to another one a response names
    this.client = new RegistryClient(options)
  }

  private async readPackument(): Promise<Packument> {
    const doc = await withRetry(
      `reading ${this.options.packageName}`,
      () => this.client.json<Packument>(`/${this.escaped}?write=true`, 'view'),
      this.retry,
      this.options.log
    ).catch((e) => {
      if (statusOf(e) === 404) {
        throw new InputError('package', `${this.options.packageName} was not found on ${this.options.registry} (404).`, `check ${currentDialect() === 'action' ? 'the package and registry inputs' : '--package and --registry'} (a private package also needs a token that can read it).`)
      }
      throw this.explain(e, 'read')
    })
    this.last = doc
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
  }

  /** Anomalies seen after a write (a document the registry changed beyond ours). */
  anomalies(): string[] {
    return [...this.notes]
  }

  /**
   * The token, before any write: the registry knows it (`/-/whoami`, asked once per
   * registry and token however many packages share them), and, where the registry lists
   * a package's collaborators (npmjs: `/-/package/<name>/collaborators`, as `npm access
   * list collaborators` reads it), its user may write this package. A registry without
   * either endpoint says nothing about the token: the writes will.
   */
  async checkAccess(): Promise<void> {
    const [who, collaborators] = await Promise.all([this.whoami(), this.collaborators()])
    if (who === undefined) return
    const pkg = this.options.packageName
    const access = collaborators?.[who]
    if (collaborators !== undefined && access !== 'read-write' && access !== 'write') {
      throw new InputError(
        'npm-token',
        `the token's user ${who} ${access ? `has only ${access} access to` : 'is not a collaborator of'} ${pkg} on ${this.options.registry}, so it cannot move its dist-tags or deprecate it.`,
        `use a token of a maintainer of ${pkg} (npm access list collaborators ${pkg}), or leave ${pkg} out of this rollback.`
      )
    }
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
    try {
      who = await withRetry('checking the token', () => this.client.json<{ username?: unknown }>('/-/whoami', 'whoami'), this.retry, this.options.log)
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
          `check ${theSetting('registry')}: the URL npm uses for this registry (npm config get registry), with its path.`
        )
      }
      // a registry without /-/whoami (405) says nothing about the token: the writes will
      if (status === 401 || status === 403 || (e as { code?: string }).code === 'EOTP') {
        const explained = this.explain(e, 'write')
        throw new InputError('npm-token', `${explained.message.replace(/ Fix: .*$/, '')}`, explained.fix ?? 'check the token.')
      }
      return undefined
    }
    // like `npm whoami`: an answer without a user name means the token was not recognised
    if (typeof who?.username !== 'string' || who.username === '') {
      throw new InputError(
        'npm-token',
        `${this.options.registry} does not recognise the token (whoami names no user).`,
        `check that ${settingName('npm-token')} holds a current token for this registry, not one for another registry or an expired one.`
      )
    }
    return who.username
  }

  /** user -> access level, where the registry lists them; undefined when it does not say. */
  private async collaborators(): Promise<Record<string, string> | undefined> {
    try {
      const list = await this.client.json<unknown>(`/-/package/${this.escaped}/collaborators`, 'access')
      if (!list || typeof list !== 'object' || Array.isArray(list)) return undefined
      const entries = Object.entries(list as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string')
      return entries.length > 0 ? Object.fromEntries(entries) : undefined
    } catch (e) {
      this.options.log.debug(`${this.options.registry} does not list the collaborators of ${this.options.packageName} (${e instanceof RegistryError ? e.message : (statusOf(e) ?? 'no answer')}); the writes will show whether the token may change it.`)
      return undefined
    }
  }

  /**
   * The drill's harmless write: dist-tag DRILL_TAG added on `version`, read back, removed
   * (DELETE /-/package/<name>/dist-tags/<tag>) and confirmed gone, every step checked by a
   * fresh read. The tag is ours by its name: one left pointing elsewhere (a drill that died
   * between its add and its remove) is moved and removed too, with a warning. No other
   * dist-tag is ever written; one that differs after the drill is reported (someone else
   * moved it meanwhile).
   */
  async probeWrite(version: string): Promise<{ warnings: string[] }> {
    const pkg = this.options.packageName
    const warnings: string[] = []
    const path = `/-/package/${this.escaped}/dist-tags/${encodeURIComponent(DRILL_TAG)}`
    const tags = (d: Packument) => ({ ...(d['dist-tags'] ?? {}) })
    this.forget()
    const before = tags(await this.readPackument())
    const others = (t: Record<string, string>) => Object.fromEntries(Object.entries(t).filter(([k]) => k !== DRILL_TAG))
    if (before[DRILL_TAG] !== undefined && before[DRILL_TAG] !== version) {
      warnings.push(`${pkg} had a dist-tag '${DRILL_TAG}' on ${before[DRILL_TAG]} (left by an earlier drill that did not finish); the drill moved it to ${version} and removed it.`)
    }
    const write = (what: string, init: Record<string, unknown>) =>
      withRetry(what, () => this.client.write(path, 'dist-tag', init), this.retry, this.options.log).catch((e) => {
        const explained = this.explain(e, 'write')
        const status = statusOf(e)
        if (status === 401 || status === 403 || status === 404 || (e as { code?: string }).code === 'EOTP') throw new InputError('npm-token', explained.message, explained.fix ?? 'check the token.')
        throw explained
      })
    let added = false
    try {
      await write(`adding dist-tag '${DRILL_TAG}'`, { method: 'PUT', body: JSON.stringify(version), headers: { 'content-type': 'application/json' } })
      added = true
      const after = tags(await this.readPackument())
      if (after[DRILL_TAG] !== version) {
        throw new RegistryError(`${this.options.registry} accepted the dist-tag '${DRILL_TAG}' on ${pkg}@${version} but reads back ${after[DRILL_TAG] ?? '(no such tag)'}.`, 'check the registry: its writes do not read back.')
      }
    } finally {
      if (added || before[DRILL_TAG] !== undefined) {
        await write(`removing dist-tag '${DRILL_TAG}'`, { method: 'DELETE' })
      }
    }
    const end = tags(await this.readPackument())
    this.forget()
    if (end[DRILL_TAG] !== undefined) {
      throw new RegistryError(`${this.options.registry} accepted the removal of the dist-tag '${DRILL_TAG}' from ${pkg} but still reads it on ${end[DRILL_TAG]}.`, `remove it by hand: npm dist-tag rm ${pkg} ${DRILL_TAG}`)
    }
    const was = others(before)
    const now = others(end)
    for (const tag of new Set([...Object.keys(was), ...Object.keys(now)])) {
      if (was[tag] !== now[tag]) warnings.push(`${pkg}'s dist-tag '${tag}' was ${was[tag] ?? '(none)'} before the drill and is ${now[tag] ?? '(gone)'} after it: the drill never writes it, so someone else did meanwhile.`)
    }
    return { warnings }
  }

  async republish(args: { bad: string; restore: string; channel: string; incidentId: string; expected?: string }): Promise<{ version: string; outcome: 'published' | 'already'; channelHolds?: string }> {
    // its own reads and writes come between any earlier read and the next write
    this.forget()
    const { packageName, registry, token, log, timeoutMs, userAgent } = this.options
    // loaded only for strategy: republish (libnpmpublish and tar are most of its weight)
    const { republish } = await import('./republish.js')
    return republish({ packageName, registry, token, log, retry: this.retry, timeoutMs, userAgent, ...args })
  }

  async inspect(): Promise<PackageState> {
    const doc = await this.readPackument()
    return toState(doc)
  }

  async pointChannel(channel: string, version: string, expected: string | undefined): Promise<WriteOutcome> {
    const tags = (d: Packument) => d['dist-tags'] ?? {}
    const { outcome, state } = await guardedWrite<Packument>({
      what: `moving dist-tag '${channel}' to ${version}`,
      channel,
      wanted: version,
      expected,
      read: () => this.readPackument(),
      fresh: this.takeFresh(),
      holderOf: (d) => tags(d)[channel],
      isDone: (d) => tags(d)[channel] === version,
      isExpected: (d) => tags(d)[channel] === expected,
      write: async () => {
        await this.client.write(`/-/package/${this.escaped}/dist-tags/${encodeURIComponent(channel)}`, 'dist-tag', {
          method: 'PUT',
          body: JSON.stringify(version),
          headers: { 'content-type': 'application/json' }
        })
      },
      ...this.guardOptions()
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
   */
  async retire(version: string, message: string, names?: string): Promise<WriteOutcome> {
    const pkg = this.options.packageName
    return this.writeDeprecation(version, message, (d) => {
      if (names !== undefined) {
        const named = d.versions?.[names]
        if (!named || (typeof named.deprecated === 'string' && named.deprecated !== '')) {
          throw new RegistryError(
            `The deprecation of ${pkg}@${version} would tell users to use ${names}, which ${named ? 'is deprecated itself' : 'does not exist'} on the registry now: nothing was deprecated.`,
            `check ${pkg}'s versions, then deprecate ${version} by hand (npm deprecate ${pkg}@${version} "...") naming a good version.`
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
  async unretire(version: string, onlyIf: string): Promise<WriteOutcome> {
    return this.writeDeprecation(version, '', (d) => String(this.versionOf(d, version).deprecated ?? '') === onlyIf, onlyIf)
  }

  /** The one deprecation write: a version's `deprecated` set to `message` ("" clears it) through the guarded document PUT. */
  private async writeDeprecation(version: string, message: string, isExpected: (d: Packument) => boolean, expected = 'the planned state'): Promise<WriteOutcome> {
    let sent: Packument | undefined
    const now = (d: Packument) => String(this.versionOf(d, version).deprecated ?? '')
    const { outcome, state } = await guardedWrite<Packument>({
      what: message === '' ? `removing the deprecation of ${version}` : `deprecating ${version}`,
      channel: `${version}'s deprecation`,
      wanted: message,
      expected,
      read: () => this.readPackument(),
      fresh: this.takeFresh(),
      holderOf: (d) => String(d.versions?.[version]?.deprecated ?? ''),
      isDone: (d) => now(d) === message,
      isExpected,
      write: async (doc) => {
        this.versionOf(doc, version).deprecated = message
        sent = structuredClone(doc)
        await this.client.write(`/${this.escaped}`, 'deprecate', { method: 'PUT', body: doc })
      },
      ...this.guardOptions()
    })
    if (sent) this.compareAfterWrite(sent, state, version)
    return outcome
  }

  private versionOf(doc: Packument, version: string): { deprecated?: unknown } {
    const entry = doc.versions?.[version]
    if (!entry) throw new RegistryError(`${this.options.packageName}@${version} vanished from the registry while rolling back.`, 'check whether it was unpublished.')
    return entry
  }

  /** After a document PUT: everything but our own change must read back as it was sent. */
  private compareAfterWrite(sent: Packument, got: Packument, changed: string): void {
    const differences: string[] = []
    const sentTags = sent['dist-tags'] ?? {}
    const gotTags = got['dist-tags'] ?? {}
    for (const tag of new Set([...Object.keys(sentTags), ...Object.keys(gotTags)])) {
      if (sentTags[tag] !== gotTags[tag]) differences.push(`dist-tag '${tag}' was ${sentTags[tag] ?? '(none)'} before the write and is ${gotTags[tag] ?? '(gone)'} after it`)
    }
    const sentVersions = sent.versions ?? {}
    const gotVersions = got.versions ?? {}
    for (const v of new Set([...Object.keys(sentVersions), ...Object.keys(gotVersions)])) {
      if (v === changed) continue
      if (!(v in gotVersions)) differences.push(`version ${v} is gone`)
      else if (!(v in sentVersions)) differences.push(`version ${v} appeared`)
      else if ((sentVersions[v].deprecated ?? '') !== (gotVersions[v].deprecated ?? '')) differences.push(`the deprecation of ${v} changed`)
    }
    // CouchDB-style revisions ("15-abc…") count writes: ours is one, any more is someone else's
    const revision = (d: Packument) => Number(/^(\d+)-/.exec(String(d._rev ?? ''))?.[1] ?? NaN)
    const others = revision(got) - revision(sent) - 1
    if (others > 0) differences.push(`the document's revision went from ${sent._rev} to ${got._rev}: ${others} other write(s) landed between this run's read and its read-back`)
    if (differences.length === 0) return
    const note =
      `After deprecating ${this.options.packageName}@${changed}, the registry's document differs from the one this run sent in more than that deprecation: ${differences.join('; ')}. ` +
      `Another write happened at the same time; on a registry that ignores the document revision (_rev), as Verdaccio does, this run's write may have undone it. Check ${this.options.packageName} and restore what is missing by hand.`
    this.notes.push(note)
    this.options.log.warning(note)
  }

  private guardOptions() {
    return { policy: this.retry, log: this.options.log, explain: (e: unknown) => this.explain(e, 'write'), alsoRetry: (e: unknown) => statusOf(e) === 409 }
  }

  /** Turns a registry failure into an error that says what to do. Never includes the token. */
  private explain(e: unknown, kind: 'read' | 'write'): RollbackError {
    if (e instanceof RollbackError) return e
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
        `check that ${settingName('npm-token')} holds a current token for this registry (not expired or revoked). ${oidc}`,
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
        `check ${theSetting('package')} and ${theSetting('registry')} (a private package also needs a token that can read it).`,
        status,
        err.code
      )
    }
    if (status === 404) {
      return new RegistryError(
        `${where} answered 404 to a write on ${pkg}: a wrong or expired token often shows up this way.`,
        `check ${settingName('npm-token')} has write access to the package.`,
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
      ...(note ? { republishOf: note.rollbackOf } : {})
    }
  }
  return { name: doc.name, distTags: { ...(doc['dist-tags'] ?? {}) }, versions }
}
