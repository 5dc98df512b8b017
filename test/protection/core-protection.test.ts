import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import { SingleWriterViolationError } from '../../src/runtime/violation.js';
import { withWriter, inWriterContext } from '../../src/runtime/writer-context.js';
import { ExpenseValidationError } from '../../app/writer/expense-writer.js';
import { TEST_DATABASE_URL } from '../helpers/backends.js';
import { makeRig, type Rig } from './setup.js';

/**
 * The core protection tests: each one tries to break a layer of the
 * single-writer protection (runtime guard, database guard, writer, standards,
 * monitor). CI runs them on real Postgres and on PGlite.
 */
const INSERT = "INSERT INTO expenses (user_id, amount, currency, source) VALUES (1, 10, 'BDT', 'chat')";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const name of ['pglite', 'postgres'] as const) {
  describe.skipIf(name === 'postgres' && !TEST_DATABASE_URL)(`core protection tests [${name}]`, () => {
    let rig: Rig;
    beforeEach(async () => {
      rig = await makeRig(name);
    });
    afterEach(() => rig.close());

    it('1. the runtime guard rejects a write outside the writer through the pool/instance, before it reaches the database', async () => {
      const err = await rig.query(INSERT).catch((e) => e);
      expect(err).toBeInstanceOf(SingleWriterViolationError);
      expect(err).toMatchObject({ table: 'expenses', operation: 'insert' });
      expect(err.callingStack).toContain('core-protection.test.ts');
      expect((await rig.query('SELECT count(*)::int AS n FROM expenses')).rows[0].n).toBe(0);
      await expect(rig.query('WITH x AS (DELETE FROM expenses RETURNING *) SELECT * FROM x')).rejects.toBeInstanceOf(SingleWriterViolationError);
      expect((await rig.query('SELECT count(*)::int AS n FROM users')).rows[0].n).toBe(1);
    });

    it('2. … and inside a transaction', async () => {
      await expect(rig.inTransaction((q) => q("UPDATE expenses SET amount = 1").then(() => undefined))).rejects.toBeInstanceOf(SingleWriterViolationError);
    });

    it('3. the writer context does not leak across concurrent requests or into timers started elsewhere', async () => {
      let timerWrite: Promise<unknown> | undefined;
      const outside = async () => {
        await sleep(5);
        return rig.query(INSERT);
      };
      const results = await Promise.allSettled([
        withWriter(async () => {
          await sleep(10);
          expect(inWriterContext()).toBe(true);
          return 'writer';
        }),
        outside(),
        (async () => {
          // Started outside the writer while the writer is busy: still outside.
          await sleep(2);
          timerWrite = new Promise((resolve) => setTimeout(() => resolve(rig.query(INSERT).catch((e) => e)), 1));
          return timerWrite;
        })(),
      ]);
      expect(results[0]).toMatchObject({ status: 'fulfilled', value: 'writer' });
      expect(results[1]).toMatchObject({ status: 'rejected' });
      expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(SingleWriterViolationError);
      expect(await timerWrite).toBeInstanceOf(SingleWriterViolationError);
      expect(inWriterContext()).toBe(false);
    });

    it('4. the database trigger rejects direct SQL and TRUNCATE without the writer marker', async () => {
      // Past the runtime guard (as a psql session would be): only the trigger stands.
      for (const sql of [INSERT, 'TRUNCATE expenses']) {
        const err = (await withWriter(() => rig.unguarded(sql)).catch((e) => e)) as { code?: string; message: string };
        expect(err?.code, sql).toBe('42501');
        expect(err.message).toMatch(/finbrain single-writer guard/);
      }
    });

    it('5. the writer passes both layers', async () => {
      const { result, replayed } = await rig.writer.create({ userId: 1, amount: '1250.50', currency: 'tk', source: ' Chat ' }, { actor: 'alice' });
      expect(replayed).toBe(false);
      expect(result).toMatchObject({ amount: '1250.5000', currency: 'BDT', source: 'chat' });
      expect((await rig.query('SELECT count(*)::int AS n FROM expenses')).rows[0].n).toBe(1);
      const upd = await rig.writer.update(result.id, { amount: '99.99', currency: '$' }, { actor: 'bob' });
      expect(upd.result).toMatchObject({ amount: '99.9900', currency: 'USD' });
      const del = await rig.writer.delete(result.id, { actor: 'carol' });
      expect(del.result?.id).toBe(result.id);
      expect(rig.violations).toEqual([]);
    });

    it('6. idempotency: a repeated request returns the first result and writes nothing', async () => {
      const input = { userId: 1, amount: 10, currency: 'USD' };
      const first = await rig.writer.create(input, { actor: 'a', idempotencyKey: 'req-000000001' });
      const again = await rig.writer.create({ ...input, amount: 20 }, { actor: 'a', idempotencyKey: 'req-000000001' });
      expect(again.replayed).toBe(true);
      expect(again.result.id).toBe(first.result.id);
      expect(again.result.amount).toBe('10.0000');
      expect((await rig.query('SELECT count(*)::int AS n FROM expenses')).rows[0].n).toBe(1);
      expect((await rig.query('SELECT count(*)::int AS n FROM expense_audit')).rows[0].n).toBe(1);
    });

    it('7. audit rows are written atomically with the change, with who, what, before and after', async () => {
      const { result } = await rig.writer.create({ userId: 1, amount: '5', currency: 'EUR' }, { actor: 'alice' });
      await rig.writer.update(result.id, { amount: '6' }, { actor: 'bob' });
      const audit = (await rig.query('SELECT action, actor, before, after FROM expense_audit ORDER BY id')).rows;
      expect(audit.map((a) => [a.action, a.actor])).toEqual([
        ['create', 'alice'],
        ['update', 'bob'],
      ]);
      expect(audit[1].before.amount).toBe('5.0000');
      expect(audit[1].after.amount).toBe('6.0000');
      // A failing write (unknown category: FK violation) leaves neither the expense nor its audit row.
      await expect(rig.writer.create({ userId: 1, amount: '7', currency: 'EUR', categoryId: 999 }, { actor: 'x' })).rejects.toMatchObject({ code: '23503' });
      expect((await rig.query('SELECT count(*)::int AS n FROM expenses')).rows[0].n).toBe(1);
      expect((await rig.query('SELECT count(*)::int AS n FROM expense_audit')).rows[0].n).toBe(2);
    });

    it('8. the monitor counts violations from both layers and writer outcomes', async () => {
      await rig.query(INSERT).catch(() => {});
      await withWriter(() => rig.query(INSERT)).catch(() => {});
      await rig.writer.create({ userId: 1, amount: '1', currency: 'BDT' }, { actor: 'a' });
      await rig.writer.create({ userId: 1, amount: '1', currency: 'ZZZ' }, { actor: 'a' }).catch(() => {});
      await sleep(50);
      const metrics = await rig.monitor.registry.metrics();
      expect(metrics).toContain('finbrain_single_writer_violations_total{layer="runtime"} 1');
      expect(metrics).toContain('finbrain_single_writer_violations_total{layer="database"} 1');
      expect(metrics).toContain('finbrain_writer_operations_total{operation="create",outcome="ok"} 1');
      expect(metrics).toContain('finbrain_writer_operations_total{operation="create",outcome="validation"} 1');
      const stats = (await rig.query('SELECT operation, outcome, count::int AS n FROM expense_writer_stats ORDER BY 1, 2')).rows;
      expect(stats).toEqual([
        { operation: 'create', outcome: 'ok', n: 1 },
        { operation: 'create', outcome: 'validation', n: 1 },
        { operation: 'violation:database', outcome: 'violation', n: 1 },
        { operation: 'violation:runtime', outcome: 'violation', n: 1 },
      ]);
    });

    it('9. bulk import is all or nothing, and validation errors name the row and field', async () => {
      const err = await rig.writer
        .bulkImport(
          [
            { userId: 1, amount: '1', currency: 'BDT' },
            { userId: 1, amount: '1.234', currency: 'BDT' },
          ],
          { actor: 'importer' },
        )
        .catch((e) => e);
      expect(err).toBeInstanceOf(ExpenseValidationError);
      expect(err.message).toMatch(/\[1\]\.amount: "1.234" has 3 decimal places; this currency allows at most 2/);
      const ok = await rig.writer.bulkImport([{ userId: 1, amount: '1', currency: 'jpy' }, { userId: 1, amount: '2.5', currency: '£' }], { actor: 'importer' });
      expect(ok.result.map((r) => [r.currency, r.source])).toEqual([
        ['JPY', 'import'],
        ['GBP', 'import'],
      ]);
      expect((await rig.query("SELECT count(*)::int AS n FROM expense_audit WHERE action = 'import'")).rows[0].n).toBe(2);
    });
  });
}

