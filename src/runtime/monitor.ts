import { Counter, Histogram, Registry } from 'prom-client';

export type Outcome = 'ok' | 'validation' | 'conflict' | 'db_error';

/** Latency buckets (ms) shared by prom-client and the durable rollups. */
export const LATENCY_BUCKETS_MS = [5, 10, 25, 50, 100, 250, 500, 1000];

/** The default rollups table (protection.statsTable). */
export const DEFAULT_STATS_TABLE = 'finbrain_writer_stats';

export interface StatsSink {
  (operation: string, outcome: Outcome | 'violation', ms: number): Promise<void>;
  /** Set by WriterMonitor: where a sink that writes later (buffered) reports its failures. */
  reportErrorsTo?: (report: (e: unknown) => void) => void;
}

export interface WriterMonitorOptions {
  registry?: Registry;
  sink?: StatsSink;
  /**
   * Called when the durable sink fails (the record is still counted in
   * prom-client; the rollup is what is lost). Default: a process warning
   * (`process.on('warning')`, code FINBRAIN_STATS_SINK). Never silent: every
   * failure also increments finbrain_writer_stats_sink_errors_total.
   */
  onSinkError?: (e: unknown) => void;
}

/**
 * Metrics of the writer and the guard, in a prom-client registry the host
 * application can serve (`registry.metrics()`), and optionally in durable
 * per-minute rollups so `finbrain monitor` sees the whole fleet.
 */
export class WriterMonitor {
  readonly registry: Registry;
  readonly operations: Counter<'operation' | 'outcome'>;
  readonly latency: Histogram<'operation'>;
  readonly violations: Counter<'layer'>;
  readonly sinkErrors: Counter;

  constructor(private readonly o: WriterMonitorOptions = {}) {
    this.registry = o.registry ?? new Registry();
    this.operations = new Counter({ name: 'finbrain_writer_operations_total', help: 'Canonical writer operations by outcome', labelNames: ['operation', 'outcome'], registers: [this.registry] });
    this.latency = new Histogram({
      name: 'finbrain_writer_latency_seconds',
      help: 'Canonical writer latency',
      labelNames: ['operation'],
      buckets: LATENCY_BUCKETS_MS.map((b) => b / 1000),
      registers: [this.registry],
    });
    this.violations = new Counter({ name: 'finbrain_single_writer_violations_total', help: 'Writes to protected tables outside the writer', labelNames: ['layer'], registers: [this.registry] });
    this.sinkErrors = new Counter({ name: 'finbrain_writer_stats_sink_errors_total', help: 'Failures to write the durable SLA rollups', registers: [this.registry] });
    o.sink?.reportErrorsTo?.((e) => this.sinkFailed(e));
  }

  private sinkFailed(e: unknown): void {
    this.sinkErrors.inc();
    if (this.o.onSinkError) this.o.onSinkError(e);
    else process.emitWarning(`finbrain: writing the SLA rollups failed: ${(e as Error)?.message ?? String(e)}`, { code: 'FINBRAIN_STATS_SINK' });
  }

  private async toSink(operation: string, outcome: Outcome | 'violation', ms: number): Promise<void> {
    if (!this.o.sink) return;
    try {
      await this.o.sink(operation, outcome, ms);
    } catch (e) {
      this.sinkFailed(e);
    }
  }

  async record(operation: string, outcome: Outcome, ms: number): Promise<void> {
    this.operations.inc({ operation, outcome });
    this.latency.observe({ operation }, ms / 1000);
    await this.toSink(operation, outcome, ms);
  }

  async violation(layer: 'runtime' | 'database'): Promise<void> {
    this.violations.inc({ layer });
    await this.toSink(`violation:${layer}`, 'violation', 0);
  }
}

/** Index of the histogram bucket a latency falls in (the last is "above 1 s"). */
export function bucketIndex(ms: number): number {
  const i = LATENCY_BUCKETS_MS.findIndex((b) => ms <= b);
  return i === -1 ? LATENCY_BUCKETS_MS.length : i;
}

export interface StatsTableOptions {
  /** The rollups table, optionally schema-qualified (default finbrain_writer_stats, protection.statsTable). */
  table?: string;
}

const quoteQualified = (name: string) =>
  name
    .split('.')
    .map((p) => `"${p.replace(/"/g, '""')}"`)
    .join('.');

const UPSERT_BUCKETS = `(SELECT pg_catalog.array_agg(s.buckets[i] + EXCLUDED.buckets[i] ORDER BY i) FROM pg_catalog.generate_series(1, ${LATENCY_BUCKETS_MS.length + 1}) i)`;

