// Undo by incident id over a forged record (issue 24, finding 1): anyone with write access
// can edit the tracking issue's body (and the report on an unprotected branch), so the undo
// acts only on a record that passes src/github/record-check.ts. Each forgery the outside
// review made is refused, naming incident-id, with nothing written: the Verdaccio packument
// is byte-identical before and after, GitHub gets no write (no "Undone" comment carrying the
// forged values). Through the built action (`npm run build` first), against a real Verdaccio
// and the OpenAPI-checked GitHub stand-in; the edits go through the API with another token.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { Octokit } from '@octokit/rest'
import type { IncidentRecord } from '../../src/github/incident.js'
import { issueMarker } from '../../src/github/markers.js'
import { encodeRecord, parseReportRecord } from '../../src/github/record.js'
import { recordProblems } from '../../src/github/record-check.js'
import { incidentId } from '../../src/core/plan.js'
import { publishPackage, snapshot } from '../support/fixtures.mjs'
import { startGitHubStandin, type GitHubStandin } from '../support/github-standin.mjs'
import { root, runAction } from '../support/run-action.mjs'
import { startVerdaccio, type Registry } from '../support/verdaccio.mjs'

let registry: Registry
beforeAll(async () => {
  registry = await startVerdaccio()
})
afterAll(async () => {
  await registry?.stop()
})

const TOKEN = 'ghs_forged-record'
const EDITOR = 'ghp_editor'
const env = (github: GitHubStandin, run: string) => ({
  GITHUB_API_URL: github.url,
  GITHUB_REPOSITORY: 'acme/widget',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_RUN_ID: run,
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_ACTOR: 'octocat',
  GITHUB_EVENT_NAME: 'workflow_dispatch',
})
const writes = (github: GitHubStandin) => github.requests.filter((r) => r.method !== 'GET').length
const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} }

/** Someone with write access edits the issue body's hidden record (and, if asked, its marker). */
async function editIssueRecord(
  github: GitHubStandin,
  number: number,
  edit: (r: IncidentRecord) => IncidentRecord,
): Promise<IncidentRecord> {
  const issue = github.state.issues.find((i) => i.number === number)
  const body = issue?.body ?? ''
  const record = parseReportRecord(body) as IncidentRecord
  const forged = edit(JSON.parse(JSON.stringify(record)) as IncidentRecord)
  const newBody = body
    .replace(/<!-- release-rollback:record [A-Za-z0-9+/=\s]*? -->/, encodeRecord(forged))
    .replace(issueMarker(record.incidentId), issueMarker(forged.incidentId))
  const editor = new Octokit({ auth: EDITOR, baseUrl: github.url, log: silent })
  await editor.rest.issues.update({ owner: 'acme', repo: 'widget', issue_number: number, body: newBody })
  return forged
}

async function rollback(github: GitHubStandin, inputs: Record<string, string>) {
  const run = await runAction(
    {
      'rollback-version': '1.2.3',
      reason: 'broken',
      registry: registry.url,
      'npm-token': registry.token,
      'github-token': TOKEN,
      'github-release': 'false',
      ...inputs,
    },
    { env: env(github, '1') },
  )
  expect({ code: run.code, status: run.outputs.status }).toEqual({ code: 0, status: 'completed' })
  return { id: run.outputs['incident-id'], issue: Number(run.outputs['issue-number']) }
}

/** Undo by the given id: refused naming incident-id, and nothing written anywhere. */
async function expectRefused(github: GitHubStandin, id: string, names: string[], problem: RegExp, extra = {}) {
  const before = await Promise.all(names.map((n) => snapshot(registry, n)))
  const githubWrites = writes(github)
  const comments = github.state.issues.map((i) => i.comments.length)
  const undo = await runAction(
    {
      undo: 'true',
      'incident-id': id,
      registry: registry.url,
      'npm-token': registry.token,
      'github-token': TOKEN,
      ...extra,
    },
    { env: env(github, '2') },
  )
  expect(undo.code).not.toBe(0)
  expect(undo.outputs.status).toBe('failed')
  expect(undo.stdout).toMatch(/::error::Input 'incident-id': /)
  expect(undo.stdout).toMatch(problem)
  expect(await Promise.all(names.map((n) => snapshot(registry, n)))).toEqual(before)
  expect(writes(github)).toBe(githubWrites)
  expect(github.state.issues.map((i) => i.comments.length)).toEqual(comments)
  expect(github.violations).toEqual([])
  return undo
}

const built = existsSync(join(root, 'dist', 'index.js'))

