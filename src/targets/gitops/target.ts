// The gitops adapter: one key of one YAML file in a GitOps repository (the image tag of a Helm
// values file, an Argo CD Application's targetRevision), seen through the Target model. The key is
// the channel; the values it held in the file's history are the versions; the write is a commit
// through the Contents API with the file's blob sha, which GitHub checks (a real compare-and-set:
// a file changed since the read is refused with 409, and the guard reads again). Where the branch
// is protected, or gitops-pr is set, the change goes to a branch and a pull request instead, and the
// run stays partial until someone merges it (pending()).
import semver from 'semver'
import { InputError, RegistryError, RollbackError } from '../../core/errors.js'
import { guardedWrite, type WriteOutcome } from '../../core/guard.js'
import type { PackageState, VersionInfo } from '../../core/plan.js'
import { DEFAULT_RETRY, type Logger, type RetryPolicy } from '../../core/retry.js'
import type { IncidentContext, Target } from '../../core/target.js'
import type { GitHubClient } from '../../github/client.js'
import { ghMessage, ghStatus } from '../../github/refs.js'
import { GitHubHttpError } from '../../github/send-once.js'
import type { GitOpsName, GitOpsSettings } from './config.js'
import { GitOpsRepo, type FileAt } from './repo.js'
import { readScalar, replaceScalar, YamlEditError } from './yaml-edit.js'

/** How many of the file's commits are read for its history (each one a request). */
export const HISTORY_LIMIT = 30

// GitHub answers a write to a protected branch with 409 ("Changes must be made through a pull
// request"), 422 or 403 ("Repository rule violations found"): REST docs, "Create or update file
// contents", and "About protected branches"/"About rulesets". src/github/report.ts reads them alike.
const PROTECTED = /through a pull request|protected branch|repository rule/i

export interface GitOpsTargetOptions {
  gh: GitHubClient
  name: GitOpsName
  settings: GitOpsSettings
  log: Logger
  retry?: RetryPolicy
}

/** One read of the file: its text and blob sha, and the key's value there. */
interface Seen {
  file: FileAt
  value: string
}

/** `v1.2.3` is the version 1.2.3 with the prefix v (as action inputs take versions: a leading v is dropped). */
const split = (value: string): { prefix: string; version: string } =>
  /^v\d/.test(value) ? { prefix: 'v', version: value.slice(1) } : { prefix: '', version: value }

export class GitOpsTarget implements Target {
  // the kinds' names are strings (src/targets/registry.ts lists them)
  readonly kind = 'gitops' as Target['kind']
  readonly label: string
  private readonly repo: GitOpsRepo
  private branchName?: string
  private prefix = ''
  private readonly pulls: string[] = []

  constructor(private readonly options: GitOpsTargetOptions) {
    this.repo = new GitOpsRepo(options.gh, options.settings.repo)
    this.label = `GitOps value ${options.name.key} of ${options.name.path} in ${this.repo.fullName}`
  }

  private get where(): string {
    return `${this.options.name.path} in ${this.repo.fullName}${this.branchName ? ` (${this.branchName})` : ''}`
  }

  private async branch(): Promise<string> {
    this.branchName ??= this.options.settings.branch ?? (await this.repo.defaultBranch())
    return this.branchName
  }

  /** The file and the key's value on the branch, read now. */
  private async readNow(): Promise<Seen> {
    const branch = await this.branch()
    const file = await this.repo.read(this.options.name.path, branch).catch((e) => {
      throw this.explainRead(e)
    })
    if (!file) {
      throw new InputError(
        'targets',
        `names ${this.options.name.path}, which ${this.repo.fullName} does not have on ${branch}.`,
        'check the path (relative to the repository root), gitops-repo and gitops-branch.',
      )
    }
    return { file, value: this.valueIn(file.text, `${this.options.name.path} on ${branch}`) }
  }

  private valueIn(text: string, what: string): string {
    try {
      return readScalar(text, this.options.name.keyPath, what)
    } catch (e) {
      if (e instanceof YamlEditError) {
        throw new InputError(
          'targets',
          `names the key ${this.options.name.key}: ${e.message}`,
          'name a key that holds one value, such as image.tag.',
        )
      }
      throw e
    }
  }

