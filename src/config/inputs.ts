import { globSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import semver from 'semver'
import { DURATION_UNITS, parseDuration } from '../core/duration.js'
import { DEFAULT_DEPRECATION_MESSAGE, DEPRECATION_PLACEHOLDERS } from '../core/deprecation.js'
import type { InputReader } from '../core/reader.js'
import { InputError } from '../core/errors.js'
import { SEVERITIES, type Severity } from '../github/incident.js'
import { parseReportDir } from '../github/config.js'
import { parseTag } from '../targets/docker/config.js'
import { parseChannel, parsePackageName } from '../targets/npm/config.js'
import { idTokenAvailable } from '../targets/npm/oidc.js'
import { parseImage } from '../targets/docker/image.js'
import { HELM_CHANNEL, parseHelmTargetName, parseNamespace, parseReleaseName } from '../targets/helm/config.js'
import { parseTargets, type TargetSpec } from '../targets/spec.js'
import { currentDialect, setTo, setting, settingName } from '../core/settings.js'

// the template lives in the core (the planner fills it); re-exported for the callers that import it from here
export { DEFAULT_DEPRECATION_MESSAGE, renderDeprecationMessage } from '../core/deprecation.js'
export { parsePackageName } from '../targets/npm/config.js'
export { MAX_TARGETS, TARGET_KINDS, parseTargets, type TargetSpec, type TargetSpecKind } from '../targets/spec.js'
/** Reads one input by its action.yml name (each adapter's config parser takes one too). */
export type { InputReader } from '../core/reader.js'

export const DEFAULT_REGISTRY = 'https://registry.npmjs.org/'
export const MAX_REASON_LENGTH = 1000
const PLACEHOLDERS = DEPRECATION_PLACEHOLDERS

export const TARGETS = ['npm', 'docker', 'helm'] as const
export type TargetKind = (typeof TARGETS)[number]

/** Everything the action was asked to do, parsed and validated. */
export interface RollbackInputs {
  /** where the release lives (default npm) */
  target?: TargetKind
  /**
   * The targets input, parsed: every target of the incident, `kind:name` a line. undefined
   * when it was not given (then package, packages, image or release name them: see
   * targetsFrom(), which gives the same list in both cases).
   */
  targets?: TargetSpec[]
  /** npm: every package of the incident (packageName is the first); one unless a list or workspaces */
  packageNames?: string[]
  /** packages: workspaces - packages that lack the bad version are left out rather than refused */
  fromWorkspaces?: boolean
  /** keep the packages that succeeded when another fails (no compensation) */
  partialOk?: boolean
  /** npm: retag (move the channel back) or republish (publish the good code as the next version) */
  strategy?: 'retag' | 'republish'
  /** republish-stage: the fix-forward version is staged (npm stage publish) for a maintainer's approval */
  republishStage?: boolean
  /** an exact version, or 'current': whatever the channel holds now (needs publishedAfter) */
  rollbackVersion: string
  /** ISO-8601: roll back only a version published after this time (the circuit breaker) */
  publishedAfter?: string
  /** ISO-8601: ... and published at or before this time (the failed release run's end) */
  publishedBefore?: string
  /** 40-hex, lower case: ... and built from this commit, when the version records its commit */
  releaseCommit?: string
  /** max-age: roll back only a version published at most this many milliseconds ago */
  maxAgeMs?: number
  /** require-holder: the channel must still hold the exact rollback-version, else skipped */
  requireHolder?: boolean
  /** undefined: choose the last known good version */
  restoreVersion?: string
  channel: string
  reason: string
  packageName: string
  registry: string
  npmToken?: string
  /**
   * No npm-token, and the job may ask for an OIDC ID token (permissions: id-token: write):
   * the npm targets exchange it at the registry for a short-lived token per package
   * (trusted publishing, src/targets/npm/oidc.ts). Never in a dry run (it writes nothing).
   */
  npmOidc?: boolean
  deprecate: boolean
  deprecationMessage: string
  dryRun: boolean
  /** drill: true: check that a rollback would work now, change nothing anyone installs (src/drill.ts) */
  drill?: boolean
  force: boolean
  /** undo a rollback made by mistake: the same inputs, every channel pointed back at the bad version */
  undo?: boolean
  /** handoff: true: read, plan and smoke-test, write nothing; a maintainer resumes it (src/handoff.ts) */
  handoff?: boolean
  /**
   * undo: true with incident-id: the incident's record names the targets, channel and
   * versions (src/github/undo-record.ts undoInputs fills them in). Until then
   * rollbackVersion, reason and the targets are what was given (possibly empty), and
   * `given` holds the inputs given beside the id, to be checked against the record.
   */
  undoById?: {
    incidentId: string
    given: {
      rollbackVersion?: string
      restoreVersion?: string
      channel?: string
      strategy?: string
      targets?: { input: string; targets: TargetSpec[] }
    }
  }
}

/** The incident ids this tool makes (src/plan.ts incidentId): rr- and 16 hex digits. */
export function parseIncidentId(name: string, raw: string): string | undefined {
  const v = raw.trim()
  if (v === '') return undefined
  if (!/^rr-[0-9a-f]{16}$/i.test(v)) {
    throw new InputError(
      name,
      `${JSON.stringify(v.slice(0, 60))} is not an incident id.`,
      `give the incident id of the rollback you undo (rr- and 16 hex digits, as its tracking issue and report show it)${currentDialect() === 'action' ? ', or leave it empty' : ''}.`,
    )
  }
  return v.toLowerCase()
}

/** npm writes need a token (a dry run does not). */
export function requireNpmToken(token: string | undefined): void {
  if (token !== undefined) return
  throw new InputError(
    'npm-token',
    'is empty: moving a dist-tag and deprecating need a token with write access to the package.',
    `${setTo('npm-token')} (a granular token with read and write access to the package and "bypass 2FA", or a "read and write (stage only)" one)${currentDialect() === 'action' ? ` (trusted publishing, permissions: id-token: write, can only publish: it serves ${setting('strategy', 'republish')} with ${setting('deprecate', 'false')}, never a retag)` : ''}, or ${setTo('dry-run', 'true')} to only see the plan.`,
  )
}

export function parseBoolean(name: string, raw: string, fallback: boolean): boolean {
  const v = raw.trim()
  if (v === '') return fallback
  if (['true', 'True', 'TRUE'].includes(v)) return true
  if (['false', 'False', 'FALSE'].includes(v)) return false
  throw new InputError(name, `"${v}" is not a boolean.`, `use true or false.`)
}

/** A version as the user typed it: `v1.2.3` is accepted and normalised to `1.2.3`. */
export function parseVersion(name: string, raw: string): string {
  const v = raw.trim().replace(/^[vV](?=\d)/, '')
  if (v.length > 256 || semver.valid(v) === null) {
    throw new InputError(
      name,
      `${JSON.stringify(raw.slice(0, 80))} is not an exact semantic version.`,
      `give one exact version such as 1.2.3 or 2.0.0-beta.1 (no ranges, no tags).`,
    )
  }
  return v
}

/** An ISO-8601 time with a zone (as GitHub's run_started_at), normalised to UTC. */
export function parsePublishedAfter(name: string, raw: string): string | undefined {
  const v = raw.trim()
  if (v === '') return undefined
  const ms = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)$/.test(v) ? Date.parse(v) : NaN
  if (Number.isNaN(ms)) {
    throw new InputError(
      name,
      `${JSON.stringify(v.slice(0, 60))} is not an ISO-8601 time with a time zone.`,
      'use a time such as 2026-11-21T14:00:00Z (github.event.workflow_run.run_started_at and updated_at have this form).',
    )
  }
  return new Date(ms).toISOString()
}

