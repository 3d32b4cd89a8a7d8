// Every link to GitHub this tool builds, in one place, from the server the run is on:
// GITHUB_SERVER_URL (github.com, or a GitHub Enterprise Server such as
// https://ghe.example.com) for the web, GITHUB_API_URL for the REST API. Links that the
// API hands back (an issue's or a file's html_url) are the server's own and are used as
// they come. Pure: no I/O.
import type { RunContext } from './incident.js'

export const DEFAULT_SERVER_URL = 'https://github.com'
export const DEFAULT_API_URL = 'https://api.github.com'

/** The runner's (or a shell's) variables that name the server. */
export interface GitHubEndpointEnv {
  GITHUB_SERVER_URL?: string
  GITHUB_API_URL?: string
}

/**
 * The web and API base URLs, without a trailing slash. A runner always sets both; where
 * only GITHUB_SERVER_URL is given (the CLI on a GitHub Enterprise Server), the API is the
 * server's `/api/v3`, as on every GitHub Enterprise Server.
 */
export function githubEndpoints(env: GitHubEndpointEnv): { serverUrl: string; apiUrl: string } {
  const serverUrl = (env.GITHUB_SERVER_URL?.trim() || DEFAULT_SERVER_URL).replace(/\/+$/, '')
  const fallback = serverUrl === DEFAULT_SERVER_URL ? DEFAULT_API_URL : `${serverUrl}/api/v3`
  const apiUrl = (env.GITHUB_API_URL?.trim() || fallback).replace(/\/+$/, '')
  return { serverUrl, apiUrl }
}

const base = (ctx: Pick<RunContext, 'serverUrl'>) => (ctx.serverUrl || DEFAULT_SERVER_URL).replace(/\/+$/, '')

/** The workflow run (with the attempt when it is a re-run), or undefined without a numeric run id and a repository. */
export function runUrl(ctx: Pick<RunContext, 'serverUrl' | 'repository' | 'runId' | 'runAttempt'>): string | undefined {
  if (!ctx.runId || !/^\d+$/.test(ctx.runId) || !ctx.repository) return undefined
  const attempt =
    ctx.runAttempt && /^\d+$/.test(ctx.runAttempt) && Number(ctx.runAttempt) > 1 ? `/attempts/${ctx.runAttempt}` : ''
  return `${base(ctx)}/${ctx.repository}/actions/runs/${ctx.runId}${attempt}`
}

/** An issue of the run's repository. */
export function issueUrl(ctx: Pick<RunContext, 'serverUrl' | 'repository'>, number: number): string {
  return `${base(ctx)}/${ctx.repository}/issues/${number}`
}

/** A file of the run's repository on a branch. */
export function blobUrl(ctx: Pick<RunContext, 'serverUrl' | 'repository'>, branch: string, path: string): string {
  return `${base(ctx)}/${ctx.repository}/blob/${encodeURIComponent(branch)}/${path}`
}

/** A user's profile, or an app's page for its bot user (`name[bot]`). */
export function accountUrl(serverUrl: string, login: string, bot = false): string {
  return bot ? `${base({ serverUrl })}/apps/${login}` : `${base({ serverUrl })}/${login}`
}