  private explainRead(e: unknown): Error {
    const status = ghStatus(e)
    if (status === 401 || status === 403) {
      return new InputError(
        'github-token',
        `cannot read ${this.where} (HTTP ${status}: ${ghMessage(e)}).`,
        'give a token that may read and write the GitOps repository (contents: write; pull-requests: write for a protected branch).',
      )
    }
    return e instanceof Error ? e : new Error(String(e))
  }

  async checkAccess(): Promise<void> {
    await this.readNow()
  }

  async inspect(): Promise<PackageState> {
    const { value } = await this.readNow()
    const current = split(value)
    this.prefix = current.prefix
    const branch = await this.branch()
    const commits = await this.repo.history(this.options.name.path, branch, HISTORY_LIMIT)
    // newest first: the value after each commit (a commit whose file does not parse, or lacks the key, is left out)
    const values: Array<{ value: string; date: string; commit: string }> = []
    for (let i = 0; i < commits.length; i += 5) {
      const batch = await Promise.all(
        commits.slice(i, i + 5).map(async (c) => {
          const file = await this.repo.read(this.options.name.path, c.sha)
          if (!file) return undefined
          try {
            return {
              value: split(readScalar(file.text, this.options.name.keyPath)).version,
              date: c.date,
              commit: c.sha,
            }
          } catch {
            return undefined
          }
        }),
      )
      for (const v of batch) if (v) values.push(v)
    }
    return {
      name: `${this.options.name.path}#${this.options.name.key}`,
      distTags: { [this.options.name.key]: current.version },
      versions: versionsOf(current.version, values),
    }
  }

  async pointChannel(
    channel: string,
    version: string,
    expected: string | undefined,
    incident?: IncidentContext,
  ): Promise<WriteOutcome> {
    const key = this.options.name.key
    if (channel !== key) {
      throw new InputError(
        'channel',
        `'${channel}' is not the key this target manages ('${key}').`,
        `roll back '${key}', or add a gitops target for '${channel}'.`,
      )
    }
    const wanted = `${this.prefix}${version}`
    const message = `Roll back ${key} in ${this.options.name.path} to ${wanted}${incident ? ` (release-rollback ${incident.id}, ${incident.bad} is bad)` : ''}`
    if (!this.options.settings.pr) {
      try {
        return await this.commitGuarded(await this.branch(), version, expected, message)
      } catch (e) {
        if (!(e instanceof ProtectedBranch)) throw e
        this.options.log.info(
          `${await this.branch()} of ${this.repo.fullName} is protected: proposing the change in a pull request.`,
        )
      }
    }
    return this.proposeGuarded(version, expected, message, incident)
  }

  /** The guarded commit on `branch`: fresh read, compare, commit with the blob sha, read back. */
  private async commitGuarded(
    branch: string,
    version: string,
    expected: string | undefined,
    message: string,
    read = () => this.readOn(branch),
  ): Promise<WriteOutcome> {
    const { outcome } = await guardedWrite<Seen>({
      what: `setting ${this.options.name.key} in ${this.options.name.path} (${this.repo.fullName}, ${branch}) to ${version}`,
      channel: this.options.name.key,
      wanted: version,
      expected,
      read,
      holderOf: (s) => split(s.value).version,
      isDone: (s) => split(s.value).version === version,
      isExpected: (s) => expected !== undefined && split(s.value).version === expected,
      write: async (s) => {
        const text = replaceScalar(
          s.file.text,
          this.options.name.keyPath,
          `${this.prefix}${version}`,
          this.options.name.path,
        )
        await this.repo.write(this.options.name.path, branch, text, s.file.sha, message).catch((e) => {
          if (
            e instanceof GitHubHttpError &&
            [403, 409, 422].includes(e.statusCode ?? 0) &&
            PROTECTED.test(e.ghMessage)
          ) {
            throw new ProtectedBranch(e.ghMessage)
          }
          throw e
        })
      },
      policy: this.options.retry ?? DEFAULT_RETRY,
      log: this.options.log,
      explain: (e) =>
        e instanceof RollbackError || e instanceof ProtectedBranch
          ? e
          : new RegistryError(
              `${this.where}: the commit failed (${e instanceof Error ? e.message : String(e)}).`,
              're-run; the next run reads the file again.',
            ),
      // 409: the file changed since the read (its blob sha is stale): read again, and write only if the key still holds what the plan expected
      alsoRetry: (e) => e instanceof GitHubHttpError && e.statusCode === 409 && !PROTECTED.test(e.ghMessage),
    })
    return outcome
  }

