import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeEachBackend, type TestDatabase } from '../helpers/backends.js';
import { openPgDb } from '../../src/db/pg-db.js';
import { DatabaseError } from '../../src/errors.js';

describeEachBackend('Db adapter', (backend) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await backend.create();
  });
  afterEach(() => t.dispose());

  it('runs parameterised queries and multi-statement scripts', async () => {
    await t.db.exec('CREATE TABLE t (id int primary key, v text); INSERT INTO t VALUES (1, $$a;b$$);');
    const r = await t.db.query<{ v: string }>('SELECT v FROM t WHERE id = $1', [1]);
    expect(r.rows).toEqual([{ v: 'a;b' }]);
    const u = await t.db.query('UPDATE t SET v = $1', ['c']);
    expect(u.rowCount).toBe(1);
  });
});

describe('pg connection errors', () => {
  it('fails fast and never prints the password', async () => {
    const started = Date.now();
    // finbrain-ignore-secret: a made-up password that proves masking
    const err = await openPgDb('postgres://app:s3cretPass@127.0.0.1:1/nodb', { connectTimeoutMs: 3000 }).catch((e) => e);
    expect(err).toBeInstanceOf(DatabaseError);
    expect(Date.now() - started).toBeLessThan(15_000);
    const everything = `${err.message}\n${err.stack}\n${JSON.stringify(err.toJSON())}\n${err.hint}`;
    expect(everything).toContain('app:****@127.0.0.1:1');
    expect(everything).not.toContain('s3cretPass');
  });
});
