// The npmjs test front (support/npmjs-front.mjs) checked against the real npm CLI 11.19.1
// (/usr/bin/npm): what the front answers must be what npm's own client turns into EOTP,
// the web-approval poll, E_STAGE_REQUIRED, a staged version, npm/cli#9803's 400 and a dead
// token's 401, or the stand-in is not npmjs's contract. Every npm call has its own HOME,
// .npmrc and cache, so nothing on the machine leaks in.
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { publishPackage } from '../../support/fixtures.mjs'
import { startNpmjsFront } from '../../support/npmjs-front.mjs'
import { startVerdaccio, type Registry } from '../../support/verdaccio.mjs'

let registry: Registry
let front: Awaited<ReturnType<typeof startNpmjsFront>>
let counter = 0
const dirs: string[] = []

beforeAll(async () => {
  registry = await startVerdaccio()
  front = await startNpmjsFront({ upstream: registry.url, upstreamToken: registry.token })
})
afterAll(async () => {
  await front?.close()
  await registry?.stop()
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

interface Ran {
  code: number
  stdout: string
  stderr: string
}

/** The real npm CLI against the front with `token`, from a private HOME. */
function npm(args: string[], token?: string, cwd?: string): Promise<Ran> {
  const home = mkdtempSync(join(tmpdir(), 'rr-front-npm-'))
  dirs.push(home)
  const host = new URL(front.url).host
  writeFileSync(
    join(home, '.npmrc'),
    [`registry=${front.url}`, ...(token ? [`//${host}/:_authToken=${token}`] : []), ''].join('\n'),
  )
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v
  return new Promise((resolve) => {
    execFile(
      '/usr/bin/npm',
      [...args, '--userconfig', join(home, '.npmrc'), '--cache', join(home, 'cache'), '--no-update-notifier'],
      {
        cwd: cwd ?? home,
        env: { ...env, HOME: home, NODE_OPTIONS: '', npm_config_userconfig: join(home, '.npmrc') },
        timeout: 60_000,
      },
      (error, stdout, stderr) => {
        const code = error ? Number((error as { code?: unknown }).code ?? 1) : 0
        resolve({ code, stdout: String(stdout), stderr: String(stderr) })
      },
    )
  })
}

async function fixture(versions = ['1.0.0', '1.0.1', '1.0.2']): Promise<string> {
  const name = `@acme/front-${++counter}`
  await publishPackage(registry, name, versions)
  return name
}

/** A package directory for `npm publish` / `npm stage publish`. */
function packageDir(name: string, version: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'rr-front-pkg-'))
  dirs.push(dir)
  mkdirSync(join(dir, 'lib'))
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version, main: 'lib/index.js' }))
  writeFileSync(join(dir, 'lib', 'index.js'), `module.exports = ${JSON.stringify(version)}\n`)
  return dir
}

/** What Verdaccio itself holds (the front is not asked). */
async function upstream(name: string): Promise<{
  'dist-tags': Record<string, string>
  versions: Record<string, { deprecated?: string }>
}> {
  const res = await fetch(new URL(name.replace('/', '%2f'), registry.url))
  return (await res.json()) as never
}

