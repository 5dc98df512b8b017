import { afterEach, beforeEach, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { migrateUp } from '../../src/migrate/engine.js';
import { describePostgres, type TestDatabase } from '../helpers/backends.js';
import { releaseOnFirst } from '../helpers/events.js';
import { chain, sqlRevision } from '../helpers/revisions.js';
import { makeTree, writeTree } from '../helpers/tmp.js';

describePostgres('lock timeouts', (backend) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await backend.create();
  });
  afterEach(() => t.dispose());

  it('retries a migration that hit lock_timeout, with backoff, and then applies it once', async () => {
    const dir = makeTree(chain(['a1']));
    writeTree(dir, {
      'finbrain.config.json': JSON.stringify({ migrate: { lockTimeoutMs: 200, lockRetries: 6, retryBackoffMs: 100 } }),
      'migrations/b2_alter.sql': sqlRevision({ id: 'b2', revises: 'a1', up: 'ALTER TABLE t_a1 ADD COLUMN v int;', down: 'ALTER TABLE t_a1 DROP COLUMN v;' }),
    });
    await migrateUp({ cwd: dir, db: t.db, to: 'a1' });
    // A second session holds a conflicting lock until the engine reports its first retry.
    const blocker = await t.connect!();
    await blocker.exec('BEGIN; LOCK TABLE t_a1 IN ACCESS EXCLUSIVE MODE;');
    const { events, onEvent, settled } = releaseOnFirst('retry', () => blocker.exec('COMMIT'));
    const r = await migrateUp({ loaded: loadConfig({ cwd: dir }), db: t.db, onEvent });
    await settled();
    await blocker.close();
    expect(r.steps.map((s) => s.revision)).toEqual(['b2']);
    const retries = events.filter((e) => e.type === 'retry');
    expect(retries.length).toBeGreaterThan(0);
    // Each retry names the blocking session and its statement (pg_locks / pg_stat_activity).
    expect((retries[0] as { message: string }).message).toMatch(/blocked by pid \d+ \(AccessExclusiveLock\): .*LOCK TABLE t_a1/);
    expect(retries.map((e) => (e as { delayMs: number }).delayMs)).toEqual(retries.map((_, i) => 100 * 2 ** i));
    const cols = await t.db.query("SELECT column_name FROM information_schema.columns WHERE table_name = 't_a1' AND column_name = 'v'");
    expect(cols.rowCount).toBe(1);
  });

  it('retries a single statement of a non-transactional TS revision (ctx.query) after a lock timeout', async () => {
    const dir = makeTree({
      ...chain(['a1']),
      'finbrain.config.json': JSON.stringify({ migrate: { lockTimeoutMs: 200, lockRetries: 6, retryBackoffMs: 100 } }),
      'migrations/b2_ts.ts': `/**\n * ts\n *\n * Revision ID: b2\n * Revises: a1\n * Create Date: 2025-01-01\n * Transaction: false\n */\nexport async function up(ctx) {\n  await ctx.query('ALTER TABLE t_a1 ADD COLUMN IF NOT EXISTS w int');\n}\n`,
    });
    await migrateUp({ cwd: dir, db: t.db, to: 'a1' });
    const blocker = await t.connect!();
    await blocker.exec('BEGIN; LOCK TABLE t_a1 IN ACCESS EXCLUSIVE MODE;');
    const { events, onEvent, settled } = releaseOnFirst('retry', () => blocker.exec('COMMIT'));
    const r = await migrateUp({ loaded: loadConfig({ cwd: dir }), db: t.db, onEvent });
    await settled();
    await blocker.close();
    expect(r.steps.map((s) => [s.revision, s.mode])).toEqual([['b2', 'non-transactional']]);
    expect(events.filter((e) => e.type === 'retry').length).toBeGreaterThan(0);
  });
});
