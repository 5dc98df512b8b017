import type { Db } from '../../db/types.js';
import { MigrationFailedError, type MigrationFailureDetails } from '../../errors.js';
import type { EventSink } from '../events.js';
import { lockHolders } from '../index-helpers/catalog.js';
import { describeUniqueViolation } from '../index-helpers/safety.js';
import { recordApplySql, recordRevertSql, type LedgerNames } from '../ledger.js';
import type { PlannedStep } from '../plan.js';
import type { RetryNotice, RetryPolicy } from '../retry.js';

/** What every strategy gets: the database, the ledger, the retry policy and the event sink. */
export interface RunOptions {
  db: Db;
  ledger: LedgerNames;
  concurrent: boolean;
  retry: RetryPolicy;
  emit: EventSink;
}

/**
 * The ledger write of a step, as SQL text so it can ride in the same round trip
 * as the migration. `'transaction'` lets Postgres measure the enclosing
 * transaction itself.
 */
export function ledgerSql(step: PlannedStep, o: RunOptions, durationMs: number | 'transaction'): string {
  const f = step.file;
  return step.direction === 'up'
    ? recordApplySql(o.ledger, {
        revision: f.revision,
        parents: f.parents,
        file: f.relPath,
        checksum: f.checksum,
        durationMs,
        mode: step.inTransaction ? 'transactional' : 'non-transactional',
        direction: 'up',
      })
    : recordRevertSql(o.ledger, f.revision, durationMs);
}

/** The retry notice of a lock timeout, naming the sessions that hold locks on the step's relations. */
export function retryNotifier(step: PlannedStep, o: RunOptions): (n: RetryNotice) => Promise<void> {
  return async ({ attempt, delayMs, error }) => {
    const holders = (await Promise.all(step.relations().map((r) => lockHolders(o.db, r).catch(() => [])))).flat();
    const blockers = holders.length ? `; blocked by ${holders.map((h) => `pid ${h.pid} (${h.mode}): ${h.query.replace(/\s+/g, ' ')}`).join('; ')}` : '';
    o.emit({ type: 'retry', revision: step.file.revision, attempt, delayMs, message: `${(error as Error).message}${blockers}` });
  };
}

/** The driver's message with Postgres' DETAIL and HINT. */
function pgDetail(e: any): string {
  const parts = [e?.message ?? String(e)];
  if (e?.detail) parts.push(`DETAIL: ${e.detail}`);
  if (e?.hint) parts.push(`HINT: ${e.hint}`);
  return parts.join('\n');
}

/** The 1-based character position Postgres reports for an error, if any. */
export function errorPosition(e: unknown): number | undefined {
  const pos = Number((e as { position?: string })?.position);
  return Number.isFinite(pos) && pos > 0 ? pos : undefined;
}

/** A step failed: the typed error, with where, why and what it left behind as fields. */
export function stepFailed(step: PlannedStep, e: unknown, details: Omit<MigrationFailureDetails, 'cause' | 'files' | 'revision'> = {}): MigrationFailedError {
  const f = step.file;
  const inner = e instanceof MigrationFailedError ? e : undefined;
  const sqlState = details.sqlState ?? inner?.sqlState ?? (e as { code?: string })?.code;
  const uniqueViolation = details.uniqueViolation ?? inner?.uniqueViolation;
  const where = details.line ? `${f.relPath}:${details.line}` : f.relPath;
  const rolledBack = step.inTransaction ? '\nThe migration was rolled back; earlier revisions stay applied.' : '';
  const unique = uniqueViolation && !inner ? `\n${describeUniqueViolation(uniqueViolation)}` : '';
  return new MigrationFailedError(
    `${where}: ${step.direction === 'up' ? 'upgrade' : 'downgrade'} of ${f.revision} failed${sqlState ? ` [${sqlState}]` : ''}: ${pgDetail(e)}${unique}${details.note ? `\n${details.note}` : ''}${rolledBack}`,
    { ...details, sqlState, uniqueViolation, direction: step.direction, files: [f.relPath], revision: f.revision, cause: e },
  );
}
