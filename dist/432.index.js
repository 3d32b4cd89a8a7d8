export const id = 432;
export const ids = [432,584];
export const modules = {

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
        retry: {
            doNotRetry: [400, 401, 403, 404, 409, 410, 422, 451],
            ...(options.retryBaseMs !== undefined ? { retryAfterBaseValue: options.retryBaseMs } : {}),
        },
        throttle: {
            enabled: options.throttle !== false,
            onRateLimit: onLimit('rate'),
            onSecondaryRateLimit: onLimit('secondary rate'),
        },
        request: {
            // every request has a deadline
            fetch: (url, init) => fetch(url, { ...init, signal: init?.signal ?? AbortSignal.timeout(timeoutMs) }),
        },
    });
}


/***/ }),

/***/ 43432:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   CD: () => (/* binding */ WORKFLOW_BOT),
/* harmony export */   PJ: () => (/* binding */ ensureTrackingIssue),
/* harmony export */   ad: () => (/* binding */ isAuthor),
/* harmony export */   iT: () => (/* binding */ findIssueByMarker),
/* harmony export */   sX: () => (/* binding */ tokenIdentity)
/* harmony export */ });
/* harmony import */ var _client_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(96584);
/* harmony import */ var _markers_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(23400);
/* harmony import */ var _record_check_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(80231);



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
        const status = (0,_client_js__WEBPACK_IMPORTED_MODULE_0__.ghStatus)(e);
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
    for await (const page of gh.paginate.iterator(gh.rest.issues.listForRepo, {
        ...repo,
        labels: label,
        state: 'all',
        per_page: 100,
    })) {
        for (const i of page.data) {
            if (i.pull_request || !(0,_markers_js__WEBPACK_IMPORTED_MODULE_2__/* .hasMarker */ .xY)(i.body, marker))
                continue;
            found.push({
                number: i.number,
                url: i.html_url,
                open: i.state === 'open',
                user: i.user ? { login: i.user.login, type: i.user.type } : undefined,
                body: i.body,
                author_association: i.author_association,
            });
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
 *
 * Last, a candidate carrying its own verified record (src/github/record-check.ts
 * carriesOwnRecord: opened by someone who may write to the repository or an app's bot, its
 * record passing the check under its own marker), the issues the release freeze counts: an
 * undo with the workflow token then closes the issue a person's token opened on the command
 * line (no report committed) instead of opening and closing a new one while the freeze stays.
 * An outsider's copy, or a record that fails the check, is never taken.
 */
async function findIssueByMarker(gh, repo, label, marker, recorded, adoptRecordedBot = false) {
    const candidates = await issuesByMarker(gh, repo, label, marker);
    if (candidates.length === 0)
        return undefined;
    const me = await tokenIdentity(gh);
    const first = candidates.find((i) => isAuthor(i.user, me)) ??
        (me.assumed || adoptRecordedBot
            ? candidates.find((i) => i.number === recorded && i.user?.type === 'Bot' && i.user.login.endsWith('[bot]'))
            : undefined) ??
        candidates.find((i) => (0,_record_check_js__WEBPACK_IMPORTED_MODULE_1__/* .carriesOwnRecord */ .VE)(i));
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
    await gh.rest.issues.createComment({
        ...repo,
        issue_number: created.number,
        body: `Duplicate of #${canonical.number}: another run of the same rollback opened it at the same time.`,
        request: { retries: 0 },
    });
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
    const existing = await findIssueByMarker(gh, repo, label, req.marker, req.recordedIssue, req.adoptRecordedBotIssue);
    if (existing)
        return { ...existing, created: false, commented: await commentOnce(gh, repo, existing.number, req) };
    let assignees = req.assignees;
    for (let attempt = 1;; attempt++) {
        try {
            const { data } = await gh.rest.issues.create({
                ...repo,
                title: req.title,
                body: req.body,
                labels: req.labels,
                assignees,
                request: { retries: 0 },
            });
            // the issue we just opened tells who we are: no look-up needed to converge
            const me = data.user ? { login: data.user.login, type: data.user.type } : await tokenIdentity(gh);
            const kept = await converge(gh, repo, label, req.marker, { number: data.number, url: data.html_url }, me);
            return { ...kept, created: kept.number === data.number, commented: false };
        }
        catch (e) {
            const status = (0,_client_js__WEBPACK_IMPORTED_MODULE_0__.ghStatus)(e);
            if (status === 422 && assignees.length > 0) {
                log.warning(`GitHub refused the assignees (${assignees.join(', ')}): ${(0,_client_js__WEBPACK_IMPORTED_MODULE_0__.ghMessage)(e)}. Opening the issue without them.`);
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
    if (comments.some((c) => (0,_markers_js__WEBPACK_IMPORTED_MODULE_2__/* .hasMarker */ .xY)(c.body, req.runMarker)))
        return false;
    await gh.rest.issues.createComment({ ...repo, issue_number: issueNumber, body: req.comment, request: { retries: 0 } });
    return true;
}


/***/ }),

/***/ 23400:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Q_: () => (/* binding */ issueMarker),
/* harmony export */   W2: () => (/* binding */ OVERRIDE_LABEL),
/* harmony export */   gG: () => (/* binding */ rolledBackMarker),
/* harmony export */   qW: () => (/* binding */ runMarker),
/* harmony export */   xY: () => (/* binding */ hasMarker)
/* harmony export */ });
// The hidden HTML comments by which a re-run finds its tracking issue, its own comment on
// it, and the GitHub Release it already marked. Pure: no I/O.
/** Keeps a value that goes into an HTML comment or a path free of anything but [A-Za-z0-9._-]. */
const markerSafe = (value) => value.replace(/[^A-Za-z0-9._-]/g, '_');
function issueMarker(incidentId) {
    return `<!-- release-rollback:incident=${markerSafe(incidentId)} -->`;
}
function runMarker(run) {
    return `<!-- release-rollback:run=${markerSafe(run.runId || 'local')}-${markerSafe(run.runAttempt || '1')} -->`;
}
function hasMarker(body, marker) {
    return typeof body === 'string' && body.includes(marker);
}
/** The hidden marker by which a re-run knows the release is marked for this incident. */
function rolledBackMarker(incidentId) {
    return `<!-- release-rollback:rolled-back=${markerSafe(incidentId)} -->`;
}
/** The label that lifts the release freeze while a tracking issue stays open (src/freeze.ts). */
const OVERRIDE_LABEL = 'release-freeze-override';


/***/ }),

