// A stateful stand-in for the part of GitHub's REST API that the action's bookkeeping uses
// (issues, comments, labels, the Contents API, git refs, branches, pull requests), on
// 127.0.0.1 on a free port. Nothing ever leaves this machine.
//
// Every request is checked against GitHub's own OpenAPI description (from
// @octokit/openapi): the path and method must exist, path and query parameters must be
// declared and fit their schemas, and the JSON body must validate against the operation's
// requestBody schema. A request that does not fit is recorded in `violations` and answered
// with 422, so the code under test cannot silently carry on. The stand-in's own JSON
// responses are validated against the operation's response schema too (mismatches are
// recorded as `response: ...` violations), which keeps the stand-in honest.
//
// Endpoints that exist on GitHub but are not emulated here answer 501 and are recorded as
// `unimplemented: ...`; so are parameters and body fields the stand-in would otherwise
// silently ignore.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createServer, STATUS_CODES } from 'node:http'
import { createRequire } from 'node:module'
import { Ajv } from 'ajv'
import ajvFormats from 'ajv-formats'

// ajv-formats is CommonJS: its function is both `module.exports` and `module.exports.default`
const addFormats = ajvFormats.default

const require = createRequire(import.meta.url)

const GITHUB_WEB = 'https://github.com'
const DOCS = 'https://docs.github.com/rest'
const DOC_ID = 'https://stand-in.invalid/api.github.com.json'
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']

// ---------------------------------------------------------------------------------------
// The contract: GitHub's OpenAPI description, loaded once per process (per test file under
// jest, which gives every test file its own module registry) and compiled lazily.
// ---------------------------------------------------------------------------------------

/**
 * @typedef {{ name: string, in: string, required?: boolean, schema?: any, [k: string]: any }} Parameter
 * @typedef {{
 *   key: string, method: string, template: string, operationId: string, docsUrl: string,
 *   params: Map<string, Parameter>, body: { required: boolean, pointer: string | null } | null,
 *   bodyProperties: Set<string> | null | undefined,
 *   bodyValidator?: import('ajv').ValidateFunction,
 *   responseValidators: Map<number, import('ajv').ValidateFunction | null>,
 *   op: any
 * }} Operation
 * @typedef {{ template: string, regex: RegExp, names: string[], literalLength: number, item: any }} PathTemplate
 * @typedef {{
 *   known: boolean, operation: Operation | null, params: Record<string, string>, problems: string[]
 * }} RequestCheck
 * @typedef {{
 *   doc: any, ajv: Ajv, templates: PathTemplate[], operations: Map<string, Operation>, loadMs: number
 * }} Contract
 */

/** @type {Contract | undefined} */
let contract

/**
 * Loads and prepares GitHub's OpenAPI description (once; later calls return the cache).
 * @returns {Contract}
 */
export function loadGitHubContract() {
  if (contract) return contract
  const started = performance.now()
  const file = require.resolve('@octokit/openapi/generated/api.github.com.json')
  const doc = JSON.parse(readFileSync(file, 'utf8'))
  normaliseSchemas(doc.paths)
  normaliseSchemas(doc.components)
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false })
  addFormats(ajv)
  ajv.addFormat('repo.nwo', /^[\w.-]+\/[\w.-]+$/)
  ajv.addFormat('timestamp', true)
  // The whole document is one schema, so `#/components/...` references resolve against it;
  // ajv only compiles what a validator actually reaches.
  ajv.addSchema(doc, DOC_ID)

  /** @type {PathTemplate[]} */
  const templates = []
  for (const [template, item] of Object.entries(doc.paths)) {
    /** @type {string[]} */
    const names = []
    const multi = multiSegmentNames(doc, item)
    let literalLength = 0
    const source = template
      .split(/(\{[^}]+\})/)
      .map((part) => {
        const m = /^\{([^}]+)\}$/.exec(part)
        if (!m) {
          literalLength += part.length
          return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
        }
        names.push(m[1])
        return multi.has(m[1]) ? '(.+?)' : '([^/]+?)'
      })
      .join('')
    templates.push({ template, regex: new RegExp(`^${source}$`), names, literalLength, item })
  }
  contract = { doc, ajv, templates, operations: new Map(), loadMs: 0 }
  contract.loadMs = performance.now() - started
  return contract
}

/**
 * Adapts the description's schemas to JSON Schema, in place (see also the oneOf note below).
 * OpenAPI 3.0's `nullable: true` is rewritten into JSON Schema (`anyOf: [..., {type: 'null'}]`)
 * in place: ajv's own `nullable` support refuses `nullable` without a sibling `type`, which
 * GitHub's description uses (e.g. `{ oneOf: [...], nullable: true }`), and would still
 * reject `null` when an `enum` is present.
 * @param {any} node
 * @returns {any}
 */
function normaliseSchemas(node) {
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) node[i] = normaliseSchemas(node[i])
    return node
  }
  if (node === null || typeof node !== 'object') return node
  for (const key of Object.keys(node)) {
    if (key === 'example' || key === 'examples') continue
    node[key] = normaliseSchemas(node[key])
  }
  // oneOf is checked as anyOf: GitHub's alternatives overlap (a 409 body is `oneOf:
  // [basic-error, repository-rule-violation-error]`, and every error body fits both), so
  // exclusivity would reject bodies GitHub itself sends; there is no discriminator to use.
  if (Array.isArray(node.oneOf) && node.anyOf === undefined) {
    node.anyOf = node.oneOf
    delete node.oneOf
  }
  if (node.nullable === true) {
    const { nullable: _nullable, description, ...rest } = node
    return description === undefined
      ? { anyOf: [rest, { type: 'null' }] }
      : { description, anyOf: [rest, { type: 'null' }] }
  }
  return node
}

/** @param {any} doc @param {any} value */
function deref(doc, value) {
  let v = value
  for (let i = 0; v && typeof v === 'object' && typeof v.$ref === 'string' && i < 20; i++) {
    v = pointerGet(doc, v.$ref)
  }
  return v
}

/** @param {any} doc @param {string} ref */
function pointerGet(doc, ref) {
  if (!ref.startsWith('#/')) return undefined
  let v = doc
  for (const raw of ref.slice(2).split('/')) {
    if (v === undefined || v === null) return undefined
    v = v[raw.replace(/~1/g, '/').replace(/~0/g, '~')]
  }
  return v
}

