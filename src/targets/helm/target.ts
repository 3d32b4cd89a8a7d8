// A Helm release, through the helm CLI (argument arrays, never a shell; JSON output only).
//
// The model: a release has one channel (HELM_CHANNEL, 'deployed'). It holds the app version
// (or, with match 'chart-version', the chart version) of the release's current revision,
// and moving it back is `helm rollback` to the newest deployed or superseded revision of the
// restore version. Every version in the history is a "version"; those with a deployed or
// superseded revision can be restored, and their `revision` says which one. The pure planner
// then guards a release exactly as it guards an npm dist-tag.
//
// A failed latest revision: helm leaves the revision it was replacing `deployed` (a failed
// wait) or marks it `superseded` (a failed update), yet the failed revision's manifests may
// be partly applied. The release then counts as holding the newest version among the last
// good revision and the failed ones after it: the one a rollback has to undo. So a failed
// upgrade to the bad version is rolled back, and a failed earlier rollback is tried again
// instead of being taken for done.
//
// The rollback is guarded (src/guard.ts): right before `helm rollback` the history is read
// again, and unless the release still holds what the plan saw, at the revision it saw (or
// already the restore version), nothing runs. The revision the rollback wrote is found by
// comparing the history before and after it (the new revision above the old top that is a
// rollback to the planned revision), not by its description: `helm rollback --description`
// exists in no released helm up to v4.2.4, so it is passed only where `helm version --short`
// says it may exist, as a note for people.
//
// `helm version --short` is read once: helm 3's `--wait` is a bool (the legacy readiness
// checks), helm 4's a strategy (bare `--wait` is `watcher`, `--wait=legacy` is helm 3's), so
// helm-wait (config.ts) becomes the flag of that major. Only `helm history` and `helm
// version` are read: helm 4's `helm status` fetches every live object of the release.
//
// helm runs with an environment stripped of the action's inputs and of tokens
// (helmEnvironment), and the kubeconfig secret lives in a private file only while the run
// needs it (KubeconfigFile): both in runner.ts. The inputs are parsed in config.ts.
import semver from 'semver'
import { InputError, RegistryError, RollbackError } from '../../core/errors.js'
import { guardedWrite } from '../../core/guard.js'
import { lastKnownGood, type PackageState, type VersionInfo } from '../../core/plan.js'
import type { IncidentContext, Logger, Target, WriteOutcome } from '../../core/target.js'
import {
  HELM_CHANNEL,
  parseHelmMatch,
  parseHelmTimeout,
  parseHelmWait,
  parseNamespace,
  parseReleaseName,
  type HelmMatch,
  type HelmWait,
} from './config.js'
import { execHelm, KubeconfigFile, type HelmRunner, type HelmRunResult } from './runner.js'
import { firstLine } from '../../core/util.js'
import { setTo, setting, settingName } from '../../core/settings.js'

/** How many revisions `helm history` is asked for (helm's own default is 256). */
export const HISTORY_READ_MAX = 1024
/** `helm rollback --description` takes at most this many characters (helm's MaxDescriptionLength). */
export const MAX_DESCRIPTION = 256

/** The rollback being run, as HelmTargetOptions.request needs it (RollbackInputs fits). */
export interface HelmRequest {
  packageName: string
  rollbackVersion: string
  restoreVersion?: string
}

export interface HelmTargetOptions {
  release: string
  /** empty: the kubeconfig context's namespace */
  namespace?: string
  match: HelmMatch
  /** `--timeout` for `helm rollback --wait`, a Go duration such as 5m */
  timeout: string
  /** which readiness checks helm waits for (default legacy: the same on helm 3 and 4) */
  wait?: HelmWait
  /** default 'helm' (looked up on PATH) */
  helmPath?: string
  /**
   * `--kubeconfig`: a path, or the kubeconfig secret as a KubeconfigFile (written when helm
   * first runs, removed by dispose()); empty: helm's default ($KUBECONFIG, ~/.kube/config)
   */
  kubeconfig?: string | KubeconfigFile
  /** `--kube-context` */
  kubeContext?: string
  /**
   * `--history-max` for the rollback. Default 0 (keep every revision): without it helm
   * prunes the history to $HELM_MAX_HISTORY or 10 revisions, deleting restore points that
   * deployments with a higher limit kept.
   */
  historyMax?: number
  /** the channel's name; default HELM_CHANNEL. It must be the channel the rollback is planned on. */
  channel?: string
  /**
   * The rollback being run (RollbackInputs fits). With it, inspect() explains versions
   * missing from the history (pruned by --history-max) in Helm's terms, where the planner
   * would only say "does not exist"; packageName names the state.
   */
  request?: HelmRequest
  /** an incident id for the description when pointChannel is called without the incident (tests) */
  incidentId?: string
  log: Logger
  /** default: execHelm */
  exec?: HelmRunner
}

