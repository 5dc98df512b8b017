import { lineColumnAt } from '../sql/parser.js';
import { tokenize, type Token } from './ts-tokens.js';

/**
 * The one reader of a TS revision's `up` and `down`, shared by the engine, the
 * lint and the changelog. It finds each function however the module exports it
 * (`export async function up`, `export const up = async () => …`,
 * `export { up, down }`, `export default { up, down }`) and reads its body on
 * tokens, never on raw text: a `//` in a string or the down section's SQL can
 * never leak into the up.
 */

export interface StaticSql {
  /** The literal SQL of every `query(…)` call, joined as one script. */
  sql: string;
  /** Where each literal starts: its offset in `sql` and its line in the file. */
  parts: { offset: number; line: number }[];
}

export interface TsFunction {
  /** 1-based line of the function's start. */
  line: number;
  /** The body has no code at all (only comments or nothing). */
  empty: boolean;
  /**
   * The SQL the function sends, when every `query(…)`/`exec(…)` call in it passes a
   * literal (or a template without substitutions); null when one does not, or
   * when the function lives in another module.
   */
  staticSql: StaticSql | null;
}

export interface TsRevisionBody {
  up?: TsFunction;
  down?: TsFunction;
}

/** A function body as token indices [from, to), and the offset where the function starts; or defined in another module. */
type Range = { from: number; to: number; at: number } | 'elsewhere';

/** Index of the token that closes the bracket opened at `open`. */
function matching(tokens: Token[], open: number): number {
  const pairs: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
  const stack: string[] = [];
  for (let i = open; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind !== 'punct') continue;
    if (pairs[t.text]) stack.push(pairs[t.text]!);
    else if (t.text === stack.at(-1)) {
      stack.pop();
      if (!stack.length) return i;
    }
  }
  return tokens.length - 1;
}

const is = (t: Token | undefined, text: string) => t !== undefined && (t.kind === 'punct' || t.kind === 'ident') && t.text === text;

/** Skips a type annotation starting at `i` (at the `:`) up to the token `stop` outside any brackets. */
function skipTypeAnnotation(tokens: Token[], i: number, stops: string[]): number {
  let angle = 0;
  for (let j = i + 1; j < tokens.length; j++) {
    const t = tokens[j]!;
    if (t.kind !== 'punct') continue;
    if (t.text === '<') angle++;
    else if (t.text === '>') angle--;
    else if (t.text === '(' || t.text === '[' || (t.text === '{' && angle > 0)) j = matching(tokens, j);
    else if (angle <= 0 && stops.includes(t.text)) return j;
  }
  return tokens.length;
}

/**
 * The body of a function value starting at token `i`: `async function (…) {…}`,
 * `async (…) => {…}`, `x => expr`, or a method `(…) {…}`.
 */
function functionBody(tokens: Token[], i: number): Range | undefined {
  const start = tokens[i];
  if (!start) return undefined;
  if (is(tokens[i], 'async')) i++;
  if (is(tokens[i], 'function')) {
    i++;
    if (is(tokens[i], '*')) i++;
    if (tokens[i]?.kind === 'ident') i++;
  }
  let arrow = false;
  if (tokens[i]?.kind === 'ident' && is(tokens[i + 1], '=>')) {
    i += 1;
  } else {
    if (is(tokens[i], '<')) i = skipTypeAnnotation(tokens, i - 1, ['(']);
    if (!is(tokens[i], '(')) return undefined;
    i = matching(tokens, i) + 1;
    if (is(tokens[i], ':')) i = skipTypeAnnotation(tokens, i, ['{', '=>']);
  }
  if (is(tokens[i], '=>')) {
    arrow = true;
    i++;
  }
  const at = start.start;
  if (is(tokens[i], '{')) return { from: i + 1, to: matching(tokens, i), at };
  if (!arrow) return undefined;
  // An expression body runs to the end of the declaration.
  let j = i;
  for (; j < tokens.length; j++) {
    const t = tokens[j]!;
    if (is(t, '(') || is(t, '[') || is(t, '{')) j = matching(tokens, j);
    else if (is(t, ';') || is(t, ',') || is(t, '}') || is(t, ')')) break;
  }
  return { from: i, to: j, at };
}

