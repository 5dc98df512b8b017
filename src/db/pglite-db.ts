import { mkdirSync } from 'node:fs';
import { DatabaseError } from '../errors.js';
import { lockDirectory } from './dir-lock.js';
import type { Db, QueryResult } from './types.js';

/**
 * The embedded database: PGlite (Postgres in WASM). `dataDir` persists it on
 * disk; `memory://` (the default here) keeps it in memory. PGlite has one
 * session, so there is no `openSession`.
 */
export async function openPgliteDb(dataDir = 'memory://', options: { lockWaitMs?: number } = {}): Promise<Db> {
  const { PGlite } = await import('@electric-sql/pglite');
  let release = () => {};
  if (!dataDir.startsWith('memory://')) {
    mkdirSync(dataDir, { recursive: true });
    release = await lockDirectory(`${dataDir.replace(/\/+$/, '')}.lock`, options.lockWaitMs ?? 60_000);
  }
  let db: InstanceType<typeof PGlite>;
  try {
    db = await PGlite.create(dataDir);
  } catch (e) {
    release();
    throw new DatabaseError(`cannot open the embedded database at ${dataDir}: ${(e as Error).message}`, {
      cause: e,
      hint: `If another finbrain process is using it, wait for it; if the directory is damaged, move ${dataDir} away.`,
    });
  }
  const wrapped = wrapPglite(db, dataDir);
  return {
    ...wrapped,
    async close() {
      await wrapped.close();
      release();
    },
  };
}

/** Wraps an existing PGlite instance (for the runtime guard and tests). */
export function wrapPglite(db: { query: (...args: any[]) => any; exec: (...args: any[]) => any; close: (...args: any[]) => any }, dataDir = 'memory://'): Db {
  return {
    kind: 'pglite',
    label: dataDir.startsWith('memory://') ? 'embedded PGlite (in memory)' : `embedded PGlite (${dataDir})`,
    async query<R>(text: string, params?: unknown[]): Promise<QueryResult<R>> {
      const r = (await db.query(text, params)) as { rows: R[]; affectedRows?: number };
      return { rows: r.rows, rowCount: r.rows.length || (r.affectedRows ?? 0) };
    },
    async exec(text: string): Promise<void> {
      await db.exec(text);
    },
    async backendPid() {
      return undefined;
    },
    async close() {
      await db.close();
    },
  };
}
