export const id = 46;
export const ids = [46];
export const modules = {

/***/ 1641:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   O: () => (/* binding */ recordProblems),
/* harmony export */   X: () => (/* binding */ requireVerifiedRecord)
/* harmony export */ });
/* harmony import */ var semver__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3880);
/* harmony import */ var semver__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(semver__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _core_deprecation_js__WEBPACK_IMPORTED_MODULE_8__ = __webpack_require__(5471);
/* harmony import */ var _core_incident_id_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4741);
/* harmony import */ var _core_errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(7406);
/* harmony import */ var _config_inputs_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(3543);
/* harmony import */ var _core_plan_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(498);
/* harmony import */ var _targets_helm_config_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(6039);
/* harmony import */ var _targets_spec_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(4760);
/* harmony import */ var _undo_record_js__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(6225);
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
    const incident = (0,_undo_record_js__WEBPACK_IMPORTED_MODULE_7__/* .recordedIncident */ .$)(r, 'the record');
    const asked = exact(r.restoreVersion) ? r.restoreVersion : undefined;
    const templates = [_core_deprecation_js__WEBPACK_IMPORTED_MODULE_8__/* .DEFAULT_DEPRECATION_MESSAGE */ .Jl, ...(o.templates ?? [])];
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
            const ours = templates.flatMap((template) => reasons.map((reason) => (0,_core_deprecation_js__WEBPACK_IMPORTED_MODULE_8__/* .renderDeprecationMessage */ .Ky)(template, { version: bad, restore: t.wrote, channel: t.channel, reason })));
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


/***/ }),

/***/ 6225:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $: () => (/* binding */ recordedIncident),
/* harmony export */   q: () => (/* binding */ undoInputs)
/* harmony export */ });
/* harmony import */ var semver__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3880);
/* harmony import */ var semver__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(semver__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _core_settings_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3180);
/* harmony import */ var _core_errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(7406);
/* harmony import */ var _config_inputs_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(3543);
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


/***/ }),

/***/ 2046:
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
var settings = __webpack_require__(3180);
// EXTERNAL MODULE: ./src/core/errors.ts
var errors = __webpack_require__(7406);
// EXTERNAL MODULE: ./src/incident/execute.ts
var execute = __webpack_require__(1543);
// EXTERNAL MODULE: ./src/github/client.ts + 25 modules
var client = __webpack_require__(9216);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./src/github/issue.ts
var github_issue = __webpack_require__(1514);
// EXTERNAL MODULE: ./src/github/markers.ts
var markers = __webpack_require__(7210);
// EXTERNAL MODULE: ./src/github/record.ts
var github_record = __webpack_require__(4196);
// EXTERNAL MODULE: ./src/github/report.ts
var report = __webpack_require__(8267);
// EXTERNAL MODULE: ./src/github/undo-record.ts
var undo_record = __webpack_require__(6225);
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
                if ((0,client.ghStatus)(e) === 404)
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
            if ((0,client.ghStatus)(e) !== 404)
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
var record_check = __webpack_require__(1641);
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
        return findIncidentRecord(gh, (0,client.repoRef)(ctx.repository), incidentId, {
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
        const problems = (0,record_check/* recordProblems */.O)(found.record, check);
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
    const record = (0,record_check/* requireVerifiedRecord */.X)(found.record, found.source, checkOptionsOf(inputs));
    log.info(`Undo of incident ${by.incidentId}: its record is ${found.source}.`);
    return (0,undo_record/* undoInputs */.q)(inputs, record, found.source);
}


/***/ })

};
