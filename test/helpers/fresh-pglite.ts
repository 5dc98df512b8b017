import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { PGlite } from '@electric-sql/pglite';
import { inject } from 'vitest';

let snapshot: Blob | undefined;

/**
 * An empty in-memory PGlite database, loaded from the run's fresh-cluster dump instead of running
 * initdb again. The dump is unpacked once per process: a plain tar loads in about two thirds of the
 * CPU of the gzip one, and the suite opens hundreds.
 */
export async function freshPglite(): Promise<PGlite> {
  snapshot ??= new Blob([gunzipSync(readFileSync(inject('freshPgliteSnapshot')))]);
  return PGlite.create({ loadDataDir: snapshot });
}
