import { ts } from '../ts-analysis/typescript.js';
import { unwrapExpression } from '../ts-analysis/const-value.js';
import { lookup, scopeAt, type Scope } from '../ts-analysis/scopes.js';
import type { ModuleIndex, ModuleInfo } from '../ts-analysis/module-index.js';
import type { Origin } from '../ts-analysis/origin.js';
import type { SinkContext } from './sink-model.js';

/**
 * A helper that writes through one of its parameters (`async function deleteOldest(Model) { await Model.destroy(…) }`)
 * writes what its callers hand it (`deleteOldest(models.Comment)`). This finds, for a receiver
 * that is such a parameter, the argument every call of the helper in the run passes.
 */
export interface ParameterBinding {
  /** `api/articles.js:254`, for messages. */
  at: string;
  value: Origin;
  expr: ts.Expression;
  mod: ModuleInfo;
}

export interface HelperBindings {
  helper: string;
  param: string;
  /** Empty: no call of the helper in the run (it is exported for others, or passed around as a value). */
  calls: ParameterBinding[];
}

export function parameterBindings(receiver: ts.Expression, ctx: SinkContext): HelperBindings | undefined {
  const r = unwrapExpression(receiver);
  if (!ts.isIdentifier(r)) return undefined;
  const b = lookup(ctx.mod.scopes, r.text, r.end - 1);
  if (!b || b.kind !== 'param' || b.path || b.paramIndex === undefined || !b.fn) return undefined;
  const fn = b.fn;
  // A callback's parameters are the caller's business (transaction callbacks): other models trace those.
  if (ctx.mod.scopes.callbacks.has(fn)) return undefined;
  const name = helperName(fn, ctx.mod);
  if (!name) return undefined;
  ctx.index.noteAccess(ctx.projectFiles());
  const calls: ParameterBinding[] = [];
  for (const site of callsOf(fn, name, ctx)) {
    const arg = site.call.arguments[b.paramIndex];
    if (!arg || ts.isSpreadElement(arg)) continue;
    const line = site.mod.sourceFile.getLineAndCharacterOfPosition(site.call.getStart(site.mod.sourceFile)).line + 1;
    calls.push({ at: `${site.mod.relPath}:${line}`, value: ctx.tracer.of(arg, site.mod), expr: arg, mod: site.mod });
  }
  return { helper: name, param: r.text, calls };
}

/** The name callers use: a function declaration's, or the variable an arrow or function expression is declared as (`const f = (x) => …`). */
function helperName(fn: ts.SignatureDeclaration, mod: ModuleInfo): string | undefined {
  if ((ts.isFunctionDeclaration(fn) || ts.isFunctionExpression(fn)) && fn.name) return fn.name.text;
  if (ts.isMethodDeclaration(fn) && ts.isIdentifier(fn.name)) return fn.name.text;
  for (let s: Scope | undefined = scopeAt(mod.scopes, fn.pos); s; s = s.parent) {
    for (const b of s.names.values()) if (b.initializer && !b.path && unwrapExpression(b.initializer) === fn) return b.name;
  }
  return undefined;
}

interface CallSite {
  call: ts.CallExpression;
  mod: ModuleInfo;
}

const memo = new WeakMap<ModuleIndex, Map<ts.Node, CallSite[]>>();

/** The run's calls of `fn`, found in the files that mention its name and confirmed by tracing the callee. */
function callsOf(fn: ts.SignatureDeclaration, name: string, ctx: SinkContext): CallSite[] {
  let byFn = memo.get(ctx.index);
  if (!byFn) memo.set(ctx.index, (byFn = new Map()));
  const hit = byFn.get(fn);
  if (hit) return hit;
  const out: CallSite[] = [];
  byFn.set(fn, out);
  const mentions = new RegExp(`\\b${name.replace(/\$/g, '\\$')}\\s*\\(`);
  for (const rel of ctx.projectFiles()) {
    const mod = ctx.index.getIfMentions(rel, mentions);
    if (!mod) continue;
    for (const call of mod.scopes.calls) {
      if (!ts.isCallExpression(call)) continue;
      const callee = unwrapExpression(call.expression);
      const last = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
      if (last !== name) continue;
      const o = ctx.tracer.of(callee, mod);
      if (o.root.k === 'function' && !o.steps.length && o.root.node === fn) out.push({ call, mod });
    }
  }
  return out;
}

/** Whether the run calls `fn` at least once (a helper whose every use is a call the analysis sees). */
export function hasCallers(fn: ts.SignatureDeclaration, mod: ModuleInfo, ctx: SinkContext): boolean {
  const name = helperName(fn, mod);
  if (!name) return false;
  ctx.index.noteAccess(ctx.projectFiles());
  return callsOf(fn, name, ctx).length > 0;
}
