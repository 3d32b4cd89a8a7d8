// One Octokit for the bookkeeping, with GitHub's own retry and throttling plugins
// (they honour retry-after and x-ratelimit-reset, and space writes out as GitHub asks).
import { retry } from '@octokit/plugin-retry'
import { throttling } from '@octokit/plugin-throttling'
import { Octokit } from '@octokit/rest'
import type { Logger } from '../core/retry.js'

export { ghMessage, ghStatus, repoRef, type RepoRef } from './refs.js'

const GitHub = Octokit.plugin(retry, throttling)
export type GitHubClient = InstanceType<typeof GitHub>

export interface GitHubClientOptions {
  token: string
  /** GITHUB_API_URL, e.g. https://api.github.com */
  baseUrl: string
  log: Logger
  /** per request, ms */
  timeoutMs?: number
  /** false only in tests: the throttle spaces writes 1-3 s apart, as GitHub asks */
  throttle?: boolean
  /** plugin-retry's base wait for 5xx (its default 1 s; tests shorten it) */
  retryBaseMs?: number
}

/**
 * The throttle's pacing of writes, as plugin-throttling's limiters are called (`key(id).schedule(
 * options, job)` before each write): the first `free` writes of a run go at once, one after
 * another; after them, `spacingMs` between writes. GitHub asks for a pause of at least a second
 * between mutative requests when a client makes a large number of them
 * (https://docs.github.com/en/rest/using-the-rest-api/best-practices-for-using-the-rest-api#pause-between-mutative-requests);
 * one incident makes a handful (an issue or a comment, the report, two release edits), so
 * waiting a second before each only leaves the run idle. A secondary rate limit GitHub answers
 * is still waited out (onSecondaryRateLimit below).
 */
function writePacer(free: number, spacingMs: number) {
  let count = 0
  let last = 0
  let queue: Promise<void> = Promise.resolve()
  const schedule = <T>(_options: unknown, job: () => T | Promise<T>): Promise<T> => {
    const turn = queue.then(async () => {
      count += 1
      const wait = count > free ? last + spacingMs - Date.now() : 0
      if (wait > 0) await new Promise((r) => setTimeout(r, wait))
      last = Date.now()
    })
    queue = turn.catch(() => {})
    return turn.then(job)
  }
  return { key: () => ({ schedule }) }
}

export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  const { log } = options
  const timeoutMs = options.timeoutMs ?? 30_000
  const onLimit =
    (kind: string) =>
    (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
      if (retryCount < 2 && retryAfter <= 120) {
        log.warning(
          `GitHub ${kind} limit on ${request.method} ${request.url}; waiting ${retryAfter} s and trying again.`,
        )
        return true
      }
      log.warning(`GitHub ${kind} limit on ${request.method} ${request.url}; giving up (retry-after ${retryAfter} s).`)
      return false
    }
  return new GitHub({
    auth: options.token,
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    userAgent: 'release-rollback',
    log: { debug: () => {}, info: () => {}, warn: (m: string) => log.debug(m), error: (m: string) => log.debug(m) },
    // 409 (stale sha) and 422 are decided by the caller from state, never blindly retried
    retry: {
      doNotRetry: [400, 401, 403, 404, 409, 410, 422, 451],
      ...(options.retryBaseMs !== undefined ? { retryAfterBaseValue: options.retryBaseMs } : {}),
    },
    throttle: {
      enabled: options.throttle !== false,
      onRateLimit: onLimit('rate'),
      onSecondaryRateLimit: onLimit('secondary rate'),
      // plugin-throttling reads its limiters from these options (its own: 1 s between writes, 3 s between notifying ones)
      ...({ write: writePacer(8, 1000), notifications: writePacer(4, 3000) } as object),
    },
    request: {
      // every request has a deadline
      fetch: (url: string | URL, init?: RequestInit) =>
        fetch(url, { ...init, signal: init?.signal ?? AbortSignal.timeout(timeoutMs) }),
    },
  })
}
