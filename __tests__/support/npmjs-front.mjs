// The npmjs test front: an HTTP proxy on 127.0.0.1 in front of a Verdaccio the test started
// (support/verdaccio.mjs), playing npmjs.com's 2025-2026 credential rules, each rule with its
// source beside it. Verdaccio has none of them. Contract: /work/brief/front-contract.md.
// Everything the front does not answer itself is forwarded to Verdaccio with Verdaccio's own
// token (`upstreamToken`); the client's token, its `npm-otp` and its web-approval tokens
// never go upstream. JSON answers name the front's origin, not Verdaccio's (tarball URLs).
//
// ADDITIONS to the contract (and departures from its wording, where the sources say otherwise):
// - Expired / revoked tokens (and tokens the front never minted): npmjs does NOT answer every
//   request with 401. Sources: `npm whoami` -> `401 Unauthorized - GET .../-/whoami`
//   (jfarmer08/wyze-api#49); reads of packages still succeed, with the header
//   `npm-notice: Access token expired or revoked. Please try logging in again.` (npm install
//   output in ruvnet/RuVector#57; npm-registry-fetch check-response.js logs `npm-notice`);
//   a write answers `404 Not Found ... - Not found` (CrestApps/CrestApps.Core#189,
//   cloudfour/cloudfour.com-patterns#2452: "npm reports an invalid or expired credential as a
//   404"). So: whoami, token listing, collaborators and stage reads 401; package reads served
//   as to an anonymous reader plus that npm-notice; writes 404. Expired and revoked answer
//   alike (the notice itself says "expired or revoked").
// - The write view: with `deprecationBug` on (the default), `GET /<name>?write=true` answers the
//   document WITHOUT any `deprecated` field, and the document PUT is refused 400 when it
//   carries no string `deprecated` for a version that is deprecated: that is npm/cli#9803's
//   mechanism (its author's follow-up comment, 2026-07-25: "GET /:package?write=true returns a
//   document that does not contain deprecated at all ... It rejects the resulting PUT with
//   400 deprecations must be strings rather than treating an absent deprecated as unchanged").
//   The full read (`GET /<name>` without write=true) keeps `deprecated`. So the workaround
//   the mechanism allows is: take the deprecations from the full read into the document PUT.
// - `front.now`: a Date (or ISO string) the front takes for "now" in its date rules (token
//   expiry, the January 2027 change for bypass tokens); undefined = the real clock. A token's
//   own `opts.now` wins for that token.
// - `front.packageSettings[name] = 'disallow-tokens'`: the package's "Require two-factor
//   authentication and disallow tokens" setting: a write by any token other than a session
//   token with 2FA is refused 403 (docs.npmjs.com/requiring-2fa-for-package-publishing-and-
//   settings-modification; the refusal's wording is modelled).
// - `front.collaborators`: GET /-/package/<name>/collaborators answers { <user>: 'read-write' }
//   for every user a token was minted for (libnpmaccess getCollaborators, `npm access list
//   collaborators`); `front.collaborators[name] = { user: 'read-only' }` overrides per package.
// - `front.requests[i].kind`: the kind of token the request carried ('none', a kind, or
//   'unknown'), never the token. `front.tokens()` lists every minted token (for no-leak checks).
// - `front.retryAfter` (seconds, default 1): the Retry-After of a pending doneUrl.
// - `front.token('oidc', { packages: [name], permissions })` is what oidc-standin.mjs's exchange
//   hands out (its exchanged tokens behave exactly as this kind).
// - Stage listing answers only versions still staged (approved or rejected ones are gone);
//   `front.staged` keeps every one with `approved` / `rejected`.
import { createHmac, randomBytes, randomUUID } from 'node:crypto'
import { createServer } from 'node:http'
import { freePort } from './verdaccio.mjs'

/**
 * @typedef {'session' | 'granular-bypass' | 'granular' | 'stage-only' | 'oidc' | 'expired' | 'revoked' | 'read-only'} Kind
 * @typedef {{ kind: Kind, user: string, packages?: string[], expires: number, revoked: boolean,
 *   permissions: string[], now?: number, created: number, key: string }} Grant
 * @typedef {{ authId: string, authUrl: string, doneUrl: string, approvedAt?: string, user: string,
 *   polls: number, skip2faMinutes?: number, otpToken?: string }} Approval
 * @typedef {{ stageId: string, name: string, version: string, tag: string, approved: boolean,
 *   rejected?: boolean, createdAt: string, actor: string, actorType: string, shasum?: string,
 *   doc: Record<string, any>, tarball?: Buffer }} Staged
 */

