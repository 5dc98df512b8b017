import { ts } from './typescript.js';
import { unwrapExpression } from './const-value.js';
import type { ModuleInfo } from './module-index.js';
import type { Origin, OriginTracer } from './origin.js';
import { returnedExpression } from './function-results.js';

/**
 * TypeScript's utility types over a value: `ReturnType<typeof drizzle>` is what a call of it
 * gives, `InstanceType<typeof Pool>` what `new` gives; `Awaited<T>`, `NonNullable<T>` and
 * `Readonly<T>` are `T`.
 */
export function utilityTypeOrigin(t: OriginTracer, name: string, arg: ts.TypeNode | undefined, mod: ModuleInfo, depth: number): Origin | undefined {
  if (!arg) return undefined;
  if (name === 'Awaited' || name === 'NonNullable' || name === 'Readonly') return t.ofType(arg, mod, depth);
  if ((name !== 'ReturnType' && name !== 'InstanceType') || !ts.isTypeQueryNode(arg)) return undefined;
  const target = entityNameToExpression(arg.exprName);
  const fn = t.of(target, mod, depth);
  if (name === 'InstanceType') return fn.root.k === 'class' && !fn.steps.length ? t.instanceOf(fn.root.node, fn.root.module, depth) : withStep(fn, { k: 'new', node: ts.factory.createNewExpression(target, undefined, []) });
  // A project function: what it returns (`ReturnType<typeof createDb>` with `createDb = () => drizzle(…)`).
  const ret = fn.root.k === 'function' && !fn.steps.length ? returnedExpression(fn.root.node) : undefined;
  if (ret && fn.root.k === 'function') return t.of(ret, fn.root.module, depth + 1);
  const call = ts.factory.createCallExpression(target, undefined, []);
  const callee = unwrapExpression(target);
  return withStep(fn, { k: 'call', name: ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined, node: call });
}

function withStep(o: Origin, step: Origin['steps'][number]): Origin {
  return { root: o.root, steps: [...o.steps, step] };
}

/** `a.b.c` as a type names it, as the expression that names the value. */
export function entityNameToExpression(n: ts.EntityName): ts.Expression {
  return (ts.isIdentifier(n) ? n : ts.factory.createPropertyAccessExpression(entityNameToExpression(n.left), n.right)) as ts.Expression;
}
