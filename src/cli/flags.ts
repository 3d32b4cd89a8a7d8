// The CLI's flags, declared once: each with the action.yml input it sets, its help text and the default the help
// shows. The parser's options, the flags-to-inputs mapping and the --help text are made from this table, and
// __tests__/cli/help.test.ts checks it against action.yml and the settings table (src/core/settings.ts), so the
// help cannot drift from the inputs it stands for.
import type { ParseArgsConfig } from 'node:util'

/** One flag of the parser. */
export interface CliFlag {
  /** the flag without its dashes, the parser's key: `package` */
  readonly name: string
  readonly type: 'string' | 'boolean'
  readonly short?: string
  /** the action.yml input the flag sets, when it sets one */
  readonly input?: string
  /** a boolean flag: the value of `input` it stands for ('false' for --no-deprecate) */
  readonly on?: 'true' | 'false'
}

/** One row of the help: one flag, or two shown together (`--no-issue, --no-report`). */
export interface HelpRow {
  readonly flags: readonly CliFlag[]
  /** the value's placeholder: `<name>` */
  readonly arg?: string
  /** the description, a line of the help per line */
  readonly text: string
  /** the default the help shows in brackets; where action.yml has a default, it contains it (checked) */
  readonly default?: string
  /** the bracketed default goes on a line of its own */
  readonly defaultOnNewLine?: boolean
  /** accepted but not shown */
  readonly hidden?: boolean
}

const str = (name: string, input?: string, short?: string): CliFlag => ({
  name,
  type: 'string',
  ...(input ? { input } : {}),
  ...(short ? { short } : {}),
})
const bool = (name: string, input?: string, on: 'true' | 'false' = 'true', short?: string): CliFlag => ({
  name,
  type: 'boolean',
  ...(input ? { input, on } : {}),
  ...(short ? { short } : {}),
})
const row = (flag: CliFlag, arg: string | undefined, text: string, more: Partial<HelpRow> = {}): HelpRow => ({
  flags: [flag],
  ...(arg ? { arg } : {}),
  text,
  ...more,
})

