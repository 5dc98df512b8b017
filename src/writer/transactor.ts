import { createHash } from 'node:crypto';
import { claimPgliteWriterChannel } from '../runtime/pglite-guard.js';
import { TransactionClosedError } from './errors.js';

/** One transaction of the canonical writer. Revoked when the operation returns: later calls throw TransactionClosedError. */
export interface Tx {
  query<R = Record<string, any>>(text: string, params?: unknown[]): Promise<{ rows: R[]; rowCount: number }>;
  /**
   * Several statements without parameters (simple protocol); returns the rows
   * of the last one. As the first call of a transaction on pg it travels in the
   * same round trip as BEGIN.
   */
  script<R = Record<string, any>>(text: string): Promise<{ rows: R[] }>;
}

/**
 * Runs a function in one transaction on the writer's own connection. The
 * right to write protected tables is exactly this: a connection whose login
 * is in the writer role (pg), or the PGlite channel only the writer holds.
 */
export type Transactor = (<T>(fn: (tx: Tx) => Promise<T>) => Promise<T>) & { readonly backend?: 'pg' | 'pglite' };

/**
 * The writer sends the same few statements over and over: a name derived from
 * the text makes each connection parse it once (and lets the server keep a
 * plan) instead of on every call.
 */
const names = new Map<string, string>();
function statementName(text: string): string {
  let name = names.get(text);
  if (!name) {
    name = `finbrain_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    if (names.size < 1000) names.set(text, name);
  }
  return name;
}

interface PoolLike {
  connect(): Promise<{ query: (...a: any[]) => Promise<any>; release: (err?: Error | boolean) => void }>;
}

/**
 * A transaction on a client of the writer's OWN pool: one that logs in with a
 * login in the writer role and that no other code uses (give the writer its
 * own `new pg.Pool({ connectionString: WRITER_DATABASE_URL })`).
 */
export function pgPoolTransactor(pool: PoolLike): Transactor {
  const run = async <T>(fn: (tx: Tx) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    let begun = false;
    let open = true;
    let broken = false;
    const live = () => {
      if (!open) throw new TransactionClosedError();
    };
    const tx: Tx = {
      async query(text, params) {
        live();
        if (!begun) {
          begun = true;
          await client.query('BEGIN');
        }
        const r = await client.query({ name: statementName(text), text, values: params });
        return { rows: r.rows, rowCount: r.rowCount ?? 0 };
      },
      async script(text) {
        live();
        const full = begun ? text : `BEGIN;\n${text}`;
        begun = true;
        const r = await client.query(full);
        const results = Array.isArray(r) ? r : [r];
        return { rows: results[results.length - 1]?.rows ?? [] };
      },
    };
    try {
      const result = await fn(tx);
      open = false;
      if (begun) await client.query('COMMIT');
      return result;
    } catch (e) {
      open = false;
      if (begun) await client.query('ROLLBACK').catch(() => (broken = true));
      throw e;
    } finally {
      open = false;
      // A client whose ROLLBACK failed is not handed to anyone again.
      client.release(broken ? new Error('finbrain writer: ROLLBACK failed; connection discarded') : undefined);
    }
  };
  return Object.assign(run, { backend: 'pg' as const });
}

interface PgliteLike {
  query: (...a: any[]) => any;
  exec: (...a: any[]) => any;
  transaction: (fn: (tx: any) => any) => any;
}

/**
 * The canonical writer's transactions on a PGlite instance, through the
 * channel only the first caller gets (see runtime/pglite-guard.ts). Call it
 * once, at start-up, for the one writer of the instance.
 */
export function pgliteTransactor(db: PgliteLike): Transactor {
  const channel = claimPgliteWriterChannel(db as PgliteLike & Record<string, unknown>);
  const run = <T>(fn: (tx: Tx) => Promise<T>): Promise<T> =>
    channel.transaction(async (t) => {
      let open = true;
      const live = () => {
        if (!open || t.closed) throw new TransactionClosedError();
      };
      const tx: Tx = {
        async query(text, params) {
          live();
          const r = await channel.approved<{ rows: any[]; affectedRows?: number }>(text, () => t.query(text, params));
          return { rows: r.rows, rowCount: r.rows.length || (r.affectedRows ?? 0) };
        },
        async script(text) {
          live();
          const results = await channel.approved<{ rows: any[] }[]>(text, () => t.exec(text));
          return { rows: results[results.length - 1]?.rows ?? [] };
        },
      };
      try {
        return await fn(tx);
      } finally {
        open = false;
      }
    });
  return Object.assign(run, { backend: 'pglite' as const });
}
