// Registry credentials: the registry-username / registry-password inputs, else what
// `docker login` (docker/login-action) stored in the docker config. Decoded secrets are
// handed to setSecret before anything can print them.
import { readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { InputError } from '../../core/errors.js'
import { DOCKER_HUB, DOCKER_HUB_ALIASES } from './image.js'
import { currentDialect, settingName } from '../../core/settings.js'

export interface RegistryCredentials {
  username: string
  password: string
}

/** `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json` (where docker/login-action writes). */
export function defaultDockerConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.DOCKER_CONFIG ? join(env.DOCKER_CONFIG, 'config.json') : join(homedir(), '.docker', 'config.json')
}

/** `https://index.docker.io/v1/` -> `docker.io`; `ghcr.io` -> `ghcr.io`. */
function configKeyHost(key: string): string {
  const host = key
    .trim()
    .replace(/^[a-z]+:\/\//i, '')
    .replace(/\/.*$/, '')
    .toLowerCase()
  return DOCKER_HUB_ALIASES.has(host) ? DOCKER_HUB : host
}

interface DockerConfig {
  auths?: Record<string, { auth?: unknown; username?: unknown; password?: unknown; identitytoken?: unknown }>
  credsStore?: unknown
  credHelpers?: Record<string, unknown>
}

function loadDockerConfig(path: string): DockerConfig | undefined {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return undefined
    throw new InputError(
      'registry-password',
      `the docker config ${path} cannot be read (${(e as Error).message}).`,
      `${credentialsFix()}, or fix the docker login step.`,
    )
  }
  try {
    const doc = JSON.parse(text) as unknown
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new Error('not an object')
    return doc as DockerConfig
  } catch {
    throw new InputError(
      'registry-password',
      `the docker config ${path} is not valid JSON.`,
      `${credentialsFix()}, or fix the docker login step.`,
    )
  }
}

/**
 * The user name and password `docker login` (docker/login-action) stored for `host` in a
 * docker config file: `auths[host].auth` (base64 `user:password`), or `username` and
 * `password`. undefined when the file or the entry does not exist; an InputError when the
 * entry holds something this action cannot use (an identity token).
 */
export function readDockerConfigAuth(path: string, host: string): RegistryCredentials | undefined {
  const doc = loadDockerConfig(path)
  const wanted = configKeyHost(host)
  for (const [key, entry] of Object.entries(doc?.auths ?? {})) {
    if (configKeyHost(key) !== wanted || entry === null || typeof entry !== 'object') continue
    if (typeof entry.auth === 'string' && entry.auth !== '') {
      const decoded = Buffer.from(entry.auth, 'base64').toString('utf8')
      const i = decoded.indexOf(':')
      if (i > 0) return { username: decoded.slice(0, i), password: decoded.slice(i + 1) }
    }
    if (typeof entry.username === 'string' && typeof entry.password === 'string' && entry.username !== '') {
      return { username: entry.username, password: entry.password }
    }
    if (typeof entry.identitytoken === 'string' && entry.identitytoken !== '') {
      throw new InputError(
        'registry-password',
        `the docker config ${path} holds an identity token for ${host}, not a user name and password.`,
        `${credentialsFix()} (a token with write access to the repository as the password).`,
      )
    }
  }
  return undefined
}

/** Why the docker config has no usable entry, for the error when a registry asks for credentials. */
export function dockerConfigHint(path: string, host: string): string {
  let doc: DockerConfig | undefined
  try {
    doc = loadDockerConfig(path)
  } catch {
    return ` (${path} cannot be read)`
  }
  if (!doc) return ` (there is no ${path})`
  const helper =
    doc.credHelpers && Object.entries(doc.credHelpers).find(([k]) => configKeyHost(k) === configKeyHost(host))?.[1]
  const store = typeof helper === 'string' ? helper : typeof doc.credsStore === 'string' ? doc.credsStore : undefined
  if (store)
    return ` (${path} keeps them in the credential helper docker-credential-${store}, which this action does not run)`
  return ` (${path} has no entry for ${host})`
}

export function basicHeader(creds: RegistryCredentials): string {
  return `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`
}

/** The credentials a target uses, where they came from, and why none were found. */
export interface ResolvedCredentials {
  credentials?: RegistryCredentials
  /** where the credentials came from, for messages */
  source: string
  /** why none were found, for the error when the registry asks for them ('' when found) */
  missingHint: string
}

/**
 * registry-username and registry-password when either is given (both then), else the
 * docker config's entry for `registry` (masked with `setSecret`: decoded here, nothing
 * masked it yet).
 */
export function resolveCredentials(
  registry: string,
  options: { username?: string; password?: string; dockerConfigPath?: string; setSecret?: (value: string) => void },
): ResolvedCredentials {
  if ((options.username ?? '') !== '' || (options.password ?? '') !== '') {
    if (!options.username)
      throw new InputError(
        'registry-username',
        `is empty but ${settingName('registry-password')} is set.`,
        `give the user name that goes with the password (for GHCR: the workflow's actor, github.actor).`,
      )
    if (!options.password)
      throw new InputError(
        'registry-password',
        `is empty but ${settingName('registry-username')} is set.`,
        'give the password or access token for that user.',
      )
    return {
      credentials: { username: options.username, password: options.password },
      source: `${settingName('registry-username')} and ${settingName('registry-password')}`,
      missingHint: '',
    }
  }
  const path = options.dockerConfigPath ?? defaultDockerConfigPath()
  const credentials = readDockerConfigAuth(path, registry)
  if (!credentials) return { source: `the docker config ${path}`, missingHint: dockerConfigHint(path, registry) }
  // decoded here, so nothing masked them yet: the password, and the base64 pair it came as
  const secret = (value: string) => {
    if (value !== '') options.setSecret?.(value)
  }
  secret(credentials.password)
  secret(Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64'))
  return { credentials, source: `the docker config ${path}`, missingHint: '' }
}

/** Where credentials come from, as the entry that runs says it. */
function credentialsFix(): string {
  return currentDialect() === 'action'
    ? 'pass registry-username and registry-password'
    : 'set REGISTRY_USERNAME and REGISTRY_PASSWORD'
}
