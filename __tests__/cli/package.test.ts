// The npm package, as `npx release-rollback@1` gets it: `npm pack` of this checkout, installed
// by the real npm into an empty folder, and its bin run against a real Verdaccio. It packs
// the committed dist/ (that dist/ is what the sources build to is checked by .ci/run and
// check-dist.yml before the tests run).
import { execFileSync, spawn } from 'node:child_process'
import {
  accessSync,
  mkdirSync,
  constants,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join, relative } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import semver from 'semver'
import { parse } from 'yaml'
import { HELP } from '../../src/cli/main.js'
import { publishPackage, snapshot } from '../support/fixtures.mjs'
import { npmView } from '../support/npm-cli.mjs'
import { root } from '../support/run-action.mjs'
import { startVerdaccio, type Registry } from '../support/verdaccio.mjs'

type Manifest = {
  name: string
  version: string
  private?: boolean
  bin?: Record<string, string>
  files?: string[]
  engines?: { node?: string }
  scripts?: Record<string, string>
  dependencies?: Record<string, string>
  optionalDependencies?: Record<string, string>
  peerDependencies?: Record<string, string>
  devDependencies?: Record<string, string>
  bundleDependencies?: unknown
  bundledDependencies?: unknown
}

const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Manifest
const work = mkdtempSync(join(tmpdir(), 'rr-package-'))
/** npm with its own empty config and cache, and the Node that runs the tests (the `node` devDependency) first on PATH. */
const npmHome = join(work, 'home')
const PATH = [dirname(process.execPath), process.env.PATH ?? ''].join(delimiter)
let registry: Registry
let tarball: string
let packed: { path: string; mode: number }[]
/** the empty folder the tarball is installed into */
let app: string
let installLog: string

function npm(args: string[], cwd: string, registryUrl?: string): string {
  const config = registryUrl ? `registry=${registryUrl}\n` : ''
  writeFileSync(join(npmHome, '.npmrc'), config)
  return execFileSync(
    'npm',
    [
      ...args,
      '--userconfig',
      join(npmHome, '.npmrc'),
      '--cache',
      join(npmHome, 'cache'),
      '--no-audit',
      '--no-fund',
      '--no-update-notifier',
    ],
    {
      cwd,
      encoding: 'utf8',
      env: { PATH, HOME: npmHome, NODE_OPTIONS: '', npm_config_userconfig: join(npmHome, '.npmrc') },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 120_000,
    },
  )
}

/** Every file under a folder, relative to the checkout, with / separators. */
function filesUnder(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath, e.name)).split('\\').join('/'))
}

beforeAll(async () => {
  for (const d of [npmHome, join(work, 'pack'), join(work, 'app')]) mkdirSync(d, { recursive: true })
  registry = await startVerdaccio()
  const out = npm(['pack', '--json', '--pack-destination', join(work, 'pack')], root)
  const [info] = JSON.parse(out) as { filename: string; files: { path: string; mode: number }[] }[]
  tarball = join(work, 'pack', info.filename)
  packed = info.files
  app = join(work, 'app')
})

afterAll(async () => {
  await registry?.stop()
  rmSync(work, { recursive: true, force: true })
})

