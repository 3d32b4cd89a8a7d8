// A stand-in `helm` executable: no helm binary or Kubernetes cluster can run here, so the
// Helm target is tested against this script, which answers the three commands the target
// uses (`history`, `status`, `rollback`) the way the real CLI does: the same flags, the
// same JSON (byte for byte: Go's encoding/json output of helm's own structs, one line and a
// newline), the same error lines on stderr ("Error: ..."), exit code 1 on failure.
//
// The release records live in a JSON state file, so consecutive invocations are stateful
// as they are against a cluster (helm keeps them in Secrets). Every invocation appends its
// argument vector to a calls log, and the environment it was started with to an env log
// (so a test can check what helm is allowed to see).
//
// Three flavours, because the CLIs differ in ways the target must handle (each checked
// against helm's source at that tag: cmd/helm/*.go in v3, pkg/cmd/*.go in v4):
// - '3.19': helm v3.19.0 (the same JSON and flags through v3.21.4). `version --short` prints
//   `v3.19.0+g3d8990f`. `rollback` has no --description, and `--wait` is a bool (the legacy
//   readiness checks); `history` prints `"updated":""` for a zero time; `status` prints `"deleted":""`.
// - '4.2': helm v4.2.4. `version --short`: `v4.2.4+g3900f43`.
//   `rollback` has no --description either; `--wait` is a strategy (pkg/cmd/flags.go
//   AddWaitFlag): bare `--wait` is `watcher`, a value needs `=` (`--wait=legacy`), left out it
//   is `hookOnly`; zero times are left out; no `rollback_revision`; `apply_method` on the release.
// - 'main': helm main at e9b85e4 (2026-08-20), built with `make` (no exact tag, so the version
//   is version.go's `v4.2` with metadata `unreleased`): `v4.2+unreleased+ge9b85e4`. As 4.2,
//   plus `rollback --description` (PR #31580) and `rollback_revision` in history and status.
// Unknown flags are refused as cobra refuses them (`Error: unknown flag: --description`, exit
// code 1, nothing run).
// Where the JSON comes from (struct field order = key order, `omitempty` honoured):
// - history: `releaseInfo` in cmd/helm/history.go (v3) / pkg/cmd/history.go (v4), tags
//   revision, updated, status, chart, app_version, [rollback_revision,] description;
//   chart is `<chart name>-<chart version>`, app_version the chart's appVersion.
// - status: the `release.Release` (pkg/release/release.go, pkg/release/info.go; v4:
//   pkg/release/v1/) with the chart stripped (`rel.Chart = nil` in the status command, so
//   there is no "chart" key): name, info{first_deployed, last_deployed, deleted,
//   description, status, [rollback_revision,] notes}, config, manifest, hooks, version,
//   namespace, [apply_method].
// Behaviour copied from pkg/action/rollback.go and pkg/storage/storage.go:
// - rollback to REV (0 = the one before the latest) makes revision latest+1 with the
//   target's chart, config and manifest; on success every `deployed` revision becomes
//   `superseded` and the new one `deployed`; description "Rollback to REV" unless
//   --description. It does NOT refuse a release whose latest revision is pending-* (only
//   `helm upgrade` says "another operation (install/upgrade/rollback) is in progress").
// - a failure while waiting (v3 --wait; v4 --wait=legacy or watcher): the new revision is
//   `failed` with description `Release "NAME" failed: <why>` (install failures use the same
//   text), the current one stays `deployed`; without a wait, a failed update marks the
//   current `superseded` and the new one `failed` with `Rollback "NAME" failed: <why>`.
// - a failed pre-rollback or post-rollback hook (pkg/action/hooks.go: `warning: Hook
//   pre-rollback PATH failed: <why>`): the error returns before the release is updated, so
//   the new revision stays `pending-rollback` (and the current one `deployed`).
// - before writing, revisions beyond --history-max (default $HELM_MAX_HISTORY or 10; 0 =
//   keep all) are pruned oldest first, never the last deployed one.
import { appendFileSync, chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

/**
 * One revision as a test describes it.
 * @typedef {{
 *   status: 'deployed' | 'superseded' | 'failed' | 'pending-install' | 'pending-upgrade' | 'pending-rollback' | 'uninstalled' | 'uninstalling' | 'unknown',
 *   appVersion: string,
 *   chartVersion?: string,
 *   chart?: string,
 *   description?: string,
 *   updated?: string,
 *   rollbackRevision?: number,
 *   config?: Record<string, unknown>
 * }} RevisionSpec
 * @typedef {{ phase: 'pre-rollback' | 'post-rollback', why: string, path?: string }} HookFailure
 * A GitOps controller that deployed the release, as its marks show in the stored manifest: Flux's
 * helm-controller post-renders every resource with the labels helm.toolkit.fluxcd.io/name and
 * helm.toolkit.fluxcd.io/namespace (fluxcd/helm-controller internal/postrender/build.go NewOriginLabels,
 * common_renderer.go originLabels), and helm stores the post-rendered manifest (pkg/action/action.go
 * renderResources). Argo CD's annotation argocd.argoproj.io/tracking-id (`<app>:<group>/<kind>:<ns>/<name>`)
 * is on the live objects it applies; a stored manifest carries it only where the chart rendered it.
 * @typedef {'flux' | 'argocd'} Controller
 * @typedef {{ chart?: string, revisions: RevisionSpec[], failRollback?: string, failHook?: HookFailure, controller?: Controller }} ReleaseSpec
 * @typedef {'3.19' | '4.2' | 'main'} Flavor
 * @typedef {{
 *   flavor?: Flavor,
 *   releases: Record<string, ReleaseSpec>,
 *   unreachable?: boolean,
 *   forbidden?: boolean
 * }} StandinOptions
 * The stored record: the fields of helm's release.Release the commands print or use.
 * @typedef {{
 *   name: string, namespace: string, version: number,
 *   info: { first_deployed: string, last_deployed: string, deleted: string, description: string, status: string, rollback_revision?: number, notes?: string },
 *   chart: { metadata: { apiVersion: string, name: string, version: string, appVersion: string, type: string } },
 *   config: Record<string, unknown>, manifest: string, apply_method?: string
 * }} StoredRelease
 * @typedef {{
 *   flavor: Flavor, unreachable: boolean, forbidden: boolean,
 *   releases: Record<string, StoredRelease[]>,
 *   failRollback: Record<string, string>,
 *   failHook: Record<string, HookFailure>
 * }} State
 */

const HERE = fileURLToPath(import.meta.url)

/**
 * What each flavour is: `helm version --short` (formatVersion: `<version>+g<commit[:7]>`),
 * its major, and the two differences of main from v4.2.4.
 * @type {Record<Flavor, { short: string, major: 3 | 4, description: boolean, rollbackRevision: boolean }>}
 */
export const FLAVORS = {
  3.19: { short: 'v3.19.0+g3d8990f', major: 3, description: false, rollbackRevision: false },
  4.2: { short: 'v4.2.4+g3900f43', major: 4, description: false, rollbackRevision: false },
  main: { short: 'v4.2+unreleased+ge9b85e4', major: 4, description: true, rollbackRevision: true },
}
/** @param {Flavor} flavor */
const isV3 = (flavor) => FLAVORS[flavor].major === 3
const BASE_TIME = Date.parse('2026-11-20T09:00:00Z')

/**
 * A Go RFC3339Nano time in UTC, as encoding/json prints time.Time (trailing zeros trimmed).
 * @param {number} ms epoch milliseconds @param {number} [nanos] the nanoseconds below the millisecond (0-999999)
 */
export function goTime(ms, nanos = 0) {
  const iso = new Date(ms).toISOString() // 2026-11-20T09:00:00.000Z
  const frac = (String(ms % 1000).padStart(3, '0') + String(nanos).padStart(6, '0')).replace(/0+$/, '')
  return `${iso.slice(0, 19)}${frac ? `.${frac}` : ''}Z`
}

/**
 * Writes a `helm` executable and its state into a fresh temp dir.
 * @param {StandinOptions} options
 */
export function createHelmStandin(options) {
  const dir = mkdtempSync(join(tmpdir(), 'rr-helm-'))
  const stateFile = join(dir, 'state.json')
  const callsFile = join(dir, 'calls.jsonl')
  const envFile = join(dir, 'env.jsonl')
  /** @type {State} */
  const flavor = options.flavor ?? 'main'
  if (!(flavor in FLAVORS)) throw new Error(`no helm stand-in flavour ${flavor}: ${Object.keys(FLAVORS).join(', ')}`)
  const state = {
    flavor,
    unreachable: !!options.unreachable,
    forbidden: !!options.forbidden,
    releases: {},
    failRollback: {},
    failHook: {},
  }
  for (const [key, spec] of Object.entries(options.releases)) {
    state.releases[key] = buildRecords(key, spec, state.flavor)
    if (spec.failRollback) state.failRollback[key] = spec.failRollback
    if (spec.failHook) state.failHook[key] = spec.failHook
  }
  writeFileSync(stateFile, JSON.stringify(state, null, 2))
  writeFileSync(callsFile, '')
  writeFileSync(envFile, '')
  const path = join(dir, 'helm')
  // CommonJS launcher (no package.json here says "module"): loads this file and runs main()
  writeFileSync(
    path,
    `#!/usr/bin/env node\n` +
      `require('node:fs').appendFileSync(${JSON.stringify(envFile)}, JSON.stringify(process.env) + '\\n')\n` +
      `process.env.HELM_STANDIN_STATE = ${JSON.stringify(stateFile)}\n` +
      `process.env.HELM_STANDIN_CALLS = ${JSON.stringify(callsFile)}\n` +
      `import(${JSON.stringify(pathToFileURL(HERE).href)}).then((m) => m.main(process.argv.slice(2)))\n`,
  )
  chmodSync(path, 0o755)
  const read = () => /** @type {State} */ (JSON.parse(readFileSync(stateFile, 'utf8')))
  return {
    path,
    dir,
    /** the stored records, per `namespace/name` */
    state: read,
    /** every argument vector helm was called with, in order */
    calls: () =>
      readFileSync(callsFile, 'utf8')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => /** @type {string[]} */ (JSON.parse(l))),
    /** the environment of every invocation, in order (as the process started, before the launcher's own variables) */
    envs: () =>
      readFileSync(envFile, 'utf8')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => /** @type {Record<string, string>} */ (JSON.parse(l))),
    /** @param {(s: State) => void} change */
    update(change) {
      const s = read()
      change(s)
      writeFileSync(stateFile, JSON.stringify(s, null, 2))
    },
    /** the history rows as `helm history` derives them (for assertions) */
    history: (/** @type {string} */ key) => (read().releases[key] ?? []).map((r) => historyRow(r, read().flavor)),
  }
}

