// Who is protected by the rollback, per npm installer (npm, pnpm, Yarn, bun): the observed
// matrix (INSTALLER_MATRIX, checked against the real clients by
// __tests__/targets/npm/installers.test.ts), the protection rows derived from it
// (installerProtection), their labels, the table and the note on the strategy: the npm kind's
// `protection` (src/core/kind.ts), which the issue and the report show. Pure: no I/O, no @actions/*.
import type { ProtectionFacts } from '../../core/kind.js'
import { code, table } from '../../core/markdown.js'
import { setting } from '../../core/settings.js'

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

// ---------------------------------------------------------------------------------------
// The matrix: what each real client installed, checked by __tests__/installers.test.ts
// against a local registry. Fixture: 1.2.0–1.2.2 weeks old, the bad 1.2.3 three days old
// and on `latest`; then the rollback (see MatrixStrategy). A claim below that stops being
// true fails that test.

export type InstallerClient = 'npm' | 'pnpm' | 'yarn1' | 'yarn4' | 'bun'

/**
 * retag: `latest` moved back to the restored version and the bad one deprecated;
 * retag-undeprecated: only the tag moved; republish: the good code published as the next
 * version (now, so less than a day old) on `latest`, and the bad one deprecated.
 */
export type MatrixStrategy = 'retag' | 'retag-undeprecated' | 'republish'

/**
 * add: `add <name>` with no range in a new project; range: `^1.2.0` (the restored version
 * satisfies it); bad-only-range: `^1.2.3` (before a republish only the bad version
 * satisfies it); range-above-restore: `^1.2.2` after `latest` moved back to 1.2.1 (a good
 * version and the bad one satisfy it, the restored one does not); lockfile: the frozen
 * install of a lockfile written before the rollback (it pinned 1.2.3); update: the client's
 * update command on that project.
 */
export type MatrixScenario = 'add' | 'range' | 'bad-only-range' | 'range-above-restore' | 'lockfile' | 'update'

/** what an install got: the bad version, the restored one, the republished one, or another good one (1.2.2 in range-above-restore) */
export type Got = 'bad' | 'restored' | 'republished' | 'good'

/** one outcome, or one with the client's default release-age gate on and one with it off (0) */
export type Observed = Got | { gateOn: Got; gateOff: Got }

export interface InstallerClientInfo {
  label: string
  /** the version the matrix was checked against */
  checked: string
  /** its release-age setting, when it has one (on by default: one day) */
  gate?: string
  /** how it picks a version, as observed */
  rule: string
  update: string
  frozen: string
}

export const INSTALLER_CLIENTS: Record<InstallerClient, InstallerClientInfo> = {
  npm: {
    label: 'npm',
    checked: '11.19.1',
    rule: 'Takes `latest` when the range allows it, else the highest non-deprecated match.',
    update: '`npm update`',
    frozen: '`npm ci`',
  },
  pnpm: {
    label: 'pnpm',
    checked: '12.21.0',
    gate: 'minimumReleaseAge',
    rule: 'Takes `latest` when the range allows it, else the highest non-deprecated match.',
    update: '`pnpm update`',
    frozen: '`pnpm install --frozen-lockfile`',
  },
  yarn1: {
    label: 'Yarn Classic (1.x)',
    checked: '1.22.22',
    rule: 'Takes `latest` when the range allows it, else the highest match, deprecated or not.',
    update: '`yarn upgrade`',
    frozen: '`yarn install --frozen-lockfile`',
  },
  yarn4: {
    label: 'Yarn Berry (4.x)',
    checked: '4.18.1',
    gate: 'npmMinimalAgeGate',
    rule: 'Follows `latest` only for an add without a range; for a range it takes the highest non-deprecated match and ignores `latest`.',
    update: '`yarn up`',
    frozen: '`yarn install --immutable`',
  },
  bun: {
    label: 'bun',
    checked: '1.4.5',
    rule: 'Takes `latest` when the range allows it, else the highest non-deprecated match.',
    update: '`bun update`',
    frozen: '`bun install --frozen-lockfile`',
  },
}

export const INSTALLER_CLIENT_ORDER: InstallerClient[] = ['npm', 'pnpm', 'yarn1', 'yarn4', 'bun']

const all = (got: Got): Record<InstallerClient, Observed> => ({ npm: got, pnpm: got, yarn1: got, yarn4: got, bun: got })
const gated = (gateOn: Got, gateOff: Got): Observed => ({ gateOn, gateOff })

export const INSTALLER_MATRIX: Record<
  MatrixStrategy,
  Partial<Record<MatrixScenario, Record<InstallerClient, Observed>>>
