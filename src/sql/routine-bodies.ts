import { foldConstantText } from './const-fold.js';
import { parsePlpgsql, scanTokens, type PgNode } from './parser.js';

/** Where a nested statement was found. */
export type RoutineVia = 'DO block' | 'function body' | 'dynamic SQL';

/**
 * The statements inside a `DO` block or a function body, each handed to
 * `visit` with the text Postgres would run, and the reasons some of it cannot
 * be known (dynamic `EXECUTE` of computed text, a language other than SQL or
 * PL/pgSQL, a body that does not parse).
 */
export interface RoutineVisitor {
  statement(sql: string, via: RoutineVia): void;
  opaque(reason: string): void;
}

/** PL/pgSQL statements whose `query`/`dynquery` is text computed at run time. */
const DYNAMIC: Record<string, string> = {
  PLpgSQL_stmt_dynexecute: 'query',
  PLpgSQL_stmt_dynfors: 'query',
  PLpgSQL_stmt_return_query: 'dynquery',
  PLpgSQL_stmt_open: 'dynquery',
};

// PLpgSQL_expr.parseMode (RawParseMode): 0 a statement, 1 a type name, 2 an expression, 3–5 an assignment `target := expr`.
const PARSE_STATEMENT = 0;
const PARSE_EXPRESSION = 2;

function optionString(args: PgNode[] | undefined, name: string): string | undefined {
  const d = (args ?? []).find((a) => a?.DefElem?.defname === name)?.DefElem;
  return d?.arg?.String?.sval;
}

function bodyStrings(options: PgNode[] | undefined): string[] {
  const d = (options ?? []).find((a) => a?.DefElem?.defname === 'as')?.DefElem;
  return (d?.arg?.List?.items ?? []).map((i: PgNode) => i?.String?.sval).filter((s: unknown): s is string => typeof s === 'string');
}

/** The expression after the top-level `:=` (or `=`) of a PL/pgSQL assignment, found with the real scanner. */
function assignedExpression(query: string): string | undefined {
  let depth = 0;
  for (const t of scanTokens(query)) {
    if (t.text === '(' || t.text === '[') depth++;
    else if (t.text === ')' || t.text === ']') depth--;
    else if (depth === 0 && (t.text === ':=' || t.text === '=')) return query.slice(t.end);
  }
  return undefined;
}

function walkPlpgsql(value: unknown, dynamic: boolean, visit: (expr: PgNode, dynamic: boolean) => void): void {
  if (Array.isArray(value)) return value.forEach((v) => walkPlpgsql(v, dynamic, visit));
  if (!value || typeof value !== 'object') return;
  for (const [key, inner] of Object.entries(value as PgNode)) {
    if (key === 'PLpgSQL_expr') {
      visit(inner as PgNode, dynamic);
      continue;
    }
    const dynField = DYNAMIC[key];
    if (dynField && inner && typeof inner === 'object') {
      for (const [field, v] of Object.entries(inner as PgNode)) walkPlpgsql(v, field === dynField, visit);
      continue;
    }
    walkPlpgsql(inner, dynamic, visit);
  }
}

function visitPlpgsql(statementText: string, where: RoutineVia, v: RoutineVisitor): void {
  let funcs: PgNode[];
  try {
    funcs = parsePlpgsql(statementText);
  } catch (e) {
    v.opaque(`the PL/pgSQL ${where === 'DO block' ? 'DO block' : 'function body'} does not parse (${(e as Error).message})`);
    return;
  }
  walkPlpgsql(funcs, false, (expr, dynamic) => {
    const query = typeof expr.query === 'string' ? expr.query : '';
    if (dynamic) {
      const text = foldConstantText(query);
      if (text === undefined) v.opaque(`EXECUTE of computed SQL text (${query.trim()}) in a ${where}`);
      else v.statement(text, 'dynamic SQL');
      return;
    }
    const mode = expr.parseMode ?? PARSE_STATEMENT;
    if (mode === PARSE_STATEMENT) v.statement(query, where);
    else if (mode === PARSE_EXPRESSION) v.statement(`SELECT ${query}`, where);
    else if (mode >= 3) {
      const rhs = assignedExpression(query);
      if (rhs === undefined) v.opaque(`an assignment the scanner cannot split (${query.trim()}) in a ${where}`);
      else v.statement(`SELECT ${rhs}`, where);
    }
  });
}

/**
 * Visits the body of a top-level `DO` or `CREATE FUNCTION/PROCEDURE`
 * statement. Returns false for any other statement.
 */
export function visitRoutineBody(kind: string, node: PgNode, statementText: string, v: RoutineVisitor): boolean {
  if (kind === 'DoStmt') {
    const language = (optionString(node.args, 'language') ?? 'plpgsql').toLowerCase();
    if (language === 'plpgsql') visitPlpgsql(statementText, 'DO block', v);
    else v.opaque(`a DO block in language ${language}`);
    return true;
  }
  if (kind !== 'CreateFunctionStmt') return false;
  const language = (optionString(node.options, 'language') ?? 'sql').toLowerCase();
  // A SQL-standard body (BEGIN ATOMIC … END, RETURN …) is already in the parse tree; the caller walks it.
  if (node.sql_body) return true;
  const bodies = bodyStrings(node.options);
  if (language === 'plpgsql') visitPlpgsql(statementText, 'function body', v);
  else if (language === 'sql') bodies.forEach((b) => v.statement(b, 'function body'));
  else v.opaque(`a function body in language ${language}`);
  return true;
}
