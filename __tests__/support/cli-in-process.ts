// The CLI's main() run in-process with captured output, in a fresh git checkout with its own
// HOME: one helper for every test that drives the command line without spawning the bundle.
import { execFileSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { main } from '../../src/cli/main.js'

export interface CliRun {
  code: number
  stdout: string
  stderr: string
}

/** An empty git checkout in a temporary folder (the CLI looks for package.json and git there). */
export function gitCheckout(prefix = 'rr-cli-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  execFileSync('git', ['init', '-q'], { cwd: dir })
  return dir
}

/**
 * main() with captured output. `answer` is what the user types (undefined: stdin closed,
 * nobody there); `tty` makes stdout and stderr terminals (100 columns).
 */
export async function runCli(
  argv: string[],
  o: { env?: Record<string, string>; answer?: string; cwd?: string; tty?: boolean } = {},
): Promise<CliRun> {
  let stdout = ''
  let stderr = ''
  const cwd = o.cwd ?? gitCheckout()
  const code = await main({
    argv,
    env: { PATH: process.env.PATH ?? '', HOME: cwd, ...o.env },
    cwd,
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    ask: async () => o.answer,
    version: '0.0.0-test',
    tty: { stdout: o.tty === true, stderr: o.tty === true, columns: 100 },
  })
  return { code, stdout, stderr }
}