/***/ 80231:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   OG: () => (/* binding */ recordProblems),
/* harmony export */   VE: () => (/* binding */ carriesOwnRecord),
/* harmony export */   Xn: () => (/* binding */ requireVerifiedRecord)
/* harmony export */ });
/* harmony import */ var semver__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(62088);
/* harmony import */ var semver__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(semver__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _core_deprecation_js__WEBPACK_IMPORTED_MODULE_9__ = __webpack_require__(27177);
/* harmony import */ var _core_incident_id_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(63739);
/* harmony import */ var _core_errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(74296);
/* harmony import */ var _config_inputs_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(64389);
/* harmony import */ var _core_plan_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(4620);
/* harmony import */ var _targets_helm_config_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(34293);
/* harmony import */ var _targets_spec_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(8782);
/* harmony import */ var _markers_js__WEBPACK_IMPORTED_MODULE_10__ = __webpack_require__(23400);
/* harmony import */ var _record_js__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(65358);
/* harmony import */ var _undo_record_js__WEBPACK_IMPORTED_MODULE_8__ = __webpack_require__(76295);
// The check an incident record must pass before an undo acts on it or the release freeze
// counts it. The record is read from places anyone with write access can edit (the tracking
// issue's body and comments, the unprotected rollback/<incident-id> branch, an unprotected
// report branch), so it proves nothing by where it was found. What it must prove instead:
//
// - It is the incident its id names. The id is a digest the rollback made before writing
//   (src/plan.ts incidentId, src/core/incident-id.ts for several targets) of the targets,
//   the channel, the bad version and the restore version; recomputed here from the record,
//   it must be the record's id. An edited package, channel or version no longer matches the
//   id the person undoing types (from the rollback's run, outputs or notification).
// - Every field is what the rollback could have written: names, versions and channels pass
//   the same parsers as the inputs, every text passes checkPlainText (no control or bidi
//   characters), and
//   - the restore target of each channel (where an undo puts it back) is the bad version:
//     a record may also say the channel held what the rollback wrote (nothing moved) or did
//     not exist, never anything else;
//   - what the rollback wrote is the restore version (republish: fixForwardVersion(bad));
//   - a deprecation message the record says this tool wrote is one its template renders for
//     that version (the default template, or the deprecation-message setting of the undo),
//     so an undo never removes a text a person wrote.
//
// What it still trusts (README, Guarantees): the id the person undoing gives, and the text a
// record says the rollback replaced (deprecationBefore), which an undo puts back: it is
// checked as plain text, and the undo compares copies (src/github/find-record.ts), but
// without a secret nothing proves who wrote it. Pure: no I/O.











const INCIDENT_ID = /^rr-[0-9a-f]{16}$/;
const OTHER_CHANNEL = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,255}$/;
const exact = (v) => typeof v === 'string' && semver__WEBPACK_IMPORTED_MODULE_0___default().valid(v) === v;
const shown = (v) => JSON.stringify(typeof v === 'string' ? v.slice(0, 80) : v);
/** Every string in the record, with where it is (for the message). */
function strings(v, at, out) {
    if (typeof v === 'string')
        out.push([at, v]);
    else if (Array.isArray(v))
        for (const [i, x] of v.entries())
            strings(x, `${at}[${i}]`, out);
    else if (v && typeof v === 'object')
        for (const [k, x] of Object.entries(v))
            strings(x, at ? `${at}.${k}` : k, out);
}
function plainProblem(at, text) {
    try {
        (0,_config_inputs_js__WEBPACK_IMPORTED_MODULE_3__/* .checkPlainText */ .ud)(at, text, 'the record');
        return undefined;
    }
    catch (e) {
        if (e instanceof _core_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .InputError */ .dz)
            return `${at} ${e.problem}`;
        throw e;
    }
}
function channelProblem(kind, channel) {
    if (kind === 'npm') {
        try {
            (0,_config_inputs_js__WEBPACK_IMPORTED_MODULE_3__/* .parseChannel */ .pn)('channel', channel);
            return undefined;
        }
        catch (e) {
            if (e instanceof _core_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .InputError */ .dz)
                return `channel ${shown(channel)}: ${e.problem}`;
            throw e;
        }
    }
    if (kind === 'helm')
        return channel === _targets_helm_config_js__WEBPACK_IMPORTED_MODULE_5__/* .HELM_CHANNEL */ .jH ? undefined : `a Helm release's channel is ${_targets_helm_config_js__WEBPACK_IMPORTED_MODULE_5__/* .HELM_CHANNEL */ .jH}, not ${shown(channel)}.`;
    return OTHER_CHANNEL.test(channel) ? undefined : `channel ${shown(channel)} is not a tag name.`;
}
function nameProblem(kind, name) {
    try {
        const [spec] = (0,_targets_spec_js__WEBPACK_IMPORTED_MODULE_6__/* .parseTargets */ .Sx)(`${kind}:${name}`, 'incident-id');
        return spec.kind === kind && spec.name === name
            ? undefined
            : `${kind} target ${shown(name)} is not a name as the rollback writes it.`;
    }
    catch (e) {
        if (e instanceof _core_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .InputError */ .dz)
            return `${kind} target ${shown(name)}: ${e.problem}`;
        throw e;
    }
}
/**
 * What is wrong with a record, as sentences naming the field; empty when it passes. The
 * derived targets (what an undo acts on) are checked as src/github/undo-record.ts reads them.
 */
