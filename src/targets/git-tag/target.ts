// A moving git tag on GitHub (`v1`, `stable`, `production`): how GitHub Action authors
// publish a release line, and how they roll one back. The channel is the moving tag; the
// versions are the tags `<tag-prefix>X.Y.Z` (an exact semantic version after the prefix,
// prefix `v` by default). The moving tag "holds" the version whose tag points at the same
// commit (annotated tags are peeled to their commit), or the commit itself when no version
// tag has it: the planner then refuses it like any other unexpected holder.
//
// Moving the tag is a ref update (PATCH /git/refs/tags/<tag>, force), guarded
// (src/guard.ts): right before it, and before every retry, the tag is read fresh and must
// still point at the commit the plan saw; a read-back decides. GitHub has no compare-and-set
// for refs, so this narrows the window to one round trip.
//
// Annotation: the moving tag is pointed at the restore version's *commit*. A moving tag that
// was annotated (a tag object: `git tag -fa v1`) becomes a lightweight tag. This is on
// purpose: keeping the annotation would need a second write (POST /git/tags: a new tag
// object), whose tagger would be the workflow's bot and whose date would be now (it would
// claim someone annotated it), a signature could not be kept, and an interrupted run could
// leave a dangling object; while everything that consumes a moving tag (`uses:
// owner/repo@v1`, `git checkout v1`) resolves it to the commit anyway. Pointing it at the
// version's own tag object instead would make git warn on every fetch ("tag 'v1' is really
// 'v1.2.2' here"). So one write, and the change is reported (anomalies(): the old tag
// object, to re-annotate by hand if wanted).
//
// The class keeps the adapter's methods; the git objects (refs.ts), the messages (explain.ts)
// and the one write request (send.ts) are in their own files.
import semver from 'semver'
import { InputError, RegistryError } from '../../core/errors.js'
import { ChannelMovedError, guardedWrite } from '../../core/guard.js'
import type { GitHubClient } from '../../github/client.js'
import { ghStatus, repoRef, type RepoRef } from '../../github/refs.js'
import type { PackageState, VersionInfo } from '../../core/plan.js'
import { DEFAULT_RETRY, type Logger, type RetryPolicy } from '../../core/retry.js'
import { firstLine } from '../../core/util.js'
import type { Target, WriteOutcome } from '../../core/target.js'
import { currentDialect, settingName } from '../../core/settings.js'
import { explainRead, explainWrite } from './explain.js'
import {
  GitHubHttpError,
  isValidTagName,
  type Moving,
  type Peeled,
  type RefObject,
  type Seen,
  SHA,
  short,
  type TagObject,
} from './refs.js'
import { commitDate, getTagRef, listVersionRefs, peel, type TagReader, versionOfTag } from './reads.js'
import { sendOnce } from '../../github/send-once.js'

export { GitHubHttpError, isValidTagName } from './refs.js'

export interface GitTagTargetOptions {
  gh: GitHubClient
  /** owner/name */
  repository: string
  /** the moving tag, which is also the channel: v1, stable, production */
  tag: string
  /** the part of a version tag before the semver: `v` (the default) for `v1.2.3`; '' for `1.2.3` */
  tagPrefix?: string
  /**
   * Versions to prefer when several version tags share the moving tag's commit, in order:
   * pass [restore-version, rollback-version] (the ones given). They are always peeled, and
   * get `publishedAt`; with them the guard is commit-exact (the moving tag "holds" the
   * restore version when it has its commit, so a re-run is a no-op).
   */
  preferVersions?: string[]
  log: Logger
  retry?: RetryPolicy
  /** at most this many annotated version tags are peeled to name the moving tag's holder (default 200) */
  maxPeels?: number
  /** per write request, ms (default 30 s) */
  timeoutMs?: number
}

export class GitTagTarget implements Target {
  readonly kind = 'git-tag' as const
  readonly label: string
  readonly tag: string
  readonly prefix: string
  private readonly repo: RepoRef
  private readonly repository: string
  private readonly retry: RetryPolicy
  private readonly gh: GitHubClient
  private seen?: Seen
  private before?: { commit?: string }
  private readonly tagObjects = new Map<string, Promise<TagObject>>()
  private readonly commitDates = new Map<string, Promise<string | undefined>>()
  private readonly notes: string[] = []

