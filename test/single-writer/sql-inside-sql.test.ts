import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeSingleWriter } from '../../src/single-writer/index.js';
import { runCli } from '../helpers/cli.js';
import { makeTree } from '../helpers/tmp.js';
import { DEFAULTS, findings } from './fixtures.js';

/**
 * Point 6 of issue 12: SQL inside SQL. The shared classifier (src/sql) reports
 * the writes inside DO blocks and function bodies, and the foreign keys a
 * migration chain makes.
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

/**
 * A team's own migrations make a foreign key ON DELETE CASCADE; the application deletes the
 * parent with plain SQL or a query builder. The static check reads the keys from the revision
 * chain (the one revision reader, the one SQL brain) and says the protected rows go too.
 */
describe('deletes that cascade through the foreign keys the migrations make', () => {
  const revision = (id: string, parent: string | null, up: string) =>
    `-- ${id}\n--\n-- Revision ID: ${id}\n-- Revises: ${parent ?? ''}\n-- Create Date: 2026-01-0${id.length % 9} 00:00:00\n\n-- migrate:up\n${up}\n\n-- migrate:down\nSELECT 1;\n`;
  const migrations = {
    'migrations/a1_users.sql': revision('a1', null, 'CREATE TABLE users (id bigserial PRIMARY KEY);\nCREATE TABLE budgets (id bigserial PRIMARY KEY, owner bigint REFERENCES users ON DELETE CASCADE);'),
    'migrations/b2_expenses.sql': revision(
      'b2',
      'a1',
      'CREATE TABLE expenses (id bigserial PRIMARY KEY, user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE, budget_id bigint, note_id bigint);\nALTER TABLE expenses ADD CONSTRAINT expenses_budget_fk FOREIGN KEY (budget_id) REFERENCES budgets(id) ON DELETE SET NULL;\nCREATE TABLE notes (id bigserial PRIMARY KEY);\nALTER TABLE expenses ADD CONSTRAINT expenses_note_fk FOREIGN KEY (note_id) REFERENCES notes(id) ON DELETE CASCADE;',
    ),
    // A later revision drops one key: deleting a note no longer touches expenses.
    'migrations/c3_drop_note_fk.sql': revision('c3', 'b2', 'ALTER TABLE expenses DROP CONSTRAINT expenses_note_fk;'),
  };
  const app = [
    `import { Pool } from 'pg';`,
    `import knex from 'knex';`,
    `const pool = new Pool();`,
    `const db = knex({ client: 'pg' });`,
    ``,
    `export async function removeUser(id: number) {`,
    `  await pool.query('DELETE FROM users WHERE id = $1', [id]);`,
    `}`,
    `export async function removeBudget(id: number) {`,
    `  await db('budgets').where({ id }).del();`,
    `}`,
    `export async function removeNote(id: number) {`,
    `  await pool.query('DELETE FROM notes WHERE id = $1', [id]);`,
    `}`,
    ``,
  ].join('\n');
  const files = { 'package.json': JSON.stringify({ name: 'svc', dependencies: { pg: '8', knex: '3' } }), ...migrations, 'src/admin.ts': app };
  const options = { protectedTables: ['expenses'], include: ['src/**/*.ts'], migrationsDir: 'migrations' };

  it('CASCADE deletes (transitively: users → budgets is a cascade, budgets → expenses a SET NULL update), a dropped key no longer counts; the message names the key and its revision', async () => {
    const root = makeTree(files);
    expect(await findings(root, options)).toEqual(['src/admin.ts:10 protected-write expenses update', 'src/admin.ts:7 protected-write expenses delete', 'src/admin.ts:7 protected-write expenses update'].sort());
    const r = await analyzeSingleWriter({ root, ...DEFAULTS, ...options });
    expect(r.findings.find((f) => f.line === 7 && f.operation === 'delete')?.message).toContain('through the foreign key (users → expenses(user_id) ON DELETE CASCADE in migrations/b2_expenses.sql)');
    expect(r.findings.find((f) => f.line === 7 && f.operation === 'update')?.message).toContain('users → budgets(owner) ON DELETE CASCADE in migrations/a1_users.sql → expenses(budget_id) ON DELETE SET NULL');
  });

  it('TRUNCATE … CASCADE empties every table referencing the one named, whatever the keys\' delete action; without CASCADE it empties only that one', async () => {
    const root = makeTree({
      ...files,
      'migrations/d4_ledger.sql': revision('d4', 'c3', 'CREATE TABLE ledger (id bigserial PRIMARY KEY, expense_id bigint REFERENCES expenses);'),
      'src/admin.ts': `import { Pool } from 'pg';\nconst pool = new Pool();\nexport const reset = () => pool.query('TRUNCATE users CASCADE');\nexport const soft = () => pool.query('TRUNCATE notes');\n`,
    });
    expect(await findings(root, { ...options, protectedTables: ['expenses', 'ledger'] })).toEqual(['src/admin.ts:3 protected-write expenses truncate', 'src/admin.ts:3 protected-write ledger truncate']);
  });

  it('no migrations folder configured, or one that does not exist: the deletes of unprotected tables say nothing (as before)', async () => {
    const root = makeTree(files);
    expect(await findings(root, { ...options, migrationsDir: undefined })).toEqual([]);
    expect(await findings(root, { ...options, migrationsDir: 'db/migrations' })).toEqual([]);
  });

  it('the CLI reads the configured migrationsDir, and an edited revision invalidates the cached result', async () => {
    const root = makeTree({ ...files, 'finbrain.config.json': JSON.stringify({ migrationsDir: 'migrations', singleWriter: { protectedTables: ['expenses'], include: ['src/**/*.ts'], cache: true } }) });
    const first = await runCli(['check', 'single-writer', '--json'], { cwd: root });
    expect(first.code).toBe(1);
    expect(JSON.parse(first.stdout).findings.map((f: { line: number }) => f.line).sort()).toEqual([10, 7, 7]);
    writeFileSync(join(root, 'migrations/d4_relax.sql'), revision('d4', 'c3', 'ALTER TABLE expenses DROP CONSTRAINT expenses_user_id_fkey;\nALTER TABLE expenses DROP CONSTRAINT expenses_budget_fk;\nALTER TABLE budgets DROP CONSTRAINT budgets_owner_fkey;'));
    const second = await runCli(['check', 'single-writer', '--json'], { cwd: root });
    expect(JSON.parse(second.stdout).findings).toEqual([]);
    expect(second.code).toBe(0);
  });
});
