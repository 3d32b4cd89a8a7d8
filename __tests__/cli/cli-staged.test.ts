// The command line under staged publishing (issue 21 §1), in process, against the npmjs test
// front (support/npmjs-front.mjs, npmjs's rules in front of a real Verdaccio) and the GitHub
// stand-in: `--strategy republish --republish-stage` stages the fix-forward version, puts
// the channel on the restore version, exits 5 (awaiting-approval) with the staged version,
// its stage id and the approval command in --json, and the tracking issue, its re-run
// comment and the report give that command. A bad --republish-stage exits 2 naming it.
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import Ajv2020Module from 'ajv/dist/2020.js'
import { runCli as cli } from '../support/cli-in-process.js'
import { publishPackage, snapshot } from '../support/fixtures.mjs'
import { startGitHubStandin, type GitHubStandin } from '../support/github-standin.mjs'
import { startNpmjsFront } from '../support/npmjs-front.mjs'
import { startVerdaccio, type Registry } from '../support/verdaccio.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const schema = JSON.parse(readFileSync(join(root, 'docs', 'cli-json.schema.json'), 'utf8')) as object
const Ajv2020 = ((Ajv2020Module as unknown as { default?: unknown }).default ??
  Ajv2020Module) as unknown as typeof Ajv2020Module.default
const validate = new Ajv2020({ allErrors: true, strict: true, validateFormats: false }).compile(schema)

let registry: Registry
let front: Awaited<ReturnType<typeof startNpmjsFront>>
let github: GitHubStandin
let counter = 0
const GH_TOKEN = 'ghs_cli-staged'

beforeAll(async () => {
  registry = await startVerdaccio()
  front = await startNpmjsFront({ upstream: registry.url, upstreamToken: registry.token })
  github = await startGitHubStandin({ token: GH_TOKEN })
})
afterAll(async () => {
  await github?.stop()
  await front?.close()
  await registry?.stop()
})

async function fixture(): Promise<string> {
  const name = `@acme/cli-staged-${++counter}`
  await publishPackage(registry, name, ['1.2.2', '1.2.3'])
  return name
}

const args = (name: string, ...more: string[]) => [
  '--package',
  name,
  '--rollback',
  '1.2.3',
  '--reason',
  'Memory persistence corrupts data on restart',
  '--registry',
  front.url,
  '--strategy',
  'republish',
  '--yes',
  '--json',
  ...more,
]

/** The --json document, checked against docs/cli-json.schema.json. */
function checked(stdout: string): Record<string, unknown> {
  const doc = JSON.parse(stdout) as Record<string, unknown>
  expect(validate(doc) ? [] : validate.errors).toEqual([])
  return doc
}

