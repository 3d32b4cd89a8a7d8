// dist/ is committed and the tests run it, so it must be what the sources build to. The build records a hash of
// everything the bundle is made from in dist/source-hash.txt; `npm test` (pretest) recomputes it and refuses to
// run the tests against a dist/ built from other sources. (.ci/run and check-dist.yml also rebuild and compare.)
//
//   node scripts/dist-hash.mjs --write   record the hash (the last step of npm run build)
//   node scripts/dist-hash.mjs --check   exit 1, saying what to do, when dist/ is stale
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

export const HASH_FILE = join('dist', 'source-hash.txt')

/** What the bundle is built from: every file under src/, the compiler options and, from the lockfile, the exact
 * versions of the packages it may bundle (a build or test tool, or the package's own version, changes no byte of it). */
export function sourceFiles(root) {
  const files = []
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) walk(path)
      else if (entry.isFile()) files.push(relative(root, path).split(sep).join('/'))
    }
  }
  walk(join(root, 'src'))
  files.sort()
  return [...files, 'tsconfig.json', 'package-lock.json']
}

/** The packages src/ imports by name (import, export … from, import(), require()); relative paths and builtins aside. */
function importedPackages(root, files) {
  const names = new Set()
  for (const file of files.filter((f) => f.startsWith('src/'))) {
    const text = readFileSync(join(root, file), 'utf8')
    for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm)) {
      const spec = m[1]
      if (/^(\.|\/|node:)/.test(spec)) continue
      names.add(
        spec
          .split('/')
          .slice(0, spec.startsWith('@') ? 2 : 1)
          .join('/'),
      )
    }
  }
  return [...names].sort()
}

/** Where Node finds package `name` from the package at lock path `from` ('' the root): the nearest node_modules up. */
function resolveIn(packages, from, name) {
  let dir = from
  for (;;) {
    const candidate = `${dir ? `${dir}/` : ''}node_modules/${name}`
    if (candidate in packages) return candidate
    if (!dir) return undefined
    const i = dir.lastIndexOf('/node_modules/')
    dir = i < 0 ? '' : dir.slice(0, i)
  }
}

/**
 * The lockfile entries of what can reach the bundle: the packages src/ imports and everything they depend on. The
 * dev flags do not count (the bundled packages are devDependencies: the published CLI declares no dependency), nor
 * does the root (the package's own version changes no byte of the bundle), nor the build and test tools.
 */
function bundledLock(text, imports) {
  const lock = JSON.parse(text)
  const all = lock.packages ?? {}
  const reached = new Set()
  // ncc writes its own loader into the bundle: its version counts too
  const queue = [...imports, '@vercel/ncc'].map((name) => resolveIn(all, '', name)).filter((p) => p !== undefined)
  while (queue.length > 0) {
    const path = queue.pop()
    if (reached.has(path)) continue
    reached.add(path)
    const entry = all[path]
    for (const name of Object.keys({
      ...entry.dependencies,
      ...entry.optionalDependencies,
      ...entry.peerDependencies,
    })) {
      const dep = resolveIn(all, path, name)
      if (dep !== undefined) queue.push(dep)
    }
  }
  const packages = {}
  for (const path of [...reached].sort()) {
    const { dev, devOptional, optional, peer, ...entry } = all[path]
    packages[path] = entry
  }
  return JSON.stringify({ lockfileVersion: lock.lockfileVersion, packages })
}

/** sha256 over each file's path and content (line endings normalised, so a CRLF checkout hashes the same). */
export function sourceHash(root) {
  const hash = createHash('sha256')
  const files = sourceFiles(root)
  const imports = importedPackages(root, files)
  for (const file of files) {
    let text = readFileSync(join(root, file), 'utf8').replace(/\r\n/g, '\n')
    if (file === 'package-lock.json') text = bundledLock(text, imports)
    hash.update(`${file}\0${text.length}\0${text}\0`)
  }
  return `sha256:${hash.digest('hex')}`
}

/** undefined when dist/ was built from the sources as they are; otherwise what is wrong and what to do. */
export function staleness(root) {
  const file = join(root, HASH_FILE)
  if (!existsSync(join(root, 'dist', 'index.js'))) return 'dist/ is missing: run npm run build'
  if (!existsSync(file)) return `dist/ is stale: it records no source hash (${HASH_FILE}); run npm run build`
  const recorded = readFileSync(file, 'utf8').trim()
  const current = sourceHash(root)
  if (recorded !== current) {
    return `dist/ is stale: it was built from other sources than src/, tsconfig.json and package-lock.json's dependencies hold now (recorded ${recorded}, now ${current}); run npm run build`
  }
  return undefined
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..')
  if (process.argv.includes('--write')) {
    writeFileSync(join(root, HASH_FILE), `${sourceHash(root)}\n`)
  } else if (process.argv.includes('--check')) {
    const problem = staleness(root)
    if (problem) {
      console.error(problem)
      process.exit(1)
    }
  } else {
    console.error('usage: node scripts/dist-hash.mjs --write | --check')
    process.exit(2)
  }
}
