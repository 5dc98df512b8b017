import { MigrationFailedError, RevisionError } from '../errors.js';
import { recordFailure } from './ledger.js';
import type { PlannedStep } from './plan.js';
import { stepFailed, type RunOptions } from './strategies/step-tools.js';
import { runNonTransactionalSql } from './strategies/non-transactional-sql.js';
import { runNonTransactionalTs } from './strategies/non-transactional-ts.js';
import { runTransactionalSql } from './strategies/transactional-sql.js';
import { runTransactionalTs } from './strategies/transactional-ts.js';

export type { RunOptions };

/** The four ways a revision runs: SQL or TS, in a transaction or not. */
function strategyOf(step: PlannedStep): (step: PlannedStep, o: RunOptions) => Promise<void> {
  if (step.file.format === 'sql') return step.inTransaction ? runTransactionalSql : runNonTransactionalSql;
  return step.inTransaction ? runTransactionalTs : runNonTransactionalTs;
}

/**
 * Runs one planned step with its ledger write, as one unit where Postgres
 * allows it. A failure is recorded in the events table (after the rollback)
 * and thrown as a MigrationFailedError. Returns the duration in ms.
 */
export async function runRevision(step: PlannedStep, o: RunOptions): Promise<number> {
  const started = performance.now();
  try {
    await strategyOf(step)(step, o);
  } catch (e) {
    if (e instanceof RevisionError) throw e;
    const failure = e instanceof MigrationFailedError && e.revision === step.file.revision && e.direction ? e : stepFailed(step, e);
    await recordFailure(o.db, o.ledger, step.file.revision, step.direction, failure.message);
    throw failure;
  }
  return performance.now() - started;
}