function recordProblems(r, o = {}) {
    const problems = [];
    for (const [at, text] of (() => {
        const out = [];
        strings(r, '', out);
        return out;
    })()) {
        const p = plainProblem(at, text);
        if (p)
            problems.push(p);
    }
    if (!INCIDENT_ID.test(r.incidentId))
        problems.push(`incidentId ${shown(r.incidentId)} is not an id this tool makes.`);
    const bad = r.rollbackVersion;
    if (!exact(bad))
        problems.push(`rollbackVersion ${shown(bad)} is not an exact version.`);
    if (r.reason.trim() === '' || r.reason.length > 1000)
        problems.push('reason is empty or longer than a reason may be.');
    if (problems.length > 0)
        return problems;
    const several = r.packages !== undefined && r.packages.length > 0;
    // the incident's channel: an npm incident's is a dist-tag
    const mainKind = several ? undefined : (r.target ?? 'npm');
    const cp = channelProblem(mainKind ?? 'other', r.channel);
    if (cp)
        problems.push(cp);
    // the id: the digest the rollback made of its targets, channel and versions
    if (several) {
        const rows = (r.packages ?? []).map((p) => ({ kind: p.kind ?? 'npm', name: p.name }));
        const asked = [r.restoreVersion, undefined].filter((v) => v === undefined || exact(v));
        if (!asked.some((v) => (0,_core_incident_id_js__WEBPACK_IMPORTED_MODULE_1__/* .incidentOfTargets */ .y)(rows, r.channel, bad, v) === r.incidentId))
            problems.push(`its targets, channel and versions are not those incident ${r.incidentId} was made of: the record was changed after the rollback wrote it.`);
    }
    else if ((0,_core_plan_js__WEBPACK_IMPORTED_MODULE_4__/* .incidentId */ ._3)(r.packageName, r.channel, bad, r.restoreVersion) !== r.incidentId) {
        problems.push(`${shown(r.packageName)} on ${shown(r.channel)}, ${shown(bad)} → ${shown(r.restoreVersion)} is not what incident ${r.incidentId} was made of: the record was changed after the rollback wrote it.`);
    }
    if (!several && !exact(r.restoreVersion))
        problems.push(`restoreVersion ${shown(r.restoreVersion)} is not an exact version.`);
    if (problems.length > 0)
        return problems;
    // what an undo acts on, target by target
    const incident = (0,_undo_record_js__WEBPACK_IMPORTED_MODULE_8__/* .recordedIncident */ .$)(r, 'the record');
    const asked = exact(r.restoreVersion) ? r.restoreVersion : undefined;
    const templates = [_core_deprecation_js__WEBPACK_IMPORTED_MODULE_9__/* .DEFAULT_DEPRECATION_MESSAGE */ .Jl, ...(o.templates ?? [])];
    const reasons = [r.reason, ...(o.reasons ?? [])];
    for (const t of incident.targets) {
        const what = `${t.kind} ${t.name} on ${t.channel}`;
        const np = nameProblem(t.kind, t.name);
        if (np)
            problems.push(np);
        const chp = t.channel === r.channel ? undefined : channelProblem(t.kind, t.channel);
        if (chp)
            problems.push(`${what}: ${chp}`);
        if (!exact(t.restoreVersion) || t.restoreVersion === bad) {
            problems.push(`${what}: the restore version ${shown(t.restoreVersion)} is not an exact version other than the bad one.`);
            continue;
        }
        // several targets with one restore version asked for: each restored that one
        if (several &&
            asked !== undefined &&
            t.restoreVersion !== asked &&
            (0,_core_incident_id_js__WEBPACK_IMPORTED_MODULE_1__/* .incidentOfTargets */ .y)((r.packages ?? []).map((p) => ({ kind: p.kind ?? 'npm', name: p.name })), r.channel, bad, asked) === r.incidentId)
            problems.push(`${what}: it restored ${shown(t.restoreVersion)}, but the incident restored ${asked}.`);
        // staged (issue 21 §1): the channel went to the restore version while the fix waits for its approval
        const wrote = r.strategy === 'republish' && r.staged === undefined ? (0,_core_plan_js__WEBPACK_IMPORTED_MODULE_4__/* .fixForwardVersion */ .FP)(bad) : t.restoreVersion;
        if (t.wrote !== wrote)
            problems.push(`${what}: the rollback wrote ${shown(t.wrote)} there by the record, but a ${r.strategy} of ${bad} writes ${wrote}.`);
        if (t.previousVersion !== undefined && t.previousVersion !== bad && t.previousVersion !== t.wrote)
            problems.push(`${what}: the record says the rollback moved it off ${shown(t.previousVersion)}, but a rollback moves a channel only off the bad version ${bad}, so an undo puts back nothing else.`);
        if (t.deprecationMessage !== undefined && !o.anyTemplate) {
            const ours = templates.flatMap((template) => reasons.map((reason) => (0,_core_deprecation_js__WEBPACK_IMPORTED_MODULE_9__/* .renderDeprecationMessage */ .Ky)(template, { version: bad, restore: t.wrote, channel: t.channel, reason })));
            if (!ours.includes(t.deprecationMessage))
                problems.push(`${what}: the deprecation message ${shown(t.deprecationMessage)} is not one this tool renders for ${bad} (its template, with the record's reason), so an undo will not remove it.`);
        }
    }
    return problems;
}
/** The record, or an InputError naming incident-id when it fails the check: nothing is written then. */
function requireVerifiedRecord(r, source, o = {}) {
    const problems = recordProblems(r, o);
    if (problems.length === 0)
        return r;
    const id = INCIDENT_ID.test(r.incidentId) ? r.incidentId : 'the incident';
    throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .InputError */ .dz('incident-id', `the record of ${id} (${source}) fails the check an undo makes before it acts, so nothing was changed: ${problems.slice(0, 3).join(' ')}${problems.length > 3 ? ` (and ${problems.length - 3} more)` : ''}`, 'check who edited the record (the issue body and comments, the report and its branch); if the rollback was yours and its record is damaged, undo by hand: npm dist-tag add <package>@<bad version> <channel>, and npm deprecate <package>@<bad version> "" (or the message it had before), or undo with the same settings as the rollback (its versions and targets) instead of incident-id.');
}
/**
 * The associations of an author who may write to the repository (GitHub's author_association;
 * CONTRIBUTOR, FIRST_TIMER, FIRST_TIME_CONTRIBUTOR, MANNEQUIN and NONE may not):
 * https://docs.github.com/en/graphql/reference/enums#commentauthorassociation
 */
