// The deprecation write (retire, unretire): a version's `deprecated` through the guarded
// whole-document PUT, and what the read-back shows another client lost meanwhile.
import { ChannelMovedError, guardedWrite } from '../../core/guard.js'
import type { WriteOutcome } from '../../core/target.js'
import { compareWrite, witnessWhile } from './lost-writes.js'
import type { Packument } from './packument.js'
import type { NpmSession } from './session.js'

/** The adapter's guarded channel move, for putting back a tag another client's write lost. */
export type PointChannel = (channel: string, version: string, expected: string | undefined) => Promise<WriteOutcome>

/** The one deprecation write: a version's `deprecated` set to `message` ("" clears it) through the guarded document PUT. */
export async function writeDeprecation(
  s: NpmSession,
  pointChannel: PointChannel,
  version: string,
  message: string,
  isExpected: (d: Packument) => boolean,
  expected = 'the planned state',
  doing = 'deprecating',
): Promise<WriteOutcome> {
  let sent: Packument | undefined
  let witnesses: Packument[] = []
  const now = (d: Packument) => String(s.versionOf(d, version).deprecated ?? '')
  // the read made just before (the channel's read-back) is of the write view: the
  // deprecations come from the full document, read now (see readForDeprecation)
  const complete = s.lastComplete
  const last = s.takeFresh()
  const fresh = last && (complete ? last : s.withDeprecations(last, await s.readDeprecations()))
  const { outcome, state } = await guardedWrite<Packument>({
    what: message === '' ? `removing the deprecation of ${version}` : `deprecating ${version}`,
    channel: `${version}'s deprecation`,
    wanted: message,
    expected,
    read: () => s.readForDeprecation(),
    fresh,
    holderOf: (d) => String(d.versions?.[version]?.deprecated ?? ''),
    isDone: (d) => now(d) === message,
    isExpected,
    write: async (doc) => {
      s.versionOf(doc, version).deprecated = message
      sent = structuredClone(doc)
      const client = await s.api()
      const put = client.write(`/${s.escaped}`, 'deprecate', { method: 'PUT', body: doc }).catch((e: unknown) => {
        throw s.lacks(e, 'deprecate') ?? s.deprecationsMustBeStrings(e, version, message) ?? e
      })
      // reads while the PUT is in flight: where a registry that ignores _rev (not npmjs, which
      // answers 409) still shows another client's write that our PUT is about to overwrite
      const watch =
        s.identity?.kind === 'npmjs'
          ? Promise.resolve([])
          : witnessWhile(put, () => client.read<Packument>(`/${s.escaped}?write=true`, 'view').then((r) => r.body))
      await put
      witnesses = await watch
    },
    ...s.guardOptions(),
  })
  if (sent) await compareAfterWrite(s, pointChannel, sent, state, version, witnesses, doing, message !== '')
  return outcome
}

/**
 * After a document PUT: everything but our own change must read back as it was sent. A
 * version or a dist-tag another client wrote while the PUT was in flight that the
 * read-back no longer shows is lost (lostWrites(): the run ends partial); a tag that can
 * go back to where that write had moved it (the version still exists and is not
 * deprecated) is moved back, guarded by a fresh read. A lost version cannot be published
 * again by this tool.
 */
async function compareAfterWrite(
  s: NpmSession,
  pointChannel: PointChannel,
  sent: Packument,
  got: Packument,
  changed: string,
  witnesses: Packument[],
  doing: string,
  deprecated: boolean,
): Promise<void> {
  const pkg = s.options.packageName
  const c = compareWrite(sent, got, witnesses, changed)
  const parts: string[] = []
  const lost: string[] = []
  for (const v of c.lostVersions) {
    parts.push(
      `version ${v}, published meanwhile, is gone from the registry (it took this run's document, which did not have it, whole): it must be published again; this tool cannot`,
    )
    lost.push(`${pkg}@${v} (published while this run wrote; the registry lost it: publish it again)`)
  }
  const gotVersions = got.versions ?? {}
  for (const t of c.lostTags) {
    const now = t.now ?? '(no such tag)'
    const onBad = t.now === changed && deprecated ? ', the bad version this run deprecated' : ''
    const target = gotVersions[t.movedTo]
    const why = !target
      ? `it cannot follow ${t.movedTo}, which is lost`
      : typeof target.deprecated === 'string' && target.deprecated !== ''
        ? `it is not moved back: ${t.movedTo} is deprecated`
        : undefined
    if (why !== undefined) {
      parts.push(`dist-tag '${t.tag}' was moved to ${t.movedTo} meanwhile and is back on ${now}${onBad}: ${why}`)
      lost.push(`${pkg}'s dist-tag '${t.tag}' (moved to ${t.movedTo} meanwhile, set back to ${now}${onBad})`)
      continue
    }
    // another client's move, undone by our PUT: put back, only while the tag still holds what our PUT left
    s.forget()
    try {
      await pointChannel(t.tag, t.movedTo, t.now)
      parts.push(
        `dist-tag '${t.tag}' was moved to ${t.movedTo} meanwhile and was back on ${now}: moved back to ${t.movedTo}`,
      )
    } catch (e) {
      const moved = e instanceof ChannelMovedError
      parts.push(
        `dist-tag '${t.tag}' was moved to ${t.movedTo} meanwhile and was back on ${now}: ${moved ? 'it moved again since, so it is left there' : `moving it back failed (${e instanceof Error ? e.message : String(e)})`}`,
      )
      if (!moved) lost.push(`${pkg}'s dist-tag '${t.tag}' (moved to ${t.movedTo} meanwhile, set back to ${now})`)
    }
    s.forget()
  }
  if (c.differences.length > 0)
    parts.push(
      `the registry's document differs from the one this run sent in more than that: ${c.differences.join('; ')}`,
    )
  if (c.otherWrites > 0) {
    parts.push(
      `the document's revision went from ${sent._rev} to ${got._rev}: ${c.otherWrites} other write(s) landed between this run's read (revision ${sent._rev}) and its read-back (revision ${got._rev})`,
    )
    // nothing seen explains them: a warning, not a loss. The count alone cannot tell a lost
    // write from one that left nothing to lose (a second rollback of the same incident
    // moving the same tag to the same version: concurrency.test.ts), and a run safe to run
    // twice must not turn partial on that. What a witness read saw lost is named above.
  }
  if (parts.length === 0) return
  const note =
    `After ${doing} ${pkg}@${changed}, ${parts.join('; ')}. ` +
    `Another write happened at the same time; on a registry that ignores the document revision (_rev), as Verdaccio does, this run's write may have undone it. Check ${pkg} and restore what is missing by hand.`
  s.notes.push(note)
  s.lost.push(...lost)
  s.options.log.warning(note)
}
