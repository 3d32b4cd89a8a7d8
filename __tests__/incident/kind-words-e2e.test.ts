// A Docker incident and a git-tag incident, end to end (issue 22, "a kind's words come from its
// own folder"): the real targets (the distribution registry, the GitHub stand-in), the one runner
// and the GitHub bookkeeping. Their log, job summary, tracking issue, incident report and
// announcements name no dist-tag and no npm command; an npm incident's still say dist-tag.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import type { GitHubInputs, RollbackInputs } from '../../src/config/inputs.js'
import type { Target } from '../../src/core/target.js'
import { createGitHubClient } from '../../src/github/client.js'
import type { RunContext } from '../../src/github/incident.js'
import { renderSummary } from '../../src/incident/summary.js'
import { discordPayload, slackPayload, teamsPayload } from '../../src/notify/channels/index.js'
import { endAnnouncement, startAnnouncement } from '../../src/notify/message.js'
import { createProgress } from '../../src/cli/progress.js'
import { DockerTarget } from '../../src/targets/docker/target.js'
import { GitTagTarget } from '../../src/targets/git-tag/target.js'
import { NpmTarget } from '../../src/targets/npm/target.js'
import { startDockerRegistry, type DockerRegistry } from '../support/docker-registry.mjs'
import { publishPackage } from '../support/fixtures.mjs'
import { startGitHubStandin, type GitHubStandin } from '../support/github-standin.mjs'
import { executeRollback, rollbackInputs } from '../support/helpers.js'
import { fixtureClient, pushRelease } from '../support/oci-fixtures.mjs'
import { startVerdaccio, type Registry } from '../support/verdaccio.mjs'

const TOKEN = 'ghs_test-token'
const fastRetry = { attempts: 3, baseDelayMs: 10, maxDelayMs: 100, deadlineMs: 3000 }
/** npm's words: a dist-tag, or an npm command (`npm dist-tag`, `npm install`, `npm view`, …). */
const NPM_WORDS = /dist-tags?\b|\bnpm [a-z]/

function logger() {
  const lines: string[] = []
  return {
    lines,
    info: (m: string) => void lines.push(m),
    warning: (m: string) => void lines.push(m),
    debug: (_: string) => {},
  }
}

const ctx: RunContext = {
  repository: 'acme/widget',
  serverUrl: 'https://github.com',
  runId: '4242',
  runAttempt: '1',
  actor: 'octocat',
  eventName: 'workflow_dispatch',
  workflow: 'Rollback',
}
const gi: GitHubInputs = {
  token: TOKEN,
  createIssue: true,
  labels: ['rollback'],
  assignees: [],
  commitReport: true,
  reportDir: 'incidents',
  severity: 'high',
}

let github: GitHubStandin | undefined
afterEach(async () => {
  const violations = github?.violations ?? []
  await github?.stop()
  github = undefined
  expect(violations).toEqual([])
})

/** The rollback and its bookkeeping, and every text people read about it. */
async function incident(inputs: RollbackInputs, target: Target, log: ReturnType<typeof logger>) {
  const gh = createGitHubClient({
    token: TOKEN,
    baseUrl: (github as GitHubStandin).url,
    log,
    throttle: false,
    retryBaseMs: 5,
  })
  const { outcome, bookkeeping } = await executeRollback(inputs, gi, target, gh, ctx, log)
  const issue = (github as GitHubStandin).state.issues.find((i) => !i.pull_request)
  const report = (github as GitHubStandin).state.files.main[bookkeeping?.reportPath ?? '']?.content as string
  const announce = {
    request: inputs,
    severity: 'high',
    ctx,
    targets: [{ kind: target.kind, name: inputs.packageName }],
  }
  const start = startAnnouncement(outcome.targets, announce, '2026-11-21T14:00:00.000Z')
  const end = endAnnouncement({ result: outcome }, bookkeeping, announce, '2026-11-21T14:00:05.000Z')
  const announcements = [start, end].flatMap((a) =>
    [slackPayload(a), discordPayload(a), teamsPayload(a)].map((p) => JSON.stringify(p)),
  )
  let progress = ''
  const bar = createProgress({ write: (s: string) => (progress += s) }, [
    { kind: target.kind, name: inputs.packageName },
  ])
  bar.update({ kind: target.kind, name: inputs.packageName, phase: 'writing' })
  bar.update({ kind: target.kind, name: inputs.packageName, phase: 'done' })
  return {
    outcome,
    summary: renderSummary(outcome, bookkeeping),
    log: log.lines,
    issue: issue?.body ?? '',
    report,
    announcements: announcements.join('\n'),
    progress,
  }
}

function expectNoNpmWords(texts: Awaited<ReturnType<typeof incident>>) {
  expect(texts.outcome.status).toBe('completed')
  expect(texts.issue).not.toBe('')
  expect(texts.report).toBeDefined()
  for (const text of [texts.summary, texts.issue, texts.report, texts.announcements, texts.progress])
    expect(text).not.toMatch(NPM_WORDS)
  // the plan's lines too: describePlan takes the kind's words
  for (const line of texts.log) expect(line).not.toMatch(NPM_WORDS)
  expect(texts.issue).not.toMatch(/Who is protected|Yarn/)
}

