// A proxy on 127.0.0.1 in front of Verdaccio that answers the way other npm registries do
// where they lack what a rollback needs (as their users report them; see
// /work/shared/reference/npm-registry.md "Other registries"), and names itself the way they
// do in every answer. Everything else is Verdaccio's own answer, passed through.
//
//   nexus3              Server: Nexus/3.x. Refuses to move or remove `latest` (400 "Unable
//                       to update latest tag", as NpmHostedFacetImpl.putDistTags throws);
//                       other dist-tags work.
//   nexus2              Server: Nexus/2.x. No deprecate: a document PUT that is not a publish
//                       (no _attachments) answers 405.
//   artifactory-remote  X-JFrog-Version / X-Artifactory-Id. A remote (proxy) repository:
//                       dist-tag writes answer 404.
//   github-packages     X-GitHub-Request-Id. Dist-tag endpoints answer 405 (every method).
//
// `identify: false` leaves the identity headers out (a reverse proxy that strips them), so
// only the answers to writes tell. `seen` records every request with the status answered
// and whether the proxy answered it itself (`refused`).
import { createServer } from 'node:http'
import { freePort } from './verdaccio.mjs'

/** @typedef {'nexus3' | 'nexus2' | 'artifactory-remote' | 'github-packages'} Flavour */
/** @typedef {{ method: string, path: string, status: number, refused: boolean }} Seen */

const IDENTITY = {
  nexus3: { server: 'Nexus/3.68.1-02 (OSS)' },
  nexus2: { server: 'Nexus/2.15.1-02' },
  'artifactory-remote': {
    'x-jfrog-version': 'Artifactory/7.90.10 79010900',
    'x-artifactory-id': '6f1b2c9a3e0d4f51a8c7',
  },
  'github-packages': { 'x-github-request-id': 'C0DE:1A2B:3C4D5E:6F7A8B:6746D1A0' },
}

const DIST_TAG = /^\/-\/package\/[^/]+\/dist-tags(\/[^/?]+)?(\?.*)?$/

/**
 * What the flavour answers itself, or undefined to pass the request to Verdaccio.
 * @param {Flavour} flavour @param {string} method @param {string} path @param {Buffer} body
 * @returns {{ status: number, body: unknown } | undefined}
 */
function refusal(flavour, method, path, body) {
  const tag = DIST_TAG.exec(path)
  if (flavour === 'nexus3' && tag && tag[1] === '/latest' && (method === 'PUT' || method === 'DELETE')) {
    return {
      status: 400,
      body: { success: false, error: method === 'PUT' ? 'Unable to update latest tag' : 'Unable to delete latest' },
    }
  }
  if (flavour === 'nexus2' && method === 'PUT' && !path.startsWith('/-/')) {
    let doc
    try {
      doc = JSON.parse(body.toString('utf8'))
    } catch {
      doc = undefined
    }
    const publishing = doc && typeof doc === 'object' && doc._attachments && Object.keys(doc._attachments).length > 0
    if (!publishing) return { status: 405, body: { error: 'Method Not Allowed' } }
  }
  if (flavour === 'artifactory-remote' && tag && (method === 'PUT' || method === 'DELETE')) {
    return { status: 404, body: { errors: [{ status: 404, message: 'Not Found' }] } }
  }
  if (flavour === 'github-packages' && tag) {
    return { status: 405, body: { error: 'Method Not Allowed' } }
  }
  return undefined
}

/**
 * @param {string} upstream Verdaccio's base URL
 * @param {Flavour} flavour
 * @param {{ identify?: boolean }} [options]
 */
export async function startRegistryFlavour(upstream, flavour, options = {}) {
  if (!(flavour in IDENTITY)) throw new TypeError(`unknown registry flavour ${flavour}`)
  const identity = options.identify === false ? {} : IDENTITY[flavour]
  /** @type {Seen[]} */
  const seen = []
  const port = await freePort()
  const base = new URL(upstream)
  const server = createServer(async (req, res) => {
    const chunks = []
    for await (const c of req) chunks.push(c)
    const body = Buffer.concat(chunks)
    const method = req.method ?? 'GET'
    const path = req.url ?? '/'
    const refused = refusal(flavour, method, path, body)
    if (refused) {
      seen.push({ method, path, status: refused.status, refused: true })
      res.writeHead(refused.status, { 'content-type': 'application/json', ...identity })
      res.end(JSON.stringify(refused.body))
      return
    }
    const up = await fetch(new URL(path, base), {
      method,
      headers: /** @type {Record<string, string>} */ ({ ...req.headers, host: base.host }),
      body: method === 'GET' || method === 'HEAD' ? undefined : body,
      redirect: 'manual',
    })
    const answer = Buffer.from(await up.arrayBuffer())
    /** @type {Record<string, string>} */
    const headers = {}
    up.headers.forEach((v, k) => {
      // Verdaccio's own marks go; the flavour's identity comes instead
      if (
        !['content-encoding', 'content-length', 'transfer-encoding', 'connection', 'x-powered-by', 'server'].includes(k)
      )
        headers[k] = v
    })
    seen.push({ method, path, status: up.status, refused: false })
    res.writeHead(up.status, { ...headers, ...identity })
    res.end(answer)
  })
  await new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(undefined)))
  return {
    url: `http://127.0.0.1:${port}/`,
    seen,
    async stop() {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(() => resolve(undefined)))
    },
  }
}
