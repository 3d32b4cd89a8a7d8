// The main job on an embedded default: a local Verdaccio registry (no credentials, no
// network), a package whose latest release is bad, and the built action rolling it back.
//   npm run demo
import { publishPackage } from '../support/fixtures.mjs'
import { npmView } from '../support/npm-cli.mjs'
import { runAction } from '../support/run-action.mjs'
import { startVerdaccio } from '../support/verdaccio.mjs'

const pkg = 'acme-widget'
const say = (s = '') => process.stdout.write(`${s}\n`)
const indent = (s) => s.trimEnd().split('\n').map((l) => `    ${l}`).join('\n')

async function show(registry, when) {
  const tags = await npmView(registry.url, pkg, 'dist-tags')
  const deprecated = await npmView(registry.url, `${pkg}@1.2.3`, 'deprecated')
  say(`${when}:`)
  say(`    npm view ${pkg} dist-tags        -> ${JSON.stringify(tags)}`)
  say(`    npm view ${pkg}@1.2.3 deprecated -> ${deprecated === undefined ? '(not deprecated)' : JSON.stringify(deprecated)}`)
}

const registry = await startVerdaccio()
try {
  say(`Started a local npm registry (Verdaccio) at ${registry.url}`)
  await publishPackage(registry, pkg, ['1.2.0', '1.2.1', '1.2.2', '1.2.3'])
  say(`Published ${pkg} 1.2.0 … 1.2.3; 1.2.3 is the bad release.`)
  say()
  await show(registry, 'Before')
  say()
  const inputs = {
    'rollback-version': '1.2.3',
    'restore-version': '',
    channel: 'latest',
    reason: 'Memory persistence corrupts data on restart',
    package: pkg,
    registry: registry.url,
    'npm-token': registry.token
  }
  say('Running the action (dist/index.js) with:')
  for (const [k, v] of Object.entries(inputs)) say(`    ${k}: ${k === 'npm-token' ? '***' : JSON.stringify(v)}`)
  const run = await runAction(inputs)
  say()
  say('Action log:')
  say(indent(run.stdout.replace(/^::add-mask::.*\n/gm, '').replace(registry.token, '***')))
  if (run.stderr) say(indent(run.stderr))
  say()
  say('Outputs:')
  for (const [k, v] of Object.entries(run.outputs)) say(`    ${k}=${v}`)
  say()
  await show(registry, 'After')
  say()
  say('Job summary (Markdown):')
  say(indent(run.summary))
  say()
  const again = await runAction(inputs)
  say(`Running it again is safe: status=${again.outputs.status}, moved=${again.outputs.moved}, deprecated=${again.outputs.deprecated}.`)
  if (run.code !== 0 || again.code !== 0) process.exitCode = 1
} finally {
  await registry.stop()
}
