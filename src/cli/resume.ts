// release-rollback resume <incident-id> --repo owner/name: a maintainer finishes a hand-off (src/core/handoff.ts).
import { InputError, errorMessage } from '../core/errors.js'
import { readGitHubInputs } from '../config/inputs.js'
import type { RunContext } from '../github/incident.js'
import { githubEndpoints } from '../github/urls.js'
import type { Resuming } from '../modes/run.js'
import { requireOwnRegistry, resumeFlags } from '../modes/resume.js'
import { resolveNpmConfig } from '../targets/npm/npmrc.js'
import { RESUME_FLAG_NAMES, ROLLBACK_FLAGS, flagsOf, optionsOf } from './flags.js'
import { EXIT, lineLogger, parseCommand, type CliIO } from './io.js'

const RESUME_OPTIONS = optionsOf(
  flagsOf(ROLLBACK_FLAGS).filter((f) => (RESUME_FLAG_NAMES as readonly string[]).includes(f.name)),
)

/** The rollback a resume runs: the command line's, with the flags of the recorded plan. */
export type ResumedRollback = (io: CliIO, resuming: Resuming) => Promise<number>

/**
 * The incident record (the committed report, else the tracking issue) is read with GITHUB_TOKEN; the recorded plan
 * is run as a command-line rollback, with the maintainer's second factor, and checked against the registry before
 * anything is written.
 */
export async function resume(io: CliIO, args: string[], rollback: ResumedRollback): Promise<number> {
  const resumedAt = new Date().toISOString()
  const parsed = parseCommand(io, args, RESUME_OPTIONS, true)
  if (typeof parsed === 'number') return parsed
  const { values } = parsed
  const { positionals } = parsed
  const text = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined)
  const say = values.json ? io.stderr : io.stdout
  const fail = (code: number, message: string) => {
    io.stderr(`${message}\n`)
    if (values.json) io.stdout(`${JSON.stringify({ exitCode: code, status: 'failed', error: message }, null, 2)}\n`)
    return code
  }
  const id = positionals[0] ?? ''
  if (positionals.length !== 1 || !/^rr-[0-9a-f]{16}$/.test(id))
    return fail(
      EXIT.badInput,
      `resume takes one incident id (rr- and 16 hex digits, as the tracking issue shows it)${positionals.length > 0 ? `, not ${JSON.stringify(positionals.join(' ').slice(0, 60))}` : ''}. Usage: release-rollback resume <incident-id> --repo owner/name`,
    )
  const repo = text('repo')
  const githubToken = (io.env.GITHUB_TOKEN || '').trim()
  if (!repo || !githubToken)
    return fail(
      EXIT.badInput,
      `resume needs ${!repo ? '--repo owner/name (the repository of the tracking issue)' : ''}${!repo && !githubToken ? ' and ' : ''}${!githubToken ? 'GITHUB_TOKEN in the environment (contents: write, issues: write), to read the incident record and finish the bookkeeping' : ''}.`,
    )
  let read: Awaited<ReturnType<typeof import('../modes/hand-off.js').readHandoff>>
  try {
    const flag: Record<string, string | undefined> = {
      'github-token': githubToken,
      'report-dir': text('report-dir'),
      'report-branch': text('report-branch'),
      'issue-labels': text('issue-labels'),
    }
    const gi = readGitHubInputs((n) => flag[n] ?? '', { GITHUB_WORKSPACE: io.cwd, GITHUB_REPOSITORY: repo })
    const ctx: RunContext = { repository: repo, serverUrl: githubEndpoints(io.env).serverUrl, eventName: 'resume' }
    // loaded only for this command: it brings Octokit
    const { readHandoff } = await import('../modes/hand-off.js')
    read = await readHandoff(
      id,
      { token: githubToken, apiUrl: githubEndpoints(io.env).apiUrl, ctx, gi },
      lineLogger(say),
    )
  } catch (e) {
    return fail(e instanceof InputError ? EXIT.badInput : EXIT.failed, errorMessage(e))
  }
  if (!read)
    return fail(
      EXIT.badInput,
      `${id}: no record of this incident was found in ${repo} (the reports under ${text('report-dir') ?? 'incidents'}/, the tracking issues): nothing was changed. Check the id and --repo (and --report-dir, --report-branch, --issue-labels if the workflow set them).`,
    )
  const { found, state } = read
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
      resolveNpmConfig({ packageName: name, registryFlag: text('registry'), cwd: io.cwd, env: io.env }).registry
    requireOwnRegistry(id, found.source, state.handoff, own)
  } catch (e) {
    return fail(e instanceof InputError ? EXIT.badInput : EXIT.failed, errorMessage(e))
  }
  say(
    `Resuming incident ${id} (${found.source}): the plan the hand-off recorded, checked against the registry first.\n`,
  )
  const pass = (name: string) => {
    const v = values[name]
    return v === undefined || v === false ? [] : v === true ? [`--${name}`] : [`--${name}=${v}`]
  }
  const argv = [
    ...resumeFlags(found.record, state.handoff),
    `--repo=${repo}`,
    ...['otp', 'approval-timeout', 'yes', 'json', 'report-dir', 'report-branch', 'issue-labels'].flatMap(pass),
  ]
  return rollback({ ...io, argv }, { record: found.record, handoff: state.handoff, resumedAt })
}
