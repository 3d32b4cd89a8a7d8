// Builds the adapter the inputs ask for. The rest of the run only sees a Target.
import type { InputReader } from '../core/reader.js'
import { InputError } from '../core/errors.js'
import type { GitHubClient } from '../github/client.js'
import { targetsFrom, type RollbackInputs, type TargetSpec } from '../config/inputs.js'
import { GitTagTarget } from './git-tag/target.js'
import { readDockerInputs } from './docker/config.js'
import type { Logger } from '../core/retry.js'
import { DockerTarget } from './docker/target.js'
import { HELM_CHANNEL, readHelmInputs } from './helm/config.js'
import { KubeconfigFile } from './helm/runner.js'
import { HelmTarget } from './helm/target.js'
import { NpmTarget } from './npm/target.js'
import { runnerIdToken, type IdTokenSource } from './npm/oidc.js'
import type { SecondFactor } from './npm/two-factor.js'
import type { IncidentTarget } from '../incident/run.js'
import type { Target } from '../core/target.js'
import { currentDialect } from '../core/settings.js'

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
}

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
  const built = targetsFrom(inputs, get).map((spec) => {
    const made = createTargetFor(spec, inputs, get, log, userAgent, { ...hooks, whoamiCache, idToken })
    return { ...made, spec }
  })
  return {
    targets: built.map(({ target, name, channel }) => ({ kind: target.kind, name, channel, target })),
    extras: built.map((b) => b.extras),
    dispose: () => {
      for (const b of built) b.extras.dispose()
    },
  }
}

const NO_EXTRAS: TargetExtras = { outputs: async () => ({}), dispose: () => {} }

/** One target from its spec: the adapter reads its own configuration. */
function createTargetFor(
  spec: TargetSpec,
  inputs: RollbackInputs,
  get: InputReader,
  log: Logger,
  userAgent: string,
  hooks: TargetHooks,
): { target: Target; extras: TargetExtras; name: string; channel: string } {
  if (spec.kind === 'git-tag') {
    if (!hooks.github) {
      throw new InputError(
        'github-token',
        `is needed for git-tag:${spec.name}: the tag is moved through the GitHub API.`,
        currentDialect() === 'action'
          ? 'give the job contents: write and pass github-token (the default is the workflow token).'
          : 'set GITHUB_TOKEN (contents: write) and pass --repo owner/name.',
      )
    }
    const target = new GitTagTarget({
      gh: hooks.github.client(),
      repository: hooks.github.repository,
      tag: spec.name,
      tagPrefix: get('tag-prefix').trim() || 'v',
      preferVersions: [inputs.restoreVersion, inputs.rollbackVersion].filter(
        (v): v is string => v !== undefined && v !== 'current',
      ),
      log,
    })
    return { target, extras: NO_EXTRAS, name: spec.name, channel: spec.name }
  }
  if (spec.kind === 'npm') {
    return {
      target: npmTarget(inputs, spec.name, log, userAgent, hooks),
      extras: NO_EXTRAS,
      name: spec.name,
      channel: inputs.channel,
    }
  }
  const one = { ...inputs, target: spec.kind as RollbackInputs['target'], targets: [spec] }
  const { target, extras } = createTarget(one, get, log, userAgent, hooks)
  const name = spec.kind === 'helm' ? helmName(spec.name, get) : spec.name
  return { target, extras, name, channel: spec.kind === 'helm' ? HELM_CHANNEL : inputs.channel }
}

/** namespace/release, as incidents name Helm releases (an empty namespace is default). */
function helmName(name: string, get: InputReader): string {
  const h = readHelmInputs(get, name)
  return `${h.namespace ?? 'default'}/${h.release}`
}

export function createTarget(
  inputs: RollbackInputs,
  get: InputReader,
  log: Logger,
  userAgent: string,
  hooks: TargetHooks = {},
): { target: Target; extras: TargetExtras } {
  if (inputs.target === 'docker') {
    // a docker: line of the targets input names the image instead of the image input
    const d = readDockerInputs(get, inputs.targets?.find((t) => t.kind === 'docker')?.name)
    const target = new DockerTarget({
      image: d.image,
      channels: [inputs.channel],
      preferVersions: [inputs.restoreVersion, inputs.rollbackVersion].filter(
        (v): v is string => v !== undefined && v !== 'current',
      ),
      tagPrefix: d.tagPrefix,
      username: d.username,
      password: d.password,
      log,
      userAgent,
      setSecret: hooks.setSecret,
      // plain http only to a registry on this machine (a registry service container on
      // localhost:5000); loopback traffic never crosses a network
      allowInsecureLoopback: true,
    })
    return {
      target,
      extras: {
        outputs: async (restore) => ({
          'previous-digest': target.digestBefore(inputs.channel) ?? '',
          'restored-digest': restore ? ((await target.digestOf(restore).catch(() => undefined)) ?? '') : '',
        }),
        dispose: () => {},
      },
    }
  }
  if (inputs.target === 'helm') {
    // a helm: line of the targets input names the release (and namespace) instead
    const h = readHelmInputs(get, inputs.targets?.find((t) => t.kind === 'helm')?.name)
    // the content is a secret: a private file, written only when helm first runs (a dry
    // run too: helm reads the history through it) and removed by extras.dispose()
    const kubeconfig = h.kubeconfig ? new KubeconfigFile(h.kubeconfig) : undefined
    const target = new HelmTarget({
      release: h.release,
      namespace: h.namespace,
      match: h.match,
      timeout: h.timeout,
      wait: h.wait,
      kubeconfig,
      kubeContext: h.kubeContext,
      channel: HELM_CHANNEL,
      request: { ...inputs, packageName: `${h.namespace ?? 'default'}/${h.release}` },
      log,
    })
    return {
      target,
      extras: {
        outputs: async () => {
          const r = target.revisions
          const str = (n: number | undefined) => (n !== undefined ? String(n) : '')
          return {
            'previous-revision': str(r.previous),
            'restored-revision': str(r.target),
            'new-revision': str(r.created),
          }
        },
        dispose: () => target.dispose(),
      },
    }
  }
  return {
    target: npmTarget(inputs, inputs.packageName, log, userAgent, hooks),
    extras: { outputs: async () => ({}), dispose: () => {} },
  }
}

/**
 * One npm package's target: with npm-token, that token; without one, trusted publishing
 * (inputs.npmOidc): the package's own short-lived token, exchanged by the target itself.
 */
function npmTarget(
  inputs: RollbackInputs,
  packageName: string,
  log: Logger,
  userAgent: string,
  hooks: TargetHooks,
): NpmTarget {
  const idToken = inputs.npmOidc
    ? (hooks.idToken ?? runnerIdToken(hooks.env ?? process.env, hooks.setSecret))
    : undefined
  return new NpmTarget({
    packageName,
    registry: inputs.registry,
    token: inputs.npmToken,
    ...(idToken ? { oidc: { idToken, setSecret: hooks.setSecret } } : {}),
    log,
    userAgent,
    whoamiCache: hooks.whoamiCache,
    ...(hooks.secondFactor ? { secondFactor: hooks.secondFactor } : {}),
  })
}
