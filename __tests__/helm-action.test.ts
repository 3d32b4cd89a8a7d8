// The built action with target: helm, against the stand-in helm executable (no helm
// binary or cluster can run here; the stand-in's JSON is checked against helm's own
// shapes in helm-target.test.ts).
import { basename, dirname } from 'node:path'
import { rmSync } from 'node:fs'
import { afterAll, describe, expect, it } from '@jest/globals'
import { createHelmStandin } from './support/helm-standin.mjs'
import { runAction } from './support/run-action.mjs'

const made: Array<{ dir: string }> = []
afterAll(() => {
  for (const s of made) rmSync(s.dir, { recursive: true, force: true })
})

describe('dist/index.js with target: helm', () => {
  it('rolls the release back to the revision with the good version, with a private kubeconfig, and a re-run does nothing', async () => {
    const standin = createHelmStandin({
      releases: {
        'prod/acme': {
          chart: 'acme-app',
          revisions: [
            { status: 'superseded', appVersion: '1.2.2' },
            { status: 'deployed', appVersion: '1.2.3' }
          ]
        }
      }
    })
    made.push(standin)
    expect(basename(standin.path)).toBe('helm')
    const kubeconfig = 'apiVersion: v1\nusers:\n- name: ci\n  user:\n    token: kube-secret-token-0123456789\n'
    const inputs = { target: 'helm', release: 'acme', namespace: 'prod', 'rollback-version': '1.2.3', reason: 'crash loop', kubeconfig, 'create-issue': 'false', 'commit-report': 'false' }
    const env = { PATH: `${dirname(standin.path)}:${process.env.PATH ?? ''}` }
    const run = await runAction(inputs, { env })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.outputs).toMatchObject({ status: 'completed', 'previous-version': '1.2.3', 'restored-version': '1.2.2', moved: 'true', deprecated: 'false', 'previous-revision': '2', 'restored-revision': '1', 'new-revision': '3' })
    const rollbacks = standin.calls().filter((c: string[]) => c[0] === 'rollback')
    expect(rollbacks).toHaveLength(1)
    expect(rollbacks[0]).toEqual(expect.arrayContaining(['acme', '1', '--wait', '--timeout', '5m']))
    expect(rollbacks[0].some((a: string) => /^--kubeconfig=.+kubeconfig$/.test(a))).toBe(true)
    // the kubeconfig's secret line is masked and appears nowhere else
    expect(run.stdout).toContain('::add-mask::token: kube-secret-token-0123456789')
    expect(run.stdout.split('kube-secret-token-0123456789').length - 1).toBe(1)

    const again = await runAction(inputs, { env })
    expect(again.outputs).toMatchObject({ status: 'already-done', moved: 'false', 'new-revision': '' })
    expect(standin.calls().filter((c: string[]) => c[0] === 'rollback')).toHaveLength(1)
  })
})
