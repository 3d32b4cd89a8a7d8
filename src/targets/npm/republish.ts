// Fix-forward republish: a new patch above the bad version that carries the restore
// version's code. Moving a dist-tag back does not reach Yarn Berry (it ignores `latest`)
// nor anyone whose lockfile or updater already took the bad version (updaters never
// downgrade); a higher version with the good code does.
//
// The pure part (fixForwardVersion, noteOf, rewriteTarball) does no network I/O; the I/O
// part (republish) talks to the registry through npm-registry-fetch and libnpmpublish by
// way of RegistryClient (npm-fetch.ts), as NpmTarget does: the token is scoped to the
// registry and never follows a redirect to another origin. No @actions/* here.
import semver from 'semver'
import ssri from 'ssri'
import { InputError, RegistryError, RollbackError } from '../../core/errors.js'
import { guardedWrite } from '../../core/guard.js'
import { DEFAULT_RETRY, statusOf, withRetry, type Logger, type RetryPolicy } from '../../core/retry.js'
import { escapePackageName, RegistryClient } from './fetch.js'
import { fixForwardVersion } from '../../core/plan.js'
import { NOTE_KEY, noteOf, type RepublishNote } from './republish-note.js'
import { currentDialect, setting } from '../../core/settings.js'
import { rewriteTarball, type RewrittenTarball } from './tarball.js'
import { approveCommand, asksForStaging, listStaged, stagedNote } from './stage.js'
import { expectedIntegrity, explainError } from './republish-errors.js'

export { fixForwardVersion, rewriteTarball, type RewrittenTarball }
export { NOTE_KEY, noteOf, type RepublishNote }

// ---------------------------------------------------------------------------------------
// The I/O part

export interface RepublishOptions {
  packageName: string
  /** with a trailing slash */
  registry: string
  token?: string
  /** the dist-tag the republished version is published under */
  channel: string
  /** the bad version */
  bad: string
  /** the version whose code is republished */
  restore: string
  /** plan.incidentId */
  incidentId: string
  /**
   * What the plan saw the channel hold (the publish moves it): the publish is written
   * only while a fresh read still shows it there (or the version already published by
   * this rollback).
   */
  expected?: string
  log: Logger
  retry?: RetryPolicy
  /** per request, ms (tarball transfers get at least two minutes) */
  timeoutMs?: number
  userAgent?: string
  /** the registry has answered earlier in this run: a refused connection is then an outage, retried */
  registryAnswered?: boolean
  /** the command line's second factor (src/targets/npm/two-factor.ts): a publish refused for want of one waits for the person */
  secondFactor?: import('./two-factor.js').SecondFactor
  /** republish-stage: stage the fix-forward version (npm stage publish) instead of publishing it */
  stage?: boolean
  /** the token is trusted publishing's (OIDC): it may stage, but the run cannot then move the channel back */
  oidc?: boolean
  /** with oidc: the caller moves the channel and deprecates with another credential */
  mayStageWithOidc?: boolean
}

export interface RepublishResult {
  /** the fix-forward version (fixForwardVersion(bad)) */
  version: string
  /** published now, or found from an earlier run of the same rollback; staged: waiting for a maintainer's approval */
  outcome: 'published' | 'already' | 'staged'
  /** the republished tarball's integrity, as the registry serves it */
  integrity: string
  /** what the channel's dist-tag holds after the run (the caller moves it when it is not `version`) */
  channelHolds?: string
  /** staged: npm's stage id (npm stage approve <id>) */
  stageId?: string
  /** staged by an earlier run of the same rollback: nothing was staged now */
  waiting?: boolean
}

interface VersionManifest {
  name?: unknown
  version?: unknown
  deprecated?: unknown
  gitHead?: unknown
  dist?: { integrity?: unknown; shasum?: unknown; tarball?: unknown }
  [key: string]: unknown
}

interface Packument {
  name?: string
  'dist-tags'?: Record<string, string>
  versions?: Record<string, VersionManifest>
  time?: Record<string, unknown>
}

/** What one republish run shares between its steps. */
interface Run {
  opts: RepublishOptions
  client: RegistryClient
  policy: RetryPolicy
  fix: string
  readPackument: () => Promise<Packument>
  download: (version: string, manifest: VersionManifest) => Promise<{ data: Buffer; integrity: string }>
  explain: (e: unknown, what: string) => RollbackError
}

