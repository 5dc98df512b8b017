import { parseRaw, type PgNode } from './parser.js';
import { SqlSyntaxError } from '../errors.js';
import { namesRef, rangeVarRef, type TableRef } from './table-ref.js';

/**
 * The foreign keys a schema's SQL leaves behind, with what deleting a referenced row does:
 * read by replaying the statements in order (`CREATE TABLE … REFERENCES … ON DELETE CASCADE`,
 * `ALTER TABLE … ADD [CONSTRAINT] … FOREIGN KEY`, `ADD COLUMN … REFERENCES`, and the
 * `DROP CONSTRAINT`, `DROP TABLE` and `RENAME` that undo or move them).
 */
export interface ForeignKeyAction {
  /** The referencing table, whose rows the action deletes or updates. */
  child: TableRef;
  /** The referenced table, whose deleted rows set the action off. */
  parent: TableRef;
  /** What deleting a referenced row does; `no action` and `restrict` refuse the delete (but `TRUNCATE … CASCADE` empties the table all the same). */
  action: 'cascade' | 'set null' | 'set default' | 'no action' | 'restrict';
  /** The constraint's name: given, or the one PostgreSQL makes (`<table>_<columns>_fkey`). */
  name: string;
  columns: string[];
  /** Where the key was made (a revision's path), when the caller said. */
  source?: string;
}

/** A schema text and, for messages, where it comes from. */
export interface SchemaText {
  sql: string;
  source?: string;
}

const ACTIONS: Record<string, ForeignKeyAction['action']> = { c: 'cascade', n: 'set null', d: 'set default', a: 'no action', r: 'restrict' };

type Key = ForeignKeyAction;

/**
 * Replays schema texts in order (a migration chain's up sections). A text that does not parse
 * is skipped: it cannot have created anything this reading would see.
 */
export function foreignKeyActions(texts: Iterable<string | SchemaText>): ForeignKeyAction[] {
  let keys: Key[] = [];
  for (const t of texts) {
    const { sql, source } = typeof t === 'string' ? { sql: t, source: undefined } : t;
    let stmts;
    try {
      stmts = parseRaw(sql);
    } catch (e) {
      if (e instanceof SqlSyntaxError) continue;
      throw e;
    }
    for (const { stmt } of stmts) {
      const [kind, node] = Object.entries(stmt)[0] as [string, PgNode];
      const before = new Set(keys);
      keys = replay(kind, node, keys);
      if (source) keys = keys.map((k) => (before.has(k) || k.source ? k : { ...k, source }));
    }
  }
  return keys;
}

function replay(kind: string, node: PgNode, keys: Key[]): Key[] {
  switch (kind) {
    case 'CreateStmt': {
      const child = rangeVarRef(node.relation);
      if (!child) return keys;
      for (const el of node.tableElts ?? []) {
        if (el.ColumnDef) keys.push(...columnKeys(child, el.ColumnDef));
        if (el.Constraint) keys.push(...tableKey(child, el.Constraint));
      }
      return keys;
    }
    case 'AlterTableStmt': {
      const child = rangeVarRef(node.relation);
      if (!child) return keys;
      for (const c of node.cmds ?? []) {
        const cmd = c.AlterTableCmd;
        if (cmd?.subtype === 'AT_AddConstraint' && cmd.def?.Constraint) keys.push(...tableKey(child, cmd.def.Constraint));
        if (cmd?.subtype === 'AT_AddColumn' && cmd.def?.ColumnDef) keys.push(...columnKeys(child, cmd.def.ColumnDef));
        if (cmd?.subtype === 'AT_DropConstraint') keys = keys.filter((k) => !(same(k.child, child) && k.name === cmd.name));
        // Dropping a column drops the keys on it.
        if (cmd?.subtype === 'AT_DropColumn') keys = keys.filter((k) => !(same(k.child, child) && k.columns.includes(cmd.name)));
      }
      return keys;
    }
    case 'DropStmt': {
      if (node.removeType !== 'OBJECT_TABLE') return keys;
      const dropped = (node.objects ?? []).map((o: PgNode) => namesRef(o.List?.items ?? [])).filter(Boolean) as TableRef[];
      // DROP TABLE … CASCADE drops the keys that reference it; without CASCADE it fails while they exist.
      return keys.filter((k) => !dropped.some((d) => same(k.child, d) || same(k.parent, d)));
    }
    case 'RenameStmt': {
      const from = rangeVarRef(node.relation);
      if (!from || typeof node.newname !== 'string') return keys;
      if (node.renameType === 'OBJECT_TABLE') {
        const to: TableRef = { table: node.newname, ...(from.schema ? { schema: from.schema } : {}) };
        return keys.map((k) => ({ ...k, child: same(k.child, from) ? to : k.child, parent: same(k.parent, from) ? to : k.parent }));
      }
      if (node.renameType === 'OBJECT_TABCONSTRAINT') return keys.map((k) => (same(k.child, from) && k.name === node.subname ? { ...k, name: node.newname } : k));
      if (node.renameType === 'OBJECT_COLUMN') return keys.map((k) => (same(k.child, from) ? { ...k, columns: k.columns.map((c) => (c === node.subname ? node.newname : c)) } : k));
      return keys;
    }
    default:
      return keys;
  }
}

function columnKeys(child: TableRef, col: PgNode): Key[] {
  const out: Key[] = [];
  for (const c of col.constraints ?? []) {
    const con = c.Constraint;
    if (con?.contype !== 'CONSTR_FOREIGN') continue;
    const parent = rangeVarRef(con.pktable);
    if (parent) out.push({ child, parent, action: ACTIONS[con.fk_del_action] ?? 'no action', name: con.conname ?? `${child.table}_${col.colname}_fkey`, columns: [col.colname] });
  }
  return out;
}

function tableKey(child: TableRef, con: PgNode): Key[] {
  if (con.contype !== 'CONSTR_FOREIGN') return [];
  const parent = rangeVarRef(con.pktable);
  const columns = (con.fk_attrs ?? []).map((a: PgNode) => a.String?.sval).filter((s: unknown): s is string => typeof s === 'string');
  return parent ? [{ child, parent, action: ACTIONS[con.fk_del_action] ?? 'no action', name: con.conname ?? `${child.table}_${columns.join('_')}_fkey`, columns }] : [];
}

/** One table, where an unqualified name may be in any schema (the search_path decides). */
function same(a: TableRef, b: TableRef): boolean {
  return a.table === b.table && (!a.schema || !b.schema || a.schema === b.schema);
}