> = {
  retag: {
    add: all('restored'),
    range: all('restored'),
    'bad-only-range': all('bad'),
    'range-above-restore': { npm: 'good', pnpm: 'good', yarn1: 'bad', yarn4: 'good', bun: 'good' },
    lockfile: all('bad'),
    update: all('restored'),
  },
  'retag-undeprecated': {
    add: all('restored'),
    range: { npm: 'restored', pnpm: 'restored', yarn1: 'restored', yarn4: 'bad', bun: 'restored' },
    'bad-only-range': all('bad'),
    'range-above-restore': all('bad'),
    lockfile: all('bad'),
    update: all('restored'),
  },
  republish: {
    add: {
      npm: 'republished',
      pnpm: gated('restored', 'republished'),
      yarn1: 'republished',
      yarn4: gated('bad', 'republished'),
      bun: 'republished',
    },
    range: {
      npm: 'republished',
      pnpm: gated('restored', 'republished'),
      yarn1: 'republished',
      yarn4: gated('restored', 'republished'),
      bun: 'republished',
    },
    'bad-only-range': {
      npm: 'republished',
      pnpm: gated('bad', 'republished'),
      yarn1: 'republished',
      yarn4: gated('bad', 'republished'),
      bun: 'republished',
    },
    lockfile: all('bad'),
    update: {
      npm: 'republished',
      pnpm: gated('restored', 'republished'),
      yarn1: 'republished',
      yarn4: gated('bad', 'republished'),
      bun: 'republished',
    },
  },
}

/** Before any rollback, `^1.2.0` while the bad 1.2.3 is minutes old (and on `latest`): the release-age gates kept it away. */
export const FRESH_BAD_RANGE: Record<InstallerClient, Observed> = {
  npm: 'bad',
  pnpm: gated('restored', 'bad'),
  yarn1: 'bad',
  yarn4: gated('restored', 'bad'),
  bun: 'bad',
}

/** the outcome with the gate on (the client's default) or off; a client without a gate has one outcome */
export function outcome(o: Observed, gate: 'on' | 'off'): Got {
  return typeof o === 'string' ? o : gate === 'on' ? o.gateOn : o.gateOff
}

const outcomes = (o: Observed): Got[] => (typeof o === 'string' ? [o] : [o.gateOn, o.gateOff])

/** yes when no outcome is the bad version, no when every one is, else partly */
function level(observed: Observed[]): Protection {
  const got = observed.flatMap(outcomes)
  const bad = got.filter((g) => g === 'bad').length
  return bad === 0 ? 'yes' : bad === got.length ? 'no' : 'partly'
}

/** whether a client skips a deprecated version for a range that `latest` does not satisfy (seen in range-above-restore) */
export function skipsDeprecated(client: InstallerClient): boolean {
  return outcomes(INSTALLER_MATRIX.retag['range-above-restore']![client]).every((g) => g !== 'bad')
}

interface Names {
  bad: string
  good: string
  fix: string
}

function gotText(g: Got, n: Names): string {
  return { bad: n.bad, restored: n.good, republished: n.fix, good: 'that other version' }[g]
}

function scenarioText(s: MatrixScenario, n: Names, onlyBad: string): string {
  return {
    add: 'an add without a range',
    range: `a range ${n.good} satisfies`,
    'bad-only-range': `a range only ${n.bad} satisfied before${onlyBad}`,
    'range-above-restore': `a range that misses ${n.good} but allows another good version`,
    lockfile: 'a frozen lockfile',
    update: 'its update command',
  }[s]
}

