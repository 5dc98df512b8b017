import type pg from 'pg';
import type { SingleWriterGuard } from './guard.js';

const GUARDED = Symbol.for('finbrain.singleWriterGuard');
/** Query configs the pool wrapper already checked at pool.query() entry, in the caller's context. */
const prechecked = new WeakSet<object>();

type AnyFn = (...args: any[]) => any;
type Guardable = { query: AnyFn; [GUARDED]?: SingleWriterGuard };

function queryText(config: unknown): string | undefined {
  if (typeof config === 'string') return config;
  if (config && typeof config === 'object' && typeof (config as { text?: unknown }).text === 'string') return (config as { text: string }).text;
  return undefined;
}

/** Delivers a rejection the way pg would have delivered the query's own error. */
function reject(error: unknown, config: any, values: unknown, callback: unknown, connection?: unknown): unknown {
  const cb = typeof values === 'function' ? values : typeof callback === 'function' ? callback : undefined;
  if (config && typeof config.submit === 'function') {
    if (cb && !config.callback) config.callback = cb;
    process.nextTick(() => (typeof config.handleError === 'function' ? config.handleError(error, connection) : config.callback?.(error)));
    return config;
  }
  if (cb) {
    process.nextTick(cb, error);
    return undefined;
  }
  return Promise.reject(error);
}

/** Counts database-guard rejections without changing what the caller receives. */
function observe(guard: SingleWriterGuard, result: unknown, values: unknown, callback: unknown): unknown {
  if (result && typeof (result as Promise<unknown>).then === 'function' && typeof values !== 'function' && typeof callback !== 'function') {
    (result as Promise<unknown>).then(undefined, (e) => guard.observeError(e));
  }
  return result;
}

/**
 * Guards one pg Client (or a PoolClient): query() checks its text at entry.
 * Strings, QueryConfig objects and submittables (`new Query(...)`, cursors)
 * are all seen, and callback-style calls are judged in the caller's context.
 */
export function guardPgClient<C extends { query: AnyFn }>(client: C, guard: SingleWriterGuard): C {
  const target = client as unknown as Guardable;
  if (target[GUARDED]) return client;
  const original = target.query;
  target.query = function guardedQuery(this: any, config: any, values?: any, callback?: any) {
    if (config && typeof config === 'object' && prechecked.has(config)) {
      prechecked.delete(config);
    } else {
      const text = queryText(config);
      if (text !== undefined) {
        try {
          guard.check(text);
        } catch (e) {
          return reject(e, config, values, callback, this?.connection);
        }
      }
    }
    return observe(guard, original.call(this, config, values, callback), values, callback);
  };
  target[GUARDED] = guard;
  return client;
}

/**
 * Guards a pg Pool: pool.query() is checked at entry (in the caller's
 * context, since pg-pool runs its callbacks in whichever context released a
 * client), and every client the pool hands out, now or later, is guarded too.
 */
export function guardPgPool<P extends pg.Pool>(pool: P, guard: SingleWriterGuard): P {
  const target = pool as unknown as Guardable & { connect: AnyFn; _clients?: unknown[]; on: AnyFn };
  if (target[GUARDED]) return pool;
  for (const c of target._clients ?? []) guardPgClient(c as Guardable, guard);
  target.on('connect', (c: Guardable) => guardPgClient(c, guard));
  const originalConnect = target.connect;
  target.connect = function guardedConnect(this: any, cb?: AnyFn) {
    if (typeof cb === 'function') {
      return originalConnect.call(this, (err: unknown, client: Guardable, done: unknown) => cb(err, client ? guardPgClient(client, guard) : client, done));
    }
    return originalConnect.call(this).then((client: Guardable) => guardPgClient(client, guard));
  };
  const originalQuery = target.query;
  target.query = function guardedPoolQuery(this: any, config: any, values?: any, callback?: any) {
    const text = queryText(config);
    if (text !== undefined) {
      try {
        guard.check(text);
      } catch (e) {
        return reject(e, config, values, callback);
      }
      // Hand the verdict to the client wrapper: its check would run in pg-pool's callback context.
      if (typeof config === 'string') config = { text: config };
      prechecked.add(config);
    }
    return observe(guard, originalQuery.call(this, config, values, callback), values, callback);
  };
  target[GUARDED] = guard;
  return pool;
}
