import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeSingleWriter } from '../../src/single-writer/index.js';
import { makeTree } from '../helpers/tmp.js';
import { DEFAULTS, describeFinding } from './fixtures.js';

const tree = {
  'package.json': JSON.stringify({ name: 'svc', dependencies: { pg: '8' } }),
  'src/db.ts': `import { Pool } from 'pg';\nexport const pool = new Pool();\n`,
  'src/sql.ts': `export const Q = 'DELETE FROM expenses';\n`,
  'src/use.ts': `import { pool } from './db';\nimport { Q } from './sql';\nexport const run = () => pool.query(Q);\n`,
  'src/other.ts': `import { pool } from './db';\nexport const ok = () => pool.query('SELECT 1');\n`,
};

describe('content-hash cache', () => {
  it('reuses unchanged files, re-analyses a file when a module it read changes, and starts over on new options or a new file', async () => {
    const root = makeTree(tree);
    const cacheDir = join(root, '.finbrain', 'cache');
    const run = (extra = {}) => analyzeSingleWriter({ root, ...DEFAULTS, cacheDir, ...extra });

    const first = await run();
    expect(first.stats.cachedFiles).toBe(0);
    expect(first.findings.map(describeFinding)).toEqual(['src/use.ts:3 protected-write expenses delete']);

    const written = readFileSync(join(cacheDir, 'single-writer.json'), 'utf8');
    // A sentinel the analysis would never write: a run served wholly from the cache leaves the file as it is.
    writeFileSync(join(cacheDir, 'single-writer.json'), written.replace(/\}\s*$/, ',"untouched":true}'));
    const second = await run();
    expect(second.stats.cachedFiles).toBe(4);
    expect(second.findings).toEqual(first.findings);
    expect(readFileSync(join(cacheDir, 'single-writer.json'), 'utf8')).toContain('"untouched":true');

    // use.ts did not change, but the constant it reads did.
    writeFileSync(join(root, 'src/sql.ts'), `export const Q = 'SELECT * FROM expenses';\n`);
    const third = await run();
    expect(third.stats.cachedFiles).toBe(2); // db.ts and other.ts
    expect(third.findings).toEqual([]);

    const otherTable = await run({ protectedTables: ['audit'] });
    expect(otherTable.stats.cachedFiles).toBe(0);

    writeFileSync(join(root, 'src/new.ts'), `import { pool } from './db';\npool.query('TRUNCATE expenses');\n`);
    const fifth = await run();
    expect(fifth.stats.cachedFiles).toBe(0);
    expect(fifth.findings.map(describeFinding)).toEqual(['src/new.ts:2 protected-write expenses truncate']);
  });

  it('an edited .sql file read through a QueryFile re-checks the file that runs it', async () => {
    const root = makeTree({
      'package.json': JSON.stringify({ name: 'svc', dependencies: { 'pg-promise': '11' } }),
      'src/db.ts': `import pgPromise from 'pg-promise';\nexport const db = pgPromise()('postgres://localhost/app');\n`,
      'src/sql/purge.sql': 'SELECT 1\n',
      'src/use.ts': `import { QueryFile } from 'pg-promise';\nimport { join } from 'path';\nimport { db } from './db';\nconst purge = new QueryFile(join(__dirname, 'sql/purge.sql'));\nexport const run = () => db.none(purge);\n`,
    });
    const cacheDir = join(root, '.finbrain', 'cache');
    const run = () => analyzeSingleWriter({ root, ...DEFAULTS, cacheDir });
    expect((await run()).findings).toEqual([]);
    writeFileSync(join(root, 'src/sql/purge.sql'), 'DELETE FROM expenses\n');
    const after = await run();
    expect(after.findings.map(describeFinding)).toEqual(['src/use.ts:5 protected-write expenses delete']);
  });

  it('a foreign key given onDelete: cascade in a drizzle schema re-checks the file that deletes the parent', async () => {
    const schema = (fk: string) => `import { integer, pgTable, serial } from 'drizzle-orm/pg-core';\nexport const budgets = pgTable('budgets', { id: serial('id').primaryKey() });\nexport const expenses = pgTable('expenses', { id: serial('id').primaryKey(), budgetId: integer('budget_id').references(() => budgets.id${fk}) });\n`;
    const root = makeTree({
      'package.json': JSON.stringify({ name: 'svc', dependencies: { 'drizzle-orm': '0.36' } }),
      'src/schema.ts': schema(''),
      'src/db.ts': `import { drizzle } from 'drizzle-orm/node-postgres';\nexport const db = drizzle(process.env.DATABASE_URL!);\n`,
      'src/purge.ts': `import { db } from './db';\nimport { budgets } from './schema';\nexport const purge = () => db.delete(budgets);\n`,
    });
    const cacheDir = join(root, '.finbrain', 'cache');
    const run = () => analyzeSingleWriter({ root, ...DEFAULTS, cacheDir });
    expect((await run()).findings).toEqual([]);
    writeFileSync(join(root, 'src/schema.ts'), schema(", { onDelete: 'cascade' }"));
    expect((await run()).findings.map(describeFinding)).toEqual(['src/purge.ts:3 protected-write expenses delete']);
  });

  it('a changed tsconfig (an input of resolution) invalidates the files', async () => {
    const root = makeTree({
      ...tree,
      'tsconfig.json': JSON.stringify({ compilerOptions: { paths: { '@q': ['./src/sql.ts'] } } }),
      'src/use.ts': `import { pool } from './db';\nimport { Q } from '@q';\nexport const run = () => pool.query(Q);\n`,
    });
    const cacheDir = join(root, '.finbrain', 'cache');
    const run = () => analyzeSingleWriter({ root, ...DEFAULTS, cacheDir });
    expect((await run()).findings.map(describeFinding)).toEqual(['src/use.ts:3 protected-write expenses delete']);
    writeFileSync(join(root, 'tsconfig.json'), JSON.stringify({ compilerOptions: { paths: { '@q': ['./src/nowhere.ts'] } } }));
    const after = await run();
    expect(after.stats.cachedFiles).toBe(0);
    expect(after.findings.map(describeFinding)).toEqual(['src/use.ts:2 unresolved-import', 'src/use.ts:3 unverifiable-sql']);
  });

  it('a Sequelize association edited in another file re-checks every file using its mixins, the second of them included', async () => {
    const model = (name: string, table: string) =>
      `const { Model, DataTypes } = require('sequelize');\nconst sequelize = require('./db');\nclass ${name} extends Model {}\n${name}.init({ n: DataTypes.INTEGER }, { sequelize, tableName: '${table}' });\nmodule.exports = ${name};\n`;
    const use = (fn: string) => `const User = require('./user');\nasync function ${fn}(id, e) {\n  const user = await User.findByPk(id);\n  await user.addExpense(e);\n}\nmodule.exports = { ${fn} };\n`;
    const root = makeTree({
      'package.json': JSON.stringify({ name: 'svc', dependencies: { sequelize: '6' } }),
      'src/db.js': `const { Sequelize } = require('sequelize');\nmodule.exports = new Sequelize(process.env.DATABASE_URL);\n`,
      'src/user.js': model('User', 'users'),
      'src/expense.js': model('Expense', 'expenses'),
      'src/associations.js': `const User = require('./user');\nconst Expense = require('./expense');\nUser.hasMany(Expense);\n`,
      'src/a.js': use('a'),
      'src/b.js': use('b'),
    });
    const cacheDir = join(root, '.finbrain', 'cache');
    const run = () => analyzeSingleWriter({ root, ...DEFAULTS, cacheDir });
    const expected = ['src/a.js:4 protected-write expenses update', 'src/b.js:4 protected-write expenses update'];
    expect((await run()).findings.map(describeFinding)).toEqual(expected);
    const cached = await run();
    expect(cached.stats.cachedFiles).toBe(6);
    expect(cached.findings.map(describeFinding)).toEqual(expected);
    // Now a many-to-many through a join table: addExpense writes user_expenses, not expenses.
    writeFileSync(join(root, 'src/associations.js'), `const User = require('./user');\nconst Expense = require('./expense');\nUser.belongsToMany(Expense, { through: 'user_expenses' });\n`);
    expect((await run()).findings.map(describeFinding)).toEqual([]);
  });
});

