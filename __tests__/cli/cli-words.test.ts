// The CLI speaks CLI (issue 15, part 3): its messages name flags and environment variables,
// never the action's inputs; no arguments print the usage; every missing flag is named at
// once; the plan and each warning are said once; a re-run that changes nothing says one
// line; "Run by" is filled; a run nobody can confirm asks for --yes. The CLI's main runs
// in-process with captured output, against a real Verdaccio (and the GitHub stand-in).
// The action's side is checked too: the same errors still name its inputs.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { HELP } from '../../src/cli/main.js'
import { cliForms, setting, setTo, settingName, useDialect } from '../../src/core/settings.js'
import { InputError } from '../../src/core/errors.js'
import { parseMaxAge, readInputs } from '../../src/config/inputs.js'
import { planRollback, planUndo, type PackageState, type PlanRequest } from '../../src/core/plan.js'
import { announceSteps } from '../../src/notify/announce.js'
import type { AnnounceContext } from '../../src/notify/message.js'
import { readVerifyConfig } from '../../src/incident/verify.js'
import { waitFlags } from '../../src/targets/helm/target.js'
import { NpmTarget } from '../../src/targets/npm/target.js'
import { runnerIdToken } from '../../src/targets/npm/oidc.js'
import { gitCheckout, runCli as cli } from '../support/cli-in-process.js'
import { publishPackage, snapshot } from '../support/fixtures.mjs'
import { quiet } from '../support/helpers.js'
import { startGitHubStandin } from '../support/github-standin.mjs'
import { runAction } from '../support/run-action.mjs'
import { freePort, startVerdaccio, type Registry } from '../support/verdaccio.mjs'

let registry: Registry
let counter = 0
beforeAll(async () => {
  registry = await startVerdaccio()
})
afterAll(async () => {
  await registry?.stop()
})

async function freshPackage(shape?: Parameters<typeof publishPackage>[3]): Promise<string> {
  const name = `words-widget-${++counter}`
  await publishPackage(registry, name, ['1.2.1', '1.2.2', '1.2.3'], shape)
  return name
}

