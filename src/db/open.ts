import { isAbsolute, join } from 'node:path';
import type { FinbrainConfig } from '../config/schema.js';
import type { Db } from './types.js';

export interface OpenDatabaseOptions {
  config: FinbrainConfig;
  root: string;
  /** An explicit URL (--database-url) wins over DATABASE_URL and the config. */
  url?: string;
  env?: NodeJS.ProcessEnv;
  /** Told once which backend is used. */
  notice?: (line: string) => void;
}

/** Which database a command talks to: a URL given, else DATABASE_URL, else database.url, else embedded. */
export function resolveDatabaseUrl(options: Pick<OpenDatabaseOptions, 'config' | 'url' | 'env'>): string | undefined {
  const env = options.env ?? process.env;
  return options.url || env.DATABASE_URL || options.config.database.url || undefined;
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<Db> {
  const url = resolveDatabaseUrl(options);
  if (url) {
    const { openPgDb } = await import('./pg-db.js');
    return openPgDb(url, { connectTimeoutMs: options.config.database.connectTimeoutMs });
  }
  const dir = options.config.database.embeddedDir;
  const dataDir = isAbsolute(dir) ? dir : join(options.root, dir);
  options.notice?.(`No DATABASE_URL: using the embedded PGlite database in ${dataDir}`);
  const { openPgliteDb } = await import('./pglite-db.js');
  return openPgliteDb(dataDir, { lockWaitMs: options.config.migrate.lockWaitMs });
}
