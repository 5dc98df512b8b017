import { describe, expect, it } from 'vitest';
import { makeTree } from '../helpers/tmp.js';
import { copyFixture, expectedFindings, findings } from './fixtures.js';

describe('binding with scopes', () => {
  it('locals, parameters, blocks, loop heads, catch, destructuring (defaults, rest, nested), hoisted var and function declarations shadow an import only in their scope; const aliases fold', async () => {
    const root = copyFixture('scopes');
    const expected = expectedFindings(root);
    expect(expected.filter((e) => e.includes('protected-write'))).toHaveLength(6);
    expect(expected.filter((e) => e.includes('unverifiable-sql'))).toHaveLength(12);
    expect(await findings(root)).toEqual(expected);
  });
});

describe('Object.prototype names', () => {
  it('toLocaleString, hasOwnProperty, toString, valueOf, constructor, isPrototypeOf are no sinks', async () => {
    const root = copyFixture('prototype-names');
    expect(await findings(root)).toEqual(['src/names.ts:16 protected-write expenses delete']);
    expect(expectedFindings(root)).toEqual(['src/names.ts:16 protected-write expenses delete']);
  });
});

describe('receivers typed with TypeScript utility types', () => {
  it('ReturnType<typeof drizzle>, ReturnType<typeof createDb> (a project factory), InstanceType<typeof Pool>, Awaited<…> are the values they name', async () => {
    const root = makeTree({
      'package.json': JSON.stringify({ name: 'svc', dependencies: { pg: '8', 'pg-promise': '11', 'drizzle-orm': '0.36' } }),
      'src/db.ts': `import { drizzle } from 'drizzle-orm/node-postgres';\nexport const createDb = () => drizzle(process.env.DATABASE_URL!);\n`,
      'src/repo.ts': [
        `import { Pool } from 'pg';`,
        `import pgPromise from 'pg-promise';`,
        `import { drizzle } from 'drizzle-orm/node-postgres';`,
        `import { pgTable, serial } from 'drizzle-orm/pg-core';`,
        `import { createDb } from './db';`,
        `const expenses = pgTable('expenses', { id: serial('id') });`,
        `const pgp = pgPromise();`,
        `export class Repo {`,
        `  constructor(`,
        `    private readonly dz: ReturnType<typeof drizzle>,`,
        `    private readonly made: Awaited<ReturnType<typeof createDb>>,`,
        `    private readonly pgdb: ReturnType<typeof pgp>,`,
        `    private readonly pool: InstanceType<typeof Pool>,`,
        `  ) {}`,
        `  a() { return this.dz.delete(expenses); }`,
        `  b() { return this.made.insert(expenses).values({}); }`,
        `  c() { return this.pgdb.none('DELETE FROM expenses'); }`,
        `  d() { return this.pool.query('TRUNCATE expenses'); }`,
        `}`,
        ``,
      ].join('\n'),
    });
    expect(await findings(root)).toEqual(['src/repo.ts:15 protected-write expenses delete', 'src/repo.ts:16 protected-write expenses insert', 'src/repo.ts:17 protected-write expenses delete', 'src/repo.ts:18 protected-write expenses truncate']);
  });
});
