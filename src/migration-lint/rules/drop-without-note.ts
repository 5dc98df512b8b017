import { dropTargets } from '../../sql/relations.js';
import type { LintRule } from '../rule.js';

export const dropWithoutNote: LintRule = {
  meta: {
    id: 'migrations/drop-without-note',
    shortDescription: 'DROP COLUMN or DROP TABLE without a note',
    fullDescription: 'Dropping data is irreversible; the revision should say why it is safe (code no longer reads it, data archived).',
    help: 'Put a `-- note: <why this is safe>` comment right above the statement, or explain it in the revision description naming the object.',
    defaultSeverity: 'warning',
  },
  check(s, c) {
    if (s.kind === 'DropStmt' && s.node.removeType === 'OBJECT_TABLE') {
      for (const name of dropTargets(s)) {
        if (!c.explained(s, name.split('.').at(-1)!)) c.report(s, `DROP TABLE ${name} without a note saying why dropping its data is safe`);
      }
    }
    if (s.kind === 'AlterTableStmt') {
      for (const { AlterTableCmd: cmd } of s.node.cmds ?? []) {
        if (cmd?.subtype === 'AT_DropColumn' && !c.explained(s, cmd.name)) c.report(s, `DROP COLUMN ${cmd.name} without a note saying why dropping its data is safe`);
      }
    }
  },
};
