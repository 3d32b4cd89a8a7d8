// A gitops target like any other kind (issue 23), through the built action and the GitHub stand-in:
// undo by incident-id alone puts the value back, and the drill reads the file and its history
// without a commit to it.
import { afterEach, describe, expect, it } from '@jest/globals'
import { startGitHubStandin, type GitHubStandin } from '../../support/github-standin.mjs'
import { runAction } from '../../support/run-action.mjs'

const PATH = 'deploy/prod/values.yaml'
const TOKEN = 'ghs_gitops'
const values = (tag: string) => `# prod values
image:
  repository: ghcr.io/acme/app # the image
  tag: "${tag}"
replicas: 3   # keep
`

const running: GitHubStandin[] = []
afterEach(async () => {
  for (const s of running.splice(0)) {
    await s.stop()
    expect(s.violations).toEqual([])
  }
})

/** The file at 1.2.2, then bumped to the bad 1.2.3 by a commit. */
async function standin(): Promise<GitHubStandin> {
  const github = await startGitHubStandin({ token: TOKEN, files: { [PATH]: values('1.2.2') } })
  running.push(github)
  const headers = { authorization: `token ${TOKEN}`, 'content-type': 'application/json' }
  const at = `${github.url}/repos/acme/widget/contents/${PATH}`
  const { sha } = (await (await fetch(at, { headers })).json()) as { sha: string }
  const put = await fetch(at, {
    method: 'PUT',
    headers,
    body: JSON.stringify({ message: 'Release 1.2.3', sha, content: Buffer.from(values('1.2.3')).toString('base64') }),
  })
  expect(put.status).toBe(200)
  return github
}

const env = (github: GitHubStandin, attempt: string) => ({
  GITHUB_API_URL: github.url,
  GITHUB_REPOSITORY: 'acme/widget',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_RUN_ID: '2323',
  GITHUB_RUN_ATTEMPT: attempt,
})
const fileCommits = (github: GitHubStandin) =>
  github.requests.filter((q) => q.method === 'PUT' && q.path.includes(`/contents/${PATH}`) && q.status < 300).length

describe('gitops: undo by incident-id and the drill', () => {
  it('incident-id alone puts the value back (the file as before, byte for byte); a second undo writes nothing', async () => {
    const github = await standin()
    const target = { targets: `gitops:${PATH}#image.tag`, 'github-token': TOKEN }
    const first = await runAction(
      { ...target, 'rollback-version': '1.2.3', reason: 'Memory leak' },
      { env: env(github, '1') },
    )
    expect([first.code, first.outputs.status]).toEqual([0, 'completed'])
    expect(github.state.files.main[PATH].content).toBe(values('1.2.2'))

    const byId = { 'github-token': TOKEN, undo: 'true', 'incident-id': first.outputs['incident-id'] }
    const undo = await runAction(byId, { env: env(github, '2') })
    expect(undo.stderr).toBe('')
    expect([undo.code, undo.outputs.status]).toEqual([0, 'completed'])
    const rows = JSON.parse(undo.outputs.targets) as Array<Record<string, unknown>>
    expect(rows.map((r) => [r.kind, r.name, r.outcome, r.restored])).toEqual([
      ['gitops', `${PATH}#image.tag`, 'rolled-back', '1.2.3'],
    ])
    expect(github.state.files.main[PATH].content).toBe(values('1.2.3'))

    const commits = fileCommits(github)
    const again = await runAction(byId, { env: env(github, '3') })
    expect([again.code, again.outputs.status]).toEqual([0, 'already-done'])
    expect(fileCommits(github)).toBe(commits)
  })

  it('the drill reads the file and its history, finds the last known good, and commits nothing to the file', async () => {
    const github = await standin()
    const before = fileCommits(github)
    const drill = await runAction(
      { targets: `gitops:${PATH}#image.tag`, 'github-token': TOKEN, drill: 'true', 'rollback-version': 'current' },
      { env: env(github, '1') },
    )
    expect(drill.stderr).toBe('')
    expect([drill.code, drill.outputs.status]).toEqual([0, 'drill-passed'])
    expect(fileCommits(github)).toBe(before)
    expect(github.state.files.main[PATH].content).toBe(values('1.2.3'))
    // the file's history was read: the commits listing for the path, and the file at those commits
    expect(
      github.requests.some((q) => q.method === 'GET' && q.path.endsWith('/commits') && q.query.path === PATH),
    ).toBe(true)
    const report = Object.entries(github.state.files.main).find(([p]) => p.startsWith('incidents/drills/'))?.[1]
    expect(report?.content).toContain(`gitops:${PATH}\\#image.tag | last known good | ✅ passed`)
    expect(report?.content).toContain("'image.tag' holds 1.2.3; a rollback would restore 1.2.2.")
  })
})
