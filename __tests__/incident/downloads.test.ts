// The bad version's downloads (src/runbook/downloads.ts) against a local stand-in for
// npm's downloads API: the real fetch, over real HTTP on 127.0.0.1.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import type { IncidentResult } from '../../src/incident/run.js'
import { downloadsApiFor, escapedName, fetchVersionDownloads, NPM_DOWNLOADS_API } from '../../src/incident/downloads.js'
import { DEFAULT_RTO_TARGETS, impactStep } from '../../src/incident/impact.js'
import type { Target } from '../../src/core/target.js'
import { startDownloadsApi, type DownloadsApi } from '../support/downloads-api.js'

let api: DownloadsApi
beforeAll(async () => {
  api = await startDownloadsApi({ '@acme/widget': { '1.2.2': 980, '1.2.3': 42 }, 'acme-widget': { '1.2.3': 5 } })
})
afterAll(async () => {
  await api?.stop()
})
beforeEach(() => {
  api.mode = 'counts'
  api.requests.length = 0
})

describe('fetchVersionDownloads', () => {
  it('reads the per-version counts of a scoped package, and sends no token', async () => {
    expect(await fetchVersionDownloads(api.url, '@acme/widget')).toEqual({ '1.2.2': 980, '1.2.3': 42 })
    expect(api.requests.map((r) => r.path)).toEqual(['/versions/@acme%2Fwidget/last-week'])
    expect(api.requests[0].headers.authorization).toBeUndefined()
    expect(api.requests[0].headers.cookie).toBeUndefined()
  })

  it('an unknown package (404) gives nothing', async () => {
    expect(await fetchVersionDownloads(api.url, 'nobody-published-this')).toBeUndefined()
    expect(api.requests).toHaveLength(1)
  })

  it('an API that does not answer in time gives nothing', async () => {
    api.mode = 'hang'
    expect(await fetchVersionDownloads(api.url, 'acme-widget', 200)).toBeUndefined()
  })

  it('a server error or a body that is not the counts gives nothing', async () => {
    api.mode = 500
    expect(await fetchVersionDownloads(api.url, 'acme-widget')).toBeUndefined()
    api.mode = 'garbage'
    expect(await fetchVersionDownloads(api.url, 'acme-widget')).toBeUndefined()
  })

  it('nothing listening gives nothing', async () => {
    const gone = await startDownloadsApi()
    const url = gone.url
    await gone.stop()
    expect(await fetchVersionDownloads(url, 'acme-widget', 1000)).toBeUndefined()
  })
})

describe('which registry counts', () => {
  it('registry.npmjs.org only', () => {
    expect(downloadsApiFor('https://registry.npmjs.org/')).toBe(NPM_DOWNLOADS_API)
    expect(NPM_DOWNLOADS_API).toBe('https://api.npmjs.org/')
    for (const other of [
      'https://npm.pkg.github.com/',
      'http://127.0.0.1:4873/',
      'https://registry.npmjs.org.evil.example/',
      'https://registry.yarnpkg.com/',
      '',
      'not a url',
    ]) {
      expect(downloadsApiFor(other)).toBeUndefined()
    }
  })

  it('escapes a scoped name into one path segment', () => {
    expect(escapedName('@acme/widget')).toBe('@acme%2Fwidget')
    expect(escapedName('acme-widget')).toBe('acme-widget')
  })
})

/** A completed one-package result: latest moved from 1.2.3 to 1.2.2 a moment ago. */
function completed(name: string, kind: 'npm' | 'docker' = 'npm'): IncidentResult {
  const at = new Date().toISOString()
  return {
    status: 'completed',
    incidentId: 'rr-0123456789abcdef',
    rollbackVersion: '1.2.3',
    channel: 'latest',
    warnings: [],
    targets: [
      {
        kind,
        name,
        channel: 'latest',
        label: '',
        target: {} as Target,
        before: {
          name,
          distTags: { latest: '1.2.3' },
          versions: { '1.2.2': {}, '1.2.3': { publishedAt: new Date(Date.now() - 3_600_000).toISOString() } },
        },
        plan: {
          packageName: name,
          channel: 'latest',
          rollbackVersion: '1.2.3',
          restoreVersion: '1.2.2',
          restoreChosen: false,
          previousVersion: '1.2.3',
          tag: { kind: 'move', from: '1.2.3', to: '1.2.2' },
          deprecation: { kind: 'off' },
          otherTagsOnBad: [],
          warnings: [],
          incidentId: 'rr-0123456789abcdef',
        },
        moved: true,
        deprecated: false,
        republished: false,
        outcome: 'rolled-back',
        steps: [{ step: 'move-tag', outcome: 'done', detail: "'latest' -> 1.2.2", at }],
        warnings: [],
      },
    ],
  }
}

describe('the impact step', () => {
  const config = {
    startedAt: new Date(Date.now() - 60_000).toISOString(),
    severity: 'high' as const,
    rtoTargets: DEFAULT_RTO_TARGETS,
  }

  it('stores the impact with the downloads from the API it is pointed at', async () => {
    const result = completed('@acme/widget')
    expect(await impactStep({ ...config, registry: 'http://127.0.0.1:4873/', downloadsApi: api.url })(result)).toEqual({
      missing: [],
      warnings: [],
    })
    expect(result.impact?.targets[0]).toMatchObject({ name: '@acme/widget', state: 'moved', downloads: 42 })
    expect(result.impact?.verdict).toBe('met')
  })

  it('asks nothing for a registry other than registry.npmjs.org', async () => {
    const result = completed('@acme/widget')
    await impactStep({ ...config, registry: 'https://npm.pkg.github.com/' })(result)
    expect(result.impact?.targets[0].state).toBe('moved')
    expect(result.impact?.targets[0].downloads).toBeUndefined()
    expect(api.requests).toHaveLength(0)
  })

  it('asks nothing for targets other than npm', async () => {
    const result = completed('ghcr.io/acme/app', 'docker')
    await impactStep({ ...config, registry: '', downloadsApi: api.url })(result)
    expect(result.impact?.targets[0].kind).toBe('docker')
    expect(api.requests).toHaveLength(0)
  })

  it('an API that hangs or fails is skipped: the impact is there without downloads, nothing is missing', async () => {
    for (const mode of ['hang', 500] as const) {
      api.mode = mode
      const result = completed('@acme/widget')
      expect(
        await impactStep({
          ...config,
          registry: 'https://registry.npmjs.org/',
          downloadsApi: api.url,
          downloadsTimeoutMs: 200,
        })(result),
      ).toEqual({ missing: [], warnings: [] })
      expect(result.impact?.targets[0].state).toBe('moved')
      expect(result.impact?.targets[0].downloads).toBeUndefined()
    }
  })

  it('a version the API has no count for gets none (npm counts lag by a day)', async () => {
    const result = completed('acme-widget')
    result.targets[0].plan = {
      ...(result.targets[0].plan as NonNullable<IncidentResult['targets'][0]['plan']>),
      rollbackVersion: '9.9.9',
    }
    await impactStep({ ...config, registry: '', downloadsApi: api.url })(result)
    expect(api.requests).toHaveLength(1)
    expect(result.impact?.targets[0].downloads).toBeUndefined()
  })
})
