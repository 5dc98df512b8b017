import type { Db } from '../../db/types.js';
import type { PgNode } from '../../sql/index.js';
import type { EventSink } from '../events.js';
import { duplicateSample, indexState, quoteIdent } from './catalog.js';
import { dropIndexSql } from './index-sql.js';

type Q = Pick<Db, 'query' | 'exec'>;

/**
 * A CONCURRENTLY build that died leaves an INVALID index, which IF NOT EXISTS
 * then silently skips (chatwoot#15885). Before building, drop such a leftover
 * (concurrently when allowed) so the build runs again.
 */
export async function repairInvalidIndex(q: Q, name: string, concurrently: boolean, emit: EventSink, revision: string): Promise<boolean> {
  const state = await indexState(q, name);
  if (!state.exists || state.valid) return false;
  emit({ type: 'notice', revision, message: `INVALID index ${name} on ${state.table} (left by a build that died): dropping it and building it again` });
  await q.exec(dropIndexSql(name, concurrently));
  return true;
}

/** The name, table and key columns of an IndexStmt. */
export function indexTarget(node: PgNode): { name?: string; table: string; columns: string[] } {
  const table = [node.relation?.schemaname, node.relation?.relname].filter(Boolean).map(String).map(quoteIdent).join('.');
  const columns = (node.indexParams ?? []).map((p: PgNode) => p.IndexElem?.name).filter(Boolean).map(quoteIdent);
  const name = node.idxname ? [node.relation?.schemaname, node.idxname].filter(Boolean).join('.') : undefined;
  return { name, table, columns };
}

/**
 * A unique build over duplicates fails with 23505 and leaves an INVALID index:
 * drop it, and say which keys are duplicated.
 */
export async function explainUniqueFailure(q: Q, node: PgNode, concurrently: boolean): Promise<string> {
  const t = indexTarget(node);
  if (t.name) {
    const state = await indexState(q, t.name).catch(() => undefined);
    if (state?.exists && !state.valid) await q.exec(dropIndexSql(t.name, concurrently)).catch(() => {});
  }
  const sample = t.columns.length ? await duplicateSample(q, t.table, t.columns).catch(() => []) : [];
  return `\nThe unique index ${t.name ?? ''} cannot be built: ${t.table} has duplicate keys${sample.length ? ` (${t.columns.join(', ')}): ${sample.join(', ')}` : ''}. The INVALID leftover was dropped; deduplicate the rows, then run again.`;
}
