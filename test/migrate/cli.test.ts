import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, spawnCli } from '../helpers/cli.js';
import { chain, sqlRevision } from '../helpers/revisions.js';
import { makeTree } from '../helpers/tmp.js';
import { createScratchDatabase, describePostgres } from '../helpers/backends.js';

const noDb = { DATABASE_URL: undefined, CONCURRENT_MIGRATION: undefined };

describe('finbrain CLI basics', () => {
  it('prints help, version, and help with an example for every migrate subcommand', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('migrate');
    const version = await runCli(['--version']);
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version);
    for (const sub of ['up', 'down', 'status', 'history', 'heads', 'new', 'stamp', 'merge', 'adopt']) {
      const r = await runCli(['migrate', sub, '--help']);
      expect(r.code, sub).toBe(0);
      expect(r.stdout, sub).toMatch(/Example:\n {2}\$ .*finbrain migrate/);
    }
  });

  it('exits 2 on usage errors', async () => {
    expect((await runCli(['migrate', 'nope'])).code).toBe(2);
    expect((await runCli(['migrate', 'up', '--bogus'])).code).toBe(2);
  });
});

describe('bad revision input exits 2, names the files and the fix, and touches no database', () => {
  const cases: [string, Record<string, string>, string[], RegExp[]][] = [
    [
      'a cycle',
      {
        'migrations/a1_x.sql': sqlRevision({ id: 'a1', up: 'SELECT 1;' }),
        'migrations/b2_x.sql': sqlRevision({ id: 'b2', revises: 'a1, c3', up: 'SELECT 1;' }),
        'migrations/c3_x.sql': sqlRevision({ id: 'c3', revises: 'b2', up: 'SELECT 1;' }),
      },
      ['up'],
      [/cycle/, /b2/, /c3/, /Revises/],
    ],
    [
      'two heads',
      {
        'migrations/a1_x.sql': sqlRevision({ id: 'a1', up: 'SELECT 1;' }),
        'migrations/b2_x.sql': sqlRevision({ id: 'b2', revises: 'a1', up: 'SELECT 1;' }),
        'migrations/c3_x.sql': sqlRevision({ id: 'c3', revises: 'a1', up: 'SELECT 1;' }),
      },
      ['up'],
      [/2 heads/, /b2 \(migrations\/b2_x\.sql\)/, /c3 \(migrations\/c3_x\.sql\)/, /migrate merge/, /--to/],
    ],
    [
      'a duplicate revision id',
      {
        'migrations/a1_x.sql': sqlRevision({ id: 'a1', up: 'SELECT 1;' }),
        'migrations/a1_y.sql': sqlRevision({ id: 'a1', up: 'SELECT 2;' }),
      },
      ['up'],
      [/duplicate revision id a1/, /migrations\/a1_x\.sql/, /migrations\/a1_y\.sql/, /fresh id/],
    ],
    ['an unknown parent', { 'migrations/a1_x.sql': sqlRevision({ id: 'a1', revises: 'zz', up: 'SELECT 1;' }) }, ['up'], [/a1_x\.sql/, /unknown revision zz/]],
    [
      'a missing Revision ID',
      { 'migrations/a1_x.sql': '-- summary\n--\n-- Revises:\n\n-- migrate:up\nSELECT 1;\n' },
      ['status'],
      [/a1_x\.sql: missing `Revision ID:`/, /Add a line/],
    ],
    [
      'a missing migrate:up section',
      { 'migrations/a1_x.sql': '-- summary\n--\n-- Revision ID: a1\n-- Revises:\n\nSELECT 1;\n' },
      ['up'],
      [/a1_x\.sql: missing `-- migrate:up`/],
    ],
    ['an unknown --to target', chain(['a1']), ['up', '--to', 'nope'], [/unknown --to revision "nope"/, /migrate history/]],
    [
      "another tool's folder at the default path (TypeORM): not 'rename it', which would break that tool",
      {
        'migrations/1595972968832-create-user.ts': `import { MigrationInterface, QueryRunner } from 'typeorm';\nexport class CreateUser1595972968832 implements MigrationInterface {\n  async up(q: QueryRunner) { await q.query('CREATE TABLE "user" (id int)'); }\n  async down(q: QueryRunner) { await q.query('DROP TABLE "user"'); }\n}\n`,
        'migrations/1599252589777-create-article.ts': `export class CreateArticle1599252589777 {}\n`,
      },
      ['status'],
      [/migrations\/: none of its 2 files is a finbrain revision \(`1595972968832-create-user\.ts`, `1599252589777-create-article\.ts`\)/, /another tool's migrations folder/, /"migrationsDir"/, /init --migrations-dir/],
    ],
    [
      "another tool's folder at the default path (Knex, TypeScript names finbrain's pattern also matches)",
      {
        'migrations/20230101120000_create_users.ts': `import type { Knex } from 'knex';\nexport async function up(knex: Knex) { await knex.schema.createTable('users', (t) => t.increments()); }\n`,
        'migrations/20230102120000_add_email.ts': `import type { Knex } from 'knex';\nexport async function up(knex: Knex) { await knex.schema.alterTable('users', (t) => t.string('email')); }\n`,
      },
      ['up'],
      [/none of its 2 files is a finbrain revision/, /"migrationsDir"/],
    ],
  ];

  it.each(cases)('%s', async (_name, files, args, patterns) => {
    const dir = makeTree(files);
    const r = await runCli(['migrate', ...args], { cwd: dir, env: noDb });
    expect(r.code).toBe(2);
    for (const p of patterns) expect(r.stderr).toMatch(p);
    // The graph is validated before any database is opened.
    expect(existsSync(join(dir, '.finbrain'))).toBe(false);
    const json = await runCli(['migrate', ...args, '--json'], { cwd: dir, env: noDb });
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ error: 'revision', exitCode: 2 });
  });
});

