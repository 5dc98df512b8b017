import { spawn } from 'node:child_process';
import { afterEach, beforeEach, expect, it, onTestFinished } from 'vitest';
import pg from 'pg';
import { migrateUp } from '../../src/migrate/engine.js';
import type { MigrateEvent } from '../../src/migrate/events.js';
import { MigrationFailedError } from '../../src/errors.js';
import { indexState } from '../../src/migrate/index-helpers/catalog.js';
import { BIN } from '../helpers/cli.js';
import { describeEachBackend, describePostgres, type TestDatabase } from '../helpers/backends.js';
import { releaseOnFirst } from '../helpers/events.js';

/** A side session closed when the test ends, pass or fail; the database's forced drop may end it first. */
async function sideSession(url: string | undefined): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  onTestFinished(() => client.end());
  return client;
}
import { sqlRevision } from '../helpers/revisions.js';
import { makeTree } from '../helpers/tmp.js';

const base = sqlRevision({ id: 'a1', up: 'CREATE TABLE t (id int PRIMARY KEY, a int, b text, email text);\nINSERT INTO t SELECT g, g % 10, md5(g::text), g::text || \'@x\' FROM generate_series(1, 2000) g;', down: 'DROP TABLE t;' });

const tsRevision = (id: string, revises: string, transaction: 'true' | 'false' | 'auto', body: string) => `/**
 * helpers
 *
 * Revision ID: ${id}
 * Revises: ${revises}
 * Create Date: 2025-01-01
 * Transaction: ${transaction}
 */
import type { MigrationContext } from 'finbrain';

export async function up(ctx: MigrationContext): Promise<void> {
${body}
}

export async function down(ctx: MigrationContext): Promise<void> {
  await ctx.dropIndex('ix_a');
  await ctx.dropIndex('ux_email');
  await ctx.dropIndex('ix_b_partial');
  await ctx.dropIndex('ix_a_b');
}
`;

const HELPERS_BODY = `  await ctx.createIndex({ name: 'ix_a', table: 't', columns: ['a'] });
  await ctx.createUniqueIndex({ name: 'ux_email', table: 't', expressions: ['lower(email)'] });
  await ctx.createIndex({ name: 'ix_b_partial', table: 't', columns: ['b'], where: 'a > 5', include: ['email'] });
  await ctx.createIndex({ name: 'ix_a_tmp', table: 't', columns: ['a', 'b'] });
  await ctx.replaceIndex('ix_a_tmp', { name: 'ix_a_b', table: 't', columns: ['b', 'a'], using: 'btree' });`;

describeEachBackend('index helpers', (backend) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await backend.create();
  });
  afterEach(() => t.dispose());

  for (const mode of ['true', 'false'] as const) {
    it(`create, unique, partial/include, replace and drop work ${mode === 'true' ? 'inside a transaction (plain form)' : 'outside one (CONCURRENTLY)'}`, async () => {
      const dir = makeTree({ 'migrations/a1_base.sql': base, 'migrations/b2_helpers.ts': tsRevision('b2', 'a1', mode, HELPERS_BODY) });
      const r = await migrateUp({ cwd: dir, db: t.db });
      expect(r.steps.map((s) => s.mode)).toEqual(['transactional', mode === 'true' ? 'transactional' : 'non-transactional']);
      for (const name of ['ix_a', 'ux_email', 'ix_b_partial', 'ix_a_b']) expect(await indexState(t.db, name), name).toMatchObject({ exists: true, valid: true });
      expect((await indexState(t.db, 'ix_a_tmp')).exists).toBe(false);
      const def = (await t.db.query<{ d: string }>("SELECT pg_get_indexdef('ix_a_b'::regclass) AS d")).rows[0]!.d;
      expect(def).toMatch(/\(b, a\)/);
    });
  }
});

