import { fileURLToPath } from 'node:url';
import type { Db } from '../../src/db/types.js';
import { readRevisionFiles } from '../../src/migrations/revision-file.js';
import { initSqlParser, splitStatements } from '../../src/sql/index.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The agreed FinBrain baseline (5b555895a514), used until issue-2's migrations are merged. */
const BASELINE = `
CREATE TABLE users (id bigserial PRIMARY KEY, external_id text UNIQUE NOT NULL, display_name text, created_at timestamptz DEFAULT now());
CREATE TABLE categories (id bigserial PRIMARY KEY, name text UNIQUE NOT NULL);
CREATE TABLE expenses (
  id bigserial PRIMARY KEY, user_id bigint NOT NULL REFERENCES users, category_id bigint REFERENCES categories,
  amount numeric(19,4) NOT NULL CHECK (amount > 0), currency char(3) NOT NULL DEFAULT 'BDT', description text,
  source text NOT NULL DEFAULT 'chat', idempotency_key text UNIQUE, occurred_at timestamptz NOT NULL DEFAULT now(),
  created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now());`;

/**
 * Applies the real revision files of migrations/ in chain order, one
 * statement at a time (so `Transaction: false` revisions work). `stopBefore`
 * leaves the chain before that revision (to load legacy rows first).
 */
export async function applyMigrations(db: Db, options: { stopBefore?: string; startAt?: string } = {}): Promise<string[]> {
  await initSqlParser();
  const files = await readRevisionFiles(`${ROOT}/migrations`, ROOT);
  const byId = new Map(files.map((f) => [f.revision, f]));
  const applied = new Set<string>();
  const order: string[] = [];
  if (!byId.has('5b555895a514') && !options.startAt) {
    await db.exec(BASELINE);
    for (const id of ['5b555895a514', 'cf6afe03b206', '30b14b696ef7']) applied.add(id);
  }
  let started = !options.startAt;
  for (;;) {
    const next = files.find((f) => !applied.has(f.revision) && f.parents.every((p) => applied.has(p)));
    if (!next) break;
    applied.add(next.revision);
    if (next.revision === options.startAt) started = true;
    if (next.revision === options.stopBefore) break;
    if (!started) continue;
    for (const stmt of splitStatements(next.upSql ?? '')) await db.query(stmt.text);
    order.push(next.revision);
  }
  return order;
}

export async function revertRevision(db: Db, revision: string): Promise<void> {
  await initSqlParser();
  const files = await readRevisionFiles(`${ROOT}/migrations`, ROOT);
  const f = files.find((x) => x.revision === revision)!;
  for (const stmt of splitStatements(f.downSql ?? '')) await db.query(stmt.text);
}

export const GUARD_REVISION = '7ebfabfe8d44';
export const NORMALISE_REVISION = '0352e238bfe4';
