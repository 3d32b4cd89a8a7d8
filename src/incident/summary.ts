// The job summary, for one target or many: what changed, before and after, and what to do next.
import type { BookkeepingResult } from '../github/bookkeeping.js'
import { inert, table } from '../core/markdown.js'
import type { Plan } from '../core/plan.js'
import { errorOf, type IncidentResult, type TargetRun } from './run.js'
import { renderImpact } from './impact.js'
import { currentDialect, settingName } from '../core/settings.js'
import { DEFAULT_KIND, KINDS, kindOf } from '../targets/registry.js'

const code = (v: string | undefined) => (v ? `\`${v}\`` : '_(none)_')
const TITLE: Record<IncidentResult['status'], string> = {
  completed: '✅ Rollback completed',
  'already-done': '✅ Already rolled back: nothing to change',
  planned: '📝 Rollback planned (dry run: nothing written)',
  partial: '⚠️ Rollback partially applied',
  failed: '❌ Rollback failed: nothing was changed',
  skipped: '⏭️ Rollback skipped: nothing was changed',
  'awaiting-approval': '⏳ Handed off to a maintainer: planned, nothing written to the registry',
}

const UNDO_TITLE: Record<IncidentResult['status'], string> = {
  completed: '↩️ Undone: the rollback is reversed',
  'already-done': '↩️ Already undone: nothing to change',
  planned: '📝 Undo planned (dry run: nothing written)',
  partial: '⚠️ Undo partially applied',
  failed: '❌ Undo failed: nothing was changed',
  skipped: '⏭️ Undo skipped: nothing was changed',
  'awaiting-approval': '⏳ Undo handed off: nothing written',
}

/** Undo, said loudly: every channel that holds the bad version again because undo asked. */
export function undoLines(result: IncidentResult): string[] {
  if (!result.undo) return []
  const several = result.targets.length > 1
  return result.targets.flatMap((t) => {
    const plan = t.plan
    if (!plan) return []
    const who = several ? `${t.name}: ` : ''
    const lines: string[] = []
    const holds = t.after?.distTags[plan.channel]
    if (result.status === 'planned' && plan.tag.kind === 'move')
      lines.push(
        `⚠️ **${who}\`${plan.channel}\` would point at the bad \`${plan.rollbackVersion}\` again, as undo asks.**`,
      )
    else if (holds === plan.rollbackVersion)
      lines.push(`⚠️ **${who}\`${plan.channel}\` points at the bad \`${plan.rollbackVersion}\` again, as undo asked.**`)
    else if (plan.foundVersion !== undefined && holds === plan.foundVersion)
      lines.push(`${who}\`${plan.channel}\` holds ${code(holds)} again, as the incident found it.`)
    else if (plan.tag.kind === 'keep-newer' || holds !== undefined)
      lines.push(`${who}\`${plan.channel}\` holds ${code(holds)}, not what the rollback wrote: left alone, not undone.`)
    if (plan.republish)
      lines.push(`${who}\`${plan.republish.version}\` (republished) stays published: npm never reuses a version.`)
    return lines
  })
}

