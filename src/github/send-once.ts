// One GitHub write, sent exactly once. Octokit's retry and throttling plugins would repeat a failed
// write without the guard's fresh read (src/core/guard.ts), so a repeat is refused here and the
// guard retries instead, after reading again. Failures become GitHubHttpError, in the shape
// src/core/retry.ts understands (statusCode, headers: retry-after and x-ratelimit-reset count).
import type { GitHubClient } from './client.js'
import { ghMessage, ghStatus } from './refs.js'
import { firstLine } from '../core/util.js'

/** An Octokit failure in the shape src/core/retry.ts understands (statusCode, headers). */
export class GitHubHttpError extends Error {
  constructor(
    readonly statusCode: number | undefined,
    readonly headers: Record<string, string>,
    /** GitHub's own message */
    readonly ghMessage: string,
  ) {
    super(`HTTP ${statusCode ?? '?'}: ${firstLine(ghMessage)}`)
    this.name = 'GitHubHttpError'
  }
}

/** Sends `route` once (no plugin retry); returns the response data; throws GitHubHttpError. */
export async function sendOnce<T = unknown>(
  gh: GitHubClient,
  route: string,
  params: Record<string, unknown>,
  timeoutMs = 30_000,
): Promise<T> {
  let sends = 0
  let first: GitHubHttpError | undefined
  const once = async (url: string | URL, init?: RequestInit): Promise<Response> => {
    if (++sends > 1) throw new Error('not repeated: the guarded write retries only after a fresh read')
    const res = await fetch(url, { ...init, signal: init?.signal ?? AbortSignal.timeout(timeoutMs) })
    if (res.status >= 400) {
      const headers: Record<string, string> = {}
      res.headers.forEach((v, k) => {
        headers[k] = v
      })
      const text = await res
        .clone()
        .text()
        .catch(() => '')
      let message = text
      try {
        const m = (JSON.parse(text) as { message?: unknown }).message
        if (typeof m === 'string') message = m
      } catch {
        // not JSON: the text as it is
      }
      first = new GitHubHttpError(res.status, headers, message.slice(0, 500))
    }
    return res
  }
  try {
    const res = await gh.request(route as never, { ...params, request: { retries: 0, fetch: once } } as never)
    return (res as { data: T }).data
  } catch (e) {
    if (sends > 1 && first) throw first
    const headers = ((e as { response?: { headers?: Record<string, string> } }).response?.headers ?? {}) as Record<
      string,
      string
    >
    throw new GitHubHttpError(ghStatus(e), headers, ghMessage(e))
  }
}
