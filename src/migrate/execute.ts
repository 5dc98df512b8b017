import type { UmzugStorage } from './umzug.js';
import { MigrationFailedError, type CompletedStep } from '../errors.js';
import type { EventSink } from './events.js';
import type { PlannedStep } from './plan.js';
import { runRevision, type RunOptions } from './run-revision.js';

/**
 * Runs a prepared plan through Umzug. Umzug sequences the steps and announces
 * them (its `migrating`/`migrated`/`reverting`/`reverted` events become ours);
 * the revision graph has already decided the order, and each step writes its
 * own ledger row inside its own transaction (umzug#708), so the storage only
 * answers `executed` from the ledger read under the migration lock. See
 * ARCHITECTURE.md, "migrate".
 */
export async function executePlan(plan: PlannedStep[], applied: string[], o: RunOptions & { emit: EventSink }): Promise<CompletedStep[]> {
  const done: CompletedStep[] = [];
  if (!plan.length) return done;
  const direction = plan[0]!.direction;
  const byName = new Map(plan.map((s) => [s.file.revision, s]));
  /** What our step threw: the typed error, kept so Umzug's wrapper need not be unpicked. */
  let failure: unknown;
  const run = async (step: PlannedStep) => {
    try {
      const durationMs = await runRevision(step, o);
      const f = step.file;
      done.push({ revision: f.revision, direction: step.direction, summary: f.summary, file: f.relPath, mode: step.inTransaction ? 'transactional' : 'non-transactional', durationMs });
    } catch (e) {
      failure = e;
      throw e;
    }
  };
  const storage: UmzugStorage = {
    executed: async () => applied,
    // The step wrote (or removed) its ledger row in its own transaction already.
    logMigration: async () => {},
    unlogMigration: async () => {},
  };
  // Loaded only when something runs: status and history start without it.
  const { Umzug } = await import('./umzug.js');
  const umzug = new Umzug({
    migrations: plan.map((s) => ({ name: s.file.revision, path: s.file.path, up: () => run(s), down: () => run(s) })),
    storage,
    logger: undefined,
  });
  const start = ({ name }: { name: string }) => {
    const s = byName.get(name)!;
    o.emit({ type: 'start', revision: name, direction: s.direction, summary: s.file.summary, mode: s.inTransaction ? 'transactional' : 'non-transactional' });
  };
  const end = ({ name }: { name: string }) => o.emit({ type: 'done', revision: name, direction, durationMs: done.at(-1)!.durationMs });
  umzug.on(direction === 'up' ? 'migrating' : 'reverting', start);
  umzug.on(direction === 'up' ? 'migrated' : 'reverted', end);
  try {
    const migrations = plan.map((s) => s.file.revision);
    if (direction === 'up') await umzug.up({ migrations });
    else await umzug.down({ migrations });
  } catch (e) {
    const cause = failure ?? e;
    throw cause instanceof MigrationFailedError ? cause.withApplied([...done]) : cause;
  }
  return done;
}
