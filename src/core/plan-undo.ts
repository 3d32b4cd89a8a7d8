// The undo of a rollback made by mistake, as a plan. Pure: no I/O.
import { renderDeprecationMessage } from './deprecation.js'
import { InputError } from './errors.js'
import { incidentId } from './incident-id.js'
import type { DeprecationAction, PackageState, Plan, PlanRequest, TagAction } from './plan-types.js'
import { fixForwardVersion, lastKnownGood } from './plan-versions.js'
import { settingName, theSetting } from './settings.js'

/** What the undo works from: the rollback's versions, as recorded or rebuilt from the request. */
interface UndoVersions {
  restored: string
  restoreChosen: boolean
  /** what the rollback wrote to the channel: the restore version, or the republished one */
  wrote: string
  republish?: { version: string; from: string }
  /** where the incident found the channel (undefined: it did not exist) */
  found?: string
}

/** The bad version must exist: there is no rollback of an unknown version to undo. */
function checkBad(req: PlanRequest, state: PackageState): void {
  const bad = req.rollbackVersion
  if (bad in state.versions) return
  // undo by incident-id: the versions came from the incident's record, not from the inputs
  if (req.record)
    throw new InputError(
      'incident-id',
      `names incident ${req.record.incidentId}, whose record has ${bad} as the bad version of ${req.packageName}, but ${req.packageName}@${bad} does not exist in the registry, so there is no rollback of it to undo.`,
      `check ${theSetting('incident-id')}: it must name the incident of the rollback you undo.`,
    )
  throw new InputError(
    'rollback-version',
    `${req.packageName}@${bad} does not exist in the registry, so there is no rollback of it to undo.`,
    `give the same ${settingName('rollback-version')} as the rollback you undo (or give its ${settingName('incident-id')} instead).`,
  )
}

function undoVersions(req: PlanRequest, state: PackageState): UndoVersions {
  const bad = req.rollbackVersion
  const record = req.record
  let restore = record?.restoreVersion ?? req.restoreVersion
  const restoreChosen = restore === undefined
  // the last known good version never counts the bad one, deprecated or not: the rollback's choice again
  if (restore === undefined) restore = lastKnownGood(state, bad, req.channel, req.releaseCommit)
  if (!record && (restore === undefined || !(restore in state.versions))) {
    throw new InputError(
      'restore-version',
      restore === undefined
        ? `is empty and no version of ${req.packageName} qualifies as the rollback's restore version.`
        : `${req.packageName}@${restore} does not exist in the registry.`,
      `give the same ${settingName('restore-version')} as the rollback you undo (or give its ${settingName('incident-id')} instead: the incident's record names the version).`,
    )
  }
  const restored = restore as string
  // what the rollback wrote to the channel: as recorded, or rebuilt from the inputs
  const wrote = record?.wrote ?? (req.strategy === 'republish' ? fixForwardVersion(bad) : restored)
  return {
    restored,
    restoreChosen,
    wrote,
    // (a record of a staged fix: the channel was written the restore version, nothing republished live)
    ...(wrote !== restored ? { republish: { version: wrote, from: restored } } : {}),
    // where the incident found the channel: the record says (a forced rollback found something else); without one, the bad version
    found: record ? record.previousVersion : bad,
  }
}

/** The channel goes back to where the incident found it, only while it holds what the rollback wrote. */
function undoTag(req: PlanRequest, v: UndoVersions, current: string | undefined, warnings: string[]): TagAction {
  const { found, wrote } = v
  if (found === undefined) {
    if (current === undefined) return { kind: 'already', to: '(no such channel)' }
    warnings.push(
      `undo: '${req.channel}' did not exist before the rollback (the incident record says so), and undo cannot remove a channel: it is left on ${current}. Remove it by hand if it should go.`,
    )
    return { kind: 'keep-newer', holder: current }
  }
  if (current === found) return { kind: 'already', to: found }
  // the runner says it loudly when it writes (and the summary): the plan's warnings stay what a repeated undo sees too
  if (current === wrote) return { kind: 'move', from: wrote, to: found }
  warnings.push(
    `undo: '${req.channel}' holds ${current ?? 'nothing'}, not ${wrote} (what the rollback wrote): someone moved it after the rollback, so it is left alone and not undone.`,
  )
  return { kind: 'keep-newer', holder: current ?? '(nothing)' }
}

/** The bad version's deprecation is cleared only when it is exactly the message this tool wrote. */
function undoDeprecation(req: PlanRequest, state: PackageState, wrote: string, warnings: string[]): DeprecationAction {
  if (!req.deprecate) return { kind: 'off' }
  const bad = req.rollbackVersion
  const record = req.record
  // only the message this tool wrote counts: the recorded one (without a record, the one these inputs render)
  const message = record
    ? record.deprecationMessage
    : renderDeprecationMessage(req.deprecationMessage, {
        version: bad,
        restore: wrote,
        channel: req.channel,
        reason: req.reason,
      })
  const now = state.versions[bad].deprecated
  // the message the rollback replaced (the record says), which the undo puts back
  const before = record?.deprecationBefore
  if (message === undefined) {
    if (now)
      warnings.push(
        `undo: ${bad} is deprecated ("${now}"), but the incident record holds no deprecation written by this tool, so it is kept.`,
      )
    return { kind: 'off' }
  }
  if (!now || (before !== undefined && now === before)) return { kind: 'already', message }
  if (now === message)
    return before !== undefined ? { kind: 'undeprecate', message, restoreTo: before } : { kind: 'undeprecate', message }
  warnings.push(
    `undo: ${bad} is deprecated with another message than the one this rollback wrote ("${now}"): a person changed it, so it is kept.`,
  )
  return { kind: 'kept', message, current: now }
}

/**
 * The undo of a rollback made by mistake: every channel goes back to where the incident
 * found it (the bad version, unless the record says otherwise), but only while it still
 * holds what the rollback wrote (the restore version, or the republished fix-forward
 * version, which stays published: npm never reuses a version); the bad version's
 * deprecation is cleared only when it is exactly the message this tool wrote.
 *
 * With `req.record` (the incident record: the committed report or the tracking issue) the
 * versions, the incident id and the deprecation message come from it; without one they are
 * rebuilt from the request (the same versions and targets as the rollback). The incident id
 * is the rollback's, so the bookkeeping finds the same issue and report. Pure: no I/O.
 */
export function planUndo(req: PlanRequest, state: PackageState): Plan {
  checkBad(req, state)
  const bad = req.rollbackVersion
  const v = undoVersions(req, state)
  const current = state.distTags[req.channel]
  const warnings: string[] = []
  const tag = undoTag(req, v, current, warnings)
  if (v.republish)
    // npm docs, npm-unpublish: a name@version once used can never be used again
    warnings.push(
      `undo: ${v.republish.version} (the republished fix-forward version) stays published: npm never reuses a version number; only '${req.channel}' is pointed back.`,
    )
  const deprecation = undoDeprecation(req, state, v.wrote, warnings)
  return {
    packageName: req.packageName,
    channel: req.channel,
    rollbackVersion: bad,
    restoreVersion: v.restored,
    restoreChosen: v.restoreChosen && !req.record,
    previousVersion: current,
    tag,
    deprecation,
    otherTagsOnBad: [],
    warnings,
    incidentId: req.record?.incidentId ?? incidentId(req.packageName, req.channel, bad, v.restored),
    ...(v.republish ? { republish: v.republish } : {}),
    undo: true,
    ...(v.found !== undefined ? { foundVersion: v.found } : {}),
  }
}
