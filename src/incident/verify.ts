// Verify after: once the channels are rolled back, look at the release the way its users
// meet it. Two reads, both without any token:
//
// - the service's health endpoint (verify-url), polled with backoff until it reports the
//   restore version (verify-field: a dot path into its JSON answer; without it, the body
//   must hold the version as a word), for at most verify-timeout. Not reached: the run is
//   partial ("the channel is rolled back but <url> still reports 1.2.3"), because the
//   rollback has not reached the thing people use, and someone must look.
// - npm's channels as installers read them: the same cacheable GET npm install sends
//   (`GET <registry>/<pkg>`, accept: application/vnd.npm.install-v1+json, no cache-busting,
//   no token), so a CDN in front of the registry answers it the way it answers installers.
//   wait-for-cdn (default 0: read once) polls until it shows the restore version (or the
//   republished one). Not seen is a warning, never partial: the registry itself holds the
//   restore version (the rollback read it back with a cache-busting read), the CDN copy
//   expires by itself within its max-age, and a re-run could not make it expire sooner.
import npmFetch from 'npm-registry-fetch'
import { DURATION_UNITS, parseDuration } from '../core/duration.js'
import type { InputReader } from '../core/reader.js'
import { setTo, settingName } from '../core/settings.js'
import { InputError, errorMessage } from '../core/errors.js'
import type { StepReport } from './execute.js'
import { sleep, type Logger } from '../core/retry.js'
import type { IncidentResult, TargetRun } from './run.js'
import { escapePackageName } from '../targets/npm/fetch.js'
import { mapLimit } from '../core/util.js'
import { kindOf } from '../targets/registry.js'

export type Verification = NonNullable<IncidentResult['verification']>
export type HealthCheck = NonNullable<Verification['health']>
export type InstallerRead = NonNullable<Verification['installers']>[number]

export interface VerifyConfig {
  /** verify-url: the health endpoint; undefined: no health check */
  url?: string
  /** verify-field: a dot path into the JSON answer */
  field?: string
  /** verify-timeout as given (2m) and in ms */
  timeout: string
  timeoutMs: number
  /** wait-for-cdn as given (0, 5m) and in ms */
  waitForCdn: string
  waitForCdnMs: number
  /** the npm registry (with a trailing slash) */
  registry: string
  userAgent: string
  /** the first pause between two reads (it doubles up to maxPollMs) */
  pollMs: number
  maxPollMs: number
  /** each request's own timeout, at most */
  requestTimeoutMs: number
}

/** a job runs at most six hours on GitHub-hosted runners */
const MAX_DURATION_MS = 6 * 3_600_000

/** verify-timeout and wait-for-cdn: a duration (core/duration.ts) of at most 6h; `0` only where `zero` allows it. */
function readDuration(get: InputReader, input: string, fallback: string, zero = false): { text: string; ms: number } {
  const text = get(input).trim() || fallback
  const ms = parseDuration(input, text, {
    max: MAX_DURATION_MS,
    maxText: 'a job may run (6h)',
    zero,
    fix: `use a duration such as 30s, 2m or 1m30s (units ${DURATION_UNITS}; at most 6h)${zero ? ', or 0' : ''}.`,
  })
  return { text, ms }
}

const LOOPBACK = ['127.0.0.1', 'localhost', '[::1]']

/** The health endpoint: https, or plain http on this machine only (as the registry input). */
export function parseVerifyUrl(name: string, raw: string): string | undefined {
  const value = raw.trim()
  if (!value) return undefined
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new InputError(
      name,
      `${JSON.stringify(value.slice(0, 120))} is not a URL.`,
      'use the https:// URL of the health endpoint, such as https://acme.example/healthz.',
    )
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new InputError(name, `${url.protocol} is not supported.`, 'use an https:// URL.')
  if (url.username || url.password)
    throw new InputError(
      name,
      'must not carry credentials.',
      'use an endpoint that answers without them: the check sends no token.',
    )
  if (url.protocol === 'http:' && !LOOPBACK.includes(url.hostname)) {
    throw new InputError(
      name,
      `${url.host} is plain http: anyone on the way could answer for it.`,
      'use the https:// URL of the health endpoint.',
    )
  }
  url.hash = ''
  return url.toString()
}

/** `version`, `build.version`, `components.0.version`. */
export function parseVerifyField(name: string, raw: string): string | undefined {
  const value = raw.trim()
  if (!value) return undefined
  if (!/^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/.test(value) || value.length > 200) {
    throw new InputError(
      name,
      `${JSON.stringify(value.slice(0, 80))} is not a dot path.`,
      'name the field of the JSON answer that holds the version, such as version or build.version.',
    )
  }
  return value
}

