// Registries other than npmjs that lack what a rollback needs, played by a proxy in front of
// a real Verdaccio that answers the way they do (support/registry-flavours.mjs): Nexus 3
// cannot move `latest`, Nexus 2 has no deprecate, an Artifactory remote repository answers
// 404 to dist-tag writes, GitHub Packages 405. A registry that cannot move the channel
// fails before anything is written, by name; one that can move it but cannot deprecate is
// moved, and the deprecation is skipped and said (deprecated=false, a warning).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { runDrill } from '../../../src/modes/drill.js'
import { CapabilityError } from '../../../src/core/errors.js'
import { readInputs, type GitHubInputs } from '../../../src/config/inputs.js'
import { isRetryable } from '../../../src/core/retry.js'
import { runIncident } from '../../../src/incident/run.js'
import { NpmTarget } from '../../../src/targets/npm/target.js'
import { identifyRegistry } from '../../../src/targets/npm/registry-kind.js'
import { startFaultProxy } from '../../support/fault-proxy.mjs'
import { escapeName, publishPackage, registryRequest } from '../../support/fixtures.mjs'
import { quiet, rolledBack, rollbackInputs, runRollback } from '../../support/helpers.js'
import { startGitHubStandin } from '../../support/github-standin.mjs'
import { startRegistryFlavour } from '../../support/registry-flavours.mjs'
import { runAction } from '../../support/run-action.mjs'
import { startVerdaccio, type Registry } from '../../support/verdaccio.mjs'

type Flavour = Parameters<typeof startRegistryFlavour>[1]
type Proxy = Awaited<ReturnType<typeof startRegistryFlavour>>

let registry: Registry
const proxies: Proxy[] = []
let counter = 0
beforeAll(async () => {
  registry = await startVerdaccio()
})
afterAll(async () => {
  for (const p of proxies) await p.stop()
  await registry?.stop()
})

async function flavour(name: Flavour, identify = true): Promise<Proxy> {
  const p = await startRegistryFlavour(registry.url, name, { identify })
  proxies.push(p)
  return p
}

async function freshPackage(distTags: Record<string, string> = { latest: '1.2.3' }): Promise<string> {
  const name = `flavour-widget-${++counter}`
  await publishPackage(registry, name, ['1.2.1', '1.2.2', '1.2.3'], { distTags })
  return name
}

/** What users install from, read from Verdaccio itself (behind the proxy). */
async function state(pkg: string) {
  const doc = (await (await registryRequest(registry, `${escapeName(pkg)}?write=true`)).json()) as {
    'dist-tags': Record<string, string>
    versions: Record<string, { deprecated?: string }>
  }
  return {
    distTags: doc['dist-tags'] as Record<string, string>,
    deprecated: (doc.versions['1.2.3'].deprecated as string | undefined) ?? null,
  }
}

function run(
  p: Proxy,
  pkg: string,
  over: Parameters<typeof rollbackInputs>[0] extends infer I ? Partial<I> : never = {},
  warnings: string[] = [],
) {
  const log = { ...quiet, warning: (m: string) => void warnings.push(m) }
  const target = new NpmTarget({
    packageName: pkg,
    registry: p.url,
    token: registry.token,
    log,
    retry: { attempts: 3, baseDelayMs: 10, maxDelayMs: 100, deadlineMs: 5000 },
    timeoutMs: 5000,
  })
  return runRollback(
    rollbackInputs({ restoreVersion: '1.2.2', packageName: pkg, registry: p.url, ...over }),
    target,
    log,
  )
}

