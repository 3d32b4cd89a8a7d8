// Tokenless npm writes through trusted publishing (OIDC), the way the npm CLI does it
// (npm/cli lib/utils/oidc.js, and npm's registry API, operation exchangeOidcToken):
// 1. the job's ID token from the runner: GET ACTIONS_ID_TOKEN_REQUEST_URL with the query
//    parameter `audience=npm:<registry host name>` appended, `authorization: Bearer
//    ACTIONS_ID_TOKEN_REQUEST_TOKEN`, `accept: application/json` -> 200 { value };
// 2. POST /-/npm/v1/oidc/token/exchange/package/<escaped name> on the registry's origin,
//    `authorization: Bearer <ID token>`, no body -> 201 { token, token_type: 'oidc',
//    expires } (refusals: 400, 401, 404, 500 with { message }).
// The token npm issues is short-lived and scoped to one package: one exchange per package.
// Unlike npm's CLI, which falls back silently to whatever token is configured, a failure
// here is an error that names trusted publishing and the npm-token fallback: a rollback
// has no other credentials to fall back to.
//
// Both tokens are registered with setSecret (the action's core.setSecret) the moment they
// are known; neither is ever put into a message. The runner's request token goes only to
// the runner's URL, and redirects are not followed (they would carry it elsewhere); the ID
// token goes only to the registry's origin, through RegistryClient's origin guard.
import { InputError, RegistryError } from '../../core/errors.js'
import { firstLine } from '../../core/util.js'
import { setTo } from '../../core/settings.js'
import { isRetryable, statusOf, withRetry, type Logger, type RetryPolicy } from '../../core/retry.js'
import { escapePackageName, RegistryClient } from './fetch.js'

/** The job's OIDC ID token for `audience` (`npm:<registry host>`). */
export type IdTokenSource = (audience: string) => Promise<string>

/** The runner offers an ID token: the job has `permissions: id-token: write`. */
export function idTokenAvailable(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.ACTIONS_ID_TOKEN_REQUEST_URL?.trim() && env.ACTIONS_ID_TOKEN_REQUEST_TOKEN?.trim())
}

/** The audience npm expects: `npm:` and the registry's host name (no port), as npm's CLI builds it. */
export function audienceOf(registry: string): string {
  return `npm:${new URL(registry).hostname}`
}

/** The way out of trusted publishing, in the words of the entry that runs (the input, or NPM_TOKEN on the CLI). */
const fallback = () =>
  `or ${setTo('npm-token')}, a granular token with read and write access to the package, instead of trusted publishing`

/**
 * What trusted publishing may do on npmjs, and the credentials that do the rest: the token
 * npm exchanges for the job's ID token may only run `npm publish` and `npm stage publish`
 * (docs.npmjs.com/trusted-publishers, "Limitations"; the trust API's only permissions are
 * createPackage and createStagedPackage; npm/cli#8547 is the open request to allow
 * dist-tags). There is no trusted-publisher setting that allows more.
 */
export const TRUSTED_PUBLISHING_ONLY = (pkg: string): { problem: string; fix: string } => ({
  problem:
    'npm allows trusted publishing only for publishing: the token it exchanges may run npm publish and npm stage publish, not move a dist-tag or deprecate (docs.npmjs.com/trusted-publishers, "Limitations"; npm/cli#8547).',
  fix: `${setTo('npm-token')}: a granular access token with read and write access to ${pkg} and "Bypass two-factor authentication", or a granular token with "read and write (stage only)", which may move dist-tags and deprecate.`,
})

/**
 * The runner's ID token, asked once per audience for the whole run (several packages on
 * one registry share it). `setSecret` masks it as soon as it arrives.
 */
export function runnerIdToken(
  env: NodeJS.ProcessEnv,
  setSecret?: (value: string) => void,
  timeoutMs = 30_000,
): IdTokenSource {
  const asked = new Map<string, Promise<string>>()
  return (audience) => {
    let pending = asked.get(audience)
    if (!pending) {
      pending = requestIdToken(env, audience, setSecret, timeoutMs)
      asked.set(audience, pending)
    }
    return pending
  }
}

