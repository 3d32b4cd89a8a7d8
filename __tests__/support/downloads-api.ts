// A stand-in for npm's public downloads API on 127.0.0.1: answers
// GET /versions/<escaped name>/last-week with the counts it is given, and records every
// request (path and headers) so a test can see what was asked and that no token went out.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface DownloadsApi {
  url: string
  requests: Array<{ path: string; headers: IncomingHttpHeaders }>
  /** per package name: its per-version counts; a name not here gets 404 */
  counts: Record<string, Record<string, number>>
  /** what the next requests get instead: a status, a raw body, or no answer at all */
  mode: 'counts' | 'hang' | 'garbage' | 500
  stop: () => Promise<void>
}

export async function startDownloadsApi(counts: Record<string, Record<string, number>> = {}): Promise<DownloadsApi> {
  const held: ServerResponse[] = []
  const api: DownloadsApi = { url: '', requests: [], counts, mode: 'counts', stop: async () => {} }
  const server = createServer((req, res) => {
    api.requests.push({ path: req.url ?? '', headers: req.headers })
    if (api.mode === 'hang') return void held.push(res)
    if (api.mode === 500) return void res.writeHead(500).end('oops')
    if (api.mode === 'garbage')
      return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"downloads": [1, 2')
    const m = /^\/versions\/(.+)\/last-week$/.exec(req.url ?? '')
    const name = m ? decodeURIComponent(m[1]) : undefined
    const found = name !== undefined ? api.counts[name] : undefined
    if (!found)
      return void res
        .writeHead(404, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: `package ${name} not found` }))
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ package: name, downloads: found }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  api.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
  api.stop = () =>
    new Promise<void>((resolve) => {
      for (const res of held) res.destroy()
      server.closeAllConnections()
      server.close(() => resolve())
    })
  return api
}