/** The probe's tag has a random name per probe: shown as `<probe>`, once checked that its PUT and DELETE name the same one. */
const DRILL_TAG = '<probe>'
const writes = (p: Proxy) => {
  const seen = p.seen
    .filter((s) => s.method !== 'GET' && s.method !== 'HEAD')
    .map((s) => `${s.method} ${decodeURIComponent(s.path)} ${s.status}`)
  const probes = new Set(seen.flatMap((w) => w.match(/release-rollback-drill-[0-9a-f]{6}-\d+-[0-9a-f]{8}/g) ?? []))
  expect(probes.size).toBeLessThanOrEqual(1)
  return seen.map((w) => w.replace(/release-rollback-drill-[0-9a-f]{6}-\d+-[0-9a-f]{8}/g, DRILL_TAG))
}
const host = (p: Proxy) => new URL(p.url).host

describe('which registry answers, from its answers to reads', () => {
  it('names Nexus 3 and 2, Artifactory and GitHub Packages by their headers or addresses, anything else by its host', () => {
    expect(
      identifyRegistry('https://nexus.example.com/repository/npm-hosted/', { server: 'Nexus/3.68.1-02 (OSS)' }),
    ).toEqual({ kind: 'nexus3', host: 'nexus.example.com', name: 'Nexus Repository 3 at nexus.example.com' })
    expect(
      identifyRegistry('https://nexus.example.com/content/repositories/npm/', { server: 'Nexus/2.15.1-02' }).kind,
    ).toBe('nexus2')
    expect(identifyRegistry('https://acme.jfrog.io/artifactory/api/npm/npm-remote/', {}).kind).toBe('artifactory')
    expect(identifyRegistry('https://repo.example.com/npm/', { 'x-jfrog-version': 'Artifactory/7.90.10' }).kind).toBe(
      'artifactory',
    )
    expect(identifyRegistry('https://npm.pkg.github.com/', {}).kind).toBe('github-packages')
    expect(identifyRegistry('https://registry.npmjs.org/', {}).kind).toBe('npmjs')
    expect(identifyRegistry('https://npm.example.com/', { 'x-powered-by': 'hidden' })).toEqual({
      kind: 'unknown',
      host: 'npm.example.com',
      name: 'the registry at npm.example.com',
    })
  })

  it('501 Not Implemented is never retried (it is what the server is, not how it is doing)', () => {
    expect(isRetryable({ statusCode: 501 })).toBe(false)
    expect(isRetryable({ statusCode: 503 })).toBe(true)
  })
})

describe('a registry with no reported gaps (Verdaccio, unnamed)', () => {
  it("gets no probe, and the plan's read still guards the first write: one read of the document before the move", async () => {
    const proxy = await startFaultProxy(registry.url)
    try {
      const pkg = await freshPackage()
      const target = new NpmTarget({ packageName: pkg, registry: proxy.url, token: registry.token, log: quiet })
      const r = rolledBack(
        await runRollback(
          rollbackInputs({ restoreVersion: '1.2.2', packageName: pkg, registry: proxy.url }),
          target,
          quiet,
        ),
      )
      expect([r.status, r.moved, r.deprecated]).toEqual(['completed', true, true])
      const firstWrite = proxy.seen.findIndex((s) => s.method !== 'GET')
      expect(proxy.seen[firstWrite].path).toBe(`/-/package/${pkg}/dist-tags/latest`)
      // the plan's read: the write view, and beside it (the same round trip) the full document for its deprecations (npm/cli#9803)
      expect(
        proxy.seen
          .slice(0, firstWrite)
          .filter((s) => s.path.startsWith(`/${pkg}`))
          .map((s) => s.path)
          .sort(),
      ).toEqual([`/${pkg}`, `/${pkg}?write=true`])
      expect(proxy.seen.filter((s) => s.path.includes('release-rollback-drill'))).toEqual([])
    } finally {
      await proxy.stop()
    }
  })
})

