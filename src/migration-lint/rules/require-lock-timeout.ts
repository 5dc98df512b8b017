import { targetRelation } from '../../sql/relations.js';
import type { LintRule } from '../rule.js';

const LOCKING_DDL = new Set(['AlterTableStmt', 'IndexStmt', 'RenameStmt', 'DropStmt', 'CreateTrigStmt', 'AlterEnumStmt']);

export const requireLockTimeout: LintRule = {
  meta: {
    id: 'migrations/require-lock-timeout',
    shortDescription: 'Lock-taking DDL with no lock_timeout',
    fullDescription: "The engine's lock_timeout is off (migrate.lockTimeoutMs = 0) and the revision sets none: its DDL can queue behind a long transaction and block every query behind it.",
    help: "SET lock_timeout = '5s'; at the top of the revision, or set migrate.lockTimeoutMs.",
    defaultSeverity: 'warning',
  },
  check(s, c) {
    if (!c.engineLockTimeoutOff || c.setsLockTimeout || !LOCKING_DDL.has(s.kind)) return;
    const t = targetRelation(s, 'public')?.toLowerCase();
    if (t && c.createdHere.has(t)) return;
    c.report(s, `${s.kind.replace('Stmt', '')} takes a lock with no lock_timeout (the engine's is off)`, { once: true });
  },
};
