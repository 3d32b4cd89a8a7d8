import { describe, expect, it } from '@jest/globals'
import { isRetryable, nextDelay, retryAfterMs, withRetry, type RetryPolicy } from '../../src/core/retry.js'

const http = (statusCode: number, headers: Record<string, string[]> = {}) =>
  Object.assign(new Error(`HTTP ${statusCode}`), { statusCode, headers })
const policy: RetryPolicy = { attempts: 3, baseDelayMs: 1, maxDelayMs: 50, deadlineMs: 1000 }
const quiet = { info() {}, warning() {}, debug() {} }

describe('retry policy', () => {
  it('retries 408, 429, 5xx but 501 (Not Implemented: what the server is), and network failures only', () => {
    for (const s of [408, 429, 500, 502, 503, 504]) expect(isRetryable(http(s))).toBe(true)
    for (const s of [400, 401, 403, 404, 405, 409, 422, 501]) expect(isRetryable(http(s))).toBe(false)
    expect(isRetryable(Object.assign(new Error('otp'), { statusCode: 401, code: 'EOTP' }))).toBe(false)
    expect(isRetryable(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))).toBe(true)
    expect(isRetryable(Object.assign(new Error('timeout'), { type: 'request-timeout' }))).toBe(true)
    expect(isRetryable(new Error('plain'))).toBe(false)
  })

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterMs(http(429, { 'retry-after': ['7'] }))).toBe(7000)
    const now = Date.parse('2026-01-01T00:00:00Z')
    expect(retryAfterMs(http(503, { 'retry-after': ['Thu, 01 Jan 2026 00:00:03 GMT'] }), now)).toBe(3000)
    expect(retryAfterMs(http(503))).toBeUndefined()
  })

  it('waits what Retry-After asks, gives up when it asks too much or the deadline would pass', () => {
    const start = 0
    expect(nextDelay(policy, 1, http(429, { 'retry-after': ['0'] }), start, 0)).toBe(0)
    expect(nextDelay(policy, 1, http(429, { 'retry-after': ['60'] }), start, 0)).toBeUndefined()
    expect(nextDelay(policy, 1, http(503), start, 0)).toBe(1)
    expect(nextDelay(policy, 2, http(503), start, 0)).toBe(2)
    expect(nextDelay(policy, 3, http(503), start, 0)).toBeUndefined()
    expect(nextDelay(policy, 1, http(503), start, 2000)).toBeUndefined()
  })

  it('withRetry stops at the attempt limit and never retries a 401', async () => {
    let calls = 0
    await expect(
      withRetry(
        'x',
        async () => {
          calls++
          throw http(503)
        },
        policy,
        quiet,
      ),
    ).rejects.toThrow('HTTP 503')
    expect(calls).toBe(3)
    calls = 0
    await expect(
      withRetry(
        'x',
        async () => {
          calls++
          throw http(401)
        },
        policy,
        quiet,
      ),
    ).rejects.toThrow('HTTP 401')
    expect(calls).toBe(1)
    calls = 0
    expect(await withRetry('x', async () => (++calls < 2 ? Promise.reject(http(502)) : 'ok'), policy, quiet)).toBe('ok')
    expect(calls).toBe(2)
  })
})
