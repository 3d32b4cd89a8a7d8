export const id = 876;
export const ids = [876];
export const modules = {

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


/***/ })

};
