import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { migrateDown, migrateUp } from '../../src/migrate/engine.js';
import { migrateStatus } from '../../src/migrate/inspect.js';
import { migrateAdopt, migrateStamp } from '../../src/migrate/stamp.js';
import { MigrationFailedError, RevisionError } from '../../src/errors.js';
import { describeEachBackend, type TestDatabase } from '../helpers/backends.js';
import { chain, sqlRevision } from '../helpers/revisions.js';
import { makeTree, removeTree } from '../helpers/tmp.js';

const tableExists = async (t: TestDatabase, name: string) =>
  (await t.db.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [name])).rows[0]!.t !== null;
const ledger = async (t: TestDatabase) =>
  (await t.db.query<{ revision: string; execution_mode: string }>('SELECT revision, execution_mode FROM finbrain_migrations ORDER BY applied_at, revision')).rows;

describeEachBackend('migrate engine', (backend) => {
  let t: TestDatabase;
  let dir: string;
  beforeEach(async () => {
    t = await backend.create();
  });
  afterEach(async () => {
    await t.dispose();
    if (dir) removeTree(dir);
  });

  it('applies the chain in revision order, not file-name order, and records the ledger', async () => {
    // File names sort z, a, m but the chain is z <- a <- m.
    dir = makeTree(chain(['zz01', 'aa02', 'mm03']));
    const r = await migrateUp({ cwd: dir, db: t.db });
    expect(r.steps.map((s) => s.revision)).toEqual(['zz01', 'aa02', 'mm03']);
    expect(r.current).toEqual(['mm03']);
    expect((await ledger(t)).map((x) => x.revision).sort()).toEqual(['aa02', 'mm03', 'zz01']);
    const again = await migrateUp({ cwd: dir, db: t.db });
    expect(again.steps).toEqual([]);
  });

  it('rolls a failed migration back entirely, keeps earlier ones, and names the revision, line and error', async () => {
    dir = makeTree({
      ...chain(['a1']),
      'migrations/b2_bad.sql': sqlRevision({ id: 'b2', revises: 'a1', up: 'CREATE TABLE t_b2 (id int);\nINSERT INTO t_b2 VALUES (1);\nSELECT * FROM no_such_table;' }),
    });
    const err = await migrateUp({ cwd: dir, db: t.db }).catch((e) => e);
    expect(err).toBeInstanceOf(MigrationFailedError);
    expect(err.exitCode).toBe(1);
    expect(err.message).toContain('migrations/b2_bad.sql:10');
    expect(err.message).toContain('b2');
    expect(err.message).toMatch(/no_such_table/);
    expect(await tableExists(t, 't_a1')).toBe(true);
    expect(await tableExists(t, 't_b2')).toBe(false);
    expect((await ledger(t)).map((x) => x.revision)).toEqual(['a1']);
    const events = await t.db.query<{ outcome: string }>("SELECT outcome FROM finbrain_migrations_events WHERE revision = 'b2'");
    expect(events.rows.map((e) => e.outcome)).toEqual(['failed']);
  });

  it('refuses a transactional migration with CREATE INDEX CONCURRENTLY before running anything', async () => {
    dir = makeTree({
      ...chain(['a1']),
      'migrations/b2_idx.sql': sqlRevision({ id: 'b2', revises: 'a1', up: 'CREATE INDEX CONCURRENTLY ix ON t_a1 (id);' }),
    });
    const err = await migrateUp({ cwd: dir, db: t.db }).catch((e) => e);
    expect(err).toBeInstanceOf(RevisionError);
    expect(err.message).toMatch(/b2.*CREATE INDEX CONCURRENTLY/);
    expect(err.hint).toMatch(/Transaction: false/);
    expect(await tableExists(t, 't_a1')).toBe(false);
  });

  it('runs Transaction: false statement by statement (two CONCURRENTLY builds) and auto by mode', async () => {
    dir = makeTree({
      ...chain(['a1']),
      'migrations/b2_idx.sql': sqlRevision({
        id: 'b2',
        revises: 'a1',
        transaction: 'false',
        up: 'CREATE INDEX CONCURRENTLY IF NOT EXISTS ix1 ON t_a1 (id);\nCREATE INDEX CONCURRENTLY IF NOT EXISTS ix2 ON t_a1 (id);',
        down: 'DROP INDEX CONCURRENTLY IF EXISTS ix2;\nDROP INDEX CONCURRENTLY IF EXISTS ix1;',
      }),
      'migrations/c3_auto.sql': sqlRevision({ id: 'c3', revises: 'b2', transaction: 'auto', up: 'CREATE TABLE t_c3 (id int);', down: 'DROP TABLE t_c3;' }),
    });
    const r = await migrateUp({ cwd: dir, db: t.db });
    expect(r.steps.map((s) => [s.revision, s.mode])).toEqual([
      ['a1', 'transactional'],
      ['b2', 'non-transactional'],
      ['c3', 'transactional'],
    ]);
    await migrateDown({ cwd: dir, db: t.db });
    const c = await migrateUp({ cwd: dir, db: t.db, concurrent: true });
    expect(c.steps.map((s) => [s.revision, s.mode])).toEqual([['c3', 'non-transactional']]);
    expect(await tableExists(t, 'ix2')).toBe(true);
  });

  it('reports drift and refuses up unless --allow-drift', async () => {
    dir = makeTree(chain(['a1']));
    await migrateUp({ cwd: dir, db: t.db });
    writeFileSync(join(dir, 'migrations/a1_create_t_a1.sql'), sqlRevision({ id: 'a1', up: 'CREATE TABLE t_a1 (id bigint);', down: 'DROP TABLE t_a1;' }));
    writeFileSync(join(dir, 'migrations/b2_x.sql'), sqlRevision({ id: 'b2', revises: 'a1', up: 'CREATE TABLE t_b2 (id int);' }));
    const s = await migrateStatus({ cwd: dir, db: t.db });
    expect(s.drift).toEqual(['a1']);
    expect(s.pending).toEqual(['b2']);
    const err = await migrateUp({ cwd: dir, db: t.db }).catch((e) => e);
    expect(err).toBeInstanceOf(RevisionError);
    expect(err.message).toContain('a1');
    expect(await tableExists(t, 't_b2')).toBe(false);
    await migrateUp({ cwd: dir, db: t.db, allowDrift: true });
    expect(await tableExists(t, 't_b2')).toBe(true);
  });

  it('goes down one step by default, by --steps, to a revision and to base', async () => {
    dir = makeTree(chain(['a1', 'b2', 'c3', 'd4']));
    await migrateUp({ cwd: dir, db: t.db });
    expect((await migrateDown({ cwd: dir, db: t.db })).steps.map((s) => s.revision)).toEqual(['d4']);
    expect((await migrateDown({ cwd: dir, db: t.db, steps: 1 })).steps.map((s) => s.revision)).toEqual(['c3']);
    await migrateUp({ cwd: dir, db: t.db });
    expect((await migrateDown({ cwd: dir, db: t.db, to: 'b2' })).steps.map((s) => s.revision)).toEqual(['d4', 'c3']);
    const r = await migrateDown({ cwd: dir, db: t.db, to: 'base' });
    expect(r.steps.map((s) => s.revision)).toEqual(['b2', 'a1']);
    expect(r.current).toEqual([]);
    for (const x of ['a1', 'b2', 'c3', 'd4']) expect(await tableExists(t, `t_${x}`)).toBe(false);
    expect(await ledger(t)).toEqual([]);
  });

  it('refuses to downgrade through an irreversible revision before running anything', async () => {
    dir = makeTree({
      ...chain(['a1']),
      'migrations/b2_x.sql': sqlRevision({ id: 'b2', revises: 'a1', up: 'CREATE TABLE t_b2 (id int);', down: null }),
    });
    await migrateUp({ cwd: dir, db: t.db });
    const err = await migrateDown({ cwd: dir, db: t.db, to: 'base' }).catch((e) => e);
    expect(err).toBeInstanceOf(RevisionError);
    expect(err.message).toMatch(/b2 is irreversible/);
    expect((await ledger(t)).length).toBe(2);
  });

  it('dry-run prints the SQL with transaction boundaries and changes nothing', async () => {
    dir = makeTree(chain(['a1', 'b2']));
    const r = await migrateUp({ cwd: dir, db: t.db, dryRun: true });
    expect(r.sql).toMatch(/BEGIN;\nCREATE TABLE t_a1 \(id int\);\nINSERT INTO finbrain_migrations/);
    expect(r.sql!.indexOf('t_a1')).toBeLessThan(r.sql!.indexOf('t_b2'));
    expect(r.sql).toContain('COMMIT;');
    expect(await tableExists(t, 't_a1')).toBe(false);
  });

  it('stamps without running SQL and adopts an Alembic database', async () => {
    dir = makeTree(chain(['a1', 'b2', 'c3']));
    await migrateStamp({ cwd: dir, db: t.db, target: 'b2' });
    expect((await ledger(t)).map((x) => x.revision).sort()).toEqual(['a1', 'b2']);
    expect(await tableExists(t, 't_a1')).toBe(false);
    await migrateStamp({ cwd: dir, db: t.db, target: 'base' });
    expect(await ledger(t)).toEqual([]);

    await t.db.exec("CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY); INSERT INTO alembic_version VALUES ('b2');");
    const adopted = await migrateAdopt({ cwd: dir, db: t.db });
    expect(adopted.alembicVersions).toEqual(['b2']);
    expect((await ledger(t)).map((x) => [x.revision, x.execution_mode]).sort()).toEqual([
      ['a1', 'adopt'],
      ['b2', 'adopt'],
    ]);
    const up = await migrateUp({ cwd: dir, db: t.db });
    expect(up.steps.map((s) => s.revision)).toEqual(['c3']);
  });

  it('runs TypeScript migrations with a context bound to the migration client', async () => {
    dir = makeTree({
      ...chain(['a1']),
      'migrations/b2_ts.ts': `/**
 * ts revision
 *
 * Revision ID: b2
 * Revises: a1
 * Create Date: 2025-01-02 00:00:00.000000
 * Transaction: auto
 */
import type { MigrationContext } from 'finbrain';

export async function up(ctx: MigrationContext): Promise<void> {
  await ctx.query(\`CREATE TABLE t_b2 (mode text)\`);
  await ctx.query('INSERT INTO t_b2 VALUES ($1)', [ctx.concurrent ? 'concurrent' : ctx.inTransaction ? 'tx' : 'no-tx']);
}

export async function down(ctx: MigrationContext): Promise<void> {
  await ctx.query('DROP TABLE t_b2');
}
`,
    });
    await migrateUp({ cwd: dir, db: t.db });
    expect((await t.db.query('SELECT mode FROM t_b2')).rows).toEqual([{ mode: 'tx' }]);
    await migrateDown({ cwd: dir, db: t.db });
    expect(await tableExists(t, 't_b2')).toBe(false);
    await migrateUp({ cwd: dir, db: t.db, concurrent: true });
    expect((await t.db.query('SELECT mode FROM t_b2')).rows).toEqual([{ mode: 'concurrent' }]);
  });
});