async function requestIdToken(
  env: NodeJS.ProcessEnv,
  audience: string,
  setSecret: ((value: string) => void) | undefined,
  timeoutMs: number,
): Promise<string> {
  const raw = env.ACTIONS_ID_TOKEN_REQUEST_URL?.trim()
  const requestToken = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN?.trim()
  if (!raw || !requestToken) {
    throw new InputError(
      'npm-token',
      'is empty, and this job cannot ask for an OIDC ID token (ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set).',
      `give the job permissions: id-token: write to use trusted publishing, ${fallback()}.`,
    )
  }
  setSecret?.(requestToken)
  const url = new URL(raw)
  // appended to the runner's own query (api-version=...), as npm's CLI does
  url.searchParams.append('audience', audience)
  const where = url.origin
  let res: Response
  try {
    res = await fetch(url, {
      headers: { accept: 'application/json', authorization: `Bearer ${requestToken}` },
      // a redirect would carry the request token to wherever it points
      redirect: 'error',
      signal: AbortSignal.timeout(timeoutMs),
    })
  } catch (e) {
    throw new InputError(
      'npm-token',
      `is empty, and the runner's ID token service (${where}) did not answer: ${firstLine(e instanceof Error ? e.message : String(e))}.`,
      `re-run the job (trusted publishing needs the runner's ID token), ${fallback()}.`,
    )
  }
  let value: unknown
  try {
    value = ((await res.json()) as { value?: unknown })?.value
  } catch {
    value = undefined
  }
  if (!res.ok || typeof value !== 'string' || value === '') {
    throw new InputError(
      'npm-token',
      `is empty, and the runner did not give this job an OIDC ID token for ${audience} (${where} answered HTTP ${res.status}${res.ok ? ' without a token' : ''}).`,
      `check that the job has permissions: id-token: write (a pull request from a fork never gets one), ${fallback()}.`,
    )
  }
  setSecret?.(value)
  return value
}

/** What a refused exchange's answer says (npm: { message }), one short line, never a token. */
function registryMessage(e: unknown): string {
  const body = (e as { body?: unknown }).body
  const text =
    body && typeof body === 'object'
      ? ((body as { message?: unknown; error?: unknown }).message ?? (body as { error?: unknown }).error)
      : undefined
  return typeof text === 'string' && text.trim() !== '' ? `: "${firstLine(text).slice(0, 200)}"` : ''
}

/**
 * Exchanges the job's ID token for a short-lived npm token for `packageName` at the
 * registry's trusted-publishing endpoint (on the registry's origin, whatever the
 * registry's path, as npm's CLI does). Retried like every registry call (5xx, network;
 * never a 4xx). A refusal is an InputError naming npm-token that says how to set up
 * trusted publishing and names the token fallback.
 */
export async function exchangeIdToken(o: {
  registry: string
  packageName: string
  idToken: IdTokenSource
  setSecret?: (value: string) => void
  userAgent?: string
  timeoutMs?: number
  retry: RetryPolicy
  log: Logger
}): Promise<string> {
  const audience = audienceOf(o.registry)
  const idToken = await o.idToken(audience)
  // at the host root whatever the registry's path, as npm's CLI builds it (new URL('/-/npm/...', registry))
  const url = new URL(`/-/npm/v1/oidc/token/exchange/package/${escapePackageName(o.packageName)}`, o.registry).href
  // The ID token is this one request's credential, so it is this request's header: a token
  // scoped to the registry (//host/path/) reaches a URL outside that path only through
  // npm-registry-fetch's same-host fallback, which this must not depend on. The client
  // carries no token of its own; its origin guard keeps the request (and the header) on
  // the registry's origin.
  const client = new RegistryClient({ registry: o.registry, timeoutMs: o.timeoutMs, userAgent: o.userAgent })
  const headers = { accept: 'application/json', authorization: `Bearer ${idToken}` }
  let answer: { token?: unknown }
  try {
    answer = await withRetry(
      `exchanging the OIDC token for ${o.packageName}`,
      () => client.json<{ token?: unknown }>(url, 'publish', { method: 'POST', headers }),
      o.retry,
      o.log,
    )
  } catch (e) {
    // a redirect to another origin, refused (the ID token not sent): its own message says so
    if (e instanceof RegistryError) throw e
    const status = statusOf(e)
    const host = new URL(o.registry).host
    if (status === undefined || isRetryable(e)) {
      const detail = status
        ? `HTTP ${status}${registryMessage(e)}`
        : firstLine(e instanceof Error ? e.message : String(e))
      throw new RegistryError(
        `${o.registry} failed the OIDC token exchange for ${o.packageName} (${detail}); nothing was written.`,
        `re-run when the registry recovers (a re-run is safe), ${fallback()}.`,
        status,
      )
    }
    throw new InputError(
      'npm-token',
      `is empty, and ${o.registry} refused to exchange this job's OIDC token for a token for ${o.packageName} (HTTP ${status}${registryMessage(e)}): no trusted publisher of ${o.packageName} matches this workflow. Nothing was written.`,
      `set up trusted publishing on ${host}: in ${o.packageName}'s settings, add a trusted publisher (GitHub Actions, this repository, and the workflow file that runs the rollback: with workflow_call, the calling workflow's file; and its environment, if it names one), which lets it publish; ${fallback()} (needed anyway to move a dist-tag or deprecate: npm allows trusted publishing only for publishing).`,
    )
  }
  const token = answer?.token
  if (typeof token !== 'string' || token === '') {
    throw new InputError(
      'npm-token',
      `is empty, and ${o.registry} answered the OIDC token exchange for ${o.packageName} without a token.`,
      `check ${o.packageName}'s trusted publisher on ${new URL(o.registry).host}, ${fallback()}.`,
    )
  }
  o.setSecret?.(token)
  return token
}
