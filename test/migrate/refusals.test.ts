import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MigrationFailedError, RevisionError, UsageError } from '../../src/errors.js';
import { migrateDown, migrateRedo, migrateUp } from '../../src/migrate/engine.js';
import { migrateStatus } from '../../src/migrate/inspect.js';
import { migrateNew } from '../../src/migrate/authoring.js';
import { migrateStamp } from '../../src/migrate/stamp.js';
import { createScratchDatabase, describeEachBackend, describePostgres, type TestDatabase } from '../helpers/backends.js';
import { runCli } from '../helpers/cli.js';
import { chain, sqlRevision } from '../helpers/revisions.js';
import { makeTree, tempDir } from '../helpers/tmp.js';

const noDb = { DATABASE_URL: undefined, CONCURRENT_MIGRATION: undefined, NODE_ENV: undefined };
const tables = async (t: TestDatabase) =>
  (await t.db.query<{ n: string }>("SELECT relname AS n FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace ORDER BY 1")).rows.map((r) => r.n);
const ledger = async (t: TestDatabase) => (await t.db.query<{ revision: string }>('SELECT revision FROM finbrain_migrations ORDER BY revision')).rows.map((r) => r.revision);
const refusal = (p: Promise<unknown>) => p.then(() => expect.fail('expected a refusal'), (e) => e);

describe('refusals that need no database', () => {
  it('--to with --steps is refused (exit 2) on up and down, naming both', async () => {
    const dir = makeTree(chain(['a1', 'b2']));
    for (const cmd of ['up', 'down']) {
      const r = await runCli(['migrate', cmd, '--to', 'base', '--steps', '2'], { cwd: dir, env: noDb });
      expect(r.code, cmd).toBe(2);
      expect(r.stderr).toMatch(/--to base and --steps 2 name two different targets/);
      expect(r.stderr).toMatch(/fix: Give one/);
    }
    expect(existsSync(join(dir, '.finbrain'))).toBe(false);
    await expect(migrateDown({ cwd: dir, to: 'base', steps: 2 })).rejects.toBeInstanceOf(UsageError);
  });

  it('a missing migrations folder, a wrong migrationsDir and a wrong --root are refused and create nothing', async () => {
    const empty = tempDir();
    for (const args of [['up'], ['status'], ['down'], ['stamp', 'head']]) {
      const r = await runCli(['migrate', ...args], { cwd: empty, env: noDb });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/no migrations folder at migrations/);
      expect(r.stderr).toMatch(/--root|migrationsDir|migrate new/);
    }
    expect(existsSync(join(empty, '.finbrain'))).toBe(false);

    const wrongDir = makeTree({ ...chain(['a1']), 'finbrain.config.json': JSON.stringify({ migrationsDir: 'db/migrations' }) });
    const r = await runCli(['migrate', 'up'], { cwd: wrongDir, env: noDb });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no migrations folder at db\/migrations \(migrationsDir "db\/migrations"/);
    expect(existsSync(join(wrongDir, '.finbrain'))).toBe(false);

    const root = await runCli(['migrate', 'up', '--root', 'no/such/dir'], { cwd: wrongDir, env: noDb });
    expect(root.code).toBe(2);
    expect(root.stderr).toMatch(/--root no\/such\/dir: no such directory/);
  });

  it('NODE_ENV=production with no database configured is refused; --embedded uses PGlite on purpose', async () => {
    const dir = makeTree(chain(['a1']));
    const r = await runCli(['migrate', 'up'], { cwd: dir, env: { ...noDb, NODE_ENV: 'production' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/NODE_ENV=production and no database is configured/);
    expect(r.stderr).toMatch(/DATABASE_URL.*--embedded/);
    expect(existsSync(join(dir, '.finbrain'))).toBe(false);
    const ok = await runCli(['migrate', 'up', '--embedded'], { cwd: dir, env: { ...noDb, NODE_ENV: 'production' } });
    expect(ok.code, ok.stderr).toBe(0);
    expect(existsSync(join(dir, '.finbrain', 'pglite'))).toBe(true);
  });

  it('--embedded wins over DATABASE_URL', async () => {
    const dir = makeTree(chain(['a1']));
    // finbrain-ignore-secret: an unreachable made-up URL; it must not be used
    const r = await runCli(['migrate', 'up', '--embedded', '--json'], { cwd: dir, env: { ...noDb, DATABASE_URL: 'postgres://nobody:pw@127.0.0.1:1/none' } });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).database).toMatch(/embedded PGlite/);
  });

  it('revision files of an unsupported extension are named and refused, not ignored', async () => {
    const dir = makeTree({ ...chain(['a1']), 'migrations/b2_x.js': 'exports.up = () => {}', 'migrations/c3_y.mjs': 'export const up = () => {}', 'migrations/README.md': '# notes' });
    const r = await runCli(['migrate', 'up'], { cwd: dir, env: noDb });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/migrations\/b2_x\.js, migrations\/c3_y\.mjs: not a revision file finbrain can run/);
    expect(r.stderr).toMatch(/\.js, \.mjs is not run/);
    expect(existsSync(join(dir, '.finbrain'))).toBe(false);
  });
});