describe('a Docker incident, end to end (the distribution registry, the GitHub stand-in)', () => {
  let registry: DockerRegistry
  beforeAll(async () => {
    registry = await startDockerRegistry({ auth: 'htpasswd' })
  })
  afterAll(async () => {
    await registry?.stop()
  })

  it('names tags and skopeo, never a dist-tag or an npm command', async () => {
    github = await startGitHubStandin()
    await pushRelease(fixtureClient(registry), 'acme/words', ['1.2.1', '1.2.2', '1.2.3'])
    const image = `${registry.host}/acme/words`
    const inputs = rollbackInputs({ packageName: image, registry: '', deprecate: false })
    const log = logger()
    const target = new DockerTarget({
      image,
      channels: ['latest'],
      preferVersions: ['1.2.3'],
      username: registry.user,
      password: registry.password,
      log,
      retry: fastRetry,
      timeoutMs: 10_000,
      allowInsecureLoopback: true,
    })
    const texts = await incident(inputs, target, log)
    expectNoNpmWords(texts)
    expect(texts.log).toContain("✔ tag 'latest' now points at 1.2.2 (read back from the registry).")
    expect(texts.summary).toContain('| tag `latest` | `1.2.3` | `1.2.2` | **yes** |')
    expect(texts.summary).toContain('Publish a fix as a new tag, then move `latest` to it.')
    expect(texts.issue).toContain(`| Image | \`${image}\` |`)
    expect(texts.issue).toContain('| Channel (tag) | `latest` |')
    expect(texts.issue).toContain(`\`skopeo copy --all 'docker://${image}:<fixed>' 'docker://${image}:latest'\``)
    expect(texts.report).toContain("point tag 'latest' at 1.2.2")
    expect(texts.report).toContain('| Tag | Before the first run |')
    expect(texts.announcements).toContain(`image ${image}`)
    expect(texts.progress).toContain(`docker:${image}: done`)
  })
})

describe('a git-tag incident, end to end (the GitHub stand-in)', () => {
  it('names git tags and git push, never a dist-tag or an npm command', async () => {
    github = await startGitHubStandin()
    for (const v of ['1.2.1', '1.2.2', '1.2.3'])
      github.tags.createTag(`v${v}`, github.tags.addCommit({ message: `release ${v}`, date: '2026-11-01T10:00:00Z' }))
    github.tags.createTag('v1', github.tags.commitOf('v1.2.3') as string)
    const inputs = rollbackInputs({ packageName: 'v1', registry: '', channel: 'v1', deprecate: false })
    const log = logger()
    const target = new GitTagTarget({
      gh: createGitHubClient({ token: TOKEN, baseUrl: github.url, log, throttle: false, retryBaseMs: 5 }),
      repository: 'acme/widget',
      tag: 'v1',
      preferVersions: ['1.2.3'],
      log,
      retry: fastRetry,
    })
    const texts = await incident(inputs, target, log)
    expectNoNpmWords(texts)
    expect(texts.log).toContain("✔ git tag 'v1' now points at 1.2.2 (read back from GitHub).")
    expect(texts.summary).toContain('| git tag `v1` |')
    expect(texts.summary).toContain('Release a fix as a new tag, then move `v1` to it.')
    expect(texts.issue).toContain('| Git tag | `v1` |')
    expect(texts.issue).toContain('| Channel (git tag) | `v1` |')
    expect(texts.issue).toContain("`git push --force origin '<fixed>^{commit}:refs/tags/v1'`")
    expect(texts.report).toContain("point git tag 'v1' at 1.2.2")
    expect(texts.announcements).toContain('git tag v1')
    expect(texts.progress).toContain('git-tag:v1: done')
  })
})

describe('an npm incident, end to end (Verdaccio, the GitHub stand-in)', () => {
  let registry: Registry
  beforeAll(async () => {
    registry = await startVerdaccio()
  })
  afterAll(async () => {
    await registry?.stop()
  })

  it('still names dist-tags and the npm commands', async () => {
    github = await startGitHubStandin()
    const pkg = 'kind-words-widget'
    await publishPackage(registry, pkg, ['1.2.2', '1.2.3'])
    const inputs = rollbackInputs({ packageName: pkg, registry: registry.url, npmToken: registry.token })
    const log = logger()
    const texts = await incident(
      inputs,
      new NpmTarget({ packageName: pkg, registry: registry.url, token: registry.token, log }),
      log,
    )
    expect(texts.outcome.status).toBe('completed')
    expect(texts.log).toContain("✔ dist-tag 'latest' now points at 1.2.2 (read back from the registry).")
    expect(texts.summary).toContain('| dist-tag `latest` |')
    expect(texts.summary).toContain(`\`npm dist-tag add ${pkg}@<fixed> latest\``)
    expect(texts.issue).toContain('| Channel (dist-tag) | `latest` |')
    expect(texts.issue).toContain(`\`npm dist-tag add ${pkg}@<fixed> latest\``)
    expect(texts.issue).toContain(`npm install ${pkg}@1.2.2`)
    expect(texts.issue).toContain('Who is protected')
    expect(texts.report).toContain("point dist-tag 'latest' at 1.2.2")
    expect(texts.report).toContain('| Dist-tag | Before the first run |')
    expect(texts.announcements).toContain(`npm package ${pkg}`)
    expect(texts.progress).toContain(`✔ ${pkg}: done`)
  })
})
