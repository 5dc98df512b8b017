import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll } from 'vitest';
import { wrapPglite } from '../../src/db/pglite-db.js';
import { freshPglite } from '../helpers/fresh-pglite.js';
import { openPgDb } from '../../src/db/pg-db.js';
import type { Db } from '../../src/db/types.js';
import { migrateUp } from '../../src/migrate/engine.js';
import { protectionDefaults, renderProtectionSql, type ProtectionOptions } from '../../src/protection/index.js';
import { SingleWriterGuard, type Violation } from '../../src/runtime/guard.js';
import { WriterMonitor, statsTableSink } from '../../src/runtime/monitor.js';
import { protectedTablesOf } from '../../src/writer/canonical-writer.js';
import { pgPoolTransactor, pgliteTransactor, type Transactor } from '../../src/writer/transactor.js';
import { ExpenseWriter } from '../../app/writer/expense-writer.js';
import { TEST_DATABASE_URL } from '../helpers/backends.js';

/**
 * The protection test rig. The app schema is built ONCE per test file and
 * cloned per test: on the server a template database (`CREATE DATABASE …
 * TEMPLATE`, with no other connection to it), on PGlite a data-directory
 * snapshot (`dumpDataDir` / `loadDataDir`).
 *
 * The schema is FinBrain's baseline revisions plus the protection of
 * `expenses` rendered by renderProtectionSql (the generator FinBrain's own
 * revision is pasted from; test/app/protection-revision.test.ts keeps the two
 * equal) with role names unique to this file, so files running in parallel on
 * the same cluster never share a role. The roles (and, on the server, one
 * application login and one writer login) are dropped when the file ends.
 */
export const REPO = new URL('../..', import.meta.url).pathname;
export const BASELINE_HEAD = '30b14b696ef7';

export type Backend = 'pglite' | 'postgres';

export interface Snapshot {
  expenses: string;
  audit: string;
  requests: string;
  /** Rows visible through the parent (children included). */
  visible: number;
}

/** An unguarded superuser handle (the migration owner). */
export interface Owner {
  query<R = any>(text: string, params?: unknown[]): Promise<{ rows: R[]; rowCount: number }>;
  exec(text: string): Promise<void>;
}

export interface Rig {
  backend: Backend;
  protection: ProtectionOptions;
  guard: SingleWriterGuard;
  violations: Violation[];
  /** The guarded application handle. */
  query(text: string, params?: unknown[]): Promise<{ rows: any[]; rowCount: number }>;
  /** A transaction on the guarded application handle. */
  inTransaction(fn: (q: (text: string) => Promise<unknown>) => Promise<void>): Promise<void>;
  writer: ExpenseWriter;
  /** The writer's own connection (its transactor). */
  transactor: Transactor;
  monitor: WriterMonitor;
  /** postgres: the application's guarded pool, logging in as a member of the application role. */
  appPool?: pg.Pool;
  /** postgres: the writer's pool, logging in as a member of the writer role. */
  writerPool?: pg.Pool;
  /** pglite: the guarded instance. */
  pglite?: PGlite;
  /** postgres: the owner's connection; always usable. pglite: see `beforeGuard`. */
  owner?: Owner;
  /** postgres: a URL of this database for a login of this file (`app`, `writer`) or the superuser. */
  url?: (login?: 'app' | 'writer') => string;
  logins?: { app: string; writer: string };
  /** Checksums of the table, its audit trail and idempotency records, as the superuser sees them. */
  snapshot(): Promise<Snapshot>;
  /** What the `beforeGuard` owner steps threw, if anything. */
  ownerError?: unknown;
  /** Resolves when every rollup the guard's violation callback started has been written. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

export interface RigOptions {
  mode?: 'enforce' | 'log';
  /**
   * Runs as the owner (superuser) before the guard and the writer exist: on
   * PGlite, whose one session is the superuser's, this is the only moment an
   * owner can act. Its error, if any, is returned as `ownerError`.
   */
  beforeGuard?: (owner: Owner) => Promise<unknown>;
}

const SEED_USERS = "INSERT INTO users (external_id) VALUES ('u1'), ('u2')";

interface Template {
  protection: ProtectionOptions;
  /** pglite: the data directory; postgres: the template database name. */
  pgliteDump?: Blob;
  templateDb?: string;
  logins?: { app: string; writer: string };
}

const prefix = `fbt_${process.pid}_${randomBytes(3).toString('hex')}`;
const templates = new Map<Backend, Promise<Template>>();

/** Role names of this file: unique on the cluster. */
export function fileProtection(): ProtectionOptions {
  return protectionDefaults('expenses', { appRole: `${prefix}_app`, writerRole: `${prefix}_writer` });
}

