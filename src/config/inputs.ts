// The rollback's inputs, read and checked before anything touches a registry: the versions,
// the circuit breakers, the mode (drill, undo, hand-off), and, through the kinds registry,
// the targets and each kind's own part (src/targets/<kind>/config.ts). readRequest
// (./request.ts) reads this and everything else an entry needs, once.
import { InputError } from '../core/errors.js'
import type { InputReader } from '../core/reader.js'
import type { RollbackInputs, UndoById } from '../core/request.js'
import { currentDialect, setTo, setting, settingName } from '../core/settings.js'
import { KINDS, kindOf } from '../targets/registry.js'
import {
  parseBoolean,
  parseCommit,
  parseDeprecationMessage,
  parseIncidentId,
  parseMaxAge,
  parsePublishedAfter,
  parseReason,
  parseVersion,
} from './parse.js'
import {
  DEFAULT_KIND,
  mainKind,
  parseStrategy,
  parseTarget,
  readChannel,
  readNamed,
  readTargets,
  SHORTHAND,
  targetsFrom,
} from './targets.js'

// the template lives in the core (the planner fills it); re-exported for the callers that import it from here
export { DEFAULT_DEPRECATION_MESSAGE, renderDeprecationMessage } from '../core/deprecation.js'
export type { NpmRequest, RollbackInputs, SharedRequest, TargetSpec, UndoById } from '../core/request.js'
/** Reads one input by its action.yml name (each adapter's config parser takes one too). */
export type { InputReader } from '../core/reader.js'
export { MAX_TARGETS, TARGET_KINDS, parseTargets, type TargetSpecKind } from '../targets/spec.js'
// the npm kind's own parsers, for the callers that import them from here
export {
  DEFAULT_REGISTRY,
  packageNameFromWorkspace,
  parseChannel,
  parsePackageName,
  parseRegistry,
  requireNpmToken,
  workspacePackages,
} from '../targets/npm/config.js'
export * from './parse.js'
export { mainKind, parseStrategy, parseTarget, readTargets, TARGETS, targetsFrom } from './targets.js'
export { type GitHubInputs, readGitHubInputs } from './github.js'

/**
 * freeze-check: true - the action only checks the release freeze (src/freeze.ts reads its
 * own inputs), so none of the rollback's inputs, rollback-version and reason among them,
 * is required then: readInputs is not called.
 */
export function isFreezeCheck(get: InputReader): boolean {
  return parseBoolean('freeze-check', get('freeze-check'), false)
}

const leaveOut = (input: string, empty: string) =>
  currentDialect() === 'action' ? empty : `leave out ${settingName(input)}`

/** drill, undo and incident-id: the modes that change what the other inputs mean. */
function readMode(get: InputReader): { drill: boolean; undo: boolean; incidentId?: string } {
  // drill: prove a rollback would work, write nothing anyone installs; the usual form is
  // rollback-version: current (the default in a drill), with no release to identify
  const drill = parseBoolean('drill', get('drill'), false)
  const undo = parseBoolean('undo', get('undo'), false)
  // undo by incident id: the record names the targets and versions (read before planning)
  const incidentId = parseIncidentId('incident-id', get('incident-id'))
  if (incidentId !== undefined && !undo) {
    throw new InputError(
      'incident-id',
      `is set without ${settingName('undo')}: it names the rollback an undo reverses.`,
      `${setTo('undo', 'true')} to undo that incident, or ${leaveOut('incident-id', 'leave incident-id empty')} (a rollback is named by its versions and targets).`,
    )
  }
  if (incidentId !== undefined && drill)
    throw new InputError(
      'incident-id',
      `is set together with ${setting('drill', 'true')}.`,
      `a drill undoes nothing: ${leaveOut('incident-id', 'leave incident-id empty')}.`,
    )
  return { drill, undo, incidentId }
}

type Versions = Pick<
  RollbackInputs,
  'rollbackVersion' | 'publishedAfter' | 'publishedBefore' | 'releaseCommit' | 'maxAgeMs' | 'restoreVersion'
> & { requireHolder: boolean }

