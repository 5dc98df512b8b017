import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchContext } from '../run.js';

/**
 * The embedded database's start-up, which the README's main job pays for:
 * `migrate up` in a new project, `status` in an existing one, `verify`
 * (a new in-memory cluster). Each against its baseline in the same run:
 * - "V8 defaults": the same CLI entry (dist/src/cli/main.js) started without
 *   the flags bin/finbrain.js sets (lazy WebAssembly compilation, baseline
 *   compiler only);
 * - "no cache": FINBRAIN_CACHE_DIR=none, so every new cluster runs initdb.
 * Wall time, median of ROUNDS runs, three one-table revisions.
 */
const BIN = fileURLToPath(new URL('../../bin/finbrain.js', import.meta.url));
const MAIN = pathToFileURL(fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url))).href;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

type Launch = 'flags' | 'v8-defaults';

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'finbrain-bench-embedded-'));
  mkdirSync(join(dir, 'migrations'));
  ['a1', 'b2', 'c3'].forEach((id, i, all) => {
    writeFileSync(
      join(dir, 'migrations', `${id}_t.sql`),
      `-- create t_${id}\n--\n-- Revision ID: ${id}\n-- Revises: ${i ? all[i - 1] : ''}\n-- Create Date: 2025-01-01 00:00:00.000000\n\n-- migrate:up\nCREATE TABLE t_${id} (id int PRIMARY KEY, v text);\n-- migrate:down\nDROP TABLE t_${id};\n`,
    );
  });
  return dir;
}

function run(launch: Launch, args: string[], cwd: string, cacheDir: string): number {
  const argv = launch === 'flags' ? [BIN, ...args] : ['--input-type=module', '-e', `const { main } = await import(${JSON.stringify(MAIN)}); await main([process.argv[0], 'finbrain', ...process.argv.slice(1)]);`, '--', ...args];
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FINBRAIN_CACHE_DIR: cacheDir };
  delete env.DATABASE_URL;
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, argv, { cwd, env, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`finbrain ${args.join(' ')} (${launch}) exited ${r.status}: ${r.stderr}`);
  return ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function embeddedSuite(ctx: BenchContext): Promise<string> {
  const work = mkdtempSync(join(tmpdir(), 'finbrain-bench-cache-'));
  const cache = join(work, 'cache');
  try {
    // Fill the cache once, as a machine's first run does.
    const seed = project();
    run('flags', ['migrate', 'up'], seed, cache);
    run('flags', ['migrate', 'verify'], seed, cache);
    rmSync(seed, { recursive: true, force: true });

    const cases: { name: string; launch: Launch; cacheDir: string; args: string[]; existing: boolean }[] = [
      { name: '`migrate up`, new project, V8 defaults, no cache (before)', launch: 'v8-defaults', cacheDir: 'none', args: ['migrate', 'up'], existing: false },
      { name: '`migrate up`, new project, flags, no cache', launch: 'flags', cacheDir: 'none', args: ['migrate', 'up'], existing: false },
      { name: '`migrate up`, new project, flags, cache (now)', launch: 'flags', cacheDir: cache, args: ['migrate', 'up'], existing: false },
      { name: '`migrate status`, existing project, V8 defaults (before)', launch: 'v8-defaults', cacheDir: cache, args: ['migrate', 'status'], existing: true },
      { name: '`migrate status`, existing project, flags (now)', launch: 'flags', cacheDir: cache, args: ['migrate', 'status'], existing: true },
      { name: '`migrate verify`, V8 defaults, no cache (before)', launch: 'v8-defaults', cacheDir: 'none', args: ['migrate', 'verify'], existing: true },
      { name: '`migrate verify`, flags, cache (now)', launch: 'flags', cacheDir: cache, args: ['migrate', 'verify'], existing: true },
    ];
    const existing = project();
    run('flags', ['migrate', 'up'], existing, cache);
    const times = new Map<string, number[]>(cases.map((c) => [c.name, []]));
    // Rounds interleave the cases, so a slow patch of the machine falls on all of them alike.
    for (let round = 0; round < ROUNDS; round++) {
      for (const c of cases) {
        const dir = c.existing ? existing : project();
        times.get(c.name)!.push(run(c.launch, c.args, dir, c.cacheDir));
        if (!c.existing) rmSync(dir, { recursive: true, force: true });
      }
      ctx.log(`round ${round + 1}/${ROUNDS}`);
    }
    rmSync(existing, { recursive: true, force: true });
    const m = (name: string) => median(times.get(name)!);
    const rows = cases.map((c) => `| ${c.name} | ${(m(c.name) / 1000).toFixed(2)} s |`);
    const ratio = (now: string, before: string) => (m(now) / m(before)).toFixed(2);
    return [
      '## Embedded database start-up',
      '',
      `Three one-table revisions; wall time, median of ${ROUNDS} interleaved rounds. "Flags": bin/finbrain.js compiles PGlite's WebAssembly lazily with V8's baseline compiler only; "V8 defaults": the same CLI entry without them. "Cache": a new cluster starts from the machine's fresh-cluster cache instead of initdb.`,
      '',
      '| case | median |',
      '| --- | --- |',
      ...rows,
      '',
      `Now / before: first \`migrate up\` ${ratio(cases[2]!.name, cases[0]!.name)}×, \`status\` ${ratio(cases[4]!.name, cases[3]!.name)}×, \`verify\` ${ratio(cases[6]!.name, cases[5]!.name)}×.`,
    ].join('\n');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
