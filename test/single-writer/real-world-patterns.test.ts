import { describe, expect, it } from 'vitest';
import { makeTree } from '../helpers/tmp.js';
import { findings } from './fixtures.js';

/** Patterns met on real repositories (create-t3-turbo, documenso) that the check must see through. */
describe('patterns from real services', () => {
  it('tRPC procedures: ctx.db is what initTRPC.context<typeof createContext>() returns (traced, not matched by name)', async () => {
    const root = makeTree({
      'package.json': JSON.stringify({ name: 'api', dependencies: { '@trpc/server': '11', 'drizzle-orm': '0.44', zod: '4' } }),
      'src/schema.ts': `import { pgTable, serial } from 'drizzle-orm/pg-core';\nexport const Post = pgTable('expenses', { id: serial('id') });\n`,
      'src/db.ts': `import { drizzle } from 'drizzle-orm/node-postgres';\nexport const database = drizzle(process.env.DATABASE_URL!);\n`,
      'src/trpc.ts': [
        `import { initTRPC } from '@trpc/server';`,
        `import { database } from './db';`,
        `export const createTRPCContext = async (opts: { headers: Headers }) => {`,
        `  return { cache: new Map<string, unknown>(), db: database, ...opts };`,
        `};`,
        `const t = initTRPC.context<typeof createTRPCContext>().create();`,
        `export const publicProcedure = t.procedure;`,
        `export const createTRPCRouter = t.router;`,
        ``,
      ].join('\n'),
      'src/router.ts': [
        `import { z } from 'zod';`,
        `import { Post } from './schema';`,
        `import { createTRPCRouter, publicProcedure } from './trpc';`,
        `export const postRouter = createTRPCRouter({`,
        `  all: publicProcedure.query(({ ctx }) => ctx.db.select().from(Post)),`,
        `  create: publicProcedure.input(z.object({})).mutation(({ ctx }) => ctx.db.insert(Post).values({})),`,
        `  forget: publicProcedure.mutation(({ ctx }) => ctx.cache.delete('expenses')),`,
        `});`,
        ``,
      ].join('\n'),
    });
    expect(await findings(root)).toEqual(['src/router.ts:6 protected-write expenses insert']);
  });

  it('a client made by a generic memoising helper (remember<T>(key, () => T): T) keeps its origin', async () => {
    const root = makeTree({
      'package.json': JSON.stringify({ name: 'svc', dependencies: { '@prisma/client': '6' } }),
      'prisma/schema.prisma': `generator client {\n  provider = "prisma-client-js"\n}\n\ngenerator zod {\n  provider = "zod-prisma-types"\n}\n\nmodel Expense {\n  id Int @id\n  @@map("expenses")\n}\n`,
      'src/remember.ts': `export function remember<T>(name: string, getValue: () => T): T {\n  const g = globalThis as unknown as Record<string, T>;\n  g[name] ??= getValue();\n  return g[name];\n}\n`,
      'src/client.ts': `import { PrismaClient } from '@prisma/client';\nimport { remember } from './remember';\nexport const store = remember('prisma', () => new PrismaClient());\n`,
      'src/use.ts': `import { store } from './client';\nimport { ExpenseSchema } from '../prisma/generated/zod';\nexport const f = () => store.expense.deleteMany({});\nexport const parse = ExpenseSchema;\n`,
    });
    // The zod generator's output is not generated in a fresh checkout: generated code, not an unresolved import.
    expect(await findings(root)).toEqual(['src/use.ts:3 protected-write expenses delete']);
  });

  it('a dependency declared by any package of the workspace is a package (installs hoist it); a name under the workspace scope that resolves nowhere is unresolved', async () => {
    const root = makeTree({
      'package.json': JSON.stringify({ name: 'root', workspaces: ['apps/*', 'packages/*'] }),
      'apps/web/package.json': JSON.stringify({ name: '@acme/web', dependencies: { hono: '4' } }),
      'packages/api/package.json': JSON.stringify({ name: '@acme/api' }),
      'packages/api/server.ts': `import { Hono } from 'hono';\nimport { x } from '@acme/shared';\nexport const app = new Hono(x);\n`,
    });
    expect(await findings(root)).toEqual(['packages/api/server.ts:2 unresolved-import']);
  });

  it('a receiver whose origin cannot be traced is matched by name and tagged heuristic; a known non-database value named db is not', async () => {
    const root = makeTree({
      'package.json': JSON.stringify({ name: 'svc', dependencies: { kysely: '0.28' } }),
      'src/handlers.ts': [
        `export async function handler(ctx: any, id: number) {`,
        `  await ctx.db.deleteFrom('expenses').where('id', '=', id).execute();`,
        `}`,
        `export const db = new Map<string, number>();`,
        `export function evict() {`,
        `  db.delete('expenses');`,
        `}`,
        ``,
      ].join('\n'),
    });
    expect(await findings(root)).toEqual(['src/handlers.ts:2 protected-write expenses delete (heuristic)']);
  });
});

