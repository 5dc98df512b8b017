import { ddlTargets, type TableDdl } from './ddl-targets.js';
import { SqlSyntaxError } from '../errors.js';
import type { PgNode } from './parser.js';
import { visitRoutineBody, type RoutineVia } from './routine-bodies.js';
import { settingChanges, type SettingChange } from './session-settings.js';
import { splitStatements, type SqlStatement } from './split.js';
import { rangeVarRef, type TableRef } from './table-ref.js';

export type { TableRef } from './table-ref.js';
export type { TableDdl } from './ddl-targets.js';
export type { SettingChange } from './session-settings.js';
export type { RoutineVia } from './routine-bodies.js';

export type WriteOperation = 'insert' | 'update' | 'delete' | 'truncate' | 'merge' | 'copy';

export interface TableWrite extends TableRef {
  operation: WriteOperation;
  /** Character offset of the target relation inside the statement's source, when known (not for nested statements). */
  location?: number;
  /** Set when the write is inside a DO block, a function body, or constant text run by EXECUTE. */
  via?: RoutineVia;
  /** `TRUNCATE … CASCADE`: also empties every table whose foreign keys reference this one. */
  cascade?: true;
}

/** What a statement does beyond reading, at any depth (CTEs, DO blocks, function bodies, constant EXECUTE text). */
export interface StatementEffects {
  /** Every relation this statement writes, including data-modifying CTEs and writes inside DO/function bodies. */
  writes: TableWrite[];
  /** Relations it alters, drops, renames, creates rules/triggers/policies/views on, or creates (shadows). */
  ddl: TableDdl[];
  /** Run-time settings it changes (SET, RESET, set_config, DISCARD ALL, ALTER ROLE … SET). */
  settings: SettingChange[];
  /** Why part of it cannot be known from the text (dynamic EXECUTE of computed text, other languages, unparseable bodies). */
  opaque: string[];
}

export interface ClassifiedStatement extends SqlStatement, StatementEffects {
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

/** Nested bodies (EXECUTE of a DO string of a function …) are followed this deep. */
const MAX_DEPTH = 8;

const emptyEffects = (): StatementEffects => ({ writes: [], ddl: [], settings: [], opaque: [] });

/** Walks any parse-tree value and collects writes, DDL targets and setting changes. */
function collect(value: unknown, out: StatementEffects, via: RoutineVia | undefined): void {
  if (Array.isArray(value)) {
    for (const v of value) collect(v, out, via);
    return;
  }
  if (!value || typeof value !== 'object') return;
  for (const [key, inner] of Object.entries(value as PgNode)) {
    if (!inner || typeof inner !== 'object') continue;
    const node = inner as PgNode;
    const op = WRITE_NODES[key];
    if (op) {
      const ref = rangeVarRef(node.relation);
      if (ref) out.writes.push({ ...ref, operation: op, ...(via ? { via } : { location: node.relation.location }) });
    } else if (key === 'TruncateStmt') {
      for (const rel of node.relations ?? []) {
        const ref = rangeVarRef(rel.RangeVar);
        if (ref) out.writes.push({ ...ref, operation: 'truncate', ...(node.behavior === 'DROP_CASCADE' ? { cascade: true as const } : {}), ...(via ? { via } : { location: rel.RangeVar.location }) });
      }
    } else if (key === 'CopyStmt' && node.is_from) {
      const ref = rangeVarRef(node.relation);
      if (ref) out.writes.push({ ...ref, operation: 'copy', ...(via ? { via } : { location: node.relation.location }) });
    }
    const before = out.ddl.length;
    ddlTargets(key, node, out.ddl);
    if (via) for (const d of out.ddl.slice(before)) delete d.location;
    const settings = settingChanges(key, node);
    if (settings) {
      out.settings.push(...settings.changes);
      if (!settings.recurse) continue;
    }
    collect(inner, out, via);
  }
}

function merge(into: StatementEffects, from: StatementEffects): void {
  into.writes.push(...from.writes);
  into.ddl.push(...from.ddl);
  into.settings.push(...from.settings);
  into.opaque.push(...from.opaque);
}

/** Effects of SQL text found inside a routine (never throws: text that does not parse is opaque). */
function nestedEffects(sql: string, via: RoutineVia, depth: number): StatementEffects {
  const out = emptyEffects();
  if (depth > MAX_DEPTH) {
    out.opaque.push(`SQL nested more than ${MAX_DEPTH} levels deep`);
    return out;
  }
  let statements: SqlStatement[];
  try {
    statements = splitStatements(sql);
  } catch (e) {
    if (!(e instanceof SqlSyntaxError)) throw e;
    out.opaque.push(`SQL in a ${via} that does not parse: ${sql.trim().slice(0, 80)}`);
    return out;
  }
  for (const s of statements) merge(out, statementEffects(s, depth, via));
  return out;
}

function statementEffects(stmt: SqlStatement, depth: number, via: RoutineVia | undefined): StatementEffects {
  const out = emptyEffects();
  const node = stmt.kind === 'CreateFunctionStmt' && stmt.node.sql_body ? { ...stmt.node, sql_body: undefined } : stmt.node;
  collect({ [stmt.kind]: node }, out, via);
  if (stmt.kind === 'CreateFunctionStmt' && stmt.node.sql_body) collect(stmt.node.sql_body, out, 'function body');
  visitRoutineBody(stmt.kind, stmt.node, stmt.text, {
    statement: (sql, nestedVia) => merge(out, nestedEffects(sql, via === 'dynamic SQL' ? via : nestedVia, depth + 1)),
    opaque: (reason) => out.opaque.push(reason),
  });
  return out;
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
  return { ...stmt, ...statementEffects(stmt, 0, undefined), forbiddenInTransaction: forbiddenInTransaction(stmt.kind, stmt.node) };
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
  /** The pattern whose table name this is, in any schema: a relation created under it would shadow the protected one. */
  matchesName(table: string): string | undefined;
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
    matchesName(table) {
      const t = table.toLowerCase();
      return parsed.find((p) => p.table === t)?.pattern;
    },
  };
}
