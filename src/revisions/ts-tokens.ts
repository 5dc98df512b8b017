/**
 * A small tokenizer for TypeScript revision modules: enough to find exported
 * functions and the string literals passed to `query(…)`, and nothing more.
 * It knows strings, templates (with nested substitutions), comments and regular
 * expression literals, so a `//`, a brace or a quote inside any of them never
 * confuses it. `migrate` must not load a compiler, so this stands in for one.
 */

export type TokenKind = 'ident' | 'string' | 'template' | 'punct' | 'number' | 'regex';

export interface Token {
  kind: TokenKind;
  /** Identifier name, punctuator, or the raw text of a number/regex. */
  text: string;
  /** Cooked value of a string, or of a template without substitutions; null for a template with them. */
  value?: string | null;
  start: number;
  end: number;
}

/** After these punctuators (and keywords) a `/` starts a regular expression, not a division. */
const REGEX_AFTER_PUNCT = new Set(['(', ',', '=', ':', '[', '!', '&', '|', '?', '{', '}', ';', '+', '-', '*', '%', '<', '>', '~', '^', '=>', '...']);
const REGEX_AFTER_WORD = new Set(['return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'await', 'yield']);
const MULTI_PUNCT = ['...', '=>', '?.'];

const isIdentStart = (c: string) => /[\p{ID_Start}$_]/u.test(c);
const isIdentPart = (c: string) => /[\p{ID_Continue}$\u200c\u200d]/u.test(c);

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', '0': '\0' };

/** Reads an escape at `at` (just after the backslash); returns the cooked text and the index after it. */
function readEscape(src: string, at: number): [string, number] {
  const c = src[at] ?? '';
  if (c in SIMPLE_ESCAPES && !(c === '0' && /[0-9]/.test(src[at + 1] ?? ''))) return [SIMPLE_ESCAPES[c]!, at + 1];
  if (c === '\r' && src[at + 1] === '\n') return ['', at + 2];
  if (c === '\n' || c === '\u2028' || c === '\u2029') return ['', at + 1];
  if (c === 'x') return [String.fromCharCode(parseInt(src.slice(at + 1, at + 3), 16)), at + 3];
  if (c === 'u') {
    if (src[at + 1] === '{') {
      const close = src.indexOf('}', at);
      return [String.fromCodePoint(parseInt(src.slice(at + 2, close), 16)), close + 1];
    }
    return [String.fromCharCode(parseInt(src.slice(at + 1, at + 5), 16)), at + 5];
  }
  return [c, at + 1];
}

export class TsSyntaxProblem extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** Tokens of `src`, comments and whitespace left out. Throws TsSyntaxProblem on an unterminated literal or comment. */
export function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  /** Open template substitutions: the brace depth each started at, and its template token. */
  const templates: { depth: number; token: Token }[] = [];
  let depth = 0;
  let i = 0;

  const regexAllowed = () => {
    const prev = tokens.at(-1);
    if (!prev) return true;
    if (prev.kind === 'punct') return REGEX_AFTER_PUNCT.has(prev.text);
    return prev.kind === 'ident' && REGEX_AFTER_WORD.has(prev.text);
  };

  /** Scans template characters from `i` up to the closing backtick or the next `${`. */
  const templateChunk = (token: Token): void => {
    let cooked = '';
    while (i < src.length) {
      const c = src[i]!;
      if (c === '\\') {
        const [text, next] = readEscape(src, i + 1);
        cooked += text;
        i = next;
      } else if (c === '`') {
        i++;
        token.end = i;
        if (token.value !== null) token.value = (token.value ?? '') + cooked;
        return;
      } else if (c === '$' && src[i + 1] === '{') {
        i += 2;
        token.value = null;
        templates.push({ depth, token });
        depth++;
        return;
      } else {
        cooked += c;
        i++;
      }
    }
    throw new TsSyntaxProblem('unterminated template literal', token.start);
  };

  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '/' && src[i + 1] === '/') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && src[i + 1] === '*') {
      const close = src.indexOf('*/', i + 2);
      if (close === -1) throw new TsSyntaxProblem('unterminated comment', i);
      i = close + 2;
      continue;
    }
    const start = i;
    if (c === "'" || c === '"') {
      let cooked = '';
      i++;
      for (;;) {
        if (i >= src.length || src[i] === '\n') throw new TsSyntaxProblem('unterminated string literal', start);
        const ch = src[i]!;
        if (ch === c) break;
        if (ch === '\\') {
          const [text, next] = readEscape(src, i + 1);
          cooked += text;
          i = next;
        } else {
          cooked += ch;
          i++;
        }
      }
      i++;
      tokens.push({ kind: 'string', text: src.slice(start, i), value: cooked, start, end: i });
      continue;
    }
    if (c === '`') {
      i++;
      const token: Token = { kind: 'template', text: '`', value: '', start, end: start };
      tokens.push(token);
      templateChunk(token);
      continue;
    }
    if (c === '}' && templates.length && templates.at(-1)!.depth === depth - 1) {
      // The end of a `${…}` substitution: the template goes on.
      depth--;
      i++;
      templateChunk(templates.pop()!.token);
      continue;
    }
    if (c === '/' && regexAllowed()) {
      let inClass = false;
      i++;
      for (;;) {
        if (i >= src.length || src[i] === '\n') throw new TsSyntaxProblem('unterminated regular expression', start);
        const ch = src[i]!;
        if (ch === '\\') i += 2;
        else {
          if (ch === '[') inClass = true;
          else if (ch === ']') inClass = false;
          else if (ch === '/' && !inClass) break;
          i++;
        }
      }
      i++;
      while (i < src.length && isIdentPart(src[i]!)) i++;
      tokens.push({ kind: 'regex', text: src.slice(start, i), start, end: i });
      continue;
    }
    if (isIdentStart(c) || c === '\\') {
      i++;
      while (i < src.length && isIdentPart(src[i]!)) i++;
      tokens.push({ kind: 'ident', text: src.slice(start, i), start, end: i });
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      i++;
      while (i < src.length && /[0-9a-zA-Z_.]/.test(src[i]!)) i++;
      tokens.push({ kind: 'number', text: src.slice(start, i), start, end: i });
      continue;
    }
    const multi = MULTI_PUNCT.find((p) => src.startsWith(p, i));
    const text = multi ?? c;
    if (text === '{') depth++;
    else if (text === '}') depth--;
    i += text.length;
    tokens.push({ kind: 'punct', text, start, end: i });
  }
  if (templates.length) throw new TsSyntaxProblem('unterminated template substitution', templates.at(-1)!.token.start);
  return tokens;
}
