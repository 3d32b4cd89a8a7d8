// `helm rollback`, the guarded write of a Helm target: run to the planned revision, then the
// history read back decides what it wrote (the new revision above the old top that is a
// rollback to the planned one), never its description alone.
import type { RollbackError } from '../../core/errors.js'
import { RegistryError } from '../../core/errors.js'
import { setting, settingName } from '../../core/settings.js'
import { firstLine } from '../../core/util.js'
import type { HelmWait } from './config.js'
import {
  currentRevision,
  type Entry,
  HOOK_FAILED,
  type HelmRevisions,
  helmError,
  isRollbackTo,
  MAX_DESCRIPTION,
  RESTORABLE,
  summarise,
  truncate,
} from './history.js'
import type { HelmView } from './reads.js'
import type { HelmRunResult } from './runner.js'
import { type HelmVersion, mayDescribe, waitFlags } from './version.js'

/** What the rollback needs of the target (HelmTarget fills it): its view, its helm, and where to record what it wrote. */
export interface HelmRollbackHost extends HelmView {
  readonly wait: HelmWait
  /** the bad version, as the incident the last pointChannel carried names it */
  readonly bad?: string
  run(args: string[]): Promise<HelmRunResult>
  history(): Promise<Entry[]>
  version(): Promise<HelmVersion>
  /** -n NS, --kubeconfig, --kube-context */
  scope(): string[]
  holderOf(history: Entry[], warn: boolean): string | undefined
  explain(r: HelmRunResult, doing: string): RollbackError
  /** a revision this target's own `helm rollback` wrote */
  wrote(revision: number): void
  setRevisions(revs: HelmRevisions): void
  /** how the rollback waited, for the summary */
  setWaitNote(note: string): void
}

/**
 * Runs `helm rollback` to `version`'s revision in `before` (the guard's fresh read) and
 * returns the history read back, once it shows the new revision deployed with `version`;
 * throws an error that says what to do otherwise.
 */
export async function rollbackTo(
  t: HelmRollbackHost,
  before: Entry[],
  version: string,
  id: string | undefined,
): Promise<Entry[]> {
  const latest = before.at(-1)
  const target = before.findLast((e) => e.version === version && RESTORABLE.has(e.status) && e.revision > 0)
  if (!target) {
    throw new RegistryError(
      `${t.label} has no deployed or superseded revision with ${t.what} ${version} to roll back to: its history is ${summarise(before)}. ` +
        `Helm keeps only the newest --history-max revisions (10 unless the deployments set another limit), so it may have been pruned.`,
      `deploy ${version} with helm upgrade instead, or roll back to a version the history still holds.`,
    )
  }
  const r = await runRollback(t, before, target, version, id)
  return readRollback(t, latest, target, version, r)
}

/** `helm rollback` to `target` (with a description where this helm may take one), said in the log first. */
async function runRollback(
  t: HelmRollbackHost,
  before: Entry[],
  target: Entry,
  version: string,
  id: string | undefined,
): Promise<HelmRunResult> {
  const helm = await t.version()
  const wait = waitFlags(t.wait, helm)
  const bad = t.bad ?? t.holderOf(before, false)
  const description = truncate(
    `release-rollback${id ? ` ${id}` : ''}: roll back ${bad ?? 'the release'} to ${version} (revision ${target.revision})`,
    MAX_DESCRIPTION,
  )
  const base = [
    'rollback',
    t.options.release,
    String(target.revision),
    ...t.scope(),
    ...wait,
    '--timeout',
    t.options.timeout,
    '--history-max',
    String(t.options.historyMax ?? 0),
  ]
  const checks =
    t.wait === 'none'
      ? `no readiness checks (${helm.major === 3 ? 'no --wait' : 'no --wait: hooks only'})`
      : `the ${t.wait} readiness checks (${wait.join(' ')})`
  t.options.log.info(
    `Rolling ${t.label} back to revision ${target.revision} (${t.what} ${version}, ${target.status}) with helm ${helm.raw}; ` +
      (t.wait === 'none'
        ? `helm does not wait for the workloads to become ready (${setting('helm-wait', 'none')}).`
        : `helm waits up to ${t.options.timeout} for the ${t.wait} readiness checks.`),
  )
  let r: HelmRunResult
  if (mayDescribe(helm)) {
    r = await t.run([...base, '--description', description])
    if (r.exitCode !== 0 && /unknown flag: --description/.test(r.stderr)) {
      // a build of a branch without it (cobra refused the flag: nothing ran)
      t.options.log.info(
        `helm ${helm.raw} has no rollback --description: the revision gets helm's own "Rollback to ${target.revision}".`,
      )
      r = await t.run(base)
    }
  } else {
    r = await t.run(base)
  }
  t.setWaitNote(`helm ${helm.raw} waited with ${checks}`)
  return r
}