describe('Nexus Repository 3: cannot move latest', () => {
  it('fails before anything is written, naming the registry, what it lacks and what to do; a dry run says the same', async () => {
    const p = await flavour('nexus3')
    const pkg = await freshPackage()
    const before = await state(pkg)
    const e = await run(p, pkg).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(CapabilityError)
    expect((e as CapabilityError).capability).toBe('move')
    expect((e as Error).message).toBe(
      `Nexus Repository 3 at ${host(p)} cannot move the dist-tag 'latest' (it answers "Unable to update latest tag": only a publish moves it), so the rollback cannot point 'latest' of ${pkg} back: nothing was written. ` +
        "Fix: use strategy: republish, which publishes the good code as the next version and so moves 'latest' the only way Nexus allows; or roll back another channel",
    )
    expect(writes(p)).toEqual([])
    expect(await state(pkg)).toEqual(before)
    await expect(run(p, pkg, { dryRun: true })).rejects.toThrow(/cannot move the dist-tag 'latest'/)
    expect(writes(p)).toEqual([])
  })

  it('another channel moves (proven first by the harmless dist-tag, added and removed), and the bad version is deprecated', async () => {
    const p = await flavour('nexus3')
    const pkg = await freshPackage({ latest: '1.2.3', next: '1.2.3' })
    const r = rolledBack(await run(p, pkg, { channel: 'next' }))
    expect(r.status).toBe('completed')
    expect([r.moved, r.deprecated]).toEqual([true, true])
    expect(writes(p)).toEqual([
      `PUT /-/package/${pkg}/dist-tags/${DRILL_TAG} 201`,
      `DELETE /-/package/${pkg}/dist-tags/${DRILL_TAG} 201`,
      `PUT /-/package/${pkg}/dist-tags/next 201`,
      `PUT /${pkg} 201`,
    ])
    const after = await state(pkg)
    expect(after.distTags).toEqual({ latest: '1.2.3', next: '1.2.2' })
    expect(after.deprecated).toMatch(/^1\.2\.3 was rolled back/)
  })

  it('with its name stripped by a proxy, the refusal of the move itself names it: one write, not retried, nothing changed', async () => {
    const p = await flavour('nexus3', false)
    const pkg = await freshPackage()
    const before = await state(pkg)
    const e = await run(p, pkg).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(CapabilityError)
    expect((e as Error).message).toMatch(
      new RegExp(
        `^the registry at ${host(p)} cannot move the dist-tag 'latest' of ${pkg}: it answered 400 \\(.*Unable to update latest tag\\); Nexus Repository 3 moves 'latest' only on publish\\. Fix: use strategy: republish`,
      ),
    )
    expect(writes(p)).toEqual([`PUT /-/package/${pkg}/dist-tags/latest 400`])
    expect(await state(pkg)).toEqual(before)
  })
})

describe('Nexus Repository 3: an undo of latest', () => {
  const said = (p: Proxy, pkg: string) =>
    `Nexus Repository 3 at ${host(p)} cannot move the dist-tag 'latest' (it answers "Unable to update latest tag": only a publish moves it), so the undo cannot point 'latest' of ${pkg} back: nothing was written. ` +
    "Fix: move 'latest' back by hand where Nexus lets you, or by publishing (a publish moves 'latest' there); an undo republishes nothing"

  it('fails before anything is written and says to move latest by hand or by publishing, never strategy: republish', async () => {
    const p = await flavour('nexus3')
    // 'latest' was moved to 1.2.2 (the rollback); the undo would point it back at 1.2.3
    const pkg = await freshPackage({ latest: '1.2.2' })
    const before = await state(pkg)
    const e = await run(p, pkg, { undo: true }).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(CapabilityError)
    expect((e as Error).message).toBe(said(p, pkg))
    expect(writes(p)).toEqual([])
    expect(await state(pkg)).toEqual(before)
  })

  it('the undo of a rollback that republished (strategy: republish) gives the same advice', async () => {
    const p = await flavour('nexus3')
    const pkg = await freshPackage()
    rolledBack(await run(p, pkg, { strategy: 'republish' }))
    const before = await state(pkg)
    expect(before.distTags.latest).toBe('1.2.4')
    const wrote = writes(p).length
    const e = await run(p, pkg, { undo: true, strategy: 'republish' }).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(CapabilityError)
    expect((e as Error).message).toBe(said(p, pkg))
    expect(writes(p)).toHaveLength(wrote)
    expect(await state(pkg)).toEqual(before)
  })
})

