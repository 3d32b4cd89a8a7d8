// The release freeze: the pure reading of a tracking issue and the decision, then the
// built action (freeze-check mode) and the CLI against the GitHub stand-in (every request
// checked against GitHub's OpenAPI description), over issues opened by real rollbacks of
// the built action on Verdaccio, so the parsed format is the one the action writes.
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { Octokit } from '@octokit/rest'
import {
  carriesOwnRecord,
  decideFreeze,
  OVERRIDE_LABEL,
  parseTrackedIncident,
  type IssueLike,
} from '../../src/modes/freeze.js'
import type { IncidentRecord, RunContext } from '../../src/github/incident.js'
import { WORKFLOW_BOT } from '../../src/github/issue.js'
import { issueMarker } from '../../src/github/markers.js'
import { encodeRecord } from '../../src/github/record.js'
import { issueTitle, renderIssueBody } from '../../src/github/render-issue.js'
import { incidentId } from '../../src/core/plan.js'
import { publishPackage } from '../support/fixtures.mjs'
import { startGitHubStandin, type GitHubStandin } from '../support/github-standin.mjs'
import { root, runAction } from '../support/run-action.mjs'
import { startVerdaccio, type Registry } from '../support/verdaccio.mjs'

const ctx: RunContext = {
  repository: 'acme/widget',
  serverUrl: 'https://github.com',
  runId: '4242',
  runAttempt: '1',
  actor: 'octocat',
  eventName: 'workflow_dispatch',
  workflow: 'Release',
}

const record = (over: Partial<IncidentRecord> = {}): IncidentRecord => ({
  format: 1,
  incidentId: 'rr-0123456789abcdef',
  packageName: '@acme/widget',
  channel: 'latest',
  rollbackVersion: '1.2.3',
  restoreVersion: '1.2.2',
  previousVersion: '1.2.3',
  tagsBefore: { latest: '1.2.3' },
  tagsAfter: { latest: '1.2.2' },
  severity: 'high',
  reason: 'broken',
  strategy: 'retag',
  runs: [{ at: '2026-11-21T14:00:00.000Z', status: 'completed' }],
  timeline: [],
  warnings: [],
  ...over,
})

const bot = { login: WORKFLOW_BOT, type: 'Bot' }
let counter = 0
/** An issue as the bookkeeping opens it for this record. */
const issueOf = (r: IncidentRecord, over: Partial<IssueLike> = {}): IssueLike => ({
  number: ++counter,
  html_url: `https://github.com/acme/widget/issues/${counter}`,
  title: issueTitle(r),
  body: renderIssueBody(r, ctx, {}),
  state: 'open',
  user: bot,
  labels: [{ name: 'rollback' }],
  ...over,
})