/**
 * @param {string} key @param {ReleaseSpec} spec @param {Flavor} flavor
 * @returns {StoredRelease[]}
 */
function buildRecords(key, spec, flavor) {
  const [namespace, name] = key.split('/')
  const first = spec.revisions[0]
  const firstDeployed = first?.updated ?? goTime(BASE_TIME + 60_482, 913_771)
  return spec.revisions.map((r, i) => {
    const version = i + 1
    const chartName = r.chart ?? spec.chart ?? name
    const chartVersion = r.chartVersion ?? r.appVersion.replace(/^v/, '')
    const description = r.description ?? (version === 1 ? 'Install complete' : 'Upgrade complete')
    /** @type {StoredRelease} */
    const rec = {
      name,
      namespace,
      version,
      info: {
        first_deployed: firstDeployed,
        last_deployed: r.updated ?? goTime(BASE_TIME + version * 3_600_000 + 60_482, 913_771 + version),
        deleted: '',
        description,
        status: r.status,
        ...(r.rollbackRevision && FLAVORS[flavor].rollbackRevision ? { rollback_revision: r.rollbackRevision } : {}),
        notes: `1. Get the application URL by running these commands:\n  kubectl --namespace ${namespace} port-forward svc/${name} 8080:80\n`,
      },
      chart: {
        metadata: {
          apiVersion: 'v2',
          name: chartName,
          version: chartVersion,
          appVersion: r.appVersion,
          type: 'application',
        },
      },
      config: r.config ?? {},
      manifest: manifestFor(name, r.appVersion, spec.controller, namespace),
      ...(!isV3(flavor) ? { apply_method: 'ssa' } : {}),
    }
    return rec
  })
}

