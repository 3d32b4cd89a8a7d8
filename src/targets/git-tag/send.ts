// The tag's one write request, sent once (the guard retries, after a fresh read).
import type { GitHubClient } from '../../github/client.js'
import { ghMessage, ghStatus } from '../../github/refs.js'
import { GitHubHttpError } from './refs.js'

/**
 * One request, sent once: Octokit's retry and throttling plugins would repeat a failed
 * write without the guard's fresh read, so their retries are refused here (and the guard
 * retries instead, after reading the tag again). Failures become GitHubHttpError.
 */
export async function sendOnce(
  gh: GitHubClient,
  timeoutMs: number,
  route: 'POST /repos/{owner}/{repo}/git/refs' | 'PATCH /repos/{owner}/{repo}/git/refs/{ref}',
  params: Record<string, unknown>,
): Promise<void> {
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
    await gh.request(route, { ...params, request: { retries: 0, fetch: once } } as never)
  } catch (e) {
    if (sends > 1 && first) throw first
    const status = ghStatus(e)
    const headers = ((e as { response?: { headers?: Record<string, string> } }).response?.headers ?? {}) as Record<
      string,
      string
    >
    throw new GitHubHttpError(status, headers, ghMessage(e))
  }
}