describePostgres('index safety on a real server', (backend) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await backend.create();
  });
  afterEach(() => t.dispose());

  it('a unique concurrent build over duplicates names the keys and leaves no INVALID index (SQL path and helper)', async () => {
    const dir = makeTree({
      'migrations/a1_base.sql': base,
      'migrations/b2_uniq.sql': sqlRevision({ id: 'b2', revises: 'a1', transaction: 'false', up: 'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ux_a ON t (a);' }),
    });
    const err = await migrateUp({ cwd: dir, db: t.db }).catch((e) => e);
    expect(err).toBeInstanceOf(MigrationFailedError);
    expect(err.message).toMatch(/unique index ux_a cannot be built: t has duplicate keys \(a\): \d+ ×200/);
    expect((await indexState(t.db, 'ux_a')).exists).toBe(false);

    const dir2 = makeTree({ 'migrations/a1_base.sql': base, 'migrations/b2_helpers.ts': tsRevision('b2', 'a1', 'false', "  await ctx.createUniqueIndex({ name: 'ux_a2', table: 't', columns: ['a'] });") });
    const t2 = await backend.create();
    try {
      const e2 = await migrateUp({ cwd: dir2, db: t2.db }).catch((e) => e);
      expect(e2.message).toMatch(/unique index ux_a2 on t cannot be built: duplicate keys \(a\): .*×200; no INVALID index was left behind/);
      expect((await indexState(t2.db, 'ux_a2')).exists).toBe(false);
    } finally {
      await t2.dispose();
    }
  });

  it('replaceIndex converges when re-run after a crash at each step', async () => {
    const dir = makeTree({ 'migrations/a1_base.sql': base });
    await migrateUp({ cwd: dir, db: t.db });
    const { createMigrationContext } = await import('../../src/migrate/context.js');
    const ctx = createMigrationContext({ db: t.db, revision: 'x', concurrent: true, inTransaction: false, log: () => {} });
    const spec = { name: 'ix_final', table: 't', columns: ['b'] };
    const check = async () => {
      expect(await indexState(t.db, 'ix_final')).toMatchObject({ exists: true, valid: true });
      expect((await indexState(t.db, 'ix_final_fbnew')).exists).toBe(false);
      expect((await t.db.query<{ d: string }>("SELECT pg_get_indexdef('ix_final'::regclass) AS d")).rows[0]!.d).toMatch(/\(b\)/);
    };
    const crashes: [string, string][] = [
      ['after building the new index', 'CREATE INDEX ix_final ON t (a); CREATE INDEX ix_final_fbnew ON t (b);'],
      ['after dropping the old index', 'CREATE INDEX ix_final_fbnew ON t (b);'],
      ['with an INVALID new index', 'CREATE INDEX ix_final ON t (a); CREATE INDEX ix_final_fbnew ON t (b); UPDATE pg_index SET indisvalid = false WHERE indexrelid = \'ix_final_fbnew\'::regclass;'],
      ['after the rename, before the marker', 'CREATE INDEX ix_final ON t (b);'],
    ];
    for (const [label, state] of crashes) {
      await t.db.exec('DROP INDEX IF EXISTS ix_final; DROP INDEX IF EXISTS ix_final_fbnew;');
      await t.db.exec(state);
      await ctx.replaceIndex('ix_final', spec);
      await check().catch((e) => {
        throw new Error(`${label}: ${e.message}`);
      });
      // A second run after success changes nothing.
      await ctx.replaceIndex('ix_final', spec);
      await check();
    }
  });

  it('a runner killed mid-build leaves an INVALID index; the re-run repairs it, builds once, and the ledger is consistent', async () => {
    await t.db.exec("CREATE TABLE big (id int, v text); INSERT INTO big SELECT g, md5(g::text) FROM generate_series(1, 2000) g;");
    // An open transaction that has written to the table holds the concurrent build in
    // "waiting for writers", after its INVALID catalog entry is committed: killed there,
    // it leaves exactly what a crash mid-build leaves, however fast the machine.
    const writer = await sideSession(t.url);
    await writer.query("BEGIN; INSERT INTO big VALUES (0, 'held')");
    const dir = makeTree({
      'migrations/a1_big.sql': sqlRevision({ id: 'a1', up: 'SELECT 1;' }),
      'migrations/b2_idx.sql': sqlRevision({ id: 'b2', revises: 'a1', transaction: 'false', up: 'CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_big_v ON big (v);', down: 'DROP INDEX CONCURRENTLY IF EXISTS ix_big_v;' }),
    });
    await migrateUp({ cwd: dir, db: t.db, to: 'a1' });
    const child = spawn(process.execPath, [BIN, 'migrate', 'up'], { cwd: dir, env: { ...process.env, DATABASE_URL: t.url, NO_COLOR: '1' } });
    const exited = new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
    onTestFinished(() => void child.kill());
    const admin = await sideSession(t.url);
    let pid: number | undefined;
    for (let i = 0; i < 200 && !pid; i++) {
      await new Promise((r) => setTimeout(r, 50));
      // Only once it waits for writers is the INVALID entry committed; killed while
      // still initializing, the build leaves nothing behind.
      pid = (await admin.query("SELECT pid FROM pg_stat_progress_create_index WHERE datname = current_database() AND relid = 'big'::regclass AND phase = 'waiting for writers before build'")).rows[0]?.pid;
    }
    expect(pid, 'the build started').toBeDefined();
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    expect(await exited).toBe(1);
    await writer.query('COMMIT');
    await writer.end();
    expect(await indexState(t.db, 'ix_big_v')).toMatchObject({ exists: true, valid: false });
    expect((await t.db.query("SELECT revision FROM finbrain_migrations WHERE revision = 'b2'")).rowCount).toBe(0);

    const events: MigrateEvent[] = [];
    await migrateUp({ cwd: dir, db: t.db, onEvent: (e) => events.push(e) });
    expect(events.some((e) => e.type === 'notice' && /INVALID index ix_big_v/.test(e.message))).toBe(true);
    expect(await indexState(t.db, 'ix_big_v')).toMatchObject({ exists: true, valid: true });
    expect((await admin.query("SELECT count(*)::int AS n FROM pg_indexes WHERE tablename = 'big'")).rows[0].n).toBe(1);
    expect((await t.db.query("SELECT revision FROM finbrain_migrations WHERE revision = 'b2'")).rowCount).toBe(1);
    const ev = (await t.db.query<{ outcome: string }>("SELECT outcome FROM finbrain_migrations_events WHERE revision = 'b2' ORDER BY id")).rows.map((r) => r.outcome);
    expect(ev).toEqual(['ok']);
    await admin.end();
  });

  it('reports live progress of an index build from a second session', async () => {
    await t.db.exec("CREATE TABLE big (id int, v text); INSERT INTO big SELECT g, md5(g::text) FROM generate_series(1, 2000) g;");
    // The build waits for this writer's transaction for as long as it stays open: it is
    // committed when the first progress report arrives, so the build is watched however
    // fast it would otherwise be.
    const writer = await sideSession(t.url);
    await writer.query("BEGIN; INSERT INTO big VALUES (0, 'held')");
    const dir = makeTree({
      'migrations/a1_x.sql': sqlRevision({ id: 'a1', transaction: 'false', up: 'CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_big_v ON big (v);' }),
    });
    const { events, onEvent, settled } = releaseOnFirst('progress', () => writer.query('COMMIT'));
    await migrateUp({ cwd: dir, db: t.db, onEvent });
    await settled();
    await writer.end();
    expect(await indexState(t.db, 'ix_big_v')).toMatchObject({ exists: true, valid: true });
    const progress = events.filter((e) => e.type === 'progress') as Extract<MigrateEvent, { type: 'progress' }>[];
    expect(progress.length).toBeGreaterThan(0);
    expect(progress[0]!.message).toMatch(/blocks \d+\/\d+, tuples \d+\/\d+/);
  });
});
