import type { Db } from '../db/types.js';

/**
 * The schema as the catalogs describe it, one sorted line per object, so two
 * snapshots compare with a plain diff. The ledger's own tables are left out.
 */
const SYSTEM = `('pg_catalog', 'information_schema', 'pg_toast')`;

export async function snapshotSchema(db: Db, ledgerTables: string[]): Promise<string[]> {
  const skip = new Set(ledgerTables.map((t) => (t.includes('.') ? t : `public.${t}`)));
  const lines: string[] = [];
  const q = async (sql: string, fmt: (r: Record<string, any>) => string, rel?: (r: Record<string, any>) => string) => {
    for (const r of (await db.query(sql)).rows) {
      if (rel && skip.has(rel(r))) continue;
      lines.push(fmt(r));
    }
  };
  const rel = (r: Record<string, any>) => `${r.schema}.${r.tbl}`;
  await q(
    `SELECT n.nspname AS schema, c.relname AS tbl, c.relkind::text AS kind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind IN ('r','p','v','m','f') AND n.nspname NOT IN ${SYSTEM} AND n.nspname NOT LIKE 'pg_temp%' AND n.nspname NOT LIKE 'pg_toast%'`,
    (r) => `relation ${r.schema}.${r.tbl} (${r.kind})`,
    rel,
  );
  await q(
    `SELECT table_schema AS schema, table_name AS tbl, column_name, data_type, udt_name, is_nullable, column_default, character_maximum_length, numeric_precision, numeric_scale
     FROM information_schema.columns WHERE table_schema NOT IN ${SYSTEM}`,
    (r) =>
      `column ${r.schema}.${r.tbl}.${r.column_name} ${r.data_type === 'USER-DEFINED' || r.data_type === 'ARRAY' ? r.udt_name : r.data_type}` +
      `${r.character_maximum_length ? `(${r.character_maximum_length})` : r.data_type === 'numeric' && r.numeric_precision ? `(${r.numeric_precision},${r.numeric_scale})` : ''}` +
      `${r.is_nullable === 'NO' ? ' NOT NULL' : ''}${r.column_default ? ` DEFAULT ${r.column_default}` : ''}`,
    rel,
  );
  await q(
    `SELECT n.nspname AS schema, c.relname AS tbl, con.conname, pg_get_constraintdef(con.oid) AS def, con.convalidated
     FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname NOT IN ${SYSTEM}`,
    (r) => `constraint ${r.schema}.${r.tbl}.${r.conname} ${r.def}${r.convalidated ? '' : ' (NOT VALIDATED)'}`,
    rel,
  );
  await q(
    `SELECT n.nspname AS schema, t.relname AS tbl, pg_get_indexdef(i.indexrelid) AS def, i.indisvalid
     FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname NOT IN ${SYSTEM}`,
    (r) => `index ${r.def}${r.indisvalid ? '' : ' (INVALID)'}`,
    rel,
  );
  await q(
    `SELECT n.nspname AS schema, c.relname AS tbl, pg_get_triggerdef(tg.oid) AS def
     FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE NOT tg.tgisinternal AND n.nspname NOT IN ${SYSTEM}`,
    (r) => `trigger ${r.def}`,
    rel,
  );
  await q(
    `SELECT n.nspname AS schema, p.proname, pg_get_function_identity_arguments(p.oid) AS args, md5(p.prosrc) AS body
     FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname NOT IN ${SYSTEM}`,
    (r) => `function ${r.schema}.${r.proname}(${r.args}) body:${String(r.body).slice(0, 12)}`,
  );
  await q(
    `SELECT n.nspname AS schema, t.typname, string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) AS labels
     FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace GROUP BY 1, 2`,
    (r) => `enum ${r.schema}.${r.typname} (${r.labels})`,
  );
  return lines.sort();
}

/** Lines only in `a` (-) and only in `b` (+). */
export function diffSnapshots(a: string[], b: string[]): string[] {
  const inA = new Set(a);
  const inB = new Set(b);
  return [...a.filter((l) => !inB.has(l)).map((l) => `- ${l}`), ...b.filter((l) => !inA.has(l)).map((l) => `+ ${l}`)];
}
