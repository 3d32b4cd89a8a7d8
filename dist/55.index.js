export const id = 55;
export const ids = [55,750];
export const modules = {

/***/ 18750:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   createGitHubClient: () => (/* binding */ createGitHubClient),
/* harmony export */   ghMessage: () => (/* reexport safe */ _refs_js__WEBPACK_IMPORTED_MODULE_0__.Xt),
/* harmony export */   ghStatus: () => (/* reexport safe */ _refs_js__WEBPACK_IMPORTED_MODULE_0__.e8),
/* harmony export */   repoRef: () => (/* reexport safe */ _refs_js__WEBPACK_IMPORTED_MODULE_0__.sA)
/* harmony export */ });
/* harmony import */ var _octokit_plugin_retry__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(82743);
/* harmony import */ var _octokit_plugin_throttling__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(34808);
/* harmony import */ var _octokit_rest__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(73924);
/* harmony import */ var _refs_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(65403);
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

/***/ 1514:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   CD: () => (/* binding */ WORKFLOW_BOT),
/* harmony export */   PJ: () => (/* binding */ ensureTrackingIssue),
/* harmony export */   ad: () => (/* binding */ isAuthor),
/* harmony export */   iT: () => (/* binding */ findIssueByMarker),
/* harmony export */   sX: () => (/* binding */ tokenIdentity)
/* harmony export */ });
/* harmony import */ var _client_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(18750);
/* harmony import */ var _markers_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(87210);


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
            if (i.pull_request || !(0,_markers_js__WEBPACK_IMPORTED_MODULE_1__/* .hasMarker */ .xY)(i.body, marker))
                continue;
            found.push({
                number: i.number,
                url: i.html_url,
                open: i.state === 'open',
                user: i.user ? { login: i.user.login, type: i.user.type } : undefined,
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
 */
async function findIssueByMarker(gh, repo, label, marker, recorded, adoptRecordedBot = false) {
    const candidates = await issuesByMarker(gh, repo, label, marker);
    if (candidates.length === 0)
        return undefined;
    const me = await tokenIdentity(gh);
    const first = candidates.find((i) => isAuthor(i.user, me)) ??
        (me.assumed || adoptRecordedBot
            ? candidates.find((i) => i.number === recorded && i.user?.type === 'Bot' && i.user.login.endsWith('[bot]'))
            : undefined);
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
    if (comments.some((c) => (0,_markers_js__WEBPACK_IMPORTED_MODULE_1__/* .hasMarker */ .xY)(c.body, req.runMarker)))
        return false;
    await gh.rest.issues.createComment({ ...repo, issue_number: issueNumber, body: req.comment, request: { retries: 0 } });
    return true;
}


/***/ }),

/***/ 87210:
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

/***/ 24196:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Ym: () => (/* binding */ encodeRecord),
/* harmony export */   g_: () => (/* binding */ mergeRecord),
/* harmony export */   tf: () => (/* binding */ parseReportRecord)
/* harmony export */ });
/* harmony import */ var _incident_impact_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(69294);
/* harmony import */ var _incident_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(38927);
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


/***/ })

};
