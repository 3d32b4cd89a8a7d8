// A registry failure, in words that say what to do. Never includes the password or a token.
import { InputError, RegistryError, RollbackError } from '../../core/errors.js'
import { isRetryable, misconfiguration } from '../../core/retry.js'
import { currentDialect, settingName, theSetting } from '../../core/settings.js'
import type { RegistryCredentials } from './credentials.js'
import { DOCKER_HUB_API, type ImageRef } from './image.js'
import { HttpError, isImmutable, NetworkError } from './protocol.js'

/** What the messages need of the client (RegistryClient fills it). */
export interface ExplainHost {
  readonly ref: ImageRef
  /** the part of a version tag before the semver */
  readonly prefix: string
  readonly credentials?: RegistryCredentials
  /** set when a token realm did not get the credentials, and why */
  readonly withheld?: string
  /** the token realm answered 401/403 to these credentials */
  readonly realmRejected?: string
  readonly insufficientScope: boolean
  /** the registry API's host name */
  readonly hostname: string
  /** where the credentials came from, for messages */
  readonly credentialSource: string
  /** why none were found, for the error when the registry asks for them */
  readonly missingHint: string
  /** the registry-username input, when given */
  readonly username?: string
}

/** Turns a failure into an error that says what to do. Never includes the password or a token. */
export function explainFailure(
  c: ExplainHost,
  e: unknown,
  kind: 'read' | 'write',
  context: { tag?: string; input?: string },
): RollbackError {
  if (e instanceof RollbackError) return e
  const where = c.ref.registry
  const name = c.ref.name
  if (e instanceof HttpError) return explainHttp(c, e, kind, context)
  const code = (e as { code?: string }).code
  const message =
    e instanceof NetworkError
      ? e.message
      : `${code ?? 'network error'}${e instanceof Error ? ` (${e.message.slice(0, 200)})` : ''}`
  // an address that cannot work is bad input, not an outage (never retried: src/retry.ts)
  const wrong = misconfiguration(e)
  if (wrong !== undefined) {
    return new InputError(
      'image',
      `${where} cannot be reached: ${wrong} (${code ?? 'error'}). This is the address, not an outage: nothing was retried and nothing was written.`,
      `check ${theSetting('image')}: its registry host and port.`,
    )
  }
  const tls = /SSL|TLS|CERT|SELF_SIGNED/i.test(code ?? '')
  return new RegistryError(
    `${kind === 'read' ? 'Reading' : 'Writing'} ${name} on ${where} failed: ${message}.`,
    isRetryable(e)
      ? 'the registry is failing or unreachable; re-run when it recovers (a re-run is safe).'
      : tls
        ? `the TLS connection to ${where} failed: it must serve https with a certificate the runner trusts (NODE_EXTRA_CA_CERTS for a private CA).`
        : 'see the message above.',
    undefined,
    code,
  )
}

