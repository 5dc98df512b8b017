import { ts } from './typescript.js';
import type { ModuleIndex, ModuleInfo, Resolved } from './module-index.js';
import type { Binding, PathStep } from './scopes.js';

/**
 * What a constant expression stands for: the expression a `const` name (or a
 * property of a `const` object literal, an enum member, a namespace import's
 * export) was initialised with, followed across modules. Only own properties
 * written in the literal count: nothing is ever looked up on a prototype.
 */
export type ConstValue =
  | { kind: 'expr'; expr: ts.Expression; module: ModuleInfo }
  | { kind: 'module'; module: ModuleInfo }
  | { kind: 'declaration'; node: ts.Node; module: ModuleInfo }
  | { kind: 'package'; name: string; imported: string; path: string[] };

export function unwrapExpression(e: ts.Expression): ts.Expression {
  while (
    ts.isParenthesizedExpression(e) ||
    ts.isAsExpression(e) ||
    ts.isSatisfiesExpression(e) ||
    ts.isNonNullExpression(e) ||
    ts.isTypeAssertionExpression(e) ||
    ts.isAwaitExpression(e)
  ) {
    e = e.expression;
  }
  return e;
}

/** The name of an object-literal member, when it is written statically. */
export function propertyNameText(name: ts.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isPrivateIdentifier(name)) return name.text;
  if (ts.isComputedPropertyName(name) && ts.isStringLiteralLike(name.expression)) return name.expression.text;
  return undefined;
}

/** An own property of an object literal (the last one written wins, as in JavaScript). */
export function ownProperty(obj: ts.ObjectLiteralExpression, name: string): ts.Expression | undefined {
  let found: ts.Expression | undefined;
  for (const p of obj.properties) {
    if (ts.isPropertyAssignment(p) && propertyNameText(p.name) === name) found = p.initializer;
    else if (ts.isShorthandPropertyAssignment(p) && p.name.text === name) found = p.name;
    else if (ts.isMethodDeclaration(p) && p.name && propertyNameText(p.name) === name) found = p as unknown as ts.Expression;
  }
  return found;
}

export function constValue(expr: ts.Expression, mod: ModuleInfo, index: ModuleIndex, depth = 0): ConstValue | undefined {
  if (depth > 30) return undefined;
  const e = unwrapExpression(expr);
  if (ts.isIdentifier(e)) return fromResolved(index.resolveIdentifier(mod, e), index, depth);
  let member: string | undefined;
  let base: ts.Expression | undefined;
  if (ts.isPropertyAccessExpression(e)) {
    member = e.name.text;
    base = e.expression;
  } else if (ts.isElementAccessExpression(e) && ts.isStringLiteralLike(e.argumentExpression)) {
    member = e.argumentExpression.text;
    base = e.expression;
  }
  if (member !== undefined && base) {
    const b = constValue(base, mod, index, depth + 1);
    return b ? memberOf(b, member, index, depth) : undefined;
  }
  return { kind: 'expr', expr: e, module: mod };
}

function memberOf(b: ConstValue, member: string, index: ModuleIndex, depth: number): ConstValue | undefined {
  if (b.kind === 'package') return { ...b, path: [...b.path, member] };
  if (b.kind === 'module') {
    const r = index.resolveExport(b.module.relPath, member);
    return r ? fromResolved(r, index, depth + 1) : undefined;
  }
  if (b.kind === 'declaration' && ts.isEnumDeclaration(b.node)) {
    const m = b.node.members.find((x) => propertyNameText(x.name) === member);
    return m?.initializer ? { kind: 'expr', expr: m.initializer, module: b.module } : undefined;
  }
  if (b.kind === 'expr') {
    const inner = unwrapExpression(b.expr);
    if (ts.isObjectLiteralExpression(inner)) {
      const v = ownProperty(inner, member);
      return v ? constValue(v, b.module, index, depth + 1) : undefined;
    }
  }
  return undefined;
}

function fromResolved(r: Resolved, index: ModuleIndex, depth: number): ConstValue | undefined {
  switch (r.kind) {
    case 'expr':
      return constValue(r.expr, r.module, index, depth + 1);
    case 'module':
      return { kind: 'module', module: r.module };
    case 'package':
      return { kind: 'package', name: r.name, imported: r.imported, path: [] };
    case 'binding':
      return fromBinding(r.binding, r.module, index, depth);
    default:
      return undefined;
  }
}

function fromBinding(b: Binding, module: ModuleInfo, index: ModuleIndex, depth: number): ConstValue | undefined {
  if (b.kind === 'function' || b.kind === 'class' || b.kind === 'enum') return { kind: 'declaration', node: b.node, module };
  if (b.kind !== 'const' || !b.initializer || b.iterates) return undefined;
  let v = constValue(b.initializer, module, index, depth + 1);
  for (const step of b.path ?? []) {
    if (!v) break;
    v = step.k === 'prop' ? memberOf(v, step.name, index, depth) : step.k === 'index' ? elementOf(v, step, index, depth) : undefined;
  }
  return v;
}

function elementOf(v: ConstValue, step: Extract<PathStep, { k: 'index' }>, index: ModuleIndex, depth: number): ConstValue | undefined {
  if (v.kind !== 'expr') return undefined;
  const inner = unwrapExpression(v.expr);
  if (!ts.isArrayLiteralExpression(inner)) return undefined;
  const el = inner.elements[step.index];
  return el && !ts.isSpreadElement(el) ? constValue(el, v.module, index, depth + 1) : undefined;
}
