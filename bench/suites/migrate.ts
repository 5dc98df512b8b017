import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { BenchContext } from '../run.js';
import { scratchDatabase } from '../scratch-db.js';
import { ledgerDdl, ledgerNames, recordApplySql } from '../../src/migrate/ledger.js';

/**
 * `migrate up` and `migrate status` against their baselines, side by side in
 * one run, N one-table revisions:
 * - the floor: `psql -f` of one file, one session, each revision as
 *   `BEGIN; <its SQL>; <its ledger INSERT>; COMMIT;` (the ledger tables first);
 * - Alembic (Debian's python3-alembic) with the equivalent project: the same
 *   revision ids and SQL via op.execute, one transaction per migration.
 */
const BIN = fileURLToPath(new URL('../../bin/finbrain.js', import.meta.url));
const N = Number(process.env.BENCH_MIGRATIONS ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const STATUS_RUNS = 5;
const PAIRS = 3;
/** Debian's interpreter, where apt-get put alembic (a pyenv python3 on PATH would not see it). */
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

const id = (i: number) => i.toString(16).padStart(12, '0');
const upSql = (i: number) => `CREATE TABLE bench_t${i} (id int PRIMARY KEY, v text);`;

function generateFinbrain(dir: string): void {
  mkdirSync(join(dir, 'migrations'), { recursive: true });
  for (let i = 1; i <= N; i++) {
    writeFileSync(
      join(dir, 'migrations', `${id(i)}_create_bench_t${i}.sql`),
      `-- create bench_t${i}\n--\n-- Revision ID: ${id(i)}\n-- Revises: ${i > 1 ? id(i - 1) : ''}\n-- Create Date: 2025-01-01 00:00:00.000000\n\n-- migrate:up\n${upSql(i)}\n-- migrate:down\nDROP TABLE bench_t${i};\n`,
    );
  }
}

/** The floor script: what `migrate up` sends, as one psql file. */
function floorScript(): string {
  const ledger = ledgerNames('finbrain_migrations');
  const parts = [ledgerDdl(ledger)];
  for (let i = 1; i <= N; i++) {
    const row = recordApplySql(ledger, {
      revision: id(i),
      parents: i > 1 ? [id(i - 1)] : [],
      file: `migrations/${id(i)}_create_bench_t${i}.sql`,
      checksum: 'x',
      durationMs: 'transaction',
      mode: 'transactional',
      direction: 'up',
    });
    parts.push(`BEGIN;\n${upSql(i)}\n${row}\nCOMMIT;`);
  }
  return `${parts.join('\n')}\n`;
}

/** The same chain as an Alembic project (alembic.ini, env.py, versions/). */
function generateAlembic(dir: string): void {
  mkdirSync(join(dir, 'alembic', 'versions'), { recursive: true });
  writeFileSync(join(dir, 'alembic.ini'), '[alembic]\nscript_location = alembic\n');
  writeFileSync(
    join(dir, 'alembic', 'env.py'),
    `import os
from alembic import context
from sqlalchemy import create_engine

def run():
    engine = create_engine(os.environ["ALEMBIC_URL"])
    with engine.connect() as connection:
        context.configure(connection=connection, transaction_per_migration=True)
        with context.begin_transaction():
            context.run_migrations()

run()
`,
  );
  for (let i = 1; i <= N; i++) {
    writeFileSync(
      join(dir, 'alembic', 'versions', `${id(i)}_create_bench_t${i}.py`),
      `"""create bench_t${i}\n\nRevision ID: ${id(i)}\nRevises: ${i > 1 ? id(i - 1) : ''}\nCreate Date: 2025-01-01 00:00:00.000000\n"""\nfrom alembic import op\n\nrevision = '${id(i)}'\ndown_revision = ${i > 1 ? `'${id(i - 1)}'` : 'None'}\nbranch_labels = None\ndepends_on = None\n\n\ndef upgrade():\n    op.execute("${upSql(i)}")\n\n\ndef downgrade():\n    op.execute("DROP TABLE bench_t${i}")\n`,
    );
  }
}

function timed(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): number {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, encoding: 'utf8', maxBuffer: 1 << 28 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${(r.stderr || r.error?.message || '').slice(0, 2000)}`);
  return ms;
}

/** Where the time goes, from CPU profiles of the same commands on this machine (--cpu-prof). */
const NOTE = "Where `status`'s time goes, from CPU profiles (--cpu-prof) on this machine: Node's start-up (~70 ms for an empty ES module), loading commander, chalk, zod and pg, reading and parsing the 1000 files (~50 ms, cold), one ledger query. Two start-up costs were removed: zod's ~95 ES modules are replaced by one tree-shaken file of the builders the config schema uses (~30–40 ms; all of zod as one file saved only ~25), and pg no longer runs its Cloudflare probe's fetch `Response`, which loaded Node's undici on Node 20 (~35–60 ms; src/db/load-pg.ts). libpg-query, Umzug, ts-morph and PGlite are not loaded by `status` (test/package/startup-modules.test.ts). `up`'s share over the floor is start-up, reading the files and one libpg-query parse of each revision; Umzug is bundled without its command-line interface (its @rushstack and z-schema imports cost ~100 ms); the per-revision client work is one round trip.";

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
/** Median of the per-round ratios a[i] / b[i]: each round compares two runs made side by side, so drift between rounds cancels. */
const pairedRatio = (a: number[], b: number[]) => median(a.map((x, i) => x / b[i]!));
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const msf = (ms: number) => `${Math.round(ms)} ms`;

/**
 * CREATE DATABASE leaves the server writing in the background; a checkpoint and
 * a `sync` before each timed run let every run start from the same quiet state.
 */
async function checkpoint(adminUrl: string): Promise<void> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  await c.query('CHECKPOINT').catch(() => {});
  await c.end();
  // And the operating system's own write-back (the previous round's dropped databases, the
  // WAL): flushed now, so it does not land in the middle of whichever run comes next.
  spawnSync('sync', { stdio: 'ignore' });
}

function alembicAvailable(): boolean {
  return spawnSync(PYTHON, ['-c', 'import alembic, psycopg2'], { stdio: 'ignore' }).status === 0;
}

export async function migrateSuite(ctx: BenchContext): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'finbrain-bench-migrate-'));
  const withAlembic = alembicAvailable();
  generateFinbrain(dir);
  if (withAlembic) generateAlembic(dir);
  const floorFile = join(dir, 'floor.sql');
  writeFileSync(floorFile, floorScript());
  const rows: Record<'floor' | 'up' | 'status' | 'down' | 'alembicUp' | 'alembicCurrent', number[]> = { floor: [], up: [], status: [], down: [], alembicUp: [], alembicCurrent: [] };
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      const dbs = await Promise.all(['fb_bench_up', 'fb_bench_warm', ...(withAlembic ? ['fb_bench_alembic'] : [])].map((p) => scratchDatabase(ctx.adminUrl, p)));
      const [ourDb, warmDb, alembicDb] = dbs;
      try {
        // The first heavy writer after CREATE DATABASE runs measurably slower (fresh WAL segments):
        // an untimed pass of the floor script takes that hit, so neither timed run does.
        timed('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-f', floorFile, warmDb!.url]);
        const env = { DATABASE_URL: ourDb!.url, NO_COLOR: '1' };
        // A thousand commits wait on the disk, whose latency swings from run to run: a round times
        // PAIRS floor/up pairs on fresh databases (the order alternating) and keeps each one's median.
        const floors: number[] = [];
        const ups: number[] = [];
        for (let pair = 0; pair < PAIRS; pair++) {
          const last = pair === PAIRS - 1;
          const floorDb = await scratchDatabase(ctx.adminUrl, 'fb_bench_floor');
          // The last pair migrates the round's database, which status and down then use.
          const upDb = last ? undefined : await scratchDatabase(ctx.adminUrl, 'fb_bench_up_pair');
          try {
            const floor = async () => {
              await checkpoint(ctx.adminUrl);
              floors.push(timed('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-f', floorFile, floorDb.url]));
            };
            const up = async () => {
              await checkpoint(ctx.adminUrl);
              ups.push(timed(process.execPath, [BIN, 'migrate', 'up'], { cwd: dir, env: upDb ? { ...env, DATABASE_URL: upDb.url } : env }));
            };
            // Alternate which goes first, so a machine that slows down or speeds up favours neither.
            if ((round + pair) % 2) {
              await floor();
              await up();
            } else {
              await up();
              await floor();
            }
          } finally {
            await floorDb.drop();
            await upDb?.drop();
          }
        }
        rows.floor.push(median(floors));
        rows.up.push(median(ups));
        const aenv = alembicDb ? { ALEMBIC_URL: alembicDb.url.replace(/^postgres:/, 'postgresql:') } : undefined;
        if (aenv) {
          await checkpoint(ctx.adminUrl);
          rows.alembicUp.push(timed(PYTHON, ['-m', 'alembic', 'upgrade', 'head'], { cwd: dir, env: aenv }));
        }
        // status and `alembic current` take a few hundred ms each: a round times each STATUS_RUNS
        // times, interleaved, and keeps the median, so one stall of the machine does not decide it.
        const status: number[] = [];
        const current: number[] = [];
        for (let i = 0; i < STATUS_RUNS; i++) {
          status.push(timed(process.execPath, [BIN, 'migrate', 'status', '--json'], { cwd: dir, env }));
          if (aenv) current.push(timed(PYTHON, ['-m', 'alembic', 'current'], { cwd: dir, env: aenv }));
        }
        rows.status.push(median(status));
        if (aenv) rows.alembicCurrent.push(median(current));
        rows.down.push(timed(process.execPath, [BIN, 'migrate', 'down', '--to', 'base'], { cwd: dir, env }));
        ctx.log(
          `round ${round}: floor ${s(rows.floor.at(-1)!)}, up ${s(rows.up.at(-1)!)}, status ${msf(rows.status.at(-1)!)}, down ${s(rows.down.at(-1)!)}` +
            (alembicDb ? `, alembic upgrade ${s(rows.alembicUp.at(-1)!)}, alembic current ${msf(rows.alembicCurrent.at(-1)!)}` : ''),
        );
      } finally {
        await Promise.all(dbs.map((d) => d.drop()));
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const floor = median(rows.floor);
  const up = median(rows.up);
  const status = median(rows.status);
  const down = median(rows.down);
  const table = [
    '| measure | time | ratio | target |',
    '| --- | --- | --- | --- |',
    `| floor: \`psql -f\`, one session, \`BEGIN; <sql>; <ledger INSERT>; COMMIT;\` per revision | ${s(floor)} | 1.00× floor | |`,
    `| \`finbrain migrate up\` | ${s(up)} | ${(up / floor).toFixed(2)}× floor (paired: ${pairedRatio(rows.up, rows.floor).toFixed(2)}×) | ≤ 1.15× floor |`,
  ];
  if (withAlembic) {
    const aUp = median(rows.alembicUp);
    const aCur = median(rows.alembicCurrent);
    table.push(`| \`alembic upgrade head\` (transaction per migration) | ${s(aUp)} | ${(aUp / floor).toFixed(2)}× floor (paired: ${pairedRatio(rows.alembicUp, rows.floor).toFixed(2)}×) | |`);
    table.push(`| \`finbrain migrate status --json\` | ${msf(status)} | ${(status / aCur).toFixed(2)}× \`alembic current\` (paired: ${pairedRatio(rows.status, rows.alembicCurrent).toFixed(2)}×) | ≤ 0.5× |`);
    table.push(`| \`alembic current\` | ${msf(aCur)} | 1.00× | |`);
  } else {
    table.push(`| \`finbrain migrate status --json\` | ${msf(status)} | | ≤ 0.5× \`alembic current\` (Alembic not installed: \`apt-get install python3-alembic python3-psycopg2\`) |`);
  }
  table.push(`| \`finbrain migrate down --to base\` | ${s(down)} | ${(down / floor).toFixed(2)}× floor | |`);
  const every = (k: keyof typeof rows, f: (n: number) => string) => (rows[k].length ? `${k} ${rows[k].map(f).join(', ')}` : '');
  return `## migrate: ${N} chained revisions (one CREATE TABLE each), real Postgres

Median of ${ROUNDS} rounds; a round times ${PAIRS} floor/\`up\` pairs on fresh databases (alternating which runs first, each after a CHECKPOINT, a \`sync\` and an untimed warm-up pass) and keeps each one's median; \`status\` and \`alembic current\` run ${STATUS_RUNS} times each per round, interleaved, and a round keeps their medians; "paired" is the median of the per-round ratios, which cancels the drift of a shared machine between rounds. Each round uses fresh databases, and every command is a whole process (Node or Python start-up included). The floor is \`psql -f\` of one file in one session: the ledger tables, then each revision as \`BEGIN; <its SQL>; <its ledger INSERT>; COMMIT;\` — exactly what \`migrate up\` sends for it. Alembic runs the equivalent generated project (same ids, \`op.execute\` of the same SQL, \`transaction_per_migration=True\`).

${table.join('\n')}

${NOTE}

Every round: ${(['floor', 'up', 'alembicUp', 'down'] as const).map((k) => every(k, s)).filter(Boolean).join('; ')}; ${(['status', 'alembicCurrent'] as const).map((k) => every(k, msf)).filter(Boolean).join('; ')}.`;
}
