// Publishes fixture packages to a test registry with libnpmpublish (the library npm
// itself publishes with), then shapes dist-tags and deprecations with plain HTTP so the
// code under test is never used to build its own fixtures.
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { publish } from 'libnpmpublish'
import * as tar from 'tar'

/** @param {string} url @param {string} token */
function authOptions(url, token) {
  const u = new URL(url)
  return { registry: url, [`//${u.host}${u.pathname}:_authToken`]: token }
}

/** @param {string} name */
export function escapeName(name) {
  return name.replace('/', '%2f')
}

/** @param {{ name: string, version: string }} manifest @param {string} [code] */
export function makeTarball(manifest, code) {
  const dir = mkdtempSync(join(tmpdir(), 'rr-pkg-'))
  try {
    mkdirSync(join(dir, 'package'))
    writeFileSync(join(dir, 'package', 'package.json'), JSON.stringify(manifest, null, 2))
    writeFileSync(
      join(dir, 'package', 'index.js'),
      code ?? `module.exports = ${JSON.stringify(`${manifest.name}@${manifest.version}`)}\n`,
    )
    const file = join(dir, 'pkg.tgz')
    tar.create({ gzip: true, cwd: dir, file, sync: true, portable: true }, ['package'])
    return readFileSync(file)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * @param {{ url: string, token: string }} registry
 * @param {string} name
 * @param {string[]} versions published in this order
 * @param {{ distTags?: Record<string, string>, deprecated?: Record<string, string>, gitHead?: Record<string, string> }} [shape]
 */
export async function publishPackage(registry, name, versions, shape = {}) {
  for (const version of versions) {
    const manifest = {
      name,
      version,
      main: 'index.js',
      description: `fixture ${name}`,
      ...(shape.gitHead?.[version] ? { gitHead: shape.gitHead[version] } : {}),
    }
    await publish(manifest, makeTarball(manifest), {
      ...authOptions(registry.url, registry.token),
      defaultTag: 'fixture-last-published',
      access: 'public',
    })
  }
  const tags = shape.distTags ?? { latest: versions[versions.length - 1] }
  for (const [tag, version] of Object.entries(tags)) await setDistTag(registry, name, tag, version)
  await deleteDistTag(registry, name, 'fixture-last-published')
  if (shape.deprecated) await deprecate(registry, name, shape.deprecated)
}

/** @param {{ url: string, token: string }} registry @param {string} path @param {RequestInit} [init] */
export async function registryRequest(registry, path, init = {}) {
  const res = await fetch(new URL(path, registry.url), {
    ...init,
    headers: { authorization: `Bearer ${registry.token}`, 'content-type': 'application/json', ...init.headers },
  })
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${res.status} ${await res.text()}`)
  return res
}

/** @param {{ url: string, token: string }} registry @param {string} name @param {string} tag @param {string} version */
export async function setDistTag(registry, name, tag, version) {
  await registryRequest(registry, `-/package/${escapeName(name)}/dist-tags/${tag}`, {
    method: 'PUT',
    body: JSON.stringify(version),
  })
}

/** @param {{ url: string, token: string }} registry @param {string} name @param {string} tag */
export async function deleteDistTag(registry, name, tag) {
  await registryRequest(registry, `-/package/${escapeName(name)}/dist-tags/${tag}`, { method: 'DELETE' })
}

/** @param {{ url: string, token: string }} registry @param {string} name @param {Record<string, string>} messages */
export async function deprecate(registry, name, messages) {
  const doc = await (await registryRequest(registry, `${escapeName(name)}?write=true`)).json()
  for (const [version, message] of Object.entries(messages)) doc.versions[version].deprecated = message
  await registryRequest(registry, escapeName(name), { method: 'PUT', body: JSON.stringify(doc) })
}

/**
 * The registry's state as bytes-comparable JSON (what a "nothing changed" test compares).
 * @param {{ url: string, token: string }} registry @param {string} name
 */
export async function snapshot(registry, name) {
  const doc = await (await registryRequest(registry, `${escapeName(name)}?write=true`)).json()
  return JSON.stringify({
    distTags: doc['dist-tags'],
    rev: doc._rev,
    deprecated: Object.fromEntries(Object.entries(doc.versions).map(([v, m]) => [v, m.deprecated ?? null])),
  })
}
