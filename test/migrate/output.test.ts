import { Chalk } from 'chalk';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/types.js';
import { migrateUp } from '../../src/migrate/engine.js';
import type { MigrateEvent } from '../../src/migrate/events.js';
import { advisoryLockHolder } from '../../src/migrate/lock.js';
import { openPgDb } from '../../src/db/pg-db.js';
import { liveProgress } from '../../src/report/migrate-progress.js';
import { createScratchDatabase, describeEachBackend, describePostgres, type TestDatabase } from '../helpers/backends.js';
import { runCli } from '../helpers/cli.js';
import { chain, sqlRevision } from '../helpers/revisions.js';
import { makeTree } from '../helpers/tmp.js';

const noDb = { DATABASE_URL: undefined, CONCURRENT_MIGRATION: undefined, NODE_ENV: undefined };

describe('migrate output', () => {
  it('a failed up off a terminal lists what it applied before failing, in text and in JSON', async () => {
    const dir = makeTree({ ...chain(['a1', 'b2']), 'migrations/c3_bad.sql': sqlRevision({ id: 'c3', revises: 'b2', up: 'SELECT * FROM no_such_table;' }) });
    const text = await runCli(['migrate', 'up'], { cwd: dir, env: noDb });
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/✓ applied a1 revision a1 \(transactional, \d+ ms\)\n✓ applied b2 revision b2 \(transactional, \d+ ms\)\n2 revision\(s\) done before the failure/);
    expect(text.stderr).toMatch(/error: migrations\/c3_bad\.sql:8: upgrade of c3 failed \[42P01\]/);

    const dir2 = makeTree({ ...chain(['a1', 'b2']), 'migrations/c3_bad.sql': sqlRevision({ id: 'c3', revises: 'b2', up: 'SELECT * FROM no_such_table;' }) });
    const json = await runCli(['migrate', 'up', '--json'], { cwd: dir2, env: noDb });
    expect(json.code).toBe(1);
    const body = JSON.parse(json.stdout);
    expect(body).toMatchObject({ error: 'migration-failed', revision: 'c3', line: 8, sqlState: '42P01', exitCode: 1 });
    expect(body.applied.map((s: { revision: string }) => s.revision)).toEqual(['a1', 'b2']);
  });

  it('prints each revision once, with the duration the ledger recorded', async () => {
    const dir = makeTree({
      ...chain(['a1']),
      'migrations/b2_slow.sql': sqlRevision({ id: 'b2', revises: 'a1', up: 'CREATE TABLE t_b2 (id int);\nSELECT pg_sleep(0.05);' }),
      'migrations/c3_notx.sql': sqlRevision({ id: 'c3', revises: 'b2', transaction: 'false', up: 'CREATE TABLE IF NOT EXISTS t_c3 (id int);' }),
    });
    const r = await runCli(['migrate', 'up', '--json'], { cwd: dir, env: noDb });
    expect(r.code, r.stderr).toBe(0);
    const printed = JSON.parse(r.stdout).steps.map((s: { revision: string; durationMs: number }) => [s.revision, s.durationMs]);
    const status = JSON.parse((await runCli(['migrate', 'status', '--json'], { cwd: dir, env: noDb })).stdout);
    expect(printed).toEqual(status.applied.map((a: { revision: string; durationMs: number }) => [a.revision, a.durationMs]));
    expect(printed.find((p: [string, number]) => p[0] === 'b2')[1]).toBeGreaterThanOrEqual(50);

    const dir2 = makeTree(chain(['a1', 'b2']));
    const text = await runCli(['migrate', 'up'], { cwd: dir2, env: noDb });
    for (const id of ['a1', 'b2']) expect(text.stdout.split('\n').filter((l) => l.includes(`applied ${id} `)), id).toHaveLength(1);
    expect(text.stderr).not.toMatch(/upgrading|✓ a1/);
  });
});

describe('live progress on a terminal', () => {
  it('is one line updated in place, cleared when the revision is done, with notices printed above it', () => {
    const render = liveProgress(new Chalk({ level: 0 }));
    const events: MigrateEvent[] = [
      { type: 'start', revision: 'b2', direction: 'up', summary: 'build ix', mode: 'non-transactional' },
      { type: 'progress', revision: 'b2', message: 'building index: blocks 10/100, tuples 0/0 (10%)', fraction: 0.1 },
      { type: 'notice', message: 'INVALID index ix dropped' },
      { type: 'progress', revision: 'b2', message: 'building index: blocks 90/100, tuples 0/0 (90%)', fraction: 0.9 },
      { type: 'done', revision: 'b2', direction: 'up', durationMs: 12 },
    ];
    const out = events.map(render).join('');
    const CLEAR = '\r\u001b[2K';
    expect(out).toBe(
      '→ upgrading b2 build ix (non-transactional)' +
        `${CLEAR}→ b2: building index: blocks 10/100, tuples 0/0 (10%)` +
        `${CLEAR}INVALID index ix dropped\n→ b2: building index: blocks 10/100, tuples 0/0 (10%)` +
        `${CLEAR}→ b2: building index: blocks 90/100, tuples 0/0 (90%)` +
        CLEAR,
    );
  });
});

