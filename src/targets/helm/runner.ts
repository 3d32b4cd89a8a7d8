// Running the helm CLI: argument arrays through @actions/exec (never a shell), in an
// environment without the action's inputs and tokens, with the kubeconfig secret in a
// private file only while the run needs it.
import { getExecOutput } from '@actions/exec'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface HelmRunResult {
  exitCode: number
  stdout: string
  stderr: string
}

/** Runs `command` with `args` (no shell) and never throws for a non-zero exit code. */
export type HelmRunner = (command: string, args: string[]) => Promise<HelmRunResult>

/**
 * The default runner: @actions/exec, silent, with the exit code returned rather than thrown,
 * in helmEnvironment() (no inputs, no tokens).
 */
export const execHelm: HelmRunner = (command, args) =>
  getExecOutput(command, args, { silent: true, ignoreReturnCode: true, env: helmEnvironment(process.env) })

/** Names that hold a credential this run has (or might have) and helm has no use for. */
const SECRET_NAME = /TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|API_?KEY|PRIVATE_?KEY|(^|_)AUTH($|_)/i
/**
 * Kept even when the name looks like a credential: what helm itself reads, and what the
 * kubeconfig's exec credential plugins read from helm's environment (aws eks get-token,
 * kubelogin, gke-gcloud-auth-plugin): without them helm cannot reach an EKS, AKS or GKE
 * cluster.
 */
const HELM_NEEDS =
  /^(PATH|HOME|KUBECONFIG|(HTTPS?|NO|ALL)_PROXY|HELM_.*|XDG_.*|AWS_.*|AZURE_.*|AAD_.*|GOOGLE_.*|CLOUDSDK_.*)$/i

/**
 * The environment helm runs in: this process's, without the action's inputs (`INPUT_*`:
 * the kubeconfig and every token passed as an input) and without anything named like a
 * token, secret or password (NPM_TOKEN, NODE_AUTH_TOKEN, GITHUB_TOKEN, ACTIONS_RUNTIME_TOKEN,
 * ...), except what helm needs (PATH, HOME, KUBECONFIG, HELM_*, XDG_*, proxies, and the
 * cloud credentials of kubeconfig exec plugins: AWS_*, AZURE_*, AAD_*, GOOGLE_*, CLOUDSDK_*).
 */
export function helmEnvironment(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || /^INPUT_/i.test(name)) continue
    if (SECRET_NAME.test(name) && !HELM_NEEDS.test(name)) continue
    out[name] = value
  }
  return out
}

/**
 * The kubeconfig secret as a file for helm's --kubeconfig: written (0600, in a 0700
 * directory of its own under RUNNER_TEMP) when helm first needs it, removed by dispose(),
 * which the run calls when it ends (and, as a last resort, when the process exits).
 */
export class KubeconfigFile {
  private dir?: string
  private readonly onExit = () => this.dispose()

  constructor(
    private readonly content: string,
    private readonly parent: string = process.env.RUNNER_TEMP || tmpdir(),
  ) {}

  /** The file's path; writes it on the first call. */
  path(): string {
    if (!this.dir) {
      const dir = mkdtempSync(join(this.parent, 'release-rollback-'))
      writeFileSync(join(dir, 'kubeconfig'), this.content, { mode: 0o600 })
      this.dir = dir
      process.once('exit', this.onExit)
    }
    return join(this.dir, 'kubeconfig')
  }

  /** Whether the file exists now (for tests and messages). */
  get written(): boolean {
    return this.dir !== undefined
  }

  /** Removes the file and its directory; safe to call again, or when it was never written. */
  dispose(): void {
    if (!this.dir) return
    rmSync(this.dir, { recursive: true, force: true })
    this.dir = undefined
    process.removeListener('exit', this.onExit)
  }
}