/** The rollback's flags, in the order the help lists them. */
export const ROLLBACK_FLAGS: readonly HelpRow[] = [
  row(str('package', 'package'), '<name>', 'npm package', { default: 'name in ./package.json' }),
  row(
    str('packages', 'packages'),
    '<list|workspaces>',
    'several packages, one incident (comma separated, or workspaces)',
  ),
  row(
    str('targets', 'targets'),
    '<list>',
    'every place the release lives, comma or newline separated kind:name:\nnpm:@acme/core, docker:ghcr.io/acme/app, helm:prod/acme, git-tag:v1',
  ),
  row(str('tag-prefix', 'tag-prefix'), '<p>', 'Docker and git tags: what comes before the version', {
    default: 'v for git tags',
  }),
  row(str('helm-match', 'helm-match'), '<m>', 'app-version or chart-version', { default: 'app-version' }),
  row(str('helm-timeout', 'helm-timeout'), '<d>', 'how long helm rollback --wait may take', { default: '5m' }),
  row(
    str('helm-wait', 'helm-wait'),
    '<w>',
    "readiness checks helm rollback waits for: legacy (helm 3's --wait,\nhelm 4's --wait=legacy), watcher (helm 4) or none",
    { default: 'legacy' },
  ),
  row(str('kube-context', 'kube-context'), '<name>', 'the kubeconfig context helm uses', {
    default: 'the current one',
  }),
  row(str('gitops-repo', 'gitops-repo'), '<owner/name>', 'gitops targets: the GitOps repository that holds the files', {
    default: 'this repository (--repo)',
  }),
  row(str('gitops-branch', 'gitops-branch'), '<b>', 'gitops targets: the branch Argo CD or Flux syncs from', {
    default: "the repository's default branch",
  }),
  row(
    bool('gitops-pr', 'gitops-pr'),
    undefined,
    'gitops targets: always propose the change as a pull request (status\npartial until it is merged; a protected branch gets one either way)',
  ),
  row(
    bool('all-or-nothing', 'partial-ok', 'false'),
    undefined,
    'with several packages: when one fails, put back the channels of\nthose that succeeded',
    { default: 'keep them: status partial' },
  ),
  row(
    bool('republish-stage', 'republish-stage'),
    undefined,
    "with --strategy republish: stage the fix-forward version (npm stage\npublish) for a maintainer's approval instead of publishing it",
  ),
  row(
    str('strategy', 'strategy'),
    '<retag|republish>',
    'retag moves the channel back; republish publishes the good code\nas the next version (reaches lockfiles and updaters)',
    { default: 'retag' },
  ),
  row(
    str('rollback', 'rollback-version'),
    '<version>',
    'the bad version, or "current" with --published-after (required)',
  ),
  row(str('restore', 'restore-version'), '<version>', 'the good version', {
    default: 'last known good: highest non-deprecated below the bad one',
  }),
  row(str('channel', 'channel'), '<tag>', 'dist-tag to move back', { default: 'latest' }),
  row(str('reason', 'reason'), '<text>', 'why; goes into the deprecation message and the incident record (required)'),
  row(str('registry', 'registry'), '<url>', 'registry', {
    default: 'from .npmrc like npm, else https://registry.npmjs.org/',
  }),
  row(bool('no-deprecate', 'deprecate', 'false'), undefined, 'do not deprecate the bad version', {
    default: 'deprecate',
  }),
  row(str('deprecation-message', 'deprecation-message'), '<t>', 'template: {version} {restore} {channel} {reason}', {
    default: '"{version} was rolled back: {reason}. Use {restore} instead."',
    defaultOnNewLine: true,
  }),
  row(str('published-after', 'published-after'), '<time>', 'roll back only a version published after this ISO time'),
  row(
    str('published-before', 'published-before'),
    '<time>',
    "... and at or before this ISO time (the release run's end)",
  ),
  row(
    str('release-commit', 'release-commit'),
    '<sha>',
    '... and built from this commit (npm gitHead), when the version records one',
  ),
  row(str('max-age', 'max-age'), '<d>', '... and published at most this long ago (24h, 90m, 2d)'),
  row(
    bool('require-holder', 'require-holder'),
    undefined,
    'skip (write nothing) unless the channel still holds the bad version',
  ),
  row(bool('force', 'force'), undefined, 'move the channel even when it holds neither version'),
  row(
    str('smoke-test', 'smoke-test'),
    '<cmd>',
    'before any write, install the restore version into an empty project\n(npm; PACKAGE, VERSION set) or set IMAGE to its digest (Docker) and\nrun this shell command there: failing stops the rollback (not in\na dry run; refused beside NPM_TOKEN or any token: it runs package code)',
  ),
  row(str('smoke-test-timeout', 'smoke-test-timeout'), '<d>', 'how long each smoke run may take', {
    default: '5m',
  }),
  row(
    bool('smoke-only'),
    undefined,
    'only the smoke test of the plan, its install scripts included,\nwriting nothing and needing no token: run it where no token is,\nthen the rollback with RELEASE_ROLLBACK_SMOKE_TESTED=<smokeTested>',
  ),
  row(bool('dry-run', 'dry-run'), undefined, 'show the plan, change nothing'),
  row(
    bool('drill', 'drill'),
    undefined,
    'check that a rollback would work now (tokens, a harmless npm\ndist-tag added and removed, a last known good), change nothing\nanyone installs; --rollback defaults to current',
    { default: 'off' },
  ),
  row(
    bool('undo', 'undo'),
    undefined,
    'undo a rollback made by mistake (same versions and targets): every\nchannel back to where the incident found it while it holds what the\nrollback wrote; the deprecation removed only when it is exactly the\nmessage the incident record holds (the one this tool wrote)',
  ),
  row(
    str('incident-id', 'incident-id'),
    '<id>',
    "with --undo: the incident to undo (rr-…, the rollback's incident id);\nits record (the report, via --repo, else ./<report-dir>/; or the\ntracking issue) names the targets, channel and versions, so no\n--rollback, --package or --reason is needed",
  ),
  row(bool('yes', undefined, 'true', 'y'), undefined, 'do not ask for confirmation'),
  row(
    bool('json'),
    undefined,
    'print one JSON result on stdout (progress goes to stderr);\nits schema: docs/cli-json.schema.json',
  ),
  row(str('repo'), '<owner/name>', 'open the tracking issue and commit the report there (needs GITHUB_TOKEN)'),
  row(str('severity', 'severity'), '<level>', 'critical, high, medium, low', { default: 'high' }),
  row(str('rto-targets', 'rto-targets'), '<list>', 'recovery-time targets, such as critical=5m,high=30m', {
    default: 'critical=2m,high=15m,medium=4h,low=none',
    defaultOnNewLine: true,
  }),
  row(str('issue-labels', 'issue-labels'), '<list>', '', { default: 'rollback' }),
  row(str('issue-assignees', 'issue-assignees'), '<list>', 'GitHub logins'),
  row(str('report-dir', 'report-dir'), '<dir>', '', { default: 'incidents' }),
  row(str('report-branch', 'report-branch'), '<branch>', '', { default: "the repository's default branch" }),
  {
    flags: [bool('no-issue', 'create-issue', 'false'), bool('no-report', 'commit-report', 'false')],
    text: 'skip the tracking issue / the incident report',
  },
  row(
    str('verify-url', 'verify-url'),
    '<url>',
    'after the writes, poll this health endpoint (no token sent) until it\nreports the restore version; not reached: partial',
  ),
  row(
    str('verify-field', 'verify-field'),
    '<path>',
    'dot path of the version in its JSON answer, such as build.version',
    { default: 'the body holds the version as a word', defaultOnNewLine: true },
  ),
  row(str('verify-timeout', 'verify-timeout'), '<d>', 'how long to poll --verify-url', { default: '2m' }),
  row(
    str('wait-for-cdn', 'wait-for-cdn'),
    '<d>',
    "npm: wait until installers (the registry's CDN) get the restore\nversion; not seen is a warning",
    { default: '0: read once' },
  ),
  row(str('announce-format', 'announce-format'), '<f>', 'slack, discord, teams or json', {
    default: 'by the ANNOUNCE_WEBHOOK host',
  }),
  row(
    str('otp'),
    '<code>',
    'npm two-factor: a one-time password from your authenticator app,\nsent with the writes (asked again on a terminal when refused);\nwithout it, a write that needs a second factor prints\n"Open this URL to approve: <link>" and waits for your approval',
  ),
  row(
    str('approval-timeout'),
    '<d>',
    'how long to wait for one such approval; none in time: nothing more\nis written and the run says what was done',
    { default: '5m' },
  ),
  row(bool('help', undefined, 'true', 'h'), undefined, 'this text'),
  row(bool('version'), undefined, 'the version'),
  // the default since partial-ok became true; still accepted
  row(bool('partial-ok'), undefined, 'keep the channels of those that succeeded (the default)', { hidden: true }),
]

