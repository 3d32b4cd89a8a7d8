// Rewriting an npm package tarball for a fix-forward republish (moved out of
// src/targets/republish.ts unchanged). No network I/O.
import { gzipSync } from 'node:zlib'
import { Header, Parser, Pax, type ReadEntry } from 'tar'
import { RegistryError } from '../../core/errors.js'
import { setting } from '../../core/settings.js'

export interface RewrittenTarball {
  /** the new gzipped tarball */
  tarball: Buffer
  /** the rewritten package.json, as published inside the tarball */
  manifest: Record<string, unknown>
  /** the package.json as it was in the original tarball */
  original: Record<string, unknown>
}

interface Entry {
  path: string
  type: ReadEntry['type']
  mode?: number
  uid?: number
  gid?: number
  uname?: string
  gname?: string
  mtime?: Date
  linkpath?: string
  devmaj: number
  devmin: number
  body: Buffer
}

/** `./x/y` -> `['x', 'y']` (empty and `.` components dropped, as npm's extraction sees it). */
function components(p: string): string[] {
  return p.split('/').filter((c) => c !== '' && c !== '.')
}

/** The path with its top folder renamed to `package` (npm strips the top folder, whatever its name). */
function underPackage(p: string, type: string): string {
  const parts = components(p)
  if (parts.length >= 2) return ['package', ...parts.slice(1)].join('/') + (p.endsWith('/') ? '/' : '')
  if (parts.length === 1 && type === 'Directory') return 'package/'
  return p
}

async function readEntries(tarball: Buffer): Promise<Entry[]> {
  const entries: Entry[] = []
  await new Promise<void>((resolve, reject) => {
    let failed = false
    const fail = (e: unknown) => {
      if (failed) return
      failed = true
      reject(e instanceof Error ? e : new Error(String(e)))
    }
    // strict: a damaged header is an error, not a skipped entry
    const parser = new Parser({ strict: true })
    parser.on('error', fail)
    parser.on('ignoredEntry', (e: ReadEntry) =>
      fail(new Error(`the tarball has an entry this tool cannot carry over faithfully (${e.type} ${e.path})`)),
    )
    parser.on('entry', (e: ReadEntry) => {
      const chunks: Buffer[] = []
      e.on('data', (c: Buffer) => chunks.push(c))
      e.on('end', () => {
        entries.push({
          path: e.path,
          type: e.type,
          mode: e.mode,
          uid: e.uid,
          gid: e.gid,
          uname: e.uname,
          gname: e.gname,
          mtime: e.mtime,
          linkpath: e.linkpath,
          devmaj: e.header.devmaj,
          devmin: e.header.devmin,
          body: Buffer.concat(chunks),
        })
      })
    })
    parser.on('end', () => (failed ? undefined : resolve()))
    try {
      parser.end(tarball)
    } catch (e) {
      fail(e)
    }
  })
  return entries
}

function encodeEntry(entry: Entry): Buffer[] {
  const path = underPackage(entry.path, entry.type)
  const linkpath =
    entry.type === 'Link' && entry.linkpath !== undefined ? underPackage(entry.linkpath, 'File') : entry.linkpath
  const fields = {
    path,
    linkpath,
    mode: entry.mode,
    uid: entry.uid,
    gid: entry.gid,
    uname: entry.uname,
    gname: entry.gname,
    size: entry.body.length,
    mtime: entry.mtime,
    type: entry.type,
    devmaj: entry.devmaj,
    devmin: entry.devmin,
  }
  const header = new Header(fields)
  const needPax = header.encode()
  const out: Buffer[] = []
  // long paths, big numbers, non-ASCII names: a pax header carries them, as node-tar writes it
  if (needPax)
    out.push(
      new Pax({
        path,
        linkpath,
        size: fields.size,
        mtime: fields.mtime,
        uid: fields.uid,
        gid: fields.gid,
        uname: fields.uname,
        gname: fields.gname,
      }).encode(),
    )
  out.push(header.block as Buffer)
  if (entry.body.length > 0) {
    out.push(entry.body)
    const pad = (512 - (entry.body.length % 512)) % 512
    if (pad) out.push(Buffer.alloc(pad))
  }
  return out
}

/** npm's own way of writing package.json: keep the file's indentation and line endings. */
function stringifyLike(original: string, value: unknown): string {
  const indent = /^\{\r?\n([ \t]+)"/.exec(original)?.[1] ?? (/^\{\r?\n/.test(original) ? '  ' : '')
  const eol = original.includes('\r\n') ? '\r\n' : '\n'
  const trailing = /\r?\n$/.test(original) ? eol : ''
  const text = JSON.stringify(value, null, indent)
  return (eol === '\n' ? text : text.replace(/\n/g, eol)) + trailing
}

/**
 * Rewrites an npm package tarball: `edit` changes the parsed package.json in place (it is
 * written back with the file's own indentation and line endings); every other entry keeps
 * its bytes, mode, type, owner fields and mtime. The top folder becomes `package/` (npm
 * strips it whatever it is called). The tarball is read with node-tar, the parser npm
 * installs with, so this sees the same entries an install would. Refuses an archive with
 * no or several top-level package.json files, or entries it cannot carry over.
 */
export async function rewriteTarball(
  tarball: Buffer,
  edit: (pkg: Record<string, unknown>) => void,
): Promise<RewrittenTarball> {
  let entries: Entry[]
  try {
    entries = await readEntries(tarball)
  } catch (e) {
    throw new RegistryError(
      `The tarball could not be read: ${e instanceof Error ? e.message : String(e)}.`,
      'check the restore version installs with npm; republish a version whose tarball is intact.',
    )
  }
  const isManifest = (e: Entry) => e.type === 'File' || e.type === 'OldFile' || e.type === 'ContiguousFile'
  const manifests = entries.filter(
    (e) => isManifest(e) && components(e.path).length === 2 && components(e.path)[1] === 'package.json',
  )
  if (manifests.length !== 1) {
    throw new RegistryError(
      `The tarball has ${manifests.length === 0 ? 'no' : manifests.length} top-level package.json file${manifests.length === 1 ? '' : 's'}.`,
      `republish needs a tarball npm can install; use ${setting('strategy', 'retag')} for this version.`,
    )
  }
  const entry = manifests[0]
  const text = entry.body.toString('utf8').replace(/^\uFEFF/, '')
  let original: Record<string, unknown>
  try {
    original = JSON.parse(text) as Record<string, unknown>
  } catch (e) {
    throw new RegistryError(
      `The tarball's package.json is not valid JSON (${e instanceof Error ? e.message : String(e)}).`,
      `use ${setting('strategy', 'retag')} for this version.`,
    )
  }
  if (!original || typeof original !== 'object' || Array.isArray(original)) {
    throw new RegistryError(
      `The tarball's package.json is not a JSON object.`,
      `use ${setting('strategy', 'retag')} for this version.`,
    )
  }
  const manifest = JSON.parse(text) as Record<string, unknown>
  edit(manifest)
  entry.body = Buffer.from(stringifyLike(text, manifest), 'utf8')

  const blocks: Buffer[] = []
  for (const e of entries) blocks.push(...encodeEntry(e))
  blocks.push(Buffer.alloc(1024)) // end of archive: two zero blocks
  return { tarball: gzipSync(Buffer.concat(blocks)), manifest, original }
}
