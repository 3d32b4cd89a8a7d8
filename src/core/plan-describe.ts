// The plan as lines a person reads (dry-run output, logs), in the kind's own words. Pure.
import type { PlanWords, Plan } from './plan-types.js'
import { setting } from './settings.js'

/**
 * The plan as lines a person reads (dry-run output, logs). `words` are the target kind's
 * (src/targets/registry.ts kindOf(kind).words): a Docker plan moves a tag, a Helm plan a
 * release, never a dist-tag.
 */
export function describePlan(plan: Plan, words: PlanWords): string[] {
  if (plan.undo) return describeUndo(plan, words)
  const lines = [
    `Package ${plan.packageName}: roll back ${plan.rollbackVersion} to ${plan.restoreVersion}${plan.restoreChosen ? ' (last known good, chosen automatically)' : ''} on '${plan.channel}'.`,
  ]
  const t = plan.tag
  const channel = `${words.channel} '${plan.channel}'`
  if (t.kind === 'move') lines.push(`- move ${channel}: ${t.from ?? '(none)'} -> ${t.to}`)
  if (t.kind === 'already') lines.push(`- ${channel} already points at ${t.to}: no change`)
  if (t.kind === 'keep-newer') lines.push(`- ${channel} holds the newer ${words.version} ${t.holder}: left as it is`)
  const d = plan.deprecation
  if (d.kind === 'deprecate') lines.push(`- deprecate ${plan.rollbackVersion}: "${d.message}"`)
  if (d.kind === 'already') lines.push(`- ${plan.rollbackVersion} is already deprecated with this message: no change`)
  if (d.kind === 'off') lines.push(`- deprecation is off (${setting('deprecate', 'false')})`)
  return lines
}

function describeUndo(plan: Plan, words: PlanWords): string[] {
  const wrote = plan.republish?.version ?? plan.restoreVersion
  const lines = [
    `Package ${plan.packageName}: undo the rollback of ${plan.rollbackVersion} to ${wrote} on '${plan.channel}'.`,
  ]
  const t = plan.tag
  const channel = `${words.channel} '${plan.channel}'`
  const why =
    t.kind === 'move' && t.to === plan.rollbackVersion
      ? `the bad ${words.version}, as undo asks`
      : 'what it held when the incident found it'
  if (t.kind === 'move') lines.push(`- move ${channel} back: ${wrote} -> ${t.to} (${why})`)
  if (t.kind === 'already') lines.push(`- ${channel} already points at ${t.to}: no change`)
  if (t.kind === 'keep-newer') lines.push(`- ${channel} holds ${t.holder}, not ${wrote}: left as it is`)
  // npm docs, npm-unpublish: a name@version once used can never be used again (only npm republishes)
  if (plan.republish)
    lines.push(`- ${plan.republish.version} stays published (a published ${words.version} is never reused)`)
  const d = plan.deprecation
  if (d.kind === 'undeprecate')
    lines.push(
      d.restoreTo === undefined
        ? `- remove the deprecation of ${plan.rollbackVersion} ("${d.message}")`
        : `- put back the deprecation of ${plan.rollbackVersion} the rollback replaced ("${d.restoreTo}" instead of "${d.message}")`,
    )
  if (d.kind === 'already') lines.push(`- ${plan.rollbackVersion} is not deprecated by this tool: no change`)
  if (d.kind === 'kept') lines.push(`- ${plan.rollbackVersion} carries another deprecation ("${d.current}"): kept`)
  return lines
}
