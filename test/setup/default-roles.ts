import pg from 'pg';

/**
 * Roles are the server's, not a database's: tests that protect a table with the default role
 * names (finbrain_app, finbrain_writer) create them on the shared server, and dropping each
 * test's database does not drop them. What this run created is dropped when it ends; roles that
 * were there before (a developer's own) are never touched.
 */
const DEFAULT_ROLES = ['finbrain_app', 'finbrain_writer'];

export default async function setup(): Promise<(() => Promise<void>) | void> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) return;
  const existing = await rolesPresent(url);
  return async () => {
    const created = (await rolesPresent(url)).filter((r) => !existing.includes(r));
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      for (const role of created) {
        // Still granted something somewhere (a database a test did not drop): say so, keep going.
        await client.query(`DROP ROLE IF EXISTS "${role}"`).catch((e: Error) => process.stderr.write(`note: test role ${role} left on the server: ${e.message}\n`));
      }
    } finally {
      await client.end();
    }
  };
}

async function rolesPresent(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ rolname: string }>('SELECT rolname FROM pg_roles WHERE rolname = ANY($1)', [DEFAULT_ROLES])).rows.map((r) => r.rolname);
  } finally {
    await client.end();
  }
}
