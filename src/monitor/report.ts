import type { FinbrainConfig } from '../config/schema.js';
import type { Db } from '../db/types.js';
import { LATENCY_BUCKETS_MS, quantileFromHistogram } from './histogram.js';

export interface MonitorOptions {
  db: Db;
  config: FinbrainConfig;
  /** Window in minutes (default monitor.windowMinutes). */
  windowMinutes?: number;
  now?: Date;
}

export interface OperationStats {
  operation: string;
  count: number;
  ok: number;
  validationErrors: number;
  conflicts: number;
  dbErrors: number;
  successRate: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
}

export interface MonitorReport {
  window: { minutes: number; from: string; to: string };
  instances: number;
  overall: OperationStats;
  operations: OperationStats[];
  violations: { runtime: number; database: number; total: number };
  targets: { successRate: number; p95Ms: number; maxViolations: number };
  breaches: string[];
  ok: boolean;
}

function stats(operation: string, rows: { outcome: string; count: number; hist: number[] }[]): OperationStats {
  const by = (o: string) => rows.filter((r) => r.outcome === o).reduce((a, r) => a + r.count, 0);
  const hist = new Array(LATENCY_BUCKETS_MS.length + 1).fill(0);
  for (const r of rows) r.hist.forEach((n, i) => (hist[i] += n));
  const count = rows.reduce((a, r) => a + r.count, 0);
  const dbErrors = by('db_error');
  const round = (v: number | null) => (v === null ? null : Math.round(v * 100) / 100);
  return {
    operation,
    count,
    ok: by('ok'),
    validationErrors: by('validation_error'),
    conflicts: by('conflict'),
    dbErrors,
    // Refusals of bad input (validation, conflicts) are correct answers; only database failures count against the SLA.
    successRate: count ? (count - dbErrors) / count : null,
    p50Ms: round(quantileFromHistogram(hist, 0.5)),
    p95Ms: round(quantileFromHistogram(hist, 0.95)),
    p99Ms: round(quantileFromHistogram(hist, 0.99)),
  };
}

/**
 * The fleet's SLA over a window, from the writer_stats rollups every writer
 * process flushes: success rate, p50/p95/p99 (interpolated from the shared
 * histogram buckets) and violations, checked against the monitor targets.
 */
export async function monitorReport(options: MonitorOptions): Promise<MonitorReport> {
  const minutes = options.windowMinutes ?? options.config.monitor.windowMinutes;
  const to = options.now ?? new Date();
  const from = new Date(to.getTime() - minutes * 60_000);
  const r = await options.db.query<{ instance: string; operation: string; outcome: string; count: string | number; hist: unknown }>(
    `SELECT instance, operation, outcome, count::text AS count, array_to_json(hist)::text AS hist
     FROM writer_stats WHERE bucket >= date_trunc('minute', $1::timestamptz) AND bucket <= $2::timestamptz`,
    [from.toISOString(), to.toISOString()],
  );
  const rows = r.rows.map((x) => ({ ...x, count: Number(x.count), hist: (JSON.parse(String(x.hist)) as number[]).map(Number) }));
  const writes = rows.filter((x) => !x.operation.startsWith('violation:'));
  const violationRows = rows.filter((x) => x.operation.startsWith('violation:'));
  const sumViolations = (layer: string) => violationRows.filter((x) => x.operation === `violation:${layer}`).reduce((a, x) => a + x.count, 0);
  const names = [...new Set(writes.map((x) => x.operation))].sort();
  const operations = names.map((n) => stats(n, writes.filter((x) => x.operation === n)));
  const overall = stats('all', writes);
  const violations = { runtime: sumViolations('runtime'), database: sumViolations('database'), total: 0 };
  violations.total = violations.runtime + violations.database;
  const targets = { successRate: options.config.monitor.successRate, p95Ms: options.config.monitor.p95Ms, maxViolations: options.config.monitor.maxViolations };
  const breaches: string[] = [];
  if (overall.successRate !== null && overall.successRate < targets.successRate) {
    breaches.push(`success rate ${(overall.successRate * 100).toFixed(3)}% is below the target ${(targets.successRate * 100).toFixed(3)}%`);
  }
  if (overall.p95Ms !== null && overall.p95Ms >= targets.p95Ms) breaches.push(`p95 latency ${overall.p95Ms} ms is not below the target ${targets.p95Ms} ms`);
  if (violations.total > targets.maxViolations) {
    breaches.push(`${violations.total} single-writer violation(s) (runtime ${violations.runtime}, database ${violations.database}); at most ${targets.maxViolations} allowed`);
  }
  return {
    window: { minutes, from: from.toISOString(), to: to.toISOString() },
    instances: new Set(rows.map((x) => x.instance)).size,
    overall,
    operations,
    violations,
    targets,
    breaches,
    ok: breaches.length === 0,
  };
}