/** The one summary renderer: a detailed table for one target, a row per target for several. */
export function renderSummary(result: IncidentResult, books?: BookkeepingResult): string {
  const several = result.targets.length > 1
  const only = result.targets[0]
  const parts = [`## ${(result.undo ? UNDO_TITLE : TITLE)[result.status]}`]
  if (!several && result.status === 'skipped') {
    parts.push(`**\`${only.name}\`** on \`${only.channel}\`: ${inert(result.reason ?? only.skipped?.reason ?? '')}`)
  } else if (!several && only.plan) {
    const plan = only.plan
    parts.push(
      plan.undo
        ? `**\`${plan.packageName}\`**: undo of the rollback of \`${plan.rollbackVersion}\` → \`${plan.republish?.version ?? plan.restoreVersion}\` on \`${plan.channel}\`. Incident \`${plan.incidentId}\`.`
        : `**\`${plan.packageName}\`**: \`${plan.rollbackVersion}\` → \`${plan.restoreVersion}\` on \`${plan.channel}\`${plan.restoreChosen ? ' (last known good, chosen automatically)' : ''}. Incident \`${plan.incidentId}\`.`,
      ...undoLines(result),
      table(['What', 'Before', 'After', 'Changed by this run'], detailRows(result, only, plan)),
      ...(only.note ? [`How it ran: ${inert(only.note)}.`] : []),
    )
  } else {
    const mixed = result.targets.some((t) => kindOf(t.kind) !== DEFAULT_KIND)
    const rows = result.targets.map((t) => [
      mixed ? `${t.kind} \`${t.name}\`` : `\`${t.name}\``,
      ...(mixed ? [`\`${t.channel}\``] : []),
      code(t.plan?.previousVersion),
      t.plan ? code(t.plan.republish?.version ?? t.plan.restoreVersion) : '–',
      (errorOf(t) ? `${t.outcome}: ${inert(errorOf(t) as string)}` : t.outcome) + (t.note ? ` (${inert(t.note)})` : ''),
      t.moved ? '**yes**' : 'no',
      t.deprecated || t.undeprecated ? '**yes**' : 'no',
    ])
    parts.push(
      ...(result.undo
        ? [
            `${result.targets.length} ${mixed ? 'targets' : 'packages'}: the rollback of \`${result.rollbackVersion}\` undone${mixed ? '' : ` on \`${result.channel}\``}. Incident \`${result.incidentId}\`.`,
            ...undoLines(result),
          ]
        : [
            `${result.targets.length} ${mixed ? 'targets' : 'packages'}: \`${result.rollbackVersion}\` rolled back${mixed ? '' : ` on \`${result.channel}\``}. Incident \`${result.incidentId}\`.`,
          ]),
      table(
        [
          mixed ? 'Target' : 'Package',
          ...(mixed ? ['Channel', 'Before'] : [`\`${result.channel}\` before`]),
          result.undo ? 'Rolled back to' : 'Restored',
          'Outcome',
          'Moved now',
          result.undo ? 'Deprecation changed now' : 'Deprecated now',
        ],
        rows,
      ),
    )
  }
  if (result.impact) parts.push(renderImpact(result.impact, '###'))
  if (books) {
    const links = [
      books.issueUrl
        ? `- Tracking issue: [#${books.issueNumber}](${books.issueUrl})${books.issueCreated ? ' (opened by this run)' : ''}${books.freezeLifted === 'closed' ? ': closed by this undo, so the release freeze no longer holds' : books.freezeLifted === 'labelled' ? ': labelled release-freeze-override by this undo (GitHub refused to close it), so the release freeze no longer holds' : ''}`
        : '',
      books.reportPath
        ? `- Incident report: [${books.reportPath}](${books.reportUrl ?? ''})${books.reportOutcome === 'unchanged' ? ' (already up to date)' : ''}`
        : '',
      books.pullRequestUrl ? `- Pull request with the report: ${books.pullRequestUrl}` : '',
    ].filter(Boolean)
    if (links.length > 0) parts.push(['### Incident record', ...links].join('\n'))
  }
  if (result.verification) parts.push(['### Verification', ...verificationLines(result.verification)].join('\n'))
  if (result.warnings.length > 0)
    parts.push(['### Warnings', ...result.warnings.map((w) => `- ${inert(w)}`)].join('\n'))
  if (result.error) parts.push(`### What is missing\n${inert(result.error.message)}`)
  const steps = nextSteps(result)
  if (steps.length > 0) parts.push(['### Next steps', ...steps.map((s) => `- ${s}`)].join('\n'))
  return parts.join('\n\n') + '\n'
}

function detailRows(result: IncidentResult, t: TargetRun, plan: Plan): string[][] {
  const before = t.before?.distTags ?? {}
  const after = t.after?.distTags ?? {}
  const rows: string[][] = []
  for (const tag of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
    const changed = tag === plan.channel && t.moved
    const planned = result.status === 'planned' && tag === plan.channel && plan.tag.kind === 'move'
    rows.push([
      `${kindOf(t.kind).words.channel} \`${tag}\``,
      code(before[tag]),
      planned && plan.tag.kind === 'move' ? `${code(plan.tag.to)} (planned)` : code(after[tag]),
      changed ? '**yes**' : planned ? 'planned' : 'no',
    ])
  }
  const bDep = t.before?.versions[plan.rollbackVersion]?.deprecated
  const depPlanned =
    result.status === 'planned' && (plan.deprecation.kind === 'deprecate' || plan.deprecation.kind === 'undeprecate')
  rows.push([
    `\`${plan.rollbackVersion}\` deprecation`,
    bDep ? inert(bDep) : '_(not deprecated)_',
    depPlanned && plan.deprecation.kind === 'deprecate'
      ? `${inert(plan.deprecation.message)} (planned)`
      : depPlanned
        ? '_(not deprecated)_ (planned)'
        : t.after?.deprecated
          ? `${inert(t.after.deprecated)}${plan.deprecation.kind === 'kept' ? ' (changed by a person: kept)' : ''}`
          : '_(not deprecated)_',
    t.deprecated || t.undeprecated ? '**yes**' : depPlanned ? 'planned' : 'no',
  ])
  return rows
}

