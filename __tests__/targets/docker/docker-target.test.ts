// The Docker target against the real distribution registry (Debian's docker-registry) on
// 127.0.0.1, with htpasswd (Basic) auth, and with token (Bearer) auth trusting a token
// server in this process. Fixture images are uploaded through the registry API; results
// are read back with the real skopeo and compared byte for byte.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { InputError, RegistryError } from '../../../src/core/errors.js'
import { ChannelMovedError } from '../../../src/core/guard.js'
import type { RollbackInputs } from '../../../src/config/inputs.js'
import { rolledBack, runRollback } from '../../support/helpers.js'
import { createTarget } from '../../../src/targets/select.js'
import { MANIFEST_ACCEPT, parseChallenge } from '../../../src/targets/docker/client.js'
import { readDockerConfigAuth } from '../../../src/targets/docker/credentials.js'
import { parseImage } from '../../../src/targets/docker/image.js'
import {
  DockerTarget,
  OCI_CREATED,
  OCI_REVISION,
  type DockerTargetOptions,
} from '../../../src/targets/docker/target.js'
import { requireRegistryBinaries, startDockerRegistry, type DockerRegistry } from '../../support/docker-registry.mjs'
import { startFaultProxy } from '../../support/fault-proxy.mjs'
import { startRestartingFront } from '../../support/restarting-front.mjs'
import {
  fixtureClient,
  MEDIA,
  pushIndex,
  pushRelease,
  pushSingle,
  sha256,
  skopeoRaw,
  type FixtureClient,
} from '../../support/oci-fixtures.mjs'
import { startTokenServer } from '../../support/oci-token-server.mjs'
import { freePort } from '../../support/verdaccio.mjs'
import { rollbackInputs } from '../../support/helpers.js'

const fastRetry = { attempts: 3, baseDelayMs: 10, maxDelayMs: 100, deadlineMs: 3000 }
/** `sha256:` and the first 12 hex digits, as messages shorten a digest */
const short = (digest: string) => digest.slice(0, 'sha256:'.length + 12)
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

function logger() {
  const lines: string[] = []
  return {
    lines,
    info: (m: string) => lines.push(`info: ${m}`),
    warning: (m: string) => lines.push(`warning: ${m}`),
    debug: (m: string) => lines.push(`debug: ${m}`),
  }
}

function inputs(image: string, over: Partial<RollbackInputs> = {}): RollbackInputs {
  return rollbackInputs({ packageName: image, registry: '', deprecate: false, ...over })
}

/** The DockerTarget as the entry would build it for these inputs. */
function dockerTarget(
  i: RollbackInputs,
  registry: { user: string; password: string },
  log = logger(),
  over: Partial<DockerTargetOptions> = {},
) {
  return new DockerTarget({
    image: i.packageName,
    channels: [i.channel],
    preferVersions: [i.restoreVersion, i.rollbackVersion].filter(
      (v): v is string => v !== undefined && v !== 'current',
    ),
    username: registry.user,
    password: registry.password,
    log,
    retry: fastRetry,
    timeoutMs: 10_000,
    allowInsecureLoopback: true,
    ...over,
  })
}

describe('parseImage', () => {
  it.each([
    ['ghcr.io/acme/app', { registry: 'ghcr.io', apiHost: 'ghcr.io', repository: 'acme/app', name: 'ghcr.io/acme/app' }],
    [
      '127.0.0.1:5000/acme/app',
      {
        registry: '127.0.0.1:5000',
        apiHost: '127.0.0.1:5000',
        repository: 'acme/app',
        name: '127.0.0.1:5000/acme/app',
      },
    ],
    ['localhost/app', { registry: 'localhost', apiHost: 'localhost', repository: 'app', name: 'localhost/app' }],
    [
      '[::1]:5000/a/b/c',
      { registry: '[::1]:5000', apiHost: '[::1]:5000', repository: 'a/b/c', name: '[::1]:5000/a/b/c' },
    ],
    [
      'acme/app',
      { registry: 'docker.io', apiHost: 'registry-1.docker.io', repository: 'acme/app', name: 'docker.io/acme/app' },
    ],
    [
      'nginx',
      {
        registry: 'docker.io',
        apiHost: 'registry-1.docker.io',
        repository: 'library/nginx',
        name: 'docker.io/library/nginx',
      },
    ],
    [
      'docker.io/nginx',
      {
        registry: 'docker.io',
        apiHost: 'registry-1.docker.io',
        repository: 'library/nginx',
        name: 'docker.io/library/nginx',
      },
    ],
    [
      'index.docker.io/acme/app',
      { registry: 'docker.io', apiHost: 'registry-1.docker.io', repository: 'acme/app', name: 'docker.io/acme/app' },
    ],
    [
      'Registry.Example.com/acme/my_app-x',
      {
        registry: 'registry.example.com',
        apiHost: 'registry.example.com',
        repository: 'acme/my_app-x',
        name: 'registry.example.com/acme/my_app-x',
      },
    ],
  ])('%s', (ref, want) => {
    expect(parseImage(ref)).toEqual(want)
  })

  it.each([
    ['', /is empty/],
    ['ghcr.io/acme/app:1.2.3', /has a tag/],
    ['acme/app:latest', /has a tag/],
    ['ghcr.io/acme/app@sha256:abc', /has a digest/],
    ['https://ghcr.io/acme/app', /URL scheme/],
    ['ghcr.io/Acme/app', /not a valid repository name/],
    ['ghcr.io/acme//app', /not a valid repository name/],
    ['ghcr.io/acme/app-', /not a valid repository name/],
  ])('refuses %j', (ref, problem) => {
    let e: unknown
    try {
      parseImage(ref)
    } catch (err) {
      e = err
    }
    expect(e).toBeInstanceOf(InputError)
    expect((e as InputError).input).toBe('image')
    expect((e as Error).message).toMatch(problem)
  })
})

