// The only list of target kinds. A new kind adds its folder under src/targets/ and one line here;
// everything else asks this registry (kindOf) and reads the kind's words and capabilities.
import type { TargetKind } from '../core/kind.js'
import { dockerKind } from './docker/kind.js'
import { gitTagKind } from './git-tag/kind.js'
import { gitopsKind } from './gitops/kind.js'
import { helmKind } from './helm/kind.js'
import { npmKind } from './npm/kind.js'

/** Every kind, in the order the docs and the errors list them. */
export const KINDS: readonly TargetKind[] = [npmKind, dockerKind, helmKind, gitTagKind, gitopsKind]

/** The kinds' names: the prefixes of the targets input. */
export const KIND_NAMES: readonly string[] = KINDS.map((k) => k.name)

/** The kind named `name`, or undefined for a name no kind has. */
export function findKind(name: string): TargetKind | undefined {
  return KINDS.find((k) => k.name === name)
}

/** The kind named `name`; throws for a name no kind has (a bug: names come from parsed input). */
export function kindOf(name: string): TargetKind {
  const kind = findKind(name)
  if (!kind) throw new Error(`no target kind named ${JSON.stringify(name)} (the kinds: ${KIND_NAMES.join(', ')})`)
  return kind
}