/** A full commit SHA (40 hex, any case), normalised to lower case; undefined when empty. */
export function parseCommit(name: string, raw: string): string | undefined {
  const v = raw.trim()
  if (v === '') return undefined
  if (!/^[0-9a-fA-F]{40}$/.test(v)) {
    throw new InputError(
      name,
      `${JSON.stringify(v.slice(0, 60))} is not a full 40-character commit SHA.`,
      'give the full commit the release was built from, such as github.sha or github.event.workflow_run.head_sha (not a branch, a tag or a short SHA), or leave it empty.',
    )
  }
  return v.toLowerCase()
}

/** the longest max-age: a year (beyond that, leave it empty for no limit) */
export const MAX_AGE_LIMIT_MS = 8760 * 3_600_000

/**
 * max-age: a duration (core/duration.ts: `24h`, `90m`, `1h30m`, `1.5h`, `2d`) in
 * milliseconds; undefined when empty (no limit). More than zero, at most a year (8760h).
 */
export function parseMaxAge(name: string, raw: string): number | undefined {
  if (raw.trim() === '') return undefined
  const empty = currentDialect() === 'action' ? `leave ${settingName(name)} empty` : `leave out ${settingName(name)}`
  return parseDuration(name, raw, {
    max: MAX_AGE_LIMIT_MS,
    maxText: 'a year (8760h)',
    fix: `use a duration such as 24h, 90m, 1h30m or 2d (units ${DURATION_UNITS}; at most 8760h), or ${empty} for no limit.`,
  })
}

