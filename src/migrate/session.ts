import { openDatabase } from '../db/open.js';
import type { Db } from '../db/types.js';
import { acquireMigrationLock } from './lock.js';
import { ensureLedger, ledgerNames, type LedgerNames } from './ledger.js';
import type { MigrationProject } from './project.js';
import type { EventSink } from './events.js';

export interface SessionOptions {
  project: MigrationProject;
  /** An injected database (library use, verify, tests); it is not closed here. */
  db?: Db;
  url?: string;
  emit: EventSink;
  /** Take the advisory lock and create the ledger (write commands). */
  write: boolean;
}

export interface Session {
  db: Db;
  ledger: LedgerNames;
  close(): Promise<void>;
}

/**
 * One dedicated connection per command. Write commands hold the session-level
 * advisory lock for the whole command and set the DDL timeouts once.
 */
export async function openSession(o: SessionOptions): Promise<Session> {
  const { config, root } = o.project;
  const db = o.db ?? (await openDatabase({ config, root, url: o.url, notice: (m) => o.emit({ type: 'notice', message: m }) }));
  const owned = !o.db;
  const ledger = ledgerNames(config.migrate.ledgerTable);
  let unlock: (() => Promise<void>) | undefined;
  try {
    if (o.write) {
      unlock = await acquireMigrationLock(db, config.migrate.lockKey, config.migrate.lockWaitMs, () =>
        o.emit({ type: 'notice', message: `waiting for another finbrain migrate to release the migration lock (up to ${config.migrate.lockWaitMs} ms)` }),
      );
      await db.exec(
        `SET lock_timeout = ${config.migrate.lockTimeoutMs}; SET statement_timeout = ${config.migrate.statementTimeoutMs}`,
      );
      await ensureLedger(db, ledger);
    }
  } catch (e) {
    if (unlock) await unlock();
    if (owned) await db.close();
    throw e;
  }
  return {
    db,
    ledger,
    async close() {
      if (unlock) await unlock();
      if (o.write) await db.exec('RESET lock_timeout; RESET statement_timeout').catch(() => {});
      if (owned) await db.close();
    },
  };
}
