import { Counter, Histogram, Registry } from 'prom-client';

export type Outcome = 'ok' | 'validation' | 'conflict' | 'db_error';

/** Latency buckets (ms) shared by prom-client and the durable rollups. */
export const LATENCY_BUCKETS_MS = [5, 10, 25, 50, 100, 250, 500, 1000];

export interface StatsSink {
  (operation: string, outcome: Outcome | 'violation', ms: number): Promise<void>;
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

  constructor(private readonly o: { registry?: Registry; sink?: StatsSink } = {}) {
    this.registry = o.registry ?? new Registry();
    this.operations = new Counter({ name: 'finbrain_writer_operations_total', help: 'Expense writer operations by outcome', labelNames: ['operation', 'outcome'], registers: [this.registry] });
    this.latency = new Histogram({
      name: 'finbrain_writer_latency_seconds',
      help: 'Expense writer latency',
      labelNames: ['operation'],
      buckets: LATENCY_BUCKETS_MS.map((b) => b / 1000),
      registers: [this.registry],
    });
    this.violations = new Counter({ name: 'finbrain_single_writer_violations_total', help: 'Writes to protected tables outside the writer', labelNames: ['layer'], registers: [this.registry] });
  }

  async record(operation: string, outcome: Outcome, ms: number): Promise<void> {
    this.operations.inc({ operation, outcome });
    this.latency.observe({ operation }, ms / 1000);
    await this.o.sink?.(operation, outcome, ms).catch(() => {});
  }

  async violation(layer: 'runtime' | 'database'): Promise<void> {
    this.violations.inc({ layer });
    await this.o.sink?.(`violation:${layer}`, 'violation', 0).catch(() => {});
  }
}

/** Index of the histogram bucket a latency falls in (the last is "above 1 s"). */
export function bucketIndex(ms: number): number {
  const i = LATENCY_BUCKETS_MS.findIndex((b) => ms <= b);
  return i === -1 ? LATENCY_BUCKETS_MS.length : i;
}

/** The durable sink: one upsert per operation into expense_writer_stats. */
export function statsTableSink(query: (text: string, params: unknown[]) => Promise<unknown>): StatsSink {
  return async (operation, outcome, ms) => {
    const idx = bucketIndex(ms) + 1; // SQL arrays are 1-based
    await query(
      `INSERT INTO expense_writer_stats AS s (bucket, operation, outcome, count, total_ms, buckets)
       VALUES (date_trunc('minute', now()), $1, $2, 1, $3, (SELECT array_agg(CASE WHEN i = $4 THEN 1 ELSE 0 END ORDER BY i) FROM generate_series(1, 9) i))
       ON CONFLICT (bucket, operation, outcome) DO UPDATE SET count = s.count + 1, total_ms = s.total_ms + EXCLUDED.total_ms,
         buckets = (SELECT array_agg(s.buckets[i] + EXCLUDED.buckets[i] ORDER BY i) FROM generate_series(1, 9) i)`,
      [operation, outcome, ms, idx],
    );
  };
}
