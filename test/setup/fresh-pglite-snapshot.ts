import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A dump of a freshly initialised PGlite cluster (see test/helpers/fresh-pglite.ts). */
    freshPgliteSnapshot: string;
  }
}

/**
 * A new PGlite runs initdb, about 2 s of CPU. Tests that only need an empty
 * database load this dump of a fresh cluster instead (a third of a second), once
 * initdb has run here, once per `npm test`.
 */
export default async function setup(project: TestProject): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), 'finbrain-pglite-snapshot-'));
  const db = await PGlite.create();
  const dump = await db.dumpDataDir('none');
  await db.close();
  const file = join(dir, 'fresh-cluster.tar');
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  project.provide('freshPgliteSnapshot', file);
  return () => rmSync(dir, { recursive: true, force: true });
}
