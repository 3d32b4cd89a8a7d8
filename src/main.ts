// The only module that talks to @actions/core: inputs in, outputs and summary out.
import * as core from '@actions/core'
import { PartialError, errorMessage } from './errors.js'
import { readInputs } from './inputs.js'
import { runRollback, type RollbackResult } from './rollback.js'
import { renderSummary } from './summary.js'
import { NpmTarget } from './targets/npm.js'

export const Outputs = {
  status: 'status',
  previousVersion: 'previous-version',
  restoredVersion: 'restored-version',
  moved: 'moved',
  deprecated: 'deprecated',
  incidentId: 'incident-id'
} as const

type OutputValues = Record<(typeof Outputs)[keyof typeof Outputs], string>

export function outputsOf(result: RollbackResult): OutputValues {
  return {
    status: result.status,
    'previous-version': result.plan.previousVersion ?? '',
    'restored-version': result.plan.restoreVersion,
    moved: String(result.moved),
    deprecated: String(result.deprecated),
    'incident-id': result.plan.incidentId
  }
}

export async function run(): Promise<void> {
  // every output is set, whatever happens; `failed` until something better is known
  let outputs: OutputValues = { status: 'failed', 'previous-version': '', 'restored-version': '', moved: 'false', deprecated: 'false', 'incident-id': '' }
  try {
    // mask secrets before anything else can print them
    for (const secret of [core.getInput('npm-token'), process.env.NODE_AUTH_TOKEN ?? '']) {
      if (secret.trim()) core.setSecret(secret.trim())
    }
    const inputs = readInputs((name) => core.getInput(name))
    const target = new NpmTarget({
      packageName: inputs.packageName,
      registry: inputs.registry,
      token: inputs.npmToken,
      log: core,
      userAgent: `release-rollback (node ${process.version})`
    })
    const result = await runRollback(inputs, target, core)
    outputs = outputsOf(result)
    await core.summary.addRaw(renderSummary(result)).write()
    if (result.error instanceof PartialError) core.setFailed(result.error.message)
  } catch (e) {
    core.setFailed(errorMessage(e))
  } finally {
    for (const [name, value] of Object.entries(outputs)) core.setOutput(name, value)
  }
}
