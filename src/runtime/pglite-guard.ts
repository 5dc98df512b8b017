import type { GuardCore, OpaquePolicy } from './guard-core.js';
import { decodeFrontendMessages } from './wire-protocol.js';

/**
 * The runtime guard on a PGlite instance, and the canonical writer's channel
 * into it.
 *
 * PGlite is one superuser session in the process: no privilege can separate
 * the application from the writer there, so the guard is the boundary and it
 * fails closed (text it cannot see through is refused). It wraps the text
 * entry points (`query`, `exec`, `sql`, `transaction` and its handle) and the
 * byte-level ones (`execProtocol`, `execProtocolRaw`, `execProtocolStream`,
 * `execProtocolRawStream`, `execProtocolRawSync`): the SQL inside Query and
 * Parse messages is judged like any text, a fast-path FunctionCall (no text)
 * and malformed bytes are refused.
 *
 * The writer's statements pass the byte-level check because the writer's
 * channel approves each exact text for the duration of that one call, and
 * only the first caller of `pgliteWriterTransactor(db)` gets the channel.
 * What the guard cannot stop on PGlite: code that reaches the engine without
 * going through the instance (PGlite.prototype methods called on it, its
 * `mod` internals) runs as the superuser; README, "What each layer stops".
 */

type AnyFn = (...args: any[]) => any;

interface PgliteLike {
  query: AnyFn;
  exec: AnyFn;
  transaction: AnyFn;
  [key: string]: unknown;
}

const PROTOCOL_METHODS = ['execProtocol', 'execProtocolRaw', 'execProtocolStream', 'execProtocolRawStream', 'execProtocolRawSync'] as const;

interface InstanceState {
  /** The instance's own methods before the guard wrapped any of them. */
  originals: Record<string, AnyFn>;
  /** Texts the writer's channel is sending right now (multiset). */
  approved: Map<string, number>;
  guarded: boolean;
  writerClaimed: boolean;
}

const states = new WeakMap<object, InstanceState>();

function stateOf(db: PgliteLike): InstanceState {
  let s = states.get(db);
  if (!s) {
    const originals: Record<string, AnyFn> = {};
    for (const name of ['query', 'exec', 'sql', 'transaction', ...PROTOCOL_METHODS]) {
      const fn = db[name];
      if (typeof fn === 'function') originals[name] = (fn as AnyFn).bind(db);
    }
    s = { originals, approved: new Map(), guarded: false, writerClaimed: false };
    states.set(db, s);
  }
  return s;
}

function consumeApproval(s: InstanceState, text: string): boolean {
  const n = s.approved.get(text);
  if (!n) return false;
  if (n === 1) s.approved.delete(text);
  else s.approved.set(text, n - 1);
  return true;
}

/** Approves `text` for the byte-level check until the returned function is called. */
function approve(s: InstanceState, text: string): () => void {
  s.approved.set(text, (s.approved.get(text) ?? 0) + 1);
  let done = false;
  return () => {
    if (done) return;
    done = true;
    consumeApproval(s, text);
  };
}

/** `$1, $2 …` in place of a tagged template's values: the text PGlite sends. */
const templateText = (strings: TemplateStringsArray) => strings.reduce((acc, part, i) => (i === 0 ? part : `${acc}$${i}${part}`), '');

