import { cpSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { inject } from 'vitest';
import { makeTree } from './tmp.js';

let snapshot: Blob | undefined;

/** An empty in-memory PGlite database, loaded from the run's fresh-cluster dump instead of running initdb again. */
export async function freshPglite(): Promise<PGlite> {
  snapshot ??= new Blob([readFileSync(inject('freshPgliteSnapshot'))]);
  return PGlite.create({ loadDataDir: snapshot });
}

/**
 * Gives a temp project the embedded database its first `migrate` run would create
 * (`.finbrain/pglite`, an empty fresh cluster), copied instead of made by initdb.
 * For tests that are not about that first run; the ones that are (creating the
 * folder, refusing to) leave their project without it.
 */
export function seedEmbeddedDb(projectDir: string, embeddedDir = '.finbrain/pglite'): string {
  const target = join(projectDir, embeddedDir);
  if (existsSync(target)) throw new Error(`seedEmbeddedDb: ${target} already exists`);
  cpSync(inject('freshPgliteDir'), target, { recursive: true });
  return projectDir;
}

/** makeTree, plus the embedded database a first run would have created (see seedEmbeddedDb). */
export function makeProject(files: Record<string, string>, prefix?: string): string {
  return seedEmbeddedDb(makeTree(files, prefix));
}
