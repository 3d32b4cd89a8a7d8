#!/usr/bin/env node
// release-rollback on the command line, for when Actions is down: the same inputs, the same
// validation and the same code path as the action (src/execute.ts).
//   npx release-rollback --package acme-widget --rollback 1.2.3 --reason "…"
import { idTokenAvailable } from '../targets/npm/oidc.js'
import { execFileSync, spawn } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { userInfo } from 'node:os'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { buildRecord, reportName, undoReportPath, type BookkeepingResult } from '../github/bookkeeping.js'
import { createProgress } from './progress.js'
import { settingName, useDialect } from '../core/settings.js'
import { DURATION_UNITS, parseDuration } from '../core/duration.js'
import { SecondFactor } from '../targets/npm/two-factor.js'
import { InputError, RollbackError, errorMessage } from '../core/errors.js'
import { executeIncident, type RunbookSteps } from '../incident/execute.js'
import type { FreezeInputs } from '../modes/freeze.js'
import { reportPath } from '../github/config.js'
import type { HandoffPlan, IncidentRecord, RunContext } from '../github/incident.js'
import {
  HandoffChangedError,
  handoffGuard,
  handoffProblems,
  requireOwnRegistry,
  resumeFlags,
  resumeState,
} from '../modes/resume.js'
import type { RecordFinder } from '../modes/undo.js'
import { githubEndpoints } from '../github/urls.js'
import { mergeRecord, parseReportRecord } from '../github/record.js'
import { issueTitle, renderIssueBody } from '../github/render-issue.js'
import { renderReport } from '../github/render-report.js'
import { readGitHubInputs, readInputs } from '../config/inputs.js'
import { readAnnounceInputs } from '../notify/config.js'
import { resolveNpmConfig } from '../targets/npm/npmrc.js'
import { describePlan } from '../core/plan.js'
import type { Logger } from '../core/retry.js'
import { errorOf, runIncident, type IncidentRequest, type IncidentResult } from '../incident/run.js'
import { parseRtoTargets } from '../incident/impact.js'
import { smokeOnly } from '../incident/smoke.js'
import { runbookSteps } from '../incident/steps.js'
import { undoLines } from '../incident/summary.js'
import { createTargets } from '../targets/select.js'

export const EXIT = { ok: 0, failed: 1, badInput: 2, partial: 3, frozen: 4, awaitingApproval: 5 } as const