describe('parseTrackedIncident: the incident an issue tracks, as the bookkeeping renders it', () => {
  it('one package (scoped): from the title', () => {
    expect(parseTrackedIncident(issueOf(record()))).toEqual({
      rollbackVersion: '1.2.3',
      targets: [{ name: '@acme/widget', channel: 'latest' }],
    })
  })

  it('an image and a Helm release: the name up to the last @', () => {
    expect(
      parseTrackedIncident(issueOf(record({ packageName: 'ghcr.io/acme/app', channel: 'stable', target: 'docker' }))),
    )?.toEqual({ rollbackVersion: '1.2.3', targets: [{ name: 'ghcr.io/acme/app', channel: 'stable' }] })
    expect(
      parseTrackedIncident(issueOf(record({ packageName: 'prod/acme', channel: 'deployed', target: 'helm' }))),
    )?.toEqual({ rollbackVersion: '1.2.3', targets: [{ name: 'prod/acme', channel: 'deployed' }] })
  })

  it('several packages: every row of the Packages table', () => {
    const r = record({
      packageName: '@acme/a and 2 more',
      tagsBefore: {},
      tagsAfter: {},
      packages: ['@acme/a', '@acme/b', 'acme-c'].map((name) => ({
        name,
        previousVersion: '1.2.3',
        restoreVersion: '1.2.2',
        outcome: 'rolled-back',
      })),
    })
    expect(issueTitle(r)).toBe('Rollback: 3 packages (@acme/a and 2 more) @1.2.3 → 1.2.2 on latest')
    expect(parseTrackedIncident(issueOf(r))?.targets).toEqual(
      ['@acme/a', '@acme/b', 'acme-c'].map((name) => ({ name, channel: 'latest' })),
    )
  })

  it('targets of several kinds: each row with its own channel', () => {
    const r = record({
      packageName: '@acme/core and 2 more',
      packages: [
        { name: '@acme/core', outcome: 'rolled-back', restoreVersion: '1.2.2' },
        {
          name: 'ghcr.io/acme/app',
          kind: 'docker',
          channel: 'stable',
          outcome: 'rolled-back',
          restoreVersion: '1.2.2',
        },
        { name: 'v1', kind: 'git-tag', channel: 'v1', outcome: 'rolled-back', restoreVersion: '1.2.2' },
      ],
    })
    expect(parseTrackedIncident(issueOf(r))?.targets).toEqual([
      { name: '@acme/core', channel: 'latest' },
      { name: 'ghcr.io/acme/app', channel: 'stable' },
      { name: 'v1', channel: 'v1' },
    ])
  })

  it('a hidden record in the body comes first', () => {
    const r = record({ packageName: 'from-record', channel: 'beta' })
    const issue = issueOf(record(), { body: `${renderIssueBody(record(), ctx, {})}\n${encodeRecord(r)}\n` })
    expect(parseTrackedIncident(issue)).toEqual({
      rollbackVersion: '1.2.3',
      targets: [{ name: 'from-record', channel: 'beta' }],
    })
  })

  it('an edited or cut title: the body heading; nothing readable: undefined', () => {
    expect(parseTrackedIncident(issueOf(record(), { title: 'Broken release, see below' }))?.targets).toEqual([
      { name: '@acme/widget', channel: 'latest' },
    ])
    expect(parseTrackedIncident({ title: 'Rollback: something', body: 'no heading' })).toBeUndefined()
  })
})