/** An HTTP error status, in words that say what to do. */
function explainHttp(
  c: ExplainHost,
  e: HttpError,
  kind: 'read' | 'write',
  context: { tag?: string; input?: string },
): RollbackError {
  const where = c.ref.registry
  const name = c.ref.name
  const status = e.statusCode
  const said = e.detail
    ? ` (${e.registryCode ? `${e.registryCode}: ` : ''}${e.detail})`
    : e.registryCode
      ? ` (${e.registryCode})`
      : ''
  if (isImmutable(e)) {
    return new RegistryError(
      `${where} refuses to move the tag: ${name} has immutable tags${said}.`,
      'allow tags to be overwritten for this repository (ECR: image tag mutability MUTABLE, or an exclusion for the channel tag; Harbor: the immutability rule; Artifact Registry: immutable tags off), then re-run.',
      status,
      e.registryCode,
    )
  }
  if (status === 401) {
    if (!c.credentials) return noCredentials(c)
    if (c.withheld || c.realmRejected)
      return credentialsProblem(c, `${where} refused access to ${name} (401 Unauthorized).`)
    if (c.insufficientScope || kind === 'write') {
      return new InputError(
        'registry-password',
        `${where} does not let ${c.credentials.username} ${kind === 'write' ? 'push to' : 'read'} ${name} (401${c.insufficientScope ? ', insufficient scope' : ''}).`,
        credentialFix(c),
      )
    }
    return new InputError(
      'registry-password',
      `${where} rejected the credentials of ${c.credentials.username} (401 Unauthorized).`,
      credentialFix(c),
    )
  }
  if (status === 403) {
    return new InputError(
      'registry-password',
      `${where} denied ${c.credentials ? c.credentials.username : 'anonymous'} ${kind === 'write' ? 'push' : 'pull'} access to ${name} (403 Forbidden)${said}.`,
      credentialFix(c),
    )
  }
  if (status === 404 && (e.registryCode === 'NAME_UNKNOWN' || /\/tags\/list/.test(e.url))) {
    return new InputError(
      'image',
      `${name} does not exist on ${where} (404${e.registryCode ? ` ${e.registryCode}` : ''}).`,
      `check ${theSetting('image')} (registry host and repository path); a private repository also needs credentials that can read it.`,
    )
  }
  if (status === 404 && context.tag !== undefined) {
    const version = context.tag.startsWith(c.prefix) ? context.tag.slice(c.prefix.length) : context.tag
    return new InputError(
      context.input ?? 'restore-version',
      `${name}:${context.tag} does not exist on ${where} (404${e.registryCode ? ` ${e.registryCode}` : ''}).`,
      `give a version that has a tag${c.prefix ? ` (${settingName('tag-prefix')} '${c.prefix}' makes ${version} the tag ${context.tag})` : ''}.`,
    )
  }
  if (status === 405 && kind === 'write') {
    return new RegistryError(
      `${where} does not accept tag writes for ${name} (405)${said}: a pull-through cache or read-only mirror?`,
      `point ${theSetting('image')} at the registry the image is pushed to.`,
      status,
      e.registryCode,
    )
  }
  return new RegistryError(
    `${kind === 'read' ? 'Reading' : 'Writing'} ${name} on ${where} failed: HTTP ${status}${said}.`,
    isRetryable(e)
      ? 'the registry is failing or unreachable; re-run when it recovers (a re-run is safe).'
      : 'see the registry message above.',
    status,
    e.registryCode,
  )
}

export function noCredentials(c: ExplainHost): InputError {
  return new InputError(
    'registry-password',
    `${c.ref.registry} asks for credentials and none were given${c.missingHint}.`,
    currentDialect() === 'action'
      ? `set registry-username and registry-password, or run docker/login-action for ${c.ref.registry} before this step.`
      : `set REGISTRY_USERNAME and REGISTRY_PASSWORD, or run docker login ${c.ref.registry}.`,
  )
}

export function credentialsProblem(c: ExplainHost, problem: string): InputError {
  const why = c.withheld ? ` The credentials were not sent to the token service: ${c.withheld}.` : ''
  const fix = c.withheld
    ? `if that host is ${c.ref.registry}'s own token service, allow it by name (tokenRealmHosts); otherwise check ${theSetting('image')} names the registry you meant.`
    : credentialFix(c)
  return new InputError('registry-password', `${problem}${why}`, fix)
}

export function credentialFix(c: ExplainHost): string {
  const ghcr =
    c.hostname === 'ghcr.io'
      ? ` For GHCR: the token needs packages: write, and the package's "Manage Actions access" must give this repository Write.`
      : ''
  const hub =
    c.hostname === DOCKER_HUB_API ? ' For Docker Hub: use an access token with Read & Write scope as the password.' : ''
  const which = c.username
    ? `check ${settingName('registry-username')} and ${settingName('registry-password')} are current`
    : c.credentials
      ? `the credentials came from ${c.credentialSource} (docker/login-action): check that login step, or ${currentDialect() === 'action' ? 'pass registry-username and registry-password' : 'set REGISTRY_USERNAME and REGISTRY_PASSWORD'}`
      : currentDialect() === 'action'
        ? 'set registry-username and registry-password'
        : 'set REGISTRY_USERNAME and REGISTRY_PASSWORD'
  return `${which}, and that they may push to ${c.ref.name}.${ghcr}${hub}`
}