const DAY = 86_400_000
// Session tokens from `npm login` last two hours (github.blog changelog 2025-11-05, "Looking
// ahead: November 19, 2025"; npm/cli#8855 point 5).
const SESSION_MS = 2 * 3_600_000
// Write tokens default to 7 days (github.blog changelog 2025-09-29; npmjs-2026.md).
const WRITE_TOKEN_MS = 7 * DAY
// From January 2027 a bypass-2FA granular token may no longer publish directly, only stage
// (npm/documentation#2036: "will be removed in January 2027"; changelog 2026-09-18). The day
// is not given anywhere: modelled as 2027-01-01T00:00Z.
const DIRECT_PUBLISH_ENDS = Date.parse('2027-01-01T00:00:00Z')

const DEAD_NOTICE = 'Access token expired or revoked. Please try logging in again.' // ruvnet/RuVector#57

/** @param {import('node:http').IncomingMessage} req */
async function bodyOf(req) {
  const chunks = []
  for await (const c of req) chunks.push(c)
  return Buffer.concat(chunks)
}

/** @param {string} segment a path segment: `@scope%2fname`, `name` */
const unescapeName = (segment) => decodeURIComponent(segment)

/**
 * @param {{ upstream: string, upstreamToken: string, deprecationBug?: boolean, now?: Date | string }} options
 */
