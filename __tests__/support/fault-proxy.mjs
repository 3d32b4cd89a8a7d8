// A fault-injecting HTTP proxy on 127.0.0.1 between the code under test and a real
// server (Verdaccio, the GitHub stand-in). Rules fire on matching requests:
//   respond:    answer without forwarding (the server never sees the request)
//   after:      forward, let the server apply it, then answer with this status instead
//   drop-after: forward, let the server apply it, then cut the connection
//   hang:       never answer (the client's timeout must fire)
//   crash-after: forward, let the server apply it, then call rule.then() (the test kills
//               the client there: a crash right after this step took effect) and hang
//   before:     run rule.then() (the world changes: another publisher acts), then forward
// A rule with `when(seen)` matches only once that returns true (say, after some other request).
// Any rule may also carry `before` (awaited first, whatever the action): the moment
// between the request leaving the client and the server seeing it.
// `latencyMs` (startFaultProxy's option) delays every answer: injected network latency.
// `rewriteOrigin` (option) replaces the upstream's origin with the proxy's in JSON answers,
// so the URLs a registry names (a packument's dist.tarball) lead back through the proxy.
// `headers` (option) are added to every answer passed through: a front that names itself
// (Server: Nexus/3.x, X-JFrog-Version), so the client takes the registry for that software.
import { createServer } from 'node:http'
import { freePort } from './verdaccio.mjs'

/**
 * @typedef {{ method?: string, path: RegExp, action: 'respond' | 'after' | 'drop-after' | 'hang' | 'crash-after' | 'before', then?: () => unknown, before?: () => unknown, when?: (seen: Seen[]) => boolean,
 *   status?: number, headers?: Record<string, string>, body?: string, times?: number }} Rule
 * @typedef {{ method: string, path: string, at: number, end?: number, fault?: string }} Seen
 */

/**
 * @param {string} upstream base URL of the real server
 * @param {{ latencyMs?: number, rewriteOrigin?: boolean, headers?: Record<string, string> }} [options]
 */
export async function startFaultProxy(upstream, options = {}) {
  /** @type {Rule[]} */
  const rules = []
  /** @type {Seen[]} */
  const seen = []
  /** @type {Set<import('node:net').Socket>} */
  const sockets = new Set()
  const port = await freePort()
  const base = new URL(upstream)

  const server = createServer(async (req, res) => {
    const chunks = []
    for await (const c of req) chunks.push(c)
    const body = Buffer.concat(chunks)
    const method = req.method ?? 'GET'
    const path = req.url ?? '/'
    const rule = rules.find(
      (r) => (r.method ?? method) === method && r.path.test(path) && (r.times ?? 1) > 0 && (r.when?.(seen) ?? true),
    )
    if (rule) rule.times = (rule.times ?? 1) - 1
    /** @type {Seen} */
    const entry = { method, path, at: Date.now(), fault: rule?.action }
    seen.push(entry)
    res.on('finish', () => {
      entry.end = Date.now()
    })
    if (options.latencyMs) await new Promise((r) => setTimeout(r, options.latencyMs))
    if (rule?.before) await rule.before()
    if (rule?.action === 'before') await rule.then?.()

    if (rule?.action === 'hang') return // the socket stays open until stop()
    if (rule?.action === 'respond') {
      res.writeHead(rule.status ?? 500, { 'content-type': 'application/json', ...rule.headers })
      res.end(rule.body ?? JSON.stringify({ error: `injected ${rule.status}` }))
      return
    }
    const headers = { ...req.headers, host: base.host }
    const upstreamRes = await fetch(new URL(path, base), {
      method,
      headers: /** @type {Record<string, string>} */ (headers),
      body: method === 'GET' || method === 'HEAD' ? undefined : body,
      redirect: 'manual',
    })
    let upstreamBody = Buffer.from(await upstreamRes.arrayBuffer())
    if (options.rewriteOrigin && /json/.test(upstreamRes.headers.get('content-type') ?? '')) {
      upstreamBody = Buffer.from(upstreamBody.toString('utf8').split(base.origin).join(`http://127.0.0.1:${port}`))
    }
    if (rule?.action === 'crash-after') {
      rule.then?.()
      return // never answered: the client is gone
    }
    if (rule?.action === 'drop-after') {
      req.socket.destroy()
      return
    }
    if (rule?.action === 'after') {
      res.writeHead(rule.status ?? 500, { 'content-type': 'application/json', ...rule.headers })
      res.end(rule.body ?? JSON.stringify({ error: `injected ${rule.status}` }))
      return
    }
    const out = {}
    upstreamRes.headers.forEach((v, k) => {
      if (!['content-encoding', 'content-length', 'transfer-encoding', 'connection'].includes(k)) out[k] = v
    })
    res.writeHead(upstreamRes.status, { ...out, ...options.headers })
    res.end(upstreamBody)
  })
  server.on('connection', (s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(undefined)))

  return {
    url: `http://127.0.0.1:${port}/`,
    seen,
    /** @param {Rule} rule */
    inject(rule) {
      rules.push({ times: 1, ...rule })
    },
    clear() {
      rules.length = 0
      seen.length = 0
    },
    async stop() {
      for (const s of sockets) s.destroy()
      await new Promise((resolve) => server.close(() => resolve(undefined)))
    },
  }
}
