// What the command line shows of a run: its lines (on stdout, or stderr with --json), the --json result, and the
// exit code; the plan and the confirmation before the writes.
import type { BookkeepingResult } from '../github/bookkeeping.js'
import { settingName } from '../core/settings.js'
import { describePlan } from '../core/plan.js'
import type { Logger } from '../core/retry.js'
import type { DrillResult } from '../modes/drill.js'
import type { Gate } from '../modes/run.js'
import { errorOf, type IncidentRequest, type IncidentResult, type IncidentTarget } from '../incident/run.js'
import { undoLines } from '../incident/summary.js'
import { kindOf } from '../targets/registry.js'
import { EXIT, type CliIO } from './io.js'

/** The run's output: its lines, its log, and the --json result it ends with. */
export class CliOutput {
  /** what the plan already showed (its lines, its warnings) is not said again by the run */
  readonly shown = new Set<string>()
  /** the --json result */
  readonly result: Record<string, unknown> = {}
  /** the terminal (stdout; stderr with --json) */
  readonly say: (s: string) => void
  /** where log lines go: the terminal, or above the live progress while several targets run */
  emit: (s: string) => void
  readonly log: Logger

  constructor(
    readonly io: CliIO,
    readonly json: boolean,
  ) {
    this.say = json ? io.stderr : io.stdout
    this.emit = this.say
    this.log = {
      info: (m) => {
        if (!this.shown.has(m)) this.emit(`${m}\n`)
      },
      warning: (m) => {
        if (this.shown.has(m)) return
        this.shown.add(m)
        this.emit(`warning: ${m}\n`)
      },
      debug: () => {},
    }
  }

  /** Ends the run with `code`: the --json result printed, with the exit code. */
  finish(code: number, extra: Record<string, unknown> = {}): number {
    if (this.json) this.io.stdout(`${JSON.stringify({ exitCode: code, ...this.result, ...extra }, null, 2)}\n`)
    return code
  }
}

/** The drill's checks, a line each, and its verdict. */
export function presentDrill(out: CliOutput, drill: DrillResult): number {
  for (const c of drill.checks)
    out.say(
      `  ${c.outcome === 'passed' ? 'ok  ' : c.outcome === 'failed' ? 'FAIL' : 'skip'} ${c.subject}: ${c.check} (${c.ms} ms): ${c.detail}\n`,
    )
  Object.assign(out.result, {
    status: drill.status,
    checks: drill.checks.map((c) => (c.input ? { ...c, input: settingName(c.input) } : c)),
    ...(drill.reportUrl ? { reportUrl: drill.reportUrl } : {}),
    ...(drill.issueUrl ? { issueUrl: drill.issueUrl } : {}),
  })
  out.say(
    drill.status === 'drill-passed'
      ? 'Drill passed: a rollback would work now.\n'
      : `Drill failed: a rollback now would break:\n${drill.broken.map((b) => `  - ${b}`).join('\n')}\n`,
  )
  return out.finish(drill.status === 'drill-passed' ? EXIT.ok : EXIT.failed)
}

/** A preview that planned nothing: why, in one line. */
export function presentSkipped(out: CliOutput, preview: IncidentResult): number {
  const reason =
    preview.reason ??
    preview.targets
      .map((t) => t.skipped?.reason)
      .filter(Boolean)
      .join('; ')
  out.log.info(`Skipped: ${reason}`)
  Object.assign(out.result, summaryOf(preview))
  return out.finish(EXIT.ok)
}

/**
 * The look before the writes: the plan, always shown first (its lines and warnings said here, once); a dry run
 * ends there; else the confirmation (none when nothing in a registry changes, or with --yes). Its stop is the exit code.
 */
export function planGate(
  out: CliOutput,
  inputs: IncidentRequest,
  options: { yes: boolean; announce: boolean },
): Gate<number> {
  return async (preview, targets) => {
    const { say, shown, log } = out
    for (const t of preview.targets) {
      for (const line of t.plan ? describePlan(t.plan, kindOf(t.kind).words) : []) shown.add(line)
      for (const w of t.warnings) shown.add(w)
    }
    // a re-run with nothing left to change says so in one line at the end, not the plan
    const nothingToChange =
      !inputs.dryRun &&
      preview.targets.every(
        (t) =>
          t.plan !== undefined &&
          t.plan.tag.kind !== 'move' &&
          (t.plan.deprecation.kind === 'already' ||
            t.plan.deprecation.kind === 'off' ||
            t.plan.deprecation.kind === 'kept'),
      )
    if (!nothingToChange) {
      say('Plan:\n')
      for (const t of preview.targets)
        say(
          t.plan
            ? `  ${describePlan(t.plan, kindOf(t.kind).words).join('\n    ')}\n`
            : `  ${t.name}: ${t.outcome}${t.skipped ? ` (${t.skipped.reason})` : ''}\n`,
        )
    }
    for (const w of preview.warnings) {
      if (shown.has(w)) shown.delete(w)
      log.warning(w)
    }
    if (inputs.dryRun) {
      Object.assign(out.result, summaryOf(preview))
      say(`Dry run: nothing was changed.${options.announce ? ' No announcement was sent to ANNOUNCE_WEBHOOK.' : ''}\n`)
      return { stop: EXIT.ok }
    }
    if (!options.yes && !nothingToChange) {
      const stop = await confirm(out, inputs, targets)
      if (stop !== undefined) return { stop }
    }
    return { quiet: nothingToChange }
  }
}

