// A rewriting HTTP proxy on 127.0.0.1 in front of a real registry (Verdaccio), for the
// republish tests. It listens on two ports, `url` (the "registry") and `otherUrl` (another
// host as npm sees it: host includes the port), and:
//   - rewrites the upstream origin in JSON answers, so the packument's dist.tarball URLs
//     point at `url` (tarballsOn('self')) or at `otherUrl` (tarballsOn('other'));
//   - lets a test replace an answer's body (tamper) — a mirror serving altered bytes;
//   - records every request with the listener it came in on and whether it carried an
//     Authorization header (never the header's value).
// Unlike fault-proxy.mjs it can change bodies; it leaves fault-proxy.mjs untouched.
import { createServer, request } from 'node:http'
import { freePort } from './verdaccio.mjs'

/**
 * @typedef {{ method: string, path: string, listener: 'self' | 'other', authorized: boolean }} SeenRequest
 * @typedef {{ method?: string, path: RegExp, body: (original: Buffer) => Buffer }} Tamper
 */

/** @param {string} upstream base URL of the real registry */
export async function startTarballProxy(upstream) {
  const base = new URL(upstream)
  const [port, otherPort] = [await freePort(), await freePort()]
  const self = `http://127.0.0.1:${port}`
  const other = `http://127.0.0.1:${otherPort}`
  /** @type {SeenRequest[]} */
  const seen = []
  /** @type {Tamper[]} */
  const tampers = []
  /** @type {'self' | 'other'} */
  let tarballs = 'self'
  /** @type {Set<import('node:net').Socket>} */
  const sockets = new Set()

  /** @param {'self' | 'other'} listener */
  const handler =
    (listener) =>
    async (
      /** @type {import('node:http').IncomingMessage} */ req,
      /** @type {import('node:http').ServerResponse} */ res,
    ) => {
      const chunks = []
      for await (const c of req) chunks.push(c)
      const body = Buffer.concat(chunks)
      const method = req.method ?? 'GET'
      const path = req.url ?? '/'
      seen.push({ method, path, listener, authorized: req.headers.authorization !== undefined })

      const headers = { ...req.headers, host: base.host, 'accept-encoding': 'identity' }
      delete headers['content-length']
      if (body.length > 0) headers['content-length'] = String(body.length)
      try {
        const upstreamRes = await new Promise((resolve, reject) => {
          const r = request({ hostname: base.hostname, port: base.port, method, path, headers }, resolve)
          r.on('error', reject)
          r.end(body)
        })
        const out = []
        for await (const c of /** @type {import('node:http').IncomingMessage} */ (upstreamRes)) out.push(c)
        let answer = Buffer.concat(out)
        const type = String(upstreamRes.headers['content-type'] ?? '')
        if (type.includes('json')) {
          answer = Buffer.from(answer.toString('utf8').replaceAll(base.origin, tarballs === 'other' ? other : self))
        }
        for (const t of tampers) if ((t.method ?? method) === method && t.path.test(path)) answer = t.body(answer)
        /** @type {Record<string, string | string[]>} */
        const resHeaders = {}
        for (const [k, v] of Object.entries(upstreamRes.headers)) {
          if (
            v !== undefined &&
            !['content-length', 'transfer-encoding', 'connection', 'content-encoding', 'etag'].includes(k)
          )
            resHeaders[k] = v
        }
        resHeaders['content-length'] = String(answer.length)
        res.writeHead(upstreamRes.statusCode ?? 502, resHeaders)
        res.end(answer)
      } catch (e) {
        res.writeHead(502, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ error: `proxy: ${e instanceof Error ? e.message : String(e)}` }))
      }
    }

  const servers = [createServer(handler('self')), createServer(handler('other'))]
  for (const s of servers) {
    s.on('connection', (c) => {
      sockets.add(c)
      c.on('close', () => sockets.delete(c))
    })
  }
  await Promise.all([
    new Promise((resolve) => servers[0].listen(port, '127.0.0.1', () => resolve(undefined))),
    new Promise((resolve) => servers[1].listen(otherPort, '127.0.0.1', () => resolve(undefined))),
  ])

  return {
    url: `${self}/`,
    otherUrl: `${other}/`,
    seen,
    /** @param {'self' | 'other'} where which listener the packument's tarball URLs name */
    tarballsOn(where) {
      tarballs = where
    },
    /** @param {Tamper} tamper */
    tamper(tamper) {
      tampers.push(tamper)
    },
    clear() {
      tampers.length = 0
      seen.length = 0
      tarballs = 'self'
    },
    async stop() {
      for (const s of sockets) s.destroy()
      await Promise.all(servers.map((s) => new Promise((resolve) => s.close(() => resolve(undefined)))))
    },
  }
}
