// The round count `npm run bench` prints (sequential registry round trips), on hand-made
// proxy logs: what overlaps is one round, what follows an answer is the next one.
import { describe, expect, it } from '@jest/globals'
import { byRound, longestIdle, roundOf, roundTrips } from '../support/round-trips.mjs'

const req = (path: string, at: number, end?: number, method = 'GET') => ({
  method,
  path,
  at,
  ...(end !== undefined ? { end } : {}),
})

describe('roundTrips', () => {
  it('no requests: no rounds', () => {
    expect(roundTrips([])).toEqual({ rounds: 0, requests: 0, round: [] })
  })

  it('requests overlapping in time are one round', () => {
    const seen = [req('/a', 0, 100), req('/b', 2, 103), req('/c', 5, 101)]
    expect(roundTrips(seen)).toEqual({ rounds: 1, requests: 3, round: [1, 1, 1] })
  })

  it('each request after the previous answer is a round of its own', () => {
    const seen = [req('/a', 0, 100), req('/b', 101, 201, 'PUT'), req('/c', 203, 305), req('/d', 306, 410, 'PUT')]
    expect(roundTrips(seen)).toEqual({ rounds: 4, requests: 4, round: [1, 2, 3, 4] })
  })

  it('an answer and the next request in the same millisecond are sequential', () => {
    expect(roundTrips([req('/a', 0, 100), req('/b', 100, 200)]).rounds).toBe(2)
  })

  it('mixed: a parallel fan-out, then a chain; the count is the longest chain, not the request count', () => {
    // round 1: three reads at once; round 2: a write after the first two; round 3: its read-back;
    // the slow third read (ends at 250) overlaps rounds 2 and 3 and delays nothing
    const seen = [
      req('/pkg?write=true', 0, 100),
      req('/-/whoami', 1, 101),
      req('/-/package/pkg/collaborators', 1, 250),
      req('/-/package/pkg/dist-tags/latest', 102, 202, 'PUT'),
      req('/pkg?write=true', 203, 303),
      // started once the slow read and the write had answered: round 3, beside the read-back
      req('/-/package/other/dist-tags/latest', 251, 351, 'PUT'),
    ]
    expect(roundTrips(seen)).toEqual({ rounds: 3, requests: 6, round: [1, 1, 1, 2, 3, 3] })
  })

  it('a request waits for the longest chain that ended before it, not for the latest answer', () => {
    // /c starts after /a (round 1) and after /b (round 2) ended: round 3
    const seen = [req('/a', 0, 50), req('/b', 60, 110), req('/x', 0, 200), req('/c', 120, 220)]
    expect(roundTrips(seen).round).toEqual([1, 2, 1, 3])
  })

  it('order in the log does not matter', () => {
    const seen = [req('/d', 306, 410), req('/b', 101, 201), req('/a', 0, 100), req('/c', 203, 305)]
    expect(roundTrips(seen)).toEqual({ rounds: 4, requests: 4, round: [4, 2, 1, 3] })
  })

  it('a request never answered ends nothing: what starts later is not after it', () => {
    const seen = [req('/a', 0, 100), req('/hung', 101), req('/b', 500, 600)]
    expect(roundTrips(seen).round).toEqual([1, 2, 2])
  })
})

describe('roundOf and byRound', () => {
  const seen = [
    req('/pkg?write=true', 0, 100),
    req('/-/whoami', 0, 99),
    req('/-/package/pkg/dist-tags/latest', 101, 200, 'PUT'),
    req('/pkg?write=true', 201, 300),
    req('/pkg', 301, 400, 'PUT'),
  ]

  it('roundOf: the round of the first matching request', () => {
    expect(roundOf(seen, (s) => s.method === 'PUT' && s.path.includes('/dist-tags/'))).toBe(2)
    expect(roundOf(seen, (s) => s.method === 'PUT' && s.path === '/pkg')).toBe(4)
    expect(roundOf(seen, (s) => s.method === 'DELETE')).toBeUndefined()
  })

  it('byRound: the requests of each round, in log order', () => {
    expect(byRound(seen)).toEqual([
      ['GET /pkg?write=true', 'GET /-/whoami'],
      ['PUT /-/package/pkg/dist-tags/latest'],
      ['GET /pkg?write=true'],
      ['PUT /pkg'],
    ])
  })
})

describe('longestIdle', () => {
  it('the longest stretch with nothing in flight, and the requests either side of it', () => {
    const seen = [req('/a', 0, 100), req('/b', 50, 120), req('/c', 130, 230, 'POST'), req('/d', 1240, 1340, 'PUT')]
    expect(longestIdle(seen)).toEqual({ ms: 1010, after: 'POST /c', before: 'PUT /d' })
  })

  it('overlapping requests leave no gap; a request in flight covers one that ended inside it', () => {
    expect(longestIdle([req('/a', 0, 100), req('/b', 50, 150)])).toBeUndefined()
    expect(longestIdle([req('/long', 0, 500), req('/short', 10, 20), req('/next', 300, 400)])).toBeUndefined()
    expect(longestIdle([req('/only', 0, 100)])).toBeUndefined()
  })
})
