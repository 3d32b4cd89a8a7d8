// release-rollback freeze-check: the freeze check's flags in, its answer and exit code out.
import { InputError, errorMessage } from '../core/errors.js'
import type { FreezeInputs } from '../modes/freeze.js'
import { FREEZE_FLAGS, flagsOf, inputsOfFlags, optionsOf } from './flags.js'
import { EXIT, lineLogger, parseFlags, type CliIO } from './io.js'

/** release-rollback freeze-check: exit 0 not frozen, 4 frozen, 1 the check failed, 2 bad input. */
export async function freezeCheck(io: CliIO, args: string[]): Promise<number> {
  const values = parseFlags(io, args, optionsOf(flagsOf(FREEZE_FLAGS)))
  if (typeof values === 'number') return values
  const repo = typeof values.repo === 'string' ? values.repo : undefined
  const flag: Record<string, string | undefined> = {
    ...inputsOfFlags(flagsOf(FREEZE_FLAGS), values),
    'github-token': io.env.GITHUB_TOKEN,
  }
  // loaded only for this command: it brings Octokit
  const { runFreezeCheck, readFreezeInputs } = await import('../modes/freeze-check.js')
  let inputs: FreezeInputs
  try {
    if (!repo)
      throw new InputError(
        'repo',
        'is required: the repository whose rollback issues freeze the release.',
        'pass --repo owner/name.',
      )
    inputs = readFreezeInputs((name) => flag[name] ?? '', { GITHUB_WORKSPACE: io.cwd, GITHUB_REPOSITORY: repo })
  } catch (e) {
    io.stderr(`${errorMessage(e)}\n`)
    return EXIT.badInput
  }
  try {
    const result = await runFreezeCheck(inputs, io.env, lineLogger(io.stderr))
    if (values.json)
      io.stdout(
        `${JSON.stringify({ frozen: result.frozen, issueUrl: result.issueUrl ?? null, issueNumber: result.issueNumber ?? null, reason: result.reason }, null, 2)}\n`,
      )
    else io.stdout(`${result.frozen ? 'frozen' : 'not frozen'}: ${result.reason}\n`)
    return result.frozen ? EXIT.frozen : EXIT.ok
  } catch (e) {
    io.stderr(`The release freeze could not be checked: ${errorMessage(e)}\n`)
    return EXIT.failed
  }
}
