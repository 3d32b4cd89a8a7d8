// The pure core: from the registry's state and the request, decide what to do.
// No I/O and no @actions/* here, so every branch of the guard is a plain unit test.
import { createHash } from 'node:crypto'
import semver from 'semver'
import { InputError } from './errors.js'
import { renderDeprecationMessage } from './deprecation.js'
import { currentDialect, setTo, setting, settingName, theSetting } from './settings.js'

export interface VersionInfo {
  /** the deprecation message, when the version is deprecated */
  deprecated?: string
  /** ISO-8601 publish time, when the registry says */
  publishedAt?: string
  /** the commit the version was built from (npm gitHead, OCI org.opencontainers.image.revision) */
  commit?: string
  /** Docker: the manifest digest behind the version tag */
  digest?: string
  /** Helm: the revision to roll back to for this version */
  revision?: number
  /** npm: this version is a republish (strategy republish) replacing that bad version */
  republishOf?: string
}

/** What the registry holds for the package, read fresh just before planning. */
export interface PackageState {
  name: string
  distTags: Record<string, string>
  versions: Record<string, VersionInfo>
}

export interface PlanRequest {
  packageName: string
  rollbackVersion: string
  restoreVersion?: string
  channel: string
  reason: string
  deprecate: boolean
  deprecationMessage: string
  force: boolean
  /** retag (default): point the channel at the restore version; republish: publish its code as the next version */
  strategy?: 'retag' | 'republish'
  /** republish-stage: the fix-forward version is staged (npm stage publish), not published */
  republishStage?: boolean
  /** undo: this target as the incident record holds it (planUndo then takes the versions and the deprecation from it) */
  record?: UndoRecordFor
  /** release-commit: the failed release's commit; a version built from it is never the restore version */
  releaseCommit?: string
}

/**
 * One target of an incident as its record (the committed report, or the tracking issue)
 * holds it: what an undo needs, and nothing rebuilt from the inputs.
 */
export interface UndoRecordFor {
  incidentId: string
  /** what the channel held when the incident found it (undefined: the channel did not exist) */
  previousVersion?: string
  /** what the rollback wrote to the channel: the restore version, or the republished one */
  wrote: string
  /** the restore version of the rollback (republish: the version whose code was republished) */
  restoreVersion: string
  /** the deprecation message this tool wrote (undefined: it wrote none) */
  deprecationMessage?: string
  /** the bad version's deprecation before the rollback replaced it (undefined: it was not deprecated) */
  deprecationBefore?: string
}

/** An incident's record, as an undo reads it: every target, each with its versions and deprecation. */
export interface RecordedIncident {
  incidentId: string
  rollbackVersion: string
  channel: string
  /** where the record was read, for messages (a report path, or the tracking issue) */
  source: string
  /** the incident's report, repository-relative, when the record names it (the undo updates that report) */
  reportPath?: string
  /** npm packages of the incident that did not have the bad version (packages: workspaces): listed again so the undo's report keeps the incident's shape */
  notAffected?: string[]
  targets: Array<
    { kind: 'npm' | 'docker' | 'helm' | 'git-tag'; name: string; channel: string } & Omit<UndoRecordFor, 'incidentId'>
  >
}

export type TagAction =
  /** point the channel at the restore version */
  | { kind: 'move'; from?: string; to: string }
  /** the channel already holds the restore version: nothing to write */
  | { kind: 'already'; to: string }
  /** a newer version than the bad one holds the channel (a fix was published): leave it */
  | { kind: 'keep-newer'; holder: string }

export type DeprecationAction =
  /** whileStaged (strategy republish): the message while the fix-forward version waits for its approval, naming the restore version (live) instead */
  | { kind: 'deprecate'; message: string; previous?: string; whileStaged?: string }
  | { kind: 'already'; message: string }
  | { kind: 'off' }
  /** undo: the bad version carries exactly the message this tool wrote: clear it (or put back `restoreTo`, the message the rollback replaced) */
  | { kind: 'undeprecate'; message: string; restoreTo?: string }
  /** undo: the bad version carries another message (a person changed it): left alone */
  | { kind: 'kept'; message: string; current: string }

export interface Plan {
  packageName: string
  channel: string
  rollbackVersion: string
  restoreVersion: string
  /** true when restore-version was empty and the last known good version was chosen */
  restoreChosen: boolean
  /** what the channel held before this run (undefined: the tag did not exist) */
  previousVersion?: string
  tag: TagAction
  deprecation: DeprecationAction
  /** other dist-tags that still point at the bad version */
  otherTagsOnBad: string[]
  warnings: string[]
  incidentId: string
  /** strategy republish: the restore version's code published as `version`, which the channel then holds */
  republish?: { version: string; from: string; stage?: boolean }
  /** an undo plan (planUndo): the tag goes back to where the incident found it, the deprecation is cleared */
  undo?: true
  /** undo: the version the channel held when the incident found it (usually the bad one), where it goes back to */
  foundVersion?: string
}

