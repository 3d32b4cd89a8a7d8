// Builds a container image's target (retagged by digest), with its digests as extra outputs.
import type { TargetSpec } from '../../core/request.js'
import { type BuiltTarget, type CreateContext, preferVersions } from '../hooks.js'
import { type DockerInputs, readDockerInputs } from './config.js'
import { DockerTarget } from './target.js'

export function createDockerTarget(
  spec: TargetSpec,
  { inputs, get, log, userAgent, hooks }: CreateContext,
): BuiltTarget {
  // the settings readRequest read, else the inputs
  const read = hooks.settings?.[spec.kind] as Omit<DockerInputs, 'image'> | undefined
  const d: DockerInputs = read ? { ...read, image: spec.name } : readDockerInputs(get, spec.name)
  const target = new DockerTarget({
    image: d.image,
    channels: [inputs.channel],
    preferVersions: preferVersions(inputs),
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
    name: spec.name,
    channel: inputs.channel,
  }
}