/**
 * The durable sink: one upsert per operation. A failure is thrown to the
 * caller; through a WriterMonitor it is counted and reported, never swallowed.
 */
export function statsTableSink(query: (text: string, params: unknown[]) => Promise<unknown>, options: StatsTableOptions = {}): StatsSink {
  const table = quoteQualified(options.table ?? DEFAULT_STATS_TABLE);
  return async (operation, outcome, ms) => {
    const idx = bucketIndex(ms) + 1; // SQL arrays are 1-based
    await query(
      `INSERT INTO ${table} AS s (bucket, operation, outcome, count, total_ms, buckets)
       VALUES (pg_catalog.date_trunc('minute', pg_catalog.now()), $1, $2, 1, $3, (SELECT pg_catalog.array_agg(CASE WHEN i = $4 THEN 1 ELSE 0 END ORDER BY i) FROM pg_catalog.generate_series(1, ${LATENCY_BUCKETS_MS.length + 1}) i))
       ON CONFLICT (bucket, operation, outcome) DO UPDATE SET count = s.count + 1, total_ms = s.total_ms + EXCLUDED.total_ms, buckets = ${UPSERT_BUCKETS}`,
      [operation, outcome, ms, idx],
    );
  };
}

export interface BufferedStatsSink extends StatsSink {
  /** Writes what is buffered (one upsert per minute, operation and outcome). Flushes are serialised. */
  flush(): Promise<void>;
  /** Stops the timer and flushes. */
  close(): Promise<void>;
}

interface PendingRollup {
  bucket: string;
  operation: string;
  outcome: string;
  count: number;
  totalMs: number;
  buckets: number[];
}

/**
 * The durable sink for busy writers: records are added up in memory and
 * flushed every `flushIntervalMs` (default 5 s, unref'd timer) as one upsert
 * per minute, operation and outcome. The write path then costs no database
 * round trip and never queues on the fleet-wide rollup row; the price is that
 * a crashed process loses at most one interval of counts. A failed flush keeps
 * the counts for the next one and is reported (`onError`, or the monitor's
 * counter and warning when a WriterMonitor uses this sink).
 */
export function bufferedStatsSink(
  query: (text: string, params: unknown[]) => Promise<unknown>,
  options: StatsTableOptions & { flushIntervalMs?: number; onError?: (e: unknown) => void } = {},
): BufferedStatsSink {
  const table = quoteQualified(options.table ?? DEFAULT_STATS_TABLE);
  let pending = new Map<string, PendingRollup>();
  let chain: Promise<void> = Promise.resolve();
  let report: (e: unknown) => void =
    options.onError ?? ((err) => process.emitWarning(`finbrain: writing the SLA rollups failed: ${(err as Error)?.message ?? String(err)}`, { code: 'FINBRAIN_STATS_SINK' }));
  const add = (r: PendingRollup) => {
    const key = `${r.bucket}|${r.operation}|${r.outcome}`;
    const cur = pending.get(key);
    if (!cur) return void pending.set(key, r);
    cur.count += r.count;
    cur.totalMs += r.totalMs;
    r.buckets.forEach((n, i) => (cur.buckets[i]! += n));
  };
  const flushNow = async () => {
    if (pending.size === 0) return;
    const batch = [...pending.values()];
    pending = new Map();
    for (const [i, r] of batch.entries()) {
      try {
        await query(
          `INSERT INTO ${table} AS s (bucket, operation, outcome, count, total_ms, buckets)
           VALUES ($1::timestamptz, $2, $3, $4, $5, $6::bigint[])
           ON CONFLICT (bucket, operation, outcome) DO UPDATE SET count = s.count + EXCLUDED.count, total_ms = s.total_ms + EXCLUDED.total_ms, buckets = ${UPSERT_BUCKETS}`,
          [r.bucket, r.operation, r.outcome, r.count, r.totalMs, r.buckets],
        );
      } catch (e) {
        for (const rest of batch.slice(i)) add(rest);
        report(e);
        return;
      }
    }
  };
  const sink = (async (operation: string, outcome: Outcome | 'violation', ms: number) => {
    const buckets = new Array(LATENCY_BUCKETS_MS.length + 1).fill(0);
    buckets[bucketIndex(ms)] = 1;
    add({ bucket: new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString(), operation, outcome, count: 1, totalMs: ms, buckets });
  }) as BufferedStatsSink;
  sink.reportErrorsTo = (r) => {
    if (!options.onError) report = r;
  };
  const timer = setInterval(() => void sink.flush(), options.flushIntervalMs ?? 5_000);
  timer.unref();
  sink.flush = () => (chain = chain.then(flushNow));
  sink.close = () => {
    clearInterval(timer);
    return sink.flush();
  };
  return sink;
}