/** A deterministic key for one incident: the same rollback always gets the same id. */
export function incidentId(packageName: string, channel: string, bad: string, restore: string): string {
  const hash = createHash('sha256')
    .update(JSON.stringify([packageName, channel, bad, restore]))
    .digest('hex')
  return `rr-${hash.slice(0, 16)}`
}

function prereleaseId(version: string): string | undefined {
  const pre = semver.prerelease(version)
  return pre && typeof pre[0] === 'string' ? pre[0] : pre ? '' : undefined
}

/** `1.2.3` for `1.2.3-beta.4`: the stable version a prerelease line leads to. */
function releaseOf(version: string): string {
  const p = semver.parse(version)
  return p ? `${p.major}.${p.minor}.${p.patch}` : version
}

/** True when the versions' publish times tell the order: the bad version records one. */
function byHistory(state: PackageState, bad: string): boolean {
  const t = state.versions[bad]?.publishedAt
  return t !== undefined && !Number.isNaN(Date.parse(t))
}

/**
 * The last known good version for `bad` on `channel`, among the channel's line: for
 * `latest` (or a stable bad version) the non-deprecated stable versions; for a prerelease
 * channel the non-deprecated versions with the bad one's prerelease identifier (beta,
 * canary, ...).
 *
 * - When the registry's publish times tell (the bad version has `publishedAt`): the highest
 *   of the line **published before the bad one** (a version without a time counts when it
 *   is lower than the bad one). It may be higher than the bad version: 2.1.0 on latest, a
 *   backport 1.9.5 published to latest by mistake, gives 2.1.0. (A version with the same
 *   time as the bad one counts when it is lower.)
 * - Without times: the highest of the line below the bad version.
 *
 * - Never a version built from `releaseCommit` (release-commit: the commit of the release
 *   that failed), whatever its number or time: it carries the bad code.
 *
 * Throws an InputError naming restore-version when the choice would be a stale prerelease:
 * a new prerelease line (3.0.0-beta.0) whose previous line (2.0.0-beta.N) was released as
 * stable (2.0.0 exists), so nobody on the channel should go back to 2.0.0-beta.N.
 */
export function lastKnownGood(
  state: PackageState,
  bad: string,
  channel: string,
  releaseCommit?: string,
): string | undefined {
  const id = channel === 'latest' ? undefined : prereleaseId(bad)
  const failed = releaseCommit?.toLowerCase()
  const history = byHistory(state, bad)
  const badAt = history ? Date.parse(state.versions[bad].publishedAt as string) : NaN
  const before = (v: string, info: VersionInfo): boolean => {
    if (!history) return semver.lt(v, bad)
    const at = info.publishedAt === undefined ? NaN : Date.parse(info.publishedAt)
    // no time, or the same time as the bad one (order unknown): below it counts
    return Number.isNaN(at) || at === badAt ? semver.lt(v, bad) : at < badAt
  }
  const candidates = Object.entries(state.versions)
    .filter(([v, info]) => semver.valid(v) !== null && v !== bad && !info.deprecated && before(v, info))
    // built from the failed release's commit: the same code as the bad version, never known good (issue 24)
    .filter(([, info]) => failed === undefined || info.commit?.toLowerCase() !== failed)
    .map(([v]) => v)
    .filter((v) => (id === undefined ? semver.prerelease(v) === null : prereleaseId(v) === id))
  const chosen = candidates.sort(semver.rcompare)[0]
  if (
    chosen !== undefined &&
    id !== undefined &&
    releaseOf(chosen) !== releaseOf(bad) &&
    releaseOf(chosen) in state.versions
  ) {
    const line = id === '' ? 'prerelease' : id
    throw new InputError(
      'restore-version',
      `is empty, and the previous ${line} line, ${chosen}, was released as ${releaseOf(chosen)}: restoring ${chosen} on '${channel}' would put a stale prerelease back, not the last known good ${line} of the ${releaseOf(bad)} line.`,
      `give ${settingName('restore-version')} explicitly (${releaseOf(chosen)}, or a ${line} version you know is good).`,
    )
  }
  return chosen
}

