import { describe } from 'vitest';
import { scratchDatabase } from '../../bench/scratch-db.js';
import type { Db } from '../../src/db/types.js';
import { wrapPglite } from '../../src/db/pglite-db.js';
import { freshPglite } from './fresh-pglite.js';
import { openPgDb } from '../../src/db/pg-db.js';

/**
 * Database tests run on both backends: PGlite always, real Postgres when
 * TEST_DATABASE_URL is set. Suite names carry `[pglite]` / `[postgres]`, which
 * .ci/run uses to prove the real-server tests ran.
 */
export interface TestDatabase {
  db: Db;
  /** Connection URL (real Postgres only); undefined for PGlite. */
  url?: string;
  /** Opens another connection to the same database (real Postgres only). */
  connect?: () => Promise<Db>;
  dispose(): Promise<void>;
}

export interface TestBackend {
  name: 'pglite' | 'postgres';
  create(): Promise<TestDatabase>;
}

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;

const pglite: TestBackend = {
  name: 'pglite',
  async create() {
    const db = wrapPglite(await freshPglite());
    return { db, dispose: () => db.close() };
  },
};

/** A fresh database on the real server, dropped afterwards (the tests' and benches' one helper). */
export function createScratchDatabase(adminUrl = TEST_DATABASE_URL!): Promise<{ url: string; drop(): Promise<void> }> {
  return scratchDatabase(adminUrl, 'fb_test');
}

const postgres: TestBackend = {
  name: 'postgres',
  async create() {
    const scratch = await createScratchDatabase();
    const db = await openPgDb(scratch.url);
    return {
      db,
      url: scratch.url,
      connect: () => openPgDb(scratch.url),
      async dispose() {
        await db.close();
        await scratch.drop();
      },
    };
  },
};

export const backends: TestBackend[] = TEST_DATABASE_URL ? [pglite, postgres] : [pglite];

/**
 * `describe` once per backend, named `<title> [pglite]` / `<title> [postgres]`.
 * Without TEST_DATABASE_URL the real-server suite is registered as skipped, so a
 * fresh clone's `npm test` passes and reports what it did not run, and .ci/run
 * (which sets the variable) fails if any real-server test was skipped.
 */
export function describeEachBackend(title: string, body: (backend: TestBackend) => void): void {
  describe(`${title} [pglite]`, () => body(pglite));
  describe.skipIf(!TEST_DATABASE_URL)(`${title} [postgres]`, () => body(postgres));
}

/** Only on the real server (locks across sessions, races, progress views); skipped without TEST_DATABASE_URL. */
export function describePostgres(title: string, body: (backend: TestBackend) => void): void {
  describe.skipIf(!TEST_DATABASE_URL)(`${title} [postgres]`, () => body(postgres));
}
