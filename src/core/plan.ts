// The pure core: from the registry's state and the request, decide what to do.
// No I/O and no @actions/* here, so every branch of the guard is a plain unit test.
// The planner lives in a few files: the types (plan-types.ts), the versions' order
// (plan-versions.ts), the undo (plan-undo.ts), the description (plan-describe.ts) and the
// circuit breakers (guards/, one file each); this module plans the rollback and exports them all.
import semver from 'semver'
import { renderDeprecationMessage } from './deprecation.js'
import { InputError } from './errors.js'
import { incidentId } from './incident-id.js'
import {
  DEFAULT_PLAN_WORDS,
  type DeprecationAction,
  type PackageState,
  type Plan,
  type PlanRequest,
  type PlanWords,
  type TagAction,
} from './plan-types.js'
import { byHistory, fixForwardVersion, lastKnownGood, prereleaseId } from './plan-versions.js'
import { setTo, setting, settingName } from './settings.js'

export * from './plan-types.js'
export { describePlan } from './plan-describe.js'
export { planUndo } from './plan-undo.js'
export { fixForwardVersion, lastKnownGood } from './plan-versions.js'
export { incidentId } from './incident-id.js'
export { circuitBreaker, formatDuration } from './guards/index.js'

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1)

/** The newest published versions, for a message that asks for a published one. */
const newest = (state: PackageState): string =>
  Object.keys(state.versions)
    .filter((k) => semver.valid(k))
    .sort(semver.rcompare)
    .slice(0, 5)
    .join(', ') || 'none'

/** The restore version, and whether the planner chose it (restore-version empty). */
interface Restore {
  restore: string
  restoreChosen: boolean
}

