export const id = 197;
export const ids = [197,584];
export const modules = {

/***/ 21197:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  recordIncident: () => (/* binding */ recordIncident)
});

// UNUSED EXPORTS: buildRecord, reportName, runUrl

// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(83916);
// EXTERNAL MODULE: ./src/run.ts
var src_run = __webpack_require__(79786);
// EXTERNAL MODULE: ./src/github/client.ts
var client = __webpack_require__(96584);
// EXTERNAL MODULE: ./src/github/render.ts
var render = __webpack_require__(19983);
;// CONCATENATED MODULE: ./src/github/issue.ts


/** The app user the workflow token (GITHUB_TOKEN) acts as. */
const WORKFLOW_BOT = 'github-actions[bot]';
const identities = new WeakMap();
/**
 * Who the token acts as, asked at most once per client. An installation token (ghs_, the
 * workflow token among them) acts as an app's bot user, for which GET /user answers 403
 * "Resource not accessible by integration": it is taken as github-actions[bot] without
 * asking. Any other token asks GET /user; a 403/404 there falls back the same way.
 */
function tokenIdentity(gh) {
    let known = identities.get(gh);
    if (!known) {
        known = resolveIdentity(gh);
        identities.set(gh, known);
        known.catch(() => identities.delete(gh)); // a failed look-up may be asked again
    }
    return known;
}
async function resolveIdentity(gh) {
    const auth = (await gh.auth());
    if (auth.tokenType === 'installation')
        return { login: WORKFLOW_BOT, type: 'Bot', assumed: true };
    try {
        const { data } = await gh.rest.users.getAuthenticated();
        return { login: data.login, type: data.type };
    }
    catch (e) {
        const status = (0,client.ghStatus)(e);
        if (status === 403 || status === 404)
            return { login: WORKFLOW_BOT, type: 'Bot', assumed: true };
        throw e;
    }
}
/** Whether an issue's author is the identity (logins compare case-insensitively, as on GitHub). */
function isAuthor(user, me) {
    if (!user || user.login.toLowerCase() !== me.login.toLowerCase())
        return false;
    return me.type === undefined || user.type === undefined || user.type === me.type;
}
/** Every issue carrying the marker, whoever opened it; open ones first, then by number (the canonical one first). */
async function issuesByMarker(gh, repo, label, marker) {
    const found = [];
    for await (const page of gh.paginate.iterator(gh.rest.issues.listForRepo, { ...repo, labels: label, state: 'all', per_page: 100 })) {
        for (const i of page.data) {
            if (i.pull_request || !(0,render/* hasMarker */.xY)(i.body, marker))
                continue;
            found.push({ number: i.number, url: i.html_url, open: i.state === 'open', user: i.user ? { login: i.user.login, type: i.user.type } : undefined });
        }
    }
    return found.sort((a, b) => Number(b.open) - Number(a.open) || a.number - b.number);
}
/**
 * The incident's issue among those carrying the marker: the first one the token's identity
 * opened. The identity is looked up only when there is a candidate to attribute.
 *
 * `recorded` is the issue number the committed report names. It counts only when GitHub
 * could not name the identity (another app's installation token acts as that app's bot, not
 * as github-actions[bot]) and only for an issue a bot opened: then a re-run with the team's
 * own app token comments on its issue instead of opening another. A person's issue is never
 * adopted this way.
 */
async function findIssueByMarker(gh, repo, label, marker, recorded) {
    const candidates = await issuesByMarker(gh, repo, label, marker);
    if (candidates.length === 0)
        return undefined;
    const me = await tokenIdentity(gh);
    const first = candidates.find((i) => isAuthor(i.user, me)) ??
        (me.assumed ? candidates.find((i) => i.number === recorded && i.user?.type === 'Bot' && i.user.login.endsWith('[bot]')) : undefined);
    return first ? { number: first.number, url: first.url } : undefined;
}
/**
 * Two runs of the same incident at once can both find no issue and both open one (GitHub
 * has no create-if-absent). After opening, read the list again: the lowest-numbered open
 * issue is the incident's, and a run that opened another closes its own as a duplicate.
 */
async function converge(gh, repo, label, marker, created, me) {
    // only our own issues count: an outsider's issue with the same marker is never canonical
    const open = (await issuesByMarker(gh, repo, label, marker)).filter((i) => i.open && isAuthor(i.user, me));
    const canonical = open[0];
    if (!canonical || canonical.number === created.number)
        return created;
    await gh.rest.issues.createComment({ ...repo, issue_number: created.number, body: `Duplicate of #${canonical.number}: another run of the same rollback opened it at the same time.`, request: { retries: 0 } });
    await gh.rest.issues.update({ ...repo, issue_number: created.number, state: 'closed', state_reason: 'not_planned' });
    return { number: canonical.number, url: canonical.url };
}
/**
 * Finds the incident's issue or opens it. A create that fails is never blindly retried
 * (a retried POST can open the issue twice): the list is read again first.
 */