/** Top-level declarations and exports, by name. */
function scanModule(tokens: Token[]) {
  const locals = new Map<string, Range>();
  const exported = new Map<string, Range | string>();
  let i = 0;
  const declaration = (at: number): [string, Range | undefined, number] | undefined => {
    let k = at;
    if (is(tokens[k], 'async')) k++;
    if (is(tokens[k], 'function')) {
      const name = tokens[k + 1]?.kind === 'ident' ? tokens[k + 1]! : is(tokens[k + 1], '*') ? tokens[k + 2] : undefined;
      if (!name || name.kind !== 'ident') return undefined;
      const body = functionBody(tokens, at);
      return [name.text, body, body && body !== 'elsewhere' ? body.to : k + 2];
    }
    if ((is(tokens[at], 'const') || is(tokens[at], 'let') || is(tokens[at], 'var')) && tokens[at + 1]?.kind === 'ident') {
      const name = tokens[at + 1]!.text;
      let v = at + 2;
      if (is(tokens[v], ':')) v = skipTypeAnnotation(tokens, v, ['=']);
      if (!is(tokens[v], '=')) return [name, undefined, v];
      const body = functionBody(tokens, v + 1);
      if (body) return [name, body, body === 'elsewhere' ? v + 1 : body.to];
      // `const up = other;` aliases a function declared earlier.
      const alias = tokens[v + 1]?.kind === 'ident' && (is(tokens[v + 2], ';') || tokens[v + 2] === undefined) ? locals.get(tokens[v + 1]!.text) : undefined;
      return [name, alias, v + 1];
    }
    return undefined;
  };

  while (i < tokens.length) {
    const t = tokens[i]!;
    if (is(t, '{') || is(t, '(') || is(t, '[')) {
      i = matching(tokens, i) + 1;
      continue;
    }
    if (is(t, 'export')) {
      const next = tokens[i + 1];
      if (is(next, '{')) {
        const close = matching(tokens, i + 1);
        const fromModule = is(tokens[close + 1], 'from');
        for (let k = i + 2; k < close; k++) {
          if (tokens[k]!.kind !== 'ident') continue;
          const local = tokens[k]!.text;
          let name = local;
          if (is(tokens[k + 1], 'as') && tokens[k + 2]?.kind === 'ident') {
            name = tokens[k + 2]!.text;
            k += 2;
          }
          exported.set(name, fromModule ? 'elsewhere' : local);
        }
        i = close + 1;
        continue;
      }
      if (is(next, 'default') && is(tokens[i + 2], '{')) {
        const close = matching(tokens, i + 2);
        readObjectMembers(tokens, i + 3, close, exported);
        i = close + 1;
        continue;
      }
      const d = declaration(i + 1);
      if (d) {
        const [name, body, end] = d;
        if (body) {
          locals.set(name, body);
          exported.set(name, body);
        } else exported.set(name, 'elsewhere');
        i = end + 1;
        continue;
      }
      i++;
      continue;
    }
    const d = declaration(i);
    if (d) {
      const [name, body, end] = d;
      if (body) locals.set(name, body);
      i = end + 1;
      continue;
    }
    i++;
  }
  return { locals, exported };
}

/** Members of `export default { … }`: `up(ctx) {…}`, `async up(…) {…}`, `up: async () => …`, `up,` or `up: local`. */
function readObjectMembers(tokens: Token[], from: number, to: number, exported: Map<string, Range | string>): void {
  for (let k = from; k < to; k++) {
    let m = k;
    if (is(tokens[m], 'async') && tokens[m + 1]?.kind === 'ident' && !is(tokens[m + 1], '(')) m++;
    const key = tokens[m];
    if (!key || key.kind !== 'ident') continue;
    if (is(tokens[m + 1], '(')) {
      const body = functionBody(tokens, m + 1);
      if (body) exported.set(key.text, body);
      k = body && body !== 'elsewhere' ? body.to : m + 1;
    } else if (is(tokens[m + 1], ':')) {
      const body = functionBody(tokens, m + 2);
      if (body) {
        exported.set(key.text, body);
        k = body === 'elsewhere' ? m + 2 : body.to;
      } else if (tokens[m + 2]?.kind === 'ident') {
        exported.set(key.text, tokens[m + 2]!.text);
        k = m + 2;
      }
    } else if (is(tokens[m + 1], ',') || m + 1 === to) {
      exported.set(key.text, key.text);
      k = m + 1;
    }
    // Skip to the next member.
    while (k < to && !is(tokens[k], ',')) {
      if (is(tokens[k], '{') || is(tokens[k], '(') || is(tokens[k], '[')) k = matching(tokens, k);
      k++;
    }
  }
}

/** The literal SQL of `query(…)` / `exec(…)` calls in tokens[from, to), or null when one is dynamic. */
function staticSqlOf(tokens: Token[], from: number, to: number, lineOf: (offset: number) => number): StaticSql | null {
  let sql = '';
  const parts: StaticSql['parts'] = [];
  for (let k = from; k < to; k++) {
    const t = tokens[k]!;
    if (t.kind !== 'ident' || (t.text !== 'query' && t.text !== 'exec') || !is(tokens[k + 1], '(')) continue;
    if (k > 0 && is(tokens[k - 1], 'function')) continue;
    const arg = tokens[k + 2];
    const after = tokens[k + 3];
    if (!arg || (arg.kind !== 'string' && arg.kind !== 'template') || arg.value == null || !(is(after, ',') || is(after, ')'))) return null;
    const text = arg.value.trim().replace(/;\s*$/, '');
    if (!text) continue;
    if (sql) sql += ';\n';
    // The literal's first character is one past its quote.
    parts.push({ offset: sql.length, line: lineOf(arg.start + 1 + leadingBlankLines(arg.value)) });
    sql += text;
  }
  return { sql: sql ? `${sql};` : '', parts };
}

/** Characters of leading whitespace up to the last newline in it: the literal's text starts on the next line. */
function leadingBlankLines(value: string): number {
  const lead = value.length - value.trimStart().length;
  return value.lastIndexOf('\n', lead) + 1;
}

/** Reads `up` and `down` of a TS revision module. Throws TsSyntaxProblem on an unterminated literal. */
export function readTsRevisionBody(content: string): TsRevisionBody {
  const lineOf = (offset: number) => lineColumnAt(content, offset).line;
  const tokens = tokenize(content);
  const { locals, exported } = scanModule(tokens);
  const resolve = (name: string): TsFunction | undefined => {
    let r = exported.get(name);
    for (let hops = 0; typeof r === 'string' && r !== 'elsewhere' && hops < 5; hops++) r = locals.get(r) ?? (exported.get(r) === r ? undefined : exported.get(r));
    if (r === undefined) return undefined;
    if (r === 'elsewhere' || typeof r === 'string') return { line: 1, empty: false, staticSql: null };
    return { line: lineOf(r.at), empty: r.from >= r.to, staticSql: staticSqlOf(tokens, r.from, r.to, lineOf) };
  };
  return { up: resolve('up'), down: resolve('down') };
}
