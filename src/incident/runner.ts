// The write stage, owned by the runner: restore every channel, then (all or nothing, a move
// failed) put back what this run moved, or retire the bad version where the channel is safe.
// Every write goes through the target's guarded write (src/core/guard.ts guardedWrite: a
// fresh read, compared with the plan, the write, a read-back).
import semver from 'semver'
import { ChannelMovedError } from '../core/guard.js'
import { CapabilityError, RollbackError, errorMessage } from '../core/errors.js'
import type { PackageState, Plan } from '../core/plan.js'
import type { Logger } from '../core/retry.js'
import type { Target } from '../core/target.js'
import { mapLimit } from '../core/util.js'
import { approveCommand } from '../targets/npm/stage.js'
import { kindOf } from '../targets/registry.js'
import { errorOf } from './resolve.js'
import { now, type RunState, type TargetRun } from './types.js'

/**
 * Restore all, then put back (all or nothing, a move failed) or retire. Only the targets
 * the preflight planned; what happened is in each target's run.
 */
export async function writeStage(s: RunState): Promise<void> {
  const { planned, parallel, log } = s
  // 1. restore: every channel, before any deprecation
  await mapLimit(planned, parallel, async (r) => {
    s.tell(r, 'writing')
    await restore(r, log)
    if (r.failure) s.tell(r, 'failed', errorOf(r))
  })
  if (planned.some((r) => r.failure) && s.req.partialOk === false && planned.length > 1) {
    await putBackAll(s)
    return
  }
  // 2. retire: for every target whose channel is safe (with several, the others' writes
  // were awaited since each one's read-back: it reads again)
  if (planned.length > 1) for (const r of planned) r.target.forget?.()
  const safe = planned.filter((r) => !r.failure)
  try {
    // beside the retire, not awaited: the reads after the writes that need only the channels (the installers')
    s.options.afterRestore?.(safe.filter((r) => r.outcome === 'rolled-back' || r.outcome === 'already'))
  } catch {
    // a check after the writes never stops the retire
  }
  await mapLimit(safe, parallel, async (r) => {
    s.tell(r, 'retiring')
    await retire(r, log)
    s.tell(r, r.failure ? 'failed' : 'done', r.failure ? errorOf(r) : r.outcome)
  })
  for (const r of planned) {
    const anomalies = r.target.anomalies?.() ?? []
    r.warnings.push(...anomalies)
    if (anomalies.length > 0) r.anomalies = anomalies
    const lost = r.target.lostWrites?.() ?? []
    if (lost.length > 0) r.lost = lost
    const pending = r.target.pending?.() ?? []
    r.warnings.push(...pending)
    if (pending.length > 0) r.pending = pending
  }
}

/** Asked for (all or nothing): put back what this run moved, but only where the channel still holds what it wrote. */
async function putBackAll(s: RunState): Promise<void> {
  const { planned, parallel, log } = s
  for (const r of planned) r.target.forget?.()
  await mapLimit(
    planned.filter((r) => r.moved),
    parallel,
    async (r) => {
      s.tell(r, 'putting-back')
      await putBack(r, log)
      s.tell(
        r,
        r.failure?.step === 'put-back' ? 'failed' : 'done',
        r.failure?.step === 'put-back' ? errorOf(r) : 'put back',
      )
    },
  )
  for (const r of planned) if (r.outcome === 'already') s.tell(r, 'done', r.outcome)
}

async function restore(r: TargetRun, log: Logger): Promise<void> {
  const plan = r.plan as Plan
  if (plan.tag.kind !== 'move') {
    const detail =
      plan.tag.kind === 'already'
        ? `'${plan.channel}' already on ${plan.tag.to}`
        : plan.undo
          ? `'${plan.channel}' holds ${plan.tag.holder}, not what the rollback wrote`
          : `'${plan.channel}' holds the newer ${plan.tag.holder}`
    r.steps.push({ step: 'move-tag', outcome: 'skipped', detail, at: now() })
    r.outcome = 'already'
    log.info(`✔ ${r.label}${detail}: not moved.`)
    return
  }
  try {
    if (plan.republish && !plan.undo) {
      if (await republish(r, plan.tag.from, log)) return
    } else await pointBack(r, plan.tag.to, plan.tag.from, log)
    r.outcome = r.moved ? 'rolled-back' : 'already'
  } catch (e) {
    if (e instanceof ChannelMovedError && (await movedToNewerFix(r, e, log))) return
    r.outcome = 'failed'
    r.failure = { step: 'move-tag', error: e }
    r.steps.push({ step: 'move-tag', outcome: 'failed', detail: errorMessage(e), at: now() })
    log.warning(`✖ ${r.label}${errorMessage(e)}`)
  }
}

