import { describe, expect, it } from 'vitest';
import { analyzeSingleWriter } from '../../src/single-writer/index.js';
import { makeTree } from '../helpers/tmp.js';

const defaults = {
  protectedTables: ['expenses'],
  writers: ['src/writer/**'],
  include: ['src/**/*.{ts,tsx,mts,cts}'],
  exclude: ['**/*.test.*', '**/test/**', 'migrations/**', '**/node_modules/**'],
};

/** Analyzes a fixture tree; returns `file:line rule table op` strings. */
async function run(files: Record<string, string>, extra: Partial<typeof defaults & { strict: boolean; wrappers: string[]; protectedTables: string[] }> = {}) {
  const root = makeTree(files);
  const r = await analyzeSingleWriter({ root, ...defaults, ...extra });
  return r.findings.map((f) => `${f.file}:${f.line} ${f.ruleId.replace('single-writer/', '')}${f.table ? ` ${f.table} ${f.operation}` : ''}`);
}

const pg = `import { Pool } from 'pg';\nexport const pool = new Pool();\n`;

describe('what counts as a write', () => {
  it.each([
    ['INSERT', "INSERT INTO expenses (amount) VALUES ($1)", 'insert'],
    ['INSERT … SELECT', 'INSERT INTO expenses SELECT * FROM staging', 'insert'],
    ['ON CONFLICT DO UPDATE', 'INSERT INTO expenses (id) VALUES (1) ON CONFLICT (id) DO UPDATE SET amount = 2', 'insert'],
    ['UPDATE with alias and FROM', 'UPDATE expenses e SET amount = 1 FROM users u WHERE u.id = e.user_id', 'update'],
    ['DELETE ONLY', 'DELETE FROM ONLY expenses WHERE id = 1', 'delete'],
    ['TRUNCATE', 'TRUNCATE public.expenses', 'truncate'],
    ['MERGE', 'MERGE INTO expenses t USING src s ON t.id = s.id WHEN MATCHED THEN DELETE', 'merge'],
    ['COPY FROM', 'COPY expenses FROM STDIN', 'copy'],
    ['a data-modifying CTE', 'WITH x AS (DELETE FROM expenses RETURNING *) SELECT * FROM x', 'delete'],
    ['a multi-statement string', 'SELECT 1; UPDATE "Expenses" SET amount = 1', 'update'],
  ])('%s', async (_n, sql, op) => {
    const out = await run({ 'src/db.ts': pg, 'src/report.ts': `import { pool } from './db';\nexport async function f() {\n  await pool.query(${JSON.stringify(sql)});\n}\n` });
    expect(out).toEqual([`src/report.ts:3 protected-write expenses ${op}`]);
  });

  it.each([
    ['a read', 'SELECT * FROM expenses'],
    ['a write to another table reading expenses', 'INSERT INTO audit SELECT * FROM expenses'],
    ['a column named expenses', 'UPDATE users SET expenses = 3'],
    ['COPY TO', 'COPY expenses TO STDOUT'],
  ])('not a write: %s', async (_n, sql) => {
    expect(await run({ 'src/db.ts': pg, 'src/r.ts': `import { pool } from './db';\npool.query(${JSON.stringify(sql)});\n` })).toEqual([]);
  });

  it('matches protected names case-insensitively and by schema', async () => {
    const files = {
      'src/db.ts': pg,
      'src/r.ts': `import { pool } from './db';\npool.query('INSERT INTO billing.expenses VALUES (1)');\npool.query('INSERT INTO public.expenses VALUES (1)');\npool.query('insert into EXPENSES values (1)');\n`,
    };
    expect(await run(files)).toEqual(['src/r.ts:2 protected-write expenses insert', 'src/r.ts:3 protected-write expenses insert', 'src/r.ts:4 protected-write expenses insert']);
    expect(await run(files, { protectedTables: ['public.expenses'] })).toEqual(['src/r.ts:3 protected-write public.expenses insert', 'src/r.ts:4 protected-write public.expenses insert']);
  });
});

