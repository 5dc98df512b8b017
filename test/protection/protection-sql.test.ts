import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPgDb } from '../../src/db/pg-db.js';
import { migrateUp } from '../../src/migrate/engine.js';
import { protectionDefaults, renderProtectionSql, renderRolesSql, verifyProtection, type ProtectionOptions } from '../../src/protection/index.js';
import { TEST_DATABASE_URL, createScratchDatabase, describeEachBackend, describePostgres, type TestDatabase } from '../helpers/backends.js';
import { BASELINE_HEAD, REPO } from './setup.js';

/**
 * renderProtectionSql on its own: what `finbrain protect <table>` writes into
 * a revision. Role names are unique per test file and dropped at the end
 * (roles are cluster-wide).
 */
const tag = `fbp_${process.pid}_${randomBytes(3).toString('hex')}`;
const options = (table = 'expenses'): ProtectionOptions => protectionDefaults(table, { appRole: `${tag}_app`, writerRole: `${tag}_writer` });

afterAll(async () => {
  if (!TEST_DATABASE_URL) return;
  const admin = await openPgDb(TEST_DATABASE_URL);
  try {
    for (const r of [`${tag}_owner`, `${tag}_app`, `${tag}_writer`]) await admin.exec(`DROP ROLE IF EXISTS "${r}"`);
  } finally {
    await admin.close();
  }
});

describe('renderProtectionSql', () => {
  it('is pure, names everything after the table, and refuses names that are not plain identifiers', () => {
    const a = renderProtectionSql(options('payments'));
    expect(renderProtectionSql(options('payments'))).toEqual(a);
    expect(a.up).toContain('CREATE TABLE "public"."payments_audit"');
    expect(a.up).toContain('CREATE TABLE "public"."payments_requests"');
    expect(a.up).toContain('"public"."finbrain_verify_payments"()');
    expect(a.up).toContain('SET search_path = pg_catalog, pg_temp');
    expect(a.up).not.toContain('finbrain.writer');
    expect(() => renderProtectionSql(protectionDefaults('pay ments'))).toThrow(/protection\.table: "pay ments" is not a valid identifier/);
    expect(() => renderProtectionSql(protectionDefaults('t', { appRole: 'x', writerRole: 'x' }))).toThrow(/must differ/);
    expect(protectionDefaults('ledger_entries')).toMatchObject({ appRole: 'finbrain_app', writerRole: 'finbrain_writer', auditTable: 'ledger_entries_audit', statsTable: 'finbrain_writer_stats' });
  });
});

