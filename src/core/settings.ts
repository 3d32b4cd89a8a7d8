// How a message names a setting, for the entry that runs: the action says its inputs
// (`force: true`, `npm-token: ${{ secrets.NPM_TOKEN }}`), the CLI its flags and environment
// variables (`--force`, `NPM_TOKEN`). Every message that names a setting refers to it by
// its action.yml input key through the functions below; the table is the one place that
// maps an input to its flag or variable.
//
// Why the entry picks a dialect up front instead of each entry re-rendering messages at
// its edge: messages travel far from where they are made - into the tracking issue, the
// incident report, webhooks, the --json result, the action's outputs - and each of those
// would be an edge where an unrendered reference could leak. So the entry (src/main.ts,
// src/cli.ts) calls useDialect once before anything else, and every message is made final.
// Pure: no I/O.

export type Dialect = 'action' | 'cli'

let dialect: Dialect = 'action'

/** Chosen by the entry before it reads any input; returns the previous one (tests restore it). */
export function useDialect(d: Dialect): Dialect {
  const previous = dialect
  dialect = d
  return previous
}

export function currentDialect(): Dialect {
  return dialect
}

interface CliForm {
  /** the flag that sets it (`--rollback`) */
  flag?: string
  /** the environment variable that sets it (tokens, webhooks: never a flag) */
  env?: string
  /** a boolean flag: the input's value the flag stands for ('true' for --force, 'false' for --no-deprecate) */
  on?: 'true' | 'false'
  /** how the CLI says to provide it when no value is named (a secret: where it comes from) */
  provide?: string
}

/** Action inputs whose CLI form is not `--<input> <value>`. The one table from input to flag or variable. */
const CLI: Record<string, CliForm> = {
  'rollback-version': { flag: '--rollback' },
  'restore-version': { flag: '--restore' },
  'npm-token': {
    env: 'NPM_TOKEN',
    provide: "set NPM_TOKEN in the environment (or the registry's _authToken in .npmrc)",
  },
  'github-token': { env: 'GITHUB_TOKEN', provide: 'set GITHUB_TOKEN in the environment' },
  'registry-username': { env: 'REGISTRY_USERNAME', provide: 'set REGISTRY_USERNAME in the environment' },
  'registry-password': { env: 'REGISTRY_PASSWORD', provide: 'set REGISTRY_PASSWORD in the environment' },
  'announce-webhook': { env: 'ANNOUNCE_WEBHOOK', provide: 'set ANNOUNCE_WEBHOOK in the environment' },
  kubeconfig: { env: 'KUBECONFIG', provide: 'set KUBECONFIG in the environment (or write ~/.kube/config)' },
  force: { flag: '--force', on: 'true' },
  'dry-run': { flag: '--dry-run', on: 'true' },
  drill: { flag: '--drill', on: 'true' },
  undo: { flag: '--undo', on: 'true' },
  'require-holder': { flag: '--require-holder', on: 'true' },
  'republish-stage': { flag: '--republish-stage', on: 'true' },
  deprecate: { flag: '--no-deprecate', on: 'false' },
  'partial-ok': { flag: '--all-or-nothing', on: 'false' },
  'create-issue': { flag: '--no-issue', on: 'false' },
  'commit-report': { flag: '--no-report', on: 'false' },
  'freeze-check': { flag: '--repo' },
  repository: { flag: '--repo' },
  repo: { flag: '--repo' },
  // the CLI names images, releases and their kind in --targets
  target: { flag: '--targets' },
  image: { flag: '--targets docker:<image>' },
  release: { flag: '--targets helm:<release>' },
  namespace: { flag: '--targets helm:<namespace>/<release>' },
}

/** How the action shows a secret input when it says to pass one. */
const ACTION_EXAMPLE: Record<string, string> = {
  'npm-token': '${{ secrets.NPM_TOKEN }}',
  'registry-password': '${{ secrets.REGISTRY_PASSWORD }}',
  'announce-webhook': '${{ secrets.ANNOUNCE_WEBHOOK }}',
}

/** The setting's name: `npm-token` (action), `NPM_TOKEN` / `--rollback` (CLI). */
export function settingName(input: string, d: Dialect = dialect): string {
  if (d === 'action') return input
  const form = CLI[input]
  return form?.flag ?? form?.env ?? `--${input}`
}

/** The setting with a value: `force: true`, `strategy: retag` (action); `--force`, `no --dry-run`, `--strategy retag` (CLI). */
export function setting(input: string, value: string, d: Dialect = dialect): string {
  if (d === 'action') return `${input}: ${value}`
  const form = CLI[input]
  if (form?.on) return value === form.on ? (form.flag as string) : `no ${form.flag}`
  if (form?.env) return `${form.env}=${value}`
  return `${form?.flag ?? `--${input}`} ${value}`
}

/**
 * The instruction to give it: `set force: true`, `pass npm-token: ${{ secrets.NPM_TOKEN }}`
 * (action); `pass --force`, `leave out --dry-run`, `set NPM_TOKEN in the environment …` (CLI).
 * Without a value: how to provide the setting at all.
 */
export function setTo(input: string, value?: string, d: Dialect = dialect): string {
  if (d === 'action') {
    if (value !== undefined) return `set ${input}: ${value}`
    return `pass ${ACTION_EXAMPLE[input] ? `${input}: ${ACTION_EXAMPLE[input]}` : input}`
  }
  const form = CLI[input]
  if (form?.on) return value === undefined || value === form.on ? `pass ${form.flag}` : `leave out ${form.flag}`
  if (form?.env) return value === undefined ? (form.provide ?? `set ${form.env}`) : `set ${form.env}=${value}`
  return `pass ${settingName(input, d)}${value === undefined ? '' : ` ${value}`}`
}

/** "the registry input" (action) / "--registry" (CLI), for prose that refers to the setting itself. */
export function theSetting(input: string, d: Dialect = dialect): string {
  return d === 'action' ? `the ${input} input` : settingName(input, d)
}

/** Every input the table renames, for tests that check each one reaches a real flag or variable. */
export function cliForms(): Record<string, { flag?: string; env?: string }> {
  return Object.fromEntries(Object.entries(CLI).map(([k, v]) => [k, { flag: v.flag, env: v.env }]))
}

/** How an error about the setting begins: `Input 'npm-token':` (action), `NPM_TOKEN:` (CLI). */
export function inputLabel(input: string, d: Dialect = dialect): string {
  return d === 'action' ? `Input '${input}':` : `${settingName(input, d)}:`
}