/** freeze-check's flags, in the order its part of the help lists them. */
export const FREEZE_FLAGS: readonly HelpRow[] = [
  row(
    str('package', 'package'),
    '<list>',
    'the names the release publishes, comma separated (packages,\nimages, namespace/release)',
    { default: 'name in ./package.json' },
  ),
  row(str('channel', 'channel'), '<tag>', 'the channel it publishes to', { default: 'latest' }),
  row(str('issue-labels', 'issue-labels'), '<list>', "the rollback issues' label: the first one", {
    default: 'rollback',
  }),
  row(bool('json'), undefined, 'print {frozen, issueUrl, issueNumber, reason} on stdout'),
  row(str('packages', 'packages'), '<list>', 'the names the release publishes', { hidden: true }),
  row(str('repo'), '<owner/name>', 'the repository whose rollback issues freeze the release', { hidden: true }),
  row(bool('help', undefined, 'true', 'h'), undefined, 'this text', { hidden: true }),
]

/** resume's flags: those of the rollback it runs that a maintainer may pass (the help names them "as above"). */
export const RESUME_FLAG_NAMES = [
  'repo',
  'registry',
  'otp',
  'approval-timeout',
  'yes',
  'json',
  'report-dir',
  'report-branch',
  'issue-labels',
  'help',
] as const

/** Every flag of some rows. */
export function flagsOf(rows: readonly HelpRow[]): CliFlag[] {
  return rows.flatMap((r) => r.flags)
}

type Options = NonNullable<ParseArgsConfig['options']>

/** The parser's options for some flags. */
export function optionsOf(flags: readonly CliFlag[]): Options {
  return Object.fromEntries(
    flags.map((f) => [f.name, { type: f.type, ...(f.short ? { short: f.short } : {}) }]),
  ) as Options
}

/** The values of the flags that set an input, as the action's inputs (a boolean flag: its input's value either way). */
export function inputsOfFlags(
  flags: readonly CliFlag[],
  values: Partial<Record<string, string | boolean>>,
): Record<string, string | undefined> {
  const inputs: Record<string, string | undefined> = {}
  for (const f of flags) {
    if (!f.input) continue
    const v = values[f.name]
    if (f.type === 'string') inputs[f.input] = typeof v === 'string' ? v : undefined
    else inputs[f.input] = v === true ? f.on : f.on === 'true' ? 'false' : 'true'
  }
  return inputs
}

const COLUMN = 29
const usageOf = (r: HelpRow) =>
  `${r.flags.map((f) => `${f.short ? `-${f.short}, ` : ''}--${f.name}`).join(', ')}${r.arg ? ` ${r.arg}` : ''}`

/** The help lines of some rows: the flags in a column, then the description, its default in brackets. */
export function renderRows(rows: readonly HelpRow[]): string {
  const lines: string[] = []
  for (const r of rows) {
    if (r.hidden) continue
    const text = r.text ? r.text.split('\n') : []
    if (r.default !== undefined) {
      if (r.defaultOnNewLine || text.length === 0) text.push(`[${r.default}]`)
      else text[text.length - 1] += ` [${r.default}]`
    }
    text.forEach((t, i) => {
      lines.push(`  ${(i === 0 ? usageOf(r) : '').padEnd(COLUMN - 1)} ${t}`)
    })
  }
  return `${lines.join('\n')}\n`
}
