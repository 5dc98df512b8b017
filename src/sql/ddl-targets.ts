import type { PgNode } from './parser.js';
import type { TableRef } from './table-ref.js';
import { namesRef, rangeVarRef } from './table-ref.js';

/**
 * What a DDL statement does to a relation. `shadow` marks statements that
 * create a relation under that name (a temp table, a view, a rename): a
 * relation named like a protected table shadows it on the search_path, so it
 * matters in any schema.
 */
export interface TableDdl extends TableRef {
  action: string;
  shadow?: boolean;
  location?: number;
}

const RELATION_DROPS = new Set(['OBJECT_TABLE', 'OBJECT_VIEW', 'OBJECT_MATVIEW', 'OBJECT_FOREIGN_TABLE']);
/** DROP TRIGGER/RULE/POLICY name the table first, the object last. */
const ON_TABLE_DROPS: Record<string, string> = { OBJECT_TRIGGER: 'DROP TRIGGER', OBJECT_RULE: 'DROP RULE', OBJECT_POLICY: 'DROP POLICY' };

const ALTER_SUBTYPES: Record<string, string> = {
  AT_DisableTrig: 'DISABLE TRIGGER',
  AT_DisableTrigAll: 'DISABLE TRIGGER',
  AT_DisableTrigUser: 'DISABLE TRIGGER',
  AT_EnableReplicaTrig: 'ENABLE REPLICA TRIGGER',
  AT_EnableAlwaysTrig: 'ENABLE ALWAYS TRIGGER',
  AT_EnableRowSecurity: 'ENABLE ROW LEVEL SECURITY',
  AT_ForceRowSecurity: 'FORCE ROW LEVEL SECURITY',
  AT_DisableRule: 'DISABLE RULE',
  AT_ChangeOwner: 'OWNER TO',
  AT_AttachPartition: 'ATTACH PARTITION',
};

function push(out: TableDdl[], ref: TableRef | undefined, action: string, extra: Partial<TableDdl> = {}): void {
  if (ref) out.push({ ...ref, action, ...extra });
}

/** Relations read by a query (a view's definition). */
function readRelations(value: unknown, out: TableRef[]): void {
  if (Array.isArray(value)) return value.forEach((v) => readRelations(v, out));
  if (!value || typeof value !== 'object') return;
  for (const [key, inner] of Object.entries(value as PgNode)) {
    if (key === 'RangeVar') {
      const ref = rangeVarRef(inner as PgNode);
      if (ref) out.push(ref);
    }
    readRelations(inner, out);
  }
}

/** DDL targets of one parse-tree node (`kind` is its node type). */
export function ddlTargets(kind: string, node: PgNode, out: TableDdl[]): void {
  switch (kind) {
    case 'AlterTableStmt': {
      const sub: string[] = (node.cmds ?? []).map((c: PgNode) => c.AlterTableCmd?.subtype);
      const named = sub.map((s) => ALTER_SUBTYPES[s]).filter(Boolean);
      push(out, rangeVarRef(node.relation), named.length ? `ALTER TABLE … ${named.join(', ')}` : 'ALTER TABLE', { location: node.relation?.location });
      for (const c of node.cmds ?? []) {
        const cmd = c.AlterTableCmd;
        // ALTER TABLE child INHERIT parent: the parent gains rows its own triggers never see.
        if (cmd?.subtype === 'AT_AddInherit') push(out, rangeVarRef(cmd.def?.RangeVar), 'INHERIT', { location: cmd.def?.RangeVar?.location });
      }
      return;
    }
    case 'DropStmt': {
      const onTable = ON_TABLE_DROPS[node.removeType];
      if (!RELATION_DROPS.has(node.removeType) && !onTable) return;
      for (const o of node.objects ?? []) {
        const items: PgNode[] = o.List?.items ?? [];
        push(out, namesRef(onTable ? items.slice(0, -1) : items), onTable ?? 'DROP');
      }
      return;
    }
    case 'RenameStmt': {
      const ref = rangeVarRef(node.relation);
      if (node.renameType === 'OBJECT_TABLE' || node.renameType === 'OBJECT_VIEW') {
        push(out, ref, 'RENAME');
        if (typeof node.newname === 'string') out.push({ table: node.newname, schema: ref?.schema, action: 'RENAME TO', shadow: true });
      } else {
        push(out, ref, `RENAME ${String(node.renameType).replace('OBJECT_', '')}`);
      }
      return;
    }
    case 'AlterObjectSchemaStmt':
      push(out, rangeVarRef(node.relation), 'SET SCHEMA');
      return;
    case 'RuleStmt':
      push(out, rangeVarRef(node.relation), 'CREATE RULE', { location: node.relation?.location });
      return;
    case 'CreateTrigStmt':
      push(out, rangeVarRef(node.relation), 'CREATE TRIGGER', { location: node.relation?.location });
      return;
    case 'CreatePolicyStmt':
    case 'AlterPolicyStmt':
      push(out, rangeVarRef(node.table), kind === 'CreatePolicyStmt' ? 'CREATE POLICY' : 'ALTER POLICY');
      return;
    case 'IndexStmt':
      push(out, rangeVarRef(node.relation), 'CREATE INDEX');
      return;
    case 'GrantStmt':
      if (node.targtype !== 'ACL_TARGET_OBJECT' || node.objtype !== 'OBJECT_TABLE') return;
      for (const o of node.objects ?? []) push(out, rangeVarRef(o.RangeVar), node.is_grant ? 'GRANT' : 'REVOKE');
      return;
    case 'CreateStmt':
      push(out, rangeVarRef(node.relation), 'CREATE TABLE', { shadow: true, location: node.relation?.location });
      for (const p of node.inhRelations ?? []) push(out, rangeVarRef(p.RangeVar), node.partbound ? 'PARTITION OF' : 'INHERITS', { location: p.RangeVar?.location });
      return;
    case 'CreateTableAsStmt':
      push(out, rangeVarRef(node.into?.rel), 'CREATE TABLE AS', { shadow: true });
      return;
    case 'SelectStmt':
      if (node.intoClause) push(out, rangeVarRef(node.intoClause.rel), 'SELECT INTO', { shadow: true });
      return;
    case 'ViewStmt': {
      push(out, rangeVarRef(node.view), 'CREATE VIEW', { shadow: true });
      const read: TableRef[] = [];
      readRelations(node.query, read);
      for (const r of read) out.push({ ...r, action: 'CREATE VIEW over' });
      return;
    }
    default:
      return;
  }
}