describe('package.json', () => {
  it('is publishable, with the bundled CLI as its bin', () => {
    expect(manifest.private).toBeUndefined()
    expect(manifest.bin).toEqual({ 'release-rollback': 'dist/cli/index.js' })
    expect(semver.valid(manifest.version)).toBe(manifest.version)
  })

  it('declares no runtime dependency and no install script: everything the CLI runs is in the bundle', () => {
    for (const field of [
      'dependencies',
      'optionalDependencies',
      'peerDependencies',
      'bundleDependencies',
      'bundledDependencies',
    ] as const) {
      expect([field, manifest[field]]).toEqual([field, undefined])
    }
    for (const script of ['preinstall', 'install', 'postinstall', 'prepare', 'prepack', 'postpack']) {
      expect([script, manifest.scripts?.[script]]).toEqual([script, undefined])
    }
  })

  it("engines.node is no wider than any bundled package's own engines.node, and admits the Node that runs the bundle", () => {
    const ours = manifest.engines?.node ?? '*'
    // the packages ncc bundled into dist/ (the CLI bundles a subset of them), every installed copy
    const bundled = new Set(
      readFileSync(join(root, 'dist', 'licenses.txt'), 'utf8')
        .split('\n')
        .filter((l) => /^(@[\w.-]+\/)?[\w.-]+$/.test(l)),
    )
    expect(bundled.size).toBeGreaterThan(20)
    const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { engines?: { node?: string } }>
    }
    const wider = Object.entries(lock.packages)
      .filter(([path]) => bundled.has(path.replace(/^.*node_modules\//, '')))
      .filter(([, p]) => p.engines?.node && !semver.subset(ours, p.engines.node))
      .map(([path, p]) => `${path} wants ${p.engines?.node}`)
    expect(wider).toEqual([])
    // and the check can fail: the old ">=20" admits Node 20, which @npmcli/agent (bundled) does not
    expect(semver.subset('>=20', lock.packages['node_modules/@npmcli/agent'].engines?.node ?? '*')).toBe(false)
    expect(semver.satisfies(process.version, ours)).toBe(true)
  })

  it('.node-version, the node devDependency, CI and the action runtime name the same Node major, which engines admits', () => {
    const major = readFileSync(join(root, '.node-version'), 'utf8').trim()
    expect(major).toMatch(/^\d+$/)
    expect(semver.intersects(`${major}.x`, manifest.engines?.node ?? '')).toBe(true)
    expect(semver.minVersion(manifest.devDependencies?.node ?? '')?.major).toBe(Number(major))
    expect(process.versions.node.split('.')[0]).toBe(major)
    const action = parse(readFileSync(join(root, 'action.yml'), 'utf8')) as { runs: { using: string } }
    expect(action.runs.using).toBe(`node${major}`)
    // every job that checks out this repository sets up the Node that .node-version names
    for (const wf of ['ci.yml', 'check-dist.yml', 'release.yml']) {
      const doc = parse(readFileSync(join(root, '.github', 'workflows', wf), 'utf8')) as {
        jobs: Record<string, { steps?: { uses?: string; with?: Record<string, unknown> }[] }>
      }
      const setups = Object.values(doc.jobs)
        .filter((j) => (j.steps ?? []).some((s) => s.uses?.startsWith('actions/checkout@')))
        .flatMap((j) => (j.steps ?? []).filter((s) => s.uses?.startsWith('actions/setup-node@')))
      expect([wf, setups.length > 0]).toEqual([wf, true])
      for (const s of setups)
        expect([wf, s.with]).toEqual([wf, expect.objectContaining({ 'node-version-file': '.node-version' })])
    }
  })
})

describe('the packed tarball', () => {
  it('holds the bundled CLI, its licenses, the README and the docs it links, the changelog and package.json, and nothing else', () => {
    const expected = [
      ...filesUnder('dist/cli'),
      ...filesUnder('docs'),
      'dist/licenses.txt',
      'README.md',
      'CHANGELOG.md',
      'package.json',
    ].sort()
    expect(packed.map((f) => f.path).sort()).toEqual(expected)
    expect(expected).toContain('dist/cli/index.js')
    expect(expected).toContain('dist/cli/package.json')
    expect(expected).toContain('docs/cli.md')
  })

  it('leaves out the sources, the tests, the action and its bundle', () => {
    const paths = packed.map((f) => f.path)
    expect(paths.filter((p) => /^(src|__tests__|\.github|\.ci|workflows-templates|node_modules)\//.test(p))).toEqual([])
    expect(paths).not.toContain('action.yml')
    expect(paths).not.toContain('dist/index.js')
    expect(paths).not.toContain('tsconfig.json')
  })

  it('the CLI is an ES module with a node shebang, and its folder says type: module', () => {
    expect(readFileSync(join(root, 'dist', 'cli', 'index.js'), 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node')
    expect(JSON.parse(readFileSync(join(root, 'dist', 'cli', 'package.json'), 'utf8'))).toEqual({ type: 'module' })
  })
})

describe('installed into an empty folder with the real npm', () => {
  beforeAll(() => {
    // an empty folder; the registry is the local Verdaccio, which has no uplinks: a runtime
    // dependency would have to come from it and would fail the install. --engine-strict: the
    // Node that runs the bundle in these tests must satisfy `engines`.
    installLog = npm(['install', tarball, '--engine-strict', '--loglevel', 'warn'], app, registry.url)
  })

  it('installs without downloading anything and without engine warnings', () => {
    const installed = readdirSync(join(app, 'node_modules')).filter((n) => !n.startsWith('.'))
    expect(installed).toEqual(['release-rollback'])
    expect(installLog).not.toMatch(/EBADENGINE/)
    const lock = JSON.parse(readFileSync(join(app, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, unknown>
    }
    expect(Object.keys(lock.packages).sort()).toEqual(['', 'node_modules/release-rollback'])
  })

  it('puts an executable release-rollback on node_modules/.bin that prints the package version', () => {
    const bin = join(app, 'node_modules', '.bin', 'release-rollback')
    expect(existsSync(bin)).toBe(true)
    accessSync(bin, constants.X_OK)
    const out = execFileSync(bin, ['--version'], { cwd: app, encoding: 'utf8', env: { PATH, HOME: app } })
    expect(out.trim()).toContain(manifest.version)
  })

  it("prints the help of these sources (the packed dist/ is this checkout's build)", () => {
    const bin = join(app, 'node_modules', '.bin', 'release-rollback')
    const out = execFileSync(bin, ['--help'], { cwd: app, encoding: 'utf8', env: { PATH, HOME: app } })
    expect(out).toBe(HELP)
  })

  it('rolls back a real package on Verdaccio: the dist-tag moves back and the bad version is deprecated', async () => {
    const name = 'packaged-cli-widget'
    await publishPackage(registry, name, ['1.2.1', '1.2.2', '1.2.3'])
    expect(await npmView(registry.url, name, 'dist-tags.latest')).toBe('1.2.3')
    const cwd = join(work, 'checkout')
    mkdirSync(cwd, { recursive: true })
    execFileSync('git', ['init', '-q'], { cwd })
    const child = spawn(
      join(app, 'node_modules', '.bin', 'release-rollback'),
      [
        '--package',
        name,
        '--rollback',
        '1.2.3',
        '--reason',
        'Memory persistence corrupts data',
        '--registry',
        registry.url,
        '--yes',
        '--json',
      ],
      { cwd, env: { PATH, HOME: cwd, NPM_TOKEN: registry.token }, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    const code = await new Promise((resolve) => child.on('close', resolve))
    // (stderr holds the tracking issue's text to paste: no GITHUB_TOKEN here; shown when the run fails)
    expect([code, code === 0 ? '' : stderr]).toEqual([0, ''])
    expect(stderr).toContain(`Rollback: ${name}@1.2.3 → 1.2.2 on latest`)
    expect(JSON.parse(stdout)).toMatchObject({
      exitCode: 0,
      status: 'completed',
      moved: true,
      deprecated: true,
      restoreVersion: '1.2.2',
      previousVersion: '1.2.3',
    })
    expect(await npmView(registry.url, name, 'dist-tags.latest')).toBe('1.2.2')
    expect(await npmView(registry.url, `${name}@1.2.3`, 'deprecated')).toMatch(
      /1\.2\.3 was rolled back: Memory persistence corrupts data/,
    )
    expect(JSON.parse(await snapshot(registry, name)).distTags).toEqual({ latest: '1.2.2' })
    expect(stdout + stderr).not.toContain(registry.token)
  })
})