/** One row of `helm history -o json`: helm's releaseInfo. */
export interface HelmHistoryEntry {
  revision: number
  /** RFC 3339; helm 3 prints "" for a zero time, helm 4 leaves the key out */
  updated?: string
  status: string
  /** `<chart name>-<chart version>` */
  chart: string
  app_version: string
  /** helm main (after v4.2.4): the revision a rollback restored */
  rollback_revision?: number
  description: string
}

/** `helm version --short` (`v3.19.0+g3d8990f`, `v4.2.4+g3900f43`, `v4.2+unreleased+ge9b85e4`), parsed. */
export interface HelmVersion {
  /** what helm printed */
  raw: string
  major: number
  minor: number
  /** undefined for a build without one (helm main built from source: `v4.2+unreleased`) */
  patch?: number
  /** a build from a branch, not a release (`+unreleased` metadata) */
  unreleased: boolean
}

/** Parses `helm version --short`; undefined when it is not helm's format. */
export function parseHelmVersion(text: string): HelmVersion | undefined {
  const raw = text.trim()
  const m = /^v(\d+)\.(\d+)(?:\.(\d+))?(?:-[0-9A-Za-z.-]+)?(?:\+([0-9A-Za-z.+-]*))?$/.exec(raw)
  if (!m) return undefined
  return {
    raw,
    major: Number(m[1]),
    minor: Number(m[2]),
    patch: m[3] === undefined ? undefined : Number(m[3]),
    unreleased: (m[4] ?? '').split('+').includes('unreleased'),
  }
}

/**
 * Whether `helm rollback --description` may exist: it came to main after v4.2.4 (PR
 * #31580), so a release from v4.3 on or a build of main (`v4.2+unreleased`, which a
 * release-4.2 branch build also prints: the unknown-flag fallback covers that).
 */
export function mayDescribe(v: HelmVersion): boolean {
  return v.major > 4 || (v.major === 4 && (v.minor >= 3 || (v.minor === 2 && v.unreleased)))
}

/** The flags of `helm rollback` for `wait` on helm `v`; throws naming helm-wait where the major has no such checks. */
export function waitFlags(wait: HelmWait, v: HelmVersion): string[] {
  if (wait === 'none') return []
  if (v.major === 3) {
    if (wait === 'watcher') {
      throw new InputError(
        'helm-wait',
        `is watcher, but the helm on this runner is ${v.raw}: helm 3 has only the legacy readiness checks (--wait), the watcher came with helm 4.`,
        `${setTo('helm-wait', 'legacy')} (the default) or none, or install helm 4 on the runner.`,
      )
    }
    return ['--wait']
  }
  // helm 4: a value needs '=' (a bare --wait is 'watcher', and `--wait legacy` would make legacy an argument)
  return [`--wait=${wait}`]
}

/** The revisions of the last inspection or rollback, for outputs. */
export interface HelmRevisions {
  /** the release's latest revision before the rollback */
  previous?: number
  /** the revision rolled back to */
  target?: number
  /** the revision `helm rollback` wrote (undefined when nothing was written) */
  created?: number
}

/** `helm rollback --wait` is never repeated on its own: a failed one is reported, and a re-run tries again. */
const NO_RETRY = { attempts: 1, baseDelayMs: 0, maxDelayMs: 0, deadlineMs: 0 }

const RESTORABLE = new Set(['deployed', 'superseded'])
const PENDING = new Set(['pending-install', 'pending-upgrade', 'pending-rollback'])
const OUR_DESCRIPTION = /^release-rollback(?: (rr-[0-9a-f]+))?:/
/** what helm writes over a rollback's description when it fails: the update (`Rollback`) or the wait (`Release`, as a failed install) */
const FAILED_ROLLBACK = /^Rollback ".*" failed: /s
const FAILED_RELEASE = /^Release ".*" failed: /s
/** helm's error when a hook failed (pkg/action/hooks.go) */
const HOOK_FAILED = /Hook (pre-rollback|post-rollback) (\S+) failed/

/** `v1.2.3` -> `1.2.3`; undefined when it is not a semantic version. */
export function normaliseVersion(raw: string): string | undefined {
  const v = raw.trim().replace(/^[vV](?=\d)/, '')
  return v !== '' && semver.valid(v) !== null && !/^[=\s]/.test(v) ? v : undefined
}

