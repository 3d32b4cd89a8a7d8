// A Helm release that Flux or Argo CD deploys: a `helm rollback` does not last there (Flux's
// helm-controller upgrades it back at its next reconcile; Argo CD re-applies what Git says), so the
// target refuses it before any write and points at the gitops target (issue 23).
//
// Where the controller shows, without `helm status` (helm 4's fetches every live object):
// - `helm history -o json` has no labels (releaseInfo: revision, updated, status, chart, app_version,
//   description), and Flux leaves helm's own descriptions ("Install complete", "Upgrade complete").
// - `helm get metadata -o json` (helm >= 3.13) has `annotations` (the chart's Chart.yaml ones) and,
//   from helm 4.0 only, `labels` (the release's storage labels, pkg/action/get_metadata.go); Flux
//   sets no storage labels (fluxcd/helm-controller internal/action: none are passed).
// - `helm get manifest` prints the stored manifest, which helm stores post-rendered (helm
//   pkg/action/action.go renderResources runs the post-renderer before the manifest is kept), and
//   only storage is read (action.Get: IsReachable, then releaseContent). Flux's helm-controller
//   post-renders every resource with the labels `helm.toolkit.fluxcd.io/name` and
//   `helm.toolkit.fluxcd.io/namespace` (fluxcd/helm-controller internal/postrender/build.go
//   NewOriginLabels(v2.GroupVersion.Group, …), common_renderer.go originLabels: `<group>/name`,
//   `<group>/namespace`, group helm.toolkit.fluxcd.io). That is what is read here.
// - Argo CD renders charts with `helm template` and keeps no release; its tracking annotation
//   `argocd.argoproj.io/tracking-id` (`<app>:<group>/<kind>:<namespace>/<name>`, argoproj/argo-cd
//   AnnotationKeyAppInstance) and the label `argocd.argoproj.io/instance` (the documented custom
//   application.instanceLabelKey; the default label app.kubernetes.io/instance is every chart's and
//   says nothing) are set on the live objects, not in helm's storage. A stored manifest carries them
//   only where the chart itself rendered them; the check takes them when it does (conservative: a
//   release Argo CD also syncs but whose manifest lacks them is not caught).
import { RollbackError } from '../../core/errors.js'

export interface Controller {
  /** 'Flux' or 'Argo CD' */
  name: string
  /** the object that deploys the release: "HelmRelease prod/acme", "Application acme" */
  owner: string
  /** the mark found in the manifest */
  mark: string
}

/** A YAML line `key: value` for one of the marks (quotes around either side allowed). */
const mark = (key: string) =>
  new RegExp(`^\\s*["']?${key.replace(/[./]/g, '\\$&')}["']?\\s*:\\s*["']?([^"'\\s#]+)`, 'm')
const FLUX_NAME = mark('helm.toolkit.fluxcd.io/name')
const FLUX_NAMESPACE = mark('helm.toolkit.fluxcd.io/namespace')
const ARGO_TRACKING = mark('argocd.argoproj.io/tracking-id')
const ARGO_INSTANCE = mark('argocd.argoproj.io/instance')

/** The GitOps controller the stored manifest names, if any. */
export function controllerOf(manifest: string): Controller | undefined {
  const flux = FLUX_NAME.exec(manifest)
  if (flux) {
    const ns = FLUX_NAMESPACE.exec(manifest)?.[1]
    return {
      name: 'Flux',
      owner: `HelmRelease ${ns ? `${ns}/` : ''}${flux[1]}`,
      mark: 'the label helm.toolkit.fluxcd.io/name',
    }
  }
  const tracking = ARGO_TRACKING.exec(manifest)
  if (tracking)
    return {
      name: 'Argo CD',
      owner: `Application ${tracking[1].split(':')[0]}`,
      mark: 'the annotation argocd.argoproj.io/tracking-id',
    }
  const instance = ARGO_INSTANCE.exec(manifest)
  if (instance)
    return { name: 'Argo CD', owner: `Application ${instance[1]}`, mark: 'the label argocd.argoproj.io/instance' }
  return undefined
}

/** The refusal: names the controller and points at the gitops target. */
export function managedError(label: string, c: Controller): RollbackError {
  const reverts =
    c.name === 'Flux'
      ? "Flux's helm-controller upgrades it back to what the HelmRelease says at its next reconcile"
      : 'Argo CD applies what Git says again at its next sync (self-heal does so within seconds)'
  return new RollbackError(
    `${label} is managed by ${c.name} (${c.owner}: its manifest carries ${c.mark}), so a helm rollback would not last: ${reverts}. Nothing was rolled back.`,
    `roll back the version in the GitOps repository instead, with a gitops target (targets: gitops:<path>#<key>, for example gitops:deploy/prod/values.yaml#image.tag; see docs/gitops.md), and leave this release out.`,
  )
}
