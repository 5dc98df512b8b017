import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachBackend, type TestDatabase } from '../helpers/backends.js';
import { applyMigrations } from './schema.js';

describeEachBackend('core protection tests: database trigger guard', (backend) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await backend.create();
    await applyMigrations(t.db);
    await t.db.exec(`INSERT INTO users (external_id) VALUES ('u1')`);
  });
  afterEach(() => t.dispose());

  it('rejects a direct INSERT with a clear message', async () => {
    await expect(t.db.query(`INSERT INTO expenses (user_id, amount) VALUES (1, 10)`)).rejects.toThrow(
      /finbrain single-writer guard: INSERT on public.expenses outside the canonical writer/,
    );
    expect((await t.db.query('SELECT count(*)::int AS n FROM expenses')).rows[0]!.n).toBe(0);
  });

  it('rejects UPDATE, DELETE and TRUNCATE without the marker', async () => {
    await t.db.exec(`BEGIN; SET LOCAL finbrain.writer = 'canonical'; INSERT INTO expenses (user_id, amount) VALUES (1, 10); COMMIT;`);
    await expect(t.db.query(`UPDATE expenses SET amount = 11`)).rejects.toThrow(/guard: UPDATE on public.expenses/);
    await expect(t.db.query(`DELETE FROM expenses`)).rejects.toThrow(/guard: DELETE on public.expenses/);
    await expect(t.db.query(`TRUNCATE expenses`)).rejects.toThrow(/guard: TRUNCATE on public.expenses/);
    expect((await t.db.query('SELECT amount::text AS a FROM expenses')).rows).toEqual([{ a: '10.0000' }]);
  });

  it('lets a transaction with the writer marker through, and the marker ends with it', async () => {
    await t.db.exec(`BEGIN; SELECT set_config('finbrain.writer', 'canonical', true); INSERT INTO expenses (user_id, amount) VALUES (1, 5); COMMIT;`);
    // SET LOCAL is transaction-scoped: the same session (or a pgbouncer-shared server connection) is guarded again.
    await expect(t.db.query(`INSERT INTO expenses (user_id, amount) VALUES (1, 6)`)).rejects.toThrow(/single-writer guard/);
    expect((await t.db.query(`SELECT coalesce(current_setting('finbrain.writer', true), '') AS w`)).rows[0]!.w).toBe('');
  });

  it('keeps the audit trail append-only', async () => {
    await t.db.exec(`BEGIN; SET LOCAL finbrain.writer = 'canonical'; INSERT INTO expense_audit (expense_id, operation, actor) VALUES (1, 'create', 'x'); COMMIT;`);
    await expect(t.db.query(`INSERT INTO expense_audit (expense_id, operation, actor) VALUES (1, 'create', 'x')`)).rejects.toThrow(/single-writer guard/);
    await expect(t.db.query(`DELETE FROM expense_audit`)).rejects.toThrow(/append-only/);
    await expect(t.db.query(`TRUNCATE expense_audit`)).rejects.toThrow(/append-only/);
  });
});
