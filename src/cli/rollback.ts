// The command line's rollback (and dry run, drill, undo, smoke-only, resume of a hand-off): the flags read as the
// action's inputs, the mode run as the action runs it (src/modes/run.ts), and the result shown.
import { idTokenAvailable } from '../targets/npm/oidc.js'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { InputError, errorMessage } from '../core/errors.js'
import type { RunContext } from '../github/incident.js'
import { githubEndpoints } from '../github/urls.js'
import { resolveNpmConfig } from '../targets/npm/npmrc.js'
import { findKind, kindOf } from '../targets/registry.js'
import { readModeRequest, runMode, type ModeOutcome, type ModeRequest, type Resuming } from '../modes/run.js'
import { createProgress } from './progress.js'
import { ROLLBACK_FLAGS, flagsOf, inputsOfFlags, optionsOf } from './flags.js'
import { EXIT, parseFlags, type CliIO, type FlagValues } from './io.js'
import { gitRoot, localActor, writeLocalReport } from './local.js'
import { CliOutput, planGate, presentDrill, presentEnd, presentSkipped, summaryOf } from './present.js'
import { cliSecondFactor } from './second-factor.js'

const FLAGS = flagsOf(ROLLBACK_FLAGS)
const OPTIONS = optionsOf(FLAGS)

type Values = FlagValues
const text = (values: Values, name: string) => {
  const v = values[name]
  return typeof v === 'string' ? v : undefined
}

/** The flags a rollback cannot start without, all of them at once (the validation after this names one problem at a time). */
function missingFlags(values: Values, cwd: string, npmToken: string | undefined, env: NodeJS.ProcessEnv): string[] {
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
  // the packages of the registry input (npm's) need its token; without --targets the package is one
  const targets = text(values, 'targets')
  const onRegistry =
    !targets ||
    targets
      .split(/[,\n]/)
      .some((entry) => findKind(/^\s*([^:\s]+):/.exec(entry)?.[1] ?? '')?.capabilities.registryInput === true)
  // inside a GitHub Actions job with id-token: write, trusted publishing stands in for the token
  if (onRegistry && !npmToken && !values['dry-run'] && !values['smoke-only'] && !idTokenAvailable(env))
    missing.push(
      "NPM_TOKEN in the environment (or the registry's _authToken in .npmrc), or --dry-run to only see the plan",
    )
  return missing
}

/** The flags as the action's inputs: each flag of the table, then those made from more than their flag. */
function flagInputs(
  values: Values,
  npm: { registry: string; token?: string },
  env: NodeJS.ProcessEnv,
  github: { onGitHub: boolean; token: string },
): (name: string) => string {
  const flag: Record<string, string | undefined> = {
    ...inputsOfFlags(FLAGS, values),
    registry: npm.registry,
    'npm-token': npm.token,
    // --smoke-only reads the plan as a dry run does (no token needed)
    'dry-run': values['dry-run'] || values['smoke-only'] ? 'true' : 'false',
    'github-token': github.onGitHub ? github.token : '',
    'create-issue': github.onGitHub && !values['no-issue'] ? 'true' : 'false',
    'commit-report': github.onGitHub && !values['no-report'] ? 'true' : 'false',
    targets: text(values, 'targets')?.split(/[,\n]/).join('\n'),
    // Docker credentials come from the environment or the docker login's config, never flags
    'registry-username': env.REGISTRY_USERNAME,
    'registry-password': env.REGISTRY_PASSWORD,
    // the webhook is a secret: from the environment only
    'announce-webhook': env.ANNOUNCE_WEBHOOK,
  }
  return (name: string) => flag[name] ?? ''
}

/** release-rollback [flags]: the rollback's modes; `resuming`: the rollback a resume runs (src/cli/resume.ts). */
export async function rollback(io: CliIO, resuming?: Resuming): Promise<number> {
  // the run's start: the time to protection is measured from here (the confirmation counts);
  // a resume measures from the action's start, and records the maintainer's command
  const startedAt = resuming?.handoff.startedAt ?? new Date().toISOString()
  const values = parseFlags(io, io.argv, OPTIONS)
  if (typeof values === 'number') return values
  if (values.version) {
    io.stdout(`${io.version}\n`)
    return EXIT.ok
  }
  const out = new CliOutput(io, values.json === true)
  try {
    const npm = resolveNpmConfig({
      packageName: text(values, 'package'),
      registryFlag: text(values, 'registry'),
      cwd: io.cwd,
      env: io.env,
    })
    const missing = missingFlags(values, io.cwd, npm.token, io.env)
    if (missing.length > 0) {
      const message = `Missing: ${missing.join('; ')}.\nRun release-rollback --help for the options.`
      io.stderr(`${message}\n`)
      Object.assign(out.result, { status: 'failed', error: message })
      return out.finish(EXIT.badInput)
    }
    const repo = text(values, 'repo')
    const githubToken = (io.env.GITHUB_TOKEN || '').trim()
    const onGitHub = Boolean(repo && githubToken)
    if (repo && !githubToken)
      out.log.warning(
        '--repo is set but GITHUB_TOKEN is not: the report is written locally and the issue text printed instead.',
      )
    const get = flagInputs(values, npm, io.env, { onGitHub, token: githubToken })
    // the same validation as the action; error messages name the action's input, so say the flag too
    const req = readModeRequest(get, { ...io.env, GITHUB_WORKSPACE: io.cwd, GITHUB_REPOSITORY: repo ?? '' })
    const ctx: RunContext = {
      repository: repo ?? '',
      serverUrl: githubEndpoints(io.env).serverUrl,
      actor: localActor(io.env, io.cwd),
      // a resume's run is recorded as such (its comment, and a second resume finds it)
      eventName: resuming ? 'resume' : 'cli',
    }
    const disposers: Array<() => void> = []
    try {
      // the bookkeeping is done on GitHub with --repo and GITHUB_TOKEN, else locally
      const books = onGitHub && (req.gi.createIssue || req.gi.commitReport)
      const run = { req, ctx, startedAt, onGitHub, books, githubToken, resuming }
      const outcome = await runRollback(io, out, values, run, (d) => disposers.push(d))
      const local = { localReport: !values['no-report'], issue: !values['no-issue'] }
      return presentOutcome(io, out, outcome, { req, ctx, books, ...local })
    } finally {
      for (const dispose of disposers) dispose()
    }
  } catch (e) {
    const message = errorMessage(e)
    io.stderr(`${message}\n`)
    Object.assign(out.result, { status: 'failed', error: message })
    return out.finish(e instanceof InputError ? EXIT.badInput : EXIT.failed)
  }
}

