// The bad version's downloads, from npm's public downloads API: per-version counts for the
// last 7 days. Best effort: asked only for packages on registry.npmjs.org, with a short
// timeout and no token; anything but a clean answer gives undefined and never fails the run.

/** npm's public downloads API. */
export const NPM_DOWNLOADS_API = 'https://api.npmjs.org/'
export const DEFAULT_DOWNLOADS_TIMEOUT_MS = 3000

/** The downloads API for a registry: npm's for registry.npmjs.org, none for any other. */
export function downloadsApiFor(registry: string): string | undefined {
  try {
    return new URL(registry).hostname === 'registry.npmjs.org' ? NPM_DOWNLOADS_API : undefined
  } catch {
    return undefined
  }
}

/** A package name in one path segment, as the registry escapes it: @scope%2Fname. */
export function escapedName(name: string): string {
  return name.startsWith('@') ? `@${encodeURIComponent(name.slice(1))}` : encodeURIComponent(name)
}

/**
 * Per-version downloads of `name` in the last 7 days (`<api>versions/<escaped>/last-week`),
 * or undefined when the API does not answer in time, answers with an error (404 for an
 * unknown package) or with anything but `{ downloads: { version: count } }`.
 */
export async function fetchVersionDownloads(
  api: string,
  name: string,
  timeoutMs = DEFAULT_DOWNLOADS_TIMEOUT_MS,
): Promise<Record<string, number> | undefined> {
  try {
    const url = new URL(`versions/${escapedName(name)}/last-week`, api.endsWith('/') ? api : `${api}/`)
    // no credentials of any kind: the counts are public
    const res = await fetch(url, {
      headers: { accept: 'application/json' },
      redirect: 'error',
      signal: AbortSignal.timeout(timeoutMs),
    })
    if (!res.ok) {
      await res.body?.cancel().catch(() => {})
      return undefined
    }
    const body = (await res.json()) as { downloads?: unknown }
    const d = body?.downloads
    if (!d || typeof d !== 'object' || Array.isArray(d)) return undefined
    const counts: Record<string, number> = {}
    for (const [version, n] of Object.entries(d))
      if (Number.isSafeInteger(n) && (n as number) >= 0) counts[version] = n as number
    return counts
  } catch {
    return undefined
  }
}
