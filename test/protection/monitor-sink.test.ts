import { PGlite } from '@electric-sql/pglite';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { wrapPglite } from '../../src/db/pglite-db.js';
import type { Db } from '../../src/db/types.js';
import { migrateUp } from '../../src/migrate/engine.js';
import { bufferedStatsSink, WriterMonitor, type BufferedStatsSink } from '../../src/runtime/monitor.js';
import { slaReport } from '../../src/monitor/sla.js';
import { ExpenseWriter } from '../../app/writer/expense-writer.js';
import { pgliteTransactor } from '../../src/writer/transactor.js';
import { describeEachBackend, type TestDatabase } from '../helpers/backends.js';
import { REPO } from './setup.js';

const TARGETS = { successRate: 0.999, p95Ms: 100, maxViolations: 0 };

describeEachBackend('core protection tests: buffered SLA rollups', (backend) => {
  let t: TestDatabase;
  let db: Db;
  let sink: BufferedStatsSink;
  beforeEach(async () => {
    t = await backend.create();
    db = t.db;
    await migrateUp({ cwd: REPO, db });
    sink = bufferedStatsSink((text, params) => db.query(text, params), { flushIntervalMs: 3_600_000 });
  });
  afterEach(async () => {
    await sink.close();
    await t.dispose();
  });

  it('adds records up in memory, writes one row per operation and outcome on flush, and the monitor counts the violation', async () => {
    const monitor = new WriterMonitor({ sink });
    for (let i = 0; i < 5; i++) await monitor.record('create', 'ok', 3 + i);
    await monitor.record('create', 'validation', 1);
    await monitor.violation('runtime');
    expect((await db.query('SELECT count(*)::int AS n FROM expense_writer_stats')).rows[0]!.n).toBe(0);
    await sink.flush();
    const rows = (await db.query('SELECT operation, outcome, count::int AS count FROM expense_writer_stats ORDER BY operation, outcome')).rows;
    expect(rows).toEqual([
      { operation: 'create', outcome: 'ok', count: 5 },
      { operation: 'create', outcome: 'validation', count: 1 },
      { operation: 'violation:runtime', outcome: 'violation', count: 1 },
    ]);
    // A second flush of more records adds to the same rows.
    await monitor.record('create', 'ok', 2);
    await sink.flush();
    const report = await slaReport(db, 60, TARGETS);
    expect(report.total).toBe(7);
    expect(report.violations.runtime).toBe(1);
    expect(report.breaches.join('; ')).toMatch(/violation/);
  });

  if (backend.name === 'pglite') {
    it('keeps the write path off the database: a writer create does no stats round trip until the flush', async () => {
      const raw = await PGlite.create();
      try {
        await migrateUp({ cwd: REPO, db: wrapPglite(raw) });
        await raw.query("INSERT INTO users (external_id) VALUES ('u1')");
        const own = bufferedStatsSink((text, params) => raw.query(text, params), { flushIntervalMs: 3_600_000 });
        const writer = new ExpenseWriter({ transactor: pgliteTransactor(raw), monitor: new WriterMonitor({ sink: own }) });
        await writer.create({ userId: 1, amount: '10.50', currency: 'tk', source: 'chat' }, { actor: 'test' });
        expect((await raw.query<{ n: number }>('SELECT count(*)::int AS n FROM expense_writer_stats')).rows[0]!.n).toBe(0);
        await own.close();
        expect((await raw.query<{ n: number }>("SELECT count::int AS n FROM expense_writer_stats WHERE operation = 'create' AND outcome = 'ok'")).rows).toEqual([{ n: 1 }]);
      } finally {
        await raw.close();
      }
    });
  }
});