/** The same database, counting the second sessions opened (progress watchers). */
function counting(db: Db): { db: Db; sessions: () => number } {
  let n = 0;
  const wrapped: Db = {
    ...db,
    query: db.query.bind(db),
    exec: db.exec.bind(db),
    backendPid: db.backendPid?.bind(db),
    close: db.close.bind(db),
    openSession: db.openSession
      ? async () => {
          n++;
          return db.openSession!();
        }
      : undefined,
  };
  return { db: wrapped, sessions: () => n };
}

describePostgres('index progress costs nothing when the build is fast', (backend) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await backend.create();
  });
  afterEach(() => t.dispose());

  it('five CREATE INDEX CONCURRENTLY on an empty table open no second session', async () => {
    const up = ['a', 'b', 'c', 'd', 'e'].map((c) => `CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_${c} ON t (${c});`).join('\n');
    const dir = makeTree({
      'migrations/a1_t.sql': sqlRevision({ id: 'a1', up: 'CREATE TABLE t (a int, b int, c int, d int, e int);' }),
      'migrations/b2_ix.sql': sqlRevision({ id: 'b2', revises: 'a1', transaction: 'false', up }),
    });
    const c = counting(t.db);
    const events: MigrateEvent[] = [];
    await migrateUp({ cwd: dir, db: c.db, onEvent: (e) => events.push(e) });
    expect(c.sessions()).toBe(0);
    expect(events.filter((e) => e.type === 'progress')).toEqual([]);
  });

  it('decides on watching from the parse tree: a slow statement that only mentions "index" is not watched', async () => {
    const dir = makeTree({ 'migrations/a1_x.sql': sqlRevision({ id: 'a1', up: "-- rebuild the index later\nSELECT pg_sleep(0.6), 'CREATE INDEX' AS index;" }) });
    const c = counting(t.db);
    await migrateUp({ cwd: dir, db: c.db });
    expect(c.sessions()).toBe(0);
  });

  it('names our sessions `finbrain migrate` in pg_stat_activity', async () => {
    const dir = makeTree({ 'migrations/a1_x.sql': sqlRevision({ id: 'a1', up: "CREATE TABLE seen AS SELECT current_setting('application_name') AS app;" }) });
    const r = await runCli(['migrate', 'up'], { cwd: dir, env: { DATABASE_URL: t.url } });
    expect(r.code, r.stderr).toBe(0);
    expect((await t.db.query('SELECT app FROM seen')).rows).toEqual([{ app: 'finbrain migrate' }]);
  });
});

describePostgres('the migration lock', () => {
  it('names the session holding it (pid, application name, start, query) and the command to clear it', async () => {
    const scratch = await createScratchDatabase();
    const holder = new pg.Client({ connectionString: scratch.url, application_name: 'orphaned deploy' });
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock(7346019271)');
      const pid = (await holder.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;
      const dir = makeTree({ ...chain(['a1']), 'finbrain.config.json': JSON.stringify({ migrate: { lockWaitMs: 300 } }) });
      const r = await runCli(['migrate', 'up'], { cwd: dir, env: { DATABASE_URL: scratch.url } });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`waiting up to 300 ms for the migration lock, held by pid ${pid} \\(application_name "orphaned deploy", connected \\d{4}-\\d\\d-\\d\\dT[^,]+, idle, last query: SELECT pg_backend_pid\\(\\) AS pid\\)`));
      expect(r.stderr).toMatch(new RegExp(`error: the migration lock \\(advisory lock 7346019271\\) is held by pid ${pid} `));
      expect(r.stderr).toContain(`SELECT pg_terminate_backend(${pid});`);
    } finally {
      await holder.end();
      await scratch.drop();
    }
  });
});

describePostgres('the migration lock is this database\'s', () => {
  it('the same key held in another database on the server is not named as the holder (its session is not the one to end)', async () => {
    const [here, elsewhere] = await Promise.all([createScratchDatabase(), createScratchDatabase()]);
    const other = new pg.Client({ connectionString: elsewhere.url, application_name: 'another tenant migrating' });
    await other.connect();
    const db = await openPgDb(here.url);
    try {
      await other.query('SELECT pg_advisory_lock(7346019271)');
      expect(await advisoryLockHolder(db, 7346019271)).toBeUndefined();
      // And the lock itself is per database: a migration here does not wait for it.
      const r = await runCli(['migrate', 'up'], { cwd: makeTree({ ...chain(['a1']), 'finbrain.config.json': JSON.stringify({ migrate: { lockWaitMs: 300 } }) }), env: { DATABASE_URL: here.url } });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).not.toContain('another tenant migrating');
    } finally {
      await db.close();
      await other.end();
      await Promise.all([here.drop(), elsewhere.drop()]);
    }
  });
});

describeEachBackend('output keeps its shape', (backend) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await backend.create();
  });
  afterEach(() => t.dispose());

  it('the steps of a run carry the ledger durations (library use)', async () => {
    const dir = makeTree(chain(['a1', 'b2']));
    const r = await migrateUp({ cwd: dir, db: t.db });
    const rows = (await t.db.query<{ revision: string; duration_ms: number }>('SELECT revision, duration_ms FROM finbrain_migrations ORDER BY revision')).rows;
    expect(r.steps.map((s) => [s.revision, s.durationMs])).toEqual(rows.map((x) => [x.revision, Number(x.duration_ms)]));
  });
});