/**
 * Text that goes into the deprecation message, the issue, the report and the logs: no C0
 * or C1 control characters (tab and newline excepted), no DEL, and no bidirectional
 * controls (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C), which can hide or
 * reorder what a reader sees. A Windows line end (CRLF) is read as a newline.
 */
export function checkPlainText(name: string, raw: string, what: string): string {
  const text = raw.replace(/\r\n/g, '\n')
  const control = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.exec(text)
  const bidi = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/.exec(text)
  const found = control && bidi ? (control.index < bidi.index ? control : bidi) : (control ?? bidi)
  if (found) {
    const code = `U+${found[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`
    throw new InputError(
      name,
      `contains ${found === bidi ? 'bidirectional ' : ''}control characters (${code} at character ${found.index + 1}).`,
      `remove them and use plain text (newlines and tabs are fine): they can hide or reorder text in ${what}.`,
    )
  }
  return text
}

export function parseStrategy(name: string, raw: string, target: TargetKind): 'retag' | 'republish' {
  const v = (raw.trim() || 'retag').toLowerCase()
  if (v !== 'retag' && v !== 'republish')
    throw new InputError(
      name,
      `"${raw.trim().slice(0, 40)}" is not a strategy.`,
      'use retag (move the channel back) or republish (publish the good code as the next version).',
    )
  if (v === 'republish' && target !== 'npm')
    throw new InputError(
      name,
      `republish is for npm packages, not target: ${target}.`,
      `use ${setting('strategy', 'retag')}.`,
    )
  return v
}

/** The kind whose inputs apply: the one kind, or with several (the targets input) npm when it is among them. */
export function mainKind(kinds: ReadonlySet<string>): TargetKind {
  if (kinds.size === 1) return [...kinds][0] as TargetKind
  return kinds.has('npm') ? 'npm' : kinds.has('docker') ? 'docker' : 'helm'
}

export function parseTarget(name: string, raw: string): TargetKind {
  const v = (raw.trim() || 'npm').toLowerCase()
  if (!(TARGETS as readonly string[]).includes(v))
    throw new InputError(name, `"${raw.trim().slice(0, 40)}" is not a target.`, `use one of ${TARGETS.join(', ')}.`)
  return v as TargetKind
}

// a dist-tag's rule is the npm kind's (src/targets/npm/config.ts)
export { parseChannel } from '../targets/npm/config.js'

export function parseReason(name: string, raw: string): string {
  const reason = raw.trim()
  if (reason === '') {
    throw new InputError(
      name,
      'is empty.',
      'say in a sentence why the release is rolled back; it goes into the deprecation message and the incident record.',
    )
  }
  if (reason.length > MAX_REASON_LENGTH) {
    throw new InputError(
      name,
      `is ${reason.length} characters long; the limit is ${MAX_REASON_LENGTH}.`,
      'keep the reason to a few sentences and put the details in the tracking issue.',
    )
  }
  return checkPlainText(name, reason, 'the deprecation message, the issue, the report and the logs')
}

export function parseRegistry(name: string, raw: string): string {
  const value = raw.trim() || DEFAULT_REGISTRY
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new InputError(
      name,
      `${JSON.stringify(value.slice(0, 120))} is not a URL.`,
      `use the registry's URL, such as ${DEFAULT_REGISTRY}.`,
    )
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError(name, `${url.protocol} is not supported.`, 'use an https:// registry URL.')
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new InputError(
      name,
      'must not carry credentials, a query or a fragment.',
      `${setTo('npm-token')} and give the bare registry URL.`,
    )
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)
  if (url.protocol === 'http:' && !loopback) {
    throw new InputError(
      name,
      `${url.host} is plain http: the token would cross the network unencrypted.`,
      'use the https:// URL of the registry.',
    )
  }
  if (!url.pathname.endsWith('/')) url.pathname += '/'
  return url.toString()
}

