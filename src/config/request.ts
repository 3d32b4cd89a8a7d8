// The one request reader: everything an entry needs, read and checked once, up front, before
// anything is written. The entries call readRequest and hand its parts to the modes; no module
// below reads an input of its own afterwards.
import type { InputReader } from '../core/reader.js'
import type { RollbackInputs, SharedRequest } from '../core/request.js'
import { parseRtoTargets, type RtoTargets } from '../incident/impact.js'
import { readSmokeInputs, type SmokeInputs } from '../incident/smoke.js'
import { readVerifyConfig, type VerifyConfig } from '../incident/verify.js'
import { type FreezeInputs, readFreezeInputs } from '../modes/freeze.js'
import { type AnnounceInputs, readAnnounceInputs } from '../notify/config.js'
import { kindOf } from '../targets/registry.js'
import { type GitHubInputs, readGitHubInputs } from './github.js'
import { isFreezeCheck, readRollback } from './inputs.js'
import { targetsFrom } from './targets.js'

/** freeze-check: true: the release freeze check alone (none of the rollback's inputs is read). */
export interface FreezeRequest {
  mode: 'freeze'
  freeze: FreezeInputs
}

/** A rollback, a dry run, a drill, an undo or a hand-off: everything it needs. */
export interface RollbackRequest {
  mode: 'rollback'
  /** the fields every kind shares: no credential, no kind's own setting */
  shared: SharedRequest
  /**
   * Each kind's own part of the request, by kind name: the npm kind's registry and credential
   * (NpmRequest: registry, npmToken, npmOidc). Only the modules that write to npm need it.
   */
  kinds: Record<string, object>
  /**
   * The adapters' settings of the kinds the incident names, by kind name, checked up front:
   * docker: tag-prefix and the registry credentials; helm: helm-match, helm-timeout,
   * helm-wait, kubeconfig, kube-context (an undo by incident id that names no target: read
   * when its record names the kinds).
   */
  settings: Record<string, object>
  /** the tracking issue, the incident report, the GitHub Release, and the GitHub token */
  github: GitHubInputs
  /** announce-webhook and announce-format; undefined: no announcements */
  announce?: AnnounceInputs
  /** smoke-test and smoke-test-timeout */
  smoke: SmokeInputs
  /** rto-targets: the time to protection each severity aims at */
  rtoTargets: RtoTargets
  /** verify-url, verify-field, verify-timeout, wait-for-cdn */
  verify: VerifyConfig
}

export type Request = FreezeRequest | RollbackRequest

/**
 * Reads and checks every input the run needs, once: an InputError naming the input and the fix
 * for the first bad one. `get` reads one input by its action.yml name (the action: core.getInput;
 * the CLI: its flags, through the settings table); `env` gives the workspace, the repository,
 * NODE_AUTH_TOKEN and GITHUB_TOKEN, and whether the job may ask for an ID token.
 */
export function readRequest(get: InputReader, env: NodeJS.ProcessEnv = process.env): Request {
  if (isFreezeCheck(get)) return { mode: 'freeze', freeze: readFreezeInputs(get, env) }
  const { flat, parts } = readRollback(get, env)
  const github = readGitHubInputs(get, env)
  const rtoTargets = parseRtoTargets('rto-targets', get('rto-targets'))
  const announce = readAnnounceInputs(get)
  const smoke = readSmokeInputs(get)
  const verify = readVerifyConfig(get, flat.registry)
  // the adapters' own settings, checked now rather than when the targets are built (an undo by
  // incident id that names no target: its record names the kinds, and they are read then)
  const settings: Record<string, object> = {}
  const named = flat.packageName === '' ? [] : targetsFrom(flat, get)
  for (const name of new Set(named.map((t) => t.kind))) {
    const read = kindOf(name).settings?.readSettings?.(get)
    if (read) settings[name] = read
  }
  const shared = sharedOf(flat, parts)
  return { mode: 'rollback', shared, kinds: parts, settings, github, announce, smoke, rtoTargets, verify }
}

/** The request without any kind's own part (whose fields `parts` holds). */
function sharedOf(flat: RollbackInputs, parts: Record<string, object>): SharedRequest {
  const own = new Set(Object.values(parts).flatMap((p) => Object.keys(p)))
  return Object.fromEntries(Object.entries(flat).filter(([key]) => !own.has(key))) as unknown as SharedRequest
}

/**
 * The flat form (the shared fields and every kind's part) that the modules still take:
 * createTargets, smokeOnly, runbookSteps, executeIncident, runDrill, undoByIncidentId.
 */
export function rollbackInputs(request: RollbackRequest): RollbackInputs {
  return Object.assign({ ...request.shared, registry: '' }, ...Object.values(request.kinds)) as RollbackInputs
}
