import type { Db } from '../../db/types.js';
import type { UniqueViolation } from '../../errors.js';
import type { PgNode } from '../../sql/index.js';
import { rangeVarName } from '../../sql/relations.js';
import { duplicateSample, indexState, quoteIdent } from './catalog.js';
import { dropIndexSql, qualified } from './index-sql.js';

type Q = Pick<Db, 'query' | 'exec'>;

/**
 * A CONCURRENTLY build that died leaves an INVALID index, which IF NOT EXISTS
 * then silently skips (chatwoot#15885). Before building, drop such a leftover
 * (concurrently when allowed) so the build runs again. The one repair, used by
 * the SQL path and the index helpers alike.
 */
export async function repairInvalidIndex(q: Q, name: string, concurrently: boolean, say: (message: string) => void): Promise<boolean> {
  const state = await indexState(q, name);
  if (!state.exists || state.valid) return false;
  say(`INVALID index ${name} on ${state.table} (left by a build that died): dropping it and building it again`);
  await q.exec(dropIndexSql(name, concurrently));
  return true;
}

export interface IndexTarget {
  name?: string;
  table: string;
  columns: string[];
}

/** The name, table and key columns of an IndexStmt. */
export function indexTarget(node: PgNode): IndexTarget {
  const table = qualified(rangeVarName(node.relation) ?? '');
  const columns = (node.indexParams ?? []).map((p: PgNode) => p.IndexElem?.name).filter(Boolean).map(quoteIdent);
  const name = node.idxname ? [node.relation?.schemaname, node.idxname].filter(Boolean).join('.') : undefined;
  return { name, table, columns };
}

/**
 * A unique build over duplicates fails with 23505 and leaves an INVALID index:
 * drop it, and sample which keys are duplicated.
 */
export async function uniqueViolation(q: Q, t: IndexTarget, concurrently: boolean): Promise<UniqueViolation> {
  let droppedInvalid = false;
  if (t.name) {
    const state = await indexState(q, t.name).catch(() => undefined);
    if (state?.exists && !state.valid) droppedInvalid = await q.exec(dropIndexSql(t.name, concurrently)).then(() => true, () => false);
  }
  const sample = t.columns.length ? await duplicateSample(q, t.table, t.columns).catch(() => []) : [];
  return { index: t.name, table: t.table, columns: t.columns, sample, droppedInvalid };
}

/** The words for a unique violation, as the failure message says them. */
export function describeUniqueViolation(u: UniqueViolation): string {
  const keys = u.sample.length ? ` (${u.columns.join(', ')}): ${u.sample.join(', ')}` : '';
  return `The unique index ${u.index ?? ''} cannot be built: ${u.table} has duplicate keys${keys}.${u.droppedInvalid ? ' The INVALID leftover was dropped;' : ''} deduplicate the rows, then run again.`;
}
