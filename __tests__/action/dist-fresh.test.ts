// npm test's pretest refuses a dist/ built from other sources (scripts/dist-hash.mjs): the check is shown here to
// pass on the sources it was recorded for and to fail, saying what to do, on every kind of change that can change
// the bundle; a change that cannot (a devDependency, the package's own version) leaves it fresh.
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execFileSync } from 'node:child_process'
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { HASH_FILE, sourceHash, staleness } from '../../scripts/dist-hash.mjs'
import { root } from '../support/run-action.mjs'

const lock = (over: Record<string, unknown> = {}) =>
  JSON.stringify({
    name: 'x',
    version: '1.0.0',
    lockfileVersion: 3,
    packages: {
      // everything is a devDependency (the published CLI declares none): what src/ imports is what counts
      '': { name: 'x', version: '1.0.0', devDependencies: { semver: '^7.0.0', jest: '^30.0.0' } },
      'node_modules/semver': { version: '7.7.2', dev: true, dependencies: { 'lru-cache': '^10.0.0' } },
      'node_modules/semver/node_modules/lru-cache': { version: '10.0.0', dev: true },
      'node_modules/lru-cache': { version: '11.0.0', dev: true },
      'node_modules/jest': { version: '30.0.0', dev: true },
      ...over,
    },
  })

let dir: string
const write = (file: string, text: string) => {
  mkdirSync(join(dir, file, '..'), { recursive: true })
  writeFileSync(join(dir, file), text)
}
const record = () => writeFileSync(join(dir, HASH_FILE), `${sourceHash(dir)}\n`)

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dist-fresh-'))
  write('src/index.ts', 'export const a = 1\n')
  write('src/targets/npm.ts', "import semver from 'semver'\nexport const b = 2\n")
  write('tsconfig.json', '{}\n')
  write('package-lock.json', lock())
  write('dist/index.js', '// bundle\n')
  record()
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('the dist/ freshness check', () => {
  it('passes on the sources the hash was recorded for', () => {
    expect(staleness(dir)).toBeUndefined()
  })

  it.each([
    ['a source file changed', () => write('src/targets/npm.ts', 'export const b = 3\n')],
    ['a source file added', () => write('src/targets/new.ts', 'export {}\n')],
    ['a source file removed', () => unlinkSync(join(dir, 'src/targets/npm.ts'))],
    ['the compiler options changed', () => write('tsconfig.json', '{ "compilerOptions": {} }\n')],
    [
      'a bundled dependency moved',
      () =>
        write(
          'package-lock.json',
          lock({ 'node_modules/semver': { version: '7.7.3', dev: true, dependencies: { 'lru-cache': '^10.0.0' } } }),
        ),
    ],
    [
      'a dependency of a bundled dependency moved',
      () =>
        write(
          'package-lock.json',
          lock({ 'node_modules/semver/node_modules/lru-cache': { version: '10.0.1', dev: true } }),
        ),
    ],
  ])('fails when %s, saying to run npm run build', (_, change) => {
    change()
    expect(staleness(dir)).toMatch(/^dist\/ is stale: .*; run npm run build$/)
  })

  it('fails when dist/ records no hash, or is not built at all', () => {
    unlinkSync(join(dir, HASH_FILE))
    expect(staleness(dir)).toMatch(/^dist\/ is stale: it records no source hash .*run npm run build$/)
    unlinkSync(join(dir, 'dist/index.js'))
    expect(staleness(dir)).toBe('dist/ is missing: run npm run build')
  })

  it('stays fresh when only a tool (not imported by src/), the package version or line endings changed', () => {
    write(
      'package-lock.json',
      lock({
        '': { name: 'x', version: '2.0.0', devDependencies: { semver: '^7.0.0', jest: '^31.0.0', biome: '2' } },
        'node_modules/jest': { version: '31.0.0', dev: true },
      }),
    )
    expect(staleness(dir)).toBeUndefined()
    // a copy of a package that the bundled one does not resolve to (semver has its own lru-cache)
    write(
      'package-lock.json',
      lock({
        '': { name: 'x', version: '2.0.0', devDependencies: { semver: '^7.0.0', jest: '^31.0.0', biome: '2' } },
        'node_modules/jest': { version: '31.0.0', dev: true },
        'node_modules/lru-cache': { version: '11.1.0', dev: true },
      }),
    )
    write('src/index.ts', 'export const a = 1\r\n')
    expect(staleness(dir)).toBeUndefined()
  })

  it('is what npm test runs first: the script exits 1 with the message when dist/ is stale', () => {
    const scripts = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts
    expect(scripts.pretest).toContain('node scripts/dist-hash.mjs --check')
    expect(scripts.build).toMatch(/&& node scripts\/dist-hash\.mjs --write$/)
    // the script run as npm runs it, on a copy whose source changed after the build
    mkdirSync(join(dir, 'scripts'))
    writeFileSync(join(dir, 'scripts', 'dist-hash.mjs'), readFileSync(join(root, 'scripts', 'dist-hash.mjs')))
    expect(() =>
      execFileSync(process.execPath, ['scripts/dist-hash.mjs', '--check'], { cwd: dir, stdio: 'pipe' }),
    ).not.toThrow()
    write('src/index.ts', 'export const a = 2\n')
    let failure: { status?: number; stderr?: Buffer } = {}
    try {
      execFileSync(process.execPath, ['scripts/dist-hash.mjs', '--check'], { cwd: dir, stdio: 'pipe' })
    } catch (e) {
      failure = e as typeof failure
    }
    expect(failure.status).toBe(1)
    expect(String(failure.stderr)).toMatch(/^dist\/ is stale: .*run npm run build\n$/)
  })
})
