import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { wrapPglite } from '../../src/db/pglite-db.js';
import { openPgDb } from '../../src/db/pg-db.js';
import { migrateUp } from '../../src/migrate/engine.js';
import { SingleWriterGuard, type Violation } from '../../src/runtime/guard.js';
import { WriterMonitor, statsTableSink } from '../../src/runtime/monitor.js';
import { ExpenseWriter } from '../../app/writer/expense-writer.js';
import { pgPoolTransactor, pgliteTransactor } from '../../src/writer/transactor.js';
import { createScratchDatabase } from '../helpers/backends.js';

export const REPO = new URL('../..', import.meta.url).pathname;

export interface Rig {
  backend: 'pglite' | 'postgres';
  /** Guarded: the application's handle. */
  query(text: string, params?: unknown[]): Promise<{ rows: any[]; rowCount: number }>;
  /** A transaction on the guarded handle. */
  inTransaction(fn: (q: (text: string) => Promise<unknown>) => Promise<void>): Promise<void>;
  /** Bypasses the runtime guard (an unguarded connection), to test the database layer alone. */
  unguarded(text: string): Promise<unknown>;
  writer: ExpenseWriter;
  monitor: WriterMonitor;
  violations: Violation[];
  pool?: pg.Pool;
  close(): Promise<void>;
}

export async function makeRig(backend: 'pglite' | 'postgres', mode: 'enforce' | 'log' = 'enforce'): Promise<Rig> {
  const violations: Violation[] = [];
  let monitor!: WriterMonitor;
  const guard = await SingleWriterGuard.create({
    protectedTables: ['expenses'],
    mode,
    onViolation: (v) => {
      violations.push(v);
      void monitor.violation(v.layer);
    },
  });
  if (backend === 'pglite') {
    const raw = await PGlite.create();
    await migrateUp({ cwd: REPO, db: wrapPglite(raw) });
    await raw.query("INSERT INTO users (external_id) VALUES ('u1')");
    // PGlite has one session: the "unguarded connection" is the same instance before guarding.
    const rawQuery = raw.query.bind(raw);
    guard.guardPglite(raw);
    monitor = new WriterMonitor({ sink: statsTableSink((t, p) => rawQuery(t, p)) });
    const writer = new ExpenseWriter({ transactor: pgliteTransactor(raw), monitor });
    return {
      backend,
      query: async (t, p) => {
        const r = await raw.query(t, p);
        return { rows: r.rows, rowCount: r.rows.length || (r.affectedRows ?? 0) };
      },
      inTransaction: (fn) => raw.transaction(async (tx) => fn((t) => tx.query(t))),
      unguarded: (t) => rawQuery(t),
      writer,
      monitor,
      violations,
      close: () => raw.close(),
    };
  }
  const scratch = await createScratchDatabase();
  const db = await openPgDb(scratch.url);
  await migrateUp({ cwd: REPO, db });
  await db.query("INSERT INTO users (external_id) VALUES ('u1')");
  const pool = guard.guardPool(new pg.Pool({ connectionString: scratch.url, max: 5 }));
  const statsPool = new pg.Pool({ connectionString: scratch.url, max: 2 });
  monitor = new WriterMonitor({ sink: statsTableSink((t, p) => statsPool.query(t, p)) });
  const writer = new ExpenseWriter({ transactor: pgPoolTransactor(pool), monitor });
  return {
    backend,
    pool,
    query: async (t, p) => {
      const r = await pool.query(t, p);
      return { rows: r.rows, rowCount: r.rowCount ?? 0 };
    },
    inTransaction: async (fn) => {
      const c = await pool.connect();
      try {
        await c.query('BEGIN');
        await fn((t) => c.query(t));
        await c.query('COMMIT');
      } catch (e) {
        await c.query('ROLLBACK');
        throw e;
      } finally {
        c.release();
      }
    },
    unguarded: (t) => db.query(t),
    writer,
    monitor,
    violations,
    async close() {
      await pool.end();
      await statsPool.end();
      await db.close();
      await scratch.drop();
    },
  };
}
