// Fix-forward republish: the pure part (version, note, tarball rewrite) as unit tests, the
// I/O part against a real Verdaccio, read back with the real npm CLI (view and install).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFile } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import ssri from 'ssri'
import * as tar from 'tar'
import { InputError, RegistryError } from '../../../src/core/errors.js'
import { incidentId } from '../../../src/core/plan.js'
import {
  fixForwardVersion,
  noteOf,
  NOTE_KEY,
  republish,
  rewriteTarball,
  type RepublishOptions,
} from '../../../src/targets/npm/republish.js'
import { escapeName, makeTarball, publishPackage, registryRequest, snapshot } from '../../support/fixtures.mjs'
import { startFaultProxy } from '../../support/fault-proxy.mjs'
import { npmView } from '../../support/npm-cli.mjs'
import { startTarballProxy } from '../../support/tarball-proxy.mjs'
import { startVerdaccio, type Registry } from '../../support/verdaccio.mjs'

const run = promisify(execFile)
const fastRetry = { attempts: 2, baseDelayMs: 10, maxDelayMs: 100, deadlineMs: 2000 }

function logger() {
  const lines: string[] = []
  return {
    lines,
    info: (m: string) => lines.push(`info: ${m}`),
    warning: (m: string) => lines.push(`warning: ${m}`),
    debug: (m: string) => lines.push(`debug: ${m}`),
  }
}

// ---------------------------------------------------------------------------------------
// pure part

describe('fixForwardVersion', () => {
  it.each([
    ['1.2.3', '1.2.4'],
    ['0.0.9', '0.0.10'],
    ['1.2.3+build.5', '1.2.4'],
    ['2.0.0-beta.3', '2.0.0-beta.4'],
    ['2.0.0-rc', '2.0.0-rc.0'],
    ['1.0.0-alpha.1.2', '1.0.0-alpha.1.3'],
    ['3.0.0-0', '3.0.0-1'],
  ])('%s -> %s', (bad, fix) => {
    expect(fixForwardVersion(bad)).toBe(fix)
  })

  it('refuses an invalid version, naming the input', () => {
    expect(() => fixForwardVersion('1.2')).toThrow(InputError)
    expect(() => fixForwardVersion('1.2')).toThrow(/rollback-version/)
  })
})

describe('noteOf', () => {
  it('reads a well-formed note and ignores anything else', () => {
    const note = { rollbackOf: '1.2.3', restoredFrom: '1.2.2', incidentId: 'rr-1' }
    expect(noteOf({ [NOTE_KEY]: note })).toEqual(note)
    expect(noteOf({ [NOTE_KEY]: { ...note, incidentId: 5 } })).toBeUndefined()
    expect(noteOf({ [NOTE_KEY]: 'yes' })).toBeUndefined()
    expect(noteOf({})).toBeUndefined()
    expect(noteOf(undefined)).toBeUndefined()
  })
})

interface ListedEntry {
  path: string
  type: string
  mode?: number
  mtime?: number
  body: Buffer
}

async function listTarball(data: Buffer): Promise<ListedEntry[]> {
  const entries: ListedEntry[] = []
  await new Promise<void>((resolve, reject) => {
    const p = new tar.Parser({ strict: true })
    p.on('entry', (e: tar.ReadEntry) => {
      const chunks: Buffer[] = []
      e.on('data', (c: Buffer) => chunks.push(c))
      e.on('end', () =>
        entries.push({
          path: e.path,
          type: e.type,
          mode: e.mode,
          mtime: e.mtime?.getTime(),
          body: Buffer.concat(chunks),
        }),
      )
    })
    p.on('error', reject)
    p.on('end', () => resolve())
    p.end(data)
  })
  return entries
}

