import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { InputError } from '../src/errors.js'
import { DEFAULT_REGISTRY, readGitHubInputs, readInputs } from '../src/inputs.js'

const valid: Record<string, string> = {
  'rollback-version': '1.2.3',
  reason: 'Memory persistence corrupts data on restart',
  package: 'acme-widget',
  'npm-token': 'npm_secret'
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
      dryRun: false,
      force: false
    })
  })

  it('normalises a leading v and trims values', () => {
    const i = readInputs(reader({ ...valid, 'rollback-version': ' v1.2.3 ', 'restore-version': 'V1.2.2', channel: ' beta ' }), {})
    expect([i.rollbackVersion, i.restoreVersion, i.channel]).toEqual(['1.2.3', '1.2.2', 'beta'])
  })

  it('reads the package name from package.json in the workspace', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rr-ws-'))
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: '@acme/widget' }))
    expect(readInputs(reader({ ...valid, package: '' }), { GITHUB_WORKSPACE: dir }).packageName).toBe('@acme/widget')
  })

  it('takes NODE_AUTH_TOKEN when npm-token is empty, and needs no token for a dry run', () => {
    expect(readInputs(reader({ ...valid, 'npm-token': '' }), { NODE_AUTH_TOKEN: 'from-setup-node' }).npmToken).toBe('from-setup-node')
    expect(readInputs(reader({ ...valid, 'npm-token': '', 'dry-run': 'true' }), {}).npmToken).toBeUndefined()
  })

  it('adds the trailing slash to a registry URL', () => {
    expect(readInputs(reader({ ...valid, registry: 'http://127.0.0.1:4873' }), {}).registry).toBe('http://127.0.0.1:4873/')
  })

  it('accepts current with published-after, normalised to UTC', () => {
    const i = readInputs(reader({ ...valid, 'rollback-version': 'current', 'published-after': '2026-11-21T15:00:00+01:00' }), {})
    expect([i.rollbackVersion, i.publishedAfter]).toEqual(['current', '2026-11-21T14:00:00.000Z'])
  })

  it('reads published-before (UTC) and release-commit (lower-cased)', () => {
    const i = readInputs(reader({ ...valid, 'rollback-version': 'current', 'published-after': '2026-11-21T14:00:00Z', 'published-before': '2026-11-21T15:20:00+01:00', 'release-commit': ` ${'AbC123'.repeat(6)}abcd ` }), {})
    expect([i.publishedAfter, i.publishedBefore, i.releaseCommit]).toEqual(['2026-11-21T14:00:00.000Z', '2026-11-21T14:20:00.000Z', `${'abc123'.repeat(6)}abcd`])
  })

  it('takes published-before and release-commit with an exact version too (they guard it)', () => {
    const i = readInputs(reader({ ...valid, 'published-before': '2026-11-21T14:20:00Z', 'release-commit': 'f'.repeat(40) }), {})
    expect([i.rollbackVersion, i.publishedBefore, i.releaseCommit]).toEqual(['1.2.3', '2026-11-21T14:20:00.000Z', 'f'.repeat(40)])
  })

  it('keeps newlines and tabs in reason, and reads a Windows line end as a newline', () => {
    expect(readInputs(reader({ ...valid, reason: 'first line\r\nsecond\tline' }), {}).reason).toBe('first line\nsecond\tline')
  })

  it('ignores inputs it does not know', () => {
    expect(() => readInputs(reader({ ...valid, 'something-later': 'x' }), {})).not.toThrow()
  })

  // each row: the inputs changed, the input the error must name, what the message says
  const bad: Array<[string, Record<string, string>, string, RegExp]> = [
    ['missing rollback-version', { 'rollback-version': '' }, 'rollback-version', /is required/],
    ['a range as rollback-version', { 'rollback-version': '^1.2.3' }, 'rollback-version', /not an exact semantic version/],
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
    ['an escape sequence in reason', { reason: 'bad\u001b[2Jreason' }, 'reason', /control characters \(U\+001B at character 4\)/],
    ['a lone carriage return in reason', { reason: 'done\rfine' }, 'reason', /control characters \(U\+000D/],
    ['a C1 control in reason', { reason: 'bad\u009breason' }, 'reason', /control characters \(U\+009B/],
    ['a DEL in reason', { reason: 'bad\u007freason' }, 'reason', /control characters \(U\+007F/],
    ['a bidi override in reason', { reason: 'rolled back \u202eevil' }, 'reason', /bidirectional control characters \(U\+202E/],
    ['a bidi isolate in reason', { reason: 'rolled back \u2066x\u2069' }, 'reason', /bidirectional control characters \(U\+2066/],
    ['a right-to-left mark in reason', { reason: 'rolled back \u200f' }, 'reason', /bidirectional control characters \(U\+200F/],
    ['a control character in deprecation-message', { 'deprecation-message': '{version} \u0007 {restore}' }, 'deprecation-message', /control characters \(U\+0007/],
    ['a bidi override in deprecation-message', { 'deprecation-message': 'Use {restore} \u202d{version}' }, 'deprecation-message', /bidirectional control characters \(U\+202D/],
    ['a published-before that is no time', { 'published-before': 'later' }, 'published-before', /not an ISO-8601 time/],
    ['a published-before not after published-after', { 'rollback-version': 'current', 'published-after': '2026-11-21T14:00:00Z', 'published-before': '2026-11-21T14:00:00Z' }, 'published-before', /is not after published-after/],
    ['a short release-commit', { 'release-commit': 'abc1234' }, 'release-commit', /not a full 40-character commit SHA/],
    ['a branch as release-commit', { 'release-commit': 'main' }, 'release-commit', /not a full 40-character commit SHA/],
    ['shell in release-commit', { 'release-commit': `${'a'.repeat(40)};id` }, 'release-commit', /not a full 40-character commit SHA/],
    ['path traversal in package', { package: '../../etc/passwd' }, 'package', /not a valid npm package name/],
    ['spaces in package', { package: 'acme widget' }, 'package', /not a valid npm package name/],
    ['a spec as package', { package: 'acme-widget@1.2.3' }, 'package', /not a valid npm package name/],
    ['a registry that is no URL', { registry: 'registry.npmjs.org' }, 'registry', /not a URL/],
    ['plain http to a remote registry', { registry: 'http://registry.example.com/' }, 'registry', /unencrypted/],
    ['credentials in the registry URL', { registry: 'https://user:pw@registry.example.com/' }, 'registry', /must not carry credentials/],
    ['an ftp registry', { registry: 'ftp://registry.example.com/' }, 'registry', /not supported/],
    ['no token outside a dry run', { 'npm-token': '' }, 'npm-token', /is empty/],
    ['a token with a Bearer prefix', { 'npm-token': 'Bearer abc' }, 'npm-token', /whitespace/],
    ['a non-boolean dry-run', { 'dry-run': 'maybe' }, 'dry-run', /not a boolean/],
    ['a non-boolean force', { force: 'yes please' }, 'force', /not a boolean/],
    ['a non-boolean deprecate', { deprecate: '1' }, 'deprecate', /not a boolean/],
    ['an unknown placeholder', { 'deprecation-message': 'Use {restore} not {bad}' }, 'deprecation-message', /unknown placeholder \{bad\}/],
    ['current without published-after', { 'rollback-version': 'current' }, 'published-after', /required with rollback-version: current/],
    ['a published-after that is no time', { 'published-after': 'yesterday' }, 'published-after', /not an ISO-8601 time/],
    ['a published-after without a zone', { 'published-after': '2026-11-21T14:00:00' }, 'published-after', /with a time zone/]
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
    expect(() => readInputs(reader({ ...valid, package: '' }), { GITHUB_WORKSPACE: dir })).toThrow(/Input 'package': is not set and there is no package.json/)
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
      severity: 'high'
    })
  })

  it('splits labels and assignees on commas and newlines, drops @ and duplicates', () => {
    const i = readGitHubInputs(gh({ 'issue-labels': 'rollback, incident\nincident', 'issue-assignees': '@octocat,\nhubot' }), env)
    expect(i.labels).toEqual(['rollback', 'incident'])
    expect(i.assignees).toEqual(['octocat', 'hubot'])
  })

  it('needs neither a token nor a repository when both bookkeeping parts are off', () => {
    expect(readGitHubInputs((n) => ({ 'create-issue': 'false', 'commit-report': 'false' })[n] ?? '', {}).token).toBeUndefined()
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
    ['a non-boolean create-issue', { 'create-issue': 'sure' }, env, 'create-issue', /not a boolean/]
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
