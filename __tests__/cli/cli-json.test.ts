import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import Ajv2020Module from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'
import { createProgress } from '../../src/cli/progress.js'
import { gitCheckout, runCli as cli } from '../support/cli-in-process.js'
import { publishPackage, setDistTag, snapshot } from '../support/fixtures.mjs'
import { startVerdaccio, type Registry } from '../support/verdaccio.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const schema = JSON.parse(readFileSync(join(root, 'docs', 'cli-json.schema.json'), 'utf8')) as object
// CommonJS modules seen from ESM: the class is the default export's default
const Ajv2020 = ((Ajv2020Module as unknown as { default?: unknown }).default ??
  Ajv2020Module) as unknown as typeof Ajv2020Module.default
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as typeof addFormatsModule.default
const ajv = new Ajv2020({ allErrors: true, strict: true })
addFormats(ajv)
const validate = ajv.compile(schema)

let registry: Registry
let counter = 0
beforeAll(async () => {
  registry = await startVerdaccio()
})
afterAll(async () => {
  await registry?.stop()
})

const ESC = '\u001b['

async function freshPackage(): Promise<string> {
  const name = `json-widget-${++counter}`
  await publishPackage(registry, name, ['1.2.1', '1.2.2', '1.2.3'])
  return name
}

const base = (pkg: string) => [
  '--package',
  pkg,
  '--rollback',
  '1.2.3',
  '--reason',
  'broken',
  '--registry',
  registry.url,
]

/** The --json document of a run, checked against the schema (every error listed when it is not valid). */
function checked(stdout: string): Record<string, unknown> {
  const doc = JSON.parse(stdout) as Record<string, unknown>
  const ok = validate(doc)
  expect(ok ? [] : validate.errors).toEqual([])
  return doc
}

describe('--json follows docs/cli-json.schema.json', () => {
  it('a rollback, its re-run and a dry run', async () => {
    const pkg = await freshPackage()
    const env = { NPM_TOKEN: registry.token }
    const cwd = gitCheckout('rr-cli-json-')
    const dry = checked((await cli([...base(pkg), '--dry-run', '--json'], { env, cwd })).stdout)
    expect(dry).toMatchObject({ exitCode: 0, status: 'planned' })
    const done = checked((await cli([...base(pkg), '--yes', '--json'], { env, cwd })).stdout)
    expect(done).toMatchObject({
      exitCode: 0,
      status: 'completed',
      moved: true,
      impact: { verdict: 'met' },
      reportPath: expect.any(String),
    })
    const again = checked((await cli([...base(pkg), '--yes', '--json'], { env, cwd })).stdout)
    expect(again).toMatchObject({ exitCode: 0, status: 'already-done', moved: false })
  })

  it('several packages, a skipped run, an undo', async () => {
    const env = { NPM_TOKEN: registry.token }
    const [a, b] = [await freshPackage(), await freshPackage()]
    const multi = checked(
      (
        await cli(
          [
            '--packages',
            `${a},${b}`,
            '--rollback',
            '1.2.3',
            '--restore',
            '1.2.2',
            '--reason',
            'x',
            '--registry',
            registry.url,
            '--yes',
            '--json',
            '--no-report',
          ],
          { env },
        )
      ).stdout,
    )
    expect(multi).toMatchObject({ status: 'completed', packages: [{ name: a }, { name: b }] })
    const undo = checked(
      (await cli([...base(a), '--restore', '1.2.2', '--undo', '--yes', '--json', '--no-report'], { env })).stdout,
    )
    expect(undo).toMatchObject({ undo: true })
    const c = await freshPackage()
    await setDistTag(registry, c, 'latest', '1.2.1')
    const skipped = checked((await cli([...base(c), '--require-holder', '--yes', '--json'], { env })).stdout)
    expect(skipped).toMatchObject({ exitCode: 0, status: 'skipped' })
  })

  it('bad input, a refused confirmation, a drill that passes and one that fails', async () => {
    const pkg = await freshPackage()
    const bad = checked(
      (await cli(['--package', pkg, '--rollback', '^1', '--reason', 'x', '--dry-run', '--json'])).stdout,
    )
    expect(bad).toMatchObject({ exitCode: 2, status: 'failed', error: expect.stringMatching(/^--rollback: /) })
    const missing = checked((await cli(['--package', pkg, '--json'])).stdout)
    expect(missing).toMatchObject({ exitCode: 2, status: 'failed' })
    const aborted = checked((await cli([...base(pkg), '--json'], { env: { NPM_TOKEN: registry.token } })).stdout)
    expect(aborted).toMatchObject({ exitCode: 2, status: 'aborted' })
    const drill = checked(
      (
        await cli(['--drill', '--package', pkg, '--registry', registry.url, '--json'], {
          env: { NPM_TOKEN: registry.token },
        })
      ).stdout,
    )
    expect(drill).toMatchObject({ exitCode: 0, status: 'drill-passed' })
    const failed = checked(
      (
        await cli(['--drill', '--package', pkg, '--registry', registry.url, '--json'], {
          env: { NPM_TOKEN: 'revoked-token-3333' },
        })
      ).stdout,
    )
    expect(failed).toMatchObject({
      exitCode: 1,
      status: 'drill-failed',
      checks: expect.arrayContaining([expect.objectContaining({ outcome: 'failed', input: 'NPM_TOKEN' })]),
    })
  })

  it('the schema can fail: an undocumented field, a wrong type and an unknown status are refused', () => {
    expect(validate({ exitCode: 0, status: 'completed' })).toBe(true)
    expect(validate({ exitCode: 0, status: 'completed', surprise: 1 })).toBe(false)
    expect(validate({ exitCode: '0', status: 'completed' })).toBe(false)
    expect(validate({ exitCode: 0, status: 'rolled-back' })).toBe(false)
    expect(
      validate({
        exitCode: 0,
        status: 'completed',
        targets: [
          { name: 'x', outcome: 'done', previous: null, restored: null, moved: false, deprecated: false, error: null },
        ],
      }),
    ).toBe(false)
  })
})

