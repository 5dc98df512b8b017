import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchContext } from '../run.js';

const BIN = fileURLToPath(new URL('../../bin/finbrain.js', import.meta.url));
const N = 1000;
const AUTHORS = 20;
const SAMPLE = 100;

const id = (i: number) => (0xa00000000000 + i).toString(16);

function git(cwd: string, args: string[], author: string) {
  execFileSync('git', args, {
    cwd,
    env: { ...process.env, GIT_AUTHOR_NAME: author, GIT_AUTHOR_EMAIL: `${author}@example.com`, GIT_COMMITTER_NAME: author, GIT_COMMITTER_EMAIL: `${author}@example.com` },
  });
}

function timed(args: string[], cwd: string, okCodes = [0]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const ms = performance.now() - t0;
  if (!okCodes.includes(r.status ?? -1)) throw new Error(`finbrain ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function changelogSuite(ctx: BenchContext): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'finbrain-bench-changelog-'));
  try {
    mkdirSync(join(dir, 'migrations'));
    git(dir, ['init', '-q', '-b', 'main'], 'a0');
    // 1000 revisions, committed 10 at a time by 20 authors round-robin; no Author: fields, so git decides.
    for (let i = 1; i <= N; i++) {
      const verb = i % 3 === 0 ? `CREATE INDEX ix_${i} ON t${i - 1} (id);` : `CREATE TABLE t${i} (id int);`;
      writeFileSync(
        join(dir, 'migrations', `${id(i)}_rev_${i}.sql`),
        `-- rev ${i}\n--\n-- Revision ID: ${id(i)}\n-- Revises: ${i > 1 ? id(i - 1) : ''}\n-- Create Date: 2025-01-01 00:00:00.${String(i).padStart(6, '0')}\n\n-- migrate:up\n${verb}\n-- migrate:down\nSELECT 1;\n`,
      );
      if (i % 10 === 0) {
        git(dir, ['add', '-A'], 'x');
        git(dir, ['commit', '-q', '-m', `revisions up to ${i}`], `author${(i / 10) % AUTHORS}`);
      }
    }
    ctx.log('generated 1000 revisions by 20 authors');
    const gen: number[] = [];
    const check: number[] = [];
    for (let round = 0; round < 3; round++) {
      rmSync(join(dir, 'CHANGELOG.md'), { force: true });
      gen.push(timed(['changelog'], dir));
      check.push(timed(['changelog', '--check'], dir));
    }
    // Baseline: the per-file approach (one `git log --diff-filter=A --follow` per file), timed on a sample and scaled.
    const t0 = performance.now();
    for (let i = 1; i <= SAMPLE; i++) {
      execFileSync('git', ['log', '--diff-filter=A', '--follow', '--format=%an', '--', `migrations/${id(i)}_rev_${i}.sql`], { cwd: dir });
    }
    const perFile = ((performance.now() - t0) / SAMPLE) * N;
    const g = median(gen);
    const c = median(check);
    return `## changelog: ${N} revisions committed by ${AUTHORS} authors

| measure | time | target |
| --- | --- | --- |
| \`finbrain changelog\` (write CHANGELOG.md) | ${Math.round(g)} ms | < 1 s |
| \`finbrain changelog --check\` | ${Math.round(c)} ms | < 1 s |
| baseline: one \`git log --follow\` per file (changesets' way), ${SAMPLE} timed and scaled to ${N} | ${(perFile / 1000).toFixed(2)} s | |

Median of 3 runs; authors come from one \`git log -M --name-status\` pass, ${(perFile / g).toFixed(0)}× faster than the per-file baseline.`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
