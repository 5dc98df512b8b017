import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A dump of a freshly initialised PGlite cluster (see test/helpers/fresh-pglite.ts). */
    freshPgliteSnapshot: string;
    /** The same fresh cluster as a data directory on disk (see seedEmbeddedDb). */
    freshPgliteDir: string;
  }
}

/**
 * A new PGlite runs initdb, about 4 s of CPU here. Tests that only need an empty
 * database load a copy of one fresh cluster instead: in memory from its dump, on
 * disk (a project's `.finbrain/pglite`) as a copy of its directory. initdb runs
 * once per `npm test`, here.
 */
export default async function setup(project: TestProject): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), 'finbrain-pglite-snapshot-'));
  const dataDir = join(dir, 'fresh-cluster');
  const db = await PGlite.create(dataDir);
  const dump = await db.dumpDataDir('none');
  await db.close();
  const file = join(dir, 'fresh-cluster.tar');
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  project.provide('freshPgliteSnapshot', file);
  project.provide('freshPgliteDir', dataDir);
  return () => rmSync(dir, { recursive: true, force: true });
}
