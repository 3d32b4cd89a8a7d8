// Builds the adapter the inputs ask for. The rest of the run only sees a Target.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readDockerInputs, readHelmInputs, type InputReader, type RollbackInputs } from '../inputs.js'
import type { Logger } from '../retry.js'
import { DockerTarget } from './docker.js'
import { HelmTarget } from './helm.js'
import { NpmTarget } from './npm.js'
import type { Target } from './target.js'

export interface TargetExtras {
  /** outputs only some targets have (previous-digest, restored-digest, …), read after the run */
  outputs(restoreVersion: string | undefined): Promise<Record<string, string>>
}

export function createTarget(inputs: RollbackInputs, get: InputReader, log: Logger, userAgent: string): { target: Target; extras: TargetExtras } {
  if (inputs.target === 'docker') {
    const d = readDockerInputs(get)
    const target = new DockerTarget({
      image: d.image,
      channels: [inputs.channel],
      preferVersions: [inputs.restoreVersion, inputs.rollbackVersion].filter((v): v is string => v !== undefined && v !== 'current'),
      tagPrefix: d.tagPrefix,
      username: d.username,
      password: d.password,
      log,
      userAgent,
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
        })
      }
    }
  }
  if (inputs.target === 'helm') {
    const h = readHelmInputs(get)
    let kubeconfig: string | undefined
    if (h.kubeconfig) {
      // a private file for this run only: the content is a secret
      const dir = mkdtempSync(join(process.env.RUNNER_TEMP || tmpdir(), 'release-rollback-'))
      kubeconfig = join(dir, 'kubeconfig')
      writeFileSync(kubeconfig, h.kubeconfig, { mode: 0o600 })
    }
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
        }
      }
    }
  }
  return {
    target: new NpmTarget({ packageName: inputs.packageName, registry: inputs.registry, token: inputs.npmToken, log, userAgent }),
    extras: { outputs: async () => ({}) }
  }
}
