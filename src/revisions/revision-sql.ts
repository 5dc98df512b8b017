import { lineColumnAt } from '../sql/parser.js';
import type { RevisionFile } from './revision-file.js';

export type Direction = 'up' | 'down';

/**
 * The SQL one direction of a revision sends, as the engine, the lint and the
 * changelog all see it: an SQL file's section, or the static SQL of a TS
 * function (from the one TS body reader).
 */
export type SectionSql =
  | {
      kind: 'sql';
      sql: string;
      /** 1-based line in the revision file of a character offset in `sql`. */
      lineAt(offset: number): number;
    }
  /** A TS function whose SQL is only known when it runs. */
  | { kind: 'dynamic'; line: number }
  /** No such section (no down). */
  | { kind: 'absent' };

export function sectionSql(file: RevisionFile, direction: Direction): SectionSql {
  if (file.format === 'sql') {
    const sql = direction === 'up' ? file.upSql : file.downSql;
    if (sql == null) return { kind: 'absent' };
    const base = (direction === 'up' ? file.upLine : file.downLine) ?? 1;
    return { kind: 'sql', sql, lineAt: (offset) => base + lineColumnAt(sql, offset).line - 1 };
  }
  const fn = file.ts?.[direction];
  if (!fn) return { kind: 'absent' };
  const s = fn.staticSql;
  if (!s) return { kind: 'dynamic', line: fn.line };
  return {
    kind: 'sql',
    sql: s.sql,
    lineAt(offset) {
      let part = { offset: 0, line: fn.line };
      for (const p of s.parts) if (p.offset <= offset) part = p;
      return part.line + lineColumnAt(s.sql.slice(part.offset), offset - part.offset).line - 1;
    },
  };
}
