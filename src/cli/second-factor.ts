// The command line's second factor for npm writes (src/targets/npm/two-factor.ts): --otp, the approval link opened
// in the browser, a code asked for on a terminal.
import { spawn } from 'node:child_process'
import { DURATION_UNITS, parseDuration } from '../core/duration.js'
import { InputError } from '../core/errors.js'
import { SecondFactor } from '../targets/npm/two-factor.js'
import type { CliIO } from './io.js'

/** The default of --approval-timeout. */
const APPROVAL_TIMEOUT = '5m'

/**
 * The run's second factor for npm writes: --otp, a web approval link (opened in the browser
 * where npm would open it), a code asked for on a terminal; each wait bounded by
 * --approval-timeout.
 */
export function cliSecondFactor(
  io: CliIO,
  values: { otp?: string; 'approval-timeout'?: string },
  say: (line: string) => void,
): SecondFactor {
  const timeoutText = values['approval-timeout']?.trim() || APPROVAL_TIMEOUT
  const timeoutMs = parseDuration('approval-timeout', timeoutText, {
    min: 1000,
    minText: '1s',
    max: 3_600_000,
    maxText: '1h',
    fix: `use a duration such as 90s, 5m or 15m (units ${DURATION_UNITS}; between 1s and 1h; ${APPROVAL_TIMEOUT} by default).`,
  })
  const otp = values.otp?.trim()
  if (values.otp !== undefined && !/^[0-9A-Za-z]{4,64}$/.test(otp ?? ''))
    throw new InputError(
      'otp',
      'is not a one-time password (the digits your authenticator app shows).',
      'pass --otp 123456, or leave it out to approve each write in the browser.',
    )
  const terminal = io.tty?.stdin === true && io.tty?.stdout === true
  // only on a terminal, as npm (lib/utils/open-url.js openUrlPrompt); io.openUrl stands in for the browser in tests
  const open = terminal ? (io.openUrl ?? ((url: string) => openInBrowser(url, io.env))) : undefined
  return new SecondFactor({
    otp,
    timeoutMs,
    timeoutText,
    say,
    ...(open ? { open } : {}),
    // a code is asked for only where someone can type it (npm's otplease asks only on a terminal)
    ...(io.tty?.stdin === true ? { askCode: (q: string) => io.ask(q) } : {}),
  })
}

/**
 * Opens the approval link as npm's lib/utils/open-url.js does: npm's `browser` setting
 * (npm_config_browser; `false`: print only), else the system's opener (macOS open, Windows
 * start, others xdg-open: npm's config definitions). Only on a terminal (npm opens nothing
 * without one); npm also first asks "Press ENTER to open in the browser...", which this
 * skips: the link is printed either way, and a failure to open is not an error.
 */
function openInBrowser(url: string, env: NodeJS.ProcessEnv): void {
  const browser = (env.npm_config_browser ?? env.NPM_CONFIG_BROWSER ?? '').trim()
  if (browser === 'false') return
  const [command, args] =
    browser !== '' && browser !== 'true'
      ? [browser, [url]]
      : process.platform === 'darwin'
        ? ['open', [url]]
        : process.platform === 'win32'
          ? ['cmd', ['/c', 'start', '""', url]]
          : ['xdg-open', [url]]
  try {
    const child = spawn(command, args, { stdio: 'ignore', detached: true })
    child.on('error', () => {})
    child.unref()
  } catch {
    // the printed link is the way
  }
}
