// GitHub Enterprise Server: the built action, run as a GHES runner runs it (GITHUB_SERVER_URL
// https://ghe.example.test, GITHUB_API_URL at the server's /api/v3), against the GitHub
// stand-in serving the API under /api/v3 only and naming the same server in its html_urls,
// a real Verdaccio and a local announce receiver. Every link in the issue, its comments,
// the report, the job summary, the outputs and the announcements leads to that server.
import { createServer, type Server } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { githubEndpoints } from '../../src/github/urls.js'
import { publishPackage } from '../support/fixtures.mjs'
import { startGitHubStandin } from '../support/github-standin.mjs'
import { runAction } from '../support/run-action.mjs'
import { freePort, startVerdaccio, type Registry } from '../support/verdaccio.mjs'

const SERVER = 'https://ghe.example.test'
let registry: Registry
beforeAll(async () => {
  registry = await startVerdaccio()
})
afterAll(async () => {
  await registry?.stop()
})

describe('githubEndpoints', () => {
  it('takes both from the runner; without GITHUB_API_URL a GHES server has its API at /api/v3, github.com at api.github.com', () => {
    expect(githubEndpoints({})).toEqual({ serverUrl: 'https://github.com', apiUrl: 'https://api.github.com' })
    expect(githubEndpoints({ GITHUB_SERVER_URL: `${SERVER}/` })).toEqual({
      serverUrl: SERVER,
      apiUrl: `${SERVER}/api/v3`,
    })
    expect(githubEndpoints({ GITHUB_SERVER_URL: SERVER, GITHUB_API_URL: 'https://api.ghe.example.test/' })).toEqual({
      serverUrl: SERVER,
      apiUrl: 'https://api.ghe.example.test',
    })
    expect(githubEndpoints({ GITHUB_SERVER_URL: '', GITHUB_API_URL: '' })).toEqual({
      serverUrl: 'https://github.com',
      apiUrl: 'https://api.github.com',
    })
  })
})

/** Every http(s) URL in a text (Markdown link targets, bare URLs, JSON strings). */
const urlsIn = (text: string) => [...text.matchAll(/https?:\/\/[^\s)"'<>\]|\\]+/g)].map((m) => m[0])

async function startReceiver(): Promise<{ url: string; bodies: unknown[]; close: () => Promise<void> }> {
  const port = await freePort()
  const bodies: unknown[] = []
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')))
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end('{}')
  })
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()))
  return {
    url: `http://127.0.0.1:${port}/hook`,
    bodies,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

describe('the built action on a GitHub Enterprise Server', () => {
  it('builds every link from GITHUB_SERVER_URL and calls the API at GITHUB_API_URL only', async () => {
    const pkg = 'ghes-widget'
    await publishPackage(registry, pkg, ['1.2.1', '1.2.2', '1.2.3'])
    const github = await startGitHubStandin({ token: 'ghs_ghes-token', web: SERVER, apiPrefix: '/api/v3' })
    const hook = await startReceiver()
    try {
      const env = (runId: string) => ({
        GITHUB_SERVER_URL: SERVER,
        GITHUB_API_URL: github.url,
        GITHUB_REPOSITORY: 'acme/widget',
        GITHUB_RUN_ID: runId,
        GITHUB_RUN_ATTEMPT: '1',
        GITHUB_ACTOR: 'octocat',
        GITHUB_EVENT_NAME: 'workflow_dispatch',
      })
      expect(github.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v3$/)
      const inputs = {
        'rollback-version': '1.2.3',
        reason: 'broken on GHES',
        package: pkg,
        registry: registry.url,
        'npm-token': registry.token,
        'github-token': 'ghs_ghes-token',
        'announce-webhook': hook.url,
        'announce-format': 'json',
      }
      const first = await runAction(inputs, { env: env('61') })
      expect(first.stderr).toBe('')
      expect(first.code).toBe(0)
      expect(first.outputs.status).toBe('completed')
      // a second run (already done) comments on the issue with its own run link
      const second = await runAction(inputs, { env: env('62') })
      expect(second.outputs.status).toBe('already-done')

      expect(github.violations).toEqual([])
      expect(github.requests.length).toBeGreaterThan(0)
      expect(first.outputs['issue-url']).toBe(`${SERVER}/acme/widget/issues/1`)
      expect(first.outputs['report-url']).toMatch(
        new RegExp(`^${SERVER.replace(/\./g, '\\.')}/acme/widget/blob/main/incidents/`),
      )

      const issue = github.state.issues[0]
      const report =
        Object.entries(github.state.files.main).find(([path]) => path.startsWith('incidents/'))?.[1].content ?? ''
      const texts: Record<string, string> = {
        issue: issue.body ?? '',
        comments: issue.comments.map((c: { body: string }) => c.body).join('\n'),
        report,
        summary: first.summary + second.summary,
        outputs: JSON.stringify([first.outputs, second.outputs]),
        announcements: JSON.stringify(hook.bodies),
      }
      for (const [where, text] of Object.entries(texts)) {
        expect([where, text.length > 0]).toEqual([where, true])
        const github_com = urlsIn(text).filter((u) => /^https?:\/\/(api\.)?github\.com(\/|$)/.test(u))
        expect([where, github_com]).toEqual([where, []])
      }
      const run61 = `${SERVER}/acme/widget/actions/runs/61`
      const run62 = `${SERVER}/acme/widget/actions/runs/62`
      expect(urlsIn(texts.issue)).toEqual(expect.arrayContaining([run61, `${SERVER}/octocat`]))
      expect(urlsIn(texts.comments)).toContain(run62)
      expect(urlsIn(texts.report)).toEqual(expect.arrayContaining([run61, `${SERVER}/acme/widget/issues/1`]))
      expect(urlsIn(texts.summary)).toContain(`${SERVER}/acme/widget/issues/1`)
      expect(hook.bodies).toHaveLength(4)
      expect(hook.bodies[1]).toMatchObject({ runUrl: run61, issueUrl: `${SERVER}/acme/widget/issues/1` })
      expect(hook.bodies[3]).toMatchObject({ runUrl: run62 })
    } finally {
      await hook.close()
      await github.stop()
    }
  })
})
