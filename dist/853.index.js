export const id = 853;
export const ids = [853,876];
export const modules = {

/***/ 62745:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   TA: () => (/* binding */ readFile),
/* harmony export */   W$: () => (/* binding */ commitReport)
/* harmony export */ });
/* unused harmony export PR_SETTING */
/* harmony import */ var _client_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(61831);

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
        if ((0,_client_js__WEBPACK_IMPORTED_MODULE_0__/* .ghStatus */ .e8)(e) === 404)
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
                ...(existing ? { sha: existing.sha } : {}),
            });
            return { outcome: existing ? 'updated' : 'created', url: data.content?.html_url ?? '' };
        }
        catch (e) {
            const status = (0,_client_js__WEBPACK_IMPORTED_MODULE_0__/* .ghStatus */ .e8)(e);
            if ((status === 409 || status === 422 || status === 403) && PROTECTED.test((0,_client_js__WEBPACK_IMPORTED_MODULE_0__/* .ghMessage */ .Xt)(e)))
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
        const { data } = await gh.rest.pulls.create({
            ...repo,
            head: req.fallbackBranch,
            base: req.branch,
            title: req.pullRequest.title,
            body: req.pullRequest.body,
            request: { retries: 0 },
        });
        return { ...result, pullRequestUrl: data.html_url };
    }
    catch (e) {
        const status = (0,_client_js__WEBPACK_IMPORTED_MODULE_0__/* .ghStatus */ .e8)(e);
        if (status === 422 && /already exists/i.test((0,_client_js__WEBPACK_IMPORTED_MODULE_0__/* .ghMessage */ .Xt)(e))) {
            const again = await gh.rest.pulls.list({ ...repo, head, base: req.branch, state: 'open', per_page: 10 });
            if (again.data.length > 0)
                return { ...result, pullRequestUrl: again.data[0].html_url };
        }
        if (status === 403) {
            const message = (0,_client_js__WEBPACK_IMPORTED_MODULE_0__/* .ghMessage */ .Xt)(e);
            const fix = /not permitted to create or approve pull requests/i.test(message)
                ? `enable ${PR_SETTING} (in an organization, allow it in the organization's Actions settings first)`
                : `give the job pull-requests: write (for the workflow token, also enable ${PR_SETTING})`;
            return {
                ...result,
                pullRequestRefused: `GitHub refused to open it (${message}). To fix: ${fix}, then re-run: the re-run opens the pull request from ${req.fallbackBranch} without committing again. Or open it from ${req.fallbackBranch} by hand.`,
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
        if ((0,_client_js__WEBPACK_IMPORTED_MODULE_0__/* .ghStatus */ .e8)(e) !== 404)
            throw e;
    }
    const base = await gh.rest.git.getRef({ ...repo, ref: `heads/${from}` });
    try {
        await gh.rest.git.createRef({ ...repo, ref: `refs/heads/${branch}`, sha: base.data.object.sha });
    }
    catch (e) {
        if (!((0,_client_js__WEBPACK_IMPORTED_MODULE_0__/* .ghStatus */ .e8)(e) === 422 && /already exists/i.test((0,_client_js__WEBPACK_IMPORTED_MODULE_0__/* .ghMessage */ .Xt)(e))))
            throw e;
    }
}


/***/ }),

/***/ 3876:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $Y: () => (/* binding */ drillReportPath),
/* harmony export */   Fv: () => (/* binding */ whatWouldBreak),
/* harmony export */   Rq: () => (/* binding */ drillIssueTitle),
/* harmony export */   dn: () => (/* binding */ renderDrillComment),
/* harmony export */   jv: () => (/* binding */ renderDrillIssue),
/* harmony export */   pM: () => (/* binding */ DRILL_MARKER),
/* harmony export */   renderDrillReport: () => (/* binding */ renderDrillReport)
/* harmony export */ });
/* harmony import */ var _core_markdown_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(16706);
/* harmony import */ var _core_settings_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(51922);
// The drill's record: the committed report (incidents/drills/<date>.md), the issue a
// failed drill opens, and its comments. Pure: no I/O.


