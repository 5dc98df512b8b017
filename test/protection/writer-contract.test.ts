import { afterEach, describe, expect, it } from 'vitest';
import { wrapPglite } from '../../src/db/pglite-db.js';
import { freshPglite } from '../helpers/fresh-pglite.js';
import { migrateUp } from '../../src/migrate/engine.js';
import { CanonicalWriter } from '../../src/writer/canonical-writer.js';
import { ProtectionMissingError } from '../../src/writer/errors.js';
import { pgPoolTransactor, pgliteTransactor } from '../../src/writer/transactor.js';
import { protectionDefaults } from '../../src/protection/index.js';
import { createScratchDatabase, describePostgres } from '../helpers/backends.js';
import pg from 'pg';
import { BASELINE_HEAD, REPO, makeRig, rigLifecycle, type Rig } from './setup.js';

/** The canonical writer's contract beyond refusals: where it writes, races, and what it says when its table is not protected yet. */
rigLifecycle();

describe('core protection tests: the writer writes where it means to [pglite]', () => {
  let rig: Rig;
  afterEach(() => rig?.close());

  it('a temp table named like the protected one in the session the writer shares (PGlite has one) does not divert its writes', async () => {
    rig = await makeRig('pglite', {
      beforeGuard: (o) => o.exec('CREATE TEMP TABLE expenses (LIKE public.expenses INCLUDING DEFAULTS); CREATE TEMP TABLE expenses_audit (LIKE public.expenses_audit)'),
    });
    expect(rig.ownerError).toBeUndefined();
    const { result } = await rig.writer.create({ userId: 1, amount: '3', currency: 'BDT' }, { actor: 'shadowed' });
    const where = await rig.transactor(async (tx) =>
      (await tx.script<{ real: number; shadow: number; audit: number }>(
        `SET LOCAL ROLE postgres; SELECT (SELECT count(*)::int FROM public.expenses WHERE id = ${Number(result.id)}) AS real, (SELECT count(*)::int FROM pg_temp.expenses) AS shadow, (SELECT count(*)::int FROM public.expenses_audit WHERE actor = 'shadowed') AS audit`,
      )).rows[0]!,
    );
    expect(where).toEqual({ real: 1, shadow: 0, audit: 1 });
  });
});

for (const backend of ['pglite', 'postgres'] as const) {
  describe.skipIf(backend === 'postgres' && !process.env.TEST_DATABASE_URL)(`core protection tests: idempotency under a race [${backend}]`, () => {
    let rig: Rig;
    afterEach(() => rig?.close());

    it('two creates with the same key at the same moment write one row; both get its result', async () => {
      rig = await makeRig(backend);
      const before = (await rig.query('SELECT count(*)::int AS n FROM expenses')).rows[0].n;
      const input = { userId: 1, amount: '42', currency: 'USD' };
      // Both requests are in flight before either finishes: the barrier is Promise.all over calls started together.
      const [a, b] = await Promise.all([rig.writer.create(input, { actor: 'a', idempotencyKey: 'race-key-0001' }), rig.writer.create(input, { actor: 'b', idempotencyKey: 'race-key-0001' })]);
      expect(a.result).toEqual(b.result);
      expect([a.replayed, b.replayed].sort()).toEqual([false, true]);
      expect((await rig.query('SELECT count(*)::int AS n FROM expenses')).rows[0].n).toBe(before + 1);
    });
  });
}

describe('core protection tests: the writer before its protection is installed', () => {
  it('names the missing table and the commands that create it [pglite]', async () => {
    const db = await freshPglite();
    try {
      await migrateUp({ cwd: REPO, db: wrapPglite(db), to: BASELINE_HEAD });
      const writer = new CanonicalWriter({ transactor: pgliteTransactor(db), protection: protectionDefaults('expenses') });
      const err = await writer.create({ user_id: 1, amount: '1' }, { actor: 'x' }).catch((e) => e);
      expect(err).toBeInstanceOf(ProtectionMissingError);
      expect(err.message).toBe(
        'the canonical writer of public.expenses cannot run: audit table public.expenses_audit, idempotency table public.expenses_requests, function public.finbrain_verify_expenses() do not exist',
      );
      expect(err.hint).toBe("Install the database side of the protection: `npx finbrain protect expenses --writer '<glob of the writer module>'`, then `npx finbrain migrate up`.");
      expect(err.exitCode).toBe(2);
    } finally {
      await db.close();
    }
  });
});

describePostgres('core protection tests: the writer before its protection is installed', () => {
  it('names the missing table and the fix on the server too (a table that does not exist at all)', async () => {
    const scratch = await createScratchDatabase();
    const pool = new pg.Pool({ connectionString: scratch.url, max: 1 });
    pool.on('error', () => {});
    try {
      const writer = new CanonicalWriter({ transactor: pgPoolTransactor(pool), protection: protectionDefaults('payments') });
      const err = await writer.delete(1, { actor: 'x' }).catch((e) => e);
      expect(err).toBeInstanceOf(ProtectionMissingError);
      expect(err.message).toMatch(/^the canonical writer of public\.payments cannot run: table public\.payments, audit table public\.payments_audit, .* do not exist$/);
      expect(err.hint).toContain('npx finbrain protect payments');
    } finally {
      await pool.end();
      await scratch.drop();
    }
  });
});