function joinList(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`
}

/** "Installs X for a and b; Y for c." from one client's outcomes in the given scenarios */
function installsText(entries: [MatrixScenario, Got][], n: Names, onlyBad: string): string {
  const groups = new Map<Got, MatrixScenario[]>()
  for (const [s, g] of entries) groups.set(g, [...(groups.get(g) ?? []), s])
  const parts = [...groups].map(
    ([g, ss]) => `${gotText(g, n)} ${joinList(ss.map((s) => `for ${scenarioText(s, n, onlyBad)}`))}`,
  )
  return `Installs ${parts.join('; ')}.`
}

/** the scenarios a client row speaks for: new installs (lockfiles and updates have their rows) */
function rowScenarios(strategy: MatrixStrategy): MatrixScenario[] {
  return strategy === 'republish' ? ['add', 'range', 'bad-only-range'] : ['add', 'range', 'range-above-restore']
}

function clientRow(client: InstallerClient, strategy: MatrixStrategy, n: Names, onlyBad: string): InstallerProtection {
  const info = INSTALLER_CLIENTS[client]
  const m = INSTALLER_MATRIX[strategy]
  const scenarios = rowScenarios(strategy)
  const observed = scenarios.map((s) => m[s]![client])
  const parts = [info.rule]
  // without a gate (or once the new version is a day old)
  parts.push(
    installsText(
      scenarios.map((s, i) => [s, outcome(observed[i], 'off')]),
      n,
      onlyBad,
    ),
  )
  if (strategy !== 'republish') parts.push(`A range that nothing but ${n.bad} satisfies${onlyBad} still gets it.`)
  if (
    strategy === 'retag-undeprecated' &&
    level(observed) !== level(rowScenarios('retag').map((s) => INSTALLER_MATRIX.retag[s]![client]))
  ) {
    parts.push(`Deprecation was off: deprecating ${n.bad} would steer it away from more of them.`)
  }
  if (info.gate) {
    const gateNote = `It skips versions published less than a day ago by default (\`${info.gate}\`)`
    if (observed.some((o) => outcome(o, 'on') !== outcome(o, 'off'))) {
      const onEntries = scenarios.map((s, i): [MatrixScenario, Got] => [s, outcome(observed[i], 'on')])
      parts.push(
        `${gateNote}: for a day after ${n.fix} is published it ${installsText(onEntries, n, onlyBad).replace(/^Installs/, 'installs')}`,
      )
    } else if (strategy !== 'republish' && outcome(FRESH_BAD_RANGE[client], 'on') !== 'bad') {
      parts.push(
        `${gateNote}: if ${n.bad} was rolled back within a day of its publish, its users with default settings never installed it.`,
      )
    }
  }
  return { installer: info.label, protected: level(observed), why: parts.join(' ') }
}

/** "npm update, pnpm update … move it to X; …" for one scenario across the clients */
function acrossClients(
  scenario: MatrixScenario,
  strategy: MatrixStrategy,
  n: Names,
  gate: 'on' | 'off',
  which = INSTALLER_CLIENT_ORDER,
): string {
  const groups = new Map<Got, string[]>()
  for (const c of which) {
    const g = outcome(INSTALLER_MATRIX[strategy][scenario]![c], gate)
    const cmd = scenario === 'update' ? INSTALLER_CLIENTS[c].update : INSTALLER_CLIENTS[c].frozen
    groups.set(g, [...(groups.get(g) ?? []), cmd])
  }
  return [...groups]
    .map(
      ([g, cmds]) =>
        `${joinList(cmds)} ${g === 'bad' ? `keep${cmds.length === 1 ? 's' : ''} ${n.bad}` : `move${cmds.length === 1 ? 's' : ''} it to ${gotText(g, n)}`}`,
    )
    .join('; ')
}

function gatedClients(strategy: MatrixStrategy, scenario: MatrixScenario): InstallerClient[] {
  return INSTALLER_CLIENT_ORDER.filter((c) => {
    const o = INSTALLER_MATRIX[strategy][scenario]![c]
    return outcome(o, 'on') !== outcome(o, 'off')
  })
}

function lockfileRows(strategy: MatrixStrategy, n: Names): InstallerProtection[] {
  const m = INSTALLER_MATRIX[strategy]
  const lock = INSTALLER_CLIENT_ORDER.map((c) => m.lockfile![c])
  const update = INSTALLER_CLIENT_ORDER.map((c) => m.update![c])
  const lockLevel = level(lock)
  const updateWhy = [
    `An installed ${n.bad} (locked before the rollback): ${acrossClients('update', strategy, n, 'off')}.`,
  ]
  const late = gatedClients(strategy, 'update')
  if (late.length > 0) {
    updateWhy.push(
      `With their default release-age gate, for a day after ${n.fix} is published: ${acrossClients('update', strategy, n, 'on', late)}.`,
    )
  }
  return [
    {
      installer: 'Lockfiles (frozen installs)',
      protected: lockLevel,
      why:
        lockLevel === 'no'
          ? `A lockfile keeps the version it pinned: ${acrossClients('lockfile', strategy, n, 'off')}. ${strategy === 'republish' ? "Each client's update command moves it (next row)." : `They need an update (next row) or a fix-forward release above ${n.bad}.`}`
          : acrossClients('lockfile', strategy, n, 'off'),
    },
    { installer: 'Update commands', protected: level(update), why: updateWhy.join(' ') },
    strategy === 'republish'
      ? {
          installer: 'Renovate / Dependabot PRs already opened',
          protected: 'partly',
          why: `Their branches pin ${n.bad} in the lockfile: merging one installs it. New PRs to ${n.fix} supersede them; close the old ones.`,
        }
      : {
          installer: 'Renovate / Dependabot PRs already opened',
          protected: lockLevel,
          why: `Their branches pin ${n.bad} in the lockfile: merging one installs it. Close or hold them.`,
        },
  ]
}

