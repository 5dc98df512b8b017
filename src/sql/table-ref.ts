import type { PgNode } from './parser.js';

export interface TableRef {
  /** Lower-cased unless it was quoted in the SQL (the parser keeps quoted case). */
  table: string;
  schema?: string;
}

export function rangeVarRef(rv: PgNode | undefined): TableRef | undefined {
  if (!rv || typeof rv.relname !== 'string') return undefined;
  return rv.schemaname ? { schema: rv.schemaname, table: rv.relname } : { table: rv.relname };
}

/** A qualified name given as a list of String nodes (`[catalog.][schema.]name`). */
export function namesRef(items: PgNode[]): TableRef | undefined {
  const names = items.map((i) => i?.String?.sval).filter((s): s is string => typeof s === 'string');
  if (!names.length) return undefined;
  const table = names[names.length - 1]!;
  return names.length >= 2 ? { schema: names[names.length - 2]!, table } : { table };
}
