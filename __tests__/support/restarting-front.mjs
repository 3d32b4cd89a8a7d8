// An HTTP front on 127.0.0.1 for a real server (Verdaccio, Debian's docker-registry) that
// can go away and come back on the same port, as a registry restarting does: down() closes
// its port and cuts every connection (a new connection is then refused, ECONNREFUSED), up()
// listens on the same port again. `downAfter(method, path)` picks the request after whose
// answer it goes down by itself (once). Every request is forwarded as it is; `seen` records
// them (method and path).
import { createServer } from 'node:http'
import { freePort } from './verdaccio.mjs'

/**
 * @param {string} upstream base URL of the real server
 * @param {(method: string, path: string) => boolean} [downAfter]
 */
export async function startRestartingFront(upstream, downAfter = () => false) {
  const port = await freePort()
  const base = new URL(upstream)
  /** @type {string[]} */
  const seen = []
  let tripped = false
  /** @type {import('node:http').Server | undefined} */
  let server

  /** @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res */
  async function handle(req, res) {
    const chunks = []
    for await (const c of req) chunks.push(c)
    const method = req.method ?? 'GET'
    const path = req.url ?? '/'
    seen.push(`${method} ${path}`)
    const answer = await fetch(new URL(path, base), {
      method,
      headers: /** @type {Record<string, string>} */ ({ ...req.headers, host: base.host }),
      body: method === 'GET' || method === 'HEAD' ? undefined : Buffer.concat(chunks),
      redirect: 'manual',
    })
    const body = Buffer.from(await answer.arrayBuffer())
    /** @type {Record<string, string>} */
    const headers = {}
    answer.headers.forEach((v, k) => {
      if (!['content-encoding', 'transfer-encoding', 'connection'].includes(k)) headers[k] = v
    })
    if (method !== 'HEAD') headers['content-length'] = String(body.length)
    if (!tripped && downAfter(method, path)) {
      tripped = true
      res.on('finish', () => void front.down())
    }
    res.writeHead(answer.status, headers)
    res.end(body)
  }

  const front = {
    url: `http://127.0.0.1:${port}/`,
    host: `127.0.0.1:${port}`,
    seen,
    downs: 0,
    ups: 0,
    get isUp() {
      return server !== undefined
    },
    async up() {
      if (server) return
      const s = createServer((req, res) => {
        handle(req, res).catch(() => res.destroy())
      })
      server = s
      front.ups++
      await new Promise((resolve) => s.listen(port, '127.0.0.1', () => resolve(undefined)))
    },
    async down() {
      const s = server
      if (!s) return
      server = undefined
      front.downs++
      await new Promise((resolve) => {
        s.close(() => resolve(undefined))
        s.closeAllConnections()
      })
    },
  }
  await front.up()
  return front
}