/** The hidden marker by which every drill finds the one drill issue. */
const DRILL_MARKER = '<!-- release-rollback:drill -->';
/** incidents/drills/2026-11-29.md */
function drillReportPath(reportDir, startedAt) {
    return `${reportDir}/drills/${startedAt.slice(0, 10)}.md`;
}
const MARK = { passed: '✅ passed', failed: '❌ failed', skipped: '➖ skipped' };
/** What would break, one line per failed check (plain text: the renderers make it inert). */
function whatWouldBreak(record) {
    return record.checks
        .filter((c) => c.outcome === 'failed')
        .map((c) => `${c.subject}: ${c.check}${c.input ? ` (${(0,_core_settings_js__WEBPACK_IMPORTED_MODULE_0__/* .settingName */ .QX)(c.input)})` : ''}: ${c.detail}`);
}
function table(checks) {
    return [
        '| Target | Check | Outcome | Time | Detail |',
        '| --- | --- | --- | --- | --- |',
        ...checks.map((c) => `| ${(0,_core_markdown_js__WEBPACK_IMPORTED_MODULE_1__/* .inert */ .tJ)(c.subject)} | ${(0,_core_markdown_js__WEBPACK_IMPORTED_MODULE_1__/* .inert */ .tJ)(c.check)} | ${MARK[c.outcome]} | ${c.ms} ms | ${(0,_core_markdown_js__WEBPACK_IMPORTED_MODULE_1__/* .inert */ .tJ)(c.input ? `${(0,_core_settings_js__WEBPACK_IMPORTED_MODULE_0__/* .settingName */ .QX)(c.input)}: ${c.detail}` : c.detail)} |`),
    ];
}
/** The committed report of one day's drill (a second drill the same day replaces it). */
function renderDrillReport(record) {
    const lines = [
        `# Rollback drill ${record.startedAt.slice(0, 10)}: ${record.status === 'drill-passed' ? 'passed' : 'failed'}`,
        '',
        `- Started: ${record.startedAt}`,
        `- Repository: ${record.repository || '(local)'}`,
        ...(record.runUrl ? [`- Run: ${record.runUrl}`] : []),
        `- Channel: ${record.channel}`,
        '',
        'A drill proves that a rollback would work now, without changing what anyone installs: the credentials of every target, a harmless write where the target has one (npm: a dist-tag of its own, `release-rollback-drill-<random>`, added and removed), and a last known good version to go back to.',
        '',
        '## Checks',
        '',
        ...table(record.checks),
    ];
    const broken = whatWouldBreak(record);
    if (broken.length > 0)
        lines.push('', '## What would break', '', ...broken.map((b) => `- ${(0,_core_markdown_js__WEBPACK_IMPORTED_MODULE_1__/* .inert */ .tJ)(b)}`));
    if (record.warnings.length > 0)
        lines.push('', '## Warnings', '', ...record.warnings.map((w) => `- ${(0,_core_markdown_js__WEBPACK_IMPORTED_MODULE_1__/* .inert */ .tJ)(w)}`));
    return `${lines.join('\n')}\n`;
}
function drillIssueTitle() {
    return 'Rollback drill failed: a rollback would not work right now';
}
/** The drill issue's body (the marker finds it again). */
function renderDrillIssue(record, reportUrl) {
    return [
        DRILL_MARKER,
        `The rollback drill of ${record.startedAt} failed: a rollback run now would break here.`,
        '',
        ...whatWouldBreak(record).map((b) => `- ${(0,_core_markdown_js__WEBPACK_IMPORTED_MODULE_1__/* .inert */ .tJ)(b)}`),
        '',
        ...(record.runUrl ? [`Run: ${record.runUrl}`] : []),
        ...(reportUrl ? [`Report: ${reportUrl}`] : []),
        '',
        'Fix each one (a new token in the repository secret, a version to restore), then run the drill again; close this issue once it passes.',
    ].join('\n');
}
/** A later drill's comment on the drill issue. */
function renderDrillComment(record, runMarker, reportUrl) {
    const head = record.status === 'drill-passed'
        ? `Drill passed (${record.startedAt}): every check passed. Close this issue when you are satisfied.`
        : `Drill failed again (${record.startedAt}):`;
    return [
        runMarker,
        head,
        '',
        ...whatWouldBreak(record).map((b) => `- ${(0,_core_markdown_js__WEBPACK_IMPORTED_MODULE_1__/* .inert */ .tJ)(b)}`),
        ...(record.runUrl ? ['', `Run: ${record.runUrl}`] : []),
        ...(reportUrl ? [`Report: ${reportUrl}`] : []),
    ].join('\n');
}


