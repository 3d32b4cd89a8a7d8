// The planner speaks the kind's words (issue 22): a Docker plan moves a tag, a Helm plan a
// release, and no plan of theirs says dist-tag. The words come from the registry; core
// compares no kind name.
import { describe, expect, it } from '@jest/globals'
import { DEFAULT_DEPRECATION_MESSAGE } from '../../src/config/inputs.js'
import { GUARDS } from '../../src/core/guards/index.js'
import { incidentOfTargets } from '../../src/core/incident-id.js'
import {
  circuitBreaker,
  describePlan,
  incidentId,
  planRollback,
  planUndo,
  type PackageState,
  type PlanRequest,
} from '../../src/core/plan.js'
import { KIND_NAMES, kindOf, labelOf } from '../../src/targets/registry.js'
import { inputErrorOf } from '../support/helpers.js'

const state: PackageState = {
  name: 'ghcr.io/acme/app',
  distTags: { prod: '1.2.3', canary: '1.2.3' },
  versions: { '1.2.2': {}, '1.2.3': {}, '1.2.4': {} },
}

const request = (over: Partial<PlanRequest> = {}): PlanRequest => ({
  packageName: 'ghcr.io/acme/app',
  rollbackVersion: '1.2.3',
  channel: 'prod',
  reason: 'crash loop',
  deprecate: false,
  deprecationMessage: DEFAULT_DEPRECATION_MESSAGE,
  force: false,
  ...over,
})

describe("describePlan in the kind's words", () => {
  const docker = kindOf('docker').words

  it('a Docker plan moves a tag, never a dist-tag', () => {
    const plan = planRollback(request({ restoreVersion: '1.2.2', words: docker }), state)
    const lines = describePlan(plan, docker)
    expect(lines[1]).toBe("- move tag 'prod': 1.2.3 -> 1.2.2")
    expect(lines.join('\n')).not.toMatch(/dist-tag/)
    expect(plan.warnings.join('\n')).toMatch(/^Other tags still point at the bad version 1\.2\.3: canary\./)
  })

  it('every line of every tag action and of an undo uses the words', () => {
    for (const name of KIND_NAMES) {
      const words = kindOf(name).words
      const already = planRollback(request({ restoreVersion: '1.2.2', words }), {
        ...state,
        distTags: { prod: '1.2.2' },
      })
      expect(describePlan(already, words)[1]).toBe(`- ${words.channel} 'prod' already points at 1.2.2: no change`)
      const newer = planRollback(request({ restoreVersion: '1.2.2', words }), { ...state, distTags: { prod: '1.2.4' } })
      expect(describePlan(newer, words)[1]).toBe(
        `- ${words.channel} 'prod' holds the newer ${words.version} 1.2.4: left as it is`,
      )
      const undo = planUndo(request({ restoreVersion: '1.2.2', words }), { ...state, distTags: { prod: '1.2.2' } })
      expect(describePlan(undo, words)[1]).toBe(
        `- move ${words.channel} 'prod' back: 1.2.2 -> 1.2.3 (the bad ${words.version}, as undo asks)`,
      )
    }
  })
})

describe("the planner's messages in the kind's words", () => {
  const git = kindOf('git-tag').words

  it('a channel that does not exist is named with the kind’s word', () => {
    const e = inputErrorOf(() => planRollback(request({ channel: 'v1', restoreVersion: '1.2.2', words: git }), state))
    expect(e.input).toBe('channel')
    expect(e.message).toMatch(/the git tag 'v1' does not exist on ghcr\.io\/acme\/app\./)
    expect(e.message).not.toMatch(/dist-tag/)
  })

  it('current on a channel that does not exist, in the circuit breaker', () => {
    const helm = kindOf('helm').words
    const e = inputErrorOf(() => circuitBreaker(state, 'staging', 'current', undefined, { words: helm }))
    expect(e.message).toMatch(
      /the release 'staging' does not exist on .*, so there is no current revision to roll back/,
    )
    // the words may come with the guard itself, too
    expect(() => circuitBreaker(state, 'staging', 'current', { words: helm })).toThrow(/the release 'staging'/)
  })
})

describe('the circuit breakers', () => {
  it('are listed in the order they run, one file each', () => {
    expect(GUARDS.map((g) => g.name)).toEqual([
      'require-holder',
      'release-commit',
      'published-after',
      'published-before',
      'overlapping-runs',
      'max-age',
    ])
  })
})

describe('the incident id of several targets', () => {
  it("names each target by its kind's label, as the runner and the record check both do", () => {
    const targets = [
      { kind: 'npm', name: '@acme/core' },
      { kind: 'docker', name: 'ghcr.io/acme/app' },
    ]
    expect(incidentOfTargets(targets, 'latest', '1.2.3', undefined, labelOf)).toBe(
      incidentId('@acme/core,docker:ghcr.io/acme/app', 'latest', '1.2.3', 'last-known-good'),
    )
    // a kind no registry entry has (a changed record) keeps kind:name
    expect(labelOf('k8s', 'web')).toBe('k8s:web')
  })
})
