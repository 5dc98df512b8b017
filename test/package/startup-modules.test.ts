import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createScratchDatabase } from '../helpers/backends.js';
import { spawnCli } from '../helpers/cli.js';
import { chain } from '../helpers/revisions.js';
import { makeTree } from '../helpers/tmp.js';

/**
 * What a command loads is part of its start-up cost (BENCHMARKS.md, migrate):
 * the migrate commands never load the analyzer (ts-morph, TypeScript), the SQL
 * parser when they do not run SQL, Umzug when they do not apply anything, or
 * zod as its ~95 separate modules (the build bundles it into one file).
 *
 * The real CLI runs with a preload that records every module it loads: the ES
 * modules through a resolve hook, the CommonJS ones from require's cache and Node's
 * own from its load list at exit.
 */
function recorder(dir: string): { preload: string; log: string } {
  const log = join(dir, 'loaded.txt');
  const hooks = join(dir, 'hooks.mjs');
  writeFileSync(
    hooks,
    `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  appendFileSync(${JSON.stringify(log)}, r.url + '\\n');
  return r;
}
`,
  );
  const preload = join(dir, 'preload.mjs');
  writeFileSync(
    preload,
    `import { register, createRequire } from 'node:module';
import { appendFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
register(${JSON.stringify(pathToFileURL(hooks).href)});
const cache = createRequire(import.meta.url).cache;
process.on('exit', () => {
  const builtins = process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => 'node-internal:' + m.slice(13));
  appendFileSync(${JSON.stringify(log)}, [...Object.keys(cache).map((f) => pathToFileURL(f).href), ...builtins].map((l) => l + '\\n').join(''));
});
`,
  );
  return { preload, log };
}

async function modulesLoadedBy(args: string[], files: Record<string, string>, env: NodeJS.ProcessEnv = {}): Promise<string[]> {
  const dir = makeTree(files);
  const { preload, log } = recorder(dir);
  const r = await spawnCli(args, { cwd: dir, env: { ...env, NODE_OPTIONS: `--import ${pathToFileURL(preload).href}` } });
  expect(r.stderr, r.stderr).not.toMatch(/error/i);
  expect(r.code).toBe(0);
  return [...new Set(readFileSync(log, 'utf8').split('\n').filter(Boolean))];
}

const packagesIn = (urls: string[]) =>
  [...new Set(urls.flatMap((u) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u)?.[1] ?? []))].sort();

describe('what a migrate command loads', () => {
  it('migrate history: the revision reader, commander, chalk and one zod module; no analyzer, SQL parser, database driver or Umzug', async () => {
    const loaded = await modulesLoadedBy(['migrate', 'history', '--json'], chain(['a1', 'b2']));
    expect(packagesIn(loaded)).toEqual(['chalk', 'commander']);
    expect(loaded.filter((u) => u.endsWith('/dist/src/config/zod.js'))).toHaveLength(1);
    expect(loaded.some((u) => u.endsWith('/dist/src/revisions/revision-file.js'))).toBe(true);
  });

  it.runIf(process.env.TEST_DATABASE_URL)('migrate status against a server: pg is the only other package', async () => {
    const loaded = await modulesLoadedBy(['migrate', 'status', '--json'], chain(['a1']), { DATABASE_URL: process.env.TEST_DATABASE_URL });
    const packages = packagesIn(loaded);
    expect(packages).toContain('pg');
    for (const heavy of ['ts-morph', 'typescript', 'libpg-query', 'umzug', '@electric-sql/pglite', 'zod']) expect(packages).not.toContain(heavy);
    // pg's load-time Cloudflare probe constructs a fetch Response on Node 20, which loads undici (src/db/load-pg.ts).
    expect(loaded.filter((u) => u.includes('undici'))).toEqual([]);
  });

  it.runIf(process.env.TEST_DATABASE_URL)('migrate up: Umzug from the bundle without its command-line interface (no @rushstack, no z-schema)', async () => {
    const scratch = await createScratchDatabase();
    try {
      const loaded = await modulesLoadedBy(['migrate', 'up'], chain(['a1']), { DATABASE_URL: scratch.url });
      const packages = packagesIn(loaded);
      expect(packages).toEqual(expect.arrayContaining(['libpg-query', 'pg']));
      for (const unwanted of ['umzug', '@rushstack/ts-command-line', '@rushstack/node-core-library', 'z-schema', 'ts-morph', 'typescript', '@electric-sql/pglite']) expect(packages).not.toContain(unwanted);
      expect(loaded.filter((u) => u.endsWith('/dist/src/migrate/umzug.js'))).toHaveLength(1);
    } finally {
      await scratch.drop();
    }
  });
});