async function ensureTrackingIssue(gh, repo, req, log) {
    // no label look-up: opening the issue with labels that do not exist yet creates them
    // (and listing by a label that does not exist yet answers an empty list)
    const label = req.labels[0];
    const existing = await findIssueByMarker(gh, repo, label, req.marker, req.recordedIssue);
    if (existing)
        return { ...existing, created: false, commented: await commentOnce(gh, repo, existing.number, req) };
    let assignees = req.assignees;
    for (let attempt = 1;; attempt++) {
        try {
            const { data } = await gh.rest.issues.create({ ...repo, title: req.title, body: req.body, labels: req.labels, assignees, request: { retries: 0 } });
            // the issue we just opened tells who we are: no look-up needed to converge
            const me = data.user ? { login: data.user.login, type: data.user.type } : await tokenIdentity(gh);
            const kept = await converge(gh, repo, label, req.marker, { number: data.number, url: data.html_url }, me);
            return { ...kept, created: kept.number === data.number, commented: false };
        }
        catch (e) {
            const status = (0,client.ghStatus)(e);
            if (status === 422 && assignees.length > 0) {
                log.warning(`GitHub refused the assignees (${assignees.join(', ')}): ${(0,client.ghMessage)(e)}. Opening the issue without them.`);
                assignees = [];
                continue;
            }
            const retryable = status === undefined || status >= 500;
            if (!retryable || attempt >= 3)
                throw e;
            const found = await findIssueByMarker(gh, repo, label, req.marker, req.recordedIssue);
            if (found)
                return { ...found, created: true, commented: false };
            await new Promise((r) => setTimeout(r, 1000 * attempt));
        }
    }
}
/** One comment per run (and attempt): the same run retrying leaves no second comment. */
async function commentOnce(gh, repo, issueNumber, req) {
    const comments = await gh.paginate(gh.rest.issues.listComments, { ...repo, issue_number: issueNumber, per_page: 100 });
    if (comments.some((c) => (0,render/* hasMarker */.xY)(c.body, req.runMarker)))
        return false;
    await gh.rest.issues.createComment({ ...repo, issue_number: issueNumber, body: req.comment, request: { retries: 0 } });
    return true;
}

// EXTERNAL MODULE: ./src/markdown.ts
var markdown = __webpack_require__(83758);
;// CONCATENATED MODULE: ./src/github/releases.ts
// The bad version's GitHub Release after a rollback: its title and notes say it was rolled
// back (with the reason and the tracking issue), and when it was the repository's latest
// release, the restore version's release becomes latest instead.
//
// The rollback itself has already happened when this runs, so nothing here throws for a
// GitHub failure: every failure is collected in `missing`, every "could not do it, on
// purpose" in `warnings` (the caller logs them). Only programming errors are thrown.
//
// GitHub has no compare-and-set for releases, so every write is guarded: the release is
// read again right before the PATCH (and before any retry) and the new notes are built
// from that fresh read, so an edit a person made meanwhile is kept; "latest" is read again
// right before it is moved.
//
// Requests (the bad version's tag found with the first prefix, 'v'):
// - first run, the bad release was latest: 6. GET releases/tags/v<bad>, GET releases/tags/v<restore>,
//   GET releases/{id} (guard), PATCH releases/{id}, GET releases/latest (guard), PATCH releases/{restore id}.
//   The bad release was not latest: 5 (no second PATCH).
// - re-run: 3 reads, no write. GET releases/tags/v<bad> (marker found), GET releases/tags/v<restore>,
//   GET releases/latest (already the restore release, or not the bad one).
// - no release for the bad version: 2 with the default prefixes (a 404 each), nothing else.
// Each tag prefix that finds nothing costs one more GET (404); each retry of a write that
// failed with a 5xx costs its guard read and the write again (at most 3 attempts).