describe('decideFreeze', () => {
  const query = { names: ['@acme/widget'], channel: 'latest' }

  it('our open issue for the package and channel freezes; its number and URL are named', () => {
    const issue = issueOf(record())
    expect(decideFreeze([issue], query, [bot])).toMatchObject({
      frozen: true,
      issueNumber: issue.number,
      issueUrl: issue.html_url,
      reason: expect.stringContaining(`#${issue.number}`),
    })
  })

  it("not for another package or channel, a closed issue, an outsider's, a pull request, or one without the marker", () => {
    const ours = issueOf(record())
    const cases: IssueLike[] = [
      issueOf(record({ packageName: '@acme/other' })),
      issueOf(record({ channel: 'beta', tagsAfter: {} })),
      { ...ours, state: 'closed' },
      { ...ours, user: { login: 'mallory', type: 'User' } },
      { ...ours, pull_request: {} },
      { ...ours, body: (ours.body ?? '').replace(issueMarker('rr-0123456789abcdef'), '') },
    ]
    for (const issue of cases)
      expect({ issue: issue.number, ...decideFreeze([issue], query, [bot]) }).toMatchObject({
        issue: issue.number,
        frozen: false,
      })
  })

  it(`${OVERRIDE_LABEL} unfreezes that issue, not another open one`, () => {
    const overridden = issueOf(record(), { labels: [{ name: 'rollback' }, { name: OVERRIDE_LABEL }] })
    expect(decideFreeze([overridden], query, [bot])).toMatchObject({
      frozen: false,
      issueNumber: overridden.number,
      reason: expect.stringContaining(OVERRIDE_LABEL),
    })
    const other = issueOf(record({ rollbackVersion: '1.2.5' }))
    expect(decideFreeze([overridden, other], query, [bot])).toMatchObject({ frozen: true, issueNumber: other.number })
  })

  it("a rollback made with a person's or another app's token freezes by its own record (issue 24, finding 4); an outsider's copy of it does not", () => {
    const id = incidentId('@acme/widget', 'latest', '1.2.3', '1.2.2')
    const own = record({ incidentId: id })
    const alice = { login: 'alice', type: 'User' }
    const app = { login: 'other-app[bot]', type: 'Bot' }
    const person = issueOf(own, { user: alice, author_association: 'COLLABORATOR' })
    const otherApp = issueOf(own, { user: app, author_association: 'NONE' })
    for (const issue of [person, otherApp]) {
      expect(carriesOwnRecord(issue)).toBe(true)
      expect(decideFreeze([issue], query, [bot])).toMatchObject({ frozen: true, issueNumber: issue.number })
    }
    const cases: IssueLike[] = [
      // an outsider (no write access) with a record that passes the check
      issueOf(own, { user: { login: 'mallory', type: 'User' }, author_association: 'NONE' }),
      issueOf(own, { user: { login: 'mallory', type: 'User' }, author_association: 'CONTRIBUTOR' }),
      // a person's issue whose record is not its incident's (the id a digest of other content)
      issueOf(record(), { user: alice, author_association: 'COLLABORATOR' }),
      // a person's issue without a record
      { ...person, body: `${issueMarker(id)}\n## 🔙 Rolled back \`@acme/widget@1.2.3\` → \`1.2.2\` on \`latest\`` },
      // the record under another incident's marker
      { ...person, body: (person.body ?? '').replace(issueMarker(id), issueMarker('rr-0123456789abcdef')) },
    ]
    for (const issue of cases)
      expect({ issue: issue.number, ...decideFreeze([issue], query, [bot]) }).toMatchObject({
        issue: issue.number,
        frozen: false,
      })
  })

  it('names compare without case; channels exactly', () => {
    expect(decideFreeze([issueOf(record())], { names: ['@ACME/Widget'], channel: 'latest' }, [bot]).frozen).toBe(true)
    expect(decideFreeze([issueOf(record())], { names: ['@acme/widget'], channel: 'Latest' }, [bot]).frozen).toBe(false)
  })
})

// ---------------------------------------------------------------------------------------
// The built action and the CLI, over issues real rollbacks opened

let registry: Registry
let github: GitHubStandin
const TOKEN = 'ghs_freeze-token'
const env = () => ({
  GITHUB_API_URL: github.url,
  GITHUB_REPOSITORY: 'acme/widget',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_RUN_ID: '77',
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_ACTOR: 'octocat',
  GITHUB_EVENT_NAME: 'push',
})
const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} }
const as = (token: string) => new Octokit({ auth: token, baseUrl: github.url, log: silent })

beforeAll(async () => {
  registry = await startVerdaccio()
  github = await startGitHubStandin({
    token: TOKEN,
    users: { ghp_mallory: 'mallory', ghp_alice: 'alice', ghs_other_app: 'other-app[bot]' },
    outsiders: ['mallory'],
  })
  for (const name of [
    '@acme/frozen',
    '@acme/multi-a',
    '@acme/multi-b',
    '@acme/other',
    '@acme/by-alice',
    '@acme/by-app',
  ])
    await publishPackage(registry, name, ['1.2.2', '1.2.3'])
})
afterAll(async () => {
  await github?.stop()
  await registry?.stop()
})
afterEach(() => {
  expect(github.violations).toEqual([])
})

/** A real rollback through the built action, opening the tracking issue. */
async function rollback(inputs: Record<string, string>) {
  const run = await runAction(
    {
      'rollback-version': '1.2.3',
      reason: 'same bug',
      registry: registry.url,
      'npm-token': registry.token,
      'github-token': TOKEN,
      'commit-report': 'false',
      'github-release': 'false',
      ...inputs,
    },
    { env: env() },
  )
  expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' })
  return run
}

const freezeCheck = (inputs: Record<string, string>) =>
  runAction({ 'freeze-check': 'true', 'github-token': TOKEN, ...inputs }, { env: env() })

