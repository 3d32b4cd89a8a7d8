export const id = 565;
export const ids = [565];
export const modules = {

/***/ 76565:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  recordIncident: () => (/* binding */ recordIncident)
});

// UNUSED EXPORTS: buildRecord, changesOf, reportName, runUrl, undoReportPath

// EXTERNAL MODULE: ./src/core/markdown.ts
var markdown = __webpack_require__(16706);
// EXTERNAL MODULE: ./src/incident/run.ts + 5 modules
var run = __webpack_require__(5014);
// EXTERNAL MODULE: ./src/core/handoff.ts
var handoff = __webpack_require__(4369);
// EXTERNAL MODULE: ./src/targets/registry.ts + 51 modules
var registry = __webpack_require__(94951);
// EXTERNAL MODULE: ./src/github/kinds.ts
var github_kinds = __webpack_require__(66380);
// EXTERNAL MODULE: ./src/core/errors.ts
var errors = __webpack_require__(74296);
// EXTERNAL MODULE: ./src/github/client.ts + 25 modules
var client = __webpack_require__(61831);
// EXTERNAL MODULE: ./src/github/config.ts
var config = __webpack_require__(7661);
// EXTERNAL MODULE: ./src/github/issue.ts
var github_issue = __webpack_require__(43432);
// EXTERNAL MODULE: ./src/github/markers.ts
var markers = __webpack_require__(23400);
// EXTERNAL MODULE: ./src/github/record.ts
var github_record = __webpack_require__(65358);
// EXTERNAL MODULE: ./src/incident/impact.ts + 1 modules
var impact = __webpack_require__(73185);
// EXTERNAL MODULE: ./src/github/render-parts.ts
var render_parts = __webpack_require__(90200);
;// CONCATENATED MODULE: ./src/github/render-handoff.ts
// The hand-off's part of the tracking issue and the incident report (src/handoff.ts): the
// exact plan a maintainer's resume performs, and the one command. Pure: no I/O.


/** Whether the incident waits for a maintainer: handed off, and no run has finished it since. */
const awaitsMaintainer = (r) => r.handoff !== undefined && (0,render_parts/* lastRun */.KT)(r)?.status === 'awaiting-approval';
/** The plan and the command, under a heading of `level`; empty when the record has no hand-off. */
function renderHandoff(r, level) {
    const h = r.handoff;
    if (!h)
        return [];
    const rows = h.targets.map((t) => [
        (0,render_parts/* targetCell */.Ci)(t.kind, t.name),
        (0,render_parts/* code */.aY)(t.channel),
        (0,render_parts/* code */.aY)(t.expected, '_(no such channel)_'),
        (0,render_parts/* code */.aY)(t.restore),
        t.deprecationMessage === undefined ? '_(none)_' : (0,markdown/* inert */.tJ)(t.deprecationMessage),
    ]);
    const waiting = awaitsMaintainer(r);
    return [
        [
            `${level} ${waiting ? '⏳ Waiting for a maintainer' : 'Handed off to a maintainer'}`,
            `${waiting ? 'Nothing was written to the registry.' : 'The action wrote nothing to the registry; a maintainer ran the plan below.'} Why: ${(0,markdown/* inert */.tJ)(h.reason)}`,
            '',
            (0,markdown/* table */.tp)(['Target', 'Channel', 'Must still hold', 'Goes to', 'Deprecation of the bad version'], rows),
            '',
            `Registry: ${(0,render_parts/* code */.aY)(h.registry)}`,
            ...(waiting
                ? [
                    '',
                    'A maintainer with two-factor authentication on the registry runs, with `GITHUB_TOKEN` set (issues and contents: write):',
                    '',
                    (0,render_parts/* fenced */.OF)('sh', h.command),
                    '',
                    'It performs exactly this plan, asking for each write to be approved, and refuses with nothing written if the registry changed meanwhile (a fix published, a channel moved elsewhere).',
                ]
                : []),
        ].join('\n'),
    ];
}

;// CONCATENATED MODULE: ./src/github/render-staged.ts

/** What the channel holds while the fix is staged (the restore version, as the latest run read it back). */
const live = (r) => r.tagsAfter[r.channel] ?? r.restoreVersion;
/** Whether the latest run left the fix-forward version staged, waiting for a maintainer's approval. */
const awaitsApproval = (r) => r.staged !== undefined && (0,render_parts/* lastRun */.KT)(r)?.status === 'awaiting-approval';
/** The headline while the fix is staged: users are protected, the fix waits. */
function stagedHeadline(r) {
    const s = r.staged;
    return `⏳ **${(0,render_parts/* code */.aY)(r.channel)} points at ${(0,render_parts/* code */.aY)(live(r))} again; the fix ${(0,render_parts/* code */.aY)(s.version)} is staged and waits for a maintainer's approval.**`;
}
/** The approval block, under a heading of `level`; empty unless the fix waits for its approval. */
function renderStaged(r, level) {
    if (!awaitsApproval(r))
        return [];
    const s = r.staged;
    return [
        [
            `${level} ⏳ Staged: ${(0,render_parts/* code */.aY)(`${r.packageName}@${s.version}`)} waits for a maintainer's approval`,
            `Stage id: ${(0,render_parts/* code */.aY)(s.stageId)}. Users are protected meanwhile: ${(0,render_parts/* code */.aY)(r.channel)} points at ${(0,render_parts/* code */.aY)(live(r))} and the deprecation of ${(0,render_parts/* code */.aY)(r.rollbackVersion)} names only versions that are live.`,
            '',
            'A maintainer with two-factor authentication on the registry approves it (or on npmjs.com, under the package):',
            '',
            (0,render_parts/* fenced */.OF)('sh', s.command),
            '',
            `Then run this rollback again: it moves ${(0,render_parts/* code */.aY)(r.channel)} to ${(0,render_parts/* code */.aY)(s.version)} and rewrites the deprecation to name it.`,
        ].join('\n'),
    ];
}

;// CONCATENATED MODULE: ./src/github/render-issue.ts
// The tracking issue's text: its title and body (with the message to users) and the
// comment a re-run adds, all rendered from an IncidentRecord. Pure functions: no I/O, no
// clock, no @actions/* and no Octokit, so the same record always renders the same bytes.








const MAX_TITLE = 256;
/** GitHub takes 65,536 characters in an issue body or comment: a record longer than this stays in the report only */
const MAX_RECORD = 30_000;
/**
 * The record, hidden, for an undo by incident id when there is no committed report (the
 * issue's body holds the first run's, each comment that run's): empty when it is too long.
 */
