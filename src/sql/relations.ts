import type { PgNode } from './parser.js';
import type { SqlStatement } from './split.js';

/**
 * Relation names of a parsed statement, the one place that reads them from the
 * parse tree: the lint (which table a statement changes), the engine (whose
 * locks block a migration) and anything else that needs a table name.
 */

/** `schema.name` of a RangeVar (`name` alone when unqualified); undefined when it is not one. */
export function rangeVarName(rv: PgNode | undefined, defaultSchema?: string): string | undefined {
  if (!rv || typeof rv.relname !== 'string') return undefined;
  const schema = rv.schemaname ?? defaultSchema;
  return schema ? `${schema}.${rv.relname}` : rv.relname;
}

/** The relation a statement acts on (`ALTER TABLE t`, `CREATE INDEX … ON t`, `INSERT INTO t`, …), if it has one. */
export function targetRelation(s: Pick<SqlStatement, 'node'>, defaultSchema?: string): string | undefined {
  return rangeVarName(s.node.relation, defaultSchema);
}

/** Objects named by a DROP of tables, views, indexes, sequences …: `schema.name` or `name`. */
function droppedObjects(node: PgNode): string[] {
  return (node.objects ?? [])
    .map((o: PgNode) => (o.List?.items ?? []).map((i: PgNode) => i.String?.sval).filter(Boolean).join('.'))
    .filter(Boolean);
}

const DROPPED_RELATIONS = new Set(['OBJECT_TABLE', 'OBJECT_INDEX', 'OBJECT_VIEW', 'OBJECT_MATVIEW', 'OBJECT_SEQUENCE', 'OBJECT_FOREIGN_TABLE']);

/**
 * Every relation a statement names, in order, without duplicates: its target,
 * tables it reads or references (a foreign key's table is locked too), and the
 * relations a DROP removes.
 */
export function statementRelations(s: Pick<SqlStatement, 'kind' | 'node'>): string[] {
  const out = new Set<string>();
  const visit = (value: unknown, key?: string): void => {
    if (Array.isArray(value)) {
      for (const v of value) visit(v);
      return;
    }
    if (!value || typeof value !== 'object') return;
    const node = value as PgNode;
    if (key === 'RangeVar' || key === 'relation' || key === 'pktable') {
      const name = rangeVarName(node);
      if (name) out.add(name);
    }
    for (const [k, v] of Object.entries(node)) visit(v, k);
  };
  visit(s.node, s.kind);
  if (s.kind === 'DropStmt' && DROPPED_RELATIONS.has(s.node.removeType)) for (const name of droppedObjects(s.node)) out.add(name);
  return [...out];
}

/** Names a DROP statement removes (tables, indexes, …), as written. */
export function dropTargets(s: Pick<SqlStatement, 'kind' | 'node'>): string[] {
  return s.kind === 'DropStmt' ? droppedObjects(s.node) : [];
}
