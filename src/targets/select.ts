// Builds the adapters the request asks for, each through its kind's `create` hook
// (src/targets/<kind>/kind.ts). The rest of the run only sees a Target.
import type { InputReader } from '../core/reader.js'
import type { RollbackInputs, TargetSpec } from '../core/request.js'
import type { Logger } from '../core/retry.js'
import type { Target } from '../core/target.js'
import { DEFAULT_KIND, targetsFrom } from '../config/targets.js'
import type { IncidentTarget } from '../incident/run.js'
import type { CreateContext, TargetExtras, TargetHooks } from './hooks.js'
import { runnerIdToken } from './npm/oidc.js'
import { kindOf } from './registry.js'

export type { TargetExtras, TargetHooks } from './hooks.js'

/**
 * Every target of the incident (the targets input, or the shorthand: package, packages,
 * image, release), as the runner takes them, with their extra outputs and one dispose()
 * for the files they made. npm packages share one whoami; git-tag targets need GitHub.
 */
export function createTargets(
  inputs: RollbackInputs,
  get: InputReader,
  log: Logger,
  userAgent: string,
  hooks: TargetHooks = {},
): { targets: IncidentTarget[]; extras: TargetExtras[]; dispose: () => void } {
  const whoamiCache = new Map<string, Promise<string | undefined>>()
  // one ID token source for the run: the npm targets share the runner's ID token (one per registry)
  const idToken = inputs.npmOidc
    ? (hooks.idToken ?? runnerIdToken(hooks.env ?? process.env, hooks.setSecret))
    : undefined
  const ctx: CreateContext = { inputs, get, log, userAgent, hooks: { ...hooks, whoamiCache, idToken } }
  const built = targetsFrom(inputs, get).map((spec) => ({ ...kindOf(spec.kind).create(spec, ctx), spec }))
  return {
    targets: built.map(({ target, name, channel }) => ({ kind: target.kind, name, channel, target })),
    extras: built.map((b) => b.extras),
    dispose: () => {
      for (const b of built) b.extras.dispose()
    },
  }
}

/**
 * The one target of the request's main kind (inputs.target): the first of its kind in the
 * targets input, else the one its shorthand inputs name.
 */
export function createTarget(
  inputs: RollbackInputs,
  get: InputReader,
  log: Logger,
  userAgent: string,
  hooks: TargetHooks = {},
): { target: Target; extras: TargetExtras } {
  const kind = inputs.target ?? DEFAULT_KIND
  const spec: TargetSpec = inputs.targets?.find((t) => t.kind === kind) ??
    targetsFrom({ ...inputs, targets: undefined }, get)[0] ?? { kind, name: inputs.packageName }
  const { target, extras } = kindOf(kind).create(spec, { inputs, get, log, userAgent, hooks })
  return { target, extras }
}