function hiddenRecord(r) {
    const encoded = (0,github_record/* encodeRecord */.Ym)(r);
    return encoded.length <= MAX_RECORD ? [encoded] : [];
}
function issueTitle(r) {
    const mixed = (0,render_parts/* onlyKind */.JU)(r) !== registry/* DEFAULT_KIND */.zR;
    const what = r.packages && r.packages.length > 1
        ? `${r.packages.length} ${mixed ? 'targets' : 'packages'} (${r.packageName}) @${r.rollbackVersion}`
        : `${r.packageName}@${r.rollbackVersion}`;
    const title = `Rollback: ${what} → ${r.restoreVersion} on ${r.channel}`.replace(/\s+/g, ' ').trim();
    return title.length <= MAX_TITLE ? title : `${title.slice(0, MAX_TITLE - 1)}…`;
}
/** One line on where the registry stands, from the record (and its latest run). */
function headline(r) {
    const status = (0,render_parts/* lastRun */.KT)(r)?.status;
    const bad = (0,render_parts/* code */.aY)(r.rollbackVersion);
    // staged fix-forward version (issue 21 §1): users are protected, the fix waits for its approval
    if (awaitsApproval(r))
        return stagedHeadline(r);
    if (status === 'awaiting-approval') {
        const dep = r.deprecationMessage === undefined ? '' : ` and deprecate ${bad}`;
        return `⏳ **Handed off: nothing was written to the registry yet.** The plan: point ${(0,render_parts/* code */.aY)(r.channel)} at ${(0,render_parts/* code */.aY)(r.restoreVersion)}${dep}, by the maintainer's command below.`;
    }
    if (status === 'planned') {
        const dep = r.deprecationMessage === undefined ? '' : ` and deprecate ${bad}`;
        return `📝 **Dry run: nothing was written.** The plan: point ${(0,render_parts/* code */.aY)(r.channel)} at ${(0,render_parts/* code */.aY)(r.restoreVersion)}${dep}.`;
    }
    const held = r.tagsAfter[r.channel];
    if (status === 'undone') {
        return held === r.rollbackVersion
            ? `↩️ **Undone: ${(0,render_parts/* code */.aY)(r.channel)} points at the bad ${bad} again, as undo asked.**`
            : `↩️ **Undone** (${(0,render_parts/* code */.aY)(r.channel)} holds ${(0,render_parts/* code */.aY)(held)}: left as it is).`;
    }
    const tag = held === r.restoreVersion
        ? `${(0,render_parts/* code */.aY)(r.channel)} points at ${(0,render_parts/* code */.aY)(r.restoreVersion)} again`
        : held === undefined
            ? `${(0,render_parts/* code */.aY)(r.channel)} does not exist`
            : `${(0,render_parts/* code */.aY)(r.channel)} holds ${(0,render_parts/* code */.aY)(held)} (left as it is)`;
    if (status === 'partial') {
        return `**${tag}.**\n⚠️ **The rollback is partial**: a step after it failed (see the warnings and the incident report's timeline). Re-run the same workflow; it completes only what is missing.`;
    }
    const dep = r.deprecationMessage !== undefined
        ? `${bad} is deprecated`
        : r.deprecationSkipped
            ? `${bad} is NOT deprecated: ${(0,markdown/* inert */.tJ)(r.deprecationSkipped)}`
            : `${bad} is not deprecated (deprecation was off)`;
    return `**${tag}; ${dep}.**`;
}
function summaryRows(r, ctx, reportUrl) {
    const kind = (0,render_parts/* onlyKind */.JU)(r);
    const rows = [
        [kind?.words.title ?? 'Targets', (0,render_parts/* code */.aY)(r.packageName)],
        [kind ? `Channel (${kind.words.channel})` : 'Channel', (0,render_parts/* code */.aY)(r.channel)],
        ['Bad version', (0,render_parts/* code */.aY)(r.rollbackVersion)],
        ['Restored version', (0,render_parts/* code */.aY)(r.restoreVersion)],
        [`${(0,render_parts/* code */.aY)(r.channel)} before the rollback`, (0,render_parts/* code */.aY)(r.previousVersion, '_(tag did not exist)_')],
        ['Deprecation message', r.deprecationMessage === undefined ? '_(deprecation off)_' : (0,markdown/* inert */.tJ)(r.deprecationMessage)],
        ['Severity', `**${(0,markdown/* inert */.tJ)(r.severity)}**`],
        ['Run by', (0,render_parts/* who */.dp)(ctx.actor, ctx.serverUrl)],
        ['Triggered by', (0,render_parts/* trigger */.hZ)(ctx)],
        ['Workflow run', (0,render_parts/* runLabel */.Az)(ctx)],
    ];
    if (reportUrl && (0,render_parts/* safeUrl */.Pl)(reportUrl))
        rows.push(['Incident report', (0,render_parts/* link */.nf)(r.reportPath ? (0,render_parts/* code */.aY)(r.reportPath) : 'report', reportUrl)]);
    else if (r.reportPath)
        rows.push(['Incident report', (0,render_parts/* code */.aY)(r.reportPath)]);
    return rows;
}
/** How the channel moves forward to the fix: the kind's own command, or one per kind of a mixed incident. */
function fixForward(r) {
    const kind = (0,render_parts/* onlyKind */.JU)(r);
    if (kind)
        return (0,render_parts/* code */.aY)(kind.words.fixForward(r.packageName, r.channel));
    return (0,render_parts/* kindsOf */.tG)(r)
        .map((k) => {
        const row = r.packages?.find((p) => (0,registry/* kindOrDefault */.r6)(p.kind) === k);
        return (0,render_parts/* code */.aY)(k.words.fixForward(row?.name ?? r.packageName, row?.channel ?? r.channel));
    })
        .join(', ');
}
function checklist(r) {
    return [
        '- [ ] Post-mortem scheduled, with an owner',
        '- [ ] Root cause found and written into the incident report',
        `- [ ] Regression test added that fails on ${(0,render_parts/* code */.aY)(r.rollbackVersion)}`,
        `- [ ] Fix released as a new version (above ${(0,render_parts/* code */.aY)(r.rollbackVersion)}) and ${(0,render_parts/* code */.aY)(r.channel)} moved forward to it: ${fixForward(r)}`,
        '- [ ] Users told (the message below)',
        '- [ ] Lessons learned written into the incident report',
        '- [ ] Close this issue',
    ].join('\n');
}
/** The ready-to-post message for users, plain text (the reason is shown as written). */
function userMessage(r) {
    const pkg = r.packageName;
    const deprecated = r.deprecationMessage !== undefined;
    const who = r.channel === 'latest' ? 'new installs' : `installs of ${pkg}@${r.channel}`;
    return [
        `${pkg} ${r.rollbackVersion} has been rolled back`,
        '',
        `What happened: ${r.reason}`,
        '',
        `What we did: the "${r.channel}" tag of ${pkg} points at ${r.restoreVersion} again${deprecated ? ` and ${r.rollbackVersion} is deprecated` : ''}, so ${who} get ${r.restoreVersion}.`,
        '',
        'What you should do:',
        `- ${(0,render_parts/* kindsOf */.tG)(r)[0]?.words.goBack?.(pkg, r.rollbackVersion, r.restoreVersion) ?? `If you run ${r.rollbackVersion}, move back to ${r.restoreVersion}.`}`,
        `- Do not merge automated update pull requests (Renovate, Dependabot) to ${r.rollbackVersion}.`,
        `- A fixed version will follow; we will post here when it is out.`,
    ].join('\n');
}
function renderIssueBody(r, ctx, links) {
    const parts = [
        (0,markers/* issueMarker */.Q_)(r.incidentId),
        ...hiddenRecord(r),
        awaitsMaintainer(r)
            ? `## ⏳ Rollback of ${(0,render_parts/* code */.aY)(`${r.packageName}@${r.rollbackVersion}`)} → ${(0,render_parts/* code */.aY)(r.restoreVersion)} on ${(0,render_parts/* code */.aY)(r.channel)} waits for a maintainer`
            : `## 🔙 Rolled back ${(0,render_parts/* code */.aY)(`${r.packageName}@${r.rollbackVersion}`)} → ${(0,render_parts/* code */.aY)(r.restoreVersion)} on ${(0,render_parts/* code */.aY)(r.channel)}`,
        headline(r),
        ...renderHandoff(r, '###'),
        ...renderStaged(r, '###'),
        (0,markdown/* table */.tp)(['Incident', (0,render_parts/* code */.aY)(r.incidentId)], summaryRows(r, ctx, links.reportUrl)),
        ...(r.packages && r.packages.length > 1 ? [`### Packages\n${(0,render_parts/* packagesTable */.wL)(r)}`] : []),
        ...(r.impact ? [(0,impact/* renderImpact */.jo)(r.impact, '###')] : []),
        `### Reason\n${(0,markdown/* inert */.tJ)(r.reason)}`,
    ];
    if (r.warnings.length > 0)
        parts.push(['### ⚠️ Warnings', ...r.warnings.map((w) => `- ${(0,markdown/* inert */.tJ)(w)}`)].join('\n'));
    const protection = (0,render_parts/* protectionOf */.fA)(r);
    if (protection)
        parts.push(`### Who is protected by this rollback\n${protection.table}\n\n${protection.note}`);
    parts.push(`### After the rollback\n${checklist(r)}`);
    parts.push(`### Message to users\nReady to post (release notes, discussions, chat):\n\n${(0,render_parts/* fenced */.OF)('text', userMessage(r))}`);
    return parts.join('\n\n') + '\n';
}
function renderRerunComment(r, ctx, run, changes) {
    const parts = [
        (0,markers/* runMarker */.qW)(ctx),
        ...hiddenRecord(r),
        run.trigger === 'resume' ? '### ▶️ Resumed by a maintainer' : `### 🔁 Re-run of this rollback`,
        `${(0,render_parts/* runLabel */.Az)(ctx)} by ${(0,render_parts/* who */.dp)(run.actor ?? ctx.actor, ctx.serverUrl)} at ${(0,render_parts/* formatTime */.fU)(run.at)} UTC: status ${(0,render_parts/* code */.aY)(run.status)}.`,
        changes.length > 0
            ? ['Changes made by this run:', ...changes.map((c) => `- ${c.replace(/\r?\n/g, ' ')}`)].join('\n')
            : `Nothing needed changing: the registry was already rolled back (${(0,render_parts/* code */.aY)(r.channel)} → ${(0,render_parts/* code */.aY)(r.tagsAfter[r.channel])}).`,
    ];
    if (run.status === 'partial')
        parts.push('⚠️ Still partial: re-run again; it completes only what is missing.');
    parts.push(...renderStaged(r, '####'));
    return parts.join('\n\n') + '\n';
}
/** The comment an undo leaves on the incident's issue: "Undone" and what changed. */
function renderUndoComment(r, ctx, run, changes, closing = false) {
    const held = r.tagsAfter[r.channel];
    const parts = [
        (0,markers/* runMarker */.qW)(ctx),
        ...hiddenRecord(r),
        run.status === 'already-done' ? `### ↩️ Undone already` : `### ↩️ Undone`,
        `${(0,render_parts/* runLabel */.Az)(ctx)} by ${(0,render_parts/* who */.dp)(run.actor ?? ctx.actor, ctx.serverUrl)} at ${(0,render_parts/* formatTime */.fU)(run.at)} UTC undid this rollback: status ${(0,render_parts/* code */.aY)(run.status)}.`,
        changes.length > 0
            ? ['Changes made by this run:', ...changes.map((c) => `- ${c.replace(/\r?\n/g, ' ')}`)].join('\n')
            : `Nothing needed changing: the rollback was already undone${held !== undefined ? ` (${(0,render_parts/* code */.aY)(r.channel)} → ${(0,render_parts/* code */.aY)(held)})` : ''}.`,
    ];
    if (held === r.rollbackVersion)
        parts.push(`⚠️ ${(0,render_parts/* code */.aY)(r.channel)} points at the bad ${(0,render_parts/* code */.aY)(r.rollbackVersion)} again, as undo asked.`);
    if (run.status === 'partial')
        parts.push('⚠️ Partly undone: re-run the same undo; it completes only what is missing.');
    if (closing)
        parts.push(`🔓 This undo closes the issue: the rollback is undone, so the release freeze it held is lifted (where GitHub refuses to close it, the undo labels it ${(0,render_parts/* code */.aY)(markers/* OVERRIDE_LABEL */.W2)} instead; the run's summary says which).`);
    return parts.join('\n\n') + '\n';
}

