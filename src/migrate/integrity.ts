import { RevisionError } from '../errors.js';
import type { RevisionGraph } from '../revisions/revision-graph.js';
import type { EventSink } from './events.js';
import type { LedgerSnapshot } from './ledger.js';
import { orphansAbove, type MigrationState } from './state.js';

/**
 * Refuse, don't guess: the checks that stand between what the ledger says and
 * a command that would act on it. Each throws a RevisionError (exit 2) naming
 * the revisions and the fix, before anything runs.
 */

const fileOf = (graph: RevisionGraph, r: string) => graph.get(r)?.relPath ?? 'file missing';

/** An applied revision whose parent is not applied: a ledger row went missing in the middle. */
function refuseGaps(graph: RevisionGraph, state: MigrationState): void {
  if (!state.gaps.length) return;
  const lines = state.gaps.map((g) => `${g.revision} (${fileOf(graph, g.revision)}) is applied but its parent ${g.missingParents.join(', ')} is not`);
  const missing = [...new Set(state.gaps.flatMap((g) => g.missingParents))];
  // Stamping the topmost applied revisions records every ancestor under them.
  const applied = [...state.applied.keys()].filter((r) => graph.get(r));
  const topmost = applied.filter((r) => !applied.some((o) => o !== r && graph.ancestors(o).has(r)));
  throw new RevisionError(`the ledger is inconsistent: ${lines.join('; ')} (was a ledger row deleted?); nothing was run`, {
    files: state.gaps.map((g) => graph.get(g.revision)?.relPath).filter((f): f is string => !!f),
    hint:
      `If the changes of ${missing.join(', ')} are in the database, record them without running SQL: \`finbrain migrate stamp ${topmost.join(',') || 'head'}\` ` +
      `(stamp fills in the missing ancestors). If they are not, revert the revisions above them by hand, then stamp.`,
  });
}

function refuseDrift(graph: RevisionGraph, drifted: string[], why: string): void {
  if (!drifted.length) return;
  throw new RevisionError(`applied revision(s) changed since they were applied: ${drifted.map((r) => `${r} (${fileOf(graph, r)})`).join(', ')}; ${why}`, {
    files: drifted.map((r) => fileOf(graph, r)),
    hint: 'Revert the edits (write a new revision for new changes), or pass --allow-drift if the edit is harmless.',
  });
}

/** Before `up`: Alembic's table with an empty ledger, a hole in the ledger, edited revisions. */
export function guardUp(graph: RevisionGraph, state: MigrationState, snapshot: LedgerSnapshot, o: { allowDrift?: boolean; emit: EventSink }): void {
  if (!snapshot.rows.length && snapshot.alembicVersionTable) {
    throw new RevisionError('this database has an alembic_version table and an empty finbrain ledger: `up` would run revisions Alembic already applied; nothing was run', {
      hint: 'Take it over once with `finbrain migrate adopt --from-alembic` (it fills the ledger up to alembic_version and runs no SQL), then run `finbrain migrate up`.',
    });
  }
  refuseGaps(graph, state);
  if (!o.allowDrift) refuseDrift(graph, state.drift, 'nothing was run');
  for (const u of state.unknown) o.emit({ type: 'notice', message: `warning: the ledger has revision ${u.revision} (${u.file}) but no such file exists` });
}

/** Before `down`: a hole in the ledger, an applied revision above the plan whose file is gone, an edited revision to revert. */
export function guardDown(graph: RevisionGraph, state: MigrationState, plan: string[], o: { allowDrift?: boolean }): void {
  refuseGaps(graph, state);
  const orphans = orphansAbove(state, plan);
  if (orphans.length) {
    throw new RevisionError(
      `${orphans.map((u) => `${u.revision} (${u.file}, per the ledger)`).join(', ')} is applied above ${plan.filter((r) => orphans.some((u) => u.parents.includes(r)))[0] ?? plan[0]} but its file is gone: reverting below it would leave it applied on top of nothing; nothing was run`,
      {
        files: orphans.map((u) => u.file),
        hint: `Restore ${orphans.map((u) => u.file).join(', ')} (e.g. from git) so down reverts it first. If its changes are already gone from the database, remove its ledger row with \`finbrain migrate stamp <rev>\` (stamp records exactly <rev> and its ancestors).`,
      },
    );
  }
  if (!o.allowDrift) refuseDrift(graph, plan.filter((r) => state.drift.includes(r)), 'their down may not revert what their up did; nothing was run');
}
