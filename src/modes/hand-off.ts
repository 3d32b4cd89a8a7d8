// The resume of a hand-off, before it runs: the incident's record found on GitHub (the committed report, else the
// tracking issue) with the maintainer's GITHUB_TOKEN, checked as an undo's record is, and where it stands
// (src/modes/resume.ts). The command line's resume (src/cli/resume.ts) then runs the recorded plan as a rollback
// (src/modes/run.ts, with `resuming`). Loaded only by the resume: it brings Octokit.
import type { GitHubInputs } from '../config/inputs.js'
import type { Logger } from '../core/retry.js'
import { createGitHubClient } from '../github/client.js'
import type { FoundRecord } from '../github/find-record.js'
import type { RunContext } from '../github/incident.js'
import { requireVerifiedRecord } from '../github/record-check.js'
import { resumeState, type ResumeState } from './resume.js'
import { githubRecords } from './undo.js'

/**
 * The handed-off incident `id`'s record and where it stands; undefined when no record of it is found. A record that
 * fails the record check (src/github/record-check.ts) throws, nothing written (the template is not known to a
 * resume: its deprecation messages are checked as plain text only).
 */
export async function readHandoff(
  id: string,
  github: { token: string; apiUrl: string; ctx: RunContext; gi: GitHubInputs },
  log: Logger,
): Promise<{ found: FoundRecord; state: ResumeState } | undefined> {
  const client = createGitHubClient({ token: github.token, baseUrl: github.apiUrl, log })
  const found = await githubRecords(client, github.ctx, github.gi, log)(id)
  if (!found) return undefined
  requireVerifiedRecord(found.record, found.source, { anyTemplate: true })
  return { found, state: resumeState(found.record) }
}
