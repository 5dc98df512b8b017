import type { RevisionGraph } from '../revisions/revision-graph.js';
import type { LedgerRow } from './ledger.js';

/** What the ledger says, held against the files. */
export interface MigrationState {
  applied: Map<string, LedgerRow>;
  /**
   * Applied revisions whose file's checksum differs from the one the ledger
   * row recorded: runs, stamps and adoptions alike (a stamp row keeps the
   * checksum the file had when it was stamped).
   */
  drift: string[];
  /** Ledger rows with no revision file (umzug would silently ignore them). */
  unknown: LedgerRow[];
  /** Applied revisions with a parent that is not applied: a ledger row went missing in the middle. */
  gaps: { revision: string; missingParents: string[] }[];
  /** Applied revisions none of whose children are applied. */
  current: string[];
}

export function computeState(graph: RevisionGraph, rows: LedgerRow[]): MigrationState {
  const applied = new Map(rows.map((r) => [r.revision, r]));
  const drift = new Set<string>();
  const unknown: LedgerRow[] = [];
  const gaps: MigrationState['gaps'] = [];
  for (const r of rows) {
    const f = graph.get(r.revision);
    if (!f) unknown.push(r);
    else if (f.checksum !== r.checksum) drift.add(r.revision);
    // A file's own parents win; a row without a file still knows the parents it was applied on.
    const missingParents = (f ? f.parents : r.parents).filter((p) => !applied.has(p));
    if (missingParents.length) gaps.push({ revision: r.revision, missingParents });
  }
  const current = graph.order
    .filter((f) => applied.has(f.revision) && !(graph.children.get(f.revision) ?? []).some((c) => applied.has(c)))
    .map((f) => f.revision);
  return { applied, drift: drift.size ? graph.order.filter((f) => drift.has(f.revision)).map((f) => f.revision) : [], unknown, gaps, current };
}

/** Pending revisions needed to reach `targets` (default: every head), in chain order. */
export function planUp(graph: RevisionGraph, applied: Pick<ReadonlySet<string>, 'has'>, targets?: string[]): string[] {
  const wanted = new Set<string>();
  for (const t of targets ?? graph.heads()) for (const a of graph.ancestors(t)) wanted.add(a);
  return graph.order.filter((f) => wanted.has(f.revision) && !applied.has(f.revision)).map((f) => f.revision);
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

/**
 * Applied revisions without a file that sit above one of `revisions`: their
 * parents (as the ledger recorded them) lead down to it. Reverting that
 * revision would leave them applied on top of nothing.
 */
export function orphansAbove(state: MigrationState, revisions: string[]): LedgerRow[] {
  const targets = new Set(revisions);
  const reaches = (row: LedgerRow, seen = new Set<string>()): boolean =>
    row.parents.some((p) => {
      if (targets.has(p)) return true;
      if (seen.has(p)) return false;
      seen.add(p);
      const parentRow = state.applied.get(p);
      return parentRow ? reaches(parentRow, seen) : false;
    });
  return state.unknown.filter((u) => reaches(u));
}