const ROLLED_BACK_PREFIX = 'Rolled back: ';
const ATTEMPTS = 3;
/** The hidden marker by which a re-run knows the release is marked for this incident. */
function rolledBackMarker(incidentId) {
    return `<!-- release-rollback:rolled-back=${incidentId.replace(/[^A-Za-z0-9._-]/g, '_')} -->`;
}
/** An https URL safe as a Markdown link target, or undefined. */
function safeUrl(url) {
    if (!url || !/^https?:\/\/[^\s<>"'`]+$/.test(url))
        return undefined;
    return url.replace(/[()[\]|\\]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}
/** The note that goes on top of the bad release's notes. Pure: the same request renders the same bytes. */
function renderReleaseNote(req, restoreUrl) {
    const restoreTarget = safeUrl(restoreUrl);
    const restore = restoreTarget ? `[${(0,markdown/* inert */.t)(req.restore)}](${restoreTarget})` : (0,markdown/* inert */.t)(req.restore);
    const issue = safeUrl(req.issueUrl);
    const lines = [
        rolledBackMarker(req.incidentId),
        '> [!WARNING]',
        `> **This release was rolled back.** Use ${restore} instead.`,
        ...(req.reason.trim() ? ['>', `> Reason: ${(0,markdown/* inert */.t)(req.reason.trim())}`] : []),
        ...(issue ? ['>', `> Tracking issue: ${issue}`] : [])
    ];
    return lines.join('\n');
}
/** The title and notes that mark `current`; undefined when it already carries the marker. */
function markedVersion(current, req, restoreUrl) {
    const body = current.body ?? '';
    if (body.includes(rolledBackMarker(req.incidentId)))
        return undefined;
    const name = current.name?.trim() ? current.name : current.tag_name;
    const note = renderReleaseNote(req, restoreUrl);
    return {
        ...(name.startsWith(ROLLED_BACK_PREFIX) ? {} : { name: `${ROLLED_BACK_PREFIX}${name}` }),
        // prepended to what the release says now: nothing a person wrote is lost
        body: body.trim() ? `${note}\n\n${body}` : note
    };
}
/** Why GitHub refused, and what to do about it. */
function describe(e) {
    const status = (0,client.ghStatus)(e);
    const message = (0,client.ghMessage)(e);
    if (status === 403 && !/rate limit/i.test(message)) {
        return `GitHub answered 403: ${message}. The token needs \`contents: write\` (in a workflow: \`permissions: contents: write\`); then re-run`;
    }
    return status === undefined ? message : `GitHub answered ${status}: ${message}`;
}
/** Only GitHub's answers (and network failures, which Octokit reports with a status) are collected. */
function rethrowIfBug(e) {
    if ((0,client.ghStatus)(e) === undefined)
        throw e;
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const retryable = (e) => ((0,client.ghStatus)(e) ?? 0) >= 500;
async function releaseByTag(gh, repo, tag) {
    try {
        return (await gh.rest.repos.getReleaseByTag({ ...repo, tag })).data;
    }
    catch (e) {
        if ((0,client.ghStatus)(e) === 404)
            return undefined;
        throw e;
    }
}
/** The release for a version: the first tag prefix that has one. */
async function findRelease(gh, repo, version, prefixes) {
    for (const prefix of prefixes) {
        const release = await releaseByTag(gh, repo, `${prefix}${version}`);
        if (release)
            return { release, prefix };
    }
    return undefined;
}
async function releaseById(gh, repo, releaseId) {
    try {
        return (await gh.rest.repos.getRelease({ ...repo, release_id: releaseId })).data;
    }
    catch (e) {
        if ((0,client.ghStatus)(e) === 404)
            return undefined;
        throw e;
    }
}
async function latestRelease(gh, repo) {
    try {
        return (await gh.rest.repos.getLatestRelease({ ...repo })).data;
    }
    catch (e) {
        if ((0,client.ghStatus)(e) === 404)
            return undefined;
        throw e;
    }
}
/** Marks the bad release, guarded by a fresh read before every attempt. */
async function markRelease(gh, repo, releaseId, req, restoreUrl, delayMs) {
    for (let attempt = 1;; attempt++) {
        const current = await releaseById(gh, repo, releaseId);
        // deleted meanwhile: nothing left to mark
        if (!current)
            return undefined;
        const update = markedVersion(current, req, restoreUrl);
        // found marked after a failed attempt of ours: that attempt took effect
        if (!update)
            return { url: current.html_url, outcome: attempt === 1 ? 'already' : 'marked' };
        try {
            // never retried blindly by the client: a retry must rebuild the notes from a fresh read
            const { data } = await gh.rest.repos.updateRelease({ ...repo, release_id: releaseId, ...update, request: { retries: 0 } });
            return { url: data.html_url, outcome: 'marked' };
        }
        catch (e) {
            if (!retryable(e) || attempt >= ATTEMPTS)
                throw e;
            await sleep(delayMs * attempt);
        }
    }
}
/** Makes `restore` the latest release while the bad one is, guarded by a fresh read of "latest" before every attempt. */
async function moveLatest(gh, repo, badId, restore, delayMs) {
    for (let attempt = 1;; attempt++) {
        const latest = await latestRelease(gh, repo);
        if (latest?.id === restore.id)
            return attempt === 1 ? 'already' : 'moved';
        // someone (or GitHub) already moved it elsewhere: not ours to overrule
        if (latest?.id !== badId)
            return 'not-bad';
        try {
            await gh.rest.repos.updateRelease({ ...repo, release_id: restore.id, make_latest: 'true', request: { retries: 0 } });
            return 'moved';
        }
        catch (e) {
            if (!retryable(e) || attempt >= ATTEMPTS)
                throw e;
            await sleep(delayMs * attempt);
        }
    }
}
/**
 * Marks the bad version's GitHub Release as rolled back and, when it was the repository's
 * latest release, makes the restore version's release latest. No release for the bad
 * version: nothing to do. Never throws for what GitHub answers.
 */
async function markReleases(gh, repo, req, log, options = {}) {
    const out = { warnings: [], missing: [] };
    const delayMs = options.retryDelayMs ?? 1000;
    const prefixes = [...new Set(req.tagPrefixes ?? ['v', ''])];
    const tags = (version, order = prefixes) => order.map((p) => `${p}${version}`).join(', ');
    let bad;
    try {
        bad = await findRelease(gh, repo, req.bad, prefixes);
    }
    catch (e) {
        rethrowIfBug(e);
        out.missing.push(`the GitHub Release of ${req.bad} marked as rolled back (could not look it up: ${describe(e)})`);
        return out;
    }
    if (!bad) {
        log.debug(`No GitHub Release for ${req.bad} (tags ${tags(req.bad)}): nothing to mark.`);
        return out;
    }
    const badTag = bad.release.tag_name;
    // the restore version's release, tried first with the prefix the bad one has: linked from
    // the note, and the one made latest
    const restoreOrder = [bad.prefix, ...prefixes.filter((p) => p !== bad.prefix)];
    let restore;
    let restoreError;
    try {
        restore = (await findRelease(gh, repo, req.restore, restoreOrder))?.release;
    }
    catch (e) {
        rethrowIfBug(e);
        restoreError = e;
    }
    try {
        // marked already (a re-run): no guard read, no write
        out.badRelease = bad.release.body?.includes(rolledBackMarker(req.incidentId))
            ? { url: bad.release.html_url, outcome: 'already' }
            : await markRelease(gh, repo, bad.release.id, req, restore?.html_url, delayMs);
        if (!out.badRelease)
            log.info(`The GitHub Release ${badTag} was deleted meanwhile: nothing to mark.`);
        else
            log.info(out.badRelease.outcome === 'marked' ? `✔ marked the GitHub Release ${badTag} as rolled back: ${out.badRelease.url}` : `✔ the GitHub Release ${badTag} is already marked as rolled back: ${out.badRelease.url}`);
    }
    catch (e) {
        rethrowIfBug(e);
        out.missing.push(`the GitHub Release ${badTag} marked as rolled back (${describe(e)})`);
    }
    try {
        if (restoreError !== undefined) {
            // only missing when it matters: the bad release is the latest one
            const latest = await latestRelease(gh, repo);
            if (latest?.id === bad.release.id)
                out.missing.push(`the GitHub Release of ${req.restore} made latest instead of ${badTag} (could not look it up: ${describe(restoreError)})`);
        }
        else if (restore && !restore.draft && !restore.prerelease) {
            const moved = await moveLatest(gh, repo, bad.release.id, restore, delayMs);
            if (moved !== 'not-bad') {
                out.latestMovedTo = { tag: restore.tag_name, url: restore.html_url, outcome: moved };
                log.info(moved === 'moved' ? `✔ made the GitHub Release ${restore.tag_name} the latest release (instead of ${badTag})` : `✔ the GitHub Release ${restore.tag_name} is already the latest release`);
            }
        }
        else {
            // nothing else is ever made latest: only say that the bad one still is
            const latest = await latestRelease(gh, repo);
            if (latest?.id === bad.release.id) {
                const why = restore ? `the release ${restore.tag_name} of ${req.restore} is a prerelease, which GitHub cannot make latest` : `${req.restore} has no GitHub Release (looked for tags ${tags(req.restore, restoreOrder)})`;
                out.warnings.push(`The GitHub Release ${badTag} is still the repository's latest release: ${why}. Choose the latest release by hand.`);
            }
        }
    }
    catch (e) {
        rethrowIfBug(e);
        out.missing.push(`the GitHub Release ${restore?.tag_name ?? req.restore} made latest instead of ${badTag} (${describe(e)})`);
    }
    return out;
}

;// CONCATENATED MODULE: ./src/github/report.ts

/** The repository setting without which the workflow token may not open pull requests. */
const PR_SETTING = 'Settings → Actions → General → "Allow GitHub Actions to create and approve pull requests"';
async function readFile(gh, repo, path, ref) {
    try {
        const { data } = await gh.rest.repos.getContent({ ...repo, path, ref });
        if (Array.isArray(data) || data.type !== 'file' || !('content' in data))
            throw new Error(`${path} on ${ref} is not a file.`);
        return { sha: data.sha, content: Buffer.from(data.content, 'base64').toString('utf8'), url: data.html_url ?? '' };
    }
    catch (e) {
        if ((0,client.ghStatus)(e) === 404)
            return undefined;
        throw e;
    }
}
const PROTECTED = /through a pull request|protected branch|repository rule/i;
/** Writes the file on `branch` unless it already has this content; 'protected' when refused. */
async function putIfChanged(gh, repo, req, branch, known) {
    for (let attempt = 1;; attempt++) {
        const existing = attempt === 1 && known ? known.file : await readFile(gh, repo, req.path, branch);
        const content = req.render(existing?.content);
        if (existing?.content === content)
            return { outcome: 'unchanged', url: existing.url };
        try {
            const { data } = await gh.rest.repos.createOrUpdateFileContents({
                ...repo,
                path: req.path,
                branch,
                message: req.message,
                content: Buffer.from(content, 'utf8').toString('base64'),
                ...(existing ? { sha: existing.sha } : {})
            });
            return { outcome: existing ? 'updated' : 'created', url: data.content?.html_url ?? '' };
        }
        catch (e) {
            const status = (0,client.ghStatus)(e);
            if ((status === 409 || status === 422 || status === 403) && PROTECTED.test((0,client.ghMessage)(e)))
                return 'protected';
            // 409: our sha is stale; 422 "sha wasn't supplied": someone created it meanwhile. Re-read.
            if ((status === 409 || status === 422) && attempt < 4)
                continue;
            throw e;
        }
    }
}
async function commitReport(gh, repo, req, log) {
    const direct = await putIfChanged(gh, repo, req, req.branch, req.known);
    if (direct !== 'protected')
        return { ...direct, branch: req.branch };
    log.info(`${req.branch} is protected: committing the report to ${req.fallbackBranch} and opening a pull request.`);
    await ensureBranch(gh, repo, req.fallbackBranch, req.branch);
    const onBranch = await putIfChanged(gh, repo, req, req.fallbackBranch);
    if (onBranch === 'protected')
        throw new Error(`${req.fallbackBranch} is protected too: the report could not be committed.`);
    const result = { ...onBranch, branch: req.fallbackBranch };
    const head = `${repo.owner}:${req.fallbackBranch}`;
    const open = await gh.rest.pulls.list({ ...repo, head, base: req.branch, state: 'open', per_page: 10 });
    if (open.data.length > 0)
        return { ...result, pullRequestUrl: open.data[0].html_url };
    try {
        const { data } = await gh.rest.pulls.create({ ...repo, head: req.fallbackBranch, base: req.branch, title: req.pullRequest.title, body: req.pullRequest.body, request: { retries: 0 } });
        return { ...result, pullRequestUrl: data.html_url };
    }
    catch (e) {
        const status = (0,client.ghStatus)(e);
        if (status === 422 && /already exists/i.test((0,client.ghMessage)(e))) {
            const again = await gh.rest.pulls.list({ ...repo, head, base: req.branch, state: 'open', per_page: 10 });
            if (again.data.length > 0)
                return { ...result, pullRequestUrl: again.data[0].html_url };
        }
        if (status === 403) {
            const message = (0,client.ghMessage)(e);
            const fix = /not permitted to create or approve pull requests/i.test(message)
                ? `enable ${PR_SETTING} (in an organization, allow it in the organization's Actions settings first)`
                : `give the job pull-requests: write (for the workflow token, also enable ${PR_SETTING})`;
            return {
                ...result,
                pullRequestRefused: `GitHub refused to open it (${message}). To fix: ${fix}, then re-run: the re-run opens the pull request from ${req.fallbackBranch} without committing again. Or open it from ${req.fallbackBranch} by hand.`
            };
        }
        throw e;
    }
}
async function ensureBranch(gh, repo, branch, from) {
    try {
        await gh.rest.git.getRef({ ...repo, ref: `heads/${branch}` });
        return;
    }
    catch (e) {
        if ((0,client.ghStatus)(e) !== 404)
            throw e;
    }
    const base = await gh.rest.git.getRef({ ...repo, ref: `heads/${from}` });
    try {
        await gh.rest.git.createRef({ ...repo, ref: `refs/heads/${branch}`, sha: base.data.object.sha });
    }
    catch (e) {
        if (!((0,client.ghStatus)(e) === 422 && /already exists/i.test((0,client.ghMessage)(e))))
            throw e;
    }
}

;// CONCATENATED MODULE: ./src/bookkeeping.ts
// The GitHub bookkeeping after a rollback: one tracking issue and one incident report per
// incident, however often it runs. The registry rollback is the critical path; anything
// that fails here is collected, so the run can say exactly what is missing.







function runUrl(ctx) {
    if (!ctx.runId)
        return undefined;
    const attempt = ctx.runAttempt && ctx.runAttempt !== '1' ? `/attempts/${ctx.runAttempt}` : '';
    return `${ctx.serverUrl}/${ctx.repository}/actions/runs/${ctx.runId}${attempt}`;
}
const CHANNEL_WORD = { npm: 'dist-tag', docker: 'tag', helm: 'release', 'git-tag': 'git tag' };
function eventOf(step, r, several) {
    const plan = r.plan;
    const goal = plan.republish?.version ?? plan.restoreVersion;
    const action = {
        plan: `check ${plan.packageName} on the registry and plan`,
        'move-tag': r.kind === 'npm' ? `point dist-tag '${plan.channel}' at ${goal}` : `point ${CHANNEL_WORD[r.kind]} '${plan.channel}' at ${goal}`,
        deprecate: `deprecate ${plan.rollbackVersion}`
    }[step.step];
    return { at: step.at, action: several ? `${r.label.replace(/: $/, '')}: ${action}` : action, outcome: step.outcome, detail: step.detail };
}
/** The incident as the issue and the report record it: one record, a row per target. */
function buildRecord(result, inputs, gi, ctx, now) {
    const affected = result.targets.filter((t) => t.outcome !== 'not-affected');
    const several = result.targets.length > 1;
    const first = affected[0] ?? result.targets[0];
    const plan = first.plan;
    const restores = [...new Set(affected.map((t) => t.plan?.restoreVersion).filter((v) => Boolean(v)))];
    const deprecation = affected.map((t) => t.plan?.deprecation).find((d) => d && d.kind !== 'off');
    const republished = affected.map((t) => t.plan?.republish?.version).find(Boolean);
    const run = { url: runUrl(ctx), at: now, status: result.status, actor: ctx.actor, trigger: ctx.eventName };
    const kinds = [...new Set(affected.map((t) => t.kind))];
    return {
        format: 1,
        incidentId: result.incidentId,
        packageName: several ? `${first.name} and ${affected.length - 1} more` : first.name,
        channel: several ? result.channel : (plan?.channel ?? first.channel),
        rollbackVersion: result.rollbackVersion,
        restoreVersion: restores.length === 1 ? restores[0] : (inputs.restoreVersion ?? 'last known good of each'),
        previousVersion: several ? undefined : plan?.previousVersion,
        deprecationMessage: deprecation && 'message' in deprecation ? deprecation.message : undefined,
        tagsBefore: several ? {} : (first.before?.distTags ?? {}),
        tagsAfter: several ? {} : (first.after?.distTags ?? {}),
        severity: gi.severity,
        reason: inputs.reason,
        strategy: affected.some((t) => t.plan?.republish) ? 'republish' : 'retag',
        ...(republished ? { republishedVersion: republished } : {}),
        ...(kinds.length === 1 && kinds[0] !== 'npm' ? { target: kinds[0] } : {}),
        ...(several
            ? {
                packages: result.targets.map((t) => ({
                    name: t.name,
                    ...(t.kind !== 'npm' ? { kind: t.kind } : {}),
                    ...(t.channel !== result.channel ? { channel: t.channel } : {}),
                    previousVersion: t.plan?.previousVersion,
                    restoreVersion: t.plan?.republish?.version ?? t.plan?.restoreVersion,
                    outcome: (0,src_run/* errorOf */.Mz)(t) ? `${t.outcome}: ${(0,src_run/* errorOf */.Mz)(t)}` : t.outcome
                }))
            }
            : {}),
        runs: [run],
        // the planning step is bookkeeping noise in a timeline: keep the writes
        timeline: affected.flatMap((t) => (t.plan ? t.steps.filter((s) => s.step !== 'plan').map((s) => eventOf(s, t, several)) : [])),
        warnings: result.warnings
    };
}
/** What this run changed, in words, for the re-run comment. */
function changesOf(result) {
    const changes = [];
    for (const t of result.targets) {
        const plan = t.plan;
        if (!plan)
            continue;
        const who = result.targets.length > 1 ? ` of \`${t.name}\`` : '';
        if (t.moved)
            changes.push(`moved ${CHANNEL_WORD[t.kind]} \`${plan.channel}\`${who} to \`${plan.republish?.version ?? plan.restoreVersion}\``);
        if (t.deprecated)
            changes.push(`deprecated \`${plan.rollbackVersion}\`${who}`);
        for (const s of t.steps)
            if (s.outcome === 'failed')
                changes.push(`failed: ${s.step}${who}`);
    }
    return changes;
}
/** The report's file name part: the target, or the first of several and how many more. */
function reportName(result) {
    const affected = result.targets.filter((t) => t.outcome !== 'not-affected');
    const first = (affected[0] ?? result.targets[0]).name;
    return result.targets.length > 1 ? `${first}-and-${affected.length - 1}-more` : first;
}
/** The issue and the report for one incident (one target or many). */
function recordIncident(gh, ctx, defaultBranch, result, inputs, gi, log, now = new Date().toISOString()) {
    return recordIncidentRecord(gh, ctx, defaultBranch, { record: buildRecord(result, inputs, gi, ctx, now), changes: changesOf(result), reportName: reportName(result) }, gi, log);
}
/**
 * The issue and the report for an incident, however it was built (one package or many).
 * `reportName` names the report file.
 */
async function recordIncidentRecord(gh, ctx, defaultBranch, incident, gi, log) {
    const repo = (0,client.repoRef)(ctx.repository);
    const out = { warnings: [], missing: [] };
    const branch = gi.reportBranch ?? defaultBranch;
    const current = incident.record;
    const path = (0,render/* reportPath */.eG)(gi.reportDir, incident.reportName, current.rollbackVersion, current.channel);
    const fallbackBranch = `rollback/${current.incidentId}`;
    // a re-run merges into what the first run recorded (first "before", all real events).
    // Read once, on the report's branch; the commit below reuses this read. A report that
    // went to the fallback branch (protected target) is read there when the commit gets there.
    let known;
    if (gi.commitReport) {
        try {
            known = { file: await readFile(gh, repo, path, branch) };
        }
        catch (e) {
            log.warning(`Could not read the existing report ${path}: ${(0,errors/* errorMessage */.gJ)(e)}`);
        }
    }
    const existing = known?.file ? (0,render/* parseReportRecord */.tf)(known.file.content) : undefined;
    const record = (0,render/* mergeRecord */.g_)(existing, current);
    record.reportPath = gi.commitReport ? path : undefined;
    /** the report on top of what a branch holds now: merged record, people's notes kept */
    const reportOn = (previous) => {
        const merged = (0,render/* mergeRecord */.g_)(previous === undefined ? undefined : (0,render/* parseReportRecord */.tf)(previous), current);
        merged.reportPath = path;
        if (record.issueNumber !== undefined)
            merged.issueNumber = record.issueNumber;
        if (record.issueUrl !== undefined)
            merged.issueUrl = record.issueUrl;
        return (0,render/* renderReport */.B1)(merged, ctx, previous);
    };
    if (gi.createIssue) {
        try {
            const reportUrl = gi.commitReport ? `${ctx.serverUrl}/${ctx.repository}/blob/${encodeURIComponent(branch)}/${path}` : undefined;
            const issue = await ensureTrackingIssue(gh, repo, {
                marker: (0,render/* issueMarker */.Q_)(record.incidentId),
                title: (0,render/* issueTitle */.al)(record),
                body: (0,render/* renderIssueBody */.Yx)(record, ctx, { reportUrl }),
                labels: gi.labels,
                assignees: gi.assignees,
                comment: (0,render/* renderRerunComment */.yN)(record, ctx, current.runs[0], incident.changes),
                runMarker: (0,render/* runMarker */.qW)(ctx),
                recordedIssue: existing?.issueNumber
            }, log);
            Object.assign(out, { issueNumber: issue.number, issueUrl: issue.url, issueCreated: issue.created });
            record.issueNumber = issue.number;
            record.issueUrl = issue.url;
            log.info(issue.created ? `✔ opened tracking issue #${issue.number}: ${issue.url}` : `✔ tracking issue #${issue.number} already exists${issue.commented ? ': commented on it' : ''}: ${issue.url}`);
        }
        catch (e) {
            out.missing.push(`the tracking issue (${(0,errors/* errorMessage */.gJ)(e)})`);
        }
    }
    // the bad version's GitHub Release: one restore version to point at, or none
    const restores = new Set((current.packages ?? []).map((p) => p.restoreVersion).filter(Boolean));
    if (gi.githubRelease !== false && restores.size <= 1) {
        try {
            const releases = await markReleases(gh, repo, { bad: record.rollbackVersion, restore: record.republishedVersion ?? record.restoreVersion, reason: record.reason, incidentId: record.incidentId, issueUrl: record.issueUrl }, log);
            out.githubRelease = releases;
            out.warnings.push(...releases.warnings);
            out.missing.push(...releases.missing);
            if (releases.badRelease)
                log.info(`✔ GitHub Release of ${record.rollbackVersion} ${releases.badRelease.outcome === 'marked' ? 'marked as rolled back' : 'already marked'}: ${releases.badRelease.url}`);
            if (releases.latestMovedTo)
                log.info(`✔ the latest GitHub Release is ${releases.latestMovedTo.tag}${releases.latestMovedTo.outcome === 'already' ? ' (already)' : ' now'}`);
        }
        catch (e) {
            out.missing.push(`the GitHub Release marking (${(0,errors/* errorMessage */.gJ)(e)})`);
        }
    }
    if (gi.commitReport) {
        try {
            const commit = await commitReport(gh, repo, {
                branch,
                path,
                // what people wrote under the report's to-do headings is carried over
                render: reportOn,
                known,
                message: `docs(incidents): rollback ${record.packageName}@${record.rollbackVersion} → ${record.restoreVersion} on ${record.channel} [skip ci]`,
                fallbackBranch,
                pullRequest: {
                    title: `Incident report: rollback of ${record.packageName}@${record.rollbackVersion}`,
                    body: `The incident report for the rollback of \`${record.packageName}@${record.rollbackVersion}\` (${record.incidentId}). The branch \`${branch}\` is protected, so it comes as a pull request.${record.issueNumber ? `\n\nRefs #${record.issueNumber}` : ''}`
                }
            }, log);
            Object.assign(out, { reportPath: path, reportUrl: commit.url, reportOutcome: commit.outcome, pullRequestUrl: commit.pullRequestUrl });
            // a report on a branch without a pull request is seen by nobody: the run is partial
            if (commit.pullRequestRefused)
                out.missing.push(`the pull request for the incident report (committed on branch ${commit.branch}): ${commit.pullRequestRefused}`);
            log.info(`✔ incident report ${path} ${commit.outcome === 'unchanged' ? 'is up to date' : commit.outcome} on ${commit.branch}${commit.pullRequestUrl ? ` (pull request ${commit.pullRequestUrl})` : ''}`);
        }
        catch (e) {
            out.missing.push(`the incident report ${path} (${(0,errors/* errorMessage */.gJ)(e)})`);
        }
    }
    for (const w of out.warnings)
        log.warning(w);
    return out;
}


/***/ }),

/***/ 96584:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   createGitHubClient: () => (/* binding */ createGitHubClient),
/* harmony export */   ghMessage: () => (/* reexport safe */ _refs_js__WEBPACK_IMPORTED_MODULE_0__.Xt),
/* harmony export */   ghStatus: () => (/* reexport safe */ _refs_js__WEBPACK_IMPORTED_MODULE_0__.e8),
/* harmony export */   repoRef: () => (/* reexport safe */ _refs_js__WEBPACK_IMPORTED_MODULE_0__.sA)
/* harmony export */ });
/* harmony import */ var _octokit_plugin_retry__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(49735);
/* harmony import */ var _octokit_plugin_throttling__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(86856);
/* harmony import */ var _octokit_rest__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(59988);
/* harmony import */ var _refs_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(99081);
// One Octokit for the bookkeeping, with GitHub's own retry and throttling plugins
// (they honour retry-after and x-ratelimit-reset, and space writes out as GitHub asks).




