import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { InputError } from '../../src/core/errors.js'
import { DEFAULT_REGISTRY, readGitHubInputs, readInputs, targetsFrom } from '../../src/config/inputs.js'
import { createTarget } from '../../src/targets/select.js'
import { MAX_TARGETS, parseTargets } from '../../src/targets/spec.js'

const valid: Record<string, string> = {
  'rollback-version': '1.2.3',
  reason: 'Memory persistence corrupts data on restart',
  package: 'acme-widget',
  'npm-token': 'npm_secret',
}
const reader = (values: Record<string, string>) => (name: string) => values[name] ?? ''

describe('readInputs', () => {
  it('applies the documented defaults', () => {
    expect(readInputs(reader(valid), {})).toEqual({
      target: 'npm',
      packageNames: ['acme-widget'],
      fromWorkspaces: false,
      partialOk: true,
      strategy: 'retag',
      rollbackVersion: '1.2.3',
      restoreVersion: undefined,
      channel: 'latest',
      reason: 'Memory persistence corrupts data on restart',
      packageName: 'acme-widget',
      registry: DEFAULT_REGISTRY,
      npmToken: 'npm_secret',
      deprecate: true,
      deprecationMessage: '{version} was rolled back: {reason}. Use {restore} instead.',
      publishedAfter: undefined,
      publishedBefore: undefined,
      releaseCommit: undefined,
      maxAgeMs: undefined,
      requireHolder: false,
      dryRun: false,
      force: false,
    })
  })

  it('normalises a leading v and trims values', () => {
    const i = readInputs(
      reader({ ...valid, 'rollback-version': ' v1.2.3 ', 'restore-version': 'V1.2.2', channel: ' beta ' }),
      {},
    )
    expect([i.rollbackVersion, i.restoreVersion, i.channel]).toEqual(['1.2.3', '1.2.2', 'beta'])
  })

  it('reads the package name from package.json in the workspace', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rr-ws-'))
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: '@acme/widget' }))
    expect(readInputs(reader({ ...valid, package: '' }), { GITHUB_WORKSPACE: dir }).packageName).toBe('@acme/widget')
  })

  it('takes NODE_AUTH_TOKEN when npm-token is empty, and needs no token for a dry run', () => {
    expect(readInputs(reader({ ...valid, 'npm-token': '' }), { NODE_AUTH_TOKEN: 'from-setup-node' }).npmToken).toBe(
      'from-setup-node',
    )
    expect(readInputs(reader({ ...valid, 'npm-token': '', 'dry-run': 'true' }), {}).npmToken).toBeUndefined()
  })

  it('adds the trailing slash to a registry URL', () => {
    expect(readInputs(reader({ ...valid, registry: 'http://127.0.0.1:4873' }), {}).registry).toBe(
      'http://127.0.0.1:4873/',
    )
  })

  it('accepts current with published-after, normalised to UTC', () => {
    const i = readInputs(
      reader({ ...valid, 'rollback-version': 'current', 'published-after': '2026-11-21T15:00:00+01:00' }),
      {},
    )
    expect([i.rollbackVersion, i.publishedAfter]).toEqual(['current', '2026-11-21T14:00:00.000Z'])
  })

  it('reads published-before (UTC) and release-commit (lower-cased)', () => {
    const i = readInputs(
      reader({
        ...valid,
        'rollback-version': 'current',
        'published-after': '2026-11-21T14:00:00Z',
        'published-before': '2026-11-21T15:20:00+01:00',
        'release-commit': ` ${'AbC123'.repeat(6)}abcd `,
      }),
      {},
    )
    expect([i.publishedAfter, i.publishedBefore, i.releaseCommit]).toEqual([
      '2026-11-21T14:00:00.000Z',
      '2026-11-21T14:20:00.000Z',
      `${'abc123'.repeat(6)}abcd`,
    ])
  })

  it('takes published-before and release-commit with an exact version too (they guard it)', () => {
    const i = readInputs(
      reader({ ...valid, 'published-before': '2026-11-21T14:20:00Z', 'release-commit': 'f'.repeat(40) }),
      {},
    )
    expect([i.rollbackVersion, i.publishedBefore, i.releaseCommit]).toEqual([
      '1.2.3',
      '2026-11-21T14:20:00.000Z',
      'f'.repeat(40),
    ])
  })

  it('reads max-age as a Go-like duration in milliseconds, and require-holder', () => {
    const H = 3_600_000
    const ages = ['24h', '90m', '1h30m', '1.5h', '45s', '2h0m30s', ' 8760h ', '500ms', '2d', '365d'].map(
      (a) => readInputs(reader({ ...valid, 'max-age': a }), {}).maxAgeMs,
    )
    expect(ages).toEqual([
      24 * H,
      90 * 60_000,
      90 * 60_000,
      1.5 * H,
      45_000,
      2 * H + 30_000,
      8760 * H,
      500,
      48 * H,
      8760 * H,
    ])
    expect(readInputs(reader({ ...valid, 'max-age': '' }), {}).maxAgeMs).toBeUndefined()
    const alert = readInputs(reader({ ...valid, 'max-age': '24h', 'require-holder': 'true' }), {})
    expect([alert.maxAgeMs, alert.requireHolder]).toEqual([24 * H, true])
  })

  it('keeps newlines and tabs in reason, and reads a Windows line end as a newline', () => {
    expect(readInputs(reader({ ...valid, reason: 'first line\r\nsecond\tline' }), {}).reason).toBe(
      'first line\nsecond\tline',
    )
  })

  it('ignores inputs it does not know', () => {
    expect(() => readInputs(reader({ ...valid, 'something-later': 'x' }), {})).not.toThrow()
  })

  // each row: the inputs changed, the input the error must name, what the message says
  const bad: Array<[string, Record<string, string>, string, RegExp]> = [
    ['missing rollback-version', { 'rollback-version': '' }, 'rollback-version', /is required/],
    [
      'a range as rollback-version',
      { 'rollback-version': '^1.2.3' },
      'rollback-version',
      /not an exact semantic version/,
    ],
    ['a partial version', { 'rollback-version': '1.2' }, 'rollback-version', /not an exact semantic version/],
    ['shell in a version', { 'rollback-version': '1.2.3$(id)' }, 'rollback-version', /not an exact/],
    ['a tag as restore-version', { 'restore-version': 'latest' }, 'restore-version', /not an exact/],
    ['the same version twice', { 'restore-version': 'v1.2.3' }, 'restore-version', /same as rollback-version/],
    ['a range as channel', { channel: '1.x' }, 'channel', /semver range/],
    ['a version as channel', { channel: 'v1' }, 'channel', /semver range/],
    ['backticks in channel', { channel: 'latest`id`' }, 'channel', /not a valid dist-tag/],
    ['a newline in channel', { channel: 'latest\nbeta' }, 'channel', /not a valid dist-tag/],
    ['an empty reason', { reason: '   ' }, 'reason', /is empty/],
    ['a huge reason', { reason: 'x'.repeat(5000) }, 'reason', /5000 characters long; the limit is 1000/],
    ['a control character in reason', { reason: 'bad\u0007bell' }, 'reason', /control characters/],
    [
      'an escape sequence in reason',
      { reason: 'bad\u001b[2Jreason' },
      'reason',
      /control characters \(U\+001B at character 4\)/,
    ],
    ['a lone carriage return in reason', { reason: 'done\rfine' }, 'reason', /control characters \(U\+000D/],
    ['a C1 control in reason', { reason: 'bad\u009breason' }, 'reason', /control characters \(U\+009B/],
    ['a DEL in reason', { reason: 'bad\u007freason' }, 'reason', /control characters \(U\+007F/],
    [
      'a bidi override in reason',
      { reason: 'rolled back \u202eevil' },
      'reason',
      /bidirectional control characters \(U\+202E/,
    ],
    [
      'a bidi isolate in reason',
      { reason: 'rolled back \u2066x\u2069' },
      'reason',
      /bidirectional control characters \(U\+2066/,
    ],
    [
      'a right-to-left mark in reason',
      { reason: 'rolled back \u200f' },
      'reason',
      /bidirectional control characters \(U\+200F/,
    ],
    [
      'a control character in deprecation-message',
      { 'deprecation-message': '{version} \u0007 {restore}' },
      'deprecation-message',
      /control characters \(U\+0007/,
    ],
    [
      'a bidi override in deprecation-message',
      { 'deprecation-message': 'Use {restore} \u202d{version}' },
      'deprecation-message',
      /bidirectional control characters \(U\+202D/,
    ],
    ['a published-before that is no time', { 'published-before': 'later' }, 'published-before', /not an ISO-8601 time/],
    [
      'a published-before not after published-after',
      {
        'rollback-version': 'current',
        'published-after': '2026-11-21T14:00:00Z',
        'published-before': '2026-11-21T14:00:00Z',
      },
      'published-before',
      /is not after published-after/,
    ],
    ['a short release-commit', { 'release-commit': 'abc1234' }, 'release-commit', /not a full 40-character commit SHA/],
    [
      'a branch as release-commit',
      { 'release-commit': 'main' },
      'release-commit',
      /not a full 40-character commit SHA/,
    ],
    [
      'shell in release-commit',
      { 'release-commit': `${'a'.repeat(40)};id` },
      'release-commit',
      /not a full 40-character commit SHA/,
    ],
    ['path traversal in package', { package: '../../etc/passwd' }, 'package', /not a valid npm package name/],
    ['spaces in package', { package: 'acme widget' }, 'package', /not a valid npm package name/],
    ['a spec as package', { package: 'acme-widget@1.2.3' }, 'package', /not a valid npm package name/],
    ['a registry that is no URL', { registry: 'registry.npmjs.org' }, 'registry', /not a URL/],
    ['plain http to a remote registry', { registry: 'http://registry.example.com/' }, 'registry', /unencrypted/],
    [
      'credentials in the registry URL',
      { registry: 'https://user:pw@registry.example.com/' },
      'registry',
      /must not carry credentials/,
    ],
    ['an ftp registry', { registry: 'ftp://registry.example.com/' }, 'registry', /not supported/],
    ['no token outside a dry run', { 'npm-token': '' }, 'npm-token', /is empty/],
    ['a token with a Bearer prefix', { 'npm-token': 'Bearer abc' }, 'npm-token', /whitespace/],
    ['a non-boolean dry-run', { 'dry-run': 'maybe' }, 'dry-run', /not a boolean/],
    ['a non-boolean force', { force: 'yes please' }, 'force', /not a boolean/],
    ['a non-boolean deprecate', { deprecate: '1' }, 'deprecate', /not a boolean/],
    [
      'an unknown placeholder',
      { 'deprecation-message': 'Use {restore} not {bad}' },
      'deprecation-message',
      /unknown placeholder \{bad\}/,
    ],
    [
      'current without published-after',
      { 'rollback-version': 'current' },
      'published-after',
      /required with rollback-version: current/,
    ],
    [
      'a published-after that is no time',
      { 'published-after': 'yesterday' },
      'published-after',
      /not an ISO-8601 time/,
    ],
    [
      'a max-age that is no duration',
      { 'max-age': 'a day' },
      'max-age',
      /"a day" is not a duration\..*Fix: use a duration such as 24h, 90m, 1h30m or 2d .*or leave max-age empty for no limit/,
    ],
    ['a max-age without a unit', { 'max-age': '24' }, 'max-age', /"24" is not a duration/],
    ['a negative max-age', { 'max-age': '-1h' }, 'max-age', /not a duration/],
    ['a zero max-age', { 'max-age': '0h' }, 'max-age', /must be longer than 0 \(got 0h\)/],
    ['a max-age over a year', { 'max-age': '9000h' }, 'max-age', /longer than a year \(8760h\)/],
    ['a max-age of more days than a year', { 'max-age': '366d' }, 'max-age', /366d is longer than a year \(8760h\)/],
    ['shell in max-age', { 'max-age': '24h$(id)' }, 'max-age', /not a duration/],
    ['a huge max-age', { 'max-age': '9'.repeat(400) + 'h' }, 'max-age', /not a duration/],
    ['a non-boolean require-holder', { 'require-holder': 'yes' }, 'require-holder', /not a boolean/],
    [
      'require-holder with force',
      { 'require-holder': 'true', force: 'true' },
      'require-holder',
      /together with force: true.*Fix: use one of them/,
    ],
    [
      'a published-after without a zone',
      { 'published-after': '2026-11-21T14:00:00' },
      'published-after',
      /with a time zone/,
    ],
  ]
  it.each(bad)('rejects %s, naming the input and the fix', (_, change, input, message) => {
    let error: unknown
    try {
      readInputs(reader({ ...valid, ...change }), {})
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(InputError)
    expect((error as InputError).input).toBe(input)
    expect((error as InputError).message).toMatch(new RegExp(`^Input '${input}': `))
    expect((error as InputError).message).toMatch(message)
    expect((error as InputError).message).toMatch(/ Fix: \S/)
  })

  it('never echoes the token in an error', () => {
    try {
      readInputs(reader({ ...valid, 'npm-token': 'npm_very secret' }), {})
      throw new Error('expected a failure')
    } catch (e) {
      expect((e as Error).message).not.toContain('very')
    }
  })

  it('rejects a missing package.json when package is empty', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rr-ws-'))
    expect(() => readInputs(reader({ ...valid, package: '' }), { GITHUB_WORKSPACE: dir })).toThrow(
      /Input 'package': is not set and there is no package.json/,
    )
  })
})

describe('readGitHubInputs', () => {
  const env = { GITHUB_REPOSITORY: 'acme/widget' }
  const gh = (values: Record<string, string>) => (name: string) => ({ 'github-token': 'ghs_x', ...values })[name] ?? ''

  it('applies the documented defaults', () => {
    expect(readGitHubInputs(gh({}), env)).toEqual({
      token: 'ghs_x',
      createIssue: true,
      labels: ['rollback'],
      assignees: [],
      commitReport: true,
      reportDir: 'incidents',
      reportBranch: undefined,
      severity: 'high',
      githubRelease: true,
    })
  })

  it('splits labels and assignees on commas and newlines, drops @ and duplicates', () => {
    const i = readGitHubInputs(
      gh({ 'issue-labels': 'rollback, incident\nincident', 'issue-assignees': '@octocat,\nhubot' }),
      env,
    )
    expect(i.labels).toEqual(['rollback', 'incident'])
    expect(i.assignees).toEqual(['octocat', 'hubot'])
  })

  it('reads github-release: false', () => {
    expect(readGitHubInputs(gh({ 'github-release': 'false' }), env).githubRelease).toBe(false)
  })

  it('needs neither a token nor a repository when both bookkeeping parts are off', () => {
    expect(
      readGitHubInputs((n) => ({ 'create-issue': 'false', 'commit-report': 'false' })[n] ?? '', {}).token,
    ).toBeUndefined()
  })

  const bad: Array<[string, Record<string, string>, NodeJS.ProcessEnv, string, RegExp]> = [
    ['no token', { 'github-token': '' }, env, 'github-token', /is empty/],
    ['no repository outside Actions', {}, {}, 'create-issue', /GITHUB_REPOSITORY is not set/],
    ['an unknown severity', { severity: 'apocalyptic' }, env, 'severity', /not a severity/],
    ['a traversing report-dir', { 'report-dir': '../../etc' }, env, 'report-dir', /./],
    ['an absolute report-dir', { 'report-dir': '/etc' }, env, 'report-dir', /./],
    ['a shell in report-branch', { 'report-branch': 'main;$(id)' }, env, 'report-branch', /not a valid branch name/],
    ['a .. in report-branch', { 'report-branch': 'a..b' }, env, 'report-branch', /not a valid branch name/],
    ['a bad assignee', { 'issue-assignees': 'octo cat$' }, env, 'issue-assignees', /not a GitHub user name/],
    ['an over-long label', { 'issue-labels': 'x'.repeat(60) }, env, 'issue-labels', /longer than GitHub's 50/],
    ['no label for finding the issue again', { 'issue-labels': ' , ' }, env, 'issue-labels', /keep at least one label/],
    ['a non-boolean create-issue', { 'create-issue': 'sure' }, env, 'create-issue', /not a boolean/],
    ['a non-boolean github-release', { 'github-release': 'please' }, env, 'github-release', /not a boolean/],
  ]
  it.each(bad)('rejects %s, naming the input', (_, values, e, input, message) => {
    let error: unknown
    try {
      readGitHubInputs(gh(values), e)
    } catch (x) {
      error = x
    }
    expect(error).toBeInstanceOf(InputError)
    expect((error as InputError).input).toBe(input)
    expect((error as InputError).message).toMatch(message)
    expect((error as InputError).message).toMatch(/ Fix: \S/)
  })
})

describe('parseTargets', () => {
  it('reads one target a line, skipping blank lines and comments, and normalises each name by its adapter', () => {
    const raw = [
      '# the incident',
      '  npm:@acme/core  ',
      '',
      'npm:acme-cli',
      'docker:nginx',
      'DOCKER: ghcr.io/acme/app',
      'helm:acme-prod',
      'helm:prod/acme-app',
      'git-tag:v1',
      'git-tag:refs/tags/stable',
    ].join('\r\n')
    expect(parseTargets(raw)).toEqual([
      { kind: 'npm', name: '@acme/core' },
      { kind: 'npm', name: 'acme-cli' },
      { kind: 'docker', name: 'docker.io/library/nginx' },
      { kind: 'docker', name: 'ghcr.io/acme/app' },
      { kind: 'helm', name: 'acme-prod' },
      { kind: 'helm', name: 'prod/acme-app' },
      { kind: 'git-tag', name: 'v1' },
      { kind: 'git-tag', name: 'stable' },
    ])
  })

  it('keeps a registry port in a docker name (only the first colon ends the kind)', () => {
    expect(parseTargets('docker:127.0.0.1:5000/acme/app')).toEqual([
      { kind: 'docker', name: '127.0.0.1:5000/acme/app' },
    ])
  })

  it('takes partial versions as git tag names (the moving v1, v1.2 tags)', () => {
    expect(parseTargets('git-tag:v1\ngit-tag:v1.2\ngit-tag:release/2026-11').map((t) => t.name)).toEqual([
      'v1',
      'v1.2',
      'release/2026-11',
    ])
  })

  it(`takes ${MAX_TARGETS} targets`, () => {
    expect(parseTargets(Array.from({ length: MAX_TARGETS }, (_, i) => `npm:pkg-${i}`).join('\n'))).toHaveLength(
      MAX_TARGETS,
    )
  })

  // each row: the targets input, what the message says; every error names targets and a fix
  const bad: Array<[string, string, RegExp]> = [
    ['a line without a kind', 'acme-widget', /line 1 \("acme-widget"\) has no kind/],
    ['a line that starts with a colon', ':acme-widget', /has no kind/],
    ['an unknown kind', 'npm:a\npip:requests', /line 2 \("pip:requests"\): "pip" is not a target kind/],
    [
      'an invalid npm name',
      'npm:Acme Widget',
      /line 1 \("npm:Acme Widget"\): "Acme Widget" is not a valid npm package name/,
    ],
    ['an npm spec with a version', 'npm:acme-widget@1.2.3', /not a valid npm package name/],
    ['an empty name', 'npm:', /not a valid npm package name/],
    ['an image with a tag', 'docker:ghcr.io/acme/app:1.2.3', /has a tag/],
    ['an image with a digest', `docker:ghcr.io/acme/app@sha256:${'a'.repeat(64)}`, /has a digest/],
    ['an image URL', 'docker:https://ghcr.io/acme/app', /has a URL scheme/],
    ['an invalid Helm release', 'helm:Acme_Prod', /"Acme_Prod" is not a Helm release name/],
    ['an invalid namespace', 'helm:Prod/acme-app', /"Prod" is not a Kubernetes namespace/],
    ['a Helm name with two slashes', 'helm:a/b/c', /is not a Helm release \(release or namespace\/release\)/],
    ['a Helm name with an empty namespace', 'helm:/acme-app', /is not a Helm release/],
    ['a git tag with ..', 'git-tag:v1..2', /it contains "\.\."/],
    ['a git tag with a space', 'git-tag:v1 beta', /it contains a space/],
    ['a git tag with ~', 'git-tag:v1~1', /it contains "~"/],
    ['a git tag with a colon', 'git-tag:v1:2', /it contains ":"/],
    ['a git tag ending in .lock', 'git-tag:v1.lock', /ends with "\.lock"/],
    ['a git tag starting with -', 'git-tag:-v1', /starts with "-"/],
    ['a git tag with @{', 'git-tag:v1@{0}', /contains "@\{"/],
    ['a git tag ending with /', 'git-tag:v1/', /empty path component/],
    ['a git tag component starting with .', 'git-tag:v1/.hidden', /starts with "\."/],
    ['a git tag that is a range', 'git-tag:1.x', /reads as a semver range/],
    ['a git tag that is a range with an operator', 'git-tag:>=1', /reads as a semver range/],
    ['a control character in a git tag', 'git-tag:v1\u0007', /control character/],
    [
      'the same target twice',
      'npm:acme-widget\n# again\nnpm:acme-widget',
      /line 3 \("npm:acme-widget"\) names the same target as line 1 \(npm:acme-widget\)/,
    ],
    [
      'the same image spelled twice',
      'docker:nginx\ndocker:docker.io/library/nginx',
      /line 2 .* names the same target as line 1 \(docker:docker\.io\/library\/nginx\)/,
    ],
    [
      'too many targets',
      Array.from({ length: MAX_TARGETS + 1 }, (_, i) => `npm:pkg-${i}`).join('\n'),
      /lists 101 targets; the limit is 100/,
    ],
    ['only comments', '# nothing yet\n\n', /lists no target/],
  ]
  it.each(bad)('refuses %s, naming targets and the fix', (_, raw, message) => {
    let error: unknown
    try {
      parseTargets(raw)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(InputError)
    expect((error as InputError).input).toBe('targets')
    expect((error as InputError).message).toMatch(/^Input 'targets': /)
    expect((error as InputError).message).toMatch(message)
    expect((error as InputError).message).toMatch(/ Fix: \S/)
  })
})

describe('the targets input', () => {
  const base = {
    'rollback-version': '1.2.3',
    reason: 'Memory persistence corrupts data on restart',
    'npm-token': 'npm_secret',
  }

  it('names the npm packages of the incident', () => {
    const i = readInputs(reader({ ...base, targets: 'npm:@acme/core\nnpm:@acme/cli' }), {})
    expect([i.target, i.packageName, i.packageNames, i.targets]).toEqual([
      'npm',
      '@acme/core',
      ['@acme/core', '@acme/cli'],
      [
        { kind: 'npm', name: '@acme/core' },
        { kind: 'npm', name: '@acme/cli' },
      ],
    ])
    expect(targetsFrom(i)).toEqual(i.targets)
  })

  it('names an image: target docker, the channel a tag, no npm token needed', () => {
    const i = readInputs(reader({ ...base, 'npm-token': '', targets: 'docker:ghcr.io/acme/app', channel: '1' }), {})
    expect([i.target, i.packageName, i.channel, i.deprecate]).toEqual(['docker', 'ghcr.io/acme/app', '1', false])
    const { target } = createTarget(i, reader({}), { info: () => {}, warning: () => {}, debug: () => {} }, 'test')
    expect(target.label).toBe('container image ghcr.io/acme/app on https://ghcr.io')
  })

  it('names a Helm release, with its namespace or the namespace input', () => {
    const i = readInputs(reader({ ...base, 'npm-token': '', targets: 'helm:prod/acme-app' }), {})
    expect([i.target, i.packageName, i.channel]).toEqual(['helm', 'prod/acme-app', 'deployed'])
    expect(readInputs(reader({ ...base, targets: 'helm:acme-app', namespace: 'staging' }), {}).packageName).toBe(
      'staging/acme-app',
    )
    const { target } = createTarget(i, reader({}), { info: () => {}, warning: () => {}, debug: () => {} }, 'test')
    expect(target.label).toBe('Helm release acme-app in namespace prod')
  })

  it('is left undefined without the input, and targetsFrom turns the shorthand into the same list', () => {
    expect(readInputs(reader(valid), {}).targets).toBeUndefined()
    expect(targetsFrom(readInputs(reader({ ...base, packages: 'a, b' }), {}))).toEqual([
      { kind: 'npm', name: 'a' },
      { kind: 'npm', name: 'b' },
    ])
    const docker = { ...base, target: 'docker', image: 'nginx' }
    expect(targetsFrom(readInputs(reader(docker), {}))).toEqual([{ kind: 'docker', name: 'docker.io/library/nginx' }])
    const helm = { ...base, target: 'helm', release: 'acme-app' }
    expect(targetsFrom(readInputs(reader(helm), {}), reader(helm))).toEqual([{ kind: 'helm', name: 'acme-app' }])
    expect(
      targetsFrom(readInputs(reader({ ...helm, namespace: 'prod' }), {}), reader({ ...helm, namespace: 'prod' })),
    ).toEqual([{ kind: 'helm', name: 'prod/acme-app' }])
    // without the reader, a Helm release is named as the incident names it
    expect(targetsFrom(readInputs(reader(helm), {}))).toEqual([{ kind: 'helm', name: 'default/acme-app' }])
  })

  const bad: Array<[string, Record<string, string>, RegExp, RegExp]> = [
    [
      'targets with package',
      { targets: 'npm:a', package: 'a' },
      /is given together with package, which names targets too/,
      /leave package empty/,
    ],
    [
      'targets with packages',
      { targets: 'npm:a', packages: 'a,b' },
      /together with packages/,
      /list every target in targets/,
    ],
    [
      'targets with image and release',
      { targets: 'docker:nginx', image: 'nginx', release: 'r' },
      /together with image and release, which name targets too/,
      /leave image and release empty/,
    ],
    [
      'targets with target: docker',
      { targets: 'docker:nginx', target: 'docker' },
      /together with target: docker/,
      /leave target unset/,
    ],
    [
      'a bad line',
      { targets: 'npm:ok\ncargo:serde' },
      /"cargo" is not a target kind/,
      /use one of npm:, docker:, helm:, git-tag:/,
    ],
  ]
  it.each(bad)('refuses %s, naming targets and the fix', (_, change, message, fix) => {
    let error: unknown
    try {
      readInputs(reader({ ...base, ...change }), {})
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(InputError)
    expect((error as InputError).input).toBe('targets')
    expect((error as InputError).message).toMatch(message)
    expect((error as InputError).message).toMatch(/ Fix: \S/)
    expect((error as InputError).fix).toMatch(fix)
  })
})

describe('readInputs: drill', () => {
  it('drill: true with rollback-version: current needs no published-after; without drill it does', () => {
    const drill = readInputs(
      reader({ package: 'acme-widget', 'npm-token': 'npm_secret', drill: 'true', 'rollback-version': 'current' }),
      {},
    )
    expect(drill).toMatchObject({
      drill: true,
      rollbackVersion: 'current',
      publishedAfter: undefined,
      reason: 'rollback drill',
      dryRun: false,
    })
    expect(() => readInputs(reader({ ...valid, 'rollback-version': 'current' }), {})).toThrow(/published-after/)
  })

  it('drill: rollback-version defaults to current; the npm token is still required; dry-run conflicts', () => {
    expect(
      readInputs(reader({ package: 'acme-widget', 'npm-token': 'npm_secret', drill: 'true' }), {}).rollbackVersion,
    ).toBe('current')
    expect(() => readInputs(reader({ package: 'acme-widget', drill: 'true' }), {})).toThrow(/npm-token/)
    expect(() =>
      readInputs(reader({ package: 'acme-widget', 'npm-token': 'npm_secret', drill: 'true', 'dry-run': 'true' }), {}),
    ).toThrow(/Input 'drill'/)
    expect(() => readInputs(reader({ ...valid, drill: 'maybe' }), {})).toThrow(/Input 'drill'/)
  })
})
