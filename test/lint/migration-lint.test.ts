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
describe('migration lint rules', () => {
  it.each([
    ['require-concurrent-index', 'CREATE INDEX ix ON t (a);', 'CREATE TABLE n (id int);\nCREATE INDEX ix ON n (id);', {}],
    ['concurrently-in-transaction', 'CREATE INDEX CONCURRENTLY ix ON t (a);', 'CREATE INDEX CONCURRENTLY IF NOT EXISTS ix ON t (a);', { negTx: 'false' }],
    ['volatile-default', 'ALTER TABLE t ADD COLUMN c uuid DEFAULT gen_random_uuid();', 'ALTER TABLE t ADD COLUMN c timestamptz DEFAULT now();', {}],
    ['set-not-null', 'ALTER TABLE t ALTER COLUMN a SET NOT NULL;', "ALTER TABLE t ADD CONSTRAINT a_nn CHECK (a IS NOT NULL) NOT VALID;\nALTER TABLE t VALIDATE CONSTRAINT a_nn;\nALTER TABLE t ALTER COLUMN a SET NOT NULL;", {}],
    ['constraint-not-valid', 'ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES p (id);', 'ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES p (id) NOT VALID;', {}],
    ['change-column-type', 'ALTER TABLE t ALTER COLUMN a TYPE bigint;', 'CREATE TABLE n (a int);\nALTER TABLE n ALTER COLUMN a TYPE bigint;', {}],
    ['rename', 'ALTER TABLE t RENAME COLUMN b TO c;', 'ALTER INDEX t_pkey RENAME TO t_pk;', {}],
    ['drop-without-note', 'ALTER TABLE t DROP COLUMN b;', '-- note: b has not been read since release 42\nALTER TABLE t DROP COLUMN b;', {}],
    ['non-idempotent', 'CREATE INDEX CONCURRENTLY ix ON t (a);', 'CREATE INDEX CONCURRENTLY IF NOT EXISTS ix ON t (a);', { tx: 'false' }],
    ['require-lock-timeout', 'ALTER TABLE t ADD COLUMN c int;', "SET lock_timeout = '5s';\nALTER TABLE t ADD COLUMN c int;", { config: { migrate: { lockTimeoutMs: 0 } } }],
  ] as const)('%s: positive and negative', async (ruleId, bad, good, o: { tx?: 'false'; negTx?: 'false'; config?: object }) => {
    const pos = await lint(bad, { transaction: o.tx, config: o.config });
    // A `Transaction:` header line moves the up section down by one.
    expect(pos).toContain(`${o.tx ? 9 : 8} ${ruleId}`);
    const neg = await lint(good, { transaction: o.negTx ?? o.tx, config: o.config });
    expect(neg.filter((f) => f.endsWith(` ${ruleId}`))).toEqual([]);
  });

  it('accepts a drop explained in the revision description', async () => {
    expect(await lint('ALTER TABLE t DROP COLUMN b;', { description: 'Drops column b: nothing reads it since 2025.' })).toEqual([]);
  });

  it('is suppressible per statement with the rule and a reason', async () => {
    expect(await lint('-- finbrain-lint-disable migrations/change-column-type: t has 12 rows in every environment\nALTER TABLE t ALTER COLUMN a TYPE bigint;')).toEqual([]);
    // A suppression without a reason does not count.
    expect(await lint('-- finbrain-lint-disable migrations/change-column-type\nALTER TABLE t ALTER COLUMN a TYPE bigint;')).toEqual(['9 change-column-type']);
  });

  it('reads the static SQL of TS revisions', async () => {
    const dir = makeTree({
      'migrations/a1_base.sql': BASE,
      'migrations/b2_ts.ts': `/**\n * ts\n *\n * Revision ID: b2\n * Revises: a1\n * Create Date: 2025-01-01\n */\nexport async function up(ctx) {\n  await ctx.query('CREATE INDEX ix ON t (a)');\n}\n`,
    });
    const project = await loadProject({ cwd: dir });
    expect(lintMigrations(project.graph, project.config).findings.map((f) => [f.file, f.ruleId])).toEqual([['migrations/b2_ts.ts', 'migrations/require-concurrent-index']]);
  });

  it('runs as `finbrain check migrations` with the shared reporters and exit codes', async () => {
    const dir = makeTree({ 'migrations/a1_base.sql': BASE, 'migrations/b2_x.sql': sqlRevision({ id: 'b2', revises: 'a1', up: 'CREATE INDEX ix ON t (a);' }) });
    const r = await runCli(['check', 'migrations', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings[0]).toMatchObject({ ruleId: 'migrations/require-concurrent-index', file: 'migrations/b2_x.sql', line: 8, revision: 'b2' });
    expect((await runCli(['check', 'migrations'], { cwd: new URL('../..', import.meta.url).pathname })).code).toBe(0);
  });
});
