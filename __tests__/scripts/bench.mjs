// Times this action's rollback against the runbook's by-hand npm commands on the same
// local Verdaccio (sha1 htpasswd, so each request costs what a token lookup costs on a
// real registry rather than a bcrypt verification). Prints medians and the ratio; then a
// package with 3,000 versions (deprecation is a full-document round trip) against
// `npm deprecate`, and the bundle's cold start (process start to first registry request).
//   npm run bench [-- --runs 7]
import { execFile, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { cpus, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { publishPackage } from '../support/fixtures.mjs'
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
const npmEnv = { ...process.env, HOME: home, NODE_OPTIONS: '', npm_config_userconfig: join(home, '.npmrc'), npm_config_cache: join(home, 'cache'), npm_config_update_notifier: 'false' }
const npm = (...args) => exec('npm', args, { env: npmEnv })

async function byHand(pkg) {
  // the runbook: look, move the tag, deprecate, look again
  await npm('view', pkg, 'dist-tags', '--prefer-online')
  await npm('dist-tag', 'add', `${pkg}@1.2.2`, 'latest')
  await npm('deprecate', `${pkg}@1.2.3`, `1.2.3 was rolled back: ${reason}. Use 1.2.2 instead.`)
  await npm('view', pkg, 'dist-tags', '--prefer-online')
}

async function action(pkg) {
  const run = await runAction({ 'rollback-version': '1.2.3', 'restore-version': '1.2.2', reason, package: pkg, registry: registry.url, 'npm-token': registry.token, 'create-issue': 'false', 'commit-report': 'false' })
  if (run.code !== 0 || run.outputs.status !== 'completed') throw new Error(`the action failed:\n${run.stdout}${run.stderr}`)
}

try {
  const times = { byHand: [], action: [] }
  let n = 0
  for (let i = 0; i < runs; i++) {
    for (const [name, fn] of [['byHand', byHand], ['action', action]]) {
      const pkg = `bench-widget-${++n}`
      await publishPackage(registry, pkg, ['1.2.1', '1.2.2', '1.2.3'])
      const t0 = performance.now()
      await fn(pkg)
      times[name].push(performance.now() - t0)
    }
  }
  const hand = median(times.byHand)
  const act = median(times.action)
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}, npm ${(await npm('--version')).stdout.trim()}`)
  console.log(`runs: ${runs} each, fresh package per run, same Verdaccio`)
  console.log(`by hand (npm view, npm dist-tag add, npm deprecate, npm view): median ${hand.toFixed(0)} ms  [${times.byHand.map((t) => t.toFixed(0)).join(', ')}]`)
  console.log(`release-rollback (node dist/index.js, process start included):  median ${act.toFixed(0)} ms  [${times.action.map((t) => t.toFixed(0)).join(', ')}]`)
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
        const run = await runAction({ 'rollback-version': '1.0.3000', reason, package: pkg, registry: registry.url, 'npm-token': registry.token, 'create-issue': 'false', 'commit-report': 'false' })
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
    for (const [key, n] of [['one', 1], ['twenty', 20]]) {
      const names = await family(n, `${key}${i}`)
      const t0 = performance.now()
      const run = await runAction({ packages: names.join(','), 'rollback-version': '1.2.3', reason, registry: registry.url, 'npm-token': registry.token, 'create-issue': 'false', 'commit-report': 'false' })
      if (!['completed'].includes(run.outputs.status)) throw new Error(`multi rollback: ${run.stdout}${run.stderr}`)
      multiTimes[key].push(performance.now() - t0)
    }
  }
  const one = median(multiTimes.one)
  const twenty = median(multiTimes.twenty)
  console.log(`packages: 1 package median ${one.toFixed(0)} ms, 20 packages in one incident median ${twenty.toFixed(0)} ms: ${(twenty / one).toFixed(2)}x (target: at most 3x)`)

  // cold start: from spawning the bundle to its first request reaching a registry
  const starts = []
  for (let i = 0; i < runs; i++) {
    let first
    const server = createServer((req, res) => {
      first ??= performance.now()
      res.writeHead(503, { 'retry-after': '3600' }).end()
    })
    await new Promise((r) => server.listen(0, '127.0.0.1', r))
    const t0 = performance.now()
    const child = spawn(process.execPath, [join(root, 'dist', 'index.js')], {
      env: { PATH: process.env.PATH, 'INPUT_ROLLBACK-VERSION': '1.2.3', INPUT_REASON: 'x', INPUT_PACKAGE: 'cold-start', INPUT_REGISTRY: `http://127.0.0.1:${server.address().port}/`, 'INPUT_DRY-RUN': 'true', 'INPUT_CREATE-ISSUE': 'false', 'INPUT_COMMIT-REPORT': 'false' },
      stdio: 'ignore'
    })
    await new Promise((r) => child.on('close', r))
    server.close()
    starts.push(first - t0)
  }
  console.log(`cold start of dist/index.js (process start to first registry request), ${runs} runs: median ${median(starts).toFixed(0)} ms  [${starts.map((t) => t.toFixed(0)).join(', ')}]`)
} finally {
  await registry.stop()
}
