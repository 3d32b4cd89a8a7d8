// The GitHub bookkeeping's text: the tracking issue, the re-run comment and the incident
// report, all rendered from an IncidentRecord. Pure functions: no I/O, no clock, no
// @actions/* and no Octokit, so the same record always renders the same bytes.
import { inert, table } from '../markdown.js'
import { SEVERITIES, type IncidentEvent, type IncidentRecord, type IncidentRun, type RunContext } from './incident.js'
import { issueMarker, runMarker } from './markers.js'

// ---------------------------------------------------------------------------------------
// Small pieces

/** A value in a code span; anything that could break the span or a table falls back to inert text. */
function code(value: string | undefined, none = '_(none)_'): string {
  if (value === undefined || value === '') return none
  return /^[^`|\r\n]+$/.test(value) ? `\`${value}\`` : inert(value)
}

/** An http(s) URL safe to put in a Markdown link target, or undefined. */
function safeUrl(url: string | undefined): string | undefined {
  if (!url || !/^https?:\/\/[^\s<>"'`]+$/.test(url)) return undefined
  return url.replace(/[()[\]|\\]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)
}

function link(text: string, url: string | undefined): string {
  const target = safeUrl(url)
  return target ? `[${text}](${target})` : text
}

/** A GitHub login as a link to its profile (no @mention: nobody gets notified by the bookkeeping). */
function who(actor: string | undefined, serverUrl: string): string {
  if (!actor) return '_(unknown)_'
  const m = /^([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))(\[bot\])?$/.exec(actor)
  if (!m) return inert(actor)
  const base = safeUrl(serverUrl.replace(/\/+$/, '')) ?? 'https://github.com'
  return m[2] ? `[${m[1]}\\[bot\\]](${base}/apps/${m[1]})` : `[${m[1]}](${base}/${m[1]})`
}

/** The link to this workflow run (with the attempt when it is a re-run attempt). */
function runLink(ctx: RunContext): string | undefined {
  if (!ctx.runId || !/^\d+$/.test(ctx.runId)) return undefined
  const attempt = ctx.runAttempt && /^\d+$/.test(ctx.runAttempt) && Number(ctx.runAttempt) > 1 ? `/attempts/${ctx.runAttempt}` : ''
  return safeUrl(`${ctx.serverUrl.replace(/\/+$/, '')}/${ctx.repository}/actions/runs/${ctx.runId}${attempt}`)
}

function runLabel(ctx: RunContext): string {
  const url = runLink(ctx)
  if (!url) return '_local run (no link)_'
  const attempt = ctx.runAttempt && Number(ctx.runAttempt) > 1 ? `, attempt ${ctx.runAttempt}` : ''
  return `[run ${ctx.runId}${attempt}](${url})`
}

function trigger(ctx: RunContext): string {
  const event = ctx.eventName ? code(ctx.eventName) : '_(unknown event)_'
  return ctx.workflow ? `${event} in workflow ${inert(ctx.workflow)}` : event
}

/** `2026-11-21T14:00:05.123Z` as `2026-11-21 14:00:05`; anything unparsable shown as it is. */
export function formatTime(at: string): string {
  const ms = /^\d{4}-\d\d-\d\dT/.test(at) ? Date.parse(at) : NaN
  return Number.isNaN(ms) ? inert(at) : new Date(ms).toISOString().slice(0, 19).replace('T', ' ')
}

/** A code fence longer than any backtick run inside the content. */
function fenced(info: string, content: string): string {
  const longest = Math.max(0, ...[...content.matchAll(/`+/g)].map((m) => m[0].length))
  const fence = '`'.repeat(Math.max(3, longest + 1))
  return `${fence}${info}\n${content}\n${fence}`
}

/** A word a shell takes as one argument (package names from before 2017 may hold ' ( ) ! * ~). */
function shellWord(word: string): string {
  return /^[A-Za-z0-9@._/-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`
}

const lastRun = (r: IncidentRecord): IncidentRun | undefined => r.runs[r.runs.length - 1]

// ---------------------------------------------------------------------------------------
// Who is protected

export type Protection = 'yes' | 'partly' | 'no'

export interface InstallerProtection {
  installer: string
  protected: Protection
  /** Markdown, already inert */
  why: string
}

/** What installerProtection needs to know about the rollback; everything defaults to the common case. */
export interface ProtectionContext {
  /** the dist-tag that was moved back (default latest) */
  channel?: string
  rollbackVersion?: string
  restoreVersion?: string
  /** whether the bad version was deprecated (default true) */
  deprecated?: boolean
}

/**
 * Whom moving the tag back and deprecating the bad version protects, per installer
 * (see "How installers pick a version" in the npm registry reference). Range
 * resolution goes through `latest` only, so for another channel only installs that name
 * the tag are steered by the move; ranges are steered by the deprecation, if at all.
 */
export function installerProtection(strategy: 'retag' | 'republish', context: ProtectionContext & { republished?: string } = {}): InstallerProtection[] {
  if (strategy === 'republish') return republishProtection(context)
  const channel = context.channel ?? 'latest'
  const bad = context.rollbackVersion ? code(context.rollbackVersion) : 'the bad version'
  const good = context.restoreVersion ? code(context.restoreVersion) : 'the restored version'
  const dep = context.deprecated ?? true
  const tag = code(channel)
  const onlyBad = context.rollbackVersion ? ` (such as \`^${context.rollbackVersion}\`)` : ''
  const already: InstallerProtection[] = [
    {
      installer: 'Lockfiles and existing installs',
      protected: 'no',
      why: `A lockfile keeps the version it pinned (\`npm ci\` installs ${bad} again), and installs that already updated keep it. They need a fix-forward release: a new version above ${bad} with the good code.`
    },
    {
      installer: 'Renovate / Dependabot PRs already opened',
      protected: 'no',
      why: `Their branches already pin ${bad}: merging one installs it. Close or hold them until the fix-forward release supersedes them.`
    }
  ]
  if (channel === 'latest') {
    const stillBad = `Only a range that nothing but ${bad} satisfies${onlyBad} still gets it.`
    return [
      {
        installer: 'npm',
        protected: 'yes',
        why: dep
          ? `Takes \`latest\` (now ${good}) when it satisfies the range and is not deprecated, else prefers non-deprecated versions. ${stillBad}`
          : `Takes \`latest\` (now ${good}) when it satisfies the range. ${stillBad}`
      },
      {
        installer: 'pnpm',
        protected: 'yes',
        why: dep
          ? `Same rule as npm: \`latest\` (now ${good}) when it satisfies and is not deprecated, else the highest non-deprecated version. ${stillBad}`
          : `Same rule as npm: \`latest\` (now ${good}) when it satisfies the range. ${stillBad}`
      },
      {
        installer: 'Yarn Classic (≥ 1.3)',
        protected: 'yes',
        why: `Prefers \`latest\` (now ${good}) when it satisfies the range. ${stillBad}`
      },
      {
        installer: 'Yarn Berry (2+)',
        protected: dep ? 'yes' : 'no',
        why: dep
          ? `Ignores \`latest\`; drops deprecated versions when another one matches, so the deprecation of ${bad} is what steers it away.`
          : `Ignores \`latest\` and takes the highest match, so it still picks ${bad}: deprecation was off. Deprecate ${bad} to protect these users.`
      },
      {
        installer: 'bun',
        protected: 'partly',
        why: `No deprecation handling yet: only the moved \`latest\` tag can steer it away from ${bad}. Check with a fresh install without a lockfile.`
      },
      ...already
    ]
  }
  const named = `Installs that name the tag (\`…@${channel}\`) now get ${good}.`
  const ranges = dep
    ? `Ranges never use ${tag}; they prefer a non-deprecated version, so they avoid ${bad} when another version matches.`
    : `Ranges never use ${tag}, and a range that matches ${bad} can still pick it: deprecation was off.`
  return [
    { installer: 'npm', protected: dep ? 'yes' : 'partly', why: `${named} ${ranges}` },
    { installer: 'pnpm', protected: dep ? 'yes' : 'partly', why: `${named} ${ranges}` },
    { installer: 'Yarn Classic (≥ 1.3)', protected: 'partly', why: `${named} A range that matches ${bad} can still pick it.` },
    {
      installer: 'Yarn Berry (2+)',
      protected: dep ? 'yes' : 'partly',
      why: dep
        ? `${named} For ranges it drops deprecated versions when another one matches.`
        : `${named} For ranges it takes the highest match, which can still be ${bad}: deprecation was off.`
    },
    { installer: 'bun', protected: 'partly', why: `${named} No deprecation handling yet, so a range that matches ${bad} can still pick it.` },
    ...already
  ]
}

/** strategy republish: the good code is the highest version, so ranges, updaters and Yarn Berry take it. */
function republishProtection(context: ProtectionContext & { republished?: string }): InstallerProtection[] {
  const bad = context.rollbackVersion ? code(context.rollbackVersion) : 'the bad version'
  const fix = context.republished ? code(context.republished) : 'the republished version'
  const good = context.restoreVersion ? code(context.restoreVersion) : 'the good version'
  const highest = `${fix} (the code of ${good}) is now the highest version, so any range that allowed ${bad} resolves to it.`
  return [
    { installer: 'npm', protected: 'yes', why: `${highest} \`latest\` points at it too.` },
    { installer: 'pnpm', protected: 'yes', why: highest },
    { installer: 'Yarn Classic (≥ 1.3)', protected: 'yes', why: highest },
    { installer: 'Yarn Berry (2+)', protected: 'yes', why: `Takes the highest match: ${fix}, not ${bad}.` },
    { installer: 'bun', protected: 'yes', why: `Takes the highest match: ${fix}.` },
    { installer: 'Lockfiles and existing installs', protected: 'partly', why: `A lockfile keeps ${bad} until it is updated; \`npm update\`, Renovate and Dependabot now move it forward to ${fix} (updaters never downgrade, so this is what reaches them).` },
    { installer: 'Renovate / Dependabot PRs already opened', protected: 'partly', why: `PRs to ${bad} are superseded by new ones to ${fix}; close the old ones.` }
  ]
}

const PROTECTION_LABEL: Record<Protection, string> = { yes: '✅ yes', partly: '⚠️ partly', no: '❌ no' }

/** A row per target of an incident with several (npm packages, or any kind with `targets`). */
function packagesTable(r: IncidentRecord): string {
  const rows = r.packages ?? []
  const mixed = rows.some((p) => p.kind !== undefined && p.kind !== 'npm')
  if (!mixed) {
    return table(
      ['Package', `\`${r.channel}\` before`, 'Restored', 'Outcome'],
      rows.map((p) => [code(p.name), p.previousVersion ? code(p.previousVersion) : '_(none)_', p.restoreVersion ? code(p.restoreVersion) : '–', inert(p.outcome)])
    )
  }
  return table(
    ['Target', 'Channel', 'Before', 'Restored', 'Outcome'],
    rows.map((p) => [`${p.kind ?? 'npm'} ${code(p.name)}`, code(p.channel ?? r.channel), p.previousVersion ? code(p.previousVersion) : '_(none)_', p.restoreVersion ? code(p.restoreVersion) : '–', inert(p.outcome)])
  )
}

/** npm's installers are only the question for npm packages. */
const isNpm = (r: IncidentRecord) => r.target === undefined || r.target === 'npm'

/** What the other strategy would change, under the table. */
function strategyNote(r: IncidentRecord): string {
  return r.strategy === 'republish'
    ? `Strategy **republish**: the good code was published as ${code(r.republishedVersion ?? 'the next version')}. A plain retag would have moved only the tag: lockfiles, updaters (which never downgrade) and Yarn Berry would not have been reached.`
    : `Strategy **retag**: the tag moved back. To reach lockfiles, updaters (which never downgrade) and Yarn Berry too, run again with \`strategy: republish\`, which publishes the good code as the next version.`
}

function protectionTable(r: IncidentRecord): string {
  const rows = installerProtection(r.strategy, {
    republished: r.republishedVersion,
    channel: r.channel,
    rollbackVersion: r.rollbackVersion,
    restoreVersion: r.restoreVersion,
    deprecated: r.deprecationMessage !== undefined
  }).map((p) => [p.installer, PROTECTION_LABEL[p.protected], p.why])
  return table(['Installer', 'Protected', 'Why'], rows)
}

// ---------------------------------------------------------------------------------------
// The tracking issue

const MAX_TITLE = 256

export function issueTitle(r: IncidentRecord): string {
  const mixed = r.packages?.some((p) => p.kind !== undefined && p.kind !== 'npm')
  const what = r.packages && r.packages.length > 1 ? `${r.packages.length} ${mixed ? 'targets' : 'packages'} (${r.packageName}) @${r.rollbackVersion}` : `${r.packageName}@${r.rollbackVersion}`
  const title = `Rollback: ${what} → ${r.restoreVersion} on ${r.channel}`.replace(/\s+/g, ' ').trim()
  return title.length <= MAX_TITLE ? title : `${title.slice(0, MAX_TITLE - 1)}…`
}

/** One line on where the registry stands, from the record (and its latest run). */
function headline(r: IncidentRecord): string {
  const status = lastRun(r)?.status
  const bad = code(r.rollbackVersion)
  if (status === 'planned') {
    const dep = r.deprecationMessage === undefined ? '' : ` and deprecate ${bad}`
    return `📝 **Dry run: nothing was written.** The plan: point ${code(r.channel)} at ${code(r.restoreVersion)}${dep}.`
  }
  const held = r.tagsAfter[r.channel]
  const tag =
    held === r.restoreVersion
      ? `${code(r.channel)} points at ${code(r.restoreVersion)} again`
      : held === undefined
        ? `${code(r.channel)} does not exist`
        : `${code(r.channel)} holds ${code(held)} (left as it is)`
  if (status === 'partial') {
    return `**${tag}.**\n⚠️ **The rollback is partial**: a step after it failed (see the warnings and the incident report's timeline). Re-run the same workflow; it completes only what is missing.`
  }
  const dep = r.deprecationMessage === undefined ? `${bad} is not deprecated (deprecation was off)` : `${bad} is deprecated`
  return `**${tag}; ${dep}.**`
}

function summaryRows(r: IncidentRecord, ctx: RunContext, reportUrl?: string): string[][] {
  const rows = [
    ['Package', code(r.packageName)],
    ['Channel (dist-tag)', code(r.channel)],
    ['Bad version', code(r.rollbackVersion)],
    ['Restored version', code(r.restoreVersion)],
    [`${code(r.channel)} before the rollback`, code(r.previousVersion, '_(tag did not exist)_')],
    ['Deprecation message', r.deprecationMessage === undefined ? '_(deprecation off)_' : inert(r.deprecationMessage)],
    ['Severity', `**${inert(r.severity)}**`],
    ['Run by', who(ctx.actor, ctx.serverUrl)],
    ['Triggered by', trigger(ctx)],
    ['Workflow run', runLabel(ctx)]
  ]
  if (reportUrl && safeUrl(reportUrl)) rows.push(['Incident report', link(r.reportPath ? code(r.reportPath) : 'report', reportUrl)])
  else if (r.reportPath) rows.push(['Incident report', code(r.reportPath)])
  return rows
}

function checklist(r: IncidentRecord): string {
  const cmd =
    r.target === 'docker'
      ? `retag ${r.packageName}:<fixed> as ${r.channel}`
      : r.target === 'helm'
        ? `helm upgrade ${r.packageName.split('/').pop()} … (the fixed version)`
        : `npm dist-tag add ${shellWord(r.packageName)}@<fixed> ${r.channel}`
  return [
    '- [ ] Post-mortem scheduled, with an owner',
    '- [ ] Root cause found and written into the incident report',
    `- [ ] Regression test added that fails on ${code(r.rollbackVersion)}`,
    `- [ ] Fix released as a new version (above ${code(r.rollbackVersion)}) and ${code(r.channel)} moved forward to it: ${code(cmd)}`,
    '- [ ] Users told (the message below)',
    '- [ ] Lessons learned written into the incident report',
    '- [ ] Close this issue'
  ].join('\n')
}

/** The ready-to-post message for users, plain text (the reason is shown as written). */
export function userMessage(r: IncidentRecord): string {
  const pkg = r.packageName
  const deprecated = r.deprecationMessage !== undefined
  const who = r.channel === 'latest' ? 'new installs' : `installs of ${pkg}@${r.channel}`
  return [
    `${pkg} ${r.rollbackVersion} has been rolled back`,
    '',
    `What happened: ${r.reason}`,
    '',
    `What we did: the "${r.channel}" tag of ${pkg} points at ${r.restoreVersion} again${deprecated ? ` and ${r.rollbackVersion} is deprecated` : ''}, so ${who} get ${r.restoreVersion}.`,
    '',
    'What you should do:',
    isNpm(r)
      ? `- If you installed ${r.rollbackVersion} (check with: npm ls ${pkg}), go back to ${r.restoreVersion}: npm install ${shellWord(`${pkg}@${r.restoreVersion}`)}`
      : `- If you run ${r.rollbackVersion}, move back to ${r.restoreVersion}.`,
    `- Do not merge automated update pull requests (Renovate, Dependabot) to ${r.rollbackVersion}.`,
    `- A fixed version will follow; we will post here when it is out.`
  ].join('\n')
}

export function renderIssueBody(r: IncidentRecord, ctx: RunContext, links: { reportUrl?: string }): string {
  const parts = [
    issueMarker(r.incidentId),
    `## 🔙 Rolled back ${code(`${r.packageName}@${r.rollbackVersion}`)} → ${code(r.restoreVersion)} on ${code(r.channel)}`,
    headline(r),
    table(['Incident', code(r.incidentId)], summaryRows(r, ctx, links.reportUrl)),
    ...(r.packages && r.packages.length > 1 ? [`### Packages\n${packagesTable(r)}`] : []),
    `### Reason\n${inert(r.reason)}`
  ]
  if (r.warnings.length > 0) parts.push(['### ⚠️ Warnings', ...r.warnings.map((w) => `- ${inert(w)}`)].join('\n'))
  if (isNpm(r)) parts.push(`### Who is protected by this rollback\n${protectionTable(r)}\n\n${strategyNote(r)}`)
  parts.push(`### After the rollback\n${checklist(r)}`)
  parts.push(`### Message to users\nReady to post (release notes, discussions, chat):\n\n${fenced('text', userMessage(r))}`)
  return parts.join('\n\n') + '\n'
}

export function renderRerunComment(r: IncidentRecord, ctx: RunContext, run: IncidentRun, changes: string[]): string {
  const parts = [
    runMarker(ctx),
    `### 🔁 Re-run of this rollback`,
    `${runLabel(ctx)} by ${who(run.actor ?? ctx.actor, ctx.serverUrl)} at ${formatTime(run.at)} UTC: status ${code(run.status)}.`,
    changes.length > 0
      ? ['Changes made by this run:', ...changes.map((c) => `- ${c.replace(/\r?\n/g, ' ')}`)].join('\n')
      : `Nothing needed changing: the registry was already rolled back (${code(r.channel)} → ${code(r.tagsAfter[r.channel])}).`
  ]
  if (run.status === 'partial') parts.push('⚠️ Still partial: re-run again; it completes only what is missing.')
  return parts.join('\n\n') + '\n'
}

// ---------------------------------------------------------------------------------------
// The record inside the report

const RECORD_RE = /<!-- release-rollback:record ([A-Za-z0-9+/=\s]*?) -->/g

/** JSON with sorted keys, so equal records serialise to equal bytes however they were built. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v
  )
}

/** The record as a hidden HTML comment; base64, so a reason holding `-->` cannot end it early. */
export function encodeRecord(r: IncidentRecord): string {
  return `<!-- release-rollback:record ${Buffer.from(canonicalJson(r), 'utf8').toString('base64')} -->`
}

const isString = (v: unknown): v is string => typeof v === 'string'
const isOptString = (v: unknown) => v === undefined || isString(v)
const isStringMap = (v: unknown): v is Record<string, string> => !!v && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every(isString)
const OUTCOMES = ['done', 'already', 'skipped', 'failed', 'planned']

function validRun(v: unknown): v is IncidentRun {
  const o = v as Record<string, unknown>
  return !!o && typeof o === 'object' && isString(o.at) && isString(o.status) && isOptString(o.url) && isOptString(o.actor) && isOptString(o.trigger)
}

function validEvent(v: unknown): v is IncidentEvent {
  const o = v as Record<string, unknown>
  return !!o && typeof o === 'object' && isString(o.at) && isString(o.action) && isString(o.detail) && OUTCOMES.includes(o.outcome as string)
}

/** The record a report carries (the last one, if several), or undefined when it is missing, malformed or of another format. */
export function parseReportRecord(markdown: string): IncidentRecord | undefined {
  const match = [...markdown.matchAll(RECORD_RE)].pop()
  if (!match) return undefined
  let o: Record<string, unknown>
  try {
    o = JSON.parse(Buffer.from(match[1].replace(/\s+/g, ''), 'base64').toString('utf8')) as Record<string, unknown>
  } catch {
    return undefined
  }
  if (!o || typeof o !== 'object' || Array.isArray(o) || o.format !== 1) return undefined
  const strings = ['incidentId', 'packageName', 'channel', 'rollbackVersion', 'restoreVersion', 'reason'] as const
  if (!strings.every((k) => isString(o[k]) && o[k] !== '')) return undefined
  if (!isOptString(o.previousVersion) || !isOptString(o.deprecationMessage) || !isOptString(o.issueUrl) || !isOptString(o.reportPath)) return undefined
  if (o.issueNumber !== undefined && !(Number.isSafeInteger(o.issueNumber) && (o.issueNumber as number) > 0)) return undefined
  if (!isStringMap(o.tagsBefore) || !isStringMap(o.tagsAfter)) return undefined
  if (!(SEVERITIES as readonly unknown[]).includes(o.severity) || (o.strategy !== 'retag' && o.strategy !== 'republish')) return undefined
  if (!Array.isArray(o.runs) || !o.runs.every(validRun)) return undefined
  if (!Array.isArray(o.timeline) || !o.timeline.every(validEvent)) return undefined
  if (!Array.isArray(o.warnings) || !o.warnings.every(isString)) return undefined
  // rebuilt field by field: nothing unknown travels on
  const record: IncidentRecord = {
    format: 1,
    incidentId: o.incidentId as string,
    packageName: o.packageName as string,
    channel: o.channel as string,
    rollbackVersion: o.rollbackVersion as string,
    restoreVersion: o.restoreVersion as string,
    previousVersion: o.previousVersion as string | undefined,
    deprecationMessage: o.deprecationMessage as string | undefined,
    tagsBefore: { ...o.tagsBefore },
    tagsAfter: { ...o.tagsAfter },
    severity: o.severity as IncidentRecord['severity'],
    reason: o.reason as string,
    strategy: o.strategy as IncidentRecord['strategy'],
    republishedVersion: typeof o.republishedVersion === 'string' ? o.republishedVersion : undefined,
    target: o.target === 'docker' || o.target === 'helm' || o.target === 'git-tag' ? o.target : undefined,
    packages: Array.isArray(o.packages)
      ? o.packages.map((p: NonNullable<IncidentRecord['packages']>[number]) => ({
          name: String(p.name),
          ...(typeof p.kind === 'string' && ['npm', 'docker', 'helm', 'git-tag'].includes(p.kind) ? { kind: p.kind } : {}),
          ...(typeof p.channel === 'string' ? { channel: p.channel } : {}),
          previousVersion: p.previousVersion,
          restoreVersion: p.restoreVersion,
          outcome: String(p.outcome)
        }))
      : undefined,
    runs: o.runs.map((r: IncidentRun) => ({ url: r.url, at: r.at, status: r.status, actor: r.actor, trigger: r.trigger })),
    timeline: o.timeline.map((e: IncidentEvent) => ({ at: e.at, action: e.action, outcome: e.outcome, detail: e.detail })),
    warnings: [...o.warnings],
    issueNumber: o.issueNumber as number | undefined,
    issueUrl: o.issueUrl as string | undefined,
    reportPath: o.reportPath as string | undefined
  }
  return JSON.parse(JSON.stringify(record)) as IncidentRecord // drops the undefined fields
}

// ---------------------------------------------------------------------------------------
// Merging a re-run into the record

const eventKey = (e: IncidentEvent) => JSON.stringify([e.at, e.action, e.outcome, e.detail])
const runKey = (r: IncidentRun) => JSON.stringify([r.url ?? '', r.at])
const wroteSomething = (e: IncidentEvent) => e.outcome === 'done' || e.outcome === 'failed'

/**
 * A re-run merged into what the report already records.
 *
 * - The first run's `previousVersion` and `tagsBefore` stay: they are the state before
 *   the incident was handled. `tagsAfter`, `deprecationMessage`, `severity`, `reason` and
 *   `warnings` come from the re-run (the state now); `restoreVersion` and `incidentId` too,
 *   so a re-run with a corrected restore version updates the report. `issueNumber`,
 *   `issueUrl` and `reportPath` come from the re-run when it has them.
 * - Only events that wrote or failed (`done`, `failed`) are appended to the timeline; an
 *   `already`, `skipped` or `planned` event from a re-run adds nothing. Identical events
 *   are not repeated; runs already listed (same url and time) are not repeated.
 * - **No-op rule**: a re-run whose runs all ended `already-done`, that has no `done` or
 *   `failed` event, and that changes none of the fields above adds nothing at all, not
 *   even a run entry. The report then renders byte-identical and the caller can skip the
 *   commit. (A re-run that changes a field, such as the severity, is listed as a run so the
 *   report's changed content is explained.)
 * - A record for another package, channel or bad version (a report path collision) is not
 *   merged: the current record is returned as it is.
 */
export function mergeRecord(existing: IncidentRecord | undefined, current: IncidentRecord): IncidentRecord {
  const copy = (r: IncidentRecord) => JSON.parse(JSON.stringify(r)) as IncidentRecord
  if (
    existing === undefined ||
    existing.packageName !== current.packageName ||
    existing.channel !== current.channel ||
    existing.rollbackVersion !== current.rollbackVersion
  ) {
    return copy(current)
  }
  const base = copy(existing)
  const carried: IncidentRecord = {
    ...base,
    incidentId: current.incidentId,
    target: current.target,
    strategy: current.strategy,
    republishedVersion: current.republishedVersion ?? base.republishedVersion,
    // per package: a re-run's "already" keeps the row that says what actually happened
    packages: current.packages?.map((row) => (row.outcome === 'already' ? (base.packages?.find((b) => b.name === row.name) ?? row) : row)) ?? base.packages,
    restoreVersion: current.restoreVersion,
    tagsAfter: { ...current.tagsAfter },
    deprecationMessage: current.deprecationMessage,
    severity: current.severity,
    reason: current.reason,
    warnings: [...current.warnings],
    issueNumber: current.issueNumber ?? base.issueNumber,
    issueUrl: current.issueUrl ?? base.issueUrl,
    reportPath: current.reportPath ?? base.reportPath
  }
  if (carried.deprecationMessage === undefined) delete carried.deprecationMessage

  const knownRuns = new Set(base.runs.map(runKey))
  const newRuns = current.runs.filter((r) => !knownRuns.has(runKey(r)))
  const knownEvents = new Set(base.timeline.map(eventKey))
  const newEvents = current.timeline.filter((e) => wroteSomething(e) && !knownEvents.has(eventKey(e)))

  const noop = newRuns.every((r) => r.status === 'already-done') && newEvents.length === 0 && canonicalJson(carried) === canonicalJson(base)
  if (noop) return carried

  const seen = new Set<string>()
  carried.runs = [...base.runs, ...newRuns.map((r) => ({ ...r }))]
  carried.timeline = [...base.timeline, ...newEvents.map((e) => ({ ...e }))].filter((e) => !seen.has(eventKey(e)) && !!seen.add(eventKey(e)))
  return carried
}

// ---------------------------------------------------------------------------------------
// The incident report

const NOTES_START = '<!-- release-rollback:notes-start (everything until notes-end is yours: a re-run keeps it) -->'
const NOTES_END = '<!-- release-rollback:notes-end -->'
const DEFAULT_NOTES = ['### Impact', '### Root cause', '### Regression test', '### Lessons learned'].map((h) => `${h}\n_To be filled in._`).join('\n\n')

/** The people-written part of an earlier report, between the notes markers, if it is there. */
function notesOf(previous: string | undefined): string | undefined {
  if (!previous) return undefined
  const start = previous.indexOf(NOTES_START)
  if (start < 0) return undefined
  const end = previous.indexOf(NOTES_END, start + NOTES_START.length)
  if (end < 0) return undefined
  return previous.slice(start + NOTES_START.length, end).replace(/^\n/, '').replace(/\n$/, '')
}

const OUTCOME_LABEL: Record<IncidentEvent['outcome'], string> = {
  done: '✅ done',
  already: '✅ already in place',
  skipped: '⏭️ skipped',
  failed: '❌ failed',
  planned: '📝 planned'
}

function byTime<T extends { at: string }>(items: T[]): T[] {
  const t = (x: T) => {
    const ms = Date.parse(x.at)
    return Number.isNaN(ms) ? Infinity : ms
  }
  return [...items].sort((a, b) => t(a) - t(b)) // stable: equal times keep their order
}

function versionsAndTags(r: IncidentRecord): string {
  const names = [...new Set([...Object.keys(r.tagsBefore), ...Object.keys(r.tagsAfter)])].sort((a, b) => (a === r.channel ? -1 : b === r.channel ? 1 : a < b ? -1 : a > b ? 1 : 0))
  const rows = names.map((t) => {
    const before = r.tagsBefore[t]
    const after = r.tagsAfter[t]
    return [code(t), code(before, '_(none)_'), code(after, '_(none)_'), before === after ? 'no' : '**yes**']
  })
  const dep =
    r.deprecationMessage === undefined
      ? `Deprecation of ${code(r.rollbackVersion)}: off for this rollback (deprecate: false).`
      : `Deprecation of ${code(r.rollbackVersion)}: ${inert(r.deprecationMessage)}`
  return `${table(['Dist-tag', 'Before the first run', 'After the latest run', 'Changed'], rows)}\n\n${dep}`
}

function actionsTaken(r: IncidentRecord): string {
  // the latest outcome of each action, in the order the actions first happened
  const latest = new Map<string, IncidentEvent>()
  for (const e of byTime(r.timeline)) latest.set(e.action, e)
  const order = [...new Set(byTime(r.timeline).map((e) => e.action))]
  if (order.length === 0) return '_No actions recorded._'
  return order
    .map((a) => latest.get(a) as IncidentEvent)
    .map((e) => `- ${OUTCOME_LABEL[e.outcome]}: ${inert(e.action)}${e.outcome === 'failed' ? ` (${inert(e.detail)})` : ''}`)
    .join('\n')
}

function timeline(r: IncidentRecord): string {
  if (r.timeline.length === 0) return '_No events recorded._'
  return table(
    ['Time', 'Action', 'Outcome', 'Detail'],
    byTime(r.timeline).map((e) => [formatTime(e.at), inert(e.action), OUTCOME_LABEL[e.outcome], inert(e.detail)])
  )
}

function issueLink(r: IncidentRecord, ctx: RunContext): string | undefined {
  const url = safeUrl(r.issueUrl) ?? (r.issueNumber ? safeUrl(`${ctx.serverUrl.replace(/\/+$/, '')}/${ctx.repository}/issues/${r.issueNumber}`) : undefined)
  if (!url) return undefined
  return `[${r.issueNumber ? `#${r.issueNumber}` : 'tracking issue'}](${url})`
}

/**
 * The incident report. Deterministic: it holds only times from the record, never the
 * clock, so a re-run that changes nothing renders the same bytes. Pass the report as it
 * is in the repository as `previous` to keep what people wrote between the notes markers
 * ("Still to do by humans"); everything else is regenerated from the record.
 */
export function renderReport(r: IncidentRecord, ctx: RunContext, previous?: string): string {
  const status = lastRun(r)?.status
  const issue = issueLink(r, ctx)
  const header: string[][] = [
    ['Severity', `**${inert(r.severity)}**`],
    ['Package', code(r.packageName)],
    ['Rollback', `${code(r.rollbackVersion)} → ${code(r.restoreVersion)} on ${code(r.channel)}`],
    ['Status', status ? code(status) : '_(no run recorded)_']
  ]
  if (issue) header.push(['Tracking issue', issue])

  const links: string[] = []
  if (issue) links.push(`- Tracking issue: ${issue}`)
  for (const run of r.runs) {
    const by = run.actor ? ` by ${who(run.actor, ctx.serverUrl)}` : ''
    const via = run.trigger ? ` via ${code(run.trigger)}` : ''
    links.push(`- ${link(`Run at ${formatTime(run.at)} UTC`, run.url)}: ${code(run.status)}${by}${via}`)
  }

  const parts = [
    `# Rollback of ${code(`${r.packageName}@${r.rollbackVersion}`)}`,
    table(['Incident', code(r.incidentId)], header),
    `## Timeline (UTC)\n${timeline(r)}`,
    ...(r.packages && r.packages.length > 1 ? [`## Packages\n${packagesTable(r)}`] : []),
    `## Versions and tags\n${versionsAndTags(r)}`,
    `## Reason\n${inert(r.reason)}`,
    `## Actions taken\n${actionsTaken(r)}`
  ]
  if (r.warnings.length > 0) parts.push(['## Warnings', ...r.warnings.map((w) => `- ${inert(w)}`)].join('\n'))
  if (isNpm(r)) parts.push(`## Who is protected\n${protectionTable(r)}\n\n${strategyNote(r)}`)
  parts.push(`## Still to do by humans\n${NOTES_START}\n${notesOf(previous) ?? DEFAULT_NOTES}\n${NOTES_END}`)
  parts.push(`## Links\n${links.length > 0 ? links.join('\n') : '_None recorded._'}`)
  parts.push(encodeRecord(r))
  return parts.join('\n\n') + '\n'
}
