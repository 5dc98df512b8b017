import type { LintRule } from '../rule.js';

export const rename: LintRule = {
  meta: {
    id: 'migrations/rename',
    shortDescription: 'Renaming a column or table',
    fullDescription: 'Running application code still uses the old name and breaks the moment the rename commits.',
    help: 'Add the new name (column or view), migrate the code, then drop the old one in a later release.',
    defaultSeverity: 'warning',
  },
  check(s, c) {
    if (s.kind !== 'RenameStmt') return;
    const n = s.node;
    if (n.renameType === 'OBJECT_COLUMN') c.report(s, `renaming column ${n.subname} to ${n.newname} breaks code that still uses the old name`);
    else if (n.renameType === 'OBJECT_TABLE') c.report(s, `renaming table ${n.relation?.relname} to ${n.newname} breaks code that still uses the old name`);
  },
};
