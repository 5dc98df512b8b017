import { ts } from '../../ts-analysis/typescript.js';
import { unwrapExpression } from '../../ts-analysis/const-value.js';
import type { ModuleInfo } from '../../ts-analysis/module-index.js';
import type { Origin, Step } from '../../ts-analysis/origin.js';
import { constString, type SinkContext } from '../sink-model.js';

/**
 * Entity plumbing shared by the class-based ORMs (TypeORM, MikroORM,
 * Sequelize): which class (or schema object) a value, a type argument or a
 * repository stands for, and the table the ORM maps it to.
 */
export type TableOf = (node: ts.Node, mod: ModuleInfo) => string | undefined;

/** An entity class (or `EntitySchema`) named by an expression, as its table. */
export function entityTable(expr: ts.Expression | undefined, ctx: SinkContext, tableOf: TableOf, mod: ModuleInfo = ctx.mod): string | undefined {
  if (!expr) return undefined;
  const text = constString(expr, ctx, mod);
  if (text !== undefined) return text;
  const o = ctx.tracer.of(expr, mod);
  if (o.root.k === 'class' && !o.steps.length) return tableOf(o.root.node, o.root.module);
  const last = o.steps.at(-1);
  if (last?.k === 'new') return tableOf(last.node, mod) ?? undefined;
  if (o.root.k === 'literal' || o.root.k === 'unknown') return undefined;
  return undefined;
}

/** The table of an entity instance: `new E()`, `em.create(E, …)`, `repo.create(…)`, a typed `e: E`. */
export function instanceTable(o: Origin, ctx: SinkContext, tableOf: TableOf, repoTable: (o: Origin) => string | undefined): string | undefined {
  const last = o.steps.at(-1);
  if (last?.k === 'typed' && last.cls) {
    const t = tableOf(last.cls, last.clsModule!);
    if (t) return t;
  }
  if (last?.k === 'call' && last.name === 'create') {
    const viaArg = entityTable(last.node.arguments[0], ctx, tableOf);
    if (viaArg) return viaArg;
    return repoTable({ root: o.root, steps: o.steps.slice(0, -1) });
  }
  return undefined;
}

/** The entity a type argument names: `Repository<Expense>` → Expense's table. */
export function typeArgTable(step: Extract<Step, { k: 'typed' }>, ctx: SinkContext, tableOf: TableOf): string | undefined {
  const arg = step.typeArgs[0];
  if (!arg || !ts.isTypeReferenceNode(arg) || !ts.isIdentifier(arg.typeName)) return undefined;
  const r = ctx.index.resolveName(step.module, arg.typeName.text, arg.typeName.end - 1);
  if (r.kind === 'binding' && r.binding.kind === 'class') return tableOf(r.binding.node, r.module);
  return undefined;
}

/** The first call in the steps with one of these names (`getRepository(E)`). */
export function callStep(o: Origin, names: RegExp): Extract<Step, { k: 'call' }> | undefined {
  for (const s of o.steps) if (s.k === 'call' && s.name && names.test(s.name)) return s;
  return undefined;
}

export function firstArg(step: { node: ts.CallExpression } | undefined): ts.Expression | undefined {
  return step ? unwrapExpression(step.node.arguments[0] ?? ts.factory.createOmittedExpression()) : undefined;
}
