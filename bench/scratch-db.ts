import { randomBytes } from 'node:crypto';
import pg from 'pg';

async function admin(url: string, sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/**
 * A fresh database on the server of `adminUrl`, named `<prefix>_<pid>_<random>`;
 * `drop()` removes it. The one scratch-database helper of the tests and the
 * benches (the tool's own, for `migrate verify`, is src/verify/scratch-database.ts).
 */
export async function scratchDatabase(adminUrl: string, prefix: string): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin(adminUrl, `CREATE DATABASE ${name}`);
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return { url: u.toString(), name, drop: () => admin(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