/** The registry refused the direct publish and asks for staging (asksForStaging). */
class StageRequired extends RollbackError {
  constructor() {
    super('the registry asks for a staged publish')
    this.name = 'StageRequired'
  }
}

/**
 * Publishes the restore version's code as the fix-forward version (see fixForwardVersion)
 * under the channel's dist-tag, with a RepublishNote in its package.json:
 *
 * 1. reads the packument fresh; when the fix-forward version exists and carries our note
 *    for the same bad/restore pair, returns `already` (nothing is written; the channel is
 *    left to the caller and reported in `channelHolds`); when it exists otherwise, throws;
 * 2. when it is staged already by this rollback (a re-run before the approval), returns
 *    `staged` with its stage id: nothing is staged twice;
 * 3. downloads the restore version's tarball (the token goes only to the registry's
 *    origin) and checks it against `dist.integrity` / `dist.shasum`;
 * 4. rewrites package.json inside it (version, note) and keeps every other file as is;
 * 5. publishes with libnpmpublish, `defaultTag` = the channel, guarded, decided from a
 *    read-back; or, with `stage` or when the registry answers E_STAGE_REQUIRED, stages it
 *    (npm stage publish) and returns `staged`: the caller then points the channel at the
 *    restore version, and a re-run after the approval finds the version live;
 * 6. downloads the published tarball and checks it against the registry's integrity.
 *
 * Refuses to run when the channel holds a version above the fix-forward version (the
 * publish would move it backwards). Never logs or throws the token.
 */
export async function republish(opts: RepublishOptions): Promise<RepublishResult> {
  const { restore } = opts
  if (!semver.valid(restore))
    throw new InputError(
      'restore-version',
      `'${restore}' is not a valid semver version.`,
      'give the exact version to restore, such as 1.2.2.',
    )
  const run = startRun(opts)
  const before = await run.readPackument()
  const versions = before.versions ?? {}
  if (!versions[opts.bad]) {
    throw new InputError(
      'rollback-version',
      `${opts.packageName}@${opts.bad} does not exist in the registry.`,
      'give a published version.',
    )
  }
  if (versions[run.fix]) return existingFix(run, before)
  checkChannel(run, before)
  // a re-run (the channel on the restore version) or staging asked: it may be staged already
  if (opts.stage || opts.expected === restore) {
    const waiting = await stagedByUs(run)
    if (waiting) return waiting
  }
  const built = await buildFix(run, versions)
  if (!opts.stage) {
    try {
      return await publishFix(run, built, before)
    } catch (e) {
      if (!(e instanceof StageRequired)) throw e
      opts.log.info(
        `${opts.registry} refused a direct publish of ${opts.packageName}@${run.fix} and asks for a staged one (E_STAGE_REQUIRED): staging it.`,
      )
    }
  }
  return stageFix(run, built)
}

function startRun(opts: RepublishOptions): Run {
  const { packageName, registry, log } = opts
  const policy = opts.retry ?? DEFAULT_RETRY
  const escaped = escapePackageName(packageName)
  // the token is scoped to the registry and stays on its origin (scheme, host and port)
  const client = new RegistryClient({
    registry,
    token: opts.token,
    timeoutMs: opts.timeoutMs,
    userAgent: opts.userAgent,
    answered: opts.registryAnswered,
    secondFactor: opts.secondFactor,
  })
  const explain = (e: unknown, what: string) => explainError(e, what, packageName, registry)
  const readPackument = (): Promise<Packument> =>
    withRetry(
      `reading ${packageName}`,
      () => client.json<Packument>(`/${escaped}?write=true`, 'view'),
      policy,
      log,
    ).catch((e) => {
      if (statusOf(e) === 404) {
        throw new InputError(
          'package',
          `${packageName} was not found on ${registry} (404).`,
          `check ${currentDialect() === 'action' ? 'the package and registry inputs' : '--package and --registry'} (a private package also needs a token that can read it).`,
        )
      }
      throw explain(e, 'Reading')
    })
  const run: Run = {
    opts,
    client,
    policy,
    fix: fixForwardVersion(opts.bad),
    readPackument,
    download: (version, manifest) => download(run, version, manifest),
    explain,
  }
  return run
}

