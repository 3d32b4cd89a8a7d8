// What each npmjs credential does with this tool, on the npmjs test front
// (support/npmjs-front.mjs: npmjs's 2025-2026 credential rules in front of a real Verdaccio):
// - the command line with a session token (2FA on every write) completes after a web
//   approval (the test plays the person: it approves the link the CLI prints), or with --otp;
//   it asks as few times as the registry allows and, without an answer in time, writes
//   nothing more and says what was done;
// - the action ends as the token table says for each kind: granular with bypass 2FA and
//   stage-only complete; session / granular without bypass fail before any write naming the
//   fix; expired / revoked fail naming expiry; trusted publishing (OIDC) fails before any
//   write saying npm allows it only for publishing.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { main } from '../../../src/cli/main.js'
import { runDrill } from '../../../src/modes/drill.js'
import { useDialect } from '../../../src/core/settings.js'
import { InputError } from '../../../src/core/errors.js'
import { readInputs } from '../../../src/config/inputs.js'
import { runIncident, type IncidentResult } from '../../../src/incident/run.js'
import { SecondFactor, SecondFactorMissing } from '../../../src/targets/npm/two-factor.js'
import { isDrillTag } from '../../../src/targets/npm/target.js'
import { createTargets } from '../../../src/targets/select.js'
import { gitCheckout, runCli } from '../../support/cli-in-process.js'
import { publishPackage, snapshot } from '../../support/fixtures.mjs'
import { runAction } from '../../support/run-action.mjs'
import { startNpmjsFront } from '../../support/npmjs-front.mjs'
import { startIdTokenService, startTrustedPublishing } from '../../support/oidc-standin.mjs'
import { startVerdaccio, type Registry } from '../../support/verdaccio.mjs'

let registry: Registry
let front: Awaited<ReturnType<typeof startNpmjsFront>>
let counter = 0

beforeAll(async () => {
  registry = await startVerdaccio()
  front = await startNpmjsFront({ upstream: registry.url, upstreamToken: registry.token })
  // a pending approval's Retry-After: honoured, and short enough for tests
  front.retryAfter = 1
  // npm/cli#9803 as npmjs has it (the front's default): the deprecation's workaround is npm-deprecation-bug.test.ts's case
  front.deprecationBug = true
})
afterAll(async () => {
  await front?.close()
  await registry?.stop()
})

const REASON = 'Memory persistence corrupts data on restart'
const DEPRECATED = `1.2.3 was rolled back: ${REASON}. Use 1.2.2 instead.`

async function fixture(): Promise<string> {
  const name = `@acme/creds-${++counter}`
  await publishPackage(registry, name, ['1.2.2', '1.2.3'])
  return name
}

/** Verdaccio's own view (behind the front): dist-tags and the deprecation of 1.2.3. */
async function state(name: string) {
  const s = JSON.parse(await snapshot(registry, name)) as {
    distTags: Record<string, string>
    deprecated: Record<string, string | null>
  }
  return { latest: s.distTags.latest, deprecated: s.deprecated['1.2.3'] }
}

/** The front's log of writes (anything but GET and HEAD) from request index `from` on. */
const writesSince = (from: number) =>
  front.requests.slice(from).filter((r) => r.method !== 'GET' && r.method !== 'HEAD')
const isProbe = (path: string) => isDrillTag(decodeURIComponent(path.split('/').pop() ?? ''))

/**
 * The CLI in process, playing the person: each approval link it prints is approved on the
 * front (with `skip2faMinutes` when given), unless `approve` is false.
 */