/***/ }),

/***/ 83853:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   runDrill: () => (/* binding */ runDrill)
/* harmony export */ });
/* harmony import */ var _github_urls_js__WEBPACK_IMPORTED_MODULE_10__ = __webpack_require__(15945);
/* harmony import */ var _core_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(74296);
/* harmony import */ var _github_issue_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(43432);
/* harmony import */ var _github_markers_js__WEBPACK_IMPORTED_MODULE_9__ = __webpack_require__(23400);
/* harmony import */ var _github_refs_js__WEBPACK_IMPORTED_MODULE_8__ = __webpack_require__(99081);
/* harmony import */ var _github_report_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(62745);
/* harmony import */ var _core_plan_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(18958);
/* harmony import */ var _targets_npm_probe_tag_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(89851);
/* harmony import */ var _drill_report_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(3876);
/* harmony import */ var _core_settings_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(51922);
/* harmony import */ var _targets_registry_js__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(94951);
// The rollback drill (drill: true): proves, without changing what anyone installs, that a
// rollback would work right now. Per target: its credentials (checkAccess), a harmless
// write where the adapter has one (probeWrite: npm's dist-tag release-rollback-drill-<machine>-<pid>-<random>, added
// and removed), and a last known good to go back to (the planner on what the channel holds).
// Then the GitHub token: the repository readable and, where GitHub lists them, push
// permission. The report is committed through the incident report's Contents-API path; a
// failed drill opens (or comments on) ONE issue found by its hidden marker.











