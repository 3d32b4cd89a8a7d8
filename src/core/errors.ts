import { inputLabel } from './settings.js'

/** Every error the action raises on purpose says what went wrong and how to fix it. */
export class RollbackError extends Error {
  constructor(
    message: string,
    readonly fix?: string,
  ) {
    super(fix ? `${message} Fix: ${fix}` : message)
    this.name = 'RollbackError'
  }
}

/**
 * A bad input, found before anything was written. Names the input by its action.yml key;
 * the message says it as the entry that runs does (src/core/settings.ts): `Input '<input>':
 * <problem> Fix: <fix>` in the action, `<flag or variable>: <problem> Fix: <fix>` in the CLI.
 */
export class InputError extends RollbackError {
  constructor(
    readonly input: string,
    /** what is wrong, without the input's name */
    readonly problem: string,
    fix: string,
  ) {
    super(`${inputLabel(input)} ${problem}`, fix)
    this.name = 'InputError'
  }
}

/** The registry refused or failed a request. */
export class RegistryError extends RollbackError {
  constructor(
    message: string,
    fix: string | undefined,
    readonly status?: number,
    readonly code?: string,
  ) {
    super(message, fix)
    this.name = 'RegistryError'
  }
}

/**
 * The registry lacks what a step needs (it cannot move a channel, or cannot deprecate),
 * rather than refusing this token or failing for a while: never retried. `registry` names
 * it for people ("Nexus Repository 3 at nexus.example.com").
 */
export class CapabilityError extends RegistryError {
  constructor(
    readonly capability: 'move' | 'deprecate',
    readonly registry: string,
    message: string,
    fix: string,
    status?: number,
  ) {
    super(message, fix, status)
    this.name = 'CapabilityError'
  }
}

/**
 * The rollback's critical part took effect but something after it did not: the step
 * fails, `status=partial`, and a re-run completes only what is missing.
 */
export class PartialError extends RollbackError {
  constructor(
    readonly done: string[],
    readonly missing: string[],
    readonly cause: unknown,
  ) {
    super(
      `Partial rollback: ${done.join('; ')}. Still missing: ${missing.join('; ')}. ` +
        `Cause: ${cause instanceof Error ? cause.message : String(cause)}`,
      'Re-run the same rollback: it completes only what is missing.',
    )
    this.name = 'PartialError'
  }
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}