const WRITERS = ['OWNER', 'MEMBER', 'COLLABORATOR'];
/**
 * An issue the tool opened with a token other than the one now asking (a person's token on
 * the command line, another app's or the workflow's): its author may write to the repository
 * (a person with OWNER/MEMBER/COLLABORATOR, or an app's bot, which only an installation on
 * the repository can be; app bots' author_association is not documented, so `type: Bot`
 * decides) and its body carries a record that passes the record check under its own marker.
 * The release freeze counts such issues (src/freeze.ts) and the tracking issue's look-up
 * falls back to them (src/github/issue.ts findIssueByMarker).
 */
function carriesOwnRecord(issue) {
    const writer = issue.user?.type === 'Bot' || WRITERS.includes(issue.author_association ?? '');
    if (!writer)
        return false;
    const record = (0,_record_js__WEBPACK_IMPORTED_MODULE_7__/* .parseReportRecord */ .tf)(issue.body ?? '');
    if (!record || !(0,_markers_js__WEBPACK_IMPORTED_MODULE_10__/* .hasMarker */ .xY)(issue.body, (0,_markers_js__WEBPACK_IMPORTED_MODULE_10__/* .issueMarker */ .Q_)(record.incidentId)))
        return false;
    return recordProblems(record, { anyTemplate: true }).length === 0;
}


/***/ }),

/***/ 65358:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Ym: () => (/* binding */ encodeRecord),
/* harmony export */   g_: () => (/* binding */ mergeRecord),
/* harmony export */   tf: () => (/* binding */ parseReportRecord)
/* harmony export */ });
/* harmony import */ var _incident_impact_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(73185);
/* harmony import */ var _incident_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(68629);
// The record a report carries, hidden at its end so that a re-run merges into it instead
// of starting over: encoded (canonical JSON in base64), parsed back field by field, and
// merged with a re-run. Pure: no I/O, no @actions/*.


