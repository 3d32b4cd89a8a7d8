// Registry and token the way npm finds them: flag, npm_config_registry, the project's
// .npmrc, the user's ~/.npmrc; a scope's own registry for scoped packages; the token
// scoped to the registry (//host/path/:_authToken), with ${VAR} expansion as npm does.
import { readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'ini'
import { DEFAULT_REGISTRY } from '../../config/inputs.js'

type Rc = Record<string, unknown>

function readRc(path: string, env: NodeJS.ProcessEnv): Rc {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch {
    return {}
  }
  const raw = parse(text) as Rc
  const expanded: Rc = {}
  for (const [k, v] of Object.entries(raw)) {
    expanded[k] = typeof v === 'string' ? v.replace(/\$\{([^}]+)\}/g, (_, name: string) => env[name] ?? '') : v
  }
  return expanded
}

export interface NpmConfig {
  registry: string
  token?: string
  /** where the token came from, for messages (never the token) */
  tokenSource?: string
}

export function resolveNpmConfig(opts: {
  packageName?: string
  registryFlag?: string
  cwd: string
  env: NodeJS.ProcessEnv
}): NpmConfig {
  const { env, cwd } = opts
  const userPath = env.NPM_CONFIG_USERCONFIG || env.npm_config_userconfig || join(env.HOME || homedir(), '.npmrc')
  // later wins: user, then project (npm's order of precedence, project over user)
  const rc: Rc = { ...readRc(userPath, env), ...readRc(join(cwd, '.npmrc'), env) }
  const scope = opts.packageName?.startsWith('@') ? opts.packageName.split('/')[0] : undefined
  const fromRc = (scope && typeof rc[`${scope}:registry`] === 'string' ? rc[`${scope}:registry`] : rc.registry) as
    | string
    | undefined
  const registry = opts.registryFlag || env.npm_config_registry || env.NPM_CONFIG_REGISTRY || fromRc || DEFAULT_REGISTRY

  const envToken = (env.NPM_TOKEN || env.NODE_AUTH_TOKEN || '').trim()
  if (envToken) return { registry, token: envToken, tokenSource: env.NPM_TOKEN ? 'NPM_TOKEN' : 'NODE_AUTH_TOKEN' }
  // the longest //host/path/ key that is a prefix of the registry URL, as npm matches it
  let url: URL
  try {
    url = new URL(registry)
  } catch {
    return { registry }
  }
  const target = `//${url.host}${url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`}`
  let best: { key: string; token: string } | undefined
  for (const [k, v] of Object.entries(rc)) {
    const m = /^(\/\/.+):_authToken$/.exec(k)
    if (!m || typeof v !== 'string' || v === '') continue
    const prefix = m[1].endsWith('/') ? m[1] : `${m[1]}/`
    if (target.startsWith(prefix) && (!best || prefix.length > best.key.length)) best = { key: prefix, token: v }
  }
  return best ? { registry, token: best.token, tokenSource: `.npmrc (${best.key})` } : { registry }
}
