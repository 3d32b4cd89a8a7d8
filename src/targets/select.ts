// Builds the adapter the inputs ask for. The rest of the run only sees a Target.
import type { InputReader } from '../core/reader.js'
import type { RollbackInputs } from '../inputs.js'
import { readDockerInputs } from './docker/config.js'
import type { Logger } from '../retry.js'
import { DockerTarget } from './docker/target.js'
import { readHelmInputs } from './helm/config.js'
import { KubeconfigFile } from './helm/runner.js'
import { HelmTarget } from './helm/target.js'
import { NpmTarget } from './npm.js'
import type { IncidentTarget } from '../run.js'
import type { Target } from './target.js'

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
}

/**
 * Every target of the incident, as the runner takes them, with their extra outputs and
 * one dispose() for the files they made. One npm package or many share one whoami.
 */
export function createTargets(
  inputs: RollbackInputs,
  get: InputReader,
  log: Logger,
  userAgent: string,
  hooks: TargetHooks = {}
): { targets: IncidentTarget[]; extras: TargetExtras[]; dispose: () => void } {
  const made = (inputs.target ?? 'npm') === 'npm' ? (inputs.packageNames ?? [inputs.packageName]).map((packageName) => ({ packageName })) : [{ packageName: inputs.packageName }]
  const whoamiCache = new Map<string, Promise<string | undefined>>()
  const built = made.map(({ packageName }) => createTarget({ ...inputs, packageName }, get, log, userAgent, { ...hooks, whoamiCache }))
  return {
    targets: built.map(({ target }, i) => ({ kind: target.kind, name: made[i].packageName, channel: inputs.channel, target })),
    extras: built.map((b) => b.extras),
    dispose: () => {
      for (const b of built) b.extras.dispose()
    }
  }
}

export function createTarget(inputs: RollbackInputs, get: InputReader, log: Logger, userAgent: string, hooks: TargetHooks = {}): { target: Target; extras: TargetExtras } {
  if (inputs.target === 'docker') {
    // a docker: line of the targets input names the image instead of the image input
    const d = readDockerInputs(get, inputs.targets?.find((t) => t.kind === 'docker')?.name)
    const target = new DockerTarget({
      image: d.image,
      channels: [inputs.channel],
      preferVersions: [inputs.restoreVersion, inputs.rollbackVersion].filter((v): v is string => v !== undefined && v !== 'current'),
      tagPrefix: d.tagPrefix,
      username: d.username,
      password: d.password,
      log,
      userAgent,
      setSecret: hooks.setSecret,
      // plain http only to a registry on this machine (a registry service container on
      // localhost:5000); loopback traffic never crosses a network
      allowInsecureLoopback: true
    })
    return {
      target,
      extras: {
        outputs: async (restore) => ({
          'previous-digest': target.digestBefore(inputs.channel) ?? '',
          'restored-digest': restore ? ((await target.digestOf(restore).catch(() => undefined)) ?? '') : ''
        }),
        dispose: () => {}
      }
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
      kubeconfig,
      kubeContext: h.kubeContext,
      channel: inputs.channel,
      request: inputs,
      log
    })
    return {
      target,
      extras: {
        outputs: async () => {
          const r = target.revisions
          const str = (n: number | undefined) => (n !== undefined ? String(n) : '')
          return { 'previous-revision': str(r.previous), 'restored-revision': str(r.target), 'new-revision': str(r.created) }
        },
        dispose: () => target.dispose()
      }
    }
  }
  return {
    target: new NpmTarget({ packageName: inputs.packageName, registry: inputs.registry, token: inputs.npmToken, log, userAgent, whoamiCache: hooks.whoamiCache }),
    extras: { outputs: async () => ({}), dispose: () => {} }
  }
}
