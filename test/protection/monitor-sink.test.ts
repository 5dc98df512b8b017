import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bufferedStatsSink, statsTableSink, WriterMonitor, type BufferedStatsSink } from '../../src/runtime/monitor.js';
import { slaReport } from '../../src/monitor/sla.js';
import { ExpenseWriter } from '../../app/writer/expense-writer.js';
import { TEST_DATABASE_URL } from '../helpers/backends.js';
import { makeRig, rigLifecycle, type Rig } from './setup.js';

rigLifecycle();

const TARGETS = { successRate: 0.999, p95Ms: 100, maxViolations: 0 };

for (const backend of ['pglite', 'postgres'] as const) {
  describe.skipIf(backend === 'postgres' && !TEST_DATABASE_URL)(`core protection tests: buffered SLA rollups [${backend}]`, () => {
    let rig: Rig;
    let sink: BufferedStatsSink;
    const query = (text: string, params: unknown[]) => rig.query(text, params);
    const db = () => ({ kind: 'pg' as const, label: 'rig', query: (t: string, p?: unknown[]) => rig.query(t, p), exec: async (t: string) => void (await rig.query(t)), close: async () => {} });
    beforeEach(async () => {
      rig = await makeRig(backend);
      sink = bufferedStatsSink(query, { flushIntervalMs: 3_600_000 });
    });
    afterEach(async () => {
      await sink.close();
      await rig.close();
    });

    it('adds records up in memory, writes one row per operation and outcome on flush, and the monitor counts the violation', async () => {
      const monitor = new WriterMonitor({ sink });
      for (let i = 0; i < 5; i++) await monitor.record('expenses.create', 'ok', 3 + i);
      await monitor.record('expenses.create', 'validation', 1);
      await monitor.violation('runtime');
      expect((await rig.query('SELECT count(*)::int AS n FROM finbrain_writer_stats')).rows[0]!.n).toBe(0);
      await sink.flush();
      const rows = (await rig.query('SELECT operation, outcome, count::int AS count FROM finbrain_writer_stats ORDER BY operation, outcome')).rows;
      expect(rows).toEqual([
        { operation: 'expenses.create', outcome: 'ok', count: 5 },
        { operation: 'expenses.create', outcome: 'validation', count: 1 },
        { operation: 'violation:runtime', outcome: 'violation', count: 1 },
      ]);
      await monitor.record('expenses.create', 'ok', 2);
      await sink.flush();
      const report = await slaReport(db(), 60, TARGETS);
      expect(report.total).toBe(7);
      expect(report.violations.runtime).toBe(1);
      expect(report.breaches.join('; ')).toMatch(/violation/);
    });

    it('keeps the write path off the database: a writer create does no stats round trip until the flush', async () => {
      const own = bufferedStatsSink(query, { flushIntervalMs: 3_600_000 });
      // Its own writer on the rig's writer connection (the rig's writer has a per-write sink).
      const writer = new ExpenseWriter({ transactor: rig.transactor, protection: rig.protection, monitor: new WriterMonitor({ sink: own }) });
      await writer.create({ userId: 1, amount: '10.50', currency: 'tk', source: 'chat' }, { actor: 'test' });
      expect((await rig.query('SELECT count(*)::int AS n FROM finbrain_writer_stats')).rows[0]!.n).toBe(0);
      await own.close();
      expect((await rig.query("SELECT count::int AS n FROM finbrain_writer_stats WHERE operation = 'expenses.create' AND outcome = 'ok'")).rows).toEqual([{ n: 1 }]);
    });

    it('a failing sink is reported, never silent: a counter, the callback, and the process warning by default', async () => {
      const seen: string[] = [];
      const broken = statsTableSink(query, { table: 'no_such_rollups' });
      const monitor = new WriterMonitor({ sink: broken, onSinkError: (e) => seen.push((e as Error).message) });
      await monitor.record('expenses.create', 'ok', 1);
      await monitor.violation('database');
      expect(seen).toEqual(['relation "no_such_rollups" does not exist', 'relation "no_such_rollups" does not exist']);
      expect(await monitor.registry.metrics()).toContain('finbrain_writer_stats_sink_errors_total 2');
      // The operation itself is still counted.
      expect(await monitor.registry.metrics()).toContain('finbrain_writer_operations_total{operation="expenses.create",outcome="ok"} 1');

      const warned = new Promise<Error>((resolve) => process.once('warning', resolve));
      await new WriterMonitor({ sink: broken }).record('expenses.create', 'ok', 1);
      const warning = await warned;
      expect(warning.message).toBe('finbrain: writing the SLA rollups failed: relation "no_such_rollups" does not exist');
      expect((warning as Error & { code?: string }).code).toBe('FINBRAIN_STATS_SINK');
    });

    it("a buffered sink's failed flush is counted by its monitor, and the counts wait for the next flush", async () => {
      const seen: unknown[] = [];
      const buffered = bufferedStatsSink(query, { table: 'no_such_rollups', flushIntervalMs: 3_600_000 });
      const monitor = new WriterMonitor({ sink: buffered, onSinkError: (e) => seen.push(e) });
      await monitor.record('expenses.create', 'ok', 1);
      await buffered.flush();
      expect(seen).toHaveLength(1);
      expect(await monitor.registry.metrics()).toContain('finbrain_writer_stats_sink_errors_total 1');
      await buffered.close();
      expect(seen).toHaveLength(2);
    });
  });
}
