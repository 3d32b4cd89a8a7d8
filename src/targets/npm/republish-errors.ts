// What a republish's registry failures mean, and the integrity a tarball is checked
// against (moved out of src/targets/republish.ts). No I/O.
import ssri from 'ssri'
import { RegistryError, RollbackError } from '../../core/errors.js'
import { isRetryable } from '../../core/retry.js'
import { firstLine } from '../../core/util.js'
import { setting, settingName } from '../../core/settings.js'

/** What ssri should check a tarball against: dist.integrity, else the legacy sha1 shasum. */
export function expectedIntegrity(dist: { integrity?: unknown; shasum?: unknown }): string | undefined {
  if (typeof dist.integrity === 'string' && dist.integrity.trim() !== '') {
    const parsed = ssri.parse(dist.integrity)
    if (parsed && Object.keys(parsed).length > 0) return parsed.toString()
  }
  if (typeof dist.shasum === 'string' && /^[0-9a-f]{40}$/i.test(dist.shasum))
    return ssri.fromHex(dist.shasum.toLowerCase(), 'sha1').toString()
  return undefined
}

/** A registry failure as an error that says what to do; never includes the token. */
export function explainError(e: unknown, what: string, pkg: string, registry: string): RollbackError {
  if (e instanceof RollbackError) return e
  const err = e as { statusCode?: number; code?: string; message?: string }
  const status = err.statusCode
  const code = err.code
  if (code === 'EOTP') {
    return new RegistryError(
      `The registry asks for a second factor (two-factor authentication) to publish with this token: it is a session token from npm login, or a granular token without "Bypass two-factor authentication". Nothing was published.`,
      `use a granular access token with read and write access to ${pkg} and "Bypass two-factor authentication" ticked (npm announced that from January 2027 such a token may only stage a publish), or publish from the command line, which asks you to approve the write.`,
      status,
      code,
    )
  }
  if (code === 'EPRIVATE') {
    return new RegistryError(
      `${what} ${pkg}: the restore version's package.json says "private": true, so it cannot be republished.`,
      `use ${setting('strategy', 'retag')}.`,
      status,
      code,
    )
  }
  if (status === 401) {
    return new RegistryError(
      `${registry} rejected the token (401 Unauthorized).`,
      `check that ${settingName('npm-token')} holds a current token for this registry (not expired or revoked).`,
      status,
      code,
    )
  }
  if (status === 403) {
    return new RegistryError(
      `${registry} refused: ${what.toLowerCase()} ${pkg} (403 Forbidden)${err.message ? `: ${firstLine(err.message)}` : ''}.`,
      `the token needs publish rights on ${pkg} (a granular token with "Read and write" on the package or scope; with 2FA on the account, "Bypass two-factor authentication"); a 403 on publish can also mean the version was published and unpublished before (npm never reuses a version): use ${setting('strategy', 'retag')} then.`,
      status,
      code,
    )
  }
  const detail = status ? `HTTP ${status}` : (code ?? 'network error')
  return new RegistryError(
    `${what} ${pkg} on ${registry} failed: ${detail}${err.message ? ` (${firstLine(err.message)})` : ''}.`,
    isRetryable(e)
      ? 'the registry is failing or unreachable; re-run when it recovers (a re-run is safe: it finds what was already published).'
      : 'see the registry message above.',
    status,
    code,
  )
}
