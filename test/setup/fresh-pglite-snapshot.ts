import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's fresh-cluster cache (FINBRAIN_CACHE_DIR of every test and CLI process). */
    finbrainCacheDir: string;
    /** The cache's dump of a fresh PGlite cluster (see test/helpers/fresh-pglite.ts). */
    freshPgliteSnapshot: string;
    /** The cache's fresh cluster as a data directory (test/db/fresh-cluster-cache.test.ts copies it). */
    freshPgliteDir: string;
  }
}

/**
 * A new PGlite runs initdb, about 4 s of CPU here. finbrain keeps the first fresh
 * cluster a machine makes (src/db/fresh-cluster-cache.ts); this run gets its own
 * cache, filled once here by the product's own code, so no test reads or writes
 * the user's ~/.cache and initdb runs once per `npm test`. test/db/fresh-cluster-cache.test.ts
 * covers the cache itself with caches of its own.
 */
export default async function setup(project: TestProject): Promise<() => void> {
  const cacheDir = mkdtempSync(join(tmpdir(), 'finbrain-test-cache-'));
  process.env.FINBRAIN_CACHE_DIR = cacheDir;
  const { openPgliteDb } = await import('../../src/db/pglite-db.js');
  const first = join(cacheDir, 'first-cluster');
  await (await openPgliteDb(first)).close(); // fills the cache's directory
  await (await openPgliteDb('memory://')).close(); // and its dump
  rmSync(first, { recursive: true, force: true });
  rmSync(`${first}.lock`, { force: true });
  const entries = readdirSync(cacheDir);
  const dump = entries.find((e) => e.endsWith('.tar.gz'));
  const dir = entries.find((e) => e.endsWith('.d'));
  if (!dump || !dir) throw new Error(`the fresh-cluster cache was not filled (${cacheDir} holds ${entries.join(', ') || 'nothing'})`);
  project.provide('finbrainCacheDir', cacheDir);
  project.provide('freshPgliteSnapshot', join(cacheDir, dump));
  project.provide('freshPgliteDir', join(cacheDir, dir));
  return () => rmSync(cacheDir, { recursive: true, force: true });
}