function guardTextMethods(core: GuardCore, target: Record<string, unknown>, policy: OpaquePolicy): void {
  for (const name of ['query', 'exec'] as const) {
    const original = target[name];
    if (typeof original !== 'function') continue;
    target[name] = function (this: unknown, text: unknown, ...rest: unknown[]) {
      const t = String(text); // the one read
      // The text goes on to one more check: the byte-level one.
      const err = core.judge(t, policy, 1);
      if (err) return Promise.reject(err);
      if (!core.watchesDatabase) return (original as AnyFn).call(target, t, ...rest);
      return Promise.resolve((original as AnyFn).call(target, t, ...rest)).catch((e: unknown) => {
        core.databaseError(e, t);
        throw e;
      });
    };
  }
  const sql = target.sql;
  if (typeof sql === 'function') {
    target.sql = function (this: unknown, strings: TemplateStringsArray, ...params: unknown[]) {
      const text = templateText(strings);
      const err = core.judge(text, policy, 1);
      if (err) return Promise.reject(err);
      if (!core.watchesDatabase) return (sql as AnyFn).call(target, strings, ...params);
      return Promise.resolve((sql as AnyFn).call(target, strings, ...params)).catch((e: unknown) => {
        core.databaseError(e, text);
        throw e;
      });
    };
  }
}

function guardProtocolMethods(core: GuardCore, db: PgliteLike, s: InstanceState, policy: OpaquePolicy): void {
  // execProtocol and execProtocolStream hand their bytes to execProtocolRaw synchronously: those same bytes,
  // already judged one level up, pass (a synchronous window: no other code can run inside it).
  let passing: Uint8Array | undefined;
  for (const name of PROTOCOL_METHODS) {
    const original = s.originals[name];
    if (!original) continue;
    const sync = name === 'execProtocolRawSync';
    db[name] = function (message: Uint8Array, ...rest: unknown[]) {
      if (message === passing) return original(message, ...rest);
      const decoded = decodeFrontendMessages(message);
      let err = decoded.malformed ? core.refuse('opaque', 'opaque', '', 'malformed protocol bytes') : undefined;
      for (const st of decoded.statements) {
        if (err) break;
        if (st.type === 'F') err = core.refuse('opaque', 'opaque', '', 'a fast-path FunctionCall message (it calls a function by OID, with no SQL text to check)');
        else if (!consumeApproval(s, st.text)) err = core.judge(st.text, policy, 0);
      }
      if (err) {
        if (sync) throw err;
        return Promise.reject(err);
      }
      passing = message;
      try {
        return original(message, ...rest);
      } finally {
        passing = undefined;
      }
    };
  }
}

/** Guards a PGlite instance in place. */
export function guardPgliteInstance<G extends PgliteLike>(core: GuardCore, db: G, defaultPolicy: OpaquePolicy = 'reject'): G {
  const s = stateOf(db);
  if (s.guarded) return db;
  s.guarded = true;
  const policy = core.opaquePolicy(defaultPolicy);
  guardTextMethods(core, db, policy);
  guardProtocolMethods(core, db, s, policy);
  const transaction = s.originals.transaction!;
  db.transaction = (fn: (tx: Record<string, unknown>) => unknown) =>
    transaction((tx: Record<string, unknown>) => {
      guardTextMethods(core, tx, policy);
      return fn(tx);
    });
  return db;
}

/** What the canonical writer's transactor gets: one transaction at a time on the instance, its statements approved. */
export interface PgliteWriterChannel {
  transaction<T>(fn: (tx: { query: AnyFn; exec: AnyFn; closed: boolean }) => Promise<T>): Promise<T>;
  /** Runs `call` with `text` approved for the byte-level check. */
  approved<T>(text: string, call: () => Promise<T>): Promise<T>;
}

/**
 * The canonical writer's channel into a PGlite instance. Only the first
 * caller gets it: the writer claims it at start-up, and no module that runs
 * later can obtain a second one.
 */
export function claimPgliteWriterChannel(db: PgliteLike): PgliteWriterChannel {
  const s = stateOf(db);
  if (s.writerClaimed) {
    throw new Error('the canonical writer of this PGlite instance is already set up: its channel is handed out once (create the writer once, at start-up)');
  }
  s.writerClaimed = true;
  return {
    transaction: (fn) => s.originals.transaction!(fn),
    async approved(text, call) {
      const release = approve(s, text);
      try {
        return await call();
      } finally {
        release();
      }
    },
  };
}
