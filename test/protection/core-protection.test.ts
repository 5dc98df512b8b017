import { EventEmitter } from 'node:events';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { SingleWriterViolationError } from '../../src/runtime/violation.js';
import { IdempotencyConflictError, TransactionClosedError, WriterValidationError } from '../../src/writer/errors.js';
import type { WriteTx } from '../../src/writer/canonical-writer.js';
import { ExpenseValidationError } from '../../app/writer/expense-writer.js';
import { TEST_DATABASE_URL } from '../helpers/backends.js';
import { baselineSnapshot, fileProtection, makeRig, rigLifecycle, type Rig } from './setup.js';

const fileRole = () => fileProtection().appRole;

/**
 * The core protection tests: each one tries to break a layer of the
 * single-writer protection (runtime guard, database privileges, trigger,
 * writer, standards, monitor). Every test gets its own clone of the app
 * schema; they run on PGlite and on the real server.
 */
rigLifecycle();

const INSERT = "INSERT INTO expenses (user_id, amount, currency, source) VALUES (1, 10, 'BDT', 'chat')";
const count = async (rig: Rig, table = 'expenses') => (await rig.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n as number;

/** A promise and the function that resolves it: an explicit barrier, no sleeps. */
function barrier<T = unknown>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

for (const name of ['pglite', 'postgres'] as const) {
  describe.skipIf(name === 'postgres' && !TEST_DATABASE_URL)(`core protection tests [${name}]`, () => {
    let rig: Rig;
    afterEach(() => rig?.close());

    it('1. the runtime guard rejects a write outside the writer on the application handle, before it reaches the database', async () => {
      rig = await makeRig(name);
      const before = await rig.snapshot();
      const err = await rig.query(INSERT).catch((e) => e);
      expect(err).toBeInstanceOf(SingleWriterViolationError);
      expect(err).toMatchObject({ kind: 'write', table: 'public.expenses', operation: 'insert' });
      expect(err.callingStack).toContain('core-protection.test.ts');
      await expect(rig.query('WITH x AS (DELETE FROM expenses RETURNING *) SELECT * FROM x')).rejects.toBeInstanceOf(SingleWriterViolationError);
      // The marker the old trigger trusted grants nothing: the DO body is read too.
      await expect(rig.query("SELECT set_config('finbrain.writer','canonical',true); DO $$BEGIN DELETE FROM expenses; END$$")).rejects.toMatchObject({
        kind: 'write',
        detail: 'in a DO block',
      });
      expect(await rig.snapshot()).toEqual(before);
      expect(await count(rig, 'users')).toBe(2);
    });

    it('2. … and inside a transaction', async () => {
      rig = await makeRig(name);
      await expect(rig.inTransaction((q) => q('UPDATE expenses SET amount = 1').then(() => undefined))).rejects.toBeInstanceOf(SingleWriterViolationError);
    });

    it('3. nothing scheduled from inside the writer, and no handle kept past it, obtains the right to write', async () => {
      rig = await makeRig(name);
      const before = await rig.snapshot();
      const timer = barrier();
      const immediate = barrier();
      const listener = barrier();
      const late = barrier();
      const emitter = new EventEmitter();
      emitter.on('written', () => listener.resolve(rig.query('DELETE FROM expenses').catch((e) => e)));
      let kept: WriteTx | undefined;
      await rig.writer.writer.run('custom', { actor: 'x', request: {} }, async (w) => {
        kept = w;
        setTimeout(() => timer.resolve(rig.query('DELETE FROM expenses').catch((e) => e)), 0);
        setImmediate(() => immediate.resolve(rig.query('TRUNCATE expenses_audit').catch((e) => e)));
        emitter.emit('written');
        // A promise that outlives the operation: it writes after the writer returned.
        void Promise.resolve().then(async () => late.resolve(await rig.query(INSERT).catch((e) => e)));
        return null;
      });
      for (const b of [timer, immediate, listener, late]) expect(await b.promise).toBeInstanceOf(SingleWriterViolationError);
      // The writer's own handle is revoked when the operation returns.
      await expect(kept!.delete(1)).rejects.toBeInstanceOf(TransactionClosedError);
      await expect(rig.transactor(async (tx) => tx).then((tx) => tx.query('SELECT 1'))).rejects.toBeInstanceOf(TransactionClosedError);
      expect(await rig.snapshot()).toEqual(before);
    });

    it('4. past the runtime guard, the database refuses: privileges for application logins, the trigger for the owner, whatever marker is set', async () => {
      const WRITES = [INSERT, 'DELETE FROM expenses', 'TRUNCATE expenses', "INSERT INTO expenses_audit (row_id, action, actor) VALUES ('1', 'delete', 'mallory')", 'DELETE FROM expenses_requests'];
      const MARK = "SELECT set_config('finbrain.writer', 'canonical', false)";
      const refusals: Record<string, unknown> = {};
      rig = await makeRig(name, {
        beforeGuard: async (owner) => {
          // The owner (a superuser here) bypasses privileges: only the tripwire stands, and no marker opens it.
          refusals.owner = await owner.exec(`${MARK}; ${INSERT}`).catch((e) => e);
          if (name !== 'pglite') return;
          // PGlite has one session: the application role is what an application statement runs as.
          for (const sql of WRITES) refusals[sql] = await owner.exec(`SET ROLE "${fileRole()}"; ${MARK}; ${sql}`).catch((e) => e);
        },
      });
      expect(refusals.owner).toMatchObject({ code: '42501', message: expect.stringMatching(/^finbrain single-writer guard: INSERT on public\.expenses is only allowed to the canonical writer/) });
      if (name === 'postgres') {
        // An unguarded connection of an application login, with the old marker as a connection option.
        const c = new pg.Client({ connectionString: rig.url!('app'), options: '-c finbrain.writer=canonical' });
        await c.connect();
        try {
          for (const sql of WRITES) refusals[sql] = await c.query(`${MARK}; ${sql}`).catch((e) => e);
        } finally {
          await c.end();
        }
      }
      for (const sql of WRITES) {
        expect((refusals[sql] as { code?: string })?.code, sql).toBe('42501');
        expect((refusals[sql] as Error).message, sql).toMatch(/^permission denied for table expenses(_audit|_requests)?$/);
      }
      expect(await rig.snapshot()).toEqual(await baselineSnapshot(name));
    });

    it('5. the writer passes every layer', async () => {
      rig = await makeRig(name);
      const { result, replayed } = await rig.writer.create({ userId: 1, amount: '1250.50', currency: 'tk', source: ' Chat ' }, { actor: 'alice' });
      expect(replayed).toBe(false);
      expect(result).toMatchObject({ amount: '1250.5000', currency: 'BDT', source: 'chat' });
      expect(await count(rig)).toBe(3);
      const upd = await rig.writer.update(result.id, { amount: '99.99', currency: '$' }, { actor: 'bob' });
      expect(upd.result).toMatchObject({ amount: '99.9900', currency: 'USD' });
      const del = await rig.writer.delete(result.id, { actor: 'carol' });
      expect(del.result?.id).toBe(result.id);
      expect(await rig.writer.delete(result.id, { actor: 'carol' })).toEqual({ result: null, replayed: false });
      expect(rig.violations).toEqual([]);
    });

    it('6. idempotency: a retry gets the first result and writes nothing; the key with a different request, or another operation, is a conflict', async () => {
      rig = await makeRig(name);
      const input = { userId: 1, amount: 10, currency: 'USD' };
      const first = await rig.writer.create(input, { actor: 'a', idempotencyKey: 'req-000000001' });
      const again = await rig.writer.create({ ...input }, { actor: 'a', idempotencyKey: 'req-000000001' });
      expect(again).toEqual({ result: first.result, replayed: true });
      const before = await rig.snapshot();
      // Behaviour changed on purpose: a reused key with another amount used to replay the first result silently.
      const conflict = await rig.writer.create({ ...input, amount: 20 }, { actor: 'a', idempotencyKey: 'req-000000001' }).catch((e) => e);
      expect(conflict).toBeInstanceOf(IdempotencyConflictError);
      expect(conflict.message).toBe('idempotency key "req-000000001" was already used for a different create request');
      // delete() with create()'s key used to report a replay and delete nothing.
      const del = await rig.writer.delete(first.result.id, { actor: 'a', idempotencyKey: 'req-000000001' }).catch((e) => e);
      expect(del).toBeInstanceOf(IdempotencyConflictError);
      expect(del.message).toBe('idempotency key "req-000000001" was already used for create, not delete');
      expect(await rig.snapshot()).toEqual(before);
    });

    it('7. audit rows are written with the change, with who, what, before and after; a refused write leaves neither', async () => {
      rig = await makeRig(name);
      const { result } = await rig.writer.create({ userId: 1, amount: '5', currency: 'EUR' }, { actor: 'alice' });
      await rig.writer.update(result.id, { amount: '6' }, { actor: 'bob' });
      const audit = (await rig.query(`SELECT action, actor, before, after FROM expenses_audit WHERE row_id = $1 ORDER BY id`, [result.id])).rows;
      expect(audit.map((a) => [a.action, a.actor])).toEqual([
        ['create', 'alice'],
        ['update', 'bob'],
      ]);
      expect(Number(audit[1].before.amount)).toBe(5);
      expect(Number(audit[1].after.amount)).toBe(6);
      const before = await rig.snapshot();
      // An unknown category: a validation error naming the field and what is expected (it used to be the raw driver error 23503).
      const err = await rig.writer.create({ userId: 1, amount: '7', currency: 'EUR', categoryId: 999 }, { actor: 'x' }).catch((e) => e);
      expect(err).toBeInstanceOf(ExpenseValidationError);
      expect(err.message).toBe('categoryId: "999" does not exist in public.categories; expected the id of an existing public.categories row');
      const user = await rig.writer.create({ userId: 77, amount: '7', currency: 'EUR' }, { actor: 'x' }).catch((e) => e);
      expect(user.message).toBe('userId: "77" does not exist in public.users; expected the id of an existing public.users row');
      expect(await rig.snapshot()).toEqual(before);
    });

    it('8. the monitor counts violations from both layers and the writer outcomes', async () => {
      // Rollout mode lets the runtime guard's finding through, so the database's refusal is seen too.
      rig = await makeRig(name, { mode: 'log' });
      await rig.query(INSERT).catch(() => {});
      await rig.writer.create({ userId: 1, amount: '1', currency: 'BDT' }, { actor: 'a' });
      await rig.writer.create({ userId: 1, amount: '1', currency: 'ZZZ' }, { actor: 'a' }).catch(() => {});
      const metrics = await rig.monitor.registry.metrics();
      expect(metrics).toContain('finbrain_single_writer_violations_total{layer="runtime"} 1');
      expect(metrics).toContain('finbrain_single_writer_violations_total{layer="database"} 1');
      expect(metrics).toContain('finbrain_writer_operations_total{operation="expenses.create",outcome="ok"} 1');
      expect(metrics).toContain('finbrain_writer_operations_total{operation="expenses.create",outcome="validation"} 1');
      // record() awaits its rollup; the guard's callback started the violation rollups: wait for those explicitly.
      await rig.settled();
      expect((await rig.query('SELECT operation, outcome, count::int AS n FROM finbrain_writer_stats ORDER BY 1, 2')).rows).toEqual([
          { operation: 'expenses.create', outcome: 'ok', n: 1 },
          { operation: 'expenses.create', outcome: 'validation', n: 1 },
          { operation: 'violation:database', outcome: 'violation', n: 1 },
          { operation: 'violation:runtime', outcome: 'violation', n: 1 },
        ]);
    });

    it('9. bulk import is all or nothing, and validation errors name the row and field', async () => {
      rig = await makeRig(name);
      const before = await rig.snapshot();
      const err = await rig.writer
        .bulkImport(
          [
            { userId: 1, amount: '1', currency: 'BDT' },
            { userId: 1, amount: '1.234', currency: 'BDT' },
            { userId: 1, amount: '3', currency: 'BDT', categoryId: 5 },
          ],
          { actor: 'importer' },
        )
        .catch((e) => e);
      expect(err).toBeInstanceOf(WriterValidationError);
      expect(err.message).toBe('[1].amount: "1.234" has 3 decimal places; expected at most 2 for this currency');
      const fk = await rig.writer.bulkImport([{ userId: 1, amount: '1', currency: 'BDT' }, { userId: 1, amount: '3', currency: 'BDT', categoryId: 5 }], { actor: 'importer' }).catch((e) => e);
      expect(fk.message).toBe('[1].categoryId: "5" does not exist in public.categories; expected the id of an existing public.categories row');
      expect(await rig.snapshot()).toEqual(before);
      const ok = await rig.writer.bulkImport([{ userId: 1, amount: '1', currency: 'jpy' }, { userId: 1, amount: '2.5', currency: '£' }], { actor: 'importer' });
      expect(ok.result.map((r) => [r.currency, r.source])).toEqual([
        ['JPY', 'import'],
        ['GBP', 'import'],
      ]);
      expect((await rig.query("SELECT count(*)::int AS n FROM expenses_audit WHERE action = 'import'")).rows[0].n).toBe(2);
    });

    it('10. rollout mode reports the runtime finding and lets it through; the database still refuses it', async () => {
      rig = await makeRig(name, { mode: 'log' });
      const before = await rig.snapshot();
      const err = await rig.query(INSERT).catch((e) => e);
      expect(err?.code).toBe('42501');
      expect(err.message).toBe('permission denied for table expenses');
      expect(rig.violations.map((v) => v.layer)).toEqual(['runtime', 'database']);
      expect(await rig.snapshot()).toEqual(before);
    });
  });
}

describe.skipIf(!TEST_DATABASE_URL)('core protection tests: node-postgres call shapes [postgres]', () => {
  let rig: Rig;
  afterEach(() => rig?.close());

  it('11. pool.connect() clients, QueryConfig, new Query and callback-style query are all guarded', async () => {
    rig = await makeRig('postgres');
    const client = await rig.appPool!.connect();
    try {
      await expect(client.query(INSERT)).rejects.toBeInstanceOf(SingleWriterViolationError);
      await expect(client.query({ text: INSERT })).rejects.toBeInstanceOf(SingleWriterViolationError);
      const viaQuery = await new Promise((resolve) => {
        const q = new pg.Query(INSERT);
        q.on('error', resolve);
        q.on('end', () => resolve('reached the database'));
        client.query(q);
      });
      expect(viaQuery).toBeInstanceOf(SingleWriterViolationError);
      expect(await new Promise((resolve) => client.query(INSERT, (e: unknown) => resolve(e)))).toBeInstanceOf(SingleWriterViolationError);
    } finally {
      client.release();
    }
    expect(await new Promise((resolve) => rig.appPool!.query(INSERT, (e: unknown) => resolve(e)))).toBeInstanceOf(SingleWriterViolationError);
  });

  it('12. a database refusal of a callback-style query is counted as a database-layer violation', async () => {
    rig = await makeRig('postgres', { mode: 'log' });
    const client = await rig.appPool!.connect();
    try {
      const err = await new Promise((resolve) => client.query(INSERT, (e: unknown) => resolve(e)));
      expect((err as { code?: string }).code).toBe('42501');
      expect(rig.violations.map((v) => v.layer)).toEqual(['runtime', 'database']);
    } finally {
      client.release();
    }
  });

  it('13. the writer refuses to run on a login that is not in the writer role, and says how to fix it', async () => {
    rig = await makeRig('postgres');
    const wrongPool = new pg.Pool({ connectionString: rig.url!('app'), max: 1 });
    wrongPool.on('error', () => {});
    try {
      const { ExpenseWriter } = await import('../../app/writer/expense-writer.js');
      const { pgPoolTransactor } = await import('../../src/writer/transactor.js');
      const writer = new ExpenseWriter({ transactor: pgPoolTransactor(wrongPool), protection: rig.protection });
      const err = await writer.create({ userId: 1, amount: '1', currency: 'BDT' }, { actor: 'x' }).catch((e) => e);
      expect(err.code).toBe('writer-login');
      expect(err.message).toMatch(/connects with a login that may not write it: permission denied to set role/);
      expect(err.hint).toContain(`IN ROLE ${rig.protection.writerRole}`);
    } finally {
      await wrongPool.end();
    }
  });
});

describe('core protection tests: data standards', () => {
  it('14. normalises currency aliases, sources and amounts, and every refusal names the field and what is expected', async () => {
    const { expenseInputSchema } = await import('../../app/standards/expense.js');
    const s = expenseInputSchema();
    const ok = (currency: string) => s.parse({ userId: 1, amount: '1', currency }).currency;
    expect(['tk', 'Tk.', 'taka', '৳', 'bdt'].map(ok)).toEqual(['BDT', 'BDT', 'BDT', 'BDT', 'BDT']);
    expect(['$', '€', '£', '₹', 'usd'].map(ok)).toEqual(['USD', 'EUR', 'GBP', 'INR', 'USD']);
    expect(s.parse({ userId: 1, amount: '0012.50', currency: 'BDT', source: '  API ' })).toMatchObject({ amount: '12.5', source: 'api' });
    const reject = (input: object) => {
      const r = s.safeParse({ userId: 1, amount: '1', currency: 'BDT', ...input });
      expect(r.success).toBe(false);
      return r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    };
    const PLAIN = 'expected a plain decimal number such as "1250.50" (digits and at most one ".")';
    expect(reject({ currency: 'XYZ' })).toBe('currency: "XYZ" is not an ISO 4217 currency or a known alias; expected e.g. BDT, USD, tk, $');
    expect(reject({ amount: '10.123' })).toBe('amount: "10.123" has 3 decimal places; expected at most 2 for this currency');
    expect(reject({ amount: '100.5', currency: 'JPY' })).toBe('amount: "100.5" has 1 decimal places; expected at most 0 for this currency');
    expect(reject({ amount: '-5' })).toBe('amount: "-5" is negative; expected an amount greater than zero');
    expect(reject({ amount: '0.00' })).toBe('amount: "0.00" is zero; expected an amount greater than zero');
    expect(reject({ amount: '1e3' })).toBe(`amount: "1e3" is not a plain decimal number; ${PLAIN}`);
    // Behaviour changed on purpose: "1_000" used to be accepted as 1000, NaN gave "amount: Invalid input".
    expect(reject({ amount: '1_000' })).toBe(`amount: "1_000" is not a plain decimal number; ${PLAIN}`);
    expect(reject({ amount: '1,000' })).toBe(`amount: "1,000" is not a plain decimal number; ${PLAIN}`);
    expect(reject({ amount: Number.NaN })).toBe(`amount: NaN is not an amount; ${PLAIN}`);
    expect(reject({ amount: Number.POSITIVE_INFINITY })).toBe(`amount: Infinity is not an amount; ${PLAIN}`);
    expect(reject({ amount: undefined })).toBe(`amount: is missing; ${PLAIN}`);
    expect(reject({ amount: '2000000000' })).toBe('amount: "2000000000" exceeds the maximum; expected at most 1000000000');
    expect(reject({ source: 'fax' })).toBe('source: "fax" is not an allowed source; expected one of chat, form, api, import');
    expect(reject({ userId: 'abc' })).toBe('userId: expected the id of an existing user (a positive whole number)');
    expect(reject({ occurredAt: 'yesterday' })).toBe('occurredAt: expected a date and time (ISO 8601, e.g. 2026-01-31T12:00:00Z)');
    expect(s.parse({ userId: 1, amount: '12.345', currency: 'KWD' }).amount).toBe('12.345');
  });
});