describeEachBackend('refusals against a database', (backend) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await backend.create();
  });
  afterEach(() => t.dispose());

  it('an alembic_version table with an empty ledger: up points to adopt and creates nothing', async () => {
    const dir = makeTree(chain(['a1', 'b2']));
    await t.db.exec("CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY); INSERT INTO alembic_version VALUES ('a1'); CREATE TABLE t_a1 (id int);");
    const err = await refusal(migrateUp({ cwd: dir, db: t.db }));
    expect(err).toBeInstanceOf(RevisionError);
    expect(err.message).toMatch(/alembic_version table and an empty finbrain ledger/);
    expect(err.hint).toMatch(/migrate adopt --from-alembic/);
    expect(await tables(t)).toEqual(['alembic_version', 't_a1']);
  });

  it('an applied revision whose parent is not applied (deleted ledger row): up and down refuse, status reports it, stamp repairs it', async () => {
    const dir = makeTree(chain(['a1', 'b2', 'c3']));
    await migrateUp({ cwd: dir, db: t.db });
    await t.db.exec("DELETE FROM finbrain_migrations WHERE revision = 'b2'");
    for (const run of [() => migrateUp({ cwd: dir, db: t.db }), () => migrateDown({ cwd: dir, db: t.db })]) {
      const err = await refusal(run());
      expect(err).toBeInstanceOf(RevisionError);
      expect(err.message).toMatch(/c3 \(migrations\/c3_create_t_c3\.sql\) is applied but its parent b2 is not/);
      expect(err.hint).toMatch(/finbrain migrate stamp c3/);
    }
    expect(await tables(t)).toEqual(expect.arrayContaining(['t_a1', 't_b2', 't_c3']));
    const s = await migrateStatus({ cwd: dir, db: t.db });
    expect(s.gaps).toEqual([{ revision: 'c3', missingParents: ['b2'] }]);
    expect(s.upToDate).toBe(false);
    await migrateStamp({ cwd: dir, db: t.db, target: 'c3' });
    expect(await ledger(t)).toEqual(['a1', 'b2', 'c3']);
    expect((await migrateUp({ cwd: dir, db: t.db })).steps).toEqual([]);
  });

  it('down past an applied revision whose file is missing is refused', async () => {
    const dir = makeTree(chain(['a1', 'b2', 'c3']));
    await migrateUp({ cwd: dir, db: t.db });
    rmSync(join(dir, 'migrations/c3_create_t_c3.sql'));
    const err = await refusal(migrateDown({ cwd: dir, db: t.db }));
    expect(err).toBeInstanceOf(RevisionError);
    expect(err.message).toMatch(/c3 \(migrations\/c3_create_t_c3\.sql, per the ledger\) is applied above b2 but its file is gone/);
    expect(err.hint).toMatch(/Restore migrations\/c3_create_t_c3\.sql/);
    expect(await ledger(t)).toEqual(['a1', 'b2', 'c3']);
    expect(await tables(t)).toEqual(expect.arrayContaining(['t_b2']));
  });

  it('down of a revision edited after it was applied is refused without --allow-drift', async () => {
    const dir = makeTree(chain(['a1', 'b2']));
    await migrateUp({ cwd: dir, db: t.db });
    writeFileSync(join(dir, 'migrations/b2_create_t_b2.sql'), sqlRevision({ id: 'b2', revises: 'a1', up: 'CREATE TABLE t_b2 (id int);', down: 'DROP TABLE t_b2 CASCADE;' }));
    const err = await refusal(migrateDown({ cwd: dir, db: t.db }));
    expect(err).toBeInstanceOf(RevisionError);
    expect(err.message).toMatch(/changed since they were applied: b2 .*down may not revert/);
    expect(await ledger(t)).toEqual(['a1', 'b2']);
    expect((await migrateDown({ cwd: dir, db: t.db, allowDrift: true })).steps.map((s) => s.revision)).toEqual(['b2']);
  });

  it('a checksum change is drift on every kind of ledger row, stamp rows included', async () => {
    const dir = makeTree(chain(['a1', 'b2', 'c3']));
    await migrateStamp({ cwd: dir, db: t.db, target: 'b2' });
    writeFileSync(join(dir, 'migrations/b2_create_t_b2.sql'), sqlRevision({ id: 'b2', revises: 'a1', up: 'CREATE TABLE t_b2 (id bigint);', down: 'DROP TABLE t_b2;' }));
    const s = await migrateStatus({ cwd: dir, db: t.db });
    expect(s.drift).toEqual(['b2']);
    expect(s.applied.find((a) => a.revision === 'b2')!.executionMode).toBe('stamp');
    await expect(migrateUp({ cwd: dir, db: t.db })).rejects.toBeInstanceOf(RevisionError);
  });

  it('an empty up section is refused before anything runs', async () => {
    const dir = makeTree({ ...chain(['a1']), 'migrations/b2_empty.sql': sqlRevision({ id: 'b2', revises: 'a1', up: '-- to do\n/* later */', down: 'SELECT 1;' }) });
    const err = await refusal(migrateUp({ cwd: dir, db: t.db }));
    expect(err).toBeInstanceOf(RevisionError);
    expect(err.message).toMatch(/migrations\/b2_empty\.sql:7: the up section of b2 is empty/);
    expect(await tables(t)).toEqual([]);
  });

  it('an empty down section makes the revision irreversible, and down says so', async () => {
    const dir = makeTree({ ...chain(['a1']), 'migrations/b2_x.sql': sqlRevision({ id: 'b2', revises: 'a1', up: 'CREATE TABLE t_b2 (id int);', down: '-- nothing yet' }) });
    await migrateUp({ cwd: dir, db: t.db });
    const err = await refusal(migrateDown({ cwd: dir, db: t.db }));
    expect(err).toBeInstanceOf(RevisionError);
    expect(err.message).toMatch(/revision b2 is irreversible: its `-- migrate:down` section is empty/);
    expect(await tables(t)).toEqual(['finbrain_migrations', 'finbrain_migrations_events', 't_a1', 't_b2']);
    await expect(migrateRedo({ cwd: dir, db: t.db })).rejects.toThrow(/irreversible/);
    expect(await ledger(t)).toEqual(['a1', 'b2']);
  });

  it('`migrate new` writes templates that cannot pass for working revisions (SQL and TS)', async () => {
    const dir = makeTree(chain(['a1']));
    for (const format of ['sql', 'ts'] as const) {
      const n = await migrateNew({ cwd: dir, message: `new ${format}`, format });
      const up = await refusal(migrateUp({ cwd: dir, db: t.db }));
      expect(up, format).toBeInstanceOf(RevisionError);
      expect(up.message).toMatch(new RegExp(`${n.revision}.*is empty: there is nothing to apply`));
      // Fill in the up only: the empty down keeps the revision irreversible.
      const path = join(dir, n.file);
      const filled = readFileSync(path, 'utf8').replace(
        format === 'sql' ? '-- migrate:up\n' : 'Promise<void> {\n',
        format === 'sql' ? `-- migrate:up\nCREATE TABLE t_${format} (id int);\n` : `Promise<void> {\n  await ctx.query('CREATE TABLE t_${format} (id int)');\n`,
      );
      writeFileSync(path, filled);
      await migrateUp({ cwd: dir, db: t.db });
      const down = await refusal(migrateDown({ cwd: dir, db: t.db }));
      expect(down.message, format).toMatch(new RegExp(`revision ${n.revision} is irreversible: its (\`-- migrate:down\` section|down\\(ctx\\)) is empty`));
    }
  });

  it('a TS revision that does not parse is refused before the revisions ahead of it run', async () => {
    const dir = makeTree({
      ...chain(['a1']),
      'migrations/b2_ts.ts': `/**\n * broken\n *\n * Revision ID: b2\n * Revises: a1\n * Create Date: 2025-01-02\n */\nexport async function up(ctx) {\n  await ctx.query('SELECT 1');\n  if (ctx.concurrent {\n  }\n}\n`,
    });
    const err = await refusal(migrateUp({ cwd: dir, db: t.db }));
    expect(err).toBeInstanceOf(RevisionError);
    expect(err.message).toMatch(/TypeScript revision\(s\) do not parse, so nothing was run:\nmigrations\/b2_ts\.ts:10:\d+: Expected "\)"/);
    expect(await tables(t)).toEqual([]);
  });

  it('a failed up lists what this run applied before it, as typed fields', async () => {
    const dir = makeTree({ ...chain(['a1', 'b2']), 'migrations/c3_bad.sql': sqlRevision({ id: 'c3', revises: 'b2', up: 'CREATE TABLE t_c3 (id int);\nSELECT * FROM nope;' }) });
    const err = await refusal(migrateUp({ cwd: dir, db: t.db }));
    expect(err).toBeInstanceOf(MigrationFailedError);
    expect(err.applied.map((s: { revision: string }) => s.revision)).toEqual(['a1', 'b2']);
    expect(err.line).toBe(9);
    expect(err.sqlState).toBe('42P01');
    expect(err.toJSON()).toMatchObject({ applied: [{ revision: 'a1' }, { revision: 'b2' }], line: 9 });
  });
});

describePostgres('refusals that must not touch the server', () => {
  it('a missing migrations folder with DATABASE_URL set creates no ledger there', async () => {
    const scratch = await createScratchDatabase();
    try {
      const r = await runCli(['migrate', 'up'], { cwd: tempDir(), env: { ...noDb, DATABASE_URL: scratch.url } });
      expect(r.code).toBe(2);
      const c = new pg.Client({ connectionString: scratch.url });
      await c.connect();
      const n = (await c.query("SELECT count(*)::int AS n FROM pg_class WHERE relname LIKE 'finbrain_migrations%'")).rows[0].n;
      await c.end();
      expect(n).toBe(0);
    } finally {
      await scratch.drop();
    }
  });
});
