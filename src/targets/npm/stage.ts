// Staged publishing (npm CLI 11.15+, GA 2026-05-22): a version uploaded with
// `POST /-/stage/package/<name>` (libnpmpublish publish.js with `stage: true`: the publish
// document, answered `{ message, stageId }`) becomes installable only when a maintainer
// approves it with 2FA (`npm stage approve <id>`: npm CLI lib/commands/stage/approve.js,
// `POST /-/stage/<id>/approve`). Listing: `GET /-/stage?package=<name>` answers
// `{ items, total }` (lib/commands/stage/list.js); an item names `id`, `packageName`,
// `version`, `tag` (lib/utils/key-values.js logStageItem). The staged tarball:
// `GET /-/stage/<id>/tarball` (lib/commands/stage/download.js). npm documents no web page
// for one staged version (docs npm-stage names only the command and npmjs.com), so the
// approval is given as the command alone.
import { Parser, type ReadEntry } from 'tar'
import { gunzipSync } from 'node:zlib'
import { statusOf } from '../../core/retry.js'
import type { RegistryClient } from './fetch.js'
import { noteOf, type RepublishNote } from './republish-note.js'

/** One staged version, as the listing names it. */
export interface StagedItem {
  stageId: string
  version: string
  tag?: string
}

/** The command a maintainer runs to approve a staged version (npm CLI lib/commands/stage/approve.js). */
export const approveCommand = (stageId: string): string => `npm stage approve ${stageId}`

/**
 * The registry refused a direct publish and asks for staging: E_STAGE_REQUIRED
 * (npm/documentation#2036, npm/cli#9948; a stage-only token, a bypass token from January
 * 2027, a trusted publisher allowed createStagedPackage only). npm-registry-fetch keeps the
 * parsed JSON answer as `body` and its `error` text in the message (errors.js HttpErrorGeneral).
 */
export function asksForStaging(e: unknown): boolean {
  const err = e as { body?: { code?: unknown; error?: unknown }; code?: unknown; message?: unknown }
  if (err?.body?.code === 'E_STAGE_REQUIRED' || err?.code === 'E_STAGE_REQUIRED') return true
  return statusOf(e) === 403 && /E_STAGE_REQUIRED/.test(String(err?.message ?? '') + String(err?.body?.error ?? ''))
}

/**
 * The versions of `name` staged and not yet approved or rejected. undefined: the registry
 * has no staging (404/405/501: Verdaccio, Nexus, ...), so nothing can be staged there.
 */
export async function listStaged(client: RegistryClient, name: string): Promise<StagedItem[] | undefined> {
  try {
    const res = await client.json<{
      items?: Array<{ id?: unknown; version?: unknown; tag?: unknown; status?: unknown }>
    }>(`/-/stage?package=${encodeURIComponent(name)}`, 'stage')
    return (
      (res.items ?? [])
        .filter((i) => typeof i.id === 'string' && typeof i.version === 'string')
        // npmjs's listing holds pending ones; a status other than pending (if a registry sends one) is not waiting
        .filter((i) => i.status === undefined || i.status === 'pending')
        .map((i) => ({
          stageId: String(i.id),
          version: String(i.version),
          ...(typeof i.tag === 'string' ? { tag: i.tag } : {}),
        }))
    )
  } catch (e) {
    const s = statusOf(e)
    if (s === 404 || s === 405 || s === 501) return undefined
    throw e
  }
}

/** The RepublishNote inside a staged version's tarball (its package/package.json), if any. */
export async function stagedNote(client: RegistryClient, stageId: string): Promise<RepublishNote | undefined> {
  const data = await client.download(`${client.origin}/-/stage/${stageId}/tarball`, `the staged tarball ${stageId}`)
  let pkg: Record<string, unknown> | undefined
  await new Promise<void>((resolve, reject) => {
    const parser = new Parser({ strict: true })
    parser.on('error', reject)
    parser.on('entry', (e: ReadEntry) => {
      if (e.path.split('/').filter(Boolean).length !== 2 || !e.path.endsWith('/package.json')) {
        e.resume()
        return
      }
      const chunks: Buffer[] = []
      e.on('data', (c: Buffer) => chunks.push(c))
      e.on('end', () => {
        try {
          pkg = JSON.parse(
            Buffer.concat(chunks)
              .toString('utf8')
              .replace(/^\uFEFF/, ''),
          ) as Record<string, unknown>
        } catch {
          pkg = undefined
        }
      })
    })
    parser.on('end', () => resolve())
    try {
      parser.end(isGzip(data) ? gunzipSync(data) : data)
    } catch (e) {
      reject(e instanceof Error ? e : new Error(String(e)))
    }
  })
  return pkg ? noteOf(pkg) : undefined
}

const isGzip = (b: Buffer) => b.length > 2 && b[0] === 0x1f && b[1] === 0x8b
