import type { PgNode } from '../../sql/index.js';
import type { LintRule } from '../rule.js';

/** Column names a parse-tree value reads (ColumnRef, last field). */
function columnsRead(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => columnsRead(v, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'ColumnRef') {
        const name = ((v as PgNode).fields ?? []).at(-1)?.String?.sval;
        if (name) out.add(name);
      }
      columnsRead(v, out);
    }
  }
  return out;
}

/** A subquery with LIMIT or OFFSET anywhere in a value: it picks different rows on every run. */
function hasLimitedSubquery(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasLimitedSubquery);
  if (!value || typeof value !== 'object') return false;
  for (const [k, v] of Object.entries(value)) {
    if (k === 'SelectStmt' && ((v as PgNode).limitCount || (v as PgNode).limitOffset)) return true;
    if (hasLimitedSubquery(v)) return true;
  }
  return false;
}

/**
 * Data statements a re-run repeats: in a `Transaction: false` revision a crash
 * after them and a re-run apply them twice (a doubled INSERT, `x = x + 1`
 * twice, the next batch deleted).
 */
export const nonIdempotentData: LintRule = {
  meta: {
    id: 'migrations/non-idempotent-data',
    shortDescription: 'A data statement a re-run would repeat, in a non-transactional revision',
    fullDescription:
      'Without a transaction, a failure after this statement leaves it applied and the re-run applies it again: an INSERT without ON CONFLICT inserts twice, an UPDATE whose new values read the columns it sets changes them twice, a DELETE of a LIMITed batch deletes the next batch.',
    help: 'Run data changes in a transactional revision; or make them converge: INSERT … ON CONFLICT DO NOTHING, SET x = <value> (not x + …), guard with a WHERE that skips rows already done.',
    defaultSeverity: 'error',
  },
  check(s, c) {
    if (c.inTransaction) return;
    const n = s.node;
    const table = n.relation?.relname;
    if (s.kind === 'InsertStmt' && !n.onConflictClause) {
      c.report(s, `INSERT INTO ${table} without ON CONFLICT in a non-transactional revision: a re-run after a crash inserts the rows again`);
    } else if (s.kind === 'UpdateStmt') {
      const targets = new Set<string>((n.targetList ?? []).map((t: PgNode) => t.ResTarget?.name).filter(Boolean));
      const read = columnsRead((n.targetList ?? []).map((t: PgNode) => t.ResTarget?.val));
      const self = [...targets].filter((t) => read.has(t));
      if (self.length) c.report(s, `UPDATE ${table} sets ${self.join(', ')} from ${self.length > 1 ? 'their' : 'its'} own value in a non-transactional revision: a re-run after a crash applies it twice`);
    } else if (s.kind === 'DeleteStmt' && hasLimitedSubquery(n.whereClause)) {
      c.report(s, `DELETE FROM ${table} of a LIMITed batch in a non-transactional revision: a re-run after a crash deletes another batch`);
    }
  },
};