function cli(args: string[], token = TOKEN): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [join(root, 'dist', 'cli', 'index.js'), 'freeze-check', ...args], {
    env: { PATH: process.env.PATH ?? '', GITHUB_TOKEN: token, GITHUB_API_URL: github.url },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d) => (stdout += d))
  child.stderr.on('data', (d) => (stderr += d))
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })))
}

describe('freeze-check against issues real rollbacks opened', () => {
  let issueUrl = ''
  let issueNumber = 0

  beforeAll(async () => {
    const run = await rollback({ package: '@acme/frozen' })
    issueUrl = run.outputs['issue-url']
    issueNumber = Number(run.outputs['issue-number'])
    expect(issueUrl).toMatch(/\/issues\/\d+$/)
  })

  it('the action: frozen fails the step naming the issue, sets frozen and freeze-issue-url, and nothing else', async () => {
    const run = await freezeCheck({ package: '@acme/frozen', channel: 'latest' })
    expect(run.code).toBe(1)
    expect(run.outputs).toEqual({ frozen: 'true', 'freeze-issue-url': issueUrl })
    expect(run.stdout).toContain(
      `::error::Release freeze: the rollback tracked in #${issueNumber} (${issueUrl}) is still open for @acme/frozen on latest`,
    )
    expect(run.summary).toContain(issueUrl)
    // no rollback input was needed, and the token is masked
    expect(run.stdout).toContain(`::add-mask::${TOKEN}`)
  })

  it('the action with fail-if-frozen: false only sets the outputs', async () => {
    const run = await freezeCheck({ package: '@acme/frozen', 'fail-if-frozen': 'false' })
    expect(run.code).toBe(0)
    expect(run.outputs).toEqual({ frozen: 'true', 'freeze-issue-url': issueUrl })
  })

  it('not frozen: another package, another channel', async () => {
    const cases: Array<Record<string, string>> = [
      { package: '@acme/other' },
      { package: '@acme/frozen', channel: 'beta' },
    ]
    for (const inputs of cases) {
      const run = await freezeCheck(inputs)
      expect({ inputs, code: run.code, outputs: run.outputs }).toEqual({
        inputs,
        code: 0,
        outputs: { frozen: 'false', 'freeze-issue-url': '' },
      })
    }
  })

  it("not frozen by an outsider's look-alike issue (same title, label and marker)", async () => {
    const real = github.state.issues.find((i) => i.number === issueNumber)
    const marker = /<!-- release-rollback:incident=[^ ]+ -->/.exec(real?.body ?? '')?.[0] ?? ''
    await as('ghp_mallory').rest.issues.create({
      owner: 'acme',
      repo: 'widget',
      title: 'Rollback: @acme/other@1.2.3 → 1.2.2 on latest',
      body: `${marker}\n## 🔙 Rolled back \`@acme/other@1.2.3\` → \`1.2.2\` on \`latest\``,
      labels: ['rollback'],
    })
    const run = await freezeCheck({ package: '@acme/other' })
    expect(run.outputs.frozen).toBe('false')
  })

  it('the CLI: exit 4 frozen, 0 not frozen, 2 without --repo', async () => {
    const frozen = await cli(['--package', '@acme/frozen', '--channel', 'latest', '--repo', 'acme/widget'])
    expect(frozen.code).toBe(4)
    expect(frozen.stdout).toMatch(new RegExp(`^frozen: Release freeze: the rollback tracked in #${issueNumber} `))
    const json = await cli(['--package', '@acme/frozen', '--repo', 'acme/widget', '--json'])
    expect(json.code).toBe(4)
    expect(JSON.parse(json.stdout)).toMatchObject({ frozen: true, issueUrl, issueNumber })
    // a person's token (GET /user names alice) still sees the issue the workflow token opened
    const person = await cli(['--package', '@acme/frozen', '--repo', 'acme/widget'], 'ghp_alice')
    expect(person.code).toBe(4)
    expect(github.requests.some((r) => r.method === 'GET' && r.path === '/user')).toBe(true)
    const free = await cli(['--package', '@acme/other', '--repo', 'acme/widget'])
    expect(free.code).toBe(0)
    expect(free.stdout).toMatch(/^not frozen: /)
    const bad = await cli(['--package', '@acme/frozen'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/^--repo: is required/)
    expect(bad.stderr).not.toMatch(/Input '/)
    const badRepo = await cli(['--package', '@acme/frozen', '--repo', 'not a repo'])
    expect(badRepo.code).toBe(2)
    expect(badRepo.stderr).toMatch(/^--repo: /)
    const help = await cli(['--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/release-rollback freeze-check --package <name>/)
    expect(help.stdout).toMatch(/Exit codes: 0 not frozen, 4 frozen, 1 the check failed, 2 bad input/)
  })

  it(`${OVERRIDE_LABEL} on the issue unfreezes it; closing it too`, async () => {
    const bot = as(TOKEN)
    await bot.rest.issues.addLabels({
      owner: 'acme',
      repo: 'widget',
      issue_number: issueNumber,
      labels: [OVERRIDE_LABEL],
    })
    const overridden = await freezeCheck({ package: '@acme/frozen' })
    expect({ code: overridden.code, outputs: overridden.outputs }).toEqual({
      code: 0,
      outputs: { frozen: 'false', 'freeze-issue-url': issueUrl },
    })
    expect(overridden.summary).toContain(OVERRIDE_LABEL)

    await bot.rest.issues.update({ owner: 'acme', repo: 'widget', issue_number: issueNumber, labels: ['rollback'] })
    expect((await freezeCheck({ package: '@acme/frozen', 'fail-if-frozen': 'false' })).outputs.frozen).toBe('true')
    await bot.rest.issues.update({ owner: 'acme', repo: 'widget', issue_number: issueNumber, state: 'closed' })
    const closed = await freezeCheck({ package: '@acme/frozen' })
    expect({ code: closed.code, outputs: closed.outputs }).toEqual({
      code: 0,
      outputs: { frozen: 'false', 'freeze-issue-url': '' },
    })
    expect((await cli(['--package', '@acme/frozen', '--repo', 'acme/widget'])).code).toBe(0)
  })

  it('a multi-package incident freezes each of its packages', async () => {
    const run = await rollback({ packages: '@acme/multi-a,@acme/multi-b' })
    const url = run.outputs['issue-url']
    expect(github.state.issues.find((i) => i.html_url === url)?.title).toMatch(/^Rollback: 2 packages \(/)
    for (const pkg of ['@acme/multi-a', '@acme/multi-b']) {
      const check = await freezeCheck({ package: pkg, 'fail-if-frozen': 'false' })
      expect({ pkg, outputs: check.outputs }).toEqual({ pkg, outputs: { frozen: 'true', 'freeze-issue-url': url } })
    }
    expect((await cli(['--package', '@acme/multi-b', '--repo', 'acme/widget'])).code).toBe(4)
    expect((await freezeCheck({ package: '@acme/multi-a', channel: 'next' })).outputs.frozen).toBe('false')
  })

  it("a rollback on the command line with a person's token freezes the pipeline (issue 24, finding 4)", async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'rr-freeze-cli-'))
    execFileSync('git', ['init', '-q'], { cwd })
    const child = spawn(
      process.execPath,
      [
        join(root, 'dist', 'cli', 'index.js'),
        ...['--package', '@acme/by-alice', '--rollback', '1.2.3', '--reason', 'same bug', '--registry', registry.url],
        ...['--repo', 'acme/widget', '--no-report', '--yes', '--json'],
      ],
      {
        cwd,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: cwd,
          NPM_TOKEN: registry.token,
          GITHUB_TOKEN: 'ghp_alice',
          GITHUB_API_URL: github.url,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let stdout = ''
    child.stdout.on('data', (d) => (stdout += d))
    const code = await new Promise((resolve) => child.on('close', resolve))
    expect(code).toBe(0)
    const url = (JSON.parse(stdout) as { issueUrl: string }).issueUrl
    expect(github.state.issues.find((i) => i.html_url === url)?.user).toBe('alice')
    // the release pipeline checks with the workflow token
    const check = await freezeCheck({ package: '@acme/by-alice', 'fail-if-frozen': 'false' })
    expect(check.outputs).toEqual({ frozen: 'true', 'freeze-issue-url': url })

    // an undo by id with the workflow token (no report committed): it finds alice's issue by its
    // own verified record, closes it, and the freeze lifts; mallory's copy (no access) is not taken
    const issue = github.state.issues.find((i) => i.html_url === url)
    const id = (JSON.parse(stdout) as { incidentId: string }).incidentId
    expect(id).toMatch(/^rr-[0-9a-f]{16}$/)
    await as('ghp_mallory').rest.issues.create({
      owner: 'acme',
      repo: 'widget',
      title: issue?.title ?? '',
      body: issue?.body ?? '',
      labels: ['rollback'],
    })
    const issues = github.state.issues.length
    const undo = await runAction(
      { undo: 'true', 'incident-id': id, registry: registry.url, 'npm-token': registry.token, 'github-token': TOKEN },
      { env: env() },
    )
    expect(undo.outputs.status).toBe('completed')
    expect(github.state.issues).toHaveLength(issues)
    expect(github.state.issues.find((i) => i.html_url === url)?.state).toBe('closed')
    expect(github.state.issues.filter((i) => i.user === 'mallory').every((i) => i.state === 'open')).toBe(true)
    expect((await freezeCheck({ package: '@acme/by-alice', 'fail-if-frozen': 'false' })).outputs.frozen).toBe('false')
  })

  it("a rollback with another app's token freezes the pipeline; an outsider's copy of its record does not", async () => {
    const run = await runAction(
      {
        'rollback-version': '1.2.3',
        reason: 'same bug',
        package: '@acme/by-app',
        registry: registry.url,
        'npm-token': registry.token,
        'github-token': 'ghs_other_app',
        'commit-report': 'false',
        'github-release': 'false',
      },
      { env: env() },
    )
    expect(run.outputs.status).toBe('completed')
    const url = run.outputs['issue-url']
    const issue = github.state.issues.find((i) => i.html_url === url)
    expect(issue?.user).toBe('other-app[bot]')
    const check = await freezeCheck({ package: '@acme/by-app', 'fail-if-frozen': 'false' })
    expect(check.outputs).toEqual({ frozen: 'true', 'freeze-issue-url': url })

    // mallory (no access) opens the same body, record and all, for @acme/other
    const copied = (issue?.body ?? '').replaceAll('@acme/by-app', '@acme/other')
    await as('ghp_mallory').rest.issues.create({
      owner: 'acme',
      repo: 'widget',
      title: 'Rollback: @acme/other@1.2.3 → 1.2.2 on latest',
      body: issue?.body ?? '',
      labels: ['rollback'],
    })
    await as('ghp_mallory').rest.issues.create({
      owner: 'acme',
      repo: 'widget',
      title: 'x',
      body: copied,
      labels: ['rollback'],
    })
    expect((await freezeCheck({ package: '@acme/other', 'fail-if-frozen': 'false' })).outputs.frozen).toBe('false')
    // closing the app's issue lifts the freeze, though mallory's copy of it stays open
    await as(TOKEN).rest.issues.update({
      owner: 'acme',
      repo: 'widget',
      issue_number: issue?.number ?? 0,
      state: 'closed',
    })
    expect((await freezeCheck({ package: '@acme/by-app', 'fail-if-frozen': 'false' })).outputs.frozen).toBe('false')
  })

  it('a check that cannot be made fails the step and leaves frozen empty', async () => {
    const run = await runAction({ 'freeze-check': 'true', package: '@acme/frozen' }, { env: env() })
    expect(run.code).toBe(1)
    expect(run.outputs).toEqual({ frozen: '', 'freeze-issue-url': '' })
    expect(run.stdout).toMatch(/::error::The release freeze could not be checked: Input 'github-token'/)
  })
})