/** node-postgres's documentation ("Suggested Project Structure"): `db/index.js` exports `query(text, params)`. */
describe('a project function that sends its SQL parameter to the database', () => {
  const files = (route: string) => ({
    'package.json': JSON.stringify({ name: 'svc', type: 'module', dependencies: { pg: '8', 'express-promise-router': '4' } }),
    'db/index.js': `import pg from 'pg'\nconst { Pool } = pg\n\nconst pool = new Pool()\n\nexport const query = (text, params) => pool.query(text, params)\n\nexport async function queryConfig(text, values) {\n  return pool.query({ text, values })\n}\n`,
    'routes/expenses.js': route,
  });

  it('each call is judged with its caller SQL (traced, not by name); the wrapper itself says nothing while the run calls it', async () => {
    const route = `import * as db from '../db/index.js'\n\nexport async function remove(id) {\n  await db.query('DELETE FROM expenses WHERE id = $1', [id])\n  await db.queryConfig('UPDATE expenses SET amount = 0 WHERE id = $1', [id])\n  return db.query('SELECT * FROM expenses')\n}\n`;
    expect(await findings(makeTree(files(route)), { include: ['**/*.js'] })).toEqual(['routes/expenses.js:4 protected-write expenses delete', 'routes/expenses.js:5 protected-write expenses update']);
  });

  it('a caller handing it SQL that is not a constant is unverifiable there; a wrapper nobody in the run calls stays unverifiable itself', async () => {
    const route = `import { query } from '../db/index.js'\n\nexport const run = (sql) => query(sql)\n`;
    expect(await findings(makeTree(files(route)), { include: ['**/*.js'] })).toEqual(['db/index.js:9 unverifiable-sql', 'routes/expenses.js:3 unverifiable-sql']);
  });
});

/** NestJS with drizzle, as many services write it (12ilya12/proj-mng-sys): a `DrizzleService` holding the database, injected into repositories. */
describe('a database held in another injected service', () => {
  it('this.drizzle.db.insert(table): the field of the injected DrizzleService is the drizzle database (traced)', async () => {
    const root = makeTree({
      'package.json': JSON.stringify({ name: 'svc', dependencies: { '@nestjs/common': '10', 'drizzle-orm': '0.36', pg: '8' } }),
      'src/db/schema.ts': `import { integer, pgTable, serial } from 'drizzle-orm/pg-core';\nexport const expenses = pgTable('expenses', { id: serial('id').primaryKey(), amount: integer('amount') });\n`,
      'src/db/drizzle.service.ts': `import { Inject, Injectable } from '@nestjs/common';\nimport { NodePgDatabase } from 'drizzle-orm/node-postgres';\nimport * as schema from './schema';\n\n@Injectable()\nexport class DrizzleService {\n  constructor(@Inject('PG_CONNECTION') readonly db: NodePgDatabase<typeof schema>) {}\n}\n`,
      'src/expenses/expenses.repository.ts': [
        `import { Injectable } from '@nestjs/common';`,
        `import { eq } from 'drizzle-orm';`,
        `import { DrizzleService } from '../db/drizzle.service';`,
        `import { expenses } from '../db/schema';`,
        ``,
        `@Injectable()`,
        `export class ExpensesRepository {`,
        `  constructor(private readonly drizzle: DrizzleService) {}`,
        `  create(amount: number) {`,
        `    return this.drizzle.db.insert(expenses).values({ amount }).returning();`,
        `  }`,
        `  remove(id: number) {`,
        `    return this.drizzle.db.delete(expenses).where(eq(expenses.id, id));`,
        `  }`,
        `}`,
        ``,
      ].join('\n'),
    });
    expect(await findings(root)).toEqual(['src/expenses/expenses.repository.ts:10 protected-write expenses insert', 'src/expenses/expenses.repository.ts:13 protected-write expenses delete']);
  });
});

describe('a database returned by a method of an injected service', () => {
  it('this.database.client().insertInto(…) and this.database.connection.deleteFrom(…) (Kysely)', async () => {
    const root = makeTree({
      'package.json': JSON.stringify({ name: 'svc', dependencies: { kysely: '0.27', pg: '8' } }),
      'src/database.service.ts': `import { Kysely, PostgresDialect } from 'kysely';\nimport { Pool } from 'pg';\n\nexport class DatabaseService {\n  readonly connection = new Kysely<any>({ dialect: new PostgresDialect({ pool: new Pool() }) });\n  client() {\n    return this.connection;\n  }\n}\n`,
      'src/expenses.ts': `import { DatabaseService } from './database.service';\n\nexport class Expenses {\n  constructor(private readonly database: DatabaseService) {}\n  add() {\n    return this.database.client().insertInto('expenses').values({}).execute();\n  }\n  clear() {\n    return this.database.connection.deleteFrom('expenses').execute();\n  }\n}\n`,
    });
    expect(await findings(root)).toEqual(['src/expenses.ts:6 protected-write expenses insert', 'src/expenses.ts:9 protected-write expenses delete']);
  });
});

describe('a database class whose method sends its SQL parameter', () => {
  it('this.db.query(…) of an injected Db class is judged at each call (traced); the method itself says nothing while the run calls it', async () => {
    const root = makeTree({
      'package.json': JSON.stringify({ name: 'svc', dependencies: { pg: '8' } }),
      'src/db.ts': `import { Pool } from 'pg';\n\nexport class Db {\n  private readonly pool = new Pool();\n  query(text: string, params: unknown[] = []) {\n    return this.pool.query(text, params);\n  }\n}\n`,
      'src/expenses.ts': `import { Db } from './db';\n\nexport class Expenses {\n  constructor(private readonly db: Db) {}\n  remove(id: number) {\n    return this.db.query('DELETE FROM expenses WHERE id = $1', [id]);\n  }\n  list() {\n    return this.db.query('SELECT * FROM expenses');\n  }\n}\n`,
    });
    expect(await findings(root)).toEqual(['src/expenses.ts:6 protected-write expenses delete']);
  });
});