const RECORD_RE = /<!-- release-rollback:record ([A-Za-z0-9+/=\s]*?) -->/g;
/** JSON with sorted keys, so equal records serialise to equal bytes however they were built. */
function canonicalJson(value) {
    return JSON.stringify(value, (_key, v) => v && typeof v === 'object' && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
        : v);
}
/** The record as a hidden HTML comment; base64, so a reason holding `-->` cannot end it early. */
function encodeRecord(r) {
    return `<!-- release-rollback:record ${Buffer.from(canonicalJson(r), 'utf8').toString('base64')} -->`;
}
const isString = (v) => typeof v === 'string';
const isOptString = (v) => v === undefined || isString(v);
const isStringMap = (v) => !!v && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every(isString);
const OUTCOMES = ['done', 'already', 'skipped', 'failed', 'planned'];
function validRun(v) {
    const o = v;
    return (!!o &&
        typeof o === 'object' &&
        isString(o.at) &&
        isString(o.status) &&
        isOptString(o.url) &&
        isOptString(o.actor) &&
        isOptString(o.trigger));
}
function validEvent(v) {
    const o = v;
    return (!!o &&
        typeof o === 'object' &&
        isString(o.at) &&
        isString(o.action) &&
        isString(o.detail) &&
        OUTCOMES.includes(o.outcome));
}
const isTime = (v) => isString(v) && !Number.isNaN(Date.parse(v));
const isMs = (v) => Number.isSafeInteger(v) && v >= 0;
const optional = (v, ok) => v === undefined || ok(v);
/** The impact rebuilt field by field, or undefined when it is malformed (the record keeps the rest). */
function impactOf(v) {
    const o = v;
    if (!o || typeof o !== 'object' || Array.isArray(o))
        return undefined;
    if (!isTime(o.startedAt) ||
        !optional(o.protectedAt, isTime) ||
        !optional(o.toProtectionMs, isMs) ||
        !optional(o.rtoMs, isMs))
        return undefined;
    if (!_incident_js__WEBPACK_IMPORTED_MODULE_1__/* .SEVERITIES */ .o.includes(o.severity) ||
        !['met', 'missed', 'none', 'open', 'unmeasured'].includes(o.verdict))
        return undefined;
    if (!Array.isArray(o.targets))
        return undefined;
    const targets = [];
    for (const t of o.targets) {
        if (!t ||
            typeof t !== 'object' ||
            !isString(t.name) ||
            !isString(t.channel) ||
            !isString(t.version) ||
            typeof t.onChannel !== 'boolean')
            return undefined;
        if (!['moved', 'already', 'open'].includes(t.state) ||
            !optional(t.publishedAt, isTime) ||
            !optional(t.movedAt, isTime) ||
            !optional(t.heldMs, isMs) ||
            !optional(t.downloads, isMs))
            return undefined;
        if (t.kind !== undefined && !['npm', 'docker', 'helm', 'git-tag'].includes(t.kind))
            return undefined;
        targets.push({
            kind: t.kind,
            name: t.name,
            channel: t.channel,
            version: t.version,
            state: t.state,
            onChannel: t.onChannel,
            publishedAt: t.publishedAt,
            movedAt: t.movedAt,
            heldMs: t.heldMs,
            downloads: t.downloads,
        });
    }
    if (!optional(o.resumedAt, isTime) || !optional(o.toResumeMs, isMs) || !optional(o.resumeToProtectionMs, isMs))
        return undefined;
    return {
        ...(o.resumedAt !== undefined ? { resumedAt: o.resumedAt } : {}),
        ...(o.toResumeMs !== undefined ? { toResumeMs: o.toResumeMs } : {}),
        ...(o.resumeToProtectionMs !== undefined ? { resumeToProtectionMs: o.resumeToProtectionMs } : {}),
        startedAt: o.startedAt,
        protectedAt: o.protectedAt,
        toProtectionMs: o.toProtectionMs,
        severity: o.severity,
        rtoMs: o.rtoMs,
        verdict: o.verdict,
        targets,
    };
}
const KINDS = ['npm', 'docker', 'helm', 'git-tag'];
/** A staged fix-forward version rebuilt field by field, or undefined when it is missing or malformed. */
function stagedOf(v) {
    const o = v;
    if (!o || typeof o !== 'object' || Array.isArray(o) || ![o.version, o.stageId, o.command].every(isString))
        return undefined;
    return { version: o.version, stageId: o.stageId, command: o.command };
}
/** A hand-off's plan rebuilt field by field, or undefined when it is missing or malformed. */
function handoffOf(v) {
    const o = v;
    if (!o || typeof o !== 'object' || Array.isArray(o))
        return undefined;
    if (!isTime(o.startedAt) || ![o.reason, o.registry, o.command].every(isString) || !isOptString(o.restoreAsked))
        return undefined;
    if (!Array.isArray(o.targets) || o.targets.length === 0)
        return undefined;
    const targets = [];
    for (const t of o.targets) {
        if (!t || typeof t !== 'object' || !KINDS.includes(t.kind))
            return undefined;
        if (![t.name, t.channel, t.restore].every(isString) || ![t.expected, t.deprecationMessage].every(isOptString))
            return undefined;
        targets.push({
            kind: t.kind,
            name: t.name,
            channel: t.channel,
            ...(t.expected !== undefined ? { expected: t.expected } : {}),
            restore: t.restore,
            ...(t.deprecationMessage !== undefined ? { deprecationMessage: t.deprecationMessage } : {}),
        });
    }
    return {
        startedAt: o.startedAt,
        reason: o.reason,
        registry: o.registry,
        ...(o.restoreAsked !== undefined ? { restoreAsked: o.restoreAsked } : {}),
        command: o.command,
        targets,
    };
}
/** The verification a record carries, rebuilt field by field; undefined when it is missing or malformed (the rest of the record still counts). */
function parseVerification(v) {
    if (!v || typeof v !== 'object' || Array.isArray(v))
        return undefined;
    const o = v;
    const out = {};
    const h = o.health;
    if (h !== undefined) {
        if (!h ||
            typeof h !== 'object' ||
            !isString(h.url) ||
            !isString(h.timeout) ||
            !Array.isArray(h.versions) ||
            !h.versions.every(isString))
            return undefined;
        if (![h.field, h.seenAt, h.reports].every(isOptString))
            return undefined;
        out.health = {
            url: h.url,
            field: h.field,
            versions: [...h.versions],
            timeout: h.timeout,
            seenAt: h.seenAt,
            reports: h.reports,
        };
    }
    if (o.installers !== undefined) {
        if (!Array.isArray(o.installers))
            return undefined;
        const rows = [];
        for (const r of o.installers) {
            if (!r ||
                typeof r !== 'object' ||
                ![r.name, r.channel, r.version, r.registry].every(isString) ||
                ![r.seenAt, r.holds, r.error].every(isOptString))
                return undefined;
            if (r.maxAgeSeconds !== undefined && !(Number.isSafeInteger(r.maxAgeSeconds) && r.maxAgeSeconds >= 0))
                return undefined;
            rows.push({
                name: r.name,
                channel: r.channel,
                version: r.version,
                registry: r.registry,
                seenAt: r.seenAt,
                holds: r.holds,
                maxAgeSeconds: r.maxAgeSeconds,
                error: r.error,
            });
        }
        out.installers = rows;
    }
    return out.health || out.installers ? out : undefined;
}
/**
 * A re-run's verification over the first one's: the state now, except that a check which
 * saw the same version before keeps the time it was first seen (so a re-run that sees
 * what the first run saw changes nothing).
 */
