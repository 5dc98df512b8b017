import type { Db } from '../../db/types.js';

type Q = Pick<Db, 'query'>;

export interface IndexState {
  exists: boolean;
  valid: boolean;
  table?: string;
}

/** Whether an index exists and is valid (pg_index.indisvalid), resolved through search_path. */
export async function indexState(q: Q, name: string): Promise<IndexState> {
  const r = await q.query<{ valid: boolean; tbl: string }>(
    `SELECT i.indisvalid AS valid, t.relname AS tbl FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
     WHERE c.oid = to_regclass($1)`,
    [name],
  );
  const row = r.rows[0];
  return row ? { exists: true, valid: row.valid, table: row.tbl } : { exists: false, valid: false };
}

export function quoteIdent(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

/** Sessions holding a granted lock on `table` in this database (relation OIDs repeat across databases): who blocks a DDL statement, for the retry log. */
export async function lockHolders(q: Q, table: string): Promise<{ pid: number; query: string; mode: string }[]> {
  const r = await q.query<{ pid: number; query: string; mode: string }>(
    `SELECT DISTINCT a.pid, left(a.query, 200) AS query, l.mode FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
     WHERE l.relation = to_regclass($1) AND l.granted AND a.pid <> pg_backend_pid()
       AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) ORDER BY a.pid`,
    [table],
  );
  return r.rows;
}

/** Up to `limit` duplicate keys for a column list, for the report of a failed unique build. */
export async function duplicateSample(q: Q, table: string, columns: string[], limit = 5): Promise<string[]> {
  const cols = columns.join(', ');
  // finbrain-ignore security/sql-injection: identifiers come from the index definition being built, quoted
  const r = await q.query<{ key: string; n: string }>(`SELECT (${cols})::text AS key, count(*)::text AS n FROM ${table} GROUP BY ${cols} HAVING count(*) > 1 ORDER BY count(*) DESC LIMIT ${limit}`);
  return r.rows.map((x) => `${x.key} ×${x.n}`);
}
