import type { Db } from '../db/types.js';
import { classifySql, createTableMatcher, initSqlParser } from '../sql/index.js';
import { protectionObjectNames, quoteIdent, type ProtectionOptions } from './protection-sql.js';

/** The table, its audit trail and its idempotency records, as guard patterns. */
const protectedTables = (o: ProtectionOptions) => [o.table, o.auditTable, o.idempotencyTable].map((t) => `${o.schema}.${t}`);

/**
 * SECURITY DEFINER functions the application role may call run with their
 * owner's privileges: one that writes a protected table, or runs SQL text it
 * computes (the `exec_sql(text)` helpers many projects add for their migration
 * scripts), hands that right to every application login. The catalog cannot
 * tell, so the bodies are read with the shared SQL classifier.
 */
async function definerProblems(db: Db, o: ProtectionOptions): Promise<string[]> {
  await initSqlParser();
  const matcher = createTableMatcher(protectedTables(o));
  const rows = (
    await db.query<{ name: string; def: string }>(
      `SELECT p.oid::regprocedure::text AS name, pg_catalog.pg_get_functiondef(p.oid) AS def
       FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_language l ON l.oid = p.prolang JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
       WHERE p.prosecdef AND p.prokind IN ('f', 'p') AND l.lanname IN ('sql', 'plpgsql') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
         AND EXISTS (SELECT FROM pg_catalog.pg_roles r WHERE r.rolname = $1 AND pg_catalog.has_function_privilege(r.oid, p.oid, 'EXECUTE'))`,
      [o.appRole],
    )
  ).rows;
  const problems: string[] = [];
  for (const r of rows) {
    let statements;
    try {
      statements = classifySql(r.def);
    } catch {
      problems.push(`security definer function ${r.name}, callable by ${o.appRole}, has a body finbrain cannot read`);
      continue;
    }
    const writes = statements.flatMap((s) => s.writes).filter((w) => matcher.matches(w));
    const opaque = statements.flatMap((s) => s.opaque);
    if (writes.length) problems.push(`security definer function ${r.name}, callable by ${o.appRole}, writes ${[...new Set(writes.map((w) => `${w.schema ?? o.schema}.${w.table}`))].join(', ')} with its owner's privileges`);
    else if (opaque.length) problems.push(`security definer function ${r.name}, callable by ${o.appRole}, runs SQL it computes (${opaque[0]}) with its owner's privileges`);
  }
  return problems;
}

/**
 * What is wrong with the protection of a table: its own catalog check (the
 * function its revision installed) plus the SECURITY DEFINER functions the
 * application role could use to write through their owner. Empty when intact;
 * a missing protection is one problem naming the fix.
 */
export async function verifyProtection(db: Db, o: ProtectionOptions): Promise<string[]> {
  const fn = `${quoteIdent(o.schema)}.${quoteIdent(protectionObjectNames(o).verifyFunction)}`;
  let problems: string[];
  try {
    problems = (await db.query<{ problem: string }>(`SELECT problem FROM ${fn}() AS problem`)).rows.map((r) => r.problem);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === '42883' || code === '3F000') {
      return [`the protection of ${o.schema}.${o.table} is not installed (no ${o.schema}.${protectionObjectNames(o).verifyFunction}()): run \`npx finbrain protect ${o.table}\`, then \`npx finbrain migrate up\``];
    }
    throw e;
  }
  return [...problems, ...(await definerProblems(db, o))];
}