describe('undo by incident-id refuses a forged record, writing nothing (the built action)', () => {
  it("the body edited to point latest back at 0.9.0 (the record's restore target) or 0.1.0 (its bad version)", async () => {
    expect(built).toBe(true)
    const pkg = 'forged-target'
    await publishPackage(registry, pkg, ['0.1.0', '0.9.0', '1.2.2', '1.2.3'])
    const github = await startGitHubStandin({ token: TOKEN, users: { [EDITOR]: 'editor' } })
    try {
      const { id, issue } = await rollback(github, { package: pkg, 'commit-report': 'false' })
      await editIssueRecord(github, issue, (r) => ({ ...r, previousVersion: '0.9.0' }))
      await expectRefused(
        github,
        id,
        [pkg],
        /the rollback moved it off "0\.9\.0", but a rollback moves a channel only off the bad version 1\.2\.3/,
      )
      // the bad version itself edited: the id no longer matches the record
      await editIssueRecord(github, issue, (r) => ({ ...r, rollbackVersion: '0.1.0', previousVersion: '0.1.0' }))
      await expectRefused(github, id, [pkg], new RegExp(`is not what incident ${id} was made of`))
    } finally {
      await github.stop()
    }
  })

  it("another package's SECURITY deprecation: the record pointed at it is refused, with the old id and with one recomputed for it", async () => {
    const pkg = 'forged-own'
    const victim = 'forged-victim'
    const security = 'SECURITY: CVE-2026-0001, remote code execution; upgrade to 1.2.4'
    await publishPackage(registry, pkg, ['1.2.2', '1.2.3'])
    await publishPackage(registry, victim, ['1.2.2', '1.2.3'], {
      distTags: { latest: '1.2.2' },
      deprecated: { '1.2.3': security },
    })
    const github = await startGitHubStandin({ token: TOKEN, users: { [EDITOR]: 'editor' } })
    try {
      const { id, issue } = await rollback(github, { package: pkg, 'commit-report': 'false' })
      const retarget = (r: IncidentRecord): IncidentRecord => ({
        ...r,
        packageName: victim,
        deprecationMessage: security,
        tagsBefore: { latest: '1.2.3' },
      })
      await editIssueRecord(github, issue, retarget)
      await expectRefused(github, id, [pkg, victim], new RegExp(`is not what incident ${id} was made of`))
      // the id recomputed for the forged content (the digest is no secret): its deprecation is still not ours
      const forgedId = incidentId(victim, 'latest', '1.2.3', '1.2.2')
      await editIssueRecord(github, issue, (r) => ({ ...retarget(r), incidentId: forgedId }))
      await expectRefused(
        github,
        forgedId,
        [pkg, victim],
        /the deprecation message "SECURITY: CVE-2026-0001, remote code execution; upgrade to 1\.2\.4" is not one this tool renders for 1\.2\.3/,
      )
    } finally {
      await github.stop()
    }
  })

  it("a deprecation the rollback replaced (the other package's SECURITY text), taken out of the report on the unprotected branch: the report and the issue disagree", async () => {
    const names = ['forged-multi-a', 'forged-multi-b']
    const security = 'SECURITY: CVE-2026-0002, use 1.2.2'
    await publishPackage(registry, names[0], ['1.2.2', '1.2.3'])
    await publishPackage(registry, names[1], ['1.2.2', '1.2.3'], { deprecated: { '1.2.3': security } })
    const github = await startGitHubStandin({ token: TOKEN, users: { [EDITOR]: 'editor' } })
    try {
      const { id } = await rollback(github, { packages: names.join(',') })
      const path = Object.keys(github.state.files.main).find((p) => p.startsWith('incidents/')) as string
      const report = github.state.files.main[path]
      const record = parseReportRecord(report.content) as IncidentRecord
      expect(JSON.stringify(record)).toContain('SECURITY')
      const forged = { ...record, packages: record.packages?.map(({ deprecationBefore: _drop, ...row }) => row) }
      // someone with write access commits the edited report (main is not protected here)
      const editor = new Octokit({ auth: EDITOR, baseUrl: github.url, log: silent })
      await editor.rest.repos.createOrUpdateFileContents({
        owner: 'acme',
        repo: 'widget',
        path,
        branch: 'main',
        message: 'edit',
        sha: report.sha,
        content: Buffer.from(
          report.content.replace(/<!-- release-rollback:record [A-Za-z0-9+/=\s]*? -->/, encodeRecord(forged)),
        ).toString('base64'),
      })
      expect(github.state.files.main[path].content).not.toContain(encodeRecord(record))
      await expectRefused(github, id, names, /disagree on what an undo would do/)
    } finally {
      await github.stop()
    }
  })

  it('bidi and control characters written as the deprecation to put back', async () => {
    const pkg = 'forged-bidi'
    await publishPackage(registry, pkg, ['1.2.2', '1.2.3'])
    const github = await startGitHubStandin({ token: TOKEN, users: { [EDITOR]: 'editor' } })
    try {
      const { id, issue } = await rollback(github, { package: pkg, 'commit-report': 'false' })
      await editIssueRecord(github, issue, (r) => ({ ...r, deprecationBefore: 'use \u202e2.2.1\u202c instead\u0007' }))
      const undo = await expectRefused(
        github,
        id,
        [pkg],
        /deprecationBefore contains bidirectional control characters \(U\+202E/,
      )
      expect(undo.stdout).not.toContain('\u202e')
    } finally {
      await github.stop()
    }
  })

  it('the forged values reach no "Undone" comment: a forged restore target is refused before any write', async () => {
    const pkg = 'forged-comment'
    await publishPackage(registry, pkg, ['0.1.0', '1.2.2', '1.2.3'])
    const github = await startGitHubStandin({ token: TOKEN, users: { [EDITOR]: 'editor' } })
    try {
      const { id, issue } = await rollback(github, { package: pkg, 'commit-report': 'false' })
      await editIssueRecord(github, issue, (r) => ({ ...r, previousVersion: '0.1.0', deprecationBefore: 'pwned' }))
      await expectRefused(github, id, [pkg], /moved it off "0\.1\.0"/)
      const bodies = github.state.issues.flatMap((i) => i.comments.map((c) => c.body))
      expect(bodies.some((b) => b.includes('Undone'))).toBe(false)
      expect(bodies.some((b) => b.includes('0.1.0') || b.includes('pwned'))).toBe(false)
    } finally {
      await github.stop()
    }
  })

  it("a forged record given the rollback's own settings instead of the id is not acted on: the undo goes by the settings, and says so", async () => {
    const pkg = 'forged-settings'
    await publishPackage(registry, pkg, ['0.1.0', '1.2.2', '1.2.3'])
    const github = await startGitHubStandin({ token: TOKEN, users: { [EDITOR]: 'editor' } })
    try {
      const { issue } = await rollback(github, { package: pkg, 'commit-report': 'false' })
      await editIssueRecord(github, issue, (r) => ({ ...r, previousVersion: '0.1.0' }))
      const undo = await runAction(
        {
          undo: 'true',
          package: pkg,
          'rollback-version': '1.2.3',
          'restore-version': '1.2.2',
          reason: 'broken',
          registry: registry.url,
          'npm-token': registry.token,
          'github-token': TOKEN,
          'commit-report': 'false',
        },
        { env: env(github, '2') },
      )
      expect(undo.code).toBe(0)
      expect(undo.stdout).toMatch(
        /::warning::undo: the record of incident rr-[0-9a-f]{16} \(the tracking issue #\d+\) fails the check/,
      )
      const doc = JSON.parse(await snapshot(registry, pkg)) as { distTags: Record<string, string> }
      expect(doc.distTags.latest).toBe('1.2.3')
    } finally {
      await github.stop()
    }
  })
})

describe('recordProblems (pure)', () => {
  const base: IncidentRecord = {
    format: 1,
    incidentId: incidentId('pure-pkg', 'latest', '1.2.3', '1.2.2'),
    packageName: 'pure-pkg',
    channel: 'latest',
    rollbackVersion: '1.2.3',
    restoreVersion: '1.2.2',
    previousVersion: '1.2.3',
    deprecationMessage: '1.2.3 was rolled back: broken. Use 1.2.2 instead.',
    tagsBefore: { latest: '1.2.3' },
    tagsAfter: { latest: '1.2.2' },
    severity: 'high',
    reason: 'broken',
    strategy: 'retag',
    runs: [{ at: '2026-11-21T14:00:00.000Z', status: 'completed' }],
    timeline: [],
    warnings: [],
  }

  it('a record as the rollback writes it passes; so does a custom template given again', () => {
    expect(recordProblems(base)).toEqual([])
    const custom = { ...base, deprecationMessage: '1.2.3: broken (1.2.2)' }
    expect(recordProblems(custom)).toHaveLength(1)
    expect(recordProblems(custom, { templates: ['{version}: {reason} ({restore})'] })).toEqual([])
  })

  it('each field the undo acts on, edited, is named', () => {
    const cases: Array<[Partial<IncidentRecord>, RegExp]> = [
      [{ previousVersion: '0.9.0' }, /moved it off "0\.9\.0"/],
      [{ restoreVersion: '0.1.0' }, /is not what incident/],
      [{ packageName: 'other' }, /is not what incident/],
      [{ channel: 'next' }, /is not what incident/],
      [{ strategy: 'republish' }, /a republish of 1\.2\.3 writes 1\.2\.4/],
      [{ deprecationMessage: 'SECURITY: CVE-1' }, /is not one this tool renders/],
      [{ deprecationBefore: 'a\u0000b' }, /deprecationBefore contains control characters \(U\+0000/],
      [{ reason: 'x\u2066y' }, /reason contains bidirectional control characters/],
      [{ incidentId: 'rr-xyz' }, /not an id this tool makes/],
      [{ rollbackVersion: '^1.2.3' }, /not an exact version/],
    ]
    for (const [over, problem] of cases)
      expect({ over, problems: recordProblems({ ...base, ...over }).join(' ') }).toEqual({
        over,
        problems: expect.stringMatching(problem),
      })
  })
})