export function planRollback(req: PlanRequest, state: PackageState): Plan {
  const bad = req.rollbackVersion
  const known = Object.keys(state.versions)
  const nearest = () =>
    known
      .filter((k) => semver.valid(k))
      .sort(semver.rcompare)
      .slice(0, 5)
      .join(', ')
  if (!(bad in state.versions)) {
    throw new InputError(
      'rollback-version',
      `${req.packageName}@${bad} does not exist in the registry.`,
      `give a published version (the newest are: ${nearest() || 'none'}).`,
    )
  }
  const warnings: string[] = []
  let restore = req.restoreVersion
  let restoreChosen = false
  const failedCommit = req.releaseCommit?.toLowerCase()
  if (restore === undefined) {
    restore = lastKnownGood(state, bad, req.channel, failedCommit)
    restoreChosen = true
    if (restore === undefined) {
      const kind =
        req.channel !== 'latest' && prereleaseId(bad) !== undefined ? `'${prereleaseId(bad)}' prerelease` : 'stable'
      throw new InputError(
        'restore-version',
        `is empty and ${req.packageName} has no non-deprecated ${kind} version ${byHistory(state, bad) ? 'published before' : 'below'} ${bad}${failedCommit !== undefined ? ` and not built from the release's commit ${failedCommit} (${settingName('release-commit')})` : ''} to restore.`,
        'give the version to restore explicitly.',
      )
    }
    // chosen by history, it can be higher than the bad version (that is no roll-forward: it
    // is what the channel held before); a republish would publish its code under a lower number
    if (req.strategy === 'republish' && semver.gt(restore, bad)) {
      throw new InputError(
        'strategy',
        `is republish, but the last known good version ${restore} is higher than the bad ${bad}: republishing would publish ${restore}'s code as ${fixForwardVersion(bad)}.`,
        `use ${setting('strategy', 'retag')} (the channel goes back to ${restore}), or give ${settingName('restore-version')} explicitly.`,
      )
    }
  } else {
    if (!(restore in state.versions)) {
      throw new InputError(
        'restore-version',
        `${req.packageName}@${restore} does not exist in the registry.`,
        `give a published version (the newest are: ${nearest() || 'none'}), or leave it empty to pick the last known good one.`,
      )
    }
    // the failed release's own code is never restored, force or not (issue 24)
    if (failedCommit !== undefined && state.versions[restore].commit?.toLowerCase() === failedCommit) {
      throw new InputError(
        'restore-version',
        `${req.packageName}@${restore} was built from ${failedCommit}, the release's commit (${settingName('release-commit')}): it carries the code of the release that failed, so it is never restored.`,
        `give a version built from another commit, or leave ${settingName('restore-version')} empty to pick the last known good one.`,
      )
    }
    if (state.versions[restore].deprecated && !req.force) {
      throw new InputError(
        'restore-version',
        `${restore} is itself deprecated ("${state.versions[restore].deprecated}").`,
        `restore a version that is not deprecated, or ${setTo('force', 'true')} to restore it anyway.`,
      )
    }
    if (semver.gt(restore, bad) && !req.force) {
      throw new InputError(
        'restore-version',
        `${restore} is higher than the bad version ${bad}: that is a roll-forward, not a rollback.`,
        `check the two versions are not swapped, or ${setTo('force', 'true')}.`,
      )
    }
  }

  const current = state.distTags[req.channel]
  // republish: the channel's goal is the fix-forward version carrying the restore version's code
  const republish =
    req.strategy === 'republish'
      ? { version: fixForwardVersion(bad), from: restore, ...(req.republishStage ? { stage: true } : {}) }
      : undefined
  const goal = republish?.version ?? restore
  let tag: TagAction
  if (republish && current === republish.version && state.versions[current]?.republishOf === bad) {
    tag = { kind: 'already', to: current }
  } else if (current === restore && !republish) {
    tag = { kind: 'already', to: restore }
  } else if (republish && current === restore) {
    // an earlier run staged the fix-forward version and moved the channel to the restore
    // version meanwhile (or a retag did): the channel goes on to the fix once it is live
    tag = { kind: 'move', from: current, to: goal }
  } else if (current === bad) {
    tag = { kind: 'move', from: current, to: goal }
  } else if (current !== undefined && semver.valid(current) && semver.gt(current, bad) && !req.force) {
    tag = { kind: 'keep-newer', holder: current }
    warnings.push(
      `'${req.channel}' already holds ${current}, newer than the bad ${bad} (a fix was published): it is left where it is. ${capital(setTo('force', 'true'))} to move it back anyway.`,
    )
  } else if (req.force) {
    tag = { kind: 'move', from: current, to: goal }
    warnings.push(
      `${settingName('force')}: '${req.channel}' held ${current ?? 'nothing'}, not the bad version ${bad}; moving it to ${restore} anyway.`,
    )
  } else {
    throw new InputError(
      'channel',
      current === undefined
        ? `the dist-tag '${req.channel}' does not exist on ${req.packageName}.`
        : `'${req.channel}' holds ${current}, which is neither the bad version ${bad} nor the restore version ${restore}: someone may have moved it already.`,
      `check ${settingName('rollback-version')} and ${settingName('channel')} (the tags are: ${Object.entries(
        state.distTags,
      )
        .map(([t, v]) => `${t}=${v}`)
        .join(', ')}), or ${setTo('force', 'true')} to point '${req.channel}' at ${restore} anyway.`,
    )
  }

  let deprecation: DeprecationAction = { kind: 'off' }
  if (req.deprecate) {
    // invariant: the message tells users to use `goal`, which must be a published version
    // that is not deprecated, or the fix-forward version this very plan publishes first
    // (the runner then checks it exists, in a fresh read, right before the deprecation)
    if (!republish && (!(goal in state.versions) || (state.versions[goal].deprecated && !req.force))) {
      throw new Error(
        `internal: the deprecation of ${bad} would name ${goal}, which ${goal in state.versions ? 'is deprecated' : 'does not exist'}.`,
      )
    }
    const message = renderDeprecationMessage(req.deprecationMessage, {
      version: bad,
      restore: goal,
      channel: req.channel,
      reason: req.reason,
    })
    const previous = state.versions[bad].deprecated
    // staged, the fix-forward version is not installable yet: the message names only live versions
    const whileStaged = republish
      ? renderDeprecationMessage(req.deprecationMessage, {
          version: bad,
          restore,
          channel: req.channel,
          reason: req.reason,
        })
      : undefined
    deprecation =
      previous === message
        ? { kind: 'already', message }
        : { kind: 'deprecate', message, previous, ...(whileStaged !== undefined ? { whileStaged } : {}) }
    if (previous && previous !== message && previous !== whileStaged) {
      warnings.push(`${bad} was already deprecated with a different message; it is replaced.`)
    }
  }

  const otherTagsOnBad = Object.entries(state.distTags)
    .filter(([t, v]) => v === bad && t !== req.channel)
    .map(([t]) => t)
  if (otherTagsOnBad.length > 0) {
    warnings.push(
      `Other dist-tags still point at the bad version ${bad}: ${otherTagsOnBad.join(', ')}. Roll those back too (one run per channel).`,
    )
  }

  return {
    packageName: req.packageName,
    channel: req.channel,
    rollbackVersion: bad,
    restoreVersion: restore,
    restoreChosen,
    previousVersion: current,
    tag,
    deprecation,
    otherTagsOnBad,
    warnings,
    incidentId: incidentId(req.packageName, req.channel, bad, restore),
    ...(republish ? { republish } : {}),
  }
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
  const bad = req.rollbackVersion
  const record = req.record
  if (!(bad in state.versions)) {
    // undo by incident-id: the versions came from the incident's record, not from the inputs
    if (record)
      throw new InputError(
        'incident-id',
        `names incident ${record.incidentId}, whose record has ${bad} as the bad version of ${req.packageName}, but ${req.packageName}@${bad} does not exist in the registry, so there is no rollback of it to undo.`,
        `check ${theSetting('incident-id')}: it must name the incident of the rollback you undo.`,
      )
    throw new InputError(
      'rollback-version',
      `${req.packageName}@${bad} does not exist in the registry, so there is no rollback of it to undo.`,
      `give the same ${settingName('rollback-version')} as the rollback you undo (or give its ${settingName('incident-id')} instead).`,
    )
  }
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
  // (a record of a staged fix: the channel was written the restore version, nothing republished live)
  const republish = wrote !== restored ? { version: wrote, from: restored } : undefined
  // where the incident found the channel: the record says (a forced rollback found something else); without one, the bad version
  const found = record ? record.previousVersion : bad
  const current = state.distTags[req.channel]
  const warnings: string[] = []
  let tag: TagAction
  if (found === undefined) {
    tag = current === undefined ? { kind: 'already', to: '(no such channel)' } : { kind: 'keep-newer', holder: current }
    if (current !== undefined)
      warnings.push(
        `undo: '${req.channel}' did not exist before the rollback (the incident record says so), and undo cannot remove a channel: it is left on ${current}. Remove it by hand if it should go.`,
      )
  } else if (current === found) tag = { kind: 'already', to: found }
  // the runner says it loudly when it writes (and the summary): the plan's warnings stay what a repeated undo sees too
  else if (current === wrote) tag = { kind: 'move', from: wrote, to: found }
  else {
    tag = { kind: 'keep-newer', holder: current ?? '(nothing)' }
    warnings.push(
      `undo: '${req.channel}' holds ${current ?? 'nothing'}, not ${wrote} (what the rollback wrote): someone moved it after the rollback, so it is left alone and not undone.`,
    )
  }
  if (republish)
    warnings.push(
      `undo: ${republish.version} (the republished fix-forward version) stays published: npm never reuses a version number; only '${req.channel}' is pointed back.`,
    )

  let deprecation: DeprecationAction = { kind: 'off' }
  if (req.deprecate) {
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
    } else if (!now || (before !== undefined && now === before)) deprecation = { kind: 'already', message }
    else if (now === message)
      deprecation =
        before !== undefined ? { kind: 'undeprecate', message, restoreTo: before } : { kind: 'undeprecate', message }
    else {
      deprecation = { kind: 'kept', message, current: now }
      warnings.push(
        `undo: ${bad} is deprecated with another message than the one this rollback wrote ("${now}"): a person changed it, so it is kept.`,
      )
    }
  }
  return {
    packageName: req.packageName,
    channel: req.channel,
    rollbackVersion: bad,
    restoreVersion: restored,
    restoreChosen: restoreChosen && !record,
    previousVersion: current,
    tag,
    deprecation,
    otherTagsOnBad: [],
    warnings,
    incidentId: record?.incidentId ?? incidentId(req.packageName, req.channel, bad, restored),
    ...(republish ? { republish } : {}),
    undo: true,
    ...(found !== undefined ? { foundVersion: found } : {}),
  }
}

