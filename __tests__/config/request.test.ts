// readRequest: the one request reader. Everything an entry needs, read once; the npm kind's
// registry and credential apart from the shared fields; bad input an InputError naming the
// input and the fix, in both dialects.
import { afterEach, describe, expect, it } from '@jest/globals'
import { InputError } from '../../src/core/errors.js'
import { useDialect } from '../../src/core/settings.js'
import { readInputs } from '../../src/config/inputs.js'
import { readRequest, rollbackInputs, type RollbackRequest } from '../../src/config/request.js'

const valid: Record<string, string> = {
  'rollback-version': '1.2.3',
  reason: 'Memory persistence corrupts data on restart',
  package: 'acme-widget',
  'npm-token': 'npm_secret',
  'create-issue': 'false',
  'commit-report': 'false',
}
const reader = (values: Record<string, string>) => (name: string) => values[name] ?? ''

function rollback(values: Record<string, string>, env: NodeJS.ProcessEnv = {}): RollbackRequest {
  const r = readRequest(reader(values), env)
  if (r.mode !== 'rollback') throw new Error(`expected a rollback request, got ${r.mode}`)
  return r
}

function refusal(values: Record<string, string>, env: NodeJS.ProcessEnv = {}): InputError {
  try {
    readRequest(reader(values), env)
  } catch (e) {
    if (e instanceof InputError) return e
    throw e
  }
  throw new Error('readRequest accepted it')
}

afterEach(() => {
  useDialect('action')
})

describe('readRequest', () => {
  it('keeps the npm token out of the shared fields: the npm kind has it, with the registry', () => {
    const r = rollback(valid)
    expect(r.shared).not.toHaveProperty('npmToken')
    expect(r.shared).not.toHaveProperty('registry')
    expect(r.kinds.npm).toEqual({ registry: 'https://registry.npmjs.org/', npmToken: 'npm_secret' })
    expect(JSON.stringify([r.shared, r.github, r.settings, r.smoke, r.verify])).not.toContain('npm_secret')
  })

  it('gives back the flat form readInputs reads, for the modules that still take it', () => {
    for (const values of [
      valid,
      { ...valid, package: '', targets: 'npm:@acme/core\ndocker:ghcr.io/acme/app\nhelm:prod/acme' },
      { ...valid, package: '', target: 'docker', image: 'nginx', 'npm-token': '' },
    ]) {
      expect(rollbackInputs(rollback(values))).toEqual(readInputs(reader(values), {}))
    }
  })

  it('reads the GitHub bookkeeping, the announcements, the smoke test, the RTO targets and verify once', () => {
    const r = rollback({
      ...valid,
      'announce-webhook': 'https://hooks.slack.com/services/T/B/x',
      'rto-targets': 'critical=90s',
      'verify-url': 'https://acme.example/health',
      'issue-labels': 'rollback, prod',
    })
    expect(r.announce).toEqual({ webhook: 'https://hooks.slack.com/services/T/B/x', format: 'slack' })
    expect(r.rtoTargets.critical).toBe(90_000)
    expect(r.verify.url).toBe('https://acme.example/health')
    expect(r.github.labels).toEqual(['rollback', 'prod'])
  })

  it("reads the adapters' settings of the kinds named, up front", () => {
    const r = rollback({
      ...valid,
      package: '',
      targets: 'docker:ghcr.io/acme/app\nhelm:acme',
      'tag-prefix': 'v',
      'helm-timeout': '90s',
    })
    expect(r.settings.docker).toMatchObject({ tagPrefix: 'v' })
    expect(r.settings.helm).toMatchObject({ timeout: '90s', wait: 'legacy' })
    expect(r.settings.npm).toBeUndefined()
  })

  it('reads only the freeze check with freeze-check: true (no rollback-version needed)', () => {
    const r = readRequest(reader({ 'freeze-check': 'true', 'github-token': 't', package: 'acme' }), {
      GITHUB_REPOSITORY: 'acme/app',
    })
    expect(r.mode).toBe('freeze')
  })

  const bad: Array<[string, Record<string, string>, string, RegExp]> = [
    [
      'a helm setting of a named release',
      { package: '', targets: 'helm:acme', 'helm-timeout': 'soon' },
      'helm-timeout',
      /Go duration/,
    ],
    [
      'a docker setting of a named image',
      { package: '', targets: 'docker:nginx', 'tag-prefix': 'v/' },
      'tag-prefix',
      /letters, digits/,
    ],
    ['the announce webhook', { 'announce-webhook': 'http://hooks.slack.com/x' }, 'announce-webhook', /webhook URL/],
    [
      'the smoke test timeout',
      { 'smoke-test': 'npm test', 'smoke-test-timeout': 'forever' },
      'smoke-test-timeout',
      /\S/,
    ],
    ['the verify field without a URL', { 'verify-field': 'version' }, 'verify-field', /verify-url|--verify-url/],
    ['the RTO targets', { 'rto-targets': 'urgent=5m' }, 'rto-targets', /\S/],
    [
      'the issue labels',
      { 'issue-labels': 'x'.repeat(51), 'create-issue': 'true', 'github-token': 't' },
      'issue-labels',
      /shorter/,
    ],
  ]
  for (const dialect of ['action', 'cli'] as const) {
    it.each(bad)(`refuses %s, naming the input and the fix (${dialect})`, (_what, values, input, fix) => {
      useDialect(dialect)
      const e = refusal({ ...valid, ...values }, { GITHUB_REPOSITORY: 'acme/app' })
      expect(e.input).toBe(input)
      expect(e.message).toMatch(/ Fix: \S/)
      expect(e.fix).toMatch(fix)
    })
  }
})

describe('the targets built from a request', () => {
  it("take the adapters' settings readRequest read, as they would read them", async () => {
    const { createTargets } = await import('../../src/targets/select.js')
    const values = {
      ...valid,
      package: '',
      'npm-token': '',
      targets: 'docker:ghcr.io/acme/app\nhelm:prod/acme',
      'helm-timeout': '90s',
    }
    const r = rollback(values)
    const log = { info: () => {}, warning: () => {}, debug: () => {} }
    // the settings come from the request: the reader no longer has them
    const built = createTargets(rollbackInputs(r), reader({}), log, 'test', { settings: r.settings })
    const again = createTargets(rollbackInputs(r), reader(values), log, 'test')
    try {
      expect(built.targets.map((t) => [t.kind, t.name, t.channel, t.target.label])).toEqual(
        again.targets.map((t) => [t.kind, t.name, t.channel, t.target.label]),
      )
      expect(built.targets.map((t) => t.name)).toEqual(['ghcr.io/acme/app', 'prod/acme'])
    } finally {
      built.dispose()
      again.dispose()
    }
  })
})
