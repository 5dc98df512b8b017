import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrateDown, migrateUp } from '../../src/migrate/engine.js';
import { verifyProtection } from '../../src/protection/index.js';
import { EXPENSES_PROTECTION, EXPENSES_PROTECTION_REVISION, renderedRevision } from '../../app/protection/expenses-protection.js';
import { describeEachBackend, type TestDatabase } from '../helpers/backends.js';
import { runCli } from '../helpers/cli.js';
import { REPO } from '../protection/setup.js';

describe("FinBrain's protection revision", () => {
  it('is exactly what renderProtectionSql renders for expenses (re-paste: npx tsx app/protection/expenses-protection.ts --write)', () => {
    const current = readFileSync(EXPENSES_PROTECTION_REVISION, 'utf8');
    expect(current).toBe(renderedRevision(current));
  });

  it('passes the migration lint with the rest of FinBrain\'s revisions', async () => {
    const r = await runCli(['check', 'migrations', '--format', 'json'], { cwd: REPO });
    expect(r.code, r.stdout + r.stderr).toBe(0);
  });
});

/**
 * FinBrain's own chain, as deployed: it uses the default role names
 * finbrain_app and finbrain_writer. Roles are cluster-wide and the revision
 * creates them race-safely and never drops them, so these tests leave them in
 * place (other databases of the cluster may use them); every other protection
 * test uses role names unique to its file and drops them.
 */
describeEachBackend("FinBrain's revisions on a real database", (backend) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await backend.create();
  });
  afterEach(() => t.dispose());

  it('migrate up installs a verified protection, the data migration runs as the writer role, and down/up round-trips', async () => {
    await migrateUp({ cwd: REPO, db: t.db, to: 'c4d1e8a9b0f2' });
    expect(await verifyProtection(t.db, EXPENSES_PROTECTION)).toEqual([]);
    await t.db.exec("INSERT INTO users (external_id) VALUES ('u1')");
    await t.db.exec("BEGIN; SET LOCAL ROLE finbrain_writer; INSERT INTO expenses (user_id, amount, currency, source) VALUES (1, 10, 'tk', ' Chat'); COMMIT");
    await migrateUp({ cwd: REPO, db: t.db });
    expect((await t.db.query('SELECT currency, source FROM expenses')).rows).toEqual([{ currency: 'BDT', source: 'chat' }]);
    // The data migration left the session as it found it (the ledger row was written by the migrating login).
    expect((await t.db.query('SELECT current_user AS u')).rows[0]).toEqual({ u: 'postgres' });
    await migrateDown({ cwd: REPO, db: t.db, to: '30b14b696ef7' });
    expect(await verifyProtection(t.db, EXPENSES_PROTECTION)).toEqual([expect.stringContaining('is not installed')]);
    await migrateUp({ cwd: REPO, db: t.db });
    expect(await verifyProtection(t.db, EXPENSES_PROTECTION)).toEqual([]);
  });
});
