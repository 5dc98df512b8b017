import { setTimeout as sleep } from 'node:timers/promises';
import { DatabaseError } from '../errors.js';
import type { Db } from '../db/types.js';

/** The session holding the migration lock, as pg_stat_activity sees it. */
export interface LockHolder {
  pid: number;
  applicationName: string;
  backendStart: string;
  state: string;
  query: string;
}

/**
 * Who holds advisory lock `key` in this database (a bigint lock shows in pg_locks as
 * classid = high 32 bits, objid = low 32 bits, objsubid = 1). pg_locks is the whole
 * server's: the same key held in another database (another tenant's migration) is not
 * this lock, and naming it would send the operator to end the wrong session.
 */
export async function advisoryLockHolder(db: Pick<Db, 'query'>, key: number): Promise<LockHolder | undefined> {
  const r = await db.query<{ pid: number; application_name: string | null; backend_start: Date | string | null; state: string | null; query: string | null }>(
    `SELECT a.pid, a.application_name, a.backend_start, a.state, left(a.query, 200) AS query
     FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
     WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
       AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
       AND l.classid = (($1::bigint >> 32) & 4294967295)::oid AND l.objid = ($1::bigint & 4294967295)::oid
       AND a.pid <> pg_backend_pid()
     LIMIT 1`,
    [key],
  );
  const row = r.rows[0];
  if (!row) return undefined;
  return {
    pid: Number(row.pid),
    applicationName: row.application_name ?? '',
    backendStart: row.backend_start ? new Date(row.backend_start).toISOString() : 'unknown',
    state: row.state ?? 'unknown',
    query: (row.query ?? '').replace(/\s+/g, ' ').trim(),
  };
}

export function describeHolder(h: LockHolder): string {
  return `pid ${h.pid} (application_name "${h.applicationName}", connected ${h.backendStart}, ${h.state}${h.query ? `, last query: ${h.query}` : ''})`;
}

/**
 * Parallel runners are serialised by a session-level advisory lock held for the
 * whole command (a transaction-level lock would end at the first commit). We
 * poll pg_try_advisory_lock instead of blocking in pg_advisory_lock, so the wait
 * has our own timeout and is not cut short by lock_timeout. While waiting and
 * when giving up, the holder is named with the way to clear it.
 */
export async function acquireMigrationLock(db: Db, key: number, waitMs: number, onWait?: (holder: LockHolder | undefined) => void): Promise<() => Promise<void>> {
  const deadline = Date.now() + waitMs;
  let told = false;
  for (;;) {
    const r = await db.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS ok', [key]);
    if (r.rows[0]?.ok) break;
    if (!told) {
      onWait?.(await advisoryLockHolder(db, key).catch(() => undefined));
      told = true;
    }
    if (Date.now() >= deadline) {
      const holder = await advisoryLockHolder(db, key).catch(() => undefined);
      throw new DatabaseError(
        `the migration lock (advisory lock ${key}) is held by ${holder ? describeHolder(holder) : 'another session'}; gave up after ${waitMs} ms`,
        {
          hint: holder
            ? `If pid ${holder.pid} is a migration still running, wait for it (or raise migrate.lockWaitMs). If it is an orphaned session, end it: SELECT pg_terminate_backend(${holder.pid});`
            : 'Wait for the other run to finish, or raise migrate.lockWaitMs in finbrain.config.json.',
        },
      );
    }
    await sleep(Math.min(200, Math.max(10, deadline - Date.now())));
  }
  return async () => {
    await db.query('SELECT pg_advisory_unlock($1::bigint)', [key]).catch(() => {});
  };
}