/**
 * The history read back after `helm rollback` (r): returned once it shows the new revision
 * deployed with `version`; otherwise an error that says what to do.
 */
async function readRollback(
  t: HelmRollbackHost,
  latest: Entry | undefined,
  target: Entry,
  version: string,
  r: HelmRunResult,
): Promise<Entry[]> {
  const after = await t.history()
  // ours: a revision above the old top that is a rollback to the planned revision
  const top = latest?.revision ?? 0
  const fresh = after.filter((e) => e.revision > top)
  const created = fresh.findLast((e) => isRollbackTo(e, target))
  const others = fresh.filter((e) => e !== created)
  if (created) t.wrote(created.revision)
  t.setRevisions({ previous: latest?.revision, target: target.revision, created: created?.revision })
  if (others.length > 0) {
    t.options.log.warning(
      `${t.label}: besides ${created ? `revision ${created.revision} (this rollback)` : 'this rollback'}, the history gained ${others.map((e) => `revision ${e.revision} (${e.status}, ${JSON.stringify(firstLine(e.description))})`).join(', ')} while helm rollback ran: another helm operation wrote to the release.`,
    )
  }
  if (created?.status === 'deployed') {
    if (r.exitCode !== 0) {
      t.options.log.warning(
        `helm rollback exited ${r.exitCode} (${helmError(r.stderr)}), but the history shows revision ${created.revision} deployed with ${version}.`,
      )
    }
    return after
  }
  const still = currentRevision(after)
  const stillText = still
    ? `helm still lists revision ${still.revision} (${still.version ?? still.app_version}) as deployed. `
    : ''
  const hook = HOOK_FAILED.exec(r.stderr)
  if (created?.status === 'pending-rollback' && hook) {
    const ns = t.where ? ` -n ${t.options.namespace}` : ''
    throw new RegistryError(
      `helm rollback of ${t.options.release} to revision ${target.revision} (${version}) stopped: its ${hook[1]} hook ${hook[2]} failed (${helmError(r.stderr)}), ` +
        `so helm left the new revision ${created.revision} pending-rollback and the release locked` +
        (hook[1] === 'post-rollback'
          ? `; the workloads were already updated to ${version}.`
          : `; the workloads were not changed.`),
      `see why the hook failed (\`kubectl get jobs,pods${ns}\`, \`helm get hooks ${t.options.release}${ns}\`). ${stillText}` +
        `Clear the lock with \`helm rollback ${t.options.release} ${still?.revision ?? target.revision}${ns}\` (add --no-hooks only if skipping the hook is safe), then re-run.`,
      undefined,
      'HELM_HOOK_FAILED',
    )
  }
  if (created) {
    throw new RegistryError(
      `helm rollback of ${t.options.release} to revision ${target.revision} (${version}) did not succeed: the new revision ${created.revision} is ${created.status} (${JSON.stringify(firstLine(created.description))})` +
        `${r.exitCode !== 0 ? `; helm said: ${helmError(r.stderr)}` : ''}.`,
      `see why the workloads did not become ready (kubectl get pods and events${t.where ? ` in ${t.options.namespace}` : ''}); ${stillText}` +
        `Re-run to try the rollback again, with a longer ${settingName('helm-timeout')} (now ${t.options.timeout}) if they only needed more time.`,
      undefined,
      'HELM_ROLLBACK_FAILED',
    )
  }
  if (r.exitCode !== 0) throw t.explain(r, 'rolling back')
  const now = after.at(-1)
  throw new RegistryError(
    `helm rollback of ${t.options.release} to revision ${target.revision} exited 0, but its history shows no new revision that rolls back to ${target.revision} (latest: ${now ? `${now.revision} ${now.status}, ${JSON.stringify(firstLine(now.description))}` : 'none'}).`,
    'check the release with helm history and re-run.',
  )
}
