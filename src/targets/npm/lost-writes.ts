// What a whole-document PUT (npm deprecate's write) may have overwritten. npmjs checks the
// document's `_rev` and answers 409 to a stale one; Verdaccio does not: it takes the
// document it is sent whole, so a version published between our read and our PUT is
// unpublished (its `versions` entry and `time` dropped: verdaccio's
// build/lib/local-storage.js changePackage deletes every version missing from the incoming
// document) and every dist-tag is set back to what we read (`dist-tags` replaced whole,
// same function). The read-back alone shows only our document again; what was lost is
// seen in reads made while the PUT was in flight (`witnessWhile`), and counted by the
// revision ("19-abc…": CouchDB-style, one per write). Pure but for witnessWhile's reads.

export interface DocumentView {
  _rev?: string
  'dist-tags'?: Record<string, string>
  versions?: Record<string, { deprecated?: unknown }>
}

/** One dist-tag another write moved while our PUT was in flight, which our PUT set back. */
export interface LostTag {
  tag: string
  /** where the other write had moved it (seen while the PUT was in flight) */
  movedTo: string
  /** where it is after our PUT (what this run had read; undefined: removed) */
  now: string | undefined
}

export interface WriteComparison {
  /** changes after our write that the read-back shows (another client's later write: kept) */
  differences: string[]
  /** versions seen while the PUT was in flight that the read-back no longer has */
  lostVersions: string[]
  /** tags seen moved while the PUT was in flight that the read-back shows set back to ours */
  lostTags: LostTag[]
  /** other writes the revision counts between our read and our read-back (NaN-safe: 0 when unknown) */
  otherWrites: number
}

const revision = (d: DocumentView) => Number(/^(\d+)-/.exec(String(d._rev ?? ''))?.[1] ?? NaN)

/**
 * Reads the document every `gapMs` while `pending` (our PUT) has not settled, at most
 * `max` times, and returns the reads answered before it settled. Best effort: a read
 * that fails ends the watch (the PUT's own result decides the write).
 */
export async function witnessWhile<D>(
  pending: Promise<unknown>,
  read: () => Promise<D>,
  gapMs = 25,
  max = 40,
): Promise<D[]> {
  let settled = false
  const done = pending.then(
    () => {
      settled = true
    },
    () => {
      settled = true
    },
  )
  const seen: D[] = []
  for (let i = 0; i < max && !settled; i++) {
    await Promise.race([done, new Promise((r) => setTimeout(r, gapMs))])
    if (settled) break
    try {
      const doc = await read()
      if (!settled) seen.push(doc)
    } catch {
      break
    }
  }
  return seen
}

/**
 * Compares what our PUT sent (`sent`, with our one change to `changed`), what reads made
 * while it was in flight saw (`witnesses`), and the read-back (`got`).
 */
export function compareWrite(
  sent: DocumentView,
  got: DocumentView,
  witnesses: DocumentView[],
  changed: string,
): WriteComparison {
  const differences: string[] = []
  const sentTags = sent['dist-tags'] ?? {}
  const gotTags = got['dist-tags'] ?? {}
  for (const tag of new Set([...Object.keys(sentTags), ...Object.keys(gotTags)])) {
    if (sentTags[tag] !== gotTags[tag])
      differences.push(
        `dist-tag '${tag}' was ${sentTags[tag] ?? '(none)'} before the write and is ${gotTags[tag] ?? '(gone)'} after it`,
      )
  }
  const sentVersions = sent.versions ?? {}
  const gotVersions = got.versions ?? {}
  for (const v of new Set([...Object.keys(sentVersions), ...Object.keys(gotVersions)])) {
    if (v === changed) continue
    if (!(v in gotVersions)) differences.push(`version ${v} is gone`)
    else if (!(v in sentVersions)) differences.push(`version ${v} appeared`)
    else if ((sentVersions[v].deprecated ?? '') !== (gotVersions[v].deprecated ?? ''))
      differences.push(`the deprecation of ${v} changed`)
  }
  const lostVersions = new Set<string>()
  const lostTags = new Map<string, LostTag>()
  for (const w of witnesses) {
    for (const v of Object.keys(w.versions ?? {})) if (!(v in sentVersions) && !(v in gotVersions)) lostVersions.add(v)
    const tags = w['dist-tags'] ?? {}
    for (const [tag, value] of Object.entries(tags))
      if (value !== sentTags[tag] && gotTags[tag] === sentTags[tag])
        lostTags.set(tag, { tag, movedTo: value, now: gotTags[tag] })
  }
  const others = revision(got) - revision(sent) - 1
  return {
    differences,
    lostVersions: [...lostVersions],
    lostTags: [...lostTags.values()],
    otherWrites: Number.isFinite(others) && others > 0 ? others : 0,
  }
}