describe('progress over several targets', () => {
  /** A stand-in for process.stdout: what was written, and whether it claims to be a terminal. */
  const stream = (isTTY: boolean) => {
    const chunks: string[] = []
    return { chunks, text: () => chunks.join(''), isTTY, columns: 60, write: (s: string) => chunks.push(s) }
  }
  /** What a terminal shows after the escape codes ran: lines, with "cursor up N, erase below" applied. */
  function screen(text: string): string[] {
    const lines: string[] = []
    const parts = text.split(/(\u001b\[\d+A\u001b\[0J|\u001b\[2K)/)
    let current = ''
    for (const part of parts) {
      const up = /^\u001b\[(\d+)A\u001b\[0J$/.exec(part)
      if (up) lines.splice(lines.length - Number(up[1]))
      else if (part !== '\u001b[2K') {
        for (const ch of part) {
          if (ch === '\n') {
            lines.push(current)
            current = ''
          } else current += ch
        }
      }
    }
    return lines
  }

  it('on a terminal: a line per target, redrawn in place, log lines above it', () => {
    const out = stream(true)
    const p = createProgress(out, [
      { kind: 'npm', name: 'a' },
      { kind: 'docker', name: 'ghcr.io/acme/app' },
    ])
    p.update({ kind: 'npm', name: 'a', phase: 'reading' })
    p.update({ kind: 'docker', name: 'ghcr.io/acme/app', phase: 'writing' })
    p.log('✔ a: something happened\n')
    p.update({ kind: 'npm', name: 'a', phase: 'done', detail: 'rolled-back' })
    p.update({ kind: 'docker', name: 'ghcr.io/acme/app', phase: 'failed', detail: 'HTTP 500\nmore' })
    p.done()
    expect(out.text()).toContain(`${ESC}2A${ESC}0J`)
    expect(screen(out.text())).toEqual([
      '✔ a: something happened',
      '✔ a: done (rolled-back)',
      '✖ docker:ghcr.io/acme/app: FAILED (HTTP 500)',
    ])
  })

  it('not on a terminal: plain lines for the writes and the ends, each once, no escape codes', () => {
    const out = stream(false)
    const p = createProgress(out, [
      { kind: 'npm', name: 'a' },
      { kind: 'npm', name: 'b' },
    ])
    p.update({ kind: 'npm', name: 'a', phase: 'reading' })
    p.update({ kind: 'npm', name: 'a', phase: 'planned', detail: '1.2.3 -> 1.2.2' })
    p.update({ kind: 'npm', name: 'a', phase: 'writing' })
    p.update({ kind: 'npm', name: 'a', phase: 'writing' })
    p.update({ kind: 'npm', name: 'b', phase: 'done', detail: 'already' })
    p.done()
    expect(out.text()).toBe('… a: moving the channel\n✔ b: done (already)\n')
  })

  it('the CLI draws live progress only when its output is a terminal', async () => {
    const env = { NPM_TOKEN: registry.token }
    const names = [await freshPackage(), await freshPackage()]
    const args = (list: string[]) => [
      '--packages',
      list.join(','),
      '--rollback',
      '1.2.3',
      '--restore',
      '1.2.2',
      '--reason',
      'x',
      '--registry',
      registry.url,
      '--yes',
      '--no-report',
    ]
    const live = await cli(args(names), { env, tty: true })
    expect(live.code).toBe(0)
    expect(live.stdout).toContain(`${ESC}2K`)
    const shown = screen(live.stdout)
    for (const n of names) expect(shown).toContain(`✔ ${n}: done (rolled-back)`)
    const more = [await freshPackage(), await freshPackage()]
    const plain = await cli(args(more), { env, tty: false })
    expect(plain.code).toBe(0)
    expect(plain.stdout).not.toContain(ESC)
    for (const n of more) {
      expect(plain.stdout).toContain(`… ${n}: moving the channel\n`)
      expect(plain.stdout).toContain(`✔ ${n}: done (rolled-back)\n`)
    }
    for (const n of [...names, ...more]) expect(JSON.parse(await snapshot(registry, n)).distTags.latest).toBe('1.2.2')
  })
})
