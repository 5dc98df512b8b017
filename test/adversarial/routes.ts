import { EventEmitter } from 'node:events';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { ProtectionOptions } from '../../src/protection/index.js';
import { protectionObjectNames } from '../../src/protection/index.js';
import { pgliteTransactor } from '../../src/writer/transactor.js';
import type { WriteTx } from '../../src/writer/canonical-writer.js';
import type { Backend, Owner, Rig } from '../protection/setup.js';
import type { Layer } from './layers.js';
import { extendedMessages, functionCallMessage, queryMessage } from './wire.js';

/**
 * Every route an attacker (or a careless colleague) could take to write the
 * protected table, its audit trail or its idempotency records, and the layer
 * that stops each one on each backend. test/adversarial/adversarial.test.ts
 * runs them all and checks, after each, that the data and the audit trail
 * are unchanged and that the expected layer is the one that stopped it; the
 * README's table is rendered from this list (layer-table.ts) and a test keeps
 * the two equal.
 */
export const ROUTE_CLASSES = [
  'Plain DML on the application handle',
  'Markers, roles and session settings',
  'DO blocks, functions and dynamic SQL',
  'Views, rules and DDL',
  'node-postgres below query()',
  'PGlite below query()',
  "The writer's right to write",
  'Owner-level tricks',
  "The writer's contract",
] as const;
export type RouteClass = (typeof ROUTE_CLASSES)[number];

/** `gets through`: a documented gap, asserted to get through (so the docs cannot claim more). */
export type Expectation = Layer | 'gets through';

export interface Route {
  id: string;
  klass: RouteClass;
  title: string;
  expect: Partial<Record<Backend, Expectation>>;
  /** The statement an application would send: the static-check column, and the default attack (on the guarded handle). */
  sql?: (p: ProtectionOptions) => string;
  /** On the server: the layer that stops `sql` on an unguarded connection of an application login (what stands behind the guard). */
  behind?: Layer;
  /** Owner (superuser) steps before the guard and the writer exist; with no `attack`, their refusal is the outcome. */
  owner?: (owner: Owner, p: ProtectionOptions) => Promise<unknown>;
  /** Returns `{ neutralised }` when nothing was thrown because the layer defused the attempt (e.g. the text was read once). */
  attack?: (rig: Rig) => Promise<void | { neutralised: Layer }>;
  /** Needs its own clone (it changes session state or the schema). */
  fresh?: boolean;
  /** Undoes what a route did to cluster-wide state (roles), as the owner (server only: PGlite has its own cluster). */
  cleanup?: (owner: Owner, p: ProtectionOptions) => Promise<unknown>;
}

const both = (layer: Expectation, pglite: Expectation = layer): Route['expect'] => ({ pglite, postgres: layer });
const serverOnly = (layer: Expectation): Route['expect'] => ({ postgres: layer });
const pgliteOnly = (layer: Expectation): Route['expect'] => ({ pglite: layer });

/** A statement on the guarded application handle, stopped by the runtime guard on both backends. */
function sqlRoute(klass: RouteClass, id: string, title: string, sql: (p: ProtectionOptions) => string, o: Partial<Route> = {}): Route {
  return { id, klass, title, sql, expect: both('runtime guard'), ...o };
}

const barrier = <T = unknown>() => {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
};

/** Rethrows what a scheduled attempt ended with, so the harness sees it. */
async function rethrow(p: Promise<unknown>): Promise<void> {
  const outcome = await p;
  if (outcome instanceof Error || (outcome && typeof outcome === 'object' && 'code' in outcome)) throw outcome;
}

/** An unguarded connection of the application login (server only). */
async function appClient<T>(rig: Rig, fn: (c: pg.Client) => Promise<T>, options?: string): Promise<T> {
  const c = new pg.Client({ connectionString: rig.url!('app'), options });
  c.on('error', () => {});
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end().catch(() => {});
  }
}

/** A guarded standalone client of the application login (guarded before it connects). */
async function guardedClient<T>(rig: Rig, fn: (c: pg.Client) => Promise<T>, options?: string): Promise<T> {
  const c = rig.guard.guardClient(new pg.Client({ connectionString: rig.url!('app'), options }));
  c.on('error', () => {});
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end().catch(() => {});
  }
}

const T = (p: ProtectionOptions) => `${p.schema}.${p.table}`;
const DML = 'Plain DML on the application handle';
const SET = 'Markers, roles and session settings';
const DO = 'DO blocks, functions and dynamic SQL';
const DDL = 'Views, rules and DDL';
const NODE_PG = 'node-postgres below query()';
const PGLITE = 'PGlite below query()';
const RIGHT = "The writer's right to write";
const OWNER = 'Owner-level tricks';
const CONTRACT = "The writer's contract";

/** Smuggling that only works when the server reads backslashes as escapes: the guard sees one SELECT, such a server a DELETE. */
const SMUGGLE = "SELECT 'a\\' || ' ; DELETE FROM expenses; -- '";

