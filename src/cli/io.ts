// What the command line runs with (its arguments, environment, terminal) and the exit codes it ends with.
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { errorMessage } from '../core/errors.js'
import type { Logger } from '../core/retry.js'
import { HELP } from './help.js'

export const EXIT = { ok: 0, failed: 1, badInput: 2, partial: 3, frozen: 4, awaitingApproval: 5 } as const

export interface CliIO {
  argv: string[]
  env: NodeJS.ProcessEnv
  cwd: string
  stdout: (s: string) => void
  stderr: (s: string) => void
  /** reads one line of the answer; undefined when there is none (stdin closed) */
  ask: (question: string) => Promise<string | undefined>
  version: string
  /** whether stdout and stderr are terminals (live progress), and the terminal's width; stdin: someone can type */
  tty?: { stdout?: boolean; stderr?: boolean; stdin?: boolean; columns?: number }
  /** opens a URL in the browser (the npm two-factor approval link); the entry leaves it to openInBrowser */
  openUrl?: (url: string) => void
}

/** A logger that writes its lines with `say`, warnings marked as such. */
export function lineLogger(say: (s: string) => void): Logger {
  return {
    info: (m) => say(`${m}\n`),
    warning: (m) => say(`warning: ${m}\n`),
    debug: () => {},
  }
}

type Options = NonNullable<ParseArgsConfig['options']>

/** The values of a command's flags (none of them is multiple): a string, or true for a boolean flag. */
export type FlagValues = Partial<Record<string, string | boolean>>

/**
 * The flags of a command, or the exit code when there is nothing more to do: a flag parseArgs
 * refuses (bad input, said on stderr) or --help (the text, exit 0).
 */
export function parseFlags(io: CliIO, args: string[], options: Options): FlagValues | number {
  const parsed = parseCommand(io, args, options, false)
  return typeof parsed === 'number' ? parsed : parsed.values
}

/** parseFlags for a command that takes positionals too. */
export function parseCommand(
  io: CliIO,
  args: string[],
  options: Options,
  allowPositionals: boolean,
): { values: FlagValues; positionals: string[] } | number {
  let parsed: { values: FlagValues; positionals: string[] }
  try {
    parsed = parseArgs({ args, options, strict: true, allowPositionals }) as typeof parsed
  } catch (e) {
    io.stderr(`${errorMessage(e)}\nRun release-rollback --help for the options.\n`)
    return EXIT.badInput
  }
  if (parsed.values.help) {
    io.stdout(HELP)
    return EXIT.ok
  }
  return parsed
}
