import { targetRelation } from '../../sql/relations.js';
import type { LintRule } from '../rule.js';

export const requireConcurrentIndex: LintRule = {
  meta: {
    id: 'migrations/require-concurrent-index',
    shortDescription: 'CREATE INDEX without CONCURRENTLY on an existing table',
    fullDescription: 'A plain CREATE INDEX blocks writes to the table for the whole build.',
    help: 'CREATE INDEX CONCURRENTLY IF NOT EXISTS … in a `Transaction: false` (or `auto`) revision.',
    defaultSeverity: 'error',
  },
  check(s, c) {
    if (s.kind !== 'IndexStmt' || s.node.concurrent) return;
    const table = targetRelation(s, 'public')?.toLowerCase();
    if (table && c.createdHere.has(table)) return;
    c.report(s, `CREATE INDEX on ${s.node.relation.relname}, which existed before this revision, without CONCURRENTLY: writes are blocked for the whole build`);
  },
};
