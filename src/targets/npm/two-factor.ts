// A second factor for npm writes on the command line, as npm itself asks for one
// (npm CLI lib/utils/auth.js otplease, npm-profile webAuthOpener / webAuthCheckLogin):
//
// - every request says `npm-auth-type: web` (npm's `auth-type` config defaults to `web`:
//   @npmcli/config definitions.js) and `npm-command`, so a registry that wants a second
//   factor on a write answers 401 with `www-authenticate: OTP` (npm-registry-fetch: EOTP)
//   and a body `{ authUrl, doneUrl }`;
// - the person opens authUrl and approves; doneUrl answers 202 with `Retry-After` until
//   then, and 200 `{ token }` after; the write is sent again with `npm-otp: <token>`
//   (npm-registry-fetch's `otp` option);
// - without web URLs in the body (the legacy "one-time pass" answer), the code comes from
//   an authenticator app: `--otp <code>`, or a prompt on a terminal (otplease's read.otp).
//
// Why not npm-profile's webAuthOpener: npm-profile is not among this package's
// dependencies (it is resolvable only inside the npm CLI's own node_modules), and its poll
// (webAuthCheckLogin) waits without a bound and goes through npm-registry-fetch without
// this tool's origin guard. The loop here is the same few lines with a deadline, polling
// through RegistryClient (the token stays on the registry's origin).
//
// One SecondFactor serves a whole run: the code an approval gave is sent with every
// following write, and the person is asked again only when the registry refuses it (a web
// approval's token is single use on npmjs unless the person ticked "skip two-factor
// authentication for the next 5 minutes"). Writes that are refused at the same time share
// one approval. After a wait that ends without an answer nothing more is sent in the run.
import { RegistryError } from '../../core/errors.js'
import { settingName } from '../../core/settings.js'

/** What the registry's EOTP answer offered. */
export interface Challenge {
  authUrl?: string
  doneUrl?: string
}

/** One poll of doneUrl: its status, Retry-After in ms (when given) and the token once approved. */
export interface DonePoll {
  status: number
  retryAfterMs?: number
  token?: string
}

export interface SecondFactorOptions {
  /** `--otp <code>`: sent with the writes until the registry refuses it */
  otp?: string
  /** how long to wait for one approval (or one typed code) */
  timeoutMs: number
  /** the text of the timeout, as the person set it (`5m`) */
  timeoutText: string
  /** a line for the person (the CLI's progress output) */
  say: (line: string) => void
  /** opens the URL in a browser: only where npm would (a terminal, `browser` not false) */
  open?: (url: string) => void
  /** asks for a code on a terminal; absent when nobody can type one */
  askCode?: (question: string) => Promise<string | undefined>
  /** for tests of the loop itself */
  sleep?: (ms: number) => Promise<void>
  now?: () => number
}

/** The person did not answer the second factor: nothing more is written in this run. */
export class SecondFactorMissing extends RegistryError {
  constructor(message: string, fix: string) {
    super(message, fix, 401, 'EOTP')
    this.name = 'SecondFactorMissing'
  }
}

/**
 * The registry's second factor was just given (an approval, a typed code): the refused write
 * may be sent again at once with it. Not a RollbackError, so guardedWrite reads back and
 * resends, guarded by that fresh read (src/guard.ts).
 */
export class SecondFactorGiven extends Error {
  readonly code = 'ESECONDFACTOR'
  readonly resendNow = true
  constructor() {
    super('a second factor was given: send the write again')
    this.name = 'SecondFactorGiven'
  }
}

const isHttpUrl = (u: unknown): u is string => {
  try {
    return typeof u === 'string' && /^https?:$/.test(new URL(u).protocol)
  } catch {
    return false
  }
}

/** The web URLs of an EOTP answer's body, when it offers them (npm's otplease checks the same two). */
export function challengeOf(e: unknown): Challenge {
  let body = (e as { body?: unknown }).body
  if (Buffer.isBuffer(body)) {
    try {
      body = JSON.parse(body.toString('utf8'))
    } catch {
      body = undefined
    }
  }
  const b = (body && typeof body === 'object' ? body : {}) as { authUrl?: unknown; doneUrl?: unknown }
  return isHttpUrl(b.authUrl) && isHttpUrl(b.doneUrl) ? { authUrl: b.authUrl, doneUrl: b.doneUrl } : {}
}

/** A refusal that asks for a second factor: EOTP, or a 401 whose body says "one-time pass" (npm's otplease tests both). */
export function asksSecondFactor(e: unknown): boolean {
  const err = e as { code?: string; statusCode?: number; body?: unknown }
  if (err?.code === 'EOTP') return true
  return err?.statusCode === 401 && /one-time pass/i.test(String(err.body ?? ''))
}

