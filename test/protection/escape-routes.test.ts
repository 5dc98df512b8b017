import pg from 'pg';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SingleWriterGuard } from '../../src/runtime/guard.js';
import { SingleWriterViolationError } from '../../src/runtime/violation.js';
import { describePostgres } from '../helpers/backends.js';
import { makeRig, rigLifecycle, type Rig } from './setup.js';

/**
 * The runtime guard's judgement, statement by statement, and the marks a
 * caller might forge to get past it. The routes themselves, end to end on
 * both backends, are in test/adversarial/.
 */
rigLifecycle();

const INSERT = 'INSERT INTO expenses (user_id, amount) VALUES (1, 10)';
const TABLES = ['public.expenses', 'public.expenses_audit', 'public.expenses_requests'];

describe('core protection tests: what the guard refuses', () => {
  let guard: SingleWriterGuard;
  beforeAll(async () => {
    guard = await SingleWriterGuard.create({ protectedTables: TABLES });
  });

  it.each([
    [INSERT, 'write', 'insert'],
    ['UPDATE public.expenses SET amount = 1', 'write', 'update'],
    ['delete from "expenses"', 'write', 'delete'],
    ['TRUNCATE expenses_audit', 'write', 'truncate'],
    ['WITH x AS (DELETE FROM expenses RETURNING *) SELECT * FROM x', 'write', 'delete'],
    ['SELECT 1; INSERT INTO expenses (user_id, amount) VALUES (1, 2)', 'write', 'insert'],
    ['COPY expenses FROM STDIN', 'write', 'copy'],
    ['MERGE INTO expenses e USING users u ON e.user_id = u.id WHEN MATCHED THEN DELETE', 'write', 'merge'],
    ['DO $$BEGIN DELETE FROM expenses; END$$', 'write', 'delete'],
    ["DO $$BEGIN EXECUTE format('DELETE FROM %I', 'expenses'); END$$", 'write', 'delete'],
    ["CREATE FUNCTION f() RETURNS void LANGUAGE sql AS 'DELETE FROM expenses_requests'", 'write', 'delete'],
    ['ALTER TABLE expenses DISABLE TRIGGER ALL', 'ddl', 'ALTER TABLE … DISABLE TRIGGER'],
    ['DROP TABLE expenses_audit', 'ddl', 'DROP'],
    ['CREATE RULE r AS ON DELETE TO expenses DO INSTEAD NOTHING', 'ddl', 'CREATE RULE'],
    ['CREATE TEMP TABLE expenses (id int)', 'ddl', 'CREATE TABLE'],
    ['CREATE VIEW v AS SELECT * FROM expenses', 'ddl', 'CREATE VIEW over'],
    ['SET standard_conforming_strings = off', 'setting', 'SET standard_conforming_strings'],
    ["SELECT set_config('role', 'finbrain_writer', false)", 'setting', 'set_config role'],
    ['RESET ROLE', 'setting', 'RESET role'],
  ])('refuses %j', (sql, kind, operation) => {
    const v = guard.check(sql);
    expect(v).toBeInstanceOf(SingleWriterViolationError);
    expect(v).toMatchObject({ kind, operation });
  });

  it.each([
    'SELECT * FROM expenses',
    "INSERT INTO users (external_id) VALUES ('x')",
    "SELECT 'DELETE FROM expenses'",
    'SET statement_timeout = 1000',
    "SET client_encoding = 'UTF8'",
    'RESET ALL',
    'CREATE TEMP TABLE scratch (id int)',
    "DO $$BEGIN INSERT INTO users (external_id) VALUES ('y'); END$$",
  ])('lets %j through', (sql) => {
    expect(guard.check(sql)).toBeUndefined();
  });

  it('refuses what it cannot see through only where nothing stands behind it (PGlite), unless configured', async () => {
    const computed = "DO $$DECLARE t text := 'expenses'; BEGIN EXECUTE 'DELETE FROM ' || t; END$$";
    expect(guard.check(computed, 'allow')).toBeUndefined();
    expect(guard.check(computed, 'reject')).toMatchObject({ kind: 'opaque' });
    expect(guard.check('this is not SQL', 'reject')).toMatchObject({ kind: 'opaque' });
    const strict = await SingleWriterGuard.create({ protectedTables: TABLES, opaqueSql: 'reject' });
    expect(strict.check(computed, 'allow')).toMatchObject({ kind: 'opaque' });
  });

  it('judges each distinct text once and keeps the cache bounded', async () => {
    const small = await SingleWriterGuard.create({ cacheSize: 2 });
    for (const sql of ['SELECT 1', 'SELECT 2', 'SELECT 3', 'SELECT 3']) expect(small.check(sql)).toBeUndefined();
    expect(small.cache.size).toBe(2);
  });
});

describePostgres('core protection tests: forged marks and interleaved callbacks', () => {
  let rig: Rig;
  afterEach(() => rig?.close());

  it('does not honour a forged "already checked" or "already guarded" mark', async () => {
    rig = await makeRig('postgres');
    const forged = () => ({ text: INSERT, [Symbol.for('finbrain.checked')]: true }) as unknown as string;
    await expect(rig.appPool!.query(forged())).rejects.toBeInstanceOf(SingleWriterViolationError);
    const client = new pg.Client({ connectionString: rig.url!('app') });
    (client as unknown as Record<symbol, boolean>)[Symbol.for('finbrain.guarded')] = true;
    rig.guard.guardClient(client);
    await client.connect();
    try {
      await expect(client.query(forged())).rejects.toBeInstanceOf(SingleWriterViolationError);
    } finally {
      await client.end();
    }
  });

  it('judges each of many interleaved callback-style requests on its own', async () => {
    rig = await makeRig('postgres');
    const outcomes = await Promise.all(
      Array.from(
        { length: 12 },
        (_, i) =>
          new Promise<string>((resolve) =>
            rig.appPool!.query(i % 2 ? INSERT : 'SELECT count(*) FROM expenses', (err: unknown) =>
              resolve(err instanceof SingleWriterViolationError ? 'refused' : err ? `db: ${(err as Error).message}` : 'ok'),
            ),
          ),
      ),
    );
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(6);
    expect(outcomes.filter((o) => o === 'refused')).toHaveLength(6);
    expect(rig.violations.filter((v) => v.layer === 'runtime')).toHaveLength(6);
  });
});
