// Small shared pieces of the test files.
import { expect } from '@jest/globals'
import { InputError } from '../../src/errors.js'
import { DEFAULT_DEPRECATION_MESSAGE, type RollbackInputs } from '../../src/inputs.js'

/** A logger that drops everything. */
export const quiet = { info: (_: string) => {}, warning: (_: string) => {}, debug: (_: string) => {} }

/** RollbackInputs with the action's defaults for a 1.2.3 rollback on latest. */
export function rollbackInputs(over: Partial<RollbackInputs> & Pick<RollbackInputs, 'packageName' | 'registry'>): RollbackInputs {
  return {
    rollbackVersion: '1.2.3',
    channel: 'latest',
    reason: 'Memory persistence corrupts data on restart',
    deprecate: true,
    deprecationMessage: DEFAULT_DEPRECATION_MESSAGE,
    dryRun: false,
    force: false,
    ...over
  }
}

/** The InputError `fn` throws; fails the test when it throws nothing or something else. */
export function inputErrorOf(fn: () => unknown): InputError {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(InputError)
    return e as InputError
  }
  throw new Error('expected an InputError, got none')
}