  constructor(private readonly options: GitTagTargetOptions) {
    this.gh = options.gh
    this.repository = options.repository.trim()
    if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(this.repository)) {
      throw new InputError(
        'repository',
        `${JSON.stringify(options.repository.slice(0, 120))} is not owner/name.`,
        'give the repository that holds the tags as owner/name, such as acme/setup-widget.',
      )
    }
    this.repo = repoRef(this.repository)
    this.prefix = options.tagPrefix ?? 'v'
    if (
      this.prefix !== '' &&
      (!/^[A-Za-z0-9_][A-Za-z0-9._/-]{0,31}$/.test(this.prefix) || !isValidTagName(`${this.prefix}0.0.0`))
    ) {
      throw new InputError(
        'tag-prefix',
        `${JSON.stringify(this.prefix.slice(0, 40))} cannot start a git tag.`,
        "use letters, digits, '.', '_', '-' or '/', such as v (the default) or release/.",
      )
    }
    this.tag = options.tag.trim()
    if (!isValidTagName(this.tag)) {
      throw new InputError(
        'channel',
        `${JSON.stringify(options.tag.slice(0, 80))} is not a valid git tag name.`,
        'name the moving tag to roll back, such as v1, stable or production.',
      )
    }
    if (this.versionOfTag(this.tag) !== undefined) {
      throw new InputError(
        'channel',
        `'${this.tag}' is a version tag (${settingName('tag-prefix')} '${this.prefix}' + a semantic version), not a moving tag: version tags are never moved.`,
        'name the moving tag that follows the releases, such as v1 or stable.',
      )
    }
    this.retry = options.retry ?? DEFAULT_RETRY
    this.label = `git tag '${this.tag}' of ${this.repository} on GitHub`
  }

  /** `1.2.3` -> `v1.2.3` */
  tagFor(version: string): string {
    return `${this.prefix}${version}`
  }

  /** `v1.2.3` -> `1.2.3`; undefined for a tag that is not prefix + an exact semantic version. */
  private versionOfTag(name: string): string | undefined {
    return versionOfTag(this.prefix, name)
  }

  /** The commit the moving tag pointed at when this target first inspected it (before any write of this run). */
  commitBefore(): string | undefined {
    return this.before?.commit
  }

  /** The commit a version's tag pointed at in the last inspect() (or its pointChannel), when known. */
  commitOf(version: string): string | undefined {
    return this.seen?.commits.get(version)
  }

  anomalies(): string[] {
    return [...this.notes]
  }

  // --- access -------------------------------------------------------------------------

  async checkAccess(): Promise<void> {
    let permissions: { push?: boolean } | undefined
    try {
      const { data } = await this.gh.rest.repos.get({ ...this.repo })
      permissions = data.permissions
    } catch (e) {
      const status = ghStatus(e)
      if (status === 401)
        throw new InputError(
          'github-token',
          'was rejected by GitHub (401 Bad credentials).',
          currentDialect() === 'action'
            ? `pass a valid token that may write ${this.repository}'s tags (the workflow token with permissions: contents: write).`
            : `set GITHUB_TOKEN to a valid token that may write ${this.repository}'s tags (contents: write).`,
        )
      if (status === 403 || status === 404) {
        throw new InputError(
          'github-token',
          `cannot read the repository ${this.repository} (${status}${status === 404 ? ': it does not exist, or the token cannot see it' : ''}).`,
          `check the repository name, and give the job permissions: contents: write (the workflow token), or use a token with Contents read and write on ${this.repository}.`,
        )
      }
      throw explainRead(this.repository, e, `reading the repository ${this.repository}`)
    }
    // the workflow token's answer has no `permissions`: then the write itself tells
    if (permissions && permissions.push === false) {
      throw new InputError(
        'github-token',
        `can read ${this.repository} but may not push to it (permissions.push is false), so it cannot move the tag '${this.tag}'.`,
        `use a token with Contents read and write on ${this.repository} (for the workflow token: permissions: contents: write).`,
      )
    }
  }

  // --- reads --------------------------------------------------------------------------

  /** What the reads (reads.ts) need of this target. */
  private reader(): TagReader {
    return {
      gh: this.gh,
      repo: this.repo,
      repository: this.repository,
      prefix: this.prefix,
      tagObjects: this.tagObjects,
      commitDates: this.commitDates,
    }
  }

  /** The version tags: version -> the ref's object. */
  private listVersionRefs(): Promise<Map<string, RefObject>> {
    return listVersionRefs(this.reader())
  }

  /** A tag's ref object (one GET), undefined when there is no such tag. */
  private getTagRef(name: string): Promise<RefObject | undefined> {
    return getTagRef(this.reader(), name)
  }

  /** Follows tag objects to the commit: one GET per tag object not seen before (usually 0 or 1). */
  private peel(ref: RefObject, name: string): Promise<Peeled> {
    return peel(this.reader(), ref, name)
  }

  /** The committer date of a commit (one GET; cached). */
  private commitDate(sha: string, name: string): Promise<string | undefined> {
    return commitDate(this.reader(), sha, name)
  }

  private async readMoving(): Promise<Moving> {
    const ref = await this.getTagRef(this.tag)
    return ref ? { peeled: await this.peel(ref, this.tag) } : {}
  }

  /**
   * The tags as npm's model: `versions` holds every tag that is tag-prefix + an exact semver
   * (keyed without the prefix, with the peeled `commit` where known); `distTags[tag]` is the
   * version whose tag points at the moving tag's commit (preferVersions first, then the
   * highest), or the commit itself when no version tag has it.
   *
   * Requests: 1 list (matching-refs: GitHub answers every match at once) + 1 read of the
   * moving tag (+1 when it is annotated) + 1 per annotated preferred version (at most 2);
   * then, only when no preferred version has the moving tag's commit, 1 per annotated
   * version tag above the holder, walking down from the highest (lightweight ones cost
   * nothing), at most maxPeels; then publishedAt for the holder and the preferred versions:
   * free for annotated tags (the tagger date), 1 commit read each for lightweight ones.
   * Typical rollback (v1 on the bad version, both preferred): 4 requests lightweight
   * (list, ref, 2 commits), 5 annotated (list, ref, 3 peels). Tag objects and commit dates
   * are cached by sha (immutable), so a second inspect() costs 2 requests.
   */
  async inspect(): Promise<PackageState> {
    const [refs, channelRef] = await Promise.all([this.listVersionRefs(), this.getTagRef(this.tag)])
    const channel = channelRef ? await this.peel(channelRef, this.tag) : undefined
    const commits = new Map<string, string>()
    const annotated = new Map<string, TagObject>()
    for (const [v, r] of refs) if (r.type === 'commit') commits.set(v, r.sha)
    const peelVersion = async (v: string): Promise<string> => {
      const known = commits.get(v)
      if (known !== undefined) return known
      const p = await this.peel(refs.get(v) as RefObject, this.tagFor(v))
      commits.set(v, p.commit)
      if (p.annotated) annotated.set(v, p.annotated)
      return p.commit
    }

    const preferred = [...new Set(this.options.preferVersions ?? [])].filter((v) => refs.has(v))
    await Promise.all(preferred.map(peelVersion))
    let holder: string | undefined
    if (channel) {
      holder = preferred.find((v) => commits.get(v) === channel.commit)
      if (holder === undefined) {
        // the highest version tag with the commit: every annotated tag above it must be peeled
        const cap = this.options.maxPeels ?? 200
        let peeled = 0
        for (const v of [...refs.keys()].filter((x) => !preferred.includes(x)).sort(semver.rcompare)) {
          if (!commits.has(v)) {
            if (peeled >= cap) {
              this.options.log.warning(
                `${this.label}: only ${cap} annotated version tags were peeled to find what '${this.tag}' points at; it is named by its commit.`,
              )
              break
            }
            peeled++
          }
          if ((await peelVersion(v)) === channel.commit) {
            holder = v
            break
          }
        }
      }
    }
    const distTags: Record<string, string> = channel ? { [this.tag]: holder ?? channel.commit } : {}

    const versions: Record<string, VersionInfo> = {}
    for (const v of refs.keys()) {
      const commit = commits.get(v)
      versions[v] = commit !== undefined ? { commit } : {}
    }
    const matter = [...new Set([...preferred, ...(holder !== undefined ? [holder] : [])])]
    await Promise.all(
      matter.map(async (v) => {
        const at = annotated.get(v)?.taggerDate ?? (await this.commitDate(commits.get(v) as string, this.tagFor(v)))
        if (at !== undefined) versions[v].publishedAt = at
      }),
    )

    this.before ??= { commit: channel?.commit }
    this.seen = { distTags: { ...distTags }, channel, commits }
    if (channel?.annotated)
      this.options.log.debug(
        `${this.label} is an annotated tag (tag object ${short(channel.annotated.sha)}) at ${short(channel.commit)}.`,
      )
    return { name: this.repository, distTags, versions }
  }

  // --- the write ----------------------------------------------------------------------

  /** The commit of `version`: as the last inspect() saw it, else its tag now. */
  private async commitFor(version: string, input: string): Promise<string> {
    const known = this.seen?.commits.get(version)
    if (known !== undefined) return known
    const name = this.tagFor(version)
    const ref = await this.getTagRef(name)
    if (!ref) {
      throw new InputError(
        input,
        `${this.repository} has no tag ${name}.`,
        `give a version that has a tag${this.prefix ? ` (${settingName('tag-prefix')} '${this.prefix}' makes ${version} the tag ${name})` : ''}.`,
      )
    }
    const { commit } = await this.peel(ref, name)
    this.seen?.commits.set(version, commit)
    return commit
  }

  /** The commit the moving tag must still point at for the write to go ahead. */
  private async expectedCommit(expected: string): Promise<string> {
    const seen = this.seen
    if (seen?.channel && seen.distTags[this.tag] === expected) return seen.channel.commit
    if (SHA.test(expected)) return expected // a holder no version tag had, named by its commit
    try {
      return await this.commitFor(expected, 'rollback-version')
    } catch (e) {
      if (!(e instanceof InputError)) throw e
      throw new RegistryError(
        `The rollback expected '${this.tag}' to hold ${expected}, but ${this.repository} has no tag ${this.tagFor(expected)} to compare it with: nothing was written.`,
        `look at what '${this.tag}' points at now and re-run to plan from the repository as it is.`,
      )
    }
  }

  /** A commit named by the highest version tag the last inspect() saw with it, else the commit. */
  private nameOf(commit: string): string {
    const names = [...(this.seen?.commits ?? [])].filter(([, c]) => c === commit).map(([v]) => v)
    return names.sort(semver.rcompare)[0] ?? commit
  }

  /**
   * Points the moving tag at `version`'s commit (as the last inspect() saw it). Guarded:
   * the tag is read (and peeled) right before the write and before every retry; unless it
   * still points at the commit of `expected` (or already at the restore commit: 'already'),
   * nothing is written and a ChannelMovedError names what it points at. A tag that does not
   * exist (expected undefined) is created.
   *
   * Requests: 1 read (+1 peel for an annotated tag object not seen before) + 1 PATCH (or
   * POST) + 1 read-back: 3 when it moves, 1 when it is already there; each retry adds a
   * read before the write. The restore commit and the expected commit come from inspect().
   */
  async pointChannel(channel: string, version: string, expected: string | undefined): Promise<WriteOutcome> {
    if (channel !== this.tag) {
      throw new InputError(
        'channel',
        `'${channel}' is not the moving tag this target manages ('${this.tag}').`,
        `roll back '${this.tag}', or configure a git-tag target for '${channel}'.`,
      )
    }
    const restore = await this.commitFor(version, 'restore-version')
    const expectedCommit = expected === undefined ? undefined : await this.expectedCommit(expected)
    const name = this.tagFor(version)
    const what = `moving the git tag '${this.tag}' to ${name} (${short(restore)})`
    let replaced: Peeled['annotated']
    let outcome: WriteOutcome
    let state: Moving
    try {
      ;({ outcome, state } = await guardedWrite<Moving>({
        what,
        channel: this.tag,
        wanted: `${version} (${short(restore)})`,
        expected:
          expected === undefined
            ? undefined
            : `${expected}${expectedCommit && expectedCommit !== expected ? ` (${short(expectedCommit)})` : ''}`,
        read: () => this.readMoving(),
        holderOf: (s) => (s.peeled ? this.nameOf(s.peeled.commit) : undefined),
        isDone: (s) => s.peeled?.commit === restore,
        isExpected: (s) =>
          expectedCommit === undefined ? s.peeled === undefined : s.peeled?.commit === expectedCommit,
        write: async (s) => {
          if (s.peeled === undefined) {
            await this.send('POST /repos/{owner}/{repo}/git/refs', {
              ...this.repo,
              ref: `refs/tags/${this.tag}`,
              sha: restore,
            })
          } else {
            replaced = s.peeled.annotated
            // force: a rollback is not a fast-forward. The commit, not a tag object: see the top of this file.
            await this.send('PATCH /repos/{owner}/{repo}/git/refs/{ref}', {
              ...this.repo,
              ref: `tags/${this.tag}`,
              sha: restore,
              force: true,
            })
          }
        },
        policy: this.retry,
        log: this.options.log,
        explain: (e) =>
          explainWrite(e, expected, `${version} (${short(restore)})`, {
            tag: this.tag,
            repository: this.repository,
          }),
        // a secondary rate limit (403 with retry-after) refused the write: try again after a fresh read;
        // "Reference already exists": someone created the tag meanwhile, and the fresh read says who
        alsoRetry: (e) =>
          e instanceof GitHubHttpError &&
          ((e.statusCode === 403 && /secondary rate limit/i.test(e.ghMessage)) ||
            (e.statusCode === 422 && /already exists/i.test(e.ghMessage))),
      }))
    } catch (e) {
      if (e instanceof ChannelMovedError && e.holder !== undefined && SHA.test(e.holder)) {
        // a new version tag may have it (a fix tagged meanwhile): name it, so the runner can keep a newer fix
        const named = await this.findVersionOf(e.holder).catch(() => undefined)
        if (named !== undefined) throw new ChannelMovedError(e.channel, named, e.expected, e.wanted)
      }
      throw e
    }
    if (outcome === 'written' && replaced) {
      const note = `The git tag '${this.tag}' was an annotated tag (tag object ${replaced.sha}, message ${JSON.stringify(firstLine(replaced.message))}); it is now a lightweight tag at ${restore} (${name}). Re-annotate it by hand if you rely on that.`
      this.notes.push(note)
      this.options.log.info(note)
    }
    if (this.seen) {
      this.seen.channel = state.peeled
      this.seen.distTags[this.tag] = version
      this.seen.commits.set(version, restore)
    }
    return outcome
  }

  /**
   * One request, sent once: Octokit's retry and throttling plugins would repeat a failed
   * write without the guard's fresh read, so their retries are refused here (and the guard
   * retries instead, after reading the tag again). Failures become GitHubHttpError (src/github/send-once.ts, shared with the gitops kind).
   */
  private send(
    route: 'POST /repos/{owner}/{repo}/git/refs' | 'PATCH /repos/{owner}/{repo}/git/refs/{ref}',
    params: Record<string, unknown>,
  ): Promise<void> {
    return sendOnce(this.gh, route, params, this.options.timeoutMs ?? 30_000).then(() => undefined)
  }

  /**
   * The highest version whose tag points at `commit` now (the error path: naming a new
   * holder). Lightweight tags cost nothing; at most the 20 newest annotated ones are peeled.
   */
  private async findVersionOf(commit: string): Promise<string | undefined> {
    const refs = await this.listVersionRefs()
    let peels = 0
    for (const v of [...refs.keys()].sort(semver.rcompare)) {
      const r = refs.get(v) as RefObject
      if (r.type !== 'commit' && !this.tagObjects.has(r.sha) && ++peels > 20) break
      if ((await this.peel(r, this.tagFor(v))).commit === commit) return v
    }
    return undefined
  }
}
