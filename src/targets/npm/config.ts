// The npm kind's own settings: the package names (package, packages, workspaces), the
// dist-tag, the registry and the credential (npm-token or trusted publishing). Parsed and
// checked here, before anything touches a registry.
import { globSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import semver from 'semver'
import validateName from 'validate-npm-package-name'
import { InputError } from '../../core/errors.js'
import type { InputReader } from '../../core/reader.js'
import type { NpmRequest } from '../../core/request.js'
import { currentDialect, setting, setTo, settingName } from '../../core/settings.js'
import { idTokenAvailable } from './oidc.js'

export const DEFAULT_REGISTRY = 'https://registry.npmjs.org/'

/** An npm package name as the registry knows it (old packages' names, capitals, are accepted). */
export function parsePackageName(name: string, raw: string): string {
  const pkg = raw.trim()
  const result = validateName(pkg)
  if (pkg === '' || !result.validForOldPackages) {
    const why = [...(result.errors ?? []), ...(result.warnings ?? [])].join('; ')
    throw new InputError(
      name,
      `${JSON.stringify(raw.slice(0, 80))} is not a valid npm package name${why ? ` (${why})` : ''}.`,
      'give the package name exactly as published, such as acme-widget or @acme/widget.',
    )
  }
  return pkg
}

/** npm writes need a token (a dry run does not). */
export function requireNpmToken(token: string | undefined): void {
  if (token !== undefined) return
  throw new InputError(
    'npm-token',
    'is empty: moving a dist-tag and deprecating need a token with write access to the package.',
    `${setTo('npm-token')} (a granular token with read and write access to the package and "bypass 2FA", or a "read and write (stage only)" one)${currentDialect() === 'action' ? ` (trusted publishing, permissions: id-token: write, can only publish: it serves ${setting('strategy', 'republish')} with ${setting('deprecate', 'false')}, never a retag)` : ''}, or ${setTo('dry-run', 'true')} to only see the plan.`,
  )
}

/** A dist-tag: URL-safe, and not something npm would read as a version range. */
export function parseChannel(name: string, raw: string): string {
  const tag = raw.trim()
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(tag)) {
    throw new InputError(
      name,
      `${JSON.stringify(raw.slice(0, 80))} is not a valid dist-tag.`,
      `use a tag name such as latest, beta, next or canary (letters, digits, '.', '_', '-').`,
    )
  }
  if (semver.validRange(tag) !== null) {
    throw new InputError(
      name,
      `"${tag}" reads as a semver range, which npm refuses as a dist-tag.`,
      `use a tag name such as latest or beta; put versions in ${settingName('rollback-version')} and ${settingName('restore-version')}.`,
    )
  }
  return tag
}

export function parseRegistry(name: string, raw: string): string {
  const value = raw.trim() || DEFAULT_REGISTRY
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new InputError(
      name,
      `${JSON.stringify(value.slice(0, 120))} is not a URL.`,
      `use the registry's URL, such as ${DEFAULT_REGISTRY}.`,
    )
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError(name, `${url.protocol} is not supported.`, 'use an https:// registry URL.')
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new InputError(
      name,
      'must not carry credentials, a query or a fragment.',
      `${setTo('npm-token')} and give the bare registry URL.`,
    )
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)
  if (url.protocol === 'http:' && !loopback) {
    throw new InputError(
      name,
      `${url.host} is plain http: the token would cross the network unencrypted.`,
      'use the https:// URL of the registry.',
    )
  }
  if (!url.pathname.endsWith('/')) url.pathname += '/'
  return url.toString()
}

/**
 * The npm workspaces of the repository (package.json `workspaces`, an array or
 * `{ packages: [...] }` of globs), leaving out private packages, which are never published.
 */
export function workspacePackages(dir: string): string[] {
  let root: { workspaces?: string[] | { packages?: string[] } }
  try {
    root = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
  } catch {
    throw new InputError(
      'packages',
      `is workspaces, but ${join(dir, 'package.json')} cannot be read.`,
      'check out the repository before this step, or list the packages.',
    )
  }
  const globs = Array.isArray(root.workspaces) ? root.workspaces : (root.workspaces?.packages ?? [])
  if (globs.length === 0)
    throw new InputError(
      'packages',
      'is workspaces, but package.json declares no workspaces.',
      'list the packages instead (comma or newline separated).',
    )
  const names: string[] = []
  for (const g of globs) {
    for (const found of globSync(`${g.replace(/\/+$/, '')}/package.json`, { cwd: dir })) {
      try {
        const manifest = JSON.parse(readFileSync(join(dir, found), 'utf8')) as { name?: string; private?: boolean }
        if (manifest.name && !manifest.private) names.push(parsePackageName('packages', manifest.name))
      } catch (e) {
        if (e instanceof InputError) throw e
      }
    }
  }
  const unique = [...new Set(names)].sort()
  if (unique.length === 0)
    throw new InputError(
      'packages',
      'is workspaces, but no public workspace package was found.',
      'list the packages instead.',
    )
  return unique
}

