// What an npm registry's failure means, in words that say what to do (never with the token),
// and which failures say the registry lacks a capability rather than refusing this token.
import { CapabilityError, RegistryError, RollbackError } from '../../core/errors.js'
import { isTokensDisallowed } from '../../core/handoff.js'
import { isRetryable, statusOf } from '../../core/retry.js'
import { currentDialect, setting, settingName, setTo, theSetting } from '../../core/settings.js'
import { firstLine } from '../../core/util.js'
import { TRUSTED_PUBLISHING_ONLY } from './oidc.js'
import {
  channelFixed,
  identifyRegistry,
  noDeprecate,
  notFoundOnDeprecate,
  notFoundOnDistTag,
  type RegistryIdentity,
} from './registry-kind.js'

/** What a message needs to know of the target: its package, its registry, how it is credentialed. */
export interface NpmWho {
  packageName: string
  /** with a trailing slash */
  registry: string
  /** trusted publishing (no token given) */
  oidc: boolean
  /** the package name as it goes in a path */
  escaped: string
  /** which registry software answered the last read, once known */
  identity?: RegistryIdentity
}

/**
 * Turns a registry failure into an error that says what to do. Never includes the token.
 * `whoami`: the answer to /-/whoami, where a 401 means the token itself is not valid any more.
 */
export function explain(e: unknown, kind: 'read' | 'write' | 'whoami', who: NpmWho): RollbackError {
  if (e instanceof RollbackError) return e
  const err = e as { statusCode?: number; code?: string; message?: string }
  const status = err.statusCode
  const pkg = who.packageName
  const where = who.registry
  // a token from trusted publishing: npm lets it publish only, so npm-token is the way
  const oidc = who.oidc ? ` ${TRUSTED_PUBLISHING_ONLY(pkg).fix}` : ''
  if (err.code === 'EOTP' || (status === 401 && /one-time pass/i.test(String((e as { body?: unknown }).body ?? '')))) {
    return new RegistryError(
      `${where} asks for a second factor (two-factor authentication) on writes with this token: it is a session token from npm login, or a granular token without "Bypass two-factor authentication"${currentDialect() === 'action' ? ', and a workflow cannot give one' : ''}. Nothing was written with it.`,
      SECOND_FACTOR_FIX(pkg),
      status,
      err.code,
    )
  }
  if (status === 401 && kind === 'whoami') {
    return new RegistryError(
      `${where} answered 401 Unauthorized to whoami: the token is expired or revoked (or is not a token for this registry). npm's write tokens last 7 days by default and 90 days at most (github.blog changelog 2025-09-29), so a token kept for rollbacks often expires before it is needed. (A token from trusted publishing given as ${settingName('npm-token')} is refused here too: it may only publish.)`,
      `create a new granular access token for ${pkg} (read and write, with "Bypass two-factor authentication", or "read and write (stage only)") and ${setTo('npm-token')}${currentDialect() === 'cli' ? ', or log in again with npm login (a session token, valid for 2 hours; this command line asks you to approve each write)' : ''}; a scheduled drill (${setting('drill', 'true')}) finds an expired token before an incident does.${oidc}`,
      status,
      err.code,
    )
  }
  if (status === 401) {
    return new RegistryError(
      `${where} rejected the token (401 Unauthorized) for this ${kind === 'read' ? 'read' : 'write'} of ${pkg}.`,
      `check that ${settingName('npm-token')} holds a current token for this registry with write access to ${pkg} (npm's write tokens expire: 7 days by default, 90 at most).${oidc}`,
      status,
      err.code,
    )
  }
  if (status === 403 && isTokensDisallowed(e)) {
    return new RegistryError(
      `${where} refused the write to ${pkg} (403): the package is set to "Require two-factor authentication and disallow tokens", so no token can change it, whatever its kind.`,
      `a maintainer makes the writes with their own two-factor authentication: ${currentDialect() === 'action' ? `${setting('handoff', 'true')} (the action plans, and the tracking issue gives the command)` : 'log in with npm login and run this command line again (it asks you to approve each write)'}.`,
      status,
      err.code,
    )
  }
  if (status === 403) {
    return new RegistryError(
      `${where} refused to let this token change ${pkg} (403 Forbidden).`,
      `the token needs write access to ${pkg}: a granular token with "Read and write" on the package or its scope, owned by a maintainer; with 2FA on the account, tick "Bypass two-factor authentication" (or use a "read and write (stage only)" token).${oidc}`,
      status,
      err.code,
    )
  }
  if (status === 404 && kind === 'read') {
    return new RegistryError(
      `${pkg} was not found on ${where} (404).`,
      `check ${theSetting('package')} and ${theSetting('registry')} (a private package also needs a token that can read it).`,
      status,
      err.code,
    )
  }
  if (status === 404) {
    return new RegistryError(
      `${where} answered 404 to a write on ${pkg}: a wrong or expired token often shows up this way.`,
      `check ${settingName('npm-token')} has write access to the package.${oidc}`,
      status,
      err.code,
    )
  }
  const detail = status ? `HTTP ${status}` : (err.code ?? 'network error')
  return new RegistryError(
    `${kind === 'read' ? 'Reading' : 'Writing'} ${pkg} on ${where} failed: ${detail}${err.message ? ` (${firstLine(err.message)})` : ''}.`,
    isRetryable(e)
      ? 'the registry is failing or unreachable; re-run when it recovers (a re-run is safe).'
      : 'see the registry message above.',
    status,
    err.code,
  )
}
/**
 * A failed write that says the registry lacks the capability (rather than refusing this
 * token or failing for a while), as a CapabilityError naming the registry; else undefined.
 * Moves: 405 or 501 to a dist-tag write anywhere, 404 where the registry is known to mean
 * that (Artifactory remote repositories, GitHub Packages), Nexus 3's "Unable to update latest
 * tag". Deprecations: 405 or 501 to the document PUT, 404 where the registry is known to
 * mean that (on npmjs or an unnamed registry a 404 is the token's), or any refusal from a
 * registry known to have no deprecate.
 */
