import { beforeAll, describe, expect, it } from 'vitest';
import { loadProject } from '../../src/revisions/project.js';
import { lintMigrations } from '../../src/migration-lint/lint.js';
import { initSqlParser } from '../../src/sql/index.js';
import { runCli } from '../helpers/cli.js';
import { sqlRevision } from '../helpers/revisions.js';
import { makeTree } from '../helpers/tmp.js';

beforeAll(() => initSqlParser());

const BASE = sqlRevision({ id: 'a1', up: 'CREATE TABLE t (id int PRIMARY KEY, a int, b text);\nCREATE TABLE p (id int PRIMARY KEY);', down: 'DROP TABLE t; DROP TABLE p;' });

async function lint(up: string, o: { transaction?: 'true' | 'false' | 'auto'; description?: string; config?: object } = {}) {
  const dir = makeTree({
    'migrations/a1_base.sql': BASE,
    'migrations/b2_change.sql': sqlRevision({ id: 'b2', revises: 'a1', up, transaction: o.transaction, description: o.description }),
    ...(o.config ? { 'finbrain.config.json': JSON.stringify(o.config) } : {}),
  });
  const project = await loadProject({ cwd: dir });
  return lintMigrations(project.graph, project.config).findings.map((f) => `${f.line} ${f.ruleId.replace('migrations/', '')}`);
}

// The up section of b2 starts on line 8 of the generated file (7 header lines + the marker).
// Each rule's positive and negative cases live beside it: src/migration-lint/rules/<rule>.test.ts.
describe('migration lint', () => {
  it('accepts a drop explained in the revision description', async () => {
    expect(await lint('ALTER TABLE t DROP COLUMN b;', { description: 'Drops column b: nothing reads it since 2025.' })).toEqual([]);
  });

  it('is suppressible per statement with the rule and a reason', async () => {
    expect(await lint('-- finbrain-lint-disable migrations/change-column-type: t has 12 rows in every environment\nALTER TABLE t ALTER COLUMN a TYPE bigint;')).toEqual([]);
    // A suppression without a reason does not count.
    expect(await lint('-- finbrain-lint-disable migrations/change-column-type\nALTER TABLE t ALTER COLUMN a TYPE bigint;')).toEqual(['9 change-column-type']);
  });

  it('reads the static SQL of TS revisions, at the line of the query', async () => {
    const dir = makeTree({
      'migrations/a1_base.sql': BASE,
      'migrations/b2_ts.ts': `/**\n * ts\n *\n * Revision ID: b2\n * Revises: a1\n * Create Date: 2025-01-01\n */\nexport async function up(ctx) {\n  await ctx.query('CREATE INDEX ix ON t (a)');\n}\n`,
    });
    const project = await loadProject({ cwd: dir });
    expect(lintMigrations(project.graph, project.config).findings.map((f) => [f.file, f.ruleId])).toEqual([['migrations/b2_ts.ts', 'migrations/require-concurrent-index']]);
    expect(lintMigrations(project.graph, project.config).findings[0]!.line).toBe(9);
  });

  it('with `export { up, down }`, lints the up only: the down SQL is not part of it', async () => {
    const dir = makeTree({
      'migrations/a1_base.sql': BASE,
      'migrations/b2_ts.ts': `/**\n * ts\n *\n * Revision ID: b2\n * Revises: a1\n * Create Date: 2025-01-01\n */\nasync function up(ctx) {\n  await ctx.query('CREATE INDEX CONCURRENTLY IF NOT EXISTS ix ON t (a)');\n}\n\nasync function down(ctx) {\n  await ctx.query('ALTER TABLE t ALTER COLUMN a TYPE bigint');\n  await ctx.query('DROP INDEX ix');\n}\n\nexport { up, down };\n`,
    });
    const project = await loadProject({ cwd: dir });
    // The up is CONCURRENTLY in a transactional revision (flagged); the down's TYPE change is not the up's.
    expect(lintMigrations(project.graph, project.config).findings.map((f) => f.ruleId)).toEqual(['migrations/concurrently-in-transaction']);
  });

  it('reads SQL that contains `//` inside the string literal', async () => {
    const dir = makeTree({
      'migrations/a1_base.sql': BASE,
      'migrations/b2_ts.ts': `/**\n * ts\n *\n * Revision ID: b2\n * Revises: a1\n * Create Date: 2025-01-01\n */\nexport async function up(ctx) {\n  await ctx.query("ALTER TABLE t ADD COLUMN url text DEFAULT 'https://example.com/'");\n  await ctx.query('ALTER TABLE t ALTER COLUMN a TYPE bigint'); // a comment with 'quotes\n}\n`,
    });
    const project = await loadProject({ cwd: dir });
    const r = lintMigrations(project.graph, project.config);
    expect(r.stats.unreadable).toBe(0);
    expect(r.findings.map((f) => [f.ruleId, f.line])).toEqual([['migrations/change-column-type', 10]]);
  });

  it('runs as `finbrain check migrations` with the shared reporters and exit codes', async () => {
    const dir = makeTree({ 'migrations/a1_base.sql': BASE, 'migrations/b2_x.sql': sqlRevision({ id: 'b2', revises: 'a1', up: 'CREATE INDEX ix ON t (a);' }) });
    const r = await runCli(['check', 'migrations', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings[0]).toMatchObject({ ruleId: 'migrations/require-concurrent-index', file: 'migrations/b2_x.sql', line: 8, revision: 'b2' });
    expect((await runCli(['check', 'migrations'], { cwd: new URL('../..', import.meta.url).pathname })).code).toBe(0);
  });
});
