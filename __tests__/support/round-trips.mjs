// Sequential round trips from a proxy's request log (fault-proxy.mjs `seen`): how many
// times the client had to wait for an answer before it could ask again. Requests that
// overlap in time are one round; the figure is the longest chain of requests in which
// each one starts once the previous one has ended (the critical path a latency multiplies).
//
// A request's round is 1 + the highest round among the requests that had ended by the
// time it started (`end <= at`: an answer and the next request in the same millisecond
// are sequential; with injected latency, overlapping requests can never touch like that).
// A request that was never answered (no `end`) ends nothing: no request is after it.

/** @typedef {{ method: string, path: string, at: number, end?: number }} Seen */

/**
 * @param {Seen[]} seen in any order
 * @returns {{ rounds: number, requests: number, round: number[] }} `round[i]` is the round of `seen[i]`
 */
export function roundTrips(seen) {
  // by start, then by end: a request is placed after every request that can precede it
  const endOf = (/** @type {number} */ i) => seen[i].end ?? Infinity
  const order = seen.map((_, i) => i).sort((a, b) => seen[a].at - seen[b].at || endOf(a) - endOf(b))
  /** @type {number[]} */
  const round = new Array(seen.length).fill(0)
  for (const i of order) {
    let before = 0
    for (const j of order) {
      if (seen[j].at > seen[i].at) break // started later: cannot have ended before i started
      const end = seen[j].end
      if (j !== i && end !== undefined && end <= seen[i].at) before = Math.max(before, round[j])
    }
    round[i] = before + 1
  }
  return { rounds: Math.max(0, ...round), requests: seen.length, round }
}

/**
 * The round of the first request that matches, or undefined when none does.
 * @param {Seen[]} seen @param {(s: Seen) => boolean} match
 */
export function roundOf(seen, match) {
  const i = seen.findIndex(match)
  return i < 0 ? undefined : roundTrips(seen).round[i]
}

/**
 * The requests of each round, for reading: [['GET /x', 'GET /y'], ['PUT /x'], ...].
 * @param {Seen[]} seen
 */
export function byRound(seen) {
  const { rounds, round } = roundTrips(seen)
  /** @type {string[][]} */
  const out = Array.from({ length: rounds }, () => [])
  for (const [i, s] of seen.entries()) out[round[i] - 1].push(`${s.method} ${s.path}`)
  return out
}

/**
 * The longest stretch with no request in flight between the first request and the last
 * answer (the client was busy, or waiting on purpose, e.g. a throttle), with the request
 * answered last before it and the request that ended it. Undefined with under 2 requests
 * or no gap.
 * @param {Seen[]} seen
 * @returns {{ ms: number, after: string, before: string } | undefined}
 */
export function longestIdle(seen) {
  const sorted = [...seen].sort((a, b) => a.at - b.at)
  /** @type {{ ms: number, after: string, before: string } | undefined} */
  let longest
  let busyUntil = -Infinity
  let lastDone = ''
  for (const s of sorted) {
    if (busyUntil !== -Infinity && s.at > busyUntil && (longest === undefined || s.at - busyUntil > longest.ms)) {
      longest = { ms: s.at - busyUntil, after: lastDone, before: `${s.method} ${s.path}` }
    }
    const end = s.end ?? Infinity
    if (end >= busyUntil) {
      busyUntil = end
      lastDone = `${s.method} ${s.path}`
    }
  }
  return longest
}
