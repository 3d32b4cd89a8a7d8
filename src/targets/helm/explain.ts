// helm's failures in words that say what to do.
import { InputError, RegistryError, type RollbackError } from '../../core/errors.js'
import { helmError } from './history.js'
import type { HelmView } from './reads.js'
import type { HelmRunResult } from './runner.js'

/** Turns helm's stderr into an error that says what to do. */
export function explain(t: HelmView, r: HelmRunResult, doing: string): RollbackError {
  const message = helmError(r.stderr) || `exit code ${r.exitCode}`
  const release = t.options.release
  if (/release: not found/.test(message)) {
    return new InputError(
      'release',
      `Helm release ${release} was not found${t.where || " in the kubeconfig context's namespace"}.`,
      `check the release and namespace inputs (\`helm list${t.options.namespace ? ` -n ${t.options.namespace}` : ' --all-namespaces'}\` lists the releases).`,
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
      `the kubeconfig's user must be able to read and write helm's release records (Secrets named sh.helm.release.v1.${release}.v*${t.where}) and to update the chart's resources; check the RBAC bound to it and that its token has not expired.`,
    )
  }
  if (/unknown (shorthand )?flag/.test(message)) {
    return new RegistryError(
      `This helm does not know a flag the rollback needs (${message}).`,
      'use helm 3.x or newer.',
    )
  }
  return new RegistryError(
    `${doing.charAt(0).toUpperCase()}${doing.slice(1)} ${t.label} failed: ${message}.`,
    "see helm's message; a re-run is safe.",
    undefined,
    `HELM_EXIT_${r.exitCode}`,
  )
}
