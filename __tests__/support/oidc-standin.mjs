// Stand-ins for trusted publishing (OIDC), which cannot run here: the runner's ID token
// service and npm's token exchange. Both check every request against the contract npm's
// own client follows (npm/cli lib/utils/oidc.js; npm's registry API, exchangeOidcToken),
// and __tests__/oidc.test.ts runs the real npm CLI through them to prove it.
//
// - startIdTokenService(): the runner's ACTIONS_ID_TOKEN_REQUEST_URL. GET with the
//   runner's own query (api-version=2.0) plus `audience`, `authorization: Bearer
//   <ACTIONS_ID_TOKEN_REQUEST_TOKEN>` -> 200 { count, value: <JWT> }. The JWT carries
//   GitHub's claims (repository, workflow_ref, ...) and is signed (HS256) with a key only
//   this stand-in has, so the exchange can tell a real one from a made-up one.
// - startTrustedPublishing(registry, idp, { publishers }): an HTTP front for a real
//   Verdaccio. POST /-/npm/v1/oidc/token/exchange/package/<escaped name> with `Bearer <ID
//   token>` (audience npm:<host>, signature, expiry checked) -> 201 { token_type: 'oidc',
//   token, created, expires } when a trusted publisher of the package matches the token's
//   repository and workflow file; 404 { message: 'OIDC token exchange error - package not
//   found' } when none does (what npmjs answers), 401 for a bad ID token. The token it
//   issues is the npmjs front's 'oidc' kind (support/npmjs-front.mjs), scoped to that package,
//   with the publisher's permissions: on npmjs a trusted publisher's permissions are
//   `createPackage` and `createStagedPackage` only (npm CLI lib/trust-cmd.js; npm trust
//   --allow-publish / --allow-stage-publish), and the exchanged token may publish and
//   stage-publish and nothing else: no dist-tags, no deprecation (docs.npmjs.com/
//   trusted-publishers "Limitations"; npm/cli#8547 is the open request). There is no
//   "allowed actions" setting for dist-tags or deprecation on npmjs, so none is modelled: a
//   request carrying an exchanged token goes to the npmjs front, which answers it as npmjs
//   answers that token (a dist-tag or deprecation: 401). Every other request is forwarded to
//   Verdaccio as it is. Each request is recorded with the kind of credential it carried,
//   never the credential itself.
//   A publisher's `permissions` default to both; the old `actions` field is still read, for
//   the callers that pass it: 'publish' means createPackage, and 'dist-tags' / 'deprecate'
//   mean nothing (no such permission exists).
import { createHmac, randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import { startNpmjsFront } from './npmjs-front.mjs'
import { freePort } from './verdaccio.mjs'

const b64url = (/** @type {string | Buffer} */ s) => Buffer.from(s).toString('base64url')

/** @param {import('node:http').IncomingMessage} req */
async function bodyOf(req) {
  const chunks = []
  for await (const c of req) chunks.push(c)
  return Buffer.concat(chunks)
}

/** @param {import('node:http').ServerResponse} res @param {number} status @param {unknown} body */
function json(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}

/**
 * @param {{ claims?: Record<string, unknown>, status?: number }} [options] claims override GitHub's defaults; status answers every request with it
 */
export async function startIdTokenService(options = {}) {
  const key = randomBytes(32)
  const requestToken = `rt-${randomBytes(24).toString('hex')}`
  /** @type {string[]} */
  const violations = []
  /** @type {{ audience: string | null }[]} */
  const requests = []
  /** @type {string[]} */
  const issued = []
  const port = await freePort()
  const path = '/00000000-0000-0000-0000-000000000000/_apis/distributedtask/hubs/Actions/plans/1/jobs/2/idtoken'

  const server = createServer(async (req, res) => {
    await bodyOf(req)
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`)
    const audiences = url.searchParams.getAll('audience')
    requests.push({ audience: audiences[0] ?? null })
    const problems = []
    if (req.method !== 'GET') problems.push(`method ${req.method}, not GET`)
    if (url.pathname !== path) problems.push(`path ${url.pathname}`)
    if (url.searchParams.get('api-version') !== '2.0')
      problems.push("the runner's own query (api-version=2.0) was lost")
    if (audiences.length !== 1) problems.push(`${audiences.length} audience parameters`)
    if (problems.length) {
      violations.push(...problems)
      return json(res, 400, { message: problems.join('; ') })
    }
    if (req.headers.authorization !== `Bearer ${requestToken}`) return json(res, 401, { message: 'Unauthorized' })
    if (options.status) return json(res, options.status, { message: 'injected' })
    const now = Math.floor(Date.now() / 1000)
    const repository = 'acme/widgets'
    const claims = {
      jti: randomBytes(8).toString('hex'),
      sub: `repo:${repository}:ref:refs/heads/main`,
      aud: audiences[0],
      ref: 'refs/heads/main',
      repository,
      repository_owner: 'acme',
      repository_visibility: 'private',
      workflow_ref: `${repository}/.github/workflows/rollback.yml@refs/heads/main`,
      job_workflow_ref: `${repository}/.github/workflows/rollback.yml@refs/heads/main`,
      event_name: 'workflow_dispatch',
      runner_environment: 'github-hosted',
      iss: 'https://token.actions.githubusercontent.com',
      nbf: now - 5,
      iat: now,
      exp: now + 300,
      ...options.claims,
    }
    const unsigned = `${b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64url(JSON.stringify(claims))}`
    const jwt = `${unsigned}.${createHmac('sha256', key).update(unsigned).digest('base64url')}`
    issued.push(jwt)
    json(res, 200, { count: 1800, value: jwt })
  })
  await new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(undefined)))
  return {
    /** ACTIONS_ID_TOKEN_REQUEST_URL */
    url: `http://127.0.0.1:${port}${path}?api-version=2.0`,
    /** ACTIONS_ID_TOKEN_REQUEST_TOKEN */
    requestToken,
    requests,
    violations,
    /** every ID token handed out */
    issued,
    /** The claims of an ID token this service signed and that has not expired; undefined for any other. @param {string} jwt */
    verify(jwt) {
      const [h, p, sig] = jwt.split('.')
      if (!h || !p || !sig) return undefined
      const expected = createHmac('sha256', key).update(`${h}.${p}`).digest('base64url')
      if (sig !== expected) return undefined
      const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'))
      if (typeof claims.exp !== 'number' || claims.exp * 1000 < Date.now()) return undefined
      return /** @type {Record<string, unknown>} */ (claims)
    },
    stop: () =>
      new Promise((resolve) => {
        server.close(() => resolve(undefined))
        // keep-alive sockets of the callers would hold it open
        server.closeAllConnections()
      }),
  }
}

/**
 * @typedef {'publish' | 'dist-tags' | 'deprecate'} Action
 * @typedef {'createPackage' | 'createStagedPackage'} Permission
 * @typedef {{ repository: string, workflow: string, permissions?: Permission[], actions?: Action[] }} Publisher
 * @typedef {{ method: string, path: string, auth: string, status?: number }} Seen
 */

/** A publisher's permissions: its own, or read from the old `actions` ('publish' only means anything). @param {Publisher} p @returns {Permission[]} */
function permissionsOf(p) {
  if (p.permissions) return p.permissions
  if (p.actions) return p.actions.includes('publish') ? ['createPackage'] : []
  return ['createPackage', 'createStagedPackage']
}

/**
 * @param {{ url: string, token: string }} registry the real Verdaccio and its user's token
 * @param {Awaited<ReturnType<typeof startIdTokenService>>} idp
 * @param {{ publishers?: Record<string, Publisher>, ttlMs?: number, path?: string }} [options] path: serve the
 *   registry under this path (`/npm/`, as Artifactory or Nexus do): the registry URL has it, requests under it
 *   go to Verdaccio without it, and the exchange stays at the host root, where npm's CLI sends it
 */
export async function startTrustedPublishing(registry, idp, options = {}) {
  const publishers = options.publishers ?? {}
  const prefix = (options.path ?? '/').replace(/\/?$/, '/')
  const port = await freePort()
  const base = new URL(registry.url)
  const host = '127.0.0.1'
  // the npmjs front that answers every request carrying an exchanged token
  const npmjs = await startNpmjsFront({ upstream: registry.url, upstreamToken: registry.token })
  const npmjsBase = new URL(npmjs.url)
  /** @type {Map<string, { pkg: string, permissions: Permission[], expires: number }>} */
  const issued = new Map()
  /** @type {Seen[]} */
  const seen = []
  /** @type {string[]} */
  const violations = []

  const server = createServer(async (req, res) => {
    const body = await bodyOf(req)
    const method = req.method ?? 'GET'
    const url = req.url ?? '/'
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1]
    const grant = bearer ? issued.get(bearer) : undefined
    const auth = !bearer
      ? 'none'
      : grant
        ? `exchanged:${grant.pkg}`
        : idp.verify(bearer)
          ? 'id-token'
          : bearer === registry.token
            ? 'registry-user'
            : 'other'
    /** @type {Seen} */
    const entry = { method, path: url, auth }
    seen.push(entry)
    const answer = (/** @type {number} */ status, /** @type {unknown} */ b) => {
      entry.status = status
      json(res, status, b)
    }

    const exchange = /^\/-\/npm\/v1\/oidc\/token\/exchange\/package\/([^/?]+)$/.exec(url)
    if (exchange) {
      if (method !== 'POST') violations.push(`exchange with ${method}`)
      if (body.length > 0) violations.push('exchange with a body')
      const name = decodeURIComponent(exchange[1])
      if (exchange[1] !== name.replace('/', '%2f'))
        violations.push(`package name escaped as ${exchange[1]}, not as npm-package-arg does`)
      const claims = bearer ? idp.verify(bearer) : undefined
      if (!claims || claims.aud !== `npm:${host}`)
        return answer(401, { message: 'OIDC token exchange error - unauthorized' })
      const publisher = publishers[name]
      const workflow = String(claims.workflow_ref ?? '')
        .replace(/@.*$/, '')
        .split('/')
        .pop()
      if (!publisher || publisher.repository !== claims.repository || publisher.workflow !== workflow) {
        return answer(404, { message: 'OIDC token exchange error - package not found' })
      }
      const created = Date.now()
      const expires = created + (options.ttlMs ?? 3_600_000)
      const permissions = permissionsOf(publisher)
      const token = npmjs.token('oidc', { packages: [name], permissions, expires: new Date(expires).toISOString() })
      issued.set(token, { pkg: name, permissions, expires })
      return answer(201, {
        token_type: 'oidc',
        token,
        created: new Date(created).toISOString(),
        expires: new Date(expires).toISOString(),
      })
    }
    if (!url.startsWith(prefix)) return answer(404, { error: `not found: the registry is under ${prefix}` })
    // the registry's own path, as Verdaccio (at its root) knows it
    const path = url.slice(prefix.length - 1)
    entry.path = path
    if (/^\/-\/npm\/v1\/oidc\//.test(path))
      violations.push(`exchange at ${url}, under the registry's path: npm's CLI sends it to the host root`)
    // an ID token is for the exchange only
    if (auth === 'id-token') return answer(401, { error: 'an OIDC ID token is accepted by the token exchange only' })
    // an exchanged token: the npmjs front answers it as npmjs answers that token
    const target = grant ? npmjsBase : base
    /** @type {Record<string, string>} */
    const headers = /** @type {Record<string, string>} */ ({ ...req.headers, host: target.host })
    const upstream = await fetch(new URL(path, target), {
      method,
      headers,
      body: method === 'GET' || method === 'HEAD' ? undefined : body,
      redirect: 'manual',
    })
    let out = Buffer.from(await upstream.arrayBuffer())
    if (/json/.test(upstream.headers.get('content-type') ?? ''))
      out = Buffer.from(
        out
          .toString('utf8')
          .split(target.origin)
          .join(`http://${host}:${port}${prefix.slice(0, -1)}`),
      )
    /** @type {Record<string, string>} */
    const outHeaders = {}
    upstream.headers.forEach((v, k) => {
      if (!['content-encoding', 'content-length', 'transfer-encoding', 'connection'].includes(k)) outHeaders[k] = v
    })
    entry.status = upstream.status
    res.writeHead(upstream.status, outHeaders)
    res.end(out)
  })
  /** @type {Set<import('node:net').Socket>} */
  const sockets = new Set()
  server.on('connection', (s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise((resolve) => server.listen(port, host, () => resolve(undefined)))
  return {
    url: `http://${host}:${port}${prefix}`,
    seen,
    violations,
    /** the tokens this stand-in issued */
    tokens: () => [...issued.keys()],
    /** the npmjs front behind the exchanged tokens */
    npmjs,
    async stop() {
      await npmjs.close()
      for (const s of sockets) s.destroy()
      await new Promise((resolve) => server.close(() => resolve(undefined)))
    },
  }
}
