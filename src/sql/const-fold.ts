import { parseRaw, type PgNode } from './parser.js';

/**
 * The text a dynamic `EXECUTE <expr>` would run, when the expression is built
 * from constants only: string literals, `||`, `concat()`, `format()` with
 * `%s`/`%I`/`%L`, `quote_ident()`, `quote_literal()`, `lower()`/`upper()` and
 * casts. Anything that depends on a variable, a table or another function is
 * unknown (undefined): the caller then treats the statement as opaque.
 */
export function foldConstantText(expression: string): string | undefined {
  let stmts;
  try {
    stmts = parseRaw(`SELECT ${expression}`);
  } catch {
    return undefined;
  }
  const select = stmts.length === 1 ? stmts[0]!.stmt.SelectStmt : undefined;
  const targets: PgNode[] | undefined = select?.targetList;
  if (!select || select.fromClause || targets?.length !== 1) return undefined;
  return fold(targets[0]!.ResTarget?.val);
}

/** The constant text of an expression node, or undefined when it is not built from constants only. */
export function foldConstantNode(node: PgNode | undefined): string | undefined {
  return fold(node);
}

const lastName = (names: PgNode[] | undefined): string | undefined => {
  const last = names?.[names.length - 1]?.String?.sval;
  return typeof last === 'string' ? last.toLowerCase() : undefined;
};

function fold(node: PgNode | undefined): string | undefined {
  if (!node) return undefined;
  if (node.A_Const) {
    const c = node.A_Const;
    if (c.isnull) return undefined;
    if (c.sval) return c.sval.sval ?? '';
    if (c.ival) return String(c.ival.ival ?? 0);
    if (c.fval) return c.fval.fval;
    if (c.boolval) return c.boolval.boolval ? 'true' : 'false';
    return undefined;
  }
  if (node.TypeCast) return fold(node.TypeCast.arg);
  if (node.A_Expr) {
    const e = node.A_Expr;
    if (e.kind !== 'AEXPR_OP' || lastName(e.name) !== '||') return undefined;
    const l = fold(e.lexpr);
    const r = fold(e.rexpr);
    return l === undefined || r === undefined ? undefined : l + r;
  }
  if (node.FuncCall) {
    const name = lastName(node.FuncCall.funcname);
    const args: (string | undefined)[] = (node.FuncCall.args ?? []).map(fold);
    if (args.some((a) => a === undefined)) return undefined;
    const a = args as string[];
    switch (name) {
      case 'concat':
        return a.join('');
      case 'lower':
        return a.length === 1 ? a[0]!.toLowerCase() : undefined;
      case 'upper':
        return a.length === 1 ? a[0]!.toUpperCase() : undefined;
      case 'quote_ident':
        return a.length === 1 ? quoteIdent(a[0]!) : undefined;
      case 'quote_literal':
        return a.length === 1 ? `'${a[0]!.replace(/'/g, "''")}'` : undefined;
      case 'format':
        return a.length >= 1 ? format(a[0]!, a.slice(1)) : undefined;
      default:
        return undefined;
    }
  }
  return undefined;
}

/** Postgres quote_ident: quotes unless the name is a plain lower-case identifier. */
function quoteIdent(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

/** Postgres format() for %s, %I, %L, %% and positional %n$ forms. */
function format(fmt: string, args: string[]): string | undefined {
  let next = 0;
  let out = '';
  for (let i = 0; i < fmt.length; i++) {
    const ch = fmt[i]!;
    if (ch !== '%') {
      out += ch;
      continue;
    }
    let j = i + 1;
    if (fmt[j] === '%') {
      out += '%';
      i = j;
      continue;
    }
    let index: number | undefined;
    const digits = /^(\d+)\$/.exec(fmt.slice(j));
    if (digits) {
      index = Number(digits[1]) - 1;
      j += digits[0].length;
    }
    const kind = fmt[j];
    const arg = args[index ?? next];
    if (arg === undefined || (kind !== 's' && kind !== 'I' && kind !== 'L')) return undefined;
    next = (index ?? next) + 1;
    out += kind === 's' ? arg : kind === 'I' ? quoteIdent(arg) : `'${arg.replace(/'/g, "''")}'`;
    i = j;
  }
  return out;
}
