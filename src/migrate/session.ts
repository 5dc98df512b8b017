import { openDatabase, resolveDatabaseUrl } from '../db/open.js';
import type { Db } from '../db/types.js';
import { ConfigError } from '../errors.js';
import { acquireMigrationLock, describeHolder } from './lock.js';
import { ensureLedger, ledgerNames, type LedgerNames } from './ledger.js';
import { loadProject, type MigrationProject, type ProjectOptions } from '../revisions/project.js';
import type { EventSink } from './events.js';

/** What every migrate command accepts: where the project is, and which database. */
export interface MigrateCommonOptions extends ProjectOptions {
  project?: MigrationProject;
  /** Use this database instead of opening one (library use, verify, tests); it is not closed. */
  db?: Db;
  /** --database-url */
  url?: string;
  /** --embedded: the embedded PGlite database, whatever DATABASE_URL says. */
  embedded?: boolean;
  onEvent?: EventSink;
  env?: NodeJS.ProcessEnv;
}

export interface Session {
  db: Db;
  ledger: LedgerNames;
  /** Creates the ledger tables if needed: called only right before the first write. */
  ensureLedger(): Promise<void>;
  close(): Promise<void>;
}

export const APPLICATION_NAME = 'finbrain migrate';
const noop: EventSink = () => {};

/**
 * Which database, decided before anything is opened: an explicit or configured
 * URL; the embedded one when asked for (--embedded) or when nothing is
 * configured — except in production, where a throwaway embedded database would
 * hide a missing DATABASE_URL.
 */
async function openTarget(project: MigrationProject, o: MigrateCommonOptions): Promise<Db> {
  const { config, root } = project;
  const env = o.env ?? process.env;
  const notice = (m: string) => (o.onEvent ?? noop)({ type: 'notice', message: m });
  if (o.embedded) return openDatabase({ config: { ...config, database: { ...config.database, url: undefined } }, root, env: {}, notice });
  const url = resolveDatabaseUrl({ config, url: o.url, env });
  if (!url && env.NODE_ENV === 'production') {
    throw new ConfigError('NODE_ENV=production and no database is configured: refusing to migrate a throwaway embedded database; nothing was opened', {
      hint: 'Set DATABASE_URL (or database.url in finbrain.config.json, or --database-url). To use the embedded database on purpose, pass --embedded.',
    });
  }
  return openDatabase({ config, root, url: o.url, env, notice });
}

/**
 * One dedicated connection per command, named `finbrain migrate` in
 * pg_stat_activity. Write commands hold the session-level advisory lock for the
 * whole command and set the DDL timeouts once.
 */
export async function openSession(project: MigrationProject, o: MigrateCommonOptions, write: boolean): Promise<Session> {
  const { config } = project;
  const db = o.db ?? (await openTarget(project, o));
  const owned = !o.db;
  const ledger = ledgerNames(config.migrate.ledgerTable);
  const emit = o.onEvent ?? noop;
  let unlock: (() => Promise<void>) | undefined;
  const settings = [
    ...(owned || write ? [`SET application_name = '${APPLICATION_NAME}'`] : []),
    ...(write ? [`SET lock_timeout = ${config.migrate.lockTimeoutMs}`, `SET statement_timeout = ${config.migrate.statementTimeoutMs}`] : []),
  ];
  try {
    if (settings.length) await db.exec(settings.join('; '));
    if (write) {
      unlock = await acquireMigrationLock(db, config.migrate.lockKey, config.migrate.lockWaitMs, (holder) =>
        emit({
          type: 'notice',
          message: `waiting up to ${config.migrate.lockWaitMs} ms for the migration lock, held by ${holder ? describeHolder(holder) : 'another session'}`,
        }),
      );
    }
  } catch (e) {
    if (unlock) await unlock();
    if (owned) await db.close();
    throw e;
  }
  let ledgerReady = false;
  return {
    db,
    ledger,
    async ensureLedger() {
      if (ledgerReady) return;
      await ensureLedger(db, ledger);
      ledgerReady = true;
    },
    async close() {
      if (unlock) await unlock();
      if (!owned && settings.length) await db.exec('RESET application_name; RESET lock_timeout; RESET statement_timeout').catch(() => {});
      if (owned) await db.close();
    },
  };
}

/**
 * The one way a command talks to the database: load the project and validate
 * the request first (bad input never opens anything), then open, run, close.
 */
export async function withSession<T>(
  o: MigrateCommonOptions,
  mode: { write: boolean; validate?: (p: MigrationProject) => void },
  body: (s: Session, p: MigrationProject) => Promise<T>,
): Promise<T> {
  const project = o.project ?? (await loadProject(o));
  mode.validate?.(project);
  const session = await openSession(project, o, mode.write);
  try {
    return await body(session, project);
  } finally {
    await session.close();
  }
}