/** FinBrain's application grants (e7834345cf6b) for this file's application role. */
function appGrants(o: ProtectionOptions): string {
  return `GRANT SELECT, INSERT, UPDATE, DELETE ON users, categories TO "${o.appRole}"; GRANT USAGE ON SEQUENCE users_id_seq, categories_id_seq TO "${o.appRole}";`;
}

async function seed(transactor: Transactor, o: ProtectionOptions): Promise<void> {
  const writer = new ExpenseWriter({ transactor, protection: o });
  await writer.create({ userId: 1, amount: '1250.50', currency: 'tk', source: 'chat' }, { actor: 'seed', idempotencyKey: 'seed-request-1' });
  await writer.create({ userId: 2, amount: '9.99', currency: 'USD', source: 'api' }, { actor: 'seed' });
}

const withDatabase = (url: string, database: string, user?: string) => {
  const u = new URL(url);
  u.pathname = `/${database}`;
  if (user) u.username = user;
  return u.toString();
};

async function buildTemplate(backend: Backend): Promise<Template> {
  const protection = fileProtection();
  const { up } = renderProtectionSql(protection);
  if (backend === 'pglite') {
    const db = await freshPglite();
    await migrateUp({ cwd: REPO, db: wrapPglite(db), to: BASELINE_HEAD });
    await db.exec(up);
    await db.exec(appGrants(protection));
    await db.exec(SEED_USERS);
    await seed(pgliteTransactor(db), protection);
    const pgliteDump = await db.dumpDataDir('none');
    await db.close();
    return { protection, pgliteDump };
  }
  const templateDb = `${prefix}_tpl`;
  const logins = { app: `${prefix}_app_login`, writer: `${prefix}_writer_login` };
  const admin = await openPgDb(TEST_DATABASE_URL!);
  await admin.exec(`CREATE DATABASE ${templateDb}`);
  await admin.close();
  const db = await openPgDb(withDatabase(TEST_DATABASE_URL!, templateDb));
  try {
    await migrateUp({ cwd: REPO, db, to: BASELINE_HEAD });
    await db.exec(up);
    await db.exec(appGrants(protection));
    await db.exec(`CREATE ROLE "${logins.app}" LOGIN IN ROLE "${protection.appRole}"; CREATE ROLE "${logins.writer}" LOGIN IN ROLE "${protection.writerRole}";`);
    await db.exec(SEED_USERS);
  } finally {
    await db.close();
  }
  const writerPool = new pg.Pool({ connectionString: withDatabase(TEST_DATABASE_URL!, templateDb, logins.writer), max: 1 });
  try {
    await seed(pgPoolTransactor(writerPool), protection);
  } finally {
    await writerPool.end();
  }
  return { protection, templateDb, logins };
}

function template(backend: Backend): Promise<Template> {
  let t = templates.get(backend);
  if (!t) {
    t = buildTemplate(backend);
    templates.set(backend, t);
  }
  return t;
}

/** Call once at the top of a test file that uses rigs: drops the templates and this file's roles at the end. */
export function rigLifecycle(): void {
  afterAll(async () => {
    const pgTemplate = templates.get('postgres');
    // A worker runs several files (isolate: false): the next file builds its own template and baseline.
    templates.clear();
    baselines.clear();
    if (!pgTemplate) return;
    const t = await pgTemplate.catch(() => undefined);
    const admin = await openPgDb(TEST_DATABASE_URL!);
    try {
      if (t?.templateDb) await admin.exec(`DROP DATABASE IF EXISTS ${t.templateDb} WITH (FORCE)`);
      const p = fileProtection();
      for (const role of [`${prefix}_app_login`, `${prefix}_writer_login`, p.appRole, p.writerRole]) await admin.exec(`DROP ROLE IF EXISTS "${role}"`);
    } finally {
      await admin.close();
    }
  });
}

/** Checksums as the superuser sees them (row-level security or a revoked grant cannot hide a row from it). */
const SNAPSHOT = (o: ProtectionOptions) => {
  const t = (name: string) => `"${o.schema}"."${name}"`;
  const sum = (table: string, order: string, only = '') =>
    `(SELECT pg_catalog.md5(coalesce(pg_catalog.string_agg(x::text, '|' ORDER BY x.${order}), '')) FROM ${only}${table} AS x)`;
  return `SELECT ${sum(t(o.table), 'id', 'ONLY ')} AS expenses, ${sum(t(o.auditTable), 'id')} AS audit, ${sum(t(o.idempotencyTable), 'idempotency_key')} AS requests, (SELECT count(*)::int FROM ${t(o.table)}) AS visible`;
};

