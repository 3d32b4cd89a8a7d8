// The action's freeze-check mode: its inputs in, `frozen` and `freeze-issue-url` out.
import * as core from '@actions/core'
import { errorMessage } from '../core/errors.js'

/**
 * freeze-check: true. Only the release freeze is checked (no rollback input is read):
 * outputs `frozen` and `freeze-issue-url`; a frozen release fails the step unless
 * fail-if-frozen is false. A check that cannot be made fails the step (and says `frozen`
 * is unknown by leaving it empty): a release must not go out unchecked.
 */
export async function freezeCheck(env: NodeJS.ProcessEnv): Promise<void> {
  const outputs = { frozen: '', 'freeze-issue-url': '' }
  try {
    const token = core.getInput('github-token') || env.GITHUB_TOKEN || ''
    if (token.trim()) core.setSecret(token.trim())
    // loaded only in this mode: it brings Octokit
    const { runFreezeCheck, readFreezeInputs } = await import('../modes/freeze-check.js')
    const fi = readFreezeInputs((name) => core.getInput(name), env)
    const result = await runFreezeCheck(fi, env, core)
    outputs.frozen = String(result.frozen)
    outputs['freeze-issue-url'] = result.issueUrl ?? ''
    // the summary is a courtesy: without one (no GITHUB_STEP_SUMMARY) the decision stands
    await core.summary
      .addRaw(`${result.frozen ? '🧊' : '✅'} ${result.reason}\n`)
      .write()
      .catch((e: unknown) => core.debug(`no job summary: ${errorMessage(e)}`))
    if (result.frozen && fi.failIfFrozen) core.setFailed(result.reason)
    else if (result.frozen) core.warning(result.reason)
    else core.info(result.reason)
  } catch (e) {
    core.setFailed(`The release freeze could not be checked: ${errorMessage(e)}`)
  } finally {
    for (const [name, value] of Object.entries(outputs)) core.setOutput(name, value)
  }
}