/** The package's name from package.json in the workspace, for the `package` default. */
export function packageNameFromWorkspace(dir: string): string {
  const file = join(dir, 'package.json')
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    throw new InputError(
      'package',
      `is not set and there is no package.json in ${dir}.`,
      currentDialect() === 'action'
        ? 'set the package input, or check out the repository before this step.'
        : "pass --package, or run it in the package's folder.",
    )
  }
  let name: unknown
  try {
    name = (JSON.parse(text) as { name?: unknown }).name
  } catch {
    throw new InputError('package', `is not set and ${file} is not valid JSON.`, `${setTo('package')}.`)
  }
  if (typeof name !== 'string' || name === '') {
    throw new InputError('package', `is not set and ${file} has no name.`, `${setTo('package')}.`)
  }
  return name
}

/** At most this many packages in one incident. */
const MAX_PACKAGES = 100

/**
 * `target: npm` (the default) with no targets input: the packages input (a list, or
 * `workspaces`), else the package input, else the workspace's package.json.
 */
export function readNpmShorthand(
  get: InputReader,
  env: NodeJS.ProcessEnv,
): { packageName: string; packageNames: string[]; fromWorkspaces: boolean } {
  const packagesRaw = get('packages').trim()
  const packageRaw = get('package')
  const workspace = env.GITHUB_WORKSPACE || process.cwd()
  let packageNames: string[]
  let fromWorkspaces = false
  if (packagesRaw === 'workspaces') {
    packageNames = workspacePackages(workspace)
    fromWorkspaces = true
  } else {
    const listed = [
      ...new Set(
        [packagesRaw, packageRaw]
          .join('\n')
          .split(/[,\n]/)
          .map((p) => p.trim())
          .filter(Boolean),
      ),
    ]
    packageNames =
      listed.length > 0
        ? listed.map((p) => parsePackageName(packagesRaw ? 'packages' : 'package', p))
        : [parsePackageName('package', packageNameFromWorkspace(workspace))]
  }
  if (packageNames.length > MAX_PACKAGES)
    throw new InputError(
      'packages',
      `lists ${packageNames.length} packages; the limit is ${MAX_PACKAGES}.`,
      'split the incident into several runs.',
    )
  return { packageName: packageNames[0], packageNames, fromWorkspaces }
}

/**
 * The npm kind's part of the request: the registry (when npm targets are, or may be, among the
 * incident's), and the credential: npm-token (or NODE_AUTH_TOKEN, what actions/setup-node
 * users already have), else trusted publishing when the job may ask for an ID token. npm
 * writes need one of them (a dry run and a hand-off do not).
 */
export function readNpmRequest(
  get: InputReader,
  env: NodeJS.ProcessEnv,
  ctx: { present: boolean; maybe: boolean; dryRun: boolean; handoff: boolean },
): NpmRequest {
  const registry = ctx.maybe ? parseRegistry('registry', get('registry')) : ''
  const tokenRaw = get('npm-token').trim() || (env.NODE_AUTH_TOKEN ?? '').trim()
  if (/\s/.test(tokenRaw)) {
    throw new InputError(
      'npm-token',
      'contains whitespace.',
      'paste the token alone, with no "Bearer " prefix or newline.',
    )
  }
  const npmToken = tokenRaw === '' ? undefined : tokenRaw
  // tokenless: trusted publishing, where the runner offers the job an ID token. By incident id
  // with no target named, the record says whether npm is among them (undoInputs checks then)
  const npmOidc = npmToken === undefined && !ctx.dryRun && ctx.maybe && idTokenAvailable(env)
  if (!ctx.dryRun && !ctx.handoff && ctx.present && !npmOidc) requireNpmToken(npmToken)
  return { registry, npmToken, ...(npmOidc ? { npmOidc } : {}) }
}