const GitHub = _octokit_rest__WEBPACK_IMPORTED_MODULE_1__/* .Octokit */ .E.plugin(_octokit_plugin_retry__WEBPACK_IMPORTED_MODULE_2__/* .retry */ .L, _octokit_plugin_throttling__WEBPACK_IMPORTED_MODULE_3__/* .throttling */ .A);
function createGitHubClient(options) {
    const { log } = options;
    const timeoutMs = options.timeoutMs ?? 30_000;
    const onLimit = (kind) => (retryAfter, request, _octokit, retryCount) => {
        if (retryCount < 2 && retryAfter <= 120) {
            log.warning(`GitHub ${kind} limit on ${request.method} ${request.url}; waiting ${retryAfter} s and trying again.`);
            return true;
        }
        log.warning(`GitHub ${kind} limit on ${request.method} ${request.url}; giving up (retry-after ${retryAfter} s).`);
        return false;
    };
    return new GitHub({
        auth: options.token,
        baseUrl: options.baseUrl.replace(/\/+$/, ''),
        userAgent: 'release-rollback',
        log: { debug: () => { }, info: () => { }, warn: (m) => log.debug(m), error: (m) => log.debug(m) },
        // 409 (stale sha) and 422 are decided by the caller from state, never blindly retried
        retry: { doNotRetry: [400, 401, 403, 404, 409, 410, 422, 451], ...(options.retryBaseMs !== undefined ? { retryAfterBaseValue: options.retryBaseMs } : {}) },
        throttle: {
            enabled: options.throttle !== false,
            onRateLimit: onLimit('rate'),
            onSecondaryRateLimit: onLimit('secondary rate')
        },
        request: {
            // every request has a deadline
            fetch: (url, init) => fetch(url, { ...init, signal: init?.signal ?? AbortSignal.timeout(timeoutMs) })
        }
    });
}


/***/ })

};
