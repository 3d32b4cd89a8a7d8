// The CLI's progress over several targets. On a terminal: a block with one line per target,
// redrawn in place as each target moves on, with the run's log lines printed above it. Not
// on a terminal (a pipe, a CI log): one plain line each time a target starts a write or ends, no escape
// codes. Hand-written (a few ANSI sequences: cursor up, erase line) rather than a library
// such as log-update: adding a runtime dependency is the coordinator's call.
import type { ProgressEvent } from '../incident/run.js'
import { findKind } from '../targets/registry.js'

/** Where progress goes: process.stdout / process.stderr, or a test's stand-in. */
export interface ProgressStream {
  write(text: string): unknown
  isTTY?: boolean
  columns?: number
}

export interface Progress {
  /** the runner's listener */
  update(event: ProgressEvent): void
  /** a log line, printed above the live block (or as is, not on a terminal) */
  log(text: string): void
  /** the block's final state stays on screen; later output goes below it */
  done(): void
}

const WORDS: Record<ProgressEvent['phase'], string> = {
  reading: 'reading',
  planned: 'planned',
  skipped: 'skipped',
  'not-affected': 'not affected',
  writing: 'moving the channel',
  retiring: 'deprecating the bad version',
  'putting-back': 'putting the channel back',
  done: 'done',
  failed: 'FAILED',
}

const MARK: Record<ProgressEvent['phase'], string> = {
  reading: '…',
  planned: '·',
  skipped: '-',
  'not-affected': '-',
  writing: '…',
  retiring: '…',
  'putting-back': '↩',
  done: '✔',
  failed: '✖',
}

const ESC = '\u001b['

/** The kind's own label: "@acme/core" (npm, named bare), "docker:ghcr.io/acme/app". */
function nameOf(t: { kind: string; name: string }): string {
  return findKind(t.kind)?.label(t.name) ?? `${t.kind}:${t.name}`
}

/** One line of text for a target's state; cut to the terminal's width so a redraw never wraps. */
function line(name: string, event: ProgressEvent | undefined, width: number | undefined): string {
  const text = event
    ? `${MARK[event.phase]} ${name}: ${WORDS[event.phase]}${event.detail ? ` (${event.detail.split('\n')[0]})` : ''}`
    : `  ${name}: waiting`
  return width && width > 4 && text.length > width - 1 ? `${text.slice(0, width - 2)}…` : text
}

export function createProgress(stream: ProgressStream, targets: Array<{ kind: string; name: string }>): Progress {
  const names = targets.map(nameOf)
  const state = new Map<string, ProgressEvent>()
  if (stream.isTTY !== true) {
    // plain lines: each change once; reading and planning are not repeated (the plan was printed above)
    const last = new Map<string, string>()
    return {
      update(event) {
        if (event.phase === 'reading' || event.phase === 'planned') return
        const name = nameOf(event)
        const text = line(name, event, undefined)
        if (last.get(name) === text) return
        last.set(name, text)
        stream.write(`${text}\n`)
      },
      log: (text) => void stream.write(text),
      done: () => {},
    }
  }
  let drawn = 0
  let finished = false
  const erase = () => {
    if (drawn > 0) stream.write(`${ESC}${drawn}A${ESC}0J`)
    drawn = 0
  }
  const draw = () => {
    const lines = names.map((n) => line(n, state.get(n), stream.columns))
    stream.write(lines.map((l) => `${ESC}2K${l}\n`).join(''))
    drawn = lines.length
  }
  draw()
  return {
    update(event) {
      if (finished) return
      state.set(nameOf(event), event)
      erase()
      draw()
    },
    log(text) {
      if (finished) {
        stream.write(text)
        return
      }
      erase()
      stream.write(text.endsWith('\n') ? text : `${text}\n`)
      draw()
    },
    done() {
      finished = true
    },
  }
}
