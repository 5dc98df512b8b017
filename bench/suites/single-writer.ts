import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchContext } from '../run.js';

const BIN = fileURLToPath(new URL('../../bin/finbrain.js', import.meta.url));
const N = Number(process.env.BENCH_FILES ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

function write(dir: string, rel: string, text: string): void {
  mkdirSync(dirname(join(dir, rel)), { recursive: true });
  writeFileSync(join(dir, rel), text);
}

function config(dir: string, extra: Record<string, unknown>, include = ['src/**/*.{ts,tsx,mts,cts}']): void {
  write(dir, 'finbrain.config.json', JSON.stringify({ singleWriter: { protectedTables: ['expenses'], writers: ['src/writer/**'], include, ...extra } }));
}

/** ~24 lines a file, one import ring through all of them, every 10th file writes expenses. */
function generateRing(dir: string): string[] {
  write(dir, 'src/db.ts', `import { Pool } from 'pg';\nexport const pool = new Pool();\n`);
  const violating: string[] = [];
  for (let i = 0; i < N; i++) {
    const next = (i + 1) % N;
    const bad = i % 10 === 0;
    const rel = `src/mods/m${i}.ts`;
    if (bad) violating.push(rel);
    write(
      dir,
      rel,
      `import { pool } from '../db';
import { helper${next} } from './m${next}';

export const LABEL_${i} = 'module ${i}';
const SELECT_${i} = 'SELECT id, amount FROM expenses WHERE user_id = $1';

export function helper${i}(n: number): number {
  return n > 0 ? n - 1 : ${i};
}

export async function load${i}(userId: number) {
  const rows = await pool.query(SELECT_${i}, [userId]);
  if (rows.rowCount === 0) {
    console.log('no expenses for', userId, LABEL_${i});
  }
  return rows.rows.map((r) => ({ ...r, h: helper${next}(r.id) }));
}

export async function touch${i}(id: number) {
  ${bad ? `await pool.query(\`UPDATE expenses SET amount = amount WHERE id = \${id}\`);` : `await pool.query('UPDATE users SET seen_at = now() WHERE id = $1', [id]);`}
  return id;
}
`,
    );
  }
  return violating;
}

/**
 * A pnpm monorepo of 1000 files: no root tsconfig; 8 library packages with
 * their own `paths` alias and a wide barrel (`export *` of 100 modules), a db
 * package exposing drizzle tables through `exports`, 2 apps importing
 * through workspace names and their own aliases. Every 25th app file writes.
 */
function generateMonorepo(dir: string): string[] {
  write(dir, 'pnpm-workspace.yaml', `packages:\n  - 'apps/*'\n  - 'packages/*'\n`);
  write(dir, 'package.json', JSON.stringify({ name: 'mono', private: true }));
  write(dir, 'packages/db/package.json', JSON.stringify({ name: '@mono/db', exports: { '.': './src/index.ts', './schema': './src/schema.ts' }, dependencies: { 'drizzle-orm': '*' } }));
  write(dir, 'packages/db/tsconfig.json', JSON.stringify({ compilerOptions: { moduleResolution: 'bundler', module: 'esnext', paths: { '#db/*': ['./src/*'] } } }));
  write(dir, 'packages/db/src/schema.ts', `import { pgTable, serial, integer } from 'drizzle-orm/pg-core';\nexport const expenses = pgTable('expenses', { id: serial('id'), amount: integer('amount') });\nexport const users = pgTable('users', { id: serial('id') });\n`);
  write(dir, 'packages/db/src/client.ts', `import { drizzle } from 'drizzle-orm/node-postgres';\nexport const db = drizzle(process.env.DATABASE_URL!);\n`);
  write(dir, 'packages/db/src/index.ts', `export * from '#db/client';\nexport * from '#db/schema';\n`);
  let files = 4;
  for (let p = 0; p < 8; p++) {
    const name = `@mono/lib${p}`;
    write(dir, `packages/lib${p}/package.json`, JSON.stringify({ name, exports: { '.': './src/index.ts' }, dependencies: { '@mono/db': 'workspace:*', 'drizzle-orm': '*' } }));
    write(dir, `packages/lib${p}/tsconfig.json`, JSON.stringify({ compilerOptions: { moduleResolution: 'bundler', module: 'esnext', paths: { [`~lib${p}/*`]: ['./src/*'] } } }));
    const barrel: string[] = [];
    for (let i = 0; i < 99; i++) {
      write(
        dir,
        `packages/lib${p}/src/m${i}.ts`,
        `import { db, users } from '@mono/db';\nimport { eq } from 'drizzle-orm';\n\nexport const NAME_${p}_${i} = 'lib${p}-${i}';\n\nexport async function find${p}_${i}(id: number) {\n  const rows = await db.select().from(users).where(eq(users.id, id));\n  return rows.map((r) => ({ ...r, name: NAME_${p}_${i} }));\n}\n`,
      );
      barrel.push(`export * from '~lib${p}/m${i}';`);
      files++;
    }
    write(dir, `packages/lib${p}/src/index.ts`, `${barrel.join('\n')}\n`);
    files++;
  }
  const violating: string[] = [];
  for (let a = 0; a < 2; a++) {
    write(dir, `apps/app${a}/package.json`, JSON.stringify({ name: `@mono/app${a}`, dependencies: Object.fromEntries([...Array(8).keys()].map((p) => [`@mono/lib${p}`, 'workspace:*']).concat([['@mono/db', 'workspace:*']])) }));
    write(dir, `apps/app${a}/tsconfig.json`, JSON.stringify({ compilerOptions: { moduleResolution: 'bundler', module: 'esnext', paths: { '@/*': ['./src/*'] } } }));
    write(dir, `apps/app${a}/src/db.ts`, `export { db, expenses } from '@mono/db';\n`);
    files++;
    for (let i = 0; files < 1000; i++) {
      const rel = `apps/app${a}/src/routes/r${i}.ts`;
      const bad = i % 25 === 0;
      if (bad) violating.push(rel);
      const p = i % 8;
      write(
        dir,
        rel,
        `import { db, expenses } from '@/db';\nimport { find${p}_${i % 99} } from '@mono/lib${p}';\n\nexport async function handler${i}(id: number) {\n  const found = await find${p}_${i % 99}(id);\n  ${bad ? 'await db.update(expenses).set({ amount: 0 });' : 'await db.select().from(expenses);'}\n  return found;\n}\n`,
      );
      files++;
      if (a === 0 && files >= 550) break;
    }
  }
  return violating;
}

const BARE = `
const { ts } = require('ts-morph');
const fs = require('fs'); const path = require('path');
const root = process.argv[1]; let nodes = 0;
const walkDir = (d) => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => e.isDirectory() ? (e.name === 'node_modules' ? [] : walkDir(path.join(d, e.name))) : [path.join(d, e.name)]);
for (const f of walkDir(root).filter((f) => f.endsWith('.ts'))) {
  const sf = ts.createSourceFile(f, fs.readFileSync(f, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const visit = (n) => { nodes++; ts.forEachChild(n, visit); };
  visit(sf);
}
console.log(nodes);
`;

interface Timed {
  ms: number;
  /** User + system CPU time: steadier than wall time on a machine shared with other jobs. */
  cpuMs: number;
  rssMb: number;
  stdout: string;
}

function timed(args: string[], cwd: string): Timed {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S %M', ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, NO_COLOR: '1' } });
  const ms = performance.now() - t0;
  const [user, sys, rssKb] = r.stderr.trim().split('\n').at(-1)!.split(' ').map(Number) as [number, number, number];
  return { ms, cpuMs: (user + sys) * 1000, rssMb: rssKb / 1024, stdout: r.stdout };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const check = (dir: string) => timed([process.execPath, BIN, 'check', 'single-writer', '--format', 'json'], dir);
const bare = (dir: string) => timed([process.execPath, '-e', BARE, dir], join(BIN, '..', '..'));

function writeFiles(r: Timed): string[] {
  const findings = JSON.parse(r.stdout).findings as { file: string; ruleId: string }[];
  return [...new Set(findings.filter((f) => f.ruleId === 'single-writer/protected-write').map((f) => f.file))].sort();
}

function stat(r: Timed, key: string): number | string {
  return JSON.parse(r.stdout).summary.checks['single-writer'][key];
}

export async function singleWriterSuite(ctx: BenchContext): Promise<string> {
  const ring = mkdtempSync(join(tmpdir(), 'finbrain-bench-sw-'));
  const mono = mkdtempSync(join(tmpdir(), 'finbrain-bench-mono-'));
  try {
    const violating = generateRing(ring).sort();
    const lines = readFileSync(join(ring, 'src/mods/m0.ts'), 'utf8').split('\n').length * N;
    const b: number[] = [];
    const one: number[] = [];
    const two: number[] = [];
    const bCpu: number[] = [];
    const oneCpu: number[] = [];
    const cold: number[] = [];
    const warm: number[] = [];
    let rss = 0;
    let found: string[] = [];
    let cachedFiles: number | string = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const r0 = bare(ring);
      b.push(r0.ms);
      bCpu.push(r0.cpuMs);
      config(ring, { cache: false });
      const r1 = check(ring);
      one.push(r1.ms);
      oneCpu.push(r1.cpuMs);
      rss = Math.max(rss, r1.rssMb);
      found = writeFiles(r1);
      config(ring, { cache: false, workers: 2 });
      const r2 = check(ring);
      two.push(r2.ms);
      rss = Math.max(rss, r2.rssMb);
      config(ring, { cache: true });
      rmSync(join(ring, '.finbrain'), { recursive: true, force: true });
      cold.push(check(ring).ms);
      const w = check(ring);
      warm.push(w.ms);
      cachedFiles = stat(w, 'cachedFiles');
      ctx.log(`ring round ${round + 1}: bare ${Math.round(b.at(-1)!)} ms (cpu ${Math.round(r0.cpuMs)}), check ${Math.round(r1.ms)} ms (cpu ${Math.round(r1.cpuMs)}) (2 workers ${Math.round(r2.ms)} ms), cache cold ${Math.round(cold.at(-1)!)} / warm ${Math.round(w.ms)} ms, ${Math.round(r1.rssMb)} MB`);
    }
    const exact = JSON.stringify(found) === JSON.stringify(violating);

    const monoViolating = generateMonorepo(mono).sort();
    config(mono, { cache: false }, ['apps/*/src/**/*.ts', 'packages/*/src/**/*.ts']);
    const mb: number[] = [];
    const mc: number[] = [];
    const mbCpu: number[] = [];
    const mcCpu: number[] = [];
    let mrss = 0;
    let monoFound: string[] = [];
    let unresolved: number | string = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const r0 = bare(mono);
      mb.push(r0.ms);
      mbCpu.push(r0.cpuMs);
      const r = check(mono);
      mc.push(r.ms);
      mcCpu.push(r.cpuMs);
      mrss = Math.max(mrss, r.rssMb);
      monoFound = writeFiles(r);
      unresolved = stat(r, 'unresolvedImports');
      ctx.log(`monorepo round ${round + 1}: bare ${Math.round(mb.at(-1)!)} ms, check ${Math.round(r.ms)} ms, ${Math.round(r.rssMb)} MB`);
    }
    const monoExact = JSON.stringify(monoFound) === JSON.stringify(monoViolating);
    const [B, O, T, C, W, MB, MC] = [b, one, two, cold, warm, mb, mc].map(median) as [number, number, number, number, number, number, number];
    const [BC, OC, MBC, MCC] = [bCpu, oneCpu, mbCpu, mcCpu].map(median) as [number, number, number, number];
    return `## check single-writer

### ${N} files (~${Math.round(lines / 1000)}k lines, one import ring, 10% violating)

| measure | time | ratio | target |
| --- | --- | --- | --- |
| bare TypeScript parse + walk of the same files (\`ts.createSourceFile\` + \`forEachChild\`, one process) | ${Math.round(B)} ms (CPU ${Math.round(BC)} ms) | 1.00× | |
| \`finbrain check single-writer --format json\`, cache off, in one thread | ${Math.round(O)} ms (CPU ${Math.round(OC)} ms) | ${(O / B).toFixed(2)}× wall, ${(OC / BC).toFixed(2)}× CPU | ≤ 2× |
| the same with \`workers: 2\` (two worker threads over file shards) | ${Math.round(T)} ms | ${(T / B).toFixed(2)}× | |
| peak RSS of the check | ${Math.round(rss)} MB | | ≤ 600 MB |
| violating files found | ${found.length} of ${violating.length} | ${exact ? 'exactly the violating files' : 'MISMATCH'} | exact |
| first run with the cache on (analyses everything, writes \`.finbrain/cache/\`) | ${Math.round(C)} ms | 100% | |
| second run over the unchanged tree (${cachedFiles} files from the cache) | ${Math.round(W)} ms | ${Math.round((W / C) * 100)}% of the first | ≤ 20% |

### generated pnpm monorepo: 1000 files, no root tsconfig, per-package \`paths\`, 8 barrels of 99 \`export *\` each, workspace \`exports\`

| measure | time | ratio | target |
| --- | --- | --- | --- |
| bare TypeScript parse + walk of the same files | ${Math.round(MB)} ms (CPU ${Math.round(MBC)} ms) | 1.00× | |
| \`finbrain check single-writer --format json\` (cache off) | ${Math.round(MC)} ms (CPU ${Math.round(MCC)} ms) | ${(MC / MB).toFixed(2)}× wall, ${(MCC / MBC).toFixed(2)}× CPU | |
| peak RSS | ${Math.round(mrss)} MB | | |
| writes found | ${monoFound.length} files of ${monoViolating.length} | ${monoExact ? 'exactly the violating files' : 'MISMATCH'} | exact |
| unresolved internal imports | ${unresolved} | | 0 |

Median of ${ROUNDS} interleaved rounds of whole CLI processes, wall time and user+system CPU time (the steadier figure while other jobs share the cores). Both sides include Node start-up and loading TypeScript (from ts-morph's bundle); the check also loads the CLI, the config schema and the SQL parser, resolves every import with TypeScript's resolver, binds scopes and keeps every parsed module for cross-file resolution (the bare parse drops each tree after walking it). Worker threads each load their own TypeScript, so they only pay off with idle cores; the default is one thread. The machine is shared with other jobs: compare ratios within one run, not absolute times across runs.`;
  } finally {
    rmSync(ring, { recursive: true, force: true });
    rmSync(mono, { recursive: true, force: true });
  }
}
