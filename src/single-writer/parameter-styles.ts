import { NAME_PLACEHOLDER_PREFIX } from '../ts-analysis/fold.js';

/**
 * Libraries' own placeholder syntaxes (Sequelize `:name`, Knex `?`/`??`,
 * pg-promise `${name}`/`$1:name`), which are not SQL, turned into what the
 * library sends to Postgres: a `$n` parameter for a value, the identifier for a
 * constant `??` binding, a dynamic-name placeholder otherwise. This mirrors the
 * libraries' own substitution (which skips quoted text and comments); the SQL
 * itself is then parsed by the shared classifier.
 */
type Replacer = (text: string, i: number, out: { param: () => string; name: () => string }) => { skip: number; emit: string } | undefined;

function substitute(text: string, replace: Replacer): string {
  let out = '';
  let param = 1;
  let names = 0;
  const gen = { param: () => `$${param++}`, name: () => `${NAME_PLACEHOLDER_PREFIX}p${++names}` };
  for (let i = 0; i < text.length; ) {
    const c = text[i]!;
    // Quoted text, quoted identifiers and comments are copied as they are.
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      const stop = end < 0 ? text.length : end + 1;
      out += text.slice(i, stop);
      i = stop;
      continue;
    }
    if (c === '-' && text[i + 1] === '-') {
      const end = text.indexOf('\n', i);
      const stop = end < 0 ? text.length : end;
      out += text.slice(i, stop);
      i = stop;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? text.length : end + 2;
      out += text.slice(i, stop);
      i = stop;
      continue;
    }
    const r = replace(text, i, gen);
    if (r) {
      out += r.emit;
      i += r.skip;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

const isIdentStart = (ch: string | undefined) => Boolean(ch && /[A-Za-z_]/.test(ch));
const identLength = (text: string, i: number) => {
  let j = i;
  while (j < text.length && /[\w$]/.test(text[j]!)) j++;
  return j - i;
};

/** Sequelize `replacements`: `:name` (not `::cast`) becomes a parameter. */
export function sequelizeToPostgres(text: string): string {
  return substitute(text, (t, i, g) => {
    if (t[i] !== ':' || t[i + 1] === ':' || t[i - 1] === ':' || !isIdentStart(t[i + 1])) return undefined;
    return { skip: 1 + identLength(t, i + 1), emit: g.param() };
  });
}

/** Knex raw: `??` an identifier (the binding when constant), `?` a value, `:name:` an identifier, `:name` a value; `\?` a literal `?`. */
export function knexToPostgres(text: string, bindings: (string | undefined)[] = [], named: Map<string, string | undefined> = new Map()): string {
  let position = 0;
  return substitute(text, (t, i, g) => {
    if (t[i] === '\\' && t[i + 1] === '?') return { skip: 2, emit: '?' };
    if (t[i] === '?' && t[i + 1] === '?') {
      const b = bindings[position++];
      return { skip: 2, emit: b ? b.split('.').map((p) => `"${p}"`).join('.') : g.name() };
    }
    if (t[i] === '?') {
      position++;
      return { skip: 1, emit: g.param() };
    }
    if (t[i] === ':' && t[i + 1] !== ':' && t[i - 1] !== ':' && isIdentStart(t[i + 1])) {
      const len = identLength(t, i + 1);
      const key = t.slice(i + 1, i + 1 + len);
      if (t[i + 1 + len] === ':') {
        const b = named.get(key);
        return { skip: len + 2, emit: b ? `"${b}"` : g.name() };
      }
      return { skip: 1 + len, emit: g.param() };
    }
    return undefined;
  });
}

const PGP_OPEN: Record<string, string> = { '{': '}', '(': ')', '<': '>', '[': ']', '/': '/' };
const PGP_NAME_FILTERS = /^(:name|~|:alias)$/;
const PGP_RAW_FILTERS = /^(:raw|\^|:value|#)$/;

/** pg-promise formatting: `$1`, `$1:name`, `${prop}`, `$(prop)`, `$<prop>`, `$[prop]`, `$/prop/`, with filters. */
export function pgPromiseToPostgres(text: string): string {
  return substitute(text, (t, i, g) => {
    if (t[i] !== '$') return undefined;
    let j = i + 1;
    if (/\d/.test(t[j] ?? '')) {
      while (/\d/.test(t[j] ?? '')) j++;
    } else {
      const close = PGP_OPEN[t[j] ?? ''];
      if (!close) return undefined;
      const end = t.indexOf(close, j + 1);
      if (end < 0) return undefined;
      j = end + 1;
      const filter = /^(:name|:alias|:raw|:value|:json|:csv|:list|\^|~|#)/.exec(t.slice(j))?.[0] ?? '';
      j += filter.length;
      const inner = t.slice(i + 2, end);
      const filterIn = /(:name|:alias|:raw|:value|:json|:csv|:list|\^|~|#)$/.exec(inner)?.[0] ?? '';
      const f = filter || filterIn;
      return { skip: j - i, emit: PGP_NAME_FILTERS.test(f) ? g.name() : PGP_RAW_FILTERS.test(f) ? g.param() : g.param() };
    }
    const filter = /^(:name|:alias|:raw|:value|:json|:csv|:list|\^|~|#)/.exec(t.slice(j))?.[0] ?? '';
    if (!filter) return undefined; // a plain $1 is Postgres's own
    return { skip: j + filter.length - i, emit: PGP_NAME_FILTERS.test(filter) ? g.name() : g.param() };
  });
}
