// The package document (packument) as the registry's write view returns it, and the plan's view of it.
import type { PackageState } from '../../core/plan.js'
import { noteOf } from './republish-note.js'

export interface Packument {
  _rev?: string
  name: string
  'dist-tags'?: Record<string, string>
  versions?: Record<string, { deprecated?: unknown; gitHead?: unknown }>
  time?: Record<string, unknown>
  [key: string]: unknown
}

export function toState(doc: Packument): PackageState {
  const versions: PackageState['versions'] = {}
  for (const [v, manifest] of Object.entries(doc.versions ?? {})) {
    const d = manifest?.deprecated
    const t = doc.time?.[v]
    const note = noteOf(manifest)
    const gitHead = manifest?.gitHead
    versions[v] = {
      ...(typeof gitHead === 'string' && /^[0-9a-f]{40}$/i.test(gitHead) ? { commit: gitHead.toLowerCase() } : {}),
      ...(typeof d === 'string' && d !== '' ? { deprecated: d } : {}),
      ...(typeof t === 'string' ? { publishedAt: t } : {}),
      ...(note ? { republishOf: note.rollbackOf } : {}),
    }
  }
  return { name: doc.name, distTags: { ...(doc['dist-tags'] ?? {}) }, versions }
}