/** The channel pointed at `to` (the restore version, or, undo, the bad version the rollback found there), guarded. */
async function pointBack(r: TargetRun, to: string, expected: string | undefined, log: Logger): Promise<void> {
  const plan = r.plan as Plan
  const incident = { id: plan.incidentId, bad: plan.rollbackVersion }
  const outcome = await r.target
    .pointChannel(plan.channel, to, expected, incident)
    .finally(() => (r.note = r.target.writeNote?.()))
  r.moved = outcome === 'written'
  ;(r.after as NonNullable<TargetRun['after']>).distTags[plan.channel] = to
  const bad = to === plan.rollbackVersion
  r.steps.push({
    step: 'move-tag',
    outcome: outcome === 'written' ? 'done' : 'already',
    detail: `'${plan.channel}' -> ${to}${plan.undo ? (bad ? ' (undo: the bad version again)' : ' (undo: as the incident found it)') : ''}, verified by a fresh read${r.note ? `; ${r.note}` : ''}`,
    at: now(),
  })
  if (plan.undo)
    log.warning(
      bad
        ? `↩ ${r.label}'${plan.channel}' points at the bad ${to} again, as undo asked (read back from the registry).`
        : `↩ ${r.label}'${plan.channel}' points at ${to} again, as the incident found it (read back from the registry).`,
    )
  else
    log.info(
      `✔ ${r.label}${kindOf(r.kind).words.channel} '${plan.channel}' now points at ${to} (read back from ${kindOf(r.kind).words.place}).`,
    )
}

/**
 * Strategy republish: the restore version's code published as the next version and the
 * channel pointed at it, guarded. True when the run is done with this target (staged).
 */
async function republish(r: TargetRun, expected: string | undefined, log: Logger): Promise<boolean> {
  const plan = r.plan as Plan
  const from = (plan.republish as NonNullable<Plan['republish']>).from
  const incident = { id: plan.incidentId, bad: plan.rollbackVersion }
  const target = r.target as Required<Pick<Target, 'republish'>> & Target
  const p = await target.republish({
    bad: plan.rollbackVersion,
    restore: from,
    channel: plan.channel,
    incidentId: plan.incidentId,
    expected,
    ...(plan.republish?.stage ? { stage: true } : {}),
  })
  if (p.outcome === 'staged') {
    await staged(r, p, incident, log)
    return true
  }
  let moved = p.outcome === 'published'
  if (p.channelHolds !== p.version)
    moved = (await r.target.pointChannel(plan.channel, p.version, expected, incident)) === 'written' || moved
  r.moved = moved
  r.republished = p.outcome === 'published'
  ;(r.after as NonNullable<TargetRun['after']>).distTags[plan.channel] = p.version
  r.steps.push({
    step: 'move-tag',
    outcome: moved ? 'done' : 'already',
    detail: `${from}'s code ${p.outcome === 'published' ? 'published' : 'already published'} as ${p.version}; '${plan.channel}' -> ${p.version}, verified by a fresh read`,
    at: now(),
  })
  log.info(
    `✔ ${r.label}${from}'s code is published as ${p.version}, and '${plan.channel}' points at it (read back from the registry).`,
  )
  return false
}

/**
 * The fix-forward version is staged (strategy republish): users are protected at once by
 * the channel on the restore version (guarded, restore before retire); the fix becomes the
 * channel's when a maintainer approves it and the rollback runs again.
 */
async function staged(
  r: TargetRun,
  p: { version: string; stageId?: string; waiting?: boolean },
  incident: { id: string; bad: string },
  log: Logger,
): Promise<void> {
  const plan = r.plan as Plan
  const from = (plan.republish as NonNullable<Plan['republish']>).from
  const expected = plan.tag.kind === 'move' ? plan.tag.from : undefined
  const stageId = p.stageId ?? ''
  r.staged = { version: p.version, stageId, waiting: p.waiting === true }
  const outcome = expected === from ? 'already' : await r.target.pointChannel(plan.channel, from, expected, incident)
  r.moved = outcome === 'written'
  ;(r.after as NonNullable<TargetRun['after']>).distTags[plan.channel] = from
  r.steps.push({
    step: 'move-tag',
    outcome: r.moved ? 'done' : 'already',
    detail: `${p.version} (the code of ${from}) ${p.waiting ? 'is still staged' : 'staged'} (stage id ${stageId}), waiting for a maintainer's approval; '${plan.channel}' -> ${from} meanwhile, verified by a fresh read`,
    at: now(),
  })
  r.outcome = r.moved ? 'rolled-back' : 'already'
  const approve = `${p.version} ${p.waiting ? 'is still waiting' : 'waits'} for a maintainer's approval: run \`${approveCommand(stageId)}\` (it asks for two-factor authentication), then run this rollback again: it moves '${plan.channel}' to ${p.version} and rewrites the deprecation to name it.`
  r.warnings.push(approve)
  log.info(
    `✔ ${r.label}'${plan.channel}' points at ${from} (read back from the registry) while ${p.version} is staged.`,
  )
  log.warning(`${r.label}${approve}`)
}

