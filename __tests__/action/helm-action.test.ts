// The built action with target: helm, against the stand-in helm executable (no helm
// binary or cluster can run here; the stand-in's JSON is checked against helm's own
// shapes in helm-target.test.ts), once per helm it plays: released v3 (3.19), released
// v4 (4.2), and main.
import { basename, dirname } from 'node:path'
import { rmSync } from 'node:fs'
import { afterAll, describe, expect, it } from '@jest/globals'
import { FLAVORS, createHelmStandin } from '../support/helm-standin.mjs'
import { runAction } from '../support/run-action.mjs'

const made: Array<{ dir: string }> = []
afterAll(() => {
  for (const s of made) rmSync(s.dir, { recursive: true, force: true })
})

type Flavor = keyof typeof FLAVORS
/** helm-wait's default (legacy) in the form of each helm */
const LEGACY: Record<Flavor, string> = { '3.19': '--wait', '4.2': '--wait=legacy', main: '--wait=legacy' }

function standin(flavor: Flavor) {
  const s = createHelmStandin({
    flavor,
    releases: {
      'prod/acme': {
        chart: 'acme-app',
        revisions: [
          { status: 'superseded', appVersion: '1.2.2' },
          { status: 'deployed', appVersion: '1.2.3' },
        ],
      },
    },
  })
  made.push(s)
  return s
}

const kubeconfig = 'apiVersion: v1\nusers:\n- name: ci\n  user:\n    token: kube-secret-token-0123456789\n'
const base = {
  target: 'helm',
  release: 'acme',
  namespace: 'prod',
  'rollback-version': '1.2.3',
  reason: 'crash loop',
  kubeconfig,
  'create-issue': 'false',
  'commit-report': 'false',
}

describe.each(Object.keys(FLAVORS) as Flavor[])('dist/index.js with target: helm, helm %s', (flavor) => {
  it('rolls the release back to the revision with the good version, with a private kubeconfig and the legacy wait of this helm; a re-run does nothing', async () => {
    const s = standin(flavor)
    expect(basename(s.path)).toBe('helm')
    const env = { PATH: `${dirname(s.path)}:${process.env.PATH ?? ''}` }
    const run = await runAction(base, { env })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.outputs).toMatchObject({
      status: 'completed',
      'previous-version': '1.2.3',
      'restored-version': '1.2.2',
      moved: 'true',
      deprecated: 'false',
      'previous-revision': '2',
      'restored-revision': '1',
      'new-revision': '3',
    })
    const rollbacks = s.calls().filter((c: string[]) => c[0] === 'rollback')
    expect(rollbacks).toHaveLength(1)
    expect(rollbacks[0]).toEqual(expect.arrayContaining(['acme', '1', LEGACY[flavor], '--timeout', '5m']))
    expect(rollbacks[0].some((a: string) => /^--kubeconfig=.+kubeconfig$/.test(a))).toBe(true)
    // --description only where this helm has it; never helm status
    expect(rollbacks[0].includes('--description')).toBe(flavor === 'main')
    expect(s.calls().map((c: string[]) => c[0])).not.toContain('status')
    // the summary says which checks helm waited for
    expect(run.summary).toContain(
      `How it ran: helm ${FLAVORS[flavor].short} waited with the legacy readiness checks (${LEGACY[flavor]}).`,
    )
    // the kubeconfig's secret line is masked and appears nowhere else
    expect(run.stdout).toContain('::add-mask::token: kube-secret-token-0123456789')
    expect(run.stdout.split('kube-secret-token-0123456789').length - 1).toBe(1)

    const again = await runAction(base, { env })
    expect(again.outputs).toMatchObject({ status: 'already-done', moved: 'false', 'new-revision': '' })
    expect(s.calls().filter((c: string[]) => c[0] === 'rollback')).toHaveLength(1)
  })

  it('helm-wait: watcher on helm 4, an input error on helm 3 that changes nothing; a bad value names the input', async () => {
    const s = standin(flavor)
    const env = { PATH: `${dirname(s.path)}:${process.env.PATH ?? ''}` }
    const bad = await runAction({ ...base, 'helm-wait': 'true' }, { env })
    expect(bad.code).toBe(1)
    expect(bad.stdout).toMatch(/::error::Input 'helm-wait': "true" is not legacy, watcher or none\. Fix: /)
    const run = await runAction({ ...base, 'helm-wait': 'watcher' }, { env })
    if (flavor === '3.19') {
      expect(run.code).toBe(1)
      expect(run.stdout).toMatch(/Input 'helm-wait': is watcher, but the helm on this runner is v3\.19\.0\+g3d8990f/)
      expect(s.calls().filter((c: string[]) => c[0] === 'rollback')).toEqual([])
      expect(s.history('prod/acme')).toHaveLength(2)
    } else {
      expect(run.code).toBe(0)
      expect(run.outputs).toMatchObject({ status: 'completed', 'new-revision': '3' })
      expect(s.calls().filter((c: string[]) => c[0] === 'rollback')[0]).toContain('--wait=watcher')
      expect(run.summary).toContain('waited with the watcher readiness checks (--wait=watcher).')
    }
  })
})
