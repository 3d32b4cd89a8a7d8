export const id = 821;
export const ids = [821];
export const modules = {

/***/ 8821:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   checkFreeze: () => (/* binding */ checkFreeze),
/* harmony export */   readFreezeInputs: () => (/* binding */ readFreezeInputs)
/* harmony export */ });
/* unused harmony exports parseTrackedIncident, decideFreeze */
/* harmony import */ var _core_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4296);
/* harmony import */ var _github_issue_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3432);
/* harmony import */ var _github_markers_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(3400);
/* harmony import */ var _github_record_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(5358);
/* harmony import */ var _github_record_check_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(231);
/* harmony import */ var _config_inputs_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(4389);
/* harmony import */ var _core_settings_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(1922);
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

/** moved to src/github/record-check.ts (the tracking issue's look-up uses it too) */

/** Any incident's marker (the incident id is not known to a release pipeline). */
const INCIDENT_MARKER = /<!-- release-rollback:incident=[A-Za-z0-9._-]+ -->/;
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
        if (!authors.some((me) => (0,_github_issue_js__WEBPACK_IMPORTED_MODULE_1__/* .isAuthor */ .ad)(issue.user, me)) && !(0,_github_record_check_js__WEBPACK_IMPORTED_MODULE_3__/* .carriesOwnRecord */ .V)(issue))
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