async function cli(
  argv: string[],
  token: string,
  o: { approve?: boolean; skip2faMinutes?: number; answer?: string; terminal?: boolean } = {},
) {
  const opened: string[] = []
  let out = ''
  const links: string[] = []
  const watch = (s: string) => {
    out += s
    for (const m of s.matchAll(/Open this URL to approve: (\S+)/g)) {
      links.push(m[1])
      const authId = m[1].split('/').pop() as string
      if (o.approve !== false)
        setImmediate(() =>
          front.approve(authId, o.skip2faMinutes !== undefined ? { skip2faMinutes: o.skip2faMinutes } : {}),
        )
    }
  }
  const cwd = gitCheckout('rr-creds-')
  const from = front.requests.length
  const code = await main({
    argv: [...argv, '--registry', front.url, '--yes', '--no-report', '--no-issue'],
    env: { PATH: process.env.PATH ?? '', HOME: cwd, NPM_TOKEN: token },
    cwd,
    stdout: watch,
    stderr: watch,
    ask: async () => o.answer,
    version: '0.0.0-test',
    tty: { stdout: o.terminal === true, stderr: o.terminal === true, stdin: o.terminal === true, columns: 100 },
    // the browser: recorded, never opened in tests
    openUrl: (url) => opened.push(url),
  })
  return { code, out, links, opened, from, writes: writesSince(from) }
}