/** @param {string} name @param {string} appVersion @param {Controller} [controller] @param {string} [namespace] */
function manifestFor(name, appVersion, controller, namespace = 'default') {
  const marks =
    controller === 'flux'
      ? `  labels:\n    helm.toolkit.fluxcd.io/name: ${name}\n    helm.toolkit.fluxcd.io/namespace: ${namespace}\n`
      : controller === 'argocd'
        ? `  annotations:\n    argocd.argoproj.io/tracking-id: ${name}:apps/Deployment:${namespace}/${name}\n`
        : ''
  return `---\n# Source: ${name}/templates/deployment.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n${marks}spec:\n  template:\n    spec:\n      containers:\n        - name: ${name}\n          image: "ghcr.io/acme/${name}:${appVersion}"\n`
}

// ---------------------------------------------------------------------------------------
// The JSON helm prints
// ---------------------------------------------------------------------------------------

/** One `helm history -o json` row: helm's releaseInfo. @param {StoredRelease} r @param {Flavor} flavor */
export function historyRow(r, flavor) {
  const chart = `${r.chart.metadata.name}-${r.chart.metadata.version}`
  if (isV3(flavor)) {
    return {
      revision: r.version,
      updated: r.info.last_deployed,
      status: r.info.status,
      chart,
      app_version: r.chart.metadata.appVersion,
      description: r.info.description,
    }
  }
  return {
    revision: r.version,
    ...(r.info.last_deployed ? { updated: r.info.last_deployed } : {}),
    status: r.info.status,
    chart,
    app_version: r.chart.metadata.appVersion,
    ...(r.info.rollback_revision && FLAVORS[flavor].rollbackRevision
      ? { rollback_revision: r.info.rollback_revision }
      : {}),
    description: r.info.description,
  }
}

