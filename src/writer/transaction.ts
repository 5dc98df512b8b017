import type { Db } from '../db/types.js';

/** What one writer transaction can do. */
export interface TxClient {
  query<R = Record<string, any>>(text: string, params?: unknown[]): Promise<{ rows: R[]; rowCount: number }>;
}

export type TxRunner = <T>(fn: (tx: TxClient) => Promise<T>) => Promise<T>;

/** A pg Pool, a pg Client, a PGlite instance or finbrain's Db adapter. */
export type WriterDatabase =
  | { connect(): Promise<any>; totalCount: number; query: (...a: any[]) => any }
  | { transaction: (fn: (tx: any) => Promise<any>) => Promise<any>; query: (...a: any[]) => any }
  | { query: (...a: any[]) => any }
  | Db;

/** Transaction-local: it ends with the transaction, so a pooled connection never carries it to the next user (pgbouncer transaction pooling included). */
const MARK = "SELECT set_config('finbrain.writer', 'canonical', true)";

function normalize(r: any): { rows: any[]; rowCount: number } {
  return { rows: r.rows ?? [], rowCount: r.rowCount ?? r.affectedRows ?? r.rows?.length ?? 0 };
}

function wrapQuery(q: (text: string, params?: unknown[]) => Promise<any>): TxClient {
  return { query: async (text, params) => normalize(await q(text, params)) as any };
}

/** BEGIN … COMMIT on one connection, serialised so concurrent calls never interleave on it. */
function serialRunner(conn: { query: (...a: any[]) => any }): TxRunner {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(fn: (tx: TxClient) => Promise<T>) => {
    const run = tail.then(() => runOn(conn, fn));
    tail = run.catch(() => {});
    return run;
  };
}

async function runOn<T>(conn: { query: (...a: any[]) => any }, fn: (tx: TxClient) => Promise<T>): Promise<T> {
  const tx = wrapQuery((t, p) => conn.query(t, p));
  await conn.query('BEGIN');
  try {
    await conn.query(MARK);
    const result = await fn(tx);
    await conn.query('COMMIT');
    return result;
  } catch (e) {
    await conn.query('ROLLBACK').catch(() => {});
    throw e;
  }
}

/** One transaction per call, carrying the writer's transaction-local marker. */
export function transactionRunner(db: WriterDatabase): TxRunner {
  const anyDb = db as any;
  if (typeof anyDb.connect === 'function' && typeof anyDb.totalCount === 'number') {
    return async (fn) => {
      const client = await anyDb.connect();
      let broken: unknown;
      try {
        return await runOn(client, fn);
      } catch (e) {
        broken = (e as { code?: string }).code ? undefined : e;
        throw e;
      } finally {
        client.release(broken instanceof Error ? broken : undefined);
      }
    };
  }
  if (typeof anyDb.transaction === 'function') {
    return (fn) =>
      anyDb.transaction(async (tx: any) => {
        await tx.query(MARK);
        return fn(wrapQuery((t, p) => tx.query(t, p)));
      });
  }
  return serialRunner(anyDb);
}
