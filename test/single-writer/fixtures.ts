import { cpSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeSingleWriter, type SingleWriterOptions } from '../../src/single-writer/index.js';
import type { Finding } from '../../src/findings/finding.js';
import { tempDir } from '../helpers/tmp.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/single-writer/', import.meta.url));

/** A copy of a fixture mini-repository in a temp dir (removed after the test). */
export function copyFixture(name: string): string {
  const dir = tempDir('finbrain-sw-');
  cpSync(join(FIXTURES, name), dir, { recursive: true });
  return dir;
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? (e.name === 'node_modules' ? [] : walk(join(dir, e.name))) : [join(dir, e.name)]));
}

/**
 * The findings a fixture declares on its own lines: `// expect: protected-write expenses insert`
 * (several separated by ` | `), as `file:line …` strings relative to `root`. Lines without a
 * marker must produce nothing, so the comparison is exact both ways.
 */
export function expectedFindings(dir: string, root = dir): string[] {
  const out: string[] = [];
  for (const file of walk(dir)) {
    if (!/\.(ts|tsx|js|mjs|cjs)$/.test(file)) continue;
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        const m = /\/\/ expect: (.*)$/.exec(line);
        if (!m) return;
        for (const e of m[1]!.split(' | ')) out.push(`${relative(root, file).split(sep).join('/')}:${i + 1} ${e.trim()}`);
      });
  }
  return out.sort();
}

export function describeFinding(f: Finding): string {
  const rule = f.ruleId.replace('single-writer/', '');
  const what = f.table ? ` ${f.table} ${f.operation}` : '';
  const tags = [f.severity === 'warning' && rule === 'protected-write' ? 'inferred' : '', f.heuristic ? 'heuristic' : ''].filter(Boolean);
  return `${f.file}:${f.line} ${rule}${what}${tags.length ? ` (${tags.join(', ')})` : ''}`;
}

export const DEFAULTS = {
  protectedTables: ['billing.expenses', 'expenses'],
  writers: ['src/writer/**'],
  include: ['**/*.{ts,tsx,mts,cts,js,mjs,cjs}'],
  exclude: ['**/node_modules/**', '**/dist/**'],
};

/** Runs the analysis over a directory; returns findings described as in the markers, sorted. */
export async function findings(root: string, extra: Partial<SingleWriterOptions> = {}): Promise<string[]> {
  const r = await analyzeSingleWriter({ root, ...DEFAULTS, ...extra });
  return r.findings.map(describeFinding).sort();
}
