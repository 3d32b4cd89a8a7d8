// The secrets a run knows: one list, by the name each came under (an input declared secret,
// or a credential variable of the environment), for three uses:
// - the action registers every value with core.setSecret, so the runner masks it in the log
//   (src/main.ts);
// - scrub() takes the same values out of text that leaves the log: the smoke test's output
//   in its error, and so in the job summary, the tracking issue and the announce webhook,
//   which the runner's masker never sees (src/runbook/smoke.ts);
// - the smoke test refuses to run package code beside any of them (src/runbook/smoke.ts), and
//   the smoke-only mode finds its credentials here, not by a name pattern.
// Pure: no I/O, no @actions/*.
import type { InputReader } from './reader.js'
import { settingName } from './settings.js'

/** The inputs that hold a secret (action.yml describes each as one), read through the one reader. */
export const SECRET_INPUTS = ['npm-token', 'github-token', 'registry-password', 'announce-webhook', 'kubeconfig']

/**
 * Credential variables the run reads from its environment: the npm token (setup-node's
 * NODE_AUTH_TOKEN, the CLI's NPM_TOKEN), the GitHub token, and the runner's ID token request
 * token (trusted publishing, src/targets/npm/oidc.ts).
 */
export const SECRET_ENV = ['NODE_AUTH_TOKEN', 'NPM_TOKEN', 'GITHUB_TOKEN', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN']

/**
 * The runner's own token for its cache, artifact and results services. The runner gives it
 * to the process of every JavaScript action, whatever the job's permissions (actions/runner
 * src/Runner.Worker/Handlers/NodeScriptActionHandler.cs: `Environment["ACTIONS_RUNTIME_TOKEN"]
 * = systemConnection.Authorization…AccessToken`, unconditionally), so a job without it does not
 * exist. It is scrubbed like every secret, but it does not stop the smoke test: no job could
 * run it otherwise, the smoke job of the reusable workflows included (docs/runbook.md "Smoke test").
 */
export const RUNNER_TOKEN_ENV = 'ACTIONS_RUNTIME_TOKEN'

/** Shorter values are not masked: they would scrub ordinary words (a 1-character "secret" is not one). */
const MIN_LENGTH = 4

export class KnownSecrets {
  private readonly byName = new Map<string, Set<string>>()

  /**
   * Adds a secret under a name (a setting's name or a variable's). A value of several lines
   * (a kubeconfig) is added line by line, each line of 8 characters or more, as the action
   * has always registered it: the runner masks line by line, and the output is scrubbed
   * line by line.
   */
  add(name: string, value: string | undefined): void {
    const v = value?.trim() ?? ''
    const parts = /[\r\n]/.test(v)
      ? v
          .split(/\r?\n/)
          .map((l) => l.trim())
          .filter((l) => l.length >= 8)
      : [v]
    const kept = parts.filter((p) => p.length >= MIN_LENGTH)
    if (kept.length === 0) return
    const set = this.byName.get(name) ?? new Set<string>()
    for (const p of kept) set.add(p)
    this.byName.set(name, set)
  }

  /** Every value, each once. */
  values(): string[] {
    return [...new Set([...this.byName.values()].flatMap((s) => [...s]))]
  }

  /** The names of the credentials the process holds, sorted: what stops the smoke test (the runner's own token does not). */
  credentials(): string[] {
    return [...this.byName.keys()].filter((n) => n !== RUNNER_TOKEN_ENV).sort()
  }

  /**
   * The text with every known value, and the forms the runner's masker also looks for,
   * replaced by `***`, as the runner masks the log (actions/runner
   * src/Runner.Common/HostContext.cs registers its value encoders: Base64StringEscape,
   * JsonStringEscape, UriDataEscape, XmlDataEscape, TrimDoubleQuotes; the shifted base64
   * forms and ExpressionStringEscape are not repeated here). Longest first, so a value
   * inside another is not left half masked.
   */
  scrub(text: string): string {
    const forms = new Set<string>()
    for (const v of this.values()) {
      forms.add(v)
      forms.add(JSON.stringify(v).slice(1, -1))
      forms.add(encodeURIComponent(v))
      forms.add(v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;'))
      forms.add(Buffer.from(v, 'utf8').toString('base64').replace(/=+$/, ''))
      if (v.length > 2 && v.startsWith('"') && v.endsWith('"')) forms.add(v.slice(1, -1))
    }
    let out = text
    for (const f of [...forms].filter((f) => f.length >= MIN_LENGTH).sort((a, b) => b.length - a.length))
      out = out.split(f).join('***')
    return out
  }
}

/**
 * The secrets of a run: the secret inputs as the reader gives them (the action's inputs, the
 * CLI's flags and variables mapped onto them) and the credential variables of `env`.
 */
export function knownSecrets(get: InputReader, env: NodeJS.ProcessEnv): KnownSecrets {
  const secrets = new KnownSecrets()
  for (const input of SECRET_INPUTS) secrets.add(settingName(input), get(input))
  for (const name of [...SECRET_ENV, RUNNER_TOKEN_ENV]) secrets.add(name, env[name])
  return secrets
}
