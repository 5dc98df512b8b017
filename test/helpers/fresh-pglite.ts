import { readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { inject } from 'vitest';

let snapshot: Blob | undefined;

/** An empty in-memory PGlite database, loaded from the run's fresh-cluster dump instead of running initdb again. */
export async function freshPglite(): Promise<PGlite> {
  snapshot ??= new Blob([readFileSync(inject('freshPgliteSnapshot'))]);
  return PGlite.create({ loadDataDir: snapshot });
}
