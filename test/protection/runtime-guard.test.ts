import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  SingleWriterViolationError,
  WriterMonitor,
  createGuard,
  guardDb,
  guardPgClient,
  guardPgPool,
  guardPglite,
  withWriter,
  type SingleWriterGuard,
} from '../../src/index.js';
import { wrapPglite } from '../../src/db/pglite-db.js';
import { describePostgres, type TestDatabase } from '../helpers/backends.js';
import { applyMigrations } from './schema.js';

const INSERT = `INSERT INTO expenses (user_id, amount) VALUES (1, 10)`;
/** Inside a writer context the runtime guard lets the write through; the DB marker is what the writer adds. */
const MARKED = (sql: string) => `BEGIN; SET LOCAL finbrain.writer = 'canonical'; ${sql}; COMMIT`;

describe('core protection tests: runtime guard classification', () => {
  let guard: SingleWriterGuard;
  beforeAll(async () => {
    guard = await createGuard({ protectedTables: ['expenses'] });
  });

  it.each([
    [INSERT, 'insert'],
    ['UPDATE public.expenses SET amount = 1', 'update'],
    ['delete from "expenses"', 'delete'],
    ['TRUNCATE expenses', 'truncate'],
    ['WITH x AS (DELETE FROM expenses RETURNING *) SELECT * FROM x', 'delete'],
    ['SELECT 1; INSERT INTO expenses (user_id, amount) VALUES (1, 2)', 'insert'],
    ['COPY expenses FROM STDIN', 'copy'],
  ])('rejects %j outside the writer, naming table, operation and caller', (sql, operation) => {
    let error: unknown;
    try {
      guard.check(sql);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SingleWriterViolationError);
    const v = error as SingleWriterViolationError;
    expect(v.table).toMatch(/expenses$/);
    expect(v.operation).toBe(operation);
    expect(v.callerStack).toMatch(/runtime-guard\.test\.ts/);
    expect(() => withWriter(() => guard.check(sql))).not.toThrow();
  });

  it('lets reads and other tables through and caches by text (bounded)', async () => {
    const small = await createGuard({ cacheSize: 2 });
    small.check('SELECT * FROM expenses');
    small.check('INSERT INTO users (external_id) VALUES ($1)');
    small.check('SELECT 2');
    expect(small.cacheSize).toBe(2);
  });

  it('logs instead of throwing in rollout mode, and counts the violation', async () => {
    const seen: SingleWriterViolationError[] = [];
    const monitor = new WriterMonitor();
    const rollout = await createGuard({ mode: 'log', onViolation: (e) => seen.push(e), monitor });
    expect(() => rollout.check(INSERT)).not.toThrow();
    expect(seen.map((e) => e.operation)).toEqual(['insert']);
    const metrics = await monitor.registry.getSingleMetricAsString('finbrain_single_writer_violations_total');
    expect(metrics).toMatch(/layer="runtime",table="expenses",operation="insert"} 1/);
  });

  it('does not leak the writer context across concurrent requests or into timers started elsewhere', async () => {
    const results: string[] = [];
    const attempt = (who: string) => {
      try {
        guard.check(INSERT);
        results.push(`${who}:allowed`);
      } catch {
        results.push(`${who}:rejected`);
      }
    };
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    // A timer armed outside the writer fires while a writer call is suspended mid-await.
    const outsideTimer = new Promise<void>((r) => setTimeout(() => (attempt('timer-outside'), r()), 5));
    const writer = withWriter(async () => {
      attempt('writer-before-await');
      await gate;
      attempt('writer-after-await');
      await new Promise<void>((r) => setTimeout(() => (attempt('writer-timer'), r()), 1));
    });
    const other = (async () => {
      await Promise.resolve();
      attempt('other-request');
      await outsideTimer;
      release();
      attempt('other-after-release');
    })();
    await Promise.all([writer, other, outsideTimer]);
    expect(results.sort()).toEqual(
      [
        'other-after-release:rejected',
        'other-request:rejected',
        'timer-outside:rejected',
        'writer-after-await:allowed',
        'writer-before-await:allowed',
        'writer-timer:allowed',
      ].sort(),
    );
  });
});

describe('core protection tests: runtime guard on PGlite [pglite]', () => {
  let instance: PGlite;
  let guard: SingleWriterGuard;
  beforeEach(async () => {
    instance = await PGlite.create();
    await applyMigrations(wrapPglite(instance));
    await instance.exec(`INSERT INTO users (external_id) VALUES ('u1')`);
    guard = await createGuard();
    guardPglite(instance, guard);
  });
  afterEach(() => instance.close());

  it('rejects writes through query, exec, sql and transactions before they reach the database', async () => {
    await expect(instance.query(INSERT)).rejects.toBeInstanceOf(SingleWriterViolationError);
    await expect(instance.exec(`SELECT 1; ${INSERT}`)).rejects.toBeInstanceOf(SingleWriterViolationError);
    await expect(instance.sql`INSERT INTO expenses (user_id, amount) VALUES (${1}, ${10})`).rejects.toBeInstanceOf(SingleWriterViolationError);
    await expect(instance.transaction((tx) => tx.query(INSERT))).rejects.toBeInstanceOf(SingleWriterViolationError);
    await expect(guardDb(wrapPglite(instance), guard).query('DELETE FROM expenses')).rejects.toBeInstanceOf(SingleWriterViolationError);
  });

  it('lets the writer context through to the database layer', async () => {
    await withWriter(() => instance.exec(MARKED(INSERT)));
    // Writer context without the DB marker: the runtime layer passes, the trigger still refuses.
    await expect(withWriter(() => instance.query(INSERT))).rejects.toThrow(/finbrain single-writer guard/);
    expect((await instance.query<{ n: number }>('SELECT count(*)::int AS n FROM expenses')).rows[0]!.n).toBe(1);
  });
});