describe('the npmjs front, as the real npm CLI meets it', () => {
  it('a session token: `npm dist-tag add` fails EOTP, printing the approval URL, and writes nothing; with --otp it succeeds', async () => {
    const pkg = await fixture()
    const token = front.token('session')
    const seen = front.approvals.length
    const refused = await npm(['dist-tag', 'add', `${pkg}@1.0.1`, 'next'], token)
    expect(refused.code).not.toBe(0)
    expect(refused.stderr).toMatch(/code EOTP/)
    // npm CLI lib/utils/error-message.js prints the body's authUrl
    const approval = front.approvals[seen]
    expect(approval).toBeDefined()
    // (npm redacts the id in what it prints)
    expect(refused.stderr).toContain(`${front.url}auth/cli/`)
    expect(refused.stderr).toContain(`${front.url}-/v1/done?authId=`)
    // npm sent npm-auth-type: web and its command (npm-registry-fetch index.js)
    const put = front.requests.filter((r) => r.method === 'PUT' && r.path.includes(pkg.replace('/', '%2f')))
    expect(put.at(-1)?.headers['npm-auth-type']).toBe('web')
    expect(put.at(-1)?.headers['npm-command']).toBe('dist-tag')
    expect((await upstream(pkg))['dist-tags'].next).toBeUndefined()

    const done = await npm(['dist-tag', 'add', `${pkg}@1.0.1`, 'next', '--otp', front.otp], token)
    expect(done.stderr).not.toMatch(/EOTP/)
    expect(done.code).toBe(0)
    expect(done.stdout).toMatch(/\+next: @acme\/front-\d+@1\.0\.1/)
    expect((await upstream(pkg))['dist-tags'].next).toBe('1.0.1')
  })

  it("the web approval: npm's own poller (npm-profile webAuthCheckLogin) waits on 202 + Retry-After, gets the token on approval; the token passes 2FA once", async () => {
    const pkg = await fixture()
    const token = front.token('session')
    const seen = front.approvals.length
    expect((await npm(['dist-tag', 'add', `${pkg}@1.0.0`, 'old'], token)).stderr).toMatch(/code EOTP/)
    const approval = front.approvals[seen]
    const npmRequire = createRequire('/usr/lib/node_modules/npm/package.json')
    const { webAuthCheckLogin } = npmRequire('npm-profile') as {
      webAuthCheckLogin: (url: string, opts: Record<string, unknown>) => Promise<{ token: string }>
    }
    front.autoApprove = 2
    try {
      const { token: otp } = await webAuthCheckLogin(approval.doneUrl, { registry: front.url, cache: false })
      expect(approval.polls).toBe(2)
      expect(approval.approvedAt).toBeDefined()
      const first = await npm(['dist-tag', 'add', `${pkg}@1.0.0`, 'old', '--otp', otp], token)
      expect(first.code).toBe(0)
      expect((await upstream(pkg))['dist-tags'].old).toBe('1.0.0')
      // single use (modelled): a second write with the same approval asks again
      const again = await npm(['dist-tag', 'add', `${pkg}@1.0.1`, 'old', '--otp', otp], token)
      expect(again.stderr).toMatch(/code EOTP/)
      expect((await upstream(pkg))['dist-tags'].old).toBe('1.0.0')
    } finally {
      front.autoApprove = 0
    }
  })

  it('granular tokens: without bypass 2FA a dist-tag write is EOTP; with bypass it is written; read-only is refused 403', async () => {
    const pkg = await fixture()
    expect((await npm(['dist-tag', 'add', `${pkg}@1.0.1`, 'a'], front.token('granular'))).stderr).toMatch(/code EOTP/)
    const ro = await npm(['dist-tag', 'add', `${pkg}@1.0.1`, 'a'], front.token('read-only'))
    expect(ro.stderr).toMatch(/code E403/)
    expect(ro.stderr).toMatch(/You may not perform that action with these credentials/)
    expect((await upstream(pkg))['dist-tags'].a).toBeUndefined()
    const ok = await npm(['dist-tag', 'add', `${pkg}@1.0.1`, 'a'], front.token('granular-bypass'))
    expect(ok.code).toBe(0)
    expect((await upstream(pkg))['dist-tags'].a).toBe('1.0.1')
    // a token for other packages only
    const other = await npm(
      ['dist-tag', 'add', `${pkg}@1.0.0`, 'a'],
      front.token('granular-bypass', { packages: ['x'] }),
    )
    expect(other.stderr).toMatch(/code E403/)
    expect((await upstream(pkg))['dist-tags'].a).toBe('1.0.1')
  })

  it('a stage-only token: `npm publish` is refused E_STAGE_REQUIRED, while its dist-tag writes and deprecations go through', async () => {
    const pkg = await fixture()
    const token = front.token('stage-only')
    const pub = await npm(['publish', '--access', 'public'], token, packageDir(pkg, '1.0.3'))
    expect(pub.code).not.toBe(0)
    expect(pub.stderr).toMatch(/E_STAGE_REQUIRED/)
    expect(pub.stderr).toMatch(/npm stage publish/)
    expect(Object.keys((await upstream(pkg)).versions)).not.toContain('1.0.3')
    expect((await npm(['dist-tag', 'add', `${pkg}@1.0.1`, 'latest'], token)).code).toBe(0)
    expect((await npm(['deprecate', `${pkg}@1.0.2`, 'broken'], token)).code).toBe(0)
    const doc = await upstream(pkg)
    expect(doc['dist-tags'].latest).toBe('1.0.1')
    expect(doc.versions['1.0.2'].deprecated).toBe('broken')
  })

  it('a bypass-2FA token publishes directly until January 2027, and after it only stages (E_STAGE_REQUIRED)', async () => {
    const pkg = await fixture()
    const before = await npm(
      ['publish', '--access', 'public'],
      front.token('granular-bypass'),
      packageDir(pkg, '1.0.3'),
    )
    expect(before.code).toBe(0)
    const after = await npm(
      ['publish', '--access', 'public'],
      front.token('granular-bypass', { now: '2027-02-01T00:00:00Z', expires: '2027-03-01T00:00:00Z' }),
      packageDir(pkg, '1.0.4'),
    )
    expect(after.stderr).toMatch(/E_STAGE_REQUIRED/)
    expect(Object.keys((await upstream(pkg)).versions)).toEqual(['1.0.0', '1.0.1', '1.0.2', '1.0.3'])
  })

  it('`npm stage publish` holds the version, not installable; `npm stage approve <id>` needs 2FA, then the version and its staged dist-tag are live', async () => {
    const pkg = await fixture()
    const token = front.token('stage-only')
    const staged = await npm(
      ['stage', 'publish', '--access', 'public', '--tag', 'next'],
      token,
      packageDir(pkg, '1.0.3'),
    )
    expect(staged.stderr).not.toMatch(/npm error/)
    const stageId = /staged with id ([0-9a-f-]{36})/.exec(staged.stdout)?.[1]
    expect(stageId).toBeDefined()
    expect(front.staged.find((s) => s.stageId === stageId)).toMatchObject({
      name: pkg,
      version: '1.0.3',
      tag: 'next',
      approved: false,
    })
    const view = await npm(['view', pkg, 'versions', '--json'], token)
    expect(JSON.parse(view.stdout)).toEqual(['1.0.0', '1.0.1', '1.0.2'])
    // the number is held: a direct publish of 1.0.3 is refused
    const over = await npm(['publish', '--access', 'public'], front.token('granular-bypass'), packageDir(pkg, '1.0.3'))
    expect(over.stderr).toMatch(/E403/)
    const list = await npm(['stage', 'list', pkg, '--json'], token)
    expect(JSON.parse(list.stdout)).toEqual([
      expect.objectContaining({ id: stageId, packageName: pkg, version: '1.0.3', tag: 'next' }),
    ])

    const noOtp = await npm(['stage', 'approve', String(stageId)], token)
    expect(noOtp.stderr).toMatch(/code EOTP/)
    expect(Object.keys((await upstream(pkg)).versions)).not.toContain('1.0.3')
    const approved = await npm(['stage', 'approve', String(stageId), '--otp', front.otp], token)
    expect(approved.code).toBe(0)
    expect(approved.stdout).toMatch(/approved and published successfully/)
    const live = await npm(['view', `${pkg}@next`, 'version', '--json'], token)
    expect(JSON.parse(live.stdout)).toBe('1.0.3')
    expect(JSON.parse((await npm(['stage', 'list', pkg, '--json'], token)).stdout)).toEqual([])
  })

  it('an OIDC-exchanged token publishes, and its dist-tag and deprecation are refused 401 (npm/cli#8547)', async () => {
    const pkg = await fixture()
    const token = front.token('oidc', { packages: [pkg] })
    const tag = await npm(['dist-tag', 'add', `${pkg}@1.0.1`, 'latest'], token)
    expect(tag.stderr).toMatch(/code E401/)
    const dep = await npm(['deprecate', `${pkg}@1.0.2`, 'broken'], token)
    expect(dep.stderr).toMatch(/code E401/)
    const doc = await upstream(pkg)
    expect(doc['dist-tags'].latest).toBe('1.0.2')
    expect(doc.versions['1.0.2'].deprecated).toBeUndefined()
    expect((await npm(['publish', '--access', 'public'], token, packageDir(pkg, '1.0.3'))).code).toBe(0)
    // a publisher allowed to stage only: the direct publish asks for staging
    const stageOnly = front.token('oidc', { packages: [pkg], permissions: ['createStagedPackage'] })
    expect((await npm(['publish', '--access', 'public'], stageOnly, packageDir(pkg, '1.0.4'))).stderr).toMatch(
      /E_STAGE_REQUIRED/,
    )
    expect((await npm(['stage', 'publish', '--access', 'public'], stageOnly, packageDir(pkg, '1.0.4'))).stdout).toMatch(
      /staged with id/,
    )
  })

  it('npm/cli#9803: `npm deprecate` of a second version answers 400 deprecations must be strings; the first deprecation stays; without the bug both go through', async () => {
    const pkg = await fixture()
    const token = front.token('granular-bypass')
    expect((await npm(['deprecate', `${pkg}@1.0.0`, 'old'], token)).code).toBe(0)
    const second = await npm(['deprecate', `${pkg}@1.0.1`, 'also old'], token)
    expect(second.stderr).toMatch(/code E400/)
    expect(second.stderr).toMatch(/deprecations must be strings/)
    let doc = await upstream(pkg)
    expect(doc.versions['1.0.0'].deprecated).toBe('old')
    expect(doc.versions['1.0.1'].deprecated).toBeUndefined()
    // the mechanism: the write view has no `deprecated`, the full read has it
    const writeView = (await (
      await fetch(`${front.url}${pkg.replace('/', '%2f')}?write=true`, {
        headers: { authorization: `Bearer ${token}` },
      })
    ).json()) as { versions: Record<string, { deprecated?: string }> }
    expect(writeView.versions['1.0.0'].deprecated).toBeUndefined()
    front.deprecationBug = false
    try {
      expect((await npm(['deprecate', `${pkg}@1.0.1`, 'also old'], token)).code).toBe(0)
    } finally {
      front.deprecationBug = true
    }
    doc = await upstream(pkg)
    expect(doc.versions['1.0.0'].deprecated).toBe('old')
    expect(doc.versions['1.0.1'].deprecated).toBe('also old')
  })

  it("expired and revoked tokens: `npm whoami` fails E401; whoami carries npm's notice, reads still work; a write answers 404", async () => {
    const pkg = await fixture()
    expect((await npm(['whoami'], front.token('session', { user: 'alice' }))).stdout.trim()).toBe('alice')
    for (const kind of ['expired', 'revoked'] as const) {
      const token = front.token(kind)
      const who = await npm(['whoami'], token)
      expect(who.code).not.toBe(0)
      expect(who.stderr).toMatch(/code E401/)
      // the npm-notice header, which npm-registry-fetch logs (check-response.js)
      expect(who.stderr).toMatch(/npm notice Access token expired or revoked/)
      const view = await npm(['view', pkg, 'version'], token)
      expect(view.stdout.trim()).toBe('1.0.2')
      const write = await npm(['dist-tag', 'add', `${pkg}@1.0.0`, 'latest'], token)
      expect(write.stderr).toMatch(/code E404/)
    }
    // a session token past its two hours
    const old = front.token('session', { expires: new Date(Date.now() - 3_600_000).toISOString() })
    expect((await npm(['whoami'], old)).stderr).toMatch(/code E401/)
    expect((await upstream(pkg))['dist-tags'].latest).toBe('1.0.2')
  })

  it('the request log redacts every credential: no minted token and no OTP appears in it', () => {
    const log = JSON.stringify(front.requests)
    expect(front.tokens().length).toBeGreaterThan(10)
    for (const t of front.tokens()) expect(log.includes(t)).toBe(false)
    expect(front.requests.some((r) => r.headers['npm-otp'] === '[redacted]')).toBe(true)
    expect(
      front.requests.filter((r) => r.headers.authorization).every((r) => r.headers.authorization === '[redacted]'),
    ).toBe(true)
  })
})