function mergeVerification(base, current) {
    if (!current)
        return base;
    const merged = JSON.parse(JSON.stringify(current));
    const bh = base?.health;
    if (merged.health &&
        bh?.seenAt &&
        bh.url === merged.health.url &&
        bh.field === merged.health.field &&
        bh.reports !== undefined &&
        merged.health.versions.includes(bh.reports)) {
        merged.health = { ...merged.health, seenAt: bh.seenAt, reports: bh.reports };
    }
    if (merged.installers) {
        merged.installers = merged.installers.map((row) => {
            const first = base?.installers?.find((b) => b.name === row.name && b.channel === row.channel && b.version === row.version && b.seenAt);
            return first ? { ...first } : row;
        });
    }
    return merged;
}
/** The record a report carries (the last one, if several), or undefined when it is missing, malformed or of another format. */
function parseReportRecord(markdown) {
    const match = [...markdown.matchAll(RECORD_RE)].pop();
    if (!match)
        return undefined;
    let o;
    try {
        o = JSON.parse(Buffer.from(match[1].replace(/\s+/g, ''), 'base64').toString('utf8'));
    }
    catch {
        return undefined;
    }
    if (!o || typeof o !== 'object' || Array.isArray(o) || o.format !== 1)
        return undefined;
    const strings = ['incidentId', 'packageName', 'channel', 'rollbackVersion', 'restoreVersion', 'reason'];
    if (!strings.every((k) => isString(o[k]) && o[k] !== ''))
        return undefined;
    if (!isOptString(o.previousVersion) ||
        !isOptString(o.deprecationMessage) ||
        !isOptString(o.deprecationSkipped) ||
        !isOptString(o.issueUrl) ||
        !isOptString(o.reportPath))
        return undefined;
    if (o.issueNumber !== undefined && !(Number.isSafeInteger(o.issueNumber) && o.issueNumber > 0))
        return undefined;
    if (!isStringMap(o.tagsBefore) || !isStringMap(o.tagsAfter))
        return undefined;
    if (!_incident_js__WEBPACK_IMPORTED_MODULE_1__/* .SEVERITIES */ .o.includes(o.severity) ||
        (o.strategy !== 'retag' && o.strategy !== 'republish'))
        return undefined;
    if (!Array.isArray(o.runs) || !o.runs.every(validRun))
        return undefined;
    if (!Array.isArray(o.timeline) || !o.timeline.every(validEvent))
        return undefined;
    if (!Array.isArray(o.warnings) || !o.warnings.every(isString))
        return undefined;
    // rebuilt field by field: nothing unknown travels on
    const record = {
        format: 1,
        incidentId: o.incidentId,
        packageName: o.packageName,
        channel: o.channel,
        rollbackVersion: o.rollbackVersion,
        restoreVersion: o.restoreVersion,
        previousVersion: o.previousVersion,
        deprecationMessage: o.deprecationMessage,
        deprecationBefore: typeof o.deprecationBefore === 'string' ? o.deprecationBefore : undefined,
        ...(isString(o.deprecationSkipped) ? { deprecationSkipped: o.deprecationSkipped } : {}),
        tagsBefore: { ...o.tagsBefore },
        tagsAfter: { ...o.tagsAfter },
        severity: o.severity,
        reason: o.reason,
        strategy: o.strategy,
        republishedVersion: typeof o.republishedVersion === 'string' ? o.republishedVersion : undefined,
        target: o.target === 'docker' || o.target === 'helm' || o.target === 'git-tag' ? o.target : undefined,
        packages: Array.isArray(o.packages)
            ? o.packages.map((p) => ({
                name: String(p.name),
                ...(typeof p.kind === 'string' && ['npm', 'docker', 'helm', 'git-tag'].includes(p.kind)
                    ? { kind: p.kind }
                    : {}),
                ...(typeof p.channel === 'string' ? { channel: p.channel } : {}),
                previousVersion: typeof p.previousVersion === 'string' ? p.previousVersion : undefined,
                restoreVersion: typeof p.restoreVersion === 'string' ? p.restoreVersion : undefined,
                ...(typeof p.deprecationMessage === 'string' ? { deprecationMessage: p.deprecationMessage } : {}),
                ...(typeof p.deprecationBefore === 'string' ? { deprecationBefore: p.deprecationBefore } : {}),
                outcome: String(p.outcome),
            }))
            : undefined,
        runs: o.runs.map((r) => ({
            url: r.url,
            at: r.at,
            status: r.status,
            actor: r.actor,
            trigger: r.trigger,
        })),
        timeline: o.timeline.map((e) => ({
            at: e.at,
            action: e.action,
            outcome: e.outcome,
            detail: e.detail,
        })),
        warnings: [...o.warnings],
        issueNumber: o.issueNumber,
        issueUrl: o.issueUrl,
        reportPath: o.reportPath,
        impact: impactOf(o.impact),
        verification: parseVerification(o.verification),
        handoff: handoffOf(o.handoff),
        staged: stagedOf(o.staged),
    };
    return JSON.parse(JSON.stringify(record)); // drops the undefined fields
}
// ---------------------------------------------------------------------------------------
// Merging a re-run into the record
const eventKey = (e) => JSON.stringify([e.at, e.action, e.outcome, e.detail]);
const runKey = (r) => JSON.stringify([r.url ?? '', r.at]);
const wroteSomething = (e) => e.outcome === 'done' || e.outcome === 'failed';
/**
 * A re-run merged into what the report already records.
 *
 * - The first run's `previousVersion` and `tagsBefore` stay: they are the state before
 *   the incident was handled. `tagsAfter`, `deprecationMessage`, `severity`, `reason` and
 *   `warnings` come from the re-run (the state now); `restoreVersion` and `incidentId` too,
 *   so a re-run with a corrected restore version updates the report. `issueNumber`,
 *   `issueUrl` and `reportPath` come from the re-run when it has them.
 * - `verification` comes from the re-run, except that a check which saw the same version
 *   before keeps the time it was first seen.
 * - Only events that wrote or failed (`done`, `failed`) are appended to the timeline; an
 *   `already`, `skipped` or `planned` event from a re-run adds nothing. Identical events
 *   are not repeated; runs already listed (same url and time) are not repeated.
 * - **No-op rule**: a re-run whose runs all ended `already-done`, that has no `done` or
 *   `failed` event, and that changes none of the fields above adds nothing at all, not
 *   even a run entry. The report then renders byte-identical and the caller can skip the
 *   commit. (A re-run that changes a field, such as the severity, is listed as a run so the
 *   report's changed content is explained.)
 * - `impact`: the first run's figures stay (its start, each target it measured, downloads
 *   counted once); a target it left not rolled back takes the re-run's figures, and the
 *   target and verdict follow the re-run's severity (mergeImpact).
 * - A record for another package, channel or bad version (a report path collision) is not
 *   merged: the current record is returned as it is.
 */
