import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeSingleWriter } from '../../src/single-writer/index.js';
import { runCli } from '../helpers/cli.js';
import { makeTree } from '../helpers/tmp.js';
import { copyFixture, DEFAULTS, expectedFindings, findings } from './fixtures.js';

describe('workspace model and module resolution (TypeScript resolver, owning tsconfig, workspace overlay)', () => {
  it('pnpm monorepo without a root tsconfig: per-package paths, ${configDir}, extends from a config package and relative arrays, exports subpaths and patterns, #imports, main-only, unbuilt dist, barrel chains across packages', async () => {
    const root = copyFixture('pnpm-monorepo');
    const expected = expectedFindings(root);
    expect(expected).toContain('apps/api/src/routes/expenses.ts:16 protected-write expenses delete');
    expect(await findings(root)).toEqual(expected);
  });

  it('npm workspaces with a solution-style root and a solution-style package: each file resolves with the referenced project that lists it', async () => {
    const root = copyFixture('npm-workspaces');
    expect(await findings(root)).toEqual(expectedFindings(root));
  });

  it('counts unresolved internal imports in the summary with their text; --strict makes them errors', async () => {
    const root = copyFixture('pnpm-monorepo');
    const r = await analyzeSingleWriter({ root, ...DEFAULTS });
    expect(r.stats.unresolvedImports).toBe(2);
    expect(r.stats.unresolvedSpecifiers).toBe('@/lib/logger, @acme/missing');
    const notes = r.findings.filter((f) => f.ruleId === 'single-writer/unresolved-import');
    expect(notes.map((f) => [f.severity, f.specifier])).toEqual([
      ['note', '@acme/missing'],
      ['note', '@/lib/logger'],
    ]);
    const strict = await analyzeSingleWriter({ root, ...DEFAULTS, strict: true });
    expect(strict.findings.filter((f) => f.ruleId === 'single-writer/unresolved-import').map((f) => f.severity)).toEqual(['error', 'error']);
  });

  it('running from a sub-package: files outside it are read for resolution, never reported', async () => {
    const root = copyFixture('pnpm-monorepo');
    const api = join(root, 'apps/api');
    const out = await findings(api);
    expect(out).toEqual(expectedFindings(api));
    expect(out.some((f) => f.includes('cleanup'))).toBe(false);
  });

  it('the CLI with --root at a sub-package of a monorepo', async () => {
    const root = copyFixture('pnpm-monorepo');
    const api = join(root, 'apps/api');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(api, 'finbrain.config.json'), JSON.stringify({ singleWriter: { protectedTables: ['expenses'], include: ['src/**/*.ts'], cache: false } }));
    const r = await runCli(['check', 'single-writer', '--root', api, '--json']);
    const out = JSON.parse(r.stdout);
    expect(out.findings.filter((f: { ruleId: string }) => f.ruleId === 'single-writer/protected-write').map((f: { file: string; line: number }) => `${f.file}:${f.line}`)).toEqual([
      'src/routes/expenses.ts:14',
      'src/routes/expenses.ts:15',
      'src/routes/expenses.ts:16',
      'src/routes/expenses.ts:17',
    ]);
    expect(out.summary.checks['single-writer'].unresolvedSpecifiers).toBe('@/lib/logger, @acme/missing');
  });

  it('lerna.json, and no workspace file at all (every package.json is a package)', async () => {
    const pkg = (name: string) => JSON.stringify({ name, dependencies: { pg: '8' } });
    const files = {
      'packages/db/package.json': pkg('@x/db'),
      'packages/db/index.ts': `import { Pool } from 'pg';\nexport const conn = new Pool();\n`,
      'packages/app/package.json': JSON.stringify({ name: '@x/app', dependencies: { '@x/db': '*' } }),
      'packages/app/run.ts': `import { conn } from '@x/db';\nconn.query('DELETE FROM expenses');\n`,
    };
    for (const extra of [{ 'lerna.json': JSON.stringify({ packages: ['packages/*'] }), 'package.json': '{"name":"root"}' }, {}] as Record<string, string>[]) {
      const root = makeTree({ ...files, ...extra });
      expect(await findings(root)).toEqual(['packages/app/run.ts:2 protected-write expenses delete']);
    }
  });

  it('a declared but uninstalled dependency is a package (no note); an alias that resolves nowhere is unresolved; an undeclared package name is counted; no manifest means no evidence', async () => {
    const root = makeTree({
      'package.json': JSON.stringify({ name: 'svc', dependencies: { pg: '8' } }),
      'src/a.ts': `import { Pool } from 'pg';\nimport { x } from 'left-pad-internal';\nimport { y } from '@/lib/y';\nimport { z } from '~/z';\nexport const p = new Pool(x + y + z);\n`,
    });
    expect(await findings(root)).toEqual(['src/a.ts:3 unresolved-import', 'src/a.ts:4 unresolved-import']);
    const r = await analyzeSingleWriter({ root, ...DEFAULTS });
    expect([r.stats.undeclaredPackages, r.stats.undeclaredPackageNames, r.stats.unresolvedSpecifiers]).toEqual([1, 'left-pad-internal', '@/lib/y, ~/z']);
    const bare = makeTree({ 'src/a.ts': `import { x } from 'left-pad-internal';\nimport { y } from '@/y';\nexport const z = x + y;\n` });
    expect(await findings(bare)).toEqual([]);
  });
});