async function download(
  run: Run,
  version: string,
  manifest: VersionManifest,
): Promise<{ data: Buffer; integrity: string }> {
  const { packageName, log } = run.opts
  const dist = manifest.dist ?? {}
  const url = typeof dist.tarball === 'string' ? dist.tarball : undefined
  if (!url || !/^https?:\/\//i.test(url)) {
    throw new RegistryError(
      `${packageName}@${version} has no usable tarball URL in the registry (${JSON.stringify(dist.tarball ?? null)}).`,
      `check the registry; use ${setting('strategy', 'retag')} meanwhile.`,
    )
  }
  const expected = expectedIntegrity(dist)
  if (!expected) {
    throw new RegistryError(
      `${packageName}@${version} has neither dist.integrity nor dist.shasum in the registry: its tarball cannot be verified.`,
      `use ${setting('strategy', 'retag')} for this version.`,
    )
  }
  const data = await withRetry(
    `downloading ${packageName}@${version}`,
    // a full URL: the token goes with it only on the registry's origin, never to another
    // origin the URL or a redirect names (the bytes are checked against the integrity below)
    () => run.client.download(url, `The tarball of ${packageName}@${version}`),
    run.policy,
    log,
  ).catch((e) => {
    throw run.explain(e, 'Downloading the tarball of')
  })
  if (!ssri.checkData(data, expected)) {
    const got = ssri.fromData(data, { algorithms: [ssri.parse(expected, { single: true }).algorithm] }).toString()
    throw new RegistryError(
      `The tarball of ${packageName}@${version} (${url}) does not match the integrity the registry gives for it: expected ${expected}, got ${got}. Nothing was published.`,
      'the download was altered on the way (a proxy or mirror?) or the registry is inconsistent; check the registry and re-run.',
    )
  }
  return { data, integrity: ssri.fromData(data, { algorithms: ['sha512'] }).toString() }
}

/** The fix-forward version exists: ours for the same pair (`already`), else an error. */
async function existingFix(run: Run, before: Packument): Promise<RepublishResult> {
  const { packageName, channel, bad, restore, log } = run.opts
  const fix = run.fix
  const existing = before.versions?.[fix] as VersionManifest
  const note = noteOf(existing)
  if (!note) {
    throw new InputError(
      'strategy',
      `republish would publish ${packageName}@${fix}, but ${fix} already exists and is not a republish by this tool (probably a real fix).`,
      `if ${fix} is the fix, point '${channel}' at it with ${setting('strategy', 'retag')}, ${setting('restore-version', fix)} and ${setting('force', 'true')}; otherwise use ${setting('strategy', 'retag')} to move '${channel}' back to ${restore}.`,
    )
  }
  if (note.rollbackOf !== bad || note.restoredFrom !== restore) {
    throw new InputError(
      'restore-version',
      `${packageName}@${fix} already exists as a republish of ${note.restoredFrom} replacing ${note.rollbackOf} (incident ${note.incidentId}), not of ${restore} replacing ${bad}.`,
      `give ${setting('restore-version', note.restoredFrom)} to finish that rollback, or use ${setting('strategy', 'retag')}.`,
    )
  }
  log.info(
    `${packageName}@${fix} already republishes ${restore} in place of ${bad} (incident ${note.incidentId}): nothing to publish.`,
  )
  const served = await run.download(fix, existing)
  const holds = before['dist-tags']?.[channel]
  return {
    version: fix,
    outcome: 'already',
    integrity: served.integrity,
    ...(holds !== undefined ? { channelHolds: holds } : {}),
  }
}

/** A channel above the fix-forward version: publishing under it would move it backwards. */
function checkChannel(run: Run, before: Packument): void {
  const { channel, bad } = run.opts
  const holder = before['dist-tags']?.[channel]
  if (holder !== undefined && semver.valid(holder) && semver.gt(holder, run.fix)) {
    throw new InputError(
      'strategy',
      `'${channel}' holds ${holder}, above the fix-forward version ${run.fix}: publishing ${run.fix} under '${channel}' would move it backwards.`,
      `${holder} is newer than the bad ${bad}; use ${setting('strategy', 'retag')} (it leaves a newer version on the channel and deprecates ${bad}).`,
    )
  }
}

/**
 * The fix-forward version staged by this rollback and waiting for its approval (its staged
 * tarball carries our note for the same pair), or undefined. Staged by someone else: an error.
 */
