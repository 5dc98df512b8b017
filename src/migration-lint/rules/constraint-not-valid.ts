import { targetRelation } from '../../sql/relations.js';
import type { LintRule } from '../rule.js';

export const constraintNotValid: LintRule = {
  meta: {
    id: 'migrations/constraint-not-valid',
    shortDescription: 'ADD FOREIGN KEY or CHECK without NOT VALID',
    fullDescription: 'Adding a validated constraint scans the table while holding a lock that blocks writes.',
    help: 'ADD CONSTRAINT … NOT VALID, then VALIDATE CONSTRAINT … in a later statement or revision.',
    defaultSeverity: 'error',
  },
  check(s, c) {
    if (s.kind !== 'AlterTableStmt' || c.createdHere.has(targetRelation(s, 'public')!.toLowerCase())) return;
    for (const { AlterTableCmd: cmd } of s.node.cmds ?? []) {
      const con = cmd?.subtype === 'AT_AddConstraint' ? cmd.def?.Constraint : undefined;
      if (!con || con.skip_validation || (con.contype !== 'CONSTR_FOREIGN' && con.contype !== 'CONSTR_CHECK')) continue;
      const what = con.contype === 'CONSTR_FOREIGN' ? 'FOREIGN KEY' : 'CHECK';
      c.report(s, `ADD ${what}${con.conname ? ` ${con.conname}` : ''} without NOT VALID: the table is scanned under a write-blocking lock`);
    }
  },
};
