// The `targets` input: every target of one incident, one a line, `kind:name`. Pure.
//
//   npm:@acme/core
//   docker:ghcr.io/acme/app
//   helm:acme-prod          # or helm:namespace/release
//   git-tag:v1
//
// Blank lines and lines starting with # are ignored. Each name is checked by its adapter's
// own parser and normalised (docker:nginx is docker.io/library/nginx), so a target listed
// twice under two spellings is refused like any other duplicate.
import { InputError } from '../core/errors.js'
import type { TargetSpec } from '../core/request.js'
import { KIND_NAMES, kindOf } from './registry.js'

/** The kinds' names (src/targets/registry.ts is their one list). */
export const TARGET_KINDS = KIND_NAMES
/** A kind's name; src/targets/registry.ts lists them. */
export type TargetSpecKind = string

/** One target of an incident: its kind and its name, normalised by its kind's parser. */
export type { TargetSpec }

/** At most this many targets in one incident. */
export const MAX_TARGETS = 100

const EXAMPLES = 'npm:@acme/core, docker:ghcr.io/acme/app, helm:acme-prod or git-tag:v1'

/** A name checked (and normalised) by its adapter's parser; throws an InputError naming `input`. */
function parseName(kind: TargetSpecKind, name: string, input: string): string {
  return kindOf(kind).parseName(input, name)
}

/**
 * Parses the targets input (`input` is its name in messages). Throws an InputError naming
 * `input` and the fix for a line without a kind, an unknown kind, a name its adapter
 * refuses, a target listed twice, more than MAX_TARGETS targets, or no target at all.
 */
export function parseTargets(raw: string, input = 'targets'): TargetSpec[] {
  const specs: TargetSpec[] = []
  const seen = new Map<string, number>()
  const lines = raw.split(/\r?\n/)
  for (const [i, text] of lines.entries()) {
    const line = text.trim()
    if (line === '' || line.startsWith('#')) continue
    const where = `line ${i + 1} (${JSON.stringify(line.slice(0, 80))})`
    const colon = line.indexOf(':')
    if (colon <= 0)
      throw new InputError(input, `${where} has no kind.`, `write each target as kind:name, such as ${EXAMPLES}.`)
    const kind = line.slice(0, colon).trim().toLowerCase()
    if (!TARGET_KINDS.includes(kind)) {
      throw new InputError(
        input,
        `${where}: ${JSON.stringify(kind.slice(0, 40))} is not a target kind.`,
        `use one of ${TARGET_KINDS.map((k) => `${k}:`).join(', ')} before the name, such as ${EXAMPLES}.`,
      )
    }
    let name: string
    try {
      name = parseName(kind as TargetSpecKind, line.slice(colon + 1), input)
    } catch (e) {
      if (!(e instanceof InputError)) throw e
      throw new InputError(
        input,
        `${where}: ${e.problem}`,
        e.fix ?? `write each target as kind:name, such as ${EXAMPLES}.`,
      )
    }
    const key = `${kind}:${name}`
    const first = seen.get(key)
    if (first !== undefined) {
      throw new InputError(input, `${where} names the same target as line ${first} (${key}).`, 'list each target once.')
    }
    seen.set(key, i + 1)
    specs.push({ kind: kind as TargetSpecKind, name })
  }
  if (specs.length === 0) {
    throw new InputError(
      input,
      'lists no target (only blank lines and comments).',
      `add one target a line, such as ${EXAMPLES}; or leave targets empty and use package, packages, image or release.`,
    )
  }
  if (specs.length > MAX_TARGETS) {
    throw new InputError(
      input,
      `lists ${specs.length} targets; the limit is ${MAX_TARGETS}.`,
      'split the incident into several runs.',
    )
  }
  return specs
}
