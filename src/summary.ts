// The job summary: what changed, before and after, and what to do next.
import { inert, table } from './markdown.js'
import type { BookkeepingResult } from './bookkeeping.js'
import type { MultiResult } from './multi.js'
import type { RollbackResult, SkippedResult } from './rollback.js'

const code = (v: string | undefined) => (v ? `\`${v}\`` : '_(none)_')
const CHANNEL_WORD = { npm: 'dist-tag', docker: 'tag', helm: 'release', 'git-tag': 'git tag' } as const

export function renderSummary(result: RollbackResult, books?: BookkeepingResult): string {
  const { plan, before, after } = result
  const title = {
    completed: '✅ Rollback completed',
    'already-done': '✅ Already rolled back: nothing to change',
    planned: '📝 Rollback planned (dry run: nothing written)',
    partial: '⚠️ Rollback partially applied'
  }[result.status]
  const rows: string[][] = []
  const tagNames = [...new Set([...Object.keys(before.distTags), ...Object.keys(after.distTags)])].sort()
  for (const tag of tagNames) {
    const b = before.distTags[tag]
    const a = after.distTags[tag]
    const changed = tag === plan.channel && result.moved
    const planned = result.status === 'planned' && tag === plan.channel && plan.tag.kind === 'move'
    rows.push([`${CHANNEL_WORD[result.targetKind]} \`${tag}\``, code(b), planned ? `${code(plan.restoreVersion)} (planned)` : code(a), changed ? '**yes**' : planned ? 'planned' : 'no'])
  }
  const bDep = before.versions[plan.rollbackVersion]?.deprecated
  const depPlanned = result.status === 'planned' && plan.deprecation.kind === 'deprecate'
  rows.push([
    `\`${plan.rollbackVersion}\` deprecation`,
    bDep ? inert(bDep) : '_(not deprecated)_',
    depPlanned && plan.deprecation.kind === 'deprecate' ? `${inert(plan.deprecation.message)} (planned)` : after.deprecated ? inert(after.deprecated) : '_(not deprecated)_',
    result.deprecated ? '**yes**' : depPlanned ? 'planned' : 'no'
  ])

  const parts = [
    `## ${title}`,
    `**\`${plan.packageName}\`**: \`${plan.rollbackVersion}\` → \`${plan.restoreVersion}\` on \`${plan.channel}\`${plan.restoreChosen ? ' (last known good, chosen automatically)' : ''}. Incident \`${plan.incidentId}\`.`,
    table(['What', 'Before', 'After', 'Changed by this run'], rows)
  ]
  if (books) {
    const links = [
      books.issueUrl ? `- Tracking issue: [#${books.issueNumber}](${books.issueUrl})${books.issueCreated ? ' (opened by this run)' : ''}` : '',
      books.reportPath ? `- Incident report: [${books.reportPath}](${books.reportUrl ?? ''})${books.reportOutcome === 'unchanged' ? ' (already up to date)' : ''}` : '',
      books.pullRequestUrl ? `- Pull request with the report: ${books.pullRequestUrl}` : ''
    ].filter(Boolean)
    if (links.length > 0) parts.push(['### Incident record', ...links].join('\n'))
  }
  if (result.warnings.length > 0) parts.push(['### Warnings', ...result.warnings.map((w) => `- ${inert(w)}`)].join('\n'))
  if (result.error) parts.push(`### What is missing\n${inert(result.error.message)}`)
  parts.push(['### Next steps', ...nextSteps(result).map((s) => `- ${s}`)].join('\n'))
  return parts.join('\n\n') + '\n'
}

export function nextSteps(result: RollbackResult): string[] {
  const { plan } = result
  const pkg = plan.packageName
  if (result.status === 'planned') return ['Nothing was written. Run again with `dry-run: false` to apply this plan.']
  if (result.status === 'partial') return ['Re-run the same rollback: it completes only what is missing and repeats nothing.']
  if (result.targetKind === 'docker') {
    return [
      `Hosts that already pulled \`${plan.rollbackVersion}\` under \`${plan.channel}\` keep it until they pull again (or restart with imagePullPolicy: Always).`,
      `Publish a fix as a new tag, then move \`${plan.channel}\` to it.`,
      'Write the post-mortem: root cause, regression test, lessons.'
    ]
  }
  if (result.targetKind === 'helm') {
    return [
      `Check the workloads: \`kubectl rollout status\` for the release's deployments, and \`helm history ${plan.packageName.split('/').pop()}\`.`,
      'Ship the fix with a normal helm upgrade once it is ready.',
      'Write the post-mortem: root cause, regression test, lessons.'
    ]
  }
  const steps = [
    `Registry caches and CDNs can serve the old \`${plan.channel}\` for a few minutes; \`npm view ${pkg} dist-tags\` converges by itself.`,
    `Installs that already resolved \`${plan.rollbackVersion}\` (lockfiles, Renovate/Dependabot updates) keep it: publish a fix as a new version, then move \`${plan.channel}\` to it with \`npm dist-tag add ${pkg}@<fixed> ${plan.channel}\`.`,
    'Yarn Berry ignores dist-tags: the deprecation is what steers its users away from the bad version.'
  ]
  if (plan.otherTagsOnBad.length > 0) steps.unshift(`Roll back the other tags that still point at \`${plan.rollbackVersion}\`: ${plan.otherTagsOnBad.map((t) => `\`${t}\``).join(', ')}.`)
  steps.push('Write the post-mortem: root cause, regression test, lessons.')
  return steps
}

export function renderSkipped(skip: SkippedResult): string {
  return [
    '## ⏭️ Rollback skipped: nothing was changed',
    `**\`${skip.packageName}\`** on \`${skip.channel}\`: ${inert(skip.reason)}`,
    '### Next steps',
    `- If a rollback is needed anyway, run it by hand with an explicit \`rollback-version\` (and no \`published-after\`).`
  ].join('\n\n') + '\n'
}

export function renderMultiSummary(multi: MultiResult, books?: BookkeepingResult): string {
  const title = {
    completed: '✅ Rollback completed',
    'already-done': '✅ Already rolled back: nothing to change',
    planned: '📝 Rollback planned (dry run: nothing written)',
    partial: '⚠️ Rollback partially applied',
    failed: '❌ Rollback failed: nothing was changed',
    skipped: '⏭️ Rollback skipped: nothing was changed'
  }[multi.status]
  const rows = multi.packages.map((p) => [
    `\`${p.name}\``,
    code(p.plan?.previousVersion),
    p.plan ? code(p.plan.restoreVersion) : '–',
    p.outcome,
    p.moved ? '**yes**' : 'no',
    p.deprecated ? '**yes**' : 'no'
  ])
  const parts = [
    `## ${title}`,
    `${multi.packages.length} packages: \`${multi.rollbackVersion}\` rolled back on \`${multi.channel}\`. Incident \`${multi.incidentId}\`.`,
    table(['Package', `\`${multi.channel}\` before`, 'Restored', 'Outcome', 'Moved now', 'Deprecated now'], rows)
  ]
  if (books?.issueUrl) parts.push(`Tracking issue: [#${books.issueNumber}](${books.issueUrl})${books.reportPath ? `; report: [${books.reportPath}](${books.reportUrl ?? ''})` : ''}`)
  if (multi.warnings.length > 0) parts.push(['### Warnings', ...multi.warnings.map((w) => `- ${inert(w)}`)].join('\n'))
  if (multi.error) parts.push(`### What happened\n${inert(multi.error.message)}`)
  return parts.join('\n\n') + '\n'
}
