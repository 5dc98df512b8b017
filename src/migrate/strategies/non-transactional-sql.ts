import type { UniqueViolation } from '../../errors.js';
import { withIndexProgress } from '../index-helpers/progress.js';
import { indexTarget, repairInvalidIndex, uniqueViolation } from '../index-helpers/safety.js';
import type { PlannedStep } from '../plan.js';
import { withLockRetry } from '../retry.js';
import { errorPosition, ledgerSql, retryNotifier, stepFailed, type RunOptions } from './step-tools.js';

/**
 * Statement by statement, as CREATE INDEX CONCURRENTLY requires; each statement
 * retries its own lock timeout. The ledger row follows the last statement.
 */
export async function runNonTransactionalSql(step: PlannedStep, o: RunOptions): Promise<void> {
  const { statements, lineAt } = step.sql!;
  const started = performance.now();
  const onRetry = retryNotifier(step, o);
  const say = (message: string) => o.emit({ type: 'notice', revision: step.file.revision, message });
  for (const [i, s] of statements.entries()) {
    const isIndexBuild = s.kind === 'IndexStmt';
    try {
      // A leftover INVALID index would make IF NOT EXISTS skip the build: repair it first.
      if (isIndexBuild && s.node.concurrent && s.node.idxname) await repairInvalidIndex(o.db, indexTarget(s.node).name!, true, say);
      const exec = () => o.db.exec(s.text);
      await withLockRetry(o.retry, () => (isIndexBuild ? withIndexProgress(o.db, step.file.revision, o.emit, exec) : exec()), onRetry);
    } catch (e) {
      let unique: UniqueViolation | undefined;
      if (isIndexBuild && s.node.unique && (e as { code?: string }).code === '23505') unique = await uniqueViolation(o.db, indexTarget(s.node), true);
      const pos = errorPosition(e);
      throw stepFailed(step, e, {
        line: lineAt(pos !== undefined && pos - 1 < s.text.length ? s.start + pos - 1 : s.start),
        uniqueViolation: unique,
        note: i > 0 ? `NOTE: this migration runs without a transaction: the ${i} statement(s) before it stay applied. Make its statements idempotent (IF [NOT] EXISTS) and run it again.` : undefined,
      });
    }
  }
  try {
    await o.db.exec(ledgerSql(step, o, performance.now() - started));
  } catch (e) {
    throw stepFailed(step, e, { note: 'NOTE: every statement ran, but the ledger row could not be written: run the command again (the statements are idempotent) to record it.' });
  }
}
