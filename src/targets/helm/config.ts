// The Helm adapter's own inputs: parsed and checked here, before helm runs.
import type { InputReader } from '../../core/reader.js'
import { InputError } from '../../core/errors.js'

/** The name of a release's one channel. */
export const HELM_CHANNEL = 'deployed'

export type HelmMatch = 'app-version' | 'chart-version'

/** Helm's release name rule (chartutil.ValidateReleaseName). */
export function parseReleaseName(name: string, raw: string): string {
  const v = raw.trim()
  if (v.length > 53 || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(v)) {
    throw new InputError(
      name,
      `${JSON.stringify(raw.slice(0, 80))} is not a Helm release name.`,
      'give the release name as `helm list` shows it (lower-case letters, digits, "-" and ".", at most 53 characters).',
    )
  }
  return v
}

/** A Kubernetes namespace (a DNS label); '' when unset. */
export function parseNamespace(name: string, raw: string): string {
  const v = raw.trim()
  if (v !== '' && !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(v)) {
    throw new InputError(
      name,
      `${JSON.stringify(raw.slice(0, 80))} is not a Kubernetes namespace.`,
      "give the namespace as `kubectl get namespaces` shows it, or leave it empty for the kubeconfig context's namespace.",
    )
  }
  return v
}

export function parseHelmMatch(name: string, raw: string): HelmMatch {
  const v = raw.trim() || 'app-version'
  if (v !== 'app-version' && v !== 'chart-version') {
    throw new InputError(
      name,
      `${JSON.stringify(v.slice(0, 40))} is not app-version or chart-version.`,
      "use app-version (compare versions with the chart's appVersion) or chart-version (with the chart's version).",
    )
  }
  return v
}

/** A Go duration as helm's --timeout takes it (5m, 300s, 1h30m); default 5m. */
export function parseHelmTimeout(name: string, raw: string): string {
  const v = raw.trim() || '5m'
  if (!/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(v) || !/[1-9]/.test(v)) {
    throw new InputError(
      name,
      `${JSON.stringify(v.slice(0, 40))} is not a duration helm accepts.`,
      'use a Go duration such as 5m, 300s or 1h30m.',
    )
  }
  return v
}

/**
 * Which readiness checks `helm rollback` waits for: `legacy` (helm 3's `--wait`, helm 4's
 * `--wait=legacy`: the default, so both majors check the same), `watcher` (helm 4's kstatus
 * watcher, `--wait=watcher`; helm 3 has none) or `none` (no wait flag: helm 3 waits for
 * nothing, helm 4 for hooks only).
 */
export type HelmWait = 'legacy' | 'watcher' | 'none'
export const HELM_WAITS: readonly HelmWait[] = ['legacy', 'watcher', 'none']

export function parseHelmWait(name: string, raw: string): HelmWait {
  const v = raw.trim() || 'legacy'
  if (!(HELM_WAITS as readonly string[]).includes(v)) {
    throw new InputError(
      name,
      `${JSON.stringify(v.slice(0, 40))} is not legacy, watcher or none.`,
      "use legacy (the default: the readiness checks helm 3's --wait runs, on helm 3 and 4 alike), watcher (helm 4's --wait=watcher) or none (no wait).",
    )
  }
  return v as HelmWait
}

/** A Helm release as a `helm:` target names it: `release`, or `namespace/release`. */
export interface HelmReleaseName {
  /** undefined: the namespace input, else the kubeconfig context's */
  namespace?: string
  release: string
}

/** `acme-prod` or `prod/acme-app` (a Kubernetes namespace, a slash, a Helm release name). */
export function parseHelmTargetName(name: string, raw: string): HelmReleaseName {
  const v = raw.trim()
  const parts = v.split('/')
  if (parts.length > 2 || parts.some((p) => p === '')) {
    throw new InputError(
      name,
      `${JSON.stringify(raw.slice(0, 80))} is not a Helm release (release or namespace/release).`,
      'name the release as `helm list` shows it, such as acme-prod, or prefix its namespace: prod/acme-prod.',
    )
  }
  if (parts.length === 1) return { release: parseReleaseName(name, parts[0]) }
  return { namespace: parseNamespace(name, parts[0]), release: parseReleaseName(name, parts[1]) }
}

export interface HelmInputs {
  release: string
  namespace?: string
  match: HelmMatch
  timeout: string
  wait: HelmWait
  /** the kubeconfig file's content (a secret); empty: helm's default */
  kubeconfig?: string
  kubeContext?: string
}

/** The Helm settings every release of the run shares (the release and namespace aside). */
export function readHelmSettings(get: InputReader): Omit<HelmInputs, 'release' | 'namespace'> {
  return {
    match: parseHelmMatch('helm-match', get('helm-match')),
    timeout: parseHelmTimeout('helm-timeout', get('helm-timeout')),
    wait: parseHelmWait('helm-wait', get('helm-wait')),
    kubeconfig: get('kubeconfig').trim() || undefined,
    kubeContext: get('kube-context').trim() || undefined,
  }
}

/**
 * The Helm inputs. `target`: the release as a `helm:` line of the targets input named it
 * (`release` or `namespace/release`, already checked); it replaces the release input, and
 * its namespace, when it has one, the namespace input.
 */
export function readHelmInputs(get: InputReader, target?: string): HelmInputs {
  const named = target === undefined ? undefined : parseHelmTargetName('targets', target)
  return {
    release: named ? named.release : parseReleaseName('release', get('release')),
    namespace: (named?.namespace ?? parseNamespace('namespace', get('namespace'))) || undefined,
    ...readHelmSettings(get),
  }
}

/** `namespace/release`, as an incident names a Helm release (no namespace: the namespace input, else default). */
export function helmIncidentName(name: string, get: InputReader): string {
  const h = parseHelmTargetName('targets', name)
  return `${h.namespace ?? (parseNamespace('namespace', get('namespace')) || 'default')}/${h.release}`
}

/** `target: helm` with no targets input: the release input (and namespace) name the one release. */
export function readHelmShorthand(get: InputReader): { packageName: string } {
  // namespace/release: same-named releases in two namespaces are two incidents
  if (get('release').trim() === '')
    throw new InputError('release', 'is required with target: helm.', 'give the Helm release name, such as acme-app.')
  return {
    packageName: `${parseNamespace('namespace', get('namespace')) || 'default'}/${parseReleaseName('release', get('release'))}`,
  }
}

/**
 * The shorthand's release as a `helm:` target names it: with `get`, `release` (the
 * kubeconfig context's namespace) or `namespace/release` from the inputs; without it, as the
 * incident names it (`default/release` when the namespace input is empty).
 */
export function helmShorthandNames(request: { packageName: string }, get?: InputReader): string[] {
  if (!get) return [request.packageName]
  const namespace = parseNamespace('namespace', get('namespace'))
  const release = parseReleaseName('release', get('release'))
  return [namespace ? `${namespace}/${release}` : release]
}
