import { targetRelation } from '../../sql/relations.js';
import type { LintRule } from '../rule.js';

export const changeColumnType: LintRule = {
  meta: {
    id: 'migrations/change-column-type',
    shortDescription: 'ALTER COLUMN TYPE',
    fullDescription: 'Changing a column type usually rewrites the table and its indexes under an ACCESS EXCLUSIVE lock.',
    help: 'Add a new column, backfill, switch reads and writes, then drop the old column.',
    defaultSeverity: 'error',
  },
  check(s, c) {
    if (s.kind !== 'AlterTableStmt' || c.createdHere.has(targetRelation(s, 'public')!.toLowerCase())) return;
    for (const { AlterTableCmd: cmd } of s.node.cmds ?? []) {
      if (cmd?.subtype === 'AT_AlterColumnType') c.report(s, `ALTER COLUMN ${cmd.name} TYPE rewrites ${s.node.relation.relname} under an exclusive lock`);
    }
  },
};
