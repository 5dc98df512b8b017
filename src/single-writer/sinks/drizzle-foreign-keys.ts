import { ts } from '../../ts-analysis/typescript.js';
import { ownProperty, unwrapExpression } from '../../ts-analysis/const-value.js';
import type { ModuleIndex } from '../../ts-analysis/module-index.js';
import { calleeName, constString, type SinkContext } from '../sink-model.js';

/**
 * Drizzle's foreign keys with a delete action, read once per run from every table declaration:
 * `userId: integer('user_id').references(() => users.id, { onDelete: 'cascade' })`. A delete of
 * the parent writes the children through them (the database runs the action), so the write is
 * said at the delete. `tableOf` names a drizzle table object (the model's own `drizzleTable`).
 */
export interface DrizzleForeignKey {
  parent: string;
  child: string;
  column: string;
  action: 'cascade' | 'set null' | 'set default';
}

type TableOf = (expr: ts.Expression, ctx: SinkContext) => string | undefined;

const TABLE_FACTORIES = /^(pgTable|mysqlTable|sqliteTable|singlestoreTable|table)$/;
const perIndex = new WeakMap<ModuleIndex, DrizzleForeignKey[]>();

export function drizzleForeignKeys(ctx: SinkContext, tableOf: TableOf): DrizzleForeignKey[] {
  // Read from the whole project: every file using it depends on every file (an edited schema re-checks them).
  ctx.index.noteAccess(ctx.projectFiles());
  const hit = perIndex.get(ctx.index);
  if (hit) return hit;
  const keys: DrizzleForeignKey[] = [];
  perIndex.set(ctx.index, keys);
  for (const rel of ctx.projectFiles()) {
    const mod = ctx.index.getIfMentions(rel, /\bonDelete\b/);
    if (!mod) continue;
    const here: SinkContext = { ...ctx, mod };
    for (const call of mod.scopes.calls) {
      if (!ts.isCallExpression(call) || !TABLE_FACTORIES.test(calleeName(call.expression)) || call.arguments.length < 2) continue;
      const child = tableOf(call, here);
      if (!child) continue;
      const visit = (n: ts.Node): void => {
        if (ts.isCallExpression(n) && calleeName(n.expression) === 'references') {
          const key = foreignKey(n, child, here, tableOf);
          if (key) keys.push(key);
        }
        ts.forEachChild(n, visit);
      };
      for (const a of call.arguments.slice(1)) visit(a);
    }
  }
  return keys;
}

function foreignKey(call: ts.CallExpression, child: string, ctx: SinkContext, tableOf: TableOf): DrizzleForeignKey | undefined {
  const [target, options] = call.arguments.map(unwrapExpression);
  if (!target || !options || !ts.isObjectLiteralExpression(options)) return undefined;
  const action = constString(ownProperty(options, 'onDelete'), ctx)?.toLowerCase();
  if (action !== 'cascade' && action !== 'set null' && action !== 'set default') return undefined;
  // () => users.id
  const body = ts.isArrowFunction(target) && !ts.isBlock(target.body) ? unwrapExpression(target.body) : undefined;
  if (!body || !ts.isPropertyAccessExpression(body)) return undefined;
  const parent = tableOf(body.expression, ctx);
  if (!parent) return undefined;
  const col = unwrapExpression(call.expression);
  const column = ts.isPropertyAccessExpression(col) && ts.isCallExpression(unwrapExpression(col.expression)) ? (constString((unwrapExpression(col.expression) as ts.CallExpression).arguments[0], ctx) ?? '?') : '?';
  return { parent, child, column, action };
}

/** What deleting from `table` also writes: children by cascade (transitively), set null / set default as updates. */
export function drizzleDeleteEffects(keys: readonly DrizzleForeignKey[], table: string): { table: string; operation: 'delete' | 'update'; path: string }[] {
  const out: { table: string; operation: 'delete' | 'update'; path: string }[] = [];
  const seen = new Set([table]);
  const walk = (parent: string, path: string): void => {
    for (const k of keys) {
      if (k.parent !== parent) continue;
      const step = `${path} → ${k.child}.${k.column} onDelete: '${k.action}'`;
      out.push({ table: k.child, operation: k.action === 'cascade' ? 'delete' : 'update', path: step });
      if (k.action === 'cascade' && !seen.has(k.child)) {
        seen.add(k.child);
        walk(k.child, step);
      }
    }
  };
  walk(table, table);
  return out;
}
