// The one POST to the webhook. The URL is a secret: it goes only to its own origin (scheme,
// host and port); a redirect elsewhere is not followed, and no error message here ever
// contains the URL or any part of its path. A failure is thrown as an AnnounceError whose
// message is safe to log, put in the summary and hand back as a warning.
export const ANNOUNCE_TIMEOUT_MS = 10_000
const MAX_HOPS = 3
const MAX_BODY = 16 * 1024

export class AnnounceError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'AnnounceError'
  }
}

export interface SendOptions {
  /** for the whole exchange, redirects and the answer's body included (default 10 s) */
  timeoutMs?: number
  userAgent?: string
}

/**
 * POSTs `body` as JSON. Same-origin 307/308 redirects are followed (at most 3); any other
 * redirect, a non-2xx answer, a network error or no answer within the timeout throws.
 */
export async function postJson(webhook: string, body: unknown, o: SendOptions = {}): Promise<void> {
  const timeoutMs = o.timeoutMs ?? ANNOUNCE_TIMEOUT_MS
  const origin = new URL(webhook).origin
  const secretParts = secretPieces(webhook)
  const signal = AbortSignal.timeout(timeoutMs)
  const payload = JSON.stringify(body)
  let target = new URL(webhook)
  for (let hop = 0; ; hop++) {
    let res: Response
    try {
      res = await fetch(target, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': o.userAgent ?? 'release-rollback' },
        body: payload,
        redirect: 'manual',
        signal,
      })
    } catch (e) {
      throw new AnnounceError(failure(e, timeoutMs))
    }
    if (res.status >= 300 && res.status < 400) {
      await drain(res, signal).catch(() => undefined)
      let next: URL | undefined
      try {
        next = new URL(res.headers.get('location') ?? '', target)
      } catch {
        next = undefined
      }
      if (!next || !res.headers.get('location'))
        throw new AnnounceError(`the webhook answered HTTP ${res.status} without a usable Location: not followed.`)
      if (next.origin !== origin)
        throw new AnnounceError(
          `the webhook redirected (HTTP ${res.status}) to ${next.origin}, another origin: not followed, nothing was sent there.`,
        )
      if (res.status !== 307 && res.status !== 308)
        throw new AnnounceError(
          `the webhook answered HTTP ${res.status} (a redirect that would turn the POST into a GET): not followed.`,
        )
      if (hop + 1 >= MAX_HOPS)
        throw new AnnounceError(`the webhook redirected more than ${MAX_HOPS - 1} times: not followed further.`)
      target = next
      continue
    }
    let text = ''
    try {
      text = await drain(res, signal)
    } catch (e) {
      if (!res.ok) throw new AnnounceError(`the webhook answered HTTP ${res.status}.`)
      throw new AnnounceError(failure(e, timeoutMs))
    }
    if (!res.ok) throw new AnnounceError(`the webhook answered HTTP ${res.status}${detail(text, secretParts)}.`)
    return
  }
}

/** Reads at most 16 KiB of the answer (the rest is dropped). */
async function drain(res: Response, signal: AbortSignal): Promise<string> {
  if (!res.body) return ''
  const reader = res.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  try {
    for (;;) {
      if (signal.aborted) throw signal.reason
      const { done, value } = await reader.read()
      if (done) break
      chunks.push(value)
      size += value.length
      if (size >= MAX_BODY) break
    }
  } finally {
    await reader.cancel().catch(() => undefined)
  }
  return Buffer.concat(chunks).toString('utf8').slice(0, MAX_BODY)
}

/** A network failure or the timeout, by its code only (the messages name addresses). */
function failure(e: unknown, timeoutMs: number): string {
  const err = e as { name?: string; cause?: { code?: unknown; name?: string } }
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError' || err?.cause?.name === 'TimeoutError')
    return `the webhook did not answer within ${timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`}.`
  const code =
    typeof err?.cause?.code === 'string' && /^[A-Z0-9_]{2,40}$/.test(err.cause.code) ? err.cause.code : undefined
  return `the webhook could not be reached (${code ?? 'network error'}).`
}

/** The path and query pieces of the URL that could be secret (tokens, ids). */
function secretPieces(webhook: string): string[] {
  const url = new URL(webhook)
  return `${url.pathname}${url.search}`.split(/[/?&=]+/).filter((p) => p.length >= 6)
}

/**
 * The service's short reason (Slack's `invalid_payload`, Discord's `{"message": "Unknown
 * Webhook"}`), kept only when it is short plain text and contains no piece of the URL.
 */
function detail(text: string, secretParts: string[]): string {
  let reason = text.trim()
  try {
    const parsed = JSON.parse(reason) as { message?: unknown; error?: unknown }
    reason =
      typeof parsed?.message === 'string' ? parsed.message : typeof parsed?.error === 'string' ? parsed.error : ''
  } catch {
    // plain text
  }
  reason = reason.trim()
  if (reason === '' || reason.length > 120 || !/^[A-Za-z0-9 _.,:'()-]+$/.test(reason)) return ''
  if (secretParts.some((p) => reason.includes(p))) return ''
  return `: ${reason}`
}
