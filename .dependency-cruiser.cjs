/**
 * finbrain's layering, enforced in CI (`npm run lint:deps`), the way
 * dependency-cruiser enforces its own. ARCHITECTURE.md explains the layers.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'tool-never-imports-the-app',
      comment: 'The tool (src/, checks/, bin/) is what users install. FinBrain (app/, migrations/) is its first user and uses it by package name only.',
      severity: 'error',
      from: { path: '^(src|checks|bin)/' },
      to: { path: '^(app|migrations)/' },
    },
    {
      name: 'nothing-imports-tests',
      comment: 'Tests and benches import the product, never the other way round.',
      severity: 'error',
      from: { pathNot: '^(test|bench)/' },
      to: { path: '^(test|bench)/' },
    },
    {
      name: 'one-sql-brain',
      comment: 'Only src/sql talks to the Postgres parser; everything else asks src/sql.',
      severity: 'error',
      from: { pathNot: '^src/sql/' },
      to: { path: 'node_modules/(libpg-query|@libpg-query|pgsql-)' },
    },
    {
      name: 'cli-is-thin',
      comment: 'src/cli holds commander declarations. It calls one core entry point (a feature index.ts, or checks/index.ts) and a reporter.',
      severity: 'error',
      from: { path: '^src/cli/' },
      to: {
        path: '^(src|checks)/',
        pathNot: ['^src/cli/', '^src/report/', '^src/[^/]+/index\\.ts$', '^src/errors\\.ts$', '^src/masking/', '^checks/index\\.ts$'],
      },
    },
    {
      name: 'core-never-imports-the-cli',
      severity: 'error',
      from: { path: '^(src|checks)/', pathNot: '^src/cli/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'core-never-imports-checks',
      comment: 'checks/ plugs into the runner; the runner gets the registry passed in (no cycle).',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/cli/' },
      to: { path: '^checks/' },
    },
    {
      name: 'reporters-are-pure',
      comment: 'A reporter is a pure function of the data a core function returned: no I/O, no database, no core logic (types are fine).',
      severity: 'error',
      from: { path: '^src/report/' },
      to: {
        path: ['^src/', '^(node:)?(fs|fs/promises|child_process|net|http|https|worker_threads)$', 'node_modules/(pg|@electric-sql|ts-morph|typescript)/'],
        pathNot: ['^src/report/', '^src/findings/', '^src/masking/'],
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'migrate-never-loads-the-compiler',
      comment: 'migrate, changelog, verify and the runtime start fast and ship to production: no ts-morph, no TypeScript.',
      severity: 'error',
      from: { path: '^src/(migrate|revisions|changelog|verify|runtime|writer|db|sql|monitor|standards)/' },
      to: { path: ['node_modules/(ts-morph|typescript)/', '^src/(ts-analysis|single-writer|security)/'] },
    },
    {
      name: 'no-dev-dependencies-in-the-tool',
      comment: 'What the package ships must run with its dependencies only (tests beside the code, *.test.ts, are not shipped).',
      severity: 'error',
      from: { path: '^(src|checks|bin)/', pathNot: '\\.test(-support)?\\.ts$' },
      to: { dependencyTypes: ['npm-dev'] },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'no-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['^test/fixtures/', '^dist/', '^bench/\\.work/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json', '.d.ts'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
