import { ClassifyCache } from './classify-cache.js';
import { SingleWriterViolationError, isDbGuardError } from './violation.js';
import { inWriterContext } from './writer-context.js';
import { initSqlParser } from '../sql/index.js';
import type { WriteOperation } from '../sql/index.js';

export interface Violation {
  layer: 'runtime' | 'database';
  table: string;
  operation: WriteOperation | 'unknown';
  sql: string;
  stack: string;
}

export interface GuardOptions {
  protectedTables?: string[];
  /** `enforce` rejects (default); `log` reports and lets the query through, for a rollout. */
  mode?: 'enforce' | 'log';
  onViolation?: (v: Violation) => void;
  cacheSize?: number;
}

const GUARDED = Symbol.for('finbrain.guarded');
/**
 * Query configs the pool-level wrapper already checked, so the pooled client
 * does not check (and report) them twice. A module-private WeakSet, not a
 * property: a marker anyone can set (e.g. a Symbol.for key) would be a way
 * around the guard.
 */
const checked = new WeakSet<object>();

/** Text of whatever pg accepts as a query: a string, a QueryConfig, or a Query (submittable). */
function sqlText(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (arg && typeof arg === 'object' && typeof (arg as { text?: unknown }).text === 'string') return (arg as { text: string }).text;
  return undefined;
}

export class SingleWriterGuard {
  readonly cache: ClassifyCache;
  readonly mode: 'enforce' | 'log';

  private constructor(private readonly o: GuardOptions) {
    this.cache = new ClassifyCache(o.protectedTables ?? ['expenses'], o.cacheSize);
    this.mode = o.mode ?? 'enforce';
  }

  /** Loads the SQL parser once; every later check is synchronous. */
  static async create(o: GuardOptions = {}): Promise<SingleWriterGuard> {
    await initSqlParser();
    return new SingleWriterGuard(o);
  }

  /** The violation for `sql` when run with `writer` as the context, or undefined. */
  check(sql: string, writer: boolean): SingleWriterViolationError | undefined {
    if (writer) return undefined;
    const writes = this.cache.protectedWrites(sql);
    if (!writes?.length) return undefined;
    const stack = (new Error().stack ?? '').split('\n').slice(3).join('\n');
    const err = new SingleWriterViolationError(writes[0]!.table, writes[0]!.operation, sql, stack);
    this.o.onViolation?.({ layer: 'runtime', table: err.table, operation: err.operation, sql, stack });
    return this.mode === 'enforce' ? err : undefined;
  }

  /** Wraps a query function (pg Pool/Client/PoolClient `query`, PGlite `query`/`exec`). */
  wrapQuery<F extends (...args: any[]) => any>(original: F, self: unknown, options: { markChecked?: boolean } = {}): F {
    const guard = this;
    const wrapped = function (this: unknown, ...args: any[]) {
      if (args[0] && typeof args[0] === 'object' && checked.delete(args[0])) return original.apply(self ?? this, args);
      // The writer flag is read synchronously, at entry (node-postgres#2533).
      const err = guard.check(sqlText(args[0]) ?? '', inWriterContext());
      if (err) {
        const cb = typeof args[args.length - 1] === 'function' ? args[args.length - 1] : undefined;
        if (cb) {
          process.nextTick(() => cb(err));
          return undefined;
        }
        const submittable = args[0] && typeof args[0] === 'object' && typeof args[0].submit === 'function' ? args[0] : undefined;
        if (submittable) {
          process.nextTick(() => (typeof submittable.handleError === 'function' ? submittable.handleError(err) : submittable.emit?.('error', err)));
          return submittable;
        }
        return Promise.reject(err);
      }
      if (options.markChecked && args[0] && typeof args[0] === 'object' && typeof args[0].submit === 'function') {
        // A Query object keeps its identity through the pool: mark it, so the pooled client (maybe in another async context) does not check it again.
        checked.add(args[0]);
      } else if (options.markChecked && (typeof args[0] === 'string' || (args[0] && typeof args[0] === 'object'))) {
        const config: Record<string, unknown> = typeof args[0] === 'string' ? { text: args[0] } : { ...args[0] };
        const rest = args.slice(1);
        if (typeof args[0] === 'string' && Array.isArray(rest[0])) config.values = rest.shift();
        checked.add(config);
        args = [config, ...rest];
      }
      const last = args[args.length - 1];
      if (typeof last === 'function') {
        // Callback style: count a database-guard rejection too, then hand the result on unchanged.
        args = [
          ...args.slice(0, -1),
          (e: unknown, ...rest: unknown[]) => {
            if (isDbGuardError(e)) guard.o.onViolation?.({ layer: 'database', table: 'expenses', operation: 'unknown', sql: sqlText(args[0]) ?? '', stack: '' });
            return last(e, ...rest);
          },
        ];
      }
      const result = original.apply(self ?? this, args);
      if (result && typeof result.then === 'function') {
        return result.catch((e: unknown) => {
          if (isDbGuardError(e)) guard.o.onViolation?.({ layer: 'database', table: 'expenses', operation: 'unknown', sql: sqlText(args[0]) ?? '', stack: '' });
          throw e;
        });
      }
      return result;
    } as unknown as F;
    return wrapped;
  }

