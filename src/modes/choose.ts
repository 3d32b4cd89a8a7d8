// The one place that decides which mode a run is in. Both entries ask it: the action from its inputs, the
// command line from its subcommand and flags; src/modes/run.ts runs the mode it names.
// Pure: no I/O.

/** What a run does before it reads a rollback request: the freeze check and the resume read none. */
export type Command = 'freeze-check' | 'resume' | 'request'

/** Which command runs: `freeze-check` (the action's freeze-check input, the CLI's subcommand), `resume` (the CLI's). */
export function chooseCommand(asked: { freezeCheck?: boolean; resume?: boolean }): Command {
  if (asked.freezeCheck) return 'freeze-check'
  if (asked.resume) return 'resume'
  return 'request'
}

/**
 * The mode of a rollback request. `smoke-only`: the reusable workflows' smoke job, the plan and its smoke test and
 * no write. `drill`: checks only. `undo` (by incident id, or with the rollback's settings), `dry-run`, `rollback`:
 * the incident, whose run also covers the hand-off (it ends awaiting-approval) and the resume of one.
 */
export type Mode = 'smoke-only' | 'drill' | 'undo' | 'dry-run' | 'rollback'

export function chooseMode(request: { smokeOnly?: boolean; drill?: boolean; undo?: boolean; dryRun?: boolean }): Mode {
  if (request.smokeOnly) return 'smoke-only'
  if (request.drill) return 'drill'
  if (request.undo) return 'undo'
  if (request.dryRun) return 'dry-run'
  return 'rollback'
}