interface RollbackRun {
  req: ModeRequest
  ctx: RunContext
  startedAt: string
  onGitHub: boolean
  books: boolean
  githubToken: string
  resuming?: Resuming
}

/** The mode, run as the action runs it, with the command line's GitHub, plan, confirmation and progress. */
function runRollback(
  io: CliIO,
  out: CliOutput,
  values: Values,
  run: RollbackRun,
  onDispose: (dispose: () => void) => void,
): Promise<ModeOutcome<number>> {
  const { req, ctx, onGitHub, books, githubToken } = run
  return runMode<number>(req, {
    log: out.log,
    ctx,
    userAgent: `release-rollback-cli/${io.version} (node ${process.version})`,
    startedAt: run.startedAt,
    // git-tag targets move their tag through GitHub; an undo reads the incident's record on GitHub with
    // --repo, else in the reports of the local checkout
    github: {
      token: githubToken,
      apiUrl: githubEndpoints(io.env).apiUrl,
      wanted: onGitHub,
      books,
      drillBooks: onGitHub,
      recordsOnGitHub: onGitHub,
      localRecords: () => gitRoot(io.cwd),
    },
    hooks: { env: io.env },
    check: (inputs) => {
      const viaGitHub = inputs.targets?.some((t) => kindOf(t.kind).capabilities.viaGitHub === true) === true
      if (viaGitHub && !onGitHub)
        throw new InputError(
          'github-token',
          'and --repo are needed for a git-tag target: the tag is moved through the GitHub API.',
          'set GITHUB_TOKEN (contents: write) and pass --repo owner/name.',
        )
    },
    // npm's second factor, asked of the person at most as often as the registry refuses (src/targets/npm/two-factor.ts)
    moreHooks: (inputs) =>
      inputs.dryRun ? {} : { secondFactor: cliSecondFactor(io, values, (line) => out.emit(`${line}\n`)) },
    smoke: { env: io.env },
    smokeOnly: values['smoke-only'] === true,
    onDispose,
    gate: planGate(out, req.inputs, { yes: values.yes === true, announce: req.announce !== undefined }),
    ...(run.resuming ? { resuming: run.resuming } : {}),
    // several targets: a line per target that updates on a terminal, plain lines otherwise
    watch: (steps, targets, quiet) => {
      if (targets.length <= 1 || quiet) return undefined
      const progress = createProgress(
        { write: out.say, isTTY: out.json ? io.tty?.stderr : io.tty?.stdout, columns: io.tty?.columns },
        targets,
      )
      steps.progress = (event) => progress.update(event)
      out.emit = (line) => progress.log(line)
      return () => {
        progress.done()
        out.emit = out.say
      }
    },
  })
}

/** What came of the mode, shown; the exit code. */
function presentOutcome(
  io: CliIO,
  out: CliOutput,
  outcome: ModeOutcome<number>,
  shown: { req: ModeRequest; ctx: RunContext; books: boolean; localReport: boolean; issue: boolean },
): number {
  switch (outcome.ran) {
    case 'smoke-only':
      // the smoke test alone, where no token is: the install scripts run there
      Object.assign(out.result, { status: outcome.smoked?.status, smokeTested: outcome.smoked?.tested })
      return out.finish(EXIT.ok)
    case 'drill':
      return presentDrill(out, outcome.drill)
    case 'skipped':
      return presentSkipped(out, outcome.preview)
    case 'stopped':
      return out.finish(outcome.stop)
    case 'incident': {
      const { result, bookkeeping } = outcome
      Object.assign(out.result, summaryOf(result, bookkeeping))
      if (result.status === 'skipped') return out.finish(EXIT.ok)
      const { gi } = shown.req
      // no GitHub bookkeeping: the report goes into the checkout, the issue text to the terminal
      if (!shown.books && shown.localReport && result.status !== 'failed')
        writeLocalReport(
          result,
          { inputs: outcome.request, gi, ctx: shown.ctx, reportDir: gi.reportDir, cwd: io.cwd },
          out.say,
          shown.issue,
          (file) => {
            out.result.reportPath = file
          },
        )
      return presentEnd(out, result, bookkeeping)
    }
  }
}
