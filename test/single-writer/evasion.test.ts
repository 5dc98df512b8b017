import { describe, expect, it } from 'vitest';
import { makeTree } from '../helpers/tmp.js';
import { findings } from './fixtures.js';

/** The tests an attacker would write: the same write, hidden behind syntax. */
describe('writes hidden behind syntax are still writes', () => {
  it('computed method names, call/apply/Reflect.apply, aliases, concatenation, destructured delegates', async () => {
    const root = makeTree({
      'package.json': JSON.stringify({ name: 'svc', dependencies: { pg: '8', '@prisma/client': '6', kysely: '0.28' } }),
      'prisma/schema.prisma': `generator client {\n  provider = "prisma-client-js"\n}\n\nmodel Expense {\n  id Int @id\n  @@map("expenses")\n}\n`,
      'src/db.ts': `import { Pool } from 'pg';\nimport { PrismaClient } from '@prisma/client';\nexport const pool = new Pool();\nexport const prisma = new PrismaClient();\n`,
      'src/sneaky.ts': [
        `import { pool, prisma } from './db';`,
        `const M = 'qu' + 'ery';`,
        `const verb = ['DEL', 'ETE'].join('');`,
        `const p = pool;`,
        `export async function hide(id: number) {`,
        `  await pool[M](verb + ' FROM expenses');`,
        `  await pool.query.call(pool, 'UPDATE expenses SET amount = 0');`,
        `  await pool.query.apply(pool, ['TRUNCATE expenses']);`,
        `  await Reflect.apply(pool.query, pool, ['DELETE FROM "expenses"']);`,
        `  await p['query'](\`INSERT INTO public.expenses VALUES (\${id})\`);`,
        `  const { expense } = prisma;`,
        `  await expense.deleteMany({});`,
        `  const delegate = prisma['expense'];`,
        `  await delegate.update({ where: { id }, data: {} });`,
        `}`,
        ``,
      ].join('\n'),
    });
    expect(await findings(root)).toEqual([
      'src/sneaky.ts:10 protected-write expenses insert',
      'src/sneaky.ts:12 protected-write expenses delete',
      'src/sneaky.ts:14 protected-write expenses update',
      'src/sneaky.ts:6 protected-write expenses delete',
      'src/sneaky.ts:7 protected-write expenses update',
      'src/sneaky.ts:8 protected-write expenses truncate',
      'src/sneaky.ts:9 protected-write expenses delete',
    ]);
  });
});

describe('a database handle kept on a class is still the database', () => {
  it('destructured from this, indexed by a string, a static field, an alias of this, an arrow field', async () => {
    const root = makeTree({
      'package.json': JSON.stringify({ name: 'svc', dependencies: { pg: '8', 'drizzle-orm': '0.36' } }),
      'src/repo.ts': [
        `import { drizzle } from 'drizzle-orm/node-postgres';`,
        `import { pgTable, serial } from 'drizzle-orm/pg-core';`,
        `import { Pool } from 'pg';`,
        `const expenses = pgTable('expenses', { id: serial('id') });`,
        `export class Repo {`,
        `  static db = drizzle(process.env.DATABASE_URL!);`,
        `  private readonly pool = new Pool();`,
        `  a() { const { pool } = this; return pool.query('DELETE FROM expenses'); }`,
        `  b() { return this['pool'].query('DELETE FROM expenses'); }`,
        `  c() { return Repo.db.delete(expenses); }`,
        `  d() { const self = this; return self.pool.query('UPDATE expenses SET id = 1'); }`,
        `  e = () => this.pool.query('TRUNCATE expenses');`,
        `}`,
        ``,
      ].join('\n'),
    });
    expect(await findings(root)).toEqual([
      'src/repo.ts:10 protected-write expenses delete',
      'src/repo.ts:11 protected-write expenses update',
      'src/repo.ts:12 protected-write expenses truncate',
      'src/repo.ts:8 protected-write expenses delete',
      'src/repo.ts:9 protected-write expenses delete',
    ]);
  });
});