function packDir(files: Record<string, { text: string; mode?: number }>, top = 'package'): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'rr-rewrite-'))
  try {
    for (const [name, { text, mode }] of Object.entries(files)) {
      const file = join(dir, top, name)
      mkdirSync(join(file, '..'), { recursive: true })
      writeFileSync(file, text)
      if (mode !== undefined) chmodSync(file, mode)
    }
    const out = join(dir, 'out.tgz')
    tar.create(
      { gzip: true, cwd: dir, file: out, sync: true, portable: true, mtime: new Date('1985-10-26T08:15:00.000Z') },
      [top],
    )
    return readFileSync(out)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

describe('rewriteTarball', () => {
  const longName = `lib/${'deeply-nested-folder/'.repeat(6)}a-file-name-that-makes-the-path-longer-than-a-ustar-header-holds.js`
  const pkgText = '{\r\n    "name": "tool",\r\n    "version": "1.2.2",\r\n    "bin": { "tool": "bin/cli.js" }\r\n}\r\n'
  const files = {
    'package.json': { text: pkgText },
    'bin/cli.js': { text: '#!/usr/bin/env node\nconsole.log("tool")\n', mode: 0o755 },
    'index.js': { text: 'module.exports = "tool@1.2.2"\n', mode: 0o644 },
    [longName]: { text: 'module.exports = 1\n' },
    'data.bin': { text: '\u0000\u0001\u00ff binary-ish' },
  }

  it('changes package.json only: other files keep bytes, modes and mtimes; long paths survive', async () => {
    const original = packDir(files)
    const out = await rewriteTarball(original, (pkg) => {
      pkg.version = '1.2.4'
      pkg[NOTE_KEY] = { rollbackOf: '1.2.3', restoredFrom: '1.2.2', incidentId: 'rr-x' }
    })
    expect(out.original.version).toBe('1.2.2')
    expect(out.manifest.version).toBe('1.2.4')
    const before = await listTarball(original)
    const after = await listTarball(out.tarball)
    expect(after.map((e) => e.path)).toEqual(before.map((e) => e.path))
    expect(after.map((e) => e.path)).toContain(`package/${longName}`)
    for (const [i, e] of after.entries()) {
      expect([e.type, e.mode, e.mtime]).toEqual([before[i].type, before[i].mode, before[i].mtime])
      if (e.path !== 'package/package.json') expect(e.body.equals(before[i].body)).toBe(true)
    }
    expect(after.find((e) => e.path === 'package/bin/cli.js')?.mode).toBe(0o755)
    // package.json: same indentation and line endings, version and note changed, key order kept
    const text = after.find((e) => e.path === 'package/package.json')!.body.toString('utf8')
    expect(text).toBe(
      '{\r\n    "name": "tool",\r\n    "version": "1.2.4",\r\n    "bin": {\r\n        "tool": "bin/cli.js"\r\n    },\r\n' +
        '    "releaseRollback": {\r\n        "rollbackOf": "1.2.3",\r\n        "restoredFrom": "1.2.2",\r\n        "incidentId": "rr-x"\r\n    }\r\n}\r\n',
    )
  })

  it('is deterministic and renames another top folder to package/', async () => {
    const original = packDir(
      { 'package.json': { text: '{"name":"old","version":"0.1.0"}' }, 'index.js': { text: 'x' } },
      'old-0.1.0',
    )
    const edit = (pkg: Record<string, unknown>) => {
      pkg.version = '0.1.1'
    }
    const a = await rewriteTarball(original, edit)
    const b = await rewriteTarball(original, edit)
    expect(a.tarball.equals(b.tarball)).toBe(true)
    const after = await listTarball(a.tarball)
    expect(after.map((e) => e.path).sort()).toEqual(['package/', 'package/index.js', 'package/package.json'])
    expect(after.find((e) => e.path === 'package/package.json')?.body.toString()).toBe(
      '{"name":"old","version":"0.1.1"}',
    )
  })

  it('refuses an archive without a package.json, or one that is not a tarball', async () => {
    await expect(rewriteTarball(packDir({ 'index.js': { text: 'x' } }), () => {})).rejects.toThrow(
      /no top-level package.json/,
    )
    await expect(
      rewriteTarball(Buffer.from('not a tarball at all, not even close'.repeat(40)), () => {}),
    ).rejects.toThrow(RegistryError)
  })
})

// ---------------------------------------------------------------------------------------
// against Verdaccio

let registry: Registry
beforeAll(async () => {
  registry = await startVerdaccio()
})
afterAll(async () => {
  await registry?.stop()
})

interface Doc {
  _rev: string
  'dist-tags': Record<string, string>
  versions: Record<string, { deprecated?: string; dist: { integrity: string; tarball: string }; [k: string]: unknown }>
  time: Record<string, string>
}

async function packument(pkg: string): Promise<Doc> {
  return (await (await registryRequest(registry, `${escapeName(pkg)}?write=true`)).json()) as Doc
}

function options(
  pkg: string,
  over: Partial<RepublishOptions> = {},
): RepublishOptions & { log: ReturnType<typeof logger> } {
  const bad = over.bad ?? '1.2.3'
  const restore = over.restore ?? '1.2.2'
  const channel = over.channel ?? 'latest'
  return {
    packageName: pkg,
    registry: registry.url,
    token: registry.token,
    channel,
    bad,
    restore,
    incidentId: incidentId(pkg, channel, bad, restore),
    retry: fastRetry,
    timeoutMs: 10_000,
    ...over,
    log: logger(),
  }
}

function expectNoToken(...texts: string[]) {
  for (const t of texts) expect(t).not.toContain(registry.token)
}

/** A scratch project that installs `spec` with the real npm CLI and requires the package. */
async function installInScratch(registryUrl: string, pkg: string, range: string) {
  const dir = mkdtempSync(join(tmpdir(), 'rr-scratch-'))
  const env: Record<string, string> = { NODE_OPTIONS: '', HOME: dir, npm_config_userconfig: join(dir, '.npmrc') }
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !/^npm_config_/i.test(k) && !(k in env)) env[k] = v
  try {
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify(
        { name: 'scratch', version: '1.0.0', private: true, description: 'scratch', license: 'MIT' },
        null,
        2,
      ),
    )
    writeFileSync(join(dir, '.npmrc'), `registry=${registryUrl}\n`)
    await run(
      'npm',
      [
        'install',
        `${pkg}@${range}`,
        '--registry',
        registryUrl,
        '--no-audit',
        '--no-fund',
        '--cache',
        join(dir, '.npm-cache'),
        '--userconfig',
        join(dir, '.npmrc'),
      ],
      { cwd: dir, env, timeout: 120_000 },
    )
    const { stdout } = await run(process.execPath, ['-e', `console.log(require(${JSON.stringify(pkg)}))`], {
      cwd: dir,
      env,
      timeout: 30_000,
    })
    const installed = JSON.parse(readFileSync(join(dir, 'node_modules', pkg, 'package.json'), 'utf8')) as Record<
      string,
      unknown
    >
    const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { version: string; integrity: string }>
    }
    return { code: stdout.trim(), installed, locked: lock.packages[`node_modules/${pkg}`] }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