export async function startNpmjsFront(options) {
  const base = new URL(options.upstream)
  const port = await freePort()
  const origin = `http://127.0.0.1:${port}`
  /** @type {Map<string, Grant>} */
  const grants = new Map()
  /** @type {Approval[]} */
  const approvals = []
  /** web-approval tokens accepted as npm-otp: token -> { user, validUntil, single, used } */
  const otpTokens = new Map()
  /** @type {Staged[]} */
  const staged = []
  /** @type {{ method: string, path: string, headers: Record<string, string>, status: number, kind: string }[]} */
  const requests = []
  const totpKey = randomBytes(20)
  /** @type {Set<import('node:net').Socket>} */
  const sockets = new Set()

  const front = {
    url: `${origin}/`,
    approvals,
    staged,
    requests,
    autoApprove: 0,
    deprecationBug: options.deprecationBug ?? true,
    /** @type {Date | string | undefined} */
    now: options.now,
    retryAfter: 1,
    /** @type {Record<string, 'disallow-tokens' | undefined>} */
    packageSettings: {},
    /** @type {Record<string, Record<string, string>>} */
    collaborators: {},
    /**
     * A currently valid authenticator code. npm's two-factor codes are time-based, six digits,
     * a new one every 30 seconds (npm/registry docs/user/authentication.md); the front accepts
     * the current window and the one either side (the usual TOTP clock skew; not documented by npm).
     */
    get otp() {
      return totp(Math.floor(clock() / 30_000))
    },
    /**
     * @param {Kind} kind
     * @param {{ user?: string, packages?: string[], expires?: string, permissions?: string[], now?: string | Date }} [opts]
     */
    token(kind, opts = {}) {
      const known = ['session', 'granular-bypass', 'granular', 'stage-only', 'oidc', 'expired', 'revoked', 'read-only']
      if (!known.includes(kind)) throw new TypeError(`unknown token kind ${kind}`)
      const now = opts.now !== undefined ? new Date(opts.now).getTime() : undefined
      const t = now ?? clock()
      const life = kind === 'session' ? SESSION_MS : kind === 'oidc' ? 3_600_000 : WRITE_TOKEN_MS
      // an 'expired' token is past its expiry; any other kind given a past `expires` is too
      const expires = opts.expires !== undefined ? Date.parse(opts.expires) : kind === 'expired' ? t - DAY : t + life
      // npm's tokens start npm_ (github.blog changelog 2021-09-23, new token format); OIDC ones are the same shape
      const token = `npm_${randomBytes(18).toString('base64url')}`
      grants.set(token, {
        kind,
        user: opts.user ?? 'rr-maintainer',
        packages: opts.packages,
        expires,
        revoked: kind === 'revoked',
        // a trusted publisher's only permissions (npm CLI lib/trust-cmd.js PERMISSIONS; npm trust --allow-publish/--allow-stage-publish)
        permissions: opts.permissions ?? (kind === 'oidc' ? ['createPackage', 'createStagedPackage'] : []),
        now,
        created: t,
        key: randomUUID(),
      })
      return token
    },
    /** every token minted (for checks that none leaks) */
    tokens: () => [...grants.keys()],
    /**
     * A person approves the web page of `authId`. With skip2faMinutes the token the doneUrl hands
     * out passes 2FA again for that many minutes (npmjs's page offers "skip two-factor
     * authentication for the next 5 minutes": documented for bulk `npm trust`, unverified for
     * dist-tag and deprecate); without it, the token is good for one write (modelled).
     * @param {string} authId @param {{ skip2faMinutes?: number }} [o]
     */
    approve(authId, o = {}) {
      const a = approvals.find((x) => x.authId === authId)
      if (!a) throw new Error(`no web-auth request ${authId}`)
      if (a.approvedAt) return
      a.approvedAt = new Date(clock()).toISOString()
      a.skip2faMinutes = o.skip2faMinutes
      a.otpToken = `npm_otp_${randomBytes(16).toString('hex')}`
      otpTokens.set(a.otpToken, {
        user: a.user,
        single: !o.skip2faMinutes,
        used: false,
        validUntil: clock() + (o.skip2faMinutes ? o.skip2faMinutes * 60_000 : 5 * 60_000),
      })
    },
    /** A maintainer approves the staged version on npmjs.com: it becomes installable, its dist-tag applied. @param {string} stageId */
    async approveStage(stageId) {
      const s = staged.find((x) => x.stageId === stageId)
      if (!s) throw new Error(`no staged version ${stageId}`)
      const r = await promote(s)
      if (r.status >= 300) throw new Error(`promoting ${s.name}@${s.version}: ${r.status} ${JSON.stringify(r.body)}`)
    },
    async close() {
      for (const s of sockets) s.destroy()
      await new Promise((resolve) => server.close(() => resolve(undefined)))
    },
  }

  function clock() {
    return front.now !== undefined ? new Date(front.now).getTime() : Date.now()
  }

  /** @param {number} counter */
  function totp(counter) {
    const buf = Buffer.alloc(8)
    buf.writeBigUInt64BE(BigInt(counter))
    const h = createHmac('sha1', totpKey).update(buf).digest()
    const o = h[h.length - 1] & 0xf
    return String((h.readUInt32BE(o) & 0x7fffffff) % 1_000_000).padStart(6, '0')
  }

  /** Does `npm-otp` pass 2FA for this grant? A live authenticator code, or a web-approval token of the same user. */
  function otpPasses(/** @type {string | undefined} */ otp, /** @type {Grant} */ grant) {
    if (!otp) return false
    const w = Math.floor(clock() / 30_000)
    if (/^\d{6}$/.test(otp)) return [w - 1, w, w + 1].some((c) => totp(c) === otp)
    const t = otpTokens.get(otp)
    if (!t || t.user !== grant.user || t.validUntil < clock() || (t.single && t.used)) return false
    t.used = true
    return true
  }

  /** The grant's own clock (opts.now) or the front's. @param {Grant} g */
  const nowFor = (g) => g.now ?? clock()
  /** @param {Grant | undefined} g */
  const dead = (g) => !g || g.revoked || g.kind === 'expired' || g.kind === 'revoked' || g.expires <= nowFor(g)

  /**
   * The 2FA challenge (npm-registry-fetch check-response.js: 401 + `www-authenticate: OTP` is
   * EOTP; npm CLI lib/utils/auth.js otplease takes err.body.authUrl/doneUrl for the web flow).
   * With `npm-auth-type: web` (npm-registry-fetch index.js sends it from the auth-type setting,
   * default "web") the body names the approval page and the doneUrl to poll; otherwise the
   * legacy "one-time pass" error (check-response.js's heuristic /one-time pass/).
   * @param {Record<string, string | string[] | undefined>} headers @param {Grant} grant
   */
  function challenge(headers, grant) {
    if (headers['npm-auth-type'] === 'web') {
      const authId = randomUUID()
      const a = {
        authId,
        authUrl: `${origin}/auth/cli/${authId}`,
        doneUrl: `${origin}/-/v1/done?authId=${authId}`,
        user: grant.user,
        polls: 0,
      }
      approvals.push(a)
      return { status: 401, headers: { 'www-authenticate': 'OTP' }, body: { authUrl: a.authUrl, doneUrl: a.doneUrl } }
    }
    return {
      status: 401,
      headers: { 'www-authenticate': 'OTP' },
      // the words "one-time pass" are what clients key on (check-response.js); the rest is modelled
      body: { error: 'You must provide a one-time pass. Upgrade your client to npm@latest in order to use 2FA.' },
    }
  }

  /** The 401 an unusable credential gets where npmjs answers 401 (whoami: jfarmer08/wyze-api#49: no error text). */
  const unauthorized = () => ({ status: 401, headers: { 'npm-notice': DEAD_NOTICE }, body: {} })

  /**
   * May this grant make this write? undefined = yes, forward it; else the answer npmjs gives.
   * op: dist-tag | document | publish | unpublish | stage-publish | stage-approve | stage-reject
   * @param {Grant | undefined} grant @param {string} op @param {string | undefined} pkg
   * @param {Record<string, string | string[] | undefined>} headers
   */
  function authorizeWrite(grant, op, pkg, headers) {
    if (!grant) {
      // no credentials at all: the CLI stops before sending (ENEEDAUTH, publish.js); the registry's answer is modelled
      return { status: 401, headers: {}, body: { error: 'Unauthorized' } }
    }
    // expired / revoked: a write answers 404 (CrestApps/CrestApps.Core#189, cloudfour/cloudfour.com-patterns#2452)
    if (dead(grant)) return { status: 404, headers: { 'npm-notice': DEAD_NOTICE }, body: { error: 'Not found' } }
    const k = grant.kind
    // a read-only token: 403 "You may not perform that action with these credentials." (semantic-release/semantic-release#3186)
    if (k === 'read-only')
      return { status: 403, headers: {}, body: { error: 'You may not perform that action with these credentials.' } }
    // a token limited to some packages (granular "Packages and scopes"; docs creating-and-viewing-access-tokens):
    // the 403 npmjs gives a user without write access (zeke/semantic-release-with-github-actions#14)
    if (pkg !== undefined && grant.packages && !grant.packages.includes(pkg))
      return {
        status: 403,
        headers: {},
        body: { error: `You do not have permission to publish "${pkg}". Are you logged in as the correct user?` },
      }
    if (k === 'oidc') {
      // the exchanged token may only publish and stage-publish: docs.npmjs.com/trusted-publishers
      // "Limitations"; permissions createPackage / createStagedPackage only (npm CLI lib/trust-cmd.js);
      // a dist-tag with it answers 401 (npm/cli#8547: "using the electron action and am still getting 401").
      // The 401's body, and the same answer to deprecation / unpublish, are modelled.
      if (op === 'publish') {
        if (grant.permissions.includes('createPackage')) return undefined
        if (grant.permissions.includes('createStagedPackage')) return stageRequired()
        return { status: 403, headers: {}, body: { error: 'This trusted publisher may not publish.' } }
      }
      if (op === 'stage-publish')
        return grant.permissions.includes('createStagedPackage')
          ? undefined
          : { status: 403, headers: {}, body: { error: 'This trusted publisher may not stage-publish.' } }
      // approval needs a person with 2FA; OIDC cannot approve (npm-stage docs; npmjs-2026.md)
      return { status: 401, headers: {}, body: {} }
    }
    // "Require two-factor authentication and disallow tokens": no token writes, a session with 2FA only
    // (docs requiring-2fa-for-package-publishing-and-settings-modification; the wording is modelled)
    if (pkg !== undefined && front.packageSettings[pkg] === 'disallow-tokens' && k !== 'session')
      return {
        status: 403,
        headers: {},
        body: {
          error: `${pkg} requires two-factor authentication and does not allow tokens: sign in with npm login and use 2FA.`,
        },
      }
    const otp = typeof headers['npm-otp'] === 'string' ? headers['npm-otp'] : undefined
    if (op === 'stage-publish') {
      // any token type may stage, and staging needs no 2FA: npm CLI lib/commands/publish.js
      // ("Stage intentionally bypasses otplease — 2FA is deferred to approve/reject"); docs npm-stage
      return undefined
    }
    if (op === 'stage-approve' || op === 'stage-reject') {
      // approval (and rejection) needs 2FA, which a bypass token does not skip (docs npm-stage;
      // npm CLI lib/commands/stage/approve.js and reject.js wrap the call in otplease)
      return otpPasses(otp, grant) ? undefined : challenge(headers, grant)
    }
    if (op === 'publish') {
      // a stage-only token: `npm publish` is rejected with E_STAGE_REQUIRED (npm/documentation#2036;
      // npm/cli#9948); bypass tokens lose direct publishing in January 2027 (see DIRECT_PUBLISH_ENDS)
      if (k === 'stage-only') return stageRequired()
      if (k === 'granular-bypass' && nowFor(grant) >= DIRECT_PUBLISH_ENDS) return stageRequired()
    }
    // bypass 2FA: granular tokens with "Bypass two-factor authentication" write without an OTP;
    // a stage-only token moves dist-tags and deprecates (changelog 2026-09-18; npmjs-2026.md table)
    if (k === 'granular-bypass' || k === 'stage-only') return undefined
    // session and granular-without-bypass: 2FA on every write ("auth-and-writes": npm/registry
    // docs/user/authentication.md; docs about-two-factor-authentication lists publish and deprecate;
    // docs npm-dist-tag: "--otp ... or a second factor flow")
    return otpPasses(otp, grant) ? undefined : challenge(headers, grant)
  }

  /**
   * E_STAGE_REQUIRED: "the publish is rejected with an E_STAGE_REQUIRED error telling you to run
   * npm stage publish and have the version approved" (npm/documentation#2036). The status (403)
   * and the exact text are modelled; npm-registry-fetch shows body.error (errors.js HttpErrorGeneral).
   */
  const stageRequired = () => ({
    status: 403,
    headers: {},
    body: {
      code: 'E_STAGE_REQUIRED',
      error:
        'E_STAGE_REQUIRED: this token may only stage new versions. Run `npm stage publish` and have the version approved (npm stage approve <stage-id>).',
    },
  })

  /**
   * Forward to Verdaccio with its own token (never the client's), the front's origin in JSON answers.
   * @param {string} method @param {string} path @param {Record<string, any>} headers @param {Buffer | undefined} body
   * @param {{ anonymous?: boolean }} [o]
   */
  async function forward(method, path, headers, body, o = {}) {
    /** @type {Record<string, string>} */
    const h = {}
    for (const [k, v] of Object.entries(headers)) {
      if (
        [
          'host',
          'authorization',
          'npm-otp',
          'content-length',
          'connection',
          'accept-encoding',
          'if-none-match',
          'if-modified-since',
        ].includes(k)
      )
        continue
      if (typeof v === 'string') h[k] = v
    }
    if (!o.anonymous) h.authorization = `Bearer ${options.upstreamToken}`
    const res = await fetch(new URL(path, base), {
      method,
      headers: h,
      body: method === 'GET' || method === 'HEAD' ? undefined : body,
      redirect: 'manual',
    })
    let out = Buffer.from(await res.arrayBuffer())
    const type = res.headers.get('content-type') ?? ''
    /** @type {Record<string, string>} */
    const outHeaders = {}
    res.headers.forEach((v, k) => {
      if (!['content-encoding', 'content-length', 'transfer-encoding', 'connection', 'etag'].includes(k))
        outHeaders[k] = v
    })
    if (/json/.test(type)) out = Buffer.from(out.toString('utf8').split(base.origin).join(origin))
    return { status: res.status, headers: outHeaders, raw: out, json: /json/.test(type) }
  }

  /** Verdaccio's current document of `name` (full, with deprecations), or undefined. @param {string} name */
  async function upstreamDoc(name) {
    const r = await forward('GET', `/${name.replace('/', '%2f')}`, { accept: 'application/json' }, undefined)
    return r.status === 200 ? JSON.parse(r.raw.toString('utf8')) : undefined
  }

  /** Publishes a staged version to Verdaccio: installable now, its staged dist-tag applied (docs npm-stage). @param {Staged} s */
  async function promote(s) {
    if (s.approved) return { status: 200, body: { message: 'already approved' } }
    const r = await forward(
      'PUT',
      `/${s.name.replace('/', '%2f')}`,
      { 'content-type': 'application/json' },
      Buffer.from(JSON.stringify(s.doc)),
    )
    if (r.status >= 300) return { status: r.status, body: r.json ? JSON.parse(r.raw.toString('utf8')) : {} }
    s.approved = true
    return { status: 200, body: { message: `${s.name}@${s.version} published` } }
  }

  /** @param {Staged} s */
  const stageItem = (s) => ({
    // the fields npm CLI lib/utils/key-values.js logStageItem prints
    id: s.stageId,
    packageName: s.name,
    version: s.version,
    tag: s.tag,
    createdAt: s.createdAt,
    actor: s.actor,
    actorType: s.actorType,
    shasum: s.shasum,
    status: s.approved ? 'approved' : s.rejected ? 'rejected' : 'pending',
  })

  /**
   * @param {import('node:http').IncomingMessage} req @param {Buffer} body
   * @returns {Promise<{ status: number, headers?: Record<string, string>, body?: unknown, raw?: Buffer }>}
   */
  async function answer(req, body, /** @type {{ kind: string }} */ note) {
    const method = req.method ?? 'GET'
    const url = new URL(req.url ?? '/', origin)
    const path = url.pathname
    const bearer = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1]
    const grant = bearer ? grants.get(bearer) : undefined
    note.kind = !bearer ? 'none' : grant ? grant.kind : 'unknown'
    // a bearer the front never minted is a token npmjs does not know: as a revoked one
    const g = bearer && !grant ? /** @type {Grant} */ ({ kind: 'revoked', revoked: true, expires: 0 }) : grant
    const headers = req.headers

    // --- the web approval: the page a person opens, and the doneUrl the client polls
    // (npm-profile webAuthCheckLogin: 202 + Retry-After while waiting, 200 { token } when done)
    const page = /^\/auth\/cli\/([0-9a-f-]{36})$/.exec(path)
    if (page && method === 'GET') {
      const a = approvals.find((x) => x.authId === page[1])
      if (!a) return { status: 404, body: { error: 'Not found' } }
      return {
        status: 200,
        headers: { 'content-type': 'text/html' },
        raw: Buffer.from(`<!doctype html><title>Authenticate</title><p>Approve the command for ${a.user}.</p>`),
      }
    }
    if (path === '/-/v1/done' && method === 'GET') {
      const a = approvals.find((x) => x.authId === url.searchParams.get('authId'))
      if (!a) return { status: 404, body: { error: 'Not found' } }
      a.polls++
      if (!a.approvedAt && front.autoApprove > 0 && a.polls >= front.autoApprove) front.approve(a.authId)
      if (!a.approvedAt) return { status: 202, headers: { 'retry-after': String(front.retryAfter) }, body: {} }
      return { status: 200, body: { token: a.otpToken } }
    }

    // --- whoami: the token's user; a dead token 401 (jfarmer08/wyze-api#49). An OIDC token's
    // answer is not documented: modelled as 401 (it names no user).
    if (path === '/-/whoami' && method === 'GET') {
      if (!g || dead(g) || g.kind === 'oidc') return unauthorized()
      return { status: 200, body: { username: g.user } }
    }

    // --- token listing (npm-profile listTokens: { objects, urls.next }); `expires` in it is modelled
    if (path === '/-/npm/v1/tokens' && method === 'GET') {
      if (!g || dead(g) || g.kind === 'oidc') return unauthorized()
      const objects = [...grants.entries()]
        .filter(([, x]) => x.user === g.user && x.kind !== 'oidc')
        .map(([t, x]) => ({
          key: x.key,
          token: t.slice(0, 6),
          created: new Date(x.created).toISOString(),
          updated: new Date(x.created).toISOString(),
          readonly: x.kind === 'read-only',
          cidr_whitelist: null,
          expires: new Date(x.expires).toISOString(),
        }))
      return { status: 200, body: { objects, total: objects.length, urls: {} } }
    }

    // --- collaborators (libnpmaccess getCollaborators, GET /-/package/<name>/collaborators)
    const collab = /^\/-\/package\/([^/]+)\/collaborators$/.exec(path)
    if (collab && method === 'GET') {
      if (g && dead(g)) return unauthorized()
      const name = unescapeName(collab[1])
      if (!(await upstreamDoc(name))) return { status: 404, body: { error: 'Not found' } }
      const users = Object.fromEntries(
        [...new Set([...grants.values()].map((x) => x.user))].map((u) => [u, 'read-write']),
      )
      return { status: 200, body: { ...users, ...front.collaborators[name] } }
    }

    // --- staged publishing (docs npm-stage; npm CLI lib/commands/stage/*.js, libnpmpublish publish.js)
    const stagePublish = /^\/-\/stage\/package\/([^/]+)$/.exec(path)
    if (stagePublish && method === 'POST') {
      const name = unescapeName(stagePublish[1])
      const refused = authorizeWrite(g, 'stage-publish', name, headers)
      if (refused) return refused
      const doc = JSON.parse(body.toString('utf8'))
      const version = Object.keys(doc.versions ?? {})[0]
      const tag = Object.keys(doc['dist-tags'] ?? {})[0] ?? 'latest'
      const existing = await upstreamDoc(name)
      // a staged version holds its number (docs npm-stage); the 403 text is npmjs's publish-over
      // answer (npm CLI publish.js raises the same words client-side); for a staged one, modelled
      if (existing?.versions?.[version] || staged.some((s) => s.name === name && s.version === version && !s.rejected))
        return {
          status: 403,
          body: { error: `You cannot publish over the previously published versions: ${version}.` },
        }
      const attachment = Object.values(doc._attachments ?? {})[0]
      /** @type {Staged} */
      const s = {
        stageId: randomUUID(),
        name,
        version,
        tag,
        approved: false,
        createdAt: new Date(clock()).toISOString(),
        actor: /** @type {Grant} */ (g).kind === 'oidc' ? 'GitHub Actions' : /** @type {Grant} */ (g).user,
        actorType: /** @type {Grant} */ (g).kind === 'oidc' ? 'trusted-publisher' : 'user',
        shasum: doc.versions?.[version]?.dist?.shasum,
        doc,
        tarball: attachment?.data ? Buffer.from(attachment.data, 'base64') : undefined,
      }
      staged.push(s)
      // libnpmpublish reads `stageId` from the JSON answer; `message` per npmjs-2026.md; status modelled
      return { status: 201, body: { message: `${name}@${version} staged with tag ${tag}`, stageId: s.stageId } }
    }
    if (path === '/-/stage' && method === 'GET') {
      if (!g || dead(g)) return unauthorized()
      const pkg = url.searchParams.get('package')
      const items = staged.filter((s) => !s.approved && !s.rejected && (!pkg || s.name === pkg)).map(stageItem)
      return { status: 200, body: { items, total: items.length } }
    }
    const stageOne = /^\/-\/stage\/([0-9a-f-]{36})(\/approve|\/tarball)?$/.exec(path)
    if (stageOne) {
      const s = staged.find((x) => x.stageId === stageOne[1])
      if (method === 'GET') {
        if (!g || dead(g)) return unauthorized()
        if (!s) return { status: 404, body: { error: 'Not found' } }
        if (stageOne[2] === '/tarball')
          return { status: 200, headers: { 'content-type': 'application/octet-stream' }, raw: s.tarball }
        return { status: 200, body: stageItem(s) }
      }
      if (method === 'POST' && stageOne[2] === '/approve') {
        const refused = authorizeWrite(g, 'stage-approve', s?.name, headers)
        if (refused) return refused
        if (!s || s.rejected) return { status: 404, body: { error: 'Not found' } }
        const r = await promote(s)
        return { status: r.status, body: r.body }
      }
      if (method === 'DELETE' && !stageOne[2]) {
        const refused = authorizeWrite(g, 'stage-reject', s?.name, headers)
        if (refused) return refused
        if (!s || s.approved) return { status: 404, body: { error: 'Not found' } }
        s.rejected = true
        return { status: 200, body: {} }
      }
    }

    // --- dist-tags: GET /-/package/<name>/dist-tags, PUT/DELETE .../dist-tags/<tag> (npm CLI lib/commands/dist-tag.js)
    const distTag = /^\/-\/package\/([^/]+)\/dist-tags(?:\/([^/]+))?$/.exec(path)
    const pkgDoc = /^\/((?:@[^/%]+(?:%2[fF]|\/))?[^/@%-][^/]*)(\/-rev\/[^/]+)?$/.exec(path)
    const tarball = /^\/((?:@[^/%]+(?:%2[fF]|\/))?[^/@%-][^/]*)\/-\/[^/]+\.tgz$/.exec(path)
    const write = method !== 'GET' && method !== 'HEAD'
    if (!write) {
      // reads never need 2FA; a dead token is served as an anonymous reader, with npm's notice (ruvnet/RuVector#57)
      const deadToken = g !== undefined && dead(g)
      if (deadToken && !distTag && !pkgDoc && !tarball) return unauthorized()
      const r = await forward(method, `${path}${url.search}`, headers, undefined, { anonymous: deadToken })
      if (deadToken) r.headers['npm-notice'] = DEAD_NOTICE
      // npm/cli#9803's mechanism: the write view has no `deprecated` at all
      if (pkgDoc && url.searchParams.get('write') === 'true' && front.deprecationBug && r.status === 200 && r.json) {
        const doc = JSON.parse(r.raw.toString('utf8'))
        for (const v of Object.values(doc.versions ?? {})) delete (/** @type {any} */ (v).deprecated)
        r.raw = Buffer.from(JSON.stringify(doc))
      }
      return { status: r.status, headers: r.headers, raw: r.raw }
    }
    if (distTag && distTag[2] !== undefined && (method === 'PUT' || method === 'DELETE')) {
      const refused = authorizeWrite(g, 'dist-tag', unescapeName(distTag[1]), headers)
      if (refused) return refused
      const r = await forward(method, path, headers, body)
      // npmjs answers a dist-tag write 204 (npm-registry.md); Verdaccio 201
      if (r.status === 201) return { status: 204, headers: {}, raw: Buffer.alloc(0) }
      return { status: r.status, headers: r.headers, raw: r.raw }
    }
    if (pkgDoc && method === 'PUT') {
      const name = unescapeName(pkgDoc[1])
      let doc
      try {
        doc = JSON.parse(body.toString('utf8'))
      } catch {
        return { status: 400, body: { error: 'invalid JSON' } }
      }
      const publishing = !pkgDoc[2] && doc._attachments && Object.keys(doc._attachments).length > 0
      const refused = authorizeWrite(g, publishing ? 'publish' : 'document', name, headers)
      if (refused) return refused
      if (publishing) {
        const version = Object.keys(doc.versions ?? {})[0]
        // a staged version holds its number (docs npm-stage); the text as npmjs's publish-over answer
        if (staged.some((s) => s.name === name && s.version === version && !s.rejected && !s.approved))
          return {
            status: 403,
            body: { error: `You cannot publish over the previously published versions: ${version}.` },
          }
      } else if (front.deprecationBug) {
        // npm/cli#9803: a document PUT that carries no string `deprecated` for a version that is
        // deprecated now is refused 400 "deprecations must be strings"
        const current = await upstreamDoc(name)
        for (const [v, m] of Object.entries(current?.versions ?? {})) {
          const was = /** @type {any} */ (m).deprecated
          if (typeof was !== 'string' || was === '') continue
          const sent = doc.versions?.[v]
          if (sent && typeof sent.deprecated !== 'string') {
            return { status: 400, body: { error: 'deprecations must be strings' } }
          }
        }
      }
      const r = await forward(method, path, headers, body)
      return { status: r.status, headers: r.headers, raw: r.raw }
    }
    if ((pkgDoc || tarball) && method === 'DELETE') {
      const refused = authorizeWrite(g, 'unpublish', unescapeName((pkgDoc ?? tarball)?.[1] ?? ''), headers)
      if (refused) return refused
      const r = await forward(method, path, headers, body)
      return { status: r.status, headers: r.headers, raw: r.raw }
    }
    // anything else: writes need a live token; then as Verdaccio answers
    if (!g || dead(g)) return unauthorized()
    const r = await forward(method, `${path}${url.search}`, headers, body)
    return { status: r.status, headers: r.headers, raw: r.raw }
  }

  const server = createServer(async (req, res) => {
    const body = await bodyOf(req)
    const note = { kind: 'none' }
    /** @type {{ status: number, headers?: Record<string, string>, body?: unknown, raw?: Buffer }} */
    let a
    try {
      a = await answer(req, body, note)
    } catch (e) {
      a = { status: 502, body: { error: `npmjs front: ${e instanceof Error ? e.message : String(e)}` } }
    }
    /** @type {Record<string, string>} */
    const redacted = {}
    for (const [k, v] of Object.entries(req.headers)) {
      if (typeof v !== 'string') continue
      redacted[k] = k === 'authorization' || k === 'npm-otp' ? '[redacted]' : v
    }
    requests.push({
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: redacted,
      status: a.status,
      kind: note.kind,
    })
    const payload = a.raw ?? Buffer.from(JSON.stringify(a.body ?? {}))
    res.writeHead(a.status, {
      ...(a.raw ? {} : { 'content-type': 'application/json' }),
      ...a.headers,
      'content-length': String(payload.length),
    })
    res.end(payload)
  })
  server.on('connection', (s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(undefined)))
  return front
}
