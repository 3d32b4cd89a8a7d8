// The CLI's help is made from one flags table (src/cli/flags.ts); this checks that table against action.yml and the
// settings table (src/core/settings.ts), so a new input, a changed default or a renamed flag cannot leave the help behind.
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { FREEZE_FLAGS, RESUME_FLAG_NAMES, ROLLBACK_FLAGS, flagsOf, type HelpRow } from '../../src/cli/flags.js'
import { HELP } from '../../src/cli/help.js'
import { settingName } from '../../src/core/settings.js'

const action = parse(readFileSync(join(process.cwd(), 'action.yml'), 'utf8')) as {
  inputs: Record<string, { default?: unknown }>
}
const INPUTS = Object.keys(action.inputs)

/** The inputs no flag sets, and why: each new input of action.yml must be a flag or be named here. */
const NOT_A_FLAG: Record<string, string> = {
  'npm-token': 'NPM_TOKEN, or .npmrc (a secret: never a flag)',
  'github-token': 'GITHUB_TOKEN (a secret)',
  'registry-username': 'REGISTRY_USERNAME',
  'registry-password': 'REGISTRY_PASSWORD (a secret)',
  'announce-webhook': 'ANNOUNCE_WEBHOOK (a secret)',
  kubeconfig: 'KUBECONFIG, as helm reads it',
  'freeze-check': 'the freeze-check subcommand',
  'fail-if-frozen': 'freeze-check exits 4 when frozen',
  handoff: 'the action plans a hand-off; the CLI resumes one (the resume subcommand)',
  target: '--targets kind:name',
  image: '--targets docker:<image>',
  release: '--targets helm:<release>',
  namespace: '--targets helm:<namespace>/<release>',
  'github-release': 'the action only: the release of the repository the workflow runs in',
}

const rowsOf = (rows: readonly HelpRow[]) => rows.flatMap((r) => r.flags.map((f) => ({ row: r, flag: f })))

describe('the CLI help, made from the flags table', () => {
  it('names only inputs action.yml has', () => {
    for (const { flag } of rowsOf([...ROLLBACK_FLAGS, ...FREEZE_FLAGS]))
      if (flag.input) expect([flag.name, INPUTS.includes(flag.input)]).toEqual([flag.name, true])
  })

  it('covers every input of action.yml: a flag sets it, or the table says why none does', () => {
    const byFlag = new Set(flagsOf(ROLLBACK_FLAGS).flatMap((f) => (f.input ? [f.input] : [])))
    const uncovered = INPUTS.filter((input) => !byFlag.has(input) && !(input in NOT_A_FLAG))
    expect(uncovered).toEqual([])
    // and nothing is both, or an input action.yml no longer has
    expect(Object.keys(NOT_A_FLAG).filter((input) => byFlag.has(input) || !INPUTS.includes(input))).toEqual([])
  })

  it("shows action.yml's default where the help shows one", () => {
    for (const { row, flag } of rowsOf([...ROLLBACK_FLAGS, ...FREEZE_FLAGS])) {
      if (!flag.input || flag.type === 'boolean' || row.default === undefined) continue
      const value = String(action.inputs[flag.input].default ?? '')
      if (value === '' || value.includes('${{')) continue
      expect([flag.name, row.default.includes(value)]).toEqual([flag.name, true])
    }
  })

  it('names each input by the flag the settings table gives it, as the messages do', () => {
    for (const flag of flagsOf(ROLLBACK_FLAGS)) {
      if (!flag.input) continue
      expect([flag.input, settingName(flag.input, 'cli')]).toEqual([flag.input, `--${flag.name}`])
    }
  })

  it('lists every flag it accepts, but --partial-ok (the default now, kept for old scripts)', () => {
    for (const { flag } of rowsOf([...ROLLBACK_FLAGS, ...FREEZE_FLAGS]))
      expect([flag.name, HELP.includes(`--${flag.name}`)]).toEqual([flag.name, flag.name !== 'partial-ok'])
    const names = flagsOf(ROLLBACK_FLAGS).map((f) => f.name)
    expect(RESUME_FLAG_NAMES.filter((n) => !names.includes(n))).toEqual([])
  })

  it('lines up the options in one column', () => {
    const options = HELP.slice(HELP.indexOf('Options'), HELP.indexOf('\nTokens never'))
    for (const line of options.split('\n').slice(1, -1)) expect(line).toMatch(/^ {2}(-.{27} | {29})\S/)
  })
})
