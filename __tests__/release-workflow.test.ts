// The action's own release (.github/workflows/release.yml) and Dependabot. The generic checks
// (SHA pins, no ${{ }} in run:, permissions, actionlint, shellcheck, no secret next to an
// install) run over it in workflows.test.ts; here its steps are run with bash, as the runner
// runs them, against this checkout and against the GitHub stand-in.
import { execFileSync, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { parse } from 'yaml'
import { root } from './support/run-action.mjs'
import { startGitHubStandin, type GitHubStandin } from './support/github-standin.mjs'

type Step = {
  id?: string
  name?: string
  uses?: string
  run?: string
  env?: Record<string, string>
  with?: Record<string, unknown>
}
type Job = {
  needs?: string | string[]
  if?: string
  permissions?: unknown
  outputs?: Record<string, string>
  steps?: Step[]
}
type Workflow = {
  on: Record<
    string,
    { inputs?: Record<string, { type?: string; required?: boolean; default?: unknown }>; tags?: string[] }
  >
  concurrency?: unknown
  jobs: Record<string, Job>
}

const wf = parse(readFileSync(join(root, '.github', 'workflows', 'release.yml'), 'utf8')) as Workflow
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }
const INSTALL = /(^|[\s;&|(])(npm\s+(ci|install|i|add|install-test|it)|yarn(\s+install)?|pnpm\s+(install|i|add))(\s|$)/m
const SECRET = /\$\{\{[^}]*\b(secrets\.|github\.token\b)/
const runs = (j: Job, re: RegExp) => (j.steps ?? []).some((s) => typeof s.run === 'string' && re.test(s.run))
const usesAction = (j: Job, action: string) => (j.steps ?? []).some((s) => s.uses?.startsWith(`${action}@`))
const stepNamed = (job: string, name: RegExp): Step => {
  const step = (wf.jobs[job]?.steps ?? []).find((s) => name.test(s.name ?? ''))
  if (!step?.run) throw new Error(`release.yml: no run: step ${name} in job ${job}`)
  return step
}

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rr-release-wf-'))
})
afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

interface StepRun {
  code: number | null
  stdout: string
  stderr: string
  output: string
  summary: string
}

