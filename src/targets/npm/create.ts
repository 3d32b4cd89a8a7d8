// Builds an npm package's target: with npm-token, that token; without one, trusted publishing
// (inputs.npmOidc): the package's own short-lived token, exchanged by the target itself.
import type { TargetSpec } from '../../core/request.js'
import { type BuiltTarget, type CreateContext, NO_EXTRAS } from '../hooks.js'
import { runnerIdToken } from './oidc.js'
import { NpmTarget } from './target.js'

export function createNpmTarget(spec: TargetSpec, { inputs, log, userAgent, hooks }: CreateContext): BuiltTarget {
  const idToken = inputs.npmOidc
    ? (hooks.idToken ?? runnerIdToken(hooks.env ?? process.env, hooks.setSecret))
    : undefined
  const target = new NpmTarget({
    packageName: spec.name,
    registry: inputs.registry,
    token: inputs.npmToken,
    ...(idToken ? { oidc: { idToken, setSecret: hooks.setSecret } } : {}),
    log,
    userAgent,
    whoamiCache: hooks.whoamiCache,
    ...(hooks.secondFactor ? { secondFactor: hooks.secondFactor } : {}),
  })
  return { target, extras: NO_EXTRAS, name: spec.name, channel: inputs.channel }
}
