// One rollback, start to finish, for every entry point (the action and the CLI): the
// registry rollback, then the GitHub bookkeeping, with failures after the rollback took
// effect turned into a partial result that names what is missing.
import type { BookkeepingResult } from './bookkeeping.js'
import { runMultiRollback, type MultiResult } from './multi.js'
import { InputError, PartialError } from './errors.js'
import type { GitHubClient } from './github/client.js'
import { ghStatus, repoRef } from './github/refs.js'
import type { RunContext } from './github/incident.js'
import type { GitHubInputs, RollbackInputs } from './inputs.js'
import type { Logger } from './retry.js'
import { runRollback, type RollbackResult, type SkippedResult } from './rollback.js'
import type { Target } from './targets/target.js'

export interface Execution {
  outcome: RollbackResult | SkippedResult
  bookkeeping?: BookkeepingResult
}

export interface MultiExecution {
  multi: MultiResult
  bookkeeping?: BookkeepingResult
}

/** Several packages, one incident: the same bookkeeping, with a row per package. */
export async function executeMultiRollback(
  inputs: RollbackInputs & { packageNames: string[] },
  gi: GitHubInputs,
  targetFor: (name: string) => Target,
  gh: GitHubClient | undefined,
  ctx: RunContext,
  log: Logger
): Promise<MultiExecution> {
  // the GitHub token is checked beside the registry reads, before any write, as for one package
  let defaultBranch = ''
  const multi = await runMultiRollback(inputs, targetFor, log, undefined, gh && !inputs.dryRun ? async () => (defaultBranch = await repositoryDefaultBranch(gh, ctx)) : undefined)
  // a failed all-or-nothing run put its tags back: nothing happened to record
  if (!gh || multi.status === 'planned' || multi.status === 'failed' || multi.status === 'skipped') return { multi }
  const changes = multi.packages.filter((p) => p.moved || p.deprecated).map((p) => `rolled back \`${p.name}\``)
  const { buildMultiRecord, recordIncidentRecord } = await import('./bookkeeping.js')
  const record = buildMultiRecord(multi, inputs, gi, ctx, new Date().toISOString())
  const reportName = `${multi.packages[0].name}-and-${multi.packages.length - 1}-more`
  const bookkeeping = await recordIncidentRecord(gh, ctx, defaultBranch, { record, changes, reportName }, gi, log)
  if (bookkeeping.missing.length > 0) {
    multi.status = 'partial'
    multi.error = new PartialError([`the packages' channels are rolled back`], [...(multi.error ? [multi.error.message] : []), ...bookkeeping.missing], new Error('the GitHub bookkeeping failed'))
  }
  multi.warnings.push(...bookkeeping.warnings)
  return { multi, bookkeeping }
}

/** Reads the repository before any write: a token that cannot see it fails now, naming github-token. */
export async function repositoryDefaultBranch(gh: GitHubClient, ctx: RunContext): Promise<string> {
  try {
    const { data } = await gh.rest.repos.get({ ...repoRef(ctx.repository) })
    return data.default_branch
  } catch (e) {
    const status = ghStatus(e)
    if (status === 401) throw new InputError('github-token', 'was rejected by GitHub (401 Bad credentials).', 'pass a valid token; in a workflow the default is the workflow token ${{ github.token }}.')
    if (status === 403 || status === 404) {
      throw new InputError('github-token', `cannot read the repository ${ctx.repository} (${status}).`, 'give the job contents: write, issues: write and pull-requests: write, or use a token with access to this repository.')
    }
    throw e
  }
}

/**
 * `gh` undefined: no GitHub bookkeeping (dry run, both parts off, or a CLI run without a
 * token). Throws only for failures before anything was written.
 */
export async function executeRollback(inputs: RollbackInputs, gi: GitHubInputs, target: Target, gh: GitHubClient | undefined, ctx: RunContext, log: Logger): Promise<Execution> {
  let defaultBranch = ''
  const outcome = await runRollback(inputs, target, log, gh ? async () => (defaultBranch = await repositoryDefaultBranch(gh, ctx)) : undefined)
  if (outcome.status === 'skipped' || outcome.status === 'planned' || !gh) return { outcome }

  // the GitHub side (Octokit and the renderers) is loaded only when it runs
  const { recordIncident } = await import('./bookkeeping.js')
  const bookkeeping = await recordIncident(gh, ctx, defaultBranch, outcome, inputs, gi, log)
  if (bookkeeping.missing.length > 0) {
    const { plan } = outcome
    const done = outcome.error
      ? outcome.error.done
      : [
          plan.tag.kind === 'keep-newer' ? `'${plan.channel}' stays on ${plan.tag.holder}` : `'${plan.channel}' points at ${plan.restoreVersion} (the rollback is live)`,
          ...(plan.deprecation.kind === 'off' ? [] : [`${plan.rollbackVersion} is deprecated`])
        ]
    const missing = [...(outcome.error?.missing ?? []), ...bookkeeping.missing]
    outcome.status = 'partial'
    outcome.error = new PartialError(done, missing, outcome.error?.cause ?? new Error('the GitHub bookkeeping failed'))
  }
  outcome.warnings.push(...bookkeeping.warnings)
  return { outcome, bookkeeping }
}