export class SecondFactor {
  /** the code sent with writes now: --otp, or the last approval's token */
  private code?: string
  /** an approval (or a typed code) in progress, shared by the writes refused meanwhile */
  private pending?: Promise<string>
  private stopped?: SecondFactorMissing
  /** web approvals asked for in this run, and codes typed */
  approvals = 0
  typed = 0
  /** the URLs already said, so concurrent refusals print one line */
  private readonly sleep: (ms: number) => Promise<void>
  private readonly now: () => number

  constructor(private readonly o: SecondFactorOptions) {
    this.code = o.otp?.trim() || undefined
    this.sleep = o.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)))
    this.now = o.now ?? Date.now
  }

  /** The code to send as `npm-otp` with the next write, if any. */
  current(): string | undefined {
    return this.code
  }

  /** Throws when the run may not write any more (an earlier wait ended without an answer). */
  assertMayWrite(): void {
    if (this.stopped) throw this.stopped
  }

  /**
   * The registry refused a write that carried `sent` (undefined: no code) and asks for a
   * second factor. Returns the code to send it again with: a newer one another write
   * already got, the one an approval in progress gives, or a new approval / typed code.
   * `poll` GETs doneUrl. Throws SecondFactorMissing when none comes in time.
   */
  async answer(
    refusal: unknown,
    sent: string | undefined,
    poll: (doneUrl: string) => Promise<DonePoll>,
  ): Promise<string> {
    this.assertMayWrite()
    if (this.code !== undefined && this.code !== sent) return this.code
    if (!this.pending) {
      this.pending = this.obtain(challengeOf(refusal), sent, poll).then(
        (code) => {
          this.code = code
          this.pending = undefined
          return code
        },
        (e: unknown) => {
          this.pending = undefined
          if (e instanceof SecondFactorMissing) this.stopped = e
          throw e
        },
      )
    }
    return this.pending
  }

  private async obtain(c: Challenge, sent: string | undefined, poll: (doneUrl: string) => Promise<DonePoll>) {
    if (c.authUrl && c.doneUrl) return this.approve(c.authUrl, c.doneUrl, poll)
    // the legacy answer: a code from an authenticator app
    const refusedCode = sent !== undefined
    if (this.o.askCode) {
      const answer = await this.withDeadline(
        this.o.askCode(
          refusedCode
            ? 'The registry refused that one-time password. Enter a new one from your authenticator app: '
            : 'This write needs a one-time password (two-factor authentication). Enter it from your authenticator app: ',
        ),
      )
      const code = answer?.trim()
      if (code) {
        this.typed++
        return code
      }
    }
    throw new SecondFactorMissing(
      refusedCode
        ? `The registry refused the one-time password${sent === this.o.otp?.trim() ? ` given with --otp` : ''} (a code from an authenticator app is valid for about 30 seconds), and no new one was typed: this write was not sent, and nothing more is written in this run.`
        : 'The registry asks for a one-time password for this write (two-factor authentication) without offering a web approval, and no code was given: this write was not sent, and nothing more is written in this run.',
      `pass --otp <code> with a fresh code from your authenticator app (or run in a terminal, where the code is asked for), then run again: the re-run starts from what was done. In CI, ${settingName('npm-token')} must be a granular token with "Bypass two-factor authentication", or a "read and write (stage only)" one.`,
    )
  }

  /** The web flow: say the URL (open it where npm would), poll doneUrl honouring Retry-After, until the deadline. */
  private async approve(authUrl: string, doneUrl: string, poll: (doneUrl: string) => Promise<DonePoll>) {
    this.approvals++
    this.o.say(`Open this URL to approve: ${authUrl}`)
    try {
      this.o.open?.(authUrl)
    } catch {
      // no browser: the printed URL is the way (npm prints it too when opening fails)
    }
    const deadline = this.now() + this.o.timeoutMs
    for (;;) {
      const answer = await poll(doneUrl)
      if (answer.status === 200 && answer.token) return answer.token
      if (answer.status !== 202)
        throw new RegistryError(
          `The registry's approval address answered HTTP ${answer.status}${answer.status === 200 ? ' without a token' : ''} while waiting for the approval: this write was not sent.`,
          'run again to get a new approval link.',
          answer.status,
        )
      const left = deadline - this.now()
      if (left <= 0) break
      // Retry-After as npm-profile's webAuthCheckLogin honours it; without one, a second
      // (npm-profile polls again at once: a bound here keeps a registry that never says from being hammered)
      await this.sleep(Math.min(Math.max(answer.retryAfterMs ?? 1000, 100), left))
    }
    throw new SecondFactorMissing(
      `Nobody approved the registry's two-factor request (${authUrl}) within ${this.o.timeoutText}: this write was not sent, and nothing more is written in this run.`,
      `run again and approve the link it prints within ${this.o.timeoutText} (or pass a longer --approval-timeout, or --otp <code> from an authenticator app): the re-run starts from what was done.`,
    )
  }

  private async withDeadline<T>(p: Promise<T>): Promise<T | undefined> {
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), this.o.timeoutMs)
      timer.unref?.()
    })
    try {
      return await Promise.race([p, timeout])
    } finally {
      clearTimeout(timer)
    }
  }
}
