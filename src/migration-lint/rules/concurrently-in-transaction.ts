import type { LintRule } from '../rule.js';

export const concurrentlyInTransaction: LintRule = {
  meta: {
    id: 'migrations/concurrently-in-transaction',
    shortDescription: 'CONCURRENTLY inside a transactional revision',
    fullDescription: 'Postgres refuses CREATE/DROP INDEX CONCURRENTLY inside a transaction block; the revision cannot run.',
    help: 'Set `Transaction: false` (or `auto`) in the header.',
    defaultSeverity: 'error',
  },
  check(s, c) {
    if (!c.inTransaction || !s.node.concurrent) return;
    if (s.kind === 'IndexStmt') c.report(s, 'CREATE INDEX CONCURRENTLY in a transactional revision: Postgres refuses it');
    else if (s.kind === 'DropStmt') c.report(s, 'DROP INDEX CONCURRENTLY in a transactional revision: Postgres refuses it');
  },
};