/**
 * The channel moved while the rollback ran. A newer version that is not deprecated (a fix
 * published meanwhile) is kept, as the planner keeps one it sees: the channel is safe and
 * the bad version is still retired. Anything else stops this target.
 */
async function movedToNewerFix(r: TargetRun, e: ChannelMovedError, log: Logger): Promise<boolean> {
  const plan = r.plan as Plan
  const holder = e.holder
  if (holder === undefined || !semver.valid(holder) || !semver.gt(holder, plan.rollbackVersion)) return false
  let fresh: PackageState
  try {
    fresh = await r.target.inspect()
  } catch {
    return false
  }
  if (fresh.distTags[plan.channel] !== holder || fresh.versions[holder]?.deprecated) return false
  const message = plan.undo
    ? `'${plan.channel}' moved to ${holder} after the rollback (a newer fix): left there, not undone.`
    : `'${plan.channel}' moved to ${holder} while the rollback ran; left there.`
  r.plan = { ...plan, tag: { kind: 'keep-newer', holder } }
  ;(r.after as NonNullable<TargetRun['after']>).distTags[plan.channel] = holder
  r.outcome = 'already'
  r.warnings.push(message)
  r.steps.push({ step: 'move-tag', outcome: 'skipped', detail: message, at: now() })
  log.warning(`${r.label}${message}`)
  return true
}

async function putBack(r: TargetRun, log: Logger): Promise<void> {
  const plan = r.plan as Plan
  const previous = plan.previousVersion
  // an undo wrote the bad version back; putting back returns the channel to what the rollback wrote
  const wrote = plan.undo && plan.tag.kind === 'move' ? plan.tag.to : (plan.republish?.version ?? plan.restoreVersion)
  try {
    if (previous === undefined) {
      const command = kindOf(r.kind).words.removeByHand?.(r.name, r.channel)
      throw new RollbackError(
        `'${r.channel}' did not exist before; remove it by hand${command ? ` (${command})` : ''}.`,
      )
    }
    await r.target.pointChannel(r.channel, previous, wrote, { id: plan.incidentId, bad: plan.rollbackVersion })
    r.moved = false
    r.outcome = 'put-back'
    log.info(`↩ ${r.label}'${r.channel}' put back to ${previous}`)
  } catch (e) {
    r.failure = { step: 'put-back', error: e }
    log.warning(`✖ ${r.label}not put back: ${errorMessage(e)}`)
  }
}

/** Undo: the deprecation the rollback wrote removed, or the one it replaced put back, guarded. */
async function unretire(
  r: TargetRun,
  deprecation: { message: string; restoreTo?: string },
  log: Logger,
): Promise<void> {
  const plan = r.plan as Plan
  const after = r.after as NonNullable<TargetRun['after']>
  const { message, restoreTo } = deprecation
  try {
    const outcome = await (r.target as Required<Pick<Target, 'unretire'>>).unretire(
      plan.rollbackVersion,
      message,
      restoreTo,
    )
    r.undeprecated = outcome === 'written'
    after.deprecated = restoreTo
    r.steps.push({
      step: 'deprecate',
      outcome: outcome === 'written' ? 'done' : 'already',
      detail:
        restoreTo === undefined
          ? `undo: deprecation removed ("${message}")`
          : `undo: the deprecation the rollback replaced is back ("${restoreTo}")`,
      at: now(),
    })
    log.info(
      restoreTo === undefined
        ? `✔ ${r.label}${plan.rollbackVersion} is no longer deprecated (read back from the registry).`
        : `✔ ${r.label}${plan.rollbackVersion} carries its earlier deprecation again (read back from the registry).`,
    )
  } catch (e) {
    if (e instanceof ChannelMovedError) {
      // a person changed the message between the plan and the write: theirs is kept
      const kept = `undo: ${plan.rollbackVersion}'s deprecation changed to "${e.holder ?? ''}" meanwhile: kept.`
      r.warnings.push(kept)
      r.steps.push({ step: 'deprecate', outcome: 'skipped', detail: kept, at: now() })
      log.warning(`${r.label}${kept}`)
      return
    }
    r.failure = { step: 'deprecate', error: e }
    r.steps.push({ step: 'deprecate', outcome: 'failed', detail: errorMessage(e), at: now() })
    log.warning(`✖ ${r.label}removing the deprecation failed: ${errorMessage(e)}`)
  }
}

