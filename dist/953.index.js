export const id = 953;
export const ids = [953];
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

/***/ 11953:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  checkOptionsOf: () => (/* binding */ checkOptionsOf),
  githubRecords: () => (/* binding */ githubRecords),
  localRecords: () => (/* binding */ localRecords),
  undoByIncidentId: () => (/* binding */ undoByIncidentId),
  undoRecordReader: () => (/* binding */ undoRecordReader)
});

// EXTERNAL MODULE: ./src/core/settings.ts
var settings = __webpack_require__(51922);
// EXTERNAL MODULE: ./src/core/errors.ts
var errors = __webpack_require__(74296);
// EXTERNAL MODULE: ./src/incident/execute.ts
var execute = __webpack_require__(91221);
// EXTERNAL MODULE: ./src/github/client.ts + 25 modules
var client = __webpack_require__(61831);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
// EXTERNAL MODULE: ./src/github/issue.ts
var github_issue = __webpack_require__(43432);
// EXTERNAL MODULE: ./src/github/markers.ts
var markers = __webpack_require__(23400);
// EXTERNAL MODULE: ./src/github/record.ts
var github_record = __webpack_require__(65358);
// EXTERNAL MODULE: ./src/github/report.ts
var report = __webpack_require__(62745);
// EXTERNAL MODULE: ./src/github/undo-record.ts
var undo_record = __webpack_require__(76295);
;// CONCATENATED MODULE: ./src/github/find-record.ts
// Finds an incident's record by its id, for an undo: the committed report under report-dir
// (on the report branch, then on the rollback/<incident-id> branch a protected target sent
// it to), else the tracking issue (its body and the comments the token's identity wrote,
// merged in order). Reads only.









const REPORT_FILE = /(^|\/)rollback-[^/]+\.md$/;
/** The first report in `dir` whose record is incident `incidentId` (in name order). */
async function findInReports(source, dir, incidentId) {
    const files = (await source.list(dir)).filter((p) => REPORT_FILE.test(p)).sort();
    for (const path of files) {
        const text = await source.read(path);
        const record = text === undefined ? undefined : (0,github_record/* parseReportRecord */.tf)(text);
        if (record?.incidentId === incidentId)
            return { record, source: `${path} on ${source.where}` };
    }
    return undefined;
}
/** Reports on a branch of the repository, through the Contents API. */
function githubReports(gh, repo, branch) {
    return {
        where: `${repo.owner}/${repo.repo}@${branch}`,
        list: async (dir) => {
            try {
                const { data } = await gh.rest.repos.getContent({ ...repo, path: dir, ref: branch });
                return Array.isArray(data) ? data.filter((e) => e.type === 'file').map((e) => e.path) : [];
            }
            catch (e) {
                if ((0,client/* ghStatus */.e8)(e) === 404)
                    return [];
                throw e;
            }
        },
        read: async (path) => (await (0,report/* readFile */.TA)(gh, repo, path, branch))?.content,
    };
}
/** Reports in the local checkout (the command line without GitHub writes them there). */
function localReports(root) {
    return {
        where: root,
        list: async (dir) => {
            try {
                return (0,external_node_fs_.readdirSync)((0,external_node_path_.join)(root, dir), { withFileTypes: true })
                    .filter((e) => e.isFile())
                    .map((e) => `${dir}/${e.name}`);
            }
            catch {
                return [];
            }
        },
        read: async (path) => {
            try {
                return (0,external_node_fs_.readFileSync)((0,external_node_path_.join)(root, path), 'utf8');
            }
            catch {
                return undefined;
            }
        },
    };
}
/**
 * The record the tracking issue carries: its body's (the first run's), merged with the
 * records of the comments the token's identity wrote, in order. Only the incident's own
 * issue counts (opened by the token's identity, as the bookkeeping finds it), and only its
 * comments: a record anyone else wrote into the issue is ignored.
 */
async function findInIssue(gh, repo, label, incidentId) {
    const issue = await (0,github_issue/* findIssueByMarker */.iT)(gh, repo, label, (0,markers/* issueMarker */.Q_)(incidentId));
    if (!issue)
        return undefined;
    const { data } = await gh.rest.issues.get({ ...repo, issue_number: issue.number });
    let record = (0,github_record/* parseReportRecord */.tf)(data.body ?? '');
    const me = await (0,github_issue/* tokenIdentity */.sX)(gh);
    const comments = await gh.paginate(gh.rest.issues.listComments, {
        ...repo,
        issue_number: issue.number,
        per_page: 100,
    });
    for (const c of comments) {
        if (!(0,github_issue/* isAuthor */.ad)(c.user ? { login: c.user.login, type: c.user.type } : undefined, me))
            continue;
        const later = (0,github_record/* parseReportRecord */.tf)(c.body ?? '');
        if (later && later.incidentId === incidentId)
            record = (0,github_record/* mergeRecord */.g_)(record, later);
    }
    if (!record || record.incidentId !== incidentId)
        return undefined;
    return { record, source: `the tracking issue #${issue.number}` };
}
/** What an undo of the record does, as one string: equal for two copies that would undo the same way. */
function undoView(record) {
    const r = (0,undo_record/* recordedIncident */.$)(record, '');
    const targets = [...r.targets].sort((a, b) => `${a.kind}:${a.name}:${a.channel}` < `${b.kind}:${b.name}:${b.channel}` ? -1 : 1);
    return JSON.stringify([r.incidentId, r.rollbackVersion, r.channel, record.strategy, targets, r.notAffected ?? []]);
}
/**
 * The record of incident `incidentId`: the committed report first, then the tracking issue.
 * A report found is cross-checked with the tracking issue's copy when there is one: the two
 * are written by the same runs, so a copy edited since (the issue's body, the report on an
 * unprotected branch) no longer agrees on what the undo would do, and the undo is refused.
 */