export function lacks(
  e: unknown,
  what: 'move' | 'deprecate',
  who: NpmWho,
  channel?: string,
): CapabilityError | undefined {
  if (e instanceof RollbackError) return undefined
  const status = statusOf(e)
  const id = who.identity ?? identifyRegistry(who.registry, {})
  const pkg = who.packageName
  const said = firstLine(String((e as { message?: string }).message ?? ''))
  const answered = `it answered ${status ?? 'an error'}${said ? ` (${said})` : ''}`
  if (what === 'move') {
    if (
      /unable to update latest tag/i.test(said) ||
      (channel !== undefined && channelFixed(id, channel) && status !== undefined && status >= 400 && status < 600)
    ) {
      const fixed = channelFixed(id, 'latest')
      return new CapabilityError(
        'move',
        id.name,
        `${id.name} cannot move the dist-tag '${channel ?? 'latest'}' of ${pkg}: ${answered}; Nexus Repository 3 moves 'latest' only on publish.`,
        fixed?.fix ?? `use ${setting('strategy', 'republish')}, which moves the channel by publishing.`,
        status,
      )
    }
    const notFound = status === 404 ? notFoundOnDistTag(id) : undefined
    if (notFound)
      return new CapabilityError(
        'move',
        id.name,
        `${id.name} ${notFound.why}: ${answered} to PUT /-/package/${who.escaped}/dist-tags/… .`,
        notFound.fix,
        status,
      )
    if (status === 405 || status === 501) {
      return new CapabilityError(
        'move',
        id.name,
        `${id.name} cannot move dist-tags: ${answered} to PUT /-/package/${who.escaped}/dist-tags/… , which npm dist-tag uses.`,
        notFoundOnDistTag(id)?.fix ??
          `point ${theSetting('registry')} at the repository the package is published to (a hosted or local one that takes dist-tag writes), or use ${setting('strategy', 'republish')}, which moves the channel by publishing.`,
        status,
      )
    }
    return undefined
  }
  if (
    (status === 404 && notFoundOnDeprecate(id)) ||
    status === 405 ||
    status === 501 ||
    (noDeprecate(id) !== undefined && status !== undefined && status >= 400 && status < 500)
  ) {
    return new CapabilityError(
      'deprecate',
      id.name,
      `${id.name} cannot deprecate ${pkg}: ${answered} to the deprecation (PUT /${who.escaped}, which npm deprecate uses).`,
      'deprecate the bad version by hand where the registry allows it (or remove it); the channel is what protects new installs.',
      status,
    )
  }
  return undefined
}

/**
 * The credentials that write without a second factor on npmjs: a granular token with
 * "bypass 2FA" (dist-tags, deprecations, and publishing until npm's January 2027 change:
 * github.blog changelog 2026-07-07, 2026-09-18) or a "read and write (stage only)" one (dist-tags
 * and deprecations; publish refused with E_STAGE_REQUIRED: changelog 2026-09-18, npm/cli#9948).
 */
const SECOND_FACTOR_FIX = (pkg: string) =>
  `${setTo('npm-token')}: a granular access token with read and write access to ${pkg} and "Bypass two-factor authentication" ticked, or a granular token with "read and write (stage only)", which may move dist-tags and deprecate (the recommended one for a retag)${currentDialect() === 'cli' ? '; or keep this token and approve each write when asked (the command line prints an approval link, or takes --otp <code>)' : '; or run the rollback from the command line (npx release-rollback), which asks you to approve each write'}.`

/**
 * npm/cli#9803 still refusing the PUT (400 "deprecations must be strings") although the
 * other versions' deprecations went with it: said as the registry bug it is, with the
 * command that deprecates by hand, never as a token problem; not retried (undefined for
 * any other failure).
 */
export function deprecationsMustBeStrings(
  e: unknown,
  version: string,
  message: string,
  who: NpmWho,
): RegistryError | undefined {
  if (statusOf(e) !== 400 || !/deprecations must be strings/i.test(String((e as { message?: unknown }).message)))
    return undefined
  const pkg = who.packageName
  const quoted = `"${message.replace(/(["\\$`])/g, '\\$1')}"`
  return new RegistryError(
    `${who.registry} refused the ${message === '' ? 'removal of the deprecation' : 'deprecation'} of ${pkg}@${version} with 400 "deprecations must be strings": that is the npm registry bug npm/cli#9803 (a package's document PUT is refused once another of its versions is deprecated), and it held even with the other versions' deprecations sent along. The token is not the problem.`,
    `${message === '' ? 'remove it' : 'deprecate it'} by hand: npm deprecate ${pkg}@${version} ${quoted}`,
    400,
    (e as { code?: string }).code,
  )
}
