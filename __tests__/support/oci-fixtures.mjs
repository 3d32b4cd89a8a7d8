// Fixture images for the Docker tests, made without Docker: blobs and manifests uploaded
// through the registry API (monolithic POST + PUT uploads), and read back with the real
// skopeo. The manifests are written with unusual whitespace on purpose: a client that
// re-serialised the JSON instead of keeping the bytes would change the digest.
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { promisify } from 'node:util'

const run = promisify(execFile)

export const MEDIA = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
}
const ACCEPT = Object.values(MEDIA).join(', ')

/** @param {Buffer} b */
export const sha256 = (b) => `sha256:${createHash('sha256').update(b).digest('hex')}`

/**
 * A tiny registry client for the fixtures: Basic auth, or the Bearer flow with the same
 * credentials (the token server's realm is trusted here: this is the test's own code).
 * @param {{ url: string, user: string, password: string }} registry
 */
export function fixtureClient(registry) {
  const basic = `Basic ${Buffer.from(`${registry.user}:${registry.password}`).toString('base64')}`
  /** @type {string | undefined} */
  let authorization
  /**
   * @param {string} method @param {string} path
   * @param {{ headers?: Record<string, string>, body?: Buffer }} [init]
   * @returns {Promise<{ status: number, headers: Headers, body: Buffer }>}
   */
  async function request(method, path, init = {}) {
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(new URL(path, registry.url), {
        method,
        headers: { ...init.headers, ...(authorization ? { authorization } : {}) },
        body: init.body,
        redirect: 'manual',
      })
      const body = Buffer.from(await res.arrayBuffer())
      if (res.status !== 401 || attempt > 0) return { status: res.status, headers: res.headers, body }
      const challenge = res.headers.get('www-authenticate') ?? ''
      if (/^basic/i.test(challenge)) {
        authorization = basic
        continue
      }
      const param = (/** @type {string} */ name) => new RegExp(`${name}="([^"]*)"`).exec(challenge)?.[1]
      const realm = new URL(param('realm') ?? '')
      if (param('service')) realm.searchParams.set('service', /** @type {string} */ (param('service')))
      const repo = /^\/v2\/(.+?)\/(manifests|blobs|tags)\//.exec(new URL(path, registry.url).pathname)?.[1]
      if (repo) realm.searchParams.set('scope', `repository:${repo}:pull,push`)
      const tokenRes = await fetch(realm, { headers: { authorization: basic } })
      const token = /** @type {{ token: string }} */ (await tokenRes.json()).token
      authorization = `Bearer ${token}`
    }
  }

  /** @param {string} what @param {{ status: number, body: Buffer }} res @param {number[]} ok */
  const check = (what, res, ok) => {
    if (!ok.includes(res.status))
      throw new Error(`${what}: HTTP ${res.status} ${res.body.toString('utf8').slice(0, 300)}`)
  }

  return {
    request,
    /** @param {string} repo @param {Buffer} data */
    async pushBlob(repo, data) {
      const digest = sha256(data)
      const head = await request('HEAD', `/v2/${repo}/blobs/${digest}`)
      if (head.status === 200) return { digest, size: data.length }
      const started = await request('POST', `/v2/${repo}/blobs/uploads/`)
      check(`starting an upload to ${repo}`, started, [202])
      const location = new URL(started.headers.get('location') ?? '', registry.url)
      location.searchParams.set('digest', digest)
      const put = await request('PUT', location.pathname + location.search, {
        headers: { 'content-type': 'application/octet-stream', 'content-length': String(data.length) },
        body: data,
      })
      check(`uploading ${digest} to ${repo}`, put, [201])
      return { digest, size: data.length }
    },
    /** @param {string} repo @param {string} reference @param {string} mediaType @param {Buffer} bytes */
    async pushManifest(repo, reference, mediaType, bytes) {
      const put = await request('PUT', `/v2/${repo}/manifests/${reference}`, {
        headers: { 'content-type': mediaType },
        body: bytes,
      })
      check(`putting the manifest ${repo}:${reference}`, put, [201])
      return sha256(bytes)
    },
    /** {tag: digest} of every tag in the repository, read with HEAD (the state a test compares). */
    async snapshot(/** @type {string} */ repo) {
      const list = await request('GET', `/v2/${repo}/tags/list`)
      check(`listing ${repo}`, list, [200])
      const tags = /** @type {{ tags: string[] | null }} */ (JSON.parse(list.body.toString('utf8'))).tags ?? []
      /** @type {Record<string, string | null>} */
      const out = {}
      for (const tag of [...tags].sort()) {
        const head = await request('HEAD', `/v2/${repo}/manifests/${tag}`, { headers: { accept: ACCEPT } })
        out[tag] = head.headers.get('docker-content-digest')
      }
      return out
    },
    /** @param {string} repo @param {string} tag */
    async digestOf(repo, tag) {
      const head = await request('HEAD', `/v2/${repo}/manifests/${tag}`, { headers: { accept: ACCEPT } })
      return head.status === 200 ? head.headers.get('docker-content-digest') : null
    },
  }
}

/** @typedef {ReturnType<typeof fixtureClient>} FixtureClient */

/** JSON with 3-space indentation and a trailing newline: not what JSON.stringify gives by default. */
const odd = (/** @type {unknown} */ value) => Buffer.from(`${JSON.stringify(value, null, 3)}\n`)