describe('readDockerConfigAuth', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rr-docker-config-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const write = (name: string, doc: unknown) => {
    const path = join(dir, name)
    writeFileSync(path, typeof doc === 'string' ? doc : JSON.stringify(doc))
    return path
  }
  const b64 = (s: string) => Buffer.from(s).toString('base64')

  it('reads the base64 auth docker/login-action wrote, by host', () => {
    const path = write('a.json', {
      auths: {
        'ghcr.io': { auth: b64('octocat:ghp_secret:with:colons') },
        'https://index.docker.io/v1/': { auth: b64('hubuser:hubpass') },
      },
    })
    expect(readDockerConfigAuth(path, 'ghcr.io')).toEqual({ username: 'octocat', password: 'ghp_secret:with:colons' })
    expect(readDockerConfigAuth(path, 'docker.io')).toEqual({ username: 'hubuser', password: 'hubpass' })
    expect(readDockerConfigAuth(path, 'quay.io')).toBeUndefined()
  })
  it('matches a key written with a scheme and a path', () => {
    const path = write('b.json', { auths: { 'https://127.0.0.1:5000/v2/': { username: 'u', password: 'p' } } })
    expect(readDockerConfigAuth(path, '127.0.0.1:5000')).toEqual({ username: 'u', password: 'p' })
    expect(readDockerConfigAuth(path, '127.0.0.1:5001')).toBeUndefined()
  })
  it('the target registers what it decodes from the docker config as secrets: the password and the base64 pair', () => {
    const path = write('e.json', { auths: { 'ghcr.io': { auth: b64('octocat:ghp_decoded_secret') } } })
    const secrets: string[] = []
    const make = (over: Partial<DockerTargetOptions>) =>
      new DockerTarget({
        image: 'ghcr.io/acme/app',
        channels: ['latest'],
        log: logger(),
        setSecret: (v) => secrets.push(v),
        ...over,
      })
    make({ dockerConfigPath: path })
    expect(secrets).toEqual(['ghp_decoded_secret', b64('octocat:ghp_decoded_secret')])
    // inputs are masked by the entry already, and a config without an entry decodes nothing
    secrets.length = 0
    make({ username: 'octocat', password: 'from-the-input' })
    make({ dockerConfigPath: write('f.json', { auths: {} }) })
    expect(secrets).toEqual([])
  })
  it('createTarget passes its setSecret hook to the Docker target (docker login credentials from $DOCKER_CONFIG)', () => {
    const config = mkdtempSync(join(dir, 'docker-config-'))
    writeFileSync(
      join(config, 'config.json'),
      JSON.stringify({ auths: { 'ghcr.io': { auth: b64('octocat:ghp_via_select') } } }),
    )
    const saved = process.env.DOCKER_CONFIG
    process.env.DOCKER_CONFIG = config
    try {
      const secrets: string[] = []
      const get = (name: string) => ({ image: 'ghcr.io/acme/app' })[name] ?? ''
      const { extras } = createTarget({ ...inputs('ghcr.io/acme/app'), target: 'docker' }, get, logger(), 'test', {
        setSecret: (v) => secrets.push(v),
      })
      expect(secrets).toContain('ghp_via_select')
      extras.dispose() // nothing on disk for Docker: a no-op
    } finally {
      if (saved === undefined) delete process.env.DOCKER_CONFIG
      else process.env.DOCKER_CONFIG = saved
    }
  })
  it('no file: undefined; broken JSON or an identity token: an error naming registry-password', () => {
    expect(readDockerConfigAuth(join(dir, 'missing.json'), 'ghcr.io')).toBeUndefined()
    expect(() => readDockerConfigAuth(write('c.json', '{nope'), 'ghcr.io')).toThrow(
      /Input 'registry-password': the docker config .* is not valid JSON/,
    )
    expect(() =>
      readDockerConfigAuth(
        write('d.json', { auths: { 'myacr.azurecr.io': { identitytoken: 'x' } } }),
        'myacr.azurecr.io',
      ),
    ).toThrow(/identity token/)
  })
})

describe('parseChallenge', () => {
  it('reads Bearer and Basic challenges', () => {
    expect(
      parseChallenge(
        'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"',
      ),
    ).toEqual({
      scheme: 'bearer',
      params: {
        realm: 'https://auth.docker.io/token',
        service: 'registry.docker.io',
        scope: 'repository:library/nginx:pull',
      },
    })
    expect(parseChallenge('Basic realm="Registry Realm"')).toEqual({
      scheme: 'basic',
      params: { realm: 'Registry Realm' },
    })
    expect(
      parseChallenge('Basic realm="x", Bearer realm="https://r/token",error="insufficient_scope"')?.params,
    ).toEqual({ realm: 'https://r/token', error: 'insufficient_scope' })
  })
})

