import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseError } from '../errors.js';
import { lockDirectory } from './dir-lock.js';
import { freshClusterCache, isNewDataDir } from './fresh-cluster-cache.js';
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
    db = await createCluster(PGlite, dataDir);
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

type PgliteClass = typeof import('@electric-sql/pglite').PGlite;

/**
 * Opens `dataDir`; a new cluster is loaded from the fresh-cluster cache when it
 * holds one, else made by initdb and then cached (see fresh-cluster-cache.ts).
 * Called with the directory's lock held, so "new" cannot change underneath.
 */
async function createCluster(PGlite: PgliteClass, dataDir: string): Promise<InstanceType<PgliteClass>> {
  if (!isNewDataDir(dataDir)) return PGlite.create(dataDir);
  const memory = dataDir.startsWith('memory://');
  const cache = freshClusterCache();
  const cached = memory ? cache.read() : undefined;
  const copied = !memory && cache.copyTo(dataDir);
  // A copy that failed half-way must not be mistaken for a cluster.
  if (!memory && !copied) emptyDirectory(dataDir);
  if (cached || copied) {
    try {
      return await PGlite.create(dataDir, cached ? { loadDataDir: cached } : {});
    } catch {
      // A cached cluster this PGlite cannot open: forget it, empty what it left, and run initdb.
      cache.discard();
      emptyDirectory(dataDir);
    }
  }
  const db = await PGlite.create(dataDir);
  // Each kind fills its own half of the cache: a dump costs a second of gzip that a project's first `migrate up` need not pay.
  if (memory) {
    await cache.rememberDump(() => db.dumpDataDir('gzip'));
    return db;
  }
  if (cache.hasDirectory()) return db;
  // A directory is copied closed, as a cold backup would be; once per machine and PGlite version.
  await db.close();
  cache.rememberDirectory(dataDir);
  return PGlite.create(dataDir);
}

function emptyDirectory(dataDir: string): void {
  if (dataDir.startsWith('memory://')) return;
  for (const entry of readdirSync(dataDir)) rmSync(join(dataDir, entry), { recursive: true, force: true });
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