describe('query sinks', () => {
  it('pg pool, client after connect(), element access, QueryConfig, new Query, bound and destructured aliases', async () => {
    const out = await run({
      'src/db.ts': pg,
      'src/r.ts': `import { Query } from 'pg';
import { pool } from './db';
export async function f() {
  const client = await pool.connect();
  await client.query('DELETE FROM expenses');
  await pool['query']('DELETE FROM expenses');
  await pool.query({ text: 'DELETE FROM expenses', values: [] });
  client.query(new Query('DELETE FROM expenses'));
  const q = pool.query.bind(pool);
  await q('DELETE FROM expenses');
  const { query } = pool;
  await query('DELETE FROM expenses');
  client.query('DELETE FROM expenses', (err: unknown) => {});
}
`,
    });
    expect(out).toEqual([5, 6, 7, 8, 10, 12, 13].map((l) => `src/r.ts:${l} protected-write expenses delete`));
  });

  it('postgres.js / slonik tagged templates and pg-copy-streams', async () => {
    const out = await run({
      'src/a.ts': `import postgres from 'postgres';\nconst sql = postgres();\nexport async function f(id: number) {\n  await sql\`UPDATE expenses SET amount = 1 WHERE id = \${id}\`;\n  await sql\`SELECT * FROM expenses WHERE id = \${id}\`;\n}\n`,
      'src/b.ts': `import { from as copyFrom } from 'pg-copy-streams';\nimport { pool } from './db';\nexport async function g() {\n  const c = await pool.connect();\n  c.query(copyFrom('COPY expenses FROM STDIN'));\n}\n`,
      'src/db.ts': pg,
    });
    expect(out).toEqual(['src/a.ts:4 protected-write expenses update', 'src/b.ts:5 protected-write expenses copy']);
  });

  // Issue 12: `Map.delete(table)` on a Map is no database write (the receiver is gated on its origin), so m.delete(e) on line 8 is no longer a finding.
  it('knex, kysely and drizzle (across modules), with no node_modules present', async () => {
    const out = await run({
      'src/k.ts': `import knex from 'knex';\nconst db = knex({ client: 'pg' });\nexport const a = () => db('expenses').where({ id: 1 }).update({ amount: 2 });\nexport const b = () => db('users').insert({});\nexport const c = () => db.table('expenses').del();\n`,
      'src/y.ts': `import { Kysely } from 'kysely';\nexport const db = new Kysely<any>({} as any);\nexport const a = () => db.insertInto('expenses').values({}).execute();\nexport const b = () => db.deleteFrom('users').execute();\nexport const c = () => db.updateTable('expenses as e').set({}).execute();\n`,
      'src/schema/tables.ts': `import { pgTable, serial } from 'drizzle-orm/pg-core';\nexport const expenses = pgTable('expenses', { id: serial('id') });\nexport const users = pgTable('users', { id: serial('id') });\n`,
      'src/schema/index.ts': `export * from './tables';\n`,
      'src/d.ts': `import { drizzle } from 'drizzle-orm/node-postgres';\nimport { expenses as e, users } from './schema';\nconst db = drizzle({} as any);\nexport const a = () => db.insert(e).values({});\nexport const b = () => db.update(users).set({});\nexport const c = () => db.delete(e);\nconst m = new Map();\nm.delete(e);\n`,
    });
    expect(out).toEqual([
      'src/d.ts:4 protected-write expenses insert',
      'src/d.ts:6 protected-write expenses delete',
      'src/k.ts:3 protected-write expenses update',
      'src/k.ts:5 protected-write expenses delete',
      'src/y.ts:3 protected-write expenses insert',
      'src/y.ts:5 protected-write expenses update',
    ]);
  });

  it('is not fooled by look-alikes: tRPC .query, log strings, comments, unrelated methods', async () => {
    const out = await run({
      'src/router.ts': `import { t } from './trpc';
// DELETE FROM expenses would be bad
export const router = t.router({
  list: t.procedure.query(async () => 'ok'),
  other: t.procedure.query(() => ({ rows: [] })),
});
console.log('INSERT INTO expenses is forbidden here');
throw new Error('cannot UPDATE expenses');
const cache = new Map<string, string>();
cache.delete('expenses');
export const doc = 'TRUNCATE expenses';
`,
    });
    expect(out).toEqual([]);
  });
});

