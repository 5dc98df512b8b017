import { afterEach, beforeEach, expect, it } from 'vitest';
import { migrateDown, migrateUp } from '../../src/migrate/engine.js';
import { describeEachBackend, type TestDatabase } from '../helpers/backends.js';
import { REPO } from './setup.js';

const MARK = "SELECT set_config('finbrain.writer', 'canonical', true)";

describeEachBackend('core protection tests: append-only audit trail', (backend) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await backend.create();
    await migrateUp({ cwd: REPO, db: t.db });
    await t.db.exec(`BEGIN; ${MARK}; INSERT INTO expense_audit (expense_id, action, actor) VALUES (1, 'create', 'writer'); COMMIT;`);
  });
  afterEach(() => t.dispose());

  it('refuses UPDATE, DELETE and TRUNCATE of audit rows, even with the writer marker', async () => {
    for (const sql of ["UPDATE expense_audit SET actor = 'mallory'", 'DELETE FROM expense_audit', 'TRUNCATE expense_audit']) {
      await expect(t.db.exec(`BEGIN; ${MARK}; ${sql}; COMMIT;`)).rejects.toThrow(/finbrain audit trail: (UPDATE|DELETE|TRUNCATE) on expense_audit is not allowed; the audit trail is append-only/);
      await t.db.exec('ROLLBACK').catch(() => {});
    }
    expect((await t.db.query('SELECT actor FROM expense_audit')).rows).toEqual([{ actor: 'writer' }]);
  });

  it('refuses an audit row forged outside the canonical writer', async () => {
    await expect(t.db.query("INSERT INTO expense_audit (expense_id, action, actor) VALUES (1, 'delete', 'mallory')")).rejects.toThrow(
      /finbrain single-writer guard: INSERT on expense_audit/,
    );
  });

  it('reverts cleanly: after migrate down one step the audit table is writable again', async () => {
    await migrateDown({ cwd: REPO, db: t.db, steps: 1 });
    await t.db.query("UPDATE expense_audit SET actor = 'fixed'");
    expect((await t.db.query('SELECT actor FROM expense_audit')).rows).toEqual([{ actor: 'fixed' }]);
  });
});
