// Builds a Helm release's target (rolled back to an earlier revision), with its revisions as
// extra outputs and its kubeconfig file removed by dispose().
import type { TargetSpec } from '../../core/request.js'
import type { BuiltTarget, CreateContext } from '../hooks.js'
import { HELM_CHANNEL, type HelmInputs, parseHelmTargetName, parseNamespace, readHelmInputs } from './config.js'
import { KubeconfigFile } from './runner.js'
import { HelmTarget } from './target.js'

/** The release's inputs: the settings readRequest read (else the inputs), and the release as the spec names it. */
function helmInputs(spec: TargetSpec, get: CreateContext['get'], read?: object): HelmInputs {
  if (!read) return readHelmInputs(get, spec.name)
  // the release (and namespace) as the helm: line named it; else the namespace input
  const named = parseHelmTargetName('targets', spec.name)
  const namespace = (named.namespace ?? parseNamespace('namespace', get('namespace'))) || undefined
  return { ...(read as Omit<HelmInputs, 'release' | 'namespace'>), release: named.release, namespace }
}

export function createHelmTarget(spec: TargetSpec, { inputs, get, log, hooks }: CreateContext): BuiltTarget {
  const h = helmInputs(spec, get, hooks.settings?.[spec.kind])
  const name = `${h.namespace ?? 'default'}/${h.release}`
  // the content is a secret: a private file, written only when helm first runs (a dry
  // run too: helm reads the history through it) and removed by extras.dispose()
  const kubeconfig = h.kubeconfig ? new KubeconfigFile(h.kubeconfig) : undefined
  const target = new HelmTarget({
    release: h.release,
    namespace: h.namespace,
    match: h.match,
    timeout: h.timeout,
    wait: h.wait,
    kubeconfig,
    kubeContext: h.kubeContext,
    channel: HELM_CHANNEL,
    request: { ...inputs, packageName: name },
    log,
  })
  return {
    target,
    extras: {
      outputs: async () => {
        const r = target.revisions
        const str = (n: number | undefined) => (n !== undefined ? String(n) : '')
        return {
          'previous-revision': str(r.previous),
          'restored-revision': str(r.target),
          'new-revision': str(r.created),
        }
      },
      dispose: () => target.dispose(),
    },
    name,
    channel: HELM_CHANNEL,
  }
}
