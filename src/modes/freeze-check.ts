// The freeze check's run, for both entries (the action's freeze-check input, the command line's freeze-check
// subcommand): the client for the repository, and the check (src/modes/freeze.ts). The entries load this module only
// in this mode: it brings Octokit.
import { createGitHubClient, repoRef } from '../github/client.js'
import { githubEndpoints } from '../github/urls.js'
import type { Logger } from '../core/retry.js'
import { checkFreeze, readFreezeInputs, type FreezeInputs, type FreezeResult } from './freeze.js'

export { readFreezeInputs, type FreezeInputs, type FreezeResult }

/** Whether the release is frozen, asked of the repository's issues with the freeze inputs' token. */
export function runFreezeCheck(fi: FreezeInputs, env: NodeJS.ProcessEnv, log: Logger): Promise<FreezeResult> {
  const gh = createGitHubClient({ token: fi.token, baseUrl: githubEndpoints(env).apiUrl, log })
  return checkFreeze(gh, repoRef(fi.repository), fi)
}