/**
 * JSON as Go's json.Encoder writes it (helm's output.EncodeJSON): compact, a newline, and
 * <, >, &, U+2028, U+2029 escaped (SetEscapeHTML is left on).
 * @param {unknown} value
 */
export function goJson(value) {
  return (
    JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) +
    '\n'
  )
}

/** A Go map[string]interface{} prints its keys sorted. @param {unknown} v @returns {unknown} */
function sortedMaps(v) {
  if (Array.isArray(v)) return v.map(sortedMaps)
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sortedMaps(/** @type {any} */ (v)[k])]),
    )
  return v
}

/** `helm status -o json`: the release with the chart stripped. @param {StoredRelease} r @param {Flavor} flavor */
export function statusObject(r, flavor) {
  const i = r.info
  const info = isV3(flavor)
    ? {
        first_deployed: i.first_deployed,
        last_deployed: i.last_deployed,
        deleted: i.deleted, // helm's time.Time prints "" for zero, and the tag has no omitempty
        ...(i.description ? { description: i.description } : {}),
        ...(i.status ? { status: i.status } : {}),
        ...(i.notes ? { notes: i.notes } : {}),
      }
    : {
        ...(i.first_deployed ? { first_deployed: i.first_deployed } : {}),
        ...(i.last_deployed ? { last_deployed: i.last_deployed } : {}),
        ...(i.deleted ? { deleted: i.deleted } : {}),
        ...(i.description ? { description: i.description } : {}),
        ...(i.status ? { status: i.status } : {}),
        ...(i.rollback_revision && FLAVORS[flavor].rollbackRevision ? { rollback_revision: i.rollback_revision } : {}),
        ...(i.notes ? { notes: i.notes } : {}),
      }
  return {
    ...(r.name ? { name: r.name } : {}),
    info,
    ...(Object.keys(r.config).length > 0 ? { config: sortedMaps(r.config) } : {}),
    ...(r.manifest ? { manifest: r.manifest } : {}),
    ...(r.version ? { version: r.version } : {}),
    ...(r.namespace ? { namespace: r.namespace } : {}),
    ...(!isV3(flavor) && r.apply_method ? { apply_method: r.apply_method } : {}),
  }
}

// ---------------------------------------------------------------------------------------
// The command line (cobra/pflag rules: `--flag value`, `--flag=value`, `-n value`, `-nvalue`)
// ---------------------------------------------------------------------------------------