/** The bad version, the release's identity (its times and commit), the circuit breakers, and the restore version. */
function readVersions(get: InputReader, drill: boolean, byId: boolean): Versions {
  const rollbackRaw = get('rollback-version') || (drill ? 'current' : '')
  if (rollbackRaw.trim() === '' && !byId) {
    throw new InputError('rollback-version', 'is required.', 'give the bad version, such as 1.2.3.')
  }
  const current = rollbackRaw.trim().toLowerCase() === 'current'
  const rollbackVersion = current
    ? 'current'
    : rollbackRaw.trim() === ''
      ? ''
      : parseVersion('rollback-version', rollbackRaw)
  const publishedAfter = parsePublishedAfter('published-after', get('published-after'))
  if (current && publishedAfter === undefined && !drill) {
    throw new InputError(
      'published-after',
      `is required with ${setting('rollback-version', 'current')}.`,
      "pass the time the release started (such as the failed run's run_started_at): without it a re-run would roll back the restored version too.",
    )
  }
  // the release's identity: they guard an exact version as well as `current`
  const publishedBefore = parsePublishedAfter('published-before', get('published-before'))
  if (
    publishedAfter !== undefined &&
    publishedBefore !== undefined &&
    Date.parse(publishedBefore) <= Date.parse(publishedAfter)
  ) {
    throw new InputError(
      'published-before',
      `is not after ${settingName('published-after')} (${publishedBefore} <= ${publishedAfter}).`,
      `pass the time the release run ended (the failed run's updated_at) as ${settingName('published-before')}, and the time it started (run_started_at) as ${settingName('published-after')}.`,
    )
  }
  const releaseCommit = parseCommit('release-commit', get('release-commit'))
  const maxAgeMs = parseMaxAge('max-age', get('max-age'))
  const requireHolder = parseBoolean('require-holder', get('require-holder'), false)
  const restoreRaw = get('restore-version')
  const restoreVersion = restoreRaw.trim() === '' ? undefined : parseVersion('restore-version', restoreRaw)
  if (restoreVersion === rollbackVersion) {
    throw new InputError(
      'restore-version',
      `is the same as ${settingName('rollback-version')} (${rollbackVersion}).`,
      `give the good version to restore, or ${leaveOut('restore-version', 'leave it empty')} to pick the last known good one.`,
    )
  }
  return { rollbackVersion, publishedAfter, publishedBefore, releaseCommit, maxAgeMs, requireHolder, restoreVersion }
}

/** dry-run and handoff, and the modes they cannot go with. */
function readRunKind(
  get: InputReader,
  mode: { drill: boolean; undo: boolean },
  rollbackVersion: string,
): { dryRun: boolean; handoff: boolean } {
  const { drill, undo } = mode
  const dryRun = parseBoolean('dry-run', get('dry-run'), false)
  // hand the writes to a maintainer (src/handoff.ts): no npm token is needed to read and plan
  const handoff = parseBoolean('handoff', get('handoff'), false)
  if (handoff && (undo || drill || dryRun))
    throw new InputError(
      'handoff',
      `is set together with ${setting(undo ? 'undo' : drill ? 'drill' : 'dry-run', 'true')}.`,
      'a hand-off plans a rollback for a maintainer to finish: leave handoff at false for an undo, a drill or a dry run.',
    )
  if (drill && dryRun)
    throw new InputError(
      'drill',
      `and ${settingName('dry-run')} are both ${currentDialect() === 'action' ? 'true' : 'given'}.`,
      `a drill writes nothing anyone installs already (it needs the token to prove the write): ${setTo('dry-run', 'false')}.`,
    )
  if (undo && rollbackVersion === 'current') {
    throw new InputError(
      'rollback-version',
      'is current, but undo needs the exact bad version: after the rollback the channel no longer holds it.',
      `give the same exact ${settingName('rollback-version')} (and ${settingName('restore-version')}) as the rollback you undo.`,
    )
  }
  return { dryRun, handoff }
}

/** force against require-holder, and the strategy (republish only where the main kind can). */
function readWriteChoices(
  get: InputReader,
  requireHolder: boolean,
  target: string | undefined,
): { force: boolean; strategy: 'retag' | 'republish'; republishStage: boolean } {
  const force = parseBoolean('force', get('force'), false)
  if (requireHolder && force) {
    throw new InputError(
      'require-holder',
      currentDialect() === 'action'
        ? 'is true together with force: true, which moves the channel whatever it holds.'
        : 'is given together with --force, which moves the channel whatever it holds.',
      `use one of them: ${settingName('require-holder')} (automation: skip when the channel moved on) or ${settingName('force')} (by hand: move it anyway).`,
    )
  }
  const strategy = parseStrategy('strategy', get('strategy'), target)
  const republishStage = parseBoolean('republish-stage', get('republish-stage'), false)
  if (republishStage && strategy !== 'republish')
    throw new InputError(
      'republish-stage',
      `is true, but ${settingName('strategy')} is ${strategy}: only a republish publishes (and so stages) a version.`,
      `${setTo('strategy', 'republish')}, or leave ${settingName('republish-stage')} at false.`,
    )
  return { force, strategy, republishStage }
}

/**
 * Every kind's own part of the request (the npm kind's: the registry and the credential), by
 * kind, in the registry's order. `present`: the incident has targets of the kind; `maybe`: or may have.
 */
