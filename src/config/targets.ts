// Which targets the request names, read through the kinds registry (src/targets/registry.ts):
// the targets input, or a kind's shorthand inputs (package, packages, image, release), and the
// settings that depend on the kinds named (the channel, the strategy). No kind is named here:
// each kind says what its shorthand inputs are and how it reads them (its config.ts).
import type { KindSettings } from '../core/kind.js'
import { InputError } from '../core/errors.js'
import type { InputReader } from '../core/reader.js'
import type { RollbackInputs, TargetSpec } from '../core/request.js'
import { setting } from '../core/settings.js'
import { findKind, KINDS, kindOf } from '../targets/registry.js'
import { parseTargets } from '../targets/spec.js'

/** The default kind (the target input's default): the registry's first. */
export const DEFAULT_KIND = KINDS[0].name

/** The kinds the target input takes: those with shorthand inputs (the others only in the targets input). */
export const TARGETS: readonly string[] = KINDS.filter((k) => (k.settings?.shorthand ?? []).length > 0).map(
  (k) => k.name,
)

const NO_SETTINGS: KindSettings = { shorthand: [] }
/** A kind's settings hooks (none: only its name parser). */
export const settingsOf = (kind: string): KindSettings => kindOf(kind).settings ?? NO_SETTINGS

/** The inputs that name the targets of one kind, in the registry's order: the shorthand for a targets list. */
export const SHORTHAND: readonly string[] = KINDS.flatMap((k) => k.settings?.shorthand ?? [])

/** The kind whose inputs apply: the one kind, or with several the first in the registry's order; none for none. */
export function mainKind(kinds: ReadonlySet<string>): string | undefined {
  return KINDS.find((k) => kinds.has(k.name))?.name
}

export function parseTarget(name: string, raw: string): string {
  const v = (raw.trim() || DEFAULT_KIND).toLowerCase()
  if (!TARGETS.includes(v))
    throw new InputError(name, `"${raw.trim().slice(0, 40)}" is not a target.`, `use one of ${TARGETS.join(', ')}.`)
  return v
}

export function parseStrategy(name: string, raw: string, target: string | undefined): 'retag' | 'republish' {
  const v = (raw.trim() || 'retag').toLowerCase()
  if (v !== 'retag' && v !== 'republish')
    throw new InputError(
      name,
      `"${raw.trim().slice(0, 40)}" is not a strategy.`,
      'use retag (move the channel back) or republish (publish the good code as the next version).',
    )
  const kind = target === undefined ? undefined : findKind(target)
  if (v === 'republish' && !kind?.capabilities.republish) {
    const can = KINDS.filter((k) => k.capabilities.republish).map((k) => `${k.words.target}s`)
    throw new InputError(
      name,
      `republish is for ${can.join(' and ')}, not ${target === undefined ? 'an undo by incident id that names no target (its record names the strategy)' : `target: ${target}`}.`,
      `use ${setting('strategy', 'retag')}.`,
    )
  }
  return v
}

/**
 * The channel input, checked by every kind of the incident that names channels its own way
 * (a dist-tag, a container tag); the main kind's reading is the one kept (it is checked last).
 * A kind with one fixed channel (a Helm release's deployed revision) has it when it is alone.
 */
export function readChannel(get: InputReader, kinds: ReadonlySet<string>, main: string | undefined): string {
  const raw = get('channel') || 'latest'
  let channel = raw.trim()
  const order = [...KINDS].reverse().filter((k) => kinds.has(k.name) && k.name !== main)
  for (const k of main === undefined ? order : [...order, kindOf(main)]) {
    const parse = k.settings?.parseChannel
    if (parse) channel = parse('channel', raw)
  }
  const fixed = main === undefined ? undefined : settingsOf(main).fixedChannel
  if (main !== undefined && !settingsOf(main).parseChannel && fixed !== undefined && kinds.size === 1) return fixed
  return channel
}

/**
 * The targets input, parsed; undefined when it is empty. Refuses it together with the
 * shorthand inputs (package, packages, image, release) or a target other than the default
 * kind: each line names its own kind.
 */
export function readTargets(get: InputReader): TargetSpec[] | undefined {
  const raw = get('targets')
  if (raw.trim() === '') return undefined
  const given = SHORTHAND.filter((name) => get(name).trim() !== '')
  if (given.length > 0) {
    throw new InputError(
      'targets',
      `is given together with ${given.join(' and ')}, which name${given.length === 1 ? 's' : ''} targets too.`,
      `list every target in targets (such as npm:@acme/core, docker:ghcr.io/acme/app, helm:acme-prod) and leave ${given.join(' and ')} empty: they are the shorthand for one kind.`,
    )
  }
  const kind = get('target').trim().toLowerCase()
  if (kind !== '' && kind !== DEFAULT_KIND) {
    throw new InputError(
      'targets',
      `is given together with target: ${kind.slice(0, 40)}.`,
      `leave target unset: each line of targets names its kind (such as docker:ghcr.io/acme/app).`,
    )
  }
  return parseTargets(raw, 'targets')
}

/**
 * Every target of the incident as one list, whether the targets input named them or the
 * shorthand did: package or packages (npm, one line each), image (docker) or release
 * (helm). `get` is needed for one case only: a Helm release whose namespace input is
 * empty is `release` (the kubeconfig context's namespace) with it, and
 * `default/release` (packageName, the incident's name) without it.
 */
export function targetsFrom(
  inputs: Pick<RollbackInputs, 'targets' | 'target' | 'packageName' | 'packageNames'>,
  get?: InputReader,
): TargetSpec[] {
  if (inputs.targets) return inputs.targets
  const kind = inputs.target ?? DEFAULT_KIND
  const names = settingsOf(kind).shorthandNames?.(inputs, get) ?? [inputs.packageName]
  return names.map((name) => ({ kind, name }))
}

/** What the targets (or the shorthand) name: the incident's name and the main kind's targets. */
export interface NamedTargets {
  packageName: string
  packageNames?: string[]
  fromWorkspaces: boolean
}

/**
 * The incident's name and its main kind's targets. `unnamed`: an undo by incident id that
 * names no target (its record names them). With the targets input, the incident goes by its
 * first target (as its kind names an incident: namespace/release).
 */
export function readNamed(
  get: InputReader,
  env: NodeJS.ProcessEnv,
  targets: TargetSpec[] | undefined,
  main: string | undefined,
  unnamed: boolean,
): NamedTargets {
  if (unnamed || main === undefined) return { packageName: '', fromWorkspaces: false }
  if (targets) {
    const first = targets[0]
    const packageName = settingsOf(first.kind).incidentName?.(first.name, get) ?? first.name
    return {
      packageName,
      packageNames: targets.filter((t) => t.kind === main).map((t) => t.name),
      fromWorkspaces: false,
    }
  }
  const read = settingsOf(main).readShorthand
  if (!read) throw new Error(`target: ${main} has no shorthand inputs (parseTarget refuses it)`)
  const named = read(get, env)
  return { ...named, fromWorkspaces: named.fromWorkspaces ?? false }
}
