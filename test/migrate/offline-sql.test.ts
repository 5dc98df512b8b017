import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/types.js';
import { migrateUp } from '../../src/migrate/engine.js';
import { initSqlParser, splitStatements } from '../../src/sql/index.js';
import { snapshotSchema } from '../../src/verify/schema-snapshot.js';
import { describeEachBackend, type TestBackend, type TestDatabase } from '../helpers/backends.js';
import { runCli } from '../helpers/cli.js';
import { chain, sqlRevision } from '../helpers/revisions.js';
import { makeTree, tempDir } from '../helpers/tmp.js';

/** Revisions that stress a script: data, a non-transactional index build, a function body with `;`, a last statement without `;`, a trailing comment. */
const project = () =>
  makeTree({
    'migrations/a1_base.sql': sqlRevision({ id: 'a1', up: "CREATE TABLE acct (id int PRIMARY KEY, note text);\nINSERT INTO acct VALUES (1, 'it''s; here');", down: 'DROP TABLE acct;' }),
    'migrations/b2_idx.sql': sqlRevision({
      id: 'b2',
      revises: 'a1',
      transaction: 'false',
      up: 'CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_note ON acct (note);\nALTER TABLE acct ADD COLUMN IF NOT EXISTS amount numeric(19, 4)\n-- the last statement has no semicolon',
      down: 'DROP INDEX CONCURRENTLY IF EXISTS ix_note;\nALTER TABLE acct DROP COLUMN IF EXISTS amount;',
    }),
    'migrations/c3_fn.sql': sqlRevision({
      id: 'c3',
      revises: 'b2',
      up: "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  NEW.note := coalesce(NEW.note, 'n/a'); -- a comment; with a semicolon\n  RETURN NEW;\nEND;\n$$;\nCREATE TRIGGER acct_touch BEFORE INSERT ON acct FOR EACH ROW EXECUTE FUNCTION touch(); -- trailing comment",
      down: 'DROP TRIGGER acct_touch ON acct;\nDROP FUNCTION touch();',
    }),
    'migrations/d4_enum.sql': sqlRevision({ id: 'd4', revises: 'c3', up: "CREATE TYPE kind AS ENUM ('a', 'b');\nALTER TABLE acct ADD COLUMN k kind", down: 'ALTER TABLE acct DROP COLUMN k;\nDROP TYPE kind;' }),
  });

const LEDGER = 'SELECT revision, parents, file, checksum, execution_mode FROM finbrain_migrations ORDER BY revision';
const EVENTS = 'SELECT revision, direction, outcome FROM finbrain_migrations_events ORDER BY id';

async function state(db: Db) {
  return {
    schema: await snapshotSchema(db, []),
    ledger: (await db.query(LEDGER)).rows,
    events: (await db.query(EVENTS)).rows,
    data: (await db.query('SELECT id, note FROM acct ORDER BY id')).rows,
  };
}

/** Applies a script the way `psql -v ON_ERROR_STOP=1 -f` does: psql on a server; statement by statement (autocommit) on PGlite. */
async function applyScript(backend: TestBackend, t: TestDatabase, script: string): Promise<void> {
  if (backend.name === 'postgres') {
    const file = join(tempDir(), 'up.sql');
    writeFileSync(file, script);
    const r = spawnSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-f', file, t.url!], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    return;
  }
  await initSqlParser();
  for (const s of splitStatements(script)) await t.db.exec(s.text);
}

describeEachBackend('migrate up --sql --offline', (backend) => {
  let scripted: TestDatabase;
  let migrated: TestDatabase;
  beforeEach(async () => {
    scripted = await backend.create();
    migrated = await backend.create();
  });
  afterEach(async () => {
    await scripted.dispose();
    await migrated.dispose();
  });

  it('applied to a fresh database, leaves the schema and the ledger rows `migrate up` leaves', async () => {
    const dir = project();
    const r = await migrateUp({ cwd: dir, dryRun: true, offline: true });
    expect(r.database).toBe('none (offline)');
    expect(r.sql).toMatch(/^-- finbrain migrate up --sql: 4 revision\(s\)/);
    expect(r.sql).toContain('CREATE TABLE IF NOT EXISTS finbrain_migrations (');
    await applyScript(backend, scripted, r.sql!);
    await migrateUp({ cwd: dir, db: migrated.db });
    const [a, b] = [await state(scripted.db), await state(migrated.db)];
    expect(a.ledger.map((x) => [x.revision, x.execution_mode])).toEqual([
      ['a1', 'transactional'],
      ['b2', 'non-transactional'],
      ['c3', 'transactional'],
      ['d4', 'transactional'],
    ]);
    expect(a).toEqual(b);
    expect(a.schema).toContain('index CREATE INDEX ix_note ON public.acct USING btree (note)');
  });

  it('--from and --to script a range; applied after `up --to` it reaches the same state as `up`', async () => {
    const dir = project();
    await migrateUp({ cwd: dir, db: scripted.db, to: 'b2' });
    const r = await migrateUp({ cwd: dir, dryRun: true, offline: true, from: 'b2', to: 'c3' });
    expect(r.sql).toMatch(/Running upgrade c3/);
    expect(r.sql).not.toMatch(/Running upgrade (a1|b2|d4)/);
    await applyScript(backend, scripted, r.sql!);
    await migrateUp({ cwd: dir, db: migrated.db, to: 'c3' });
    expect(await state(scripted.db)).toEqual(await state(migrated.db));
  });
});

describe('migrate up --sql --offline on the CLI', () => {
  const ts = `/**\n * ts step\n *\n * Revision ID: c3\n * Revises: b2\n * Create Date: 2025-01-03\n */\nexport async function up(ctx) {\n  await ctx.query('SELECT 1');\n}\n`;

  it('needs no database, and refuses a TS revision in range by name (never written as applied)', async () => {
    const dir = makeTree({ ...chain(['a1', 'b2']), 'migrations/c3_ts.ts': ts });
    // finbrain-ignore-secret: an unreachable made-up URL: offline must not try it
    const env = { DATABASE_URL: 'postgres://nobody:pw@127.0.0.1:1/none', NODE_ENV: undefined };
    const ok = await runCli(['migrate', 'up', '--sql', '--offline', '--to', 'b2'], { cwd: dir, env });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/Running upgrade b2/);
    const refused = await runCli(['migrate', 'up', '--sql', '--offline'], { cwd: dir, env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/cannot write c3 \(migrations\/c3_ts\.ts\) as SQL/);
    expect(refused.stdout).toBe('');
  });

  it('--offline needs --sql, and --from needs --offline', async () => {
    const dir = makeTree(chain(['a1']));
    expect((await runCli(['migrate', 'up', '--offline'], { cwd: dir })).code).toBe(2);
    expect((await runCli(['migrate', 'up', '--sql', '--from', 'a1'], { cwd: dir })).code).toBe(2);
  });
});
