import type { SqlStatement } from './split.js';

/** The changelog's categories of change, in the seed's words. */
export type ChangeKind = 'Index Operations' | 'Schema Addition' | 'Schema Removal' | 'Schema Change' | 'Data';

/** Ties between equally frequent kinds resolve in this order. */
const PRIORITY: ChangeKind[] = ['Schema Addition', 'Schema Removal', 'Schema Change', 'Index Operations', 'Data'];

const ADDITIONS = new Set([
  'CreateStmt',
  'CreateTableAsStmt',
  'CreateSeqStmt',
  'ViewStmt',
  'CreateFunctionStmt',
  'CreateTrigStmt',
  'CreateEnumStmt',
  'CreateSchemaStmt',
  'CompositeTypeStmt',
  'CreateDomainStmt',
  'CreateExtensionStmt',
  'CreatePolicyStmt',
  'CreateRoleStmt',
]);
const DATA = new Set(['InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt', 'CopyStmt', 'TruncateStmt']);
/** Statements that change nothing worth naming (a no-op `SELECT 1`, SET, transaction control). */
const NEUTRAL = new Set(['SelectStmt', 'VariableSetStmt', 'TransactionStmt', 'VariableShowStmt']);

/** The kind of change one statement makes, or null when it changes nothing. */
export function changeKindOf(s: Pick<SqlStatement, 'kind' | 'node'>): ChangeKind | null {
  const { kind, node } = s;
  if (NEUTRAL.has(kind)) return null;
  if (DATA.has(kind)) return 'Data';
  if (kind === 'IndexStmt' || kind === 'ReindexStmt') return 'Index Operations';
  if (kind === 'DropStmt') return node.removeType === 'OBJECT_INDEX' ? 'Index Operations' : 'Schema Removal';
  if (kind === 'RenameStmt' && node.renameType === 'OBJECT_INDEX') return 'Index Operations';
  if (kind === 'AlterTableStmt' && node.objtype === 'OBJECT_INDEX') return 'Index Operations';
  if (ADDITIONS.has(kind)) return 'Schema Addition';
  if (kind === 'AlterTableStmt') {
    const subtypes: string[] = (node.cmds ?? []).map((c: any) => c.AlterTableCmd?.subtype);
    if (subtypes.length && subtypes.every((t) => t === 'AT_DropColumn' || t === 'AT_DropConstraint')) return 'Schema Removal';
    if (subtypes.length && subtypes.every((t) => t === 'AT_AddColumn')) return 'Schema Addition';
    return 'Schema Change';
  }
  return 'Schema Change';
}

/**
 * One label for a set of statements: a single kind, or the dominant kind with
 * the others listed, e.g. `Schema Addition (also Data, Index Operations)`.
 */
export function summarizeChangeKinds(statements: Pick<SqlStatement, 'kind' | 'node'>[]): ChangeKind | string | null {
  const counts = new Map<ChangeKind, number>();
  for (const s of statements) {
    const k = changeKindOf(s);
    if (k) counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  if (!counts.size) return null;
  const ranked = [...counts.keys()].sort((a, b) => counts.get(b)! - counts.get(a)! || PRIORITY.indexOf(a) - PRIORITY.indexOf(b));
  return ranked.length === 1 ? ranked[0]! : `${ranked[0]} (also ${ranked.slice(1).join(', ')})`;
}