/** The step's inputs, validated before anything is written. */
export function readVerifyConfig(get: InputReader, registry: string, userAgent = 'release-rollback'): VerifyConfig {
  const url = parseVerifyUrl('verify-url', get('verify-url'))
  const field = parseVerifyField('verify-field', get('verify-field'))
  if (field && !url)
    throw new InputError(
      'verify-field',
      `is set but ${settingName('verify-url')} is not.`,
      `${setTo('verify-url', '<the health endpoint whose answer holds that field>')}.`,
    )
  const timeout = readDuration(get, 'verify-timeout', '2m')
  const wait = readDuration(get, 'wait-for-cdn', '0', true)
  return {
    url,
    field,
    timeout: timeout.text,
    timeoutMs: timeout.ms,
    waitForCdn: wait.text,
    waitForCdnMs: wait.ms,
    registry,
    userAgent,
    pollMs: 500,
    maxPollMs: 15_000,
    requestTimeoutMs: 10_000,
  }
}

/**
 * The verify steps of the runbook: always the installers' read of npm channels, and the
 * health check when verify-url is set (afterWrite). The installers' reads start as soon as
 * the channels are restored and read back (afterRestore), beside the retire: they need only
 * the channels, so they cost no round of their own.
 */
export function verifySteps(
  get: InputReader,
  inputs: { registry: string },
  log: Logger,
  userAgent?: string,
): {
  afterRestore: (restored: TargetRun[]) => void
  afterWrite: Array<(result: IncidentResult) => Promise<StepReport>>
} {
  const config = readVerifyConfig(get, inputs.registry, userAgent)
  const early = installerReads(config, log)
  return { afterRestore: early.start, afterWrite: [verifyAfter(config, log, early)] }
}

/** One target's installers' read and what it found to say. */
type Read = Promise<{ row: InstallerRead; report: StepReport }>

/** The installers' reads, started early (start) or when asked for (read); each target read once. */
export interface InstallerReads {
  start: (restored: TargetRun[]) => void
  read: (t: TargetRun) => Read
}

/** Reads npm channels as installers do, at most 4 at once, each target once however often asked. */
export function installerReads(config: VerifyConfig, log: Logger): InstallerReads {
  const reads = new Map<string, Read>()
  const key = (t: TargetRun) => JSON.stringify([t.kind, t.name, t.channel])
  let queue: Promise<unknown> = Promise.resolve()
  const one = (t: TargetRun): Read => {
    const report: StepReport = { missing: [], warnings: [] }
    return readAsInstallers(config, t, log, report).then((row) => ({ row, report }))
  }
  return {
    start: (restored) => {
      const list = installable(restored, config).filter((t) => !reads.has(key(t)))
      const pending = new Map(list.map((t) => [t, deferred<{ row: InstallerRead; report: StepReport }>()]))
      for (const [t, d] of pending) reads.set(key(t), d.promise)
      // a read never rejects (readAsInstallers records its errors); started in order, 4 at once
      queue = queue.then(() => mapLimit(list, 4, (t) => one(t).then((v) => pending.get(t)?.resolve(v))))
    },
    read: (t) => {
      let r = reads.get(key(t))
      if (!r) {
        r = one(t)
        reads.set(key(t), r)
      }
      return r
    },
  }
}

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve: (v: T) => void = () => {}
  const promise = new Promise<T>((r) => {
    resolve = r
  })
  return { promise, resolve }
}

/** The targets whose channels installers read from the npm registry. */
function installable(targets: TargetRun[], config: VerifyConfig): TargetRun[] {
  return targets.filter((t) => kindOf(t.kind).capabilities.installerRead === true && config.registry)
}

/** The channels that hold what this run meant them to: what each holds now. */
function rolledBack(result: IncidentResult): TargetRun[] {
  return result.targets.filter(
    (t) => (t.outcome === 'rolled-back' || t.outcome === 'already') && t.after?.distTags[t.channel] !== undefined,
  )
}

export function verifyAfter(
  config: VerifyConfig,
  log: Logger,
  reads: InstallerReads = installerReads(config, log),
): (result: IncidentResult) => Promise<StepReport> {
  return async (result) => {
    const report: StepReport = { missing: [], warnings: [] }
    const targets = rolledBack(result)
    if (targets.length === 0) return report
    const verification: Verification = {}
    const npm = installable(targets, config)
    await Promise.all([
      config.url ? checkHealth(config, targets, result, log, report).then((h) => (verification.health = h)) : undefined,
      npm.length > 0
        ? mapLimit(npm, 4, async (t) => {
            const { row, report: found } = await reads.read(t)
            report.warnings.push(...found.warnings)
            report.missing.push(...found.missing)
            return row
          }).then((rows) => (verification.installers = rows))
        : undefined,
    ])
    if (verification.health || verification.installers) result.verification = verification
    return report
  }
}

