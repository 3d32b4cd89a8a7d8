#!/usr/bin/env node
// release-rollback on the command line, for when Actions is down: the same inputs, the same
// validation and the same code path as the action (src/modes/run.ts).
//   npx release-rollback --package acme-widget --rollback 1.2.3 --reason "…"
// This entry reads the command, runs it, and ends with its exit code; the commands live beside it.
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { RollbackError } from '../core/errors.js'
import { useDialect } from '../core/settings.js'
import { chooseCommand } from '../modes/choose.js'
import type { Resuming } from '../modes/run.js'
import { freezeCheck } from './freeze.js'
import { HELP } from './help.js'
import { EXIT, type CliIO } from './io.js'
import { resume } from './resume.js'
import { rollback } from './rollback.js'

export { EXIT, HELP, type CliIO }

const TOKEN_FLAGS = /^--?(npm-token|github-token|token|auth-token|_authToken)(=|$)/
const WEBHOOK_FLAGS = /^--?(announce-webhook|webhook)(=|$)/

export async function main(io: CliIO): Promise<number> {
  // messages name flags and environment variables, not the action's inputs (src/core/settings.ts)
  const dialect = useDialect('cli')
  try {
    return await cliMain(io)
  } finally {
    useDialect(dialect)
  }
}

/** The command: no arguments (the help), a secret in a flag (refused), freeze-check, resume, or a rollback. */
async function cliMain(io: CliIO, resuming?: Resuming): Promise<number> {
  if (io.argv.length === 0) {
    io.stderr(HELP)
    return EXIT.badInput
  }
  const bad = io.argv.find((a) => TOKEN_FLAGS.test(a))
  if (bad) {
    io.stderr(
      `${bad.split('=')[0]}: tokens are never taken from flags, because they would land in your shell history. Set NPM_TOKEN (npm) or GITHUB_TOKEN (GitHub) in the environment, or use your .npmrc.\n`,
    )
    return EXIT.badInput
  }
  const webhookFlag = io.argv.find((a) => WEBHOOK_FLAGS.test(a))
  if (webhookFlag) {
    io.stderr(
      `${webhookFlag.split('=')[0]}: the webhook URL is a secret and is never taken from a flag, because it would land in your shell history. Set ANNOUNCE_WEBHOOK in the environment.\n`,
    )
    return EXIT.badInput
  }
  const command = chooseCommand({
    freezeCheck: io.argv[0] === 'freeze-check',
    resume: io.argv[0] === 'resume' && !resuming,
  })
  if (command === 'freeze-check') return freezeCheck(io, io.argv.slice(1))
  if (command === 'resume') return resume(io, io.argv.slice(1), (io, resuming) => cliMain(io, resuming))
  return rollback(io, resuming)
}

function askLine(question: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: process.stdin.isTTY === true })
    let answered = false
    rl.question(question, (a) => {
      answered = true
      rl.close()
      resolve(a)
    })
    rl.on('close', () => {
      if (!answered) resolve(undefined)
    })
  })
}

// run when executed (not when imported by the tests)
if (process.argv[1] && /(?:cli\.[tj]s|cli[\\/]index\.js|release-rollback)$/.test(process.argv[1])) {
  const code = await main({
    argv: process.argv.slice(2),
    env: process.env,
    cwd: process.cwd(),
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    ask: askLine,
    version: ownVersion(),
    tty: {
      stdout: process.stdout.isTTY === true,
      stderr: process.stderr.isTTY === true,
      stdin: process.stdin.isTTY === true,
      columns: process.stdout.columns,
    },
  }).catch((e: unknown) => {
    process.stderr.write(`${e instanceof RollbackError ? e.message : String(e)}\n`)
    return EXIT.failed
  })
  process.exitCode = code
}

/** The package's version: the bundle, dist/cli/index.js, sits two levels below package.json. */
function ownVersion(): string {
  try {
    // built at run time on purpose: a literal path would be bundled by ncc as an asset
    const file = ['..', '..', 'package.json'].reduce(
      (dir, part) => join(dir, part),
      dirname(fileURLToPath(import.meta.url)),
    )
    return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version ?? 'unknown'
  } catch {
    return 'unknown'
  }
}
