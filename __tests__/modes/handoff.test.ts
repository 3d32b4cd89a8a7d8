// The hand-off (issue 21, part 2): when no CI credential can write (handoff: true, a token
// that needs 2FA on writes, a package set to "Require two-factor authentication and
// disallow tokens"), the built action reads and plans (the smoke test runs in the smoke job), writes nothing to the
// registry, and opens the tracking issue with the exact plan and one command; a maintainer's
// `release-rollback resume <incident-id> --repo owner/name` (the CLI in process, with a
// session token and a web approval the test gives as the person) performs exactly that plan,
// refuses with nothing written when the registry changed, and is a no-op once done.
// Against the npmjs front (support/npmjs-front.mjs) over a real Verdaccio and the
// OpenAPI-checked GitHub stand-in. The action runs from dist/ (`npm run build` first).
import { existsSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { main } from '../../src/cli/main.js'
import { encodeRecord, parseReportRecord } from '../../src/github/record.js'
import type { IncidentRecord } from '../../src/github/incident.js'
import { gitCheckout } from '../support/cli-in-process.js'
import { publishPackage, setDistTag, snapshot } from '../support/fixtures.mjs'
import { startGitHubStandin, type GitHubStandin } from '../support/github-standin.mjs'
import { startNpmjsFront } from '../support/npmjs-front.mjs'
import { root, runAction } from '../support/run-action.mjs'
import { startVerdaccio, type Registry } from '../support/verdaccio.mjs'

let registry: Registry
let front: Awaited<ReturnType<typeof startNpmjsFront>>
let counter = 0

beforeAll(async () => {
  registry = await startVerdaccio()
  front = await startNpmjsFront({ upstream: registry.url, upstreamToken: registry.token })
  front.retryAfter = 1
  // npm/cli#9803 is the deprecation tests' case, not the hand-off's
  front.deprecationBug = false
})
afterAll(async () => {
  await front?.close()
  await registry?.stop()
})

const REASON = 'Memory persistence corrupts data on restart'
const DEPRECATED = `1.2.3 was rolled back: ${REASON}. Use 1.2.2 instead.`
// the workflow's token acts as github-actions[bot]; the maintainer's own token as a person
const BOT = 'ghs_handoff-workflow'
const MAINTAINER = 'ghp_handoff-maintainer'

async function fixture(): Promise<string> {
  const name = `@acme/handoff-${++counter}`
  await publishPackage(registry, name, ['1.2.2', '1.2.3'])
  return name
}

const writesSince = (from: number) =>
  front.requests.slice(from).filter((r) => r.method !== 'GET' && r.method !== 'HEAD')
const githubWrites = (github: GitHubStandin) => github.requests.filter((r) => r.method !== 'GET').length

const built = existsSync(join(root, 'dist', 'index.js'))

/** The built action, as a workflow runs it, on the front. */
async function action(github: GitHubStandin, name: string, inputs: Record<string, string>, run = '1') {
  return runAction(
    {
      'rollback-version': '1.2.3',
      reason: REASON,
      package: name,
      registry: front.url,
      'github-token': BOT,
      ...inputs,
    },
    {
      env: {
        GITHUB_API_URL: github.url,
        GITHUB_REPOSITORY: 'acme/widget',
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_RUN_ID: run,
        GITHUB_RUN_ATTEMPT: '1',
        GITHUB_ACTOR: 'octocat',
        GITHUB_EVENT_NAME: 'workflow_dispatch',
      },
    },
  )
}

/**
 * The maintainer's `release-rollback resume`, in process, approving each link it prints (unless
 * `approve` is false). The maintainer's own .npmrc names their registry (the front), as npm finds it.
 */
async function resume(github: GitHubStandin, id: string, npmToken: string, o: { approve?: boolean } = {}) {
  let out = ''
  const links: string[] = []
  const watch = (s: string) => {
    out += s
    for (const m of s.matchAll(/Open this URL to approve: (\S+)/g)) {
      links.push(m[1])
      if (o.approve !== false) setImmediate(() => front.approve(m[1].split('/').pop() as string))
    }
  }
  const cwd = gitCheckout('rr-handoff-')
  writeFileSync(join(cwd, '.npmrc'), `registry=${front.url}\n`)
  const from = front.requests.length
  const ghFrom = githubWrites(github)
  const code = await main({
    argv: ['resume', id, '--repo', 'acme/widget', '--yes', '--approval-timeout', '20s'],
    env: {
      PATH: process.env.PATH ?? '',
      HOME: cwd,
      NPM_TOKEN: npmToken,
      GITHUB_TOKEN: MAINTAINER,
      GITHUB_API_URL: github.url,
      GITHUB_SERVER_URL: 'https://github.com',
    },
    cwd,
    stdout: watch,
    stderr: watch,
    ask: async () => undefined,
    version: '0.0.0-test',
    tty: { stdout: false, stderr: false, stdin: false, columns: 100 },
  })
  return { code, out, links, writes: writesSince(from), githubWrites: githubWrites(github) - ghFrom }
}

const reports = (github: GitHubStandin) =>
  Object.entries(github.state.files.main ?? {}).filter(([path]) => path.startsWith('incidents/'))

function reportRecord(github: GitHubStandin): IncidentRecord {
  const found = reports(github)
  expect(found).toHaveLength(1)
  const record = parseReportRecord(found[0][1].content)
  if (!record) throw new Error('the report carries no record')
  return record
}

const standin = () => startGitHubStandin({ token: BOT, users: { [MAINTAINER]: 'maintainer' } })

describe('the hand-off (built action) and the resume (command line)', () => {
  it('handoff: true writes nothing to the registry and opens one issue with the plan and the command; resume with a session token and a web approval completes it (one issue, one report); a second resume is a no-op', async () => {
    expect(built).toBe(true)
    const name = await fixture()
    const before = await snapshot(registry, name)
    const github = await standin()
    try {
      const from = front.requests.length
      // no npm token at all: a hand-off only reads
      // no smoke-test: this run holds the GitHub token, and a smoke command runs only where no credential is
      // (the reusable workflows' smoke job, issue 24)
      const handoff = await action(github, name, { handoff: 'true' })
      expect(handoff.stderr).toBe('')
      expect(handoff.code).toBe(0)
      expect(handoff.outputs).toMatchObject({ status: 'awaiting-approval', handoff: 'true', moved: 'false' })
      const id = handoff.outputs['incident-id']
      expect(id).toMatch(/^rr-[0-9a-f]{16}$/)
      // it wrote nothing to the registry: not one write request, the packument unchanged
      expect(writesSince(from)).toEqual([])
      expect(await snapshot(registry, name)).toBe(before)

      // one issue, with the plan and the maintainer's one command
      const command = `npx release-rollback@1 resume ${id} --repo acme/widget`
      expect(github.state.issues).toHaveLength(1)
      const body = github.state.issues[0].body ?? ''
      expect(body).toContain(command)
      expect(body).toContain('Waiting for a maintainer')
      expect(handoff.summary).toContain(command)
      // the record holds the exact plan
      const record = reportRecord(github)
      expect(record.runs.map((r) => r.status)).toEqual(['awaiting-approval'])
      expect(record.handoff).toMatchObject({
        registry: front.url,
        command,
        targets: [
          { kind: 'npm', name, channel: 'latest', expected: '1.2.3', restore: '1.2.2', deprecationMessage: DEPRECATED },
        ],
      })
      // nothing was marked on GitHub Releases either: nothing is rolled back yet
      expect(github.violations).toEqual([])

      // the maintainer: a session token (2FA on every write), approving in the browser
      const done = await resume(github, id, front.token('session'))
      expect(done.out).toMatch(/Done\./)
      expect(done.code).toBe(0)
      const after = JSON.parse(await snapshot(registry, name)) as {
        distTags: Record<string, string>
        deprecated: Record<string, string | null>
      }
      expect(after.distTags.latest).toBe('1.2.2')
      expect(after.deprecated['1.2.3']).toBe(DEPRECATED)
      // the writes went through the web approval: each refused write followed by the approved one
      expect(done.links.length).toBeGreaterThanOrEqual(1)
      expect(done.writes.filter((w) => w.status < 300).map((w) => w.method)).toEqual(['PUT', 'PUT'])
      expect(done.writes.filter((w) => w.status < 300).every((w) => w.headers['npm-otp'] === '[redacted]')).toBe(true)
      // one issue (commented on as "resumed"), one report, which now records the completion and the wait
      expect(github.state.issues).toHaveLength(1)
      const comment = github.state.issues[0].comments.at(-1)?.body ?? ''
      expect(comment).toContain('Resumed by a maintainer')
      const resumed = reportRecord(github)
      expect(resumed.runs.map((r) => [r.status, r.trigger])).toEqual([
        ['awaiting-approval', 'workflow_dispatch'],
        ['completed', 'resume'],
      ])
      expect(resumed.handoff?.command).toBe(command)
      expect(resumed.impact?.startedAt).toBe(record.handoff?.startedAt)
      expect(resumed.impact?.resumedAt).toBeDefined()
      expect(resumed.impact?.toResumeMs).toBe(
        Date.parse(resumed.impact?.resumedAt ?? '') - Date.parse(record.handoff?.startedAt ?? ''),
      )
      expect(resumed.impact?.resumeToProtectionMs).toBe(
        Date.parse(resumed.impact?.protectedAt ?? '') - Date.parse(resumed.impact?.resumedAt ?? ''),
      )
      expect(reports(github)[0][1].content).toContain("the maintainer's command ran")
      expect(github.violations).toEqual([])

      // a second resume: says so, changes nothing anywhere
      const again = await resume(github, id, front.token('session'))
      expect(again.code).toBe(0)
      expect(again.out).toMatch(/Already resumed: incident .* was finished/)
      expect(again.writes).toEqual([])
      expect(again.links).toEqual([])
      expect(again.githubWrites).toBe(0)
    } finally {
      await github.stop()
    }
  })

  it('resume after a fix was published meanwhile: refuses, writes nothing, and says why', async () => {
    expect(built).toBe(true)
    const name = await fixture()
    const github = await standin()
    try {
      const handoff = await action(github, name, { handoff: 'true' })
      expect(handoff.outputs.status).toBe('awaiting-approval')
      const id = handoff.outputs['incident-id']
      // the team ships 1.2.4 before the maintainer gets to the command (the fixture leaves latest on 1.2.3)
      await publishPackage(registry, name, ['1.2.4'], { distTags: { latest: '1.2.3' } })
      const before = await snapshot(registry, name)
      const ghBefore = githubWrites(github)

      const refused = await resume(github, id, front.token('session'))
      expect(refused.code).toBe(1)
      expect(refused.out).toMatch(/Resume of rr-[0-9a-f]{16} refused/)
      expect(refused.out).toMatch(/1\.2\.4 was published .*after the hand-off/)
      expect(refused.out).toMatch(/nothing was written/)
      expect(refused.writes).toEqual([])
      expect(refused.links).toEqual([])
      expect(await snapshot(registry, name)).toBe(before)
      expect(githubWrites(github)).toBe(ghBefore)

      // the channel moved elsewhere (someone pointed it at the fix): refused as well
      await setDistTag(registry, name, 'latest', '1.2.4')
      const moved = await resume(github, id, front.token('session'))
      expect(moved.code).toBe(1)
      expect(moved.out).toMatch(/refused/)
      expect(moved.writes).toEqual([])
    } finally {
      await github.stop()
    }
  })

  it('resume of a record that fails the record check (restore version edited in the report and the issue): refused, nothing written anywhere', async () => {
    expect(built).toBe(true)
    const name = await fixture()
    await publishPackage(registry, name, ['1.2.1'], { distTags: { latest: '1.2.3' } })
    const github = await standin()
    try {
      const handoff = await action(github, name, { handoff: 'true' })
      expect(handoff.outputs.status).toBe('awaiting-approval')
      const id = handoff.outputs['incident-id']
      const record = reportRecord(github)
      const forged = encodeRecord({ ...record, restoreVersion: '1.2.1' })
      for (const f of Object.values(github.state.files.main ?? {}))
        f.content = f.content.replace(/<!-- release-rollback:record [^ ]+ -->/, forged)
      for (const i of github.state.issues)
        i.body = (i.body ?? '').replace(/<!-- release-rollback:record [^ ]+ -->/, forged)
      const before = await snapshot(registry, name)
      const ghBefore = githubWrites(github)
      const refused = await resume(github, id, front.token('session'))
      expect(refused.code).toBe(2)
      expect(refused.out).toMatch(/fails the check an undo makes before it acts, so nothing was changed/)
      expect(refused.writes).toEqual([])
      expect(await snapshot(registry, name)).toBe(before)
      expect(githubWrites(github)).toBe(ghBefore)
    } finally {
      await github.stop()
    }
  })

  it("resume of a record whose hand-off names another registry (rewritten consistently, so it passes the record check): refused before the maintainer's npm token goes anywhere, nothing written", async () => {
    expect(built).toBe(true)
    const name = await fixture()
    const github = await standin()
    // the host a forged record names: it must never see a request (the maintainer's token would be in it)
    const seen: string[] = []
    const other = createServer((req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`)
      res.writeHead(404).end()
    })
    await new Promise<void>((done) => other.listen(0, '127.0.0.1', done))
    const elsewhere = `http://127.0.0.1:${(other.address() as { port: number }).port}/`
    try {
      const handoff = await action(github, name, { handoff: 'true' })
      expect(handoff.outputs.status).toBe('awaiting-approval')
      const id = handoff.outputs['incident-id']
      const record = reportRecord(github)
      expect(record.handoff?.registry).toBe(front.url.endsWith('/') ? front.url : `${front.url}/`)
      const forged = encodeRecord({
        ...record,
        handoff: { ...(record.handoff as NonNullable<IncidentRecord['handoff']>), registry: elsewhere },
      })
      for (const f of Object.values(github.state.files.main ?? {}))
        f.content = f.content.replace(/<!-- release-rollback:record [^ ]+ -->/, forged)
      for (const i of github.state.issues)
        i.body = (i.body ?? '').replace(/<!-- release-rollback:record [^ ]+ -->/, forged)
      const before = await snapshot(registry, name)
      const ghBefore = githubWrites(github)
      const refused = await resume(github, id, front.token('session'))
      expect(refused.code).toBe(2)
      expect(refused.out).toContain(
        `--registry: is ${front.url.endsWith('/') ? front.url : `${front.url}/`} by your own settings`,
      )
      expect(refused.out).toContain(elsewhere)
      expect(refused.out).toMatch(/nothing was written and no npm token was used/)
      expect(refused.out).toMatch(/run resume again with --registry/)
      expect(seen).toEqual([])
      expect(refused.writes).toEqual([])
      expect(refused.links).toEqual([])
      expect(await snapshot(registry, name)).toBe(before)
      expect(githubWrites(github)).toBe(ghBefore)
    } finally {
      await new Promise((done) => other.close(done))
      await github.stop()
    }
  })

  it('the preflight hands off by itself: a session token (2FA on writes) and a package that disallows tokens; only the refused probe reached the registry', async () => {
    expect(built).toBe(true)
    const github = await standin()
    try {
      const cases: Array<[string, () => Promise<string>, RegExp]> = [
        ['session', async () => front.token('session'), /needs a second factor \(2FA\)/],
        [
          'disallow-tokens',
          async () => {
            front.packageSettings[names.at(-1) as string] = 'disallow-tokens'
            return front.token('granular-bypass')
          },
          /Require two-factor authentication and disallow tokens/,
        ],
      ]
      const names: string[] = []
      let run = 10
      for (const [, token, why] of cases) {
        const name = await fixture()
        names.push(name)
        const before = await snapshot(registry, name)
        const from = front.requests.length
        const issues = github.state.issues.length
        const out = await action(github, name, { 'npm-token': await token() }, String(run++))
        expect(out.code).toBe(0)
        expect(out.outputs).toMatchObject({ status: 'awaiting-approval', handoff: 'true' })
        // the preflight's probe was refused (nothing written); no rollback write was sent
        const writes = writesSince(from)
        expect(writes.length).toBeGreaterThan(0)
        expect(writes.every((w) => w.status >= 400)).toBe(true)
        expect(await snapshot(registry, name)).toBe(before)
        expect(github.state.issues).toHaveLength(issues + 1)
        expect(github.state.issues.at(-1)?.body ?? '').toMatch(why)
        expect(out.summary).toContain(`resume ${out.outputs['incident-id']} --repo acme/widget`)
      }
      expect(github.violations).toEqual([])
    } finally {
      await github.stop()
    }
  })
})
