import { ts } from '../../ts-analysis/typescript.js';
import { unwrapExpression } from '../../ts-analysis/const-value.js';
import { scopeAt, type Scope } from '../../ts-analysis/scopes.js';
import type { ModuleInfo } from '../../ts-analysis/module-index.js';
import type { Origin } from '../../ts-analysis/origin.js';
import type { SinkContext } from '../sink-model.js';
import type { ModelRef } from './sequelize-associations.js';
import { instanceRef, modelRefOf } from './sequelize-models.js';

/** Model instances that reach a write through the request or `this`, not through a variable traced to a finder. */
/**
 * `req.article.destroy()` in an Express handler (or `const article = req.article`), where a
 * middleware or `router.param` stored `req.article = await Article.findOne(…)`: the instance every
 * such assignment in the run stores, when they agree on one model. Known by the property's name
 * across files, so heuristic.
 */
export function requestInstanceRef(o: Origin, ctx: SinkContext): { ref: ModelRef; name: string } | undefined {
  const name = requestProperty(o);
  const stored = name === undefined ? undefined : requestAssignments(ctx).get(name);
  if (!stored?.length) return undefined;
  const refs = stored.map((a) => instanceRef(ctx.tracer.of(a.value, a.mod), { ...ctx, mod: a.mod }));
  const first = refs[0];
  return first && refs.every((x) => x?.node === first.node) ? { ref: first, name: name! } : undefined;
}

/** `req.<name>`: a property of a handler's request parameter (traced as a callback's `req`, or an untraced `req`). */
function requestProperty(o: Origin): string | undefined {
  const last = o.steps.at(-1);
  const prev = o.steps.at(-2);
  if (last?.k !== 'get') return undefined;
  if (prev?.k === 'cb' && prev.name && REQUEST.test(prev.name)) return last.name;
  if (!prev && o.root.k === 'unknown' && o.root.name && REQUEST.test(o.root.name)) return last.name;
  return undefined;
}

/** `this` inside a function assigned to `Model.prototype.name` (or an arrow within it): that model. */
export function prototypeInstanceRef(receiver: ts.Expression, ctx: SinkContext): ModelRef | undefined {
  if (unwrapExpression(receiver).kind !== ts.SyntaxKind.ThisKeyword) return undefined;
  // The nearest function that binds `this`: arrows take their enclosing function's.
  let fn: ts.Node | undefined;
  for (let sc: Scope | undefined = scopeAt(ctx.mod.scopes, receiver.end - 1); sc; sc = sc.parent) {
    if (sc.kind === 'class') return undefined;
    if (sc.kind === 'function' && !ts.isArrowFunction(sc.node)) {
      fn = sc.node;
      break;
    }
  }
  const owner = fn && prototypeMethods(ctx.mod).get(fn);
  return owner ? modelRefOf(ctx.tracer.of(owner, ctx.mod), ctx) : undefined;
}

const prototypeMemo = new WeakMap<ModuleInfo, Map<ts.Node, ts.Expression>>();

/** The functions a module assigns to `X.prototype.name`, with their `X`. */
function prototypeMethods(mod: ModuleInfo): Map<ts.Node, ts.Expression> {
  let found = prototypeMemo.get(mod);
  if (found) return found;
  found = new Map();
  prototypeMemo.set(mod, found);
  if (!mod.sourceFile.text.includes('.prototype.')) return found;
  const visit = (n: ts.Node): void => {
    if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isPropertyAccessExpression(n.left)) {
      const target = n.left.expression;
      const fn = unwrapExpression(n.right);
      if (ts.isPropertyAccessExpression(target) && target.name.text === 'prototype' && (ts.isFunctionExpression(fn) || ts.isArrowFunction(fn))) found!.set(fn, target.expression);
    }
    ts.forEachChild(n, visit);
  };
  visit(mod.sourceFile);
  return found;
}

const REQUEST = /^(req|request)$/;
function isRequestObject(e: ts.Expression): boolean {
  const u = unwrapExpression(e);
  return ts.isIdentifier(u) && REQUEST.test(u.text);
}

const requestMemo = new WeakMap<object, Map<string, { value: ts.Expression; mod: ModuleInfo }[]>>();

/** Every `req.<name> = value` of the run, by name. */
function requestAssignments(ctx: SinkContext): Map<string, { value: ts.Expression; mod: ModuleInfo }[]> {
  ctx.index.noteAccess(ctx.projectFiles());
  let found = requestMemo.get(ctx.index);
  if (found) return found;
  found = new Map();
  requestMemo.set(ctx.index, found);
  for (const rel of ctx.projectFiles()) {
    const mod = ctx.index.getIfMentions(rel, /\b(req|request)\.[A-Za-z_$][\w$]*\s*=[^=]/);
    if (!mod) continue;
    const visit = (n: ts.Node): void => {
      if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isPropertyAccessExpression(n.left) && isRequestObject(n.left.expression)) {
        const list = found!.get(n.left.name.text) ?? [];
        list.push({ value: n.right, mod });
        found!.set(n.left.name.text, list);
      }
      ts.forEachChild(n, visit);
    };
    visit(mod.sourceFile);
  }
  return found;
}

