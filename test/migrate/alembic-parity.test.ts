import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrateNew } from '../../src/migrate/authoring.js';
import { migrateRedo, migrateUp } from '../../src/migrate/engine.js';
import { migrateHistory, migrateShow, migrateStatus } from '../../src/migrate/inspect.js';
import { describeEachBackend, type TestDatabase } from '../helpers/backends.js';
import { runCli } from '../helpers/cli.js';
import { chain, sqlRevision } from '../helpers/revisions.js';
import { makeTree } from '../helpers/tmp.js';

const noDb = { DATABASE_URL: undefined, CONCURRENT_MIGRATION: undefined, NODE_ENV: undefined };

/** a1 <- b2 <- c3, and b2 <- d4: b2 is a branch point; two heads c3 and d4 merged by e5. */
const branched = () =>
  makeTree({
    ...chain(['a1', 'b2', 'c3']),
    'migrations/d4_other.sql': sqlRevision({ id: 'd4', revises: 'b2', up: 'CREATE TABLE t_d4 (id int);', down: 'DROP TABLE t_d4;', date: '2025-01-02 00:00:00.000000' }),
    'migrations/e5_merge.sql': sqlRevision({ id: 'e5', revises: 'c3, d4', up: 'SELECT 1;', summary: 'merge c3 and d4' }),
  });

describeEachBackend('Alembic parity', (backend) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await backend.create();
  });
  afterEach(() => t.dispose());

  it('up --steps N applies the next N pending revisions', async () => {
    const dir = makeTree(chain(['a1', 'b2', 'c3', 'd4']));
    expect((await migrateUp({ cwd: dir, db: t.db, steps: 2 })).steps.map((s) => s.revision)).toEqual(['a1', 'b2']);
    expect((await migrateUp({ cwd: dir, db: t.db, steps: 1 })).steps.map((s) => s.revision)).toEqual(['c3']);
    expect((await migrateStatus({ cwd: dir, db: t.db })).pending).toEqual(['d4']);
  });

  it('redo reverts and re-applies the newest revision(s), and the schema is back', async () => {
    const dir = makeTree(chain(['a1', 'b2', 'c3']));
    await migrateUp({ cwd: dir, db: t.db });
    const r = await migrateRedo({ cwd: dir, db: t.db, steps: 2 });
    expect(r.direction).toBe('redo');
    expect(r.steps.map((s) => `${s.direction} ${s.revision}`)).toEqual(['down c3', 'down b2', 'up b2', 'up c3']);
    expect(r.current).toEqual(['c3']);
    const events = await t.db.query<{ e: string }>("SELECT direction || ' ' || revision AS e FROM finbrain_migrations_events WHERE revision IN ('b2', 'c3') ORDER BY id");
    expect(events.rows.map((x) => x.e)).toEqual(['up b2', 'up c3', 'down c3', 'down b2', 'up b2', 'up c3']);
    expect((await t.db.query("SELECT to_regclass('t_c3') IS NOT NULL AS ok")).rows[0]).toEqual({ ok: true });
  });

  it('show <rev> gives header, parents, children, file, checksum, and applied or not', async () => {
    const dir = branched();
    await migrateUp({ cwd: dir, db: t.db, to: 'c3' });
    const b2 = await migrateShow({ cwd: dir, db: t.db, revision: 'b2' });
    expect(b2).toMatchObject({ revision: 'b2', parents: ['a1'], children: ['c3', 'd4'], isBranchPoint: true, file: 'migrations/b2_create_t_b2.sql', applied: true });
    expect(b2.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(b2.ledger).toMatchObject({ checksum: b2.checksum, drift: false, executionMode: 'transactional' });
    const d4 = await migrateShow({ cwd: dir, db: t.db, revision: 'd4' });
    expect(d4).toMatchObject({ applied: false, ledger: null, children: ['e5'] });
  });

  it('history --range a:b marks current, head, branch points and merge points', async () => {
    const dir = branched();
    await migrateUp({ cwd: dir, db: t.db, to: 'c3' });
    const h = await migrateHistory({ cwd: dir, db: t.db, range: 'b2:e5', indicateCurrent: true });
    expect(h.revisions.map((r) => r.revision)).toEqual(['e5', 'd4', 'c3', 'b2']);
    expect(h.current).toEqual(['c3']);
    const byId = Object.fromEntries(h.revisions.map((r) => [r.revision, r]));
    expect(byId.c3).toMatchObject({ isCurrent: true, applied: true });
    expect(byId.b2).toMatchObject({ isBranchPoint: true, isCurrent: false });
    expect(byId.e5).toMatchObject({ isHead: true, isMerge: true, applied: false });
    expect((await migrateHistory({ cwd: dir, range: ':b2' })).revisions.map((r) => r.revision)).toEqual(['b2', 'a1']);
    expect((await migrateHistory({ cwd: dir, range: 'd4:' })).revisions.map((r) => r.revision)).toEqual(['e5', 'd4']);
  });
});