describe('Docker rollback against the real distribution registry (htpasswd, Basic)', () => {
  let registry: DockerRegistry
  let client: FixtureClient
  let proxy: Awaited<ReturnType<typeof startFaultProxy>>
  let proxyHost: string

  beforeAll(async () => {
    requireRegistryBinaries() // fails every test here with "install docker-registry and skopeo ..."
    registry = await startDockerRegistry({ auth: 'htpasswd' })
    client = fixtureClient(registry)
    proxy = await startFaultProxy(registry.url)
    proxyHost = new URL(proxy.url).host
  })
  afterAll(async () => {
    await proxy?.stop()
    await registry?.stop()
  })

  const image = (repo: string) => `${registry.host}/${repo}`
  const viaProxy = (repo: string) => `${proxyHost}/${repo}`

  async function rollback(i: RollbackInputs, over: Partial<DockerTargetOptions> = {}) {
    const log = logger()
    const target = dockerTarget(i, registry, log, over)
    const result = rolledBack(await runRollback(i, target, log))
    return { result, log, target }
  }

  async function expectRejectedUnchanged(
    repo: string,
    i: RollbackInputs,
    input: string | RegExp,
    over: Partial<DockerTargetOptions> = {},
  ) {
    const before = await client.snapshot(repo)
    const error = await rollback(i, over).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(Error)
    if (typeof input === 'string') {
      expect(error).toBeInstanceOf(InputError)
      expect((error as InputError).input).toBe(input)
    } else {
      expect((error as Error).message).toMatch(input)
    }
    expect((error as Error).message).toMatch(/Fix: /)
    expect(await client.snapshot(repo)).toEqual(before)
    return error as Error
  }

  it('retags a single-arch image: latest moves from 1.2.3 to 1.2.2, byte for byte as skopeo reads it', async () => {
    const repo = 'acme/single'
    const images = await pushRelease(client, repo, ['1.2.1', '1.2.2', '1.2.3'], {
      channels: { latest: '1.2.3', stable: '1.2.3' },
    })
    const { result, log, target } = await rollback(inputs(image(repo)))

    expect(result.status).toBe('completed')
    expect(result.moved).toBe(true)
    expect(result.deprecated).toBe(false)
    expect(result.plan.previousVersion).toBe('1.2.3')
    expect(result.plan.restoreVersion).toBe('1.2.2')
    expect(result.plan.restoreChosen).toBe(true)
    const latest = await skopeoRaw(registry, `${repo}:latest`)
    expect(latest.equals(await skopeoRaw(registry, `${repo}:1.2.2`))).toBe(true)
    expect(latest.equals(images['1.2.2'].bytes)).toBe(true)
    // the outputs the entry sets
    expect(target.digestBefore('latest')).toBe(images['1.2.3'].digest)
    expect(await target.digestOf('1.2.2')).toBe(images['1.2.2'].digest)
    // latest matched the bad version (preferred), so no other version tag was read
    expect(result.before.versions['1.2.3'].digest).toBe(images['1.2.3'].digest)
    expect(result.before.versions['1.2.2'].digest).toBeUndefined()
    // only the channel moved
    expect(await client.snapshot(repo)).toEqual({
      '1.2.1': images['1.2.1'].digest,
      '1.2.2': images['1.2.2'].digest,
      '1.2.3': images['1.2.3'].digest,
      latest: images['1.2.2'].digest,
      stable: images['1.2.3'].digest,
    })
    expect(log.lines.join('\n')).not.toContain(registry.password)
  })

  it('a registry that answered, then refuses connections after the tag PUT (a restart on the same port): retried, the run completes', async () => {
    const repo = 'acme/restarting'
    const images = await pushRelease(client, repo, ['1.2.2', '1.2.3'])
    const front = await startRestartingFront(
      registry.url,
      (method, path) => method === 'PUT' && path === `/v2/${repo}/manifests/latest`,
    )
    try {
      const log = logger()
      const warnings: string[] = []
      const target = dockerTarget(inputs(`${front.host}/${repo}`), registry, {
        ...log,
        warning: (m: string) => {
          // back on the same port before the retry this warning announces
          if (/ECONNREFUSED/.test(m) && !front.isUp) void front.up()
          return warnings.push(m)
        },
      })
      const result = rolledBack(await runRollback(inputs(`${front.host}/${repo}`), target, log))
      expect(result.status).toBe('completed')
      expect(result.moved).toBe(true)
      expect([front.downs, front.ups]).toEqual([1, 2])
      expect(warnings.some((w) => /ECONNREFUSED/.test(w) && /retrying/.test(w))).toBe(true)
      expect(front.seen.filter((r) => r === `PUT /v2/${repo}/manifests/latest`)).toHaveLength(1)
      expect(await client.digestOf(repo, 'latest')).toBe(images['1.2.2'].digest)
    } finally {
      await front.down()
    }
  })

  it.each([
    ['an OCI image index', { kind: 'index', format: 'oci' }, MEDIA.ociIndex],
    ['a Docker manifest list', { kind: 'index', format: 'docker' }, MEDIA.dockerList],
    ['a Docker v2 manifest', { kind: 'single', format: 'docker' }, MEDIA.dockerManifest],
  ] as const)('retags %s: same media type, same bytes, same digest', async (_, kind, mediaType) => {
    const repo = `acme/${kind.kind}-${kind.format}`
    const images = await pushRelease(client, repo, ['1.2.2', '1.2.3'], kind)
    const { result } = await rollback(inputs(image(repo), { restoreVersion: '1.2.2' }))
    expect(result.moved).toBe(true)
    const latest = await skopeoRaw(registry, `${repo}:latest`)
    expect(latest.equals(await skopeoRaw(registry, `${repo}:1.2.2`))).toBe(true)
    expect(sha256(latest)).toBe(images['1.2.2'].digest)
    expect(JSON.parse(latest.toString('utf8')).mediaType).toBe(mediaType)
    if (kind.kind === 'index')
      expect(
        JSON.parse(latest.toString('utf8')).manifests.map(
          (m: { platform: { architecture: string } }) => m.platform.architecture,
        ),
      ).toEqual(['amd64', 'arm64'])
  })

  it('is idempotent: a re-run is already-done and sends no PUT (counted at a proxy)', async () => {
    const repo = 'acme/rerun'
    const images = await pushRelease(client, repo, ['1.2.2', '1.2.3'], { kind: 'index' })
    proxy.clear()
    const first = await rollback(inputs(viaProxy(repo), { restoreVersion: '1.2.2' }))
    expect(first.result.status).toBe('completed')
    const puts = () => proxy.seen.filter((s) => s.method === 'PUT').map((s) => s.path)
    expect(puts()).toEqual([`/v2/${repo}/manifests/latest`])
    const afterFirst = await client.snapshot(repo)

    proxy.clear()
    const again = await rollback(inputs(viaProxy(repo), { restoreVersion: '1.2.2' }))
    expect(again.result.status).toBe('already-done')
    expect(again.result.moved).toBe(false)
    expect(again.result.plan.tag).toEqual({ kind: 'already', to: '1.2.2' })
    expect(puts()).toEqual([])
    // digests are read with HEADs (Docker Hub counts a manifest GET as a pull), plus the tag
    // list; the only manifest GETs are by digest, for the build time and commit of the two
    // versions that matter (each an index, then its first platform's manifest)
    const gets = proxy.seen.filter((s) => s.method === 'GET' && s.path.includes('/manifests/')).map((s) => s.path)
    expect(gets.filter((p) => !/\/manifests\/sha256:[0-9a-f]{64}$/.test(p))).toEqual([])
    expect(gets).toHaveLength(4)
    expect(gets).toEqual(
      expect.arrayContaining([
        `/v2/${repo}/manifests/${images['1.2.2'].digest}`,
        `/v2/${repo}/manifests/${images['1.2.3'].digest}`,
      ]),
    )
    expect(await client.snapshot(repo)).toEqual(afterFirst)
    expect(again.target.digestBefore('latest')).toBe(images['1.2.2'].digest)
  })

  it('the guard: a channel on another digest is refused, force moves it; a newer fix is left alone', async () => {
    const repo = 'acme/guarded'
    const images = await pushRelease(client, repo, ['1.2.1', '1.2.2', '1.2.3'], { channels: { latest: '1.2.1' } })
    const e = await expectRejectedUnchanged(repo, inputs(image(repo), { restoreVersion: '1.2.2' }), 'channel')
    expect(e.message).toMatch(
      /'latest' holds 1\.2\.1, which is neither the bad version 1\.2\.3 nor the restore version 1\.2\.2/,
    )

    const { result } = await rollback(inputs(image(repo), { restoreVersion: '1.2.2', force: true }))
    expect(result.moved).toBe(true)
    expect(await client.digestOf(repo, 'latest')).toBe(images['1.2.2'].digest)

    const fixed = 'acme/fixed'
    await pushRelease(client, fixed, ['1.2.2', '1.2.3', '1.2.4'])
    const before = await client.snapshot(fixed)
    const kept = await rollback(inputs(image(fixed)))
    expect(kept.result.plan.tag).toEqual({ kind: 'keep-newer', holder: '1.2.4' })
    expect(await client.snapshot(fixed)).toEqual(before)
  })

  it('the guard is digest-exact: a channel on the bad digest moves even when a higher tag shares that digest', async () => {
    const repo = 'acme/shared'
    const images = await pushRelease(client, repo, ['1.2.2', '1.2.3'])
    await client.pushManifest(repo, '1.2.4', images['1.2.3'].mediaType, images['1.2.3'].bytes) // the bad bytes again
    const { result } = await rollback(inputs(image(repo)))
    expect(result.plan.previousVersion).toBe('1.2.3')
    expect(result.moved).toBe(true)
    expect(await client.digestOf(repo, 'latest')).toBe(images['1.2.2'].digest)
  })

  it('a digest no version tag has is named as the holder', async () => {
    const repo = 'acme/orphan'
    const images = await pushRelease(client, repo, ['1.2.2', '1.2.3'])
    // latest gets an image built by hand that no version tag points at
    const orphan = await pushSingle(client, repo, 'hotfix-built-by-hand')
    await client.pushManifest(repo, 'latest', orphan.mediaType, orphan.bytes)
    const e = await expectRejectedUnchanged(repo, inputs(image(repo), { restoreVersion: '1.2.2' }), 'channel')
    expect(e.message).toContain(`'latest' holds ${orphan.digest}, which is neither the bad version 1.2.3`)
    expect(images['1.2.2'].digest).not.toBe(orphan.digest)
  })

  describe('the guard: the channel is read again right before the write and before every retry', () => {
    const puts = () => proxy.seen.filter((s) => s.method === 'PUT').map((s) => s.path)

    it('a channel moved between planning and the write is left alone, and the error names what it holds now', async () => {
      const repo = 'acme/moved'
      const images = await pushRelease(client, repo, ['1.2.2', '1.2.3', '1.2.4'], { channels: { latest: '1.2.3' } })
      const target = dockerTarget(inputs(viaProxy(repo), { restoreVersion: '1.2.2' }), registry)
      expect((await target.inspect()).distTags.latest).toBe('1.2.3')
      // the fix is published while the rollback runs
      await client.pushManifest(repo, 'latest', images['1.2.4'].mediaType, images['1.2.4'].bytes)
      const before = await client.snapshot(repo)
      proxy.clear()
      const e = (await target
        .pointChannel('latest', '1.2.2', '1.2.3')
        .catch((err: unknown) => err)) as ChannelMovedError
      expect(e).toBeInstanceOf(ChannelMovedError)
      expect(e.holder).toBe(`1.2.4 (${short(images['1.2.4'].digest)})`)
      expect(e.message).toBe(
        `'latest' moved to 1.2.4 (${short(images['1.2.4'].digest)}) while the rollback ran (the plan expected 1.2.3 (${short(images['1.2.3'].digest)})); left there, nothing was written to it. ` +
          `Fix: look at what 'latest' holds now; if it still needs rolling back, run again and the plan starts from the new state.`,
      )
      expect(puts()).toEqual([])
      expect(await client.snapshot(repo)).toEqual(before)
    })

    it('a channel moved while a failed write waits for its retry: the retry is not made', async () => {
      const repo = 'acme/moved-retry'
      const images = await pushRelease(client, repo, ['1.2.2', '1.2.3', '1.2.4'], { channels: { latest: '1.2.3' } })
      proxy.clear()
      // the first PUT fails (never reaching the registry), and meanwhile someone moves latest to the fix
      proxy.inject({
        method: 'PUT',
        path: /\/manifests\/latest$/,
        action: 'respond',
        status: 503,
        headers: { 'retry-after': '0' },
        before: () => client.pushManifest(repo, 'latest', images['1.2.4'].mediaType, images['1.2.4'].bytes),
      })
      const log = logger()
      const i = inputs(viaProxy(repo), { restoreVersion: '1.2.2' })
      const e = await runRollback(i, dockerTarget(i, registry, log), log).catch((err: unknown) => err)
      expect(e).toBeInstanceOf(ChannelMovedError)
      expect((e as Error).message).toMatch(
        new RegExp(
          `^'latest' moved to 1\\.2\\.4 \\(${escapeRegExp(short(images['1.2.4'].digest))}\\) while the rollback ran`,
        ),
      )
      expect(proxy.seen.filter((s) => s.method === 'PUT').map((s) => s.fault)).toEqual(['respond'])
      expect(log.lines.join('\n')).toMatch(/did not take effect \(HTTP 503\); trying again/)
      expect(await client.digestOf(repo, 'latest')).toBe(images['1.2.4'].digest)
      proxy.clear()
    })

    it('writes the image the version tag had when planned, fetched by that digest, even if the tag moved since', async () => {
      const repo = 'acme/version-moved'
      const images = await pushRelease(client, repo, ['1.2.1', '1.2.2', '1.2.3'], { channels: { latest: '1.2.3' } })
      const target = dockerTarget(inputs(viaProxy(repo), { restoreVersion: '1.2.2' }), registry)
      const state = await target.inspect()
      expect(state.versions['1.2.2'].digest).toBe(images['1.2.2'].digest)
      // 1.2.2 is re-pushed with other bytes after the plan was made
      await client.pushManifest(repo, '1.2.2', images['1.2.1'].mediaType, images['1.2.1'].bytes)
      proxy.clear()
      expect(await target.pointChannel('latest', '1.2.2', '1.2.3')).toBe('written')
      const latest = await skopeoRaw(registry, `${repo}:latest`)
      expect(latest.equals(images['1.2.2'].bytes)).toBe(true)
      expect(sha256(latest)).not.toBe(images['1.2.1'].digest)
      expect(proxy.seen.filter((s) => s.method === 'GET' && s.path.includes('/manifests/')).map((s) => s.path)).toEqual(
        [`/v2/${repo}/manifests/${images['1.2.2'].digest}`],
      )
      expect(puts()).toEqual([`/v2/${repo}/manifests/latest`])
    })

    it('refuses bytes that do not hash to the planned digest (a proxy serving another image): nothing is written', async () => {
      const repo = 'acme/wrong-bytes'
      const images = await pushRelease(client, repo, ['1.2.1', '1.2.2', '1.2.3'], { channels: { latest: '1.2.3' } })
      const target = dockerTarget(inputs(viaProxy(repo), { restoreVersion: '1.2.2' }), registry)
      await target.inspect()
      const before = await client.snapshot(repo)
      proxy.clear()
      proxy.inject({
        method: 'GET',
        path: new RegExp(`/manifests/${images['1.2.2'].digest}$`),
        action: 'respond',
        status: 200,
        headers: { 'content-type': images['1.2.1'].mediaType },
        body: images['1.2.1'].bytes.toString('utf8'),
      })
      const e = await target.pointChannel('latest', '1.2.2', '1.2.3').catch((err: unknown) => err)
      expect(e).toBeInstanceOf(RegistryError)
      expect((e as Error).message).toContain(
        `answered ${proxyHost}/${repo}@${images['1.2.2'].digest} with bytes that hash to ${images['1.2.1'].digest}: not that image, so nothing was written from it.`,
      )
      expect(puts()).toEqual([])
      expect(await client.snapshot(repo)).toEqual(before)
      proxy.clear()
    })

    it('the channel already on the restore image counts as done: already, no PUT', async () => {
      const repo = 'acme/moved-done'
      const images = await pushRelease(client, repo, ['1.2.2', '1.2.3'], { channels: { latest: '1.2.3' } })
      const target = dockerTarget(inputs(viaProxy(repo), { restoreVersion: '1.2.2' }), registry)
      await target.inspect()
      await client.pushManifest(repo, 'latest', images['1.2.2'].mediaType, images['1.2.2'].bytes) // another run got there first
      proxy.clear()
      expect(await target.pointChannel('latest', '1.2.2', '1.2.3')).toBe('already')
      expect(puts()).toEqual([])
    })
  })

  describe('when and from what a version was built (publishedAt, commit)', () => {
    const created = (t: string) => ({ [OCI_CREATED]: t })

    it('reads OCI annotations (index or manifest), else config labels, only for the versions that matter', async () => {
      const repo = 'acme/identity'
      const tag = async (version: string, image: { mediaType: string; bytes: Buffer }) =>
        client.pushManifest(repo, version, image.mediaType, image.bytes)
      // 1.2.0: labels, but not a version that matters: never read
      const v120 = await pushSingle(client, repo, '1.2.0', {
        labels: { ...created('2026-11-01T00:00:00Z'), [OCI_REVISION]: 'c0' },
      })
      await tag('1.2.0', v120)
      // 1.2.2 (restore): an index with both annotations
      const v122 = await pushIndex(client, repo, '1.2.2', {
        annotations: { ...created('2026-11-20T09:00:00+01:00'), [OCI_REVISION]: 'a'.repeat(40) },
      })
      await tag('1.2.2', v122)
      // 1.2.3 (bad, latest): the time annotated on the manifest, the commit only in the config's labels
      const v123 = await pushSingle(client, repo, '1.2.3', {
        annotations: created('2026-11-21T10:04:00.5Z'),
        labels: { [OCI_REVISION]: 'b'.repeat(40) },
      })
      await tag('1.2.3', v123)
      await tag('latest', v123)
      // 1.2.1: nothing recorded (the config's own `created` is not a label)
      const v121 = await pushSingle(client, repo, '1.2.1')
      await tag('1.2.1', v121)

      proxy.clear()
      const target = dockerTarget(inputs(viaProxy(repo), { restoreVersion: '1.2.2' }), registry, logger(), {
        preferVersions: ['1.2.2', '1.2.3', '1.2.1'],
      })
      const state = await target.inspect()
      expect(state.versions['1.2.2']).toMatchObject({ publishedAt: '2026-11-20T08:00:00.000Z', commit: 'a'.repeat(40) })
      expect(state.versions['1.2.3']).toMatchObject({ publishedAt: '2026-11-21T10:04:00.500Z', commit: 'b'.repeat(40) })
      expect(state.versions['1.2.1'].publishedAt).toBeUndefined()
      expect(state.versions['1.2.1'].commit).toBeUndefined()
      expect(state.versions['1.2.0']).toEqual({})
      // nothing of 1.2.0 was fetched; 1.2.2's index had all it needed (no platform manifest read)
      const gets = proxy.seen
        .filter((s) => s.method === 'GET' && /\/(manifests|blobs)\//.test(s.path))
        .map((s) => s.path.replace(`/v2/${repo}/`, ''))
      expect(gets).not.toContain(`manifests/${v120.digest}`)
      expect(gets.filter((p) => p.startsWith('manifests/')).sort()).toEqual(
        [`manifests/${v121.digest}`, `manifests/${v122.digest}`, `manifests/${v123.digest}`].sort(),
      )
      expect(gets.filter((p) => p.startsWith('blobs/'))).toHaveLength(2) // the configs of 1.2.3 and 1.2.1
    })

    it('rollback-version current with published-after: rolls back an image built after the run started; the re-run is skipped', async () => {
      const repo = 'acme/identity-current'
      const v122 = await pushIndex(client, repo, '1.2.2', { labels: created('2026-11-20T09:00:00Z') })
      await client.pushManifest(repo, '1.2.2', v122.mediaType, v122.bytes)
      const v123 = await pushIndex(client, repo, '1.2.3', { labels: created('2026-11-21T10:04:00Z') })
      await client.pushManifest(repo, '1.2.3', v123.mediaType, v123.bytes)
      await client.pushManifest(repo, 'latest', v123.mediaType, v123.bytes)
      const i = inputs(image(repo), { rollbackVersion: 'current', publishedAfter: '2026-11-21T10:00:00.000Z' })
      const { result } = await rollback(i)
      expect(result.plan).toMatchObject({ rollbackVersion: '1.2.3', restoreVersion: '1.2.2' })
      expect(await client.digestOf(repo, 'latest')).toBe(v122.digest)

      const log = logger()
      const again = await runRollback(i, dockerTarget(i, registry, log), log)
      expect(again).toMatchObject({ status: 'skipped', holder: '1.2.2' })
      expect(again.status === 'skipped' && again.reason).toMatch(
        /'latest' holds 1\.2\.2, published 2026-11-20T09:00:00\.000Z, which is not after 2026-11-21T10:00:00\.000Z/,
      )
    })

    it('an image that records no time: publishedAt stays unknown, and current is refused instead of skipping forever', async () => {
      const repo = 'acme/identity-none'
      await pushRelease(client, repo, ['1.2.2', '1.2.3'])
      const i = inputs(image(repo), { rollbackVersion: 'current', publishedAfter: '2026-11-21T10:00:00.000Z' })
      const before = await client.snapshot(repo)
      const log = logger()
      const e = await runRollback(i, dockerTarget(i, registry, log), log).catch((x: unknown) => x)
      expect(e).toBeInstanceOf(InputError)
      expect((e as InputError).message).toMatch(
        /^Input 'rollback-version': is current, but the target records no publish time for .*acme\/identity-none@1\.2\.3/,
      )
      expect(await client.snapshot(repo)).toEqual(before)
    })
  })

  it('tag-prefix v: v1.2.3-style tags are versions 1.2.3, written back with the prefix', async () => {
    const repo = 'acme/prefixed'
    const images = await pushRelease(client, repo, ['1.2.1', '1.2.2', '1.2.3'], { prefix: 'v' })
    await pushRelease(client, repo, ['1.2.9'], { channels: {} }) // no prefix: not a version here
    const { result, target } = await rollback(inputs(image(repo)), { tagPrefix: 'v' })
    expect(result.plan.restoreVersion).toBe('1.2.2')
    expect(Object.keys(result.before.versions).sort()).toEqual(['1.2.1', '1.2.2', '1.2.3'])
    expect(result.moved).toBe(true)
    expect((await skopeoRaw(registry, `${repo}:latest`)).equals(images['1.2.2'].bytes)).toBe(true)
    expect(await target.digestOf('1.2.2')).toBe(images['1.2.2'].digest)
    expect(target.tagFor('1.2.2')).toBe('v1.2.2')
  })

  describe('bad input that only the registry can reveal: a clear error, nothing changed', () => {
    const repo = 'acme/inputs'
    beforeAll(async () => {
      await pushRelease(client, repo, ['1.2.1', '1.2.2', '1.2.3'])
    })

    it('an unknown restore tag', async () => {
      const e = await expectRejectedUnchanged(repo, inputs(image(repo), { restoreVersion: '1.1.0' }), 'restore-version')
      expect(e.message).toMatch(/does not exist in the registry/)
    })
    it('an unknown bad version', async () => {
      await expectRejectedUnchanged(repo, inputs(image(repo), { rollbackVersion: '1.2.9' }), 'rollback-version')
    })
    it('a channel tag that does not exist', async () => {
      await expectRejectedUnchanged(repo, inputs(image(repo), { channel: 'stable' }), 'channel')
    })
    it('a wrong password: names registry-password, never shows it', async () => {
      const e = await expectRejectedUnchanged(repo, inputs(image(repo)), 'registry-password', {
        password: 'wrong-password-123',
      })
      expect(e.message).toMatch(/rejected the credentials of release-bot \(401 Unauthorized\)/)
      expect(e.message).not.toContain('wrong-password-123')
    })
    it('no credentials at all (none given, none in the docker config)', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'rr-docker-config-'))
      try {
        const e = await expectRejectedUnchanged(repo, inputs(image(repo)), 'registry-password', {
          username: undefined,
          password: undefined,
          dockerConfigPath: join(dir, 'config.json'),
        })
        expect(e.message).toMatch(/asks for credentials and none were given \(there is no .*config\.json\)/)
        expect(e.message).toMatch(/docker\/login-action/)
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    })
    it('a registry where nothing listens: bad input naming the image, at once (a wrong address is not an outage)', async () => {
      const port = await freePort()
      const e = await expectRejectedUnchanged(repo, inputs(`127.0.0.1:${port}/${repo}`), 'image')
      expect(e.message).toMatch(/127\.0\.0\.1:\d+ cannot be reached: the connection was refused.*nothing was retried/)
    })
    it('a restore tag that vanished after planning', async () => {
      const target = dockerTarget(inputs(image(repo)), registry)
      const e = await target.pointChannel('latest', '1.0.0', '1.2.3').catch((err: unknown) => err)
      expect(e).toBeInstanceOf(InputError)
      expect((e as InputError).input).toBe('restore-version')
      expect((e as Error).message).toMatch(
        /acme\/inputs:1\.0\.0 does not exist on 127\.0\.0\.1:\d+ \(404 MANIFEST_UNKNOWN\)/,
      )
    })
    it('an image that does not exist', async () => {
      const e = await expectRejectedUnchanged(repo, inputs(image('acme/no-such-app')), 'image')
      expect(e.message).toMatch(/does not exist on 127\.0\.0\.1:\d+ \(404 NAME_UNKNOWN\)/)
    })
  })

  it('uses the credentials docker/login-action left in the docker config', async () => {
    const repo = 'acme/config-creds'
    const images = await pushRelease(client, repo, ['1.2.2', '1.2.3'])
    const dir = mkdtempSync(join(tmpdir(), 'rr-docker-config-'))
    try {
      const path = join(dir, 'config.json')
      writeFileSync(
        path,
        JSON.stringify({
          auths: { [registry.host]: { auth: Buffer.from(`${registry.user}:${registry.password}`).toString('base64') } },
        }),
      )
      const { result } = await rollback(inputs(image(repo)), {
        username: undefined,
        password: undefined,
        dockerConfigPath: path,
      })
      expect(result.moved).toBe(true)
      expect(await client.digestOf(repo, 'latest')).toBe(images['1.2.2'].digest)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  describe('registry faults (injected at a proxy in front of the real registry)', () => {
    it('an immutable tag (ECR-style 400): a clear error, the channel unchanged', async () => {
      const repo = 'acme/immutable'
      await pushRelease(client, repo, ['1.2.2', '1.2.3'])
      proxy.clear()
      proxy.inject({
        method: 'PUT',
        path: /\/manifests\/latest$/,
        action: 'respond',
        status: 400,
        body: JSON.stringify({
          errors: [
            {
              code: 'TAG_INVALID',
              message:
                "The image tag 'latest' already exists in the 'immutable' repository and cannot be overwritten because the repository is immutable.",
            },
          ],
        }),
        times: 10,
      })
      const e = await expectRejectedUnchanged(
        repo,
        inputs(viaProxy(repo)),
        /refuses to move the tag: .* has immutable tags/,
      )
      expect(e).toBeInstanceOf(RegistryError)
      expect(e.message).toMatch(/image tag mutability MUTABLE/)
      expect(proxy.seen.filter((s) => s.method === 'PUT')).toHaveLength(1) // a refusal is not retried
      proxy.clear()
    })

    it('503 then OK on the tag write: retried within the policy', async () => {
      const repo = 'acme/flaky'
      const images = await pushRelease(client, repo, ['1.2.2', '1.2.3'])
      proxy.clear()
      proxy.inject({
        method: 'PUT',
        path: /\/manifests\/latest$/,
        action: 'respond',
        status: 503,
        headers: { 'retry-after': '0' },
      })
      const { result, log } = await rollback(inputs(viaProxy(repo)))
      expect(result.moved).toBe(true)
      expect(proxy.seen.filter((s) => s.method === 'PUT').map((s) => s.fault)).toEqual(['respond', undefined])
      expect(log.lines.join('\n')).toMatch(/did not take effect \(HTTP 503\); trying again/)
      expect(await client.digestOf(repo, 'latest')).toBe(images['1.2.2'].digest)
    })

    it('a write that took effect but answered 500 counts as done (decided from the read-back)', async () => {
      const repo = 'acme/lying'
      const images = await pushRelease(client, repo, ['1.2.2', '1.2.3'])
      proxy.clear()
      proxy.inject({ method: 'PUT', path: /\/manifests\/latest$/, action: 'after', status: 500 })
      const { result, log } = await rollback(inputs(viaProxy(repo)))
      expect(result.moved).toBe(true)
      expect(proxy.seen.filter((s) => s.method === 'PUT')).toHaveLength(1)
      expect(log.lines.join('\n')).toMatch(/answered HTTP 500, but reading back shows the change took effect/)
      expect(await client.digestOf(repo, 'latest')).toBe(images['1.2.2'].digest)
    })

    it('429 is retried; 403 is not, and names registry-password', async () => {
      const repo = 'acme/throttled'
      await pushRelease(client, repo, ['1.2.2', '1.2.3'])
      proxy.clear()
      proxy.inject({
        method: 'GET',
        path: /\/tags\/list/,
        action: 'respond',
        status: 429,
        headers: { 'retry-after': '0' },
      })
      const { result } = await rollback(inputs(viaProxy(repo)))
      expect(result.moved).toBe(true)
      expect(proxy.seen.filter((s) => s.path.includes('/tags/list')).map((s) => s.fault)).toEqual([
        'respond',
        undefined,
      ])

      proxy.clear()
      proxy.inject({ method: 'HEAD', path: /\/manifests\/latest$/, action: 'respond', status: 403, times: 10 })
      const e = await expectRejectedUnchanged(repo, inputs(viaProxy(repo)), 'registry-password')
      expect(e.message).toMatch(/denied release-bot pull access .* \(403 Forbidden\)/)
      expect(proxy.seen.filter((s) => s.fault === 'respond')).toHaveLength(1)
      proxy.clear()
    })

    it('follows Link pagination of the tag list', async () => {
      const repo = 'acme/paged'
      const images = await pushRelease(client, repo, ['1.2.1', '1.2.2', '1.2.3'])
      proxy.clear()
      // distribution 2.8 returns every tag in one page: the proxy splits the list in two
      proxy.inject({
        method: 'GET',
        path: /\/tags\/list$/,
        action: 'respond',
        status: 200,
        headers: { link: `</v2/${repo}/tags/list?last=1.2.1&n=2>; rel="next"` },
        body: JSON.stringify({ name: repo, tags: ['1.2.1', 'latest'] }),
      })
      proxy.inject({
        method: 'GET',
        path: /\/tags\/list\?last=1\.2\.1&n=2$/,
        action: 'respond',
        status: 200,
        body: JSON.stringify({ name: repo, tags: ['1.2.2', '1.2.3'] }),
      })
      const { result } = await rollback(inputs(viaProxy(repo)))
      expect(Object.keys(result.before.versions).sort()).toEqual(['1.2.1', '1.2.2', '1.2.3'])
      expect(result.plan.restoreVersion).toBe('1.2.2')
      expect(await client.digestOf(repo, 'latest')).toBe(images['1.2.2'].digest)
    })

    it('a redirect to another host is followed without the credentials', async () => {
      const repo = 'acme/redirected'
      const images = await pushRelease(client, repo, ['1.2.2', '1.2.3'])
      // a "blob store" on another host name (localhost, not 127.0.0.1) that serves the
      // manifest it fetched itself, and records the headers it was sent
      const seen: IncomingHttpHeaders[] = []
      const port = await freePort()
      const store: Server = createServer(async (req, res) => {
        seen.push(req.headers)
        const upstream = await client.request('GET', req.url ?? '/', { headers: { accept: MANIFEST_ACCEPT } })
        res.writeHead(upstream.status, {
          'content-type': upstream.headers.get('content-type') ?? '',
          'docker-content-digest': upstream.headers.get('docker-content-digest') ?? '',
        })
        res.end(upstream.body)
      })
      await new Promise<void>((resolve) => store.listen(port, '127.0.0.1', () => resolve()))
      try {
        proxy.clear()
        proxy.inject({
          method: 'GET',
          path: /\/manifests\/1\.2\.2$/,
          action: 'respond',
          status: 307,
          headers: { location: `http://localhost:${port}/v2/${repo}/manifests/1.2.2` },
        })
        const { result } = await rollback(inputs(viaProxy(repo)))
        expect(result.moved).toBe(true)
        expect(seen).toHaveLength(1)
        expect(seen[0].authorization).toBeUndefined()
        expect(seen[0].accept).toBe(MANIFEST_ACCEPT)
        expect((await skopeoRaw(registry, `${repo}:latest`)).equals(images['1.2.2'].bytes)).toBe(true)
      } finally {
        store.closeAllConnections()
        await new Promise((resolve) => store.close(resolve))
      }
    })
  })
})

describe('Docker rollback with Bearer tokens (the real registry trusting a local token server)', () => {
  let tokens: Awaited<ReturnType<typeof startTokenServer>>
  let sameHost: DockerRegistry
  let otherHost: DockerRegistry
  const user = 'release-bot'
  const password = 'token-server-password'

  beforeAll(async () => {
    requireRegistryBinaries()
    tokens = await startTokenServer({ users: { [user]: password, reader: 'reader-password' }, readOnly: ['reader'] })
    const token = (host: string) => ({
      realm: tokens.realm(host),
      service: tokens.service,
      issuer: tokens.issuer,
      certPath: tokens.certPath,
    })
    // the realm on the registry's own host (127.0.0.1, another port), and on another host name
    ;[sameHost, otherHost] = await Promise.all([
      startDockerRegistry({ auth: 'token', user, password, token: token('127.0.0.1') }),
      startDockerRegistry({ auth: 'token', user, password, token: token('localhost') }),
    ])
  })
  afterAll(async () => {
    await sameHost?.stop()
    await otherHost?.stop()
    await tokens?.stop()
  })

  const basic = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`

  it('sends the credentials to a token realm on the registry host, and rolls back', async () => {
    const repo = 'acme/bearer'
    const client = fixtureClient(sameHost)
    const images = await pushRelease(client, repo, ['1.2.2', '1.2.3'], { kind: 'index' })
    tokens.seen.length = 0
    const log = logger()
    const i = inputs(`${sameHost.host}/${repo}`)
    const secrets: string[] = []
    const result = rolledBack(
      await runRollback(i, dockerTarget(i, sameHost, log, { setSecret: (v) => secrets.push(v) }), log),
    )
    expect(result.moved).toBe(true)
    // the registry token it obtained is registered as a secret (a JWT here)
    expect(secrets).toHaveLength(1)
    expect(secrets[0]).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/)
    const asked = [...tokens.seen]
    expect((await skopeoRaw(sameHost, `${repo}:latest`)).equals(images['1.2.2'].bytes)).toBe(true)
    expect(asked.length).toBeGreaterThan(0)
    for (const r of asked) {
      expect(r.host).toBe(`127.0.0.1:${tokens.port}`)
      expect(r.authorization).toBe(basic)
      expect(r.service).toBe(tokens.service)
      expect(r.scope).toContain(`repository:${repo}:pull,push`)
    }
    // one token serves every request: concurrent 401s authenticate once
    expect(asked).toHaveLength(1)
  })

  it('a wrong password: the token service rejects it, the error names registry-password', async () => {
    const repo = 'acme/bearer-wrong'
    const client = fixtureClient(sameHost)
    await pushRelease(client, repo, ['1.2.2', '1.2.3'])
    const before = await client.snapshot(repo)
    const log = logger()
    const i = inputs(`${sameHost.host}/${repo}`)
    const e = (await runRollback(i, dockerTarget(i, { user, password: 'not-it' }, log), log).catch(
      (err: unknown) => err,
    )) as InputError
    expect(e).toBeInstanceOf(InputError)
    expect(e.input).toBe('registry-password')
    expect(e.message).toMatch(/token service http:\/\/127\.0\.0\.1:\d+ rejected the credentials of release-bot \(401\)/)
    expect(e.message).not.toContain('not-it')
    expect(await client.snapshot(repo)).toEqual(before)
  })

  it('credentials that may pull but not push: refused before any write, naming registry-password', async () => {
    const repo = 'acme/bearer-reader'
    const client = fixtureClient(sameHost)
    await pushRelease(client, repo, ['1.2.2', '1.2.3'])
    const before = await client.snapshot(repo)
    const log = logger()
    const i = inputs(`${sameHost.host}/${repo}`)
    const e = (await runRollback(i, dockerTarget(i, { user: 'reader', password: 'reader-password' }, log), log).catch(
      (err: unknown) => err,
    )) as InputError
    expect(e).toBeInstanceOf(InputError)
    expect(e.input).toBe('registry-password')
    expect(e.message).toMatch(
      /does not let reader push to 127\.0\.0\.1:\d+\/acme\/bearer-reader \(401, insufficient scope\)/,
    )
    expect(await client.snapshot(repo)).toEqual(before)
  })

  it('never sends the credentials to a token realm on another host; says why', async () => {
    const repo = 'acme/bearer-cross'
    const client = fixtureClient(otherHost)
    await pushRelease(client, repo, ['1.2.2', '1.2.3'])
    const before = await client.snapshot(repo)
    tokens.seen.length = 0
    const log = logger()
    const i = inputs(`${otherHost.host}/${repo}`)
    const e = (await runRollback(i, dockerTarget(i, otherHost, log), log).catch((err: unknown) => err)) as InputError
    expect(e).toBeInstanceOf(InputError)
    expect(e.input).toBe('registry-password')
    expect(e.message).toMatch(
      /credentials were not sent to the token service: localhost:\d+ is not the registry's host 127\.0\.0\.1/,
    )
    expect(e.message).toMatch(/tokenRealmHosts/)
    // the realm was asked, anonymously only
    expect(tokens.seen.length).toBeGreaterThan(0)
    for (const r of tokens.seen) {
      expect(r.host).toBe(`localhost:${tokens.port}`)
      expect(r.authorization).toBeUndefined()
    }
    expect(log.lines.join('\n')).toMatch(
      /warning: The credentials were not sent to the token service http:\/\/localhost:\d+/,
    )
    expect(await client.snapshot(repo)).toEqual(before)
  })

  it('sends them to another host only when it is allowed by name (tokenRealmHosts)', async () => {
    const repo = 'acme/bearer-allowed'
    const client = fixtureClient(otherHost)
    const images = await pushRelease(client, repo, ['1.2.2', '1.2.3'])
    tokens.seen.length = 0
    const log = logger()
    const i = inputs(`${otherHost.host}/${repo}`)
    const result = rolledBack(
      await runRollback(i, dockerTarget(i, otherHost, log, { tokenRealmHosts: ['localhost'] }), log),
    )
    expect(result.moved).toBe(true)
    expect(await client.digestOf(repo, 'latest')).toBe(images['1.2.2'].digest)
    expect(tokens.seen.every((r) => r.authorization === basic)).toBe(true)
  })
})
