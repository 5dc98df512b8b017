import { DatabaseError } from '../errors.js';
import type { Db } from '../db/types.js';
import { sleep } from './retry.js';

/**
 * Parallel runners are serialised by a session-level advisory lock held for the
 * whole command (a transaction-level lock would end at the first commit). We
 * poll pg_try_advisory_lock instead of blocking in pg_advisory_lock, so the wait
 * has our own timeout and is not cut short by lock_timeout.
 */
export async function acquireMigrationLock(db: Db, key: number, waitMs: number, onWait?: () => void): Promise<() => Promise<void>> {
  const deadline = Date.now() + waitMs;
  let told = false;
  for (;;) {
    const r = await db.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS ok', [key]);
    if (r.rows[0]?.ok) break;
    if (!told) {
      onWait?.();
      told = true;
    }
    if (Date.now() >= deadline) {
      throw new DatabaseError(`another finbrain migrate holds the migration lock (advisory lock ${key}); gave up after ${waitMs} ms`, {
        hint: 'Wait for the other run to finish, or raise migrate.lockWaitMs in finbrain.config.json.',
      });
    }
    await sleep(Math.min(200, Math.max(10, deadline - Date.now())));
  }
  return async () => {
    await db.query('SELECT pg_advisory_unlock($1::bigint)', [key]).catch(() => {});
  };
}