function mergeRecord(existing, current) {
    const copy = (r) => JSON.parse(JSON.stringify(r));
    if (existing === undefined ||
        existing.packageName !== current.packageName ||
        existing.channel !== current.channel ||
        existing.rollbackVersion !== current.rollbackVersion) {
        return copy(current);
    }
    const base = copy(existing);
    // what the first run replaced stays in its row (an undo's row, even a failed one, must keep it for the re-run)
    const withBefore = (row) => {
        const before = row.deprecationBefore ?? base.packages?.find((b) => b.name === row.name)?.deprecationBefore;
        return before === undefined ? row : { ...row, deprecationBefore: before };
    };
    const carried = {
        ...base,
        incidentId: current.incidentId,
        target: current.target,
        strategy: current.strategy,
        republishedVersion: current.republishedVersion ?? base.republishedVersion,
        // per package: a re-run's "already" keeps the row that says what actually happened
        packages: current.packages?.map((row) => row.outcome === 'already' ? (base.packages?.find((b) => b.name === row.name) ?? row) : withBefore(row)) ?? base.packages,
        restoreVersion: current.restoreVersion,
        tagsAfter: { ...current.tagsAfter },
        deprecationMessage: current.deprecationMessage,
        // what the first run replaced stays (a re-run finds its own message there)
        deprecationBefore: base.deprecationBefore ?? current.deprecationBefore,
        deprecationSkipped: current.deprecationSkipped,
        severity: current.severity,
        reason: current.reason,
        warnings: [...current.warnings],
        issueNumber: current.issueNumber ?? base.issueNumber,
        issueUrl: current.issueUrl ?? base.issueUrl,
        reportPath: current.reportPath ?? base.reportPath,
        impact: (0,_incident_impact_js__WEBPACK_IMPORTED_MODULE_0__/* .mergeImpact */ .n3)(base.impact, current.impact),
        verification: mergeVerification(base.verification, current.verification),
        // the plan the first hand-off left stays: a resume performs exactly it
        handoff: base.handoff ?? current.handoff,
        // staged: the state now (a run after the approval finds the fix live and drops it)
        staged: current.staged,
    };
    if (carried.handoff === undefined)
        delete carried.handoff;
    if (carried.staged === undefined)
        delete carried.staged;
    if (carried.deprecationMessage === undefined)
        delete carried.deprecationMessage;
    if (carried.deprecationBefore === undefined)
        delete carried.deprecationBefore;
    if (carried.deprecationSkipped === undefined)
        delete carried.deprecationSkipped;
    if (carried.impact === undefined)
        delete carried.impact;
    if (carried.verification === undefined)
        delete carried.verification;
    const knownRuns = new Set(base.runs.map(runKey));
    const newRuns = current.runs.filter((r) => !knownRuns.has(runKey(r)));
    const knownEvents = new Set(base.timeline.map(eventKey));
    const newEvents = current.timeline.filter((e) => wroteSomething(e) && !knownEvents.has(eventKey(e)));
    const noop = newRuns.every((r) => r.status === 'already-done') &&
        newEvents.length === 0 &&
        canonicalJson(carried) === canonicalJson(base);
    if (noop)
        return carried;
    const seen = new Set();
    carried.runs = [...base.runs, ...newRuns.map((r) => ({ ...r }))];
    carried.timeline = [...base.timeline, ...newEvents.map((e) => ({ ...e }))].filter((e) => !seen.has(eventKey(e)) && !!seen.add(eventKey(e)));
    return carried;
}


/***/ }),

