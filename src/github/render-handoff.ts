// The hand-off's part of the tracking issue and the incident report (src/handoff.ts): the
// exact plan a maintainer's resume performs, and the one command. Pure: no I/O.
import { inert, table } from '../core/markdown.js'
import type { IncidentRecord } from './incident.js'
import { code, fenced, lastRun, targetCell } from './render-parts.js'

/** Whether the incident waits for a maintainer: handed off, and no run has finished it since. */
export const awaitsMaintainer = (r: IncidentRecord): boolean =>
  r.handoff !== undefined && lastRun(r)?.status === 'awaiting-approval'

/** The plan and the command, under a heading of `level`; empty when the record has no hand-off. */
export function renderHandoff(r: IncidentRecord, level: '##' | '###'): string[] {
  const h = r.handoff
  if (!h) return []
  const rows = h.targets.map((t) => [
    targetCell(t.kind, t.name),
    code(t.channel),
    code(t.expected, '_(no such channel)_'),
    code(t.restore),
    t.deprecationMessage === undefined ? '_(none)_' : inert(t.deprecationMessage),
  ])
  const waiting = awaitsMaintainer(r)
  return [
    [
      `${level} ${waiting ? '⏳ Waiting for a maintainer' : 'Handed off to a maintainer'}`,
      `${waiting ? 'Nothing was written to the registry.' : 'The action wrote nothing to the registry; a maintainer ran the plan below.'} Why: ${inert(h.reason)}`,
      '',
      table(['Target', 'Channel', 'Must still hold', 'Goes to', 'Deprecation of the bad version'], rows),
      '',
      `Registry: ${code(h.registry)}`,
      ...(waiting
        ? [
            '',
            'A maintainer with two-factor authentication on the registry runs, with `GITHUB_TOKEN` set (issues and contents: write):',
            '',
            fenced('sh', h.command),
            '',
            'It performs exactly this plan, asking for each write to be approved, and refuses with nothing written if the registry changed meanwhile (a fix published, a channel moved elsewhere).',
          ]
        : []),
    ].join('\n'),
  ]
}