/**
 * The chart version in helm's `<name>-<version>` (`acme-app-1.2.3` -> `1.2.3`). Chart
 * names may hold dashes and versions may too (`1.0.0-rc-1`); names hold no dotted
 * x.y.z, so the first dash followed by a whole semantic version is the split.
 */
export function chartVersionOf(chart: string): string | undefined {
  for (let i = chart.indexOf('-', 1); i !== -1; i = chart.indexOf('-', i + 1)) {
    const v = normaliseVersion(chart.slice(i + 1))
    if (v !== undefined) return v
  }
  return undefined
}

interface Entry extends HelmHistoryEntry {
  /** the matched version, normalised; undefined when not a semantic version */
  version?: string
}

export class HelmTarget implements Target {
  readonly kind = 'helm' as const
  readonly label: string
  readonly channel: string
  readonly match: HelmMatch
  private readonly exec: HelmRunner
  private readonly helm: string
  /** what the channel held at the last inspect() (for incident ids with rollback-version 'current') */
  private holder?: string
  /** the bad version, as the incident the last pointChannel carried names it */
  private bad?: string
  /** the latest revision at the last inspect() (or this target's own rollback since): the guard's reference */
  private seenRevision?: number
  private revs: HelmRevisions = {}
  private readonly options: HelmTargetOptions
  private readonly wait: HelmWait
  /** `helm version --short`, read once */
  private versionRead?: Promise<HelmVersion>
  /** how the last `helm rollback` waited, for the summary */
  private waitNote?: string
  /** the revisions this target's own `helm rollback` wrote (found by comparing the history before and after) */
  private readonly written = new Set<number>()

  constructor(options: HelmTargetOptions) {
    // checked again here: each of these ends up in helm's argument vector
    this.options = {
      ...options,
      release: parseReleaseName('release', options.release),
      namespace: parseNamespace('namespace', options.namespace ?? '') || undefined,
      timeout: parseHelmTimeout('helm-timeout', options.timeout),
    }
    this.match = parseHelmMatch('helm-match', options.match)
    this.wait = parseHelmWait('helm-wait', options.wait ?? '')
    this.channel = options.channel ?? HELM_CHANNEL
    this.exec = options.exec ?? execHelm
    this.helm = options.helmPath || 'helm'
    this.label = `Helm release ${this.options.release} in ${this.options.namespace ? `namespace ${this.options.namespace}` : "the kubeconfig context's namespace"}`
  }

  /** The revisions of the last inspect() or pointChannel(). */
  get revisions(): HelmRevisions {
    return { ...this.revs }
  }

  private get what(): string {
    return this.match === 'app-version' ? 'app version' : 'chart version'
  }

  private get where(): string {
    return this.options.namespace ? ` in namespace ${this.options.namespace}` : ''
  }

  /** -n NS, --kubeconfig, --kube-context: the flags every command gets. */
  private scope(): string[] {
    const { namespace, kubeContext } = this.options
    const k = this.options.kubeconfig
    const kubeconfig = k instanceof KubeconfigFile ? k.path() : k
    // `--flag=value`: a value that starts with '-' cannot be taken for a flag
    return [
      ...(namespace ? ['-n', namespace] : []),
      ...(kubeconfig ? [`--kubeconfig=${kubeconfig}`] : []),
      ...(kubeContext ? [`--kube-context=${kubeContext}`] : []),
    ]
  }

  /** Removes the kubeconfig file this target was given as a KubeconfigFile (call it when the run ends). */
  dispose(): void {
    if (this.options.kubeconfig instanceof KubeconfigFile) this.options.kubeconfig.dispose()
  }

