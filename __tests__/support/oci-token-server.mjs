// A small Docker token server (the Bearer flow of the distribution token spec) in the test
// process, on node:http. The real docker-registry trusts it: it signs RS256 JWTs with a
// key whose self-signed certificate (made with openssl: Node cannot write certificates) is
// the registry's rootcertbundle, and names that certificate in the JWT's x5c header.
// It records every request so a test can assert who received credentials.
import { execFileSync } from 'node:child_process'
import { createPrivateKey, createSign, randomUUID, X509Certificate } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:http'
import { lookup } from 'node:dns/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { onPath } from './docker-registry.mjs'
import { freePort } from './verdaccio.mjs'

/**
 * @typedef {{ host: string, path: string, authorization?: string, user?: string,
 *   service?: string, scope: string[], status: number }} TokenRequest
 */

/** @param {string | Buffer} s */
const b64url = (s) => Buffer.from(s).toString('base64url')

/**
 * @param {{ users: Record<string, string>, readOnly?: string[], service?: string,
 *   issuer?: string, anonymousPull?: boolean }} options users (name: password) get pull and
 *   push on every repository, those in readOnly pull only; anonymous requests get nothing
 *   (or pull with anonymousPull)
 */
export async function startTokenServer(options) {
  if (!onPath('openssl'))
    throw new Error('the token server needs openssl to make its signing certificate (apt-get install openssl).')
  const service = options.service ?? 'rr-test-registry'
  const issuer = options.issuer ?? 'rr-test-token-issuer'
  const dir = mkdtempSync(join(tmpdir(), 'rr-token-server-'))
  const keyPath = join(dir, 'key.pem')
  const certPath = join(dir, 'cert.pem')
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      keyPath,
      '-out',
      certPath,
      '-days',
      '2',
      '-subj',
      '/CN=rr-test-token-issuer',
    ],
    { stdio: 'ignore' },
  )
  const key = createPrivateKey(readFileSync(keyPath))
  const certDer = new X509Certificate(readFileSync(certPath)).raw.toString('base64')

  /** @type {TokenRequest[]} */
  const seen = []

  /** @param {string} sub @param {{ type: string, name: string, actions: string[] }[]} access */
  function sign(sub, access) {
    const now = Math.floor(Date.now() / 1000)
    const header = { typ: 'JWT', alg: 'RS256', x5c: [certDer] }
    const claims = {
      iss: issuer,
      sub,
      aud: service,
      exp: now + 300,
      nbf: now - 10,
      iat: now,
      jti: randomUUID(),
      access,
    }
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`
    const signature = createSign('RSA-SHA256').update(input).sign(key)
    return `${input}.${b64url(signature)}`
  }

  const handler = /** @type {import('node:http').RequestListener} */ (req, res) => {
    const url = new URL(req.url ?? '/', 'http://token.invalid')
    const authorization = req.headers.authorization
    const scope = url.searchParams
      .getAll('scope')
      .flatMap((s) => s.split(' '))
      .filter(Boolean)
    /** @type {TokenRequest} */
    const record = {
      host: req.headers.host ?? '',
      path: url.pathname,
      authorization,
      service: url.searchParams.get('service') ?? undefined,
      scope,
      status: 200,
    }
    seen.push(record)
    const answer = (/** @type {number} */ status, /** @type {unknown} */ body) => {
      record.status = status
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(body))
    }
    if (url.pathname !== '/token') return answer(404, { errors: [{ code: 'NOT_FOUND' }] })
    let user
    if (authorization) {
      const m = /^Basic (.+)$/i.exec(authorization)
      const decoded = m ? Buffer.from(m[1], 'base64').toString('utf8') : ''
      const i = decoded.indexOf(':')
      const [name, password] = i < 0 ? ['', ''] : [decoded.slice(0, i), decoded.slice(i + 1)]
      if (!m || options.users[name] === undefined || options.users[name] !== password) {
        return answer(401, { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] })
      }
      user = name
      record.user = name
    }
    /** @type {{ type: string, name: string, actions: string[] }[]} */
    const access = []
    for (const s of scope) {
      const parts = s.split(':')
      if (parts.length < 3 || parts[0] !== 'repository') continue
      const actions = parts[parts.length - 1].split(',')
      const name = parts.slice(1, -1).join(':')
      const allowed = user
        ? options.readOnly?.includes(user)
          ? ['pull']
          : ['pull', 'push']
        : options.anonymousPull
          ? ['pull']
          : []
      const granted = actions.filter((a) => allowed.includes(a))
      if (granted.length > 0) access.push({ type: 'repository', name, actions: granted })
    }
    const token = sign(user ?? '', access)
    answer(200, { token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() })
  }

  const port = await freePort()
  // 127.0.0.1, plus ::1 when `localhost` resolves to it (so http://localhost:PORT reaches it)
  const addresses = ['127.0.0.1']
  try {
    for (const a of await lookup('localhost', { all: true })) if (a.address === '::1') addresses.push('::1')
  } catch {
    // no resolver: 127.0.0.1 only
  }
  /** @type {import('node:http').Server[]} */
  const servers = []
  for (const address of addresses) {
    const server = createServer(handler)
    try {
      await new Promise((resolve, reject) => {
        server.once('error', reject)
        server.listen(port, address, () => resolve(undefined))
      })
      servers.push(server)
    } catch (e) {
      if (address === '127.0.0.1') throw e
    }
  }

  return {
    port,
    service,
    issuer,
    certPath,
    seen,
    /** @param {string} host e.g. `127.0.0.1` or `localhost` */
    realm: (host) => `http://${host}:${port}/token`,
    async stop() {
      await Promise.all(
        servers.map(
          (s) =>
            new Promise((resolve) => {
              s.closeAllConnections()
              s.close(() => resolve(undefined))
            }),
        ),
      )
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