async function stagedByUs(run: Run): Promise<RepublishResult | undefined> {
  const { packageName, bad, restore, log } = run.opts
  const items = await withRetry(
    `listing the staged versions of ${packageName}`,
    () => listStaged(run.client, packageName),
    run.policy,
    log,
  ).catch((e) => {
    throw run.explain(e, 'Listing the staged versions of')
  })
  const item = items?.find((i) => i.version === run.fix)
  if (!item) return undefined
  const note = await stagedNote(run.client, item.stageId).catch((e) => {
    throw run.explain(e, 'Downloading the staged tarball of')
  })
  if (!note || note.rollbackOf !== bad || note.restoredFrom !== restore) {
    throw new RegistryError(
      `${packageName}@${run.fix} is staged (stage id ${item.stageId}), but not as this rollback's republish of ${restore} replacing ${bad}.`,
      `look at it with npm stage view ${item.stageId}; approve it if it is the fix, or reject it (npm stage reject ${item.stageId}) and re-run.`,
    )
  }
  log.info(
    `${packageName}@${run.fix} is staged already by this rollback (stage id ${item.stageId}) and waits for a maintainer's approval (${approveCommand(item.stageId)}): nothing staged again.`,
  )
  return { version: run.fix, outcome: 'staged', integrity: '', stageId: item.stageId, waiting: true }
}

interface BuiltFix {
  manifest: Record<string, unknown>
  tarball: Buffer
  integrity: string
}

/** The restore version's tarball, verified, rewritten as the fix-forward version with our note. */
async function buildFix(run: Run, versions: Record<string, VersionManifest>): Promise<BuiltFix> {
  const { packageName, bad, restore, incidentId, log } = run.opts
  const fix = run.fix
  const restoreManifest = versions[restore]
  if (!restoreManifest) {
    throw new InputError(
      'restore-version',
      `${packageName}@${restore} does not exist in the registry.`,
      'give a published version to restore.',
    )
  }
  log.info(`Downloading ${packageName}@${restore} to republish it as ${fix}.`)
  const source = await run.download(restore, restoreManifest)
  log.info(`${packageName}@${restore}: tarball verified (${source.integrity}).`)
  const note: RepublishNote = { rollbackOf: bad, restoredFrom: restore, incidentId }
  const rewritten = await rewriteTarball(source.data, (pkg) => {
    pkg.version = fix
    pkg[NOTE_KEY] = note
  })
  if (rewritten.original.name !== packageName) {
    throw new RegistryError(
      `The tarball of ${packageName}@${restore} names the package ${JSON.stringify(rewritten.original.name)}, not ${packageName}. Nothing was published.`,
      `the registry serves a tarball that does not match the package; use ${setting('strategy', 'retag')} and check the registry.`,
    )
  }
  if (rewritten.original.version !== restore) {
    log.warning(
      `The package.json in ${packageName}@${restore}'s tarball says version ${JSON.stringify(rewritten.original.version)}; republishing its code as ${fix} anyway.`,
    )
  }
  // The registry manifest is the tarball's package.json (as `npm publish <tarball>` makes
  // it), plus the source commit the restore version recorded. `tag` would override the
  // dist-tag libnpmpublish writes; the channel decides that.
  const manifest: Record<string, unknown> = { ...rewritten.manifest }
  delete manifest.tag
  if (manifest.gitHead === undefined && typeof restoreManifest.gitHead === 'string')
    manifest.gitHead = restoreManifest.gitHead
  const integrity = ssri.fromData(rewritten.tarball, { algorithms: ['sha512'] }).toString()
  return { manifest, tarball: rewritten.tarball, integrity }
}

