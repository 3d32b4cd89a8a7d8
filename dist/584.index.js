export const id = 584;
export const ids = [584];
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


/***/ })

};