/** A credential that expires sooner than this is warned about (npm write tokens: 7 days by default, 90 at most). */
const EXPIRY_WARNING_DAYS = 14;
/** The input that holds the kind's credentials, for failures that do not name one. */
const credentialOf = (kind) => (0,_targets_registry_js__WEBPACK_IMPORTED_MODULE_7__/* .kindOf */ .I)(kind).credential;
function inputOf(e, kind) {
    if (e instanceof _core_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .CapabilityError */ .Rx)
        return 'registry';
    if (e instanceof _core_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz)
        return e.input;
    const status = e.statusCode ?? (0,_github_refs_js__WEBPACK_IMPORTED_MODULE_8__/* .ghStatus */ .e8)(e);
    if (e instanceof _core_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .RegistryError */ .gl && (status === 401 || status === 403))
        return credentialOf(kind);
    if (status === 401 || status === 403)
        return credentialOf(kind);
    return undefined;
}
async function timed(check, subject, fn, input) {
    const start = Date.now();
    try {
        const detail = await fn();
        return { check, subject, outcome: 'passed', detail, ms: Date.now() - start };
    }
    catch (e) {
        const found = input(e);
        return {
            check,
            subject,
            outcome: 'failed',
            detail: (0,_core_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .errorMessage */ .gJ)(e),
            ...(found ? { input: found } : {}),
            ms: Date.now() - start,
        };
    }
}
/** One target's checks: credentials, the harmless write, the last known good. */
async function drillTarget(req, t, log, warnings) {
    const subject = `${t.kind}:${t.name}`;
    const checks = [];
    const byKind = (e) => inputOf(e, t.kind);
    checks.push(await timed('credentials', subject, async () => {
        await t.target.checkAccess();
        const expiry = t.target.tokenExpiry ? await t.target.tokenExpiry() : undefined;
        if (expiry?.expires !== undefined) {
            const days = (Date.parse(expiry.expires) - Date.now()) / 86_400_000;
            // npm's write tokens last 7 days by default and 90 at most (github.blog changelog 2025-09-29):
            // a token that expires before the next scheduled drills is the rollback's to lose
            if (days < EXPIRY_WARNING_DAYS)
                warnings.push(`${subject}: ${(0,_core_settings_js__WEBPACK_IMPORTED_MODULE_6__/* .settingName */ .QX)(credentialOf(t.kind))} expires ${expiry.expires} (in ${Math.max(0, Math.floor(days))} day(s)): a rollback after that fails. Create a new granular access token (npm's write tokens last 7 days by default, 90 at most) and replace it before then.`);
        }
        return `${(0,_targets_registry_js__WEBPACK_IMPORTED_MODULE_7__/* .kindOf */ .I)(t.kind).words.accessProven()}${expiry ? ` Expiry: ${expiry.said}.` : ''}`;
    }, byKind));
    let holds;
    checks.push(await timed('last known good', subject, async () => {
        const state = await t.target.inspect();
        const gate = (0,_core_plan_js__WEBPACK_IMPORTED_MODULE_3__/* .circuitBreaker */ .sL)(state, t.channel, req.rollbackVersion);
        if (!gate.proceed)
            throw new Error(gate.reason);
        holds = state.distTags[t.channel];
        const plan = (0,_core_plan_js__WEBPACK_IMPORTED_MODULE_3__/* .planRollback */ .II)({ ...req, packageName: t.name, channel: t.channel, rollbackVersion: gate.rollbackVersion, deprecate: false }, state);
        return `'${t.channel}' holds ${gate.rollbackVersion}; a rollback would restore ${plan.restoreVersion}.`;
    }, (e) => (e instanceof _core_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz ? e.input : undefined)));
    const write = await writeCheck(req, t, subject, holds, warnings);
    if (write)
        checks.push(write);
    t.target.forget?.();
    for (const c of checks)
        (c.outcome === 'failed' ? log.warning : log.info)(`Drill: ${subject}: ${c.check}: ${c.outcome} (${c.ms} ms): ${c.detail}`);
    return checks;
}
/** The harmless write, where the adapter has one (probeWrite), on the version the channel holds. */
async function writeCheck(req, t, subject, holds, warnings) {
    if (!t.target.probeWrite)
        return undefined;
    const target = t.target;
    if (holds === undefined)
        return { check: 'write', subject, outcome: 'skipped', detail: `'${t.channel}' holds no version to tag.`, ms: 0 };
    const version = holds;
    return timed('write', subject, async () => {
        // the rollback's own preflight, always with the harmless write: a registry that cannot
        // move the channel fails here by name; one without deprecate is a warning (a rollback
        // would still move the channel)
        const r = target.capabilities
            ? await target.capabilities(t.channel, version, {
                move: true,
                probe: 'always',
                republish: req.strategy === 'republish',
            })
            : {
                ...(await target.probeWrite(version)),
                cannotRetire: undefined,
            };
        warnings.push(...r.warnings.map((w) => `${subject}: ${w}`));
        if (r.cannotRetire)
            warnings.push(`${subject}: ${r.cannotRetire}: a rollback would move '${t.channel}' but could not deprecate the bad version (deprecated=false).`);
        return `a dist-tag of its own ('release-rollback-drill-<random>') was added on ${version}, read back, removed and confirmed gone.`;
    }, (e) => inputOf(e, t.kind));
}
/** The GitHub token: the repository readable, and push permission where GitHub lists it. */
async function drillGitHub(gh, ctx) {
    let defaultBranch;
    const check = await timed('repository access', 'github', async () => {
        let data;
        try {
            ;
            ({ data } = await gh.rest.repos.get({ ...(0,_github_refs_js__WEBPACK_IMPORTED_MODULE_8__/* .repoRef */ .sA)(ctx.repository) }));
        }
        catch (e) {
            const status = (0,_github_refs_js__WEBPACK_IMPORTED_MODULE_8__/* .ghStatus */ .e8)(e);
            if (status === 401)
                throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz('github-token', 'was rejected by GitHub (401 Bad credentials).', 'pass a valid token.');
            if (status === 403 || status === 404)
                throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz('github-token', `cannot read the repository ${ctx.repository} (${status}).`, 'give the job contents: write and issues: write.');
            throw e;
        }
        defaultBranch = data.default_branch;
        // the workflow token's permissions are not listed: the commit below proves them
        if (data.permissions && data.permissions.push === false)
            throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz('github-token', `may not push to ${ctx.repository} (GitHub lists no push permission), so the incident report could not be committed.`, 'give the job contents: write.');
        return data.permissions
            ? `the repository is readable; GitHub lists push${data.permissions.triage ? ' and triage' : ''} permission.`
            : 'the repository is readable (GitHub lists no permissions for this token: the commit of this report proves them).';
    }, () => 'github-token');
    return { check, defaultBranch };
}
/** Commits the drill's report (gi.commitReport); what failed goes to result.missing. */
async function recordReport(gh, repo, gi, record, result, startedAt, defaultBranch, log) {
    const path = (0,_drill_report_js__WEBPACK_IMPORTED_MODULE_5__/* .drillReportPath */ .$Y)(gi.reportDir, startedAt);
    const branch = gi.reportBranch ?? defaultBranch;
    try {
        const commit = await (0,_github_report_js__WEBPACK_IMPORTED_MODULE_2__/* .commitReport */ .W$)(gh, repo, {
            branch,
            path,
            render: () => (0,_drill_report_js__WEBPACK_IMPORTED_MODULE_5__.renderDrillReport)(record),
            message: `Rollback drill ${startedAt.slice(0, 10)}: ${record.status === 'drill-passed' ? 'passed' : 'failed'} [skip ci]`,
            fallbackBranch: `rollback/drill-${startedAt.slice(0, 10)}`,
            pullRequest: {
                title: `Rollback drill ${startedAt.slice(0, 10)}`,
                body: `The report of the rollback drill of ${startedAt}.`,
            },
        }, log);
        result.reportPath = path;
        result.reportUrl = commit.url;
        if (commit.pullRequestRefused)
            result.missing.push(`the drill report's pull request: ${commit.pullRequestRefused}`);
    }
    catch (e) {
        result.missing.push(`the drill report (${path}): ${(0,_core_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .errorMessage */ .gJ)(e)}`);
    }
}
/** Opens (or comments on) the drill issue of a failed drill; says so on an open one when it passes. */
async function recordIssue(gh, repo, gi, record, result, ctx, log) {
    const label = gi.labels[0];
    const marker = (0,_github_markers_js__WEBPACK_IMPORTED_MODULE_9__/* .runMarker */ .qW)(ctx);
    try {
        if (record.status === 'drill-failed') {
            const issue = await (0,_github_issue_js__WEBPACK_IMPORTED_MODULE_1__/* .ensureTrackingIssue */ .PJ)(gh, repo, {
                marker: _drill_report_js__WEBPACK_IMPORTED_MODULE_5__/* .DRILL_MARKER */ .pM,
                title: (0,_drill_report_js__WEBPACK_IMPORTED_MODULE_5__/* .drillIssueTitle */ .Rq)(),
                body: (0,_drill_report_js__WEBPACK_IMPORTED_MODULE_5__/* .renderDrillIssue */ .jv)(record, result.reportUrl),
                labels: gi.labels,
                assignees: gi.assignees,
                comment: (0,_drill_report_js__WEBPACK_IMPORTED_MODULE_5__/* .renderDrillComment */ .dn)(record, marker, result.reportUrl),
                runMarker: marker,
            }, log);
            result.issueNumber = issue.number;
            result.issueUrl = issue.url;
            // a drill issue closed earlier, failing again: open again, it is the same problem's place
            if (!issue.created) {
                const { data } = await gh.rest.issues.get({ ...repo, issue_number: issue.number });
                if (data.state === 'closed')
                    await gh.rest.issues.update({ ...repo, issue_number: issue.number, state: 'open' });
            }
        }
        else {
            // a passing drill closes nothing: it says so on the open drill issue, a person closes it
            const found = await (0,_github_issue_js__WEBPACK_IMPORTED_MODULE_1__/* .findIssueByMarker */ .iT)(gh, repo, label, _drill_report_js__WEBPACK_IMPORTED_MODULE_5__/* .DRILL_MARKER */ .pM);
            if (found) {
                const { data } = await gh.rest.issues.get({ ...repo, issue_number: found.number });
                if (data.state === 'open') {
                    const comments = await gh.paginate(gh.rest.issues.listComments, {
                        ...repo,
                        issue_number: found.number,
                        per_page: 100,
                    });
                    if (!comments.some((c) => c.body?.includes(marker)))
                        await gh.rest.issues.createComment({
                            ...repo,
                            issue_number: found.number,
                            body: (0,_drill_report_js__WEBPACK_IMPORTED_MODULE_5__/* .renderDrillComment */ .dn)(record, marker, result.reportUrl),
                        });
                    result.issueNumber = found.number;
                    result.issueUrl = found.url;
                }
            }
        }
    }
    catch (e) {
        result.missing.push(`the drill issue: ${(0,_core_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .errorMessage */ .gJ)(e)}`);
    }
}
/**
 * Runs the drill over every target, then records it on GitHub when `gh` is given (the
 * report, and the issue of a failed drill). Never throws for a failed check: the result
 * says what would break.
 */
