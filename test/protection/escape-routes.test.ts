import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { wrapPglite } from '../../src/db/pglite-db.js';
import { openPgDb } from '../../src/db/pg-db.js';
import { migrateUp } from '../../src/migrate/engine.js';
import { SingleWriterGuard, type Violation } from '../../src/runtime/guard.js';
import { SingleWriterViolationError } from '../../src/runtime/violation.js';
import { withWriter } from '../../src/runtime/writer-context.js';
import { createScratchDatabase, describePostgres } from '../helpers/backends.js';
import { REPO } from './setup.js';

/**
 * Core protection tests, continued: the escape routes a caller could use
 * (deliberately or by accident) to get a write past the runtime guard.
 */
const INSERT = 'INSERT INTO expenses (user_id, amount) VALUES (1, 10)';
/** The writer's own shape: runtime context plus the transaction-local DB marker. */
const MARKED = (sql: string) => `BEGIN; SET LOCAL finbrain.writer = 'canonical'; ${sql}; COMMIT`;

describe('core protection tests: guard classification of write shapes', () => {
  let guard: SingleWriterGuard;
  beforeAll(async () => {
    guard = await SingleWriterGuard.create({ protectedTables: ['expenses'] });
  });

  it.each([
    [INSERT, 'insert'],
    ['UPDATE public.expenses SET amount = 1', 'update'],
    ['delete from "expenses"', 'delete'],
    ['TRUNCATE expenses', 'truncate'],
    ['WITH x AS (DELETE FROM expenses RETURNING *) SELECT * FROM x', 'delete'],
    ['SELECT 1; INSERT INTO expenses (user_id, amount) VALUES (1, 2)', 'insert'],
    ['COPY expenses FROM STDIN', 'copy'],
    ['MERGE INTO expenses e USING users u ON e.user_id = u.id WHEN MATCHED THEN DELETE', 'merge'],
  ])('rejects %j outside the writer and allows it inside', (sql, operation) => {
    const v = guard.check(sql, false);
    expect(v).toBeInstanceOf(SingleWriterViolationError);
    expect(v).toMatchObject({ table: 'expenses', operation });
    expect(guard.check(sql, true)).toBeUndefined();
  });

  it('lets reads and other tables through, and keeps the cache bounded', async () => {
    const small = await SingleWriterGuard.create({ cacheSize: 2 });
    for (const sql of ['SELECT * FROM expenses', "INSERT INTO users (external_id) VALUES ('x')", 'SELECT 2']) expect(small.check(sql, false)).toBeUndefined();
    expect(small.cache.size).toBe(2);
  });
});

describe('core protection tests: PGlite escape routes [pglite]', () => {
  let raw: PGlite;
  let guard: SingleWriterGuard;
  beforeEach(async () => {
    raw = await PGlite.create();
    await migrateUp({ cwd: REPO, db: wrapPglite(raw) });
    await raw.query("INSERT INTO users (external_id) VALUES ('u1')");
    guard = await SingleWriterGuard.create();
    guard.guardPglite(raw);
  });
  afterEach(() => raw.close());

  const count = async () => (await raw.query<{ n: number }>('SELECT count(*)::int AS n FROM expenses')).rows[0]!.n;

  it('rejects writes through query, exec, the sql tag and transaction handles', async () => {
    await expect(raw.query(INSERT)).rejects.toBeInstanceOf(SingleWriterViolationError);
    await expect(raw.exec(`SELECT 1; ${INSERT}`)).rejects.toBeInstanceOf(SingleWriterViolationError);
    await expect(raw.sql`INSERT INTO expenses (user_id, amount) VALUES (${1}, ${10})`).rejects.toBeInstanceOf(SingleWriterViolationError);
    await expect(raw.transaction((tx) => tx.query(INSERT))).rejects.toBeInstanceOf(SingleWriterViolationError);
    await expect(raw.transaction((tx) => tx.exec(INSERT))).rejects.toBeInstanceOf(SingleWriterViolationError);
    await expect(raw.transaction((tx) => tx.sql`INSERT INTO expenses (user_id, amount) VALUES (${1}, ${10})`)).rejects.toBeInstanceOf(
      SingleWriterViolationError,
    );
    expect(await count()).toBe(0);
  });

  it('lets the writer context through to the database layer, which still wants the marker', async () => {
    await withWriter(() => raw.exec(MARKED(INSERT)));
    await expect(withWriter(() => raw.query(INSERT))).rejects.toThrow(/finbrain single-writer guard/);
    expect(await count()).toBe(1);
  });
});