/** True when the plan writes nothing. */
export function planIsNoop(plan: Plan): boolean {
  return plan.tag.kind !== 'move' && plan.deprecation.kind !== 'deprecate' && plan.deprecation.kind !== 'undeprecate'
}

/** The plan as lines a person reads (dry-run output, logs). */
export function describePlan(plan: Plan): string[] {
  if (plan.undo) return describeUndo(plan)
  const lines = [
    `Package ${plan.packageName}: roll back ${plan.rollbackVersion} to ${plan.restoreVersion}${plan.restoreChosen ? ' (last known good, chosen automatically)' : ''} on '${plan.channel}'.`,
  ]
  const t = plan.tag
  if (t.kind === 'move') lines.push(`- move dist-tag '${plan.channel}': ${t.from ?? '(none)'} -> ${t.to}`)
  if (t.kind === 'already') lines.push(`- dist-tag '${plan.channel}' already points at ${t.to}: no change`)
  if (t.kind === 'keep-newer') lines.push(`- dist-tag '${plan.channel}' holds the newer ${t.holder}: left as it is`)
  const d = plan.deprecation
  if (d.kind === 'deprecate') lines.push(`- deprecate ${plan.rollbackVersion}: "${d.message}"`)
  if (d.kind === 'already') lines.push(`- ${plan.rollbackVersion} is already deprecated with this message: no change`)
  if (d.kind === 'off') lines.push(`- deprecation is off (${setting('deprecate', 'false')})`)
  return lines
}

