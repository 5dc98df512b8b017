import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { BenchContext } from '../run.js';
import { scratchDatabase } from '../scratch-db.js';

const BIN = fileURLToPath(new URL('../../bin/finbrain.js', import.meta.url));
const ROWS = Number(process.env.BENCH_ROWS ?? 2_000_000);

const pct = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;

function revision(dir: string, concurrent: boolean) {
  rmSync(join(dir, 'migrations'), { recursive: true, force: true });
  mkdirSync(join(dir, 'migrations'));
  writeFileSync(
    join(dir, 'migrations', 'a1b2c3d4e5f6_index_v.sql'),
    `-- index v\n--\n-- Revision ID: a1b2c3d4e5f6\n-- Revises:\n-- Create Date: 2025-01-01 00:00:00.000000\n${concurrent ? '-- Transaction: false\n' : ''}\n-- migrate:up\nCREATE INDEX ${concurrent ? 'CONCURRENTLY ' : ''}IF NOT EXISTS ix_bench_v ON bench_t (v);\n-- migrate:down\nDROP INDEX IF EXISTS ix_bench_v;\n`,
  );
}

/** A writer inserting one row at a time while `migrate up` builds the index. */
async function run(url: string, dir: string, concurrent: boolean) {
  revision(dir, concurrent);
  const writer = new pg.Client({ connectionString: url });
  writer.on('error', () => {});
  await writer.connect();
  const lat: number[] = [];
  let done = false;
  const loop = (async () => {
    while (!done) {
      const t0 = performance.now();
      await writer.query("INSERT INTO bench_t (v, n) VALUES (md5(random()::text), 1)");
      lat.push(performance.now() - t0);
    }
  })();
  await new Promise((r) => setTimeout(r, 300));
  const t0 = performance.now();
  const code = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, [BIN, 'migrate', 'up'], { cwd: dir, env: { ...process.env, DATABASE_URL: url, NO_COLOR: '1' }, stdio: 'ignore' });
    child.on('close', (c) => resolve(c ?? -1));
  });
  const buildMs = performance.now() - t0;
  await new Promise((r) => setTimeout(r, 300));
  done = true;
  await loop;
  await writer.query('DROP INDEX IF EXISTS ix_bench_v; DELETE FROM finbrain_migrations');
  await writer.query('VACUUM bench_t');
  await writer.end();
  if (code !== 0) throw new Error(`migrate up failed (${code})`);
  return { buildMs, p50: pct(lat, 0.5), p99: pct(lat, 0.99), max: Math.max(...lat), inserts: lat.length };
}

export async function indexBuildSuite(ctx: BenchContext): Promise<string> {
  const scratch = await scratchDatabase(ctx.adminUrl, 'fb_bench_idx');
  const url = scratch.url;
  const dir = mkdtempSync(join(tmpdir(), 'finbrain-bench-idx-'));
  try {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query(`CREATE TABLE bench_t (id bigserial PRIMARY KEY, v text, n int); INSERT INTO bench_t (v, n) SELECT md5(g::text), g FROM generate_series(1, ${ROWS}) g; ANALYZE bench_t`);
    await c.end();
    ctx.log(`loaded ${ROWS} rows`);
    const conc = await run(url, dir, true);
    ctx.log(`concurrent: build ${Math.round(conc.buildMs)} ms, writer max ${Math.round(conc.max)} ms`);
    const plain = await run(url, dir, false);
    ctx.log(`plain: build ${Math.round(plain.buildMs)} ms, writer max ${Math.round(plain.max)} ms`);
    const row = (label: string, r: typeof conc) =>
      `| ${label} | ${(r.buildMs / 1000).toFixed(2)} s | ${r.inserts} | ${r.p50.toFixed(2)} ms | ${r.p99.toFixed(2)} ms | ${r.max.toFixed(0)} ms |`;
    return `## index build under write load: ${ROWS.toLocaleString('en')} rows, real Postgres

A writer inserts one row at a time, continuously, while \`finbrain migrate up\` (a separate process) builds an index on \`v text\`.

| build | migrate up time | inserts during it | writer p50 | writer p99 | writer max stall |
| --- | --- | --- | --- | --- | --- |
${row('`CREATE INDEX CONCURRENTLY` (`Transaction: false`)', conc)}
${row('plain `CREATE INDEX` (transactional)', plain)}

Goal: in concurrent mode the writer's max stall stays under 1 s (${conc.max < 1000 ? 'met' : 'NOT met'}); the plain build blocks it for about the whole build (max stall ${(plain.max / 1000).toFixed(2)} s of a ${(plain.buildMs / 1000).toFixed(2)} s build).`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await scratch.drop();
  }
}