/** Asks before the writes; the exit code when the answer is not yes. */
async function confirm(
  out: CliOutput,
  inputs: IncidentRequest,
  targets: IncidentTarget[],
): Promise<number | undefined> {
  const kinds = targets.map((t) => kindOf(t.kind))
  // npm packages are on the registry input's registry: the question names it
  const onRegistry = kinds.every((k) => k.capabilities.registryInput === true)
  const word = kinds.every((k) => k.words.several !== undefined && k.words.several === kinds[0].words.several)
    ? kinds[0].words.several
    : 'targets'
  const where =
    targets.length > 1
      ? `${targets.length} ${word}`
      : onRegistry
        ? inputs.registry
        : `${targets[0].kind} ${targets[0].name}`
  const what = inputs.undo ? 'undo (the bad version goes back on its channels)' : 'rollback'
  const answer = await out.io.ask(
    targets.length > 1 && onRegistry
      ? `Apply this ${what} to ${where} on ${inputs.registry}? [y/N] `
      : `Apply this ${what} to ${where}? [y/N] `,
  )
  if (answer === undefined) {
    // stdin closed without an answer: a script or CI job
    out.io.stderr(
      `\nNo answer to confirm with (stdin is not a terminal): nothing was changed. Add --yes to apply without asking.\n`,
    )
    Object.assign(out.result, { status: 'aborted', error: 'no confirmation: add --yes' })
    return EXIT.badInput
  }
  if (!/^y(es)?$/i.test(answer.trim())) {
    out.say('Aborted: nothing was changed.\n')
    Object.assign(out.result, { status: 'aborted' })
    return EXIT.failed
  }
  return undefined
}

/** The end of a rollback or undo: its error, and the exit code; a run that changed nothing says so in one line. */
export function presentEnd(out: CliOutput, outcome: IncidentResult, bookkeeping?: BookkeepingResult): number {
  const { say, result } = out
  if (outcome.error) out.io.stderr(`${outcome.error.message}\n`)
  if (outcome.status === 'awaiting-approval') return out.finish(EXIT.awaitingApproval)
  if (outcome.status === 'partial') return out.finish(EXIT.partial)
  if (outcome.status === 'failed') return out.finish(EXIT.failed)
  // a re-run that changed nothing: one line, and where the incident is recorded
  const where = bookkeeping?.issueUrl
    ? ` Issue: ${bookkeeping.issueUrl}`
    : typeof result.reportPath === 'string'
      ? ` Report: ${result.reportPath}`
      : ''
  if (outcome.undo) {
    if (outcome.status !== 'already-done') for (const line of undoLines(outcome)) say(`${line.replace(/\*\*/g, '')}\n`)
    say(outcome.status === 'already-done' ? `Already undone: nothing needed changing.${where}\n` : 'Undone.\n')
  } else say(outcome.status === 'already-done' ? `Already rolled back: nothing needed changing.${where}\n` : 'Done.\n')
  return out.finish(EXIT.ok)
}

/** The --json result: the incident, a row per target, and for one target its plan's details. */
export function summaryOf(o: IncidentResult, b?: BookkeepingResult): Record<string, unknown> {
  const only = o.targets.length === 1 ? o.targets[0] : undefined
  const plan = only?.plan
  // a row per target; the packages list (several npm packages) is the same rows without kind and channel
  const rows = o.targets.map((t) => ({
    kind: t.kind,
    name: t.name,
    channel: t.channel,
    outcome: t.outcome,
    previous: t.plan?.previousVersion ?? null,
    restored: t.plan?.republish?.version ?? t.plan?.restoreVersion ?? null,
    moved: t.moved,
    deprecated: t.deprecated,
    error: errorOf(t) ?? null,
  }))
  return {
    status: o.status,
    ...(o.undo ? { undo: true } : {}),
    // strategy republish staged the fix-forward version: what a maintainer approves
    ...(o.staged
      ? { stagedVersion: o.staged.version, stageId: o.staged.stageId, approveCommand: o.staged.command }
      : {}),
    incidentId: o.incidentId || null,
    ...(only ? { package: only.name, channel: only.channel } : {}),
    ...(o.reason ? { reason: o.reason } : {}),
    ...(plan
      ? {
          rollbackVersion: plan.rollbackVersion,
          restoreVersion: plan.restoreVersion,
          previousVersion: plan.previousVersion ?? null,
          moved: only?.moved,
          deprecated: only?.deprecated,
        }
      : {}),
    // several packages of the registry input (npm's): listed as before the targets input
    ...(o.targets.length > 1 && o.targets.every((t) => kindOf(t.kind).capabilities.registryInput === true)
      ? {
          packages: rows.map(({ kind: _kind, channel: _channel, ...row }) => row),
        }
      : {}),
    targets: rows,
    warnings: o.warnings,
    issueUrl: b?.issueUrl ?? null,
    reportUrl: b?.reportUrl ?? null,
    pullRequestUrl: b?.pullRequestUrl ?? null,
    ...(o.impact ? { impact: o.impact } : {}),
    ...(o.error ? { error: o.error.message } : {}),
  }
}
