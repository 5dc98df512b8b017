import { hostname, userInfo } from 'node:os';
import type { Db } from '../db/types.js';

/**
 * The ledger is an audit trail, not only a list: one row per applied revision
 * (checksum, when, how long, who, how) plus an append-only events table that
 * records every up, down, stamp, adopt and failure (as Sqitch does).
 */
export type ExecutionMode = 'transactional' | 'non-transactional' | 'stamp' | 'adopt';

export interface LedgerRow {
  revision: string;
  parents: string[];
  file: string;
  checksum: string;
  appliedAt: string;
  durationMs: number;
  appliedBy: string;
  executionMode: ExecutionMode;
}

export interface LedgerNames {
  table: string;
  events: string;
}

export function ledgerNames(table: string): LedgerNames {
  return { table, events: `${table}_events` };
}

let actor: string | undefined;

/** `user@host` of this process, for the ledger's applied_by and the events' actor (read once). */
export function whoAmI(): string {
  if (actor) return actor;
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry in some containers
  }
  actor = `${user}@${hostname()}`;
  return actor;
}

export function ledgerDdl(n: LedgerNames): string {
  const schema = n.table.includes('.') ? `CREATE SCHEMA IF NOT EXISTS ${n.table.split('.')[0]};\n` : '';
  return `${schema}CREATE TABLE IF NOT EXISTS ${n.table} (
  revision       text PRIMARY KEY,
  parents        text[] NOT NULL DEFAULT '{}',
  file           text NOT NULL,
  checksum       text NOT NULL,
  applied_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
  duration_ms    integer NOT NULL DEFAULT 0,
  applied_by     text NOT NULL,
  execution_mode text NOT NULL
);
CREATE TABLE IF NOT EXISTS ${n.events} (
  id          bigserial PRIMARY KEY,
  revision    text NOT NULL,
  direction   text NOT NULL,
  outcome     text NOT NULL,
  at          timestamptz NOT NULL DEFAULT clock_timestamp(),
  duration_ms integer NOT NULL DEFAULT 0,
  actor       text NOT NULL,
  detail      text
);`;
}

export async function ensureLedger(db: Db, n: LedgerNames): Promise<void> {
  await db.exec(ledgerDdl(n));
}

export interface LedgerSnapshot {
  /** Whether the ledger table exists (it is created only when something is written). */
  exists: boolean;
  rows: LedgerRow[];
  /** An `alembic_version` table sits in the search path: Alembic managed this database. */
  alembicVersionTable: boolean;
}

/** The ledger's rows, and whether Alembic was here: two round trips at most. */
export async function readLedger(db: Db, n: LedgerNames): Promise<LedgerSnapshot> {
  const probe = await db.query<{ ledger: string | null; alembic: string | null }>(
    "SELECT to_regclass($1)::text AS ledger, to_regclass('alembic_version')::text AS alembic",
    [n.table],
  );
  const exists = probe.rows[0]?.ledger != null;
  const alembicVersionTable = probe.rows[0]?.alembic != null;
  if (!exists) return { exists, rows: [], alembicVersionTable };
  // finbrain-ignore security/sql-injection: the ledger table name is validated as an identifier by the config schema
  const r = await db.query<Record<string, any>>(
    `SELECT revision, parents, file, checksum, applied_at, duration_ms, applied_by, execution_mode FROM ${n.table} ORDER BY applied_at, revision`,
  );
  return { exists, alembicVersionTable, rows: r.rows.map(toLedgerRow) };
}

/** Durations the events table recorded for the latest `down` of each revision. */
export async function revertDurations(db: Db, n: LedgerNames, revisions: string[]): Promise<Map<string, number>> {
  if (!revisions.length) return new Map();
  // finbrain-ignore security/sql-injection: the events table name is validated as an identifier by the config schema
  const r = await db.query<{ revision: string; duration_ms: number }>(
    `SELECT DISTINCT ON (revision) revision, duration_ms FROM ${n.events} WHERE direction = 'down' AND outcome = 'ok' AND revision = ANY($1::text[]) ORDER BY revision, id DESC`,
    [revisions],
  );
  return new Map(r.rows.map((x) => [x.revision, Number(x.duration_ms)]));
}

