/** What the writer needs from a database: run a function in one transaction. */
export interface Tx {
  query<R = Record<string, any>>(text: string, params?: unknown[]): Promise<{ rows: R[]; rowCount: number }>;
}

export type Transactor = <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>;

/** A transaction on a client checked out from a pg Pool. */
export function pgPoolTransactor(pool: { connect(): Promise<any> }): Transactor {
  return async (fn) => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const tx: Tx = {
        query: async (text, params) => {
          const r = await client.query(text, params);
          return { rows: r.rows, rowCount: r.rowCount ?? 0 };
        },
      };
      const result = await fn(tx);
      await client.query('COMMIT');
      return result;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => {});
      throw e;
    } finally {
      client.release();
    }
  };
}

/** A transaction on a PGlite instance. */
export function pgliteTransactor(db: { transaction<T>(fn: (tx: any) => Promise<T>): Promise<T> }): Transactor {
  return (fn) =>
    db.transaction((t: any) =>
      fn({
        query: async (text, params) => {
          const r = await t.query(text, params);
          return { rows: r.rows, rowCount: r.rows.length || (r.affectedRows ?? 0) };
        },
      }),
    );
}
