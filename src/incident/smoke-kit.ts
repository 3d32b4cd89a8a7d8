// The smoke test's tools that every kind's hook shares (src/targets/<kind>/smoke.ts): its
// inputs, the allowlisted environment package code runs in, the temporary folders, and the
// SmokeTestError that stops the rollback with the output's last lines.
import { existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { DURATION_UNITS, parseDuration } from '../core/duration.js'
import { InputError, RollbackError } from '../core/errors.js'
import { inert } from '../core/markdown.js'
import type { InputReader } from '../core/reader.js'
import { currentDialect, inputLabel, settingName } from '../core/settings.js'
import type { Ran } from './smoke-process.js'

export const DEFAULT_SMOKE_TIMEOUT = '5m'
const MIN_TIMEOUT_MS = 1000
const MAX_TIMEOUT_MS = 6 * 60 * 60 * 1000

export interface SmokeInputs {
  /** the shell command; undefined: no smoke test */
  command?: string
  /** per target: the install and the command together */
  timeoutMs: number
  /** as the user wrote it, for messages */
  timeout: string
}

/** The smoke test's inputs: smoke-test (a shell command; empty: none) and smoke-test-timeout. */
export function readSmokeInputs(get: InputReader): SmokeInputs {
  const raw = get('smoke-test').replace(/\r\n/g, '\n').trim()
  if (raw.includes('\0'))
    throw new InputError(
      'smoke-test',
      'contains a NUL character.',
      'give a plain shell command, such as node -e "require(process.env.PACKAGE)".',
    )
  const timeout = get('smoke-test-timeout').trim() || DEFAULT_SMOKE_TIMEOUT
  const timeoutMs = parseDuration('smoke-test-timeout', timeout, {
    min: MIN_TIMEOUT_MS,
    minText: '1s',
    max: MAX_TIMEOUT_MS,
    maxText: '6h',
    fix: `use a duration such as 30s, 5m or 1h30m (units ${DURATION_UNITS}; between 1s and 6h; 5m by default).`,
  })
  return { command: raw === '' ? undefined : raw, timeoutMs, timeout }
}

// --- the command's environment ------------------------------------------------------------

/** Variables the command may see (case-insensitive); everything else is left out. */
const KEEP = new Set(
  [
    'PATH',
    'HOME',
    'USER',
    'LOGNAME',
    'SHELL',
    'LANG',
    'LANGUAGE',
    'TZ',
    'TERM',
    'TMPDIR',
    'TEMP',
    'TMP',
    // Windows
    'USERPROFILE',
    'USERNAME',
    'SYSTEMROOT',
    'SYSTEMDRIVE',
    'WINDIR',
    'COMSPEC',
    'PATHEXT',
    'APPDATA',
    'LOCALAPPDATA',
    'PROGRAMFILES',
    'PROGRAMDATA',
    // CI and the runner (facts and folders, no credentials)
    'CI',
    'GITHUB_ACTIONS',
    'GITHUB_WORKSPACE',
    'RUNNER_OS',
    'RUNNER_ARCH',
    'RUNNER_TEMP',
    'RUNNER_TOOL_CACHE',
    // certificates, and the docker client's settings (paths; its credentials stay in its config file)
    'NODE_EXTRA_CA_CERTS',
    'SSL_CERT_FILE',
    'SSL_CERT_DIR',
    'DOCKER_HOST',
    'DOCKER_CONFIG',
    'DOCKER_CONTEXT',
    'DOCKER_CERT_PATH',
    'DOCKER_TLS_VERIFY',
    'XDG_RUNTIME_DIR',
    'NO_PROXY',
  ].map((n) => n.toUpperCase()),
)
const PROXIES = new Set(['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY'])

/** A proxy URL that carries a user or password is a credential. */
function hasCredentials(value: string): boolean {
  try {
    const url = new URL(value.includes('://') ? value : `http://${value}`)
    return url.username !== '' || url.password !== ''
  } catch {
    return /@/.test(value)
  }
}

/**
 * The environment of the smoke command (and of `npm rebuild`): the allowlist above, proxies
 * without credentials, and `extra` (PACKAGE, VERSION, IMAGE). No token of any kind.
 */
export function smokeEnv(env: NodeJS.ProcessEnv, extra: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue
    const upper = name.toUpperCase()
    if (KEEP.has(upper) || upper.startsWith('LC_') || (PROXIES.has(upper) && !hasCredentials(value))) out[name] = value
  }
  return { ...out, ...extra }
}