// ---------------------------------------------------------------------------------------
// The health endpoint

/** `version` as a word of `text`: not part of 1.2.30, 11.2.3 or 1.2.3-beta; `v1.2.3` counts. */
export function holdsVersion(text: string, version: string): boolean {
  const v = version.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return new RegExp(`(?<![0-9A-Za-z.+-])v?${v}(?![0-9A-Za-z+-]|\\.[0-9A-Za-z])`).test(text)
}

/** The value at a dot path of a parsed JSON answer. */
function at(doc: unknown, path: string): unknown {
  let v = doc
  for (const key of path.split('.')) {
    if (v === null || typeof v !== 'object' || !Object.hasOwn(v, key)) return undefined
    v = (v as Record<string, unknown>)[key]
  }
  return v
}

const oneLine = (s: string, max = 80) => {
  const t = s.replace(/\s+/g, ' ').trim()
  return t.length > max ? `${t.slice(0, max)}…` : t
}

/** One read of the endpoint: seen, or what it reports instead (a version, or why there is none). */
async function readHealth(
  config: VerifyConfig,
  versions: string[],
  bad: string,
  timeoutMs: number,
): Promise<{ seen: boolean; reports: string; version?: boolean }> {
  let res: Response
  try {
    res = await fetch(config.url as string, {
      headers: { accept: config.field ? 'application/json' : '*/*', 'user-agent': config.userAgent },
      redirect: 'follow',
      signal: AbortSignal.timeout(timeoutMs),
    })
  } catch (e) {
    return { seen: false, reports: `no answer (${oneLine(errorMessage((e as { cause?: unknown }).cause ?? e))})` }
  }
  let body: string
  try {
    body = await res.text()
  } catch (e) {
    return { seen: false, reports: `an answer cut short (${oneLine(errorMessage(e))})` }
  }
  const final = res.url ? new URL(res.url) : undefined
  if (final && final.protocol === 'http:' && !LOOPBACK.includes(final.hostname))
    return { seen: false, reports: `a redirect to plain http (${final.origin})` }
  if (!res.ok) return { seen: false, reports: `HTTP ${res.status}` }
  if (config.field) {
    let doc: unknown
    try {
      doc = JSON.parse(body)
    } catch {
      return { seen: false, reports: `an answer that is not JSON (${JSON.stringify(oneLine(body, 40))})` }
    }
    const value = at(doc, config.field)
    if (typeof value !== 'string' && typeof value !== 'number')
      return { seen: false, reports: `no ${config.field} in its JSON answer` }
    const reported = String(value).trim()
    const bare = reported.replace(/^v(?=\d)/, '')
    return { seen: versions.includes(bare), reports: oneLine(reported), version: true }
  }
  const seen = versions.find((v) => holdsVersion(body, v))
  if (seen) return { seen: true, reports: seen, version: true }
  if (holdsVersion(body, bad)) return { seen: false, reports: bad, version: true }
  return { seen: false, reports: `an answer without ${versions.join(' or ')} (${JSON.stringify(oneLine(body, 40))})` }
}

async function checkHealth(
  config: VerifyConfig,
  targets: TargetRun[],
  result: IncidentResult,
  log: Logger,
  report: StepReport,
): Promise<HealthCheck> {
  // what the channels hold now: the restore version (or the republished one, or a newer fix
  // the run kept); with several targets and different versions, any of them counts
  const versions = [...new Set(targets.map((t) => t.after?.distTags[t.channel] as string))]
  const url = config.url as string
  const check: HealthCheck = {
    url,
    ...(config.field ? { field: config.field } : {}),
    versions,
    timeout: config.timeout,
  }
  const deadline = Date.now() + config.timeoutMs
  let delay = config.pollMs
  let last: Awaited<ReturnType<typeof readHealth>> | undefined
  for (;;) {
    const remaining = deadline - Date.now()
    last = await readHealth(
      config,
      versions,
      result.rollbackVersion,
      Math.min(config.requestTimeoutMs, Math.max(remaining, 1000)),
    )
    if (last.seen) {
      check.seenAt = new Date().toISOString()
      check.reports = last.reports
      log.info(`✔ ${url} reports ${last.reports}.`)
      return check
    }
    log.debug(`${url}: ${last.reports}; waiting for ${versions.join(' or ')}.`)
    const left = deadline - Date.now()
    if (left <= 0) break
    await sleep(Math.min(delay, left))
    delay = Math.min(delay * 2, config.maxPollMs)
  }
  check.reports = last.reports
  const channels = result.targets.length > 1 ? 'the channels are rolled back' : 'the channel is rolled back'
  report.missing.push(
    last.version
      ? `${channels} but ${url} still reports ${last.reports}${config.field ? ` in ${config.field}` : ''} after ${config.timeout} (expected ${versions.join(' or ')})`
      : `${channels} but ${url} did not report ${versions.join(' or ')} within ${config.timeout}: its last answer was ${last.reports}`,
  )
  return check
}