export function parseDeprecationMessage(name: string, raw: string): string {
  const template =
    checkPlainText(name, raw.trim(), 'the deprecation message npm shows on every install') ||
    DEFAULT_DEPRECATION_MESSAGE
  for (const m of template.matchAll(/\{([^}]*)\}/g)) {
    if (!(PLACEHOLDERS as readonly string[]).includes(m[1])) {
      throw new InputError(
        name,
        `has an unknown placeholder {${m[1]}}.`,
        `use only ${PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}.`,
      )
    }
  }
  return template
}

/**
 * The npm workspaces of the repository (package.json `workspaces`, an array or
 * `{ packages: [...] }` of globs), leaving out private packages, which are never published.
 */
export function workspacePackages(dir: string): string[] {
  let root: { workspaces?: string[] | { packages?: string[] } }
  try {
    root = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
  } catch {
    throw new InputError(
      'packages',
      `is workspaces, but ${join(dir, 'package.json')} cannot be read.`,
      'check out the repository before this step, or list the packages.',
    )
  }
  const globs = Array.isArray(root.workspaces) ? root.workspaces : (root.workspaces?.packages ?? [])
  if (globs.length === 0)
    throw new InputError(
      'packages',
      'is workspaces, but package.json declares no workspaces.',
      'list the packages instead (comma or newline separated).',
    )
  const names: string[] = []
  for (const g of globs) {
    for (const found of globSync(`${g.replace(/\/+$/, '')}/package.json`, { cwd: dir })) {
      try {
        const manifest = JSON.parse(readFileSync(join(dir, found), 'utf8')) as { name?: string; private?: boolean }
        if (manifest.name && !manifest.private) names.push(parsePackageName('packages', manifest.name))
      } catch (e) {
        if (e instanceof InputError) throw e
      }
    }
  }
  const unique = [...new Set(names)].sort()
  if (unique.length === 0)
    throw new InputError(
      'packages',
      'is workspaces, but no public workspace package was found.',
      'list the packages instead.',
    )
  return unique
}

/** The package's name from package.json in the workspace, for the `package` default. */
export function packageNameFromWorkspace(dir: string): string {
  const file = join(dir, 'package.json')
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    throw new InputError(
      'package',
      `is not set and there is no package.json in ${dir}.`,
      currentDialect() === 'action'
        ? 'set the package input, or check out the repository before this step.'
        : "pass --package, or run it in the package's folder.",
    )
  }
  let name: unknown
  try {
    name = (JSON.parse(text) as { name?: unknown }).name
  } catch {
    throw new InputError('package', `is not set and ${file} is not valid JSON.`, `${setTo('package')}.`)
  }
  if (typeof name !== 'string' || name === '') {
    throw new InputError('package', `is not set and ${file} has no name.`, `${setTo('package')}.`)
  }
  return name
}

/** The inputs that name the targets of one kind: the shorthand for a targets list. */
const SHORTHAND = ['package', 'packages', 'image', 'release'] as const

/**
 * The targets input, parsed; undefined when it is empty. Refuses it together with the
 * shorthand inputs (package, packages, image, release) or a target other than npm (the
 * default): each line names its own kind.
 */
export function readTargets(get: InputReader): TargetSpec[] | undefined {
  const raw = get('targets')
  if (raw.trim() === '') return undefined
  const given = SHORTHAND.filter((name) => get(name).trim() !== '')
  if (given.length > 0) {
    throw new InputError(
      'targets',
      `is given together with ${given.join(' and ')}, which name${given.length === 1 ? 's' : ''} targets too.`,
      `list every target in targets (such as npm:@acme/core, docker:ghcr.io/acme/app, helm:acme-prod) and leave ${given.join(' and ')} empty: they are the shorthand for one kind.`,
    )
  }
  const kind = get('target').trim().toLowerCase()
  if (kind !== '' && kind !== 'npm') {
    throw new InputError(
      'targets',
      `is given together with target: ${kind.slice(0, 40)}.`,
      `leave target unset: each line of targets names its kind (such as docker:ghcr.io/acme/app).`,
    )
  }
  const specs = parseTargets(raw, 'targets')
  return specs
}

/**
 * Every target of the incident as one list, whether the targets input named them or the
 * shorthand did: package or packages (npm, one line each), image (docker) or release
 * (helm). `get` is needed for one case only: a Helm release whose namespace input is
 * empty is `release` (the kubeconfig context's namespace) with it, and
 * `default/release` (packageName, the incident's name) without it.
 */