  /** Wraps a PGlite `sql` template tag: the text with `$n` placeholders is what gets classified. */
  wrapSqlTag<F extends (strings: TemplateStringsArray, ...params: any[]) => any>(original: F, self: unknown): F {
    const guard = this;
    return function (this: unknown, strings: TemplateStringsArray, ...params: any[]) {
      const text = strings.reduce((acc, part, i) => (i === 0 ? part : `${acc}$${i}${part}`), '');
      const err = guard.check(text, inWriterContext());
      if (err) return Promise.reject(err);
      return original.call(self ?? this, strings, ...params);
    } as unknown as F;
  }

  /** Guards a pg Client or PoolClient in place. */
  guardClient<C extends { query: (...a: any[]) => any }>(client: C): C {
    const c = client as C & { [GUARDED]?: boolean };
    if (c[GUARDED]) return client;
    c.query = this.wrapQuery(client.query, client);
    c[GUARDED] = true;
    return client;
  }

  /** Guards a pg Pool in place: `pool.query` and every client `pool.connect()` hands out. */
  guardPool<P extends { query: (...a: any[]) => any; connect: (...a: any[]) => any }>(pool: P): P {
    const p = pool as P & { [GUARDED]?: boolean };
    if (p[GUARDED]) return pool;
    const guard = this;
    p.query = this.wrapQuery(pool.query, pool, { markChecked: true });
    const connect = pool.connect.bind(pool);
    (p as { connect: (...a: any[]) => any }).connect = (cb?: (err: unknown, client?: any, done?: any) => void) => {
      if (typeof cb === 'function') return connect((err: unknown, client: any, done: any) => cb(err, client ? guard.guardClient(client) : client, done));
      return connect().then((client: any) => guard.guardClient(client));
    };
    p[GUARDED] = true;
    return pool;
  }

  /** Guards a PGlite instance in place: query, exec, and the handle inside transaction(). */
  guardPglite<G extends { query: (...a: any[]) => any; exec: (...a: any[]) => any; transaction: (fn: (tx: any) => any) => any }>(db: G): G {
    const g = db as G & { [GUARDED]?: boolean };
    if (g[GUARDED]) return db;
    const guard = this;
    g.query = this.wrapQuery(db.query, db);
    g.exec = this.wrapQuery(db.exec, db);
    const transaction = db.transaction.bind(db);
    (g as { transaction: (fn: (tx: any) => any) => any }).transaction = (fn: (tx: any) => any) =>
      transaction((tx: any) => {
        tx.query = guard.wrapQuery(tx.query, tx);
        tx.exec = guard.wrapQuery(tx.exec, tx);
        // tx.sql reaches the session without going through tx.query: check its template text too.
        if (typeof tx.sql === 'function') tx.sql = guard.wrapSqlTag(tx.sql, tx);
        return fn(tx);
      });
    g[GUARDED] = true;
    return db;
  }
}
