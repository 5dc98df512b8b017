import { randomBytes } from 'node:crypto';
import { openPgDb } from '../db/pg-db.js';
import { DatabaseError } from '../errors.js';
import { describeDatabaseUrl } from '../masking/mask-passwords.js';

export interface ScratchDatabase {
  name: string;
  url: string;
  /** Drops the database (and ends any session still on it). */
  drop(): Promise<void>;
}

/** One statement on the admin connection (CREATE/DROP DATABASE cannot run in a transaction). */
async function admin(url: string, sql: string): Promise<void> {
  const db = await openPgDb(url);
  try {
    await db.exec(sql);
  } finally {
    await db.close().catch(() => {});
  }
}

/**
 * A fresh database with a random name on the server of `adminUrl`, for work
 * that must touch nothing else (`migrate verify`). The name is made of the
 * prefix and random hex, so it needs no quoting.
 */
export async function createScratchDatabase(adminUrl: string, prefix = 'finbrain_scratch'): Promise<ScratchDatabase> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  try {
    // finbrain-ignore security/sql-injection: the name is a fixed prefix and random hex digits
    await admin(adminUrl, `CREATE DATABASE ${name}`);
  } catch (e) {
    throw new DatabaseError(`cannot create a scratch database on ${describeDatabaseUrl(adminUrl)}: ${(e as Error).message}`, { cause: e, hint: 'This needs CREATEDB on that server.' });
  }
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return {
    name,
    url: u.toString(),
    // finbrain-ignore security/sql-injection: the name is a fixed prefix and random hex digits
    drop: () => admin(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}