export function targetsFrom(
  inputs: Pick<RollbackInputs, 'targets' | 'target' | 'packageName' | 'packageNames'>,
  get?: InputReader,
): TargetSpec[] {
  if (inputs.targets) return inputs.targets
  const kind = inputs.target ?? 'npm'
  if (kind === 'npm') return (inputs.packageNames ?? [inputs.packageName]).map((name) => ({ kind: 'npm', name }))
  if (kind === 'docker') return [{ kind: 'docker', name: inputs.packageName }]
  if (get) {
    const namespace = parseNamespace('namespace', get('namespace'))
    const release = parseReleaseName('release', get('release'))
    return [{ kind: 'helm', name: namespace ? `${namespace}/${release}` : release }]
  }
  return [{ kind: 'helm', name: inputs.packageName }]
}

/**
 * freeze-check: true - the action only checks the release freeze (src/freeze.ts reads its
 * own inputs), so none of the rollback's inputs, rollback-version and reason among them,
 * is required then: readInputs is not called.
 */
export function isFreezeCheck(get: InputReader): boolean {
  return parseBoolean('freeze-check', get('freeze-check'), false)
}

/**
 * Parses and validates every input before anything touches a registry.
 * `env` supplies the workspace folder and the NODE_AUTH_TOKEN fallback (what
 * actions/setup-node users already have).
 */
