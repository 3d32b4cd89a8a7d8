// Times this action's rollback against the runbook's by-hand npm commands on the same
// local Verdaccio (sha1 htpasswd, so each request costs what a token lookup costs on a
// real registry rather than a bcrypt verification). Prints medians and the ratio.
//   npm run bench [-- --runs 7]
import { execFile } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { publishPackage } from '../support/fixtures.mjs'
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
} finally {
  await registry.stop()
}
