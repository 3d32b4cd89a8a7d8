// Each kind's words (src/targets/<kind>/kind.ts): what it calls its channel and its targets,
// and the commands shown to people. Only npm's words name npm or a dist-tag.
import { describe, expect, it } from '@jest/globals'
import { DEFAULT_KIND, KINDS, kindOf, kindOrDefault } from '../../src/targets/registry.js'

const NPM_WORDS = /dist-tag|\bnpm\b|npmjs|yarn/i

/** Every text a kind's words produce for one target, with the arguments a real incident passes. */
function everyText(kind: string, name: string, channel: string): string[] {
  const w = kindOf(kind).words
  return [
    w.target,
    w.channel,
    w.version,
    w.place,
    w.title,
    w.pointByHand(name, channel, '1.2.2') ?? '',
    w.retireByHand?.(name, '1.2.3', 'broken') ?? '',
    w.fixForward(name, channel),
    w.goBack?.(name, '1.2.3', '1.2.2') ?? '',
    w.removeByHand?.(name, channel) ?? '',
    ...w.nextSteps({ name, channel, bad: '1.2.3', several: false }),
    ...w.nextSteps({ name, channel, bad: '1.2.3', several: true }),
  ]
}

describe("each kind's words", () => {
  it('npm: dist-tags, and the npm commands', () => {
    const w = kindOf('npm').words
    expect([w.target, w.channel, w.version, w.title]).toEqual(['npm package', 'dist-tag', 'version', 'Package'])
    expect(w.pointByHand('@acme/widget', 'latest', '1.2.2')).toBe('npm dist-tag add @acme/widget@1.2.2 latest')
    expect(w.pointByHand('widget', 'latest', '1.2.2', 'https://npm.acme.test/')).toBe(
      "npm dist-tag add widget@1.2.2 latest --registry 'https://npm.acme.test/'",
    )
    expect(w.retireByHand?.('widget', '1.2.3', 'broken')).toBe('npm deprecate widget@1.2.3 "broken"')
    expect(w.fixForward('@acme/widget', 'latest')).toBe('npm dist-tag add @acme/widget@<fixed> latest')
    expect(w.goBack?.('widget', '1.2.3', '1.2.2')).toBe(
      'If you installed 1.2.3 (check with: npm ls widget), go back to 1.2.2: npm install widget@1.2.2',
    )
    expect(w.removeByHand?.('widget', 'next')).toBe('npm dist-tag rm widget next')
    const steps = w.nextSteps({ name: 'widget', channel: 'latest', bad: '1.2.3', several: false })
    expect(steps.join('\n')).toContain('`npm view widget dist-tags`')
    expect(steps.join('\n')).toContain('`npm dist-tag add widget@<fixed> latest`')
    expect(w.nextSteps({ name: 'widget', channel: 'latest', bad: '1.2.3', several: true }).join('\n')).toContain(
      '`npm dist-tag add <package>@<fixed> latest`',
    )
    expect(kindOf('npm').capabilities.installers).toBe(true)
  })

  it('docker: tags, and skopeo commands', () => {
    const w = kindOf('docker').words
    expect([w.target, w.channel, w.version, w.title]).toEqual(['image', 'tag', 'tag', 'Image'])
    expect(w.pointByHand('ghcr.io/acme/app', 'latest', '1.2.2')).toBe(
      "skopeo copy --all 'docker://ghcr.io/acme/app:1.2.2' 'docker://ghcr.io/acme/app:latest'",
    )
    expect(w.fixForward('ghcr.io/acme/app', 'latest')).toBe(
      "skopeo copy --all 'docker://ghcr.io/acme/app:<fixed>' 'docker://ghcr.io/acme/app:latest'",
    )
    expect(w.retireByHand).toBeUndefined()
    expect(w.removeByHand).toBeUndefined()
    expect(w.nextSteps({ name: 'ghcr.io/acme/app', channel: 'prod', bad: '1.2.3', several: false })).toEqual([
      'Hosts that already pulled `1.2.3` under `prod` keep it until they pull again (or restart with imagePullPolicy: Always).',
      'Publish a fix as a new tag, then move `prod` to it.',
    ])
  })

  it('helm: releases and revisions, and helm commands', () => {
    const w = kindOf('helm').words
    expect([w.target, w.channel, w.version, w.title]).toEqual(['Helm release', 'release', 'revision', 'Helm release'])
    expect(w.pointByHand('prod/acme', 'release', '1.2.2')).toBe(
      'helm history acme -n prod, then helm rollback acme <revision> -n prod',
    )
    expect(w.fixForward('prod/acme', 'release')).toBe('helm upgrade acme … (the fixed version)')
    expect(w.nextSteps({ name: 'prod/acme', channel: 'release', bad: '1.2.3', several: false })[0]).toContain(
      '`helm history acme`',
    )
  })

  it('git-tag: git tags, and ordinary git (git-push(1)) on the moving tag, which is the channel', () => {
    const w = kindOf('git-tag').words
    expect([w.target, w.channel, w.version, w.title]).toEqual(['git tag', 'git tag', 'tag', 'Git tag'])
    expect(w.pointByHand('v1', 'v1', 'v1.2.2')).toBe("git push --force origin 'v1.2.2^{commit}:refs/tags/v1'")
    // the runner's name may be the repository: the channel names the tag
    expect(w.fixForward('acme/widget', 'v1')).toBe("git push --force origin '<fixed>^{commit}:refs/tags/v1'")
    expect(w.removeByHand?.('acme/widget', 'v1')).toBe('git push origin --delete refs/tags/v1')
    expect(w.nextSteps({ name: 'v1', channel: 'v1', bad: '1.2.3', several: false })).toEqual([
      'Workflows pinned to `v1` use the restored commit from their next run; pins by full SHA keep what they had.',
      'Release a fix as a new tag, then move `v1` to it.',
    ])
  })

  it('no kind but npm names npm, a dist-tag or Yarn in any of its words', () => {
    const names: Record<string, [string, string]> = {
      docker: ['ghcr.io/acme/app', 'latest'],
      helm: ['prod/acme', 'release'],
      'git-tag': ['v1', 'v1'],
    }
    for (const kind of KINDS.filter((k) => k !== DEFAULT_KIND)) {
      const [name, channel] = names[kind.name] ?? ['thing', 'latest']
      for (const text of everyText(kind.name, name, channel)) expect(text).not.toMatch(NPM_WORDS)
      expect(kind.capabilities.installers).toBe(false)
    }
    expect(everyText('npm', 'widget', 'latest').join('\n')).toMatch(/dist-tag/)
  })

  it('every kind fills every word, and a record without a kind is the default kind (npm)', () => {
    for (const kind of KINDS) {
      for (const text of everyText(kind.name, 'x', 'latest').slice(0, 5)) expect(text).not.toBe('')
      expect(kind.words.nextSteps({ name: 'x', channel: 'latest', bad: '1', several: false }).length).toBeGreaterThan(0)
    }
    expect(kindOrDefault(undefined)).toBe(DEFAULT_KIND)
    expect(DEFAULT_KIND.name).toBe('npm')
    expect(kindOrDefault('docker')).toBe(kindOf('docker'))
  })
})
