import { withIndexProgress } from '../index-helpers/progress.js';
import type { PlannedStep } from '../plan.js';
import { withLockRetry } from '../retry.js';
import { errorPosition, ledgerSql, retryNotifier, stepFailed, type RunOptions } from './step-tools.js';

const PREFIX = 'BEGIN;\n';

/**
 * One round trip: the section as written and its ledger row commit together or
 * not at all. A lock timeout retries the whole transaction.
 */
export async function runTransactionalSql(step: PlannedStep, o: RunOptions): Promise<void> {
  const { text, lineAt } = step.sql!;
  // The `;` of its own ends the section's last statement whatever it ends with (a comment, no terminator).
  const script = `${PREFIX}${text}\n;\n${ledgerSql(step, o, 'transaction')}\nCOMMIT;`;
  const send = () => o.db.exec(script);
  try {
    await withLockRetry(
      o.retry,
      async () => {
        try {
          await (step.buildsIndex ? withIndexProgress(o.db, step.file.revision, o.emit, send) : send());
        } catch (e) {
          await o.db.exec('ROLLBACK').catch(() => {});
          throw e;
        }
      },
      retryNotifier(step, o),
    );
  } catch (e) {
    const pos = errorPosition(e);
    const inSection = pos !== undefined && pos - 1 - PREFIX.length >= 0 && pos - 1 - PREFIX.length < text.length;
    throw stepFailed(step, e, { line: inSection ? lineAt(pos - 1 - PREFIX.length) : undefined });
  }
}
