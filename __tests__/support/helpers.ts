// Small shared pieces of the test files.
import { expect } from '@jest/globals'
import { InputError } from '../../src/core/errors.js'
import { DEFAULT_DEPRECATION_MESSAGE, type RollbackInputs } from '../../src/config/inputs.js'

/** A logger that drops everything. */
export const quiet = { info: (_: string) => {}, warning: (_: string) => {}, debug: (_: string) => {} }

/** RollbackInputs with the action's defaults for a 1.2.3 rollback on latest. */
export function rollbackInputs(
  over: Partial<RollbackInputs> & Pick<RollbackInputs, 'packageName' | 'registry'>,
): RollbackInputs {
  return {
    rollbackVersion: '1.2.3',
    channel: 'latest',
    reason: 'Memory persistence corrupts data on restart',
    deprecate: true,
    deprecationMessage: DEFAULT_DEPRECATION_MESSAGE,
    dryRun: false,
    force: false,
    ...over,
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

// --- one target and several, through the one runner (src/run.ts), seen the way these
// tests assert on them: the incident result, plus its only target's details at the top.
import type { GitHubClient } from '../../src/github/client.js'
import type { RunContext } from '../../src/github/incident.js'
import type { GitHubInputs } from '../../src/config/inputs.js'
import { executeIncident } from '../../src/incident/execute.js'
import {
  errorOf,
  runIncident,
  type IncidentRequest,
  type IncidentResult,
  type TargetRun,
} from '../../src/incident/run.js'
import type { Logger, Target } from '../../src/core/target.js'

export type One = IncidentResult &
  Pick<TargetRun, 'moved' | 'deprecated' | 'steps'> & {
    targetKind: Target['kind']
    plan: NonNullable<TargetRun['plan']>
    before: NonNullable<TargetRun['before']>
    after: NonNullable<TargetRun['after']>
    republished?: boolean
    packageName: string
    /** skipped: what the channel holds */
    holder?: string
  }

function one(result: IncidentResult): One {
  const t = result.targets[0]
  return {
    ...result,
    targetKind: t.kind,
    plan: t.plan as One['plan'],
    before: t.before as One['before'],
    after: t.after as One['after'],
    moved: t.moved,
    deprecated: t.deprecated,
    steps: t.steps,
    packageName: t.name,
    ...(t.skipped?.holder !== undefined ? { holder: t.skipped.holder } : {}),
    ...(t.plan?.republish ? { republished: t.republished } : {}),
  }
}

/** One target: the runner's result with that target's details at the top. */
export async function runRollback(
  inputs: RollbackInputs,
  target: Target,
  log: Logger,
  preflight?: () => Promise<unknown>,
): Promise<One> {
  return one(
    await runIncident(inputs, [{ kind: target.kind, name: inputs.packageName, channel: inputs.channel, target }], log, {
      preflight,
    }),
  )
}

/** Throws when the circuit breaker skipped the rollback. */
export function rolledBack(r: One): One {
  if (r.status === 'skipped') throw new Error(`expected a rollback, but it was skipped: ${r.reason}`)
  return r
}

/** One target, with the GitHub bookkeeping: `outcome` as the tests name it. */
export async function executeRollback(
  inputs: RollbackInputs,
  gi: GitHubInputs,
  target: Target,
  gh: GitHubClient | undefined,
  ctx: RunContext,
  log: Logger,
) {
  const { result, bookkeeping } = await executeIncident(
    inputs,
    gi,
    [{ kind: target.kind, name: inputs.packageName, channel: inputs.channel, target }],
    gh,
    ctx,
    log,
  )
  return { outcome: one(result), bookkeeping }
}

/** Several npm packages: a row per package (`packages`) as the tests name them. */
export async function runMultiRollback(
  inputs: IncidentRequest & { packageNames: string[] },
  targetFor: (name: string) => Target,
  log: Logger,
  parallel?: number,
) {
  const result = await runIncident(
    inputs,
    inputs.packageNames.map((name) => ({
      kind: 'npm' as const,
      name,
      channel: inputs.channel,
      target: targetFor(name),
    })),
    log,
    { parallel },
  )
  return {
    ...result,
    packages: result.targets.map((t) => ({
      name: t.name,
      plan: t.plan,
      outcome: t.outcome,
      moved: t.moved,
      deprecated: t.deprecated,
      error: errorOf(t),
    })),
  }
}
