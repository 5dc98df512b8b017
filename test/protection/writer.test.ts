import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterEach, beforeEach, expect, it } from 'vitest';
import {
  IdempotencyConflictError,
  StandardsValidationError,
  WriterMonitor,
  createExpenseWriter,
  createGuard,
  guardPgPool,
  guardPglite,
  type ExpenseWriter,
} from '../../src/index.js';
import { wrapPglite } from '../../src/db/pglite-db.js';
import { describeEachBackend, type TestDatabase } from '../helpers/backends.js';
import { applyMigrations } from './schema.js';

describeEachBackend('core protection tests: canonical writer', (backend) => {
  let t: TestDatabase;
  let writer: ExpenseWriter;
  let monitor: WriterMonitor;
  let closeTarget: () => Promise<void>;
  let read: (sql: string) => Promise<any[]>;

  beforeEach(async () => {
    monitor = new WriterMonitor();
    const guard = await createGuard({ monitor });
    if (backend.name === 'postgres') {
      t = await backend.create();
      await applyMigrations(t.db);
      // The writer goes through a *guarded* pool: it must pass both layers.
      const pool = guardPgPool(new pg.Pool({ connectionString: t.url, max: 4 }), guard);
      writer = createExpenseWriter({ db: pool, monitor, actor: 'test' });
      read = async (sql) => (await pool.query(sql)).rows;
      closeTarget = async () => {
        await pool.end();
        await t.dispose();
      };
    } else {
      const instance = await PGlite.create();
      await applyMigrations(wrapPglite(instance));
      guardPglite(instance, guard);
      writer = createExpenseWriter({ db: instance, monitor, actor: 'test' });
      read = async (sql) => (await instance.query(sql)).rows as any[];
      closeTarget = () => instance.close();
    }
    await read(`INSERT INTO users (external_id) VALUES ('u1'), ('u2')`);
  });
  afterEach(() => closeTarget());

  it('creates, updates and deletes through both guards, normalising input', async () => {
    const created = await writer.create({ userId: 1, amount: '120.50', currency: 'tk', source: ' Chat ' });
    expect(created.replayed).toBe(false);
    expect(created.value).toMatchObject({ id: '1', userId: '1', amount: '120.5', currency: 'BDT', source: 'chat' });
    const updated = await writer.update(created.value.id, { amount: 99, currency: '$' });
    expect(updated.value).toMatchObject({ amount: '99', currency: 'USD', source: 'chat' });
    const deleted = await writer.delete(created.value.id);
    expect(deleted.value.id).toBe('1');
    expect(await read('SELECT * FROM expenses')).toEqual([]);
  });

  it('writes one audit row per change with who, what, before, after and when', async () => {
    const { value } = await writer.create({ userId: 1, amount: '10' }, { actor: 'alice' });
    await writer.update(value.id, { description: 'lunch' }, { actor: 'bob' });
    await writer.delete(value.id, { actor: 'carol' });
    const history = await writer.history(value.id);
    expect(history.map((h) => [h.operation, h.actor])).toEqual([
      ['create', 'alice'],
      ['update', 'bob'],
      ['delete', 'carol'],
    ]);
    expect(history[0]!.before).toBeNull();
    expect(history[1]!.before).toMatchObject({ description: null });
    expect(history[1]!.after).toMatchObject({ description: 'lunch' });
    expect(history[2]!.after).toBeNull();
    expect(Number.isNaN(Date.parse(history[0]!.at))).toBe(false);
  });

  it('returns the first result for a repeated idempotency key and writes nothing', async () => {
    const first = await writer.create({ userId: 1, amount: '5' }, { idempotencyKey: 'req-1' });
    const again = await writer.create({ userId: 1, amount: '5' }, { idempotencyKey: 'req-1' });
    expect(again).toEqual({ value: first.value, replayed: true });
    expect(await read('SELECT count(*)::int AS n FROM expenses')).toEqual([{ n: 1 }]);
    expect(await read('SELECT count(*)::int AS n FROM expense_audit')).toEqual([{ n: 1 }]);
    await expect(writer.create({ userId: 1, amount: '6' }, { idempotencyKey: 'req-1' })).rejects.toBeInstanceOf(IdempotencyConflictError);
    const del1 = await writer.delete(first.value.id, { idempotencyKey: 'del-1' });
    const del2 = await writer.delete(first.value.id, { idempotencyKey: 'del-1' });
    expect(del2).toEqual({ value: del1.value, replayed: true });
  });

  it('is atomic: a failing batch leaves no expense, audit or idempotency row', async () => {
    await expect(
      writer.bulkImport([{ userId: 1, amount: '1' }, { userId: 999, amount: '2' }], { idempotencyKey: 'batch-1' }),
    ).rejects.toThrow(/userId: refers to no existing user/);
    expect(await read('SELECT count(*)::int AS n FROM expenses')).toEqual([{ n: 0 }]);
    expect(await read('SELECT count(*)::int AS n FROM expense_audit')).toEqual([{ n: 0 }]);
    expect(await read('SELECT count(*)::int AS n FROM writer_idempotency')).toEqual([{ n: 0 }]);
    const ok = await writer.bulkImport([{ userId: 1, amount: '1' }, { userId: 2, amount: '2', source: 'API' }], { idempotencyKey: 'batch-1' });
    expect(ok.value.map((e) => e.source)).toEqual(['import', 'api']);
    expect(await read('SELECT count(*)::int AS n FROM expense_audit')).toEqual([{ n: 2 }]);
  });

  it('rejects bad input before writing, naming each field (bulk rows by index)', async () => {
    await expect(writer.create({ userId: 1, amount: '1.234', currency: 'doubloons' })).rejects.toThrow(/currency: unknown currency "doubloons"/);
    const error = await writer.bulkImport([{ userId: 1, amount: '1' }, { userId: 1, amount: '-3' }]).catch((e) => e);
    expect(error).toBeInstanceOf(StandardsValidationError);
    expect(error.issues[0].field).toBe('rows[1].amount');
    await expect(writer.update(42, { amount: '1' })).rejects.toThrow(/expense 42 does not exist/);
    expect(await read('SELECT count(*)::int AS n FROM expenses')).toEqual([{ n: 0 }]);
    const metrics = await monitor.registry.getSingleMetricAsString('finbrain_writer_operations_total');
    expect(metrics).toMatch(/operation="create",outcome="validation_error"} 1/);
    expect(metrics).toMatch(/operation="update",outcome="conflict"} 1/);
  });
});