// EXTERNAL MODULE: ./src/core/settings.ts
var settings = __webpack_require__(51922);
// EXTERNAL MODULE: ./src/github/urls.ts
var urls = __webpack_require__(15945);
;// CONCATENATED MODULE: ./src/github/render-report.ts
// The incident report's text, rendered from an IncidentRecord, with the record itself
// hidden at its end. Pure: no I/O, no clock, no @actions/* and no Octokit, so the same
// record always renders the same bytes.








const NOTES_START = '<!-- release-rollback:notes-start (everything until notes-end is yours: a re-run keeps it) -->';
const NOTES_END = '<!-- release-rollback:notes-end -->';
const DEFAULT_NOTES = ['### Impact', '### Root cause', '### Regression test', '### Lessons learned']
    .map((h) => `${h}\n_To be filled in._`)
    .join('\n\n');
/** The people-written part of an earlier report, between the notes markers, if it is there. */
function notesOf(previous) {
    if (!previous)
        return undefined;
    const start = previous.indexOf(NOTES_START);
    if (start < 0)
        return undefined;
    const end = previous.indexOf(NOTES_END, start + NOTES_START.length);
    if (end < 0)
        return undefined;
    return previous
        .slice(start + NOTES_START.length, end)
        .replace(/^\n/, '')
        .replace(/\n$/, '');
}
const OUTCOME_LABEL = {
    done: '✅ done',
    already: '✅ already in place',
    skipped: '⏭️ skipped',
    failed: '❌ failed',
    planned: '📝 planned',
};
function byTime(items) {
    const t = (x) => {
        const ms = Date.parse(x.at);
        return Number.isNaN(ms) ? Infinity : ms;
    };
    return [...items].sort((a, b) => t(a) - t(b)); // stable: equal times keep their order
}
function versionsAndTags(r) {
    const names = [...new Set([...Object.keys(r.tagsBefore), ...Object.keys(r.tagsAfter)])].sort((a, b) => a === r.channel ? -1 : b === r.channel ? 1 : a < b ? -1 : a > b ? 1 : 0);
    const rows = names.map((t) => {
        const before = r.tagsBefore[t];
        const after = r.tagsAfter[t];
        return [(0,render_parts/* code */.aY)(t), (0,render_parts/* code */.aY)(before, '_(none)_'), (0,render_parts/* code */.aY)(after, '_(none)_'), before === after ? 'no' : '**yes**'];
    });
    const undeprecated = r.timeline.some((e) => e.action === `undo: remove the deprecation of ${r.rollbackVersion}` && e.outcome === 'done');
    const dep = undeprecated && (0,render_parts/* lastRun */.KT)(r)?.status === 'undone'
        ? r.deprecationBefore !== undefined
            ? `Deprecation of ${(0,render_parts/* code */.aY)(r.rollbackVersion)}: the one the rollback replaced is back after the undo (${(0,markdown/* inert */.tJ)(r.deprecationBefore)}; the rollback's was: ${(0,markdown/* inert */.tJ)(r.deprecationMessage ?? '')}).`
            : `Deprecation of ${(0,render_parts/* code */.aY)(r.rollbackVersion)}: removed by the undo (it was: ${(0,markdown/* inert */.tJ)(r.deprecationMessage ?? '')}).`
        : r.deprecationSkipped && r.deprecationMessage === undefined
            ? `Deprecation of ${(0,render_parts/* code */.aY)(r.rollbackVersion)}: NOT done: ${(0,markdown/* inert */.tJ)(r.deprecationSkipped)}.`
            : r.deprecationMessage === undefined
                ? `Deprecation of ${(0,render_parts/* code */.aY)(r.rollbackVersion)}: off for this rollback (${(0,settings/* setting */.Pe)('deprecate', 'false')}).`
                : `Deprecation of ${(0,render_parts/* code */.aY)(r.rollbackVersion)}: ${(0,markdown/* inert */.tJ)(r.deprecationMessage)}`;
    const word = (0,render_parts/* onlyKind */.JU)(r)?.words.channel ?? 'channel';
    return `${(0,markdown/* table */.tp)([`${word[0].toUpperCase()}${word.slice(1)}`, 'Before the first run', 'After the latest run', 'Changed'], rows)}\n\n${dep}`;
}
function actionsTaken(r) {
    // the latest outcome of each action, in the order the actions first happened
    const latest = new Map();
    for (const e of byTime(r.timeline))
        latest.set(e.action, e);
    const order = [...new Set(byTime(r.timeline).map((e) => e.action))];
    if (order.length === 0)
        return '_No actions recorded._';
    return order
        .map((a) => latest.get(a))
        .map((e) => `- ${OUTCOME_LABEL[e.outcome]}: ${(0,markdown/* inert */.tJ)(e.action)}${e.outcome === 'failed' ? ` (${(0,markdown/* inert */.tJ)(e.detail)})` : ''}`)
        .join('\n');
}
function timeline(r) {
    if (r.timeline.length === 0)
        return '_No events recorded._';
    return (0,markdown/* table */.tp)(['Time', 'Action', 'Outcome', 'Detail'], byTime(r.timeline).map((e) => [(0,render_parts/* formatTime */.fU)(e.at), (0,markdown/* inert */.tJ)(e.action), OUTCOME_LABEL[e.outcome], (0,markdown/* inert */.tJ)(e.detail)]));
}
/** What the checks after the writes saw: when the health endpoint and installers got the restore version, or what they still got. */
function verification(v) {
    const lines = [];
    const h = v.health;
    if (h) {
        const where = `${(0,render_parts/* code */.aY)(h.url)}${h.field ? ` (${(0,render_parts/* code */.aY)(h.field)})` : ''}`;
        lines.push(h.seenAt
            ? `- Health endpoint ${where} reported ${(0,render_parts/* code */.aY)(h.reports ?? h.versions[0])} at ${(0,render_parts/* formatTime */.fU)(h.seenAt)} UTC.`
            : `- Health endpoint ${where} did not report ${h.versions.map((x) => (0,render_parts/* code */.aY)(x)).join(' or ')} within ${(0,markdown/* inert */.tJ)(h.timeout)}; its last answer: ${(0,markdown/* inert */.tJ)(h.reports ?? 'none')}.`);
    }
    for (const i of v.installers ?? []) {
        const what = `${(0,render_parts/* code */.aY)(i.name)} ${(0,render_parts/* code */.aY)(i.channel)}`;
        if (i.seenAt)
            lines.push(`- Installers got ${(0,render_parts/* code */.aY)(i.version)} for ${what} (read as \`npm install\` reads it, without a token) at ${(0,render_parts/* formatTime */.fU)(i.seenAt)} UTC.`);
        else if (i.error)
            lines.push(`- ${what} could not be read as \`npm install\` reads it (${(0,markdown/* inert */.tJ)(i.error)}); the registry holds ${(0,render_parts/* code */.aY)(i.version)}.`);
        else {
            const lifetime = i.maxAgeSeconds !== undefined
                ? `up to ${i.maxAgeSeconds} s (\`cache-control: max-age=${i.maxAgeSeconds}\`)`
                : 'its cache lifetime';
            lines.push(`- Installers still got ${(0,render_parts/* code */.aY)(i.holds, '_(no version)_')} for ${what}: the registry holds ${(0,render_parts/* code */.aY)(i.version)}, but its CDN may serve the old answer for ${lifetime}.`);
        }
    }
    return lines.join('\n');
}
function issueLink(r, ctx) {
    const url = (0,render_parts/* safeUrl */.Pl)(r.issueUrl) ?? (r.issueNumber ? (0,render_parts/* safeUrl */.Pl)((0,urls/* issueUrl */.$9)(ctx, r.issueNumber)) : undefined);
    if (!url)
        return undefined;
    return `[${r.issueNumber ? `#${r.issueNumber}` : 'tracking issue'}](${url})`;
}
/**
 * The incident report. Deterministic: it holds only times from the record, never the
 * clock, so a re-run that changes nothing renders the same bytes. Pass the report as it
 * is in the repository as `previous` to keep what people wrote between the notes markers
 * ("Still to do by humans"); everything else is regenerated from the record.
 */