describe('Nexus Repository 3 with strategy: republish', () => {
  it("moves 'latest' the way Nexus allows, by publishing the good code as the next version: no dist-tag write to latest", async () => {
    const p = await flavour('nexus3')
    const pkg = await freshPackage()
    const r = rolledBack(await run(p, pkg, { strategy: 'republish' }))
    expect(r.status).toBe('completed')
    expect([r.moved, r.deprecated, r.republished]).toEqual([true, true, true])
    expect(writes(p).filter((w) => w.includes('/dist-tags/latest'))).toEqual([])
    expect((await state(pkg)).distTags.latest).toBe('1.2.4')
  })
})

describe('several packages, one on a registry that cannot move the channel', () => {
  it('the preflight of every target runs before any write: nothing is written to either', async () => {
    const p = await flavour('nexus3')
    const a = await freshPackage()
    const b = await freshPackage()
    const before = [await state(a), await state(b)]
    const target = (name: string, url: string) =>
      new NpmTarget({
        packageName: name,
        registry: url,
        token: registry.token,
        log: quiet,
        retry: { attempts: 2, baseDelayMs: 5, maxDelayMs: 10, deadlineMs: 2000 },
      })
    const inputs = rollbackInputs({ restoreVersion: '1.2.2', packageName: a, registry: p.url })
    const e = await runIncident(
      inputs,
      [
        { kind: 'npm', name: a, channel: 'latest', target: target(a, p.url) },
        { kind: 'npm', name: b, channel: 'latest', target: target(b, registry.url) },
      ],
      quiet,
    ).catch((x: unknown) => x)
    expect((e as Error).message).toMatch(
      new RegExp(
        `the preflight found problems in 1 of 2 packages, so nothing was written:\\n- ${a}: Nexus Repository 3 at ${host(p)} cannot move the dist-tag 'latest'`,
      ),
    )
    expect([await state(a), await state(b)]).toEqual(before)
    expect(writes(p)).toEqual([])
  })
})

describe('Nexus Repository 2: no deprecate', () => {
  it('moves the channel, skips the deprecation without trying it, and says so plainly (deprecated=false)', async () => {
    const p = await flavour('nexus2')
    const pkg = await freshPackage()
    const warnings: string[] = []
    const r = rolledBack(await run(p, pkg, {}, warnings))
    expect(r.status).toBe('completed')
    expect([r.moved, r.deprecated]).toEqual([true, false])
    const expected = `1.2.3 was NOT deprecated (deprecated=false): Nexus Repository 2 at ${host(p)} has no deprecate (npm deprecate is not supported). 'latest' was moved to 1.2.2, which protects new installs; ranges that match 1.2.3 still install it, so deprecate or remove it by hand where the registry allows.`
    expect(r.warnings).toEqual([expected])
    expect(warnings).toContain(expected)
    expect(r.steps.find((s) => s.step === 'deprecate')).toMatchObject({ outcome: 'skipped', detail: expected })
    // the preflight proved the move; no document PUT was ever sent
    expect(writes(p)).toEqual([
      `PUT /-/package/${pkg}/dist-tags/${DRILL_TAG} 201`,
      `DELETE /-/package/${pkg}/dist-tags/${DRILL_TAG} 201`,
      `PUT /-/package/${pkg}/dist-tags/latest 201`,
    ])
    expect(await state(pkg)).toEqual({ distTags: { latest: '1.2.2' }, deprecated: null })
  })

  it('with its name stripped, the 405 to the deprecation is taken as "cannot deprecate": sent once, never retried, not a failure', async () => {
    const p = await flavour('nexus2', false)
    const pkg = await freshPackage()
    const r = rolledBack(await run(p, pkg))
    expect(r.status).toBe('completed')
    expect([r.moved, r.deprecated]).toEqual([true, false])
    expect(r.error).toBeUndefined()
    expect(r.warnings).toEqual([
      expect.stringMatching(
        new RegExp(
          `^1\\.2\\.3 was NOT deprecated \\(deprecated=false\\): the registry at ${host(p)} cannot deprecate ${pkg}: it answered 405 .*to the deprecation \\(PUT /${pkg}, which npm deprecate uses\\)\\. 'latest' was moved to 1\\.2\\.2`,
        ),
      ),
    ])
    expect(writes(p)).toEqual([`PUT /-/package/${pkg}/dist-tags/latest 201`, `PUT /${pkg} 405`])
    expect(await state(pkg)).toEqual({ distTags: { latest: '1.2.2' }, deprecated: null })
  })
})

