// The architecture rules, checked by __tests__/architecture.test.ts (and by
// `npx depcruise src` by hand). Paths are relative to the folder cruised from.
/** The pure core: decides, never does I/O. core/retry.ts counts: it imports only errors.ts and only waits on a timer. */
const CORE = '^src/core/'

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import cycle (type-only imports count: a type cycle still ties two modules into one).',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-imports-only-core',
      severity: 'error',
      comment:
        'The pure core (src/core/: plan, guard, errors, util, retry, the types) imports only itself, semver and node:crypto: never @actions/*, node:fs, an adapter, inputs or GitHub code.',
      from: { path: CORE },
      to: { pathNot: `${CORE}|(^|/)node_modules/semver/|^crypto$` },
    },
  ],
  options: {
    // type-only imports are dependencies too
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    moduleSystems: ['es6', 'cjs'],
  },
}
