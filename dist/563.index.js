export const id = 563;
export const ids = [563];
export const modules = {

/***/ 51641:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   O: () => (/* binding */ recordProblems),
/* harmony export */   X: () => (/* binding */ requireVerifiedRecord)
/* harmony export */ });
/* harmony import */ var semver__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(73880);
/* harmony import */ var semver__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(semver__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _core_deprecation_js__WEBPACK_IMPORTED_MODULE_8__ = __webpack_require__(75471);
/* harmony import */ var _core_incident_id_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(54741);
/* harmony import */ var _core_errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(37406);
/* harmony import */ var _config_inputs_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(3543);
/* harmony import */ var _core_plan_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(60498);
/* harmony import */ var _targets_helm_config_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(66039);
/* harmony import */ var _targets_spec_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(74760);
/* harmony import */ var _undo_record_js__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(96225);
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

/***/ 96225:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $: () => (/* binding */ recordedIncident),
/* harmony export */   q: () => (/* binding */ undoInputs)
/* harmony export */ });
/* harmony import */ var semver__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(73880);
/* harmony import */ var semver__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(semver__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _core_settings_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(83180);
/* harmony import */ var _core_errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(37406);
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

/***/ 91563:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   checkFreeze: () => (/* binding */ checkFreeze),
/* harmony export */   readFreezeInputs: () => (/* binding */ readFreezeInputs)
/* harmony export */ });
/* unused harmony exports carriesOwnRecord, parseTrackedIncident, decideFreeze */
/* harmony import */ var _core_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(37406);
/* harmony import */ var _github_issue_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1514);
/* harmony import */ var _github_markers_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(87210);
/* harmony import */ var _github_record_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(24196);
/* harmony import */ var _github_record_check_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(51641);
/* harmony import */ var _config_inputs_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(3543);
/* harmony import */ var _core_settings_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(83180);
// The release freeze: while a rollback's tracking issue is open, release pipelines must not
// publish that package on that channel again (the classic second incident: `latest` is
// rolled back to 1.2.2 and the next push publishes 1.2.4 with the same bug). Closing the
// issue, or labelling it `release-freeze-override`, lifts the freeze; an undo does one of
// the two (src/bookkeeping.ts).
//
// Which issues are the tool's: those the checking token's identity or github-actions[bot]
// opened (the workflows), and those anyone who may write to the repository opened (a
// person's token on the command line, another app's token) whose body carries an incident
// record that passes the record check (src/github/record-check.ts) under its own marker. An
// outsider's look-alike, record or not, counts for nothing.
//
// The pure part (what incident an issue tracks, and whether it freezes a package on a
// channel) is separate from the one GitHub read (the open issues with the label, listed,
// never searched: the search index lags new issues).







/** The label that lifts the freeze while the issue stays open. */

/** Any incident's marker (the incident id is not known to a release pipeline). */
const INCIDENT_MARKER = /<!-- release-rollback:incident=[A-Za-z0-9._-]+ -->/;
/**
 * The associations of an author who may write to the repository (GitHub's author_association;
 * CONTRIBUTOR, FIRST_TIMER, FIRST_TIME_CONTRIBUTOR, MANNEQUIN and NONE may not):
 * https://docs.github.com/en/graphql/reference/enums#commentauthorassociation
 */
const WRITERS = ['OWNER', 'MEMBER', 'COLLABORATOR'];
/**
 * An issue the tool opened with a token other than the workflow's: its author may write to
 * the repository (a person, or an app's bot, which only an installation on the repository can
 * be) and its body carries a record that passes the record check under its own marker.
 */
