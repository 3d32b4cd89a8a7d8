// The npm token before any write: whoami (once per registry and token), the package's
// collaborators, when the token expires, and whether its writes may need a second factor.
import { InputError, RegistryError, RollbackError } from '../../core/errors.js'
import { statusOf, withRetry } from '../../core/retry.js'
import { settingName, theSetting } from '../../core/settings.js'
import type { RegistryIdentity } from './registry-kind.js'
import type { NpmSession } from './session.js'

/**
 * The token, before any write: the registry knows it (`/-/whoami`, asked once per
 * registry and token however many packages share them: a 401 there is a token expired or
 * revoked), and, where the registry lists a package's collaborators (npmjs:
 * `/-/package/<name>/collaborators`, as `npm access list collaborators` reads it), its user
 * may write this package. A registry without either endpoint says nothing about the
 * token: the preflight's probe (capabilities) or the writes will. With trusted publishing
 * there is no token yet: what it may do is known from the plan (capabilities).
 */
export async function checkAccess(s: NpmSession): Promise<void> {
  if (s.options.oidc) return
  const [who, collaborators] = await Promise.all([whoami(s), listCollaborators(s)])
  if (who === undefined) return
  const pkg = s.options.packageName
  const access = collaborators?.[who]
  if (collaborators !== undefined && access !== 'read-write' && access !== 'write') {
    throw new InputError(
      'npm-token',
      `the token's user ${who} ${access ? `has only ${access} access to` : 'is not a collaborator of'} ${pkg} on ${s.options.registry}, so it cannot move its dist-tags or deprecate it.`,
      `use a token of a maintainer of ${pkg} (npm access list collaborators ${pkg}), or leave ${pkg} out of this rollback.`,
    )
  }
}

/**
 * Whether the token may need a second factor on writes, which no read tells: npmjs asks
 * for one on every write of an account with two-factor authentication unless the token is
 * a granular one with "bypass 2FA" or "read and write (stage only)" (docs.npmjs.com "About
 * two-factor authentication"; github.blog changelog 2025-12-09), and whoami answers alike
 * for all of them. So on npmjs, or with a token in npmjs's format (`npm_…`, github.blog
 * 2021-09-23 "new npm token format"; a proxy in front of npmjs keeps its rules), the
 * action's preflight proves a write with the probe. Not on the command line, which asks the
 * person for the second factor instead (secondFactor), nor where the registry is not npmjs.
 */
export function mayNeedSecondFactor(s: NpmSession, id: RegistryIdentity): boolean {
  if (s.options.secondFactor || s.options.oidc || !s.options.token) return false
  return id.kind === 'npmjs' || /^npm_\S+$/.test(s.options.token)
}

/** The token's user name; undefined when the registry has no whoami (404, 405). */
function whoami(s: NpmSession): Promise<string | undefined> {
  const key = `${s.options.registry}\0${s.options.token ?? ''}`
  s.options.whoamiCache ??= new Map()
  const cache = s.options.whoamiCache
  let pending = cache.get(key)
  if (!pending) {
    pending = askWhoami(s)
    cache.set(key, pending)
  }
  return pending
}

async function askWhoami(s: NpmSession): Promise<string | undefined> {
  let who: { username?: unknown }
  const client = await s.api()
  try {
    who = await withRetry(
      'checking the token',
      () => client.json<{ username?: unknown }>('/-/whoami', 'whoami'),
      s.retry,
      s.options.log,
    )
  } catch (e) {
    // a redirect to another origin (refused, the token not sent), or an address that cannot
    // work, says the registry is not where it is configured
    if (e instanceof RollbackError) throw e
    const status = statusOf(e)
    // every npm registry answers /-/whoami: a 404 there is a wrong address (path or port), not a missing feature
    if (status === 404) {
      throw new InputError(
        'registry',
        `${s.options.registry} answered 404 Not Found to /-/whoami, which every npm registry answers: this address is not an npm registry's API (a wrong path or port, or a web page in front of it). Nothing was retried and nothing was written.`,
        `check ${theSetting('registry')}: the URL npm uses for this registry (npm config get registry), with its path.`,
      )
    }
    // a registry without /-/whoami (405) says nothing about the token: the writes will
    if (status === 401 || status === 403 || (e as { code?: string }).code === 'EOTP') {
      const explained = s.explain(e, status === 401 ? 'whoami' : 'write')
      throw new InputError(
        'npm-token',
        `${explained.message.replace(/ Fix: .*$/, '')}`,
        explained.fix ?? 'check the token.',
      )
    }
    return undefined
  }
  // like `npm whoami`: an answer without a user name means the token was not recognised
  if (typeof who?.username !== 'string' || who.username === '') {
    throw new InputError(
      'npm-token',
      `${s.options.registry} does not recognise the token (whoami names no user).`,
      `check that ${settingName('npm-token')} holds a current token for this registry, not one for another registry or an expired one.`,
    )
  }
  return who.username
}

/**
 * When the token expires, where the registry says: npmjs lists a user's tokens
 * (`GET /-/npm/v1/tokens`, as `npm token list` reads it: each with the first characters of
 * the token in `token`, and `expires` for tokens made since expiry became mandatory:
 * github.blog changelog 2025-09-29). This token is the one listed entry whose `token` it
 * starts with; none or several such entries, no listing (whoami only, as most other
 * registries), or no `expires`: `expires` is undefined and `said` says why. Never throws.
 */
export async function tokenExpiry(s: NpmSession): Promise<{ expires?: string; said: string }> {
  const where = new URL(s.options.registry).host
  if (s.options.oidc || !s.options.token)
    return { said: 'trusted publishing: the exchanged token lives for the run only' }
  const token = s.options.token
  let listing: { objects?: unknown }
  try {
    listing = await (await s.api()).json<{ objects?: unknown }>('/-/npm/v1/tokens', 'token')
  } catch (e) {
    return {
      said: `${where} does not list its tokens to this one (${statusOf(e) ? `HTTP ${statusOf(e)}` : 'no answer'} to /-/npm/v1/tokens), so it does not say when this token expires`,
    }
  }
  const objects = Array.isArray(listing?.objects) ? (listing.objects as { token?: unknown; expires?: unknown }[]) : []
  const mine = objects.filter((o) => typeof o?.token === 'string' && o.token !== '' && token.startsWith(o.token))
  if (mine.length !== 1)
    return {
      said: `${where} lists ${mine.length === 0 ? 'no token' : `${mine.length} tokens`} starting as this one does, so it does not say which expiry is this token's`,
    }
  const expires = mine[0].expires
  if (typeof expires !== 'string' || Number.isNaN(Date.parse(expires)))
    return { said: `${where} lists this token without an expiry date` }
  return { expires: new Date(Date.parse(expires)).toISOString(), said: `${where} says this token expires ${expires}` }
}

/** user -> access level, where the registry lists them; undefined when it does not say. */
async function listCollaborators(s: NpmSession): Promise<Record<string, string> | undefined> {
  try {
    const list = await (await s.api()).json<unknown>(`/-/package/${s.escaped}/collaborators`, 'access')
    if (!list || typeof list !== 'object' || Array.isArray(list)) return undefined
    const entries = Object.entries(list as Record<string, unknown>).filter(
      (e): e is [string, string] => typeof e[1] === 'string',
    )
    return entries.length > 0 ? Object.fromEntries(entries) : undefined
  } catch (e) {
    s.options.log.debug(
      `${s.options.registry} does not list the collaborators of ${s.options.packageName} (${e instanceof RegistryError ? e.message : (statusOf(e) ?? 'no answer')}); the writes will show whether the token may change it.`,
    )
    return undefined
  }
}