/**
 * One single-platform image whose bytes depend on `seed`. `labels` go into the config's
 * Labels (beside org.opencontainers.image.version), `annotations` into the manifest.
 * @param {FixtureClient} client @param {string} repo @param {string} seed
 * @param {{ format?: 'oci' | 'docker', platform?: { os: string, architecture: string },
 *   labels?: Record<string, string>, annotations?: Record<string, string> }} [options]
 * @returns {Promise<{ digest: string, size: number, mediaType: string, bytes: Buffer }>}
 */
export async function pushSingle(client, repo, seed, options = {}) {
  const format = options.format ?? 'oci'
  const platform = options.platform ?? { os: 'linux', architecture: 'amd64' }
  const layerBytes = Buffer.from(`layer of ${repo} ${seed} ${platform.architecture}\n`.repeat(8))
  const layer = await client.pushBlob(repo, layerBytes)
  const configBytes = odd({
    architecture: platform.architecture,
    os: platform.os,
    created: '2026-11-21T14:00:00Z',
    config: { Labels: { 'org.opencontainers.image.version': seed, ...options.labels } },
    rootfs: { type: 'layers', diff_ids: [layer.digest] },
  })
  const config = await client.pushBlob(repo, configBytes)
  const mediaType = format === 'oci' ? MEDIA.ociManifest : MEDIA.dockerManifest
  const manifest = {
    schemaVersion: 2,
    mediaType,
    config: {
      mediaType:
        format === 'oci'
          ? 'application/vnd.oci.image.config.v1+json'
          : 'application/vnd.docker.container.image.v1+json',
      digest: config.digest,
      size: config.size,
    },
    layers: [
      {
        mediaType:
          format === 'oci'
            ? 'application/vnd.oci.image.layer.v1.tar+gzip'
            : 'application/vnd.docker.image.rootfs.diff.tar.gzip',
        digest: layer.digest,
        size: layer.size,
      },
    ],
    ...(options.annotations ? { annotations: options.annotations } : {}),
  }
  const bytes = odd(manifest)
  const digest = await client.pushManifest(repo, sha256(bytes), mediaType, bytes)
  return { digest, size: bytes.length, mediaType, bytes }
}

/**
 * A multi-arch image: two platform manifests (pushed by digest) and an index over them.
 * `labels` go into every platform's config, `annotations` into the index.
 * @param {FixtureClient} client @param {string} repo @param {string} seed
 * @param {{ format?: 'oci' | 'docker', labels?: Record<string, string>, annotations?: Record<string, string> }} [options]
 */
export async function pushIndex(client, repo, seed, options = {}) {
  const format = options.format ?? 'oci'
  const platforms = [
    { os: 'linux', architecture: 'amd64' },
    { os: 'linux', architecture: 'arm64' },
  ]
  const manifests = []
  for (const platform of platforms) {
    const m = await pushSingle(client, repo, seed, { format, platform, labels: options.labels })
    manifests.push({ mediaType: m.mediaType, digest: m.digest, size: m.size, platform })
  }
  const mediaType = format === 'oci' ? MEDIA.ociIndex : MEDIA.dockerList
  const bytes = odd({
    schemaVersion: 2,
    mediaType,
    manifests,
    ...(options.annotations ? { annotations: options.annotations } : {}),
  })
  const digest = await client.pushManifest(repo, sha256(bytes), mediaType, bytes)
  return { digest, size: bytes.length, mediaType, bytes }
}

/**
 * Pushes one image per version and tags it `${prefix}${version}`; `channels` maps a channel
 * tag to the version whose manifest it gets.
 * @param {FixtureClient} client @param {string} repo @param {string[]} versions
 * @param {{ kind?: 'single' | 'index', format?: 'oci' | 'docker', prefix?: string,
 *   channels?: Record<string, string> }} [options]
 * @returns {Promise<Record<string, { digest: string, bytes: Buffer, mediaType: string }>>} by version
 */
export async function pushRelease(client, repo, versions, options = {}) {
  const prefix = options.prefix ?? ''
  /** @type {Record<string, { digest: string, bytes: Buffer, mediaType: string }>} */
  const out = {}
  for (const version of versions) {
    const image =
      options.kind === 'index'
        ? await pushIndex(client, repo, version, options)
        : await pushSingle(client, repo, version, options)
    await client.pushManifest(repo, `${prefix}${version}`, image.mediaType, image.bytes)
    out[version] = image
  }
  const channels = options.channels ?? { latest: versions[versions.length - 1] }
  for (const [channel, version] of Object.entries(channels)) {
    await client.pushManifest(repo, channel, out[version].mediaType, out[version].bytes)
  }
  return out
}

/**
 * `skopeo inspect --raw`: the manifest bytes exactly as the registry serves them.
 * @param {{ host: string, user: string, password: string }} registry @param {string} ref repo:tag
 */
export async function skopeoRaw(registry, ref) {
  const { stdout } = await run(
    'skopeo',
    [
      'inspect',
      '--raw',
      '--tls-verify=false',
      '--creds',
      `${registry.user}:${registry.password}`,
      `docker://${registry.host}/${ref}`,
    ],
    {
      encoding: 'buffer',
      maxBuffer: 16 * 1024 * 1024,
      timeout: 30_000,
    },
  )
  return /** @type {Buffer} */ (/** @type {unknown} */ (stdout))
}