function describeUndo(plan: Plan): string[] {
  const wrote = plan.republish?.version ?? plan.restoreVersion
  const lines = [
    `Package ${plan.packageName}: undo the rollback of ${plan.rollbackVersion} to ${wrote} on '${plan.channel}'.`,
  ]
  const t = plan.tag
  const why =
    t.kind === 'move' && t.to === plan.rollbackVersion
      ? 'the bad version, as undo asks'
      : 'what it held when the incident found it'
  if (t.kind === 'move') lines.push(`- move dist-tag '${plan.channel}' back: ${wrote} -> ${t.to} (${why})`)
  if (t.kind === 'already') lines.push(`- dist-tag '${plan.channel}' already points at ${t.to}: no change`)
  if (t.kind === 'keep-newer') lines.push(`- dist-tag '${plan.channel}' holds ${t.holder}, not ${wrote}: left as it is`)
  if (plan.republish) lines.push(`- ${plan.republish.version} stays published (npm never reuses a version)`)
  const d = plan.deprecation
  if (d.kind === 'undeprecate')
    lines.push(
      d.restoreTo === undefined
        ? `- remove the deprecation of ${plan.rollbackVersion} ("${d.message}")`
        : `- put back the deprecation of ${plan.rollbackVersion} the rollback replaced ("${d.restoreTo}" instead of "${d.message}")`,
    )
  if (d.kind === 'already') lines.push(`- ${plan.rollbackVersion} is not deprecated by this tool: no change`)
  if (d.kind === 'kept') lines.push(`- ${plan.rollbackVersion} carries another deprecation ("${d.current}"): kept`)
  return lines
}

export type Gate =
  | {
      proceed: true
      rollbackVersion: string /** what the gate could not check, for the log and the record */
      warnings?: string[]
    }
  | { proceed: false; reason: string; holder?: string }