function readKindParts(
  get: InputReader,
  env: NodeJS.ProcessEnv,
  kinds: ReadonlySet<string>,
  ctx: { unnamed: boolean; dryRun: boolean; handoff: boolean },
): Record<string, object> {
  const parts: Record<string, object> = {}
  for (const k of KINDS) {
    const present = kinds.has(k.name)
    const part = k.settings?.readRequest?.(get, env, { ...ctx, present, maybe: present || ctx.unnamed })
    if (part) parts[k.name] = part
  }
  return parts
}

/**
 * Parses and validates every input before anything touches a registry.
 * `env` supplies the workspace folder and the NODE_AUTH_TOKEN fallback (what
 * actions/setup-node users already have).
 */
export function readInputs(get: InputReader, env: NodeJS.ProcessEnv = process.env): RollbackInputs {
  return readRollback(get, env).flat
}

/**
 * readInputs, with each kind's own part apart (`parts`, by kind name: the npm kind's registry
 * and credential) and the kinds the incident names (none for an undo by incident id that
 * names none). `flat` is the flat form the modules still take: the shared fields and every part.
 */
export function readRollback(
  get: InputReader,
  env: NodeJS.ProcessEnv = process.env,
): { flat: RollbackInputs; parts: Record<string, object>; kinds: ReadonlySet<string> } {
  const { drill, undo, incidentId } = readMode(get)
  const byId = incidentId !== undefined
  const versions = readVersions(get, drill, byId)
  const targets = readTargets(get)
  // by incident id with no target named: the record names them (and their kinds). The
  // runner passes action.yml's defaults (target npm, channel latest, strategy retag) as if
  // given, so a default counts as not given
  const namedTargets =
    targets !== undefined ||
    SHORTHAND.some((name) => get(name).trim() !== '') ||
    !['', DEFAULT_KIND].includes(get('target').trim().toLowerCase())
  const unnamed = byId && !namedTargets
  const kinds = new Set(targets ? targets.map((t) => t.kind) : [parseTarget('target', get('target'))])
  if (unnamed) kinds.clear()
  // one kind: that kind; several (the targets input): the first in the registry's order, so its inputs apply
  const target = mainKind(kinds)
  const channel = readChannel(get, kinds, target)
  // by incident id, an empty reason is the rollback's (from the record)
  const reason =
    byId && get('reason').trim() === '' ? '' : parseReason('reason', get('reason') || (drill ? 'rollback drill' : ''))
  // what is rolled back: the npm package(s), the image, or the Helm release
  const { packageName, packageNames, fromWorkspaces } = readNamed(get, env, targets, target, unnamed)
  const { dryRun, handoff } = readRunKind(get, { drill, undo }, versions.rollbackVersion)
  const parts = readKindParts(get, env, kinds, { unnamed, dryRun, handoff })
  const { force, strategy, republishStage } = readWriteChoices(get, versions.requireHolder, target)
  const { rollbackVersion, restoreVersion } = versions
  const undoById: UndoById | undefined = incidentId
    ? {
        incidentId,
        given: {
          ...(rollbackVersion !== '' ? { rollbackVersion } : {}),
          ...(restoreVersion !== undefined ? { restoreVersion } : {}),
          ...(!['', 'latest'].includes(get('channel').trim()) ? { channel } : {}),
          ...(strategy !== 'retag' ? { strategy } : {}),
          ...(namedTargets
            ? {
                targets: {
                  input: targets ? 'targets' : (SHORTHAND.find((n) => get(n).trim() !== '') ?? 'package'),
                  targets: targetsFrom({ targets, target, packageName, packageNames }, get),
                },
              }
            : {}),
        },
      }
    : undefined
  // only kinds that can retire a version deprecate it (container tags and Helm releases have no deprecation)
  const retires = unnamed || [...kinds].some((k) => kindOf(k).capabilities.retire)
  const flat: RollbackInputs = {
    target,
    targets,
    packageNames: packageNames && packageNames.length > 0 ? packageNames : [packageName],
    fromWorkspaces,
    partialOk: parseBoolean('partial-ok', get('partial-ok'), true),
    strategy,
    ...(republishStage ? { republishStage } : {}),
    ...versions,
    channel,
    reason,
    packageName,
    registry: '',
    ...Object.assign({}, ...Object.values(parts)),
    deprecate: retires && parseBoolean('deprecate', get('deprecate'), true),
    deprecationMessage: parseDeprecationMessage('deprecation-message', get('deprecation-message')),
    dryRun,
    ...(drill ? { drill } : {}),
    force,
    ...(undo ? { undo } : {}),
    ...(undoById ? { undoById } : {}),
    ...(handoff ? { handoff } : {}),
  }
  return { flat, parts, kinds }
}
