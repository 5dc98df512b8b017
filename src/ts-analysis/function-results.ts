import { ts } from './typescript.js';

/**
 * What a call of a known function gives back, read from the function's syntax:
 * its returned expression, or the argument a generic pass-through helper returns.
 */
/**
 * For a function typed `<T>(…, x: T | () => T, …): T` (memoising and
 * singleton helpers), the argument its result comes from: the argument itself,
 * or what the callback passed there returns.
 */
export function passedThrough(fn: ts.Node, call: ts.CallExpression): ts.Expression | undefined {
  if (!(ts.isFunctionDeclaration(fn) || ts.isFunctionExpression(fn) || ts.isArrowFunction(fn))) return undefined;
  const ret = fn.type;
  const typeParams = new Set((fn.typeParameters ?? []).map((t) => t.name.text));
  const isT = (t: ts.TypeNode | undefined) => Boolean(t && ts.isTypeReferenceNode(t) && ts.isIdentifier(t.typeName) && typeParams.has(t.typeName.text));
  if (!isT(ret)) return undefined;
  for (let i = 0; i < fn.parameters.length; i++) {
    const type = fn.parameters[i]!.type;
    const arg = call.arguments[i];
    if (!arg) continue;
    if (isT(type)) return arg;
    if (type && ts.isFunctionTypeNode(type) && isT(type.type)) {
      const a = arg as ts.Expression;
      const cb = ts.isParenthesizedExpression(a) ? a.expression : a;
      return ts.isArrowFunction(cb) || ts.isFunctionExpression(cb) ? returnedExpression(cb) : undefined;
    }
  }
  return undefined;
}

/** The expression a function returns: its expression body, or its first top-level `return`. */
export function returnedExpression(fn: ts.Node): ts.Expression | undefined {
  if (!(ts.isFunctionDeclaration(fn) || ts.isFunctionExpression(fn) || ts.isArrowFunction(fn) || ts.isMethodDeclaration(fn))) return undefined;
  const body = fn.body;
  if (!body) return undefined;
  if (!ts.isBlock(body)) return body;
  let found: ts.Expression | undefined;
  const visit = (n: ts.Node): void => {
    if (found || ts.isFunctionLike(n) || ts.isClassLike(n)) return;
    if (ts.isReturnStatement(n) && n.expression) {
      found = n.expression;
      return;
    }
    ts.forEachChild(n, visit);
  };
  body.statements.forEach(visit);
  return found;
}
