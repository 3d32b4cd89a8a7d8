// Small GitHub helpers with no Octokit behind them, so the entry can use them without
// loading the client (which is loaded only when the bookkeeping runs).

export interface RepoRef {
  owner: string
  repo: string
}

export function repoRef(repository: string): RepoRef {
  const [owner, repo] = repository.split('/')
  return { owner, repo }
}

/** The HTTP status of an Octokit RequestError (undefined for network failures). */
export function ghStatus(e: unknown): number | undefined {
  const s = (e as { status?: unknown })?.status
  return typeof s === 'number' ? s : undefined
}

/** GitHub's error message, for decisions (409 kinds) and for the user. */
export function ghMessage(e: unknown): string {
  const err = e as { response?: { data?: { message?: unknown } }; message?: unknown }
  const m = err?.response?.data?.message ?? err?.message
  return typeof m === 'string' ? m : String(e)
}
