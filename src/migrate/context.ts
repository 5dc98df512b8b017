import type { Db, QueryResult } from '../db/types.js';
import { indexHelpers, type IndexHelpers } from './index-helpers/helpers.js';

/**
 * What a TS migration's `up(ctx)` / `down(ctx)` receives. `query` is bound to
 * the migration's own client: inside its transaction, or not.
 */
export interface BaseMigrationContext {
  revision: string;
  /** True in concurrent mode (CONCURRENT_MIGRATION=true or --concurrent): index builds may use CONCURRENTLY. */
  concurrent: boolean;
  /** True when this migration runs inside a transaction. */
  inTransaction: boolean;
  query<R = Record<string, any>>(text: string, params?: unknown[]): Promise<QueryResult<R>>;
  log(message: string): void;
  db: Db;
}

/** The context with the index helpers (createIndex, createUniqueIndex, dropIndex, replaceIndex). */
export type MigrationContext = BaseMigrationContext & IndexHelpers;

export interface ContextOptions {
  db: Db;
  revision: string;
  concurrent: boolean;
  inTransaction: boolean;
  log: (message: string) => void;
}

/** Extension point: features add helpers to the context by registering a decorator. */
export type ContextDecorator = (ctx: MigrationContext) => MigrationContext;
const decorators: ContextDecorator[] = [];

export function registerContextDecorator(d: ContextDecorator): void {
  decorators.push(d);
}

export function createMigrationContext(o: ContextOptions): MigrationContext {
  const base: BaseMigrationContext = {
    revision: o.revision,
    concurrent: o.concurrent,
    inTransaction: o.inTransaction,
    query: (text, params) => o.db.query(text, params),
    log: (m) => o.log(`[${o.revision}] ${m}`),
    db: o.db,
  };
  const ctx: MigrationContext = Object.assign(base, indexHelpers(base));
  return decorators.reduce((c, d) => d(c), ctx);
}
