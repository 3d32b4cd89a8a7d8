// The import graph of src/, checked with dependency-cruiser (rules in .dependency-cruiser.cjs):
// no import cycle (type-only imports count: `import type` still ties two modules into one
// unit that can only be understood, moved or tested together), and the pure core (plan,
// guard, errors, util, retry, core/) imports nothing above it. No kind check outside a kind's
// folder and the registry (__tests__/support/kind-checks.ts): everything else asks the registry
// and reads the kind's words and capabilities. The second describe block runs the same rules on
// a made-up folder to show that each one can fail.
import { describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { KIND_NAMES } from '../src/targets/registry.js'
import { kindChecks, kindChecksIn, mayNameKinds } from './support/kind-checks.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const CONFIG = join(root, '.dependency-cruiser.cjs')
const BIN = join(root, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruiser.mjs')

interface Violation {
  type: string
  from: string
  to: string
  rule: { name: string }
  cycle?: Array<{ name: string }>
}

interface Cruise {
  modules: Array<{ source: string; dependencies: Array<{ resolved: string }> }>
  summary: { violations: Violation[] }
}

/** Runs dependency-cruiser on `dir`/src with the project's rules. */
function run(dir: string, tsConfig?: string): Cruise {
  const args = [BIN, 'src', '--config', CONFIG, '--output-type', 'json', ...(tsConfig ? ['--ts-config', tsConfig] : [])]
  return JSON.parse(
    execFileSync(process.execPath, args, { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }),
  ) as Cruise
}

/** The rules' violations in `dir`/src. */
function cruise(dir: string, tsConfig?: string): Violation[] {
  return run(dir, tsConfig).summary.violations
}

/** The modules of a cycle, sorted: one key however the tool enters the loop. */
function cycleKey(v: Violation): string {
  return [...new Set([v.from, ...(v.cycle ?? []).map((c) => c.name)])].sort().join(' <-> ')
}

/** Cycles and core-layer breaches as lines a reviewer reads. */
function describeViolations(violations: Violation[]): string[] {
  return violations.map((v) =>
    v.rule.name === 'no-circular' ? `cycle: ${cycleKey(v)}` : `${v.rule.name}: ${v.from} -> ${v.to}`,
  )
}

describe('the import graph of src/', () => {
  const graph = run(root, 'tsconfig.json')
  const violations = graph.summary.violations

  it('is read whole: .js imports resolve to the .ts sources, type-only imports included', () => {
    const deps = (source: string) =>
      graph.modules.find((m) => m.source === source)?.dependencies.map((d) => d.resolved) ?? []
    expect(graph.modules.filter((m) => m.source.startsWith('src/')).length).toBeGreaterThan(40)
    expect(deps('src/core/plan.ts')).toEqual(expect.arrayContaining(['src/core/errors.ts', 'src/core/deprecation.ts']))
    // import type only
    expect(deps('src/core/target.ts')).toEqual(expect.arrayContaining(['src/core/plan.ts']))
  })

  it('has no import cycle', () => {
    const cycles = violations.filter((v) => v.rule.name === 'no-circular')
    expect([...new Set(cycles.map(cycleKey))]).toEqual([])
  })

  it('keeps the pure core free of anything above it (@actions/*, node:fs, adapters, inputs, GitHub code)', () => {
    expect(describeViolations(violations.filter((v) => v.rule.name !== 'no-circular'))).toEqual([])
  })

  it('breaks no other rule', () => {
    expect(violations.every((v) => ['no-circular', 'core-imports-only-core'].includes(v.rule.name))).toBe(true)
  })

  it('keeps no file at src/ but the two entry shims (everything else lives in its folder)', () => {
    const loose = readdirSync(join(root, 'src'), { withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => e.name)
      .sort()
    expect(loose).toEqual(['cli.ts', 'index.ts'])
  })

  it('has no kind check outside src/targets/<kind>/ and src/targets/registry.ts', () => {
    expect(KIND_NAMES).toEqual(expect.arrayContaining(['npm', 'docker', 'helm', 'git-tag']))
    expect(kindChecks(root, KIND_NAMES).map((c) => `${c.file}:${c.line}: ${c.text}`)).toEqual([])
    // the scan reads the real sources: a kind's own folder names its kind
    const own = 'src/targets/npm/kind.ts'
    expect(kindChecksIn(own, readFileSync(join(root, own), 'utf8'), KIND_NAMES).length).toBeGreaterThan(0)
  })
})

describe('the rules can fail', () => {
  // a folder laid out like the project, with one breach of each rule
  const files: Record<string, string> = {
    // the core reaching up: @actions/core, node:fs, inputs, an adapter
    'src/core/plan.ts':
      "export * from '@actions/core'\nexport { readFileSync } from 'node:fs'\nexport { reason } from '../config/inputs.js'\nexport { DockerTarget } from '../targets/docker/target.js'\n",
    'src/config/inputs.ts': "export const reason = 'x'\n",
    'src/targets/docker/target.ts': 'export class DockerTarget {}\n',
    // a type-only cycle between two adapters' files
    'src/targets/a.ts': "import type { B } from './b.js'\nexport type A = { b?: B }\n",
    'src/targets/b.ts': "import type { A } from './a.js'\nexport type B = { a?: A }\n",
    // what the core may use: each other, semver, node:crypto
    'src/core/guard.ts':
      "export { createHash } from 'node:crypto'\nexport { default as semver } from 'semver'\nexport * from './errors.js'\nexport * from './deprecation.js'\n",
    'src/core/errors.ts': 'export class InputError extends Error {}\n',
    'src/core/deprecation.ts': "export { InputError } from './errors.js'\n",
  }
  const dir = mkdtempSync(join(tmpdir(), 'rr-arch-'))
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, dirname(path)), { recursive: true })
    writeFileSync(join(dir, path), text)
  }
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', allowJs: true } }),
  )
  // semver resolves as in the project
  mkdirSync(join(dir, 'node_modules'))
  symlinkSync(join(root, 'node_modules', 'semver'), join(dir, 'node_modules', 'semver'))
  let lines: string[] = []
  try {
    lines = describeViolations(cruise(dir, 'tsconfig.json')).sort()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }

  it('finds a type-only cycle', () => {
    expect(lines).toContain('cycle: src/targets/a.ts <-> src/targets/b.ts')
  })

  it('finds the core importing @actions/*, node:fs, inputs and an adapter, and nothing it may import', () => {
    expect(lines.filter((l) => l.startsWith('core-imports-only-core'))).toEqual([
      'core-imports-only-core: src/core/plan.ts -> @actions/core',
      'core-imports-only-core: src/core/plan.ts -> fs',
      'core-imports-only-core: src/core/plan.ts -> src/config/inputs.ts',
      'core-imports-only-core: src/core/plan.ts -> src/targets/docker/target.ts',
    ])
  })

  it('reports nothing else', () => {
    expect(lines).toHaveLength(5)
  })

  it('finds a kind check: a comparison, an object key and a type naming kinds, not an import path or a longer string', () => {
    const kinds = ['npm', 'docker', 'helm', 'git-tag']
    const text = [
      "import { npmKind } from '../targets/npm/kind.js'",
      "export { dockerKind } from 'docker'",
      "export const isNpm = (t: { kind: string }) => t.kind === 'npm'",
      "export const words = { docker: 'tag', other: 'x' }",
      "export type Chart = 'helm' | 'git-tag'",
      "export const run = 'npm install'",
      'export const npm = `npm ci`',
    ].join('\n')
    expect(kindChecksIn('src/incident/made-up.ts', text, kinds).map((c) => c.line)).toEqual([3, 4, 5, 5])
    expect(mayNameKinds('src/incident/made-up.ts', kinds)).toBe(false)
    expect(mayNameKinds('src/targets/npm/kind.ts', kinds)).toBe(true)
    expect(mayNameKinds('src/targets/registry.ts', kinds)).toBe(true)
    expect(mayNameKinds('src/targets/spec.ts', kinds)).toBe(false)
  })
})
