// The reusable workflows' input blocks are generated from one declaration (scripts/workflow-inputs.yml, with
// action.yml's types, required flags and defaults) by scripts/workflow-inputs.mjs; `npm run docs:check` in CI
// fails on a block that is not what it generates to (issue 22). Shown here to hold on the files as committed,
// and to fail on each way a block can drift.
import { execFileSync } from 'node:child_process'
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { parse } from 'yaml'
import { declaredInputs, renderBlock, replaceBlock } from '../scripts/workflow-inputs.mjs'
import { root } from './support/run-action.mjs'

type Spec = Record<string, unknown>
const workflow = (file: string) => parse(readFileSync(join(root, '.github', 'workflows', file), 'utf8'))
const SECTION: Record<string, string> = { call: 'workflow_call', dispatch: 'workflow_dispatch' }

describe('the reusable workflows input blocks', () => {
  const declared = declaredInputs() as Record<string, Record<string, Array<[string, Spec]>>>

  it('cover the reusable rollback workflows, both triggers of the npm ones', () => {
    expect(Object.keys(declared).sort()).toEqual(
      [
        'release-freeze.yml',
        'rollback-docker.yml',
        'rollback-helm.yml',
        'rollback-npm-oidc.yml',
        'rollback-npm.yml',
      ].sort(),
    )
    expect(Object.keys(declared['rollback-npm.yml']).sort()).toEqual(['call', 'dispatch'])
  })

  it('are, in every workflow as committed, exactly what the declaration says (names, order and every field)', () => {
    for (const [file, sections] of Object.entries(declared)) {
      const on = workflow(file).on
      for (const [section, entries] of Object.entries(sections)) {
        const inputs = on[SECTION[section]].inputs as Record<string, Spec>
        expect([file, section, Object.keys(inputs)]).toEqual([file, section, entries.map(([n]) => n)])
        for (const [name, spec] of entries) expect([file, name, inputs[name]]).toEqual([file, name, spec])
      }
    }
  })

  it('pass the check script as committed, and fail it, naming the file, after a hand edit', () => {
    execFileSync(process.execPath, [join(root, 'scripts', 'workflow-inputs.mjs'), '--check'], { cwd: root })
    const dir = mkdtempSync(join(tmpdir(), 'rr-wfi-'))
    try {
      for (const p of ['scripts', '.github', 'action.yml']) cpSync(join(root, p), join(dir, p), { recursive: true })
      symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'))
      const file = join(dir, '.github', 'workflows', 'rollback-docker.yml')
      writeFileSync(file, readFileSync(file, 'utf8').replace('The good version.', 'The good one.'))
      let err = ''
      try {
        execFileSync(process.execPath, [join(dir, 'scripts', 'workflow-inputs.mjs'), '--check'], {
          cwd: dir,
          stdio: 'pipe',
        })
      } catch (e) {
        err = String((e as { stderr: Buffer }).stderr)
      }
      expect(err).toContain('rollback-docker.yml')
      expect(err).toContain('npm run docs')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('take type, required and default from action.yml, and a workflow override wins', () => {
    const docker = new Map(declared['rollback-docker.yml'].call)
    const npm = new Map(declared['rollback-npm.yml'].call)
    expect(npm.get('channel')).toMatchObject({ type: 'string', required: false, default: 'latest' })
    expect(npm.get('force')).toMatchObject({ type: 'boolean', required: false, default: false })
    expect(npm.get('reason')).toMatchObject({ type: 'string', required: true })
    expect(npm.get('reason')).not.toHaveProperty('default')
    expect(docker.get('registry')).toMatchObject({ required: true })
    expect(docker.get('channel')?.description).toContain('moving tag')
  })

  it('replace only the block of the section named, leaving the rest of the file byte for byte', () => {
    const text =
      'on:\n  workflow_call:\n    inputs:\n      a:\n        type: string\n\n  # kept\n  workflow_dispatch:\n    inputs:\n      b:\n        type: string\njobs: {}\n'
    const next = replaceBlock(
      text,
      'call',
      renderBlock([['x', { description: "it's", type: 'boolean', default: true }]]),
    )
    expect(next).toBe(
      "on:\n  workflow_call:\n    inputs:\n      x:\n        description: it's\n        type: boolean\n        default: true\n\n  # kept\n  workflow_dispatch:\n    inputs:\n      b:\n        type: string\njobs: {}\n",
    )
    expect(replaceBlock('on:\n  push:\n', 'call', [])).toBeUndefined()
  })
})