const base = (pkg: string) => [
  '--package',
  pkg,
  '--rollback',
  '1.2.3',
  '--reason',
  'it corrupts data',
  '--registry',
  registry.url,
]
const count = (text: string, part: string) => text.split(part).length - 1
/** Action syntax that must never reach a CLI user. */
const ACTION_WORDS = [
  /\$\{\{/,
  /Input '/,
  /\b(force|dry-run|strategy|partial-ok|deprecate): (true|false|retag|republish)\b/,
  /\bnpm-token\b/,
  /the registry input/,
]
const speaksCli = (text: string) => {
  for (const w of ACTION_WORDS) expect(text).not.toMatch(w)
}

describe('the CLI speaks CLI', () => {
  it('no arguments: the usage, exit 2', async () => {
    const run = await cli([])
    expect(run.code).toBe(2)
    expect(run.stderr).toBe(HELP)
    expect(run.stdout).toBe('')
  })

  it('names every missing flag (and the token variable) at once', async () => {
    const run = await cli(['--package', 'some-widget'])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('--rollback <bad version>')
    expect(run.stderr).toContain('--reason <why>')
    expect(run.stderr).toContain('NPM_TOKEN in the environment')
    expect(run.stderr).toContain('--dry-run to only see the plan')
    speaksCli(run.stderr)
    // and --package when there is no package.json to take the name from
    const nameless = await cli(['--dry-run'])
    expect(nameless.stderr).toMatch(/--rollback <bad version>; --reason <why>; --package <name>/)
  })

  it('a missing token names NPM_TOKEN and --dry-run, not npm-token: ${{ secrets.NPM_TOKEN }} and dry-run: true', async () => {
    const pkg = await freshPackage()
    const run = await cli([...base(pkg), '--yes'])
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(/NPM_TOKEN in the environment .*or --dry-run/)
    speaksCli(run.stderr)
  })

  it('a deprecated restore version says to pass --force (not "set force: true")', async () => {
    const pkg = await freshPackage({ distTags: { latest: '1.2.3' }, deprecated: { '1.2.2': 'old and broken' } })
    const run = await cli([...base(pkg), '--restore', '1.2.2', '--yes'], { env: { NPM_TOKEN: registry.token } })
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(
      /^--restore: 1\.2\.2 is itself deprecated .*Fix: restore a version that is not deprecated, or pass --force to restore it anyway\./,
    )
    speaksCli(run.stderr)
  })

  it('a dry run prints the plan once and its warning once, in flags', async () => {
    // latest holds neither the bad nor the restore version: --force moves it anyway, with a warning
    const pkg = await freshPackage({ distTags: { latest: '1.2.1' } })
    const run = await cli([...base(pkg), '--restore', '1.2.2', '--force', '--dry-run'])
    expect(run.code).toBe(0)
    expect(count(run.stdout, "- move dist-tag 'latest': 1.2.1 -> 1.2.2")).toBe(1)
    expect(count(run.stdout, 'warning: ')).toBe(1)
    expect(run.stdout).toContain("warning: --force: 'latest' held 1.2.1, not the bad version 1.2.3")
    speaksCli(run.stdout + run.stderr)
  })

  it('a run prints the plan once; the issue text to paste says --strategy republish; Run by is the local user', async () => {
    const pkg = await freshPackage()
    const cwd = gitCheckout('rr-cli-words-')
    execFileSync('git', ['config', 'user.name', 'Alice Example'], { cwd })
    const run = await cli([...base(pkg), '--yes'], { env: { NPM_TOKEN: registry.token }, cwd })
    expect(run.code).toBe(0)
    expect(count(run.stdout, "- move dist-tag 'latest': 1.2.3 -> 1.2.2")).toBe(1)
    expect(count(run.stdout, `Package ${pkg}: roll back 1.2.3 to 1.2.2`)).toBe(1)
    expect(run.stdout).toContain('run again with `--strategy republish`')
    expect(run.stdout).toMatch(/\| Run by \| Alice Example \\?\(command line\\?\) \|/)
    speaksCli(run.stdout + run.stderr)
  })

  it('a re-run that changes nothing says one line and where the record is, not the issue text', async () => {
    const pkg = await freshPackage()
    const cwd = gitCheckout('rr-cli-words-')
    const env = { NPM_TOKEN: registry.token }
    expect((await cli([...base(pkg), '--yes'], { env, cwd })).code).toBe(0)
    const before = await snapshot(registry, pkg)
    // no --yes and nobody to answer: nothing is to be written, so nothing is asked
    const again = await cli(base(pkg), { env, cwd })
    expect(again.code).toBe(0)
    const report = join(cwd, 'incidents', `rollback-${pkg}-1.2.3.md`)
    expect(again.stdout).toBe(`Already rolled back: nothing needed changing. Report: ${report}\n`)
    expect(again.stderr).toBe('')
    expect(readFileSync(report, 'utf8')).toContain(pkg)
    expect(await snapshot(registry, pkg)).toBe(before)
  })

  it('a re-run that changes nothing with GitHub bookkeeping: one line with the issue link', async () => {
    const github = await startGitHubStandin({ token: 'ghs_words-token' })
    try {
      const env = { NPM_TOKEN: registry.token, GITHUB_TOKEN: 'ghs_words-token', GITHUB_API_URL: github.url }
      const pkg = await freshPackage()
      const first = await cli([...base(pkg), '--repo', 'acme/widget', '--yes'], { env })
      expect(first.code).toBe(0)
      const again = await cli([...base(pkg), '--repo', 'acme/widget', '--yes'], { env })
      expect(again.code).toBe(0)
      expect(again.stdout).toBe(
        'Already rolled back: nothing needed changing. Issue: https://github.com/acme/widget/issues/1\n',
      )
      expect(github.state.issues).toHaveLength(1)
      expect(github.violations).toEqual([])
    } finally {
      await github.stop()
    }
  })

  it('without --yes and nobody to answer: says to add --yes and changes nothing', async () => {
    const pkg = await freshPackage()
    const before = await snapshot(registry, pkg)
    const run = await cli(base(pkg), { env: { NPM_TOKEN: registry.token }, answer: undefined })
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('Add --yes to apply without asking.')
    expect(await snapshot(registry, pkg)).toBe(before)
    // an answer typed in still works as before
    const refused = await cli(base(pkg), { env: { NPM_TOKEN: registry.token }, answer: 'n' })
    expect(refused.code).toBe(1)
    expect(refused.stdout).toContain('Aborted: nothing was changed.')
  })

  it('bad values name the flag without the input', async () => {
    const range = await cli(['--rollback', '^1.2.3', '--reason', 'x', '--package', 'p', '--dry-run'])
    expect(range.code).toBe(2)
    expect(range.stderr).toMatch(/^--rollback: "\^1\.2\.3" is not an exact semantic version/)
    const both = await cli(['--drill', '--dry-run', '--package', 'p'])
    expect(both.stderr).toMatch(/^--drill: and --dry-run are both given\. Fix: .*leave out --dry-run\./)
    speaksCli(range.stderr + both.stderr)
  })
})

describe('the action still names its inputs', () => {
  it('the built action (dist/index.js): the token, force and an unreachable registry', async () => {
    const pkg = await freshPackage({ distTags: { latest: '1.2.3' }, deprecated: { '1.2.2': 'old' } })
    const inputs = {
      'rollback-version': '1.2.3',
      reason: 'x',
      package: pkg,
      registry: registry.url,
      'create-issue': 'false',
      'commit-report': 'false',
    }
    const noToken = await runAction(inputs)
    expect(noToken.stdout).toContain("::error::Input 'npm-token': is empty")
    expect(noToken.stdout).toContain('pass npm-token: ${{ secrets.NPM_TOKEN }}')
    expect(noToken.stdout).toContain('or set dry-run: true to only see the plan')
    const deprecated = await runAction({ ...inputs, 'npm-token': registry.token, 'restore-version': '1.2.2' })
    expect(deprecated.stdout).toContain("::error::Input 'restore-version': 1.2.2 is itself deprecated")
    expect(deprecated.stdout).toContain('or set force: true to restore it anyway')
    const port = await freePort()
    const closed = await runAction({ ...inputs, 'npm-token': registry.token, registry: `http://127.0.0.1:${port}/` })
    expect(closed.stdout).toMatch(
      /::error::Input 'registry': http:\/\/127\.0\.0\.1:\d+\/ cannot be reached: the connection was refused.*Fix: check the registry input/,
    )
    expect(closed.stdout).not.toContain('retrying')
    for (const run of [noToken, deprecated, closed])
      expect(run.stdout).not.toMatch(/--force|--dry-run|NPM_TOKEN in the environment/)
  })

  const get = (values: Record<string, string>) => (name: string) => values[name] ?? ''
  const env = { GITHUB_WORKSPACE: tmpdir() }

  it('the missing token and a deprecated restore version', () => {
    const previous = useDialect('action')
    try {
      let e: unknown
      try {
        readInputs(get({ 'rollback-version': '1.2.3', reason: 'x', package: 'p' }), env)
      } catch (x) {
        e = x
      }
      expect(e).toBeInstanceOf(InputError)
      expect((e as Error).message).toBe(
        'Input \'npm-token\': is empty: moving a dist-tag and deprecating need a token with write access to the package. Fix: pass npm-token: ${{ secrets.NPM_TOKEN }} (a granular token with read and write access to the package and "bypass 2FA", or a "read and write (stage only)" one) (trusted publishing, permissions: id-token: write, can only publish: it serves strategy: republish with deprecate: false, never a retag), or set dry-run: true to only see the plan.',
      )
      const state = {
        name: 'p',
        distTags: { latest: '1.2.3' },
        versions: { '1.2.2': { deprecated: 'old' }, '1.2.3': {} },
      }
      const request = {
        packageName: 'p',
        channel: 'latest',
        rollbackVersion: '1.2.3',
        restoreVersion: '1.2.2',
        reason: 'x',
        deprecate: true,
        force: false,
        strategy: 'retag' as const,
      }
      expect(() => planRollback(request as Parameters<typeof planRollback>[0], state)).toThrow(
        'or set force: true to restore it anyway.',
      )
    } finally {
      useDialect(previous)
    }
  })

  it('the same message in the CLI dialect names the variable and the flag', () => {
    const previous = useDialect('cli')
    try {
      expect(() => readInputs(get({ 'rollback-version': '1.2.3', reason: 'x', package: 'p' }), env)).toThrow(
        'NPM_TOKEN: is empty: moving a dist-tag and deprecating need a token with write access to the package. Fix: set NPM_TOKEN in the environment (or the registry\'s _authToken in .npmrc) (a granular token with read and write access to the package and "bypass 2FA", or a "read and write (stage only)" one), or pass --dry-run to only see the plan.',
      )
    } finally {
      useDialect(previous)
    }
  })
})

describe('the one table from input to flag or variable', () => {
  it('renders each dialect', () => {
    expect([setting('force', 'true', 'action'), setting('force', 'true', 'cli')]).toEqual(['force: true', '--force'])
    expect([setTo('dry-run', 'false', 'action'), setTo('dry-run', 'false', 'cli')]).toEqual([
      'set dry-run: false',
      'leave out --dry-run',
    ])
    expect([setting('strategy', 'republish', 'action'), setting('strategy', 'republish', 'cli')]).toEqual([
      'strategy: republish',
      '--strategy republish',
    ])
    expect([setting('partial-ok', 'false', 'action'), setting('partial-ok', 'false', 'cli')]).toEqual([
      'partial-ok: false',
      '--all-or-nothing',
    ])
    expect([settingName('npm-token', 'action'), settingName('npm-token', 'cli')]).toEqual(['npm-token', 'NPM_TOKEN'])
    expect([settingName('registry', 'action'), settingName('registry', 'cli')]).toEqual(['registry', '--registry'])
    expect(setTo('npm-token', undefined, 'action')).toBe('pass npm-token: ${{ secrets.NPM_TOKEN }}')
  })

  it('names only flags the CLI has and variables its help documents', () => {
    for (const [input, form] of Object.entries(cliForms())) {
      if (form.flag) expect([input, HELP.includes(form.flag.split(' ')[0])]).toEqual([input, true])
      if (form.env && form.env !== 'KUBECONFIG') expect([input, HELP.includes(form.env)]).toEqual([input, true])
    }
  })
})

describe('messages that name a setting, in both dialects', () => {
  const get = (values: Record<string, string>) => (name: string) => values[name] ?? ''
  /** the message of what `fn` throws (or rejects with), made in dialect `d` */
  async function said(d: 'action' | 'cli', fn: () => unknown): Promise<string> {
    const previous = useDialect(d)
    try {
      await fn()
    } catch (e) {
      return (e as Error).message
    } finally {
      useDialect(previous)
    }
    throw new Error('expected an error')
  }
  /** what `fn` logs and returns as warnings, made in dialect `d` */
  async function logged(d: 'action' | 'cli', fn: (log: typeof quiet) => Promise<unknown>): Promise<string> {
    const previous = useDialect(d)
    const lines: string[] = []
    const log = { info: (m: string) => lines.push(m), warning: (m: string) => lines.push(m), debug: () => {} }
    try {
      lines.push(JSON.stringify(await fn(log)))
    } finally {
      useDialect(previous)
    }
    return lines.join('\n')
  }

  it('a refused write names NPM_TOKEN (CLI), npm-token (action), and never trusted publishing as a way to retag', async () => {
    const pkg = await freshPackage()
    const before = await snapshot(registry, pkg)
    const probe = () =>
      new NpmTarget({ packageName: pkg, registry: registry.url, token: 'revoked-token-0000', log: quiet }).probeWrite(
        '1.2.3',
      )
    const cli = await said('cli', probe)
    expect(cli).toMatch(/^NPM_TOKEN: /)
    expect(cli).toContain('holds a current token for this registry')
    expect(cli).not.toMatch(/trusted publishing|id-token/)
    speaksCli(cli)
    const action = await said('action', probe)
    expect(action).toMatch(/^Input 'npm-token': /)
    expect(action).toContain('check that npm-token holds a current token')
    expect(action).not.toMatch(/trusted publishing|id-token/)
    expect(action).not.toContain('NPM_TOKEN')
    expect(await snapshot(registry, pkg)).toBe(before)
  })

  it('trusted publishing without an ID token: the fallback is NPM_TOKEN (CLI), npm-token (action)', async () => {
    const ask = () => runnerIdToken({})('npm:registry.npmjs.org')
    const cli = await said('cli', ask)
    expect(cli).toContain(
      "or set NPM_TOKEN in the environment (or the registry's _authToken in .npmrc), a granular token",
    )
    speaksCli(cli)
    expect(await said('action', ask)).toContain('or pass npm-token: ${{ secrets.NPM_TOKEN }}, a granular token')
  })

  it('helm-wait watcher on helm 3: --helm-wait legacy (CLI), helm-wait: legacy (action)', async () => {
    const flags = () => waitFlags('watcher', { major: 3, raw: 'v3.19.0' } as Parameters<typeof waitFlags>[1])
    const cli = await said('cli', flags)
    expect(cli).toContain('Fix: pass --helm-wait legacy (the default) or none')
    expect(cli).not.toMatch(/(^|[^-])helm-wait: /)
    expect(await said('action', flags)).toContain('Fix: set helm-wait: legacy (the default) or none')
  })

  describe('an undo whose versions do not fit the registry', () => {
    const state: PackageState = {
      name: 'p',
      distTags: { latest: '1.2.2' },
      versions: { '1.2.2': {}, '1.2.3': {} },
    } as PackageState
    const request: PlanRequest = {
      packageName: 'p',
      channel: 'latest',
      rollbackVersion: '1.2.4',
      reason: 'x',
      deprecate: true,
      deprecationMessage: 'bad',
      force: false,
    }
    it('named by versions: --rollback / --restore (CLI), rollback-version / restore-version (action)', async () => {
      const bad = () => planUndo(request, state)
      const cli = await said('cli', bad)
      expect(cli).toMatch(/^--rollback: p@1\.2\.4 does not exist/)
      expect(cli).toContain(
        'Fix: give the same --rollback as the rollback you undo (or give its --incident-id instead).',
      )
      speaksCli(cli)
      expect(await said('action', bad)).toContain(
        'Fix: give the same rollback-version as the rollback you undo (or give its incident-id instead).',
      )
      const restore = () => planUndo({ ...request, rollbackVersion: '1.2.3', restoreVersion: '1.2.9' }, state)
      expect(await said('cli', restore)).toMatch(/^--restore: p@1\.2\.9 does not exist.*give the same --restore as/)
      expect(await said('action', restore)).toMatch(/^Input 'restore-version': .*give the same restore-version as/)
    })
    it('by incident-id, where no versions were given: names the incident and --incident-id, not the versions', async () => {
      const record = { incidentId: 'inc-123', wrote: '1.2.2', restoreVersion: '1.2.2', previousVersion: '1.2.4' }
      const byIncident = () => planUndo({ ...request, record } as PlanRequest, state)
      const cli = await said('cli', byIncident)
      expect(cli).toMatch(/^--incident-id: names incident inc-123, whose record has 1\.2\.4 as the bad version of p/)
      expect(cli).toContain('Fix: check --incident-id: it must name the incident of the rollback you undo.')
      expect(cli).not.toMatch(/--rollback|--restore/)
      const action = await said('action', byIncident)
      expect(action).toMatch(/^Input 'incident-id': names incident inc-123/)
      expect(action).toContain('Fix: check the incident-id input:')
      expect(action).not.toMatch(/rollback-version|restore-version/)
    })
  })

  it('the announce webhook is ANNOUNCE_WEBHOOK (CLI), announce-webhook (action)', async () => {
    const atEnd = (log: typeof quiet) =>
      announceSteps({ webhook: 'https://hooks.example/secret', format: 'slack' }, {} as AnnounceContext, log, {
        dryRun: true,
      }).atEnd({})
    const cli = await logged('cli', atEnd)
    expect(cli).toContain('no announcement was sent to the slack webhook (ANNOUNCE_WEBHOOK)')
    expect(cli).not.toContain('announce-webhook')
    expect(await logged('action', atEnd)).toContain('the slack webhook (announce-webhook)')
  })

  it('max-age: leave out --max-age (CLI), leave max-age empty (action); days are a unit in both', async () => {
    const bad = () => parseMaxAge('max-age', 'a day')
    const cli = await said('cli', bad)
    expect(cli).toMatch(/^--max-age: "a day" is not a duration\. Fix: .*or leave out --max-age for no limit\.$/)
    expect(cli).not.toContain('leave it empty')
    expect(await said('action', bad)).toMatch(/^Input 'max-age': .*or leave max-age empty for no limit\.$/)
    expect(parseMaxAge('max-age', '2d')).toBe(48 * 3_600_000)
  })

  it('verify-field without verify-url: --verify-url (CLI), verify-url (action)', async () => {
    const read = () => readVerifyConfig(get({ 'verify-field': 'version' }), registry.url)
    const cli = await said('cli', read)
    expect(cli).toMatch(/^--verify-field: is set but --verify-url is not\. Fix: pass --verify-url </)
    expect(await said('action', read)).toMatch(
      /^Input 'verify-field': is set but verify-url is not\. Fix: set verify-url: </,
    )
  })
})
