import type { Db } from '../db/types.js';
import { DatabaseError } from '../errors.js';
import { DEFAULT_STATS_TABLE, LATENCY_BUCKETS_MS } from '../runtime/monitor.js';

export interface SlaTargets {
  successRate: number;
  p95Ms: number;
  maxViolations: number;
}

export interface SlaReport {
  windowMinutes: number;
  total: number;
  byOutcome: Record<string, number>;
  /** Share of operations that did not fail in the database (validation errors and conflicts are correct answers). */
  successRate: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  violations: { runtime: number; database: number };
  targets: SlaTargets;
  breaches: string[];
}

/** The latency at quantile q from histogram counts: the upper bound of the bucket it falls in. */
export function quantileFromBuckets(counts: number[], q: number): number | null {
  const total = counts.reduce((a, b) => a + b, 0);
  if (!total) return null;
  let cum = 0;
  for (let i = 0; i < counts.length; i++) {
    cum += counts[i]!;
    if (cum >= q * total) return LATENCY_BUCKETS_MS[i] ?? Number.POSITIVE_INFINITY;
  }
  return Number.POSITIVE_INFINITY;
}

/** The fleet's SLA over a window, from the rollups every writer process appends to. */
export async function slaReport(db: Db, windowMinutes: number, targets: SlaTargets, statsTable = `"public"."${DEFAULT_STATS_TABLE}"`): Promise<SlaReport> {
  let rows: { operation: string; outcome: string; count: string; buckets: (string | number)[] }[];
  try {
    rows = (
      await db.query<{ operation: string; outcome: string; count: string; buckets: (string | number)[] }>(
        `SELECT operation, outcome, count::text AS count, buckets FROM ${statsTable} WHERE bucket >= date_trunc('minute', now()) - make_interval(mins => $1)`,
        [windowMinutes],
      )
    ).rows;
  } catch (e) {
    if ((e as { code?: string }).code === '42P01') {
      throw new DatabaseError(`no rollups table ${statsTable} in ${db.label}`, {
        cause: e,
        hint: 'The protection revision of a table creates it (`npx finbrain protect <table>`, then `npx finbrain migrate up`); protection.statsTable and protection.schema name it.',
      });
    }
    throw e;
  }
  const byOutcome: Record<string, number> = {};
  const hist = new Array(LATENCY_BUCKETS_MS.length + 1).fill(0);
  const violations = { runtime: 0, database: 0 };
  let total = 0;
  for (const r of rows) {
    const n = Number(r.count);
    if (r.outcome === 'violation') {
      if (r.operation === 'violation:database') violations.database += n;
      else violations.runtime += n;
      continue;
    }
    total += n;
    byOutcome[r.outcome] = (byOutcome[r.outcome] ?? 0) + n;
    r.buckets.forEach((c, i) => (hist[i] += Number(c)));
  }
  const successRate = total ? (total - (byOutcome.db_error ?? 0)) / total : null;
  const p95 = quantileFromBuckets(hist, 0.95);
  const breaches: string[] = [];
  if (successRate !== null && successRate < targets.successRate) breaches.push(`success rate ${(successRate * 100).toFixed(2)}% is below ${(targets.successRate * 100).toFixed(2)}%`);
  if (p95 !== null && p95 > targets.p95Ms) breaches.push(`p95 latency ${p95 === Infinity ? '> 1000' : `≤ ${p95}`} ms is above ${targets.p95Ms} ms`);
  if (violations.runtime + violations.database > targets.maxViolations) breaches.push(`${violations.runtime + violations.database} single-writer violation(s) (allowed: ${targets.maxViolations})`);
  return { windowMinutes, total, byOutcome, successRate, p50Ms: quantileFromBuckets(hist, 0.5), p95Ms: p95, p99Ms: quantileFromBuckets(hist, 0.99), violations, targets, breaches };
}

