// The probe: the drill's harmless write, and the trusted-publishing and second-factor
// preflight. A dist-tag of this probe's own is added, read back, removed and confirmed gone.
import { InputError, RegistryError } from '../../core/errors.js'
import { isTokensDisallowed, markNeedsPerson } from '../../core/handoff.js'
import { statusOf, withRetry } from '../../core/retry.js'
import type { Packument } from './packument.js'
import { isDrillTag, leftoverOf, newDrillTag, trackProbe } from './probe-tag.js'
import type { NpmSession } from './session.js'

/**
 * The drill's harmless write: a dist-tag of this probe's own (newDrillTag) added on
 * `version`, read back, removed (DELETE /-/package/<name>/dist-tags/<tag>) and confirmed
 * gone, every step checked by a fresh read. Only that tag is ever written. A probe tag of
 * another run found on the package is left alone with a warning: from the dist-tags alone
 * nobody can tell a probe running now from one that died between its add and its remove,
 * and deleting a running probe's tag would fail it. Any other dist-tag that differs after
 * the probe is reported (someone else moved it meanwhile).
 */
export async function probeWrite(s: NpmSession, version: string, by = 'the drill'): Promise<{ warnings: string[] }> {
  const pkg = s.options.packageName
  const warnings: string[] = []
  const tag = newDrillTag()
  const path = `/-/package/${s.escaped}/dist-tags/${encodeURIComponent(tag)}`
  const tags = (d: Packument) => ({ ...(d['dist-tags'] ?? {}) })
  s.forget()
  const before = tags(await s.readPackument())
  const others = (t: Record<string, string>) => Object.fromEntries(Object.entries(t).filter(([k]) => !isDrillTag(k)))
  await removeLeftovers(s, before, by, warnings)
  const write = probeWriter(s, path, tag)
  // a cancelled drill (SIGTERM, SIGINT) removes the tag, only while it still is this probe's
  const untrack = trackProbe(tag, async () => {
    if (tags(await s.readPackument())[tag] === version) await write(`removing dist-tag '${tag}'`, { method: 'DELETE' })
  })
  let added = false
  try {
    await write(`adding dist-tag '${tag}'`, {
      method: 'PUT',
      body: JSON.stringify(version),
      headers: { 'content-type': 'application/json' },
    })
    added = true
    const after = tags(await s.readPackument())
    if (after[tag] !== version) {
      throw new RegistryError(
        `${s.options.registry} accepted the dist-tag '${tag}' on ${pkg}@${version} but reads back ${after[tag] ?? '(no such tag)'}.`,
        'check the registry: its writes do not read back.',
      )
    }
  } finally {
    // a PUT that failed may still have taken effect: the tag is this probe's alone, so a fresh read decides
    const ours =
      added ||
      (await s.readPackument().then(
        (d) => tags(d)[tag] !== undefined,
        () => false,
      ))
    try {
      if (ours) await write(`removing dist-tag '${tag}'`, { method: 'DELETE' })
    } finally {
      untrack()
    }
  }
  const end = tags(await s.readPackument())
  s.forget()
  if (end[tag] !== undefined) {
    throw new RegistryError(
      `${s.options.registry} accepted the removal of the dist-tag '${tag}' from ${pkg} but still reads it on ${end[tag]}.`,
      `remove it by hand: npm dist-tag rm ${pkg} ${tag}`,
    )
  }
  const was = others(before)
  const now = others(end)
  for (const other of new Set([...Object.keys(was), ...Object.keys(now)])) {
    if (was[other] !== now[other])
      warnings.push(
        `${pkg}'s dist-tag '${other}' was ${was[other] ?? '(none)'} before ${by} and is ${now[other] ?? '(gone)'} after it: ${by} never writes it, so someone else did meanwhile.`,
      )
  }
  return { warnings }
}

/**
 * The probe tags of other runs found before this probe: one provably left over (this machine,
 * a process that has ended) is removed, guarded by the read just made; any other is left
 * alone with a warning (it may be a probe running now).
 */
async function removeLeftovers(
  s: NpmSession,
  before: Record<string, string>,
  by: string,
  warnings: string[],
): Promise<void> {
  const pkg = s.options.packageName
  for (const [stale, on] of Object.entries(before).filter(([k]) => isDrillTag(k))) {
    // provably a leftover (this machine, a process that has ended): removed, guarded by the read just made
    const pid = leftoverOf(stale)
    if (pid !== undefined) {
      const at = `/-/package/${s.escaped}/dist-tags/${encodeURIComponent(stale)}`
      const gone = await withRetry(
        `removing dist-tag '${stale}'`,
        async () => (await s.api()).write(at, 'dist-tag', { method: 'DELETE' }),
        s.retry,
        s.options.log,
      ).then(
        () => true,
        () => false,
      )
      if (gone) {
        warnings.push(
          `${by} removed the dist-tag '${stale}' (on ${on}), the probe of an earlier drill or preflight on this machine whose process (${pid}) has ended without removing it.`,
        )
        continue
      }
    }
    warnings.push(
      `${pkg} has a dist-tag '${stale}' on ${on}: the probe of another drill or preflight, running now or left by one that did not finish. ${by} left it alone (it may be in use); if no rollback or drill of ${pkg} is running, remove it: npm dist-tag rm ${pkg} ${stale}`,
    )
  }
}

/**
 * The probe's one write (PUT or DELETE of its own dist-tag at `path`), retried; a refusal of
 * the token is an InputError, marked as needing a person where no token could do it.
 */
function probeWriter(s: NpmSession, path: string, tag: string) {
  const pkg = s.options.packageName
  return (what: string, init: Record<string, unknown>) =>
    withRetry(
      what,
      // a second factor given on the command line: the probe's own tag, which no plan guards, is sent again at once
      async () => (await s.api()).write(path, 'dist-tag', init, { resend: 'here' }),
      s.retry,
      s.options.log,
    ).catch((e) => {
      const lack = s.lacks(e, 'move', tag)
      if (lack) throw lack
      const explained = s.explain(e, 'write')
      const status = statusOf(e)
      if (status === 401 || status === 403 || status === 404 || (e as { code?: string }).code === 'EOTP') {
        const refused = new InputError(
          'npm-token',
          explained.message.replace(/ Fix: [\s\S]*$/, ''),
          explained.fix ?? 'check the token.',
        )
        // a write that needs a person (a second factor, or a package that takes no token): the action hands off (src/handoff.ts)
        if (isTokensDisallowed(e))
          throw markNeedsPerson(
            refused,
            `${pkg} is set to "Require two-factor authentication and disallow tokens": no token can write it, only a maintainer with 2FA.`,
          )
        const otp =
          (e as { code?: string }).code === 'EOTP' ||
          (status === 401 && /one-time pass/i.test(String((e as { body?: unknown }).body ?? '')))
        if (otp)
          throw markNeedsPerson(
            refused,
            `the npm token needs a second factor (2FA) on every write to ${pkg}, which a workflow cannot give.`,
          )
        throw refused
      }
      throw explained
    })
}
