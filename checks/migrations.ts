import type { Check } from '../src/check-runner/check.js';

/** `finbrain check migrations`: the migration lint, on the real Postgres parser. */
export const check: Check = {
  id: 'migrations',
  async run(ctx) {
    const { loadProject } = await import('../src/revisions/project.js');
    const { initSqlParser } = await import('../src/sql/index.js');
    const { lintMigrations } = await import('../src/migration-lint/lint.js');
    const { LINT_RULES } = await import('../src/migration-lint/rules/index.js');
    await initSqlParser();
    // A project without a migrations folder has nothing to lint.
    const project = await loadProject({ loaded: { config: ctx.config, root: ctx.root }, allowMissingDir: true });
    const r = lintMigrations(project.graph, ctx.config);
    return { checkId: 'migrations', rules: LINT_RULES, findings: r.findings, stats: r.stats };
  },
};
