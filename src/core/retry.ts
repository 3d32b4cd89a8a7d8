// Bounded retries for registry calls: only 408/429/5xx, timeouts and connections dropped by
// a registry that answered, honouring Retry-After, never 401/403/404 or one-time-password
// errors, and never past a deadline. An address that cannot work (nothing listens there,
// the host does not resolve, TLS spoken to a plain-http port) is a misconfiguration, not an
// outage: it is never retried (misconfiguration() says which) - until that host has answered
// once in this run. After that the same failure is the registry going away (a restart, a
// failover): the client marks it (fromAnsweredHost) and it is retried like a 5xx.

export interface RetryPolicy {
  /** attempts in all, the first one included */
  attempts: number
  baseDelayMs: number
  /** the longest single wait; a Retry-After beyond it ends the retries */
  maxDelayMs: number
  /** no wait may end later than this many ms after the first attempt */
  deadlineMs: number
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 1000, maxDelayMs: 30_000, deadlineMs: 120_000 }

export interface Logger {
  info(message: string): void
  warning(message: string): void
  debug(message: string): void
}

/** The shape of npm-registry-fetch's HTTP errors and Node's network errors. */
interface FetchLikeError {
  statusCode?: number
  code?: string
  type?: string
  headers?: Record<string, string | string[] | undefined>
}

export function statusOf(e: unknown): number | undefined {
  return (e as FetchLikeError | undefined)?.statusCode
}

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ECONNABORTED',
  'ESOCKETTIMEDOUT',
  'ERR_SOCKET_TIMEOUT',
  'UND_ERR_SOCKET',
  'FETCH_ERROR',
])

/**
 * What each misconfiguration code means, in words. EAI_AGAIN (a resolver that did not answer in
 * time), resets and unreachable networks stay retryable.
 */
const MISCONFIGURED: Record<string, string> = {
  ECONNREFUSED: 'the connection was refused: nothing listens at that host and port',
  ENOTFOUND: 'the host name does not resolve',
  EAI_NONAME: 'the host name does not resolve',
  EAI_FAIL: 'the host name does not resolve',
  ERR_SSL_WRONG_VERSION_NUMBER:
    'TLS got an answer that is not TLS ("wrong version number"): the address is https:// but the server there speaks plain http',
  ERR_SSL_PACKET_LENGTH_TOO_LONG:
    'TLS got an answer that is not TLS: the address is https:// but the server there speaks plain http',
  ERR_INVALID_URL: 'the address is not a valid URL',
  // a certificate the runner does not trust does not become trusted in a few seconds
  DEPTH_ZERO_SELF_SIGNED_CERT:
    'its TLS certificate is self-signed and not trusted here (a private CA needs NODE_EXTRA_CA_CERTS)',
  SELF_SIGNED_CERT_IN_CHAIN:
    'its TLS certificate chain ends in a CA not trusted here (a private CA needs NODE_EXTRA_CA_CERTS)',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its TLS certificate cannot be verified (a private CA needs NODE_EXTRA_CA_CERTS)',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'its TLS certificate cannot be verified (a private CA needs NODE_EXTRA_CA_CERTS)',
  ERR_TLS_CERT_ALTNAME_INVALID: 'its TLS certificate is for another host name',
}

/** The address failures that, from a host that has answered before, are an outage. */
const OUTAGE_AFTER_ANSWER = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_NONAME',
  'EAI_FAIL',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_SSL_PACKET_LENGTH_TOO_LONG',
])

const ANSWERED = Symbol('the host answered earlier in this run')

/**
 * Marks a failure as coming from a host that has already answered in this run (the client
 * that made the request knows): a refused connection or a name that stopped resolving is
 * then an outage, retried, and never reported as a wrong address. Returns the same error.
 */
export function fromAnsweredHost<E>(e: E): E {
  if (e && typeof e === 'object') Object.defineProperty(e, ANSWERED, { value: true })
  return e
}

function answeredBefore(e: object): boolean {
  return (e as { [ANSWERED]?: boolean })[ANSWERED] === true
}

/**
 * Why the address cannot work, when the failure says so (never retried); undefined for
 * anything else, and for a failure from a host that has answered before (fromAnsweredHost).
 */
export function misconfiguration(e: unknown): string | undefined {
  const err = e as (FetchLikeError & { message?: string }) | undefined
  if (!err || typeof err !== 'object' || err.statusCode !== undefined || answeredBefore(err)) return undefined
  if (err.code && MISCONFIGURED[err.code]) return MISCONFIGURED[err.code]
  if (err.code === 'EPROTO' && /wrong version number/i.test(err.message ?? ''))
    return MISCONFIGURED.ERR_SSL_WRONG_VERSION_NUMBER
  return undefined
}

export function isRetryable(e: unknown): boolean {
  const err = e as (FetchLikeError & { message?: string }) | undefined
  if (!err || typeof err !== 'object') return false
  if (err.code === 'EOTP') return false
  const wrongProtocol = err.code === 'EPROTO' && /wrong version number/i.test(err.message ?? '')
  if (err.statusCode === undefined && err.code !== undefined && (MISCONFIGURED[err.code] || wrongProtocol)) {
    // an address failure: an outage only from a host that has answered (a certificate or a
    // malformed URL does not get better by waiting, whoever answered before)
    return answeredBefore(err) && (OUTAGE_AFTER_ANSWER.has(err.code) || wrongProtocol)
  }
  const status = err.statusCode
  // 501 Not Implemented is what the server is, not how it is doing: never retried
  if (status !== undefined)
    return status === 408 || status === 429 || (status >= 500 && status <= 599 && status !== 501)
  return (
    (err.code !== undefined && NETWORK_CODES.has(err.code)) || err.type === 'request-timeout' || err.type === 'system'
  )
}

/** Retry-After in ms (seconds or an HTTP date), when the error carries one. */
export function retryAfterMs(e: unknown, now = Date.now()): number | undefined {
  const headers = (e as FetchLikeError | undefined)?.headers
  if (!headers) return undefined
  const raw = headers['retry-after']
  const value = Array.isArray(raw) ? raw[0] : raw
  if (!value) return undefined
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * The wait before attempt `attempt + 1`, or undefined when no further attempt may be made
 * (attempts used up, Retry-After longer than allowed, or the deadline would pass).
 */
export function nextDelay(
  policy: RetryPolicy,
  attempt: number,
  error: unknown,
  startedAt: number,
  now = Date.now(),
): number | undefined {
  if (attempt >= policy.attempts) return undefined
  const asked = retryAfterMs(error, now)
  if (asked !== undefined && asked > policy.maxDelayMs) return undefined
  const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1))
  const delay = asked ?? backoff
  if (now + delay - startedAt > policy.deadlineMs) return undefined
  return delay
}

/** Runs `fn`, retrying retryable failures within the policy. */
export async function withRetry<T>(what: string, fn: () => Promise<T>, policy: RetryPolicy, log: Logger): Promise<T> {
  const startedAt = Date.now()
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn()
    } catch (e) {
      const delay = isRetryable(e) ? nextDelay(policy, attempt, e, startedAt) : undefined
      if (delay === undefined) throw e
      log.warning(
        `${what} failed (${describeFailure(e)}); retrying in ${Math.round(delay / 100) / 10} s (attempt ${attempt + 1} of ${policy.attempts}).`,
      )
      await sleep(delay)
    }
  }
}

export function describeFailure(e: unknown): string {
  const err = e as FetchLikeError & { message?: string }
  if (err?.statusCode) return `HTTP ${err.statusCode}`
  return err?.code ?? err?.message ?? String(e)
}
