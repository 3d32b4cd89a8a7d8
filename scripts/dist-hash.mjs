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
 * versions of the packages it may bundle (a devDependency, or the package's own version, changes no byte of it). */
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

/** The lockfile without what cannot reach the bundle: dev-only packages, and the root's fields but dependencies. */
function bundledLock(text) {
  const lock = JSON.parse(text)
  const packages = {}
  for (const [path, entry] of Object.entries(lock.packages ?? {})) {
    if (path === '') packages[path] = { dependencies: entry.dependencies ?? {} }
    else if (!entry.dev) packages[path] = entry
  }
  return JSON.stringify({ lockfileVersion: lock.lockfileVersion, packages })
}

/** sha256 over each file's path and content (line endings normalised, so a CRLF checkout hashes the same). */
export function sourceHash(root) {
  const hash = createHash('sha256')
  for (const file of sourceFiles(root)) {
    let text = readFileSync(join(root, file), 'utf8').replace(/\r\n/g, '\n')
    if (file === 'package-lock.json') text = bundledLock(text)
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