describe('resolving SQL text statically', () => {
  it('folds constants, concatenation, join, imported constants, as const, and placeholders for dynamic parts', async () => {
    const out = await run({
      'src/db.ts': pg,
      'src/sql/constants.ts': `export const TABLE = 'expenses' as const;\nexport const DELETE_ALL = ('DELETE FROM ' + TABLE);\n`,
      'src/sql/index.ts': `export { DELETE_ALL as REMOVE, TABLE } from './constants';\n`,
      'src/r.ts': `import { pool } from './db';
import { REMOVE, TABLE } from './sql';
const UPD = ['UPDATE', TABLE, 'SET amount = 1'].join(' ');
export async function f(schema: string, id: number) {
  await pool.query(REMOVE);
  await pool.query(UPD);
  await pool.query(\`UPDATE \${schema}.expenses SET amount = 1 WHERE id = \${id}\`);
  await pool.query('INSERT INTO ' + TABLE + ' (id) VALUES (' + id + ')');
}
`,
    });
    expect(out).toEqual([
      'src/r.ts:5 protected-write expenses delete',
      'src/r.ts:6 protected-write expenses update',
      'src/r.ts:7 protected-write expenses update',
      'src/r.ts:8 protected-write expenses insert',
    ]);
  });

  it('follows tsconfig paths aliases', async () => {
    const out = await run({
      'tsconfig.json': JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@app/*': ['src/*'] } } }),
      'src/db.ts': pg,
      'src/q.ts': `export const Q = 'TRUNCATE expenses';\n`,
      'src/r.ts': `import { pool } from '@app/db';\nimport { Q } from '@app/q';\npool.query(Q);\n`,
    });
    expect(out).toEqual(['src/r.ts:3 protected-write expenses truncate']);
  });

  it('warns on unresolvable SQL at a real sink, and --strict makes it an error', async () => {
    const files = {
      'src/db.ts': pg,
      'src/r.ts': `import { pool } from './db';\nexport const f = (sql: string, table: string) => {\n  pool.query(sql);\n  pool.query(\`DELETE FROM \${table}\`);\n};\n`,
    };
    expect(await run(files)).toEqual(['src/r.ts:3 unverifiable-sql', 'src/r.ts:4 unverifiable-sql']);
    const root = makeTree(files);
    const strict = await analyzeSingleWriter({ root, ...defaults, strict: true });
    expect(strict.findings.map((f) => f.severity)).toEqual(['error', 'error']);
  });

  it('treats configured wrappers as sinks', async () => {
    const out = await run(
      { 'src/r.ts': `import { runSql } from './lib';\nrunSql('DELETE FROM expenses');\n`, 'src/lib.ts': 'export const runSql = (s: string) => s;\n' },
      { wrappers: ['runSql'] },
    );
    expect(out).toEqual(['src/r.ts:2 protected-write expenses delete']);
  });
});

describe('scope', () => {
  it('allows writes inside the writer, skips excluded tests, and checks .tsx', async () => {
    const w = `import { pool } from '../db';\nexport const add = () => pool.query('INSERT INTO expenses VALUES (1)');\n`;
    const out = await run({
      'src/db.ts': pg,
      'src/writer/expense-writer.ts': w,
      'src/writer/expense-writer.test.ts': w,
      'src/ui/Button.tsx': `import { pool } from '../db';\nexport const B = () => <button onClick={() => pool.query('DELETE FROM expenses')}>x</button>;\n`,
    });
    expect(out).toEqual(['src/ui/Button.tsx:2 protected-write expenses delete']);
  });

  it('does not crash on an import ring or on syntax errors', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 50; i++) files[`src/m${i}.ts`] = `import { c${(i + 1) % 50} } from './m${(i + 1) % 50}';\nexport const c${i} = c${(i + 1) % 50};\n`;
    files['src/bad.ts'] = 'export const = ;;; (((';
    files['src/use.ts'] = `import { c0 } from './m0';\nimport { pool } from './db';\npool.query(c0);\n`;
    files['src/db.ts'] = pg;
    expect(await run(files)).toEqual(['src/use.ts:3 unverifiable-sql']);
  });
});
