import type { LintRule } from '../rule.js';

/** DDL that fails the second time unless it says IF [NOT] EXISTS. */
export const nonIdempotent: LintRule = {
  meta: {
    id: 'migrations/non-idempotent',
    shortDescription: 'A non-idempotent statement in a non-transactional revision',
    fullDescription: 'Without a transaction, a partial failure leaves earlier statements applied; a re-run must then succeed.',
    help: 'Use IF NOT EXISTS / IF EXISTS (CREATE TABLE/INDEX, ADD/DROP COLUMN, DROP …, ALTER INDEX IF EXISTS … RENAME).',
    defaultSeverity: 'error',
  },
  check(s, c) {
    if (c.inTransaction) return;
    const n = s.node;
    const why = (what: string) => c.report(s, `${what} in a non-transactional revision`);
    switch (s.kind) {
      case 'CreateStmt':
        if (!n.if_not_exists) why(`CREATE TABLE ${n.relation.relname} without IF NOT EXISTS`);
        break;
      case 'IndexStmt':
        if (!n.if_not_exists) why('CREATE INDEX without IF NOT EXISTS');
        break;
      case 'DropStmt':
        if (!n.missing_ok) why('DROP without IF EXISTS');
        break;
      case 'RenameStmt':
        if (!n.missing_ok && n.renameType === 'OBJECT_INDEX') why('ALTER INDEX … RENAME without IF EXISTS');
        break;
      case 'AlterTableStmt':
        for (const { AlterTableCmd: cmd } of n.cmds ?? []) {
          if (cmd?.subtype === 'AT_AddColumn' && !cmd.missing_ok) why(`ADD COLUMN ${cmd.def?.ColumnDef?.colname} without IF NOT EXISTS`);
          if (cmd?.subtype === 'AT_DropColumn' && !cmd.missing_ok) why(`DROP COLUMN ${cmd.name} without IF EXISTS`);
        }
        break;
      default:
        break;
    }
  },
};
