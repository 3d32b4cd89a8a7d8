// The only list of target kinds. A new kind adds its folder under src/targets/ and one line here;
// everything else asks this registry (kindOf) and reads the kind's words and capabilities.
import type { Kind } from './hooks.js'
import { dockerKind } from './docker/kind.js'
import { gitTagKind } from './git-tag/kind.js'
import { gitopsKind } from './gitops/kind.js'
import { helmKind } from './helm/kind.js'
import { npmKind } from './npm/kind.js'

/** Every kind, in the order the docs and the errors list them. */
export const KINDS: readonly Kind[] = [npmKind, dockerKind, helmKind, gitTagKind, gitopsKind]

/** The kinds' names: the prefixes of the targets input. */
export const KIND_NAMES: readonly string[] = KINDS.map((k) => k.name)

/** The kind named `name`, or undefined for a name no kind has. */
export function findKind(name: string): Kind | undefined {
  return KINDS.find((k) => k.name === name)
}

/** The kind named `name`; throws for a name no kind has (a bug: names come from parsed input). */
export function kindOf(name: string): Kind {
  const kind = findKind(name)
  if (!kind) throw new Error(`no target kind named ${JSON.stringify(name)} (the kinds: ${KIND_NAMES.join(', ')})`)
  return kind
}

/**
 * The kind a bare name means: npm packages are named without a prefix, and a record's row
 * (or a record written before targets existed) that names no kind is an npm package's.
 */
export const DEFAULT_KIND: Kind = npmKind

/** The kind named `name`, or the default kind when no name is given (see DEFAULT_KIND). */
export function kindOrDefault(name: string | undefined): Kind {
  return name === undefined ? DEFAULT_KIND : kindOf(name)
}

/** How a target is named among several (its kind's label); a name no kind has reads `kind:name`. */
export function labelOf(kind: string, name: string): string {
  return findKind(kind)?.label(name) ?? `${kind}:${name}`
}
