import type { RevisionFile } from './revision-file.js';

/**
 * The SQL a TS migration declares, where it can be read without running it:
 * every `query(…)` call in `up` (or `down`) whose first argument is a string
 * literal or a template without substitutions. One dynamic call makes the
 * whole section unknowable (null). A light scan, not a TypeScript parse:
 * `migrate` and `changelog` must not load a compiler.
 */
export interface StaticSql {
  up: string | null;
  down: string | null;
}

const CALL = /\bquery\s*\(\s*/g;

function readLiteral(text: string, at: number): string | null {
  const quote = text[at];
  if (quote !== "'" && quote !== '"' && quote !== '`') return null;
  let out = '';
  for (let i = at + 1; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\') {
      const next = text[i + 1] ?? '';
      out += next === 'n' ? '\n' : next === 't' ? '\t' : next;
      i++;
      continue;
    }
    if (quote === '`' && ch === '$' && text[i + 1] === '{') return null;
    if (ch === quote) return out;
    out += ch;
  }
  return null;
}

function sectionSql(body: string): string | null {
  const parts: string[] = [];
  for (const m of body.matchAll(CALL)) {
    const lit = readLiteral(body, m.index! + m[0].length);
    if (lit === null) return null;
    parts.push(lit.trim().replace(/;\s*$/, ''));
  }
  return parts.length ? `${parts.join(';\n')};` : '';
}

/** Splits the module at its `down` export; `up` is everything before it. */
export function extractStaticSql(file: Pick<RevisionFile, 'format' | 'content' | 'upSql' | 'downSql'>): StaticSql {
  if (file.format === 'sql') return { up: file.upSql ?? '', down: file.downSql ?? null };
  const content = file.content.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' ')).replace(/\/\/[^\n]*/g, '');
  const downAt = content.search(/export\s+(?:async\s+)?function\s+down\b|export\s+(?:const|let)\s+down\b/);
  const upPart = downAt === -1 ? content : content.slice(0, downAt);
  return { up: sectionSql(upPart), down: downAt === -1 ? null : sectionSql(content.slice(downAt)) };
}
