// What a release's history says, for inspect() and the guard: the version the channel holds,
// the versions and their revisions, a release locked by another operation, and the request's
// versions the history does not hold (said in Helm's terms).
import semver from 'semver'
import { InputError, RegistryError } from '../../core/errors.js'
import { lastKnownGood, type PackageState, type VersionInfo } from '../../core/plan.js'
import { setTo, settingName } from '../../core/settings.js'
import { firstLine } from '../../core/util.js'
import type { HelmMatch } from './config.js'
import { currentRevision, type Entry, isRollback, OUR_DESCRIPTION, PENDING, RESTORABLE, summarise } from './history.js'
import type { HelmTargetOptions } from './options.js'

/** What the reads need to know of the target (HelmTarget fills it). */
export interface HelmView {
  /** "Helm release x in namespace y" */
  readonly label: string
  /** 'app version' or 'chart version' */
  readonly what: string
  /** ' in namespace y', or '' */
  readonly where: string
  readonly options: HelmTargetOptions
  readonly channel: string
  readonly match: HelmMatch
  /** what the channel held at the last inspect() */
  readonly holder?: string
  /** the revisions this target's own `helm rollback` wrote */
  readonly written: ReadonlySet<number>
}

/**
 * What the channel holds (see the top of this file). `warn`: say so when the latest
 * revision failed or the release is not deployed.
 */
export function holderOf(t: HelmView, history: Entry[], warn: boolean): string | undefined {
  const latest = history.at(-1)
  if (!latest) return undefined
  if (latest.status === 'deployed') return latest.version
  if (latest.status === 'failed') {
    let i = history.length - 1
    while (i >= 0 && history[i].status === 'failed') i--
    const lastGood = history.slice(0, i + 1).findLast((e) => RESTORABLE.has(e.status))
    const tried = history.slice(i + 1)
    const candidates = [...tried, ...(lastGood ? [lastGood] : [])]
      .map((e) => e.version)
      .filter((v): v is string => v !== undefined)
    const holder = candidates.sort(semver.rcompare)[0]
    if (warn) {
      t.options.log.warning(
        `${t.label}: the latest revision ${latest.revision} (${latest.version ?? latest.app_version}) failed (${JSON.stringify(firstLine(latest.description))})` +
          (lastGood
            ? `; the last good revision is ${lastGood.revision} (${lastGood.version ?? lastGood.app_version}, ${lastGood.status})`
            : '; no earlier revision is deployed or superseded') +
          `. A failed revision may have left either running, so the release counts as holding the newer one, ${holder ?? 'none'}.`,
      )
    }
    return holder
  }
  if (warn)
    t.options.log.warning(
      `${t.label}: the latest revision ${latest.revision} is ${latest.status}, so the release holds no version.`,
    )
  return undefined
}

export function versionsOf(history: Entry[], holder: string | undefined): Record<string, VersionInfo> {
  const versions: Record<string, VersionInfo> = {}
  for (const [i, e] of history.entries()) {
    if (e.version === undefined) continue
    versions[e.version] ??= {}
    const info = versions[e.version]
    if (RESTORABLE.has(e.status) && e.revision > 0) info.revision = e.revision
    // "published": when an install or upgrade last brought this version (a rollback to it
    // does not count, so the circuit breaker does not take a rollback for a new release)
    const at = e.updated ? Date.parse(e.updated) : NaN
    if (!isRollback(e, history[i - 1]) && !Number.isNaN(at)) info.publishedAt = new Date(at).toISOString()
  }
  for (const [v, info] of Object.entries(versions)) {
    if (info.revision === undefined && v !== holder) {
      const statuses = history.filter((e) => e.version === v).map((e) => `${e.revision} ${e.status}`)
      // the planner never picks or restores a version marked like this
      info.deprecated = `no deployed or superseded revision of ${v} in the Helm history (revisions: ${statuses.join(', ')}): it cannot be rolled back to`
    }
  }
  return versions
}