describePostgres('core protection tests: runtime guard on node-postgres', (backend) => {
  let t: TestDatabase;
  let pool: pg.Pool;
  let guard: SingleWriterGuard;
  let monitor: WriterMonitor;
  beforeAll(async () => {
    t = await backend.create();
    await applyMigrations(t.db);
    await t.db.exec(`INSERT INTO users (external_id) VALUES ('u1')`);
  });
  afterAll(() => t.dispose());
  beforeEach(async () => {
    monitor = new WriterMonitor();
    guard = await createGuard({ monitor });
    pool = guardPgPool(new pg.Pool({ connectionString: t.url, max: 3 }), guard);
  });
  afterEach(() => pool.end());

  const count = async () => Number((await pool.query('SELECT count(*) AS n FROM expenses')).rows[0].n);

  it('rejects through pool.query (promise and callback), before the database sees it', async () => {
    await expect(pool.query(INSERT)).rejects.toBeInstanceOf(SingleWriterViolationError);
    await expect(pool.query({ text: 'UPDATE expenses SET amount = $1', values: [1] })).rejects.toBeInstanceOf(SingleWriterViolationError);
    const cbError = await new Promise((resolve) => pool.query(INSERT, (err: unknown) => resolve(err)));
    expect(cbError).toBeInstanceOf(SingleWriterViolationError);
    const cbError2 = await new Promise((resolve) => pool.query(INSERT, [], (err: unknown) => resolve(err)));
    expect(cbError2).toBeInstanceOf(SingleWriterViolationError);
    expect(await count()).toBe(0);
  });

  it('rejects through pool.connect() clients, transactions, QueryConfig and new Query()', async () => {
    const client = await pool.connect();
    try {
      await expect(client.query(INSERT)).rejects.toBeInstanceOf(SingleWriterViolationError);
      await client.query('BEGIN');
      await expect(client.query({ text: 'INSERT INTO expenses (user_id, amount) VALUES ($1, $2)', values: [1, 2] })).rejects.toBeInstanceOf(
        SingleWriterViolationError,
      );
      await client.query('ROLLBACK');
      const submitted = await new Promise((resolve) => client.query(new pg.Query(INSERT, [], (err: unknown) => resolve(err))));
      expect(submitted).toBeInstanceOf(SingleWriterViolationError);
      const viaCallback = await new Promise((resolve) => client.query('TRUNCATE expenses', (err: unknown) => resolve(err)));
      expect(viaCallback).toBeInstanceOf(SingleWriterViolationError);
    } finally {
      client.release();
    }
    await new Promise<void>((resolve, reject) =>
      pool.connect((err, c, done) => {
        if (err) return reject(err);
        c!.query(INSERT).then(
          () => (done(), reject(new Error('write went through'))),
          (e) => (done(), expect(e).toBeInstanceOf(SingleWriterViolationError), resolve()),
        );
      }),
    );
    expect(await count()).toBe(0);
  });

  it('guards a standalone Client', async () => {
    const client = guardPgClient(new pg.Client({ connectionString: t.url }), guard);
    await client.connect();
    try {
      await expect(client.query(INSERT)).rejects.toBeInstanceOf(SingleWriterViolationError);
      await withWriter(() => client.query(MARKED(INSERT)));
    } finally {
      await client.end();
    }
    expect(await count()).toBe(1);
    await withWriter(() => pool.query(MARKED('DELETE FROM expenses')));
  });

  it('judges each concurrent request in its own context (callback-style included)', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, (_, i) => {
        const run = () =>
          new Promise<string>((resolve) =>
            pool.query(i % 2 ? INSERT : MARKED(INSERT), (err: unknown) => resolve(err instanceof SingleWriterViolationError ? 'rejected' : err ? `db:${(err as Error).message}` : 'ok')),
          );
        return i % 2 ? run() : withWriter(run);
      }),
    );
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(6);
    expect(outcomes.filter((o) => o === 'rejected')).toHaveLength(6);
    expect(await count()).toBe(6);
    await withWriter(() => pool.query(MARKED('DELETE FROM expenses')));
  });

  it('counts database-guard rejections seen on guarded connections', async () => {
    await expect(withWriter(() => pool.query(INSERT))).rejects.toThrow(/finbrain single-writer guard/);
    await new Promise((r) => setImmediate(r));
    const metrics = await monitor.registry.getSingleMetricAsString('finbrain_single_writer_violations_total');
    expect(metrics).toMatch(/layer="database"/);
  });
});