const GLOBAL_FLAGS = {
  namespace: 'string',
  kubeconfig: 'string',
  'kube-context': 'string',
  debug: 'bool',
}
const SHORT = { n: 'namespace', o: 'output' }
/** @type {Record<string, Record<string, 'string' | 'bool' | 'optional'>>} */
const COMMAND_FLAGS = {
  history: { output: 'string', max: 'string' },
  'history-main': { output: 'string', max: 'string', 'show-rollback-revision': 'bool' },
  version: { short: 'bool', template: 'string' },
  get: { revision: 'string' },
  status: { output: 'string', revision: 'string', 'show-desc': 'bool', 'show-resources': 'bool' },
  'rollback-v3': {
    'dry-run': 'bool',
    'recreate-pods': 'bool',
    force: 'bool',
    'no-hooks': 'bool',
    timeout: 'string',
    wait: 'bool',
    'wait-for-jobs': 'bool',
    'cleanup-on-fail': 'bool',
    'history-max': 'string',
  },
  'rollback-v4': {
    'force-replace': 'bool',
    force: 'bool',
    'force-conflicts': 'bool',
    'server-side': 'string',
    'no-hooks': 'bool',
    timeout: 'string',
    wait: 'optional', // --wait alone means 'watcher'; a value needs '='
    'wait-for-jobs': 'bool',
    'cleanup-on-fail': 'bool',
    'history-max': 'string',
    'dry-run': 'optional',
  },
}
/** @param {Flavor} flavor */
const rollbackFlags = (flavor) =>
  isV3(flavor)
    ? COMMAND_FLAGS['rollback-v3']
    : FLAVORS[flavor].description
      ? { ...COMMAND_FLAGS['rollback-v4'], description: 'string' }
      : COMMAND_FLAGS['rollback-v4']

class CliError extends Error {}

/**
 * @param {string[]} argv @param {Record<string, 'string' | 'bool' | 'optional'>} known
 * @returns {{ args: string[], flags: Record<string, string> }}
 */
function parseFlags(argv, known) {
  const table = { ...GLOBAL_FLAGS, ...known }
  /** @type {Record<string, string>} */
  const flags = {}
  const args = []
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--') {
      args.push(...argv.slice(i + 1))
      break
    }
    let name
    let value
    if (a.startsWith('--')) {
      const eq = a.indexOf('=')
      name = eq === -1 ? a.slice(2) : a.slice(2, eq)
      value = eq === -1 ? undefined : a.slice(eq + 1)
      if (!(name in table)) throw new CliError(`unknown flag: --${name}`)
    } else if (a.startsWith('-') && a.length > 1) {
      const s = a[1]
      if (!(s in SHORT) || !(SHORT[s] in table)) throw new CliError(`unknown shorthand flag: '${s}' in ${a}`)
      name = SHORT[s]
      value = a.length > 2 ? a.slice(2).replace(/^=/, '') : undefined
    } else {
      args.push(a)
      continue
    }
    const kind = table[name]
    if (kind === 'bool') {
      if (value !== undefined && !['true', 'false', '1', '0'].includes(value))
        throw new CliError(
          `invalid argument "${value}" for "--${name}" flag: strconv.ParseBool: parsing "${value}": invalid syntax`,
        )
      flags[name] = value ?? 'true'
    } else if (kind === 'optional') {
      flags[name] = value ?? 'true'
    } else {
      if (value === undefined) {
        if (i + 1 >= argv.length) throw new CliError(`flag needs an argument: --${name}`)
        value = argv[++i]
      }
      flags[name] = value
    }
  }
  return { args, flags }
}

const DURATION = /^([0-9]+(\.[0-9]*)?(ns|us|µs|ms|s|m|h))+$|^0$/

/** @param {string} argvText */
function fail(argvText) {
  process.stderr.write(`Error: ${argvText}\n`)
  process.exitCode = 1
}

/** The executable's entry point. @param {string[]} argv */
export function main(argv) {
  const stateFile = /** @type {string} */ (process.env.HELM_STANDIN_STATE)
  appendFileSync(/** @type {string} */ (process.env.HELM_STANDIN_CALLS), JSON.stringify(argv) + '\n')
  // Real helm keeps each release's records in Secrets of their own, so two helm processes on two
  // releases never overwrite each other's write; the stand-in's one state file is read, changed and
  // written under a lock to keep that true when a run rolls back several releases at once.
  withLock(`${stateFile}.lock`, () => {
    /** @type {State} */
    const state = JSON.parse(readFileSync(stateFile, 'utf8'))
    try {
      const out = run(argv, state)
      if (out.write) writeFileSync(stateFile, JSON.stringify(state, null, 2))
      if (out.stdout) process.stdout.write(out.stdout)
      if (out.error) fail(out.error)
    } catch (e) {
      if (e instanceof CliError) fail(e.message)
      else throw e
    }
  })
}