/** @param {string} s */
const escapePointer = (s) => s.replace(/~/g, '~0').replace(/\//g, '~1')

/** @param {any} doc @param {any} item @returns {Set<string>} */
function multiSegmentNames(doc, item) {
  const out = new Set()
  for (const list of [item.parameters, ...METHODS.map((m) => item[m]?.parameters)]) {
    for (const p of list ?? []) {
      const param = deref(doc, p)
      if (param?.in === 'path' && param['x-multi-segment']) out.add(param.name)
    }
  }
  return out
}

/**
 * @param {Contract} c
 * @param {string} method lower case
 * @param {PathTemplate} t
 * @returns {Operation}
 */
function operationFor(c, method, t) {
  const key = `${method} ${t.template}`
  const cached = c.operations.get(key)
  if (cached) return cached
  const op = t.item[method]
  /** @type {Map<string, Parameter>} */
  const params = new Map()
  for (const p of [...(t.item.parameters ?? []), ...(op.parameters ?? [])]) {
    const param = deref(c.doc, p)
    if (param) params.set(`${param.in}:${param.name}`, param)
  }
  /** @type {Operation['body']} */
  let body = null
  const rb = deref(c.doc, op.requestBody)
  if (rb) {
    let pointer = null
    if (rb.content?.['application/json']?.schema) {
      const base = op.requestBody.$ref ?? `#/paths/${escapePointer(t.template)}/${method}/requestBody`
      pointer = `${base}/content/application~1json/schema`
    }
    body = { required: rb.required === true, pointer }
  }
  /** @type {Operation} */
  const operation = {
    key,
    method,
    template: t.template,
    operationId: op.operationId ?? key,
    docsUrl: op.externalDocs?.url ?? DOCS,
    params,
    body,
    bodyProperties: undefined,
    responseValidators: new Map(),
    op,
  }
  c.operations.set(key, operation)
  return operation
}

/**
 * The property names an object body may have according to its schema, or null when the
 * schema allows arbitrary properties (then unknown properties are not reported).
 * @param {any} doc
 * @param {any} schema
 * @param {number} [depth]
 * @returns {Set<string> | null}
 */
function declaredProperties(doc, schema, depth = 0) {
  const s = deref(doc, schema)
  if (!s || typeof s !== 'object' || depth > 10) return null
  if (s.additionalProperties !== undefined && s.additionalProperties !== false) return null
  /** @type {Set<string>} */
  const out = new Set()
  let sawObject = false
  if (s.properties) {
    sawObject = true
    for (const k of Object.keys(s.properties)) out.add(k)
  }
  for (const key of ['allOf', 'oneOf', 'anyOf']) {
    for (const sub of s[key] ?? []) {
      const d = deref(doc, sub)
      if (!d || (d.type && d.type !== 'object')) continue
      const inner = declaredProperties(doc, d, depth + 1)
      if (inner === null) return null
      sawObject = true
      for (const k of inner) out.add(k)
    }
  }
  if (!sawObject && s.type === 'object') return null
  return sawObject ? out : null
}

/**
 * @param {import('ajv').ErrorObject[] | null | undefined} errors
 * @param {string} what
 */
function formatAjvErrors(errors, what) {
  const seen = new Set()
  for (const e of errors ?? []) {
    let msg = `${what}${e.instancePath || ''} ${e.message}`
    if (e.keyword === 'enum') msg += ` (${e.params.allowedValues.map(String).join(', ')})`
    seen.add(msg)
  }
  const list = [...seen]
  return list.length > 6 ? [...list.slice(0, 6), `... and ${list.length - 6} more`] : list
}

/**
 * @param {any} doc @param {Parameter} param @param {string} value
 * @returns {string | null}
 */
function parameterProblem(doc, param, value) {
  let s = deref(doc, param.schema)
  if (s?.anyOf)
    s = deref(
      doc,
      s.anyOf.find((/** @type {any} */ x) => x.type !== 'null'),
    )
  if (!s) return null
  const label = `${param.in} parameter ${param.name}=${JSON.stringify(value)}`
  if (Array.isArray(s.enum) && !s.enum.map(String).includes(value)) {
    return `${label} is not one of ${s.enum.map(String).join(', ')}`
  }
  if (s.type === 'integer' && !/^-?\d+$/.test(value)) return `${label} is not an integer`
  if (s.type === 'number' && (value.trim() === '' || Number.isNaN(Number(value)))) {
    return `${label} is not a number`
  }
  if (s.type === 'boolean' && value !== 'true' && value !== 'false') return `${label} is not a boolean`
  if (typeof s.minimum === 'number' && Number(value) < s.minimum) return `${label} is below ${s.minimum}`
  if (typeof s.maximum === 'number' && Number(value) > s.maximum) return `${label} is above ${s.maximum}`
  return null
}

/**
 * Checks one request against the description.
 * @param {Contract} c
 * @param {string} method upper case
 * @param {string} rawPath percent-encoded, as received
 * @param {Record<string, string>} query
 * @param {{ present: boolean, json: boolean, value: unknown }} body
 * @returns {RequestCheck}
 */
function checkRequest(c, method, rawPath, query, body) {
  const m = method.toLowerCase()
  /** @type {{ t: PathTemplate, match: RegExpExecArray }[]} */
  const matches = []
  for (const t of c.templates) {
    const match = t.regex.exec(rawPath)
    if (match) matches.push({ t, match })
  }
  if (matches.length === 0) {
    return { known: false, operation: null, params: {}, problems: ['no such path in the description'] }
  }
  // the most literal template wins (`/issues/comments` over `/issues/{issue_number}`)
  matches.sort((a, b) => b.t.literalLength - a.t.literalLength)
  const withMethod = matches.find((x) => x.t.item[m])
  if (!withMethod) {
    const has = [...new Set(matches.flatMap((x) => METHODS.filter((k) => x.t.item[k])))].map((k) => k.toUpperCase())
    return {
      known: false,
      operation: null,
      params: {},
      problems: [`${matches[0].t.template} has no ${method} operation (it has ${has.join(', ')})`],
    }
  }
  const { t, match } = withMethod
  const operation = operationFor(c, m, t)
  /** @type {string[]} */
  const problems = []
  /** @type {Record<string, string>} */
  const params = {}
  t.names.forEach((name, i) => {
    let value = match[i + 1]
    try {
      value = decodeURIComponent(value)
    } catch {
      problems.push(`path parameter ${name} is not valid percent-encoding`)
    }
    params[name] = value
    const param = operation.params.get(`path:${name}`)
    const problem = param && parameterProblem(c.doc, param, value)
    if (problem) problems.push(problem)
  })

  const declaredQuery = [...operation.params.values()].filter((p) => p.in === 'query')
  for (const [name, value] of Object.entries(query)) {
    const param = operation.params.get(`query:${name}`)
    if (!param) {
      const known = declaredQuery.map((p) => p.name)
      problems.push(`unknown query parameter ${name} (declared: ${known.length ? known.join(', ') : 'none'})`)
      continue
    }
    const problem = parameterProblem(c.doc, param, value)
    if (problem) problems.push(problem)
  }
  for (const p of declaredQuery) {
    if (p.required && !(p.name in query)) problems.push(`missing required query parameter ${p.name}`)
  }

  if (!operation.body) {
    if (body.present) problems.push('the operation takes no request body, but one was sent')
  } else if (!body.present) {
    if (operation.body.required) problems.push('the operation requires a request body, none was sent')
  } else if (operation.body.pointer) {
    if (!body.json) {
      problems.push('the request body is not valid JSON')
    } else {
      operation.bodyValidator ??= c.ajv.compile({ $ref: DOC_ID + operation.body.pointer })
      const validate = operation.bodyValidator
      if (!validate(body.value)) problems.push(...formatAjvErrors(validate.errors, 'body'))
      if (operation.bodyProperties === undefined) {
        operation.bodyProperties = declaredProperties(c.doc, pointerGet(c.doc, operation.body.pointer))
      }
      const declared = operation.bodyProperties
      const value = body.value
      if (declared && value && typeof value === 'object' && !Array.isArray(value)) {
        for (const key of Object.keys(value)) {
          if (!declared.has(key)) {
            problems.push(`unknown body property ${key} (GitHub would silently ignore it)`)
          }
        }
      }
    }
  }
  return { known: true, operation, params, problems }
}

/**
 * Validates one of the stand-in's own responses against the operation's response schema.
 * @param {Contract} c @param {Operation} operation @param {number} status @param {unknown} body
 * @returns {string[]}
 */
function checkResponse(c, operation, status, body) {
  /** @type {import('ajv').ValidateFunction | null | undefined} */
  let validate = operation.responseValidators.get(status)
  if (validate === undefined) {
    validate = null
    const raw = operation.op.responses?.[String(status)]
    const response = deref(c.doc, raw)
    if (response?.content?.['application/json']?.schema) {
      const base = raw.$ref ?? `#/paths/${escapePointer(operation.template)}/${operation.method}/responses/${status}`
      validate = c.ajv.compile({ $ref: `${DOC_ID}${base}/content/application~1json/schema` })
    }
    operation.responseValidators.set(status, validate)
  }
  if (!validate || validate(body)) return []
  return formatAjvErrors(validate.errors, 'body')
}

/**
 * Checks a response body against what GitHub's description says `METHOD template` answers
 * with that status (exported so tests can prove the response check is not toothless).
 * @param {string} method e.g. 'POST'
 * @param {string} template an OpenAPI path template, e.g. '/repos/{owner}/{repo}/issues'
 * @param {number} status
 * @param {unknown} body
 * @returns {string[]} problems; empty when the body fits (or no JSON schema is declared)
 */
export function checkGitHubResponse(method, template, status, body) {
  const c = loadGitHubContract()
  const t = c.templates.find((x) => x.template === template)
  if (!t?.item[method.toLowerCase()]) throw new Error(`${method} ${template} is not in the description`)
  return checkResponse(c, operationFor(c, method.toLowerCase(), t), status, body)
}

// ---------------------------------------------------------------------------------------
// The stand-in
// ---------------------------------------------------------------------------------------

/**
 * @typedef {{ id: number, node_id: string, url: string, name: string, color: string,
 *   description: string | null, default: boolean }} Label
 * @typedef {{ id: number, node_id: string, body: string, user: string, created_at: string,
 *   updated_at: string, html_url: string }} Comment
 * @typedef {{ url: string, html_url: string, diff_url: string, patch_url: string,
 *   merged_at: string | null }} IssuePullRequestLink
 * @typedef {{ id: number, node_id: string, number: number, title: string, body: string | null,
 *   state: 'open' | 'closed', state_reason: string | null, labels: Label[], assignees: string[],
 *   comments: Comment[], user: string, locked: boolean, created_at: string, updated_at: string,
 *   closed_at: string | null, closed_by: string | null, html_url: string,
 *   pull_request?: IssuePullRequestLink }} Issue
 * @typedef {{ id: number, node_id: string, number: number, head: string, base: string,
 *   head_sha: string, base_sha: string, title: string, body: string | null,
 *   state: 'open' | 'closed', draft: boolean, maintainer_can_modify: boolean, user: string,
 *   html_url: string, created_at: string, updated_at: string, closed_at: string | null,
 *   merged_at: string | null }} Pull
 * @typedef {{ content: string, sha: string }} StoredFile
 * @typedef {{ branch: string, path: string, message: string, sha: string, content: string,
 *   blob_sha: string, parents: string[], created: boolean }} CommitRecord
 * @typedef {{ id: number, node_id: string, name: string, full_name: string,
 *   owner: { login: string }, default_branch: string, html_url: string, private: boolean,
 *   created_at: string }} RepoState
 * @typedef {{
 *   repo: RepoState,
 *   branches: Record<string, string>,
 *   protectedBranches: string[],
 *   allowPullRequestCreation: boolean,
 *   files: Record<string, Record<string, StoredFile>>,
 *   commits: CommitRecord[],
 *   issues: Issue[],
 *   labels: Label[],
 *   pulls: Pull[]
 * }} StandinState
 * @typedef {{ method: string, path: string, rawPath: string, query: Record<string, string>,
 *   body: unknown, status: number, headers: import('node:http').IncomingHttpHeaders }} RecordedRequest
 * @typedef {{ method?: string, path: RegExp, status: number, body?: unknown,
 *   headers?: Record<string, string>, times?: number, applyFirst?: boolean }} FailRule
 * @typedef {{
 *   token?: string, owner?: string, repo?: string, defaultBranch?: string,
 *   protectedBranches?: string[], allowPullRequestCreation?: boolean, labels?: string[],
 *   files?: Record<string, string>, branches?: string[], actor?: string,
 *   users?: Record<string, string>, outsiders?: string[],
 *   assignableUsers?: string[], private?: boolean, validateResponses?: boolean,
 *   web?: string, apiPrefix?: string
 * }} StandinOptions
 * @typedef {{
 *   url: string,
 *   state: StandinState,
 *   requests: RecordedRequest[],
 *   tags: TagHelpers,
 *   violations: string[],
 *   failNext: (rule: FailRule) => void,
 *   releases: ReleasesStandin,
 *   stop: () => Promise<void>
 * }} GitHubStandin
 * @typedef {{
 *   addCommit: (o?: { message?: string, date?: string, parents?: string[] }) => string,
 *   createTag: (name: string, at: string, o?: { annotated?: { message?: string, date?: string, tagger?: { name: string, email: string } } }) => string,
 *   deleteTag: (name: string) => void,
 *   commitOf: (name: string) => string | undefined,
 *   protect: (pattern: RegExp) => void,
 *   refs: Map<string, string>,
 *   objects: Map<string, { tag: string, message: string, object: { type: 'commit' | 'tag', sha: string }, tagger: { name: string, email: string, date: string } }>
 * }} TagHelpers (tags, for the git-tag target)
 * @typedef {{ status: number, body?: unknown, headers?: Record<string, string>, raw?: string }} Reply
 * @typedef {{ params: Record<string, string>, query: Record<string, string>, body: any,
 *   accept: string, pathname: string, login: string }} Ctx
 */

// ---- releases (types; the state and routes are in the `releases` block inside the stand-in) ----
/**
 * @typedef {{ id: number, node_id: string, tag_name: string, target_commitish: string,
 *   name: string | null, body: string | null, draft: boolean, prerelease: boolean,
 *   immutable: boolean, created_at: string, published_at: string | null,
 *   updated_at: string | null, author: string, notLatest: boolean }} Release
 * @typedef {{ tag_name: string, name?: string | null, body?: string | null,
 *   draft?: boolean, prerelease?: boolean, immutable?: boolean, created_at?: string,
 *   author?: string, target_commitish?: string,
 *   make_latest?: 'true' | 'false' | 'legacy' }} ReleaseSeed
 * @typedef {'list' | 'tag' | 'latest' | 'get' | 'update'} ReleaseOp
 * @typedef {{
 *   list: Release[],
 *   create: (seed: ReleaseSeed) => Release,
 *   byTag: (tag: string) => Release | undefined,
 *   latest: () => Release | undefined,
 *   makeLatest: (release: Release, value: 'true' | 'false' | 'legacy') => void,
 *   afterServe: (hook: ((op: ReleaseOp, release: Release | undefined) => void) | undefined) => void
 * }} ReleasesStandin
 */

/** @param {string | Buffer} data */
const sha1 = (data) => createHash('sha1').update(data).digest('hex')

/** git's blob id: sha1("blob <byte length>\0<content>") @param {string} content */
export function gitBlobSha(content) {
  const buf = Buffer.from(content, 'utf8')
  return sha1(Buffer.concat([Buffer.from(`blob ${buf.length}\0`), buf]))
}

const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')

/**
 * Starts the stand-in on 127.0.0.1 on a free port.
 * @param {StandinOptions} [options]
 * @returns {Promise<GitHubStandin>}
 */
export async function startGitHubStandin(options = {}) {
  const token = options.token ?? 'ghs_test-token'
  const owner = options.owner ?? 'acme'
  const repoName = options.repo ?? 'widget'
  const defaultBranch = options.defaultBranch ?? 'main'
  // Who each token acts as. `token` acts as `actor` (by default the workflow token's app
  // user, github-actions[bot]); `users` adds more tokens, e.g. { ghp_mallory: 'mallory' },
  // so a test can act as someone else. A login ending in [bot] is an app's bot user.
  const actor = options.actor ?? 'github-actions[bot]'
  /** @type {Map<string, string>} */
  const identities = new Map([[token, actor], ...Object.entries(options.users ?? {})])
  const validateResponses = options.validateResponses ?? true
  // A GitHub Enterprise Server: its web address (html_url of everything) and its API under
  // a prefix, as GHES serves it at https://HOST/api/v3. A request outside the prefix is
  // not the API there: recorded as a violation and answered 404.
  const WEB = (options.web ?? GITHUB_WEB).replace(/\/+$/, '')
  const webHost = new URL(WEB).host
  const apiPrefix = (options.apiPrefix ?? '').replace(/\/+$/, '')
  const c = loadGitHubContract()
  const fullName = `${owner}/${repoName}`

  let nextId = 1000001
  let nextNumber = 1
  let commitCounter = 0
  const id = () => nextId++
  /** @param {string} prefix @param {number} n */
  const nodeId = (prefix, n) => `${prefix}_kwDO${Buffer.from(`${fullName}:${n}`).toString('base64url')}`

  /** @type {string[]} */
  const violations = []
  /** @type {RecordedRequest[]} */
  const requests = []
  /** @type {(FailRule & { remaining: number })[]} */
  const failRules = []
  /** snapshots of the tree behind every commit @type {Map<string, Record<string, StoredFile>>} */
  const trees = new Map()
  /** @type {Map<string, { message: string, parents: string[], date: string, author: { name: string, email: string } }>} */
  const commitMeta = new Map()

  const botAuthor = {
    name: actor,
    email: actor.endsWith('[bot]') ? `41898282+${actor}@users.noreply.github.com` : `${actor}@users.noreply.github.com`,
  }

  // ---- state ----------------------------------------------------------------------
  /** @type {Record<string, StoredFile>} */
  const initialTree = {}
  for (const [path, content] of Object.entries(options.files ?? { 'README.md': `# ${repoName}\n` })) {
    initialTree[path] = { content, sha: gitBlobSha(content) }
  }
  const created = now()
  const initialSha = sha1(`initial commit of ${fullName}`)
  trees.set(initialSha, initialTree)
  commitMeta.set(initialSha, { message: 'Initial commit', parents: [], date: created, author: botAuthor })

  /** @type {StandinState} */
  const state = {
    repo: {
      id: id(),
      node_id: nodeId('R', 0),
      name: repoName,
      full_name: fullName,
      owner: { login: owner },
      default_branch: defaultBranch,
      html_url: `${WEB}/${fullName}`,
      private: options.private ?? false,
      created_at: created,
    },
    branches: {},
    protectedBranches: [...(options.protectedBranches ?? [])],
    allowPullRequestCreation: options.allowPullRequestCreation ?? true,
    files: {},
    commits: [],
    issues: [],
    labels: [],
    pulls: [],
  }
  for (const b of new Set([defaultBranch, ...(options.branches ?? []), ...state.protectedBranches])) {
    state.branches[b] = initialSha
    state.files[b] = structuredClone(initialTree)
  }

  // ---- rendering (GitHub's response shapes) ------------------------------------------
  let url = ''
  const api = () => `${url}/repos/${fullName}`

  /** @param {string} login */
  const renderUser = (login) => {
    const userId = parseInt(sha1(login).slice(0, 7), 16)
    const base = `${url}/users/${encodeURIComponent(login)}`
    return {
      login,
      id: userId,
      node_id: nodeId(login.endsWith('[bot]') ? 'BOT' : 'U', userId),
      avatar_url: `https://avatars.githubusercontent.com/u/${userId}?v=4`,
      gravatar_id: '',
      url: base,
      html_url: login.endsWith('[bot]') ? `${WEB}/apps/${login.replace(/\[bot\]$/, '')}` : `${WEB}/${login}`,
      followers_url: `${base}/followers`,
      following_url: `${base}/following{/other_user}`,
      gists_url: `${base}/gists{/gist_id}`,
      starred_url: `${base}/starred{/owner}{/repo}`,
      subscriptions_url: `${base}/subscriptions`,
      organizations_url: `${base}/orgs`,
      repos_url: `${base}/repos`,
      events_url: `${base}/events{/privacy}`,
      received_events_url: `${base}/received_events`,
      type: login.endsWith('[bot]') ? 'Bot' : login === owner ? 'Organization' : 'User',
      user_view_type: 'public',
      site_admin: false,
    }
  }

  const openIssueCount = () => state.issues.filter((i) => i.state === 'open').length

  /** @param {boolean} full */
  const renderRepo = (full) => {
    const a = api()
    const r = state.repo
    const pushed = state.commits.at(-1) ? commitMeta.get(state.commits.at(-1)?.sha ?? '')?.date : r.created_at
    /** @type {Record<string, unknown>} */
    const out = {
      id: r.id,
      node_id: r.node_id,
      name: r.name,
      full_name: r.full_name,
      owner: renderUser(r.owner.login),
      private: r.private,
      html_url: r.html_url,
      description: null,
      fork: false,
      url: a,
      archive_url: `${a}/{archive_format}{/ref}`,
      assignees_url: `${a}/assignees{/user}`,
      blobs_url: `${a}/git/blobs{/sha}`,
      branches_url: `${a}/branches{/branch}`,
      collaborators_url: `${a}/collaborators{/collaborator}`,
      comments_url: `${a}/comments{/number}`,
      commits_url: `${a}/commits{/sha}`,
      compare_url: `${a}/compare/{base}...{head}`,
      contents_url: `${a}/contents/{+path}`,
      contributors_url: `${a}/contributors`,
      deployments_url: `${a}/deployments`,
      downloads_url: `${a}/downloads`,
      events_url: `${a}/events`,
      forks_url: `${a}/forks`,
      git_commits_url: `${a}/git/commits{/sha}`,
      git_refs_url: `${a}/git/refs{/sha}`,
      git_tags_url: `${a}/git/tags{/sha}`,
      git_url: `git://${webHost}/${fullName}.git`,
      issue_comment_url: `${a}/issues/comments{/number}`,
      issue_events_url: `${a}/issues/events{/number}`,
      issues_url: `${a}/issues{/number}`,
      keys_url: `${a}/keys{/key_id}`,
      labels_url: `${a}/labels{/name}`,
      languages_url: `${a}/languages`,
      merges_url: `${a}/merges`,
      milestones_url: `${a}/milestones{/number}`,
      notifications_url: `${a}/notifications{?since,all,participating}`,
      pulls_url: `${a}/pulls{/number}`,
      releases_url: `${a}/releases{/id}`,
      ssh_url: `git@${webHost}:${fullName}.git`,
      stargazers_url: `${a}/stargazers`,
      statuses_url: `${a}/statuses/{sha}`,
      subscribers_url: `${a}/subscribers`,
      subscription_url: `${a}/subscription`,
      tags_url: `${a}/tags`,
      teams_url: `${a}/teams`,
      trees_url: `${a}/git/trees{/sha}`,
      clone_url: `${WEB}/${fullName}.git`,
      mirror_url: null,
      hooks_url: `${a}/hooks`,
      svn_url: `${WEB}/${fullName}`,
      homepage: null,
      language: 'TypeScript',
      forks_count: 0,
      stargazers_count: 0,
      watchers_count: 0,
      size: 1,
      default_branch: r.default_branch,
      open_issues_count: openIssueCount(),
      is_template: false,
      topics: [],
      has_issues: true,
      has_projects: true,
      has_wiki: false,
      has_pages: false,
      has_downloads: true,
      has_discussions: false,
      archived: false,
      disabled: false,
      visibility: r.private ? 'private' : 'public',
      pushed_at: pushed,
      created_at: r.created_at,
      updated_at: pushed,
      permissions: { admin: false, maintain: false, push: true, triage: true, pull: true },
      allow_forking: true,
      web_commit_signoff_required: false,
      license: null,
      forks: 0,
      open_issues: openIssueCount(),
      watchers: 0,
    }
    if (full) {
      out.network_count = 0
      out.subscribers_count = 0
      out.allow_rebase_merge = true
      out.allow_squash_merge = true
      out.allow_merge_commit = true
      out.allow_auto_merge = false
      out.delete_branch_on_merge = false
      out.temp_clone_token = null
    }
    return out
  }

  /** @param {Label} l */
  const renderLabel = (l) => ({ ...l })

  /** @param {Issue} issue @param {Comment} comment */
  const renderComment = (issue, comment) => ({
    id: comment.id,
    node_id: comment.node_id,
    url: `${api()}/issues/comments/${comment.id}`,
    html_url: comment.html_url,
    body: comment.body,
    user: renderUser(comment.user),
    created_at: comment.created_at,
    updated_at: comment.updated_at,
    issue_url: `${api()}/issues/${issue.number}`,
    author_association: association(comment.user),
    performed_via_github_app: null,
    reactions: reactions(`${api()}/issues/comments/${comment.id}/reactions`),
  })

  /** @param {string} login */
  // GitHub's author_association: OWNER, COLLABORATOR (may write), NONE (an outsider, and an
  // app's bot); https://docs.github.com/en/graphql/reference/enums#commentauthorassociation.
  // A user given in `outsiders` has no access to the repository.
  const association = (login) =>
    login === owner
      ? 'OWNER'
      : login.endsWith('[bot]') || (options.outsiders ?? []).includes(login)
        ? 'NONE'
        : 'COLLABORATOR'

  /** @param {string} u */
  const reactions = (u) => ({
    url: u,
    total_count: 0,
    '+1': 0,
    '-1': 0,
    laugh: 0,
    hooray: 0,
    confused: 0,
    heart: 0,
    rocket: 0,
    eyes: 0,
  })

  /** @param {Issue} i */
  const renderIssue = (i) => {
    const a = `${api()}/issues/${i.number}`
    /** @type {Record<string, unknown>} */
    const out = {
      url: a,
      repository_url: api(),
      labels_url: `${a}/labels{/name}`,
      comments_url: `${a}/comments`,
      events_url: `${a}/events`,
      html_url: i.html_url,
      id: i.id,
      node_id: i.node_id,
      number: i.number,
      title: i.title,
      user: renderUser(i.user),
      labels: i.labels.map(renderLabel),
      state: i.state,
      locked: i.locked,
      assignee: i.assignees[0] ? renderUser(i.assignees[0]) : null,
      assignees: i.assignees.map(renderUser),
      milestone: null,
      comments: i.comments.length,
      created_at: i.created_at,
      updated_at: i.updated_at,
      closed_at: i.closed_at,
      author_association: association(i.user),
      active_lock_reason: null,
      body: i.body,
      closed_by: i.closed_by ? renderUser(i.closed_by) : null,
      reactions: reactions(`${a}/reactions`),
      timeline_url: `${a}/timeline`,
      performed_via_github_app: null,
      state_reason: i.state_reason,
    }
    if (i.pull_request) {
      out.draft = state.pulls.find((p) => p.number === i.number)?.draft ?? false
      out.pull_request = { ...i.pull_request }
    }
    return out
  }

  /** @param {Pull} p @param {boolean} full */
  const renderPull = (p, full) => {
    const a = `${api()}/pulls/${p.number}`
    const issue = state.issues.find((i) => i.number === p.number)
    const headSha = state.branches[p.head] ?? p.head_sha
    const baseSha = state.branches[p.base] ?? p.base_sha
    /** @param {string} ref @param {string} sha */
    const side = (ref, sha) => ({
      label: `${owner}:${ref}`,
      ref,
      sha,
      user: renderUser(owner),
      repo: renderRepo(false),
    })
    /** @type {Record<string, unknown>} */
    const out = {
      url: a,
      id: p.id,
      node_id: p.node_id,
      html_url: p.html_url,
      diff_url: `${p.html_url}.diff`,
      patch_url: `${p.html_url}.patch`,
      issue_url: `${api()}/issues/${p.number}`,
      commits_url: `${a}/commits`,
      review_comments_url: `${a}/comments`,
      review_comment_url: `${api()}/pulls/comments{/number}`,
      comments_url: `${api()}/issues/${p.number}/comments`,
      statuses_url: `${api()}/statuses/${headSha}`,
      number: p.number,
      state: p.state,
      locked: false,
      title: p.title,
      user: renderUser(p.user),
      body: p.body,
      labels: (issue?.labels ?? []).map(renderLabel),
      milestone: null,
      active_lock_reason: null,
      created_at: p.created_at,
      updated_at: p.updated_at,
      closed_at: p.closed_at,
      merged_at: p.merged_at,
      merge_commit_sha: null,
      assignee: issue?.assignees[0] ? renderUser(issue.assignees[0]) : null,
      assignees: (issue?.assignees ?? []).map(renderUser),
      requested_reviewers: [],
      requested_teams: [],
      head: side(p.head, headSha),
      base: side(p.base, baseSha),
      _links: {
        self: { href: a },
        html: { href: p.html_url },
        issue: { href: `${api()}/issues/${p.number}` },
        comments: { href: `${api()}/issues/${p.number}/comments` },
        review_comments: { href: `${a}/comments` },
        review_comment: { href: `${api()}/pulls/comments{/number}` },
        commits: { href: `${a}/commits` },
        statuses: { href: `${api()}/statuses/${headSha}` },
      },
      author_association: association(p.user),
      auto_merge: null,
      draft: p.draft,
    }
    if (full) {
      const ahead = commitsAhead(headSha, baseSha)
      Object.assign(out, {
        merged: p.merged_at !== null,
        // GitHub computes mergeability in the background: the first answers say null
        mergeable: null,
        rebaseable: null,
        mergeable_state: 'unknown',
        merged_by: null,
        comments: issue?.comments.length ?? 0,
        review_comments: 0,
        maintainer_can_modify: p.maintainer_can_modify,
        commits: ahead.length,
        additions: 0,
        deletions: 0,
        changed_files: new Set(state.commits.filter((x) => ahead.includes(x.sha)).map((x) => x.path)).size,
      })
    }
    return out
  }

  /** @param {string} path */
  const encodePath = (path) => path.split('/').map(encodeURIComponent).join('/')

  /** @param {string} branch @param {string} path @param {StoredFile} file */
  const fileLinks = (branch, path, file) => {
    const self = `${api()}/contents/${encodePath(path)}?ref=${encodeURIComponent(branch)}`
    const git = `${api()}/git/blobs/${file.sha}`
    const html = `${WEB}/${fullName}/blob/${encodePath(branch)}/${encodePath(path)}`
    return {
      name: path.split('/').at(-1) ?? path,
      path,
      sha: file.sha,
      size: Buffer.byteLength(file.content, 'utf8'),
      url: self,
      html_url: html,
      git_url: git,
      download_url: `https://raw.githubusercontent.com/${fullName}/${encodePath(branch)}/${encodePath(path)}`,
      type: 'file',
      _links: { self, git, html },
    }
  }

  /** @param {string} sha */
  const renderCommit = (sha) => {
    const meta = commitMeta.get(sha)
    const tree = sha1(`tree ${sha}`)
    const person = { ...(meta?.author ?? botAuthor), date: meta?.date ?? created }
    return {
      sha,
      node_id: nodeId('C', parseInt(sha.slice(0, 7), 16)),
      url: `${api()}/commits/${sha}`,
      html_url: `${WEB}/${fullName}/commit/${sha}`,
      comments_url: `${api()}/commits/${sha}/comments`,
      commit: {
        url: `${api()}/git/commits/${sha}`,
        author: person,
        committer: person,
        message: meta?.message ?? '',
        comment_count: 0,
        tree: { sha: tree, url: `${api()}/git/trees/${tree}` },
        verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
      },
      author: renderUser(actor),
      committer: renderUser(actor),
      parents: (meta?.parents ?? []).map((p) => ({
        sha: p,
        url: `${api()}/commits/${p}`,
        html_url: `${WEB}/${fullName}/commit/${p}`,
      })),
    }
  }

  /** @param {string} branch */
  const renderRef = (branch) => ({
    ref: `refs/heads/${branch}`,
    node_id: nodeId('REF', parseInt(sha1(branch).slice(0, 7), 16)),
    url: `${api()}/git/refs/heads/${encodePath(branch)}`,
    object: { type: 'commit', sha: state.branches[branch], url: `${api()}/git/commits/${state.branches[branch]}` },
  })

  /** commits reachable from `head` but not from `base` @param {string} head @param {string} base */
  const commitsAhead = (head, base) => {
    const reachable = reachableFrom
    const fromBase = reachable(base)
    return [...reachable(head)].filter((s) => !fromBase.has(s))
  }

  // ---- tags (git-tag target) ---------------------------------------------------------
  // Tag refs (refs/tags/<name> -> a commit, or an annotated tag object) and annotated tag
  // objects, for the git-tag target; commits with dates come from `addCommit`. Tests drive
  // them through the helpers returned as `standin.tags` (see the end of this function).
  /** tag name -> the object the ref points at (a commit sha or a tag object sha) @type {Map<string, string>} */
  const tagRefs = new Map()
  /**
   * annotated tag objects by sha
   * @type {Map<string, { tag: string, message: string, object: { type: 'commit' | 'tag', sha: string },
   *   tagger: { name: string, email: string, date: string } }>}
   */
  const tagObjects = new Map()
  /** tag names a ruleset protects: updating or creating them answers GitHub's 422 @type {RegExp[]} */
  const protectedTagPatterns = []
  let tagCounter = 0
  let lastAddedCommit = initialSha

  /** @param {string} sha @returns {'commit' | 'tag' | undefined} */
  const gitObjectType = (sha) => (tagObjects.has(sha) ? 'tag' : commitMeta.has(sha) ? 'commit' : undefined)
  /** @param {string} type @param {string} sha */
  const gitObjectUrl = (type, sha) => `${api()}/git/${type === 'tag' ? 'tags' : 'commits'}/${sha}`
  /** @param {string} name */
  const isProtectedTag = (name) => protectedTagPatterns.some((p) => p.test(name))

  /** @param {string} name */
  const renderTagRef = (name) => {
    const sha = /** @type {string} */ (tagRefs.get(name))
    const type = gitObjectType(sha) ?? 'commit'
    return {
      ref: `refs/tags/${name}`,
      node_id: nodeId('REF', parseInt(sha1(`refs/tags/${name}`).slice(0, 7), 16)),
      url: `${api()}/git/refs/tags/${encodePath(name)}`,
      object: { type, sha, url: gitObjectUrl(type, sha) },
    }
  }

  /** GET /git/tags/{sha}: an annotated tag object @param {string} sha */
  const renderTagObject = (sha) => {
    const t = /** @type {NonNullable<ReturnType<typeof tagObjects.get>>} */ (tagObjects.get(sha))
    return {
      node_id: nodeId('TAG', parseInt(sha.slice(0, 7), 16)),
      tag: t.tag,
      sha,
      url: `${api()}/git/tags/${sha}`,
      message: t.message,
      tagger: { ...t.tagger },
      object: { sha: t.object.sha, type: t.object.type, url: gitObjectUrl(t.object.type, t.object.sha) },
      verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
    }
  }

  /** GET /git/commits/{sha}: the git-commit shape (not the repos/commits one) @param {string} sha */
  const renderGitCommit = (sha) => {
    const meta = commitMeta.get(sha)
    const tree = sha1(`tree ${sha}`)
    const person = { ...(meta?.author ?? botAuthor), date: meta?.date ?? created }
    return {
      sha,
      node_id: nodeId('C', parseInt(sha.slice(0, 7), 16)),
      url: `${api()}/git/commits/${sha}`,
      html_url: `${WEB}/${fullName}/commit/${sha}`,
      author: person,
      committer: person,
      tree: { sha: tree, url: `${api()}/git/trees/${tree}` },
      message: meta?.message ?? '',
      parents: (meta?.parents ?? []).map((p) => ({
        sha: p,
        url: `${api()}/git/commits/${p}`,
        html_url: `${WEB}/${fullName}/commit/${p}`,
      })),
      verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
    }
  }

  /** the commit a tag object (chain) points at @param {string} sha */
  const peelObject = (sha) => {
    let s = sha
    for (let i = 0; i < 10 && tagObjects.has(s); i++)
      s = /** @type {NonNullable<ReturnType<typeof tagObjects.get>>} */ (tagObjects.get(s)).object.sha
    return s
  }

  /** @param {string} start */
  const reachableFrom = (start) => {
    const seen = new Set()
    const todo = [start]
    while (todo.length) {
      const s = /** @type {string} */ (todo.pop())
      if (seen.has(s)) continue
      seen.add(s)
      todo.push(...(commitMeta.get(s)?.parents ?? []))
    }
    return seen
  }
  /** `ancestor` is reachable from `descendant` (moving a ref from one to the other is a fast-forward) @param {string} ancestor @param {string} descendant */
  const isAncestor = (ancestor, descendant) => reachableFrom(descendant).has(ancestor)

  const tagHelpers = {
    /**
     * A commit (not on any branch) with the initial tree, for tags to point at.
     * @param {{ message?: string, date?: string, parents?: string[] }} [o] date: ISO 8601 (default now);
     *   parents: default the commit added before (or the initial commit)
     * @returns {string} its sha
     */
    addCommit(o = {}) {
      const parents = o.parents ?? [lastAddedCommit]
      const message = o.message ?? `commit ${commitCounter + 1}`
      const sha = sha1(`commit ${++commitCounter}\0${parents.join(',')}\0${message}\0tags`)
      commitMeta.set(sha, { message, parents, date: o.date ?? now(), author: botAuthor })
      trees.set(sha, structuredClone(initialTree))
      lastAddedCommit = sha
      return sha
    },
    /**
     * Creates (or, like `git tag -f` and a push, moves) the tag `name` at `at` (a commit or
     * a tag object sha): lightweight, or annotated with a new tag object.
     * @param {string} name
     * @param {string} at
     * @param {{ annotated?: { message?: string, date?: string, tagger?: { name: string, email: string } } }} [o]
     * @returns {string} the sha the ref points at (the tag object's for an annotated tag)
     */
    createTag(name, at, o = {}) {
      const type = gitObjectType(at)
      if (!type) throw new Error(`stand-in createTag: ${at} is neither a commit nor a tag object`)
      let sha = at
      if (o.annotated) {
        const a = o.annotated
        sha = sha1(`tag ${++tagCounter}\0${name}\0${at}`)
        tagObjects.set(sha, {
          tag: name,
          message: a.message ?? `Release ${name}\n`,
          object: { type, sha: at },
          tagger: {
            name: a.tagger?.name ?? 'Release Bot',
            email: a.tagger?.email ?? 'release-bot@example.com',
            date: a.date ?? now(),
          },
        })
      }
      tagRefs.set(name, sha)
      return sha
    },
    /** @param {string} name */
    deleteTag(name) {
      tagRefs.delete(name)
    },
    /** the commit the tag points at, peeled; undefined when there is no such tag @param {string} name */
    commitOf(name) {
      const sha = tagRefs.get(name)
      return sha === undefined ? undefined : peelObject(sha)
    },
    /** like a tag ruleset: updating or creating matching tags is refused @param {RegExp} pattern */
    protect(pattern) {
      protectedTagPatterns.push(pattern)
    },
    refs: tagRefs,
    objects: tagObjects,
  }

  // ---- helpers ---------------------------------------------------------------------
  /** @type {string} */
  let currentDocs = DOCS
  /** @param {number} status @param {string} message @param {Record<string, unknown>} [extra] @returns {Reply} */
  const fail = (status, message, extra = {}) => ({
    status,
    body: { message, ...extra, documentation_url: currentDocs, status: String(status) },
  })
  /** @param {Record<string, unknown>[]} errors @param {string} [message] @returns {Reply} */
  const validationFailed = (errors, message = 'Validation Failed') => fail(422, message, { errors })
  const notFound = () => fail(404, 'Not Found')

  /** @param {string} name */
  const findLabel = (name) => state.labels.find((l) => l.name.toLowerCase() === name.toLowerCase())
  /** @param {string} name @param {string} [color] @param {string | null} [description] */
  const createLabel = (name, color = 'ededed', description = null) => {
    const labelId = id()
    /** @type {Label} */
    const label = {
      id: labelId,
      node_id: nodeId('LA', labelId),
      url: `${api()}/labels/${encodeURIComponent(name)}`,
      name,
      color,
      description,
      default: false,
    }
    state.labels.push(label)
    return label
  }
  /** @param {string} name */
  const labelFor = (name) => findLabel(name) ?? createLabel(name)
  /** @param {unknown[]} list */
  const labelNames = (list) =>
    list.map((l) => (typeof l === 'string' ? l : String(/** @type {{ name?: unknown }} */ (l)?.name ?? '')))

  /** @param {string[]} logins @returns {Reply | null} */
  const checkAssignees = (logins) => {
    if (!options.assignableUsers) return null
    const bad = logins.filter((l) => !options.assignableUsers?.includes(l))
    if (bad.length === 0) return null
    return validationFailed(bad.map((value) => ({ value, resource: 'Issue', field: 'assignees', code: 'invalid' })))
  }

  /** @param {Ctx} ctx @returns {Issue | undefined} */
  const issueOf = (ctx) => state.issues.find((i) => i.number === Number(ctx.params.issue_number))

  /**
   * @template T
   * @param {T[]} items @param {Ctx} ctx
   * @returns {{ page: T[], headers: Record<string, string> }}
   */
  const paginate = (items, ctx) => {
    const perPage = Math.min(Math.max(Number(ctx.query.per_page ?? 30) || 30, 1), 100)
    const page = Math.max(Number(ctx.query.page ?? 1) || 1, 1)
    const last = Math.max(Math.ceil(items.length / perPage), 1)
    /** @param {number} n */
    const link = (n) => {
      const q = new URLSearchParams({ ...ctx.query, per_page: String(perPage), page: String(n) })
      return `<${url}${ctx.pathname}?${q}>`
    }
    const parts = []
    if (page > 1) parts.push(`${link(Math.min(page - 1, last))}; rel="prev"`)
    if (page < last) parts.push(`${link(page + 1)}; rel="next"`, `${link(last)}; rel="last"`)
    if (page > 1) parts.push(`${link(1)}; rel="first"`)
    return {
      page: items.slice((page - 1) * perPage, page * perPage),
      headers: parts.length ? { link: parts.join(', ') } : {},
    }
  }

  /**
   * @param {Pick<Issue, 'created_at' | 'updated_at' | 'number'> & { comments?: unknown }} a
   * @param {Pick<Issue, 'created_at' | 'updated_at' | 'number'> & { comments?: unknown }} b
   * @param {string} sort
   */
  const compareBy = (a, b, sort) => {
    /** @param {typeof a} x */
    const key = (x) =>
      sort === 'updated'
        ? x.updated_at
        : sort === 'comments' && Array.isArray(x.comments)
          ? x.comments.length
          : x.created_at
    const ka = key(a)
    const kb = key(b)
    return ka < kb ? -1 : ka > kb ? 1 : a.number - b.number
  }

  /**
   * A commit through the Contents API.
   * @param {string} branch @param {string} path @param {string} content @param {string} message
   * @param {{ name: string, email: string }} author
   */
  const commitFile = (branch, path, content, message, author) => {
    const parent = state.branches[branch]
    const existed = path in state.files[branch]
    const file = { content, sha: gitBlobSha(content) }
    state.files[branch][path] = file
    const sha = sha1(`commit ${++commitCounter}\0${parent}\0${branch}\0${path}\0${file.sha}\0${message}`)
    const date = now()
    commitMeta.set(sha, { message, parents: [parent], date, author })
    trees.set(sha, structuredClone(state.files[branch]))
    state.branches[branch] = sha
    state.commits.push({
      branch,
      path,
      message,
      sha,
      content,
      blob_sha: file.sha,
      parents: [parent],
      created: !existed,
    })
    return { sha, file, date, parent, existed }
  }

  // ---- routes ----------------------------------------------------------------------
  /**
   * Every emulated operation, keyed by method and OpenAPI template. `query` and `body`
   * list the parameters and body fields the emulation honours; any other declared one that
   * a request uses is answered with 501 instead of being silently ignored.
   * @type {Record<string, { query?: string[], body?: string[], handle: (ctx: Ctx) => Reply }>}
   */
  const routes = {
    'GET /repos/{owner}/{repo}': { handle: () => ({ status: 200, body: renderRepo(true) }) },

    // Like GitHub: an app's installation token (the workflow token included) acts as the
    // app's bot user, which this endpoint refuses; a user's token gets its own account.
    'GET /user': {
      handle: (ctx) => {
        if (ctx.login.endsWith('[bot]')) return fail(403, 'Resource not accessible by integration')
        return {
          status: 200,
          body: {
            ...renderUser(ctx.login),
            user_view_type: 'private',
            name: null,
            company: null,
            blog: '',
            location: null,
            email: null,
            hireable: null,
            bio: null,
            public_repos: 0,
            public_gists: 0,
            followers: 0,
            following: 0,
            created_at: created,
            updated_at: created,
            collaborators: 0,
            disk_usage: 0,
            owned_private_repos: 0,
            private_gists: 0,
            total_private_repos: 0,
            two_factor_authentication: true,
          },
        }
      },
    },

    'GET /repos/{owner}/{repo}/issues': {
      query: ['state', 'labels', 'creator', 'assignee', 'sort', 'direction', 'since', 'per_page', 'page'],
      handle: (ctx) => {
        const q = ctx.query
        const st = q.state ?? 'open'
        const wanted = (q.labels ?? '')
          .split(',')
          .map((s) => s.trim().toLowerCase())
          .filter(Boolean)
        let list = state.issues.filter(
          (i) =>
            (st === 'all' || i.state === st) &&
            wanted.every((w) => i.labels.some((l) => l.name.toLowerCase() === w)) &&
            (q.creator === undefined || i.user.toLowerCase() === q.creator.toLowerCase()) &&
            (q.assignee === undefined ||
              (q.assignee === 'none'
                ? i.assignees.length === 0
                : q.assignee === '*'
                  ? i.assignees.length > 0
                  : i.assignees.some((a) => a.toLowerCase() === q.assignee.toLowerCase()))) &&
            (q.since === undefined || Date.parse(i.updated_at) >= Date.parse(q.since)),
        )
        list = list.sort((a, b) => compareBy(a, b, q.sort ?? 'created'))
        if ((q.direction ?? 'desc') === 'desc') list.reverse()
        const { page, headers } = paginate(list, ctx)
        return { status: 200, body: page.map(renderIssue), headers }
      },
    },

    'POST /repos/{owner}/{repo}/issues': {
      body: ['title', 'body', 'labels', 'assignees', 'assignee'],
      handle: (ctx) => {
        const b = ctx.body
        const title = String(b.title ?? '')
        if (title.trim() === '') {
          return validationFailed([{ resource: 'Issue', code: 'missing_field', field: 'title' }])
        }
        const assignees = [...new Set([...(b.assignees ?? []), ...(b.assignee ? [b.assignee] : [])])]
        const bad = checkAssignees(assignees)
        if (bad) return bad
        const number = nextNumber++
        const issueId = id()
        const ts = now()
        /** @type {Issue} */
        const issue = {
          id: issueId,
          node_id: nodeId('I', issueId),
          number,
          title,
          body: b.body ?? null,
          state: 'open',
          state_reason: null,
          labels: [...new Set(labelNames(b.labels ?? []))].map(labelFor),
          assignees,
          comments: [],
          user: ctx.login,
          locked: false,
          created_at: ts,
          updated_at: ts,
          closed_at: null,
          closed_by: null,
          html_url: `${WEB}/${fullName}/issues/${number}`,
        }
        state.issues.push(issue)
        return { status: 201, body: renderIssue(issue), headers: { location: `${api()}/issues/${number}` } }
      },
    },

    'GET /repos/{owner}/{repo}/issues/{issue_number}': {
      handle: (ctx) => {
        const issue = issueOf(ctx)
        return issue ? { status: 200, body: renderIssue(issue) } : notFound()
      },
    },

    'PATCH /repos/{owner}/{repo}/issues/{issue_number}': {
      body: ['title', 'body', 'state', 'state_reason', 'labels', 'assignees', 'assignee'],
      handle: (ctx) => {
        const issue = issueOf(ctx)
        if (!issue) return notFound()
        const b = ctx.body ?? {}
        if (b.assignees !== undefined || b.assignee !== undefined) {
          const assignees = [...new Set([...(b.assignees ?? []), ...(b.assignee ? [b.assignee] : [])])]
          const bad = checkAssignees(assignees)
          if (bad) return bad
          issue.assignees = assignees
        }
        if (b.title !== undefined && b.title !== null) issue.title = String(b.title)
        if (b.body !== undefined) issue.body = b.body
        if (b.labels !== undefined) issue.labels = [...new Set(labelNames(b.labels))].map(labelFor)
        if (b.state !== undefined && b.state !== issue.state) {
          issue.state = b.state
          if (b.state === 'closed') {
            issue.closed_at = now()
            issue.closed_by = ctx.login
            issue.state_reason = b.state_reason ?? 'completed'
          } else {
            issue.closed_at = null
            issue.state_reason = 'reopened'
          }
          const pull = state.pulls.find((p) => p.number === issue.number)
          if (pull) {
            pull.state = issue.state
            pull.closed_at = issue.closed_at
          }
        }
        issue.updated_at = now()
        return { status: 200, body: renderIssue(issue) }
      },
    },

    'GET /repos/{owner}/{repo}/issues/{issue_number}/comments': {
      query: ['since', 'per_page', 'page'],
      handle: (ctx) => {
        const issue = issueOf(ctx)
        if (!issue) return notFound()
        const since = ctx.query.since
        const list = issue.comments.filter((x) => since === undefined || Date.parse(x.updated_at) >= Date.parse(since))
        const { page, headers } = paginate(list, ctx)
        return { status: 200, body: page.map((x) => renderComment(issue, x)), headers }
      },
    },

    'POST /repos/{owner}/{repo}/issues/{issue_number}/comments': {
      body: ['body'],
      handle: (ctx) => {
        const issue = issueOf(ctx)
        if (!issue) return notFound()
        if (issue.locked) return fail(403, 'Unable to create comment because issue is locked.')
        const commentId = id()
        const ts = now()
        /** @type {Comment} */
        const comment = {
          id: commentId,
          node_id: nodeId('IC', commentId),
          body: ctx.body.body,
          user: ctx.login,
          created_at: ts,
          updated_at: ts,
          html_url: `${issue.html_url}#issuecomment-${commentId}`,
        }
        issue.comments.push(comment)
        issue.updated_at = ts
        return {
          status: 201,
          body: renderComment(issue, comment),
          headers: { location: `${api()}/issues/comments/${commentId}` },
        }
      },
    },

    'GET /repos/{owner}/{repo}/labels': {
      query: ['per_page', 'page'],
      handle: (ctx) => {
        const { page, headers } = paginate(state.labels, ctx)
        return { status: 200, body: page.map(renderLabel), headers }
      },
    },

    'GET /repos/{owner}/{repo}/labels/{name}': {
      handle: (ctx) => {
        const label = findLabel(ctx.params.name)
        return label ? { status: 200, body: renderLabel(label) } : notFound()
      },
    },

    'POST /repos/{owner}/{repo}/labels': {
      body: ['name', 'color', 'description'],
      handle: (ctx) => {
        const { name, color, description } = ctx.body
        if (findLabel(name)) {
          return validationFailed([{ resource: 'Label', code: 'already_exists', field: 'name' }])
        }
        if (color !== undefined && !/^[0-9a-fA-F]{6}$/.test(color)) {
          return validationFailed([{ resource: 'Label', code: 'invalid', field: 'color' }])
        }
        if (typeof description === 'string' && description.length > 100) {
          return validationFailed([{ resource: 'Label', code: 'invalid', field: 'description' }])
        }
        const label = createLabel(name, (color ?? 'ededed').toLowerCase(), description ?? null)
        return {
          status: 201,
          body: renderLabel(label),
          headers: { location: `${api()}/labels/${encodeURIComponent(name)}` },
        }
      },
    },

    'POST /repos/{owner}/{repo}/issues/{issue_number}/labels': {
      body: ['labels'],
      handle: (ctx) => {
        const issue = issueOf(ctx)
        if (!issue) return notFound()
        for (const name of labelNames(ctx.body?.labels ?? [])) {
          const label = labelFor(name)
          if (!issue.labels.includes(label)) issue.labels.push(label)
        }
        issue.updated_at = now()
        return { status: 200, body: issue.labels.map(renderLabel) }
      },
    },

    'GET /repos/{owner}/{repo}/contents/{path}': {
      query: ['ref'],
      handle: (ctx) => {
        const ref = ctx.query.ref ?? defaultBranch
        const branch = ref.replace(/^(refs\/)?heads\//, '')
        const tree = state.files[branch] ?? trees.get(ref)
        if (!tree) return fail(404, `No commit found for the ref ${ref}`)
        const linkBranch = state.files[branch] ? branch : ref
        const path = ctx.params.path.replace(/^\/+|\/+$/g, '')
        const file = tree[path]
        if (file) {
          if (/application\/vnd\.github(\.v3)?\.raw/.test(ctx.accept)) {
            return { status: 200, raw: file.content, headers: { 'content-type': 'text/plain; charset=utf-8' } }
          }
          const b64 = Buffer.from(file.content, 'utf8').toString('base64')
          const wrapped = b64 ? `${b64.match(/.{1,60}/g)?.join('\n')}\n` : ''
          return {
            status: 200,
            body: { ...fileLinks(linkBranch, path, file), type: 'file', encoding: 'base64', content: wrapped },
          }
        }
        const prefix = path === '' ? '' : `${path}/`
        const entries = Object.keys(tree).filter((p) => p.startsWith(prefix))
        if (entries.length === 0) return notFound()
        /** @type {Map<string, Record<string, unknown>>} */
        const listing = new Map()
        for (const p of entries) {
          const rest = p.slice(prefix.length)
          const slash = rest.indexOf('/')
          if (slash === -1) {
            listing.set(rest, { ...fileLinks(linkBranch, p, tree[p]), type: 'file' })
          } else {
            const dir = prefix + rest.slice(0, slash)
            const sha = sha1(`dir ${linkBranch}:${dir}`)
            const self = `${api()}/contents/${encodePath(dir)}?ref=${encodeURIComponent(linkBranch)}`
            const git = `${api()}/git/trees/${sha}`
            const html = `${WEB}/${fullName}/tree/${encodePath(linkBranch)}/${encodePath(dir)}`
            listing.set(rest.slice(0, slash), {
              type: 'dir',
              size: 0,
              name: rest.slice(0, slash),
              path: dir,
              sha,
              url: self,
              git_url: git,
              html_url: html,
              download_url: null,
              _links: { self, git, html },
            })
          }
        }
        return { status: 200, body: [...listing.values()] }
      },
    },

    'PUT /repos/{owner}/{repo}/contents/{path}': {
      body: ['message', 'content', 'sha', 'branch', 'committer', 'author'],
      handle: (ctx) => {
        const b = ctx.body
        const branch = b.branch ?? defaultBranch
        const path = ctx.params.path.replace(/^\/+|\/+$/g, '')
        if (!/^[A-Za-z0-9+/\s]*={0,2}\s*$/.test(b.content)) return fail(422, 'content is not valid Base64')
        if (!(branch in state.branches)) return fail(404, `Branch ${branch} not found`)
        const current = state.files[branch][path]
        if (current && b.sha === undefined) return fail(422, 'Invalid request.\n\n"sha" wasn\'t supplied.')
        if (current && b.sha !== current.sha) return fail(409, `is at ${current.sha} but expected ${b.sha}`)
        if (state.protectedBranches.includes(branch)) {
          return fail(409, 'Changes must be made through a pull request.')
        }
        const content = Buffer.from(b.content, 'base64').toString('utf8')
        const author = b.committer ?? b.author ?? botAuthor
        const { sha, file, date, parent, existed } = commitFile(branch, path, content, b.message, {
          name: author.name,
          email: author.email,
        })
        const tree = sha1(`tree ${sha}`)
        const person = { name: author.name, email: author.email, date }
        return {
          status: existed ? 200 : 201,
          body: {
            content: fileLinks(branch, path, file),
            commit: {
              sha,
              node_id: nodeId('C', parseInt(sha.slice(0, 7), 16)),
              url: `${api()}/git/commits/${sha}`,
              html_url: `${WEB}/${fullName}/commit/${sha}`,
              author: person,
              committer: person,
              tree: { url: `${api()}/git/trees/${tree}`, sha: tree },
              message: b.message,
              parents: [
                { url: `${api()}/git/commits/${parent}`, html_url: `${WEB}/${fullName}/commit/${parent}`, sha: parent },
              ],
              verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
            },
          },
        }
      },
    },

    'GET /repos/{owner}/{repo}/git/ref/{ref}': {
      handle: (ctx) => {
        // an exact name only (the legacy git/refs/{ref} also matched prefixes)
        const t = /^tags\/(.+)$/.exec(ctx.params.ref)
        if (t) return tagRefs.has(t[1]) ? { status: 200, body: renderTagRef(t[1]) } : notFound()
        const m = /^heads\/(.+)$/.exec(ctx.params.ref)
        if (!m || !(m[1] in state.branches)) return notFound()
        return { status: 200, body: renderRef(m[1]) }
      },
    },

    'POST /repos/{owner}/{repo}/git/refs': {
      body: ['ref', 'sha'],
      handle: (ctx) => {
        const { ref, sha } = ctx.body
        if (!/^refs\/[^/]+\/.+/.test(ref)) return fail(422, 'Reference name is invalid')
        const t = /^refs\/tags\/(.+)$/.exec(ref)
        if (t) {
          if (tagRefs.has(t[1])) return fail(422, 'Reference already exists')
          if (!gitObjectType(sha)) return fail(422, 'Object does not exist')
          if (isProtectedTag(t[1])) {
            return fail(
              422,
              'Repository rule violations found\n\nCannot create ref due to creations being restricted.\n\n',
            )
          }
          tagRefs.set(t[1], sha)
          return {
            status: 201,
            body: renderTagRef(t[1]),
            headers: { location: `${api()}/git/refs/tags/${encodePath(t[1])}` },
          }
        }
        const m = /^refs\/heads\/(.+)$/.exec(ref)
        if (!m)
          return fail(501, `stand-in: only branches and tags (refs/heads/..., refs/tags/...) are emulated, not ${ref}`)
        if (m[1] in state.branches) return fail(422, 'Reference already exists')
        const tree = trees.get(sha)
        if (!tree) return fail(422, 'Object does not exist')
        state.branches[m[1]] = sha
        state.files[m[1]] = structuredClone(tree)
        return {
          status: 201,
          body: renderRef(m[1]),
          headers: { location: `${api()}/git/refs/heads/${encodePath(m[1])}` },
        }
      },
    },

    // ---- tags (git-tag target): routes ----
    // GitHub answers every matching ref at once, sorted by name, and ignores per_page
    // (github/docs#3863): no Link header here either.
    'GET /repos/{owner}/{repo}/git/matching-refs/{ref}': {
      handle: (ctx) => {
        const prefix = `refs/${ctx.params.ref}`
        const all = [
          ...Object.keys(state.branches).map((b) => ({ name: `refs/heads/${b}`, render: () => renderRef(b) })),
          ...[...tagRefs.keys()].map((t) => ({ name: `refs/tags/${t}`, render: () => renderTagRef(t) })),
        ]
        const list = all
          .filter((r) => r.name.startsWith(prefix))
          .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
        return { status: 200, body: list.map((r) => r.render()) }
      },
    },

    'GET /repos/{owner}/{repo}/git/tags/{tag_sha}': {
      handle: (ctx) =>
        tagObjects.has(ctx.params.tag_sha) ? { status: 200, body: renderTagObject(ctx.params.tag_sha) } : notFound(),
    },

    // REST docs, "List commits": `sha` (a branch or commit to start from; default the default
    // branch) and `path` (only commits that changed it), newest first, paginated. The stand-in
    // follows first parents (its histories are linear) and compares each commit's tree with its
    // parent's to tell whether the file changed.
    'GET /repos/{owner}/{repo}/commits': {
      query: ['sha', 'path', 'per_page', 'page'],
      handle: (ctx) => {
        const start = ctx.query.sha ?? defaultBranch
        const head =
          state.branches[start.replace(/^(refs\/)?heads\//, '')] ?? (commitMeta.has(start) ? start : undefined)
        if (!head) return fail(404, `No commit found for SHA: ${start}`)
        const path = ctx.query.path?.replace(/^\/+|\/+$/g, '')
        const list = []
        for (let c = head; c; c = commitMeta.get(c)?.parents[0]) {
          const parent = commitMeta.get(c)?.parents[0]
          const changed =
            path === undefined || trees.get(c)?.[path]?.sha !== (parent ? trees.get(parent)?.[path]?.sha : undefined)
          if (changed) list.push(c)
        }
        const { page, headers } = paginate(list, ctx)
        return { status: 200, body: page.map((sha) => renderCommit(sha)), headers }
      },
    },

    'GET /repos/{owner}/{repo}/git/commits/{commit_sha}': {
      handle: (ctx) =>
        commitMeta.has(ctx.params.commit_sha)
          ? { status: 200, body: renderGitCommit(ctx.params.commit_sha) }
          : notFound(),
    },

    'PATCH /repos/{owner}/{repo}/git/refs/{ref}': {
      body: ['sha', 'force'],
      handle: (ctx) => {
        const t = /^tags\/(.+)$/.exec(ctx.params.ref)
        if (!t) return fail(501, `stand-in: updating ${ctx.params.ref} is not emulated, only tags/...`)
        const name = t[1]
        const { sha, force } = ctx.body
        const current = tagRefs.get(name)
        if (current === undefined) return fail(422, 'Reference does not exist')
        if (!gitObjectType(sha)) return fail(422, 'Object does not exist')
        if (isProtectedTag(name))
          return fail(422, 'Repository rule violations found\n\nCannot update this protected ref.\n\n')
        if (force !== true && current !== sha && !isAncestor(peelObject(current), peelObject(sha))) {
          return fail(422, 'Update is not a fast forward')
        }
        tagRefs.set(name, sha)
        return { status: 200, body: renderTagRef(name) }
      },
    },
    // ---- end of tags routes ----

    'GET /repos/{owner}/{repo}/branches/{branch}': {
      handle: (ctx) => {
        const name = ctx.params.branch
        if (!(name in state.branches)) return fail(404, 'Branch not found')
        const isProtected = state.protectedBranches.includes(name)
        return {
          status: 200,
          body: {
            name,
            commit: renderCommit(state.branches[name]),
            _links: {
              html: `${WEB}/${fullName}/tree/${encodePath(name)}`,
              self: `${api()}/branches/${encodePath(name)}`,
            },
            protected: isProtected,
            protection: {
              enabled: isProtected,
              required_status_checks: { enforcement_level: 'off', contexts: [], checks: [] },
            },
            protection_url: `${api()}/branches/${encodePath(name)}/protection`,
          },
        }
      },
    },

    'GET /repos/{owner}/{repo}/pulls': {
      query: ['state', 'head', 'base', 'sort', 'direction', 'per_page', 'page'],
      handle: (ctx) => {
        const q = ctx.query
        const st = q.state ?? 'open'
        // Like GitHub, `head` only filters in the `owner:branch` form; a bare branch name
        // is ignored and every pull request comes back.
        const head = q.head?.includes(':') ? q.head : undefined
        let list = state.pulls.filter(
          (p) =>
            (st === 'all' || p.state === st) &&
            (head === undefined || `${owner}:${p.head}`.toLowerCase() === head.toLowerCase()) &&
            (q.base === undefined || p.base === q.base),
        )
        const sort = q.sort ?? 'created'
        if (sort === 'popularity' || sort === 'long-running') {
          return fail(501, `stand-in: sorting pull requests by ${sort} is not emulated`)
        }
        list = list.sort((a, b) => compareBy(a, b, sort))
        // GitHub: desc by default when sorting by creation, asc otherwise
        if ((q.direction ?? (sort === 'created' ? 'desc' : 'asc')) === 'desc') list.reverse()
        const { page, headers } = paginate(list, ctx)
        return { status: 200, body: page.map((p) => renderPull(p, false)), headers }
      },
    },

    'POST /repos/{owner}/{repo}/pulls': {
      body: ['title', 'head', 'base', 'body', 'draft', 'maintainer_can_modify'],
      handle: (ctx) => {
        const b = ctx.body
        if (!state.allowPullRequestCreation) {
          return fail(403, 'GitHub Actions is not permitted to create or approve pull requests.')
        }
        if (b.title === undefined || b.title === '') {
          return validationFailed([{ resource: 'PullRequest', code: 'missing_field', field: 'title' }])
        }
        if (b.head === undefined) {
          return validationFailed([{ resource: 'PullRequest', code: 'missing_field', field: 'head' }])
        }
        if (b.base === undefined) {
          return validationFailed([{ resource: 'PullRequest', code: 'missing_field', field: 'base' }])
        }
        const headMatch = /^([^:]+):(.+)$/.exec(b.head)
        const headBranch = headMatch ? headMatch[2] : b.head
        const headOwner = headMatch ? headMatch[1] : owner
        if (!(b.base in state.branches)) {
          return validationFailed([{ resource: 'PullRequest', field: 'base', code: 'invalid' }])
        }
        if (headOwner.toLowerCase() !== owner.toLowerCase() || !(headBranch in state.branches)) {
          return validationFailed([{ resource: 'PullRequest', field: 'head', code: 'invalid' }])
        }
        if (state.pulls.some((p) => p.state === 'open' && p.head === headBranch && p.base === b.base)) {
          return validationFailed([
            {
              resource: 'PullRequest',
              code: 'custom',
              message: `A pull request already exists for ${owner}:${headBranch}.`,
            },
          ])
        }
        if (commitsAhead(state.branches[headBranch], state.branches[b.base]).length === 0) {
          return validationFailed([
            { resource: 'PullRequest', code: 'custom', message: `No commits between ${b.base} and ${headBranch}` },
          ])
        }
        const number = nextNumber++
        const ts = now()
        const html = `${WEB}/${fullName}/pull/${number}`
        const pullId = id()
        /** @type {Pull} */
        const pull = {
          id: pullId,
          node_id: nodeId('PR', pullId),
          number,
          head: headBranch,
          base: b.base,
          head_sha: state.branches[headBranch],
          base_sha: state.branches[b.base],
          title: b.title,
          body: b.body ?? null,
          state: 'open',
          draft: b.draft ?? false,
          maintainer_can_modify: b.maintainer_can_modify ?? false,
          user: ctx.login,
          html_url: html,
          created_at: ts,
          updated_at: ts,
          closed_at: null,
          merged_at: null,
        }
        state.pulls.push(pull)
        const issueId = id()
        state.issues.push({
          id: issueId,
          node_id: nodeId('I', issueId),
          number,
          title: b.title,
          body: b.body ?? null,
          state: 'open',
          state_reason: null,
          labels: [],
          assignees: [],
          comments: [],
          user: ctx.login,
          locked: false,
          created_at: ts,
          updated_at: ts,
          closed_at: null,
          closed_by: null,
          html_url: html,
          pull_request: {
            url: `${api()}/pulls/${number}`,
            html_url: html,
            diff_url: `${html}.diff`,
            patch_url: `${html}.patch`,
            merged_at: null,
          },
        })
        return { status: 201, body: renderPull(pull, true), headers: { location: `${api()}/pulls/${number}` } }
      },
    },

    // ---- releases (routes; their state and renderers are in the `releases` block below) ----
    'GET /repos/{owner}/{repo}/releases': {
      // like GitHub: newest first, paginated (per_page at most 100, Link headers); drafts are
      // listed (the tokens here can push)
      query: ['per_page', 'page'],
      handle: (ctx) => {
        const list = [...releaseStore.list].sort((a, b) =>
          a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : b.id - a.id,
        )
        const { page, headers } = paginate(list, ctx)
        const reply = { status: 200, body: page.map(renderRelease), headers }
        for (const r of page) releaseStore.hook?.('list', r)
        return reply
      },
    },

    'GET /repos/{owner}/{repo}/releases/tags/{tag}': {
      // like GitHub: a draft has no tag yet, so only published releases are found by tag
      handle: (ctx) =>
        releaseReply(
          'tag',
          releaseStore.list.find((r) => !r.draft && r.tag_name === ctx.params.tag),
        ),
    },

    'GET /repos/{owner}/{repo}/releases/latest': {
      handle: () => releaseReply('latest', latestRelease()),
    },

    'GET /repos/{owner}/{repo}/releases/{release_id}': {
      handle: (ctx) => releaseReply('get', releaseOf(ctx)),
    },

    'PATCH /repos/{owner}/{repo}/releases/{release_id}': {
      body: ['name', 'body', 'make_latest'],
      handle: (ctx) => {
        const release = releaseOf(ctx)
        if (!release) return releaseReply('update', undefined)
        const b = ctx.body ?? {}
        if (b.make_latest === 'true' && !latestEligible(release)) {
          return validationFailed([
            {
              resource: 'Release',
              code: 'custom',
              field: 'make_latest',
              message: 'Drafts and prereleases cannot be set as latest.',
            },
          ])
        }
        if (b.name !== undefined) release.name = b.name
        if (b.body !== undefined) release.body = b.body
        // Without make_latest an edit leaves "latest" alone (GitHub's default `true` is for
        // newly published releases); with it, the repository's explicit choice changes.
        if (b.make_latest !== undefined) setMakeLatest(release, b.make_latest)
        release.updated_at = now()
        return releaseReply('update', release)
      },
    },
  }

  // ---- releases ----------------------------------------------------------------------
  // GitHub Releases: state, GitHub's "latest" rule, renderers, and the test helpers
  // exposed as `standin.releases`.
  /** @type {{ list: Release[], pinnedLatest: number | null, hook: ((op: ReleaseOp, release: Release | undefined) => void) | undefined }} */
  const releaseStore = { list: [], pinnedLatest: null, hook: undefined }

  /** drafts and prereleases are never "latest" @param {Release} r */
  const latestEligible = (r) => !r.draft && !r.prerelease

  /**
   * GitHub's rule: the release explicitly made latest (make_latest "true"), while it is
   * still a published full release; otherwise the most recently created published full
   * release that was not opted out with make_latest "false".
   * @returns {Release | undefined}
   */
  const latestRelease = () => {
    const pinned = releaseStore.list.find((r) => r.id === releaseStore.pinnedLatest)
    if (pinned && latestEligible(pinned)) return pinned
    return releaseStore.list
      .filter((r) => latestEligible(r) && !r.notLatest)
      .sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : b.id - a.id))[0]
  }

  /** @param {Release} release @param {'true' | 'false' | 'legacy'} value */
  const setMakeLatest = (release, value) => {
    if (value === 'true') {
      releaseStore.pinnedLatest = release.id
      release.notLatest = false
    } else if (value === 'false') {
      release.notLatest = true
      if (releaseStore.pinnedLatest === release.id) releaseStore.pinnedLatest = null
    } else {
      releaseStore.pinnedLatest = null
      release.notLatest = false
    }
  }

  /** @param {Ctx} ctx */
  const releaseOf = (ctx) => releaseStore.list.find((r) => r.id === Number(ctx.params.release_id))

  /** @param {Release} r */
  const renderRelease = (r) => {
    const a = `${api()}/releases/${r.id}`
    const tag = encodeURIComponent(r.tag_name)
    return {
      url: a,
      html_url: `${WEB}/${fullName}/releases/tag/${tag}`,
      assets_url: `${a}/assets`,
      upload_url: `https://uploads.github.com/repos/${fullName}/releases/${r.id}/assets{?name,label}`,
      tarball_url: r.draft ? null : `${api()}/tarball/${tag}`,
      zipball_url: r.draft ? null : `${api()}/zipball/${tag}`,
      id: r.id,
      node_id: r.node_id,
      tag_name: r.tag_name,
      target_commitish: r.target_commitish,
      name: r.name,
      body: r.body,
      draft: r.draft,
      prerelease: r.prerelease,
      immutable: r.immutable,
      created_at: r.created_at,
      published_at: r.published_at,
      updated_at: r.updated_at,
      author: renderUser(r.author),
      assets: [],
    }
  }

  /**
   * The reply for a release route; then the test's hook sees what was served (a hook that
   * edits the release acts "between this read and the next request").
   * @param {ReleaseOp} op @param {Release | undefined} release @returns {Reply}
   */
  const releaseReply = (op, release) => {
    const reply = release ? { status: 200, body: renderRelease(release) } : notFound()
    releaseStore.hook?.(op, release)
    return reply
  }

  /** @type {ReleasesStandin} */
  const releaseTools = {
    list: releaseStore.list,
    create(seed) {
      const releaseId = id()
      const draft = seed.draft ?? false
      const at = seed.created_at ?? now()
      /** @type {Release} */
      const release = {
        id: releaseId,
        node_id: nodeId('RE', releaseId),
        tag_name: seed.tag_name,
        target_commitish: seed.target_commitish ?? defaultBranch,
        name: seed.name === undefined ? seed.tag_name : seed.name,
        body: seed.body ?? null,
        draft,
        prerelease: seed.prerelease ?? false,
        immutable: seed.immutable ?? false,
        created_at: at,
        published_at: draft ? null : at,
        updated_at: at,
        author: seed.author ?? 'octocat',
        notLatest: false,
      }
      releaseStore.list.push(release)
      // like creating it through the API: make_latest defaults to "true" for a published full release
      const makeLatest = seed.make_latest ?? 'true'
      if (!draft && !(makeLatest === 'true' && !latestEligible(release))) setMakeLatest(release, makeLatest)
      return release
    },
    byTag: (tag) => releaseStore.list.find((r) => r.tag_name === tag),
    latest: () => latestRelease(),
    makeLatest: (release, value) => setMakeLatest(release, value),
    afterServe(hook) {
      releaseStore.hook = hook
    },
  }

  // ---- HTTP ------------------------------------------------------------------------
  let requestCounter = 0

  /**
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   */
  const handle = async (req, res) => {
    const chunks = []
    for await (const chunk of req) chunks.push(chunk)
    const rawBody = Buffer.concat(chunks).toString('utf8')
    const method = (req.method ?? 'GET').toUpperCase()
    const target = new URL(req.url ?? '/', 'http://stand-in.invalid')
    let rawPath = target.pathname
    if (apiPrefix) {
      if (rawPath !== apiPrefix && !rawPath.startsWith(`${apiPrefix}/`)) {
        violations.push(`outside the API prefix ${apiPrefix}: ${method} ${rawPath}`)
        requests.push({ method, path: rawPath, rawPath, query: {}, body: undefined, status: 404, headers: req.headers })
        res.writeHead(404, { 'content-type': 'text/html' })
        res.end('<html>Not Found</html>')
        return
      }
      rawPath = rawPath.slice(apiPrefix.length) || '/'
    }
    let path = rawPath
    try {
      path = decodeURIComponent(rawPath)
    } catch {
      // keep it as received
    }
    /** @type {Record<string, string>} */
    const query = {}
    for (const [k, v] of target.searchParams) query[k] = v
    const body = { present: rawBody.length > 0, json: false, value: /** @type {unknown} */ (undefined) }
    if (body.present) {
      try {
        body.value = JSON.parse(rawBody)
        body.json = true
      } catch {
        body.value = rawBody
      }
    }
    /** @type {RecordedRequest} */
    const record = { method, path, rawPath, query, body: body.value, status: 0, headers: req.headers }
    requests.push(record)
    currentDocs = DOCS

    /** @param {Reply} reply */
    const send = (reply) => {
      record.status = reply.status
      const remaining = Math.max(5000 - ++requestCounter, 1)
      /** @type {Record<string, string>} */
      const headers = {
        'x-github-request-id': `STANDIN:${requestCounter}`,
        'x-github-media-type': 'github.v3; format=json',
        'x-ratelimit-limit': '5000',
        'x-ratelimit-remaining': String(remaining),
        'x-ratelimit-used': String(5000 - remaining),
        'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
        'x-ratelimit-resource': 'core',
      }
      let payload = ''
      if (reply.raw !== undefined) {
        payload = reply.raw
      } else if (reply.body !== undefined && reply.status !== 204) {
        payload = JSON.stringify(reply.body)
        headers['content-type'] = 'application/json; charset=utf-8'
      }
      for (const [k, v] of Object.entries(reply.headers ?? {})) headers[k.toLowerCase()] = v
      headers['content-length'] = String(Buffer.byteLength(payload))
      res.writeHead(reply.status, headers)
      res.end(payload)
    }
    /** @param {string} problem */
    const violation = (problem) => {
      const message = `${method} ${path}: ${problem}`
      violations.push(message)
      return message
    }

    const check = checkRequest(c, method, rawPath, query, body)
    if (!check.known) {
      const message = check.problems.map(violation).join('; ')
      return send(fail(422, `stand-in: request does not fit the GitHub OpenAPI description: ${message}`))
    }
    const operation = /** @type {Operation} */ (check.operation)
    currentDocs = operation.docsUrl

    const auth = /^(?:token|bearer)\s+(.+)$/i.exec(String(req.headers.authorization ?? ''))
    const login = auth ? identities.get(auth[1].trim()) : undefined
    if (!login) {
      return send({
        status: 401,
        body: { message: 'Bad credentials', documentation_url: DOCS, status: '401' },
      })
    }

    if (check.problems.length > 0) {
      const messages = check.problems.map((p) => violation(`${p} [${operation.operationId}]`))
      return send(fail(422, `stand-in: request does not fit the GitHub OpenAPI description: ${messages.join('; ')}`))
    }

    if ('owner' in check.params || 'repo' in check.params) {
      if (
        check.params.owner?.toLowerCase() !== owner.toLowerCase() ||
        check.params.repo?.toLowerCase() !== repoName.toLowerCase()
      ) {
        return send(notFound())
      }
    }

    const routeKey = `${method} ${operation.template}`
    const route = routes[routeKey]
    if (!route) {
      violation(`unimplemented: ${routeKey}`)
      return send(fail(501, `stand-in: ${routeKey} is a real GitHub endpoint, but it is not emulated`))
    }
    const unsupported = [
      ...Object.keys(query)
        .filter((k) => !(route.query ?? []).includes(k))
        .map((k) => `query parameter ${k}`),
      ...(body.value && typeof body.value === 'object' && !Array.isArray(body.value)
        ? Object.entries(body.value)
            .filter(([k, v]) => v !== null && v !== undefined && !(route.body ?? []).includes(k))
            .map(([k]) => `body field ${k}`)
        : []),
    ]
    if (unsupported.length > 0) {
      violation(`unimplemented: ${routeKey} with ${unsupported.join(', ')}`)
      return send(fail(501, `stand-in: ${routeKey} is emulated, but not with ${unsupported.join(', ')}`))
    }

    const rule = failRules.find(
      (r) =>
        r.remaining > 0 &&
        (r.method === undefined || r.method.toUpperCase() === method) &&
        (r.path.test(path) || r.path.test(rawPath)),
    )
    if (rule) {
      rule.remaining--
      if (rule.remaining === 0) failRules.splice(failRules.indexOf(rule), 1)
    }
    if (rule && !rule.applyFirst) {
      return send({
        status: rule.status,
        body: rule.body ?? { message: STATUS_CODES[rule.status] ?? 'Error', documentation_url: DOCS },
        headers: rule.headers,
      })
    }

    /** @type {Ctx} */
    const ctx = {
      params: check.params,
      query,
      body: body.value,
      accept: String(req.headers.accept ?? ''),
      pathname: rawPath,
      login,
    }
    const reply = route.handle(ctx)
    if (rule) {
      return send({
        status: rule.status,
        body: rule.body ?? { message: STATUS_CODES[rule.status] ?? 'Error', documentation_url: DOCS },
        headers: rule.headers,
      })
    }
    if (validateResponses && reply.raw === undefined) {
      for (const problem of checkResponse(c, operation, reply.status, reply.body)) {
        violation(`response: ${reply.status} ${problem} [${operation.operationId}]`)
      }
    }
    send(reply)
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((/** @type {unknown} */ err) => {
      const message = `stand-in internal error on ${req.method} ${req.url}: ${err instanceof Error ? err.stack : err}`
      violations.push(message)
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' })
        res.end(JSON.stringify({ message }))
      } else {
        res.destroy()
      }
    })
  })
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve(undefined))
  })
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address())
  url = `http://127.0.0.1:${port}${apiPrefix}`
  for (const name of options.labels ?? []) createLabel(name)

  return {
    url,
    state,
    requests,
    tags: tagHelpers,
    violations,
    releases: releaseTools,
    failNext(rule) {
      if (!(rule.path instanceof RegExp)) throw new TypeError('failNext: path must be a RegExp')
      failRules.push({ ...rule, remaining: rule.times ?? 1 })
    },
    async stop() {
      await new Promise((resolve) => {
        server.close(() => resolve(undefined))
        server.closeAllConnections()
      })
    },
  }
}
