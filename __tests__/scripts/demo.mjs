// The main job on an embedded default: a local Verdaccio registry (no credentials, no
// network), a package whose latest release is bad, and the built action rolling it back.
// The GitHub side runs against the test suite's local GitHub API stand-in, so the demo
// also prints the tracking issue and the incident report a real run would produce.
//   npm run demo
import { publishPackage } from '../support/fixtures.mjs'
import { startGitHubStandin } from '../support/github-standin.mjs'
import { npmView } from '../support/npm-cli.mjs'
import { runAction } from '../support/run-action.mjs'
import { startVerdaccio } from '../support/verdaccio.mjs'

const pkg = 'acme-widget'
const say = (s = '') => process.stdout.write(`${s}\n`)
const indent = (s) =>
  s
    .trimEnd()
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n')

async function show(registry, when) {
  const tags = await npmView(registry.url, pkg, 'dist-tags')
  const deprecated = await npmView(registry.url, `${pkg}@1.2.3`, 'deprecated')
  say(`${when}:`)
  say(`    npm view ${pkg} dist-tags        -> ${JSON.stringify(tags)}`)
  say(
    `    npm view ${pkg}@1.2.3 deprecated -> ${deprecated === undefined ? '(not deprecated)' : JSON.stringify(deprecated)}`,
  )
}

const registry = await startVerdaccio()
const github = await startGitHubStandin({ owner: 'acme', repo: 'widget', token: 'ghs_local-demo-token' })
const runner = {
  GITHUB_API_URL: github.url,
  GITHUB_REPOSITORY: 'acme/widget',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_RUN_ID: '4242',
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_ACTOR: 'octocat',
  GITHUB_EVENT_NAME: 'workflow_dispatch',
  GITHUB_WORKFLOW: 'Rollback release',
}
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
    'npm-token': registry.token,
    'github-token': 'ghs_local-demo-token',
    severity: 'high',
  }
  say('Running the action (dist/index.js) with:')
  for (const [k, v] of Object.entries(inputs)) say(`    ${k}: ${k.endsWith('token') ? '***' : JSON.stringify(v)}`)
  const run = await runAction(inputs, { env: runner })
  say()
  say('Action log:')
  say(indent(run.stdout.replace(/^::(add-mask|debug)::.*\n/gm, '').replace(registry.token, '***')))
  if (run.stderr) say(indent(run.stderr))
  say()
  // every output is set on every run (empty when it does not apply): show the ones this run filled in
  const outputs = Object.entries(run.outputs)
  const empty = outputs.filter(([, v]) => v === '').map(([k]) => k)
  say('Outputs that apply to this run:')
  for (const [k, v] of outputs) if (v !== '') say(`    ${k}=${v}`)
  if (empty.length > 0) say(`    (not shown, empty in this run: ${empty.join(', ')})`)
  say()
  await show(registry, 'After')
  say()
  say('Job summary (Markdown):')
  say(indent(run.summary))
  say()
  const [issue] = github.state.issues
  say(`Tracking issue #${issue.number} (on the local GitHub stand-in): ${issue.title}`)
  say(indent(issue.body ?? ''))
  say()
  const [commit] = github.state.commits
  say(`Incident report committed to ${commit.branch}: ${commit.path}  ("${commit.message}")`)
  say(
    indent(
      github.state.files[commit.branch][commit.path].content.replace(
        /<!-- release-rollback:record .* -->/,
        '<!-- release-rollback:record … (the record a re-run merges into) -->',
      ),
    ),
  )
  say()
  const again = await runAction(inputs, { env: runner })
  say(
    `Running it again is safe: status=${again.outputs.status}, moved=${again.outputs.moved}, deprecated=${again.outputs.deprecated}; ` +
      `still ${github.state.issues.length} issue (now with ${github.state.issues[0].comments.length} re-run comment) and ${github.state.commits.length} report commit.`,
  )
  if (github.violations.length > 0) {
    say(`GitHub API contract violations: ${github.violations.join('; ')}`)
    process.exitCode = 1
  }
  if (run.code !== 0 || again.code !== 0) process.exitCode = 1
} finally {
  await github.stop()
  await registry.stop()
}