describe('republish against Verdaccio', () => {
  it('publishes 1.2.2 as 1.2.4 on latest; npm install ^1.2.0 gets the good code; a re-run publishes nothing', async () => {
    const pkg = 'fixforward-widget'
    await publishPackage(registry, pkg, ['1.2.1', '1.2.2', '1.2.3'])
    const o = options(pkg)
    const result = await republish(o)
    expect(result).toEqual({
      version: '1.2.4',
      outcome: 'published',
      integrity: expect.stringMatching(/^sha512-/),
      channelHolds: '1.2.4',
    })

    const doc = await packument(pkg)
    expect(doc['dist-tags'].latest).toBe('1.2.4')
    expect(Object.keys(doc.versions).sort()).toEqual(['1.2.1', '1.2.2', '1.2.3', '1.2.4'])
    expect(doc.versions['1.2.4'].dist.integrity).toBe(result.integrity)
    // the registry serves exactly the bytes it gives the integrity of
    const served = Buffer.from(await (await fetch(doc.versions['1.2.4'].dist.tarball)).arrayBuffer())
    expect(ssri.checkData(served, result.integrity)).toBeTruthy()
    // the code inside is 1.2.2's, byte for byte
    const code = (await listTarball(served)).find((e) => e.path === 'package/index.js')!.body.toString()
    expect(code).toBe(`module.exports = ${JSON.stringify(`${pkg}@1.2.2`)}\n`)

    const note = { rollbackOf: '1.2.3', restoredFrom: '1.2.2', incidentId: o.incidentId }
    expect(await npmView(registry.url, `${pkg}@1.2.4`, NOTE_KEY)).toEqual(note)
    expect(await npmView(registry.url, pkg, 'dist-tags.latest')).toBe('1.2.4')

    const scratch = await installInScratch(registry.url, pkg, '^1.2.0')
    expect(scratch.code).toBe(`${pkg}@1.2.2`)
    expect(scratch.installed.version).toBe('1.2.4')
    expect(scratch.installed[NOTE_KEY]).toEqual(note)
    expect(scratch.locked).toMatchObject({ version: '1.2.4', integrity: result.integrity })
    expectNoToken(...o.log.lines)

    // re-run: found, not published again (same _rev, same publish time, same versions)
    const again = options(pkg)
    expect(await republish(again)).toEqual({
      version: '1.2.4',
      outcome: 'already',
      integrity: result.integrity,
      channelHolds: '1.2.4',
    })
    const docAgain = await packument(pkg)
    expect(docAgain._rev).toBe(doc._rev)
    expect(docAgain.time['1.2.4']).toBe(doc.time['1.2.4'])
    expect(Object.keys(docAgain.versions)).toHaveLength(4)
    expect(again.log.lines.join('\n')).toMatch(/already republishes 1\.2\.2 in place of 1\.2\.3/)
  })

  it('refuses when the fix-forward version exists and is not a republish: nothing published', async () => {
    const pkg = 'real-fix-widget'
    await publishPackage(registry, pkg, ['1.2.2', '1.2.3', '1.2.4'], { distTags: { latest: '1.2.3' } })
    const before = await snapshot(registry, pkg)
    const o = options(pkg)
    const error = (await republish(o).catch((e: unknown) => e)) as InputError
    expect(error).toBeInstanceOf(InputError)
    expect(error.input).toBe('strategy')
    expect(error.message).toMatch(/1\.2\.4 already exists and is not a republish/)
    expect(error.message).toMatch(/Fix: .*strategy: retag/)
    expect(await snapshot(registry, pkg)).toBe(before)
    expectNoToken(error.message, ...o.log.lines)
  })

  it('refuses a fix-forward version republished from another restore version', async () => {
    const pkg = 'other-restore-widget'
    await publishPackage(registry, pkg, ['1.2.1', '1.2.2', '1.2.3'])
    expect((await republish(options(pkg, { restore: '1.2.1' }))).outcome).toBe('published')
    const before = await snapshot(registry, pkg)
    const error = (await republish(options(pkg)).catch((e: unknown) => e)) as InputError
    expect(error).toBeInstanceOf(InputError)
    expect(error.input).toBe('restore-version')
    expect(error.message).toMatch(/republish of 1\.2\.1 replacing 1\.2\.3/)
    expect(await snapshot(registry, pkg)).toBe(before)
  })

  it('refuses when the channel holds a version above the fix-forward one', async () => {
    const pkg = 'newer-widget'
    await publishPackage(registry, pkg, ['1.2.2', '1.2.3', '1.3.0'])
    const before = await snapshot(registry, pkg)
    await expect(republish(options(pkg))).rejects.toThrow(
      /'latest' holds 1\.3\.0, above the fix-forward version 1\.2\.4/,
    )
    expect(await snapshot(registry, pkg)).toBe(before)
  })

  it('refuses a tarball that does not match its integrity: nothing published', async () => {
    const pkg = 'tampered-widget'
    await publishPackage(registry, pkg, ['1.2.2', '1.2.3'])
    const proxy = await startTarballProxy(registry.url)
    try {
      const evil = makeTarball({ name: pkg, version: '1.2.2' }, 'module.exports = "evil"\n')
      proxy.tamper({ method: 'GET', path: /\/-\/tampered-widget-1\.2\.2\.tgz$/, body: () => evil })
      const before = await snapshot(registry, pkg)
      const o = options(pkg, { registry: proxy.url })
      const error = (await republish(o).catch((e: unknown) => e)) as RegistryError
      expect(error).toBeInstanceOf(RegistryError)
      expect(error.message).toMatch(
        /does not match the integrity the registry gives for it: expected sha512-.*, got sha512-.*\. Nothing was published\./,
      )
      expect(await snapshot(registry, pkg)).toBe(before)
      expect(Object.keys((await packument(pkg)).versions)).toEqual(['1.2.2', '1.2.3'])
      expect(proxy.seen.filter((s) => s.method === 'PUT')).toEqual([])
      expectNoToken(error.message, ...o.log.lines)
    } finally {
      await proxy.stop()
    }
  })

  it('sends the token with tarball downloads on the registry host only', async () => {
    const pkg = 'scoping-widget'
    await publishPackage(registry, pkg, ['1.2.1', '1.2.2', '1.2.3', '1.3.0-beta.1', '1.3.0-beta.2'], {
      distTags: { latest: '1.2.3', beta: '1.3.0-beta.2' },
    })
    const proxy = await startTarballProxy(registry.url)
    try {
      // tarballs on another host: downloaded without the token
      proxy.tarballsOn('other')
      expect((await republish(options(pkg, { registry: proxy.url }))).outcome).toBe('published')
      const tarballs = proxy.seen.filter((s) => s.path.endsWith('.tgz'))
      expect(tarballs.map((s) => [s.listener, s.authorized])).toEqual([
        ['other', false], // 1.2.2, before
        ['other', false], // 1.2.4, after
      ])
      expect(proxy.seen.filter((s) => s.listener === 'self').every((s) => s.authorized)).toBe(true)
      expect(proxy.seen.some((s) => s.method === 'PUT' && s.listener === 'self')).toBe(true)

      // tarballs on the registry's host: with the token, as npm sends it
      proxy.clear()
      proxy.tarballsOn('self')
      const beta = await republish(
        options(pkg, { registry: proxy.url, channel: 'beta', bad: '1.3.0-beta.2', restore: '1.3.0-beta.1' }),
      )
      expect(beta.version).toBe('1.3.0-beta.3')
      expect(proxy.seen.filter((s) => s.path.endsWith('.tgz')).map((s) => [s.listener, s.authorized])).toEqual([
        ['self', true],
        ['self', true],
      ])
      expect((await packument(pkg))['dist-tags']).toEqual({ latest: '1.2.4', beta: '1.3.0-beta.3' })
    } finally {
      await proxy.stop()
    }
  })

  it('counts a publish that answered an error but took effect as published, once', async () => {
    const pkg = 'flaky-publish-widget'
    await publishPackage(registry, pkg, ['1.2.2', '1.2.3'])
    const proxy = await startFaultProxy(registry.url)
    try {
      proxy.inject({ method: 'PUT', path: /^\/flaky-publish-widget$/, action: 'after', status: 502 })
      const o = options(pkg, { registry: proxy.url })
      const result = await republish(o)
      expect(result.outcome).toBe('published')
      expect(o.log.lines.join('\n')).toMatch(
        /the registry answered HTTP 502, but reading back shows the change took effect/,
      )
      expect(proxy.seen.filter((s) => s.method === 'PUT')).toHaveLength(1)
      const doc = await packument(pkg)
      expect(doc['dist-tags'].latest).toBe('1.2.4')
      expect(doc.versions['1.2.4'].dist.integrity).toBe(result.integrity)
    } finally {
      await proxy.stop()
    }
  })

  it('republishes on a prerelease line: 2.0.0-beta.3 -> 2.0.0-beta.4 on beta, latest untouched', async () => {
    const pkg = 'prerelease-widget'
    await publishPackage(registry, pkg, ['1.0.0', '2.0.0-beta.2', '2.0.0-beta.3'], {
      distTags: { latest: '1.0.0', beta: '2.0.0-beta.3' },
    })
    const result = await republish(options(pkg, { channel: 'beta', bad: '2.0.0-beta.3', restore: '2.0.0-beta.2' }))
    expect(result).toMatchObject({ version: '2.0.0-beta.4', outcome: 'published', channelHolds: '2.0.0-beta.4' })
    expect(await npmView(registry.url, pkg, 'dist-tags')).toEqual({ latest: '1.0.0', beta: '2.0.0-beta.4' })
    expect(await npmView(registry.url, `${pkg}@2.0.0-beta.4`, `${NOTE_KEY}.restoredFrom`)).toBe('2.0.0-beta.2')
    const scratch = await installInScratch(registry.url, pkg, '^2.0.0-beta.0')
    expect([scratch.code, scratch.installed.version]).toEqual([`${pkg}@2.0.0-beta.2`, '2.0.0-beta.4'])
  })

  it('republishes a scoped package', async () => {
    const pkg = '@acme/fixforward'
    await publishPackage(registry, pkg, ['1.2.1', '1.2.2', '1.2.3'], { distTags: { latest: '1.2.3', next: '1.2.3' } })
    const o = options(pkg)
    const result = await republish(o)
    expect(result).toMatchObject({ version: '1.2.4', outcome: 'published', channelHolds: '1.2.4' })
    expect(await npmView(registry.url, pkg, 'dist-tags')).toEqual({ latest: '1.2.4', next: '1.2.3' })
    expect(await npmView(registry.url, `${pkg}@1.2.4`, NOTE_KEY)).toEqual({
      rollbackOf: '1.2.3',
      restoredFrom: '1.2.2',
      incidentId: o.incidentId,
    })
    const scratch = await installInScratch(registry.url, pkg, '^1.2.0')
    expect([scratch.code, scratch.installed.version]).toEqual([`${pkg}@1.2.2`, '1.2.4'])
    expect((await republish(options(pkg))).outcome).toBe('already')
  })
})
