import { createMigrationContext } from '../context.js';
import type { PlannedStep } from '../plan.js';
import { ledgerSql, retryNotifier, stepFailed, type RunOptions } from './step-tools.js';
import { loadMigrationFunction } from './ts-module.js';

/** up(ctx)/down(ctx) outside a transaction: each ctx.query retries its own lock timeout; then the ledger row. */
export async function runNonTransactionalTs(step: PlannedStep, o: RunOptions): Promise<void> {
  const fn = await loadMigrationFunction(step.file, step.direction);
  const started = performance.now();
  const ctx = createMigrationContext({
    db: o.db,
    revision: step.file.revision,
    concurrent: o.concurrent,
    inTransaction: false,
    log: (m) => o.emit({ type: 'notice', revision: step.file.revision, message: m }),
    retry: o.retry,
    onRetry: retryNotifier(step, o),
  });
  try {
    await fn(ctx);
    await o.db.exec(ledgerSql(step, o, performance.now() - started));
  } catch (e) {
    throw stepFailed(step, e, {
      note: 'NOTE: this migration runs without a transaction: what it did before the failure stays applied. Make it idempotent and run it again.',
    });
  }
}