describe('a 404 to the deprecation (the document PUT, after the channel moved)', () => {
  async function run404(headers?: Record<string, string>) {
    const proxy = await startFaultProxy(registry.url, { headers })
    try {
      const pkg = await freshPackage()
      proxy.inject({ method: 'PUT', path: new RegExp(`^/${pkg}$`), action: 'respond', status: 404 })
      const warnings: string[] = []
      const r = rolledBack(await run({ url: proxy.url } as Proxy, pkg, {}, warnings))
      const puts = proxy.seen.filter((s) => s.method === 'PUT').map((s) => `${s.method} ${s.path} ${s.fault ?? ''}`)
      return { r, pkg, puts, warnings, after: await state(pkg), where: new URL(proxy.url).host }
    } finally {
      await proxy.stop()
    }
  }

  it('on a registry that does not say what it is: the token\'s write access (partial, with the token fix), not "cannot deprecate"', async () => {
    const { r, pkg, puts, after } = await run404()
    expect(r.status).toBe('partial')
    expect([r.moved, r.deprecated]).toEqual([true, false])
    expect(r.error).not.toBeInstanceOf(CapabilityError)
    expect(r.error?.message).toMatch(/answered 404 to a write on .*: a wrong or expired token often shows up this way/)
    expect(r.error?.message).toMatch(/npm-token has write access to the package/)
    expect(r.warnings.join('\n')).not.toMatch(/cannot deprecate/)
    // sent once (a 404 is not retried); the channel moved
    expect(puts).toEqual([`PUT /-/package/${pkg}/dist-tags/latest `, `PUT /${pkg} respond`])
    expect(after).toEqual({ distTags: { latest: '1.2.2' }, deprecated: null })
  })

  it('on Artifactory (named by its headers), known to answer 404 where it cannot deprecate: skipped and said (deprecated=false), not a failure', async () => {
    const { r, pkg, puts, warnings, after, where } = await run404({ 'x-jfrog-version': 'Artifactory/7.90.10 79010900' })
    expect(r.status).toBe('completed')
    expect([r.moved, r.deprecated]).toEqual([true, false])
    expect(r.error).toBeUndefined()
    expect(warnings).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^1\\.2\\.3 was NOT deprecated \\(deprecated=false\\): Artifactory at ${where} cannot deprecate ${pkg}: it answered 404`,
        ),
      ),
    )
    expect(puts.at(-1)).toBe(`PUT /${pkg} respond`)
    expect(after).toEqual({ distTags: { latest: '1.2.2' }, deprecated: null })
  })
})

describe('Artifactory remote repository: 404 to dist-tag writes', () => {
  it("the preflight's harmless dist-tag is refused: fails before the channel is touched, naming Artifactory and the local repository to use", async () => {
    const p = await flavour('artifactory-remote')
    const pkg = await freshPackage()
    const before = await state(pkg)
    const e = await run(p, pkg).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(CapabilityError)
    expect((e as Error).message).toMatch(
      new RegExp(
        `^Artifactory at ${host(p)} answers 404 to dist-tag writes, as an Artifactory remote \\(proxy\\) repository does: dist-tags can only be moved on a local repository: it answered 404 .* Fix: set the registry input to the local repository the package is published to`,
      ),
    )
    expect(writes(p)).toEqual([`PUT /-/package/${pkg}/dist-tags/${DRILL_TAG} 404`])
    expect(await state(pkg)).toEqual(before)
  })
})

describe('GitHub Packages: 405 on the dist-tag endpoints', () => {
  it('fails before the channel is touched, naming GitHub Packages and what it lacks', async () => {
    const p = await flavour('github-packages')
    const pkg = await freshPackage()
    const before = await state(pkg)
    const e = await run(p, pkg).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(CapabilityError)
    expect((e as Error).message).toMatch(
      new RegExp(
        `^GitHub Packages at ${host(p)} cannot move dist-tags: it answered 405 .*to PUT /-/package/${pkg}/dist-tags/… , which npm dist-tag uses\\. Fix: move the channel by publishing \\(strategy: republish\\)`,
      ),
    )
    expect(writes(p)).toEqual([`PUT /-/package/${pkg}/dist-tags/${DRILL_TAG} 405`])
    expect(await state(pkg)).toEqual(before)
  })

  it('unnamed, a 405 to the move itself stops the rollback with the same words: one write, not retried, nothing changed', async () => {
    const p = await flavour('github-packages', false)
    const pkg = await freshPackage()
    const before = await state(pkg)
    const e = await run(p, pkg).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(CapabilityError)
    expect((e as Error).message).toMatch(
      new RegExp(`^the registry at ${host(p)} cannot move dist-tags: it answered 405 `),
    )
    expect(writes(p)).toEqual([`PUT /-/package/${pkg}/dist-tags/latest 405`])
    expect(await state(pkg)).toEqual(before)
  })
})

describe('the drill names the gaps', () => {
  const gi = {
    labels: ['rollback'],
    assignees: [],
    commitReport: false,
    createIssue: false,
    reportDir: 'incidents',
  } as unknown as GitHubInputs
  async function drill(p: Proxy, pkg: string) {
    const get = (values: Record<string, string>) => (n: string) => values[n] ?? ''
    const inputs = readInputs(
      get({ drill: 'true', 'rollback-version': 'current', package: pkg, registry: p.url, 'npm-token': registry.token }),
      {},
    )
    const target = new NpmTarget({
      packageName: pkg,
      registry: p.url,
      token: registry.token,
      log: quiet,
      retry: { attempts: 2, baseDelayMs: 5, maxDelayMs: 10, deadlineMs: 2000 },
    })
    return runDrill(
      inputs,
      gi,
      [{ kind: 'npm', name: pkg, channel: 'latest', target }],
      undefined,
      { repository: 'acme/widget', serverUrl: 'https://github.com' },
      quiet,
    )
  }

  it('Artifactory remote: the write check fails, naming the registry input and Artifactory', async () => {
    const p = await flavour('artifactory-remote')
    const pkg = await freshPackage()
    const r = await drill(p, pkg)
    expect(r.status).toBe('drill-failed')
    expect(r.checks.find((c) => c.check === 'write')).toMatchObject({
      outcome: 'failed',
      input: 'registry',
      detail: expect.stringMatching(/^Artifactory at .* answers 404 to dist-tag writes/),
    })
    expect(r.broken).toEqual([expect.stringMatching(/^npm:flavour-widget-\d+: write \(registry\): Artifactory at /)])
  })

  it('Nexus 3: the write check fails for latest, saying Nexus moves it only on publish', async () => {
    const p = await flavour('nexus3')
    const pkg = await freshPackage()
    const r = await drill(p, pkg)
    expect(r.checks.find((c) => c.check === 'write')).toMatchObject({
      outcome: 'failed',
      input: 'registry',
      detail: expect.stringContaining(`Nexus Repository 3 at ${host(p)} cannot move the dist-tag 'latest'`),
    })
    expect(writes(p)).toEqual([])
  })

  it('Nexus 2: the drill passes (the channel would move) and warns that the rollback could not deprecate', async () => {
    const p = await flavour('nexus2')
    const pkg = await freshPackage()
    const r = await drill(p, pkg)
    expect(r.status).toBe('drill-passed')
    expect(r.warnings).toEqual([
      `npm:${pkg}: Nexus Repository 2 at ${host(p)} has no deprecate (npm deprecate is not supported): a rollback would move 'latest' but could not deprecate the bad version (deprecated=false).`,
    ])
    expect(writes(p)).toEqual([
      `PUT /-/package/${pkg}/dist-tags/${DRILL_TAG} 201`,
      `DELETE /-/package/${pkg}/dist-tags/${DRILL_TAG} 201`,
    ])
  })
})

describe('the built action', () => {
  const env = (github: { url: string }) => ({
    GITHUB_API_URL: github.url,
    GITHUB_REPOSITORY: 'acme/widget',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: '31',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_ACTOR: 'octocat',
    GITHUB_EVENT_NAME: 'workflow_dispatch',
  })
  const inputs = (p: Proxy, pkg: string) => ({
    'rollback-version': '1.2.3',
    'restore-version': '1.2.2',
    reason: 'broken',
    package: pkg,
    registry: p.url,
    'npm-token': registry.token,
    'github-token': 'ghs_flavour-token',
  })

  it('Nexus 2: moved=true, deprecated=false, status completed; the summary, the issue and the report say the deprecation was NOT done and why', async () => {
    const p = await flavour('nexus2')
    const pkg = await freshPackage()
    const github = await startGitHubStandin({ token: 'ghs_flavour-token' })
    try {
      const run = await runAction(inputs(p, pkg), { env: env(github) })
      expect(run.stderr).toBe('')
      expect(run.code).toBe(0)
      expect(run.outputs).toMatchObject({
        status: 'completed',
        moved: 'true',
        deprecated: 'false',
        'restored-version': '1.2.2',
      })
      const why = `Nexus Repository 2 at ${host(p)} has no deprecate (npm deprecate is not supported)`
      const warning = `1.2.3 was NOT deprecated (deprecated=false): ${why}. 'latest' was moved to 1.2.2, which protects new installs`
      expect(run.summary).toContain('### Warnings')
      expect(run.summary).toContain(warning)
      expect(run.stdout).toContain(`::warning::${warning}`)
      const body = github.state.issues[0].body ?? ''
      expect(body).toContain(`is NOT deprecated: ${why}`)
      expect(body).toContain(warning)
      expect(body).not.toMatch(/`1\.2\.3` is deprecated/)
      const report =
        Object.entries(github.state.files.main).find(([path]) => path.startsWith('incidents/'))?.[1].content ?? ''
      expect(report).toContain(`Deprecation of \`1.2.3\`: NOT done: ${why}.`)
      expect(github.violations).toEqual([])
      expect(await state(pkg)).toEqual({ distTags: { latest: '1.2.2' }, deprecated: null })
    } finally {
      await github.stop()
    }
  })

  it('GitHub Packages: fails before any write with the message naming it; nothing changed on the registry', async () => {
    const p = await flavour('github-packages')
    const pkg = await freshPackage()
    const before = await state(pkg)
    const github = await startGitHubStandin({ token: 'ghs_flavour-token' })
    try {
      const run = await runAction(inputs(p, pkg), { env: env(github) })
      expect(run.code).toBe(1)
      expect(run.outputs.moved).toBe('false')
      expect(run.outputs.deprecated).toBe('false')
      expect(run.stdout).toMatch(
        new RegExp(
          `::error::GitHub Packages at ${host(p).replace(/\./g, '\\.')} cannot move dist-tags: it answered 405 `,
        ),
      )
      expect(writes(p)).toEqual([`PUT /-/package/${pkg}/dist-tags/${DRILL_TAG} 405`])
      expect(await state(pkg)).toEqual(before)
    } finally {
      await github.stop()
    }
  })
})