/** Stops when another operation holds the release (its latest revision is pending-*). */
export function refuseLocked(t: HelmView, history: Entry[]): void {
  const latest = history.at(-1)
  if (!latest || !PENDING.has(latest.status)) return
  const ours = OUR_DESCRIPTION.exec(latest.description)
  const current = currentRevision(history)
  const verb = latest.status.replace('pending-', '')
  const clear = current
    ? `\`helm rollback ${t.options.release} ${current.revision}${t.where ? ` -n ${t.options.namespace}` : ''}\``
    : undefined
  if (latest.status === 'pending-rollback') {
    const to = /^Rollback to (\d+)$/.exec(latest.description)?.[1] ?? latest.rollback_revision
    throw new RegistryError(
      `${t.label} is locked by a pending-rollback (revision ${latest.revision}${to !== undefined ? `, a rollback to revision ${to}` : ''}, ${t.what} ${latest.version ?? (latest.app_version || '?')}` +
        `${latest.updated ? `, started ${latest.updated}` : ''}${ours || t.written.has(latest.revision) ? `, by an earlier release-rollback run${ours?.[1] ? ` for incident ${ours[1]}` : ''}` : ''}): nothing was rolled back. ` +
        'A rollback whose pre-rollback or post-rollback hook failed leaves its revision pending-rollback (helm stops before it records the outcome); so does a rollback whose job was cancelled.',
      `if a helm rollback is still running, wait for it and re-run. Otherwise see why the hook failed (\`kubectl get jobs,pods${t.where ? ` -n ${t.options.namespace}` : ''}\`, \`helm get hooks ${t.options.release}${t.where ? ` -n ${t.options.namespace}` : ''}\`), ` +
        `${clear ? `clear the lock with ${clear} (revision ${current?.revision} is the last deployed one; add --no-hooks only if skipping the failing hook is safe)` : 'clear the lock with helm rollback to the last good revision'}, and re-run.`,
      undefined,
      'HELM_PENDING',
    )
  }
  throw new RegistryError(
    `${t.label} is locked by a ${latest.status} (revision ${latest.revision}, ${t.what} ${latest.version ?? (latest.app_version || '?')}` +
      `${latest.updated ? `, started ${latest.updated}` : ''}${ours ? `, by an earlier release-rollback run${ours[1] ? ` for incident ${ours[1]}` : ''} that did not finish` : ''}): nothing was rolled back.`,
    `wait for the ${verb} to finish, then re-run. If no helm process is running any more (a cancelled job leaves the release stuck in ${latest.status}), ` +
      `free it by hand${clear ? ` with ${clear} (revision ${current?.revision} is the last deployed one)` : ''} and re-run.`,
    undefined,
    'HELM_PENDING',
  )
}

/**
 * With the request known, says in Helm's terms what the planner would only call "does
 * not exist": versions the history does not hold, most often because --history-max
 * pruned them.
 */
export function explainRequest(t: HelmView, state: PackageState, history: Entry[]): void {
  const request = t.options.request
  if (!request) return
  const holds = summarise(history)
  const pruned = (what: string) =>
    `Helm keeps only the newest --history-max revisions (10 unless the deployments set another limit), so ${what} may have been pruned.`
  const restorable = Object.entries(state.versions)
    .filter(([, info]) => info.revision !== undefined)
    .map(([v, info]) => `${v} (revision ${info.revision})`)
    .join(', ')
  if (request.rollbackVersion === 'current' && t.holder === undefined) {
    throw new InputError(
      'rollback-version',
      `is current, but ${t.label} holds no version: its history is ${holds}.`,
      'give the version to roll back explicitly.',
    )
  }
  // 'current' is what the channel holds (then the runner's release guard decides whether
  // to go on, so the restore checks below wait for the planner); an exact version must be
  // in the history whatever the guard says
  if (request.rollbackVersion === 'current') return
  const bad = request.rollbackVersion
  if (!(bad in state.versions)) {
    throw new InputError(
      'rollback-version',
      `${t.label} has no revision with ${t.what} ${bad}: its history is ${holds}.`,
      `give the ${t.what} of a revision in the history${t.match === 'app-version' ? `, or ${setTo('helm-match', 'chart-version')} if you gave a chart version` : `, or ${setTo('helm-match', 'app-version')} if you gave an app version`}.`,
    )
  }
  const restore = request.restoreVersion
  if (restore !== undefined && restore !== t.holder && state.versions[restore]?.revision === undefined) {
    const failedOnly = restore in state.versions
    throw new InputError(
      'restore-version',
      `${t.label} has no deployed or superseded revision with ${t.what} ${restore}${failedOnly ? ' (only failed or unfinished ones, which are never rolled back to)' : ''}: its history is ${holds}. ${failedOnly ? '' : pruned('an older revision of it')}`.trim(),
      `give a ${settingName('restore-version')} the history can restore${restorable ? ` (${restorable})` : ''}, or deploy ${restore} with helm upgrade instead.`,
    )
  }
  if (restore === undefined && semver.valid(bad) !== null && lastKnownGood(state, bad, t.channel) === undefined) {
    throw new InputError(
      'restore-version',
      `is empty and ${t.label} has no deployed or superseded revision below ${bad} to restore: its history is ${holds}. ${pruned('older revisions')}`,
      'give the version to restore explicitly, or deploy it with helm upgrade instead.',
    )
  }
}