describeEachBackend('core protection tests: the rendered protection on a real schema', (backend) => {
  let t: TestDatabase;
  const o = options();
  const { up, down } = renderProtectionSql(o);
  beforeEach(async () => {
    t = await backend.create();
    await migrateUp({ cwd: REPO, db: t.db, to: BASELINE_HEAD });
    await t.db.exec(up);
    await t.db.exec("INSERT INTO users (external_id) VALUES ('u')");
    await t.db.exec(`BEGIN; SET LOCAL ROLE "${o.writerRole}"; INSERT INTO expenses_audit (row_id, action, actor) VALUES ('1', 'create', 'writer'); COMMIT`);
  });
  afterEach(() => t.dispose());

  it('leaves a verified protection: no problems', async () => {
    expect(await verifyProtection(t.db, o)).toEqual([]);
  });

  it('keeps the audit trail append-only for everyone but a superuser; the writer role may only add', async () => {
    for (const sql of ["UPDATE expenses_audit SET actor = 'mallory'", 'DELETE FROM expenses_audit', 'TRUNCATE expenses_audit']) {
      await expect(t.db.exec(`BEGIN; SET LOCAL ROLE "${o.writerRole}"; ${sql}; COMMIT`)).rejects.toThrow(/^permission denied for table expenses_audit$/);
      await t.db.exec('ROLLBACK');
    }
    // An owner that is not a superuser bypasses privileges: the append-only trigger stands.
    await t.db.exec(`DROP EVENT TRIGGER IF EXISTS "finbrain_protect_public_expenses"; ALTER TABLE expenses_audit OWNER TO "${o.writerRole}"`);
    for (const sql of ["UPDATE expenses_audit SET actor = 'mallory'", 'DELETE FROM expenses_audit', 'TRUNCATE expenses_audit']) {
      await expect(t.db.exec(`BEGIN; SET LOCAL ROLE "${o.writerRole}"; ${sql}; COMMIT`)).rejects.toThrow(
        /^finbrain audit trail: (UPDATE|DELETE|TRUNCATE) on public\.expenses_audit is not allowed; the audit trail is append-only$/,
      );
      await t.db.exec('ROLLBACK');
    }
    expect((await t.db.query('SELECT actor FROM expenses_audit')).rows).toEqual([{ actor: 'writer' }]);
    // The superuser may (e.g. to honour an erasure request), by design.
    await t.db.exec("UPDATE expenses_audit SET actor = 'redacted'");
    expect((await t.db.query('SELECT actor FROM expenses_audit')).rows).toEqual([{ actor: 'redacted' }]);
  });

  it('reverts cleanly and can be applied again; the roles stay (they are cluster-wide)', async () => {
    await t.db.exec(down);
    for (const table of ['expenses_audit', 'expenses_requests', 'finbrain_writer_stats']) expect((await t.db.query('SELECT to_regclass($1) AS r', [table])).rows[0]!.r).toBeNull();
    expect((await t.db.query("SELECT count(*)::int AS n FROM pg_trigger WHERE tgname LIKE 'finbrain%'")).rows[0]!.n).toBe(0);
    expect((await t.db.query('SELECT count(*)::int AS n FROM pg_roles WHERE rolname IN ($1, $2)', [o.appRole, o.writerRole])).rows[0]!.n).toBe(2);
    // Without the protection the owner writes freely again.
    await t.db.exec('INSERT INTO expenses (user_id, amount) VALUES (1, 1)');
    await t.db.exec(up);
    expect(await verifyProtection(t.db, o)).toEqual([]);
  });

  it('names SECURITY DEFINER functions the application role could write through (the exec_sql(text) helper many projects ship)', async () => {
    // The shape found in real projects' migrations (e.g. SVVVG3/schedule-cast, database/migrations/00_create_exec_sql_function.sql).
    await t.db.exec("CREATE FUNCTION public.exec_sql(query text) RETURNS void LANGUAGE plpgsql SECURITY DEFINER AS $$BEGIN EXECUTE query; END;$$");
    await t.db.exec('CREATE FUNCTION public.purge() RETURNS void LANGUAGE sql SECURITY DEFINER AS $$DELETE FROM public.expenses_requests$$');
    await t.db.exec('CREATE FUNCTION public.harmless() RETURNS int LANGUAGE sql SECURITY DEFINER AS $$SELECT count(*)::int FROM public.expenses$$');
    expect(await verifyProtection(t.db, o)).toEqual([
      `security definer function exec_sql(text), callable by ${o.appRole}, runs SQL it computes (EXECUTE of computed SQL text (query) in a function body) with its owner's privileges`,
      `security definer function purge(), callable by ${o.appRole}, writes public.expenses_requests with its owner's privileges`,
    ]);
    await t.db.exec('REVOKE EXECUTE ON FUNCTION public.exec_sql(text), public.purge() FROM PUBLIC');
    expect(await verifyProtection(t.db, o)).toEqual([]);
  });

  it('protects a second table in the same schema alongside the first; the shared rollups stay until the last one goes', async () => {
    await t.db.exec('CREATE TABLE payments (id bigserial PRIMARY KEY, amount numeric NOT NULL)');
    const p = options('payments');
    const second = renderProtectionSql(p);
    await t.db.exec(second.up);
    expect(await verifyProtection(t.db, p)).toEqual([]);
    await t.db.exec(second.down);
    expect((await t.db.query("SELECT to_regclass('finbrain_writer_stats') IS NOT NULL AS kept")).rows[0]!.kept).toBe(true);
    expect(await verifyProtection(t.db, o)).toEqual([]);
    expect(await verifyProtection(t.db, p)).toEqual([expect.stringMatching(/^the protection of public\.payments is not installed .*finbrain protect payments/)]);
  });
});