/** The caller's proxies as given, credentials too: for a step that runs no package code (the install). */
export function proxiesOf(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter(([k, v]) => v !== undefined && PROXIES.has(k.toUpperCase())) as Array<[string, string]>,
  )
}

// --- the error ------------------------------------------------------------------------------

/** The smoke test stopped the rollback: names the input, the target, the output's last lines. */
export class SmokeTestError extends RollbackError {
  constructor(
    readonly subject: string,
    readonly problem: string,
    readonly fixText: string,
    readonly output: string[],
  ) {
    super(
      `${inputLabel('smoke-test')} the smoke test of ${subject} ${problem}, so nothing was written. Fix: ${fixText}${output.length > 0 ? `\nLast ${output.length} lines of output:\n${output.join('\n')}` : ''}`,
    )
    this.name = 'SmokeTestError'
  }

  /** The job summary's section. */
  markdown(): string {
    const longest = Math.max(0, ...this.output.map((l) => Math.max(0, ...(l.match(/`+/g) ?? []).map((r) => r.length))))
    const fence = '`'.repeat(Math.max(3, longest + 1))
    return (
      [
        '## ❌ Rollback stopped by the smoke test: nothing was changed',
        `The smoke test (\`${settingName('smoke-test')}\`) of ${inert(this.subject)} ${inert(this.problem)}.`,
        ...(this.output.length > 0
          ? [`Last ${this.output.length} lines of output:\n\n${fence}text\n${this.output.join('\n')}\n${fence}`]
          : []),
        `**Fix:** ${inert(this.fixText)}`,
      ].join('\n\n') + '\n'
    )
  }
}

/** The fix of a failed smoke test: another restore version, or no test. */
export const fixVersion = () =>
  `pass a ${settingName('restore-version')} that passes the smoke test (or correct the ${settingName('smoke-test')} command if it is wrong) and run again; to roll back without the test, ${currentDialect() === 'action' ? 'leave smoke-test empty' : 'leave out --smoke-test'}.`

/** Where the temporary folders go: the runner's per-job temp folder when there is one, else the system's. */
export function tempRoot(env: NodeJS.ProcessEnv): string {
  const runnerTemp = env.RUNNER_TEMP
  return runnerTemp && existsSync(runnerTemp) ? runnerTemp : tmpdir()
}

/**
 * Throws the SmokeTestError for a run that did not succeed. `timeout`: smoke-test-timeout as
 * written; `failedFix`: the fix of a non-zero exit, when not fixVersion's.
 */
export function check(ran: Ran, subject: string, doing: string, timeout: string, failedFix?: string): void {
  if (ran.spawnError)
    throw new SmokeTestError(subject, `could not start ${doing} (${ran.spawnError.message})`, fixVersion(), ran.tail)
  if (ran.timedOut) {
    throw new SmokeTestError(
      subject,
      `did not finish within ${timeout} (${settingName('smoke-test-timeout')}) while ${doing}; it was stopped`,
      `make the command faster or raise ${settingName('smoke-test-timeout')} (the install and the command share it); ${fixVersion()}`,
      ran.tail,
    )
  }
  if (ran.code !== 0) {
    const how = ran.code !== null ? `exited with code ${ran.code}` : `was ended by ${ran.signal}`
    throw new SmokeTestError(subject, `failed while ${doing}: it ${how}`, failedFix ?? fixVersion(), ran.tail)
  }
}