describe.skipIf(!TEST_DATABASE_URL)('core protection tests: rollout mode and pg escape routes [postgres]', () => {
  let rig: Rig;
  afterEach(() => rig?.close());

  it('10. pool.connect() clients, QueryConfig, new Query and callback-style query are all guarded', async () => {
    rig = await makeRig('postgres');
    const client = await rig.pool!.connect();
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
      // Callback style: the flag is read when query() is entered, inside the writer…
      const cbInside = await new Promise((resolve) => withWriter(() => void client.query("SELECT set_config('finbrain.writer','canonical',false)", () => client.query(INSERT, (e: unknown) => resolve(e ?? 'ok')))));
      expect(cbInside).toBeInstanceOf(SingleWriterViolationError);
    } finally {
      await client.query("RESET finbrain.writer").catch(() => {});
      client.release();
    }
    const cb = await new Promise((resolve) => rig.pool!.query(INSERT, (e: unknown) => resolve(e)));
    expect(cb).toBeInstanceOf(SingleWriterViolationError);
  });

  it('13. the marker is transaction-local: a reused (pooled) connection does not keep it after COMMIT', async () => {
    rig = await makeRig('postgres');
    const c = new pg.Client({ connectionString: (rig.pool as unknown as { options: { connectionString: string } }).options.connectionString });
    await c.connect();
    try {
      await c.query('BEGIN');
      await c.query("SELECT set_config('finbrain.writer', 'canonical', true)");
      await c.query("INSERT INTO expenses (user_id, amount) VALUES (1, 1)");
      await c.query('COMMIT');
      // The next transaction on the same server connection (as pgbouncer would hand it to another client).
      const err = await c.query("INSERT INTO expenses (user_id, amount) VALUES (1, 2)").catch((e) => e);
      expect(err.code).toBe('42501');
    } finally {
      await c.end();
    }
  });

  it('14. a database-guard rejection of a callback-style query is counted as a violation', async () => {
    rig = await makeRig('postgres');
    const client = await rig.pool!.connect();
    try {
      // Inside the writer context the runtime guard lets it pass; without the marker the trigger refuses it.
      const err = await new Promise((resolve) => withWriter(() => void client.query(INSERT, (e: unknown) => resolve(e))));
      expect((err as { code?: string }).code).toBe('42501');
      expect(rig.violations.map((v) => v.layer)).toEqual(['database']);
    } finally {
      client.release();
    }
  });

  it('11. rollout mode logs the violation instead of throwing', async () => {
    rig = await makeRig('postgres', 'log');
    // The runtime layer lets it through and reports it; the database layer still refuses.
    const err = await rig.query(INSERT).catch((e) => e);
    expect(err?.code).toBe('42501');
    expect(rig.violations.map((v) => v.layer)).toEqual(['runtime', 'database']);
  });
});

describe('core protection tests: data standards', () => {
  it('12. normalises currency aliases, sources and amounts, and rejects with the field and why', async () => {
    const { expenseInputSchema } = await import('../../src/standards/index.js');
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
    expect(reject({ currency: 'XYZ' })).toBe('currency: "XYZ" is not an ISO 4217 currency or a known alias (e.g. BDT, USD, tk, $)');
    expect(reject({ amount: '10.123' })).toMatch(/^amount: "10.123" has 3 decimal places; this currency allows at most 2$/);
    expect(reject({ amount: '100.5', currency: 'JPY' })).toMatch(/allows at most 0/);
    expect(reject({ amount: '-5' })).toMatch(/^amount: .*must be positive/);
    expect(reject({ amount: '0.00' })).toMatch(/greater than zero/);
    expect(reject({ amount: '1e3' })).toMatch(/not a decimal number/);
    expect(reject({ amount: '2000000000' })).toMatch(/exceeds the maximum/);
    expect(reject({ source: 'fax' })).toBe('source: "fax" is not an allowed source (chat, form, api, import)');
    expect(s.parse({ userId: 1, amount: '12.345', currency: 'KWD' }).amount).toBe('12.345');
  });
});
