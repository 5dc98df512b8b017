import { protectionObjectNames, quoteIdent, type ProtectionOptions } from '../protection/protection-sql.js';

/**
 * The canonical writer's SQL for one protected table. Every name is
 * schema-qualified and the transaction's search_path is pg_catalog, pg_temp,
 * so a temp table or a function an application session creates under the same
 * name is never what the writer writes or calls. Writes use ONLY (a child
 * table's rows are not the protected table's) and carry their audit row in the
 * same statement (a data-modifying CTE: Postgres refuses those on a table with
 * rules, so a rule can never swallow a write silently).
 */
export interface WriteTarget extends ProtectionOptions {
  primaryKey: string;
}

export interface WriteSql {
  label: string;
  /** Role switch, fixed search_path, then the catalog check (one round trip with BEGIN). */
  setup(verify: boolean): string;
  insert(columns: string[]): string;
  lockRow: string;
  update(columns: string[]): string;
  delete: string;
  existsAnywhere: string;
  lookupRequest: string;
  recordRequest: string;
  catalog: string;
  constraints: string;
}

export function writeSql(t: WriteTarget): WriteSql {
  const names = protectionObjectNames(t);
  const qual = (name: string) => `${quoteIdent(t.schema)}.${quoteIdent(name)}`;
  const T = qual(t.table);
  const A = qual(t.auditTable);
  const R = qual(t.idempotencyTable);
  const pk = quoteIdent(t.primaryKey);
  /** A row as a JSON object of text values: money and ids keep their exact digits on the way to JavaScript. */
  const rowJson = (x: string) => `(SELECT pg_catalog.jsonb_object_agg(e.key, e.value) FROM pg_catalog.jsonb_each_text(pg_catalog.to_jsonb(${x})) AS e)`;
  const audit = (n: number, before: string, after: string) =>
    `a AS (INSERT INTO ${A} (row_id, action, actor, idempotency_key, before, after) SELECT w.${pk}::text, $${n}, $${n + 1}, $${n + 2}, ${before}, ${after} FROM w)`;
  return {
    label: `${t.schema}.${t.table}`,
    setup: (verify) =>
      `SET LOCAL ROLE ${quoteIdent(t.writerRole)};\nSET LOCAL search_path = pg_catalog, pg_temp;\n` +
      (verify ? `SELECT problem FROM ${qual(names.verifyFunction)}() AS problem` : 'SELECT NULL::text AS problem WHERE false'),
    insert: (columns) => {
      const cols = columns.map(quoteIdent).join(', ');
      const vals = columns.map((_, i) => `$${i + 1}`).join(', ');
      const n = columns.length + 1;
      return `WITH w AS (INSERT INTO ${T} AS t (${cols}) VALUES (${vals}) RETURNING t.*), ${audit(n, 'NULL', 'pg_catalog.to_jsonb(w)')} SELECT ${rowJson('w')} AS row FROM w`;
    },
    lockRow: `SELECT ${rowJson('t')} AS row FROM ONLY ${T} AS t WHERE t.${pk} = $1 FOR UPDATE`,
    update: (columns) => {
      const sets = columns.map((c, i) => `${quoteIdent(c)} = $${i + 2}`).join(', ');
      const n = columns.length + 2;
      return `WITH b AS (SELECT pg_catalog.to_jsonb(x) AS j FROM ONLY ${T} AS x WHERE x.${pk} = $1), w AS (UPDATE ONLY ${T} AS t SET ${sets} WHERE t.${pk} = $1 RETURNING t.*), ${audit(n, '(SELECT b.j FROM b)', 'pg_catalog.to_jsonb(w)')} SELECT ${rowJson('w')} AS row FROM w`;
    },
    delete: `WITH w AS (DELETE FROM ONLY ${T} AS t WHERE t.${pk} = $1 RETURNING t.*), ${audit(2, 'pg_catalog.to_jsonb(w)', 'NULL')} SELECT ${rowJson('w')} AS row FROM w`,
    existsAnywhere: `SELECT 1 AS found FROM ${T} AS t WHERE t.${pk} = $1`,
    lookupRequest: `SELECT operation, request_hash, result FROM ${R} WHERE idempotency_key = $1`,
    recordRequest: `INSERT INTO ${R} (idempotency_key, operation, request_hash, result) VALUES ($1, $2, $3, $4::jsonb)`,
    catalog: `SELECT pg_catalog.to_regclass($1) IS NOT NULL AS has_table, pg_catalog.to_regclass($2) IS NOT NULL AS has_audit, pg_catalog.to_regclass($3) IS NOT NULL AS has_requests, pg_catalog.to_regprocedure($4) IS NOT NULL AS has_verify`,
    constraints: `SELECT c.conname::text AS name, c.contype::text AS type, pg_catalog.pg_get_constraintdef(c.oid) AS def,
        CASE WHEN c.contype = 'f' THEN c.confrelid::regclass::text END AS ref,
        ARRAY(SELECT a.attname::text FROM pg_catalog.unnest(c.conkey) WITH ORDINALITY AS k(n, i) JOIN pg_catalog.pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i) AS columns
      FROM pg_catalog.pg_constraint c WHERE c.conrelid = pg_catalog.to_regclass($1) AND c.contype IN ('f', 'c')`,
  };
}
