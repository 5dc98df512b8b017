import type { SlaReport } from '../monitor/sla.js';

/** `finbrain monitor` as text. */
export function renderSla(r: SlaReport): string {
  const ms = (v: number | null) => (v === null ? 'n/a' : v === Infinity ? '> 1000 ms' : `≤ ${v} ms`);
  const lines = [
    `window: last ${r.windowMinutes} min, ${r.total} writer operation(s) (${Object.entries(r.byOutcome).map(([k, v]) => `${k} ${v}`).join(', ') || 'no traffic'})`,
    `success rate: ${r.successRate === null ? 'n/a' : `${(r.successRate * 100).toFixed(3)}%`} (target ≥ ${(r.targets.successRate * 100).toFixed(1)}%)`,
    `latency: p50 ${ms(r.p50Ms)}, p95 ${ms(r.p95Ms)} (target < ${r.targets.p95Ms} ms), p99 ${ms(r.p99Ms)}`,
    `single-writer violations: ${r.violations.runtime} runtime, ${r.violations.database} database (allowed: ${r.targets.maxViolations})`,
    r.breaches.length ? `SLA BREACHED: ${r.breaches.join('; ')}` : 'SLA met',
  ];
  return `${lines.join('\n')}\n`;
}

/** `finbrain monitor --json`: Infinity (above the last bucket) is not JSON, so it is spelled out. */
export function slaJson(r: SlaReport): string {
  const inf = (v: number | null) => (v === Infinity ? '>1000' : v);
  return `${JSON.stringify({ ...r, p50Ms: inf(r.p50Ms), p95Ms: inf(r.p95Ms), p99Ms: inf(r.p99Ms) }, null, 2)}\n`;
}