/** Runs `fn` holding `lock` (a directory: mkdir is atomic), waiting up to 20 s for another process. @param {string} lock @param {() => void} fn */
function withLock(lock, fn) {
  const pause = new Int32Array(new SharedArrayBuffer(4))
  for (let i = 0; ; i++) {
    try {
      mkdirSync(lock)
      break
    } catch (e) {
      if (/** @type {{ code?: string }} */ (e).code !== 'EEXIST' || i >= 4000) throw e
      Atomics.wait(pause, 0, 0, 5)
    }
  }
  try {
    fn()
  } finally {
    rmSync(lock, { recursive: true, force: true })
  }
}

/**
 * @param {string[]} argv @param {State} state
 * @returns {{ stdout?: string, error?: string, write?: boolean }}
 */
function run(argv, state) {
  // the command is the first word that is neither a flag nor a global flag's value
  let at = -1
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (!a.startsWith('-')) {
      at = i
      break
    }
    if (['-n', '--namespace', '--kubeconfig', '--kube-context'].includes(a)) i++
  }
  const command = at === -1 ? undefined : argv[at]
  const rest = argv.filter((_, i) => i !== at)
  if (command === 'history' || command === 'hist')
    return history(parseFlags(rest, COMMAND_FLAGS[state.flavor === 'main' ? 'history-main' : 'history']), state)
  if (command === 'status') return status(parseFlags(rest, COMMAND_FLAGS.status), state)
  if (command === 'rollback') return rollback(parseFlags(rest, rollbackFlags(state.flavor)), state)
  if (command === 'version') return version(parseFlags(rest, COMMAND_FLAGS.version), state)
  if (command === 'get') return get(parseFlags(rest, COMMAND_FLAGS.get), state)
  if (command === undefined) return { error: 'the stand-in needs a command' }
  return { error: `unknown command "${command}" for "helm"\nRun 'helm --help' for usage.` }
}

/** @param {Record<string, string>} flags */
function outputFormat(flags) {
  const o = flags.output ?? 'table'
  if (!['table', 'json', 'yaml'].includes(o))
    throw new CliError(`invalid argument "${o}" for "-o, --output" flag: invalid format type`)
  if (o === 'yaml') throw new CliError('the stand-in prints table or json only')
  return o
}

const VALID_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/

/** KubeClient.IsReachable, which every command calls first. @param {State} state */
function reachable(state) {
  if (state.unreachable) {
    throw new CliError(
      'Kubernetes cluster unreachable: Get "https://127.0.0.1:6443/version": dial tcp 127.0.0.1:6443: connect: connection refused',
    )
  }
}

/**
 * The release's records from storage (Secrets in the namespace): listing them must be
 * allowed, and there must be some.
 * @param {State} state @param {Record<string, string>} flags @param {string} name
 */
function lookUp(state, flags, name) {
  const namespace = flags.namespace ?? 'default'
  if (state.forbidden) {
    throw new CliError(
      `query: failed to query with labels: secrets is forbidden: User "system:serviceaccount:ci:deployer" cannot list resource "secrets" in API group "" in the namespace "${namespace}"`,
    )
  }
  const key = `${namespace}/${name}`
  const records = state.releases[key]
  if (!records || records.length === 0) throw new CliError('release: not found')
  return { key, records: [...records].sort((a, b) => a.version - b.version), namespace }
}

/** @param {string} name */
function validName(name) {
  return VALID_NAME.test(name) && name.length <= 53
}

/**
 * `helm version`: `--short` prints formatVersion(true); without it, the BuildInfo struct
 * (only its version matters here).
 * @param {{ args: string[], flags: Record<string, string> }} p @param {State} state
 */
function version({ args, flags }, state) {
  if (args.length > 0) throw new CliError(`unknown command "${args[0]}" for "helm version"`)
  const short = FLAVORS[state.flavor].short
  if (flags.short === 'true') return { stdout: `${short}\n` }
  const [v, ...rest] = short.split('+g')
  return {
    stdout: `version.BuildInfo{Version:"${v}", GitCommit:"${rest.join('')}", GitTreeState:"clean", GoVersion:"go1.25.4"}\n`,
  }
}

/**
 * What a rollback waits for: v3's `--wait` bool is the legacy checks; v4's strategy
 * (newWaitValue: `true` -> watcher, `false` -> hookOnly, left out -> hookOnly).
 * @param {Record<string, string>} flags @param {Flavor} flavor @returns {'legacy' | 'watcher' | 'hookOnly' | 'none'}
 */