function renderReport(r, ctx, previous) {
    const status = (0,render_parts/* lastRun */.KT)(r)?.status;
    const issue = issueLink(r, ctx);
    const header = [
        ['Severity', `**${(0,markdown/* inert */.tJ)(r.severity)}**`],
        [(0,render_parts/* onlyKind */.JU)(r)?.words.title ?? 'Targets', (0,render_parts/* code */.aY)(r.packageName)],
        ['Rollback', `${(0,render_parts/* code */.aY)(r.rollbackVersion)} → ${(0,render_parts/* code */.aY)(r.restoreVersion)} on ${(0,render_parts/* code */.aY)(r.channel)}`],
        ['Status', status ? (0,render_parts/* code */.aY)(status) : '_(no run recorded)_'],
    ];
    if (issue)
        header.push(['Tracking issue', issue]);
    const links = [];
    if (issue)
        links.push(`- Tracking issue: ${issue}`);
    for (const run of r.runs) {
        const by = run.actor ? ` by ${(0,render_parts/* who */.dp)(run.actor, ctx.serverUrl)}` : '';
        const via = run.trigger ? ` via ${(0,render_parts/* code */.aY)(run.trigger)}` : '';
        links.push(`- ${(0,render_parts/* link */.nf)(`Run at ${(0,render_parts/* formatTime */.fU)(run.at)} UTC`, run.url)}: ${(0,render_parts/* code */.aY)(run.status)}${by}${via}`);
    }
    const parts = [
        `# Rollback of ${(0,render_parts/* code */.aY)(`${r.packageName}@${r.rollbackVersion}`)}`,
        (0,markdown/* table */.tp)(['Incident', (0,render_parts/* code */.aY)(r.incidentId)], header),
        ...renderHandoff(r, '##'),
        ...renderStaged(r, '##'),
        `## Timeline (UTC)\n${timeline(r)}`,
        ...(r.impact ? [(0,impact/* renderImpact */.jo)(r.impact, '##')] : []),
        ...(r.packages && r.packages.length > 1 ? [`## Packages\n${(0,render_parts/* packagesTable */.wL)(r)}`] : []),
        `## Versions and tags\n${versionsAndTags(r)}`,
        `## Reason\n${(0,markdown/* inert */.tJ)(r.reason)}`,
        `## Actions taken\n${actionsTaken(r)}`,
        ...(r.verification ? [`## Verification\n${verification(r.verification)}`] : []),
    ];
    if (r.warnings.length > 0)
        parts.push(['## Warnings', ...r.warnings.map((w) => `- ${(0,markdown/* inert */.tJ)(w)}`)].join('\n'));
    const protection = (0,render_parts/* protectionOf */.fA)(r);
    if (protection)
        parts.push(`## Who is protected\n${protection.table}\n\n${protection.note}`);
    parts.push(`## Still to do by humans\n${NOTES_START}\n${notesOf(previous) ?? DEFAULT_NOTES}\n${NOTES_END}`);
    parts.push(`## Links\n${links.length > 0 ? links.join('\n') : '_None recorded._'}`);
    parts.push((0,github_record/* encodeRecord */.Ym)(r));
    return parts.join('\n\n') + '\n';
}

