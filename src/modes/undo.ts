// Undo reads the incident's record before it plans: the committed report (on GitHub, or in
// the local checkout for the command line without GitHub), else the tracking issue. With
// incident-id alone the record names everything the undo does (src/github/undo-record.ts);
// with the same inputs as the rollback it still gives the deprecation message this tool
// wrote and what each channel held. Both entries (src/main.ts, src/cli.ts) use this.
import { settingName, setTo } from '../core/settings.js'
import { InputError } from '../core/errors.js'
import { repositoryDefaultBranch } from '../incident/execute.js'
import { repoRef, type GitHubClient } from '../github/client.js'
import { findIncidentRecord, findInReports, localReports, type FoundRecord } from '../github/find-record.js'
import type { RunContext } from '../github/incident.js'
import { recordProblems, requireVerifiedRecord, type RecordCheckOptions } from '../github/record-check.js'
import { recordedIncident, undoInputs } from '../github/undo-record.js'
import type { GitHubInputs, RollbackInputs } from '../config/inputs.js'
import type { RecordedIncident } from '../core/plan.js'
import type { Logger } from '../core/retry.js'
import type { IncidentRequest } from '../incident/run.js'

/** Finds an incident's record by its id; undefined when there is none. */
export type RecordFinder = ((incidentId: string) => Promise<FoundRecord | undefined>) & { where: string }

/** Records on GitHub: the report under report-dir on the report branch, else the tracking issue. */
export function githubRecords(gh: GitHubClient, ctx: RunContext, gi: GitHubInputs, log: Logger): RecordFinder {
  let branch: Promise<string> | undefined
  const find = async (incidentId: string) => {
    branch ??= gi.reportBranch !== undefined ? Promise.resolve(gi.reportBranch) : repositoryDefaultBranch(gh, ctx)
    return findIncidentRecord(gh, repoRef(ctx.repository), incidentId, {
      reportDir: gi.reportDir,
      branch: await branch,
      label: gi.labels[0] ?? 'rollback',
      log,
    })
  }
  return Object.assign(find, {
    where: `the reports under ${gi.reportDir}/ of ${ctx.repository} and its tracking issues labelled ${gi.labels[0] ?? 'rollback'}`,
  })
}

/** Records in the local checkout (the command line without GitHub writes its reports there). */
export function localRecords(root: string, reportDir: string): RecordFinder {
  const find = (incidentId: string) => findInReports(localReports(root), reportDir, incidentId)
  return Object.assign(find, { where: `the reports under ${reportDir}/ of ${root}` })
}

/** What the record check may take the deprecation message to be rendered with: the undo's own template and reason. */
export function checkOptionsOf(inputs: Pick<RollbackInputs, 'deprecationMessage' | 'reason'>): RecordCheckOptions {
  return {
    templates: inputs.deprecationMessage ? [inputs.deprecationMessage] : [],
    reasons: inputs.reason ? [inputs.reason] : [],
  }
}

/**
 * The runner's record reader (RunOptions.undoRecord) over a finder, for an undo given the
 * rollback's own settings. A record that fails the check (src/github/record-check.ts) is
 * not acted on: the undo goes by the settings alone, as without a record, and says why.
 */
export function undoRecordReader(
  find: RecordFinder,
  check: RecordCheckOptions = {},
  log?: Logger,
): (incidentId: string) => Promise<RecordedIncident | undefined> {
  return async (incidentId) => {
    const found = await find(incidentId)
    if (!found) return undefined
    const problems = recordProblems(found.record, check)
    if (problems.length > 0) {
      log?.warning(
        `undo: the record of incident ${incidentId} (${found.source}) fails the check an undo makes before it acts (${problems[0]}), so it is not used: the undo goes by its settings alone.`,
      )
      return undefined
    }
    return recordedIncident(found.record, found.source)
  }
}

/**
 * undo: true with incident-id: the record read first, the inputs taken from it (an input
 * given beside the id that contradicts it is refused). An unknown id is an InputError:
 * nothing was written.
 */
export async function undoByIncidentId(
  inputs: RollbackInputs,
  find: RecordFinder | undefined,
  log: Logger,
): Promise<IncidentRequest> {
  const by = inputs.undoById
  if (!by) return inputs
  if (!find) {
    throw new InputError(
      'incident-id',
      'needs the incident record, and there is no GitHub token to read it with.',
      `${setTo('github-token')} (contents: read and issues: read), or undo with the same settings as the rollback (its versions and targets) instead of ${settingName('incident-id')}.`,
    )
  }
  const found = await find(by.incidentId)
  if (!found) {
    throw new InputError(
      'incident-id',
      `${by.incidentId}: no record of this incident was found in ${find.where}, so nothing was changed.`,
      `check the id (the rollback's incident id; its tracking issue and report show it), and ${['report-dir', 'report-branch', 'issue-labels'].map((n) => settingName(n)).join(', ')} if the rollback set them.`,
    )
  }
  const record = requireVerifiedRecord(found.record, found.source, checkOptionsOf(inputs))
  log.info(`Undo of incident ${by.incidentId}: its record is ${found.source}.`)
  return undoInputs(inputs, record, found.source)
}