/** restore-version empty: the last known good version, or an InputError saying why there is none. */
function chooseRestore(req: PlanRequest, state: PackageState): Restore {
  const bad = req.rollbackVersion
  const failedCommit = req.releaseCommit?.toLowerCase()
  const restore = lastKnownGood(state, bad, req.channel, failedCommit)
  if (restore === undefined) {
    const line =
      req.channel !== 'latest' && prereleaseId(bad) !== undefined ? `'${prereleaseId(bad)}' prerelease` : 'stable'
    throw new InputError(
      'restore-version',
      `is empty and ${req.packageName} has no non-deprecated ${line} version ${byHistory(state, bad) ? 'published before' : 'below'} ${bad}${failedCommit !== undefined ? ` and not built from the release's commit ${failedCommit} (${settingName('release-commit')})` : ''} to restore.`,
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
  return { restore, restoreChosen: true }
}

/** restore-version given: it must exist, not carry the failed release's code, and (unless forced) be good and lower. */
function checkRestore(req: PlanRequest, state: PackageState, restore: string): Restore {
  const bad = req.rollbackVersion
  const failedCommit = req.releaseCommit?.toLowerCase()
  if (!(restore in state.versions)) {
    throw new InputError(
      'restore-version',
      `${req.packageName}@${restore} does not exist in the registry.`,
      `give a published version (the newest are: ${newest(state)}), or leave it empty to pick the last known good one.`,
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
  return { restore, restoreChosen: false }
}

/** What the rollback points the channel at: `goal`, the restore version or the fix-forward version carrying its code. */
interface Goal {
  restore: string
  goal: string
  current?: string
  republish?: Plan['republish']
}

/** The channel's move: to the goal, already there, or left on a newer fix; anything else is an InputError unless forced. */
function planTag(req: PlanRequest, state: PackageState, g: Goal, words: PlanWords, warnings: string[]): TagAction {
  const bad = req.rollbackVersion
  const { restore, goal, current, republish } = g
  if (republish && current === republish.version && state.versions[current]?.republishOf === bad)
    return { kind: 'already', to: current }
  if (current === restore && !republish) return { kind: 'already', to: restore }
  // republish and the channel on the restore version: an earlier run staged the fix-forward version and
  // moved the channel to the restore version meanwhile (or a retag did): the channel goes on to the fix once it is live
  if ((republish && current === restore) || current === bad) return { kind: 'move', from: current, to: goal }
  if (current !== undefined && semver.valid(current) && semver.gt(current, bad) && !req.force) {
    warnings.push(
      `'${req.channel}' already holds ${current}, newer than the bad ${bad} (a fix was published): it is left where it is. ${capital(setTo('force', 'true'))} to move it back anyway.`,
    )
    return { kind: 'keep-newer', holder: current }
  }
  if (req.force) {
    warnings.push(
      `${settingName('force')}: '${req.channel}' held ${current ?? 'nothing'}, not the bad version ${bad}; moving it to ${restore} anyway.`,
    )
    return { kind: 'move', from: current, to: goal }
  }
  throw new InputError(
    'channel',
    current === undefined
      ? `the ${words.channel} '${req.channel}' does not exist on ${req.packageName}.`
      : `'${req.channel}' holds ${current}, which is neither the bad version ${bad} nor the restore version ${restore}: someone may have moved it already.`,
    `check ${settingName('rollback-version')} and ${settingName('channel')} (the tags are: ${Object.entries(
      state.distTags,
    )
      .map(([t, v]) => `${t}=${v}`)
      .join(', ')}), or ${setTo('force', 'true')} to point '${req.channel}' at ${restore} anyway.`,
  )
}

/** The bad version's deprecation, naming the goal (while a fix-forward version is staged: the restore version). */
function planDeprecation(req: PlanRequest, state: PackageState, g: Goal, warnings: string[]): DeprecationAction {
  if (!req.deprecate) return { kind: 'off' }
  const bad = req.rollbackVersion
  const { restore, goal, republish } = g
  // invariant: the message tells users to use `goal`, which must be a published version
  // that is not deprecated, or the fix-forward version this very plan publishes first
  // (the runner then checks it exists, in a fresh read, right before the deprecation)
  if (!republish && (!(goal in state.versions) || (state.versions[goal].deprecated && !req.force))) {
    throw new Error(
      `internal: the deprecation of ${bad} would name ${goal}, which ${goal in state.versions ? 'is deprecated' : 'does not exist'}.`,
    )
  }
  const render = (to: string) =>
    renderDeprecationMessage(req.deprecationMessage, {
      version: bad,
      restore: to,
      channel: req.channel,
      reason: req.reason,
    })
  const message = render(goal)
  const previous = state.versions[bad].deprecated
  // staged, the fix-forward version is not installable yet: the message names only live versions
  const whileStaged = republish ? render(restore) : undefined
  if (previous && previous !== message && previous !== whileStaged) {
    warnings.push(`${bad} was already deprecated with a different message; it is replaced.`)
  }
  return previous === message
    ? { kind: 'already', message }
    : { kind: 'deprecate', message, previous, ...(whileStaged !== undefined ? { whileStaged } : {}) }
}

/** The other channels that still hold the bad version: one run per channel, so the plan warns. */
function otherChannelsOnBad(req: PlanRequest, state: PackageState, words: PlanWords, warnings: string[]): string[] {
  const bad = req.rollbackVersion
  const others = Object.entries(state.distTags)
    .filter(([t, v]) => v === bad && t !== req.channel)
    .map(([t]) => t)
  if (others.length > 0) {
    warnings.push(
      `Other ${words.channel}s still point at the bad version ${bad}: ${others.join(', ')}. Roll those back too (one run per channel).`,
    )
  }
  return others
}

/**
 * The rollback's plan: the bad version must exist; the restore version is given (and
 * checked) or chosen (the last known good one); the channel moves to it, or to the
 * fix-forward version that carries its code (strategy republish), only while it holds the
 * bad version (or with force); the bad version is deprecated naming it. `req.words` are the
 * kind's, for the messages. Pure: no I/O.
 */
export function planRollback(req: PlanRequest, state: PackageState): Plan {
  const bad = req.rollbackVersion
  const words = req.words ?? DEFAULT_PLAN_WORDS
  if (!(bad in state.versions)) {
    throw new InputError(
      'rollback-version',
      `${req.packageName}@${bad} does not exist in the registry.`,
      `give a published version (the newest are: ${newest(state)}).`,
    )
  }
  const warnings: string[] = []
  const { restore, restoreChosen } =
    req.restoreVersion === undefined ? chooseRestore(req, state) : checkRestore(req, state, req.restoreVersion)
  const current = state.distTags[req.channel]
  // republish: the channel's goal is the fix-forward version carrying the restore version's code
  const republish =
    req.strategy === 'republish'
      ? { version: fixForwardVersion(bad), from: restore, ...(req.republishStage ? { stage: true } : {}) }
      : undefined
  const goal: Goal = { restore, goal: republish?.version ?? restore, current, republish }
  const tag = planTag(req, state, goal, words, warnings)
  const deprecation = planDeprecation(req, state, goal, warnings)
  const otherTagsOnBad = otherChannelsOnBad(req, state, words, warnings)
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

/** True when the plan writes nothing. */
export function planIsNoop(plan: Plan): boolean {
  return plan.tag.kind !== 'move' && plan.deprecation.kind !== 'deprecate' && plan.deprecation.kind !== 'undeprecate'
}
