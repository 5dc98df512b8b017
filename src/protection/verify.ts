import type { Db } from '../db/types.js';
import { protectionObjectNames, quoteIdent, type ProtectionOptions } from './protection-sql.js';

/**
 * What is wrong with the protection of a table, from its own catalog check
 * (the function its revision installed): empty when intact. A missing
 * protection is one problem naming the fix.
 */
export async function verifyProtection(db: Db, o: ProtectionOptions): Promise<string[]> {
  const fn = `${quoteIdent(o.schema)}.${quoteIdent(protectionObjectNames(o).verifyFunction)}`;
  try {
    return (await db.query<{ problem: string }>(`SELECT problem FROM ${fn}() AS problem`)).rows.map((r) => r.problem);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === '42883' || code === '3F000') {
      return [`the protection of ${o.schema}.${o.table} is not installed (no ${o.schema}.${protectionObjectNames(o).verifyFunction}()): run \`npx finbrain protect ${o.table}\`, then \`npx finbrain migrate up\``];
    }
    throw e;
  }
}