const OPTIONS = {
  package: { type: 'string' },
  rollback: { type: 'string' },
  restore: { type: 'string' },
  channel: { type: 'string' },
  reason: { type: 'string' },
  registry: { type: 'string' },
  'no-deprecate': { type: 'boolean' },
  'deprecation-message': { type: 'string' },
  'published-after': { type: 'string' },
  'published-before': { type: 'string' },
  'release-commit': { type: 'string' },
  'max-age': { type: 'string' },
  'require-holder': { type: 'boolean' },
  'republish-stage': { type: 'boolean' },
  force: { type: 'boolean' },
  'smoke-test': { type: 'string' },
  'smoke-test-timeout': { type: 'string' },
  'smoke-only': { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  drill: { type: 'boolean' },
  undo: { type: 'boolean' },
  'incident-id': { type: 'string' },
  yes: { type: 'boolean', short: 'y' },
  json: { type: 'boolean' },
  repo: { type: 'string' },
  severity: { type: 'string' },
  'rto-targets': { type: 'string' },
  'issue-labels': { type: 'string' },
  'issue-assignees': { type: 'string' },
  'report-dir': { type: 'string' },
  'report-branch': { type: 'string' },
  'no-issue': { type: 'boolean' },
  packages: { type: 'string' },
  targets: { type: 'string' },
  'tag-prefix': { type: 'string' },
  'helm-match': { type: 'string' },
  'helm-timeout': { type: 'string' },
  'helm-wait': { type: 'string' },
  'kube-context': { type: 'string' },
  strategy: { type: 'string' },
  'all-or-nothing': { type: 'boolean' },
  /** the default since partial-ok became true; still accepted */
  'partial-ok': { type: 'boolean' },
  'no-report': { type: 'boolean' },
  'verify-url': { type: 'string' },
  'verify-field': { type: 'string' },
  'verify-timeout': { type: 'string' },
  'wait-for-cdn': { type: 'string' },
  'announce-format': { type: 'string' },
  otp: { type: 'string' },
  'approval-timeout': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const

export const HELP = `release-rollback: undo a bad release - npm packages, images, Helm releases, git tags (the same rollback as the GitHub Action)

Usage:
  release-rollback --rollback <bad> --reason <why> [options]

Options (defaults in brackets):
  --package <name>             npm package [name in ./package.json]
  --packages <list|workspaces> several packages, one incident (comma separated, or workspaces)
  --targets <list>             every place the release lives, comma or newline separated kind:name:
                               npm:@acme/core, docker:ghcr.io/acme/app, helm:prod/acme, git-tag:v1
  --tag-prefix <p>             Docker and git tags: what comes before the version [v for git tags]
  --helm-match <m>             app-version or chart-version [app-version]
  --helm-timeout <d>           how long helm rollback --wait may take [5m]
  --helm-wait <w>              readiness checks helm rollback waits for: legacy (helm 3's --wait,
                               helm 4's --wait=legacy), watcher (helm 4) or none [legacy]
  --kube-context <name>        the kubeconfig context helm uses [the current one]
  --all-or-nothing             with several packages: when one fails, put back the channels of
                               those that succeeded [keep them: status partial]
  --republish-stage            with --strategy republish: stage the fix-forward version (npm stage
                               publish) for a maintainer's approval instead of publishing it
  --strategy <retag|republish> retag moves the channel back; republish publishes the good code
                               as the next version (reaches lockfiles and updaters) [retag]
  --rollback <version>         the bad version, or "current" with --published-after (required)
  --restore <version>          the good version [last known good: highest non-deprecated below the bad one]
  --channel <tag>              dist-tag to move back [latest]
  --reason <text>              why; goes into the deprecation message and the incident record (required)
  --registry <url>             registry [from .npmrc like npm, else https://registry.npmjs.org/]
  --no-deprecate               do not deprecate the bad version [deprecate]
  --deprecation-message <t>    template: {version} {restore} {channel} {reason}
                               ["{version} was rolled back: {reason}. Use {restore} instead."]
  --published-after <time>     roll back only a version published after this ISO time
  --published-before <time>    ... and at or before this ISO time (the release run's end)
  --release-commit <sha>       ... and built from this commit (npm gitHead), when the version records one
  --max-age <d>                ... and published at most this long ago (24h, 90m, 2d)
  --require-holder             skip (write nothing) unless the channel still holds the bad version
  --force                      move the channel even when it holds neither version
  --smoke-test <cmd>           before any write, install the restore version into an empty project
                               (npm; PACKAGE, VERSION set) or set IMAGE to its digest (Docker) and
                               run this shell command there: failing stops the rollback (not in
                               a dry run; refused beside NPM_TOKEN or any token: it runs package code)
  --smoke-test-timeout <d>     how long each smoke run may take [5m]
  --smoke-only                 only the smoke test of the plan, its install scripts included,
                               writing nothing and needing no token: run it where no token is,
                               then the rollback with RELEASE_ROLLBACK_SMOKE_TESTED=<smokeTested>
  --dry-run                    show the plan, change nothing
  --drill                      check that a rollback would work now (tokens, a harmless npm
                               dist-tag added and removed, a last known good), change nothing
                               anyone installs; --rollback defaults to current [off]
  --undo                       undo a rollback made by mistake (same versions and targets): every
                               channel back to where the incident found it while it holds what the
                               rollback wrote; the deprecation removed only when it is exactly the
                               message the incident record holds (the one this tool wrote)
  --incident-id <id>           with --undo: the incident to undo (rr-…, the rollback's incident id);
                               its record (the report, via --repo, else ./<report-dir>/; or the
                               tracking issue) names the targets, channel and versions, so no
                               --rollback, --package or --reason is needed
  -y, --yes                    do not ask for confirmation
  --json                       print one JSON result on stdout (progress goes to stderr);
                               its schema: docs/cli-json.schema.json
  --repo <owner/name>          open the tracking issue and commit the report there (needs GITHUB_TOKEN)
  --severity <level>           critical, high, medium, low [high]
  --rto-targets <list>         recovery-time targets, such as critical=5m,high=30m
                               [critical=2m,high=15m,medium=4h,low=none]
  --issue-labels <list>        [rollback]
  --issue-assignees <list>     GitHub logins
  --report-dir <dir>           [incidents]
  --report-branch <branch>     [the repository's default branch]
  --no-issue, --no-report      skip the tracking issue / the incident report
  --verify-url <url>           after the writes, poll this health endpoint (no token sent) until it
                               reports the restore version; not reached: partial
  --verify-field <path>        dot path of the version in its JSON answer, such as build.version
                               [the body holds the version as a word]
  --verify-timeout <d>         how long to poll --verify-url [2m]
  --wait-for-cdn <d>           npm: wait until installers (the registry's CDN) get the restore
                               version; not seen is a warning [0: read once]
  --announce-format <f>        slack, discord, teams or json [by the ANNOUNCE_WEBHOOK host]
  --otp <code>                 npm two-factor: a one-time password from your authenticator app,
                               sent with the writes (asked again on a terminal when refused);
                               without it, a write that needs a second factor prints
                               "Open this URL to approve: <link>" and waits for your approval
  --approval-timeout <d>       how long to wait for one such approval; none in time: nothing more
                               is written and the run says what was done [5m]
  -h, --help                   this text
  --version                    the version

Tokens never come from flags (they would land in your shell history):
  npm     NPM_TOKEN, else NODE_AUTH_TOKEN, else the registry's _authToken in .npmrc; else, inside
          a GitHub Actions job with id-token: write, trusted publishing (OIDC, a token per package),
          which npm allows for publishing only (--strategy republish --no-deprecate). With npm
          login's session token, each write asks for your approval (see --otp)
  GitHub  GITHUB_TOKEN (with --repo; git-tag targets need both); GitHub Enterprise Server: GITHUB_SERVER_URL (API at its /api/v3, or GITHUB_API_URL)
  Docker  REGISTRY_USERNAME and REGISTRY_PASSWORD, else what docker login wrote
  Helm    helm's own: $KUBECONFIG or ~/.kube/config
  Announce ANNOUNCE_WEBHOOK: a Slack, Discord or Teams webhook (or any URL taking JSON) that gets
           a message when the rollback starts and when it ends (not in a dry run)
Without --repo or GITHUB_TOKEN the report is written to ./incidents/ of the current git
checkout and the issue text is printed for you to paste.

Exit codes: 0 done or already done, 1 failed, 2 bad input, 3 partial (re-run to finish).
Without --yes and nobody to answer the question (stdin is not a terminal), nothing changes: exit 2.

Release freeze (before publishing):
  release-rollback freeze-check --package <name> [--channel latest] --repo <owner/name>
  Needs GITHUB_TOKEN (issues: read). Frozen while a rollback's tracking issue for that
  package and channel is open (opened by the token's identity or github-actions[bot]),
  until it is closed or labelled release-freeze-override.
  --package <list>             the names the release publishes, comma separated (packages,
                               images, namespace/release) [name in ./package.json]
  --channel <tag>              the channel it publishes to [latest]
  --issue-labels <list>        the rollback issues' label: the first one [rollback]
  --json                       print {frozen, issueUrl, issueNumber, reason} on stdout
  Exit codes: 0 not frozen, 4 frozen, 1 the check failed, 2 bad input.

Hand-off (a rollback the action planned and left to a maintainer, status awaiting-approval):
  release-rollback resume <incident-id> --repo <owner/name>
  Needs GITHUB_TOKEN (contents: write, issues: write) and your npm credentials (npm login, or
  NPM_TOKEN). Reads the incident record, reads the registry again, and performs exactly the
  recorded plan, asking you to approve each write (or --otp <code>); refuses with nothing
  written when the registry changed since the hand-off (a fix published, a channel moved
  elsewhere). Comments on the tracking issue, updates the report, announces (ANNOUNCE_WEBHOOK).
  The plan's registry must be yours (--registry, or as npm finds it): a record naming another
  is refused before your npm token is used.
  --registry, --otp, --approval-timeout, --yes, --json, --report-dir, --report-branch, --issue-labels as above.
  Exit codes: 0 done (or already resumed: nothing to do), 1 refused or failed, 2 bad input,
  3 partial (run resume again). Exit code 5: a run ended awaiting-approval (handed off).
`

const TOKEN_FLAGS = /^--?(npm-token|github-token|token|auth-token|_authToken)(=|$)/
const WEBHOOK_FLAGS = /^--?(announce-webhook|webhook)(=|$)/

export interface CliIO {
  argv: string[]
  env: NodeJS.ProcessEnv
  cwd: string
  stdout: (s: string) => void
  stderr: (s: string) => void
  /** reads one line of the answer; undefined when there is none (stdin closed) */
  ask: (question: string) => Promise<string | undefined>
  version: string
  /** whether stdout and stderr are terminals (live progress), and the terminal's width; stdin: someone can type */
  tty?: { stdout?: boolean; stderr?: boolean; stdin?: boolean; columns?: number }
  /** opens a URL in the browser (the npm two-factor approval link); the entry leaves it to openInBrowser */
  openUrl?: (url: string) => void
}

/** Who runs the CLI, for the record's "Run by": a GitHub login when GITHUB_ACTOR names one, else the local user, marked as such. */
function localActor(env: NodeJS.ProcessEnv, cwd: string): string | undefined {
  if (env.GITHUB_ACTOR) return env.GITHUB_ACTOR
  let name = ''
  try {
    name = execFileSync('git', ['config', 'user.name'], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim()
  } catch {
    name = ''
  }
  if (!name) {
    try {
      name = env.USER || env.LOGNAME || userInfo().username
    } catch {
      name = ''
    }
  }
  return name ? `${name} (command line)` : undefined
}

/** The flags a rollback cannot start without, all of them at once (the validation after this names one problem at a time). */
function missingFlags(
  values: {
    rollback?: string
    reason?: string
    package?: string
    packages?: string
    targets?: string
    drill?: boolean
    'dry-run'?: boolean
    'smoke-only'?: boolean
    undo?: boolean
    'incident-id'?: string
  },
  cwd: string,
  npmToken: string | undefined,
  env: NodeJS.ProcessEnv,
): string[] {
  // an undo by incident id: the record names the rest (the npm token is asked for once it says npm is among the targets)
  if (values.undo && values['incident-id']) return []
  const missing: string[] = []
  if (!values.drill && !values.rollback) missing.push('--rollback <bad version>')
  if (!values.drill && !values.reason) missing.push('--reason <why>')
  if (!values.package && !values.packages && !values.targets) {
    try {
      readFileSync(join(cwd, 'package.json'))
    } catch {
      missing.push('--package <name> (there is no package.json here)')
    }
  }
  const npm = !values.targets || /(^|[,\n])\s*npm:/.test(values.targets)
  // inside a GitHub Actions job with id-token: write, trusted publishing stands in for the token
  if (npm && !npmToken && !values['dry-run'] && !values['smoke-only'] && !idTokenAvailable(env))
    missing.push(
      "NPM_TOKEN in the environment (or the registry's _authToken in .npmrc), or --dry-run to only see the plan",
    )
  return missing
}

function gitRoot(cwd: string): string {
  try {
    return execFileSync('git', ['rev-parse', '--show-toplevel'], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim()
  } catch {
    return cwd
  }
}

const FREEZE_OPTIONS = {
  package: { type: 'string' },
  packages: { type: 'string' },
  channel: { type: 'string' },
  repo: { type: 'string' },
  'issue-labels': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const

/**
 * The flags of a command, or the exit code when there is nothing more to do: a flag parseArgs
 * refuses (bad input, said on stderr) or --help (the text, exit 0).
 */
function parseFlags<O extends ParseArgsConfig['options'] & { help: { type: 'boolean' } }>(
  io: CliIO,
  args: string[],
  options: O,
): ReturnType<typeof parseArgs<{ options: O; strict: true; allowPositionals: false }>>['values'] | number {
  let values: ReturnType<typeof parseArgs<{ options: O; strict: true; allowPositionals: false }>>['values']
  try {
    ;({ values } = parseArgs({ args, options, strict: true, allowPositionals: false }))
  } catch (e) {
    io.stderr(`${errorMessage(e)}\nRun release-rollback --help for the options.\n`)
    return EXIT.badInput
  }
  if ((values as { help?: boolean }).help) {
    io.stdout(HELP)
    return EXIT.ok
  }
  return values
}

/** release-rollback freeze-check: exit 0 not frozen, 4 frozen, 1 the check failed, 2 bad input. */
async function freezeCheck(io: CliIO, args: string[]): Promise<number> {
  const values = parseFlags(io, args, FREEZE_OPTIONS)
  if (typeof values === 'number') return values
  const flag: Record<string, string | undefined> = {
    package: values.package,
    packages: values.packages,
    channel: values.channel,
    'issue-labels': values['issue-labels'],
    'github-token': io.env.GITHUB_TOKEN,
  }
  // loaded only for this command: it brings Octokit
  const { checkFreeze, readFreezeInputs } = await import('../modes/freeze.js')
  let inputs: FreezeInputs
  try {
    if (!values.repo)
      throw new InputError(
        'repo',
        'is required: the repository whose rollback issues freeze the release.',
        'pass --repo owner/name.',
      )
    inputs = readFreezeInputs((name) => flag[name] ?? '', { GITHUB_WORKSPACE: io.cwd, GITHUB_REPOSITORY: values.repo })
  } catch (e) {
    io.stderr(`${errorMessage(e)}\n`)
    return EXIT.badInput
  }
  try {
    const log: Logger = {
      info: (m) => io.stderr(`${m}\n`),
      warning: (m) => io.stderr(`warning: ${m}\n`),
      debug: () => {},
    }
    const { createGitHubClient, repoRef } = await import('../github/client.js')
    const gh = createGitHubClient({ token: inputs.token, baseUrl: githubEndpoints(io.env).apiUrl, log })
    const result = await checkFreeze(gh, repoRef(inputs.repository), inputs)
    if (values.json)
      io.stdout(
        `${JSON.stringify({ frozen: result.frozen, issueUrl: result.issueUrl ?? null, issueNumber: result.issueNumber ?? null, reason: result.reason }, null, 2)}\n`,
      )
    else io.stdout(`${result.frozen ? 'frozen' : 'not frozen'}: ${result.reason}\n`)
    return result.frozen ? EXIT.frozen : EXIT.ok
  } catch (e) {
    io.stderr(`The release freeze could not be checked: ${errorMessage(e)}\n`)
    return EXIT.failed
  }
}

export async function main(io: CliIO): Promise<number> {
  // messages name flags and environment variables, not the action's inputs (src/core/settings.ts)
  const dialect = useDialect('cli')
  try {
    return await cliMain(io)
  } finally {
    useDialect(dialect)
  }
}

/** A resume of a hand-off (src/modes/resume.ts): the record it performs, and when the maintainer's command started. */
interface Resuming {
  record: IncidentRecord
  handoff: HandoffPlan
  resumedAt: string
}

async function cliMain(io: CliIO, resuming?: Resuming): Promise<number> {
  // the run's start: the time to protection is measured from here (the confirmation counts);
  // a resume measures from the action's start, and records the maintainer's command
  const startedAt = resuming?.handoff.startedAt ?? new Date().toISOString()
  if (io.argv.length === 0) {
    io.stderr(HELP)
    return EXIT.badInput
  }
  const bad = io.argv.find((a) => TOKEN_FLAGS.test(a))
  if (bad) {
    io.stderr(
      `${bad.split('=')[0]}: tokens are never taken from flags, because they would land in your shell history. Set NPM_TOKEN (npm) or GITHUB_TOKEN (GitHub) in the environment, or use your .npmrc.\n`,
    )
    return EXIT.badInput
  }
  const webhookFlag = io.argv.find((a) => WEBHOOK_FLAGS.test(a))
  if (webhookFlag) {
    io.stderr(
      `${webhookFlag.split('=')[0]}: the webhook URL is a secret and is never taken from a flag, because it would land in your shell history. Set ANNOUNCE_WEBHOOK in the environment.\n`,
    )
    return EXIT.badInput
  }
  if (io.argv[0] === 'freeze-check') return freezeCheck(io, io.argv.slice(1))
  if (io.argv[0] === 'resume' && !resuming) return resume(io, io.argv.slice(1))
  const values = parseFlags(io, io.argv, OPTIONS)
  if (typeof values === 'number') return values
  if (values.version) {
    io.stdout(`${io.version}\n`)
    return EXIT.ok
  }

  const json = values.json === true
  const say = json ? io.stderr : io.stdout
  // what the plan already showed (its lines, its warnings) is not said again by the run
  const shown = new Set<string>()
  // where log lines go: the terminal, or above the live progress while several targets run
  let emit = say
  const log: Logger = {
    info: (m) => {
      if (!shown.has(m)) emit(`${m}\n`)
    },
    warning: (m) => {
      if (shown.has(m)) return
      shown.add(m)
      emit(`warning: ${m}\n`)
    },
    debug: () => {},
  }
  const result: Record<string, unknown> = {}
  const finish = (code: number, extra: Record<string, unknown> = {}) => {
    if (json) io.stdout(`${JSON.stringify({ exitCode: code, ...result, ...extra }, null, 2)}\n`)
    return code
  }

  try {
    const npm = resolveNpmConfig({
      packageName: values.package,
      registryFlag: values.registry,
      cwd: io.cwd,
      env: io.env,
    })
    const missing = missingFlags(values, io.cwd, npm.token, io.env)
    if (missing.length > 0) {
      const message = `Missing: ${missing.join('; ')}.\nRun release-rollback --help for the options.`
      io.stderr(`${message}\n`)
      Object.assign(result, { status: 'failed', error: message })
      return finish(EXIT.badInput)
    }
    const githubToken = (io.env.GITHUB_TOKEN || '').trim()
    const bookkeepingOnGitHub = Boolean(values.repo && githubToken)
    if (values.repo && !githubToken)
      log.warning(
        '--repo is set but GITHUB_TOKEN is not: the report is written locally and the issue text printed instead.',
      )
    const flag: Record<string, string | undefined> = {
      'rollback-version': values.rollback,
      'restore-version': values.restore,
      channel: values.channel,
      reason: values.reason,
      package: values.package,
      packages: values.packages,
      'partial-ok': values['all-or-nothing'] ? 'false' : 'true',
      strategy: values.strategy,
      'republish-stage': values['republish-stage'] ? 'true' : 'false',
      registry: npm.registry,
      'npm-token': npm.token,
      deprecate: values['no-deprecate'] ? 'false' : 'true',
      'deprecation-message': values['deprecation-message'],
      'published-after': values['published-after'],
      'published-before': values['published-before'],
      'release-commit': values['release-commit'],
      'max-age': values['max-age'],
      'require-holder': values['require-holder'] ? 'true' : 'false',
      // --smoke-only reads the plan as a dry run does (no token needed)
      'dry-run': values['dry-run'] || values['smoke-only'] ? 'true' : 'false',
      drill: values.drill ? 'true' : 'false',
      undo: values.undo ? 'true' : 'false',
      'incident-id': values['incident-id'],
      force: values.force ? 'true' : 'false',
      'smoke-test': values['smoke-test'],
      'smoke-test-timeout': values['smoke-test-timeout'],
      'github-token': bookkeepingOnGitHub ? githubToken : '',
      'create-issue': bookkeepingOnGitHub && !values['no-issue'] ? 'true' : 'false',
      'commit-report': bookkeepingOnGitHub && !values['no-report'] ? 'true' : 'false',
      'issue-labels': values['issue-labels'],
      'issue-assignees': values['issue-assignees'],
      'report-dir': values['report-dir'],
      'report-branch': values['report-branch'],
      severity: values.severity,
      'rto-targets': values['rto-targets'],
      targets: values.targets?.split(/[,\n]/).join('\n'),
      'tag-prefix': values['tag-prefix'],
      'helm-match': values['helm-match'],
      'helm-timeout': values['helm-timeout'],
      'helm-wait': values['helm-wait'],
      'kube-context': values['kube-context'],
      'verify-url': values['verify-url'],
      'verify-field': values['verify-field'],
      'verify-timeout': values['verify-timeout'],
      'wait-for-cdn': values['wait-for-cdn'],
      // Docker credentials come from the environment or the docker login's config, never flags
      'registry-username': io.env.REGISTRY_USERNAME,
      'registry-password': io.env.REGISTRY_PASSWORD,
      // the webhook is a secret: from the environment only
      'announce-webhook': io.env.ANNOUNCE_WEBHOOK,
      'announce-format': values['announce-format'],
    }
    const get = (name: string) => flag[name] ?? ''
    // the same validation as the action; error messages name the action's input, so say the flag too
    const env = { ...io.env, GITHUB_WORKSPACE: io.cwd, GITHUB_REPOSITORY: values.repo ?? '' }
    let inputs: IncidentRequest = readInputs(get, env)
    const gi = readGitHubInputs(get, env)
    const rtoTargets = parseRtoTargets('rto-targets', get('rto-targets'))
    const announce = readAnnounceInputs(get)
    // the local report uses the same validated report-dir and severity
    const localReportDir = values['no-report'] ? undefined : gi.reportDir
    const userAgent = `release-rollback-cli/${io.version} (node ${process.version})`
    const ctx: RunContext = {
      repository: values.repo ?? '',
      serverUrl: githubEndpoints(io.env).serverUrl,
      actor: localActor(io.env, io.cwd),
      // a resume's run is recorded as such (its comment, and a second resume finds it)
      eventName: resuming ? 'resume' : 'cli',
    }
    // every target of the incident, built as the action builds them; git-tag targets move
    // their tag through GitHub
    const gitTagsAsked = inputs.targets?.some((t) => t.kind === 'git-tag') === true
    const client =
      (bookkeepingOnGitHub || gitTagsAsked) && githubToken
        ? (await import('../github/client.js')).createGitHubClient({
            token: githubToken,
            baseUrl: githubEndpoints(io.env).apiUrl,
            log,
          })
        : undefined
    // undo reads the incident's record before planning (by --incident-id alone it names the
    // targets and versions): on GitHub with --repo, else in the reports of the local checkout
    let undoRecord: RunbookSteps['undoRecord']
    if (inputs.undo) {
      const { githubRecords, localRecords, undoByIncidentId, undoRecordReader, checkOptionsOf } = await import(
        '../modes/undo.js'
      )
      const finder =
        client && bookkeepingOnGitHub
          ? githubRecords(client, ctx, gi, log)
          : localRecords(gitRoot(io.cwd), gi.reportDir)
      inputs = await undoByIncidentId(inputs, finder, log)
      undoRecord = undoRecordReader(finder, checkOptionsOf(inputs), log)
    }
    const gitTags = inputs.targets?.some((t) => t.kind === 'git-tag') === true
    if (gitTags && !(values.repo && githubToken))
      throw new InputError(
        'github-token',
        'and --repo are needed for a git-tag target: the tag is moved through the GitHub API.',
        'set GITHUB_TOKEN (contents: write) and pass --repo owner/name.',
      )
    // npm's second factor, asked of the person at most as often as the registry refuses (src/targets/npm/two-factor.ts)
    const secondFactor = inputs.dryRun ? undefined : cliSecondFactor(io, values, (line) => emit(`${line}\n`))
    const { targets, dispose } = createTargets(inputs, get, log, userAgent, {
      env: io.env,
      ...(client ? { github: { client: () => client, repository: values.repo ?? '' } } : {}),
      ...(secondFactor ? { secondFactor } : {}),
    })
    try {
      if (values['smoke-only']) {
        // the smoke test alone, where no token is: the install scripts run there
        const smoked = await smokeOnly(get, inputs, targets, { log, env: io.env })
        Object.assign(result, { status: smoked.status, smokeTested: smoked.tested })
        return finish(EXIT.ok)
      }
      if (inputs.drill) {
        // the drill: checks only, no confirmation (nothing anyone installs changes)
        const { runDrill } = await import('../modes/drill.js')
        const drill = await runDrill(inputs, gi, targets, bookkeepingOnGitHub ? client : undefined, ctx, log)
        for (const c of drill.checks)
          say(
            `  ${c.outcome === 'passed' ? 'ok  ' : c.outcome === 'failed' ? 'FAIL' : 'skip'} ${c.subject}: ${c.check} (${c.ms} ms): ${c.detail}\n`,
          )
        Object.assign(result, {
          status: drill.status,
          checks: drill.checks.map((c) => (c.input ? { ...c, input: settingName(c.input) } : c)),
          ...(drill.reportUrl ? { reportUrl: drill.reportUrl } : {}),
          ...(drill.issueUrl ? { issueUrl: drill.issueUrl } : {}),
        })
        say(
          drill.status === 'drill-passed'
            ? 'Drill passed: a rollback would work now.\n'
            : `Drill failed: a rollback now would break:\n${drill.broken.map((b) => `  - ${b}`).join('\n')}\n`,
        )
        return finish(drill.status === 'drill-passed' ? EXIT.ok : EXIT.failed)
      }
      // 1. the plan, always shown first (a read-only pass over every target); its lines and
      // warnings are said here, once
      const preview = await runIncident(
        { ...inputs, dryRun: true },
        targets,
        { ...log, info: () => {}, warning: () => {} },
        undoRecord ? { undoRecord } : {},
      )
      if (preview.status === 'skipped') {
        const reason =
          preview.reason ??
          preview.targets
            .map((t) => t.skipped?.reason)
            .filter(Boolean)
            .join('; ')
        log.info(`Skipped: ${reason}`)
        Object.assign(result, summaryOf(preview))
        return finish(EXIT.ok)
      }
      if (resuming) {
        // the plan as the hand-off recorded it, or nothing: checked on these reads, and again before the first write
        const problems = handoffProblems(resuming.handoff, resuming.record, preview.targets)
        if (preview.targets.length > 1 && preview.incidentId !== resuming.record.incidentId)
          problems.push(
            `the plan rebuilt from the record is incident ${preview.incidentId}, not ${resuming.record.incidentId}: the record was changed`,
          )
        if (problems.length > 0) throw new HandoffChangedError(resuming.record.incidentId, problems)
      }
      for (const t of preview.targets) {
        for (const line of t.plan ? describePlan(t.plan) : []) shown.add(line)
        for (const w of t.warnings) shown.add(w)
      }
      // a re-run with nothing left to change says so in one line at the end, not the plan
      const nothingToChange =
        !inputs.dryRun &&
        preview.targets.every(
          (t) =>
            t.plan !== undefined &&
            t.plan.tag.kind !== 'move' &&
            (t.plan.deprecation.kind === 'already' ||
              t.plan.deprecation.kind === 'off' ||
              t.plan.deprecation.kind === 'kept'),
        )
      if (!nothingToChange) {
        say('Plan:\n')
        for (const t of preview.targets)
          say(
            t.plan
              ? `  ${describePlan(t.plan).join('\n    ')}\n`
              : `  ${t.name}: ${t.outcome}${t.skipped ? ` (${t.skipped.reason})` : ''}\n`,
          )
      }
      for (const w of preview.warnings) {
        if (shown.has(w)) shown.delete(w)
        log.warning(w)
      }
      if (inputs.dryRun) {
        Object.assign(result, summaryOf(preview))
        say(`Dry run: nothing was changed.${announce ? ' No announcement was sent to ANNOUNCE_WEBHOOK.' : ''}\n`)
        return finish(EXIT.ok)
      }
      // 2. confirmation (none when nothing in a registry changes)
      if (!values.yes && !nothingToChange) {
        const where =
          targets.length > 1
            ? `${targets.length} ${targets.every((t) => t.kind === 'npm') ? 'packages' : 'targets'}`
            : targets[0].kind === 'npm'
              ? inputs.registry
              : `${targets[0].kind} ${targets[0].name}`
        const what = inputs.undo ? 'undo (the bad version goes back on its channels)' : 'rollback'
        const answer = await io.ask(
          targets.length > 1 && targets.every((t) => t.kind === 'npm')
            ? `Apply this ${what} to ${where} on ${inputs.registry}? [y/N] `
            : `Apply this ${what} to ${where}? [y/N] `,
        )
        if (answer === undefined) {
          // stdin closed without an answer: a script or CI job
          io.stderr(
            `\nNo answer to confirm with (stdin is not a terminal): nothing was changed. Add --yes to apply without asking.\n`,
          )
          Object.assign(result, { status: 'aborted', error: 'no confirmation: add --yes' })
          return finish(EXIT.badInput)
        }
        if (!/^y(es)?$/i.test(answer.trim())) {
          say('Aborted: nothing was changed.\n')
          Object.assign(result, { status: 'aborted' })
          return finish(EXIT.failed)
        }
      }
      // 3. the rollback, exactly as the action runs it
      // nothing to change: the run's step lines are not said, only its outcome (one line, below)
      const runLog: Logger = nothingToChange ? { ...log, info: () => {} } : log
      const gh = bookkeepingOnGitHub && (gi.createIssue || gi.commitReport) ? client : undefined
      // the runbook around the writes: each step's module reads its own inputs (flags map onto them);
      // an undo runs none of the rollback's runbook steps (they are about the restore version)
      const steps = runbookSteps(get, inputs, {
        startedAt,
        severity: gi.severity,
        rtoTargets,
        announce,
        about: { ctx, targets },
        log: runLog,
        userAgent,
        smoke: { env: io.env },
        undoRecord,
        ...(resuming ? { resumedAt: resuming.resumedAt } : {}),
      })
      // a resume: nothing but the recorded plan is written (src/modes/resume.ts)
      if (resuming) steps.beforeWrite?.unshift(handoffGuard(resuming.handoff, resuming.record))
      // several targets: a line per target that updates on a terminal, plain lines otherwise
      const progress =
        targets.length > 1 && !nothingToChange
          ? createProgress(
              { write: say, isTTY: json ? io.tty?.stderr : io.tty?.stdout, columns: io.tty?.columns },
              targets,
            )
          : undefined
      if (progress) {
        steps.progress = (event) => progress.update(event)
        emit = (text) => progress.log(text)
      }
      let execution: Awaited<ReturnType<typeof executeIncident>>
      try {
        execution = await executeIncident(inputs, gi, targets, gh, ctx, runLog, steps)
      } finally {
        progress?.done()
        emit = say
      }
      const { result: outcome, bookkeeping } = execution
      Object.assign(result, summaryOf(outcome, bookkeeping))
      if (outcome.status === 'skipped') return finish(EXIT.ok)

      // 4. no GitHub: the report goes into the checkout, the issue text to the terminal
      if (!gh && localReportDir !== undefined && outcome.status !== 'failed') {
        const record = buildRecord(outcome, inputs, gi, ctx, new Date().toISOString())
        const path =
          undoReportPath(outcome, inputs, localReportDir) ??
          reportPath(localReportDir, reportName(outcome), record.rollbackVersion, record.channel)
        const file = join(gitRoot(io.cwd), path)
        let previous: string | undefined
        try {
          previous = readFileSync(file, 'utf8')
        } catch {
          previous = undefined
        }
        const merged = mergeRecord(previous ? parseReportRecord(previous) : undefined, record)
        merged.reportPath = path
        const text = renderReport(merged, ctx, previous)
        if (text !== previous) {
          mkdirSync(dirname(file), { recursive: true })
          writeFileSync(file, text)
          if (outcome.status !== 'already-done') say(`✔ incident report written to ${file}\n`)
        } else if (outcome.status !== 'already-done') {
          say(`✔ incident report ${file} is up to date\n`)
        }
        result.reportPath = file
        if (!values['no-issue'] && outcome.status !== 'already-done') {
          say(
            `\nNo GitHub token or --repo: paste this as the tracking issue.\n\nTitle: ${issueTitle(merged)}\n\n${renderIssueBody(merged, ctx, {})}\n`,
          )
        }
      }
      if (outcome.error) io.stderr(`${outcome.error.message}\n`)
      if (outcome.status === 'awaiting-approval') return finish(EXIT.awaitingApproval)
      if (outcome.status === 'partial') return finish(EXIT.partial)
      if (outcome.status === 'failed') return finish(EXIT.failed)
      // a re-run that changed nothing: one line, and where the incident is recorded
      const where = bookkeeping?.issueUrl
        ? ` Issue: ${bookkeeping.issueUrl}`
        : typeof result.reportPath === 'string'
          ? ` Report: ${result.reportPath}`
          : ''
      if (outcome.undo) {
        if (outcome.status !== 'already-done')
          for (const line of undoLines(outcome)) say(`${line.replace(/\*\*/g, '')}\n`)
        say(outcome.status === 'already-done' ? `Already undone: nothing needed changing.${where}\n` : 'Undone.\n')
      } else
        say(outcome.status === 'already-done' ? `Already rolled back: nothing needed changing.${where}\n` : 'Done.\n')
      return finish(EXIT.ok)
    } finally {
      dispose()
    }
  } catch (e) {
    const message = errorMessage(e)
    io.stderr(`${message}\n`)
    Object.assign(result, { status: 'failed', error: message })
    return finish(e instanceof InputError ? EXIT.badInput : EXIT.failed)
  }
}

const RESUME_OPTIONS = {
  repo: { type: 'string' },
  registry: { type: 'string' },
  otp: { type: 'string' },
  'approval-timeout': { type: 'string' },
  yes: { type: 'boolean', short: 'y' },
  json: { type: 'boolean' },
  'report-dir': { type: 'string' },
  'report-branch': { type: 'string' },
  'issue-labels': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const

/**
 * release-rollback resume <incident-id> --repo owner/name: a maintainer finishes a hand-off
 * (src/handoff.ts). The incident record (the committed report, else the tracking issue) is
 * read with GITHUB_TOKEN; the recorded plan is run as a command-line rollback, with the
 * maintainer's second factor, and checked against the registry before anything is written.
 */
async function resume(io: CliIO, args: string[]): Promise<number> {
  const resumedAt = new Date().toISOString()
  let values: ReturnType<
    typeof parseArgs<{ options: typeof RESUME_OPTIONS; strict: true; allowPositionals: true }>
  >['values']
  let positionals: string[]
  try {
    ;({ values, positionals } = parseArgs({ args, options: RESUME_OPTIONS, strict: true, allowPositionals: true }))
  } catch (e) {
    io.stderr(`${errorMessage(e)}\nRun release-rollback --help for the options.\n`)
    return EXIT.badInput
  }
  if (values.help) {
    io.stdout(HELP)
    return EXIT.ok
  }
  const say = values.json ? io.stderr : io.stdout
  const fail = (code: number, message: string, extra: Record<string, unknown> = {}) => {
    io.stderr(`${message}\n`)
    if (values.json)
      io.stdout(`${JSON.stringify({ exitCode: code, status: 'failed', error: message, ...extra }, null, 2)}\n`)
    return code
  }
  const id = positionals[0] ?? ''
  if (positionals.length !== 1 || !/^rr-[0-9a-f]{16}$/.test(id))
    return fail(
      EXIT.badInput,
      `resume takes one incident id (rr- and 16 hex digits, as the tracking issue shows it)${positionals.length > 0 ? `, not ${JSON.stringify(positionals.join(' ').slice(0, 60))}` : ''}. Usage: release-rollback resume <incident-id> --repo owner/name`,
    )
  const githubToken = (io.env.GITHUB_TOKEN || '').trim()
  if (!values.repo || !githubToken)
    return fail(
      EXIT.badInput,
      `resume needs ${!values.repo ? '--repo owner/name (the repository of the tracking issue)' : ''}${!values.repo && !githubToken ? ' and ' : ''}${!githubToken ? 'GITHUB_TOKEN in the environment (contents: write, issues: write), to read the incident record and finish the bookkeeping' : ''}.`,
    )
  const log: Logger = {
    info: (m) => say(`${m}\n`),
    warning: (m) => say(`warning: ${m}\n`),
    debug: () => {},
  }
  let found: Awaited<ReturnType<RecordFinder>>
  try {
    const flag: Record<string, string | undefined> = {
      'github-token': githubToken,
      'report-dir': values['report-dir'],
      'report-branch': values['report-branch'],
      'issue-labels': values['issue-labels'],
    }
    const gi = readGitHubInputs((n) => flag[n] ?? '', { GITHUB_WORKSPACE: io.cwd, GITHUB_REPOSITORY: values.repo })
    const { createGitHubClient } = await import('../github/client.js')
    const client = createGitHubClient({ token: githubToken, baseUrl: githubEndpoints(io.env).apiUrl, log })
    const { githubRecords } = await import('../modes/undo.js')
    const ctx: RunContext = {
      repository: values.repo,
      serverUrl: githubEndpoints(io.env).serverUrl,
      eventName: 'resume',
    }
    found = await githubRecords(client, ctx, gi, log)(id)
  } catch (e) {
    return fail(e instanceof InputError ? EXIT.badInput : EXIT.failed, errorMessage(e))
  }
  if (!found)
    return fail(
      EXIT.badInput,
      `${id}: no record of this incident was found in ${values.repo} (the reports under ${values['report-dir'] ?? 'incidents'}/, the tracking issues): nothing was changed. Check the id and --repo (and --report-dir, --report-branch, --issue-labels if the workflow set them).`,
    )
  // the record check an undo makes (src/github/record-check.ts): a record that fails is refused, nothing written
  // (the template is not known to a resume: its deprecation messages are checked as plain text only)
  try {
    const { requireVerifiedRecord } = await import('../github/record-check.js')
    requireVerifiedRecord(found.record, found.source, { anyTemplate: true })
  } catch (e) {
    return fail(e instanceof InputError ? EXIT.badInput : EXIT.failed, errorMessage(e))
  }
  const state = resumeState(found.record)
  if (state.kind === 'no-handoff')
    return fail(
      EXIT.badInput,
      `${id} (${found.source}) was not handed off: there is no plan waiting for a maintainer, so nothing was changed. To run this rollback again, use the usual command (release-rollback --help).`,
    )
  if (state.kind === 'done') {
    const message = `Already resumed: incident ${id} was finished${state.run.actor ? ` by ${state.run.actor}` : ''} at ${state.run.at} (status ${state.run.status}; ${found.source}). Nothing to do, nothing was changed.`
    say(`${message}\n`)
    if (values.json)
      io.stdout(`${JSON.stringify({ exitCode: EXIT.ok, status: 'already-done', incidentId: id, message }, null, 2)}\n`)
    return EXIT.ok
  }
  // the plan's registry is the maintainer's own, or the npm token goes nowhere (src/modes/resume.ts)
  try {
    const own = (name: string) =>
      resolveNpmConfig({ packageName: name, registryFlag: values.registry, cwd: io.cwd, env: io.env }).registry
    requireOwnRegistry(id, found.source, state.handoff, own)
  } catch (e) {
    return fail(e instanceof InputError ? EXIT.badInput : EXIT.failed, errorMessage(e))
  }
  say(
    `Resuming incident ${id} (${found.source}): the plan the hand-off recorded, checked against the registry first.\n`,
  )
  const pass = (name: keyof typeof values) => {
    const v = values[name]
    return v === undefined || v === false ? [] : v === true ? [`--${name}`] : [`--${name}=${v}`]
  }
  const argv = [
    ...resumeFlags(found.record, state.handoff),
    `--repo=${values.repo}`,
    ...pass('otp'),
    ...pass('approval-timeout'),
    ...pass('yes'),
    ...pass('json'),
    ...pass('report-dir'),
    ...pass('report-branch'),
    ...pass('issue-labels'),
  ]
  return cliMain({ ...io, argv }, { record: found.record, handoff: state.handoff, resumedAt })
}

/** The default of --approval-timeout. */
const APPROVAL_TIMEOUT = '5m'

/**
 * The run's second factor for npm writes: --otp, a web approval link (opened in the browser
 * where npm would open it), a code asked for on a terminal; each wait bounded by
 * --approval-timeout.
 */
function cliSecondFactor(
  io: CliIO,
  values: { otp?: string; 'approval-timeout'?: string },
  say: (line: string) => void,
): SecondFactor {
  const timeoutText = values['approval-timeout']?.trim() || APPROVAL_TIMEOUT
  const timeoutMs = parseDuration('approval-timeout', timeoutText, {
    min: 1000,
    minText: '1s',
    max: 3_600_000,
    maxText: '1h',
    fix: `use a duration such as 90s, 5m or 15m (units ${DURATION_UNITS}; between 1s and 1h; ${APPROVAL_TIMEOUT} by default).`,
  })
  const otp = values.otp?.trim()
  if (values.otp !== undefined && !/^[0-9A-Za-z]{4,64}$/.test(otp ?? ''))
    throw new InputError(
      'otp',
      'is not a one-time password (the digits your authenticator app shows).',
      'pass --otp 123456, or leave it out to approve each write in the browser.',
    )
  const terminal = io.tty?.stdin === true && io.tty?.stdout === true
  // only on a terminal, as npm (lib/utils/open-url.js openUrlPrompt); io.openUrl stands in for the browser in tests
  const open = terminal ? (io.openUrl ?? ((url: string) => openInBrowser(url, io.env))) : undefined
  return new SecondFactor({
    otp,
    timeoutMs,
    timeoutText,
    say,
    ...(open ? { open } : {}),
    // a code is asked for only where someone can type it (npm's otplease asks only on a terminal)
    ...(io.tty?.stdin === true ? { askCode: (q: string) => io.ask(q) } : {}),
  })
}

/**
 * Opens the approval link as npm's lib/utils/open-url.js does: npm's `browser` setting
 * (npm_config_browser; `false`: print only), else the system's opener (macOS open, Windows
 * start, others xdg-open: npm's config definitions). Only on a terminal (npm opens nothing
 * without one); npm also first asks "Press ENTER to open in the browser...", which this
 * skips: the link is printed either way, and a failure to open is not an error.
 */
function openInBrowser(url: string, env: NodeJS.ProcessEnv): void {
  const browser = (env.npm_config_browser ?? env.NPM_CONFIG_BROWSER ?? '').trim()
  if (browser === 'false') return
  const [command, args] =
    browser !== '' && browser !== 'true'
      ? [browser, [url]]
      : process.platform === 'darwin'
        ? ['open', [url]]
        : process.platform === 'win32'
          ? ['cmd', ['/c', 'start', '""', url]]
          : ['xdg-open', [url]]
  try {
    const child = spawn(command, args, { stdio: 'ignore', detached: true })
    child.on('error', () => {})
    child.unref()
  } catch {
    // the printed link is the way
  }
}

/** The --json result: the incident, a row per target, and for one target its plan's details. */
function summaryOf(o: IncidentResult, b?: BookkeepingResult): Record<string, unknown> {
  const only = o.targets.length === 1 ? o.targets[0] : undefined
  const plan = only?.plan
  // a row per target; the packages list (several npm packages) is the same rows without kind and channel
  const rows = o.targets.map((t) => ({
    kind: t.kind,
    name: t.name,
    channel: t.channel,
    outcome: t.outcome,
    previous: t.plan?.previousVersion ?? null,
    restored: t.plan?.republish?.version ?? t.plan?.restoreVersion ?? null,
    moved: t.moved,
    deprecated: t.deprecated,
    error: errorOf(t) ?? null,
  }))
  return {
    status: o.status,
    ...(o.undo ? { undo: true } : {}),
    // strategy republish staged the fix-forward version: what a maintainer approves
    ...(o.staged
      ? { stagedVersion: o.staged.version, stageId: o.staged.stageId, approveCommand: o.staged.command }
      : {}),
    incidentId: o.incidentId || null,
    ...(only ? { package: only.name, channel: only.channel } : {}),
    ...(o.reason ? { reason: o.reason } : {}),
    ...(plan
      ? {
          rollbackVersion: plan.rollbackVersion,
          restoreVersion: plan.restoreVersion,
          previousVersion: plan.previousVersion ?? null,
          moved: only?.moved,
          deprecated: only?.deprecated,
        }
      : {}),
    ...(o.targets.length > 1 && o.targets.every((t) => t.kind === 'npm')
      ? {
          packages: rows.map(({ kind: _kind, channel: _channel, ...row }) => row),
        }
      : {}),
    targets: rows,
    warnings: o.warnings,
    issueUrl: b?.issueUrl ?? null,
    reportUrl: b?.reportUrl ?? null,
    pullRequestUrl: b?.pullRequestUrl ?? null,
    ...(o.impact ? { impact: o.impact } : {}),
    ...(o.error ? { error: o.error.message } : {}),
  }
}

function askLine(question: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: process.stdin.isTTY === true })
    let answered = false
    rl.question(question, (a) => {
      answered = true
      rl.close()
      resolve(a)
    })
    rl.on('close', () => {
      if (!answered) resolve(undefined)
    })
  })
}

// run when executed (not when imported by the tests)
if (process.argv[1] && /(?:cli\.[tj]s|cli[\\/]index\.js|release-rollback)$/.test(process.argv[1])) {
  const code = await main({
    argv: process.argv.slice(2),
    env: process.env,
    cwd: process.cwd(),
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    ask: askLine,
    version: ownVersion(),
    tty: {
      stdout: process.stdout.isTTY === true,
      stderr: process.stderr.isTTY === true,
      stdin: process.stdin.isTTY === true,
      columns: process.stdout.columns,
    },
  }).catch((e: unknown) => {
    process.stderr.write(`${e instanceof RollbackError ? e.message : String(e)}\n`)
    return EXIT.failed
  })
  process.exitCode = code
}

/** The package's version: the bundle, dist/cli/index.js, sits two levels below package.json. */
function ownVersion(): string {
  try {
    // built at run time on purpose: a literal path would be bundled by ncc as an asset
    const file = ['..', '..', 'package.json'].reduce(
      (dir, part) => join(dir, part),
      dirname(fileURLToPath(import.meta.url)),
    )
    return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version ?? 'unknown'
  } catch {
    return 'unknown'
  }
}