describe('Alembic parity on the CLI', () => {
  it('history --verbose prints each header with the marks; the plain form is Alembic-like', async () => {
    const dir = branched();
    expect((await runCli(['migrate', 'up', '--to', 'c3'], { cwd: dir, env: noDb })).code).toBe(0);
    const plain = await runCli(['migrate', 'history', '-r', 'a1:c3', '-i'], { cwd: dir, env: noDb });
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).toBe('b2 -> c3 (current), revision c3\na1 -> b2 (branchpoint), revision b2\n<base> -> a1, revision a1\n');
    const verbose = await runCli(['migrate', 'history', '--range', 'c3:e5', '--verbose'], { cwd: dir, env: noDb });
    expect(verbose.stdout).toContain('Rev: e5 (head) (mergepoint)\nMerges: c3, d4\nPath: migrations/e5_merge.sql\n\n    merge c3 and d4\n\n    Revision ID: e5\n    Revises: c3, d4\n');
    expect(verbose.stdout).toContain('Rev: c3\nParent: b2\nPath: migrations/c3_create_t_c3.sql');
    const json = JSON.parse((await runCli(['migrate', 'show', 'c3', '--json'], { cwd: dir, env: noDb })).stdout);
    expect(json).toMatchObject({ revision: 'c3', applied: true, isCurrent: true });
    const text = await runCli(['migrate', 'show', 'd4'], { cwd: dir, env: noDb });
    expect(text.stdout).toMatch(/^Rev: d4\nParent: b2\nPath: migrations\/d4_other\.sql/);
    expect(text.stdout).toMatch(/Applied: no/);
  });

  it('new --rev-id names the revision; --head starts a second head', async () => {
    const dir = makeTree(chain(['a1', 'b2']));
    const n = JSON.parse((await runCli(['migrate', 'new', 'from alembic', '--rev-id', 'ae1027a6acf', '--json'], { cwd: dir, env: noDb })).stdout);
    expect(n).toMatchObject({ revision: 'ae1027a6acf', parents: ['b2'], file: 'migrations/ae1027a6acf_from_alembic.sql' });
    expect(readFileSync(join(dir, n.file), 'utf8')).toContain('-- Revision ID: ae1027a6acf\n-- Revises: b2\n');
    const taken = await runCli(['migrate', 'new', 'again', '--rev-id', 'ae1027a6acf'], { cwd: dir, env: noDb });
    expect(taken.code).toBe(2);
    expect(taken.stderr).toMatch(/revision ae1027a6acf already exists/);
    const branch = await migrateNew({ cwd: dir, message: 'hotfix', head: 'a1' });
    expect(branch.parents).toEqual(['a1']);
    const heads = JSON.parse((await runCli(['migrate', 'heads', '--json'], { cwd: dir, env: noDb })).stdout);
    expect(heads.heads.map((h: { revision: string }) => h.revision).sort()).toEqual([branch.revision, 'ae1027a6acf'].sort());
  });

  it('status --check exits 1 while anything is pending or drifted, 0 when up to date', async () => {
    const dir = makeTree(chain(['a1', 'b2']));
    const pending = await runCli(['migrate', 'status', '--check'], { cwd: dir, env: noDb });
    expect(pending.code).toBe(1);
    expect(pending.stdout).toContain("pending:  2");
    expect((await runCli(['migrate', 'up'], { cwd: dir, env: noDb })).code).toBe(0);
    expect((await runCli(['migrate', 'status', '--check'], { cwd: dir, env: noDb })).code).toBe(0);
    expect((await runCli(['migrate', 'status'], { cwd: dir, env: noDb })).code).toBe(0);
    writeFileSync(join(dir, 'migrations/a1_create_t_a1.sql'), sqlRevision({ id: 'a1', up: 'CREATE TABLE t_a1 (id bigint);', down: 'DROP TABLE t_a1;' }));
    const drifted = await runCli(['migrate', 'status', '--check', '--json'], { cwd: dir, env: noDb });
    expect(drifted.code).toBe(1);
    expect(JSON.parse(drifted.stdout)).toMatchObject({ drift: ['a1'], pending: [], upToDate: false });
  });
});
