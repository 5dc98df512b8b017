import type { Db } from '../db/types.js';
import type { SingleWriterGuard } from './guard.js';

const GUARDED = Symbol.for('finbrain.singleWriterGuard');
type AnyFn = (...args: any[]) => any;

interface PgliteLike {
  query: AnyFn;
  exec: AnyFn;
  sql?: AnyFn;
  transaction?: AnyFn;
}

function templateText(strings: TemplateStringsArray | string[]): string {
  return strings.reduce((acc, s, i) => (i === 0 ? s : `${acc}$${i}${s}`), '');
}

function guardQueryable<T extends PgliteLike>(target: T, guard: SingleWriterGuard): void {
  const query = target.query;
  const exec = target.exec;
  target.query = function (this: unknown, text: string, ...rest: unknown[]) {
    try {
      guard.check(text);
    } catch (e) {
      return Promise.reject(e);
    }
    return observe(guard, query.call(this, text, ...rest));
  };
  target.exec = function (this: unknown, text: string, ...rest: unknown[]) {
    try {
      guard.check(text);
    } catch (e) {
      return Promise.reject(e);
    }
    return observe(guard, exec.call(this, text, ...rest));
  };
  if (typeof target.sql === 'function') {
    const sql = target.sql;
    target.sql = function (this: unknown, strings: TemplateStringsArray, ...params: unknown[]) {
      try {
        guard.check(templateText(strings));
      } catch (e) {
        return Promise.reject(e);
      }
      return sql.call(this, strings, ...params);
    };
  }
}

function observe(guard: SingleWriterGuard, p: Promise<unknown>): Promise<unknown> {
  p.then(undefined, (e) => guard.observeError(e));
  return p;
}

/**
 * Guards a PGlite instance: query, exec, the sql template tag, and the
 * `tx` handed to transaction() callbacks.
 */
export function guardPglite<T extends PgliteLike>(instance: T, guard: SingleWriterGuard): T {
  const target = instance as T & { [GUARDED]?: SingleWriterGuard };
  if (target[GUARDED]) return instance;
  guardQueryable(target, guard);
  if (typeof target.transaction === 'function') {
    const transaction = target.transaction;
    target.transaction = function (this: unknown, fn: (tx: PgliteLike) => unknown) {
      return transaction.call(this, (tx: PgliteLike) => {
        guardQueryable(tx, guard);
        return fn(tx);
      });
    };
  }
  target[GUARDED] = guard;
  return instance;
}

/** Guards finbrain's own Db adapter (either backend). */
export function guardDb(db: Db, guard: SingleWriterGuard): Db {
  const guarded: Db = {
    kind: db.kind,
    label: db.label,
    query<R>(text: string, params?: unknown[]) {
      try {
        guard.check(text);
      } catch (e) {
        return Promise.reject(e);
      }
      return observe(guard, db.query<R>(text, params)) as Promise<import('../db/types.js').QueryResult<R>>;
    },
    exec(text) {
      try {
        guard.check(text);
      } catch (e) {
        return Promise.reject(e);
      }
      return observe(guard, db.exec(text)) as Promise<void>;
    },
    backendPid: db.backendPid?.bind(db),
    close: () => db.close(),
  };
  if (db.openSession) guarded.openSession = async () => guardDb(await db.openSession!(), guard);
  return guarded;
}
