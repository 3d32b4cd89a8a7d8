// Runs the real package installers (npm, pnpm, Yarn 1, Yarn 4, bun) against a test
// registry, each in a scratch project with its own HOME, cache and registry config, and
// reads back which version of a package each one put in node_modules. The fixture code
// publishes the releases; the rollback itself is made by the built action (rollBack). Used
// by installers.test.ts, which checks the installer table's claims against what they do.
import { execFile, execFileSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { publishPackage } from './fixtures.mjs'
import { runAction } from './run-action.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const modules = join(root, 'node_modules')

/** the Node the JavaScript clients run on: the `node` devDependency, else this one */
const nodeBin = existsSync(join(modules, 'node', 'bin', 'node'))
  ? join(modules, 'node', 'bin', 'node')
  : process.execPath

/** @param {string} what @param {string} file @param {string} fix */
function need(what, file, fix) {
  if (!existsSync(file)) throw new Error(`${what} is not installed (${file} is missing): ${fix}`)
  return file
}

/** The npm CLI on PATH (the machine's npm; the `node` devDependency ships only node). */
function npmCli() {
  let bin
  try {
    bin = execFileSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim()
  } catch {
    throw new Error('npm is not on PATH: the installer matrix runs the real npm CLI. Install Node.js with npm.')
  }
  return realpathSync(bin)
}

const FIX = 'run `npm ci` in the repository (the installer clients are devDependencies)'

/**
 * The commands of one client. `gate` names its release-age setting, if it has one.
 * @typedef {'npm' | 'pnpm' | 'yarn1' | 'yarn4' | 'bun'} Client
 * @typedef {{ cmd: string[], gate?: string, add: (pkg: string) => string[], install: string[],
 *   frozen: string[], update: (pkg: string) => string[] }} ClientSpec
 * @returns {Record<Client, ClientSpec>}
 */
export function clients() {
  const npm = npmCli()
  return {
    npm: {
      cmd: npm.endsWith('.js') ? [nodeBin, npm] : [npm],
      add: (pkg) => ['install', pkg],
      install: ['install'],
      frozen: ['ci'],
      update: () => ['update'],
    },
    pnpm: {
      cmd: [need('pnpm', join(modules, 'pnpm', 'pnpm'), FIX)],
      gate: 'minimumReleaseAge',
      add: (pkg) => ['add', pkg],
      install: ['install'],
      frozen: ['install', '--frozen-lockfile'],
      update: () => ['update'],
    },
    yarn1: {
      cmd: [
        nodeBin,
        need('Yarn 1', join(modules, 'yarn', 'bin', 'yarn.js'), FIX),
        '--non-interactive',
        '--no-progress',
      ],
      add: (pkg) => ['add', pkg],
      install: ['install'],
      frozen: ['install', '--frozen-lockfile'],
      update: () => ['upgrade'],
    },
    yarn4: {
      cmd: [nodeBin, need('Yarn 4', join(modules, '@yarnpkg', 'cli-dist', 'bin', 'yarn.js'), FIX)],
      gate: 'npmMinimalAgeGate',
      add: (pkg) => ['add', pkg],
      install: ['install'],
      frozen: ['install', '--immutable'],
      update: (pkg) => ['up', pkg],
    },
    bun: {
      cmd: [
        need(
          'bun',
          join(modules, 'bun', 'bin', 'bun.exe'),
          `${FIX}; bun's binary comes from its optional dependency @oven/bun-linux-x64 (optional dependencies must not be omitted)`,
        ),
      ],
      add: (pkg) => ['add', pkg],
      install: ['install'],
      frozen: ['install', '--frozen-lockfile'],
      update: () => ['update'],
    },
  }
}

/** @param {ClientSpec} spec @returns {string} the client's version, as it reports it */
export function clientVersion(spec) {
  const [cmd, ...args] = spec.cmd.filter((a) => !a.startsWith('--'))
  return execFileSync(cmd, [...args, '--version'], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: tmpdir() },
    cwd: tmpdir(),
    timeout: 60_000,
  }).trim()
}