export const ROUTES: Route[] = [
  // Plain DML on the application handle
  sqlRoute(DML, 'insert', 'INSERT into the table', () => "INSERT INTO expenses (user_id, amount, currency) VALUES (1, 10, 'BDT')", { behind: 'database privileges' }),
  sqlRoute(DML, 'update', 'UPDATE every row', () => 'UPDATE expenses SET amount = 1', { behind: 'database privileges' }),
  sqlRoute(DML, 'delete', 'DELETE every row', () => 'DELETE FROM expenses', { behind: 'database privileges' }),
  sqlRoute(DML, 'truncate', 'TRUNCATE the table', () => 'TRUNCATE expenses', { behind: 'database privileges' }),
  sqlRoute(DML, 'merge', 'MERGE … WHEN MATCHED THEN DELETE', () => 'MERGE INTO expenses e USING users u ON e.user_id = u.id WHEN MATCHED THEN DELETE', { behind: 'database privileges' }),
  sqlRoute(DML, 'copy', 'COPY … FROM STDIN into the table', () => 'COPY expenses (user_id, amount) FROM STDIN', { behind: 'database privileges' }),
  sqlRoute(DML, 'cte', 'a data-modifying CTE inside a SELECT', () => 'WITH gone AS (DELETE FROM expenses RETURNING *) SELECT count(*) FROM gone', { behind: 'database privileges' }),
  sqlRoute(DML, 'upsert', 'INSERT … ON CONFLICT DO UPDATE', () => "INSERT INTO expenses (id, user_id, amount) VALUES (1, 1, 1) ON CONFLICT (id) DO UPDATE SET amount = 0.01", { behind: 'database privileges' }),
  sqlRoute(DML, 'qualified', 'schema-qualified UPDATE', (p) => `UPDATE ${T(p)} SET currency = 'XXX'`, { behind: 'database privileges' }),
  sqlRoute(DML, 'quoted', 'quoted identifier', () => 'DELETE FROM "expenses" WHERE id = 1', { behind: 'database privileges' }),
  sqlRoute(DML, 'multi', 'a harmless statement first, the write second', () => 'SELECT 1; DELETE FROM expenses', { behind: 'database privileges' }),
  sqlRoute(DML, 'audit-forge', 'forge an audit row', (p) => `INSERT INTO ${p.auditTable} (row_id, action, actor) VALUES ('1', 'delete', 'mallory')`, { behind: 'database privileges' }),
  sqlRoute(DML, 'audit-rewrite', 'rewrite audit history', (p) => `UPDATE ${p.auditTable} SET actor = 'mallory'`, { behind: 'database privileges' }),
  sqlRoute(DML, 'audit-erase', 'erase audit history', (p) => `DELETE FROM ${p.auditTable}`, { behind: 'database privileges' }),
  sqlRoute(DML, 'audit-truncate', 'TRUNCATE the audit trail', (p) => `TRUNCATE ${p.auditTable}`, { behind: 'database privileges' }),
  sqlRoute(DML, 'request-forge', 'forge an idempotency record (to replay a fake result)', (p) => `INSERT INTO ${p.idempotencyTable} (idempotency_key, operation, request_hash, result) VALUES ('k', 'create', 'x', '{}')`, { behind: 'database privileges' }),
  sqlRoute(DML, 'request-rewrite', 'rewrite an idempotency record', (p) => `UPDATE ${p.idempotencyTable} SET result = '{}'`, { behind: 'database privileges' }),
  sqlRoute(DML, 'request-erase', 'erase idempotency records (to replay a request)', (p) => `DELETE FROM ${p.idempotencyTable}`, { behind: 'database privileges' }),
  {
    id: 'truncate-cascade',
    klass: DML,
    title: 'TRUNCATE a referenced table CASCADE (the guard cannot know what cascades)',
    sql: () => 'TRUNCATE users CASCADE',
    expect: both('database privileges'),
    behind: 'database privileges',
  },

  // Markers, roles and session settings
  sqlRoute(SET, 'marker-do', "the old marker (set_config('finbrain.writer', …)) plus a DO block", () => "SELECT set_config('finbrain.writer', 'canonical', true); DO $$BEGIN DELETE FROM expenses; END$$", { behind: 'database privileges' }),
  sqlRoute(SET, 'marker-set-local', 'SET LOCAL finbrain.writer, then DELETE', () => "BEGIN; SET LOCAL finbrain.writer = 'canonical'; DELETE FROM expenses; COMMIT", { behind: 'database privileges' }),
  {
    id: 'marker-startup-option',
    klass: SET,
    title: 'the marker as a connection option (PGOPTIONS -c finbrain.writer=canonical) on an unguarded connection',
    expect: serverOnly('database privileges'),
    attack: (rig) => appClient(rig, (c) => c.query('DELETE FROM expenses').then(() => undefined), '-c finbrain.writer=canonical'),
  },
  sqlRoute(SET, 'set-role', 'SET ROLE to the writer role, then DELETE', (p) => `SET ROLE "${p.writerRole}"; DELETE FROM expenses`, { behind: 'database privileges' }),
  sqlRoute(SET, 'session-authorization', 'SET SESSION AUTHORIZATION to the superuser', () => 'SET SESSION AUTHORIZATION postgres; DELETE FROM expenses', { behind: 'database privileges' }),
  sqlRoute(SET, 'set-config-role', "set_config('role', …)", (p) => `SELECT set_config('role', '${p.writerRole}', false); DELETE FROM expenses`, { behind: 'database privileges' }),
  sqlRoute(SET, 'reset-role', 'RESET ROLE (on PGlite: back to the superuser)', () => 'RESET ROLE; DELETE FROM expenses', { behind: 'database privileges' }),
  sqlRoute(SET, 'discard-all', 'DISCARD ALL (resets role and session authorization)', () => 'DISCARD ALL'),
  sqlRoute(SET, 'replication-role', 'session_replication_role = replica (triggers off)', () => 'SET session_replication_role = replica; DELETE FROM expenses', { behind: 'database privileges' }),
  sqlRoute(SET, 'alter-role-default', 'a login default role (ALTER ROLE … SET role)', (p) => `ALTER ROLE CURRENT_USER SET role = '${p.writerRole}'`),
  sqlRoute(SET, 'scs-off', 'standard_conforming_strings = off (string smuggling)', () => 'SET standard_conforming_strings = off'),
  sqlRoute(SET, 'scs-set-config', "set_config('standard_conforming_strings', 'off', …)", () => "SELECT set_config('standard_conforming_strings', 'off', false)"),
  sqlRoute(SET, 'backslash-quote', 'backslash_quote = on', () => 'SET backslash_quote = on'),
  sqlRoute(SET, 'client-encoding', "client_encoding = 'SJIS' (bytes read differently)", () => "SET client_encoding = 'SJIS'"),
  sqlRoute(SET, 'computed-setting', 'set_config with a computed setting name', () => "SELECT set_config(current_setting('application_name'), 'off', false)"),
  {
    id: 'scs-startup-smuggle',
    klass: SET,
    title: 'standard_conforming_strings off as a connection option, then a smuggled DELETE',
    expect: serverOnly('runtime guard'),
    attack: (rig) => guardedClient(rig, (c) => c.query(SMUGGLE).then(() => undefined), '-c standard_conforming_strings=off'),
  },
  {
    id: 'scs-dynamic-smuggle',
    klass: SET,
    title: 'computed EXECUTE turns standard_conforming_strings off, then a smuggled DELETE',
    expect: both('runtime guard'),
    fresh: true,
    attack: async (rig) => {
      const run = async (q: (t: string) => Promise<unknown>) => {
        await q("SET application_name = 'standard_conforming_strings'");
        // Opaque to the guard: on the server it runs (privileges stand behind it); on PGlite it is refused.
        await q("DO $$BEGIN EXECUTE 'SET ' || current_setting('application_name') || ' = off'; END$$");
        await q(SMUGGLE);
      };
      if (rig.backend === 'pglite') return run((t) => rig.query(t));
      const c = await rig.appPool!.connect();
      try {
        await run((t) => c.query(t));
      } finally {
        c.release(true);
      }
    },
  },

  // DO blocks, functions and dynamic SQL
  sqlRoute(DO, 'do', 'DELETE inside a DO block', () => 'DO $$BEGIN DELETE FROM expenses; END$$', { behind: 'database privileges' }),
  sqlRoute(DO, 'do-execute-concat', "EXECUTE 'DELETE FROM ' || 'expenses' in a DO block", () => "DO $$BEGIN EXECUTE 'DELETE FROM ' || 'expenses'; END$$", { behind: 'database privileges' }),
  sqlRoute(DO, 'do-execute-format', "EXECUTE format('TRUNCATE %I', …) in a DO block", () => "DO $$BEGIN EXECUTE format('TRUNCATE %I', 'expenses'); END$$", { behind: 'database privileges' }),
  sqlRoute(DO, 'do-execute-computed', 'EXECUTE of text computed at run time (opaque to the guard)', () => "DO $$DECLARE t text := 'expen' || 'ses'; BEGIN EXECUTE 'DELETE FROM ' || t; END$$", {
    expect: both('database privileges', 'runtime guard'),
    behind: 'database privileges',
  }),
  sqlRoute(DO, 'do-nested', 'a DO block EXECUTEd from a DO block', () => "DO $$BEGIN EXECUTE 'DO $x$BEGIN DELETE FROM expenses; END$x$'; END$$", { behind: 'database privileges' }),
  sqlRoute(DO, 'do-for-loop', 'FOR r IN DELETE … RETURNING LOOP', () => 'DO $$DECLARE r record; BEGIN FOR r IN DELETE FROM expenses RETURNING id LOOP END LOOP; END$$', { behind: 'database privileges' }),
  sqlRoute(DO, 'do-set-role', 'SET ROLE inside a DO block', (p) => `DO $$BEGIN SET ROLE "${p.writerRole}"; DELETE FROM expenses; END$$`, { behind: 'database privileges' }),
  sqlRoute(DO, 'do-assign-set-config', "set_config('role', …) in a PL/pgSQL assignment", (p) => `DO $$DECLARE x text; BEGIN x := set_config('role', '${p.writerRole}', false); END$$`),
  { ...sqlRoute(DO, 'do-plpython', 'a DO block in another language (plpython3u)', () => "DO LANGUAGE plpython3u $$plpy.execute('DELETE FROM expenses')$$"), expect: pgliteOnly('runtime guard') },
  sqlRoute(DO, 'function-sql', 'CREATE FUNCTION … LANGUAGE sql AS a DELETE', () => "CREATE FUNCTION pg_temp.wipe() RETURNS void LANGUAGE sql AS 'DELETE FROM expenses'"),
  sqlRoute(DO, 'function-plpgsql', 'CREATE FUNCTION … LANGUAGE plpgsql with a DELETE', () => 'CREATE FUNCTION pg_temp.wipe() RETURNS void LANGUAGE plpgsql AS $f$BEGIN DELETE FROM expenses; END$f$'),
  sqlRoute(DO, 'function-definer', 'a SECURITY DEFINER function', () => 'CREATE FUNCTION pg_temp.wipe() RETURNS void LANGUAGE plpgsql SECURITY DEFINER AS $f$BEGIN TRUNCATE expenses; END$f$'),
  sqlRoute(DO, 'function-atomic', 'a BEGIN ATOMIC function body', () => 'CREATE FUNCTION pg_temp.wipe() RETURNS void LANGUAGE sql BEGIN ATOMIC DELETE FROM expenses; END'),
  sqlRoute(DO, 'procedure', 'CREATE PROCEDURE with a DELETE', () => 'CREATE PROCEDURE pg_temp.wipe() LANGUAGE plpgsql AS $p$BEGIN DELETE FROM expenses; END$p$'),
  sqlRoute(DO, 'trigger-function', 'a trigger function that writes the table', () => 'CREATE FUNCTION pg_temp.tf() RETURNS trigger LANGUAGE plpgsql AS $f$BEGIN DELETE FROM expenses; RETURN NULL; END$f$'),
  sqlRoute(DO, 'prepare', 'PREPARE p AS DELETE …', () => 'PREPARE wipe AS DELETE FROM expenses'),
  {
    id: 'function-computed-call',
    klass: DO,
    title: 'a function that EXECUTEs its argument, called with a DELETE',
    expect: both('database privileges', 'runtime guard'),
    fresh: true,
    attack: async (rig) => {
      const create = 'CREATE FUNCTION pg_temp.run(q text) RETURNS void LANGUAGE plpgsql AS $f$BEGIN EXECUTE q; END$f$';
      if (rig.backend === 'pglite') {
        await rig.query(create);
        await rig.query("SELECT pg_temp.run('DELETE FROM expenses')");
        return;
      }
      const c = await rig.appPool!.connect();
      try {
        await c.query(create);
        await c.query("SELECT pg_temp.run('DELETE FROM expenses')");
      } finally {
        c.release(true);
      }
    },
  },

  // Views, rules and DDL
  sqlRoute(DDL, 'view', 'a view over the table (to write through it)', () => 'CREATE TEMP VIEW v AS SELECT * FROM expenses'),
  {
    id: 'view-write',
    klass: DDL,
    title: 'DELETE through a temp view, on an unguarded connection',
    expect: serverOnly('database privileges'),
    attack: (rig) => appClient(rig, async (c) => void (await c.query('CREATE TEMP VIEW v AS SELECT * FROM expenses; DELETE FROM v'))),
  },
  {
    id: 'view-invoker-write',
    klass: DDL,
    title: 'UPDATE through a security_invoker view, on an unguarded connection',
    expect: serverOnly('database privileges'),
    attack: (rig) => appClient(rig, async (c) => void (await c.query("CREATE TEMP VIEW v WITH (security_invoker) AS SELECT * FROM expenses; UPDATE v SET currency = 'XXX'"))),
  },
  sqlRoute(DDL, 'rule', 'CREATE RULE … DO INSTEAD NOTHING on the table', () => 'CREATE RULE swallow AS ON DELETE TO expenses DO INSTEAD NOTHING', { behind: 'database privileges' }),
  sqlRoute(DDL, 'trigger', 'CREATE TRIGGER on the table', () => 'CREATE TRIGGER t BEFORE DELETE ON expenses FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger()', { behind: 'database privileges' }),
  sqlRoute(DDL, 'disable-trigger', 'ALTER TABLE … DISABLE TRIGGER ALL', () => 'ALTER TABLE expenses DISABLE TRIGGER ALL', { behind: 'database privileges' }),
  sqlRoute(DDL, 'drop', 'DROP TABLE', () => 'DROP TABLE expenses', { behind: 'database privileges' }),
  sqlRoute(DDL, 'rename', 'rename the table away', () => 'ALTER TABLE expenses RENAME TO gone', { behind: 'database privileges' }),
  sqlRoute(DDL, 'set-schema', 'move the table to another schema', () => 'ALTER TABLE expenses SET SCHEMA pg_catalog', { behind: 'database privileges' }),
  sqlRoute(DDL, 'grant', 'GRANT INSERT on the table', () => 'GRANT INSERT ON expenses TO PUBLIC'),
  sqlRoute(DDL, 'policy', 'CREATE POLICY (rows vanish for the writer)', () => 'CREATE POLICY hide ON expenses USING (false)', { behind: 'database privileges' }),
  sqlRoute(DDL, 'rls', 'ENABLE ROW LEVEL SECURITY', () => 'ALTER TABLE expenses ENABLE ROW LEVEL SECURITY', { behind: 'database privileges' }),
  sqlRoute(DDL, 'inherit', 'an inheritance child (rows bypass the guard triggers)', () => 'CREATE TEMP TABLE sneaky () INHERITS (expenses)', { behind: 'database privileges' }),
  sqlRoute(DDL, 'temp-shadow', 'CREATE TEMP TABLE with the protected name (shadows it on search_path)', (p) => `CREATE TEMP TABLE expenses (LIKE ${T(p)})`),
  sqlRoute(DDL, 'select-into-shadow', 'SELECT … INTO TEMP with the protected name', () => 'SELECT * INTO TEMP expenses FROM users'),

  // node-postgres below query()
  {
    id: 'client-prototype-call',
    klass: NODE_PG,
    title: 'Client.prototype.query.call(client, …) past the instance wrapper',
    expect: serverOnly('runtime guard'),
    attack: async (rig) => {
      const c = await rig.appPool!.connect();
      try {
        await (pg.Client.prototype.query as (this: unknown, text: string) => Promise<unknown>).call(c, 'DELETE FROM expenses');
      } finally {
        c.release();
      }
    },
  },
  {
    id: 'connection-query',
    klass: NODE_PG,
    title: 'client.connection.query(…) straight to the protocol',
    expect: serverOnly('runtime guard'),
    attack: (rig) =>
      guardedClient(rig, async (c) => {
        const failed = barrier<unknown>();
        c.on('error', (e) => failed.resolve(e));
        (c as unknown as { connection: { query(t: string): void } }).connection.query('DELETE FROM expenses');
        throw await failed.promise;
      }),
  },
  {
    id: 'connection-prototype',
    klass: NODE_PG,
    title: "Connection.prototype.query.call(client.connection, …) (no JavaScript wrapper left)",
    expect: serverOnly('database privileges'),
    attack: (rig) =>
      guardedClient(rig, async (c) => {
        const failed = barrier<unknown>();
        c.on('error', (e) => failed.resolve(e));
        const con = (c as unknown as { connection: object }).connection;
        (Object.getPrototypeOf(con) as { query: (t: string) => void }).query.call(con, 'DELETE FROM expenses');
        throw await failed.promise;
      }),
  },
  {
    id: 'query-mutated',
    klass: NODE_PG,
    title: 'a queued pg.Query whose text is changed after query() returned',
    expect: serverOnly('runtime guard'),
    attack: (rig) =>
      guardedClient(rig, async (c) => {
        const busy = c.query('SELECT 1');
        const q = new pg.Query('SELECT 2');
        const done = new Promise((resolve, reject) => (q.on('end', resolve), q.on('error', reject)));
        c.query(q);
        try {
          (q as unknown as { text: string }).text = 'DELETE FROM expenses';
        } finally {
          await busy;
          await done;
        }
      }),
  },
  {
    id: 'text-getter',
    klass: NODE_PG,
    title: 'a query config whose text getter answers differently on the second read',
    expect: serverOnly('runtime guard'),
    attack: async (rig) => {
      let reads = 0;
      const config = {
        get text() {
          reads++;
          return reads === 1 ? 'SELECT 1' : 'DELETE FROM expenses';
        },
      };
      await rig.appPool!.query(config as unknown as string);
      if (reads !== 1) throw new Error(`the text was read ${reads} times`);
      return { neutralised: 'runtime guard' };
    },
  },
  {
    id: 'custom-submittable',
    klass: NODE_PG,
    title: 'a custom submittable that sends its own text',
    expect: serverOnly('runtime guard'),
    attack: (rig) =>
      guardedClient(rig, async (c) => {
        const outcome = barrier<unknown>();
        c.query({
          text: 'SELECT 1',
          submit(con: { query(t: string): void }) {
            con.query('DELETE FROM expenses');
          },
          handleError: (e: unknown) => outcome.resolve(e),
          handleReadyForQuery: () => outcome.resolve(undefined),
          handleRowDescription() {},
          handleDataRow() {},
          handleCommandComplete() {},
          handleEmptyQuery() {},
        } as never);
        await rethrow(outcome.promise);
      }),
  },
  {
    id: 'connect-event',
    klass: NODE_PG,
    title: "a query in the pool's 'connect' event",
    expect: serverOnly('runtime guard'),
    attack: async (rig) => {
      const pool = rig.guard.guardPool(new pg.Pool({ connectionString: rig.url!('app'), max: 1 }));
      pool.on('error', () => {});
      const outcome = barrier<unknown>();
      pool.on('connect', (c) => void c.query('DELETE FROM expenses').then(() => outcome.resolve(undefined), outcome.resolve));
      try {
        await pool.query('SELECT 1');
        await rethrow(outcome.promise);
      } finally {
        await pool.end();
      }
    },
  },
  {
    id: 'callback-query',
    klass: NODE_PG,
    title: 'pool.query(text, callback)',
    expect: serverOnly('runtime guard'),
    attack: (rig) => rethrow(new Promise((resolve) => rig.appPool!.query('DELETE FROM expenses', (e: unknown) => resolve(e)))),
  },
  {
    id: 'pool-connect-callback',
    klass: NODE_PG,
    title: 'pool.connect(callback), then query on that client',
    expect: serverOnly('runtime guard'),
    attack: (rig) =>
      rethrow(
        new Promise((resolve) =>
          rig.appPool!.connect((err, c, done) => {
            if (err) return resolve(err);
            c!.query('DELETE FROM expenses', (e: unknown) => (done(), resolve(e)));
          }),
        ),
      ),
  },
  {
    id: 'named-statement',
    klass: NODE_PG,
    title: 'a named prepared statement reused with other text',
    expect: serverOnly('runtime guard'),
    attack: (rig) =>
      guardedClient(rig, async (c) => {
        await c.query({ name: 'fb_named', text: 'SELECT 1' });
        await c.query({ name: 'fb_named', text: 'DELETE FROM expenses' });
      }),
  },
  {
    id: 'unguarded-client',
    klass: NODE_PG,
    title: 'a new pg.Client of the application login, never guarded',
    expect: serverOnly('database privileges'),
    attack: (rig) => appClient(rig, (c) => c.query('DELETE FROM expenses').then(() => undefined)),
  },
  {
    id: 'role-startup-option',
    klass: NODE_PG,
    title: 'the writer role as a connection option (-c role=…)',
    expect: serverOnly('database privileges'),
    attack: (rig) => appClient(rig, (c) => c.query('DELETE FROM expenses').then(() => undefined), `-c role=${rig.protection.writerRole}`),
  },

  // PGlite below query()
  ...(
    [
      ['execProtocol', 'execProtocol with a Query message', (db: PGlite) => db.execProtocol(queryMessage('DELETE FROM expenses'))],
      ['execProtocolRaw', 'execProtocolRaw with Parse/Bind/Execute', (db: PGlite) => db.execProtocolRaw(extendedMessages('DELETE FROM expenses'))],
      ['execProtocolStream', 'execProtocolStream', (db: PGlite) => db.execProtocolStream(queryMessage('TRUNCATE expenses'))],
      ['execProtocolRawSync', 'execProtocolRawSync (synchronous)', async (db: PGlite) => void db.execProtocolRawSync(queryMessage('DELETE FROM expenses'))],
      ['execProtocolRawStream', 'execProtocolRawStream', (db: PGlite) => db.execProtocolRawStream(queryMessage('DELETE FROM expenses'), { onRawData: () => {} })],
      ['runExclusive', 'execProtocol inside runExclusive()', (db: PGlite) => db.runExclusive(() => db.execProtocol(queryMessage('DELETE FROM expenses')))],
      ['function-call', 'a fast-path FunctionCall message (no SQL text)', (db: PGlite) => db.execProtocolRaw(functionCallMessage())],
      ['malformed', 'malformed protocol bytes', (db: PGlite) => db.execProtocolRaw(new Uint8Array([81, 0, 0, 0, 99, 68]))],
      ['tx-query', 'tx.query inside transaction()', (db: PGlite) => db.transaction((tx) => tx.query('DELETE FROM expenses'))],
      ['tx-exec', 'tx.exec inside transaction()', (db: PGlite) => db.transaction((tx) => tx.exec('DELETE FROM expenses'))],
      ['tx-sql', 'the tx.sql template tag', (db: PGlite) => db.transaction((tx) => tx.sql`DELETE FROM expenses WHERE id = ${1}`)],
      ['sql-tag', 'the sql template tag', (db: PGlite) => db.sql`DELETE FROM expenses WHERE id = ${1}`],
      ['prototype-query', 'PGlite.prototype.query.call(db, …)', (db: PGlite) => PGlite.prototype.query.call(db, 'DELETE FROM expenses')],
      ['prototype-exec-role', 'PGlite.prototype.exec.call(db, "SET ROLE …; DELETE …")', (db: PGlite, p: ProtectionOptions) => PGlite.prototype.exec.call(db, `SET ROLE "${p.writerRole}"; DELETE FROM expenses`)],
    ] as [string, string, (db: PGlite, p: ProtectionOptions) => Promise<unknown>][]
  ).map(
    ([id, title, run]): Route => ({ id: `pglite-${id}`, klass: PGLITE, title, expect: pgliteOnly('runtime guard'), attack: async (rig) => void (await run(rig.pglite!, rig.protection)) }),
  ),
  {
    id: 'pglite-prototype-raw',
    klass: PGLITE,
    title: 'PGlite.prototype.execProtocolRawSync.call(db, "SET ROLE …; DELETE …"): below every wrapper, in the one superuser session',
    expect: pgliteOnly('gets through'),
    attack: async (rig) => void PGlite.prototype.execProtocolRawSync.call(rig.pglite!, queryMessage(`SET ROLE "${rig.protection.writerRole}"; DELETE FROM expenses WHERE id = 2; RESET ROLE`)),
  },
  {
    id: 'pglite-second-writer',
    klass: PGLITE,
    title: "claim the instance's writer channel a second time",
    expect: pgliteOnly('writer'),
    attack: async (rig) => {
      const second = pgliteTransactor(rig.pglite!);
      await second(async (tx) => tx.query('DELETE FROM expenses'));
    },
  },

  // The writer's right to write
  {
    id: 'no-writer-context-export',
    klass: RIGHT,
    title: 'import the writer context (withWriter, inWriterContext …) from the package',
    expect: both('writer'),
    attack: async () => {
      const api = (await import('../../src/index.js')) as Record<string, unknown>;
      const leaked = ['withWriter', 'inWriterContext', 'outsideWriter', 'claimPgliteWriterChannel'].filter((n) => n in api);
      if (leaked.length) throw new Error(`exported: ${leaked.join(', ')}`);
      return { neutralised: 'writer' };
    },
  },
  ...(
    [
      ['timer', 'a timer started inside a writer operation', (run: () => void) => setTimeout(run, 0)],
      ['immediate', 'setImmediate inside a writer operation', (run: () => void) => setImmediate(run)],
      ['emitter', 'an EventEmitter listener fired from inside a writer operation', (run: () => void) => {
        const e = new EventEmitter();
        e.on('go', run);
        e.emit('go');
      }],
      ['outliving-promise', 'a promise that outlives the writer operation', (run: () => void) => void Promise.resolve().then(run)],
    ] as [string, string, (run: () => void) => void][]
  ).map(
    ([id, title, schedule]): Route => ({
      id: `scheduled-${id}`,
      klass: RIGHT,
      title,
      expect: both('runtime guard'),
      attack: async (rig) => {
        const outcome = barrier<unknown>();
        await rig.writer.writer.run('scheduled', { actor: 'x', request: {} }, async () => {
          schedule(() => void rig.query('DELETE FROM expenses').then(() => outcome.resolve(undefined), outcome.resolve));
          return null;
        });
        await rethrow(outcome.promise);
      },
    }),
  ),
  {
    id: 'kept-write-handle',
    klass: RIGHT,
    title: "the writer operation's handle kept and used after it returned",
    expect: both('writer'),
    attack: async (rig) => {
      let kept: WriteTx | undefined;
      await rig.writer.writer.run('keep', { actor: 'x', request: {} }, async (w) => ((kept = w), null));
      await kept!.delete(1);
    },
  },
  {
    id: 'kept-transaction',
    klass: RIGHT,
    title: "the writer's transaction handle kept and used after it ended",
    expect: both('writer'),
    attack: async (rig) => {
      const tx = await rig.transactor(async (t) => t);
      await tx.query('DELETE FROM expenses');
    },
  },
  {
    id: 'pool-connect-during-writer',
    klass: RIGHT,
    title: 'pool.connect(callback) queued while the writer holds its connection',
    expect: serverOnly('runtime guard'),
    attack: async (rig) => {
      const outcome = barrier<unknown>();
      await rig.writer.writer.run('hold', { actor: 'x', request: {} }, async () => {
        await new Promise<void>((resolve) =>
          rig.appPool!.connect((err, c, done) => {
            if (err) return outcome.resolve(err), resolve();
            c!.query('DELETE FROM expenses', (e: unknown) => (done(), outcome.resolve(e), resolve()));
          }),
        );
        return null;
      });
      await rethrow(outcome.promise);
    },
  },
  {
    id: 'writer-on-app-login',
    klass: RIGHT,
    title: "a writer built on the application's login",
    expect: serverOnly('writer'),
    attack: async (rig) => {
      const pool = new pg.Pool({ connectionString: rig.url!('app'), max: 1 });
      pool.on('error', () => {});
      try {
        const { CanonicalWriter } = await import('../../src/writer/canonical-writer.js');
        const { pgPoolTransactor } = await import('../../src/writer/transactor.js');
        await new CanonicalWriter({ transactor: pgPoolTransactor(pool), protection: rig.protection }).delete(1, { actor: 'x' });
      } finally {
        await pool.end();
      }
    },
  },

  // Owner-level tricks (the owner is the migrating superuser: it bypasses privileges)
  ...(
    [
      ['rule', 'CREATE RULE … DO INSTEAD NOTHING (canonical deletes would do nothing)', (p: ProtectionOptions) => `CREATE RULE swallow AS ON DELETE TO ${T(p)} DO INSTEAD NOTHING`],
      ['child', 'an inheritance child of the table', (p: ProtectionOptions) => `CREATE TABLE public.sneaky () INHERITS (${T(p)})`],
      ['partition-attach', 'attach the table as a partition of a new parent', (p: ProtectionOptions) => `CREATE TABLE public.parent (LIKE ${T(p)}) PARTITION BY LIST (currency); ALTER TABLE public.parent ATTACH PARTITION ${T(p)} DEFAULT`],
      ['disable-trigger', 'ALTER TABLE … DISABLE TRIGGER ALL', (p: ProtectionOptions) => `ALTER TABLE ${T(p)} DISABLE TRIGGER ALL`],
      ['replica-trigger', 'the guard trigger switched to fire on replicas only', (p: ProtectionOptions) => `ALTER TABLE ${T(p)} ENABLE REPLICA TRIGGER finbrain_guard`],
      ['audit-disable-append-only', "the audit trail's append-only trigger disabled", (p: ProtectionOptions) => `ALTER TABLE ${p.schema}.${p.auditTable} DISABLE TRIGGER finbrain_append_only`],
      ['rls', 'row-level security with a policy that hides every row', (p: ProtectionOptions) => `ALTER TABLE ${T(p)} ENABLE ROW LEVEL SECURITY; CREATE POLICY hide ON ${T(p)} USING (false)`],
      ['grant-app', 'GRANT INSERT to the application role', (p: ProtectionOptions) => `GRANT INSERT, DELETE ON ${T(p)} TO "${p.appRole}"`],
      ['grant-public', 'GRANT DELETE on the audit trail to PUBLIC', (p: ProtectionOptions) => `GRANT DELETE ON ${p.schema}.${p.auditTable} TO PUBLIC`],
      ['drop-audit', 'DROP the audit trail', (p: ProtectionOptions) => `DROP TABLE ${p.schema}.${p.auditTable}`],
      ['drop-guard-trigger', 'DROP the guard trigger', (p: ProtectionOptions) => `DROP TRIGGER finbrain_guard ON ${T(p)}`],
    ] as [string, string, (p: ProtectionOptions) => string][]
  ).map(([id, title, sql]): Route => ({ id: `owner-${id}`, klass: OWNER, title, expect: both('event trigger'), owner: (o, p) => o.exec(sql(p)) })),
  ...(
    [
      ['rule-no-event-trigger', 'the event trigger dropped first, then a rule: the writer refuses to write', (p: ProtectionOptions) => `CREATE RULE swallow AS ON DELETE TO ${T(p)} DO INSTEAD NOTHING`],
      ['child-no-event-trigger', 'the event trigger dropped first, then an inheritance child', (p: ProtectionOptions) => `CREATE TABLE public.sneaky () INHERITS (${T(p)})`],
      ['disable-no-event-trigger', 'the event trigger dropped first, then the guard trigger disabled', (p: ProtectionOptions) => `ALTER TABLE ${T(p)} DISABLE TRIGGER finbrain_guard`],
      ['rls-no-event-trigger', 'the event trigger dropped first, then row-level security', (p: ProtectionOptions) => `ALTER TABLE ${T(p)} ENABLE ROW LEVEL SECURITY`],
      ['app-in-writer-role', 'the application role made a member of the writer role (no DDL event fires for that)', (p: ProtectionOptions) => `GRANT "${p.writerRole}" TO "${p.appRole}"`],
    ] as [string, string, (p: ProtectionOptions) => string][]
  ).map(
    ([id, title, sql]): Route => ({
      id: `owner-${id}`,
      klass: OWNER,
      title,
      expect: both('writer'),
      fresh: true,
      owner: (o, p) => o.exec(`DROP EVENT TRIGGER IF EXISTS "${protectionObjectNames(p).eventTrigger}"; ${sql(p)}`),
      attack: async (rig) => void (await rig.writer.delete(1, { actor: 'x' })),
      // Role membership is cluster-wide: give it back.
      ...(id === 'app-in-writer-role' ? { cleanup: (o: Owner, p: ProtectionOptions) => o.exec(`REVOKE "${p.writerRole}" FROM "${p.appRole}"`) } : {}),
    }),
  ),
  {
    id: 'owner-null-trigger',
    klass: OWNER,
    title: 'a BEFORE DELETE trigger that returns NULL (the delete would vanish silently)',
    expect: both('writer'),
    fresh: true,
    owner: (o, p) =>
      o.exec(`CREATE FUNCTION public.skip() RETURNS trigger LANGUAGE plpgsql AS $f$BEGIN RETURN NULL; END$f$; CREATE TRIGGER a_skip BEFORE DELETE ON ${T(p)} FOR EACH ROW EXECUTE FUNCTION public.skip()`),
    attack: async (rig) => void (await rig.writer.delete(1, { actor: 'x' })),
  },
  {
    id: 'owner-exec-sql',
    klass: OWNER,
    title: 'a SECURITY DEFINER exec_sql(text) as many projects ship, granted to everyone, called with a DELETE',
    expect: both('trigger'),
    fresh: true,
    owner: (o) => o.exec("CREATE FUNCTION public.exec_sql(query text) RETURNS void LANGUAGE plpgsql SECURITY DEFINER AS $$BEGIN EXECUTE query; END;$$"),
    // The guard sees a SELECT with a string literal; the function runs as its owner, whom privileges do not stop.
    attack: async (rig) => void (await rig.query("SELECT public.exec_sql('DELETE FROM expenses')")),
  },
  {
    id: 'fk-cascade-delete',
    klass: OWNER,
    title: "a foreign key the team made ON DELETE CASCADE: the application deletes a users row it may delete, the database deletes that user's rows here",
    expect: both('trigger'),
    owner: (o) =>
      o.exec('ALTER TABLE expenses DROP CONSTRAINT expenses_user_id_fkey, ADD CONSTRAINT expenses_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE'),
    attack: async (rig) => void (await rig.query('DELETE FROM users WHERE id = 1')),
  },
  {
    id: 'owner-plain-insert',
    klass: OWNER,
    title: "the owner's own INSERT (owners bypass privileges)",
    expect: both('trigger'),
    owner: (o) => o.exec("INSERT INTO expenses (user_id, amount) VALUES (1, 1)"),
  },
  {
    id: 'owner-marker',
    klass: OWNER,
    title: 'the owner sets the old marker, then DELETEs',
    expect: both('trigger'),
    owner: (o) => o.exec("SELECT set_config('finbrain.writer', 'canonical', false); DELETE FROM expenses"),
  },
  {
    id: 'owner-audit-erase',
    klass: OWNER,
    title: 'a (non-superuser) owner of the audit trail erases it',
    expect: both('trigger'),
    fresh: true,
    // Handing the audit trail to another owner is itself refused by the event trigger (that owner could rewrite it): drop it first.
    owner: (o, p) =>
      o.exec(
        `DROP EVENT TRIGGER "${protectionObjectNames(p).eventTrigger}"; ALTER TABLE ${p.schema}.${p.auditTable} OWNER TO "${p.writerRole}"; SET ROLE "${p.writerRole}"; DELETE FROM ${p.schema}.${p.auditTable}`,
      ),
  },
  {
    id: 'owner-search-path-pg-has-role',
    klass: OWNER,
    title: 'an owner-defined pg_has_role() earlier on the search_path',
    expect: both('trigger'),
    owner: (o) =>
      o.exec(
        "CREATE FUNCTION public.pg_has_role(name, text, text) RETURNS boolean LANGUAGE sql AS 'SELECT true'; SET search_path = public, pg_catalog; INSERT INTO expenses (user_id, amount) VALUES (1, 1)",
      ),
  },
  {
    id: 'owner-search-path-current-setting',
    klass: OWNER,
    title: 'an owner-defined current_setting() earlier on the search_path (the old guard read it)',
    expect: both('trigger'),
    owner: (o) =>
      o.exec(
        "CREATE FUNCTION public.current_setting(text, boolean) RETURNS text LANGUAGE sql AS 'SELECT ''canonical''::text'; SET search_path = public, pg_catalog; DELETE FROM expenses",
      ),
  },
  {
    id: 'writer-role-rewrites-audit',
    klass: OWNER,
    title: "the writer's own role rewrites audit history",
    expect: both('database privileges'),
    attack: (rig) => rig.transactor(async (tx) => void (await tx.script(`SET LOCAL ROLE "${rig.protection.writerRole}"; UPDATE ${rig.protection.schema}.${rig.protection.auditTable} SET actor = 'mallory'`))),
  },
  {
    id: 'writer-role-truncates',
    klass: OWNER,
    title: "the writer's own role TRUNCATEs the table",
    expect: both('database privileges'),
    attack: (rig) => rig.transactor(async (tx) => void (await tx.script(`SET LOCAL ROLE "${rig.protection.writerRole}"; TRUNCATE ${T(rig.protection)}`))),
  },

  // The writer's contract
  {
    id: 'key-reuse',
    klass: CONTRACT,
    title: 'an idempotency key reused with a different amount',
    expect: both('writer'),
    attack: async (rig) => void (await rig.writer.create({ userId: 1, amount: '1', currency: 'BDT' }, { actor: 'x', idempotencyKey: 'seed-request-1' })),
  },
  {
    id: 'delete-with-create-key',
    klass: CONTRACT,
    title: "delete() with create()'s idempotency key",
    expect: both('writer'),
    attack: async (rig) => void (await rig.writer.delete(1, { actor: 'x', idempotencyKey: 'seed-request-1' })),
  },
  {
    id: 'update-with-create-key',
    klass: CONTRACT,
    title: "update() with create()'s idempotency key",
    expect: both('writer'),
    attack: async (rig) => void (await rig.writer.update(1, { amount: '2' }, { actor: 'x', idempotencyKey: 'seed-request-1' })),
  },
  {
    id: 'unknown-user',
    klass: CONTRACT,
    title: 'an unknown referenced id',
    expect: both('writer'),
    attack: async (rig) => void (await rig.writer.create({ userId: 404, amount: '1', currency: 'BDT' }, { actor: 'x' })),
  },
  {
    id: 'unknown-row',
    klass: CONTRACT,
    title: 'update of a row that does not exist',
    expect: both('writer'),
    attack: async (rig) => void (await rig.writer.update(404, { amount: '2' }, { actor: 'x' })),
  },
  ...(
    [
      ['underscore', '"1_000" as an amount', '1_000'],
      ['nan', 'NaN as an amount', Number.NaN],
      ['exponent', '"1e3" as an amount', '1e3'],
      ['negative', 'a negative amount', '-5'],
      ['too-precise', 'more decimals than the currency has', '1.001'],
    ] as [string, string, unknown][]
  ).map(
    ([id, title, amount]): Route => ({
      id: `amount-${id}`,
      klass: CONTRACT,
      title,
      expect: both('writer'),
      attack: async (rig) => void (await rig.writer.create({ userId: 1, amount: amount as string, currency: 'BDT' }, { actor: 'x' })),
    }),
  ),
];
