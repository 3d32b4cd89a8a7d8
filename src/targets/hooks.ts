// What building one target takes and gives: the `create` hook every kind fills in its
// src/targets/<kind>/kind.ts, and the hooks the entries pass in. Types and two helpers; it imports no
// kind and not the registry (the kinds import it), so no import cycle runs through here.
import type { TargetKind } from '../core/kind.js'
import type { InputReader } from '../core/reader.js'
import type { RollbackInputs, TargetSpec } from '../core/request.js'
import type { Logger } from '../core/retry.js'
import type { Target } from '../core/target.js'
import type { GitHubClient } from '../github/client.js'
import type { IdTokenSource } from './npm/oidc.js'
import type { SecondFactor } from './npm/two-factor.js'

export interface TargetExtras {
  /** outputs only some targets have (previous-digest, restored-digest, …), read after the run */
  outputs(restoreVersion: string | undefined): Promise<Record<string, string>>
  /**
   * Removes what the target left on disk for the run (the kubeconfig file of a Helm
   * target). Call it once the run is over, in a `finally`: safe to call more than once, and
   * for targets that left nothing.
   */
  dispose(): void
}

/** Extras for a target that has no outputs of its own and leaves nothing on disk. */
export const NO_EXTRAS: TargetExtras = { outputs: async () => ({}), dispose: () => {} }

export interface TargetHooks {
  /**
   * Registers a value as a secret (core.setSecret in the action): called for credentials an
   * adapter decodes or obtains that no input carried (a docker config's password, a
   * registry token), so the runner masks them.
   */
  setSecret?: (value: string) => void
  /** shared by the npm targets of one run: whoami is asked once per registry and token */
  whoamiCache?: Map<string, Promise<string | undefined>>
  /**
   * The job's OIDC ID token (trusted publishing: inputs.npmOidc). The entries leave it out:
   * it is the runner's (ACTIONS_ID_TOKEN_REQUEST_*, read from `env`), asked once per
   * audience and masked with setSecret; tests may hand in another.
   */
  idToken?: IdTokenSource
  /** where the runner's ID token request variables are read from (default process.env) */
  env?: NodeJS.ProcessEnv
  /** the repository and a client for it: git-tag targets move their tag through the GitHub API */
  github?: { client: () => GitHubClient; repository: string }
  /** the command line's second factor for npm writes, one for the run (src/targets/npm/two-factor.ts) */
  secondFactor?: SecondFactor
  /**
   * The adapters' settings readRequest already read (RollbackRequest.settings, by kind name):
   * a kind's create hook takes them instead of reading its inputs again. Absent: read from `get`.
   */
  settings?: Record<string, object>
}

/** What a kind's `create` hook is given: the request, the inputs (for its settings), and the run's hooks. */
export interface CreateContext {
  inputs: RollbackInputs
  get: InputReader
  log: Logger
  userAgent: string
  hooks: TargetHooks
}

/** One target, built: the adapter, its extras, and its name and channel as the incident names them. */
export interface BuiltTarget {
  target: Target
  extras: TargetExtras
  name: string
  channel: string
}

/** A kind as the registry lists it: what the rest of the tool reads (core/kind.ts), and how to build one target. */
export interface Kind extends TargetKind {
  /** Builds the adapter for one target of this kind; throws an InputError naming what it lacks. */
  create(spec: TargetSpec, ctx: CreateContext): BuiltTarget
}

/** The versions the adapter looks at first (the restore and the bad version, when exact). */
export function preferVersions(inputs: Pick<RollbackInputs, 'restoreVersion' | 'rollbackVersion'>): string[] {
  return [inputs.restoreVersion, inputs.rollbackVersion].filter((v): v is string => v !== undefined && v !== 'current')
}