describe('the file system as the resolver sees it', () => {
  it('symbolic links to files and to folders resolve (a folder listing answers most lookups; links go to stat)', async () => {
    const root = makeTree({
      'package.json': JSON.stringify({ name: 'svc', dependencies: { pg: '8' } }),
      'shared/pool.ts': `import { Pool } from 'pg';\nexport const pool = new Pool();\n`,
      'src/a.ts': `import { pool } from './linked-dir/pool';\npool.query('DELETE FROM expenses');\n`,
      'src/b.ts': `import { pool } from './pool-link';\npool.query('UPDATE expenses SET amount = 0');\n`,
      'src/c.ts': `import { pool } from './pool-link.ts/pool';\npool.query('INSERT INTO expenses DEFAULT VALUES');\n`,
    });
    symlinkSync(join(root, 'shared'), join(root, 'src/linked-dir'), 'dir');
    symlinkSync(join(root, 'shared/pool.ts'), join(root, 'src/pool-link.ts'), 'file');
    expect(await findings(root, { include: ['src/*.ts'] })).toEqual([
      'src/a.ts:2 protected-write expenses delete',
      'src/b.ts:2 protected-write expenses update',
      'src/c.ts:2 protected-write expenses insert (heuristic)',
    ]);
    // A path through a file ('pool-link.ts/pool') resolves to nothing: the receiver is known by name only.
  });
});

describe('JavaScript projects', () => {
  it('jsconfig.json paths, CommonJS require and module.exports, ESM .mjs', async () => {
    const root = makeTree({
      'package.json': JSON.stringify({ name: 'js-svc', dependencies: { pg: '8', knex: '3' } }),
      'jsconfig.json': JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@lib/*': ['lib/*'] } } }),
      'lib/db.js': `const { Pool } = require('pg');\nconst knex = require('knex')({ client: 'pg' });\nmodule.exports = { pool: new Pool(), knex };\n`,
      'src/jobs.js': `const { pool, knex } = require('@lib/db');\nexports.purge = () => pool.query('DELETE FROM expenses');\nexports.bump = () => knex('expenses').increment('amount', 1);\n`,
      'src/esm.mjs': `import db from '@lib/db';\nexport const wipe = () => db.pool.query('TRUNCATE expenses');\n`,
    });
    expect(await findings(root)).toEqual([
      'src/esm.mjs:2 protected-write expenses truncate',
      'src/jobs.js:2 protected-write expenses delete',
      'src/jobs.js:3 protected-write expenses update',
    ]);
  });
});

describe('exports: barrels, stars, namespaces', () => {
  it('export * is cycle-safe; explicit beats star; ambiguous stars are flagged; export * as ns and import * as ns', async () => {
    const root = makeTree({
      'src/db.ts': `import { Pool } from 'pg';\nexport const pool = new Pool();\nexport const Q = 'DELETE FROM expenses';\n`,
      'src/a.ts': `export * from './b';\nexport * from './db';\nexport const Q = 'SELECT 1';\n`,
      'src/b.ts': `export * from './a';\nexport const B = 'UPDATE expenses SET x = 1';\n`,
      'src/c.ts': `export const AMB = 'DELETE FROM expenses';\n`,
      'src/d.ts': `export const AMB = 'SELECT 1';\n`,
      'src/barrel.ts': `export * from './c';\nexport * from './d';\nexport * as sql from './db';\n`,
      'src/use.ts': [
        `import { pool, Q, B } from './a';`,
        `import { AMB, sql } from './barrel';`,
        `import * as db from './db';`,
        `pool.query(Q);`,
        `pool.query(B);`,
        `pool.query(AMB);`,
        `sql.pool.query(sql.Q);`,
        `db.pool.query(db.Q);`,
        ``,
      ].join('\n'),
    });
    expect(await findings(root)).toEqual([
      'src/use.ts:2 ambiguous-export',
      'src/use.ts:5 protected-write expenses update',
      'src/use.ts:6 unverifiable-sql',
      'src/use.ts:7 protected-write expenses delete',
      'src/use.ts:8 protected-write expenses delete',
    ]);
  });

  it('default exports, renamed re-exports and CommonJS', async () => {
    const root = makeTree({
      'src/db.ts': `import { Pool } from 'pg';\nconst pool = new Pool();\nexport default pool;\n`,
      'src/re.ts': `export { default as store } from './db';\n`,
      'src/cjs.js': `const { Pool } = require('pg');\nmodule.exports = { legacy: new Pool() };\n`,
      'src/use.ts': `import store2 from './db';\nimport { store } from './re';\nimport { legacy } from './cjs';\nstore.query('DELETE FROM expenses');\nstore2.query('TRUNCATE expenses');\nlegacy.query('UPDATE expenses SET a = 1');\n`,
    });
    expect(await findings(root)).toEqual([
      'src/use.ts:4 protected-write expenses delete',
      'src/use.ts:5 protected-write expenses truncate',
      'src/use.ts:6 protected-write expenses update',
    ]);
  });
});

