import { describe, expect, it } from 'vitest';
import { makeTree } from '../helpers/tmp.js';
import { findings } from './fixtures.js';

/**
 * Point 6 of issue 12: SQL inside SQL. These tests depend on the shared
 * classifier (src/sql, owned by another engineer) reporting the writes inside
 * DO blocks and function bodies; they pass once that change is merged.
 */
const db = `import { Pool } from 'pg';\nexport const pool = new Pool();\n`;

describe('SQL inside SQL', () => {
  it.each([
    ['a DO block (plpgsql)', `DO $$ BEGIN DELETE FROM expenses WHERE amount < 0; END $$`, 'delete'],
    ['a DO block with a language clause', `DO LANGUAGE plpgsql $body$ BEGIN UPDATE expenses SET amount = 0; END $body$`, 'update'],
    ['CREATE FUNCTION … LANGUAGE sql', `CREATE FUNCTION purge() RETURNS void LANGUAGE sql AS $$ DELETE FROM expenses $$`, 'delete'],
    ['CREATE OR REPLACE FUNCTION … LANGUAGE plpgsql', `CREATE OR REPLACE FUNCTION add_expense(a int) RETURNS void AS $$ BEGIN INSERT INTO expenses (amount) VALUES (a); END $$ LANGUAGE plpgsql`, 'insert'],
    ['CREATE PROCEDURE with a BEGIN ATOMIC body', `CREATE PROCEDURE wipe() LANGUAGE sql BEGIN ATOMIC TRUNCATE expenses; END`, 'truncate'],
  ])('%s passed to pg query is a write', async (_n, sql, op) => {
    const root = makeTree({ 'src/db.ts': db, 'src/admin.ts': `import { pool } from './db';\nexport const run = () => pool.query(${JSON.stringify(sql)});\n` });
    expect(await findings(root)).toEqual([`src/admin.ts:2 protected-write expenses ${op}`]);
  });

  it('a DO block that only reads the protected table is not a write', async () => {
    const root = makeTree({ 'src/db.ts': db, 'src/admin.ts': `import { pool } from './db';\nexport const run = () => pool.query("DO $$ BEGIN PERFORM count(*) FROM expenses; INSERT INTO audit VALUES (1); END $$");\n` });
    expect(await findings(root)).toEqual([]);
  });
});