/**
 * Whom the rollback protects, per installer, from INSTALLER_MATRIX (what the real clients
 * did; see "How installers pick a version" in the npm registry reference). Range
 * resolution goes through `latest` only, so for another channel only installs that name
 * the tag are steered by the move; ranges are steered by the deprecation, if at all.
 */
export function installerProtection(
  strategy: 'retag' | 'republish',
  context: ProtectionContext & { republished?: string } = {},
): InstallerProtection[] {
  const n: Names = {
    bad: context.rollbackVersion ? code(context.rollbackVersion) : 'the bad version',
    good: context.restoreVersion
      ? code(context.restoreVersion)
      : strategy === 'republish'
        ? 'the good version'
        : 'the restored version',
    fix: context.republished ? code(context.republished) : 'the republished version',
  }
  const onlyBad = context.rollbackVersion ? ` (such as \`^${context.rollbackVersion}\`)` : ''
  if (strategy === 'republish') {
    return [
      ...INSTALLER_CLIENT_ORDER.map((c) => clientRow(c, 'republish', n, onlyBad)),
      ...lockfileRows('republish', n),
    ]
  }
  const dep = context.deprecated ?? true
  const matrixStrategy: MatrixStrategy = dep ? 'retag' : 'retag-undeprecated'
  const channel = context.channel ?? 'latest'
  if (channel === 'latest') {
    return [
      ...INSTALLER_CLIENT_ORDER.map((c) => clientRow(c, matrixStrategy, n, onlyBad)),
      ...lockfileRows(matrixStrategy, n),
    ]
  }
  // another channel: not in the matrix beyond what the deprecation does to ranges
  const tag = code(channel)
  const named = `Installs that name the tag (\`…@${channel}\`) now get ${n.good}.`
  const rows = INSTALLER_CLIENT_ORDER.map((c): InstallerProtection => {
    const skips = dep && skipsDeprecated(c)
    return {
      installer: INSTALLER_CLIENTS[c].label,
      protected: skips ? 'yes' : 'partly',
      why: skips
        ? `${named} Ranges never use ${tag}; it prefers a non-deprecated version, so it avoids ${n.bad} when another version matches.`
        : dep
          ? `${named} Ranges never use ${tag}, and it takes the highest match even when deprecated, so a range that matches ${n.bad} can still pick it.`
          : `${named} Ranges never use ${tag}, and a range that matches ${n.bad} can still pick it: deprecation was off.`,
    }
  })
  const [lockfiles, , prs] = lockfileRows(matrixStrategy, n)
  const updates: InstallerProtection = {
    installer: 'Update commands',
    protected: dep ? 'partly' : 'no',
    why: dep
      ? `Update commands resolve the range, not ${tag}: an installed ${n.bad} moves only with a client that prefers a non-deprecated match (not Yarn Classic), and only to a version the range allows. Checked for \`latest\` only.`
      : `Update commands resolve the range, not ${tag}, and nothing marks ${n.bad}: deprecation was off. Checked for \`latest\` only.`,
  }
  return [...rows, lockfiles, updates, prs]
}

const PROTECTION_LABEL: Record<Protection, string> = { yes: '✅ yes', partly: '⚠️ partly', no: '❌ no' }

/** the client versions the table was checked against, under it */
export function checkedAgainst(): string {
  return `Observed with ${joinList(INSTALLER_CLIENT_ORDER.map((c) => `${INSTALLER_CLIENTS[c].label.replace(/ \(.*\)$/, '')} ${INSTALLER_CLIENTS[c].checked}`))}; other versions may differ.`
}

/** What the other strategy would change, under the table. */
export function strategyNote(r: ProtectionFacts): string {
  return r.strategy === 'republish'
    ? `Strategy **republish**: the good code was published as ${code(r.republishedVersion ?? 'the next version')}. A plain retag would have left ranges that only the bad version satisfied on it, and Yarn Berry's ranges on it whenever the deprecation is off. ${checkedAgainst()}`
    : `Strategy **retag**: the tag moved back. To reach ranges that only the bad version satisfies too, run again with \`${setting('strategy', 'republish')}\`, which publishes the good code as the next version (pnpm and Yarn Berry skip it for its first day by default). ${checkedAgainst()}`
}

export function protectionTable(r: ProtectionFacts): string {
  const rows = installerProtection(r.strategy, {
    republished: r.republishedVersion,
    channel: r.channel,
    rollbackVersion: r.rollbackVersion,
    restoreVersion: r.restoreVersion,
    deprecated: r.deprecationMessage !== undefined,
  }).map((p) => [p.installer, PROTECTION_LABEL[p.protected], p.why])
  return table(['Installer', 'Protected', 'Why'], rows)
}
