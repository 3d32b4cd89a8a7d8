// Image references: what the `image` input (or a `docker:` target) names, parsed the way
// docker normalises references (Docker Hub's docker.io/library/..., registry hosts).
import { InputError } from '../../core/errors.js'

/** A tag, as the distribution spec allows it. */
export const TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/

export const DOCKER_HUB = 'docker.io'
export const DOCKER_HUB_API = 'registry-1.docker.io'
export const DOCKER_HUB_ALIASES: ReadonlySet<string> = new Set([
  'docker.io',
  'index.docker.io',
  'registry-1.docker.io',
  'registry.hub.docker.com',
])

export interface ImageRef {
  /** the registry as the user knows it: `ghcr.io`, `127.0.0.1:5000`, `docker.io` */
  registry: string
  /** the host[:port] the API answers on: `registry-1.docker.io` for Docker Hub */
  apiHost: string
  /** the repository path: `acme/app`, `library/nginx` */
  repository: string
  /** `registry/repository`, for messages and PackageState.name */
  name: string
}

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/
const HOST =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/

/**
 * Parses `ghcr.io/acme/app`, `127.0.0.1:5000/acme/app`, `acme/app` (Docker Hub) or `nginx`
 * (Docker Hub's `library/nginx`), as docker's reference normalisation does: the first
 * component is a registry when it has a `.` or `:`, is `localhost`, or has capitals.
 */
export function parseImage(ref: string): ImageRef {
  const raw = ref.trim()
  const bad = (
    problem: string,
    fix = 'give the image as registry/repository, such as ghcr.io/acme/app, without a tag or digest.',
  ) => new InputError('image', `${JSON.stringify(raw.slice(0, 120))} ${problem}`, fix)
  if (raw === '')
    throw new InputError('image', 'is empty.', 'give the image as registry/repository, such as ghcr.io/acme/app.')
  if (/^[a-z]+:\/\//i.test(raw))
    throw bad('has a URL scheme.', 'give the image without https:// or docker://, such as ghcr.io/acme/app.')
  if (raw.includes('@')) throw bad('has a digest.')
  const slash = raw.indexOf('/')
  const first = slash < 0 ? '' : raw.slice(0, slash)
  const isHost =
    slash >= 0 &&
    (/[.:]/.test(first) || first === 'localhost' || first !== first.toLowerCase() || first.startsWith('['))
  let registry = isHost ? first : DOCKER_HUB
  let repository = isHost ? raw.slice(slash + 1) : raw
  if (isHost && !HOST.test(registry))
    throw bad(`names the registry host ${JSON.stringify(registry)}, which is not a host name.`)
  if (repository.includes(':'))
    throw bad(
      'has a tag.',
      'give the image without a tag (the versions are tags): ghcr.io/acme/app, not ghcr.io/acme/app:1.2.3.',
    )
  registry = registry.toLowerCase()
  const hub = DOCKER_HUB_ALIASES.has(registry)
  if (hub) registry = DOCKER_HUB
  if (hub && !repository.includes('/')) repository = `library/${repository}`
  const parts = repository.split('/')
  if (parts.some((p) => !PATH_COMPONENT.test(p))) {
    throw bad(
      'is not a valid repository name.',
      'use lowercase letters, digits and separators (. _ __ -) between /, such as ghcr.io/acme/app.',
    )
  }
  if (`${registry}/${repository}`.length > 255) throw bad('is longer than 255 characters.')
  return { registry, apiHost: hub ? DOCKER_HUB_API : registry, repository, name: `${registry}/${repository}` }
}