function waitStrategy(flags, flavor) {
  const w = flags.wait
  if (isV3(flavor)) return w === 'true' || w === '1' ? 'legacy' : 'none'
  if (w === undefined || w === 'false' || w === 'hookOnly') return 'hookOnly'
  if (w === 'true' || w === 'watcher') return 'watcher'
  if (w === 'legacy') return 'legacy'
  throw new CliError(
    `invalid argument "${w}" for "--wait" flag: invalid wait input "${w}". Valid inputs are watcher, hookOnly, and legacy`,
  )
}

/** @param {{ args: string[], flags: Record<string, string> }} p @param {State} state */
function history({ args, flags }, state) {
  if (args.length !== 1)
    throw new CliError(`"helm history" requires 1 argument\n\nUsage:  helm history RELEASE_NAME [flags]`)
  const format = outputFormat(flags)
  const max = flags.max === undefined ? 256 : Number(flags.max)
  if (!Number.isInteger(max))
    throw new CliError(
      `invalid argument "${flags.max}" for "--max" flag: strconv.ParseInt: parsing "${flags.max}": invalid syntax`,
    )
  reachable(state)
  if (!validName(args[0])) throw new CliError(`release name is invalid: ${args[0]}`)
  const { records } = lookUp(state, flags, args[0])
  const rows = records.slice(Math.max(0, records.length - max)).map((r) => historyRow(r, state.flavor))
  if (format === 'json') return { stdout: goJson(rows) }
  const lines = [['REVISION', 'UPDATED', 'STATUS', 'CHART', 'APP VERSION', 'DESCRIPTION']]
  for (const r of rows)
    lines.push([
      String(r.revision),
      r.updated ? new Date(Date.parse(r.updated)).toUTCString() : '',
      r.status,
      r.chart,
      r.app_version,
      r.description,
    ])
  return { stdout: lines.map((l) => l.join('\t')).join('\n') + '\n' }
}

/**
 * `helm get manifest RELEASE [--revision N]`: the stored manifest and a newline (fmt.Fprintln in
 * cmd/helm/get_manifest.go v3, pkg/cmd/get_manifest.go v4); only storage is read (action.Get).
 * @param {{ args: string[], flags: Record<string, string> }} p @param {State} state
 */
function get({ args, flags }, state) {
  if (args[0] !== 'manifest') throw new CliError(`the stand-in answers helm get manifest only, not ${args[0]}`)
  if (args.length !== 2)
    throw new CliError(`"helm get manifest" requires 1 argument\n\nUsage:  helm get manifest RELEASE_NAME [flags]`)
  reachable(state)
  const { records } = lookUp(state, flags, args[1])
  const wanted = Number(flags.revision ?? 0)
  const rel = wanted > 0 ? records.find((r) => r.version === wanted) : records[records.length - 1]
  if (!rel) throw new CliError('release: not found')
  return { stdout: `${rel.manifest}\n` }
}

/** @param {{ args: string[], flags: Record<string, string> }} p @param {State} state */
function status({ args, flags }, state) {
  if (args.length !== 1)
    throw new CliError(`"helm status" requires 1 argument\n\nUsage:  helm status RELEASE_NAME [flags]`)
  const format = outputFormat(flags)
  reachable(state)
  const { records } = lookUp(state, flags, args[0])
  let rel = records[records.length - 1]
  if (flags.revision !== undefined && Number(flags.revision) > 0) {
    const found = records.find((r) => r.version === Number(flags.revision))
    if (!found) throw new CliError('release: not found')
    rel = found
  }
  if (format === 'json') return { stdout: goJson(statusObject(rel, state.flavor)) }
  return {
    stdout: `NAME: ${rel.name}\nLAST DEPLOYED: ${new Date(Date.parse(rel.info.last_deployed)).toUTCString()}\nNAMESPACE: ${rel.namespace}\nSTATUS: ${rel.info.status}\nREVISION: ${rel.version}\nNOTES:\n${rel.info.notes ?? ''}`,
  }
}

