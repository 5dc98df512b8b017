import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { migrateVerify } from '../../src/verify/verify.js';
import { runCli } from '../helpers/cli.js';
import { TEST_DATABASE_URL } from '../helpers/backends.js';
import { chain, sqlRevision } from '../helpers/revisions.js';
import { makeTree } from '../helpers/tmp.js';

const broken = () =>
  makeTree({
    ...chain(['a1']),
    'migrations/b2_add_col.sql': sqlRevision({ id: 'b2', revises: 'a1', up: 'ALTER TABLE t_a1 ADD COLUMN note text;\nCREATE INDEX ix_note ON t_a1 (note);', down: 'DROP INDEX ix_note;' }),
    'migrations/c3_later.sql': sqlRevision({ id: 'c3', revises: 'b2', up: 'CREATE TABLE t_c3 (id int);', down: 'DROP TABLE t_c3;' }),
  });

describe('finbrain migrate verify (the stairway)', () => {
  it('passes a chain whose downs restore the schema', async () => {
    const r = await migrateVerify({ cwd: makeTree(chain(['a1', 'b2', 'c3'])) });
    expect(r.ok).toBe(true);
    expect(r.steps.map((s) => [s.revision, s.status])).toEqual([
      ['a1', 'ok'],
      ['b2', 'ok'],
      ['c3', 'ok'],
    ]);
  });

  it('reports the first revision whose down leaves something behind, with a readable diff, exit 1', async () => {
    const dir = broken();
    const r = await migrateVerify({ cwd: dir });
    expect(r.ok).toBe(false);
    expect(r.firstFailure).toBe('b2');
    expect(r.steps.at(-1)).toMatchObject({ revision: 'b2', status: 'down-mismatch', diff: ['+ column public.t_a1.note text'] });
    const cli = await runCli(['migrate', 'verify'], { cwd: dir });
    expect(cli.code).toBe(1);
    expect(cli.stdout).toMatch(/b2 .*down does not restore the schema/);
    expect(cli.stdout).toContain('+ column public.t_a1.note text');
  });

  it('reports an irreversible revision as such, and fails it only with --strict', async () => {
    const dir = makeTree({ ...chain(['a1']), 'migrations/b2_x.sql': sqlRevision({ id: 'b2', revises: 'a1', up: 'CREATE TABLE t_b2 (id int);', down: null }) });
    const r = await migrateVerify({ cwd: dir });
    expect(r.ok).toBe(true);
    expect(r.steps.map((s) => s.status)).toEqual(['ok', 'irreversible']);
    expect((await runCli(['migrate', 'verify'], { cwd: dir })).code).toBe(0);
    expect((await runCli(['migrate', 'verify', '--strict'], { cwd: dir })).code).toBe(1);
  });

  it("verifies this repository's own migrations", async () => {
    const r = await migrateVerify({ cwd: new URL('../..', import.meta.url).pathname });
    expect(r.ok).toBe(true);
    expect(r.steps.length).toBeGreaterThanOrEqual(3);
  });
});

describe.runIf(TEST_DATABASE_URL)('migrate verify --database-url [postgres]', () => {
  it('works in a scratch database it creates and drops, touching nothing else', async () => {
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    // Other test files create and drop their own databases at the same time, so only
    // the scratch databases verify names are compared, not the whole cluster.
    const verifyDbs = async () =>
      (await admin.query("SELECT datname FROM pg_database WHERE datname LIKE 'finbrain\\_verify\\_%' ORDER BY 1")).rows.map((r) => r.datname as string);
    const dbsBefore = await verifyDbs();
    const r = await migrateVerify({ cwd: broken(), databaseUrl: TEST_DATABASE_URL });
    expect(r.firstFailure).toBe('b2');
    expect(r.database).toMatch(/^scratch database finbrain_verify_/);
    const scratch = r.database.replace(/^scratch database /, '').split(/\s/)[0];
    const dbsAfter = await verifyDbs();
    const tables = await admin.query("SELECT count(*)::int AS n FROM pg_tables WHERE tablename LIKE 't_a1%' OR tablename LIKE 'finbrain_migrations%'");
    await admin.end();
    expect(scratch).toMatch(/^finbrain_verify_/);
    expect(dbsAfter).not.toContain(scratch);
    expect(dbsAfter).toEqual(dbsBefore);
    expect(tables.rows[0].n).toBe(0);
  });
});