// EXTERNAL MODULE: ./src/core/retry.ts
var retry = __webpack_require__(27253);
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
// - first run, the bad release was latest: 5. GET releases (one listing page finds both),
//   GET releases/{id} (guard), PATCH releases/{id}, GET releases/latest (guard), PATCH releases/{restore id}.
//   The bad release was not latest: 4 (no second PATCH).
// - re-run: 2 reads, no write. GET releases (the bad one's marker found), GET releases/latest
//   (already the restore release, or not the bad one).
// - no release for the bad version: 1 (the listing, to its last page), nothing else.
// A listing whose first-choice tags (prefix 'v') are not all on its first page reads the next
// page, up to the last; each retry of a write that failed with a 5xx costs its guard read and
// the write again (at most 3 attempts).





const ROLLED_BACK_PREFIX = 'Rolled back: ';
const ATTEMPTS = 3;
/** The note that goes on top of the bad release's notes. Pure: the same request renders the same bytes. */
function renderReleaseNote(req, restoreUrl) {
    const restoreTarget = (0,render_parts/* safeUrl */.Pl)(restoreUrl);
    const restore = restoreTarget ? `[${(0,markdown/* inert */.tJ)(req.restore)}](${restoreTarget})` : (0,markdown/* inert */.tJ)(req.restore);
    const issue = (0,render_parts/* safeUrl */.Pl)(req.issueUrl);
    const lines = [
        (0,markers/* rolledBackMarker */.gG)(req.incidentId),
        '> [!WARNING]',
        `> **This release was rolled back.** Use ${restore} instead.`,
        ...(req.reason.trim() ? ['>', `> Reason: ${(0,markdown/* inert */.tJ)(req.reason.trim())}`] : []),
        ...(issue ? ['>', `> Tracking issue: ${issue}`] : []),
    ];
    return lines.join('\n');
}
/** The title and notes that mark `current`; undefined when it already carries the marker. */
function markedVersion(current, req, restoreUrl) {
    const body = current.body ?? '';
    if (body.includes((0,markers/* rolledBackMarker */.gG)(req.incidentId)))
        return undefined;
    const name = current.name?.trim() ? current.name : current.tag_name;
    const note = renderReleaseNote(req, restoreUrl);
    return {
        ...(name.startsWith(ROLLED_BACK_PREFIX) ? {} : { name: `${ROLLED_BACK_PREFIX}${name}` }),
        // prepended to what the release says now: nothing a person wrote is lost
        body: body.trim() ? `${note}\n\n${body}` : note,
    };
}
/** Why GitHub refused, and what to do about it. */
function describe(e) {
    const status = (0,client/* ghStatus */.e8)(e);
    const message = (0,client/* ghMessage */.Xt)(e);
    if (status === 403 && !/rate limit/i.test(message)) {
        return `GitHub answered 403: ${message}. The token needs \`contents: write\` (in a workflow: \`permissions: contents: write\`); then re-run`;
    }
    return status === undefined ? message : `GitHub answered ${status}: ${message}`;
}
/** Only GitHub's answers (and network failures, which Octokit reports with a status) are collected. */
function rethrowIfBug(e) {
    if ((0,client/* ghStatus */.e8)(e) === undefined)
        throw e;
}
const retryable = (e) => ((0,client/* ghStatus */.e8)(e) ?? 0) >= 500;
/**
 * One listing (GET /repos/{owner}/{repo}/releases, newest first, 100 a page) instead of one
 * `releases/tags/{tag}` read per tag and prefix: page after page until the first-choice tag
 * of each version is seen, or the list ends. Drafts are left out: the tag look-up finds only
 * a published release ("Get a release by tag name: Get a published release with the
 * specified tag", https://docs.github.com/en/rest/releases/releases#get-a-release-by-tag-name),
 * and the listing includes drafts for those who can push
 * (https://docs.github.com/en/rest/releases/releases#list-releases).
 */