/**
 * A client's own HOME and cache, reused by all its runs (runs of one client must not
 * overlap: Yarn 1's cache is not safe for concurrent writers).
 * @param {string} base @param {Client} client
 */
export function clientHome(base, client) {
  const home = join(base, `home-${client}`)
  mkdirSync(join(home, 'cache'), { recursive: true })
  mkdirSync(join(home, 'tmp'), { recursive: true })
  writeFileSync(join(home, 'user-npmrc'), '')
  writeFileSync(join(home, 'global-npmrc'), '')
  return home
}

/** @param {Client} client @param {string} home */
function environment(client, home) {
  // nothing from the caller's environment but PATH: npm_config_*, CI, YARN_* and
  // NODE_OPTIONS (jest sets it) all change what a client does
  /** @type {Record<string, string>} */
  const env = {
    PATH: `${dirname(nodeBin)}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    HOME: home,
    TMPDIR: join(home, 'tmp'),
    XDG_CONFIG_HOME: join(home, 'config'),
    XDG_CACHE_HOME: join(home, 'cache'),
    XDG_DATA_HOME: join(home, 'data'),
    XDG_STATE_HOME: join(home, 'state'),
    LANG: 'C.UTF-8',
    NO_COLOR: '1',
    npm_config_userconfig: join(home, 'user-npmrc'),
    npm_config_globalconfig: join(home, 'global-npmrc'),
    npm_config_update_notifier: 'false',
  }
  if (process.env.SSL_CERT_FILE) env.SSL_CERT_FILE = process.env.SSL_CERT_FILE
  if (client === 'npm')
    Object.assign(env, {
      npm_config_cache: join(home, 'cache', 'npm'),
      npm_config_audit: 'false',
      npm_config_fund: 'false',
    })
  if (client === 'yarn1') env.YARN_CACHE_FOLDER = join(home, 'cache', 'yarn1')
  if (client === 'yarn4')
    Object.assign(env, {
      YARN_ENABLE_TELEMETRY: '0',
      YARN_ENABLE_PROGRESS_BARS: '0',
      YARN_ENABLE_GLOBAL_CACHE: '1',
      YARN_GLOBAL_FOLDER: join(home, 'yarn4-global'),
    })
  if (client === 'bun') env.BUN_INSTALL_CACHE_DIR = join(home, 'cache', 'bun')
  return env
}

/**
 * Writes a scratch project's package.json and registry config for one client.
 * @param {{ dir: string, client: Client, home: string, registry: string, dependencies?: Record<string, string>, gate: boolean }} p
 */
export function writeProject({ dir, client, home, registry, dependencies, gate }) {
  mkdirSync(dir, { recursive: true })
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify(
      { name: 'scratch', version: '1.0.0', private: true, ...(dependencies ? { dependencies } : {}) },
      null,
      2,
    ),
  )
  const url = new URL(registry)
  if (client === 'npm' || client === 'pnpm' || client === 'yarn1')
    writeFileSync(join(dir, '.npmrc'), `registry=${registry}\n`)
  if (client === 'pnpm') {
    const lines = [
      `storeDir: ${JSON.stringify(join(home, 'pnpm-store'))}`,
      `cacheDir: ${JSON.stringify(join(home, 'cache', 'pnpm'))}`,
    ]
    if (!gate) lines.push('minimumReleaseAge: 0')
    writeFileSync(join(dir, 'pnpm-workspace.yaml'), `${lines.join('\n')}\n`)
  }
  if (client === 'yarn1') writeFileSync(join(dir, '.yarnrc'), `registry ${JSON.stringify(registry)}\n`)
  if (client === 'yarn4') {
    const lines = [
      `npmRegistryServer: ${JSON.stringify(registry.replace(/\/$/, ''))}`,
      `unsafeHttpWhitelist: [${JSON.stringify(url.hostname)}]`,
      'nodeLinker: node-modules',
      'enableImmutableInstalls: false',
    ]
    if (!gate) lines.push('npmMinimalAgeGate: 0')
    writeFileSync(join(dir, '.yarnrc.yml'), `${lines.join('\n')}\n`)
    // marks the project's root, so Yarn does not look above it
    if (!existsSync(join(dir, 'yarn.lock'))) writeFileSync(join(dir, 'yarn.lock'), '')
  }
  if (client === 'bun') writeFileSync(join(dir, 'bunfig.toml'), `[install]\nregistry = ${JSON.stringify(registry)}\n`)
}

/** Copies a project's manifest and lockfile (not node_modules) into a new folder. @param {string} from @param {string} to */
export function copyProject(from, to) {
  mkdirSync(to, { recursive: true })
  for (const f of ['package.json', 'package-lock.json', 'pnpm-lock.yaml', 'yarn.lock', 'bun.lock', 'bun.lockb']) {
    if (existsSync(join(from, f))) cpSync(join(from, f), join(to, f))
  }
}

/**
 * Runs one client command in a project; rejects with its output when it fails.
 * @param {{ spec: ClientSpec, client: Client, home: string, dir: string, args: string[] }} p
 * @returns {Promise<string>} its output
 */
export function runClient({ spec, client, home, dir, args }) {
  const [cmd, ...pre] = spec.cmd
  return new Promise((resolve, reject) => {
    execFile(
      cmd,
      [...pre, ...args],
      { cwd: dir, env: environment(client, home), timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const out = `${stdout}${stderr}`
        if (err) reject(new Error(`${client} ${args.join(' ')} in ${dir} failed (${err.code ?? err.signal}):\n${out}`))
        else resolve(out)
      },
    )
  })
}

/** The version of a package in a project's node_modules, or undefined. @param {string} dir @param {string} pkg */
export function installedVersion(dir, pkg) {
  const file = join(dir, 'node_modules', pkg, 'package.json')
  if (!existsSync(file)) return undefined
  return JSON.parse(readFileSync(file, 'utf8')).version
}

/** A scratch folder for a test run. */
export function scratch() {
  return mkdtempSync(join(tmpdir(), 'rr-installers-'))
}

/**
 * Rewrites the publish times of versions in Verdaccio's storage (it reads the document
 * from disk on every request, so the next read serves them).
 * @param {string} storage Verdaccio's storage folder @param {string} name @param {Record<string, Date>} times
 */
export function backdate(storage, name, times) {
  const file = join(storage, name, 'package.json')
  const doc = JSON.parse(readFileSync(file, 'utf8'))
  for (const [version, when] of Object.entries(times)) {
    if (!doc.time?.[version]) throw new Error(`${name}@${version} has no publish time in ${file}`)
    doc.time[version] = when.toISOString()
  }
  const stamps = Object.entries(doc.time)
    .filter(([k]) => k !== 'modified' && k !== 'created')
    .map(([, v]) => String(v))
    .sort()
  doc.time.created = stamps[0]
  writeFileSync(file, JSON.stringify(doc, null, 2))
}

// ---------------------------------------------------------------------------------------
// the matrix: fixtures, rollbacks and scenarios

/** @typedef {'retag' | 'retag-undeprecated' | 'republish'} Strategy */
/** @typedef {'add' | 'range' | 'bad-only-range' | 'range-above-restore' | 'lockfile' | 'update'} Scenario */

export const MATRIX_STRATEGIES = /** @type {const} */ (['retag', 'retag-undeprecated', 'republish'])
export const MATRIX_SCENARIOS = /** @type {const} */ ([
  'add',
  'range',
  'bad-only-range',
  'range-above-restore',
  'lockfile',
  'update',
])

/** which version is which in the fixture */
export const FIXTURE = {
  older: '1.2.0',
  restored: '1.2.2',
  bad: '1.2.3',
  republished: '1.2.4',
  restoredBelow: '1.2.1',
  goodAboveRestore: '1.2.2',
}

/** the range each range scenario installs */
export const RANGES = { range: '^1.2.0', 'bad-only-range': '^1.2.3', 'range-above-restore': '^1.2.2' }

/** @param {Strategy} strategy @param {Scenario} scenario */
export function scenarioApplies(strategy, scenario) {
  // a range above the restored version only exists when the tag moves back more than one version
  return !(scenario === 'range-above-restore' && strategy === 'republish')
}

/** @param {Strategy} strategy @param {boolean} [below] */
export function packageName(strategy, below = false) {
  return `rr-matrix-${strategy}${below ? '-below' : ''}`
}

const DAY = 86_400_000

/**
 * Publishes the fixture (1.2.0 to 1.2.2 weeks old, the bad 1.2.3 three days old and on
 * `latest`) for every strategy, the way a package looks when the bad release is found.
 * @param {{ url: string, token: string, dir: string }} registry
 */
export async function publishFixtures(registry) {
  const now = Date.now()
  for (const strategy of MATRIX_STRATEGIES) {
    for (const below of strategy === 'republish' ? [false] : [false, true]) {
      const name = packageName(strategy, below)
      await publishPackage(registry, name, ['1.2.0', '1.2.1', '1.2.2', '1.2.3'])
      backdate(join(registry.dir, 'storage'), name, {
        '1.2.0': new Date(now - 30 * DAY),
        '1.2.1': new Date(now - 20 * DAY),
        '1.2.2': new Date(now - 10 * DAY),
        '1.2.3': new Date(now - 3 * DAY),
      })
    }
  }
}

/** the reason the rollbacks give (it goes into the action's deprecation message) */
export const ROLLBACK_REASON = 'installer matrix: 1.2.3 is broken'

/**
 * @typedef {{ strategy: Strategy, name: string, code: number | null, outputs: Record<string, string>,
 *   stdout: string, stderr: string, ms: number }} Rollback
 */

/**
 * The rollback of each strategy, made by the built action (dist/index.js, run as the runner
 * runs it), so what the clients install afterwards is what the tool itself wrote:
 * retag moves `latest` back and deprecates the bad version (the action's defaults);
 * retag-undeprecated is `deprecate: false` (only the tag moves); republish is
 * `strategy: republish` (1.2.2's code published as 1.2.4 on `latest`, minutes old, and
 * 1.2.3 deprecated pointing at it). The "-below" packages name `restore-version: 1.2.1`.
 * The fixture code writes nothing here. The runs are returned, not judged: the test
 * checks their outputs, and the clients check their writes.
 * @param {{ url: string, token: string }} registry
 * @returns {Promise<Rollback[]>}
 */
export async function rollBack(registry) {
  /** @type {Rollback[]} */
  const runs = []
  for (const strategy of MATRIX_STRATEGIES) {
    for (const below of strategy === 'republish' ? [false] : [false, true]) {
      const name = packageName(strategy, below)
      /** @type {Record<string, string>} */
      const inputs = {
        'rollback-version': FIXTURE.bad,
        reason: ROLLBACK_REASON,
        package: name,
        registry: registry.url,
        'npm-token': registry.token,
        'create-issue': 'false',
        'commit-report': 'false',
      }
      if (below) inputs['restore-version'] = FIXTURE.restoredBelow
      if (strategy === 'retag-undeprecated') inputs.deprecate = 'false'
      if (strategy === 'republish') inputs.strategy = 'republish'
      const t = Date.now()
      const run = await runAction(inputs)
      const ms = Date.now() - t
      runs.push({ strategy, name, code: run.code, outputs: run.outputs, stdout: run.stdout, stderr: run.stderr, ms })
    }
  }
  return runs
}

/** the package whose bad version is minutes old when the clients first see it */
export const FRESH_PACKAGE = 'rr-matrix-fresh'

/**
 * @typedef {{ client: Client, strategy: Strategy | 'before', scenario: Scenario | 'fresh-bad-range' | 'pre-install', gate: 'on' | 'off',
 *   version: string | undefined, ms: number }} Observation
 */

/**
 * Runs the whole matrix against a registry: publishes the fixtures, installs `^1.2.0` with
 * every client before the rollback (the lockfiles of the lockfile and update scenarios,
 * and the fresh-bad check), rolls back with the built action (rollBack), then runs every
 * (client, strategy, scenario, gate). Runs of one client are sequential (one HOME and
 * cache each); the clients run in parallel. Clients without a release-age gate run once,
 * as gate 'on'. dist/ must be built (npm run build).
 * @param {{ url: string, token: string, dir: string }} registry
 * @param {Client[]} which
 * @returns {Promise<{ observations: Observation[], rollbacks: Rollback[] }>}
 */
export async function runMatrix(registry, which) {
  const specs = clients()
  for (const client of which) {
    try {
      clientVersion(specs[client])
    } catch (e) {
      throw new Error(
        `${client} cannot run (${specs[client].cmd.join(' ')}): ${FIX}.\n${/** @type {Error} */ (e).message}`,
      )
    }
  }
  const base = scratch()
  try {
    const url = registry.url
    await publishFixtures(registry)
    await publishPackage(registry, FRESH_PACKAGE, ['1.2.0', '1.2.1', '1.2.2', '1.2.3'])
    const now = Date.now()
    backdate(join(registry.dir, 'storage'), FRESH_PACKAGE, {
      '1.2.0': new Date(now - 30 * DAY),
      '1.2.1': new Date(now - 20 * DAY),
      '1.2.2': new Date(now - 10 * DAY),
    })

    /** @type {Observation[]} */
    const observations = []
    /** @param {Client} client @param {string} home @param {string} dir @param {string[]} args @param {string} pkg @param {Omit<Observation, 'version' | 'ms' | 'client'>} key */
    const run = async (client, home, dir, args, pkg, key) => {
      const t = Date.now()
      await runClient({ spec: specs[client], client, home, dir, args })
      observations.push({ client, ...key, version: installedVersion(dir, pkg), ms: Date.now() - t })
    }
    /** @param {Client} client */
    const gates = (client) =>
      specs[client].gate ? /** @type {const} */ (['on', 'off']) : /** @type {const} */ (['on'])

    // before the rollback: lockfiles that pinned the bad version, and the fresh-bad check
    await Promise.all(
      which.map(async (client) => {
        const home = clientHome(join(base, 'before'), client)
        for (const strategy of MATRIX_STRATEGIES) {
          const dir = join(base, 'pre', client, strategy)
          const name = packageName(strategy)
          writeProject({ dir, client, home, registry: url, dependencies: { [name]: '^1.2.0' }, gate: true })
          await run(client, home, dir, specs[client].install, name, { strategy, scenario: 'pre-install', gate: 'on' })
        }
        for (const gate of gates(client)) {
          const dir = join(base, 'fresh', client, gate)
          writeProject({
            dir,
            client,
            home,
            registry: url,
            dependencies: { [FRESH_PACKAGE]: '^1.2.0' },
            gate: gate === 'on',
          })
          await run(client, home, dir, specs[client].install, FRESH_PACKAGE, {
            strategy: 'before',
            scenario: 'fresh-bad-range',
            gate,
          })
        }
      }),
    )

    const rollbacks = await rollBack(registry)

    // after: a new HOME and cache, so no client answers from metadata cached before the rollback
    await Promise.all(
      which.map(async (client) => {
        const spec = specs[client]
        const home = clientHome(join(base, 'after'), client)
        for (const gate of gates(client)) {
          for (const strategy of MATRIX_STRATEGIES) {
            for (const scenario of MATRIX_SCENARIOS) {
              if (!scenarioApplies(strategy, scenario)) continue
              const dir = join(base, 'run', client, gate, strategy, scenario)
              const name = packageName(strategy, scenario === 'range-above-restore')
              const project = { dir, client, home, registry: url, gate: gate === 'on' }
              /** @type {string[]} */
              let args
              if (scenario === 'lockfile' || scenario === 'update') {
                copyProject(join(base, 'pre', client, strategy), dir)
                writeProject({ ...project, dependencies: { [name]: '^1.2.0' } })
                args = scenario === 'lockfile' ? spec.frozen : spec.update(name)
              } else if (scenario === 'add') {
                writeProject(project)
                args = spec.add(name)
              } else {
                writeProject({ ...project, dependencies: { [name]: RANGES[scenario] } })
                args = spec.install
              }
              await run(client, home, dir, args, name, { strategy, scenario, gate })
            }
          }
        }
      }),
    )
    return { observations, rollbacks }
  } finally {
    rmSync(base, { recursive: true, force: true })
  }
}
