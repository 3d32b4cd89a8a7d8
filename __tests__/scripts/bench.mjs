// Times this action's rollback against the runbook's by-hand npm commands on the same
// local Verdaccio (sha1 htpasswd, so each request costs what a token lookup costs on a
// real registry rather than a bcrypt verification). Prints medians and the ratio; then a
// package with 3,000 versions (deprecation is a full-document round trip) against
// `npm deprecate`, 20 packages in one incident against one, and the bundle's cold start
// (process start to first registry request).
// Then, at 100 ms injected registry latency (a fault proxy with latencyMs between
// dist/index.js and Verdaccio), per scenario (one package's first run, its re-run, a
// channel already on the restore version, 20 packages, strategy republish): the
// sequential registry round trips (rounds on the critical path, from the proxy's log:
// __tests__/support/round-trips.mjs), the request count, the round in which the channel
// was moved, and the wall time; the one-package first run's requests listed by round.
// Last, the same first run and re-run with the bookkeeping on, against the GitHub
// stand-in (behind its own 100 ms proxy): GitHub requests, reads and writes, and rounds.
// Figures only: nothing here asserts a timing.
//   npm run bench [-- --runs 7] [--by-round] [--rounds-only]
// (--rounds-only: only the latency scenarios, the registry rounds per package)
// (the latency scenarios run min(runs, 3) times; --by-round lists every scenario's
// requests by round, not only the one-package first run's and re-run's)
import { execFile, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { cpus, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { startFaultProxy } from '../support/fault-proxy.mjs'
import { publishPackage } from '../support/fixtures.mjs'
import { startGitHubStandin } from '../support/github-standin.mjs'
import { byRound, longestIdle, roundTrips } from '../support/round-trips.mjs'
import { root } from '../support/run-action.mjs'
import { runAction } from '../support/run-action.mjs'
import { startVerdaccio } from '../support/verdaccio.mjs'

const exec = promisify(execFile)
const runsArg = process.argv.indexOf('--runs')
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 7
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const reason = 'Memory persistence corrupts data on restart'

const registry = await startVerdaccio()
const home = mkdtempSync(join(tmpdir(), 'rr-bench-'))
const host = new URL(registry.url).host
writeFileSync(join(home, '.npmrc'), `registry=${registry.url}\n//${host}/:_authToken=${registry.token}\n`)
const npmEnv = {
  ...process.env,
  HOME: home,
  NODE_OPTIONS: '',
  npm_config_userconfig: join(home, '.npmrc'),
  npm_config_cache: join(home, 'cache'),
  npm_config_update_notifier: 'false',
}
const npm = (...args) => exec('npm', args, { env: npmEnv })

async function byHand(pkg) {
  // the runbook: look, move the tag, deprecate, look again
  await npm('view', pkg, 'dist-tags', '--prefer-online')
  await npm('dist-tag', 'add', `${pkg}@1.2.2`, 'latest')
  await npm('deprecate', `${pkg}@1.2.3`, `1.2.3 was rolled back: ${reason}. Use 1.2.2 instead.`)
  await npm('view', pkg, 'dist-tags', '--prefer-online')
}

async function action(pkg) {
  const run = await runAction({
    'rollback-version': '1.2.3',
    'restore-version': '1.2.2',
    reason,
    package: pkg,
    registry: registry.url,
    'npm-token': registry.token,
    'create-issue': 'false',
    'commit-report': 'false',
  })
  if (run.code !== 0 || run.outputs.status !== 'completed')
    throw new Error(`the action failed:\n${run.stdout}${run.stderr}`)
}

// ---- at injected latency: sequential round trips per scenario ------------------------
const LATENCY_MS = 100
const latencyRuns = Math.min(runs, 3)
const range = (xs) => (Math.min(...xs) === Math.max(...xs) ? `${xs[0]}` : `${Math.min(...xs)}-${Math.max(...xs)}`)
const isTagPut = (s) => s.method === 'PUT' && /\/dist-tags\//.test(s.path)
const n = (count, word) => `${count} ${word}${count === '1' || count === 1 ? '' : 's'}`

/** rounds, requests, and the rounds of the requests that moved the channel, from one run's proxy log */
function figures(seen, moves, firstOnly = false) {
  const { rounds, requests, round } = roundTrips(seen)
  const moved = seen.flatMap((s, i) => (moves(s) ? [round[i]] : []))
  return { rounds, requests, moved: firstOnly ? moved.slice(0, 1) : moved }
}

async function latencyBench() {
  const proxy = await startFaultProxy(registry.url, { latencyMs: LATENCY_MS, rewriteOrigin: true })
  const github = await startGitHubStandin({ token: 'ghs_bench' })
  const ghProxy = await startFaultProxy(`${github.url}/`, { latencyMs: LATENCY_MS })
  try {
    const base = {
      reason,
      registry: proxy.url,
      'npm-token': registry.token,
      'create-issue': 'false',
      'commit-report': 'false',
    }
    /** runs the action through the proxy; the proxy's log of this run and the wall time */
    const measure = async (inputs, statuses, options) => {
      proxy.clear()
      ghProxy.clear()
      const t0 = performance.now()
      const run = await runAction({ ...base, ...inputs }, options)
      const ms = performance.now() - t0
      if (run.code !== 0 || !statuses.includes(run.outputs.status))
        throw new Error(
          `${JSON.stringify(inputs)}: status ${run.outputs.status}, expected ${statuses.join(' or ')}:\n${run.stdout}${run.stderr}`,
        )
      return { ms, seen: proxy.seen.map((s) => ({ ...s })), ghSeen: ghProxy.seen.map((s) => ({ ...s })) }
    }
    const one = (pkg) => ({ package: pkg, 'rollback-version': '1.2.3', 'restore-version': '1.2.2' })
    /** @type {Record<string, { label: string, moves: (s: any) => boolean, by?: string, runs: { ms: number, seen: any[] }[] }>} `by`: the first matching request moved the channel */
    const results = {
      first: { label: 'one package, move + deprecate (first run)', moves: isTagPut, runs: [] },
      rerun: { label: 'the re-run (already done)', moves: isTagPut, runs: [] },
      already: { label: 'one package, channel already on the restore version', moves: isTagPut, runs: [] },
      twenty: { label: '20 packages in one incident', moves: isTagPut, runs: [] },
      // the publish carries the channel's dist-tag: the first document PUT moves it
      republish: {
        label: 'strategy republish (first run)',
        moves: (s) => s.method === 'PUT' && /^\/[^-]/.test(s.path),
        by: 'the publish',
        runs: [],
      },
    }
    for (let i = 0; i < latencyRuns; i++) {
      const pkg = `lat-widget-${i}`
      await publishPackage(registry, pkg, ['1.2.1', '1.2.2', '1.2.3'])
      results.first.runs.push(await measure(one(pkg), ['completed']))
      results.rerun.runs.push(await measure(one(pkg), ['already-done']))

      const held = `lat-held-widget-${i}`
      await publishPackage(registry, held, ['1.2.1', '1.2.2', '1.2.3'], { distTags: { latest: '1.2.2' } })
      results.already.runs.push(await measure(one(held), ['completed']))

      const names = Array.from({ length: 20 }, (_, k) => `@benchlat${i}/pkg-${k}`)
      for (const name of names) await publishPackage(registry, name, ['1.2.2', '1.2.3'])
      results.twenty.runs.push(await measure({ packages: names.join(','), 'rollback-version': '1.2.3' }, ['completed']))

      const re = `lat-republish-widget-${i}`
      await publishPackage(registry, re, ['1.2.1', '1.2.2', '1.2.3'])
      results.republish.runs.push(await measure({ ...one(re), strategy: 'republish' }, ['completed']))
    }

    console.log(
      `at ${LATENCY_MS} ms injected registry latency (fault proxy between dist/index.js and Verdaccio), ${latencyRuns} runs each;`,
    )
    console.log(
      `rounds = sequential registry round trips (longest chain of requests each sent after the previous one was answered):`,
    )
    const width = Math.max(...Object.values(results).map((r) => r.label.length))
    for (const r of Object.values(results)) {
      const f = r.runs.map((run) => figures(run.seen, r.moves, r.by !== undefined))
      const firstMoves = f.map((x) => x.moved[0]).filter((x) => x !== undefined)
      const lastMoves = f.map((x) => x.moved[x.moved.length - 1]).filter((x) => x !== undefined)
      const moved =
        firstMoves.length === 0
          ? 'channel not moved'
          : f[0].moved.length > 1
            ? `channels moved in rounds ${range(firstMoves)} to ${range(lastMoves)} (${f[0].moved.length} dist-tag PUTs)`
            : `channel moved at round ${range(firstMoves)}${r.by ? ` (by ${r.by})` : ''}`
      const times = r.runs.map((run) => run.ms)
      console.log(
        `  ${r.label.padEnd(width)}  ${n(range(f.map((x) => x.rounds)), 'round').padStart(10)}, ${n(range(f.map((x) => x.requests)), 'request').padStart(12)}, ${moved}; median ${median(times).toFixed(0)} ms  [${times.map((t) => t.toFixed(0)).join(', ')}]`,
      )
    }
    for (const key of process.argv.includes('--by-round') ? Object.keys(results) : ['first', 'rerun']) {
      console.log(`  ${results[key].label}, requests by round (last run):`)
      for (const [k, reqs] of byRound(results[key].runs[results[key].runs.length - 1].seen).entries())
        console.log(`    ${String(k + 1).padStart(2)}: ${reqs.join(', ')}`)
    }

    // the GitHub side: a first run and its re-run with the bookkeeping on, after one unmeasured
    // run on another package (the stand-in compiles its OpenAPI validators on first use)
    const gh = (attempt) => ({
      env: {
        GITHUB_API_URL: ghProxy.url.replace(/\/$/, ''),
        GITHUB_REPOSITORY: 'acme/widget',
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_RUN_ID: '4242',
        GITHUB_RUN_ATTEMPT: attempt,
      },
    })
    const books = (pkg) => ({
      ...one(pkg),
      'create-issue': 'true',
      'commit-report': 'true',
      'github-token': 'ghs_bench',
    })
    await publishPackage(registry, 'lat-books-warmup', ['1.2.1', '1.2.2', '1.2.3'])
    await measure(books('lat-books-warmup'), ['completed'], gh('1'))
    await measure(books('lat-books-warmup'), ['already-done'], gh('2'))
    const pkg = 'lat-books-widget'
    await publishPackage(registry, pkg, ['1.2.1', '1.2.2', '1.2.3'])
    const read = (r) => r.method === 'GET' || r.method === 'HEAD'
    console.log(
      `bookkeeping on (issue + report), GitHub stand-in behind its own ${LATENCY_MS} ms proxy, one package, one run each:`,
    )
    for (const [label, attempt, statuses] of [
      ['first run', '1', ['completed']],
      ['re-run', '2', ['already-done']],
    ]) {
      const from = github.requests.length
      const run = await measure(books(pkg), statuses, gh(attempt))
      const requests = github.requests.slice(from)
      const reads = requests.filter(read).length
      const both = [
        ...run.seen.map((s) => ({ ...s, path: `npm ${s.path}` })),
        ...run.ghSeen.map((s) => ({ ...s, path: `github ${s.path}` })),
      ]
      console.log(
        `  ${label.padEnd(9)}  GitHub: ${n(requests.length, 'request')} (${n(reads, 'read')}, ${n(requests.length - reads, 'write')}), ${n(roundTrips(run.ghSeen).rounds, 'round')}; ` +
          `registry: ${n(roundTrips(run.seen).rounds, 'round')}; both together: ${n(roundTrips(both).rounds, 'round')}; ${run.ms.toFixed(0)} ms`,
      )
      console.log(
        `    GitHub: ${requests.map((r) => `${r.method} ${r.path.replace(/^\/repos\/acme\/widget/, '…')} ${r.status}`).join(', ')}`,
      )
      const idle = longestIdle(both)
      if (idle)
        console.log(
          `    longest wait with no request in flight: ${idle.ms} ms, after ${idle.after}, before ${idle.before}`,
        )
      if (process.argv.includes('--by-round'))
        for (const [k, reqs] of byRound(both).entries())
          console.log(`    ${String(k + 1).padStart(2)}: ${reqs.join(', ')}`)
    }
    if (github.violations.length > 0)
      console.log(
        `  (the stand-in recorded ${github.violations.length} OpenAPI violation(s): ${github.violations.join('; ')})`,
      )
  } finally {
    await ghProxy.stop()
    await github.stop()
    await proxy.stop()
  }
}

try {
  if (process.argv.includes('--rounds-only')) {
    await latencyBench()
    process.exit(0)
  }
  const times = { byHand: [], action: [] }
  let n = 0
  for (let i = 0; i < runs; i++) {
    for (const [name, fn] of [
      ['byHand', byHand],
      ['action', action],
    ]) {
      const pkg = `bench-widget-${++n}`
      await publishPackage(registry, pkg, ['1.2.1', '1.2.2', '1.2.3'])
      const t0 = performance.now()
      await fn(pkg)
      times[name].push(performance.now() - t0)
    }
  }
  const hand = median(times.byHand)
  const act = median(times.action)
  console.log(
    `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}, npm ${(await npm('--version')).stdout.trim()}`,
  )
  console.log(`runs: ${runs} each, fresh package per run, same Verdaccio`)
  console.log(
    `by hand (npm view, npm dist-tag add, npm deprecate, npm view): median ${hand.toFixed(0)} ms  [${times.byHand.map((t) => t.toFixed(0)).join(', ')}]`,
  )
  console.log(
    `release-rollback (node dist/index.js, process start included):  median ${act.toFixed(0)} ms  [${times.action.map((t) => t.toFixed(0)).join(', ')}]`,
  )
  console.log(`ratio: ${(act / hand).toFixed(3)} (target: at most 0.25)`)

  // a package with 3,000 versions: one real publish, then Verdaccio's stored document is
  // extended (publishing 3,000 times would rewrite the growing document 3,000 times)
  const big = (name) => {
    const file = join(registry.dir, 'storage', name, 'package.json')
    const doc = JSON.parse(readFileSync(file, 'utf8'))
    const template = doc.versions['0.0.1']
    for (let i = 1; i <= 3000; i++) {
      const v = `1.0.${i}`
      doc.versions[v] = { ...template, version: v, _id: `${name}@${v}` }
      doc.time[v] = new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString()
    }
    doc['dist-tags'].latest = '1.0.3000'
    writeFileSync(file, JSON.stringify(doc))
    return (JSON.stringify(doc).length / 2 ** 20).toFixed(2)
  }
  const bigTimes = { byHand: [], action: [] }
  let size = '?'
  for (let i = 0; i < Math.min(runs, 5); i++) {
    for (const name of ['byHand', 'action']) {
      const pkg = `big-widget-${name}-${i}`
      await publishPackage(registry, pkg, ['0.0.1'])
      size = big(pkg)
      const t0 = performance.now()
      if (name === 'byHand') {
        await npm('dist-tag', 'add', `${pkg}@1.0.2999`, 'latest')
        await npm('deprecate', `${pkg}@1.0.3000`, `1.0.3000 was rolled back: ${reason}. Use 1.0.2999 instead.`)
      } else {
        const run = await runAction({
          'rollback-version': '1.0.3000',
          reason,
          package: pkg,
          registry: registry.url,
          'npm-token': registry.token,
          'create-issue': 'false',
          'commit-report': 'false',
        })
        if (run.outputs.status !== 'completed') throw new Error(`big rollback: ${run.stdout}${run.stderr}`)
      }
      bigTimes[name].push(performance.now() - t0)
    }
  }
  console.log(`3,000 versions (${size} MiB document), dist-tag + deprecate, ${bigTimes.action.length} runs each:`)
  console.log(`  npm dist-tag add + npm deprecate: median ${median(bigTimes.byHand).toFixed(0)} ms`)
  console.log(`  release-rollback (with its reads and read-backs): median ${median(bigTimes.action).toFixed(0)} ms`)

  // many packages, one incident: 20 packages against one, same registry
  const family = async (n, tag) => {
    const names = Array.from({ length: n }, (_, i) => `@bench${tag}/pkg-${i}`)
    for (const name of names) await publishPackage(registry, name, ['1.2.2', '1.2.3'])
    return names
  }
  const multiTimes = { one: [], twenty: [] }
  for (let i = 0; i < Math.min(runs, 3); i++) {
    for (const [key, n] of [
      ['one', 1],
      ['twenty', 20],
    ]) {
      const names = await family(n, `${key}${i}`)
      const t0 = performance.now()
      const run = await runAction({
        packages: names.join(','),
        'rollback-version': '1.2.3',
        reason,
        registry: registry.url,
        'npm-token': registry.token,
        'create-issue': 'false',
        'commit-report': 'false',
      })
      if (!['completed'].includes(run.outputs.status)) throw new Error(`multi rollback: ${run.stdout}${run.stderr}`)
      multiTimes[key].push(performance.now() - t0)
    }
  }
  const one = median(multiTimes.one)
  const twenty = median(multiTimes.twenty)
  console.log(
    `packages: 1 package median ${one.toFixed(0)} ms, 20 packages in one incident median ${twenty.toFixed(0)} ms: ${(twenty / one).toFixed(2)}x (target: at most 3x)`,
  )

  // cold start: from spawning the bundle to its first request reaching a registry
  const starts = []
  for (let i = 0; i < runs; i++) {
    let first
    const server = createServer((_req, res) => {
      first ??= performance.now()
      res.writeHead(503, { 'retry-after': '3600' }).end()
    })
    await new Promise((r) => server.listen(0, '127.0.0.1', r))
    const t0 = performance.now()
    const child = spawn(process.execPath, [join(root, 'dist', 'index.js')], {
      env: {
        PATH: process.env.PATH,
        'INPUT_ROLLBACK-VERSION': '1.2.3',
        INPUT_REASON: 'x',
        INPUT_PACKAGE: 'cold-start',
        INPUT_REGISTRY: `http://127.0.0.1:${server.address().port}/`,
        'INPUT_DRY-RUN': 'true',
        'INPUT_CREATE-ISSUE': 'false',
        'INPUT_COMMIT-REPORT': 'false',
      },
      stdio: 'ignore',
    })
    await new Promise((r) => child.on('close', r))
    server.close()
    starts.push(first - t0)
  }
  console.log(
    `cold start of dist/index.js (process start to first registry request), ${runs} runs: median ${median(starts).toFixed(0)} ms  [${starts.map((t) => t.toFixed(0)).join(', ')}]`,
  )

  await latencyBench()
} finally {
  await registry.stop()
}
