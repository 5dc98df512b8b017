import type { GuardCore, OpaquePolicy } from './guard-core.js';
import { pinQuery, UnpinnableQueryError } from './query-text.js';
import type { SingleWriterViolationError } from './violation.js';

/**
 * The runtime guard on node-postgres handles, at two heights:
 * - `query()` of the pool and of every client: the text is read once, judged,
 *   and exactly that text is sent (see query-text.ts); a refusal arrives the
 *   way the caller asked (promise, callback, Query 'error' event).
 * - the client's connection (`connection.query` / `connection.parse`), which
 *   every statement passes on its way to the socket: this catches
 *   `Client.prototype.query.call(client, …)`, `client.connection.query(…)`,
 *   custom submittables and Query objects whose text changed after they were
 *   queued. Refused there, the statement is replaced by one the server rejects
 *   at parse time, so the client's protocol state stays consistent.
 * The connection also reports `standard_conforming_strings` and
 * `client_encoding` (ParameterStatus): a session whose server reads SQL
 * differently from the guard is refused outright, whatever route changed it.
 */

/** Handles the guard has wrapped: a module-private set, never a property anyone could forge. */
const guarded = new WeakSet<object>();
/** Clients whose server reads SQL differently from the guard (value per setting). */
const tainted = new WeakMap<object, string>();

const REPORTED_SETTINGS: Record<string, (v: string) => boolean> = {
  standard_conforming_strings: (v) => v === 'on',
  client_encoding: (v) => v.toUpperCase() === 'UTF8',
};

const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
/** A statement the server refuses while parsing it, carrying the guard's message. */
const refusalText = (err: SingleWriterViolationError) => `SELECT ${lit(`finbrain runtime guard refused the statement: ${err.message}`)}::pg_catalog.int4`;

type AnyFn = (...args: any[]) => any;

/** Delivers a refusal the way the call expects it. */
function deliver(err: SingleWriterViolationError, args: unknown[]): unknown {
  const cb = typeof args[args.length - 1] === 'function' ? (args[args.length - 1] as AnyFn) : undefined;
  const first = args[0] as { submit?: unknown; handleError?: AnyFn; emit?: AnyFn; callback?: AnyFn } | undefined;
  if (first && typeof first === 'object' && typeof first.submit === 'function') {
    process.nextTick(() => (typeof first.handleError === 'function' ? first.handleError(err) : first.emit?.('error', err)));
    return first;
  }
  if (cb) {
    process.nextTick(() => cb(err));
    return undefined;
  }
  if (first && typeof first === 'object' && typeof first.callback === 'function') {
    const callback = first.callback;
    process.nextTick(() => callback(err));
    return undefined;
  }
  return Promise.reject(err);
}

/**
 * `query()` of a pool or a client. The pool's wrapper reads the text once,
 * judges it (its refusal carries the caller's stack) and hands on exactly
 * that text; the pooled client's wrapper judges again (a cache hit) and counts
 * refusals by the database. Strings pass through untouched: nothing is
 * allocated on the hot path.
 */
function wrapQuery(core: GuardCore, original: AnyFn, self: object, policy: OpaquePolicy, opts: { pool?: boolean }): AnyFn {
  // In log mode a violation is reported once: by the first wrapper that sees it (the pool's, else the client's).
  const innerChecks = opts.pool ? 2 : 1;
  return function guardedQuery(this: unknown, ...args: unknown[]) {
    let pinned: { text: string; args: unknown[] };
    try {
      // The common case, a string, costs nothing to pin.
      pinned = typeof args[0] === 'string' ? { text: args[0], args } : pinQuery(args);
    } catch (e) {
      if (!(e instanceof UnpinnableQueryError)) throw e;
      const err = core.refuse('opaque', 'opaque', '', e.message);
      if (err) return deliver(err, args);
      return original.apply(self, args);
    }
    const taint = opts.pool ? undefined : tainted.get(self);
    const err = taint ? core.refuse('setting', taint, pinned.text, 'the session reads SQL differently from the guard; open a new connection') : core.judge(pinned.text, policy, innerChecks);
    if (err) return deliver(err, args);
    if (opts.pool || !core.watchesDatabase) return original.apply(self, pinned.args);
    let send = pinned.args;
    const last = send[send.length - 1];
    if (typeof last === 'function') {
      // Callback style (also how the pool calls its client): count a refusal by the database side, then hand the result on unchanged.
      send = send.slice();
      send[send.length - 1] = (e: unknown, ...rest: unknown[]) => (e && core.databaseError(e, pinned.text), (last as AnyFn)(e, ...rest));
    }
    const result = original.apply(self, send);
    if (result && typeof (result as Promise<unknown>).then === 'function' && typeof (result as { submit?: unknown }).submit !== 'function') {
      return (result as Promise<unknown>).catch((e: unknown) => {
        core.databaseError(e, pinned.text);
        throw e;
      });
    }
    return result;
  };
}