describe('the CLI with --strategy republish --republish-stage', () => {
  it('stages the fix, exits 5 with stagedVersion, stageId and approveCommand; the issue, its re-run comment and the report give the command', async () => {
    const name = await fixture()
    const env = { NPM_TOKEN: front.token('granular-bypass'), GITHUB_TOKEN: GH_TOKEN, GITHUB_API_URL: github.url }
    const issuesBefore = github.state.issues.length

    const first = await cli(args(name, '--republish-stage', '--repo', 'acme/widget'), { env })
    expect(first.code).toBe(5)
    const doc = checked(first.stdout)
    const stageId = doc.stageId as string
    expect(stageId).toMatch(/^[0-9a-f-]{36}$/)
    expect(doc).toMatchObject({
      exitCode: 5,
      status: 'awaiting-approval',
      stagedVersion: '1.2.4',
      approveCommand: `npm stage approve ${stageId}`,
    })
    expect(front.staged.filter((s) => s.name === name)).toEqual([
      expect.objectContaining({ version: '1.2.4', stageId, approved: false }),
    ])
    const s = JSON.parse(await snapshot(registry, name)) as { distTags: Record<string, string> }
    expect(s.distTags.latest).toBe('1.2.2')

    // the tracking issue: the staged version and the approval command, not only as a warning
    expect(github.state.issues).toHaveLength(issuesBefore + 1)
    const issue = github.state.issues.at(-1) as (typeof github.state.issues)[number]
    const body = issue.body ?? ''
    const block = body.slice(body.indexOf('### ⏳ Staged'))
    expect(block).toContain(`\`${name}@1.2.4\` waits for a maintainer's approval`)
    expect(block).toContain(`\`\`\`sh\nnpm stage approve ${stageId}\n\`\`\``)
    expect(body).not.toContain('Handed off')
    // the report gives it too
    const report = github.state.commits.at(-1)?.content ?? ''
    expect(report).toContain(`## ⏳ Staged: \`${name}@1.2.4\``)
    expect(report).toContain(`npm stage approve ${stageId}`)

    // a re-run before the approval: exit 5 again, the comment repeats the command
    const waiting = await cli(args(name, '--republish-stage', '--repo', 'acme/widget'), { env })
    expect(waiting.code).toBe(5)
    expect(checked(waiting.stdout)).toMatchObject({ stageId, approveCommand: `npm stage approve ${stageId}` })
    const comment = issue.comments.at(-1)?.body ?? ''
    expect(comment).toContain(`\`\`\`sh\nnpm stage approve ${stageId}\n\`\`\``)

    // after the approval: completed, exit 0, the report no longer asks for it
    await front.approveStage(stageId)
    const after = await cli(args(name, '--republish-stage', '--repo', 'acme/widget'), { env })
    expect(after.code).toBe(0)
    const done = checked(after.stdout)
    expect(done.status).toBe('completed')
    expect(done.stageId).toBeUndefined()
    // (a command-line run has no run id: the issue keeps its one local-run comment) the report no longer asks for it
    const final = github.state.commits.at(-1)?.content ?? ''
    expect(final).toContain('1.2.4')
    expect(final).not.toContain('Staged:')
    expect(final).not.toContain('npm stage approve')
    expect(github.violations).toEqual([])
    expect(first.stdout + first.stderr + waiting.stderr + after.stderr).not.toContain(env.NPM_TOKEN)
  })

  it('a bad --republish-stage exits 2 naming the flag, nothing written', async () => {
    const name = await fixture()
    const env = { NPM_TOKEN: front.token('stage-only') }
    const from = front.requests.length
    const valued = await cli(args(name, '--republish-stage=maybe'), { env })
    expect(valued.code).toBe(2)
    expect(valued.stderr).toContain('--republish-stage')
    const retag = await cli([...args(name, '--republish-stage'), '--strategy', 'retag'], { env })
    expect(retag.code).toBe(2)
    expect(checked(retag.stdout).status).toBe('failed')
    expect(retag.stderr).toContain('--republish-stage')
    expect(retag.stderr).toMatch(/^--republish-stage: /)
    expect(front.requests.slice(from).filter((r) => r.method !== 'GET' && r.method !== 'HEAD')).toEqual([])
  })
})

describe('undo by incident id while the fix is staged', () => {
  it('puts the channel back on the bad version and clears the deprecation the staged run wrote', async () => {
    const name = await fixture()
    const env = { NPM_TOKEN: front.token('granular-bypass'), GITHUB_TOKEN: GH_TOKEN, GITHUB_API_URL: github.url }
    const first = await cli(args(name, '--republish-stage', '--repo', 'acme/widget'), { env })
    expect(first.code).toBe(5)
    const id = checked(first.stdout).incidentId as string
    const undo = await cli(
      ['--undo', '--incident-id', id, '--registry', front.url, '--repo', 'acme/widget', '--yes', '--json'],
      { env },
    )
    const s = JSON.parse(await snapshot(registry, name)) as {
      distTags: Record<string, string>
      deprecated: Record<string, string | null>
    }
    expect(s.distTags.latest).toBe('1.2.3')
    expect(s.deprecated['1.2.3'] ?? '').toBe('')
    expect(undo.code).toBe(0)
  })
})
