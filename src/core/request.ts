// The request: what one run was asked to do, parsed and checked (src/config/ reads it, once).
// Kinds are named by their string name: src/targets/registry.ts is the one list of kinds, so
// nothing here lists them. Pure: types and nothing else.

/** One target of an incident: its kind and its name, normalised by its kind's parser. */
export interface TargetSpec {
  /** the kind's name (src/targets/registry.ts), the prefix of a line of the targets input */
  kind: string
  /**
   * npm: the package name; docker: the image without a tag, normalised
   * (`registry/repository`); helm: `release` or `namespace/release`; git-tag: the tag name.
   */
  name: string
}

/**
 * undo: true with incident-id: the incident's record names the targets, channel and
 * versions. `given` holds the inputs given beside the id, to be checked against the record.
 */
export interface UndoById {
  incidentId: string
  given: {
    rollbackVersion?: string
    restoreVersion?: string
    channel?: string
    strategy?: string
    targets?: { input: string; targets: TargetSpec[] }
  }
}

/** The request's fields that every kind shares: no kind's own settings, no credential. */
export interface SharedRequest {
  /** the kind whose inputs apply (the one kind, or the first of several in the registry's order) */
  target?: string
  /**
   * The targets input, parsed: every target of the incident, `kind:name` a line. undefined
   * when it was not given (then package, packages, image or release name them: see
   * targetsFrom(), which gives the same list in both cases).
   */
  targets?: TargetSpec[]
  /** the main kind's targets (npm: every package of the incident; packageName is the first) */
  packageNames?: string[]
  /** packages: workspaces - packages that lack the bad version are left out rather than refused */
  fromWorkspaces?: boolean
  /** keep the packages that succeeded when another fails (no compensation) */
  partialOk?: boolean
  /** retag (move the channel back) or republish (publish the good code as the next version) */
  strategy?: 'retag' | 'republish'
  /** republish-stage: the fix-forward version is staged (npm stage publish) for a maintainer's approval */
  republishStage?: boolean
  /** an exact version, or 'current': whatever the channel holds now (needs publishedAfter) */
  rollbackVersion: string
  /** ISO-8601: roll back only a version published after this time (the circuit breaker) */
  publishedAfter?: string
  /** ISO-8601: ... and published at or before this time (the failed release run's end) */
  publishedBefore?: string
  /** 40-hex, lower case: ... and built from this commit, when the version records its commit */
  releaseCommit?: string
  /** max-age: roll back only a version published at most this many milliseconds ago */
  maxAgeMs?: number
  /** require-holder: the channel must still hold the exact rollback-version, else skipped */
  requireHolder?: boolean
  /** undefined: choose the last known good version */
  restoreVersion?: string
  channel: string
  reason: string
  /** the incident's name: its first target's, as the incident names it (helm: namespace/release) */
  packageName: string
  deprecate: boolean
  deprecationMessage: string
  dryRun: boolean
  /** drill: true: check that a rollback would work now, change nothing anyone installs */
  drill?: boolean
  force: boolean
  /** undo a rollback made by mistake: the same inputs, every channel pointed back at the bad version */
  undo?: boolean
  /** handoff: true: read, plan and smoke-test, write nothing; a maintainer resumes it */
  handoff?: boolean
  /** undo by incident id (src/github/undo-record.ts undoInputs fills the rest in from the record) */
  undoById?: UndoById
}

/**
 * The npm kind's part of the request (src/targets/npm/config.ts reads it): the registry and
 * the credential. Only the npm targets (and the npm smoke test) need it.
 */
export interface NpmRequest {
  registry: string
  npmToken?: string
  /**
   * No npm-token, and the job may ask for an OIDC ID token (permissions: id-token: write):
   * the npm targets exchange it at the registry for a short-lived token per package
   * (trusted publishing, src/targets/npm/oidc.ts). Never in a dry run (it writes nothing).
   */
  npmOidc?: boolean
}

/**
 * Everything the action was asked to do, in the flat form the modules still take: the shared
 * fields and the npm kind's part together. New code takes SharedRequest and the kind's part.
 */
export interface RollbackInputs extends SharedRequest, NpmRequest {}
