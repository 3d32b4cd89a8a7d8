export const id = 716;
export const ids = [716];
export const modules = {

/***/ 53716:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   republish: () => (/* binding */ republish)
/* harmony export */ });
/* unused harmony export rewriteTarball */
/* harmony import */ var node_zlib__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(38522);
/* harmony import */ var node_zlib__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_zlib__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var semver__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(62088);
/* harmony import */ var semver__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(semver__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var ssri__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(68951);
/* harmony import */ var tar__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(98697);
/* harmony import */ var _core_errors_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(74296);
/* harmony import */ var _core_guard_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(22958);
/* harmony import */ var _core_retry_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(27253);
/* harmony import */ var _fetch_js__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(71916);
/* harmony import */ var _core_plan_js__WEBPACK_IMPORTED_MODULE_8__ = __webpack_require__(4620);
/* harmony import */ var _republish_note_js__WEBPACK_IMPORTED_MODULE_10__ = __webpack_require__(69517);
/* harmony import */ var _core_util_js__WEBPACK_IMPORTED_MODULE_11__ = __webpack_require__(5043);
/* harmony import */ var _core_settings_js__WEBPACK_IMPORTED_MODULE_9__ = __webpack_require__(51922);
// Fix-forward republish: a new patch above the bad version that carries the restore
// version's code. Moving a dist-tag back does not reach Yarn Berry (it ignores `latest`)
// nor anyone whose lockfile or updater already took the bad version (updaters never
// downgrade); a higher version with the good code does.
//
// The pure part (fixForwardVersion, noteOf, rewriteTarball) does no network I/O; the I/O
// part (republish) talks to the registry through npm-registry-fetch and libnpmpublish by
// way of RegistryClient (npm-fetch.ts), as NpmTarget does: the token is scoped to the
// registry and never follows a redirect to another origin. No @actions/* here.














/** `./x/y` -> `['x', 'y']` (empty and `.` components dropped, as npm's extraction sees it). */
function components(p) {
    return p.split('/').filter((c) => c !== '' && c !== '.');
}
/** The path with its top folder renamed to `package` (npm strips the top folder, whatever its name). */
function underPackage(p, type) {
    const parts = components(p);
    if (parts.length >= 2)
        return ['package', ...parts.slice(1)].join('/') + (p.endsWith('/') ? '/' : '');
    if (parts.length === 1 && type === 'Directory')
        return 'package/';
    return p;
}
async function readEntries(tarball) {
    const entries = [];
    await new Promise((resolve, reject) => {
        let failed = false;
        const fail = (e) => {
            if (failed)
                return;
            failed = true;
            reject(e instanceof Error ? e : new Error(String(e)));
        };
        // strict: a damaged header is an error, not a skipped entry
        const parser = new tar__WEBPACK_IMPORTED_MODULE_3__/* .Parser */ .iX({ strict: true });
        parser.on('error', fail);
        parser.on('ignoredEntry', (e) => fail(new Error(`the tarball has an entry this tool cannot carry over faithfully (${e.type} ${e.path})`)));
        parser.on('entry', (e) => {
            const chunks = [];
            e.on('data', (c) => chunks.push(c));
            e.on('end', () => {
                entries.push({
                    path: e.path,
                    type: e.type,
                    mode: e.mode,
                    uid: e.uid,
                    gid: e.gid,
                    uname: e.uname,
                    gname: e.gname,
                    mtime: e.mtime,
                    linkpath: e.linkpath,
                    devmaj: e.header.devmaj,
                    devmin: e.header.devmin,
                    body: Buffer.concat(chunks),
                });
            });
        });
        parser.on('end', () => (failed ? undefined : resolve()));
        try {
            parser.end(tarball);
        }
        catch (e) {
            fail(e);
        }
    });
    return entries;
}
function encodeEntry(entry) {
    const path = underPackage(entry.path, entry.type);
    const linkpath = entry.type === 'Link' && entry.linkpath !== undefined ? underPackage(entry.linkpath, 'File') : entry.linkpath;
    const fields = {
        path,
        linkpath,
        mode: entry.mode,
        uid: entry.uid,
        gid: entry.gid,
        uname: entry.uname,
        gname: entry.gname,
        size: entry.body.length,
        mtime: entry.mtime,
        type: entry.type,
        devmaj: entry.devmaj,
        devmin: entry.devmin,
    };
    const header = new tar__WEBPACK_IMPORTED_MODULE_3__/* .Header */ .Y9(fields);
    const needPax = header.encode();
    const out = [];
    // long paths, big numbers, non-ASCII names: a pax header carries them, as node-tar writes it
    if (needPax)
        out.push(new tar__WEBPACK_IMPORTED_MODULE_3__/* .Pax */ .un({
            path,
            linkpath,
            size: fields.size,
            mtime: fields.mtime,
            uid: fields.uid,
            gid: fields.gid,
            uname: fields.uname,
            gname: fields.gname,
        }).encode());
    out.push(header.block);
    if (entry.body.length > 0) {
        out.push(entry.body);
        const pad = (512 - (entry.body.length % 512)) % 512;
        if (pad)
            out.push(Buffer.alloc(pad));
    }
    return out;
}
/** npm's own way of writing package.json: keep the file's indentation and line endings. */
function stringifyLike(original, value) {
    const indent = /^\{\r?\n([ \t]+)"/.exec(original)?.[1] ?? (/^\{\r?\n/.test(original) ? '  ' : '');
    const eol = original.includes('\r\n') ? '\r\n' : '\n';
    const trailing = /\r?\n$/.test(original) ? eol : '';
    const text = JSON.stringify(value, null, indent);
    return (eol === '\n' ? text : text.replace(/\n/g, eol)) + trailing;
}
/**
 * Rewrites an npm package tarball: `edit` changes the parsed package.json in place (it is
 * written back with the file's own indentation and line endings); every other entry keeps
 * its bytes, mode, type, owner fields and mtime. The top folder becomes `package/` (npm
 * strips it whatever it is called). The tarball is read with node-tar, the parser npm
 * installs with, so this sees the same entries an install would. Refuses an archive with
 * no or several top-level package.json files, or entries it cannot carry over.
 */
async function rewriteTarball(tarball, edit) {
    let entries;
    try {
        entries = await readEntries(tarball);
    }
    catch (e) {
        throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .RegistryError */ .gl(`The tarball could not be read: ${e instanceof Error ? e.message : String(e)}.`, 'check the restore version installs with npm; republish a version whose tarball is intact.');
    }
    const isManifest = (e) => e.type === 'File' || e.type === 'OldFile' || e.type === 'ContiguousFile';
    const manifests = entries.filter((e) => isManifest(e) && components(e.path).length === 2 && components(e.path)[1] === 'package.json');
    if (manifests.length !== 1) {
        throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .RegistryError */ .gl(`The tarball has ${manifests.length === 0 ? 'no' : manifests.length} top-level package.json file${manifests.length === 1 ? '' : 's'}.`, `republish needs a tarball npm can install; use ${(0,_core_settings_js__WEBPACK_IMPORTED_MODULE_9__/* .setting */ .Pe)('strategy', 'retag')} for this version.`);
    }
    const entry = manifests[0];
    const text = entry.body.toString('utf8').replace(/^\uFEFF/, '');
    let original;
    try {
        original = JSON.parse(text);
    }
    catch (e) {
        throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .RegistryError */ .gl(`The tarball's package.json is not valid JSON (${e instanceof Error ? e.message : String(e)}).`, `use ${(0,_core_settings_js__WEBPACK_IMPORTED_MODULE_9__/* .setting */ .Pe)('strategy', 'retag')} for this version.`);
    }
    if (!original || typeof original !== 'object' || Array.isArray(original)) {
        throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .RegistryError */ .gl(`The tarball's package.json is not a JSON object.`, `use ${(0,_core_settings_js__WEBPACK_IMPORTED_MODULE_9__/* .setting */ .Pe)('strategy', 'retag')} for this version.`);
    }
    const manifest = JSON.parse(text);
    edit(manifest);
    entry.body = Buffer.from(stringifyLike(text, manifest), 'utf8');
    const blocks = [];
    for (const e of entries)
        blocks.push(...encodeEntry(e));
    blocks.push(Buffer.alloc(1024)); // end of archive: two zero blocks
    return { tarball: (0,node_zlib__WEBPACK_IMPORTED_MODULE_0__.gzipSync)(Buffer.concat(blocks)), manifest, original };
}
/**
 * Publishes the restore version's code as the fix-forward version (see fixForwardVersion)
 * under the channel's dist-tag, with a RepublishNote in its package.json:
 *
 * 1. reads the packument fresh; when the fix-forward version exists and carries our note
 *    for the same bad/restore pair, returns `already` (nothing is written; the channel is
 *    left to the caller and reported in `channelHolds`); when it exists otherwise, throws;
 * 2. downloads the restore version's tarball (the token goes only to the registry's
 *    origin, never to another one a URL or redirect names) and checks it against `dist.integrity` / `dist.shasum`
 *    before using it: a mismatch throws and nothing is published;
 * 3. rewrites package.json inside it (version, note) and keeps every other file as is;
 * 4. publishes with libnpmpublish, `defaultTag` = the channel, so the channel moves to the
 *    new version in the same write; decides from a read-back (an error that took effect
 *    counts as done), which must show the version with the integrity of the bytes sent;
 * 5. downloads the published tarball and checks it against the registry's integrity.
 *
 * Refuses to run when the channel holds a version above the fix-forward version (the
 * publish would move it backwards). Never logs or throws the token.
 */
async function republish(opts) {
    const { packageName, registry, channel, bad, restore, incidentId, log } = opts;
    const policy = opts.retry ?? _core_retry_js__WEBPACK_IMPORTED_MODULE_6__/* .DEFAULT_RETRY */ .vI;
    const escaped = (0,_fetch_js__WEBPACK_IMPORTED_MODULE_7__/* .escapePackageName */ .lw)(packageName);
    const fix = (0,_core_plan_js__WEBPACK_IMPORTED_MODULE_8__/* .fixForwardVersion */ .FP)(bad);
    if (!semver__WEBPACK_IMPORTED_MODULE_1___default().valid(restore))
        throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .InputError */ .dz('restore-version', `'${restore}' is not a valid semver version.`, 'give the exact version to restore, such as 1.2.2.');
    // the token is scoped to the registry and stays on its origin (scheme, host and port)
    const client = new _fetch_js__WEBPACK_IMPORTED_MODULE_7__/* .RegistryClient */ .bP({
        registry,
        token: opts.token,
        timeoutMs: opts.timeoutMs,
        userAgent: opts.userAgent,
        answered: opts.registryAnswered,
        secondFactor: opts.secondFactor,
    });
    const explain = (e, what) => explainError(e, what, packageName, registry);
    const readPackument = () => (0,_core_retry_js__WEBPACK_IMPORTED_MODULE_6__/* .withRetry */ .bD)(`reading ${packageName}`, () => client.json(`/${escaped}?write=true`, 'view'), policy, log).catch((e) => {
        if ((0,_core_retry_js__WEBPACK_IMPORTED_MODULE_6__/* .statusOf */ .c2)(e) === 404) {
            throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .InputError */ .dz('package', `${packageName} was not found on ${registry} (404).`, `check ${(0,_core_settings_js__WEBPACK_IMPORTED_MODULE_9__/* .currentDialect */ .kZ)() === 'action' ? 'the package and registry inputs' : '--package and --registry'} (a private package also needs a token that can read it).`);
        }
        throw explain(e, 'Reading');
    });
    const download = async (version, manifest) => {
        const dist = manifest.dist ?? {};
        const url = typeof dist.tarball === 'string' ? dist.tarball : undefined;
        if (!url || !/^https?:\/\//i.test(url)) {
            throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .RegistryError */ .gl(`${packageName}@${version} has no usable tarball URL in the registry (${JSON.stringify(dist.tarball ?? null)}).`, `check the registry; use ${(0,_core_settings_js__WEBPACK_IMPORTED_MODULE_9__/* .setting */ .Pe)('strategy', 'retag')} meanwhile.`);
        }
        const expected = expectedIntegrity(dist);
        if (!expected) {
            throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .RegistryError */ .gl(`${packageName}@${version} has neither dist.integrity nor dist.shasum in the registry: its tarball cannot be verified.`, `use ${(0,_core_settings_js__WEBPACK_IMPORTED_MODULE_9__/* .setting */ .Pe)('strategy', 'retag')} for this version.`);
        }
        const data = await (0,_core_retry_js__WEBPACK_IMPORTED_MODULE_6__/* .withRetry */ .bD)(`downloading ${packageName}@${version}`, 
        // a full URL: the token goes with it only on the registry's origin, never to another
        // origin the URL or a redirect names (the bytes are checked against the integrity below)
        () => client.download(url, `The tarball of ${packageName}@${version}`), policy, log).catch((e) => {
            throw explain(e, 'Downloading the tarball of');
        });
        if (!ssri__WEBPACK_IMPORTED_MODULE_2__.checkData(data, expected)) {
            const got = ssri__WEBPACK_IMPORTED_MODULE_2__.fromData(data, { algorithms: [ssri__WEBPACK_IMPORTED_MODULE_2__.parse(expected, { single: true }).algorithm] }).toString();
            throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .RegistryError */ .gl(`The tarball of ${packageName}@${version} (${url}) does not match the integrity the registry gives for it: expected ${expected}, got ${got}. Nothing was published.`, 'the download was altered on the way (a proxy or mirror?) or the registry is inconsistent; check the registry and re-run.');
        }
        return { data, integrity: ssri__WEBPACK_IMPORTED_MODULE_2__.fromData(data, { algorithms: ['sha512'] }).toString() };
    };
    const before = await readPackument();
    const versions = before.versions ?? {};
    if (!versions[bad]) {
        throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .InputError */ .dz('rollback-version', `${packageName}@${bad} does not exist in the registry.`, 'give a published version.');
    }
    const existing = versions[fix];
    if (existing) {
        const note = (0,_republish_note_js__WEBPACK_IMPORTED_MODULE_10__/* .noteOf */ .k)(existing);
        if (!note) {
            throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .InputError */ .dz('strategy', `republish would publish ${packageName}@${fix}, but ${fix} already exists and is not a republish by this tool (probably a real fix).`, `if ${fix} is the fix, point '${channel}' at it with ${(0,_core_settings_js__WEBPACK_IMPORTED_MODULE_9__/* .setting */ .Pe)('strategy', 'retag')}, ${(0,_core_settings_js__WEBPACK_IMPORTED_MODULE_9__/* .setting */ .Pe)('restore-version', fix)} and ${(0,_core_settings_js__WEBPACK_IMPORTED_MODULE_9__/* .setting */ .Pe)('force', 'true')}; otherwise use ${(0,_core_settings_js__WEBPACK_IMPORTED_MODULE_9__/* .setting */ .Pe)('strategy', 'retag')} to move '${channel}' back to ${restore}.`);
        }
        if (note.rollbackOf !== bad || note.restoredFrom !== restore) {
            throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .InputError */ .dz('restore-version', `${packageName}@${fix} already exists as a republish of ${note.restoredFrom} replacing ${note.rollbackOf} (incident ${note.incidentId}), not of ${restore} replacing ${bad}.`, `give ${(0,_core_settings_js__WEBPACK_IMPORTED_MODULE_9__/* .setting */ .Pe)('restore-version', note.restoredFrom)} to finish that rollback, or use ${(0,_core_settings_js__WEBPACK_IMPORTED_MODULE_9__/* .setting */ .Pe)('strategy', 'retag')}.`);
        }
        log.info(`${packageName}@${fix} already republishes ${restore} in place of ${bad} (incident ${note.incidentId}): nothing to publish.`);
        const served = await download(fix, existing);
        const holds = before['dist-tags']?.[channel];
        return {
            version: fix,
            outcome: 'already',
            integrity: served.integrity,
            ...(holds !== undefined ? { channelHolds: holds } : {}),
        };
    }
    const holder = before['dist-tags']?.[channel];
    if (holder !== undefined && semver__WEBPACK_IMPORTED_MODULE_1___default().valid(holder) && semver__WEBPACK_IMPORTED_MODULE_1___default().gt(holder, fix)) {
        throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .InputError */ .dz('strategy', `'${channel}' holds ${holder}, above the fix-forward version ${fix}: publishing ${fix} under '${channel}' would move it backwards.`, `${holder} is newer than the bad ${bad}; use ${(0,_core_settings_js__WEBPACK_IMPORTED_MODULE_9__/* .setting */ .Pe)('strategy', 'retag')} (it leaves a newer version on the channel and deprecates ${bad}).`);
    }
    const restoreManifest = versions[restore];
    if (!restoreManifest) {
        throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .InputError */ .dz('restore-version', `${packageName}@${restore} does not exist in the registry.`, 'give a published version to restore.');
    }
    log.info(`Downloading ${packageName}@${restore} to republish it as ${fix}.`);
    const source = await download(restore, restoreManifest);
    log.info(`${packageName}@${restore}: tarball verified (${source.integrity}).`);
    const note = { rollbackOf: bad, restoredFrom: restore, incidentId };
    const rewritten = await rewriteTarball(source.data, (pkg) => {
        pkg.version = fix;
        pkg[_republish_note_js__WEBPACK_IMPORTED_MODULE_10__/* .NOTE_KEY */ .B] = note;
    });
    if (rewritten.original.name !== packageName) {
        throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .RegistryError */ .gl(`The tarball of ${packageName}@${restore} names the package ${JSON.stringify(rewritten.original.name)}, not ${packageName}. Nothing was published.`, `the registry serves a tarball that does not match the package; use ${(0,_core_settings_js__WEBPACK_IMPORTED_MODULE_9__/* .setting */ .Pe)('strategy', 'retag')} and check the registry.`);
    }
    if (rewritten.original.version !== restore) {
        log.warning(`The package.json in ${packageName}@${restore}'s tarball says version ${JSON.stringify(rewritten.original.version)}; republishing its code as ${fix} anyway.`);
    }
    // The registry manifest is the tarball's package.json (as `npm publish <tarball>` makes
    // it), plus the source commit the restore version recorded. `tag` would override the
    // dist-tag libnpmpublish writes; the channel decides that.
    const manifest = { ...rewritten.manifest };
    delete manifest.tag;
    if (manifest.gitHead === undefined && typeof restoreManifest.gitHead === 'string')
        manifest.gitHead = restoreManifest.gitHead;
    const integrity = ssri__WEBPACK_IMPORTED_MODULE_2__.fromData(rewritten.tarball, { algorithms: ['sha512'] }).toString();
    log.info(`Publishing ${packageName}@${fix} (the code of ${restore}) under '${channel}' (${integrity}).`);
    const published = (doc) => {
        const entry = doc.versions?.[fix];
        if (!entry)
            return false;
        const theirs = (0,_republish_note_js__WEBPACK_IMPORTED_MODULE_10__/* .noteOf */ .k)(entry);
        if (!theirs || theirs.rollbackOf !== bad || theirs.restoredFrom !== restore) {
            throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .RegistryError */ .gl(`${packageName}@${fix} appeared on the registry, but not from this rollback (a concurrent publish?).`, `check ${packageName}@${fix} by hand before re-running.`);
        }
        if (entry.dist?.integrity !== integrity) {
            throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .RegistryError */ .gl(`${packageName}@${fix} is on the registry with integrity ${String(entry.dist?.integrity)}, not the ${integrity} of the tarball sent.`, `check ${packageName}@${fix} by hand (a concurrent run of the same rollback?) before re-running.`);
        }
        return true;
    };
    // the publish also moves the channel: guarded like every channel write
    const expected = 'expected' in opts ? opts.expected : holder;
    const { state: readBack } = await (0,_core_guard_js__WEBPACK_IMPORTED_MODULE_5__/* .guardedWrite */ .m)({
        what: `publishing ${packageName}@${fix}`,
        channel,
        wanted: fix,
        expected,
        read: readPackument,
        holderOf: (d) => d['dist-tags']?.[channel],
        isDone: published,
        isExpected: (d) => d['dist-tags']?.[channel] === expected,
        write: async () => {
            await client.publish(manifest, rewritten.tarball, {
                defaultTag: channel,
                // null: an existing package keeps its access level (public stays public, restricted stays restricted)
                access: null,
            });
        },
        policy,
        log,
        explain: (e) => explain(e, 'Publishing'),
        alsoRetry: (e) => (0,_core_retry_js__WEBPACK_IMPORTED_MODULE_6__/* .statusOf */ .c2)(e) === 409,
    });
    // after: what the registry now serves for the new version is what was sent
    const served = await download(fix, readBack.versions?.[fix] ?? {});
    if (served.integrity !== integrity) {
        throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .RegistryError */ .gl(`The registry serves ${packageName}@${fix} with integrity ${served.integrity}, not the ${integrity} published.`, `check ${packageName}@${fix} by hand.`);
    }
    const holds = readBack['dist-tags']?.[channel];
    if (holds !== fix)
        log.warning(`${packageName}@${fix} is published, but '${channel}' holds ${holds ?? 'nothing'}: the registry did not apply the publish's dist-tag.`);
    log.info(`Published ${packageName}@${fix} with the code of ${restore}; '${channel}' -> ${holds ?? 'nothing'}.`);
    return { version: fix, outcome: 'published', integrity, ...(holds !== undefined ? { channelHolds: holds } : {}) };
}
/** What ssri should check a tarball against: dist.integrity, else the legacy sha1 shasum. */
function expectedIntegrity(dist) {
    if (typeof dist.integrity === 'string' && dist.integrity.trim() !== '') {
        const parsed = ssri__WEBPACK_IMPORTED_MODULE_2__.parse(dist.integrity);
        if (parsed && Object.keys(parsed).length > 0)
            return parsed.toString();
    }
    if (typeof dist.shasum === 'string' && /^[0-9a-f]{40}$/i.test(dist.shasum))
        return ssri__WEBPACK_IMPORTED_MODULE_2__.fromHex(dist.shasum.toLowerCase(), 'sha1').toString();
    return undefined;
}
/** A registry failure as an error that says what to do; never includes the token. */
function explainError(e, what, pkg, registry) {
    if (e instanceof _core_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .RollbackError */ .ZS)
        return e;
    const err = e;
    const status = err.statusCode;
    const code = err.code;
    if (code === 'EOTP') {
        return new _core_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .RegistryError */ .gl(`The registry asks for a second factor (two-factor authentication) to publish with this token: it is a session token from npm login, or a granular token without "Bypass two-factor authentication". Nothing was published.`, `use a granular access token with read and write access to ${pkg} and "Bypass two-factor authentication" ticked (npm announced that from January 2027 such a token may only stage a publish), or publish from the command line, which asks you to approve the write.`, status, code);
    }
    if (code === 'EPRIVATE') {
        return new _core_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .RegistryError */ .gl(`${what} ${pkg}: the restore version's package.json says "private": true, so it cannot be republished.`, `use ${(0,_core_settings_js__WEBPACK_IMPORTED_MODULE_9__/* .setting */ .Pe)('strategy', 'retag')}.`, status, code);
    }
    if (status === 401) {
        return new _core_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .RegistryError */ .gl(`${registry} rejected the token (401 Unauthorized).`, `check that ${(0,_core_settings_js__WEBPACK_IMPORTED_MODULE_9__/* .settingName */ .QX)('npm-token')} holds a current token for this registry (not expired or revoked).`, status, code);
    }
    if (status === 403) {
        return new _core_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .RegistryError */ .gl(`${registry} refused: ${what.toLowerCase()} ${pkg} (403 Forbidden)${err.message ? `: ${(0,_core_util_js__WEBPACK_IMPORTED_MODULE_11__/* .firstLine */ .T)(err.message)}` : ''}.`, `the token needs publish rights on ${pkg} (a granular token with "Read and write" on the package or scope; with 2FA on the account, "Bypass two-factor authentication"); a 403 on publish can also mean the version was published and unpublished before (npm never reuses a version): use ${(0,_core_settings_js__WEBPACK_IMPORTED_MODULE_9__/* .setting */ .Pe)('strategy', 'retag')} then.`, status, code);
    }
    const detail = status ? `HTTP ${status}` : (code ?? 'network error');
    return new _core_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .RegistryError */ .gl(`${what} ${pkg} on ${registry} failed: ${detail}${err.message ? ` (${(0,_core_util_js__WEBPACK_IMPORTED_MODULE_11__/* .firstLine */ .T)(err.message)})` : ''}.`, (0,_core_retry_js__WEBPACK_IMPORTED_MODULE_6__/* .isRetryable */ .r3)(e)
        ? 'the registry is failing or unreachable; re-run when it recovers (a re-run is safe: it finds what was already published).'
        : 'see the registry message above.', status, code);
}


/***/ })

};