/** What identifies the release that failed (RollbackInputs carries these fields). */
export interface ReleaseGuard {
  /** ISO-8601: the version must have been published after this time (the release run's start) */
  publishedAfter?: string
  /** ISO-8601: ... and at or before this time (the release run's end) */
  publishedBefore?: string
  /** 40-hex, lower case: ... and built from this commit, when the version records one */
  releaseCommit?: string
  /** max-age: ... and published at most this many milliseconds before `now` */
  maxAgeMs?: number
  /**
   * require-holder: an exact rollback-version is rolled back only while the channel still
   * holds it; a channel that holds something else is a skip, not an error (an alert that
   * arrives after the channel moved on)
   */
  requireHolder?: boolean
  /** the clock max-age is measured against, in epoch milliseconds (default: Date.now()) */
  now?: number
}

/** A duration in Go's notation, for messages: 86400000 -> `24h`, 5400000 -> `1h30m`, 90000 -> `1m30s`. */
export function formatDuration(ms: number): string {
  const parts: string[] = []
  let rest = Math.max(0, Math.round(ms))
  for (const [unit, size] of [
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
    ['ms', 1],
  ] as const) {
    const n = Math.floor(rest / size)
    rest -= n * size
    if (n > 0) parts.push(`${n}${unit}`)
  }
  return parts.join('') || '0s'
}

/**
 * True when `at` (epoch ms) is at or before `publishedBefore`. A whole-second
 * `publishedBefore` is a truncated time (GitHub's updated_at): the run may have ended up to
 * a second later, so that second counts too.
 */
function inWindowEnd(at: number, publishedBefore: string): boolean {
  const end = Date.parse(publishedBefore)
  return end % 1000 === 0 ? at < end + 1000 : at <= end
}

/**
 * The other versions that could be the release that failed: the holder's line (stable, or
 * its prerelease id), published inside the window, not a republish, not the same image
 * (digest), and not provably from another commit (with release-commit: built from it, or
 * recording no commit).
 */
function otherCandidates(
  state: PackageState,
  version: string,
  info: VersionInfo,
  publishedAfter: string | undefined,
  publishedBefore: string | undefined,
  releaseCommit: string | undefined,
): string[] {
  const id = semver.valid(version) ? prereleaseId(version) : undefined
  return Object.entries(state.versions)
    .filter(([v, o]) => {
      if (v === version || semver.valid(v) === null || prereleaseId(v) !== id) return false
      if (o.republishOf !== undefined || (info.digest !== undefined && o.digest === info.digest)) return false
      const at = o.publishedAt === undefined ? NaN : Date.parse(o.publishedAt)
      if (Number.isNaN(at)) return false
      if (publishedAfter !== undefined && at <= Date.parse(publishedAfter)) return false
      if (publishedBefore !== undefined && !inWindowEnd(at, publishedBefore)) return false
      const commit = o.commit?.toLowerCase()
      return releaseCommit === undefined || commit === undefined || commit === releaseCommit
    })
    .map(([v]) => v)
    .sort(semver.compare)
}

/**
 * The circuit breaker for automation: resolves `current` to what the channel holds (a
 * version we republished stands for the bad one it replaced), then lets the rollback
 * proceed only when that version is the release that failed:
 *
 * - with `requireHolder`, an exact version only while the channel still holds it (checked
 *   first: a channel that moved on is a skip whatever else is asked);
 * - published after `publishedAfter` and at or before `publishedBefore` (each when given);
 * - built from `releaseCommit`, when given and the version records its commit; a version
 *   that records none is judged by the time window alone, and the gate says so in `warnings`;
 * - for `current` whose commit does not prove it (no release-commit, or the holder records
 *   none): the only version of its line published inside the window that could be the
 *   failed release; when another one could be (built from release-commit, or recording no
 *   commit), it is a skip naming them (two release runs overlapped);
 * - `publishedBefore` with whole seconds is a truncated time: the second after it counts;
 * - published at most `maxAgeMs` before `now` (an alert about an old version is no reason
 *   to roll it back automatically).
 *
 * Otherwise it returns `proceed: false` with the reason (nothing is rolled back; a re-run
 * after the rollback lands here too). The same checks guard an exact version when given.
 * A time window or a max-age on a version that records no publish time cannot be checked:
 * that is an InputError (naming rollback-version for `current`, else the input that cannot
 * be checked), never a skip that would repeat forever.
 *
 * `guard` may be the publishedAfter time alone (the older form). Pure: no I/O.
 */