function guardConnection(core: GuardCore, client: any, policy: OpaquePolicy): void {
  const con = client.connection;
  if (!con || guarded.has(con)) return;
  guarded.add(con);
  const query: AnyFn = con.query;
  const parse: AnyFn = con.parse;
  const judge = (text: string) => {
    const taint = tainted.get(client);
    return taint ? core.refuse('setting', taint, text, 'the session reads SQL differently from the guard; open a new connection') : core.judge(text, policy, 0);
  };
  con.query = function (text: unknown) {
    const t = String(text);
    const err = judge(t);
    return query.call(con, err ? refusalText(err) : t);
  };
  con.parse = function (config: { text?: unknown; name?: unknown; types?: unknown }) {
    const t = String(config?.text ?? ''); // the one read
    const err = judge(t);
    return parse.call(con, { text: err ? refusalText(err) : t, name: config?.name, types: config?.types });
  };
  con.on?.('parameterStatus', (msg: { parameterName?: string; parameterValue?: string }) => {
    const ok = msg.parameterName ? REPORTED_SETTINGS[msg.parameterName] : undefined;
    if (!ok) return;
    if (ok(String(msg.parameterValue))) tainted.delete(client);
    else tainted.set(client, `${msg.parameterName} = ${msg.parameterValue}`);
  });
}

/** Guards a pg Client or PoolClient in place. Guard a client before it connects so its startup settings are seen too. */
export function guardPgClient<C extends { query: AnyFn }>(core: GuardCore, client: C, defaultPolicy: OpaquePolicy = 'allow'): C {
  if (guarded.has(client)) return client;
  guarded.add(client);
  const policy = core.opaquePolicy(defaultPolicy);
  (client as { query: AnyFn }).query = wrapQuery(core, client.query, client, policy, {});
  guardConnection(core, client, policy);
  return client;
}

/**
 * Guards a pg Pool in place: `pool.query`, and every client it creates from
 * now on is guarded from birth (before its startup settings arrive and before
 * any 'connect' listener sees it); clients it already holds are guarded too.
 */
export function guardPgPool<P extends { query: AnyFn; Client?: any; on?: AnyFn; prependListener?: AnyFn }>(core: GuardCore, pool: P, defaultPolicy: OpaquePolicy = 'allow'): P {
  if (guarded.has(pool)) return pool;
  guarded.add(pool);
  const policy = core.opaquePolicy(defaultPolicy);
  const Base = pool.Client;
  if (typeof Base === 'function') {
    pool.Client = class GuardedClient extends Base {
      constructor(...a: unknown[]) {
        super(...a);
        guardPgClient(core, this as unknown as { query: AnyFn }, defaultPolicy);
      }
    };
  }
  for (const c of ((pool as { _clients?: { query: AnyFn }[] })._clients ?? [])) guardPgClient(core, c, defaultPolicy);
  pool.prependListener?.('connect', (c: { query: AnyFn }) => guardPgClient(core, c, defaultPolicy));
  pool.query = wrapQuery(core, pool.query, pool, policy, { pool: true });
  return pool;
}