// ---------------------------------------------------------------------------------------
// npm's channels as installers read them

/** `max-age` of a cache-control header, in seconds (s-maxage, what shared caches use, first). */
export function maxAgeOf(header: string | null): number | undefined {
  if (!header) return undefined
  const m = /(?:^|[,\s])s-maxage\s*=\s*"?(\d+)/i.exec(header) ?? /(?:^|[,\s])max-age\s*=\s*"?(\d+)/i.exec(header)
  return m ? Number(m[1]) : undefined
}

/** What pacote asks for when npm install resolves a version: the abbreviated packument. */
const INSTALL_ACCEPT = 'application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*'

/** The channel, from the answer an installer gets: no token, no cache-busting, the abbreviated packument. */
async function installerRead(
  config: VerifyConfig,
  name: string,
  channel: string,
  timeoutMs: number,
): Promise<{ holds?: string; maxAgeSeconds?: number }> {
  // npm-registry-fetch as npm install (pacote) calls it: the abbreviated document's accept
  // header, no preferOnline (no cache-control: no-cache), no token option, no disk cache
  const res = await npmFetch(`/${escapePackageName(name)}`, {
    registry: config.registry,
    headers: { accept: INSTALL_ACCEPT },
    retry: { retries: 0 },
    timeout: timeoutMs,
    userAgent: config.userAgent,
    npmCommand: 'install',
  } as unknown as npmFetch.Options)
  const doc = (await res.json()) as { 'dist-tags'?: Record<string, string> }
  const maxAgeSeconds = maxAgeOf(res.headers.get('cache-control'))
  return { holds: doc['dist-tags']?.[channel], ...(maxAgeSeconds !== undefined ? { maxAgeSeconds } : {}) }
}

async function readAsInstallers(
  config: VerifyConfig,
  t: TargetRun,
  log: Logger,
  report: StepReport,
): Promise<InstallerRead> {
  const version = t.after?.distTags[t.channel] as string
  const row: InstallerRead = { name: t.name, channel: t.channel, version, registry: config.registry }
  const deadline = Date.now() + config.waitForCdnMs
  let delay = config.pollMs
  for (;;) {
    try {
      const read = await installerRead(
        config,
        t.name,
        t.channel,
        Math.min(config.requestTimeoutMs, Math.max(deadline - Date.now(), 5000)),
      )
      delete row.error
      row.holds = read.holds
      if (read.maxAgeSeconds !== undefined) row.maxAgeSeconds = read.maxAgeSeconds
      if (read.holds === version) {
        row.seenAt = new Date().toISOString()
        delete row.holds
        log.info(`✔ ${t.label}installers get ${version} for '${t.channel}' (read as npm install reads it).`)
        return row
      }
    } catch (e) {
      row.error = oneLine(errorMessage(e), 200)
    }
    const left = deadline - Date.now()
    if (left <= 0) break
    await sleep(Math.min(delay, left))
    delay = Math.min(delay * 2, config.maxPollMs)
  }
  const who = `${t.name}@${t.channel}`
  if (row.error) {
    report.warnings.push(`Could not read ${who} as installers do (${row.error}); the registry itself holds ${version}.`)
  } else {
    const lifetime =
      row.maxAgeSeconds !== undefined
        ? `up to ${row.maxAgeSeconds} s (cache-control: max-age=${row.maxAgeSeconds})`
        : 'its cache lifetime (the answer names no max-age)'
    const line = `Installers still get ${row.holds ?? 'no version'} for ${who}${config.waitForCdnMs > 0 ? ` after waiting ${config.waitForCdn}` : ''}: the registry holds ${version}, but its CDN may serve the old answer for ${lifetime}.`
    // waited and not seen: a warning, not partial; not waiting (0): recorded and said in the summary
    if (config.waitForCdnMs > 0) report.warnings.push(line)
    else log.info(line)
  }
  return row
}