  private async readOn(branch: string): Promise<Seen> {
    const file = await this.repo.read(this.options.name.path, branch)
    if (!file)
      throw new RegistryError(
        `${this.options.name.path} is gone from ${branch} of ${this.repo.fullName}.`,
        'look at the repository; nothing was written.',
      )
    return { file, value: this.valueIn(file.text, `${this.options.name.path} on ${branch}`) }
  }

  /**
   * The change as a pull request: the base branch must still hold what the plan expected (read now);
   * a branch of this incident gets the guarded commit; one pull request, found again on a re-run.
   */
  private async proposeGuarded(
    version: string,
    expected: string | undefined,
    message: string,
    incident?: IncidentContext,
  ): Promise<WriteOutcome> {
    const base = await this.branch()
    const now = await this.readNow()
    if (split(now.value).version === version) return 'already'
    if (expected === undefined || split(now.value).version !== expected) {
      // the guard's own refusal, with its words
      await this.commitGuarded(base, version, expected, message, async () => now)
    }
    const head = `release-rollback/${incident?.id ?? 'rollback'}-${this.options.name.key.replace(/[^A-Za-z0-9_-]/g, '-')}`
    if ((await this.repo.head(head)) === undefined) {
      const at = await this.repo.head(base)
      if (!at) throw new RegistryError(`${base} of ${this.repo.fullName} has no head commit.`, 'check gitops-branch.')
      await this.repo.branch(head, at)
    }
    // on the incident's branch the key holds the bad version (just branched) or already the restore one (a re-run)
    await this.commitGuarded(head, version, expected, message)
    const url =
      (await this.repo.openPull(head, base)) ??
      (await this.repo.pull(
        head,
        base,
        message,
        `${message}.\n\nOpened by release-rollback: ${base} is protected${this.options.settings.pr ? ' or gitops-pr is set' : ''}. The rollback takes effect when this is merged and the GitOps controller syncs.`,
      ))
    this.pulls.push(
      `${this.options.name.key} in ${this.options.name.path} is ${version} only once ${url} is merged (${base} of ${this.repo.fullName} takes changes by pull request).`,
    )
    return 'written'
  }

  /** Writes that wait for a person: the pull requests to merge. The run is partial until then. */
  pending(): string[] {
    return [...this.pulls]
  }

  writeNote(): string | undefined {
    return this.pulls.length > 0 ? 'pull request opened: the change is live once it is merged' : undefined
  }
}

class ProtectedBranch extends Error {}

/**
 * The versions for the planner: every value the key held (first set at the commit's date), so
 * restore-version may name any of them. The planner's last known good is the highest value set
 * before the bad one; to make that the value the key held right before the current one, a value
 * held earlier but higher than it (a version rolled back before) is left out.
 */
export function versionsOf(
  current: string,
  newestFirst: Array<{ value: string; date: string; commit: string }>,
): Record<string, VersionInfo> {
  const firstSet = new Map<string, { date: string; commit: string }>()
  for (const v of [...newestFirst].reverse())
    if (!firstSet.has(v.value)) firstSet.set(v.value, { date: v.date, commit: v.commit })
  // the value before the current one's run
  const idx = newestFirst.findIndex((v) => v.value !== current)
  const before = idx >= 0 ? newestFirst[idx].value : undefined
  const out: Record<string, VersionInfo> = {}
  for (const [value, at] of firstSet) {
    const higherThanBefore =
      before !== undefined &&
      semver.valid(value) &&
      semver.valid(before) &&
      semver.gt(value, before) &&
      value !== current
    if (higherThanBefore) continue
    out[value] = { publishedAt: at.date }
  }
  if (!(current in out)) out[current] = {}
  return out
}