async function retire(r: TargetRun, log: Logger): Promise<void> {
  const plan = r.plan as Plan
  const after = r.after as NonNullable<TargetRun['after']>
  if (plan.deprecation.kind === 'undeprecate' && r.target.unretire) {
    await unretire(r, plan.deprecation, log)
    return
  }
  if (plan.deprecation.kind !== 'deprecate' || !r.target.retire) {
    r.steps.push({
      step: 'deprecate',
      outcome: plan.deprecation.kind === 'already' ? 'already' : 'skipped',
      detail: plan.deprecation.kind,
      at: now(),
    })
    return
  }
  if (r.cannotRetire) {
    cannotRetire(r, r.cannotRetire, log)
    return
  }
  // the message tells users to use this version: it must exist and not be deprecated when written
  // staged: the fix-forward version is not live, so the message names the restore version
  const whileStaged = r.staged ? plan.deprecation.whileStaged : undefined
  const names = whileStaged !== undefined ? plan.restoreVersion : (plan.republish?.version ?? plan.restoreVersion)
  const message = whileStaged ?? plan.deprecation.message
  try {
    // only over the message the plan read (the one recorded as replaced): never over one a person set meanwhile
    const outcome = await r.target.retire(plan.rollbackVersion, message, names, plan.deprecation.previous ?? '')
    r.deprecated = outcome === 'written'
    after.deprecated = message
    r.steps.push({
      step: 'deprecate',
      outcome: outcome === 'written' ? 'done' : 'already',
      detail: message,
      at: now(),
    })
    log.info(`✔ ${r.label}${plan.rollbackVersion} is deprecated (read back from the registry).`)
  } catch (e) {
    // a registry without deprecate: the channel is safe, which is what protects installs; said plainly, never retried
    if (e instanceof CapabilityError && e.capability === 'deprecate') {
      cannotRetire(r, e.message.replace(/ Fix: .*$/, ''), log)
      return
    }
    if (e instanceof ChannelMovedError) {
      // a person changed the deprecation between the plan and the write: theirs is kept, the channel move stays
      const read = plan.deprecation.previous ? `"${plan.deprecation.previous}"` : 'no deprecation'
      const kept = `${plan.rollbackVersion}'s deprecation changed while the rollback ran (the plan read ${read}, it is now ${e.holder ? `"${e.holder}"` : 'none'}): left as the person set it, NOT deprecated by this run.`
      after.deprecated = e.holder || undefined
      r.warnings.push(kept)
      r.steps.push({ step: 'deprecate', outcome: 'skipped', detail: kept, at: now() })
      log.warning(`${r.label}${kept}`)
      return
    }
    r.failure = { step: 'deprecate', error: e }
    r.steps.push({ step: 'deprecate', outcome: 'failed', detail: errorMessage(e), at: now() })
    log.warning(`✖ ${r.label}deprecation failed: ${errorMessage(e)}`)
  }
}

/** The deprecation skipped because the registry has none: a warning for the summary and the issue, not a failure. */
function cannotRetire(r: TargetRun, why: string, log: Logger): void {
  const plan = r.plan as Plan
  const moved =
    plan.tag.kind === 'move'
      ? `'${plan.channel}' was moved to ${plan.republish?.version ?? plan.tag.to}, which protects new installs`
      : `'${plan.channel}' is not on ${plan.rollbackVersion}`
  const message = `${plan.rollbackVersion} was NOT deprecated (deprecated=false): ${why.replace(/\.$/, '')}. ${moved}; ranges that match ${plan.rollbackVersion} still install it, so deprecate or remove it by hand where the registry allows.`
  r.cannotRetire = why
  r.warnings.push(message)
  r.steps.push({ step: 'deprecate', outcome: 'skipped', detail: message, at: now() })
  log.warning(`${r.label}${message}`)
}
