// The distribution API's words: media types, digests, the error shapes src/retry.ts
// understands, the WWW-Authenticate challenge, and the Link header of a paged tag list.
import { createHash } from 'node:crypto'

export const MEDIA_TYPES = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
} as const

/** All four, lists first: leave the list types out and a registry may answer one platform's manifest. */
export const MANIFEST_ACCEPT = [
  MEDIA_TYPES.ociIndex,
  MEDIA_TYPES.dockerManifestList,
  MEDIA_TYPES.ociManifest,
  MEDIA_TYPES.dockerManifest,
].join(', ')

export const KNOWN_MEDIA_TYPES: ReadonlySet<string> = new Set(Object.values(MEDIA_TYPES))

/** The manifest size distribution itself refuses above. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024

/** A manifest digest as a reference: `sha256:<64 hex>` (or sha512). */
export const DIGEST_PATTERN = /^sha(256:[0-9a-f]{64}|512:[0-9a-f]{128})$/

/**
 * Token services on another host that a registry is known to use, so credentials may go
 * there (over https). Anything else must be allowed by name with `tokenRealmHosts`.
 */
export const BUILTIN_TOKEN_REALM_HOSTS: Readonly<Record<string, readonly string[]>> = {
  'registry-1.docker.io': ['auth.docker.io'],
  'registry.gitlab.com': ['gitlab.com'],
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1'])

/** An HTTP error status, in the shape src/retry.ts understands (statusCode, headers). */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly method: string,
    readonly url: string,
    readonly headers: Record<string, string>,
    /** the registry's error code: MANIFEST_UNKNOWN, DENIED, TAG_INVALID, ... */
    readonly registryCode?: string,
    /** the registry's error message, or the start of the body */
    readonly detail?: string,
  ) {
    super(
      `${method} ${url}: HTTP ${statusCode}${registryCode ? ` ${registryCode}` : ''}${detail ? ` (${detail})` : ''}`,
    )
    this.name = 'HttpError'
  }
}

/** A failure before any status: `code` is one src/retry.ts retries (ECONNREFUSED, ETIMEDOUT, ...). */
export class NetworkError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message)
    this.name = 'NetworkError'
  }
}

export interface Reply {
  status: number
  headers: Headers
  body: Buffer
}

export interface Manifest {
  bytes: Buffer
  mediaType: string
  digest: string
}

export interface Challenge {
  scheme: string
  params: Record<string, string>
}

export function parseChallenge(header: string): Challenge | undefined {
  // several challenges may share one header (joined with ", "): prefer Bearer
  const at = header.search(/\bBearer\s/i)
  const text = at >= 0 ? header.slice(at) : header
  const m = /^\s*([A-Za-z][A-Za-z0-9_-]*)\s*(.*)$/s.exec(text)
  if (!m) return undefined
  const params: Record<string, string> = {}
  for (const p of m[2].matchAll(/([A-Za-z_][A-Za-z0-9_-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g)) {
    const key = p[1].toLowerCase()
    if (!(key in params)) params[key] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : p[3]
  }
  return { scheme: m[1].toLowerCase(), params }
}

export function isLoopback(hostname: string): boolean {
  return LOOPBACK.has(hostname.toLowerCase())
}

export function digestOfBytes(bytes: Buffer, algorithm = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`
}

export const short = (digest: string) => digest.replace(/^(sha\d+:)([0-9a-f]{12})[0-9a-f]*$/, '$1$2')

export function httpError(method: string, url: URL, reply: Reply): HttpError {
  const headers: Record<string, string> = {}
  reply.headers.forEach((v, k) => {
    headers[k] = v
  })
  let code: string | undefined
  let detail: string | undefined
  const text = reply.body.toString('utf8')
  try {
    const doc = JSON.parse(text) as { errors?: { code?: unknown; message?: unknown }[] }
    const first = doc.errors?.[0]
    if (typeof first?.code === 'string') code = first.code
    if (typeof first?.message === 'string') detail = first.message.slice(0, 300)
  } catch {
    const line = text.split('\n')[0].trim()
    if (line) detail = line.slice(0, 300)
  }
  return new HttpError(reply.status, method, `${url.origin}${url.pathname}`, headers, code, detail)
}

/** ECR: 400 ImageTagAlreadyExistsException / TAG_INVALID "...immutable"; Harbor 412, Artifact Registry 400, others 409/403 saying "immutable". */
export function isImmutable(e: HttpError): boolean {
  if (e.method !== 'PUT' || ![400, 403, 409, 412].includes(e.statusCode)) return false
  return /immutable|ImageTagAlreadyExistsException|cannot be overwritten/i.test(
    `${e.registryCode ?? ''} ${e.detail ?? ''}`,
  )
}

/** The `rel="next"` target of a Link header, resolved against the request URL. */
export function nextLink(header: string | null, requested: URL): string | undefined {
  if (!header) return undefined
  for (const part of header.split(/,(?=\s*<)/)) {
    const m = /^\s*<([^>]*)>\s*;(.*)$/.exec(part)
    if (m && /\brel\s*=\s*"?next"?/i.test(m[2])) return new URL(m[1], requested).toString()
  }
  return undefined
}
