import { Socket } from 'node:net';
import type pg from 'pg';
import { DatabaseError } from '../errors.js';
import { describeDatabaseUrl, maskSecrets } from '../masking/mask-passwords.js';
import { loadPg } from './load-pg.js';
import type { Db, QueryResult } from './types.js';

const { Client } = loadPg();

export interface PgDbOptions {
  connectTimeoutMs?: number;
  applicationName?: string;
}

/** Opens one dedicated `pg` client: migrations, the session lock and the ledger share it. */
export async function openPgDb(url: string, options: PgDbOptions = {}): Promise<Db> {
  const label = describeDatabaseUrl(url);
  const client = new Client({
    connectionString: url,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    application_name: options.applicationName ?? 'finbrain',
    // The socket pg would make itself on Node; given here, pg does not ask its runtime
    // probe again per connection (see load-pg.ts for the probe at load time).
    stream: () => new Socket(),
  });
  // An idle client whose server goes away emits 'error'; without a listener Node would crash.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (e) {
    await client.end().catch(() => {});
    throw new DatabaseError(`cannot connect to ${label}: ${maskSecrets((e as Error).message || String(e))}`, {
      cause: e,
      hint: 'Check DATABASE_URL (host, port, user, password, database) and that the server is running.',
    });
  }
  return wrapPgClient(client, label, url, options);
}

function wrapPgClient(client: pg.Client, label: string, url: string, options: PgDbOptions): Db {
  return {
    kind: 'pg',
    label,
    async query<R>(text: string, params?: unknown[]): Promise<QueryResult<R>> {
      const r = await client.query(text, params as unknown[] | undefined);
      return { rows: r.rows as R[], rowCount: r.rowCount ?? 0 };
    },
    async exec(text: string): Promise<void> {
      await client.query(text);
    },
    openSession: () => openPgDb(url, options),
    async backendPid() {
      return (client as unknown as { processID?: number }).processID;
    },
    async close() {
      await client.end().catch(() => {});
    },
  };
}
