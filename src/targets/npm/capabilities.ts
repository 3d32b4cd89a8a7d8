// The preflight of a rollback (and of the drill): what this registry cannot do, before
// anything is written (registry-kind.ts names the registries and their gaps).
import { CapabilityError, InputError } from '../../core/errors.js'
import { mayNeedSecondFactor } from './access.js'
import { TRUSTED_PUBLISHING_ONLY } from './oidc.js'
import { channelFixed, noDeprecate, worthProbing, type RegistryIdentity } from './registry-kind.js'
import type { NpmSession } from './session.js'

/**
 * The preflight of a rollback (and of the drill): what this registry cannot do, before
 * anything is written. From the answers to reads: a registry known to refuse moving this
 * channel (Nexus Repository 3 and 'latest') fails here, and one known to have no
 * deprecate is reported (`cannotRetire`). Where the reads name a registry with reported
 * gaps (Nexus, Artifactory, GitHub Packages), or always with `probe: 'always'` (the
 * drill), dist-tag writes are proven by probeWrite's harmless write on `holds` (the
 * version the channel holds): a registry that answers it 404/405/501 fails here with a
 * CapabilityError naming it and what it lacks. Nothing users install changes.
 */
export async function capabilities(
  s: NpmSession,
  channel: string,
  holds: string | undefined,
  o: {
    move: boolean
    probe: 'always' | 'if-needed' | 'never'
    republish?: boolean
    undo?: boolean
    deprecate?: boolean
  },
  probeWrite: (version: string, by: string) => Promise<{ warnings: string[] }>,
): Promise<{ warnings: string[]; probed: boolean; cannotRetire?: string }> {
  const pkg = s.options.packageName
  // trusted publishing may publish and stage-publish only: a plan that moves a dist-tag (other
  // than by publishing) or writes a deprecation cannot be done with it, so nothing is tried
  if (s.options.oidc && ((o.move && !o.republish) || o.deprecate)) {
    const what = [o.move && !o.republish ? `move the dist-tag '${channel}'` : '', o.deprecate ? 'deprecate' : '']
      .filter(Boolean)
      .join(' and ')
    const only = TRUSTED_PUBLISHING_ONLY(pkg)
    throw new InputError(
      'npm-token',
      `is empty, so this ${o.undo ? 'undo' : 'rollback'} would use trusted publishing (OIDC), and it would ${what} of ${pkg}: ${only.problem} Nothing was written.`,
      only.fix,
    )
  }
  // the plan's read named the registry; only without it is the document read here (and then not kept as a guard)
  if (!s.identity) {
    await s.readPackument()
    s.forget()
  }
  const id = s.identity as RegistryIdentity
  const fixed = o.move && !o.republish ? channelFixed(id, channel, o.undo) : undefined
  if (fixed) {
    throw new CapabilityError(
      'move',
      id.name,
      `${id.name} ${fixed.why}, so the ${o.undo ? 'undo' : 'rollback'} cannot point '${channel}' of ${pkg} back: nothing was written.`,
      fixed.fix,
    )
  }
  const warnings: string[] = []
  let probed = false
  // the credential: only a write tells whether this token needs a second factor (mayNeedSecondFactor)
  const credential = o.probe === 'if-needed' && (o.move || o.deprecate === true) && mayNeedSecondFactor(s, id)
  if (
    holds !== undefined &&
    // a token from trusted publishing cannot add the probe's dist-tag (it may only publish)
    !s.options.oidc &&
    ((o.move && (o.probe === 'always' || (o.probe === 'if-needed' && worthProbing(id)))) || credential)
  ) {
    const probe = () =>
      probeWrite(
        holds,
        o.probe === 'always' ? 'the drill' : "the rollback's preflight (a harmless dist-tag, added and removed)",
      ).then(({ warnings: w }) => {
        warnings.push(...w)
      })
    if (o.probe === 'always') await probe()
    else {
      // once per target in a run: a second preflight of the same target proves nothing new
      s.preflight ??= probe()
      await s.preflight
    }
    probed = true
  }
  const lacking = noDeprecate(id)
  return { warnings, probed, ...(lacking ? { cannotRetire: `${id.name} ${lacking}` } : {}) }
}
