import { parseRaw, lineColumnAt, type PgNode } from './parser.js';

export interface SqlStatement {
  /** The statement text, trimmed of surrounding whitespace, without the terminating semicolon. */
  text: string;
  /** Character offsets of `text` in the input. */
  start: number;
  end: number;
  /** 1-based line of the statement's first character in the input. */
  line: number;
  /** The parse-tree node type, e.g. `InsertStmt`, `IndexStmt`. */
  kind: string;
  /** The node's fields (`stmt[kind]`). */
  node: PgNode;
}

/**
 * Splits a script into statements with the real parser, so dollar quotes,
 * comments and strings never confuse it. Leading comments stay with the statement
 * that follows them (the server ignores them; line numbers point past them).
 */
export function splitStatements(sql: string): SqlStatement[] {
  const raw = parseRaw(sql);
  if (raw.length === 0) return [];
  const ascii = Buffer.byteLength(sql) === sql.length;
  const buf = ascii ? undefined : Buffer.from(sql, 'utf8');
  const toChar = (b: number) => (buf ? buf.subarray(0, b).toString('utf8').length : b);
  const byteLen = buf ? buf.length : sql.length;

  return raw.map((r) => {
    const bStart = r.stmt_location ?? 0;
    const bEnd = r.stmt_len === undefined || r.stmt_len === 0 ? byteLen : bStart + r.stmt_len;
    let start = toChar(bStart);
    let end = toChar(bEnd);
    // Trim whitespace and a trailing semicolon the last statement may carry.
    while (start < end && /\s/.test(sql[start]!)) start++;
    while (end > start && /[\s;]/.test(sql[end - 1]!)) end--;
    const kind = Object.keys(r.stmt)[0]!;
    const firstToken = skipLeadingComments(sql, start, end);
    return {
      text: sql.slice(start, end),
      start,
      end,
      line: lineColumnAt(sql, firstToken).line,
      kind,
      node: r.stmt[kind] as PgNode,
    };
  });
}

function skipLeadingComments(sql: string, start: number, end: number): number {
  let i = start;
  for (;;) {
    while (i < end && /\s/.test(sql[i]!)) i++;
    if (sql.startsWith('--', i)) {
      const nl = sql.indexOf('\n', i);
      i = nl === -1 || nl > end ? end : nl + 1;
    } else if (sql.startsWith('/*', i)) {
      const close = sql.indexOf('*/', i + 2);
      i = close === -1 || close > end ? end : close + 2;
    } else {
      return i;
    }
  }
}