export function readInputs(get: InputReader, env: NodeJS.ProcessEnv = process.env): RollbackInputs {
  // drill: prove a rollback would work, write nothing anyone installs; the usual form is
  // rollback-version: current (the default in a drill), with no release to identify
  const drill = parseBoolean('drill', get('drill'), false)
  const undo = parseBoolean('undo', get('undo'), false)
  // undo by incident id: the record names the targets and versions (read before planning)
  const incidentId = parseIncidentId('incident-id', get('incident-id'))
  if (incidentId !== undefined && !undo) {
    throw new InputError(
      'incident-id',
      `is set without ${settingName('undo')}: it names the rollback an undo reverses.`,
      `${setTo('undo', 'true')} to undo that incident, or ${currentDialect() === 'action' ? 'leave incident-id empty' : 'leave out --incident-id'} (a rollback is named by its versions and targets).`,
    )
  }
  if (incidentId !== undefined && drill)
    throw new InputError(
      'incident-id',
      `is set together with ${setting('drill', 'true')}.`,
      `a drill undoes nothing: ${currentDialect() === 'action' ? 'leave incident-id empty' : 'leave out --incident-id'}.`,
    )
  const byId = incidentId !== undefined
  const rollbackRaw = get('rollback-version') || (drill ? 'current' : '')
  if (rollbackRaw.trim() === '' && !byId) {
    throw new InputError('rollback-version', 'is required.', 'give the bad version, such as 1.2.3.')
  }
  const current = rollbackRaw.trim().toLowerCase() === 'current'
  const rollbackVersion = current
    ? 'current'
    : rollbackRaw.trim() === ''
      ? ''
      : parseVersion('rollback-version', rollbackRaw)
  const publishedAfter = parsePublishedAfter('published-after', get('published-after'))
  if (current && publishedAfter === undefined && !drill) {
    throw new InputError(
      'published-after',
      `is required with ${setting('rollback-version', 'current')}.`,
      "pass the time the release started (such as the failed run's run_started_at): without it a re-run would roll back the restored version too.",
    )
  }
  // the release's identity: they guard an exact version as well as `current`
  const publishedBefore = parsePublishedAfter('published-before', get('published-before'))
  if (
    publishedAfter !== undefined &&
    publishedBefore !== undefined &&
    Date.parse(publishedBefore) <= Date.parse(publishedAfter)
  ) {
    throw new InputError(
      'published-before',
      `is not after ${settingName('published-after')} (${publishedBefore} <= ${publishedAfter}).`,
      `pass the time the release run ended (the failed run's updated_at) as ${settingName('published-before')}, and the time it started (run_started_at) as ${settingName('published-after')}.`,
    )
  }
  const releaseCommit = parseCommit('release-commit', get('release-commit'))
  const maxAgeMs = parseMaxAge('max-age', get('max-age'))
  const requireHolder = parseBoolean('require-holder', get('require-holder'), false)
  const restoreRaw = get('restore-version')
  const restoreVersion = restoreRaw.trim() === '' ? undefined : parseVersion('restore-version', restoreRaw)
  if (restoreVersion === rollbackVersion) {
    throw new InputError(
      'restore-version',
      `is the same as ${settingName('rollback-version')} (${rollbackVersion}).`,
      `give the good version to restore, or ${currentDialect() === 'action' ? 'leave it empty' : `leave out ${settingName('restore-version')}`} to pick the last known good one.`,
    )
  }
  const targets = readTargets(get)
  // by incident id with no target named: the record names them (and their kinds). The
  // runner passes action.yml's defaults (target npm, channel latest, strategy retag) as if
  // given, so a default counts as not given
  const namedTargets =
    targets !== undefined ||
    SHORTHAND.some((name) => get(name).trim() !== '') ||
    !['', 'npm'].includes(get('target').trim().toLowerCase())
  const kinds = new Set(targets ? targets.map((t) => t.kind) : [parseTarget('target', get('target'))])
  if (byId && !namedTargets) kinds.clear()
  // one kind: that kind; several (the targets input): npm when it is among them, so the npm inputs apply
  const target = mainKind(kinds)
  // channel is a dist-tag for npm, a tag for Docker; a Helm release has one channel (its
  // deployed revision) and a git-tag target's channel is the moving tag itself
  const channelRaw = get('channel') || 'latest'
  if (kinds.has('docker')) parseTag('channel', channelRaw)
  const channel = kinds.has('npm')
    ? parseChannel('channel', channelRaw)
    : kinds.has('docker')
      ? parseTag('channel', channelRaw)
      : kinds.has('helm') && kinds.size === 1
        ? HELM_CHANNEL
        : channelRaw.trim()
  // by incident id, an empty reason is the rollback's (from the record)
  const reason =
    byId && get('reason').trim() === '' ? '' : parseReason('reason', get('reason') || (drill ? 'rollback drill' : ''))
  // what is rolled back: the npm package(s), the image, or the Helm release
  let packageName: string
  let packageNames: string[] | undefined
  let fromWorkspaces = false
  if (byId && !namedTargets) {
    packageName = ''
  } else if (targets && targets[0].kind === 'helm') {
    const h = parseHelmTargetName('targets', targets[0].name)
    packageName = `${h.namespace ?? (parseNamespace('namespace', get('namespace')) || 'default')}/${h.release}`
    packageNames = targets.filter((t) => t.kind === 'npm').map((t) => t.name)
  } else if (targets) {
    packageNames = targets.filter((t) => t.kind === 'npm').map((t) => t.name)
    packageName = targets[0].name
  } else if (target === 'docker') {
    if (get('image').trim() === '')
      throw new InputError(
        'image',
        'is required with target: docker.',
        'give the image without a tag, such as ghcr.io/acme/app.',
      )
    packageName = parseImage(get('image')).name
  } else if (target === 'helm') {
    // namespace/release: same-named releases in two namespaces are two incidents
    if (get('release').trim() === '')
      throw new InputError('release', 'is required with target: helm.', 'give the Helm release name, such as acme-app.')
    packageName = `${parseNamespace('namespace', get('namespace')) || 'default'}/${parseReleaseName('release', get('release'))}`
  } else {
    const packagesRaw = get('packages').trim()
    const packageRaw = get('package')
    const workspace = env.GITHUB_WORKSPACE || process.cwd()
    if (packagesRaw === 'workspaces') {
      packageNames = workspacePackages(workspace)
      fromWorkspaces = true
    } else {
      const listed = [
        ...new Set(
          [packagesRaw, packageRaw]
            .join('\n')
            .split(/[,\n]/)
            .map((p) => p.trim())
            .filter(Boolean),
        ),
      ]
      packageNames =
        listed.length > 0
          ? listed.map((p) => parsePackageName(packagesRaw ? 'packages' : 'package', p))
          : [parsePackageName('package', packageNameFromWorkspace(workspace))]
    }
    if (packageNames.length > 100)
      throw new InputError(
        'packages',
        `lists ${packageNames.length} packages; the limit is 100.`,
        'split the incident into several runs.',
      )
    packageName = packageNames[0]
  }
  const registry = kinds.has('npm') || (byId && !namedTargets) ? parseRegistry('registry', get('registry')) : ''
  const dryRun = parseBoolean('dry-run', get('dry-run'), false)
  // hand the writes to a maintainer (src/handoff.ts): no npm token is needed to read and plan
  const handoff = parseBoolean('handoff', get('handoff'), false)
  if (handoff && (undo || drill || dryRun))
    throw new InputError(
      'handoff',
      `is set together with ${setting(undo ? 'undo' : drill ? 'drill' : 'dry-run', 'true')}.`,
      'a hand-off plans a rollback for a maintainer to finish: leave handoff at false for an undo, a drill or a dry run.',
    )
  if (drill && dryRun)
    throw new InputError(
      'drill',
      `and ${settingName('dry-run')} are both ${currentDialect() === 'action' ? 'true' : 'given'}.`,
      `a drill writes nothing anyone installs already (it needs the token to prove the write): ${setTo('dry-run', 'false')}.`,
    )
  if (undo && rollbackVersion === 'current') {
    throw new InputError(
      'rollback-version',
      'is current, but undo needs the exact bad version: after the rollback the channel no longer holds it.',
      `give the same exact ${settingName('rollback-version')} (and ${settingName('restore-version')}) as the rollback you undo.`,
    )
  }
  const tokenRaw = get('npm-token').trim() || (env.NODE_AUTH_TOKEN ?? '').trim()
  if (/\s/.test(tokenRaw)) {
    throw new InputError(
      'npm-token',
      'contains whitespace.',
      'paste the token alone, with no "Bearer " prefix or newline.',
    )
  }
  const npmToken = tokenRaw === '' ? undefined : tokenRaw
  // tokenless: trusted publishing, where the runner offers the job an ID token. By incident id
  // with no target named, the record says whether npm is among them (undoInputs checks then)
  const npmMaybe = kinds.has('npm') || (byId && !namedTargets)
  const npmOidc = npmToken === undefined && !dryRun && npmMaybe && idTokenAvailable(env)
  if (!dryRun && !handoff && kinds.has('npm') && !npmOidc) requireNpmToken(npmToken)
  const force = parseBoolean('force', get('force'), false)
  if (requireHolder && force) {
    throw new InputError(
      'require-holder',
      currentDialect() === 'action'
        ? 'is true together with force: true, which moves the channel whatever it holds.'
        : 'is given together with --force, which moves the channel whatever it holds.',
      `use one of them: ${settingName('require-holder')} (automation: skip when the channel moved on) or ${settingName('force')} (by hand: move it anyway).`,
    )
  }
  const strategy = parseStrategy('strategy', get('strategy'), target)
  const republishStage = parseBoolean('republish-stage', get('republish-stage'), false)
  if (republishStage && strategy !== 'republish')
    throw new InputError(
      'republish-stage',
      `is true, but ${settingName('strategy')} is ${strategy}: only a republish publishes (and so stages) a version.`,
      `${setTo('strategy', 'republish')}, or leave ${settingName('republish-stage')} at false.`,
    )
  const undoById: RollbackInputs['undoById'] = byId
    ? {
        incidentId,
        given: {
          ...(rollbackVersion !== '' ? { rollbackVersion } : {}),
          ...(restoreVersion !== undefined ? { restoreVersion } : {}),
          ...(!['', 'latest'].includes(get('channel').trim()) ? { channel } : {}),
          ...(strategy !== 'retag' ? { strategy } : {}),
          ...(namedTargets
            ? {
                targets: {
                  input: targets ? 'targets' : (SHORTHAND.find((n) => get(n).trim() !== '') ?? 'package'),
                  targets: targetsFrom({ targets, target, packageName, packageNames }, get),
                },
              }
            : {}),
        },
      }
    : undefined
  return {
    target,
    targets,
    packageNames: packageNames && packageNames.length > 0 ? packageNames : [packageName],
    fromWorkspaces,
    partialOk: parseBoolean('partial-ok', get('partial-ok'), true),
    strategy,
    ...(republishStage ? { republishStage } : {}),
    rollbackVersion,
    publishedAfter,
    publishedBefore,
    releaseCommit,
    maxAgeMs,
    requireHolder,
    restoreVersion,
    channel,
    reason,
    packageName,
    registry,
    npmToken,
    ...(npmOidc ? { npmOidc } : {}),
    // container tags and Helm releases have no deprecation
    deprecate: (kinds.has('npm') || (byId && !namedTargets)) && parseBoolean('deprecate', get('deprecate'), true),
    deprecationMessage: parseDeprecationMessage('deprecation-message', get('deprecation-message')),
    dryRun,
    ...(drill ? { drill } : {}),
    force,
    ...(undo ? { undo } : {}),
    ...(undoById ? { undoById } : {}),
    ...(handoff ? { handoff } : {}),
  }
}