export function circuitBreaker(
  state: PackageState,
  channel: string,
  requested: string,
  guard?: string | ReleaseGuard,
  more: ReleaseGuard = {},
): Gate {
  const g: ReleaseGuard = typeof guard === 'string' ? { ...more, publishedAfter: guard } : { ...more, ...guard }
  const { publishedAfter, publishedBefore, maxAgeMs } = g
  const requireHolder = g.requireHolder === true
  const releaseCommit = g.releaseCommit?.toLowerCase()
  const holder = state.distTags[channel]
  const current = requested === 'current'
  let version = requested
  if (current) {
    if (holder === undefined) {
      throw new InputError(
        'channel',
        `the dist-tag '${channel}' does not exist on ${state.name}, so there is no current version to roll back.`,
        `check ${theSetting('channel')}.`,
      )
    }
    // a version we republished stands for the bad one it replaced: never roll it back in turn
    version = state.versions[holder]?.republishOf ?? holder
  }
  if (
    publishedAfter === undefined &&
    publishedBefore === undefined &&
    releaseCommit === undefined &&
    maxAgeMs === undefined &&
    !requireHolder
  )
    return { proceed: true, rollbackVersion: version }
  if (!(version in state.versions)) return { proceed: true, rollbackVersion: version } // planning names the unknown version
  const info = state.versions[version]
  const subject = current ? `'${channel}' holds ${version}` : `${state.name}@${version}`
  const verdict = current
    ? 'it did not come from the release that failed, so nothing was rolled back.'
    : 'it is not the release named by the inputs, so nothing was rolled back.'
  const warnings: string[] = []

  // 0. the holder: the channel must still hold the version (a tag that does not exist is
  // left to planning, which names the channel: that is a wrong input, not a race)
  if (requireHolder && !current && holder !== undefined && holder !== version) {
    const republished = state.versions[holder]?.republishOf === version
    return {
      proceed: false,
      holder,
      reason: republished
        ? `'${channel}' holds ${holder}, the republish that replaced ${state.name}@${version} (${settingName('require-holder')}): it was rolled back already, so nothing was rolled back.`
        : `'${channel}' holds ${holder}, not ${state.name}@${version} (${settingName('require-holder')}): the channel has moved on since the request (rolled back, or a newer release), so nothing was rolled back.`,
    }
  }

  // 1. the commit: proof when the version records one
  if (releaseCommit !== undefined) {
    const commit = info.commit?.toLowerCase()
    if (commit !== undefined && commit !== releaseCommit) {
      return {
        proceed: false,
        holder,
        reason: `${subject}, built from commit ${commit}, not the release's commit ${releaseCommit} (${settingName('release-commit')}): ${verdict}`,
      }
    }
    if (commit === undefined) {
      warnings.push(
        publishedAfter === undefined && publishedBefore === undefined
          ? `${state.name}@${version} records no commit, so ${settingName('release-commit')} could not be compared; it is rolled back because ${settingName('rollback-version')} names it.`
          : `${state.name}@${version} records no commit, so ${settingName('release-commit')} could not be compared; it was identified by its publish time alone.`,
      )
    }
  }

  // 2. the time window. published-before is the failed run's updated_at, which GitHub
  // truncates to the second: a whole-second end admits the second after it (issue 24), and
  // there the commit check above has decided already (another commit was skipped)
  if (publishedAfter !== undefined || publishedBefore !== undefined) {
    const publishedAt = info.publishedAt
    const at = publishedAt === undefined ? NaN : Date.parse(publishedAt)
    if (publishedAt === undefined || Number.isNaN(at)) {
      if (current) {
        throw new InputError(
          'rollback-version',
          `is current, but the target records no publish time for ${state.name}@${version} (what '${channel}' holds), so it can never be shown to come from the release that failed.`,
          `give the exact version to roll back instead of current, once you have checked that ${version} is the bad one.`,
        )
      }
      const input = publishedAfter !== undefined ? 'published-after' : 'published-before'
      throw new InputError(
        input,
        `cannot be checked: the target records no publish time for ${state.name}@${version}.`,
        `${currentDialect() === 'action' ? 'leave' : 'leave out'} ${settingName('published-after')} and ${settingName('published-before')}${currentDialect() === 'action' ? ' empty' : ''} (${settingName('rollback-version')} already names the version${releaseCommit !== undefined ? `; ${settingName('release-commit')} still guards it` : ''}).`,
      )
    }
    if (publishedAfter !== undefined && at <= Date.parse(publishedAfter)) {
      return {
        proceed: false,
        holder,
        reason: `${subject}, published ${publishedAt}, which is not after ${publishedAfter}: ${verdict}`,
      }
    }
    if (publishedBefore !== undefined && !inWindowEnd(at, publishedBefore)) {
      return {
        proceed: false,
        holder,
        reason: `${subject}, published ${publishedAt}, which is after ${publishedBefore} (${settingName('published-before')}, the end of the release run): a later release published it; ${verdict}`,
      }
    }
    if (publishedBefore !== undefined && at > Date.parse(publishedBefore)) {
      const proven = releaseCommit !== undefined && info.commit?.toLowerCase() === releaseCommit
      if (!proven)
        warnings.push(
          `${state.name}@${version}, published ${publishedAt}, within the second after ${settingName('published-before')} ${publishedBefore} (GitHub's updated_at is truncated to the second): counted as inside the release run, on its publish time alone.`,
        )
    }
    // 2b. overlapping release runs (issue 24): a holder its commit does not prove is the
    // failed release only while nothing else published in the window could be it
    if (current && (releaseCommit === undefined || info.commit === undefined)) {
      const ambiguity = otherCandidates(state, version, info, publishedAfter, publishedBefore, releaseCommit)
      if (ambiguity.length > 0) {
        const how =
          info.commit === undefined
            ? 'records no commit'
            : `was built from ${info.commit}, but no ${settingName('release-commit')} was given to compare it with`
        const matched = ambiguity.find(
          (v) => releaseCommit !== undefined && state.versions[v].commit?.toLowerCase() === releaseCommit,
        )
        return {
          proceed: false,
          holder,
          reason:
            matched !== undefined
              ? `'${channel}' holds ${version}, which ${how}; ${state.name}@${matched}, published in the same window, was built from the release's commit ${releaseCommit} (${settingName('release-commit')}): that is the release that failed, and '${channel}' no longer holds it, so nothing was rolled back (${version} came from another release run, such as an overlapping fix). If ${matched} must be deprecated, roll it back by hand with ${setting('rollback-version', matched)}.`
              : `'${channel}' holds ${version}, which ${how}; ${ambiguity.join(', ')} ${ambiguity.length === 1 ? 'was' : 'were'} published in the same window too and could be the release that failed: the time window alone cannot tell which, so nothing was rolled back. Roll the bad one back by hand with an exact ${settingName('rollback-version')}.`,
        }
      }
    }
  }

  // 3. the age: only a recent version is rolled back automatically
  if (maxAgeMs !== undefined) {
    const publishedAt = info.publishedAt
    const at = publishedAt === undefined ? NaN : Date.parse(publishedAt)
    if (publishedAt === undefined || Number.isNaN(at)) {
      throw new InputError(
        current ? 'rollback-version' : 'max-age',
        current
          ? `is current, but the target records no publish time for ${state.name}@${version} (what '${channel}' holds), so ${settingName('max-age')} cannot be checked.`
          : `cannot be checked: the target records no publish time for ${state.name}@${version}, so it can never be shown to be younger than ${formatDuration(maxAgeMs)}.`,
        `roll ${version} back by hand, without ${settingName('max-age')}, once you have checked that it is the bad one.`,
      )
    }
    const now = g.now ?? Date.now()
    const age = now - at
    if (age > maxAgeMs) {
      return {
        proceed: false,
        holder,
        reason: `${subject}, published ${publishedAt}, ${formatDuration(age < 1000 ? age : Math.floor(age / 1000) * 1000)} before ${new Date(now).toISOString()}: older than ${settingName('max-age')} ${formatDuration(maxAgeMs)}, so nothing was rolled back automatically. If it must go, roll it back by hand without ${settingName('max-age')}.`,
      }
    }
  }
  return warnings.length > 0
    ? { proceed: true, rollbackVersion: version, warnings }
    : { proceed: true, rollbackVersion: version }
}

