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
//
// The class keeps the adapter's methods; the history's rows (history.ts), helm's version
// (version.ts), the reads (reads.ts), the rollback (rollback.ts) and the messages
// (explain.ts) are in their own files.
import { RegistryError, RollbackError } from '../../core/errors.js'
import { guardedWrite } from '../../core/guard.js'
import type { PackageState } from '../../core/plan.js'
import type { IncidentContext, Target, WriteOutcome } from '../../core/target.js'
import { firstLine } from '../../core/util.js'
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
import { controllerOf, managedError } from './controller.js'
import { explain } from './explain.js'
import {
  chartVersionOf,
  type Entry,
  type HelmHistoryEntry,
  type HelmRevisions,
  HISTORY_READ_MAX,
  isHistoryEntry,
  normaliseVersion,
  OUR_DESCRIPTION,
  parseJson,
  quote,
} from './history.js'
import type { HelmTargetOptions } from './options.js'
import { explainRequest, holderOf, type HelmView, refuseLocked, versionsOf } from './reads.js'
import { type HelmRollbackHost, rollbackTo } from './rollback.js'
import { execHelm, KubeconfigFile, type HelmRunner, type HelmRunResult } from './runner.js'
import { type HelmVersion, parseHelmVersion, waitFlags } from './version.js'

export {
  chartVersionOf,
  HISTORY_READ_MAX,
  isRollback,
  MAX_DESCRIPTION,
  normaliseVersion,
  type HelmHistoryEntry,
  type HelmRevisions,
} from './history.js'
export type { HelmRequest, HelmTargetOptions } from './options.js'
export { mayDescribe, parseHelmVersion, waitFlags, type HelmVersion } from './version.js'

/** `helm rollback --wait` is never repeated on its own: a failed one is reported, and a re-run tries again. */
const NO_RETRY = { attempts: 1, baseDelayMs: 0, maxDelayMs: 0, deadlineMs: 0 }

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
   * fetch every live object of the release, Secrets too), and helm-wait suits this helm. A
   * release Flux or Argo CD deploys (its stored manifest says so: ./controller.ts) is refused.
   */
  async checkAccess(): Promise<void> {
    const [r, v, m] = await Promise.all([
      this.run(['history', this.options.release, ...this.scope(), '-o', 'json', '--max', '1']),
      this.version(),
      // the stored manifest of the latest revision: the marks of Flux or Argo CD (./controller.ts)
      this.run(['get', 'manifest', this.options.release, ...this.scope()]),
    ])
    if (r.exitCode !== 0) throw this.explain(r, 'reading the history of')
    if (m.exitCode !== 0) throw this.explain(m, 'reading the manifest of')
    const controller = controllerOf(m.stdout)
    if (controller) throw managedError(this.label, controller)
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
      versions: versionsOf(history, holder),
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
    explainRequest(this.view(), state, history)
    return state
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
        readBack = await rollbackTo(this.host(), history, version, id)
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

  /** What the reads and messages need to know of this target (reads.ts). */
  private view(): HelmView {
    return {
      label: this.label,
      what: this.what,
      where: this.where,
      options: this.options,
      channel: this.channel,
      match: this.match,
      holder: this.holder,
      written: this.written,
    }
  }

  /** What the rollback (rollback.ts) needs of this target, and where it records what it wrote. */
  private host(): HelmRollbackHost {
    return {
      ...this.view(),
      wait: this.wait,
      bad: this.bad,
      run: (args) => this.run(args),
      history: () => this.history(),
      version: () => this.version(),
      scope: () => this.scope(),
      holderOf: (history, warn) => this.holderOf(history, warn),
      explain: (r, doing) => this.explain(r, doing),
      wrote: (revision) => {
        this.written.add(revision)
      },
      setRevisions: (revs) => {
        this.revs = revs
      },
      setWaitNote: (note) => {
        this.waitNote = note
      },
    }
  }

  /**
   * What the channel holds (see the top of this file). `warn`: say so when the latest
   * revision failed or the release is not deployed.
   */
  private holderOf(history: Entry[], warn: boolean): string | undefined {
    return holderOf(this.view(), history, warn)
  }

  /** Stops when another operation holds the release (its latest revision is pending-*). */
  private refuseLocked(history: Entry[]): void {
    refuseLocked(this.view(), history)
  }

  /** Turns helm's stderr into an error that says what to do. */
  private explain(r: HelmRunResult, doing: string): RollbackError {
    return explain(this.view(), r, doing)
  }
}