describe('the command line with a session token (2FA on every write)', () => {
  it('one package: prints the approval link, waits for the approval (honouring Retry-After), resends with npm-otp; one approval per write', async () => {
    const name = await fixture()
    // the person approves once the CLI has polled twice: the first poll is answered 202 + Retry-After
    front.autoApprove = 2
    const run = await cli(['--package', name, '--rollback', '1.2.3', '--reason', REASON], front.token('session'), {
      approve: false,
    }).finally(() => {
      front.autoApprove = 0
    })
    expect(run.out).toMatch(/Done\./)
    expect(run.code).toBe(0)
    expect(await state(name)).toEqual({ latest: '1.2.2', deprecated: DEPRECATED })
    // a web approval's token is good for one write: the dist-tag and the deprecation, one approval each
    expect(run.links).toHaveLength(2)
    for (const link of run.links) expect(link).toMatch(new RegExp(`^${front.url}auth/cli/[0-9a-f-]{36}$`))
    // every write said npm-auth-type: web and its npm-command; each refused one (401) was followed by one that passed
    expect(run.writes.every((w) => w.headers['npm-auth-type'] === 'web' && w.headers['npm-command'])).toBe(true)
    expect(run.writes.map((w) => [w.method, w.status, w.headers['npm-otp'] === '[redacted]'])).toEqual([
      ['PUT', 401, false],
      ['PUT', 204, true],
      ['PUT', 401, true],
      ['PUT', 201, true],
    ])
    // each approval: polled until done (202, then 200); the resend right after a fresh read of the
    // package made after the approval (guardedWrite's guard), then the write with npm-otp
    const mine = front.requests.slice(run.from)
    expect(mine.filter((r) => r.path.startsWith('/-/v1/done')).map((r) => r.status)).toEqual([202, 200, 202, 200])
    mine.forEach((r, i) => {
      if (!r.path.startsWith('/-/v1/done') || r.status !== 200) return
      // the reads between the approval and the resend: the package's document (the write view, and for a
      // deprecation also the full document beside it: npm/cli#9803), nothing else
      const next = mine.slice(i + 1).findIndex((x) => x.method !== 'GET')
      const reads = mine.slice(i + 1, i + 1 + next)
      expect(reads.map((x) => x.path)).toContain(`/${name.replace('/', '%2f')}?write=true`)
      expect(reads.every((x) => x.path.startsWith(`/${name.replace('/', '%2f')}`))).toBe(true)
      const resend = mine[i + 1 + next]
      expect([resend.method, resend.headers['npm-otp']]).toEqual(['PUT', '[redacted]'])
    })
  })

  it('three packages: completes after one approval per write; with "skip 2FA for 5 minutes" after one approval in all', async () => {
    const names = [await fixture(), await fixture(), await fixture()]
    const plain = await cli(
      ['--packages', names.join(','), '--rollback', '1.2.3', '--reason', REASON],
      front.token('session'),
    )
    expect(plain.code).toBe(0)
    for (const n of names) expect(await state(n)).toEqual({ latest: '1.2.2', deprecated: DEPRECATED })
    // writes refused at the same time share one approval; each approval's token passes one write
    expect(plain.links).toHaveLength(6)

    const more = [await fixture(), await fixture(), await fixture()]
    const skipping = await cli(
      ['--packages', more.join(','), '--rollback', '1.2.3', '--reason', REASON],
      front.token('session'),
      { skip2faMinutes: 5 },
    )
    expect(skipping.code).toBe(0)
    for (const n of more) expect(await state(n)).toEqual({ latest: '1.2.2', deprecated: DEPRECATED })
    // the approval's token is sent with every following write, and the registry takes it for 5 minutes
    expect(skipping.links).toHaveLength(1)
    // (how many of the first writes went out before the approval came back varies: 1 to 3 refused)
    expect(skipping.writes.filter((w) => w.status < 300)).toHaveLength(6)
  })

  it('one package with "skip 2FA for 5 minutes": one approval for both writes', async () => {
    const name = await fixture()
    const run = await cli(['--package', name, '--rollback', '1.2.3', '--reason', REASON], front.token('session'), {
      skip2faMinutes: 5,
    })
    expect(run.code).toBe(0)
    expect(await state(name)).toEqual({ latest: '1.2.2', deprecated: DEPRECATED })
    expect(run.links).toHaveLength(1)
    // not a terminal: the link is printed, no browser is opened (npm opens one only on a terminal)
    expect(run.opened).toEqual([])
  })

  it('on a terminal the approval link is also opened in the browser, as npm does', async () => {
    const name = await fixture()
    const run = await cli(['--package', name, '--rollback', '1.2.3', '--reason', REASON], front.token('session'), {
      skip2faMinutes: 5,
      terminal: true,
    })
    expect(run.code).toBe(0)
    expect(run.links).toHaveLength(1)
    expect(run.opened).toEqual(run.links)
  })

  it('--otp <code> from an authenticator app: no approval asked, every write carries it', async () => {
    const names = [await fixture(), await fixture(), await fixture()]
    const run = await cli(
      ['--packages', names.join(','), '--rollback', '1.2.3', '--reason', REASON, '--otp', front.otp],
      front.token('session'),
    )
    expect(run.code).toBe(0)
    for (const n of names) expect(await state(n)).toEqual({ latest: '1.2.2', deprecated: DEPRECATED })
    expect(run.links).toEqual([])
    expect(run.writes).toHaveLength(6)
    expect(run.writes.every((w) => w.headers['npm-otp'] === '[redacted]' && w.status < 300)).toBe(true)
  })

  it('a granular token without bypass (2FA on writes) takes the same approval', async () => {
    const name = await fixture()
    const run = await cli(['--package', name, '--rollback', '1.2.3', '--reason', REASON], front.token('granular'), {
      skip2faMinutes: 5,
    })
    expect(run.code).toBe(0)
    expect(await state(name)).toEqual({ latest: '1.2.2', deprecated: DEPRECATED })
    expect(run.links).toHaveLength(1)
  })

  it('no approval in time: nothing more is written, and the run says what was done and what was not', async () => {
    const name = await fixture()
    let approvedOnce = false
    // the person approves the first link (the dist-tag), then walks away
    const token = front.token('session')
    const cwd = gitCheckout('rr-creds-')
    let out = ''
    const from = front.requests.length
    const code = await main({
      argv: [
        '--package',
        name,
        '--rollback',
        '1.2.3',
        '--reason',
        REASON,
        '--registry',
        front.url,
        '--yes',
        '--no-report',
        '--approval-timeout',
        '2s',
      ],
      env: { PATH: process.env.PATH ?? '', HOME: cwd, NPM_TOKEN: token },
      cwd,
      stdout: (s) => {
        out += s
        const m = /Open this URL to approve: (\S+)/.exec(s)
        if (m && !approvedOnce) {
          approvedOnce = true
          setImmediate(() => front.approve(m[1].split('/').pop() as string))
        }
      },
      stderr: (s) => {
        out += s
      },
      ask: async () => undefined,
      version: '0.0.0-test',
      tty: { stdout: false, stderr: false, columns: 100 },
    })
    expect(code).toBe(3)
    // the channel moved, the deprecation was not written
    expect(await state(name)).toEqual({ latest: '1.2.2', deprecated: null })
    expect(out).toMatch(/Nobody approved the registry's two-factor request .* within 2s: this write was not sent/)
    expect(out).toMatch(/nothing more is written in this run/)
    expect(out).toMatch(
      /Partial rollback: 'latest' points at 1\.2\.2 \(the rollback is live\)\. Still missing: deprecating 1\.2\.3\./,
    )
    // after the unanswered approval no write was sent
    const writes = writesSince(from)
    expect(writes.map((w) => w.status)).toEqual([401, 204, 401])
  })

  it('three packages, one approval given, then none: the one channel moved stays, the others are named as not moved, nothing more written', async () => {
    const names = [await fixture(), await fixture(), await fixture()]
    const token = front.token('session')
    const cwd = gitCheckout('rr-creds-')
    let out = ''
    let approved = 0
    const from = front.requests.length
    const code = await main({
      argv: [
        '--packages',
        names.join(','),
        '--rollback',
        '1.2.3',
        '--reason',
        REASON,
        '--registry',
        front.url,
        '--yes',
        '--no-report',
        '--approval-timeout',
        '2s',
      ],
      env: { PATH: process.env.PATH ?? '', HOME: cwd, NPM_TOKEN: token },
      cwd,
      stdout: (s) => {
        out += s
        for (const m of s.matchAll(/Open this URL to approve: (\S+)/g))
          if (approved++ === 0) setImmediate(() => front.approve(m[1].split('/').pop() as string))
      },
      stderr: (s) => {
        out += s
      },
      ask: async () => undefined,
      version: '0.0.0-test',
      tty: { stdout: false, stderr: false, columns: 100 },
    })
    const after = await Promise.all(names.map(state))
    // one write passed with the one approval; the other two channels did not move, nothing was deprecated
    expect(after.filter((s) => s.latest === '1.2.2')).toHaveLength(1)
    expect(after.filter((s) => s.latest === '1.2.3')).toHaveLength(2)
    expect(after.every((s) => s.deprecated === null)).toBe(true)
    expect(code).toBe(3)
    const moved = names[after.findIndex((s) => s.latest === '1.2.2')]
    expect(out).toMatch(/within 2s: this write was not sent, and nothing more is written in this run/)
    for (const n of names.filter((x) => x !== moved))
      expect(out).toMatch(new RegExp(`${n.replace('/', '\\/')}.*(failed|not)`))
    // after the wait ran out: no write at all, and only one write passed in the whole run
    expect(writesSince(from).filter((w) => w.status < 300)).toHaveLength(1)
    expect(out).not.toMatch(/Done\./)
  })

  it('--strategy republish with a session token: the publish waits for the approval and is resent through its guard', async () => {
    const name = await fixture()
    const run = await cli(
      ['--package', name, '--rollback', '1.2.3', '--reason', REASON, '--strategy', 'republish', '--no-deprecate'],
      front.token('session'),
    )
    expect(run.code).toBe(0)
    expect((await state(name)).latest).toBe('1.2.4')
    expect(run.links).toHaveLength(1)
    expect(run.writes.map((w) => [w.method, w.status])).toEqual([
      ['PUT', 401],
      ['PUT', 201],
    ])
  })

  it('a bad --approval-timeout or --otp is bad input naming the flag, before anything is read or written', async () => {
    const name = await fixture()
    const from = front.requests.length
    const common = ['--package', name, '--rollback', '1.2.3', '--reason', REASON, '--registry', front.url, '--yes']
    const slow = await runCli([...common, '--approval-timeout', '2h'], { env: { NPM_TOKEN: front.token('session') } })
    expect(slow.code).toBe(2)
    expect(slow.stderr).toMatch(
      /^--approval-timeout: 2h is longer than 1h\. Fix: use a duration such as 90s, 5m or 15m/m,
    )
    const otp = await runCli([...common, '--otp', 'not a code'], { env: { NPM_TOKEN: front.token('session') } })
    expect(otp.code).toBe(2)
    expect(otp.stderr).toMatch(/^--otp: is not a one-time password/m)
    expect(front.requests.length).toBe(from)
  })

  it('a code the registry asks for without web approval: asked on a terminal, refused when nobody can type one', async () => {
    const refusal = Object.assign(new Error('OTP required for authentication'), {
      code: 'EOTP',
      statusCode: 401,
      body: { error: 'You must provide a one-time pass.' },
    })
    const noPoll = async () => {
      throw new Error('no web approval was offered: nothing to poll')
    }
    const asked: string[] = []
    const terminal = new SecondFactor({
      timeoutMs: 5000,
      timeoutText: '5s',
      say: () => {},
      askCode: async (q) => {
        asked.push(q)
        return '123456'
      },
    })
    expect(await terminal.answer(refusal, undefined, noPoll)).toBe('123456')
    expect(terminal.current()).toBe('123456')
    // the same code refused: asked again
    expect(await terminal.answer(refusal, '123456', noPoll)).toBe('123456')
    expect(asked).toHaveLength(2)
    expect(asked[1]).toMatch(/refused that one-time password/)

    const previous = useDialect('cli')
    try {
      const nobody = new SecondFactor({ otp: '654321', timeoutMs: 5000, timeoutText: '5s', say: () => {} })
      const e = await nobody.answer(refusal, '654321', noPoll).catch((x: unknown) => x)
      expect(e).toBeInstanceOf(SecondFactorMissing)
      expect((e as Error).message).toMatch(/refused the one-time password given with --otp/)
      expect((e as Error).message).toMatch(/pass --otp <code>/)
      // and nothing more may be written in the run
      expect(() => nobody.assertMayWrite()).toThrow(SecondFactorMissing)
    } finally {
      useDialect(previous)
    }
  })
})

/**
 * A run's end as the action reports it: the result, or the error a failed preflight throws
 * (with several packages, one InputError listing each package's problem).
 */
async function outcome(run: () => Promise<IncidentResult>) {
  try {
    const result = await run()
    const failures = result.targets.map((t) => t.failure?.error).filter((e) => e !== undefined)
    return {
      status: result.status,
      error: failures[0] as Error | undefined,
      message: failures.map((e) => (e as Error).message).join('\n'),
    }
  } catch (e) {
    return { status: 'failed', error: e as Error, message: (e as Error).message }
  }
}

/**
 * The action's path, in process (its dialect, its inputs, createTargets, the one runner):
 * no second factor to give. Returns the result, what it printed, and the front's log of it.
 */
async function action(names: string[], token: string, over: Record<string, string> = {}, env: NodeJS.ProcessEnv = {}) {
  const previous = useDialect('action')
  const lines: string[] = []
  const log = {
    info: (m: string) => lines.push(m),
    warning: (m: string) => lines.push(`warning: ${m}`),
    debug: () => {},
  }
  const values: Record<string, string> = {
    'rollback-version': '1.2.3',
    reason: REASON,
    packages: names.join(','),
    registry: front.url,
    'npm-token': token,
    ...over,
  }
  const from = front.requests.length
  try {
    const get = (n: string) => values[n] ?? ''
    const inputs = readInputs(get, env)
    const { targets } = createTargets(inputs, get, log, 'release-rollback-test', { env })
    return { ...(await outcome(() => runIncident(inputs, targets, log))), lines, writes: writesSince(from) }
  } finally {
    useDialect(previous)
  }
}

describe('the action, for each kind of npmjs credential', () => {
  it('granular with bypass 2FA: the preflight proves a write (its own dist-tag, added and removed), then the rollback completes', async () => {
    const names = [await fixture(), await fixture()]
    const run = await action(names, front.token('granular-bypass'))
    expect(run.status).toBe('completed')
    for (const n of names) expect(await state(n)).toEqual({ latest: '1.2.2', deprecated: DEPRECATED })
    const probes = run.writes.filter((w) => isProbe(w.path))
    expect(probes.map((w) => `${w.method} ${w.status}`).sort()).toEqual([
      'DELETE 204',
      'DELETE 204',
      'PUT 204',
      'PUT 204',
    ])
    // no write of the action carries a second factor, nor asks for the web flow
    expect(
      run.writes.every((w) => w.headers['npm-otp'] === undefined && w.headers['npm-auth-type'] === undefined),
    ).toBe(true)
  })

  it('stage-only ("read and write (stage only)"): the retag completes', async () => {
    const name = await fixture()
    const run = await action([name], front.token('stage-only'))
    expect(run.status).toBe('completed')
    expect(await state(name)).toEqual({ latest: '1.2.2', deprecated: DEPRECATED })
  })

  for (const kind of ['session', 'granular'] as const) {
    it(`${kind} (2FA on writes): writes nothing and hands off, naming a bypass-2FA or stage-only token for next time`, async () => {
      const names = [await fixture(), await fixture()]
      const before = await Promise.all(names.map((n) => snapshot(registry, n)))
      const run = await action(names, front.token(kind))
      // issue 21: a credential that cannot write without a person hands the writes to a maintainer
      expect(run.status).toBe('awaiting-approval')
      const said = run.lines.join('\n')
      expect(said).toMatch(
        /needs a second factor \(2FA\) on every write to @acme\/creds-\d+, which a workflow cannot give/,
      )
      expect(said).toMatch(/So that the next rollback needs no person: .*"Bypass two-factor authentication" ticked/)
      expect(said).toMatch(/"read and write \(stage only\)"/)
      expect(said).not.toMatch(/automation/i)
      expect(await Promise.all(names.map((n) => snapshot(registry, n)))).toEqual(before)
      // the only writes: each package's probe, refused for want of a second factor
      expect(run.writes.map((w) => [w.method, isProbe(w.path), w.status])).toEqual([
        ['PUT', true, 401],
        ['PUT', true, 401],
      ])
    })
  }

  for (const kind of ['expired', 'revoked'] as const) {
    it(`${kind}: fails before any write, saying expired or revoked and how long npm's write tokens last`, async () => {
      const name = await fixture()
      const before = await snapshot(registry, name)
      const run = await action([name], front.token(kind))
      expect(run.status).toBe('failed')
      const e = run.message
      expect(e).toMatch(/answered 401 Unauthorized to whoami: the token is expired or revoked/)
      expect(e).toMatch(/last 7 days by default and 90 days at most/)
      expect(e).toMatch(/create a new granular access token/)
      expect(e).toMatch(/drill: true/)
      expect(await snapshot(registry, name)).toBe(before)
      expect(run.writes).toEqual([])
    })
  }

  it('read-only: fails before any rollback write (the probe refused 403)', async () => {
    const name = await fixture()
    const before = await snapshot(registry, name)
    const run = await action([name], front.token('read-only'))
    expect(run.status).toBe('failed')
    expect(run.message).toMatch(/refused to let this token change .* \(403 Forbidden\)/)
    expect(await snapshot(registry, name)).toBe(before)
    expect(run.writes.map((w) => [w.method, isProbe(w.path), w.status])).toEqual([['PUT', true, 403]])
  })

  it('trusted publishing (no token, id-token: write): a retag fails before any write, saying npm allows it only for publishing', async () => {
    const name = await fixture()
    const idp = await startIdTokenService()
    // the runner's exchange (oidc-standin): its exchanged tokens are the npmjs front's OIDC kind, answered by its own front
    const exchange = await startTrustedPublishing(registry, idp, {
      publishers: { [name]: { repository: 'acme/widgets', workflow: 'rollback.yml' } },
    })
    try {
      const env = {
        ACTIONS_ID_TOKEN_REQUEST_URL: idp.url,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: idp.requestToken,
        GITHUB_ACTIONS: 'true',
      }
      const before = await snapshot(registry, name)
      const previous = useDialect('action')
      let run: Awaited<ReturnType<typeof action>>
      try {
        const get = (n: string) =>
          ({ 'rollback-version': '1.2.3', reason: REASON, package: name, registry: exchange.url })[n] ?? ''
        const inputs = readInputs(get, env)
        expect(inputs.npmOidc).toBe(true)
        const { targets } = createTargets(inputs, get, { info() {}, warning() {}, debug() {} }, 'test', { env })
        run = {
          ...(await outcome(() => runIncident(inputs, targets, { info() {}, warning() {}, debug() {} }))),
          lines: [],
          writes: exchange.npmjs.requests.filter((r) => r.method !== 'GET' && r.method !== 'HEAD'),
        }
      } finally {
        useDialect(previous)
      }
      expect(run.status).toBe('failed')
      const e = run.message
      expect(run.error).toBeInstanceOf(InputError)
      expect(e).toMatch(/npm allows trusted publishing only for publishing/)
      expect(e).toMatch(/docs\.npmjs\.com\/trusted-publishers, "Limitations"; npm\/cli#8547/)
      expect(e).toMatch(/"Bypass two-factor authentication", or a granular token with "read and write \(stage only\)"/)
      expect(e).toMatch(/Nothing was written/)
      expect(e).not.toMatch(/allowed\sactions|allow\smoving\sdist-tags/)
      expect(await snapshot(registry, name)).toBe(before)
      // the front saw the plan's read with the exchanged token, and no write
      expect(exchange.npmjs.requests.some((r) => r.kind === 'oidc')).toBe(true)
      expect(run.writes).toEqual([])
      expect(exchange.seen.filter((s) => s.method !== 'GET' && !s.path.startsWith('/-/npm/v1/oidc/'))).toEqual([])
    } finally {
      await exchange.stop()
      await idp.stop()
    }
  })
})

describe("the action's preflight error", () => {
  it('is an InputError naming npm-token (bad input: nothing written) for a read-only token', async () => {
    const name = await fixture()
    const run = await action([name], front.token('read-only'))
    expect(run.error).toBeInstanceOf(InputError)
    expect((run.error as InputError).input).toBe('npm-token')
  })
})

describe('the drill warns before the token expires, where the registry says when', () => {
  async function drill(name: string, token: string) {
    const previous = useDialect('action')
    try {
      const values: Record<string, string> = {
        drill: 'true',
        'rollback-version': 'current',
        package: name,
        registry: front.url,
        'npm-token': token,
      }
      const get = (n: string) => values[n] ?? ''
      const inputs = readInputs(get, {})
      const log = { info() {}, warning() {}, debug() {} }
      const { targets } = createTargets(inputs, get, log, 'test', {})
      const gi = {
        createIssue: false,
        labels: ['rollback'],
        assignees: [],
        commitReport: false,
        reportDir: 'incidents',
        severity: 'high' as const,
      }
      return await runDrill(
        inputs,
        gi,
        targets,
        undefined,
        { repository: 'acme/widgets', serverUrl: 'https://github.com', eventName: 'schedule' },
        log,
      )
    } finally {
      useDialect(previous)
    }
  }

  it("a granular token that expires in 5 days (npm's default is 7): passes, and warns with the date the registry lists", async () => {
    const name = await fixture()
    const expires = new Date(Date.now() + 5 * 86_400_000).toISOString()
    const result = await drill(name, front.token('granular-bypass', { expires }))
    expect(result.status).toBe('drill-passed')
    const credentials = result.checks.find((c) => c.check === 'credentials')
    expect(credentials?.detail).toContain(`says this token expires ${expires}`)
    expect(result.warnings.join('\n')).toMatch(
      new RegExp(
        `npm-token expires ${expires.replace(/[.]/g, '\\.')} \\(in 4 day\\(s\\)\\): a rollback after that fails`,
      ),
    )
  })

  it('a token with months left: no warning; the date is in the report', async () => {
    const name = await fixture()
    const expires = new Date(Date.now() + 80 * 86_400_000).toISOString()
    const result = await drill(name, front.token('stage-only', { expires }))
    expect(result.status).toBe('drill-passed')
    expect(result.checks.find((c) => c.check === 'credentials')?.detail).toContain(`expires ${expires}`)
    expect(result.warnings.join('\n')).not.toMatch(/expires/)
  })

  it('a registry that does not list tokens (Verdaccio itself): the drill says it cannot tell, and passes', async () => {
    const name = await fixture()
    const previous = useDialect('action')
    try {
      const values: Record<string, string> = {
        drill: 'true',
        'rollback-version': 'current',
        package: name,
        registry: registry.url,
        'npm-token': registry.token,
      }
      const get = (n: string) => values[n] ?? ''
      const inputs = readInputs(get, {})
      const log = { info() {}, warning() {}, debug() {} }
      const { targets } = createTargets(inputs, get, log, 'test', {})
      const gi = {
        createIssue: false,
        labels: ['rollback'],
        assignees: [],
        commitReport: false,
        reportDir: 'incidents',
        severity: 'high' as const,
      }
      const result = await runDrill(
        inputs,
        gi,
        targets,
        undefined,
        { repository: 'acme/widgets', serverUrl: 'https://github.com', eventName: 'schedule' },
        log,
      )
      expect(result.status).toBe('drill-passed')
      expect(result.checks.find((c) => c.check === 'credentials')?.detail).toMatch(
        /Expiry: .* (does not list its tokens to this one|lists no token starting as this one does|lists this token without an expiry date)/,
      )
    } finally {
      useDialect(previous)
    }
  })
})

describe('the built action (dist/index.js) on the front', () => {
  const base = (name: string, token: string) => ({
    'rollback-version': '1.2.3',
    reason: REASON,
    package: name,
    registry: front.url,
    'npm-token': token,
    'create-issue': 'false',
    'commit-report': 'false',
    'github-release': 'false',
  })

  it('granular with bypass 2FA: completed', async () => {
    const name = await fixture()
    const run = await runAction(base(name, front.token('granular-bypass')))
    expect(run.outputs.status).toBe('completed')
    expect(run.code).toBe(0)
    expect(await state(name)).toEqual({ latest: '1.2.2', deprecated: DEPRECATED })
  })

  it('a session token: hands off before any rollback write (exit 0, awaiting-approval), naming the tokens that work', async () => {
    const name = await fixture()
    const token = front.token('session')
    const before = await snapshot(registry, name)
    const from = front.requests.length
    const run = await runAction(base(name, token))
    expect(run.code).toBe(0)
    expect(run.outputs.status).toBe('awaiting-approval')
    expect(run.outputs.handoff).toBe('true')
    expect(run.stdout).toMatch(
      /::warning::So that the next rollback needs no person: .*"read and write \(stage only\)"/,
    )
    // masked, and nowhere else
    const printed = [...run.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::')), run.stderr, run.summary]
    expect(printed.join('\n')).not.toContain(token)
    expect(await snapshot(registry, name)).toBe(before)
    expect(writesSince(from).map((w) => [w.method, isProbe(w.path), w.status])).toEqual([['PUT', true, 401]])
  })
})
