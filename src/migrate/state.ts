import type { RevisionGraph } from '../revisions/revision-graph.js';
import type { LedgerRow } from './ledger.js';

/** What the ledger says, held against the files. */
export interface MigrationState {
  applied: Map<string, LedgerRow>;
  /** Applied revisions whose file's checksum changed since. */
  drift: string[];
  /** Ledger rows with no revision file (umzug would silently ignore them). */
  unknown: LedgerRow[];
  /** Applied revisions none of whose children are applied. */
  current: string[];
}

export function computeState(graph: RevisionGraph, rows: LedgerRow[]): MigrationState {
  const applied = new Map(rows.map((r) => [r.revision, r]));
  const drift: string[] = [];
  const unknown: LedgerRow[] = [];
  for (const r of rows) {
    const f = graph.get(r.revision);
    if (!f) unknown.push(r);
    else if (r.executionMode !== 'adopt' && r.executionMode !== 'stamp' && f.checksum !== r.checksum) drift.push(r.revision);
  }
  const current = graph.order
    .filter((f) => applied.has(f.revision) && !(graph.children.get(f.revision) ?? []).some((c) => applied.has(c)))
    .map((f) => f.revision);
  return { applied, drift, unknown, current };
}

/** Pending revisions needed to reach `targets` (default: every head), in chain order. */
export function planUp(graph: RevisionGraph, state: MigrationState, targets?: string[]): string[] {
  const wanted = new Set<string>();
  for (const t of targets ?? graph.heads()) for (const a of graph.ancestors(t)) wanted.add(a);
  return graph.order.filter((f) => wanted.has(f.revision) && !state.applied.has(f.revision)).map((f) => f.revision);
}

/** Applied revisions to revert, newest first: down to `target` (kept), to base, or N steps. */
export function planDown(graph: RevisionGraph, state: MigrationState, opts: { target?: string | 'base'; steps?: number }): string[] {
  const appliedInOrder = graph.order.filter((f) => state.applied.has(f.revision)).map((f) => f.revision);
  if (opts.target === 'base') return appliedInOrder.reverse();
  if (opts.target) {
    const keep = graph.ancestors(opts.target);
    return appliedInOrder.filter((r) => !keep.has(r)).reverse();
  }
  const steps = opts.steps ?? 1;
  return appliedInOrder.reverse().slice(0, steps);
}
