/**
 * Secrets split across string literals so no one line holds them whole:
 *
 *     const key = 'sk_live_AAAA' +
 *                 'BBBB…';
 *     PASSWORD = ("first-half"
 *                 "second-half")          # Python's implicit concatenation
 *     TOKEN="abc\
 *     def"                                # a backslash-newline inside a string
 *
 * A chain is string literals joined by `+`, `.`, `..`, a backslash or nothing
 * but whitespace (across lines). Its pieces are joined and scanned again; a
 * detection that spans two or more pieces is a line-split secret. Secrets
 * assembled at run time (arrays joined, template expressions, `concat()`)
 * are not followed: that would need evaluating the program.
 */
export interface Piece {
  /** Offsets in the original text of this piece of string content. */
  start: number;
  end: number;
}

export interface StringChain {
  pieces: Piece[];
  /** Offset of the first literal's opening quote. */
  open: number;
}

const LITERAL = /(['"`])((?:\\[\s\S]|(?!\1)[^\\\n])*)\1/g;
const JOINER = /^\s*(?:\+|\.\.?|\\)?\s*$/;

function piecesOf(contentStart: number, content: string): Piece[] {
  const out: Piece[] = [];
  let from = 0;
  for (const m of content.matchAll(/\\\r?\n/g)) {
    if (m.index! > from) out.push({ start: contentStart + from, end: contentStart + m.index! });
    from = m.index! + m[0].length;
  }
  if (from < content.length) out.push({ start: contentStart + from, end: contentStart + content.length });
  return out;
}

export function stringChains(text: string): StringChain[] {
  const chains: StringChain[] = [];
  let current: StringChain | undefined;
  let lastEnd = -1;
  for (const m of text.matchAll(LITERAL)) {
    if (m[1] === '`' && m[2]!.includes('${')) {
      current = undefined;
      continue;
    }
    const start = m.index!;
    const pieces = piecesOf(start + 1, m[2]!);
    if (current && JOINER.test(text.slice(lastEnd, start))) current.pieces.push(...pieces);
    else {
      if (current && current.pieces.length > 1) chains.push(current);
      current = { pieces, open: start };
    }
    lastEnd = start + m[0].length;
  }
  if (current && current.pieces.length > 1) chains.push(current);
  return chains.filter((c) => c.pieces.length > 1);
}
