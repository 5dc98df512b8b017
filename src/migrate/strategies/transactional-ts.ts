import { createMigrationContext } from '../context.js';
import type { PlannedStep } from '../plan.js';
import { withLockRetry } from '../retry.js';
import { ledgerSql, retryNotifier, stepFailed, type RunOptions } from './step-tools.js';
import { loadMigrationFunction } from './ts-module.js';

/** up(ctx)/down(ctx) and the ledger row in one transaction; a lock timeout retries the whole of it. */
export async function runTransactionalTs(step: PlannedStep, o: RunOptions): Promise<void> {
  const fn = await loadMigrationFunction(step.file, step.direction);
  const onRetry = retryNotifier(step, o);
  const ctx = createMigrationContext({
    db: o.db,
    revision: step.file.revision,
    concurrent: o.concurrent,
    inTransaction: true,
    log: (m) => o.emit({ type: 'notice', revision: step.file.revision, message: m }),
  });
  try {
    await withLockRetry(
      o.retry,
      async () => {
        await o.db.exec('BEGIN');
        try {
          await fn(ctx);
          await o.db.exec(`${ledgerSql(step, o, 'transaction')}\nCOMMIT;`);
        } catch (e) {
          await o.db.exec('ROLLBACK').catch(() => {});
          throw e;
        }
      },
      onRetry,
    );
  } catch (e) {
    throw stepFailed(step, e);
  }
}
