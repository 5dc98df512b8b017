import type { PgNode } from '../../sql/index.js';
import { targetRelation } from '../../sql/relations.js';
import type { LintRule } from '../rule.js';

const VOLATILE = new Set(['random', 'clock_timestamp', 'gen_random_uuid', 'uuid_generate_v4', 'uuid_generate_v1', 'timeofday', 'txid_current', 'nextval', 'setseed']);

/** Names of the functions called anywhere in a parse-tree value. */
function funcNames(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => funcNames(n, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === 'FuncCall') out.push(((v as PgNode).funcname ?? []).map((n: PgNode) => n.String?.sval).at(-1));
      funcNames(v, out);
    }
  }
  return out;
}

export const volatileDefault: LintRule = {
  meta: {
    id: 'migrations/volatile-default',
    shortDescription: 'ADD COLUMN with a volatile default',
    fullDescription: 'A volatile default (random(), clock_timestamp(), gen_random_uuid() …) makes Postgres rewrite the whole table under an ACCESS EXCLUSIVE lock.',
    help: 'Add the column without a default, backfill in batches, then SET DEFAULT.',
    defaultSeverity: 'error',
  },
  check(s, c) {
    if (s.kind !== 'AlterTableStmt' || c.createdHere.has(targetRelation(s, 'public')!.toLowerCase())) return;
    for (const { AlterTableCmd: cmd } of s.node.cmds ?? []) {
      if (cmd?.subtype !== 'AT_AddColumn') continue;
      const def = cmd.def?.ColumnDef;
      const dflt = (def?.constraints ?? []).find((x: PgNode) => x.Constraint?.contype === 'CONSTR_DEFAULT');
      const volatile = dflt && funcNames(dflt).find((f) => VOLATILE.has(f));
      if (volatile) c.report(s, `ADD COLUMN ${def.colname} with the volatile default ${volatile}(): the table is rewritten under an exclusive lock`);
    }
  },
};
