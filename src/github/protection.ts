// Who is protected by the rollback, per installer: the matrix (installerProtection), its
// labels, its table and the note on the strategy, for the issue and the report. Pure: no
// I/O, no @actions/*.
import { table } from '../markdown.js'
import type { IncidentRecord } from './incident.js'
import { code } from './render-parts.js'

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

/** What the other strategy would change, under the table. */
export function strategyNote(r: IncidentRecord): string {
  return r.strategy === 'republish'
    ? `Strategy **republish**: the good code was published as ${code(r.republishedVersion ?? 'the next version')}. A plain retag would have moved only the tag: lockfiles, updaters (which never downgrade) and Yarn Berry would not have been reached.`
    : `Strategy **retag**: the tag moved back. To reach lockfiles, updaters (which never downgrade) and Yarn Berry too, run again with \`strategy: republish\`, which publishes the good code as the next version.`
}

export function protectionTable(r: IncidentRecord): string {
  const rows = installerProtection(r.strategy, {
    republished: r.republishedVersion,
    channel: r.channel,
    rollbackVersion: r.rollbackVersion,
    restoreVersion: r.restoreVersion,
    deprecated: r.deprecationMessage !== undefined
  }).map((p) => [p.installer, PROTECTION_LABEL[p.protected], p.why])
  return table(['Installer', 'Protected', 'Why'], rows)
}