/** @param {{ args: string[], flags: Record<string, string> }} p @param {State} state */
function rollback({ args, flags }, state) {
  if (args.length < 1)
    throw new CliError(
      `"helm rollback" requires at least 1 argument\n\nUsage:  helm rollback <RELEASE> [REVISION] [flags]`,
    )
  const strategy = waitStrategy(flags, state.flavor)
  if (flags.timeout !== undefined && !DURATION.test(flags.timeout)) {
    throw new CliError(
      `invalid argument "${flags.timeout}" for "--timeout" flag: time: invalid duration "${flags.timeout}"`,
    )
  }
  let wanted = 0
  if (args.length > 1) {
    if (!/^[+-]?\d+$/.test(args[1]))
      throw new CliError(`could not convert revision to a number: strconv.Atoi: parsing "${args[1]}": invalid syntax`)
    wanted = Number(args[1])
  }
  const description = flags.description ?? ''
  if ([...description].length > 256)
    throw new CliError(`description must be 256 characters or less, got ${[...description].length}`)
  const name = args[0]
  reachable(state)
  if (!validName(name)) throw new CliError(`prepareRollback: Release name is invalid: ${name}`)
  if (wanted < 0) throw new CliError('invalid release revision')
  const { key, records } = lookUp(state, flags, name)
  const current = records[records.length - 1]
  const previousVersion = wanted === 0 ? current.version - 1 : wanted
  const previous = records.find((r) => r.version === previousVersion)
  if (!previous) throw new CliError(`release has no ${previousVersion} version`)
  if (flags['dry-run'] && flags['dry-run'] !== 'false' && flags['dry-run'] !== 'none')
    return { stdout: 'Rollback was a success! Happy Helming!\n' }

  const now = Date.now()
  /** @type {StoredRelease} */
  const target = {
    name,
    namespace: current.namespace,
    version: current.version + 1,
    info: {
      first_deployed: current.info.first_deployed,
      last_deployed: goTime(now, Math.floor(Math.random() * 1e6)),
      deleted: '',
      description: description || `Rollback to ${previousVersion}`,
      status: 'pending-rollback',
      ...(FLAVORS[state.flavor].rollbackRevision ? { rollback_revision: previousVersion } : {}),
      ...(previous.info.notes ? { notes: previous.info.notes } : {}),
    },
    chart: structuredClone(previous.chart),
    config: structuredClone(previous.config),
    manifest: previous.manifest,
    ...(previous.apply_method ? { apply_method: previous.apply_method } : {}),
  }

  // storage.Create: make room for one more, oldest first, never the last deployed
  const envMax = Number(process.env.HELM_MAX_HISTORY ?? '10')
  const maxHistory =
    flags['history-max'] !== undefined ? Number(flags['history-max']) : Number.isInteger(envMax) ? envMax : 10
  let kept = records
  if (maxHistory > 0 && records.length > maxHistory - 1) {
    const lastDeployed = [...records].reverse().find((r) => r.info.status === 'deployed')
    const toDelete = new Set()
    for (const r of records) {
      if (records.length - toDelete.size === maxHistory - 1) break
      if (!lastDeployed || r.version !== lastDeployed.version) toDelete.add(r.version)
    }
    kept = records.filter((r) => !toDelete.has(r.version))
  }
  const all = [...kept, target]
  state.releases[key] = all

  const hooks = flags['no-hooks'] === 'true' ? undefined : state.failHook?.[key]
  const hookError = (/** @type {HookFailure} */ h) =>
    `warning: Hook ${h.phase} ${h.path ?? `${name}/templates/${h.phase}-job.yaml`} failed: ${h.why}`
  // execHook failed: the error returns before Releases.Update, so the revision stays pending-rollback
  if (hooks?.phase === 'pre-rollback') return { write: true, error: hookError(hooks) }
  const why = state.failRollback[key]
  const waited = strategy === 'legacy' || strategy === 'watcher'
  if (why && waited) {
    // KubeClient.Wait failed: current stays as it is, the new revision is failed
    target.info.status = 'failed'
    target.info.description = `Release "${name}" failed: ${why}`
    return { write: true, error: `release ${name} failed: ${why}` }
  }
  if (why) {
    // KubeClient.Update failed
    current.info.status = 'superseded'
    target.info.status = 'failed'
    target.info.description = `Rollback "${name}" failed: ${why}`
    return { write: true, error: why }
  }
  if (hooks?.phase === 'post-rollback') return { write: true, error: hookError(hooks) }
  for (const r of all) if (r.info.status === 'deployed') r.info.status = 'superseded'
  target.info.status = 'deployed'
  return { write: true, stdout: 'Rollback was a success! Happy Helming!\n' }
}