/***/ 76295:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $: () => (/* binding */ recordedIncident),
/* harmony export */   q: () => (/* binding */ undoInputs)
/* harmony export */ });
/* harmony import */ var semver__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(62088);
/* harmony import */ var semver__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(semver__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _core_settings_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(51922);
/* harmony import */ var _core_errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(74296);
/* harmony import */ var _config_inputs_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(64389);
// Undo by incident id: the incident record (the committed report, or the tracking issue)
// read back into what an undo needs - every target with the version its channel held when
// the incident found it, what the rollback wrote there and the deprecation message it
// wrote - and the inputs of an undo built from it. Pure: no I/O, no @actions/*.




/** What an undo needs of an incident's record: one entry per target the rollback planned. */
function recordedIncident(r, source) {
    const restore = semver__WEBPACK_IMPORTED_MODULE_0___default().valid(r.restoreVersion) ? r.restoreVersion : undefined;
    const republish = r.strategy === 'republish';
    const targets = [];
    const notAffected = [];
    if (r.packages && r.packages.length > 0) {
        // a record written before rows carried their own message: the incident's one message is
        // each npm row's only when every npm row's message names the same version on the same channel
        const npmRows = r.packages.filter((p) => (p.kind ?? 'npm') === 'npm');
        const oneMessage = new Set(npmRows.map((p) => `${p.restoreVersion}\0${p.channel ?? r.channel}`)).size === 1
            ? r.deprecationMessage
            : undefined;
        for (const p of r.packages) {
            // a row without a restore version was never planned (not affected, skipped, refused): the rollback wrote nothing there
            if (p.restoreVersion === undefined) {
                if (p.outcome === 'not-affected' && (p.kind ?? 'npm') === 'npm')
                    notAffected.push(p.name);
                continue;
            }
            const kind = p.kind ?? 'npm';
            targets.push({
                kind,
                name: p.name,
                channel: p.channel ?? r.channel,
                previousVersion: p.previousVersion,
                wrote: p.restoreVersion,
                restoreVersion: republish ? (restore ?? p.restoreVersion) : p.restoreVersion,
                deprecationMessage: p.deprecationMessage ?? (kind === 'npm' ? oneMessage : undefined),
                ...(p.deprecationBefore !== undefined ? { deprecationBefore: p.deprecationBefore } : {}),
            });
        }
    }
    else {
        targets.push({
            kind: r.target ?? 'npm',
            name: r.packageName,
            channel: r.channel,
            previousVersion: r.previousVersion,
            // while the fix is staged, the channel was pointed at the restore version (the fix is not live)
            wrote: r.staged ? r.restoreVersion : (r.republishedVersion ?? r.restoreVersion),
            restoreVersion: r.restoreVersion,
            deprecationMessage: r.deprecationMessage,
            ...(r.deprecationBefore !== undefined ? { deprecationBefore: r.deprecationBefore } : {}),
        });
    }
    return {
        incidentId: r.incidentId,
        rollbackVersion: r.rollbackVersion,
        channel: r.channel,
        source,
        targets,
        ...(r.reportPath ? { reportPath: r.reportPath } : {}),
        ...(notAffected.length > 0 ? { notAffected } : {}),
    };
}
const specOf = (t) => `${t.kind}:${t.name}`;
/**
 * The inputs of an undo by incident id: the targets, channel, versions and strategy of the
 * record, with `recorded` for the planner. An input given together with incident-id that
 * contradicts the record is refused, naming that input; nothing else is needed.
 */
function undoInputs(inputs, record, source) {
    const by = inputs.undoById;
    if (!by)
        throw new Error('internal: undoInputs without incident-id');
    const rec = recordedIncident(record, source);
    const id = by.incidentId;
    const id_ = (0,_core_settings_js__WEBPACK_IMPORTED_MODULE_1__/* .settingName */ .QX)('incident-id');
    const leave = (input) => `${(0,_core_settings_js__WEBPACK_IMPORTED_MODULE_1__/* .currentDialect */ .kZ)() === 'action' ? `leave ${input} empty` : `leave out ${(0,_core_settings_js__WEBPACK_IMPORTED_MODULE_1__/* .settingName */ .QX)(input)}`} (with ${id_} the record names the versions and targets), or check that ${id_} is the incident you mean to undo.`;
    const given = by.given;
    if (given.rollbackVersion !== undefined && given.rollbackVersion !== rec.rollbackVersion) {
        throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .InputError */ .dz('rollback-version', `is ${given.rollbackVersion}, but incident ${id} (${source}) rolled back ${rec.rollbackVersion}.`, leave('rollback-version'));
    }
    if (given.restoreVersion !== undefined && given.restoreVersion !== record.restoreVersion) {
        throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .InputError */ .dz('restore-version', `is ${given.restoreVersion}, but incident ${id} (${source}) restored ${record.restoreVersion}.`, leave('restore-version'));
    }
    if (given.channel !== undefined && given.channel !== rec.channel) {
        throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .InputError */ .dz('channel', `is ${given.channel}, but incident ${id} (${source}) was on '${rec.channel}'.`, leave('channel'));
    }
    if (given.strategy !== undefined && given.strategy !== record.strategy) {
        throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .InputError */ .dz('strategy', `is ${given.strategy}, but incident ${id} (${source}) used ${record.strategy}.`, leave('strategy'));
    }
    if (rec.targets.length === 0) {
        throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .InputError */ .dz('incident-id', `names incident ${id} (${source}), whose record holds no target the rollback changed: there is nothing to undo.`, "check the incident id (the rollback's, shown in its tracking issue and report).");
    }
    if (given.targets !== undefined) {
        const want = [...new Set(given.targets.targets.map(specOf))].sort();
        const have = [
            ...new Set([...rec.targets.map(specOf), ...(rec.notAffected ?? []).map((name) => `npm:${name}`)]),
        ].sort();
        if (want.join('\n') !== have.join('\n')) {
            throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .InputError */ .dz(given.targets.input, `names ${want.join(', ')}, but incident ${id} (${source}) rolled back ${have.join(', ')}.`, leave(given.targets.input));
        }
    }
    // the packages that lacked the bad version come along as they did (not affected again), so the undo's report is the rollback's
    const specs = [
        ...rec.targets.map((t) => ({ kind: t.kind, name: t.name })),
        ...(rec.notAffected ?? []).map((name) => ({ kind: 'npm', name })),
    ];
    const kinds = new Set(specs.map((s) => s.kind));
    const target = (0,_config_inputs_js__WEBPACK_IMPORTED_MODULE_3__/* .mainKind */ .YY)(kinds);
    // npm writes need a token, or the job's ID token for trusted publishing (readInputs saw whether the runner offers one)
    if (kinds.has('npm') && !inputs.dryRun && !inputs.npmOidc)
        (0,_config_inputs_js__WEBPACK_IMPORTED_MODULE_3__/* .requireNpmToken */ .w4)(inputs.npmToken);
    const npmNames = specs.filter((s) => s.kind === 'npm').map((s) => s.name);
    return {
        ...inputs,
        target,
        targets: specs,
        packageName: specs[0].name,
        packageNames: npmNames.length > 0 ? npmNames : [specs[0].name],
        fromWorkspaces: (rec.notAffected ?? []).length > 0,
        rollbackVersion: rec.rollbackVersion,
        restoreVersion: semver__WEBPACK_IMPORTED_MODULE_0___default().valid(record.restoreVersion) ? record.restoreVersion : undefined,
        channel: rec.channel,
        reason: inputs.reason || record.reason,
        strategy: record.strategy,
        deprecate: inputs.deprecate && kinds.has('npm'),
        ...(inputs.npmOidc && kinds.has('npm') ? { npmOidc: true } : { npmOidc: undefined }),
        recorded: rec,
    };
}


/***/ })

};