/** Runs a step's script as the runner does (bash --noprofile --norc -eo pipefail), with the given env. */
async function runStep(step: Step, cwd: string, env: Record<string, string>): Promise<StepRun> {
  const output = join(dir, `output-${Math.random().toString(36).slice(2)}`)
  const summary = `${output}-summary`
  writeFileSync(output, '')
  writeFileSync(summary, '')
  // every ${{ }} of the step's env: is set by the test (a missing one fails here, not silently)
  for (const name of Object.keys(step.env ?? {}))
    if (!(name in env)) throw new Error(`the test does not set the step's env ${name}`)
  // asynchronously: the GitHub stand-in answers from this process
  const child = spawn('bash', ['--noprofile', '--norc', '-e', '-o', 'pipefail', '-c', String(step.run)], {
    cwd,
    env: {
      PATH: process.env.PATH ?? '',
      GITHUB_OUTPUT: output,
      GITHUB_STEP_SUMMARY: summary,
      RUNNER_TEMP: dir,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d) => (stdout += d))
  child.stderr.on('data', (d) => (stderr += d))
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  return { code, stdout, stderr, output: readFileSync(output, 'utf8'), summary: readFileSync(summary, 'utf8') }
}

describe('release.yml', () => {
  const { check, tag, publish } = wf.jobs

  it('runs on a dispatch with a version, or on a push of a vX.Y.Z tag; one release at a time, never cancelled', async () => {
    expect(wf.on.workflow_dispatch.inputs?.version).toMatchObject({ type: 'string', required: true })
    expect(wf.on.push.tags).toEqual(['v[0-9]+.[0-9]+.[0-9]+', 'v[0-9]+.[0-9]+.[0-9]+-*'])
    expect(Object.keys(wf.on).sort()).toEqual(['push', 'workflow_dispatch'])
    expect(wf.concurrency).toEqual({ group: 'release', 'cancel-in-progress': false })
  })

  it('check installs and builds with read access and no secret, and fails on a stale dist/', async () => {
    expect(check.permissions).toEqual({ contents: 'read' })
    expect(JSON.stringify(check)).not.toMatch(SECRET)
    expect(runs(check, /^npm ci$/m)).toBe(true)
    expect(runs(check, /^npm run build$/m)).toBe(true)
    const steps = (check.steps ?? []).map((s) => s.name ?? s.uses ?? '')
    const at = (re: RegExp) => steps.findIndex((s) => re.test(s))
    // the version and the changelog first (cheap), then install, build, compare, pack
    expect(at(/validate the version/)).toBeLessThan(at(/^Install$/))
    expect(at(/CHANGELOG/)).toBeLessThan(at(/^Install$/))
    expect(at(/^Build$/)).toBeLessThan(at(/dist\/ is what the commit holds/))
    expect(at(/dist\/ is what the commit holds/)).toBeLessThan(at(/^Pack/))
    expect((check.steps ?? []).find((s) => s.uses?.startsWith('actions/checkout@'))?.with).toEqual({
      'persist-credentials': false,
    })
  })

  it('tag writes the tags with contents: write and nothing else, after check, and runs no code of the repository', async () => {
    expect(tag.permissions).toEqual({ contents: 'write' })
    expect(tag.needs).toBe('check')
    expect(runs(tag, INSTALL)).toBe(false)
    expect((tag.steps ?? []).every((s) => s.uses === undefined)).toBe(true)
  })

  it('publish only signs provenance, installs and checks out nothing, and publishes the checked tarball with --ignore-scripts', async () => {
    expect(publish.permissions).toEqual({ 'id-token': 'write' })
    expect([publish.needs].flat()).toEqual(['check', 'tag'])
    expect(runs(publish, INSTALL)).toBe(false)
    expect(usesAction(publish, 'actions/checkout')).toBe(false)
    expect(usesAction(publish, 'actions/download-artifact')).toBe(true)
    expect(runs(publish, /npm publish "\$tarball" [^\n]*--provenance[^\n]*--ignore-scripts/)).toBe(true)
    expect(runs(publish, /npm stage publish "\$tarball" [^\n]*--provenance[^\n]*--ignore-scripts/)).toBe(true)
    expect(usesAction(check, 'actions/upload-artifact')).toBe(true)
  })

  it('stages by default: the dispatch choice defaults to stage, and a tag push (no inputs) stages too', async () => {
    expect(wf.on.workflow_dispatch.inputs?.['npm-publish-mode']).toMatchObject({
      type: 'choice',
      default: 'stage',
      options: ['stage', 'direct'],
    })
    expect(stepNamed('publish', /^Publish$/).env?.MODE).toBe("${{ inputs.npm-publish-mode || 'stage' }}")
  })

  describe('the version step', () => {
    const step = stepNamed('check', /validate the version/)
    const workspace = (version: string) => {
      const ws = mkdtempSync(join(dir, 'ws-'))
      writeFileSync(join(ws, 'package.json'), JSON.stringify({ name: 'release-rollback', version }))
      return ws
    }
    const dispatch = (input: string, cwd: string) =>
      runStep(step, cwd, {
        GITHUB_EVENT_NAME: 'workflow_dispatch',
        GITHUB_REF_NAME: 'main',
        INPUT_VERSION: input,
        GITHUB_SHA: 'a'.repeat(40),
      })
    const push = (tagName: string, cwd: string) =>
      runStep(step, cwd, {
        GITHUB_EVENT_NAME: 'push',
        GITHUB_REF_NAME: tagName,
        INPUT_VERSION: '',
        GITHUB_SHA: 'b'.repeat(40),
      })

    it("accepts this checkout's own version (package.json)", async () => {
      const r = await dispatch(manifest.version, root)
      expect([r.code, r.stdout]).toEqual([0, ''])
      expect(r.output).toContain(`version=${manifest.version}\n`)
    })

    it('reads the version from the input (with or without v) or the pushed tag, and tells a prerelease', async () => {
      for (const input of ['1.4.2', 'v1.4.2']) {
        expect((await dispatch(input, workspace('1.4.2'))).output).toBe(
          `version=1.4.2\nmajor=1\nprerelease=false\nsha=${'a'.repeat(40)}\n`,
        )
      }
      expect((await push('v2.0.0-rc.1', workspace('2.0.0-rc.1'))).output).toBe(
        `version=2.0.0-rc.1\nmajor=2\nprerelease=true\nsha=${'b'.repeat(40)}\n`,
      )
    })

    it('refuses what is not X.Y.Z, without echoing it (it could carry a workflow command), and writes no output', async () => {
      for (const bad of [
        '',
        '1.4',
        '01.4.2',
        '1.4.2.0',
        '1.4.2+build',
        'latest',
        '1.4.2\n::set-env name=X::1',
        '$(touch pwned)',
        '1.4.2; echo hi',
      ]) {
        const r = await dispatch(bad, workspace('1.4.2'))
        expect({ bad, code: r.code, output: r.output }).toEqual({ bad, code: 1, output: '' })
        expect(r.stdout).toMatch(/^::error::version: not a version of the form X\.Y\.Z/)
        expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(1)
      }
    })

    it('refuses a version package.json does not declare, and says how to fix it', async () => {
      const r = await dispatch('1.5.0', workspace('1.4.2'))
      expect(r.code).toBe(1)
      expect(r.output).toBe('')
      expect(r.stdout).toContain(
        "package.json at this commit says 1.4.2, not 1.5.0. Run 'npm version 1.5.0 --no-git-tag-version'",
      )
    })
  })

  describe('the changelog step', () => {
    const step = stepNamed('check', /CHANGELOG/)
    const run = (version: string, changelog?: string): Promise<StepRun> => {
      let cwd = root
      if (changelog !== undefined) {
        cwd = mkdtempSync(join(dir, 'cl-'))
        writeFileSync(join(cwd, 'CHANGELOG.md'), changelog)
      }
      return runStep(step, cwd, { VERSION: version })
    }

    it("passes for this checkout's version: CHANGELOG.md, package.json and the workflow agree", async () => {
      expect((await run(manifest.version)).code).toBe(0)
    })

    it('fails for a version without its own section, naming the heading to add', async () => {
      const r = await run('9.9.9')
      expect(r.code).toBe(1)
      expect(r.stdout).toContain("CHANGELOG.md has no section for 9.9.9: add '## [9.9.9] - YYYY-MM-DD'")
    })

    it('matches the whole version in a ## heading only', async () => {
      const text = '# Changelog\n\n## [Unreleased]\n\n## [1.2.0] - 2026-01-02\n- 1.1.0 fixed\n\n## 1.0.0\n'
      expect((await run('1.2.0', text)).code).toBe(0)
      expect((await run('1.0.0', text)).code).toBe(0)
      expect((await run('1.1.0', text)).code).toBe(1) // mentioned, but no section
      expect((await run('1.2', text)).code).toBe(1)
      expect((await run('2.0.0', '### [2.0.0]\n')).code).toBe(1)
    })
  })

  describe('the dist/ step', () => {
    const step = stepNamed('check', /dist\/ is what the commit holds/)
    it('fails when the build changed, added or removed a file under dist/, and passes when it did not', async () => {
      const repo = mkdtempSync(join(dir, 'git-'))
      const git = (...args: string[]) =>
        execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
          cwd: repo,
          stdio: 'pipe',
        })
      git('init', '-q')
      mkdirSync(join(repo, 'dist'), { recursive: true })
      writeFileSync(join(repo, 'dist', 'index.js'), 'one\n')
      git('add', '.')
      git('commit', '-qm', 'dist')
      expect((await runStep(step, repo, {})).code).toBe(0)
      writeFileSync(join(repo, 'dist', 'index.js'), 'two\n')
      const r = await runStep(step, repo, {})
      expect(r.code).toBe(1)
      expect(r.stdout).toContain(
        "dist/ at this commit is not what its sources build to: run 'npm run build', commit dist/",
      )
      git('checkout', '--', 'dist')
      writeFileSync(join(repo, 'dist', '1.index.js'), 'new chunk\n')
      expect((await runStep(step, repo, {})).code).toBe(1)
    })
  })

  describe('the tag step, against the GitHub stand-in', () => {
    const step = stepNamed('tag', /Tag vX\.Y\.Z/)
    let gh: GitHubStandin
    const TOKEN = 'ghs_release-token-5150'

    beforeEach(async () => {
      gh = await startGitHubStandin({ token: TOKEN, owner: 'acme', repo: 'release-rollback' })
    })
    afterEach(async () => {
      expect(gh.violations).toEqual([])
      await gh.stop()
    })

    const release = async (version: string, sha: string) => {
      const m = /^(\d+)\.\d+\.\d+(-.+)?$/.exec(version)
      const r = await runStep(step, dir, {
        GH_TOKEN: TOKEN,
        GITHUB_API_URL: gh.url,
        GITHUB_REPOSITORY: 'acme/release-rollback',
        VERSION: version,
        MAJOR: m?.[1] ?? '',
        PRERELEASE: m?.[2] ? 'true' : 'false',
        SHA: sha,
      })
      expect(r.stdout + r.stderr + r.summary).not.toContain(TOKEN)
      return r
    }
    const writes = () => gh.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`)

    it('tags vX.Y.Z and creates vX; a re-run changes nothing', async () => {
      const sha = gh.tags.addCommit({ message: 'Release 1.0.0' })
      const r = await release('1.0.0', sha)
      expect(r.code).toBe(0)
      expect(gh.tags.commitOf('v1.0.0')).toBe(sha)
      expect(gh.tags.commitOf('v1')).toBe(sha)
      expect(r.summary).toContain(`v1 now points at ${sha} (v1.0.0)`)
      const before = writes().length
      expect((await release('1.0.0', sha)).code).toBe(0)
      expect(writes()).toHaveLength(before)
    })

    it('moves vX forward to a newer release, and leaves it on the newest for a backport', async () => {
      const one = gh.tags.addCommit()
      expect((await release('1.0.0', one)).code).toBe(0)
      const two = gh.tags.addCommit()
      expect((await release('1.1.0', two)).code).toBe(0)
      expect(gh.tags.commitOf('v1')).toBe(two)
      const backport = gh.tags.addCommit({ parents: [one] })
      const r = await release('1.0.1', backport)
      expect(r.code).toBe(0)
      expect(gh.tags.commitOf('v1.0.1')).toBe(backport)
      expect(gh.tags.commitOf('v1')).toBe(two)
      expect(r.stdout).toContain('v1 stays where it is: v1.1.0 is newer than 1.0.1.')
      // v10.x is not v1.x
      const ten = gh.tags.addCommit()
      gh.tags.createTag('v10.0.0', ten)
      const three = gh.tags.addCommit({ parents: [two] })
      expect((await release('1.2.0', three)).code).toBe(0)
      expect(gh.tags.commitOf('v1')).toBe(three)
    })

    it('never moves a released tag: vX.Y.Z elsewhere stops the run and nothing is written', async () => {
      const old = gh.tags.addCommit()
      gh.tags.createTag('v1.3.0', old, { annotated: { message: 'Release 1.3.0' } })
      gh.tags.createTag('v1', old)
      const other = gh.tags.addCommit()
      const r = await release('1.3.0', other)
      expect(r.code).toBe(1)
      expect(r.stdout).toContain(
        `::error::v1.3.0 already points at ${old}, not at ${other}: a released version is never moved.`,
      )
      expect(writes()).toEqual([])
      expect(gh.tags.commitOf('v1')).toBe(old)
    })

    it('accepts an annotated vX.Y.Z pushed by hand at the same commit (the tag-push trigger), and moves vX', async () => {
      const sha = gh.tags.addCommit()
      gh.tags.createTag('v2.0.0', sha, { annotated: { message: 'Release 2.0.0' } })
      const r = await release('2.0.0', sha)
      expect(r.code).toBe(0)
      expect(writes()).toEqual(['POST /repos/acme/release-rollback/git/refs'])
      expect(gh.tags.commitOf('v2')).toBe(sha)
    })

    it('tags a prerelease but leaves vX alone', async () => {
      const one = gh.tags.addCommit()
      expect((await release('3.0.0', one)).code).toBe(0)
      const rc = gh.tags.addCommit()
      const r = await release('3.1.0-rc.1', rc)
      expect(r.code).toBe(0)
      expect(gh.tags.commitOf('v3.1.0-rc.1')).toBe(rc)
      expect(gh.tags.commitOf('v3')).toBe(one)
      expect(r.stdout).toContain('v3 stays where it is: 3.1.0-rc.1 is a prerelease.')
    })

    it('stops, naming the request, when GitHub refuses a write (a tag ruleset), and moves no vX', async () => {
      gh.tags.protect(/^v4\.0\.0$/)
      const sha = gh.tags.addCommit()
      const r = await release('4.0.0', sha)
      expect(r.code).not.toBe(0)
      expect(r.stderr).toContain('::error::POST git/refs answered HTTP 422: Repository rule violations found')
      expect(gh.tags.commitOf('v4')).toBeUndefined()
    })

    it('says plainly when the token is refused', async () => {
      const sha = gh.tags.addCommit()
      const r = await runStep(step, dir, {
        GH_TOKEN: 'ghs_revoked',
        GITHUB_API_URL: gh.url,
        GITHUB_REPOSITORY: 'acme/release-rollback',
        VERSION: '5.0.0',
        MAJOR: '5',
        PRERELEASE: 'false',
        SHA: sha,
      })
      expect(r.code).not.toBe(0)
      expect(r.stderr).toContain('::error::GET git/ref/tags/v5.0.0 answered HTTP 401: Bad credentials')
      expect(writes()).toEqual([])
    })
  })
})

/**
 * The publish step, run with bash against a stand-in for the npm CLI on PATH: the real npm cannot run it here
 * (--provenance needs a GitHub runner's OIDC token and sigstore). The stand-in answers as npm 11.19.1 does:
 * `npm stage publish --json` prints {"<name>": {..., "stageId": "<uuid>"}} (lib/commands/publish.js, lib/utils/tar.js),
 * `npm stage list <name> --json` an array of {id, packageName, version, tag, ...} (lib/commands/stage/list.js,
 * lib/utils/key-values.js), and a refused publish `npm error code E_STAGE_REQUIRED` on stderr (npm/documentation#2036).
 */
describe('the publish step, with a stand-in for the npm CLI', () => {
  const step = stepNamed('publish', /^Publish$/)
  const STAGE_ID = '6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b'
  let bin: string
  let calls: string

  beforeAll(() => {
    const pkg = join(dir, 'package', 'package')
    mkdirSync(pkg, { recursive: true })
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'release-rollback', version: '1.4.0' }))
    execFileSync('tar', [
      '-czf',
      join(dir, 'package', 'release-rollback-1.4.0.tgz'),
      '-C',
      join(dir, 'package'),
      'package',
    ])
    rmSync(pkg, { recursive: true, force: true })
    bin = mkdtempSync(join(dir, 'bin-'))
    calls = join(bin, 'calls')
    writeFileSync(
      join(bin, 'npm'),
      [
        '#!/usr/bin/env bash',
        'printf "%s\\n" "$*" >> "$NPM_CALLS"',
        'case "$1 $2" in',
        '  "--version "*) echo "${NPM_VERSION_STANDIN}" ;;',
        '  "view release-rollback@"*) echo "${NPM_PUBLISHED:-}" ;;',
        '  "view release-rollback") echo "${NPM_LATEST:-}" ;;',
        '  "stage list") [ -n "${NPM_STAGED:-}" ] || exit 1; echo "$NPM_STAGED" ;;',
        '  "stage publish") printf \'{"release-rollback": {"id": "release-rollback@1.4.0", "stageId": "%s"}}\\n\' "$NPM_STAGE_ID" ;;',
        '  "publish "*) if [ -n "${NPM_STAGE_REQUIRED:-}" ]; then echo "npm error code E_STAGE_REQUIRED" >&2; exit 1; fi ;;',
        '  *) echo "unexpected npm $*" >&2; exit 2 ;;',
        'esac',
      ].join('\n'),
      { mode: 0o755 },
    )
  })
  beforeEach(() => writeFileSync(calls, ''))

  const publish = (env: Record<string, string>) =>
    runStep(step, dir, {
      PATH: `${bin}:${process.env.PATH ?? ''}`,
      NPM_CALLS: calls,
      NPM_VERSION_STANDIN: '11.19.1',
      NPM_STAGE_ID: STAGE_ID,
      NPM_STAGED: '[]',
      NODE_AUTH_TOKEN: 'npm_standin-token',
      VERSION: '1.4.0',
      PRERELEASE: 'false',
      MODE: 'stage',
      ...env,
    })
  const writes = () =>
    readFileSync(calls, 'utf8')
      .split('\n')
      .filter((l) => /^(stage )?publish /.test(l))

  it('stages with the tag, provenance and no scripts, and gives the approval command', async () => {
    const r = await publish({ NPM_LATEST: '1.3.0' })
    expect(r.code).toBe(0)
    expect(writes()).toEqual([
      `stage publish ${dir}/package/release-rollback-1.4.0.tgz --tag latest --access public --provenance --ignore-scripts --json`,
    ])
    expect(r.summary).toContain(`npm stage approve ${STAGE_ID}`)
    expect(r.stdout).toContain(`::notice::Staged release-rollback@1.4.0 (latest), stage id ${STAGE_ID}.`)
  })

  it('a re-run finds the version staged and stages nothing', async () => {
    const staged = JSON.stringify([{ id: STAGE_ID, packageName: 'release-rollback', version: '1.4.0', tag: 'latest' }])
    const r = await publish({ NPM_STAGED: staged })
    expect(r.code).toBe(0)
    expect(writes()).toEqual([])
    expect(r.summary).toContain(`already staged (stage id ${STAGE_ID})`)
    expect(r.summary).toContain(`npm stage approve ${STAGE_ID}`)
  })

  it('another staged version is not this one', async () => {
    const staged = JSON.stringify([{ id: STAGE_ID, packageName: 'release-rollback', version: '1.3.9' }])
    expect((await publish({ NPM_STAGED: staged })).code).toBe(0)
    expect(writes()).toHaveLength(1)
  })

  it('stops before staging on an npm without npm stage, naming the version it needs', async () => {
    const r = await publish({ NPM_VERSION_STANDIN: '11.14.2' })
    expect(r.code).toBe(1)
    expect(r.stdout).toContain("npm 11.14.2 has no 'npm stage publish' (it needs npm 11.15.0 or later)")
    expect(writes()).toEqual([])
  })

  it('direct publishes with npm publish, and says to stage when npm answers E_STAGE_REQUIRED', async () => {
    expect((await publish({ MODE: 'direct' })).code).toBe(0)
    expect(writes()).toEqual([
      `publish ${dir}/package/release-rollback-1.4.0.tgz --tag latest --access public --provenance --ignore-scripts`,
    ])
    const r = await publish({ MODE: 'direct', NPM_STAGE_REQUIRED: '1' })
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('npm refused a direct publish and asks for staging (E_STAGE_REQUIRED')
    expect(r.stdout).toContain('npm-publish-mode stage')
  })

  it('refuses a mode that is neither, and a version already on npm is not staged again', async () => {
    const bad = await publish({ MODE: 'sideways' })
    expect(bad.code).toBe(1)
    expect(bad.stdout).toContain('npm-publish-mode: not stage or direct')
    const r = await publish({ NPM_PUBLISHED: '1.4.0' })
    expect(r.code).toBe(0)
    expect(r.summary).toContain('release-rollback@1.4.0 is already on npm: nothing to publish.')
    expect(writes()).toEqual([])
  })
})

describe('.github/dependabot.yml', () => {
  const config = parse(readFileSync(join(root, '.github', 'dependabot.yml'), 'utf8')) as {
    version: number
    updates: {
      'package-ecosystem': string
      directory: string
      schedule: { interval: string }
      groups?: Record<string, { patterns: string[] }>
    }[]
  }

  it('updates npm and the GitHub Actions pins weekly, grouped', async () => {
    expect(config.version).toBe(2)
    expect(config.updates.map((u) => u['package-ecosystem']).sort()).toEqual(['github-actions', 'npm'])
    for (const u of config.updates) {
      expect(u.directory).toBe('/')
      expect(u.schedule.interval).toBe('weekly')
      expect(Object.values(u.groups ?? {}).some((g) => g.patterns.includes('*'))).toBe(true)
    }
  })
})
