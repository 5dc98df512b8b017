import { ts } from '../ts-analysis/typescript.js';
import { unwrapExpression } from '../ts-analysis/const-value.js';
import type { ModuleInfo } from '../ts-analysis/module-index.js';
import type { Sink } from './sink-model.js';

/**
 * A project function that hands one of its parameters to a database as SQL, as node-postgres's
 * documentation structures a project (`export const query = (text, params) => pool.query(text, params)`):
 * a call of it is a sink with its argument as the SQL, and the SQL inside it is checked at each call.
 */
export interface Forwarding {
  /** The parameter carrying the SQL. */
  param: number;
  /** The sink inside the function, for the message and the library. */
  inner: Extract<Sink, { kind: 'sql' }>;
}

/** The function's parameter a SQL sink inside it receives as its text (`pool.query(text, …)`, `client.query({ text })`), if any. */
export function forwardedParameter(fn: ts.Node, sinkArgs: readonly ts.Expression[]): number | undefined {
  if (!(ts.isFunctionDeclaration(fn) || ts.isFunctionExpression(fn) || ts.isArrowFunction(fn) || ts.isMethodDeclaration(fn))) return undefined;
  const first = sinkArgs[0] && unwrapExpression(sinkArgs[0]);
  if (!first) return undefined;
  let name: string | undefined;
  if (ts.isIdentifier(first)) name = first.text;
  else if (ts.isObjectLiteralExpression(first)) {
    // `{ text, values }` / `{ text: text }`
    for (const p of first.properties) {
      if (ts.isShorthandPropertyAssignment(p) && p.name.text === 'text') name = 'text';
      if (ts.isPropertyAssignment(p) && ts.isIdentifier(p.name) && p.name.text === 'text' && ts.isIdentifier(unwrapExpression(p.initializer))) name = (unwrapExpression(p.initializer) as ts.Identifier).text;
    }
  }
  if (!name) return undefined;
  const index = fn.parameters.findIndex((p) => ts.isIdentifier(p.name) && p.name.text === name);
  return index >= 0 ? index : undefined;
}

/** The calls inside `fn` (not inside functions nested in it): where a forwarding sink may sit. */
export function callsInside(fn: ts.Node, mod: ModuleInfo): ts.CallExpression[] {
  const out: ts.CallExpression[] = [];
  for (const c of mod.scopes.calls) {
    if (!ts.isCallExpression(c) || c.pos < fn.pos || c.end > fn.end) continue;
    out.push(c);
  }
  return out;
}
