// The kinds as an incident record names them: a record (or a record's row) without a kind is
// the default kind's (records written before there were kinds), so the record writes a kind
// only where it is another. Everything about a kind comes from the registry.
import type { TargetKind } from '../core/kind.js'
import type { Target } from '../core/target.js'
import { findKind, KINDS, kindOf } from '../targets/registry.js'

/** A kind's name, as Target.kind carries it. */
export type KindName = Target['kind']

const DEFAULT_KIND: TargetKind = KINDS.find((k) => k.isDefault) ?? KINDS[0]

/** The kind a record names; absent: the default kind. */
export function recordedKind(name: string | undefined): TargetKind {
  return name === undefined ? DEFAULT_KIND : kindOf(name)
}

/** The name of the kind a record names; absent: the default kind's. */
export function recordedKindName(name: KindName | undefined): KindName {
  return recordedKind(name).name as KindName
}

/** A kind as a record writes it: absent for the default kind. */
export function kindField(name: KindName): KindName | undefined {
  return kindOf(name).isDefault ? undefined : name
}

/** Whether `v` names a kind (a record read back is checked field by field). */
export function isKindName(v: unknown): v is KindName {
  return typeof v === 'string' && findKind(v) !== undefined
}
