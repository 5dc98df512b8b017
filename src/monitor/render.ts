import type { ChalkInstance } from 'chalk';
import type { MonitorReport, OperationStats } from './report.js';

const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(3)}%`);
const ms = (v: number | null) => (v === null ? '—' : `${v} ms`);

function line(s: OperationStats): string {
  return `  ${s.operation.padEnd(12)} ${String(s.count).padStart(8)}  ok ${String(s.ok).padStart(7)}  invalid ${s.validationErrors}  conflict ${s.conflicts}  db-error ${s.dbErrors}  success ${pct(s.successRate)}  p50 ${ms(s.p50Ms)}  p95 ${ms(s.p95Ms)}  p99 ${ms(s.p99Ms)}`;
}

/** Pure text rendering of a monitor report. */
export function renderMonitorText(r: MonitorReport, c: ChalkInstance): string {
  const out = [
    `finbrain monitor: last ${r.window.minutes} min (${r.window.from} → ${r.window.to}), ${r.instances} writer instance(s)`,
    r.overall.count === 0 ? '  no writer traffic in the window' : line(r.overall),
    ...r.operations.map(line),
    `  violations: ${r.violations.total} (runtime guard ${r.violations.runtime}, database guard ${r.violations.database})`,
    `  targets: success ≥ ${pct(r.targets.successRate)}, p95 < ${r.targets.p95Ms} ms, violations ≤ ${r.targets.maxViolations}`,
  ];
  if (r.ok) out.push(c.green('SLA met'));
  else out.push(...r.breaches.map((b) => c.red(`SLA breached: ${b}`)));
  return `${out.join('\n')}\n`;
}
