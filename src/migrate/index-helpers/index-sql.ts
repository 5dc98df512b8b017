import { quoteIdent } from './catalog.js';

export interface IndexSpec {
  /** Index name. */
  name: string;
  /** Table, optionally schema-qualified. */
  table: string;
  /** Column names (quoted as needed) … */
  columns?: string[];
  /** … and/or raw expressions, e.g. `lower(email)`. */
  expressions?: string[];
  unique?: boolean;
  /** Partial index predicate, e.g. `deleted_at IS NULL`. */
  where?: string;
  /** Access method: btree (default), gin, gist, brin, hash … */
  using?: string;
  /** Covering columns. */
  include?: string[];
  /** Default true: re-runs converge. */
  ifNotExists?: boolean;
}

export function qualified(name: string): string {
  return name.split('.').map(quoteIdent).join('.');
}

/** CREATE [UNIQUE] INDEX [CONCURRENTLY] [IF NOT EXISTS] … */
export function createIndexSql(spec: IndexSpec, concurrently: boolean): string {
  const keys = [...(spec.columns ?? []).map(quoteIdent), ...(spec.expressions ?? []).map((e) => `(${e})`)];
  if (!keys.length) throw new Error(`index ${spec.name}: give columns or expressions`);
  if (spec.using && !/^[a-z_]+$/.test(spec.using)) throw new Error(`index ${spec.name}: invalid access method ${spec.using}`);
  return [
    'CREATE',
    spec.unique ? 'UNIQUE' : '',
    'INDEX',
    concurrently ? 'CONCURRENTLY' : '',
    spec.ifNotExists === false ? '' : 'IF NOT EXISTS',
    quoteIdent(spec.name),
    'ON',
    qualified(spec.table),
    spec.using ? `USING ${spec.using}` : '',
    `(${keys.join(', ')})`,
    spec.include?.length ? `INCLUDE (${spec.include.map(quoteIdent).join(', ')})` : '',
    spec.where ? `WHERE ${spec.where}` : '',
  ]
    .filter(Boolean)
    .join(' ');
}

export function dropIndexSql(name: string, concurrently: boolean): string {
  return `DROP INDEX ${concurrently ? 'CONCURRENTLY ' : ''}IF EXISTS ${qualified(name)}`;
}
