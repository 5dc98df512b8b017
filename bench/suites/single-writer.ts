import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchContext } from '../run.js';

const BIN = fileURLToPath(new URL('../../bin/finbrain.js', import.meta.url));
const N = Number(process.env.BENCH_FILES ?? 2000);

/** ~24 lines a file, one import ring through all of them, every 10th file writes expenses. */
function generate(dir: string): string[] {
  mkdirSync(join(dir, 'src', 'mods'), { recursive: true });
  writeFileSync(join(dir, 'src', 'db.ts'), `import { Pool } from 'pg';\nexport const pool = new Pool();\n`);
  writeFileSync(join(dir, 'finbrain.config.json'), JSON.stringify({ singleWriter: { protectedTables: ['expenses'], writers: ['src/writer/**'] } }));
  const violating: string[] = [];
  for (let i = 0; i < N; i++) {
    const next = (i + 1) % N;
    const bad = i % 10 === 0;
    const rel = `src/mods/m${i}.ts`;
    if (bad) violating.push(rel);
    writeFileSync(
      join(dir, rel),
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

const BARE = `
const { ts } = require('ts-morph');
const fs = require('fs'); const path = require('path');
const root = process.argv[1]; let nodes = 0;
const walkDir = (d) => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => e.isDirectory() ? walkDir(path.join(d, e.name)) : [path.join(d, e.name)]);
for (const f of walkDir(path.join(root, 'src')).filter((f) => f.endsWith('.ts'))) {
  const sf = ts.createSourceFile(f, fs.readFileSync(f, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const visit = (n) => { nodes++; ts.forEachChild(n, visit); };
  visit(sf);
}
console.log(nodes);
`;

function timed(args: string[], cwd: string): { ms: number; rssMb: number; stdout: string } {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, NO_COLOR: '1' } });
  const ms = performance.now() - t0;
  const rssKb = Number(r.stderr.trim().split('\n').at(-1));
  return { ms, rssMb: rssKb / 1024, stdout: r.stdout };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function singleWriterSuite(ctx: BenchContext): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'finbrain-bench-sw-'));
  try {
    const violating = generate(dir);
    const lines = violating.length ? readFileSync(join(dir, 'src/mods/m0.ts'), 'utf8').split('\n').length * N : 0;
    const bare: number[] = [];
    const ours: number[] = [];
    let rss = 0;
    let found: string[] = [];
    for (let round = 0; round < 3; round++) {
      bare.push(timed([process.execPath, '-e', BARE, dir], join(BIN, '..', '..')).ms);
      const r = timed([process.execPath, BIN, 'check', 'single-writer', '--format', 'json'], dir);
      ours.push(r.ms);
      rss = Math.max(rss, r.rssMb);
      found = [...new Set((JSON.parse(r.stdout).findings as { file: string; ruleId: string }[]).filter((f) => f.ruleId === 'single-writer/protected-write').map((f) => f.file))].sort();
      ctx.log(`round ${round + 1}: bare ${Math.round(bare.at(-1)!)} ms, check ${Math.round(r.ms)} ms, ${Math.round(r.rssMb)} MB`);
    }
    const exact = JSON.stringify(found) === JSON.stringify([...violating].sort());
    const b = median(bare);
    const o = median(ours);
    return `## check single-writer: ${N} files (~${Math.round(lines / 1000)}k lines, one import ring, 10% violating)

| measure | time | ratio | target |
| --- | --- | --- | --- |
| bare TypeScript parse + walk of the same files (\`ts.createSourceFile\` + \`forEachChild\`, one process) | ${Math.round(b)} ms | 1.00× | |
| \`finbrain check single-writer --format json\` (whole CLI process) | ${Math.round(o)} ms | ${(o / b).toFixed(2)}× | ≤ 2× |
| peak RSS of the check | ${Math.round(rss)} MB | | ≤ 600 MB |
| violating files found | ${found.length} of ${violating.length} | ${exact ? 'exactly the violating files' : 'MISMATCH'} | exact |

Median of 3 runs. Both sides include Node start-up and loading TypeScript (from ts-morph's bundle); the check parses each file once, walks \`compilerNode\`s with \`ts.forEachChild\`, and follows imports only where a sink needs them. Single-threaded: worker-thread sharding and a content-hash cache are not implemented yet.`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