describe('the embedded default', () => {
  it('applies ./migrations to PGlite under .finbrain/ and says so in one line (the bin, in its own process, exits)', async () => {
    const dir = makeTree(chain(['a1', 'b2']));
    const r = await spawnCli(['migrate', 'up'], { cwd: join(dir, 'migrations', '..'), env: noDb });
    expect(r.code).toBe(0);
    expect(r.stderr.match(/embedded PGlite/g)).toHaveLength(1);
    expect(r.stdout).toMatch(/applied a1/);
    expect(readdirSync(join(dir, '.finbrain'))).toContain('pglite');
    const s = await spawnCli(['migrate', 'status', '--json'], { cwd: dir, env: noDb });
    const status = JSON.parse(s.stdout);
    expect(status.current).toEqual(['b2']);
    expect(status.applied.map((a: { revision: string }) => a.revision)).toEqual(['a1', 'b2']);
    expect(status.pending).toEqual([]);
    expect(status.drift).toEqual([]);
    expect(s.stdout).not.toMatch(new RegExp(String.fromCharCode(27) + "\\["));
  });

  it('writes new and merge revisions that chain from the head', async () => {
    const dir = makeTree(chain(['a1']));
    const n = JSON.parse((await runCli(['migrate', 'new', 'Add notes!', '--json'], { cwd: dir, env: noDb })).stdout);
    expect(n.revision).toMatch(/^[0-9a-f]{12}$/);
    expect(n.parents).toEqual(['a1']);
    expect(n.file).toMatch(new RegExp(`^migrations/${n.revision}_add_notes\\.sql$`));
    const t = JSON.parse((await runCli(['migrate', 'new', 'other branch', '--ts', '--no-transaction', '--json'], { cwd: dir, env: noDb })).stdout);
    expect(t.parents).toEqual([n.revision]);
    expect(readFileSync(join(dir, t.file), 'utf8')).toMatch(/Transaction: false[\s\S]*export async function up/);
    const heads = await runCli(['migrate', 'heads'], { cwd: dir, env: noDb });
    expect(heads.stdout).toContain(t.revision);
  });
});

describe('connection problems', () => {
  it('fails within 15 s with exit 1 and never prints the password', async () => {
    const dir = makeTree(chain(['a1']));
    const started = Date.now();
    for (const args of [['up'], ['status', '--json']]) {
      // finbrain-ignore-secret: a made-up password that proves masking
      const r = await spawnCli(['migrate', ...args], { cwd: dir, env: { DATABASE_URL: 'postgres://app:hunter2secret@127.0.0.1:1/app' } });
      expect(r.code).toBe(1);
      expect(r.stdout + r.stderr).not.toContain('hunter2secret');
      expect(r.stderr).toContain('app:****@127.0.0.1:1');
    }
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});

describePostgres('parallel runners', () => {
  let scratch: { url: string; drop(): Promise<void> };
  beforeAll(async () => {
    scratch = await createScratchDatabase();
  });
  afterAll(() => scratch.drop());

  it('four migrate up processes started at once all exit 0 and apply each revision exactly once', async () => {
    const files: Record<string, string> = {};
    const ids = ['r1', 'r2', 'r3', 'r4', 'r5'];
    ids.forEach((id, i) => {
      files[`migrations/${id}_x.sql`] = sqlRevision({ id, revises: i ? ids[i - 1] : '', up: `CREATE TABLE t_${id} (id int); SELECT pg_sleep(0.2);` });
    });
    const dir = makeTree(files);
    const results = await Promise.all([1, 2, 3, 4].map(() => spawnCli(['migrate', 'up', '--json'], { cwd: dir, env: { DATABASE_URL: scratch.url } })));
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const applied = results.flatMap((r) => JSON.parse(r.stdout).steps.map((s: { revision: string }) => s.revision));
    expect(applied.sort()).toEqual(ids);
    const c = new pg.Client({ connectionString: scratch.url });
    await c.connect();
    const events = await c.query("SELECT revision, count(*)::int AS n FROM finbrain_migrations_events WHERE direction = 'up' GROUP BY 1 ORDER BY 1");
    await c.end();
    expect(events.rows).toEqual(ids.map((revision) => ({ revision, n: 1 })));
  });
});

describe('the embedded database is one process at a time', () => {
  it('two migrate up processes on the same .finbrain/ both exit 0 and apply each revision once', async () => {
    const dir = makeTree(chain(['a1', 'b2', 'c3']));
    const [x, y] = await Promise.all([spawnCli(['migrate', 'up', '--json'], { cwd: dir, env: noDb }), spawnCli(['migrate', 'up', '--json'], { cwd: dir, env: noDb })]);
    expect(x.code, x.stderr).toBe(0);
    expect(y.code, y.stderr).toBe(0);
    const applied = [x, y].flatMap((r) => JSON.parse(r.stdout).steps.map((s: { revision: string }) => s.revision)).sort();
    expect(applied).toEqual(['a1', 'b2', 'c3']);
  });
});

describePostgres('login refused', () => {
  it('exits 1 with a masked message when the server refuses the login', async () => {
    const dir = makeTree(chain(['a1']));
    const u = new URL(process.env.TEST_DATABASE_URL!);
    u.username = 'no_such_role_fb';
    u.password = 'pw-Secret-123'; // finbrain-ignore-secret: a made-up password that proves masking
    const r = await runCli(['migrate', 'status'], { cwd: dir, env: { DATABASE_URL: u.toString() } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no_such_role_fb/);
    expect(r.stdout + r.stderr).not.toContain('pw-Secret-123');
  });
});
