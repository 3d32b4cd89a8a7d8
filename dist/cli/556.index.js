export const id = 556;
export const ids = [556];
export const modules = {

/***/ 77556:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   readFreezeInputs: () => (/* reexport safe */ _freeze_js__WEBPACK_IMPORTED_MODULE_1__.zU),
/* harmony export */   runFreezeCheck: () => (/* binding */ runFreezeCheck)
/* harmony export */ });
/* harmony import */ var _github_client_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(61831);
/* harmony import */ var _github_urls_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(15945);
/* harmony import */ var _freeze_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(68821);
// The freeze check's run, for both entries (the action's freeze-check input, the command line's freeze-check
// subcommand): the client for the repository, and the check (src/modes/freeze.ts). The entries load this module only
// in this mode: it brings Octokit.




/** Whether the release is frozen, asked of the repository's issues with the freeze inputs' token. */
function runFreezeCheck(fi, env, log) {
    const gh = (0,_github_client_js__WEBPACK_IMPORTED_MODULE_0__.createGitHubClient)({ token: fi.token, baseUrl: (0,_github_urls_js__WEBPACK_IMPORTED_MODULE_2__/* .githubEndpoints */ .QF)(env).apiUrl, log });
    return (0,_freeze_js__WEBPACK_IMPORTED_MODULE_1__/* .checkFreeze */ .Ex)(gh, (0,_github_client_js__WEBPACK_IMPORTED_MODULE_0__/* .repoRef */ .sA)(fi.repository), fi);
}


/***/ })

};