/** A value in a code span, or inert text when it could break the span. */
const span = (v: string) => (/^[^`|\r\n]+$/.test(v) ? `\`${v}\`` : inert(v))
const utc = (at: string) => `${at.slice(0, 19).replace('T', ' ')} UTC`

/** What the checks after the writes saw: the health endpoint, and each npm channel as installers read it. */
export function verificationLines(v: NonNullable<IncidentResult['verification']>): string[] {
  const lines: string[] = []
  const h = v.health
  if (h) {
    const where = `${span(h.url)}${h.field ? ` (${span(h.field)})` : ''}`
    lines.push(
      h.seenAt
        ? `- Health: ${where} reported ${span(h.reports ?? h.versions[0])} at ${utc(h.seenAt)}.`
        : `- Health: ${where} did not report ${h.versions.map(span).join(' or ')} within ${h.timeout}; its last answer: ${inert(h.reports ?? 'none')}.`,
    )
  }
  for (const i of v.installers ?? []) {
    const what = `${span(i.name)} ${span(i.channel)}`
    if (i.seenAt)
      lines.push(
        `- Installers: ${what} gave ${span(i.version)} (read as \`npm install\` reads it, without a token) at ${utc(i.seenAt)}.`,
      )
    else if (i.error)
      lines.push(
        `- Installers: ${what} could not be read as \`npm install\` reads it (${inert(i.error)}); the registry holds ${span(i.version)}.`,
      )
    else {
      const lifetime =
        i.maxAgeSeconds !== undefined
          ? `up to ${i.maxAgeSeconds} s (\`cache-control: max-age=${i.maxAgeSeconds}\`)`
          : 'its cache lifetime'
      lines.push(
        `- Installers: ${what} still gave ${i.holds ? span(i.holds) : '_(no version)_'}, not ${span(i.version)}: the registry holds ${span(i.version)}, but its CDN may serve the old answer for ${lifetime}.`,
      )
    }
  }
  return lines
}

/** What to do next, for each kind of target in the incident. */
export function nextSteps(result: IncidentResult): string[] {
  if (result.undo) {
    if (result.status === 'planned') return [`Nothing was written. Run again ${withoutDryRun()} to apply this undo.`]
    if (result.status === 'partial' || result.status === 'failed')
      return ['Fix what the error names, then run the same undo again: it completes only what is missing.']
    if (result.status === 'skipped') return ["Nothing was undone; check the inputs are the rollback's."]
    return [
      'The bad version is what the channels serve again, as asked. If the undo was itself the mistake, run the same rollback again (without `undo`).',
    ]
  }
  if (result.status === 'planned') return [`Nothing was written. Run again ${withoutDryRun()} to apply this plan.`]
  if (result.status === 'awaiting-approval' && result.staged)
    return [
      `${result.staged.version} (the good code as the next version) is staged and ${result.staged.waiting ? 'still ' : ''}waits for a maintainer's approval; '${result.channel}' points at the restore version meanwhile, which protects new installs.`,
      // npm documents no web page for one staged version (docs npm-stage): the command alone
      `A maintainer approves it with \`${result.staged.command}\` (two-factor authentication; or on npmjs.com), then runs this rollback again: it moves '${result.channel}' to ${result.staged.version} and rewrites the deprecation to name it.`,
    ]
  if (result.status === 'awaiting-approval')
    return [
      `Handed off: ${result.handoff?.reason ?? ''}`,
      `A maintainer with two-factor authentication runs \`${result.handoff?.command ?? 'npx release-rollback@1 resume <incident-id> --repo <owner/name>'}\`: it performs exactly this plan, approving each write, and refuses with nothing written if the registry changed meanwhile (a fix published, a channel moved).`,
    ]
  if (result.status === 'partial')
    return ['Re-run the same rollback: it completes only what is missing and repeats nothing.']
  if (result.status === 'skipped')
    return [
      `If a rollback is needed anyway, run it by hand with an explicit \`${settingName('rollback-version')}\`, without the guards that held it (${['published-after', 'published-before', 'release-commit', 'max-age', 'require-holder'].map((n) => `\`${settingName(n)}\``).join(', ')}).`,
    ]
  if (result.status === 'failed') return ['Fix what the error names, then run the same rollback again.']
  const steps: string[] = []
  const planned = result.targets.filter((t) => t.plan)
  // each kind's own next steps, in the registry's order, for the first of its targets
  for (const kind of KINDS) {
    const plan = planned.find((t) => kindOf(t.kind) === kind)?.plan
    if (!plan) continue
    if (planned.length === 1 && plan.otherTagsOnBad.length > 0)
      steps.push(
        `Roll back the other tags that still point at \`${plan.rollbackVersion}\`: ${plan.otherTagsOnBad.map((t) => `\`${t}\``).join(', ')}.`,
      )
    steps.push(
      ...kind.words.nextSteps({
        name: plan.packageName,
        channel: plan.channel,
        bad: plan.rollbackVersion,
        several: planned.length > 1,
      }),
    )
  }
  steps.push('Write the post-mortem: root cause, regression test, lessons.')
  return steps
}

/** "with `dry-run: false`" (action) / "without --dry-run" (CLI). */
function withoutDryRun(): string {
  return currentDialect() === 'action' ? 'with `dry-run: false`' : 'without --dry-run'
}