function toLedgerRow(row: Record<string, any>): LedgerRow {
  return {
    revision: row.revision,
    parents: row.parents ?? [],
    file: row.file,
    checksum: row.checksum,
    appliedAt: new Date(row.applied_at).toISOString(),
    durationMs: Number(row.duration_ms),
    appliedBy: row.applied_by,
    executionMode: row.execution_mode,
  };
}

/** SQL literal for our own values (ids, paths, checksums): the ledger write can then ride in the same round trip. */
export function sqlLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

export interface LedgerEntry {
  revision: string;
  parents: string[];
  file: string;
  checksum: string;
  /** Milliseconds, or 'transaction' to let Postgres measure the enclosing transaction (now() is its start). */
  durationMs: number | 'transaction';
  mode: ExecutionMode;
  direction: 'up' | 'stamp' | 'adopt';
}

/** Inside a transaction now() is its start, so Postgres can measure the migration itself. */
const TX_DURATION = '(extract(epoch FROM clock_timestamp() - now()) * 1000)::int';

/** INSERT of the ledger row and its event, as SQL text (so it commits with the migration). */
export function recordApplySql(n: LedgerNames, e: LedgerEntry, actor = whoAmI()): string {
  const parents = `ARRAY[${e.parents.map(sqlLiteral).join(',')}]::text[]`;
  const duration = e.durationMs === 'transaction' ? TX_DURATION : String(Math.round(e.durationMs));
  return (
    `INSERT INTO ${n.table} (revision, parents, file, checksum, duration_ms, applied_by, execution_mode) VALUES (` +
    `${sqlLiteral(e.revision)}, ${parents}, ${sqlLiteral(e.file)}, ${sqlLiteral(e.checksum)}, ${duration}, ${sqlLiteral(actor)}, ${sqlLiteral(e.mode)}) ` +
    `ON CONFLICT (revision) DO UPDATE SET checksum = EXCLUDED.checksum, file = EXCLUDED.file, applied_at = clock_timestamp(), duration_ms = EXCLUDED.duration_ms, applied_by = EXCLUDED.applied_by, execution_mode = EXCLUDED.execution_mode;\n` +
    `INSERT INTO ${n.events} (revision, direction, outcome, duration_ms, actor) VALUES (${sqlLiteral(e.revision)}, ${sqlLiteral(e.direction)}, 'ok', ${duration}, ${sqlLiteral(actor)});`
  );
}

export function recordRevertSql(n: LedgerNames, revision: string, durationMs: number | 'transaction', actor = whoAmI()): string {
  const duration = durationMs === 'transaction' ? TX_DURATION : String(Math.round(durationMs));
  return (
    `DELETE FROM ${n.table} WHERE revision = ${sqlLiteral(revision)};\n` +
    `INSERT INTO ${n.events} (revision, direction, outcome, duration_ms, actor) VALUES (${sqlLiteral(revision)}, 'down', 'ok', ${duration}, ${sqlLiteral(actor)});`
  );
}

/** Removes a revision from the ledger without running its down (`stamp` to an older revision). */
export function recordUnstampSql(n: LedgerNames, revision: string, actor = whoAmI()): string {
  return (
    `DELETE FROM ${n.table} WHERE revision = ${sqlLiteral(revision)};\n` +
    `INSERT INTO ${n.events} (revision, direction, outcome, actor) VALUES (${sqlLiteral(revision)}, 'unstamp', 'ok', ${sqlLiteral(actor)});`
  );
}

/** A failure is recorded after the rollback, outside the failed transaction. */
export async function recordFailure(db: Db, n: LedgerNames, revision: string, direction: string, detail: string): Promise<void> {
  // finbrain-ignore security/sql-injection: the ledger table name is validated as an identifier by the config schema
  await db
    .query(`INSERT INTO ${n.events} (revision, direction, outcome, actor, detail) VALUES ($1, $2, 'failed', $3, $4)`, [
      revision,
      direction,
      whoAmI(),
      detail.slice(0, 4000),
    ])
    .catch(() => {});
}
