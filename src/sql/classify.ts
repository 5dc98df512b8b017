import type { PgNode } from './parser.js';
import { splitStatements, type SqlStatement } from './split.js';

export type WriteOperation = 'insert' | 'update' | 'delete' | 'truncate' | 'merge' | 'copy';

export interface TableRef {
  /** Lower-cased unless it was quoted in the SQL (the parser keeps quoted case). */
  table: string;
  schema?: string;
}

export interface TableWrite extends TableRef {
  operation: WriteOperation;
  /** Character offset of the target relation inside the statement's source, when known. */
  location?: number;
}

export interface ClassifiedStatement extends SqlStatement {
  /** Every relation this statement writes, including data-modifying CTEs at any depth. */
  writes: TableWrite[];
  /**
   * Why Postgres refuses this statement inside a transaction block
   * (e.g. `CREATE INDEX CONCURRENTLY`), or null when it may run in one.
   */
  forbiddenInTransaction: string | null;
}

const WRITE_NODES: Record<string, WriteOperation> = {
  InsertStmt: 'insert',
  UpdateStmt: 'update',
  DeleteStmt: 'delete',
  MergeStmt: 'merge',
};

function rangeVarRef(rv: PgNode | undefined): TableRef | undefined {
  if (!rv || typeof rv.relname !== 'string') return undefined;
  return rv.schemaname ? { schema: rv.schemaname, table: rv.relname } : { table: rv.relname };
}

/** Walks any parse-tree value and collects write targets. */
function collectWrites(value: unknown, out: TableWrite[]): void {
  if (Array.isArray(value)) {
    for (const v of value) collectWrites(v, out);
    return;
  }
  if (!value || typeof value !== 'object') return;
  for (const [key, inner] of Object.entries(value as PgNode)) {
    const op = WRITE_NODES[key];
    if (op && inner && typeof inner === 'object') {
      const ref = rangeVarRef((inner as PgNode).relation);
      if (ref) out.push({ ...ref, operation: op, location: (inner as PgNode).relation.location });
    } else if (key === 'TruncateStmt') {
      for (const rel of (inner as PgNode).relations ?? []) {
        const ref = rangeVarRef(rel.RangeVar);
        if (ref) out.push({ ...ref, operation: 'truncate', location: rel.RangeVar.location });
      }
    } else if (key === 'CopyStmt' && (inner as PgNode).is_from) {
      const ref = rangeVarRef((inner as PgNode).relation);
      if (ref) out.push({ ...ref, operation: 'copy', location: (inner as PgNode).relation.location });
    }
    collectWrites(inner, out);
  }
}

function hasDefElem(params: PgNode[] | undefined, name: string): boolean {
  return (params ?? []).some((p) => p?.DefElem?.defname === name);
}

/** Statements Postgres refuses inside a transaction block (PreventInTransactionBlock). */
function forbiddenInTransaction(kind: string, node: PgNode): string | null {
  switch (kind) {
    case 'IndexStmt':
      return node.concurrent ? 'CREATE INDEX CONCURRENTLY' : null;
    case 'DropStmt':
      return node.concurrent ? 'DROP INDEX CONCURRENTLY' : null;
    case 'ReindexStmt':
      if (hasDefElem(node.params, 'concurrently')) return 'REINDEX CONCURRENTLY';
      return node.kind === 'REINDEX_OBJECT_SYSTEM' || node.kind === 'REINDEX_OBJECT_DATABASE' ? 'REINDEX SYSTEM/DATABASE' : null;
    case 'VacuumStmt':
      return node.is_vacuumcmd ? 'VACUUM' : null;
    case 'CreatedbStmt':
      return 'CREATE DATABASE';
    case 'DropdbStmt':
      return 'DROP DATABASE';
    case 'CreateTableSpaceStmt':
      return 'CREATE TABLESPACE';
    case 'DropTableSpaceStmt':
      return 'DROP TABLESPACE';
    case 'AlterSystemStmt':
      return 'ALTER SYSTEM';
    case 'ClusterStmt':
      return node.relation ? null : 'CLUSTER without a table';
    case 'CreateSubscriptionStmt':
      return 'CREATE SUBSCRIPTION';
    case 'DropSubscriptionStmt':
      return 'DROP SUBSCRIPTION';
    case 'AlterTableStmt':
      for (const c of node.cmds ?? []) {
        const cmd = c.AlterTableCmd;
        if (cmd?.subtype === 'AT_DetachPartition' && cmd.def?.PartitionCmd?.concurrent) return 'DETACH PARTITION CONCURRENTLY';
      }
      return null;
    case 'TransactionStmt':
      // BEGIN/COMMIT inside a migration would end the engine's own transaction.
      return `transaction control (${String(node.kind).replace('TRANS_STMT_', '')})`;
    default:
      return null;
  }
}

export function classifyStatement(stmt: SqlStatement): ClassifiedStatement {
  const writes: TableWrite[] = [];
  collectWrites({ [stmt.kind]: stmt.node }, writes);
  return { ...stmt, writes, forbiddenInTransaction: forbiddenInTransaction(stmt.kind, stmt.node) };
}

/** Splits and classifies a script. Requires `initSqlParser()`. */
export function classifySql(sql: string): ClassifiedStatement[] {
  return splitStatements(sql).map(classifyStatement);
}

/** All write targets of a script, statement by statement. */
export function findWrites(sql: string): TableWrite[] {
  return classifySql(sql).flatMap((s) => s.writes);
}

/**
 * A protected-table pattern: `expenses` matches in any schema, `public.expenses`
 * only in that schema. Case-insensitive, quoted or not.
 */
export interface TableMatcher {
  matches(ref: TableRef): string | undefined;
}

export function createTableMatcher(patterns: string[]): TableMatcher {
  const parsed = patterns.map((p) => {
    const parts = p.split('.').map((s) => s.replace(/^"|"$/g, '').toLowerCase());
    return parts.length === 2 ? { pattern: p, schema: parts[0], table: parts[1]! } : { pattern: p, table: parts[0]! };
  });
  return {
    matches(ref) {
      const table = ref.table.toLowerCase();
      const schema = ref.schema?.toLowerCase();
      for (const p of parsed) {
        if (p.table !== table) continue;
        // An unqualified reference resolves through search_path, normally to public.
        if (p.schema && (schema ?? 'public') !== p.schema) continue;
        return p.pattern;
      }
      return undefined;
    },
  };
}
