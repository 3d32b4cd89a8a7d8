// When and from what an image was built: the OCI annotations of its manifest (or of an
// index's first platform manifest), else its config's labels.
import { DIGEST_PATTERN, MEDIA_TYPES, type RegistryClient, short } from './client.js'
import type { ImageRef } from './image.js'

/** The largest image config read for its labels. */
const MAX_CONFIG_BYTES = 8 * 1024 * 1024

/** The OCI annotations (and, in an image config, labels) that say when and from what an image was built. */
export const OCI_CREATED = 'org.opencontainers.image.created'
export const OCI_REVISION = 'org.opencontainers.image.revision'

/** When and from what an image was built, as far as it says. */
export interface Identity {
  /** ISO 8601 */
  created?: string
  revision?: string
}

/** The annotations of the manifest (or index, then its first platform's manifest), else the config's labels. */
export async function readIdentity(client: RegistryClient, ref: ImageRef, digest: string): Promise<Identity> {
  const what = `reading the build annotations of ${ref.name}@${short(digest)}`
  const top = await client.read(what, () => client.getManifest(digest))
  const doc = parseObject(top.bytes)
  let id = identityFrom(doc.annotations)
  let manifest = doc
  if (!complete(id) && (top.mediaType === MEDIA_TYPES.ociIndex || top.mediaType === MEDIA_TYPES.dockerManifestList)) {
    // an index's config lives in its platform manifests: the first real one (buildx adds
    // attestation manifests with platform unknown/unknown)
    const entries = Array.isArray(doc.manifests) ? (doc.manifests as Record<string, unknown>[]) : []
    const first = entries.find(
      (m) =>
        typeof m?.digest === 'string' &&
        DIGEST_PATTERN.test(m.digest) &&
        (m.platform as { os?: unknown } | undefined)?.os !== 'unknown',
    )
    if (!first) return id
    const child = await client.read(what, () => client.getManifest(first.digest as string))
    manifest = parseObject(child.bytes)
    id = merge(id, identityFrom(manifest.annotations))
  }
  const config = manifest.config as { digest?: unknown } | undefined
  if (!complete(id) && typeof config?.digest === 'string' && DIGEST_PATTERN.test(config.digest)) {
    const blob = await client.read(what, () => client.getBlob(config.digest as string, MAX_CONFIG_BYTES))
    const labels = (parseObject(blob).config as { Labels?: unknown } | undefined)?.Labels
    id = merge(id, identityFrom(labels))
  }
  return id
}

/** A JSON object from bytes; {} when they are not one. */
function parseObject(bytes: Buffer): Record<string, unknown> {
  try {
    const doc = JSON.parse(bytes.toString('utf8')) as unknown
    return doc !== null && typeof doc === 'object' && !Array.isArray(doc) ? (doc as Record<string, unknown>) : {}
  } catch {
    return {}
  }
}

/** created / revision from OCI annotations or image labels (the same keys); malformed values are left out. */
function identityFrom(map: unknown): Identity {
  if (map === null || typeof map !== 'object') return {}
  const m = map as Record<string, unknown>
  const id: Identity = {}
  const created = m[OCI_CREATED]
  // RFC 3339 with a date and a time; "0001-01-01T00:00:00Z" and the epoch are reproducible-build placeholders, not times
  if (typeof created === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(created.trim())) {
    const at = Date.parse(created.trim())
    if (!Number.isNaN(at) && at > 0) id.created = new Date(at).toISOString()
  }
  const revision = m[OCI_REVISION]
  if (typeof revision === 'string' && revision.trim() !== '' && revision.trim().length <= 200)
    id.revision = revision.trim()
  return id
}

function merge(a: Identity, b: Identity): Identity {
  return { created: a.created ?? b.created, revision: a.revision ?? b.revision }
}

function complete(id: Identity): boolean {
  return id.created !== undefined && id.revision !== undefined
}
