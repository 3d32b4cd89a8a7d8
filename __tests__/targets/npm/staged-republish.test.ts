// strategy republish under staged publishing (issue 21 §1), on the npmjs test front
// (support/npmjs-front.mjs: npmjs's rules in front of a real Verdaccio): a registry that
// refuses a direct publish asking for staging (a stage-only token: E_STAGE_REQUIRED), or
// republish-stage: true, gets the fix-forward version staged; the channel goes back to the
// restore version at once and the bad version is deprecated naming it; the run ends
// awaiting-approval. A re-run before the approval writes nothing; after front.approveStage a
// re-run ends completed on the fix with the deprecation rewritten to name it.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { useDialect } from '../../../src/core/settings.js'
import { InputError } from '../../../src/core/errors.js'
import { readInputs } from '../../../src/config/inputs.js'
import { outputsOf } from '../../../src/action/main.js'
import { runIncident, type IncidentResult } from '../../../src/incident/run.js'
import { createTargets } from '../../../src/targets/select.js'
import { isDrillTag } from '../../../src/targets/npm/target.js'
import { publishPackage, snapshot } from '../../support/fixtures.mjs'
import { startNpmjsFront } from '../../support/npmjs-front.mjs'
import { startVerdaccio, type Registry } from '../../support/verdaccio.mjs'

let registry: Registry
let front: Awaited<ReturnType<typeof startNpmjsFront>>
let counter = 0

beforeAll(async () => {
  registry = await startVerdaccio()
  front = await startNpmjsFront({ upstream: registry.url, upstreamToken: registry.token })
})
afterAll(async () => {
  await front?.close()
  await registry?.stop()
})

const REASON = 'Memory persistence corrupts data on restart'

async function fixture(): Promise<string> {
  const name = `@acme/staged-${++counter}`
  await publishPackage(registry, name, ['1.2.2', '1.2.3'])
  return name
}

/** Verdaccio's own view (behind the front). */
async function state(name: string) {
  const s = JSON.parse(await snapshot(registry, name)) as {
    distTags: Record<string, string>
    deprecated: Record<string, string | null>
    versions?: string[]
  }
  return s
}

const writesSince = (from: number) =>
  front.requests.slice(from).filter((r) => r.method !== 'GET' && r.method !== 'HEAD')

async function run(name: string, token: string, over: Record<string, string> = {}) {
  const previous = useDialect('action')
  const lines: string[] = []
  const log = {
    info: (m: string) => lines.push(m),
    warning: (m: string) => lines.push(`warning: ${m}`),
    debug: () => {},
  }
  const values: Record<string, string> = {
    'rollback-version': '1.2.3',
    reason: REASON,
    package: name,
    registry: front.url,
    'npm-token': token,
    strategy: 'republish',
    ...over,
  }
  const from = front.requests.length
  try {
    const get = (n: string) => values[n] ?? ''
    const inputs = readInputs(get, {})
    const { targets } = createTargets(inputs, get, log, 'release-rollback-test', { env: {} })
    const result: IncidentResult = await runIncident(inputs, targets, log)
    return { result, lines, writes: writesSince(from) }
  } finally {
    useDialect(previous)
  }
}

describe('strategy republish under staged publishing', () => {
  it('a stage-only token: staged, latest on 1.2.2 at once, awaiting-approval; a re-run waits; after the approval a re-run completes on 1.2.4', async () => {
    const name = await fixture()
    const token = front.token('stage-only')

    const first = await run(name, token)
    expect(first.result.status).toBe('awaiting-approval')
    expect(first.result.staged?.version).toBe('1.2.4')
    const stageId = first.result.staged?.stageId as string
    expect(stageId).toMatch(/^[0-9a-f-]{36}$/)
    expect(first.result.staged?.command).toBe(`npm stage approve ${stageId}`)
    // the direct publish was refused asking for staging, then the stage publish went through
    expect(first.writes.map((w) => [w.method, w.path.split('?')[0], w.status])).toEqual(
      expect.arrayContaining([
        ['PUT', `/${name.replace('/', '%2f')}`, 403],
        ['POST', `/-/stage/package/${name.replace('/', '%2f')}`, 201],
      ]),
    )
    expect(front.staged.filter((s) => s.name === name)).toEqual([
      expect.objectContaining({ version: '1.2.4', tag: 'latest', approved: false, stageId }),
    ])
    const s1 = await state(name)
    // users protected at once: the channel on the live restore version, the deprecation naming it only
    expect(s1.distTags.latest).toBe('1.2.2')
    expect(s1.deprecated['1.2.3']).toContain('1.2.2')
    expect(s1.deprecated['1.2.3']).not.toContain('1.2.4')
    const out = outputsOf(first.result)
    expect(out['staged-version']).toBe('1.2.4')
    expect(out['stage-id']).toBe(stageId)
    expect(out.handoff).toBe('false')
    expect(first.lines.join('\n')).toContain(`npm stage approve ${stageId}`)

    // before the approval: nothing written, still waiting, never staged twice
    const waiting = await run(name, token)
    // (the preflight's own probe tag, added and removed, is the only write: it proves the credential)
    expect(waiting.writes.filter((w) => !isDrillTag(decodeURIComponent(w.path.split('/').pop() ?? '')))).toEqual([])
    expect(waiting.result.status).toBe('awaiting-approval')
    expect(waiting.result.staged).toMatchObject({ stageId, waiting: true })
    expect(waiting.lines.join('\n')).toMatch(/still waiting/)
    expect(front.staged.filter((s) => s.name === name)).toHaveLength(1)

    // a maintainer approves: installable, the staged dist-tag applied
    await front.approveStage(stageId)
    const after = await run(name, token)
    expect(after.result.status).toBe('completed')
    const s2 = await state(name)
    expect(s2.distTags.latest).toBe('1.2.4')
    expect(s2.deprecated['1.2.3']).toContain('1.2.4')
    expect(outputsOf(after.result)['stage-id']).toBe('')
    expect(front.staged.filter((s) => s.name === name)).toHaveLength(1)
  })

  it('republish-stage: true with a bypass token stages too (no direct publish tried)', async () => {
    const name = await fixture()
    const first = await run(name, front.token('granular-bypass'), { 'republish-stage': 'true' })
    expect(first.result.status).toBe('awaiting-approval')
    expect(
      first.writes.some(
        (w) => w.method === 'PUT' && w.path.split('?')[0] === `/${name.replace('/', '%2f')}` && w.status === 403,
      ),
    ).toBe(false)
    expect(first.writes.filter((w) => w.path.startsWith('/-/stage/package/'))).toHaveLength(1)
    expect((await state(name)).distTags.latest).toBe('1.2.2')
  })

  it('bad input for republish-stage is an InputError naming it, nothing written', async () => {
    const name = await fixture()
    const from = front.requests.length
    await expect(run(name, front.token('stage-only'), { 'republish-stage': 'maybe' })).rejects.toThrow(InputError)
    await expect(run(name, front.token('stage-only'), { 'republish-stage': 'maybe' })).rejects.toThrow(
      /republish-stage/,
    )
    await expect(
      run(name, front.token('stage-only'), { 'republish-stage': 'true', strategy: 'retag' }),
    ).rejects.toThrow(/republish-stage/)
    expect(writesSince(from)).toEqual([])
  })
})
