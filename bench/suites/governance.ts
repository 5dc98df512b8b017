import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchContext } from '../run.js';
import { runChecks } from '../../checks/index.js';

const BIN = fileURLToPath(new URL('../../bin/finbrain.js', import.meta.url));
const REPO = fileURLToPath(new URL('../..', import.meta.url));
const N = 2000;

function timed(args: string[], cwd: string): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, NO_COLOR: '1' } });
  if (r.status !== 0 && r.status !== 1) throw new Error(`finbrain ${args.join(' ')}: ${r.stderr}`);
  return performance.now() - t0;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** The 2000-file tree (one import ring, a pg pool); the security suite scans the same tree. */
export function generate(dir: string) {
  mkdirSync(join(dir, 'src', 'mods'), { recursive: true });
  writeFileSync(join(dir, 'src', 'db.ts'), `import { Pool } from 'pg';\nexport const pool = new Pool();\n`);
  writeFileSync(join(dir, 'CODEOWNERS'), '*  @org/team\n');
  for (let i = 0; i < N; i++) {
    writeFileSync(
      join(dir, 'src', 'mods', `m${i}.ts`),
      `import { pool } from '../db';\nimport { h${(i + 1) % N} } from './m${(i + 1) % N}';\nexport const h${i} = (n: number) => n + 1;\nexport async function f${i}(id: number) {\n  const r = await pool.query('SELECT * FROM expenses WHERE id = $1', [id]);\n  return r.rows.map((x) => h${(i + 1) % N}(x.id));\n}\n`,
    );
  }
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: dir });
  execFileSync('git', ['add', '-A'], { cwd: dir });
  execFileSync('git', ['-c', 'user.name=b', '-c', 'user.email=b@x', 'commit', '-q', '-m', 'gen'], { cwd: dir });
}

export async function governanceSuite(ctx: BenchContext): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'finbrain-bench-gov-'));
  try {
    generate(dir);
    const rows: string[] = [];
    for (const [label, cwd] of [
      ['this repository', REPO],
      [`generated tree (${N} TS files)`, dir],
    ] as const) {
      const all = median([1, 2, 3].map(() => timed(['check', 'all', '--format', 'json'], cwd)));
      const parts = ['single-writer', 'security', 'codeowners'].map((id) => median([1, 2, 3].map(() => timed(['check', id, '--format', 'json'], cwd))));
      const sum = parts.reduce((a, b) => a + b, 0);
      // In-process: how many distinct files the shared file set read for the whole run.
      const { files } = await runChecks({ ids: ['all'], cwd, warn: () => {} });
      const filesRead = `${files.diskReads} disk reads for ${files.readCount} files`;
      rows.push(`| ${label} | ${Math.round(all)} ms | ${parts.map((p) => `${Math.round(p)} ms`).join(' / ')} | ${Math.round(sum)} ms | ${(all / sum).toFixed(2)}× | ${filesRead} |`);
      ctx.log(`${label}: check all ${Math.round(all)} ms vs separate ${Math.round(sum)} ms`);
    }
    return `## check all: one process, one shared file set

| tree | \`check all\` | single-writer / security / codeowners run separately | sum of separate runs | ratio | reads in one \`check all\` |
| --- | --- | --- | --- | --- | --- |
${rows.join('\n')}

Median of 3 runs each. In \`check all\` the security scan reads files through the same \`ProjectFiles\` cache and parses TypeScript through the same \`ModuleIndex\` that single-writer filled, so no file is read or parsed twice; the saving over separate runs is the shared start-up, reads and parses.`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