function carriesOwnRecord(issue) {
    const writer = issue.user?.type === 'Bot' || WRITERS.includes(issue.author_association ?? '');
    if (!writer)
        return false;
    const record = (0,_github_record_js__WEBPACK_IMPORTED_MODULE_2__/* .parseReportRecord */ .tf)(issue.body ?? '');
    if (!record || !(0,_github_markers_js__WEBPACK_IMPORTED_MODULE_6__/* .hasMarker */ .xY)(issue.body, (0,_github_markers_js__WEBPACK_IMPORTED_MODULE_6__/* .issueMarker */ .Q_)(record.incidentId)))
        return false;
    return (0,_github_record_check_js__WEBPACK_IMPORTED_MODULE_3__/* .recordProblems */ .O)(record, { anyTemplate: true }).length === 0;
}
/** A value rendered by code() (a code span) or inert() (escaped), back to its text. */
function cellText(cell) {
    const t = cell.trim();
    const span = /^`([^`]*)`$/.exec(t);
    if (span)
        return span[1];
    return t
        .replace(/@\u200b/g, '@')
        .replace(/\u200b/g, '')
        .replace(/\\([\\`*_[\]|~#!])/g, '$1')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&amp;/g, '&');
}
/** The cells of one Markdown table row, split on unescaped pipes. */
function cells(line) {
    const inner = line.trim().replace(/^\|/, '').replace(/\|$/, '');
    return inner.split(/(?<!\\)\|/).map((c) => c.trim());
}
/** The "### Packages" table of a multi-target issue: a row per target, with its channel when it has its own. */
function packagesRows(body, channel) {
    const lines = body.split(/\r?\n/);
    const start = lines.findIndex((l) => /^#{2,3} Packages\s*$/.test(l.trim()));
    if (start < 0)
        return undefined;
    const rows = [];
    let header;
    for (const line of lines.slice(start + 1)) {
        if (!line.trim().startsWith('|')) {
            if (header)
                break;
            continue;
        }
        const c = cells(line);
        if (!header) {
            header = c;
            continue;
        }
        if (c.every((x) => /^:?-+:?$/.test(x)))
            continue;
        if (header[0] === 'Target') {
            // `kind \`name\`` and the target's channel
            const m = /^([\w-]+) (.+)$/.exec(c[0] ?? '');
            rows.push({ name: cellText(m ? m[2] : (c[0] ?? '')), channel: cellText(c[1] ?? '') || channel });
        }
        else {
            rows.push({ name: cellText(c[0] ?? ''), channel });
        }
    }
    return rows.length > 0 ? rows.filter((r) => r.name !== '') : undefined;
}
const TITLE = /^Rollback: (.+) → (.+) on (\S+)$/;
const HEADING = /^## \S+ Rolled back `(.+)@([^@`]+)` → `([^`]+)` on `([^`]+)`\s*$/m;
const MULTI = /^\d+ (?:packages|targets) \((.+)\) @(\S+)$/;
/**
 * The incident an issue tracks: from the hidden record in its body when there is one; else
 * from its title (`Rollback: <pkg>@<bad> → <restore> on <channel>`) or, when the title was
 * edited or cut, the body's heading. An issue over several targets (`Rollback: 3 packages
 * (…) @1.2.3 → …`) lists them in its Packages table. undefined when it cannot be read.
 */
function parseTrackedIncident(issue) {
    const body = issue.body ?? '';
    const record = (0,_github_record_js__WEBPACK_IMPORTED_MODULE_2__/* .parseReportRecord */ .tf)(body);
    if (record) {
        const targets = record.packages && record.packages.length > 0
            ? record.packages.map((p) => ({ name: p.name, channel: p.channel ?? record.channel }))
            : [{ name: record.packageName, channel: record.channel }];
        return { rollbackVersion: record.rollbackVersion, targets };
    }
    let what;
    let channel;
    const title = TITLE.exec(issue.title.trim());
    if (title && !title[2].endsWith('…')) {
        what = title[1];
        channel = title[3];
    }
    if (what === undefined || channel === undefined) {
        const heading = HEADING.exec(body);
        if (!heading)
            return undefined;
        what = `${heading[1]}@${heading[2]}`;
        channel = heading[4];
    }
    const multi = MULTI.exec(what);
    if (multi) {
        const rows = packagesRows(body, channel);
        return rows ? { rollbackVersion: multi[2], targets: rows } : undefined;
    }
    const at = what.lastIndexOf('@');
    if (at <= 0)
        return undefined;
    return { rollbackVersion: what.slice(at + 1), targets: [{ name: what.slice(0, at), channel }] };
}
const labelNames = (issue) => (issue.labels ?? []).map((l) => (typeof l === 'string' ? l : (l.name ?? '')).toLowerCase());
/** Names compare case-insensitively (a false freeze is safer than a missed one); channels exactly. */
const sameName = (a, b) => a.trim().toLowerCase() === b.trim().toLowerCase();
/**
 * The decision, from the open issues carrying the label. Only issues carrying the incident
 * marker and opened by one of `authors`, or carrying their own record (carriesOwnRecord),
 * count: anyone can open a look-alike issue, and it must neither freeze nor unfreeze a release.
 */
function decideFreeze(issues, query, authors) {
    const what = `${query.names.join(', ')} on ${query.channel}`;
    const matching = [];
    for (const issue of issues) {
        if (issue.pull_request || (issue.state !== undefined && issue.state !== 'open'))
            continue;
        if (!INCIDENT_MARKER.test(issue.body ?? ''))
            continue;
        if (!authors.some((me) => (0,_github_issue_js__WEBPACK_IMPORTED_MODULE_1__/* .isAuthor */ .ad)(issue.user, me)) && !carriesOwnRecord(issue))
            continue;
        const incident = parseTrackedIncident(issue);
        if (!incident)
            continue;
        const hit = incident.targets.some((t) => t.channel === query.channel && query.names.some((n) => sameName(n, t.name)));
        if (hit)
            matching.push({ issue, overridden: labelNames(issue).includes(_github_markers_js__WEBPACK_IMPORTED_MODULE_6__/* .OVERRIDE_LABEL */ .W2) });
    }
    matching.sort((a, b) => a.issue.number - b.issue.number);
    const freezing = matching.find((m) => !m.overridden);
    if (freezing) {
        const others = matching.filter((m) => m !== freezing && !m.overridden).length;
        return {
            frozen: true,
            issueNumber: freezing.issue.number,
            issueUrl: freezing.issue.html_url,
            reason: `Release freeze: the rollback tracked in #${freezing.issue.number} (${freezing.issue.html_url}) is still open for ${what}${others > 0 ? ` (and ${others} more open rollback issue${others > 1 ? 's' : ''})` : ''}. Close the issue once the fix is ready, or label it ${_github_markers_js__WEBPACK_IMPORTED_MODULE_6__/* .OVERRIDE_LABEL */ .W2} to publish anyway.`,
        };
    }
    const overridden = matching[0];
    if (overridden) {
        return {
            frozen: false,
            issueNumber: overridden.issue.number,
            issueUrl: overridden.issue.html_url,
            reason: `Not frozen: the open rollback issue #${overridden.issue.number} (${overridden.issue.html_url}) for ${what} carries ${_github_markers_js__WEBPACK_IMPORTED_MODULE_6__/* .OVERRIDE_LABEL */ .W2}.`,
        };
    }
    return { frozen: false, reason: `Not frozen: no open rollback issue for ${what}.` };
}
/**
 * Whether a release of these names on this channel is frozen. Reads the open issues with
 * the label (list endpoint, every page). The issues counted are those opened by the
 * token's identity, or by github-actions[bot]: the workflow token the ready-made rollback
 * workflows open their issues with (a person's token checking the freeze still sees them);
 * and those carrying their own record (carriesOwnRecord): a rollback made with a person's
 * or another app's token.
 */
async function checkFreeze(gh, repo, query) {
    const issues = [];
    for await (const page of gh.paginate.iterator(gh.rest.issues.listForRepo, {
        ...repo,
        labels: query.label,
        state: 'open',
        per_page: 100,
    })) {
        for (const i of page.data)
            issues.push({
                number: i.number,
                html_url: i.html_url,
                title: i.title,
                body: i.body,
                state: i.state,
                user: i.user ? { login: i.user.login, type: i.user.type } : null,
                author_association: i.author_association,
                labels: i.labels,
                pull_request: i.pull_request,
            });
    }
    // nothing to attribute: no need to ask who the token is
    if (issues.length === 0)
        return decideFreeze([], query, []);
    const me = await (0,_github_issue_js__WEBPACK_IMPORTED_MODULE_1__/* .tokenIdentity */ .sX)(gh);
    const authors = [me, ...(sameName(me.login, _github_issue_js__WEBPACK_IMPORTED_MODULE_1__/* .WORKFLOW_BOT */ .CD) ? [] : [{ login: _github_issue_js__WEBPACK_IMPORTED_MODULE_1__/* .WORKFLOW_BOT */ .CD, type: 'Bot' }])];
    return decideFreeze(issues, query, authors);
}
const NAME = /^[^\s`|]{1,256}$/;
const CHANNEL = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,255}$/;
/**
 * The names a release publishes, as the rollback inputs name its targets: package or
 * packages (comma or newline separated), targets (kind:name lines), image, release; with
 * none of them, `name` in the workspace's package.json.
 */
function freezeNames(get, env) {
    const list = (raw) => raw
        .split(/[,\n]/)
        .map((s) => s.trim())
        .filter((s) => s !== '' && !s.startsWith('#'));
    const targets = list(get('targets')).map((t) => t.replace(/^(npm|docker|helm|git-tag):/, ''));
    const release = get('release').trim();
    const namespace = get('namespace').trim();
    let names = [
        ...list(get('package')),
        ...list(get('packages')),
        ...targets,
        ...list(get('image')),
        ...(release ? [namespace ? `${namespace}/${release}` : release] : []),
    ];
    if (names.length === 0)
        names = [(0,_config_inputs_js__WEBPACK_IMPORTED_MODULE_4__/* .packageNameFromWorkspace */ .Th)(env.GITHUB_WORKSPACE || process.cwd())];
    for (const n of names) {
        if (!NAME.test(n))
            throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz('package', `${JSON.stringify(n.slice(0, 80))} is not a package, image or release name.`, 'give the name the release publishes, such as @acme/widget.');
    }
    return [...new Set(names)];
}
function readFreezeInputs(get, env = process.env) {
    const channel = (get('channel') || 'latest').trim();
    if (!CHANNEL.test(channel))
        throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz('channel', `${JSON.stringify(channel.slice(0, 80))} is not a channel.`, 'give the dist-tag (or tag) the release publishes to, such as latest.');
    const label = get('issue-labels')
        .split(/[,\n]/)
        .map((s) => s.trim())
        .find(Boolean) ?? 'rollback';
    const token = (get('github-token') || env.GITHUB_TOKEN || '').trim();
    if (token === '')
        throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz('github-token', "is empty, and the freeze check reads the repository's issues.", (0,_core_settings_js__WEBPACK_IMPORTED_MODULE_5__/* .currentDialect */ .kZ)() === 'action'
            ? 'pass github-token (the default is the workflow token; the job needs issues: read).'
            : 'set GITHUB_TOKEN (a token that may read issues).');
    const repository = (env.GITHUB_REPOSITORY ?? '').trim();
    if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repository))
        throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz('freeze-check', 'needs the repository, and GITHUB_REPOSITORY is not set.', (0,_core_settings_js__WEBPACK_IMPORTED_MODULE_5__/* .currentDialect */ .kZ)() === 'action' ? 'run it in a workflow.' : 'pass --repo owner/name.');
    return {
        names: freezeNames(get, env),
        channel,
        label,
        token,
        repository,
        failIfFrozen: (0,_config_inputs_js__WEBPACK_IMPORTED_MODULE_4__/* .parseBoolean */ .yG)('fail-if-frozen', get('fail-if-frozen'), true),
    };
}


/***/ })

};
