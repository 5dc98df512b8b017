import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Counter, Histogram, Registry } from 'prom-client';
import { LATENCY_BUCKETS_MS, bucketIndex, emptyHistogram } from './histogram.js';

export type Outcome = 'ok' | 'validation_error' | 'conflict' | 'db_error';
export const OUTCOMES: readonly Outcome[] = ['ok', 'validation_error', 'conflict', 'db_error'];

/** Something that can run one SQL statement outside any writer transaction (a pool, a Db). */
export interface StatsSink {
  query(text: string, params?: unknown[]): Promise<unknown>;
}

export interface WriterMonitorOptions {
  /** The prom-client registry to register in (default: a fresh one, `monitor.registry`). */
  registry?: Registry;
  /** Where the durable per-minute rollups go (table writer_stats). Without it, only prom-client counts. */
  sink?: StatsSink;
  /** How often rollups are flushed (ms, default 10 000). The timer is unref'd. */
  flushIntervalMs?: number;
  /** Names this process in writer_stats (default host:pid:random). */
  instance?: string;
  /** Where a failed flush is reported; the write path never waits for or fails on a flush. */
  onFlushError?: (error: unknown) => void;
}

interface Rollup {
  bucket: string;
  operation: string;
  outcome: string;
  count: number;
  totalMs: number;
  hist: number[];
}

const UPSERT = `INSERT INTO writer_stats (bucket, instance, operation, outcome, count, total_ms, hist)
VALUES ($1::timestamptz, $2, $3, $4, $5::bigint, $6::float8, $7::bigint[])
ON CONFLICT (bucket, instance, operation, outcome) DO UPDATE SET
  count = writer_stats.count + excluded.count,
  total_ms = writer_stats.total_ms + excluded.total_ms,
  hist = (SELECT array_agg(coalesce(a, 0) + coalesce(b, 0) ORDER BY i) FROM unnest(writer_stats.hist, excluded.hist) WITH ORDINALITY AS t(a, b, i))`;

/**
 * What the writer and the guard measure. prom-client metrics for the host to
 * serve, and per-minute rollups (count, total, latency histogram per
 * operation and outcome) kept in memory and flushed in one statement per
 * rollup to writer_stats, so `finbrain monitor` sees the whole fleet while the
 * write path only bumps in-memory counters.
 */
export class WriterMonitor {
  readonly registry: Registry;
  readonly instance: string;
  private readonly operations: Counter<'operation' | 'outcome'>;
  private readonly latency: Histogram<'operation'>;
  private readonly violations: Counter<'layer' | 'table' | 'operation'>;
  private pending = new Map<string, Rollup>();
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly options: WriterMonitorOptions = {}) {
    this.registry = options.registry ?? new Registry();
    this.instance = options.instance ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.operations = new Counter({
      name: 'finbrain_writer_operations_total',
      help: 'Canonical writer operations by outcome',
      labelNames: ['operation', 'outcome'],
      registers: [this.registry],
    });
    this.latency = new Histogram({
      name: 'finbrain_writer_duration_seconds',
      help: 'Canonical writer operation latency',
      labelNames: ['operation'],
      buckets: LATENCY_BUCKETS_MS.map((ms) => ms / 1000),
      registers: [this.registry],
    });
    this.violations = new Counter({
      name: 'finbrain_single_writer_violations_total',
      help: 'Writes to protected tables outside the canonical writer (runtime guard or database trigger)',
      labelNames: ['layer', 'table', 'operation'],
      registers: [this.registry],
    });
    if (options.sink) {
      this.timer = setInterval(() => void this.flush(), options.flushIntervalMs ?? 10_000);
      this.timer.unref();
    }
  }

  recordOperation(operation: string, outcome: Outcome, ms: number): void {
    this.operations.inc({ operation, outcome });
    this.latency.observe({ operation }, ms / 1000);
    this.add(operation, outcome, ms);
  }

  recordViolation(layer: 'runtime' | 'database', table: string, operation: string): void {
    this.violations.inc({ layer, table, operation });
    this.add(`violation:${layer}`, 'violation', 0);
  }

  private add(operation: string, outcome: string, ms: number): void {
    if (!this.options.sink) return;
    const bucket = new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString();
    const key = `${bucket}|${operation}|${outcome}`;
    let r = this.pending.get(key);
    if (!r) this.pending.set(key, (r = { bucket, operation, outcome, count: 0, totalMs: 0, hist: emptyHistogram() }));
    r.count++;
    r.totalMs += ms;
    r.hist[bucketIndex(ms)]!++;
  }

  /** Writes pending rollups to writer_stats. Safe to call any time; flushes are serialised. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.flushNow());
    return this.flushing;
  }

  private async flushNow(): Promise<void> {
    const sink = this.options.sink;
    if (!sink || this.pending.size === 0) return;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    try {
      for (const r of batch) {
        await sink.query(UPSERT, [r.bucket, this.instance, r.operation, r.outcome, r.count, r.totalMs, r.hist]);
      }
    } catch (e) {
      // Keep the counts for the next flush rather than lose them.
      for (const r of batch) {
        const key = `${r.bucket}|${r.operation}|${r.outcome}`;
        const cur = this.pending.get(key);
        if (!cur) this.pending.set(key, r);
        else {
          cur.count += r.count;
          cur.totalMs += r.totalMs;
          r.hist.forEach((n, i) => (cur.hist[i]! += n));
        }
      }
      (this.options.onFlushError ?? ((err) => process.emitWarning(`finbrain monitor flush failed: ${(err as Error).message}`)))(e);
    }
  }

  /** Stops the timer and flushes what is pending. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }
}