describePostgres('core protection tests: roles are cluster-wide', () => {
  let dbs: { url: string; drop(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(dbs.map((d) => d.drop()));
    dbs = [];
  });

  it('creates them race-safely: a second database migrating while the first holds the new roles uncommitted waits, then finds them', async () => {
    const fresh = protectionDefaults('expenses', { appRole: `${tag}_race_app`, writerRole: `${tag}_race_writer` });
    dbs = await Promise.all([createScratchDatabase(), createScratchDatabase()]);
    const [a, b] = await Promise.all(dbs.map((d) => openPgDb(d.url)));
    const admin = await openPgDb(TEST_DATABASE_URL!);
    try {
      await Promise.all([a!, b!].map((db) => migrateUp({ cwd: REPO, db, to: BASELINE_HEAD })));
      // A creates the roles and keeps its transaction open.
      await a!.exec(`BEGIN; ${renderRolesSql(fresh)}`);
      const bPid = await b!.backendPid!();
      const bRun = b!.exec(`BEGIN; ${renderProtectionSql(fresh).up}; COMMIT`).then(
        () => 'committed',
        (e: Error) => e.message,
      );
      // Barrier: B is blocked on A's uncommitted role (a lock wait, read from pg_locks; no sleep).
      for (;;) {
        const waiting = (await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_locks WHERE pid = $1 AND NOT granted', [bPid])).rows[0]!.n;
        if (waiting > 0) break;
      }
      await a!.exec('COMMIT');
      expect(await bRun).toBe('committed');
      await a!.exec(renderProtectionSql(fresh).up);
      for (const db of [a!, b!]) expect(await verifyProtection(db, fresh)).toEqual([]);
    } finally {
      for (const db of [a!, b!]) {
        await db.exec('ROLLBACK').catch(() => {});
        await db.exec(renderProtectionSql(fresh).down).catch(() => {});
        await db.close();
      }
      await Promise.all(dbs.map((d) => d.drop()));
      dbs = [];
      for (const r of [fresh.appRole, fresh.writerRole]) await admin.exec(`DROP ROLE IF EXISTS "${r}"`);
      await admin.close();
    }
  });

  it('a migrating login that may not create roles and is not a superuser gets the fix, and no event trigger (a notice says so)', async () => {
    const o = options();
    dbs = [await createScratchDatabase()];
    const db = await openPgDb(dbs[0]!.url);
    try {
      await migrateUp({ cwd: REPO, db, to: BASELINE_HEAD });
      await db.exec(`DO $$BEGIN CREATE ROLE "${tag}_owner" NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END$$; ALTER TABLE expenses OWNER TO "${tag}_owner"; GRANT CREATE ON SCHEMA public TO "${tag}_owner"`);
      const missing = protectionDefaults('expenses', { appRole: `${tag}_nobody_app`, writerRole: `${tag}_nobody_writer` });
      await expect(db.exec(`BEGIN; SET LOCAL ROLE "${tag}_owner"; ${renderProtectionSql(missing).up}; COMMIT`)).rejects.toThrow(
        new RegExp(`^finbrain protection: role ${tag}_nobody_app does not exist and ${tag}_owner may not create roles$`),
      );
      await db.exec('ROLLBACK');
      // With the roles made by an administrator, the owner installs the rest; no event trigger, the writer's check remains.
      for (const role of [o.appRole, o.writerRole]) await db.exec(`DO $$BEGIN CREATE ROLE "${role}" NOLOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END$$`);
      await db.exec(`BEGIN; SET LOCAL ROLE "${tag}_owner"; ${renderProtectionSql(o).up}; COMMIT`);
      expect((await db.query("SELECT count(*)::int AS n FROM pg_event_trigger WHERE evtname LIKE 'finbrain%'")).rows[0]!.n).toBe(0);
      expect(await verifyProtection(db, o)).toEqual([]);
    } finally {
      await db.close();
    }
  });
});