async function releasesByTag(gh, repo, versions, prefixes) {
    const wanted = new Set(versions.flatMap((v) => prefixes.map((p) => `${p}${v}`)));
    const firstChoices = versions.map((v) => `${prefixes[0]}${v}`);
    const found = new Map();
    for await (const page of gh.paginate.iterator(gh.rest.repos.listReleases, { ...repo, per_page: 100 })) {
        for (const r of page.data)
            if (!r.draft && wanted.has(r.tag_name) && !found.has(r.tag_name))
                found.set(r.tag_name, r);
        if (firstChoices.every((t) => found.has(t)))
            break;
    }
    return found;
}
/** The release for a version: the first tag prefix that has one. */
function findRelease(found, version, prefixes) {
    for (const prefix of prefixes) {
        const release = found.get(`${prefix}${version}`);
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
        if ((0,client/* ghStatus */.e8)(e) === 404)
            return undefined;
        throw e;
    }
}
async function latestRelease(gh, repo) {
    try {
        return (await gh.rest.repos.getLatestRelease({ ...repo })).data;
    }
    catch (e) {
        if ((0,client/* ghStatus */.e8)(e) === 404)
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
            const { data } = await gh.rest.repos.updateRelease({
                ...repo,
                release_id: releaseId,
                ...update,
                request: { retries: 0 },
            });
            return { url: data.html_url, outcome: 'marked' };
        }
        catch (e) {
            if (!retryable(e) || attempt >= ATTEMPTS)
                throw e;
            await (0,retry/* sleep */.yy)(delayMs * attempt);
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
            await gh.rest.repos.updateRelease({
                ...repo,
                release_id: restore.id,
                make_latest: 'true',
                request: { retries: 0 },
            });
            return 'moved';
        }
        catch (e) {
            if (!retryable(e) || attempt >= ATTEMPTS)
                throw e;
            await (0,retry/* sleep */.yy)(delayMs * attempt);
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
    let found;
    try {
        found = await releasesByTag(gh, repo, [req.bad, req.restore], prefixes);
        bad = findRelease(found, req.bad, prefixes);
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
    const restore = findRelease(found, req.restore, restoreOrder)?.release;
    try {
        // marked already (a re-run): no guard read, no write
        out.badRelease = bad.release.body?.includes((0,markers/* rolledBackMarker */.gG)(req.incidentId))
            ? { url: bad.release.html_url, outcome: 'already' }
            : await markRelease(gh, repo, bad.release.id, req, restore?.html_url, delayMs);
        if (!out.badRelease)
            log.info(`The GitHub Release ${badTag} was deleted meanwhile: nothing to mark.`);
        else
            log.info(out.badRelease.outcome === 'marked'
                ? `✔ marked the GitHub Release ${badTag} as rolled back: ${out.badRelease.url}`
                : `✔ the GitHub Release ${badTag} is already marked as rolled back: ${out.badRelease.url}`);
    }
    catch (e) {
        rethrowIfBug(e);
        out.missing.push(`the GitHub Release ${badTag} marked as rolled back (${describe(e)})`);
    }
    try {
        if (restore && !restore.draft && !restore.prerelease) {
            const moved = await moveLatest(gh, repo, bad.release.id, restore, delayMs);
            if (moved !== 'not-bad') {
                out.latestMovedTo = { tag: restore.tag_name, url: restore.html_url, outcome: moved };
                log.info(moved === 'moved'
                    ? `✔ made the GitHub Release ${restore.tag_name} the latest release (instead of ${badTag})`
                    : `✔ the GitHub Release ${restore.tag_name} is already the latest release`);
            }
        }
        else {
            // nothing else is ever made latest: only say that the bad one still is
            const latest = await latestRelease(gh, repo);
            if (latest?.id === bad.release.id) {
                const why = restore
                    ? `the release ${restore.tag_name} of ${req.restore} is a prerelease, which GitHub cannot make latest`
                    : `${req.restore} has no GitHub Release (looked for tags ${tags(req.restore, restoreOrder)})`;
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

// EXTERNAL MODULE: ./src/github/report.ts
var report = __webpack_require__(62745);
;// CONCATENATED MODULE: ./src/github/record-incident.ts
// The incident's record written to GitHub: the tracking issue, the bad version's GitHub
// Release, and the committed report, in that order. Each part that fails is collected in
// `missing`, so the run can say exactly what is absent; the registry rollback is done by then.











const lastStatus = (r) => r.runs[r.runs.length - 1]?.status;
/**
 * An undone incident's issue stops freezing releases (src/freeze.ts): it is closed, or where
 * GitHub refuses that, labelled release-freeze-override. An issue already closed is left as it is.
 */
async function liftFreeze(gh, repo, number, out, log) {
    const { data } = await gh.rest.issues.get({ ...repo, issue_number: number });
    if (data.state === 'closed')
        return;
    try {
        await gh.rest.issues.update({ ...repo, issue_number: number, state: 'closed', state_reason: 'completed' });
        out.freezeLifted = 'closed';
        log.info(`✔ closed tracking issue #${number}: the rollback is undone, so the release freeze no longer holds`);
        return;
    }
    catch (e) {
        const status = (0,client/* ghStatus */.e8)(e);
        if (status !== 403 && status !== 404 && status !== 410 && status !== 422)
            throw e;
        const why = (0,client/* ghMessage */.Xt)(e);
        try {
            await gh.rest.issues.addLabels({ ...repo, issue_number: number, labels: [markers/* OVERRIDE_LABEL */.W2] });
            out.freezeLifted = 'labelled';
            out.warnings.push(`GitHub refused to close tracking issue #${number} (${why}): it is labelled ${markers/* OVERRIDE_LABEL */.W2} instead, so the release freeze no longer holds; close it by hand.`);
        }
        catch (e2) {
            out.missing.push(`closing tracking issue #${number}, or labelling it ${markers/* OVERRIDE_LABEL */.W2} (${why}; ${(0,errors/* errorMessage */.gJ)(e2)}): the release freeze still holds until it is closed by hand`);
        }
    }
}
/** The tracking issue: opened once, commented on by each later run; an undo that is whole lifts the freeze. */
async function recordIssue(w) {
    const { gh, ctx, repo, gi, log, out, incident, current, record } = w;
    // an undo that is whole (this run's, or an earlier one's) ends the incident: its issue no longer freezes releases
    const lifts = incident.undo === true && ['undone', 'already-done'].includes(current.runs[0]?.status ?? '');
    try {
        const reportUrl = gi.commitReport ? (0,urls/* blobUrl */.b0)(ctx, w.branch, w.path) : undefined;
        const issue = await (0,github_issue/* ensureTrackingIssue */.PJ)(gh, repo, {
            marker: (0,markers/* issueMarker */.Q_)(record.incidentId),
            title: issueTitle(record),
            body: renderIssueBody(record, ctx, { reportUrl }),
            labels: gi.labels,
            assignees: gi.assignees,
            comment: incident.undo
                ? renderUndoComment(record, ctx, current.runs[0], incident.changes, lifts)
                : renderRerunComment(record, ctx, current.runs[0], incident.changes),
            runMarker: (0,markers/* runMarker */.qW)(ctx),
            recordedIssue: w.existing?.issueNumber,
            // a maintainer's resume (their own token) comments on the issue the hand-off's bot opened
            ...(ctx.eventName === 'resume' ? { adoptRecordedBotIssue: true } : {}),
        }, log);
        Object.assign(out, { issueNumber: issue.number, issueUrl: issue.url, issueCreated: issue.created });
        record.issueNumber = issue.number;
        record.issueUrl = issue.url;
        log.info(issue.created
            ? `✔ opened tracking issue #${issue.number}: ${issue.url}`
            : `✔ tracking issue #${issue.number} already exists${issue.commented ? ': commented on it' : ''}: ${issue.url}`);
        if (lifts)
            await liftFreeze(gh, repo, issue.number, out, log);
    }
    catch (e) {
        out.missing.push(`the tracking issue (${(0,errors/* errorMessage */.gJ)(e)})`);
    }
}
/** The bad version's GitHub Release: one restore version to point at, or none. */
async function recordRelease(w) {
    const { gh, repo, gi, log, out, incident, current, record } = w;
    const restores = new Set((current.packages ?? []).map((p) => p.restoreVersion).filter(Boolean));
    if (incident.undo) {
        // the undo reverses the registry; the GitHub Release marking is a note for people, left as it is
        if (gi.githubRelease !== false)
            out.warnings.push(`undo: the GitHub Release marking of ${record.rollbackVersion} (if the rollback made one) is left as it is; edit it by hand if needed.`);
        return;
    }
    // a hand-off wrote nothing: the resume marks the GitHub Release once the rollback is live
    if (lastStatus(current) === 'awaiting-approval')
        return;
    if (gi.githubRelease === false || restores.size > 1)
        return;
    try {
        const releases = await markReleases(gh, repo, {
            bad: record.rollbackVersion,
            restore: record.republishedVersion ?? record.restoreVersion,
            reason: record.reason,
            incidentId: record.incidentId,
            issueUrl: record.issueUrl,
        }, log);
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
/** The incident report, committed on its branch (or, where that is protected, a pull request). */
async function recordReport(w) {
    const { gh, ctx, repo, log, out, incident, current, record, branch, path } = w;
    /** the report on top of what a branch holds now: merged record, people's notes kept */
    const reportOn = (previous) => {
        const merged = (0,github_record/* mergeRecord */.g_)(previous === undefined ? undefined : (0,github_record/* parseReportRecord */.tf)(previous), current);
        merged.reportPath = path;
        if (record.issueNumber !== undefined)
            merged.issueNumber = record.issueNumber;
        if (record.issueUrl !== undefined)
            merged.issueUrl = record.issueUrl;
        return renderReport(merged, ctx, previous);
    };
    try {
        const commit = await (0,report/* commitReport */.W$)(gh, repo, {
            branch,
            path,
            // what people wrote under the report's to-do headings is carried over
            render: reportOn,
            known: w.known,
            message: `docs(incidents): ${incident.undo ? 'undo of the ' : ''}rollback ${record.packageName}@${record.rollbackVersion} → ${record.restoreVersion} on ${record.channel} [skip ci]`,
            fallbackBranch: `rollback/${current.incidentId}`,
            pullRequest: {
                title: `Incident report: rollback of ${record.packageName}@${record.rollbackVersion}`,
                body: `The incident report for the rollback of \`${record.packageName}@${record.rollbackVersion}\` (${record.incidentId}). The branch \`${branch}\` is protected, so it comes as a pull request.${record.issueNumber ? `\n\nRefs #${record.issueNumber}` : ''}`,
            },
        }, log);
        Object.assign(out, {
            reportPath: path,
            reportUrl: commit.url,
            reportOutcome: commit.outcome,
            pullRequestUrl: commit.pullRequestUrl,
        });
        // a report on a branch without a pull request is seen by nobody: the run is partial
        if (commit.pullRequestRefused)
            out.missing.push(`the pull request for the incident report (committed on branch ${commit.branch}): ${commit.pullRequestRefused}`);
        log.info(`✔ incident report ${path} ${commit.outcome === 'unchanged' ? 'is up to date' : commit.outcome} on ${commit.branch}${commit.pullRequestUrl ? ` (pull request ${commit.pullRequestUrl})` : ''}`);
    }
    catch (e) {
        out.missing.push(`the incident report ${path} (${(0,errors/* errorMessage */.gJ)(e)})`);
    }
}
/**
 * The issue and the report for an incident, however it was built (one package or many).
 * `reportName` names the report file.
 */
async function recordIncidentRecord(gh, ctx, defaultBranch, incident, gi, log) {
    const repo = (0,client/* repoRef */.sA)(ctx.repository);
    const out = { warnings: [], missing: [] };
    const branch = gi.reportBranch ?? defaultBranch;
    const current = incident.record;
    const path = incident.path ?? (0,config/* reportPath */.e)(gi.reportDir, incident.reportName, current.rollbackVersion, current.channel);
    // a re-run merges into what the first run recorded (first "before", all real events).
    // Read once, on the report's branch; the commit below reuses this read. A report that
    // went to the fallback branch (protected target) is read there when the commit gets there.
    let known;
    if (gi.commitReport) {
        try {
            known = { file: await (0,report/* readFile */.TA)(gh, repo, path, branch) };
        }
        catch (e) {
            log.warning(`Could not read the existing report ${path}: ${(0,errors/* errorMessage */.gJ)(e)}`);
        }
    }
    const existing = known?.file ? (0,github_record/* parseReportRecord */.tf)(known.file.content) : undefined;
    const record = (0,github_record/* mergeRecord */.g_)(existing, current);
    record.reportPath = gi.commitReport ? path : undefined;
    const w = { gh, ctx, repo, gi, log, out, incident, branch, path, current, record, existing, known };
    if (gi.createIssue)
        await recordIssue(w);
    await recordRelease(w);
    if (gi.commitReport)
        await recordReport(w);
    for (const warning of out.warnings)
        log.warning(warning);
    return out;
}

;// CONCATENATED MODULE: ./src/github/bookkeeping.ts
// The GitHub bookkeeping after a rollback: one tracking issue and one incident report per
// incident, however often it runs. The registry rollback is the critical path; anything
// that fails here is collected, so the run can say exactly what is missing.








/** What a target's kind calls its channel: "dist-tag", "tag", "release", "git tag". */
const channelWord = (t) => (0,registry/* kindOf */.I)(t.kind).words.channel;
function eventOf(step, r, several) {
    const plan = r.plan;
    // undo: the channel goes back to the bad version; the deprecation is removed
    const goal = plan.undo
        ? (plan.foundVersion ?? plan.rollbackVersion)
        : (plan.republish?.version ?? plan.restoreVersion);
    const undo = plan.undo ? 'undo: ' : '';
    const action = {
        plan: `check ${plan.packageName} on ${(0,registry/* kindOf */.I)(r.kind).words.place} and plan`,
        'move-tag': `${undo}point ${channelWord(r)} '${plan.channel}' ${plan.undo ? 'back ' : ''}at ${goal}`,
        deprecate: plan.undo
            ? `undo: remove the deprecation of ${plan.rollbackVersion}`
            : `deprecate ${plan.rollbackVersion}`,
    }[step.step];
    return {
        at: step.at,
        action: several ? `${r.label.replace(/: $/, '')}: ${action}` : action,
        outcome: step.outcome,
        detail: step.detail,
    };
}
/**
 * The message the rollback replaced, which an undo puts back: from the rollback's plan, and
 * kept by an undo's plan (its restoreTo), so that a failed undo's record still holds it for
 * the re-run.
 */
function deprecationBeforeOf(plan) {
    const d = plan?.deprecation;
    if (d?.kind === 'deprecate')
        return d.previous || undefined;
    if (d?.kind === 'undeprecate')
        return d.restoreTo;
    return undefined;
}
/** The incident as the issue and the report record it: one record, a row per target. */
/**
 * The deprecation message a target's run wrote (an undo removes exactly it): while the fix
 * is staged, the one naming the restore version (src/incident/run.ts, whileStaged).
 */
function writtenMessage(t) {
    const d = t.plan?.deprecation;
    if (!d || !('message' in d))
        return undefined;
    return t.staged && d.kind === 'deprecate' && d.whileStaged !== undefined ? d.whileStaged : d.message;
}
/** One target's row in the record of several. */
function rowOf(t, result) {
    const kind = (0,github_kinds/* kindField */.xG)(t.kind);
    return {
        name: t.name,
        ...(kind ? { kind } : {}),
        ...(t.channel !== result.channel ? { channel: t.channel } : {}),
        // undo: the row keeps what the rollback found and wrote, and says it is undone
        previousVersion: t.plan?.undo ? t.plan.foundVersion : t.plan?.previousVersion,
        restoreVersion: t.plan?.republish?.version ?? t.plan?.restoreVersion,
        // the message this tool wrote on this target (an undo compares with it)
        ...(writtenMessage(t) !== undefined ? { deprecationMessage: writtenMessage(t) } : {}),
        ...(deprecationBeforeOf(t.plan) !== undefined ? { deprecationBefore: deprecationBeforeOf(t.plan) } : {}),
        outcome: (0,run/* errorOf */.Mz)(t) ? `${t.outcome}: ${(0,run/* errorOf */.Mz)(t)}` : t.plan?.undo ? undoOutcome(t) : t.outcome,
    };
}
function buildRecord(result, inputs, gi, ctx, now) {
    const affected = result.targets.filter((t) => t.outcome !== 'not-affected');
    const several = result.targets.length > 1;
    const first = affected[0] ?? result.targets[0];
    const plan = first.plan;
    const restores = [...new Set(affected.map((t) => t.plan?.restoreVersion).filter((v) => Boolean(v)))];
    // a target whose registry has no deprecate deprecated nothing: the record does not claim it
    const retired = affected.filter((t) => !t.cannotRetire).find((t) => t.plan && t.plan.deprecation.kind !== 'off');
    const deprecationSkipped = affected.find((t) => t.cannotRetire)?.cannotRetire;
    const republished = affected.map((t) => t.plan?.republish?.version).find(Boolean);
    // an undo that changed something is recorded as its own status; a repeated one stays already-done (the no-op rule)
    const run = {
        url: (0,urls/* runUrl */.Vp)(ctx),
        at: now,
        status: result.undo && result.status === 'completed' ? 'undone' : result.status,
        actor: ctx.actor,
        trigger: ctx.eventName,
    };
    const changes = changesOf(result);
    const kinds = [...new Set(affected.map((t) => t.kind))];
    return {
        format: 1,
        incidentId: result.incidentId,
        packageName: several ? `${first.name} and ${affected.length - 1} more` : first.name,
        channel: several ? result.channel : (plan?.channel ?? first.channel),
        rollbackVersion: result.rollbackVersion,
        restoreVersion: restores.length === 1 ? restores[0] : (inputs.restoreVersion ?? 'last known good of each'),
        previousVersion: several ? undefined : plan?.undo ? plan.foundVersion : plan?.previousVersion,
        deprecationMessage: retired ? writtenMessage(retired) : undefined,
        ...(!several && deprecationBeforeOf(plan) !== undefined ? { deprecationBefore: deprecationBeforeOf(plan) } : {}),
        ...(deprecationSkipped ? { deprecationSkipped } : {}),
        tagsBefore: several ? {} : (first.before?.distTags ?? {}),
        tagsAfter: several ? {} : (first.after?.distTags ?? {}),
        severity: gi.severity,
        reason: inputs.reason,
        strategy: affected.some((t) => t.plan?.republish) ? 'republish' : 'retag',
        ...(republished ? { republishedVersion: republished } : {}),
        ...(kinds.length === 1 && (0,github_kinds/* kindField */.xG)(kinds[0]) ? { target: (0,github_kinds/* kindField */.xG)(kinds[0]) } : {}),
        ...(several
            ? {
                packages: result.targets.map((t) => rowOf(t, result)),
            }
            : {}),
        runs: [run],
        // the planning step is bookkeeping noise in a timeline: keep the writes
        timeline: [
            ...affected.flatMap((t) => t.plan ? t.steps.filter((s) => s.step !== 'plan').map((s) => eventOf(s, t, several)) : []),
            // the undo as one entry of its own, with what it changed
            ...(run.status === 'undone'
                ? [
                    {
                        at: now,
                        action: 'Undone',
                        outcome: 'done',
                        detail: changes.map((c) => c.replace(/`/g, '')).join('; '),
                    },
                ]
                : []),
        ],
        warnings: result.warnings,
        ...(result.impact ? { impact: result.impact } : {}),
        ...(result.verification
            ? { verification: JSON.parse(JSON.stringify(result.verification)) }
            : {}),
        ...(result.handoff ? { handoff: handoffPlanOf(result, ctx) } : {}),
        ...(result.staged
            ? { staged: { version: result.staged.version, stageId: result.staged.stageId, command: result.staged.command } }
            : {}),
    };
}
/** The exact plan a hand-off leaves (src/handoff.ts): each planned target, where its channel goes, what it must still hold. */
function handoffPlanOf(result, ctx) {
    const h = result.handoff;
    return {
        startedAt: h.startedAt,
        reason: h.reason,
        registry: h.registry,
        ...(h.restoreAsked !== undefined ? { restoreAsked: h.restoreAsked } : {}),
        command: h.command ?? (0,handoff/* resumeCommand */.VJ)(result.incidentId, ctx.repository),
        targets: result.targets.flatMap((t) => {
            const plan = t.plan;
            if (!plan)
                return [];
            return [
                {
                    kind: t.kind,
                    name: t.name,
                    channel: plan.channel,
                    ...(plan.previousVersion !== undefined ? { expected: plan.previousVersion } : {}),
                    restore: plan.republish?.version ?? plan.restoreVersion,
                    ...(plan.deprecation.kind === 'deprecate' && !t.cannotRetire
                        ? { deprecationMessage: plan.deprecation.message }
                        : {}),
                },
            ];
        }),
    };
}
/** An undone target's row outcome. */
function undoOutcome(t) {
    const plan = t.plan;
    return plan.tag.kind === 'keep-newer' ||
        t.after?.distTags[plan.channel] !== (plan.foundVersion ?? plan.rollbackVersion)
        ? `left alone (holds ${t.after?.distTags[plan.channel] ?? 'nothing'})`
        : 'undone';
}
/** What this run changed, in words, for the re-run comment. */
function changesOf(result) {
    const changes = [];
    for (const t of result.targets) {
        const plan = t.plan;
        if (!plan)
            continue;
        const who = result.targets.length > 1 ? ` of \`${t.name}\`` : '';
        if (plan.undo) {
            const holds = t.after?.distTags[plan.channel];
            const found = plan.foundVersion ?? plan.rollbackVersion;
            if (t.moved)
                changes.push(`moved ${channelWord(t)} \`${plan.channel}\`${who} back to \`${found}\`: ${found === plan.rollbackVersion ? 'it points at the bad version again, as undo asked' : 'what it held when the incident found it'}`);
            else if (holds !== found)
                changes.push(`left ${channelWord(t)} \`${plan.channel}\`${who} alone: it holds \`${holds ?? 'nothing'}\`, not what the rollback wrote`);
            if (t.undeprecated)
                changes.push(plan.deprecation.kind === 'undeprecate' && plan.deprecation.restoreTo !== undefined
                    ? `put back the deprecation of \`${plan.rollbackVersion}\`${who} that the rollback replaced`
                    : `removed the deprecation of \`${plan.rollbackVersion}\`${who}`);
            if (plan.deprecation.kind === 'kept')
                changes.push(`kept the deprecation of \`${plan.rollbackVersion}\`${who}: a person changed its message`);
            if (plan.republish)
                changes.push(`\`${plan.republish.version}\`${who} stays published (npm never reuses a version)`);
            for (const s of t.steps)
                if (s.outcome === 'failed')
                    changes.push(`failed: ${s.step}${who}`);
            for (const a of t.anomalies ?? [])
                changes.push(`⚠️ ${(0,markdown/* inert */.tJ)(a)}`);
            continue;
        }
        if (t.moved)
            changes.push(`moved ${channelWord(t)} \`${plan.channel}\`${who} to \`${plan.republish?.version ?? plan.restoreVersion}\``);
        if (t.deprecated)
            changes.push(`deprecated \`${plan.rollbackVersion}\`${who}`);
        for (const s of t.steps)
            if (s.outcome === 'failed')
                changes.push(`failed: ${s.step}${who}`);
        for (const a of t.anomalies ?? [])
            changes.push(`⚠️ ${(0,markdown/* inert */.tJ)(a)}`);
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
    const path = undoReportPath(result, inputs, gi.reportDir);
    return recordIncidentRecord(gh, ctx, defaultBranch, {
        record: buildRecord(result, inputs, gi, ctx, now),
        changes: changesOf(result),
        reportName: reportName(result),
        ...(path ? { path } : {}),
        ...(result.undo ? { undo: true } : {}),
    }, gi, log);
}
/**
 * An undo by incident id updates the report its record names (a report under report-dir),
 * even when the undo's targets name it differently (a target the rollback never planned is
 * not undone).
 */
function undoReportPath(result, inputs, reportDir) {
    const path = inputs.recorded?.reportPath;
    if (!result.undo || path === undefined)
        return undefined;
    return path.startsWith(`${reportDir}/`) &&
        /^[A-Za-z0-9._/-]+\.md$/.test(path) &&
        !path.split('/').some((s) => s === '..' || s === '.' || s === '')
        ? path
        : undefined;
}


/***/ }),

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


/***/ })

};
