export const id = 649;
export const ids = [649];
export const modules = {

/***/ 50649:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  republish: () => (/* binding */ republish)
});

// UNUSED EXPORTS: NOTE_KEY, fixForwardVersion, noteOf, rewriteTarball

// EXTERNAL MODULE: ./node_modules/semver/index.js
var semver = __webpack_require__(62088);
var semver_default = /*#__PURE__*/__webpack_require__.n(semver);
// EXTERNAL MODULE: ./node_modules/ssri/lib/index.js
var lib = __webpack_require__(68951);
// EXTERNAL MODULE: ./src/core/errors.ts
var errors = __webpack_require__(74296);
// EXTERNAL MODULE: ./src/core/guard.ts
var guard = __webpack_require__(22958);
// EXTERNAL MODULE: ./src/core/retry.ts
var retry = __webpack_require__(27253);
// EXTERNAL MODULE: ./src/targets/npm/fetch.ts
var fetch = __webpack_require__(15240);
// EXTERNAL MODULE: ./src/core/plan.ts + 12 modules
var plan = __webpack_require__(18958);
// EXTERNAL MODULE: ./src/targets/npm/republish-note.ts
var republish_note = __webpack_require__(69517);
// EXTERNAL MODULE: ./src/core/settings.ts
var settings = __webpack_require__(51922);
// EXTERNAL MODULE: external "node:zlib"
var external_node_zlib_ = __webpack_require__(38522);
// EXTERNAL MODULE: ./node_modules/tar/dist/esm/index.min.js + 1 modules
var index_min = __webpack_require__(47178);
;// CONCATENATED MODULE: ./src/targets/npm/tarball.ts
// Rewriting an npm package tarball for a fix-forward republish (moved out of
// src/targets/republish.ts unchanged). No network I/O.




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
        const parser = new index_min/* Parser */.iX({ strict: true });
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
    const header = new index_min/* Header */.Y9(fields);
    const needPax = header.encode();
    const out = [];
    // long paths, big numbers, non-ASCII names: a pax header carries them, as node-tar writes it
    if (needPax)
        out.push(new index_min/* Pax */.un({
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
        throw new errors/* RegistryError */.gl(`The tarball could not be read: ${e instanceof Error ? e.message : String(e)}.`, 'check the restore version installs with npm; republish a version whose tarball is intact.');
    }
    const isManifest = (e) => e.type === 'File' || e.type === 'OldFile' || e.type === 'ContiguousFile';
    const manifests = entries.filter((e) => isManifest(e) && components(e.path).length === 2 && components(e.path)[1] === 'package.json');
    if (manifests.length !== 1) {
        throw new errors/* RegistryError */.gl(`The tarball has ${manifests.length === 0 ? 'no' : manifests.length} top-level package.json file${manifests.length === 1 ? '' : 's'}.`, `republish needs a tarball npm can install; use ${(0,settings/* setting */.Pe)('strategy', 'retag')} for this version.`);
    }
    const entry = manifests[0];
    const text = entry.body.toString('utf8').replace(/^\uFEFF/, '');
    let original;
    try {
        original = JSON.parse(text);
    }
    catch (e) {
        throw new errors/* RegistryError */.gl(`The tarball's package.json is not valid JSON (${e instanceof Error ? e.message : String(e)}).`, `use ${(0,settings/* setting */.Pe)('strategy', 'retag')} for this version.`);
    }
    if (!original || typeof original !== 'object' || Array.isArray(original)) {
        throw new errors/* RegistryError */.gl(`The tarball's package.json is not a JSON object.`, `use ${(0,settings/* setting */.Pe)('strategy', 'retag')} for this version.`);
    }
    const manifest = JSON.parse(text);
    edit(manifest);
    entry.body = Buffer.from(stringifyLike(text, manifest), 'utf8');
    const blocks = [];
    for (const e of entries)
        blocks.push(...encodeEntry(e));
    blocks.push(Buffer.alloc(1024)); // end of archive: two zero blocks
    return { tarball: (0,external_node_zlib_.gzipSync)(Buffer.concat(blocks)), manifest, original };
}

// EXTERNAL MODULE: ./src/targets/npm/stage.ts
var stage = __webpack_require__(25642);
// EXTERNAL MODULE: ./src/core/util.ts
var util = __webpack_require__(5043);
;// CONCATENATED MODULE: ./src/targets/npm/republish-errors.ts
// What a republish's registry failures mean, and the integrity a tarball is checked
// against (moved out of src/targets/republish.ts). No I/O.





/** What ssri should check a tarball against: dist.integrity, else the legacy sha1 shasum. */
function expectedIntegrity(dist) {
    if (typeof dist.integrity === 'string' && dist.integrity.trim() !== '') {
        const parsed = lib.parse(dist.integrity);
        if (parsed && Object.keys(parsed).length > 0)
            return parsed.toString();
    }
    if (typeof dist.shasum === 'string' && /^[0-9a-f]{40}$/i.test(dist.shasum))
        return lib.fromHex(dist.shasum.toLowerCase(), 'sha1').toString();
    return undefined;
}
/** A registry failure as an error that says what to do; never includes the token. */
function explainError(e, what, pkg, registry) {
    if (e instanceof errors/* RollbackError */.ZS)
        return e;
    const err = e;
    const status = err.statusCode;
    const code = err.code;
    if (code === 'EOTP') {
        return new errors/* RegistryError */.gl(`The registry asks for a second factor (two-factor authentication) to publish with this token: it is a session token from npm login, or a granular token without "Bypass two-factor authentication". Nothing was published.`, `use a granular access token with read and write access to ${pkg} and "Bypass two-factor authentication" ticked (npm announced that from January 2027 such a token may only stage a publish), or publish from the command line, which asks you to approve the write.`, status, code);
    }
    if (code === 'EPRIVATE') {
        return new errors/* RegistryError */.gl(`${what} ${pkg}: the restore version's package.json says "private": true, so it cannot be republished.`, `use ${(0,settings/* setting */.Pe)('strategy', 'retag')}.`, status, code);
    }
    if (status === 401) {
        return new errors/* RegistryError */.gl(`${registry} rejected the token (401 Unauthorized).`, `check that ${(0,settings/* settingName */.QX)('npm-token')} holds a current token for this registry (not expired or revoked).`, status, code);
    }
    if (status === 403) {
        return new errors/* RegistryError */.gl(`${registry} refused: ${what.toLowerCase()} ${pkg} (403 Forbidden)${err.message ? `: ${(0,util/* firstLine */.T)(err.message)}` : ''}.`, `the token needs publish rights on ${pkg} (a granular token with "Read and write" on the package or scope; with 2FA on the account, "Bypass two-factor authentication"); a 403 on publish can also mean the version was published and unpublished before (npm never reuses a version): use ${(0,settings/* setting */.Pe)('strategy', 'retag')} then.`, status, code);
    }
    const detail = status ? `HTTP ${status}` : (code ?? 'network error');
    return new errors/* RegistryError */.gl(`${what} ${pkg} on ${registry} failed: ${detail}${err.message ? ` (${(0,util/* firstLine */.T)(err.message)})` : ''}.`, (0,retry/* isRetryable */.r3)(e)
        ? 'the registry is failing or unreachable; re-run when it recovers (a re-run is safe: it finds what was already published).'
        : 'see the registry message above.', status, code);
}

;// CONCATENATED MODULE: ./src/targets/npm/republish.ts
// Fix-forward republish: a new patch above the bad version that carries the restore
// version's code. Moving a dist-tag back does not reach Yarn Berry (it ignores `latest`)
// nor anyone whose lockfile or updater already took the bad version (updaters never
// downgrade); a higher version with the good code does.
//
// The pure part (fixForwardVersion, noteOf, rewriteTarball) does no network I/O; the I/O
// part (republish) talks to the registry through npm-registry-fetch and libnpmpublish by
// way of RegistryClient (npm-fetch.ts), as NpmTarget does: the token is scoped to the
// registry and never follows a redirect to another origin. No @actions/* here.














/** The registry refused the direct publish and asks for staging (asksForStaging). */
class StageRequired extends errors/* RollbackError */.ZS {
    constructor() {
        super('the registry asks for a staged publish');
        this.name = 'StageRequired';
    }
}
/**
 * Publishes the restore version's code as the fix-forward version (see fixForwardVersion)
 * under the channel's dist-tag, with a RepublishNote in its package.json:
 *
 * 1. reads the packument fresh; when the fix-forward version exists and carries our note
 *    for the same bad/restore pair, returns `already` (nothing is written; the channel is
 *    left to the caller and reported in `channelHolds`); when it exists otherwise, throws;
 * 2. when it is staged already by this rollback (a re-run before the approval), returns
 *    `staged` with its stage id: nothing is staged twice;
 * 3. downloads the restore version's tarball (the token goes only to the registry's
 *    origin) and checks it against `dist.integrity` / `dist.shasum`;
 * 4. rewrites package.json inside it (version, note) and keeps every other file as is;
 * 5. publishes with libnpmpublish, `defaultTag` = the channel, guarded, decided from a
 *    read-back; or, with `stage` or when the registry answers E_STAGE_REQUIRED, stages it
 *    (npm stage publish) and returns `staged`: the caller then points the channel at the
 *    restore version, and a re-run after the approval finds the version live;
 * 6. downloads the published tarball and checks it against the registry's integrity.
 *
 * Refuses to run when the channel holds a version above the fix-forward version (the
 * publish would move it backwards). Never logs or throws the token.
 */
async function republish(opts) {
    const { restore } = opts;
    if (!semver_default().valid(restore))
        throw new errors/* InputError */.dz('restore-version', `'${restore}' is not a valid semver version.`, 'give the exact version to restore, such as 1.2.2.');
    const run = startRun(opts);
    const before = await run.readPackument();
    const versions = before.versions ?? {};
    if (!versions[opts.bad]) {
        throw new errors/* InputError */.dz('rollback-version', `${opts.packageName}@${opts.bad} does not exist in the registry.`, 'give a published version.');
    }
    if (versions[run.fix])
        return existingFix(run, before);
    checkChannel(run, before);
    // a re-run (the channel on the restore version) or staging asked: it may be staged already
    if (opts.stage || opts.expected === restore) {
        const waiting = await stagedByUs(run);
        if (waiting)
            return waiting;
    }
    const built = await buildFix(run, versions);
    if (!opts.stage) {
        try {
            return await publishFix(run, built, before);
        }
        catch (e) {
            if (!(e instanceof StageRequired))
                throw e;
            opts.log.info(`${opts.registry} refused a direct publish of ${opts.packageName}@${run.fix} and asks for a staged one (E_STAGE_REQUIRED): staging it.`);
        }
    }
    return stageFix(run, built);
}
function startRun(opts) {
    const { packageName, registry, log } = opts;
    const policy = opts.retry ?? retry/* DEFAULT_RETRY */.vI;
    const escaped = (0,fetch/* escapePackageName */.lw)(packageName);
    // the token is scoped to the registry and stays on its origin (scheme, host and port)
    const client = new fetch/* RegistryClient */.bP({
        registry,
        token: opts.token,
        timeoutMs: opts.timeoutMs,
        userAgent: opts.userAgent,
        answered: opts.registryAnswered,
        secondFactor: opts.secondFactor,
    });
    const explain = (e, what) => explainError(e, what, packageName, registry);
    const readPackument = () => (0,retry/* withRetry */.bD)(`reading ${packageName}`, () => client.json(`/${escaped}?write=true`, 'view'), policy, log).catch((e) => {
        if ((0,retry/* statusOf */.c2)(e) === 404) {
            throw new errors/* InputError */.dz('package', `${packageName} was not found on ${registry} (404).`, `check ${(0,settings/* currentDialect */.kZ)() === 'action' ? 'the package and registry inputs' : '--package and --registry'} (a private package also needs a token that can read it).`);
        }
        throw explain(e, 'Reading');
    });
    const run = {
        opts,
        client,
        policy,
        fix: (0,plan/* fixForwardVersion */.FP)(opts.bad),
        readPackument,
        download: (version, manifest) => download(run, version, manifest),
        explain,
    };
    return run;
}
async function download(run, version, manifest) {
    const { packageName, log } = run.opts;
    const dist = manifest.dist ?? {};
    const url = typeof dist.tarball === 'string' ? dist.tarball : undefined;
    if (!url || !/^https?:\/\//i.test(url)) {
        throw new errors/* RegistryError */.gl(`${packageName}@${version} has no usable tarball URL in the registry (${JSON.stringify(dist.tarball ?? null)}).`, `check the registry; use ${(0,settings/* setting */.Pe)('strategy', 'retag')} meanwhile.`);
    }
    const expected = expectedIntegrity(dist);
    if (!expected) {
        throw new errors/* RegistryError */.gl(`${packageName}@${version} has neither dist.integrity nor dist.shasum in the registry: its tarball cannot be verified.`, `use ${(0,settings/* setting */.Pe)('strategy', 'retag')} for this version.`);
    }
    const data = await (0,retry/* withRetry */.bD)(`downloading ${packageName}@${version}`, 
    // a full URL: the token goes with it only on the registry's origin, never to another
    // origin the URL or a redirect names (the bytes are checked against the integrity below)
    () => run.client.download(url, `The tarball of ${packageName}@${version}`), run.policy, log).catch((e) => {
        throw run.explain(e, 'Downloading the tarball of');
    });
    if (!lib.checkData(data, expected)) {
        const got = lib.fromData(data, { algorithms: [lib.parse(expected, { single: true }).algorithm] }).toString();
        throw new errors/* RegistryError */.gl(`The tarball of ${packageName}@${version} (${url}) does not match the integrity the registry gives for it: expected ${expected}, got ${got}. Nothing was published.`, 'the download was altered on the way (a proxy or mirror?) or the registry is inconsistent; check the registry and re-run.');
    }
    return { data, integrity: lib.fromData(data, { algorithms: ['sha512'] }).toString() };
}
/** The fix-forward version exists: ours for the same pair (`already`), else an error. */
async function existingFix(run, before) {
    const { packageName, channel, bad, restore, log } = run.opts;
    const fix = run.fix;
    const existing = before.versions?.[fix];
    const note = (0,republish_note/* noteOf */.k)(existing);
    if (!note) {
        throw new errors/* InputError */.dz('strategy', `republish would publish ${packageName}@${fix}, but ${fix} already exists and is not a republish by this tool (probably a real fix).`, `if ${fix} is the fix, point '${channel}' at it with ${(0,settings/* setting */.Pe)('strategy', 'retag')}, ${(0,settings/* setting */.Pe)('restore-version', fix)} and ${(0,settings/* setting */.Pe)('force', 'true')}; otherwise use ${(0,settings/* setting */.Pe)('strategy', 'retag')} to move '${channel}' back to ${restore}.`);
    }
    if (note.rollbackOf !== bad || note.restoredFrom !== restore) {
        throw new errors/* InputError */.dz('restore-version', `${packageName}@${fix} already exists as a republish of ${note.restoredFrom} replacing ${note.rollbackOf} (incident ${note.incidentId}), not of ${restore} replacing ${bad}.`, `give ${(0,settings/* setting */.Pe)('restore-version', note.restoredFrom)} to finish that rollback, or use ${(0,settings/* setting */.Pe)('strategy', 'retag')}.`);
    }
    log.info(`${packageName}@${fix} already republishes ${restore} in place of ${bad} (incident ${note.incidentId}): nothing to publish.`);
    const served = await run.download(fix, existing);
    const holds = before['dist-tags']?.[channel];
    return {
        version: fix,
        outcome: 'already',
        integrity: served.integrity,
        ...(holds !== undefined ? { channelHolds: holds } : {}),
    };
}
/** A channel above the fix-forward version: publishing under it would move it backwards. */
function checkChannel(run, before) {
    const { channel, bad } = run.opts;
    const holder = before['dist-tags']?.[channel];
    if (holder !== undefined && semver_default().valid(holder) && semver_default().gt(holder, run.fix)) {
        throw new errors/* InputError */.dz('strategy', `'${channel}' holds ${holder}, above the fix-forward version ${run.fix}: publishing ${run.fix} under '${channel}' would move it backwards.`, `${holder} is newer than the bad ${bad}; use ${(0,settings/* setting */.Pe)('strategy', 'retag')} (it leaves a newer version on the channel and deprecates ${bad}).`);
    }
}
/**
 * The fix-forward version staged by this rollback and waiting for its approval (its staged
 * tarball carries our note for the same pair), or undefined. Staged by someone else: an error.
 */
async function stagedByUs(run) {
    const { packageName, bad, restore, log } = run.opts;
    const items = await (0,retry/* withRetry */.bD)(`listing the staged versions of ${packageName}`, () => (0,stage/* listStaged */.td)(run.client, packageName), run.policy, log).catch((e) => {
        throw run.explain(e, 'Listing the staged versions of');
    });
    const item = items?.find((i) => i.version === run.fix);
    if (!item)
        return undefined;
    const note = await (0,stage/* stagedNote */.d9)(run.client, item.stageId).catch((e) => {
        throw run.explain(e, 'Downloading the staged tarball of');
    });
    if (!note || note.rollbackOf !== bad || note.restoredFrom !== restore) {
        throw new errors/* RegistryError */.gl(`${packageName}@${run.fix} is staged (stage id ${item.stageId}), but not as this rollback's republish of ${restore} replacing ${bad}.`, `look at it with npm stage view ${item.stageId}; approve it if it is the fix, or reject it (npm stage reject ${item.stageId}) and re-run.`);
    }
    log.info(`${packageName}@${run.fix} is staged already by this rollback (stage id ${item.stageId}) and waits for a maintainer's approval (${(0,stage/* approveCommand */.f6)(item.stageId)}): nothing staged again.`);
    return { version: run.fix, outcome: 'staged', integrity: '', stageId: item.stageId, waiting: true };
}
/** The restore version's tarball, verified, rewritten as the fix-forward version with our note. */
async function buildFix(run, versions) {
    const { packageName, bad, restore, incidentId, log } = run.opts;
    const fix = run.fix;
    const restoreManifest = versions[restore];
    if (!restoreManifest) {
        throw new errors/* InputError */.dz('restore-version', `${packageName}@${restore} does not exist in the registry.`, 'give a published version to restore.');
    }
    log.info(`Downloading ${packageName}@${restore} to republish it as ${fix}.`);
    const source = await run.download(restore, restoreManifest);
    log.info(`${packageName}@${restore}: tarball verified (${source.integrity}).`);
    const note = { rollbackOf: bad, restoredFrom: restore, incidentId };
    const rewritten = await rewriteTarball(source.data, (pkg) => {
        pkg.version = fix;
        pkg[republish_note/* NOTE_KEY */.B] = note;
    });
    if (rewritten.original.name !== packageName) {
        throw new errors/* RegistryError */.gl(`The tarball of ${packageName}@${restore} names the package ${JSON.stringify(rewritten.original.name)}, not ${packageName}. Nothing was published.`, `the registry serves a tarball that does not match the package; use ${(0,settings/* setting */.Pe)('strategy', 'retag')} and check the registry.`);
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
    const integrity = lib.fromData(rewritten.tarball, { algorithms: ['sha512'] }).toString();
    return { manifest, tarball: rewritten.tarball, integrity };
}
/** The direct publish, guarded like every channel write (it moves the channel); StageRequired when refused for staging. */
async function publishFix(run, built, before) {
    const { packageName, channel, bad, restore, log } = run.opts;
    const fix = run.fix;
    const { integrity } = built;
    log.info(`Publishing ${packageName}@${fix} (the code of ${restore}) under '${channel}' (${integrity}).`);
    const published = (doc) => {
        const entry = doc.versions?.[fix];
        if (!entry)
            return false;
        const theirs = (0,republish_note/* noteOf */.k)(entry);
        if (!theirs || theirs.rollbackOf !== bad || theirs.restoredFrom !== restore) {
            throw new errors/* RegistryError */.gl(`${packageName}@${fix} appeared on the registry, but not from this rollback (a concurrent publish?).`, `check ${packageName}@${fix} by hand before re-running.`);
        }
        if (entry.dist?.integrity !== integrity) {
            throw new errors/* RegistryError */.gl(`${packageName}@${fix} is on the registry with integrity ${String(entry.dist?.integrity)}, not the ${integrity} of the tarball sent.`, `check ${packageName}@${fix} by hand (a concurrent run of the same rollback?) before re-running.`);
        }
        return true;
    };
    const holder = before['dist-tags']?.[channel];
    const expected = 'expected' in run.opts ? run.opts.expected : holder;
    const { state: readBack } = await (0,guard/* guardedWrite */.m)({
        what: `publishing ${packageName}@${fix}`,
        channel,
        wanted: fix,
        expected,
        read: run.readPackument,
        holderOf: (d) => d['dist-tags']?.[channel],
        isDone: published,
        isExpected: (d) => d['dist-tags']?.[channel] === expected,
        write: async () => {
            try {
                // access null: an existing package keeps its access level (public stays public, restricted stays restricted)
                await run.client.publish(built.manifest, built.tarball, { defaultTag: channel, access: null });
            }
            catch (e) {
                if ((0,stage/* asksForStaging */.hh)(e))
                    throw new StageRequired();
                throw e;
            }
        },
        policy: run.policy,
        log,
        explain: (e) => run.explain(e, 'Publishing'),
        alsoRetry: (e) => (0,retry/* statusOf */.c2)(e) === 409,
    });
    // after: what the registry now serves for the new version is what was sent
    const served = await run.download(fix, readBack.versions?.[fix] ?? {});
    if (served.integrity !== integrity) {
        throw new errors/* RegistryError */.gl(`The registry serves ${packageName}@${fix} with integrity ${served.integrity}, not the ${integrity} published.`, `check ${packageName}@${fix} by hand.`);
    }
    const holds = readBack['dist-tags']?.[channel];
    if (holds !== fix)
        log.warning(`${packageName}@${fix} is published, but '${channel}' holds ${holds ?? 'nothing'}: the registry did not apply the publish's dist-tag.`);
    log.info(`Published ${packageName}@${fix} with the code of ${restore}; '${channel}' -> ${holds ?? 'nothing'}.`);
    return { version: fix, outcome: 'published', integrity, ...(holds !== undefined ? { channelHolds: holds } : {}) };
}
/**
 * The stage publish (npm stage publish: libnpmpublish with `stage: true`), right after a
 * fresh read that shows the version neither live nor staged. Its dist-tag is the channel:
 * npm applies it on the approval (docs npm-stage), which is what the rollback wants then.
 * Staging moves no channel and installs nothing, so nothing else is guarded by it.
 */
async function stageFix(run, built) {
    const { packageName, channel, restore, registry, log } = run.opts;
    const fix = run.fix;
    if (run.opts.oidc && !run.opts.mayStageWithOidc)
        throw new errors/* RegistryError */.gl(`${registry} accepts ${packageName}@${fix} only as a staged publish, and this run has only trusted publishing (OIDC): staging it would leave '${channel}' on the bad version until the approval, because OIDC may not move the dist-tag back. Nothing was written.`, `allow direct publishing for the trusted publisher, or ${(0,settings/* setting */.Pe)('npm-token', '<a granular token with "read and write (stage only)">')}, which stages the fix and moves '${channel}' back to ${restore} at once.`);
    const fresh = await run.readPackument();
    if (fresh.versions?.[fix])
        return existingFix(run, fresh);
    const waiting = await stagedByUs(run);
    if (waiting)
        return waiting;
    log.info(`Staging ${packageName}@${fix} (the code of ${restore}) with tag '${channel}' (${built.integrity}).`);
    let stageId;
    try {
        ;
        ({ stageId } = await run.client.publish(built.manifest, built.tarball, {
            defaultTag: channel,
            access: null,
            stage: true,
        }));
    }
    catch (e) {
        // decided from state: a stage that took effect although the answer failed is found by the listing
        const found = await stagedByUs(run).catch(() => undefined);
        if (found)
            return { ...found, waiting: false, integrity: built.integrity };
        throw run.explain(e, 'Staging');
    }
    if (stageId === undefined) {
        const found = await stagedByUs(run);
        if (!found)
            throw new errors/* RegistryError */.gl(`${registry} accepted the staged publish of ${packageName}@${fix} but named no stage id, and its staging list does not show it.`, `look with npm stage list ${packageName}, then re-run.`);
        stageId = found.stageId;
    }
    log.info(`Staged ${packageName}@${fix} (stage id ${stageId}): it becomes installable when a maintainer approves it (${(0,stage/* approveCommand */.f6)(stageId)}).`);
    return { version: fix, outcome: 'staged', integrity: built.integrity, stageId };
}


/***/ })

};
