// What a Helm target is given: the release, how to reach it, and the rollback being run.
import type { Logger } from '../../core/target.js'
import type { HelmMatch, HelmWait } from './config.js'
import type { HelmRunner, KubeconfigFile } from './runner.js'

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