export async function makeRig(backend: Backend, opts: RigOptions = {}): Promise<Rig> {
  const tpl = await template(backend);
  const protection = tpl.protection;
  const violations: Violation[] = [];
  let monitor!: WriterMonitor;
  const guard = await SingleWriterGuard.create({
    protectedTables: protectedTablesOf(protection),
    mode: opts.mode,
    onViolation: (v) => {
      violations.push(v);
      pending.push(monitor.violation(v.layer));
    },
  });
  let ownerError: unknown;
  const pending: Promise<unknown>[] = [];
  const settled = async () => void (await Promise.all(pending));

  if (backend === 'pglite') {
    const db = await PGlite.create({ loadDataDir: tpl.pgliteDump });
    if (opts.beforeGuard) {
      const owner: Owner = {
        query: async (text, params) => {
          const r = await db.query<any>(text, params);
          return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
        },
        exec: async (text) => void (await db.exec(text)),
      };
      ownerError = await opts.beforeGuard(owner).then(
        () => undefined,
        (e: unknown) => e,
      );
      await db.exec('RESET ROLE; RESET search_path').catch(() => {});
    }
    // The application's session is the read-only application role (PGlite has one session, the superuser's).
    await db.exec(`SET ROLE "${protection.appRole}"`);
    guard.guardPglite(db);
    const transactor = pgliteTransactor(db);
    monitor = new WriterMonitor({ sink: statsTableSink((t, p) => db.query(t, p)) });
    const writer = new ExpenseWriter({ transactor, protection, monitor });
    return {
      backend,
      protection,
      guard,
      violations,
      ownerError,
      pglite: db,
      query: async (t, p) => {
        const r = await db.query<any>(t, p);
        return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
      },
      inTransaction: (fn) => db.transaction(async (tx) => fn((t) => tx.query(t))),
      writer,
      transactor,
      monitor,
      // PGlite's one session belongs to the superuser: inside the writer's channel the role can go back to it.
      snapshot: () => transactor(async (tx) => (await tx.script<Snapshot>(`SET LOCAL ROLE postgres; ${SNAPSHOT(protection)}`)).rows[0]!),
      settled,
      close: () => db.close(),
    };
  }

  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const admin = await openPgDb(TEST_DATABASE_URL!);
  try {
    await admin.exec(`CREATE DATABASE ${name} TEMPLATE ${tpl.templateDb}`);
  } finally {
    await admin.close();
  }
  const url = (login?: 'app' | 'writer') => withDatabase(TEST_DATABASE_URL!, name, login ? tpl.logins![login] : undefined);
  const ownerDb: Db = await openPgDb(url());
  const owner: Owner = { query: (t, p) => ownerDb.query(t, p), exec: (t) => ownerDb.exec(t) };
  if (opts.beforeGuard) {
    ownerError = await opts.beforeGuard(owner).then(
      () => undefined,
      (e: unknown) => e,
    );
  }
  const appPool = guard.guardPool(new pg.Pool({ connectionString: url('app'), max: 4 }));
  const writerPool = new pg.Pool({ connectionString: url('writer'), max: 4 });
  // DROP DATABASE … WITH (FORCE) at the end may end a straggler: no crash.
  appPool.on('error', () => {});
  writerPool.on('error', () => {});
  const transactor = pgPoolTransactor(writerPool);
  monitor = new WriterMonitor({ sink: statsTableSink((t, p) => appPool.query(t, p)) });
  const writer = new ExpenseWriter({ transactor, protection, monitor });
  return {
    backend,
    protection,
    guard,
    violations,
    ownerError,
    appPool,
    writerPool,
    owner,
    url,
    logins: tpl.logins,
    query: async (t, p) => {
      const r = await appPool.query(t, p);
      return { rows: r.rows, rowCount: r.rowCount ?? 0 };
    },
    inTransaction: async (fn) => {
      const c = await appPool.connect();
      try {
        await c.query('BEGIN');
        await fn((t) => c.query(t));
        await c.query('COMMIT');
      } catch (e) {
        await c.query('ROLLBACK');
        throw e;
      } finally {
        c.release();
      }
    },
    writer,
    transactor,
    monitor,
    snapshot: async () => (await ownerDb.query<Snapshot>(SNAPSHOT(protection))).rows[0]!,
    settled,
    async close() {
      await Promise.all([appPool.end(), writerPool.end(), ownerDb.close()]);
      const a = await openPgDb(TEST_DATABASE_URL!);
      try {
        await a.exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await a.close();
      }
    },
  };
}

const baselines = new Map<Backend, Promise<Snapshot>>();

/** The snapshot of a fresh clone: every clone of a file's template starts from exactly this. */
export function baselineSnapshot(backend: Backend): Promise<Snapshot> {
  let b = baselines.get(backend);
  if (!b) {
    b = makeRig(backend).then(async (rig) => {
      try {
        return await rig.snapshot();
      } finally {
        await rig.close();
      }
    });
    baselines.set(backend, b);
  }
  return b;
}