describePostgres('core protection tests: node-postgres escape routes', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let pool: pg.Pool;
  let violations: Violation[];
  beforeAll(async () => {
    scratch = await createScratchDatabase();
    const db = await openPgDb(scratch.url);
    await migrateUp({ cwd: REPO, db });
    await db.query("INSERT INTO users (external_id) VALUES ('u1')");
    await db.close();
  });
  afterAll(() => scratch.drop());
  beforeEach(async () => {
    violations = [];
    const guard = await SingleWriterGuard.create({ onViolation: (v) => violations.push(v) });
    pool = guard.guardPool(new pg.Pool({ connectionString: scratch.url, max: 3 }));
  });
  afterEach(() => pool.end());

  const count = async () => Number((await pool.query('SELECT count(*) AS n FROM expenses')).rows[0].n);

  it('rejects through pool.query with values, QueryConfig and both callback shapes', async () => {
    await expect(pool.query('INSERT INTO expenses (user_id, amount) VALUES ($1, $2)', [1, 2])).rejects.toBeInstanceOf(SingleWriterViolationError);
    await expect(pool.query({ text: 'UPDATE expenses SET amount = $1', values: [1] })).rejects.toBeInstanceOf(SingleWriterViolationError);
    expect(await new Promise((resolve) => pool.query(INSERT, (err: unknown) => resolve(err)))).toBeInstanceOf(SingleWriterViolationError);
    expect(await new Promise((resolve) => pool.query(INSERT, [], (err: unknown) => resolve(err)))).toBeInstanceOf(SingleWriterViolationError);
    expect(await count()).toBe(0);
  });

  it('does not honour a forged "already checked" marker on pool or client', async () => {
    const forged = () => ({ text: INSERT, [Symbol.for('finbrain.checked')]: true }) as unknown as string;
    await expect(pool.query(forged())).rejects.toBeInstanceOf(SingleWriterViolationError);
    const client = await pool.connect();
    try {
      await expect(client.query(forged())).rejects.toBeInstanceOf(SingleWriterViolationError);
    } finally {
      client.release();
    }
    expect(await count()).toBe(0);
  });

  it('guards clients from pool.connect(callback) and transactions on them', async () => {
    await new Promise<void>((resolve, reject) =>
      pool.connect((err, c, done) => {
        if (err) return reject(err);
        c!
          .query('BEGIN')
          .then(() => c!.query(INSERT))
          .then(
            () => (done(), reject(new Error('write went through'))),
            (e) => c!.query('ROLLBACK').then(() => (done(), expect(e).toBeInstanceOf(SingleWriterViolationError), resolve())),
          );
      }),
    );
    expect(await count()).toBe(0);
  });

  it('guards a standalone Client, callback style included', async () => {
    const guard = await SingleWriterGuard.create();
    const client = guard.guardClient(new pg.Client({ connectionString: scratch.url }));
    await client.connect();
    try {
      await expect(client.query(INSERT)).rejects.toBeInstanceOf(SingleWriterViolationError);
      expect(await new Promise((resolve) => client.query('TRUNCATE expenses', (err: unknown) => resolve(err)))).toBeInstanceOf(SingleWriterViolationError);
      await withWriter(() => client.query(MARKED(INSERT)));
    } finally {
      await client.end();
    }
    expect(await count()).toBe(1);
    await withWriter(() => pool.query(MARKED('DELETE FROM expenses')));
  });

  it('judges each of many interleaved callback-style requests in its own context', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, (_, i) => {
        const run = () =>
          new Promise<string>((resolve) =>
            pool.query(i % 2 ? INSERT : MARKED(INSERT), (err: unknown) =>
              resolve(err instanceof SingleWriterViolationError ? 'rejected' : err ? `db:${(err as Error).message}` : 'ok'),
            ),
          );
        return i % 2 ? run() : withWriter(run);
      }),
    );
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(6);
    expect(outcomes.filter((o) => o === 'rejected')).toHaveLength(6);
    expect(await count()).toBe(6);
    expect(violations.filter((v) => v.layer === 'runtime')).toHaveLength(6);
    await withWriter(() => pool.query(MARKED('DELETE FROM expenses')));
  });
});
