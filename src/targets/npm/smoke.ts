// The npm kind's smoke hook (src/core/target.ts Target.smoke): `<package>@<restore>` is
// installed from the registry into an empty temporary project with the real npm CLI, its
// install scripts run with `npm rebuild`, then the command runs there (PACKAGE, VERSION set).
//
// The install runs with --ignore-scripts, no token and a user config of its own (the caller's
// .npmrc, which may hold one, is not read); the scripts and the command get the allowlisted
// environment (src/incident/smoke-kit.ts smokeEnv). NODE_PATH points at the project's
// node_modules, so a script kept elsewhere (in GITHUB_WORKSPACE) can require the package too,
// unless a node_modules of its own, nearer to it, has one.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { InputError } from '../../core/errors.js'
import { currentDialect, settingName } from '../../core/settings.js'
import type { SmokeRun } from '../../core/target.js'
import { check, fixVersion, proxiesOf, smokeEnv, tempRoot } from '../../incident/smoke-kit.js'
import { runProcess, type Ran } from '../../incident/smoke-process.js'

/** Smoke-tests `run.name@run.version` as installed from `registry`. */
export async function smokePackage(registry: string, run: SmokeRun): Promise<void> {
  const subject = `${run.name}@${run.version}`
  const temp = tempRoot(run.env)
  const project = mkdtempSync(join(temp, 'release-rollback-smoke-'))
  try {
    writeFileSync(
      join(project, 'package.json'),
      `${JSON.stringify({ name: 'release-rollback-smoke-test', version: '0.0.0', private: true }, null, 2)}\n`,
    )
    run.log.info(`${run.label}Smoke test: installing ${subject} from ${registry} into an empty project…`)
    checkNpm(await install(registry, project, temp, run), subject, `installing it (npm install ${subject})`, run)
    checkNpm(await rebuild(project, run), subject, 'running its install scripts (npm rebuild)', run)

    // 3. the command, in the project
    run.log.info(`${run.label}Smoke test: running the ${settingName('smoke-test')} command for ${subject}…`)
    const ran = await runProcess(run.command, [], {
      cwd: project,
      env: smokeEnv(run.env, { PACKAGE: run.name, VERSION: run.version, NODE_PATH: join(project, 'node_modules') }),
      shell: true,
      deadline: run.deadline,
      log: run.log,
      prefix: `${run.label}  │ `,
      scrub: run.secrets,
    })
    check(ran, subject, 'running the smoke-test command', run.timeout)
    run.log.info(`✔ ${run.label}Smoke test passed: ${subject}.`)
  } finally {
    rmSync(project, { recursive: true, force: true })
  }
}

const npmOf = (run: SmokeRun) => run.programs.npm ?? (process.platform === 'win32' ? 'npm.cmd' : 'npm')

/**
 * 1. the install, without a token (the smoke test runs only where none is, src/incident/smoke.ts
 * refusal), with a user config of its own: the caller's .npmrc, which may hold one, is not read
 */
async function install(registry: string, project: string, temp: string, run: SmokeRun): Promise<Ran> {
  const rcDir = mkdtempSync(join(temp, 'release-rollback-npmrc-'))
  try {
    const rc = join(rcDir, '.npmrc')
    writeFileSync(rc, `registry=${registry}\n`, { mode: 0o600 })
    const empty = join(rcDir, 'global-npmrc')
    writeFileSync(empty, '', { mode: 0o600 })
    return await runProcess(
      npmOf(run),
      [
        'install',
        `${run.name}@${run.version}`,
        '--registry',
        registry,
        '--ignore-scripts',
        '--no-audit',
        '--no-fund',
        '--no-package-lock',
        '--no-update-notifier',
        '--prefer-online',
      ],
      {
        cwd: project,
        // the install may use the proxies as given (credentials too): it runs no package code
        env: { ...smokeEnv(run.env), ...proxiesOf(run.env), npm_config_userconfig: rc, npm_config_globalconfig: empty },
        shell: process.platform === 'win32',
        deadline: run.deadline,
        log: run.log,
        prefix: `${run.label}  npm │ `,
        scrub: run.secrets,
      },
    )
  } finally {
    rmSync(rcDir, { recursive: true, force: true })
  }
}

/** 2. the install scripts, as a user's install runs them (this process holds no credential) */
function rebuild(project: string, run: SmokeRun): Promise<Ran> {
  const noRc = {
    npm_config_userconfig: join(project, '.no-user-npmrc'),
    npm_config_globalconfig: join(project, '.no-global-npmrc'),
  }
  return runProcess(
    npmOf(run),
    ['rebuild', '--ignore-scripts=false', '--no-audit', '--no-fund', '--no-update-notifier'],
    {
      cwd: project,
      env: { ...smokeEnv(run.env), ...noRc },
      shell: process.platform === 'win32',
      deadline: run.deadline,
      log: run.log,
      prefix: `${run.label}  npm │ `,
      scrub: run.secrets,
    },
  )
}

/** check() for an npm step: npm missing from PATH is the setup's to fix; a failed install, the version's. */
function checkNpm(ran: Ran, subject: string, doing: string, run: SmokeRun): void {
  if (ran.spawnError?.code === 'ENOENT')
    throw new InputError(
      'smoke-test',
      `needs the npm CLI to install ${subject}, and npm was not found on PATH.`,
      `set up Node.js with npm before this step (actions/setup-node), or ${currentDialect() === 'action' ? `leave ${settingName('smoke-test')} empty` : `leave out ${settingName('smoke-test')}`}.`,
    )
  check(ran, subject, doing, run.timeout, `${subject} must install from the registry as users get it: ${fixVersion()}`)
}
