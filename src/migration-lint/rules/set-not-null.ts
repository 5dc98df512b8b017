import { targetRelation } from '../../sql/relations.js';
import type { LintRule } from '../rule.js';

export const setNotNull: LintRule = {
  meta: {
    id: 'migrations/set-not-null',
    shortDescription: 'SET NOT NULL without the CHECK … NOT VALID pattern',
    fullDescription: 'SET NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock unless a validated CHECK (col IS NOT NULL) already proves it.',
    help: 'ADD CONSTRAINT c CHECK (col IS NOT NULL) NOT VALID; VALIDATE CONSTRAINT c; then SET NOT NULL; then drop c.',
    defaultSeverity: 'warning',
  },
  check(s, c) {
    if (s.kind !== 'AlterTableStmt') return;
    const table = targetRelation(s, 'public')!.toLowerCase();
    if (c.createdHere.has(table)) return;
    for (const { AlterTableCmd: cmd } of s.node.cmds ?? []) {
      if (cmd?.subtype === 'AT_SetNotNull' && !c.notNullChecks.has(`${table}.${cmd.name}`)) {
        c.report(s, `SET NOT NULL on ${s.node.relation.relname}.${cmd.name} scans the table under an exclusive lock`);
      }
    }
  },
};
