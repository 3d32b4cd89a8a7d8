// The Docker adapter's own inputs: parsed and checked here, before anything is read.
import type { InputReader } from '../../core/reader.js'
import { InputError } from '../../core/errors.js'
import { settingName } from '../../core/settings.js'
import { parseImage } from './image.js'

/** A container tag (Docker's grammar): `1` or `1.2` are fine here, unlike npm dist-tags. */
export function parseTag(name: string, raw: string): string {
  const tag = raw.trim()
  if (!/^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/.test(tag)) {
    throw new InputError(
      name,
      `${JSON.stringify(raw.slice(0, 80))} is not a valid tag.`,
      'use a tag such as latest or stable (letters, digits, ".", "_", "-"; at most 128).',
    )
  }
  return tag
}

export interface DockerInputs {
  image: string
  username?: string
  password?: string
  tagPrefix: string
}

/** The Docker settings every image of the run shares: the tag prefix and the registry credentials. */
export function readDockerSettings(get: InputReader): Omit<DockerInputs, 'image'> {
  const tagPrefix = get('tag-prefix').trim()
  if (!/^[A-Za-z0-9._-]{0,32}$/.test(tagPrefix)) {
    throw new InputError(
      'tag-prefix',
      `${JSON.stringify(tagPrefix.slice(0, 40))} cannot start a tag.`,
      'use letters, digits, ".", "_" or "-", such as v.',
    )
  }
  const username = get('registry-username').trim() || undefined
  const password = get('registry-password').trim() || undefined
  if ((username === undefined) !== (password === undefined)) {
    throw new InputError(
      username ? 'registry-password' : 'registry-username',
      'is set without the other.',
      `give both ${settingName('registry-username')} and ${settingName('registry-password')}, or neither (then the docker login credentials are used).`,
    )
  }
  return { username, password, tagPrefix }
}

/**
 * The Docker inputs. `target`: the image as a `docker:` line of the targets input named it;
 * it replaces the image input.
 */
export function readDockerInputs(get: InputReader, target?: string): DockerInputs {
  const { username, password, tagPrefix } = readDockerSettings(get)
  return { image: target ?? get('image').trim(), username, password, tagPrefix }
}

/** `target: docker` with no targets input: the image input names the one image (normalised). */
export function readDockerShorthand(get: InputReader): { packageName: string } {
  if (get('image').trim() === '')
    throw new InputError(
      'image',
      'is required with target: docker.',
      'give the image without a tag, such as ghcr.io/acme/app.',
    )
  return { packageName: parseImage(get('image')).name }
}