async function findIncidentRecord(gh, repo, incidentId, o) {
    for (const branch of [o.branch, `rollback/${incidentId}`]) {
        let found;
        try {
            found = await findInReports(githubReports(gh, repo, branch), o.reportDir, incidentId);
        }
        catch (e) {
            // a branch that does not exist answers 404 (no reports there); anything else is said
            if ((0,client/* ghStatus */.e8)(e) !== 404)
                throw e;
        }
        if (!found)
            continue;
        const issue = await findInIssue(gh, repo, o.label, incidentId);
        if (issue && undoView(issue.record) !== undoView(found.record))
            throw new errors/* InputError */.dz('incident-id', `the record of ${incidentId} in ${found.source} and the one in ${issue.source} disagree on what an undo would do (the targets, versions or deprecation messages): one of them was edited after the rollback wrote it, so nothing was changed.`, `compare the two (the report's history shows who changed it; the issue's edit history too), put the rollback's own record back, then undo again; or undo by hand.`);
        return found;
    }
    return findInIssue(gh, repo, o.label, incidentId);
}

// EXTERNAL MODULE: ./src/github/record-check.ts
var record_check = __webpack_require__(80231);
;// CONCATENATED MODULE: ./src/modes/undo.ts
// Undo reads the incident's record before it plans: the committed report (on GitHub, or in
// the local checkout for the command line without GitHub), else the tracking issue. With
// incident-id alone the record names everything the undo does (src/github/undo-record.ts);
// with the same inputs as the rollback it still gives the deprecation message this tool
// wrote and what each channel held. Both entries (src/main.ts, src/cli.ts) use this.







/** Records on GitHub: the report under report-dir on the report branch, else the tracking issue. */
function githubRecords(gh, ctx, gi, log) {
    let branch;
    const find = async (incidentId) => {
        branch ??= gi.reportBranch !== undefined ? Promise.resolve(gi.reportBranch) : (0,execute/* repositoryDefaultBranch */.c)(gh, ctx);
        return findIncidentRecord(gh, (0,client/* repoRef */.sA)(ctx.repository), incidentId, {
            reportDir: gi.reportDir,
            branch: await branch,
            label: gi.labels[0] ?? 'rollback',
            log,
        });
    };
    return Object.assign(find, {
        where: `the reports under ${gi.reportDir}/ of ${ctx.repository} and its tracking issues labelled ${gi.labels[0] ?? 'rollback'}`,
    });
}
/** Records in the local checkout (the command line without GitHub writes its reports there). */
function localRecords(root, reportDir) {
    const find = (incidentId) => findInReports(localReports(root), reportDir, incidentId);
    return Object.assign(find, { where: `the reports under ${reportDir}/ of ${root}` });
}
/** What the record check may take the deprecation message to be rendered with: the undo's own template and reason. */
function checkOptionsOf(inputs) {
    return {
        templates: inputs.deprecationMessage ? [inputs.deprecationMessage] : [],
        reasons: inputs.reason ? [inputs.reason] : [],
    };
}
/**
 * The runner's record reader (RunOptions.undoRecord) over a finder, for an undo given the
 * rollback's own settings. A record that fails the check (src/github/record-check.ts) is
 * not acted on: the undo goes by the settings alone, as without a record, and says why.
 */
function undoRecordReader(find, check = {}, log) {
    return async (incidentId) => {
        const found = await find(incidentId);
        if (!found)
            return undefined;
        const problems = (0,record_check/* recordProblems */.OG)(found.record, check);
        if (problems.length > 0) {
            log?.warning(`undo: the record of incident ${incidentId} (${found.source}) fails the check an undo makes before it acts (${problems[0]}), so it is not used: the undo goes by its settings alone.`);
            return undefined;
        }
        return (0,undo_record/* recordedIncident */.$)(found.record, found.source);
    };
}
/**
 * undo: true with incident-id: the record read first, the inputs taken from it (an input
 * given beside the id that contradicts it is refused). An unknown id is an InputError:
 * nothing was written.
 */
async function undoByIncidentId(inputs, find, log) {
    const by = inputs.undoById;
    if (!by)
        return inputs;
    if (!find) {
        throw new errors/* InputError */.dz('incident-id', 'needs the incident record, and there is no GitHub token to read it with.', `${(0,settings/* setTo */.oc)('github-token')} (contents: read and issues: read), or undo with the same settings as the rollback (its versions and targets) instead of ${(0,settings/* settingName */.QX)('incident-id')}.`);
    }
    const found = await find(by.incidentId);
    if (!found) {
        throw new errors/* InputError */.dz('incident-id', `${by.incidentId}: no record of this incident was found in ${find.where}, so nothing was changed.`, `check the id (the rollback's incident id; its tracking issue and report show it), and ${['report-dir', 'report-branch', 'issue-labels'].map((n) => (0,settings/* settingName */.QX)(n)).join(', ')} if the rollback set them.`);
    }
    const record = (0,record_check/* requireVerifiedRecord */.Xn)(found.record, found.source, checkOptionsOf(inputs));
    log.info(`Undo of incident ${by.incidentId}: its record is ${found.source}.`);
    return (0,undo_record/* undoInputs */.q)(inputs, record, found.source);
}


/***/ })

};