/** The GitHub bookkeeping's inputs (tracking issue and incident report). */
export interface GitHubInputs {
  token?: string
  createIssue: boolean
  labels: string[]
  assignees: string[]
  commitReport: boolean
  /** validated, relative, no trailing slash */
  reportDir: string
  /** undefined: the repository's default branch */
  reportBranch?: string
  severity: Severity
  /**
   * github-release: mark the bad version's GitHub Release as rolled back and move 'latest'
   * to the restore version's release. readGitHubInputs always sets it (default true);
   * optional so that GitHubInputs built by hand stay valid (undefined: true).
   */
  githubRelease?: boolean
}

function parseList(raw: string): string[] {
  return [
    ...new Set(
      raw
        .split(/[,\n]/)
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ]
}

export function readGitHubInputs(get: InputReader, env: NodeJS.ProcessEnv = process.env): GitHubInputs {
  const createIssue = parseBoolean('create-issue', get('create-issue'), true)
  const githubRelease = parseBoolean('github-release', get('github-release'), true)
  const commitReport = parseBoolean('commit-report', get('commit-report'), true)
  const labels = parseList(get('issue-labels') || 'rollback')
  for (const label of labels) {
    if (label.length > 50)
      throw new InputError(
        'issue-labels',
        `"${label.slice(0, 60)}…" is longer than GitHub's 50 characters.`,
        'use shorter label names.',
      )
  }
  if (createIssue && labels.length === 0) {
    throw new InputError(
      'issue-labels',
      'is empty.',
      'keep at least one label (default rollback): a re-run finds the tracking issue again by it.',
    )
  }
  const assignees = parseList(get('issue-assignees')).map((a) => a.replace(/^@/, ''))
  for (const a of assignees) {
    if (!/^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/.test(a)) {
      throw new InputError(
        'issue-assignees',
        `"${a.slice(0, 60)}" is not a GitHub user name.`,
        'list GitHub logins separated by commas, such as octocat, hubot.',
      )
    }
  }
  const reportDir = parseReportDir('report-dir', get('report-dir') || 'incidents')
  const branchRaw = get('report-branch').trim()
  if (
    branchRaw &&
    (!/^[A-Za-z0-9._/-]{1,200}$/.test(branchRaw) || /(^|\/)\.|\.\.|\/\/|\/$|\.lock$|^-/.test(branchRaw))
  ) {
    throw new InputError(
      'report-branch',
      `"${branchRaw.slice(0, 60)}" is not a valid branch name.`,
      'give a branch name such as main, or leave it empty for the default branch.',
    )
  }
  const severityRaw = (get('severity') || 'high').trim().toLowerCase()
  if (!(SEVERITIES as readonly string[]).includes(severityRaw)) {
    throw new InputError(
      'severity',
      `"${severityRaw.slice(0, 40)}" is not a severity.`,
      `use one of ${SEVERITIES.join(', ')}.`,
    )
  }
  const token = (get('github-token') || env.GITHUB_TOKEN || '').trim() || undefined
  if ((createIssue || commitReport) && token === undefined) {
    throw new InputError(
      'github-token',
      'is empty, and the tracking issue and incident report need it.',
      currentDialect() === 'action'
        ? 'pass github-token (the default is the workflow token; the job needs contents: write, issues: write and pull-requests: write), or set create-issue: false and commit-report: false.'
        : 'set GITHUB_TOKEN (contents: write, issues: write, pull-requests: write), or pass --no-issue and --no-report.',
    )
  }
  if ((createIssue || commitReport) && !/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(env.GITHUB_REPOSITORY ?? '')) {
    throw new InputError(
      'create-issue',
      'needs the repository, and GITHUB_REPOSITORY is not set (this is not running on GitHub Actions).',
      currentDialect() === 'action'
        ? 'run it in a workflow, or set create-issue: false and commit-report: false.'
        : 'pass --repo owner/name, or --no-issue and --no-report.',
    )
  }
  return {
    token,
    createIssue,
    labels,
    assignees,
    commitReport,
    reportDir,
    reportBranch: branchRaw || undefined,
    severity: severityRaw as Severity,
    githubRelease,
  }
}