async function runDrill(req, gi, targets, gh, ctx, log, options = {}) {
    const startedAt = options.startedAt ?? new Date().toISOString();
    const warnings = [];
    const checks = [];
    // a drill cancelled mid-probe (SIGTERM, SIGINT) removes its probe tags before it exits
    await (0,_targets_npm_probe_tag_js__WEBPACK_IMPORTED_MODULE_4__/* .removingProbesOnSignal */ .OG)(async () => {
        for (const t of targets)
            checks.push(...(await drillTarget(req, t, log, warnings)));
    }, log);
    let defaultBranch;
    if (gh) {
        const g = await drillGitHub(gh, ctx);
        checks.push(g.check);
        defaultBranch = g.defaultBranch;
    }
    const record = {
        status: checks.some((c) => c.outcome === 'failed') ? 'drill-failed' : 'drill-passed',
        startedAt,
        repository: ctx.repository,
        runUrl: (0,_github_urls_js__WEBPACK_IMPORTED_MODULE_10__/* .runUrl */ .Vp)(ctx),
        channel: req.channel,
        checks,
        warnings,
    };
    const result = { status: record.status, checks, warnings, broken: (0,_drill_report_js__WEBPACK_IMPORTED_MODULE_5__/* .whatWouldBreak */ .Fv)(record), missing: [] };
    if (!gh || defaultBranch === undefined)
        return result;
    const repo = (0,_github_refs_js__WEBPACK_IMPORTED_MODULE_8__/* .repoRef */ .sA)(ctx.repository);
    if (gi.commitReport)
        await recordReport(gh, repo, gi, record, result, startedAt, defaultBranch, log);
    if (gi.createIssue)
        await recordIssue(gh, repo, gi, record, result, ctx, log);
    for (const m of result.missing)
        log.warning(`Drill: could not record ${m}`);
    // the GitHub token that cannot record the drill could not record an incident either
    if (result.missing.length > 0) {
        result.status = 'drill-failed';
        result.broken.push(...result.missing.map((m) => `github (${(0,_core_settings_js__WEBPACK_IMPORTED_MODULE_6__/* .settingName */ .QX)('github-token')}): could not record ${m}`));
    }
    return result;
}


/***/ })

};