/**
 * The version a fix-forward republish gets: the next one above the bad version on the
 * same line, so that every range that let the bad version in (`^1.2.0`, `~1.2.3`,
 * `>=1.2.3`) prefers it, and bots that only propose upgrades (Renovate, Dependabot) move onto it.
 *
 * - a stable bad version gets the next patch: `1.2.3` -> `1.2.4`;
 * - a prerelease gets the next prerelease of the same line: `2.0.0-beta.3` ->
 *   `2.0.0-beta.4`, `2.0.0-rc` -> `2.0.0-rc.0` (semver's `prerelease` increment; it never
 *   leaves the prerelease line, so `2.0.0` itself stays free for the real release).
 *
 * Build metadata is dropped (`1.2.3+build.5` -> `1.2.4`). Throws on an invalid version.
 */
export function fixForwardVersion(bad: string): string {
  const parsed = semver.parse(bad)
  if (!parsed)
    throw new InputError(
      'rollback-version',
      `'${bad}' is not a valid semver version.`,
      'give the exact version to roll back, such as 1.2.3.',
    )
  const next =
    parsed.prerelease.length > 0 ? semver.inc(parsed.version, 'prerelease') : semver.inc(parsed.version, 'patch')
  if (!next)
    throw new InputError(
      'rollback-version',
      `cannot compute the version after '${bad}'.`,
      'give a valid semver version.',
    )
  return next
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1)