/** The direct publish, guarded like every channel write (it moves the channel); StageRequired when refused for staging. */
async function publishFix(run: Run, built: BuiltFix, before: Packument): Promise<RepublishResult> {
  const { packageName, channel, bad, restore, log } = run.opts
  const fix = run.fix
  const { integrity } = built
  log.info(`Publishing ${packageName}@${fix} (the code of ${restore}) under '${channel}' (${integrity}).`)
  const published = (doc: Packument): boolean => {
    const entry = doc.versions?.[fix]
    if (!entry) return false
    const theirs = noteOf(entry)
    if (!theirs || theirs.rollbackOf !== bad || theirs.restoredFrom !== restore) {
      throw new RegistryError(
        `${packageName}@${fix} appeared on the registry, but not from this rollback (a concurrent publish?).`,
        `check ${packageName}@${fix} by hand before re-running.`,
      )
    }
    if (entry.dist?.integrity !== integrity) {
      throw new RegistryError(
        `${packageName}@${fix} is on the registry with integrity ${String(entry.dist?.integrity)}, not the ${integrity} of the tarball sent.`,
        `check ${packageName}@${fix} by hand (a concurrent run of the same rollback?) before re-running.`,
      )
    }
    return true
  }
  const holder = before['dist-tags']?.[channel]
  const expected = 'expected' in run.opts ? run.opts.expected : holder
  const { state: readBack } = await guardedWrite<Packument>({
    what: `publishing ${packageName}@${fix}`,
    channel,
    wanted: fix,
    expected,
    read: run.readPackument,
    holderOf: (d) => d['dist-tags']?.[channel],
    isDone: published,
    isExpected: (d) => d['dist-tags']?.[channel] === expected,
    write: async () => {
      try {
        // access null: an existing package keeps its access level (public stays public, restricted stays restricted)
        await run.client.publish(built.manifest, built.tarball, { defaultTag: channel, access: null })
      } catch (e) {
        if (asksForStaging(e)) throw new StageRequired()
        throw e
      }
    },
    policy: run.policy,
    log,
    explain: (e) => run.explain(e, 'Publishing'),
    alsoRetry: (e) => statusOf(e) === 409,
  })
  // after: what the registry now serves for the new version is what was sent
  const served = await run.download(fix, readBack.versions?.[fix] ?? {})
  if (served.integrity !== integrity) {
    throw new RegistryError(
      `The registry serves ${packageName}@${fix} with integrity ${served.integrity}, not the ${integrity} published.`,
      `check ${packageName}@${fix} by hand.`,
    )
  }
  const holds = readBack['dist-tags']?.[channel]
  if (holds !== fix)
    log.warning(
      `${packageName}@${fix} is published, but '${channel}' holds ${holds ?? 'nothing'}: the registry did not apply the publish's dist-tag.`,
    )
  log.info(`Published ${packageName}@${fix} with the code of ${restore}; '${channel}' -> ${holds ?? 'nothing'}.`)
  return { version: fix, outcome: 'published', integrity, ...(holds !== undefined ? { channelHolds: holds } : {}) }
}

/**
 * The stage publish (npm stage publish: libnpmpublish with `stage: true`), right after a
 * fresh read that shows the version neither live nor staged. Its dist-tag is the channel:
 * npm applies it on the approval (docs npm-stage), which is what the rollback wants then.
 * Staging moves no channel and installs nothing, so nothing else is guarded by it.
 */
async function stageFix(run: Run, built: BuiltFix): Promise<RepublishResult> {
  const { packageName, channel, restore, registry, log } = run.opts
  const fix = run.fix
  if (run.opts.oidc && !run.opts.mayStageWithOidc)
    throw new RegistryError(
      `${registry} accepts ${packageName}@${fix} only as a staged publish, and this run has only trusted publishing (OIDC): staging it would leave '${channel}' on the bad version until the approval, because OIDC may not move the dist-tag back. Nothing was written.`,
      `allow direct publishing for the trusted publisher, or ${setting('npm-token', '<a granular token with "read and write (stage only)">')}, which stages the fix and moves '${channel}' back to ${restore} at once.`,
    )
  const fresh = await run.readPackument()
  if (fresh.versions?.[fix]) return existingFix(run, fresh)
  const waiting = await stagedByUs(run)
  if (waiting) return waiting
  log.info(`Staging ${packageName}@${fix} (the code of ${restore}) with tag '${channel}' (${built.integrity}).`)
  let stageId: string | undefined
  try {
    ;({ stageId } = await run.client.publish(built.manifest, built.tarball, {
      defaultTag: channel,
      access: null,
      stage: true,
    }))
  } catch (e) {
    // decided from state: a stage that took effect although the answer failed is found by the listing
    const found = await stagedByUs(run).catch(() => undefined)
    if (found) return { ...found, waiting: false, integrity: built.integrity }
    throw run.explain(e, 'Staging')
  }
  if (stageId === undefined) {
    const found = await stagedByUs(run)
    if (!found)
      throw new RegistryError(
        `${registry} accepted the staged publish of ${packageName}@${fix} but named no stage id, and its staging list does not show it.`,
        `look with npm stage list ${packageName}, then re-run.`,
      )
    stageId = found.stageId as string
  }
  log.info(
    `Staged ${packageName}@${fix} (stage id ${stageId}): it becomes installable when a maintainer approves it (${approveCommand(stageId)}).`,
  )
  return { version: fix, outcome: 'staged', integrity: built.integrity, stageId }
}