  private async run(args: string[]): Promise<HelmRunResult> {
    this.options.log.debug(`${this.helm} ${args.map(quote).join(' ')}`)
    try {
      return await this.exec(this.helm, args)
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e)
      throw new RollbackError(
        `Could not run ${this.helm}: ${firstLine(message)}`,
        /Unable to locate executable/.test(message)
          ? 'install helm on the runner before this step (for example with azure/setup-helm), or give the path to the helm binary.'
          : 'check that the helm binary can be run on this runner.',
      )
    }
  }

  private async history(): Promise<Entry[]> {
    const r = await this.run([
      'history',
      this.options.release,
      ...this.scope(),
      '-o',
      'json',
      '--max',
      String(HISTORY_READ_MAX),
    ])
    if (r.exitCode !== 0) throw this.explain(r, 'reading the history of')
    const rows = parseJson(r.stdout, `helm history ${this.options.release} -o json`)
    if (!Array.isArray(rows) || !rows.every(isHistoryEntry)) {
      throw new RegistryError(
        `helm history ${this.options.release} -o json printed something other than helm's history rows: ${firstLine(r.stdout)}`,
        'use helm 3 or newer as the helm binary.',
      )
    }
    return rows.map((row) => ({ ...row, version: this.versionOf(row) })).sort((a, b) => a.revision - b.revision)
  }

  private versionOf(row: HelmHistoryEntry): string | undefined {
    return this.match === 'app-version' ? normaliseVersion(row.app_version) : chartVersionOf(row.chart)
  }

  /** `helm version --short`, read once; helm 3 or newer. */
  version(): Promise<HelmVersion> {
    this.versionRead ??= (async () => {
      const r = await this.run(['version', '--short'])
      if (r.exitCode !== 0) throw this.explain(r, 'reading the version of helm for')
      const v = parseHelmVersion(r.stdout)
      if (!v || v.major < 3) {
        throw new RegistryError(
          `helm version --short printed ${JSON.stringify(firstLine(r.stdout))}, not a helm 3 or 4 version such as v3.19.0+g3d8990f.`,
          'use helm 3 or newer as the helm binary.',
        )
      }
      return v
    })()
    return this.versionRead
  }

  /**
   * The release's records can be read (`helm history --max 1`: helm 4's `helm status` would
   * fetch every live object of the release, Secrets too), and helm-wait suits this helm.
   */
  async checkAccess(): Promise<void> {
    const [r, v] = await Promise.all([
      this.run(['history', this.options.release, ...this.scope(), '-o', 'json', '--max', '1']),
      this.version(),
    ])
    if (r.exitCode !== 0) throw this.explain(r, 'reading the history of')
    const rows = parseJson(r.stdout, `helm history ${this.options.release} -o json`)
    if (!Array.isArray(rows) || rows.length !== 1 || !isHistoryEntry(rows[0])) {
      throw new RegistryError(
        `helm history ${this.options.release} -o json --max 1 did not print the release's latest revision: ${firstLine(r.stdout)}`,
        'use helm 3 or newer as the helm binary.',
      )
    }
    waitFlags(this.wait, v)
  }

  /** How the last `helm rollback` waited (which readiness checks ran), for the summary; undefined when none ran. */
  writeNote(): string | undefined {
    return this.waitNote
  }

  async inspect(): Promise<PackageState> {
    // bad helm-wait for this helm is an input error before anything else, in a dry run too
    waitFlags(this.wait, await this.version())
    const history = await this.history()
    this.refuseLocked(history)
    const holder = this.holderOf(history, true)
    this.holder = holder
    const state: PackageState = {
      name:
        this.options.request?.packageName ??
        (this.options.namespace ? `${this.options.namespace}/${this.options.release}` : this.options.release),
      distTags: holder === undefined ? {} : { [this.channel]: holder },
      versions: this.versionsOf(history, holder),
    }
    const latest = history.at(-1)
    this.revs = { previous: latest?.revision }
    this.seenRevision = latest?.revision
    const ours = latest ? OUR_DESCRIPTION.exec(latest.description) : null
    if (latest && (ours || this.written.has(latest.revision))) {
      this.options.log.info(
        `${this.label}: revision ${latest.revision} (${latest.status}) was written by release-rollback${ours?.[1] ? ` for incident ${ours[1]}` : ''}.`,
      )
    }
    this.explainRequest(state, history)
    return state
  }

  /**
   * What the channel holds (see the top of this file). `warn`: say so when the latest
   * revision failed or the release is not deployed.
   */
  private holderOf(history: Entry[], warn: boolean): string | undefined {
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
        this.options.log.warning(
          `${this.label}: the latest revision ${latest.revision} (${latest.version ?? latest.app_version}) failed (${JSON.stringify(firstLine(latest.description))})` +
            (lastGood
              ? `; the last good revision is ${lastGood.revision} (${lastGood.version ?? lastGood.app_version}, ${lastGood.status})`
              : '; no earlier revision is deployed or superseded') +
            `. A failed revision may have left either running, so the release counts as holding the newer one, ${holder ?? 'none'}.`,
        )
      }
      return holder
    }
    if (warn)
      this.options.log.warning(
        `${this.label}: the latest revision ${latest.revision} is ${latest.status}, so the release holds no version.`,
      )
    return undefined
  }

  private versionsOf(history: Entry[], holder: string | undefined): Record<string, VersionInfo> {
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
  private refuseLocked(history: Entry[]): void {
    const latest = history.at(-1)
    if (!latest || !PENDING.has(latest.status)) return
    const ours = OUR_DESCRIPTION.exec(latest.description)
    const current = currentRevision(history)
    const verb = latest.status.replace('pending-', '')
    const clear = current
      ? `\`helm rollback ${this.options.release} ${current.revision}${this.where ? ` -n ${this.options.namespace}` : ''}\``
      : undefined
    if (latest.status === 'pending-rollback') {
      const to = /^Rollback to (\d+)$/.exec(latest.description)?.[1] ?? latest.rollback_revision
      throw new RegistryError(
        `${this.label} is locked by a pending-rollback (revision ${latest.revision}${to !== undefined ? `, a rollback to revision ${to}` : ''}, ${this.what} ${latest.version ?? (latest.app_version || '?')}` +
          `${latest.updated ? `, started ${latest.updated}` : ''}${ours || this.written.has(latest.revision) ? `, by an earlier release-rollback run${ours?.[1] ? ` for incident ${ours[1]}` : ''}` : ''}): nothing was rolled back. ` +
          'A rollback whose pre-rollback or post-rollback hook failed leaves its revision pending-rollback (helm stops before it records the outcome); so does a rollback whose job was cancelled.',
        `if a helm rollback is still running, wait for it and re-run. Otherwise see why the hook failed (\`kubectl get jobs,pods${this.where ? ` -n ${this.options.namespace}` : ''}\`, \`helm get hooks ${this.options.release}${this.where ? ` -n ${this.options.namespace}` : ''}\`), ` +
          `${clear ? `clear the lock with ${clear} (revision ${current?.revision} is the last deployed one; add --no-hooks only if skipping the failing hook is safe)` : 'clear the lock with helm rollback to the last good revision'}, and re-run.`,
        undefined,
        'HELM_PENDING',
      )
    }
    throw new RegistryError(
      `${this.label} is locked by a ${latest.status} (revision ${latest.revision}, ${this.what} ${latest.version ?? (latest.app_version || '?')}` +
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
  private explainRequest(state: PackageState, history: Entry[]): void {
    const request = this.options.request
    if (!request) return
    const holds = summarise(history)
    const pruned = (what: string) =>
      `Helm keeps only the newest --history-max revisions (10 unless the deployments set another limit), so ${what} may have been pruned.`
    const restorable = Object.entries(state.versions)
      .filter(([, info]) => info.revision !== undefined)
      .map(([v, info]) => `${v} (revision ${info.revision})`)
      .join(', ')
    if (request.rollbackVersion === 'current' && this.holder === undefined) {
      throw new InputError(
        'rollback-version',
        `is current, but ${this.label} holds no version: its history is ${holds}.`,
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
        `${this.label} has no revision with ${this.what} ${bad}: its history is ${holds}.`,
        `give the ${this.what} of a revision in the history${this.match === 'app-version' ? `, or ${setTo('helm-match', 'chart-version')} if you gave a chart version` : `, or ${setTo('helm-match', 'app-version')} if you gave an app version`}.`,
      )
    }
    const restore = request.restoreVersion
    if (restore !== undefined && restore !== this.holder && state.versions[restore]?.revision === undefined) {
      const failedOnly = restore in state.versions
      throw new InputError(
        'restore-version',
        `${this.label} has no deployed or superseded revision with ${this.what} ${restore}${failedOnly ? ' (only failed or unfinished ones, which are never rolled back to)' : ''}: its history is ${holds}. ${failedOnly ? '' : pruned('an older revision of it')}`.trim(),
        `give a ${settingName('restore-version')} the history can restore${restorable ? ` (${restorable})` : ''}, or deploy ${restore} with helm upgrade instead.`,
      )
    }
    if (restore === undefined && semver.valid(bad) !== null && lastKnownGood(state, bad, this.channel) === undefined) {
      throw new InputError(
        'restore-version',
        `is empty and ${this.label} has no deployed or superseded revision below ${bad} to restore: its history is ${holds}. ${pruned('older revisions')}`,
        'give the version to restore explicitly, or deploy it with helm upgrade instead.',
      )
    }
  }

  /**
   * `helm rollback` to the newest deployed or superseded revision of `version`, guarded:
   * right before it, the history is read again; the release must still hold `expected`
   * (what the plan saw) at the latest revision the last inspect() saw, or already be on
   * `version` ('already'). Otherwise nothing runs and a ChannelMovedError says what it holds.
   */
  async pointChannel(
    channel: string,
    version: string,
    expected: string | undefined,
    incident?: IncidentContext,
  ): Promise<WriteOutcome> {
    if (channel !== this.channel) {
      throw new Error(`${this.label} has one channel, '${this.channel}'; the rollback was planned on '${channel}'.`)
    }
    // the incident's id goes into the revision's description: a re-run can tell it is ours
    const id = incident?.id ?? this.options.incidentId
    this.bad = incident?.bad
    const seenRevision = this.seenRevision
    // the history write() read back after the rollback: the guard's read-back, not read twice
    let readBack: Entry[] | undefined
    const { outcome, state } = await guardedWrite<Entry[]>({
      what: `rolling ${this.label} back to ${version}`,
      channel,
      wanted: version,
      expected: `${expected ?? 'no version'}${seenRevision !== undefined ? ` at revision ${seenRevision}` : ''}`,
      read: async () => {
        const fresh = readBack ?? (await this.history())
        readBack = undefined
        this.refuseLocked(fresh)
        return fresh
      },
      holderOf: (history) => {
        const latest = history.at(-1)
        return `${this.holderOf(history, false) ?? 'no version'}${latest ? ` at revision ${latest.revision} (${latest.status})` : ''}`
      },
      isDone: (history) => {
        const latest = history.at(-1)
        return latest?.status === 'deployed' && latest.version === version
      },
      isExpected: (history) =>
        this.holderOf(history, false) === expected &&
        (seenRevision === undefined || history.at(-1)?.revision === seenRevision),
      write: async (history) => {
        readBack = await this.rollbackTo(history, version, id)
      },
      policy: NO_RETRY,
      log: this.options.log,
      explain: (e) =>
        new RegistryError(
          `Rolling ${this.label} back failed: ${e instanceof Error ? e.message : String(e)}.`,
          'check the release with helm history and re-run.',
        ),
    })
    const latest = state.at(-1)
    if (outcome === 'already' && latest) {
      const byUs = this.written.has(latest.revision) || (id !== undefined && latest.description.includes(id))
      this.revs = { previous: latest.revision, target: latest.revision }
      this.options.log.info(
        `${this.label} is already on ${version} (revision ${latest.revision}${byUs ? `, rolled back by this incident, ${id}` : ''}): no rollback.`,
      )
    }
    this.seenRevision = latest?.revision
    return outcome
  }

  /**
   * Runs `helm rollback` to `version`'s revision in `before` (the guard's fresh read) and
   * returns the history read back, once it shows the new revision deployed with `version`;
   * throws an error that says what to do otherwise.
   */
  private async rollbackTo(before: Entry[], version: string, id: string | undefined): Promise<Entry[]> {
    const latest = before.at(-1)
    const target = before.findLast((e) => e.version === version && RESTORABLE.has(e.status) && e.revision > 0)
    if (!target) {
      throw new RegistryError(
        `${this.label} has no deployed or superseded revision with ${this.what} ${version} to roll back to: its history is ${summarise(before)}. ` +
          `Helm keeps only the newest --history-max revisions (10 unless the deployments set another limit), so it may have been pruned.`,
        `deploy ${version} with helm upgrade instead, or roll back to a version the history still holds.`,
      )
    }
    const helm = await this.version()
    const wait = waitFlags(this.wait, helm)
    const bad = this.bad ?? this.holderOf(before, false)
    const description = truncate(
      `release-rollback${id ? ` ${id}` : ''}: roll back ${bad ?? 'the release'} to ${version} (revision ${target.revision})`,
      MAX_DESCRIPTION,
    )
    const base = [
      'rollback',
      this.options.release,
      String(target.revision),
      ...this.scope(),
      ...wait,
      '--timeout',
      this.options.timeout,
      '--history-max',
      String(this.options.historyMax ?? 0),
    ]
    const checks =
      this.wait === 'none'
        ? `no readiness checks (${helm.major === 3 ? 'no --wait' : 'no --wait: hooks only'})`
        : `the ${this.wait} readiness checks (${wait.join(' ')})`
    this.options.log.info(
      `Rolling ${this.label} back to revision ${target.revision} (${this.what} ${version}, ${target.status}) with helm ${helm.raw}; ` +
        (this.wait === 'none'
          ? `helm does not wait for the workloads to become ready (${setting('helm-wait', 'none')}).`
          : `helm waits up to ${this.options.timeout} for the ${this.wait} readiness checks.`),
    )
    let r: HelmRunResult
    if (mayDescribe(helm)) {
      r = await this.run([...base, '--description', description])
      if (r.exitCode !== 0 && /unknown flag: --description/.test(r.stderr)) {
        // a build of a branch without it (cobra refused the flag: nothing ran)
        this.options.log.info(
          `helm ${helm.raw} has no rollback --description: the revision gets helm's own "Rollback to ${target.revision}".`,
        )
        r = await this.run(base)
      }
    } else {
      r = await this.run(base)
    }
    this.waitNote = `helm ${helm.raw} waited with ${checks}`
    const after = await this.history()
    // ours: a revision above the old top that is a rollback to the planned revision
    const top = latest?.revision ?? 0
    const fresh = after.filter((e) => e.revision > top)
    const created = fresh.findLast((e) => isRollbackTo(e, target))
    const others = fresh.filter((e) => e !== created)
    if (created) this.written.add(created.revision)
    this.revs = { previous: latest?.revision, target: target.revision, created: created?.revision }
    if (others.length > 0) {
      this.options.log.warning(
        `${this.label}: besides ${created ? `revision ${created.revision} (this rollback)` : 'this rollback'}, the history gained ${others.map((e) => `revision ${e.revision} (${e.status}, ${JSON.stringify(firstLine(e.description))})`).join(', ')} while helm rollback ran: another helm operation wrote to the release.`,
      )
    }
    if (created?.status === 'deployed') {
      if (r.exitCode !== 0) {
        this.options.log.warning(
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
      const ns = this.where ? ` -n ${this.options.namespace}` : ''
      throw new RegistryError(
        `helm rollback of ${this.options.release} to revision ${target.revision} (${version}) stopped: its ${hook[1]} hook ${hook[2]} failed (${helmError(r.stderr)}), ` +
          `so helm left the new revision ${created.revision} pending-rollback and the release locked` +
          (hook[1] === 'post-rollback'
            ? `; the workloads were already updated to ${version}.`
            : `; the workloads were not changed.`),
        `see why the hook failed (\`kubectl get jobs,pods${ns}\`, \`helm get hooks ${this.options.release}${ns}\`). ${stillText}` +
          `Clear the lock with \`helm rollback ${this.options.release} ${still?.revision ?? target.revision}${ns}\` (add --no-hooks only if skipping the hook is safe), then re-run.`,
        undefined,
        'HELM_HOOK_FAILED',
      )
    }
    if (created) {
      throw new RegistryError(
        `helm rollback of ${this.options.release} to revision ${target.revision} (${version}) did not succeed: the new revision ${created.revision} is ${created.status} (${JSON.stringify(firstLine(created.description))})` +
          `${r.exitCode !== 0 ? `; helm said: ${helmError(r.stderr)}` : ''}.`,
        `see why the workloads did not become ready (kubectl get pods and events${this.where ? ` in ${this.options.namespace}` : ''}); ${stillText}` +
          `Re-run to try the rollback again, with a longer ${settingName('helm-timeout')} (now ${this.options.timeout}) if they only needed more time.`,
        undefined,
        'HELM_ROLLBACK_FAILED',
      )
    }
    if (r.exitCode !== 0) throw this.explain(r, 'rolling back')
    const now = after.at(-1)
    throw new RegistryError(
      `helm rollback of ${this.options.release} to revision ${target.revision} exited 0, but its history shows no new revision that rolls back to ${target.revision} (latest: ${now ? `${now.revision} ${now.status}, ${JSON.stringify(firstLine(now.description))}` : 'none'}).`,
      'check the release with helm history and re-run.',
    )
  }

  /** Turns helm's stderr into an error that says what to do. */
  private explain(r: HelmRunResult, doing: string): RollbackError {
    const message = helmError(r.stderr) || `exit code ${r.exitCode}`
    const release = this.options.release
    if (/release: not found/.test(message)) {
      return new InputError(
        'release',
        `Helm release ${release} was not found${this.where || " in the kubeconfig context's namespace"}.`,
        `check the release and namespace inputs (\`helm list${this.options.namespace ? ` -n ${this.options.namespace}` : ' --all-namespaces'}\` lists the releases).`,
      )
    }
    if (/Kubernetes cluster unreachable/i.test(message)) {
      return new InputError(
        'kubeconfig',
        `helm cannot reach the cluster (${message}).`,
        'check that the kubeconfig secret names the right cluster and that this runner can reach its API server (a private cluster needs a self-hosted runner or a tunnel).',
      )
    }
    if (/forbidden|unauthorized|must be logged in|provide credentials|token has expired|certificate/i.test(message)) {
      return new InputError(
        'kubeconfig',
        `the cluster refused helm's credentials or their permissions (${message}).`,
        `the kubeconfig's user must be able to read and write helm's release records (Secrets named sh.helm.release.v1.${release}.v*${this.where}) and to update the chart's resources; check the RBAC bound to it and that its token has not expired.`,
      )
    }
    if (/unknown (shorthand )?flag/.test(message)) {
      return new RegistryError(
        `This helm does not know a flag the rollback needs (${message}).`,
        'use helm 3.x or newer.',
      )
    }
    return new RegistryError(
      `${doing.charAt(0).toUpperCase()}${doing.slice(1)} ${this.label} failed: ${message}.`,
      "see helm's message; a re-run is safe.",
      undefined,
      `HELM_EXIT_${r.exitCode}`,
    )
  }
}

/** The revision helm treats as current: the newest `deployed` one. */
function currentRevision(history: Entry[]): Entry | undefined {
  return history.findLast((e) => e.status === 'deployed')
}

/**
 * A revision written by a rollback: helm's default description, ours, helm main's
 * rollback_revision, a failed update (`Rollback "x" failed: ...`), or a failed wait
 * (`Release "x" failed: ...`, which a failed install writes too: an install is revision 1,
 * or follows an uninstalled one with `helm install --replace`).
 */
export function isRollback(e: HelmHistoryEntry, previous: HelmHistoryEntry | undefined): boolean {
  if (
    (e.rollback_revision ?? 0) > 0 ||
    /^Rollback to \d+$/.test(e.description) ||
    OUR_DESCRIPTION.test(e.description) ||
    FAILED_ROLLBACK.test(e.description)
  )
    return true
  return FAILED_RELEASE.test(e.description) && e.revision > 1 && !(previous && /^uninstall/.test(previous.status))
}

/** `e` is a rollback to `target`: helm main's rollback_revision, helm's or our description, or (failed) the target's chart and version. */
function isRollbackTo(e: HelmHistoryEntry, target: HelmHistoryEntry): boolean {
  if (e.rollback_revision !== undefined) return e.rollback_revision === target.revision
  if (e.description === `Rollback to ${target.revision}`) return true
  if (OUR_DESCRIPTION.test(e.description)) return e.description.endsWith(`(revision ${target.revision})`)
  return (
    (FAILED_ROLLBACK.test(e.description) || FAILED_RELEASE.test(e.description)) &&
    e.chart === target.chart &&
    e.app_version === target.app_version
  )
}

/** "revisions 12-21: 1.2.4 (21 deployed), 1.2.3 (20 superseded, 12-19), ..." for messages. */
function summarise(history: Entry[]): string {
  if (history.length === 0) return 'empty'
  const byVersion = new Map<string, Entry[]>()
  for (const e of [...history].reverse()) {
    const key = e.version ?? `${e.app_version || '?'} (${e.chart})`
    byVersion.set(key, [...(byVersion.get(key) ?? []), e])
  }
  const parts = [...byVersion]
    .slice(0, 12)
    .map(([v, es]) => `${v} (${es.map((e) => `${e.revision} ${e.status}`).join(', ')})`)
  const first = history[0].revision
  const last = history.at(-1)?.revision
  return `revisions ${first === last ? first : `${first}-${last}`}: ${parts.join('; ')}${byVersion.size > 12 ? '; ...' : ''}`
}

function isHistoryEntry(x: unknown): x is HelmHistoryEntry {
  const e = x as Record<string, unknown>
  return (
    typeof e === 'object' &&
    e !== null &&
    Number.isInteger(e.revision) &&
    typeof e.status === 'string' &&
    typeof e.chart === 'string' &&
    typeof e.app_version === 'string' &&
    typeof e.description === 'string' &&
    (e.updated === undefined || typeof e.updated === 'string')
  )
}

function parseJson(text: string, command: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    throw new RegistryError(
      `${command} did not print JSON: ${firstLine(text) || '(nothing)'}`,
      'use helm 3 or newer as the helm binary.',
    )
  }
}

/** The `Error: ...` line helm prints (warnings on stderr are skipped). */
function helmError(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
  const error = lines.find((l) => l.startsWith('Error: '))
  return (error ? error.slice('Error: '.length) : (lines.at(-1) ?? '')).slice(0, 500)
}

function truncate(s: string, max: number): string {
  const chars = [...s]
  return chars.length <= max ? s : chars.slice(0, max).join('')
}

function quote(a: string): string {
  return /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`
}
