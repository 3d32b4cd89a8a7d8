// GitHub's failures to read or move a tag, in words that say what to do.
import { InputError, RegistryError, RollbackError } from '../../core/errors.js'
import { ChannelMovedError } from '../../core/guard.js'
import { firstLine } from '../../core/util.js'
import { currentDialect } from '../../core/settings.js'
import { ghMessage, ghStatus } from '../../github/refs.js'
import { GitHubHttpError } from './refs.js'

/** Wraps a failed read into an error that says what to do. */
export function explainRead(repository: string, e: unknown, what: string): RollbackError {
  if (e instanceof RollbackError) return e
  const status = ghStatus(e)
  const said = firstLine(ghMessage(e))
  if (status === 401)
    return new InputError('github-token', `was rejected by GitHub (401 Bad credentials) while ${what}.`, validToken())
  if (status === 403 || status === 404) {
    return new InputError(
      'github-token',
      `cannot read ${repository} (${status}: ${said}) while ${what}.`,
      `check the repository name, and give the job permissions: contents: write, or use a token with Contents read and write on ${repository}.`,
    )
  }
  return new RegistryError(
    `${what[0].toUpperCase()}${what.slice(1)} failed: HTTP ${status ?? '?'} (${said}).`,
    status === undefined || status >= 500 || status === 429
      ? 'GitHub is failing or unreachable; re-run when it recovers (a re-run is safe).'
      : "see GitHub's message above.",
    status,
  )
}

/** Turns a failed write (that the guard will not retry) into an error that says what to do. */
export function explainWrite(
  e: unknown,
  expected: string | undefined,
  wanted: string,
  at: { tag: string; repository: string },
): Error {
  if (e instanceof RollbackError) return e
  const status = e instanceof GitHubHttpError ? e.statusCode : ghStatus(e)
  const said = e instanceof GitHubHttpError ? e.ghMessage : ghMessage(e)
  const saidLine = firstLine(said.replace(/\n+/g, ' ').trim())
  const where = `the git tag '${at.tag}' of ${at.repository}`
  if (status === 422 && /Reference does not exist/i.test(said))
    return new ChannelMovedError(at.tag, undefined, expected, wanted)
  if ((status === 422 || status === 403) && /workflow/i.test(said)) {
    return new InputError(
      'github-token',
      `may not move ${where}: GitHub refuses a token without the workflows permission to point a ref at commits that change workflow files (${status}: ${saidLine}).`,
      'use a token that may update workflows (a GitHub App token with workflows: write, or a personal access token with the workflow scope); the workflow token cannot get it.',
    )
  }
  if (status === 422 && /rule violation|protected|restricted|Reference update failed/i.test(said)) {
    return new RegistryError(
      `GitHub refuses to move ${where}: the tag is protected (${saidLine}).`,
      `a tag ruleset (Settings → Rules → Rulesets, target: tags) or a legacy tag protection rule (Settings → Tags) covers '${at.tag}': add the token's actor (for the workflow token: the GitHub Actions app, or a role it has) to the ruleset's bypass list, or exclude '${at.tag}' from it, then re-run; or move the tag by hand.`,
      status,
    )
  }
  if (status === 422 && /Object does not exist/i.test(said)) {
    return new RegistryError(
      `GitHub does not know the commit ${wanted} in ${at.repository} (${saidLine}).`,
      'check the version tag still exists, and re-run to plan from the repository as it is.',
      status,
    )
  }
  if ((status === 403 || status === 429) && /rate limit/i.test(said)) {
    return new RegistryError(
      `GitHub rate-limited moving ${where} (${status}: ${saidLine}); nothing was changed.`,
      'wait a few minutes and re-run (a re-run is safe: it reads the tag first).',
      status,
    )
  }
  if (status === 401)
    return new InputError('github-token', `was rejected by GitHub (401) while moving ${where}.`, validToken())
  if (status === 403 || status === 404) {
    return new InputError(
      'github-token',
      `may not move ${where} (${status}: ${saidLine}).`,
      `give the job permissions: contents: write (the workflow token), or use a token with Contents read and write on ${at.repository}.`,
    )
  }
  const transient = status === undefined || status >= 500 || status === 429 || status === 408
  return new RegistryError(
    `Moving ${where} failed: HTTP ${status ?? '?'} (${saidLine}).`,
    transient
      ? 'GitHub is failing or unreachable; re-run when it recovers (a re-run is safe: it reads the tag first).'
      : "see GitHub's message above.",
    status,
  )
}

/** The fix for a rejected GitHub token, as the entry that runs says it. */
function validToken(): string {
  return currentDialect() === 'action'
    ? 'pass a valid token (in a workflow the default is the workflow token).'
    : 'set GITHUB_TOKEN to a valid token.'
}
