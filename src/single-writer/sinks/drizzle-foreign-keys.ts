import { ts } from '../../ts-analysis/typescript.js';
import { ownProperty, unwrapExpression } from '../../ts-analysis/const-value.js';
import { calleeName, constString, type SinkContext } from '../sink-model.js';
import { projectDeleteActions, type DeleteAction } from './delete-actions.js';

/**
 * Drizzle's foreign keys with a delete action, read once per run from every table declaration:
 * `userId: integer('user_id').references(() => users.id, { onDelete: 'cascade' })`. A delete of
 * the parent writes the children through them (the database runs the action), so the write is
 * said at the delete. The table's extra config says it too:
 * `(t) => [foreignKey({ columns: [t.budgetId], foreignColumns: [budgets.id] }).onDelete('cascade')]`.
 * `tableOf` names a drizzle table object (the model's own `drizzleTable`).
 */
type TableOf = (expr: ts.Expression, ctx: SinkContext) => string | undefined;

const TABLE_FACTORIES = /^(pgTable|mysqlTable|sqliteTable|singlestoreTable|table)$/;
export function drizzleForeignKeys(ctx: SinkContext, tableOf: TableOf): DeleteAction[] {
  return projectDeleteActions(ctx, 'drizzle', (here, keys) => {
    for (const call of here.mod.scopes.calls) {
      if (!ts.isCallExpression(call) || !TABLE_FACTORIES.test(calleeName(call.expression)) || call.arguments.length < 2) continue;
      const child = tableOf(call, here);
      if (!child) continue;
      const visit = (n: ts.Node): void => {
        if (ts.isCallExpression(n) && calleeName(n.expression) === 'references') {
          const key = foreignKey(n, child, here, tableOf);
          if (key) keys.push(key);
        }
        if (ts.isCallExpression(n) && calleeName(n.expression) === 'onDelete') {
          const key = extraConfigKey(n, child, here, tableOf);
          if (key) keys.push(key);
        }
        ts.forEachChild(n, visit);
      };
      for (const a of call.arguments.slice(1)) visit(a);
    }
  });
}

function foreignKey(call: ts.CallExpression, child: string, ctx: SinkContext, tableOf: TableOf): DeleteAction | undefined {
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
  return { parent, child, action, label: `${child}.${column} onDelete: '${action}'` };
}

/** `foreignKey({ columns: [t.budgetId], foreignColumns: [budgets.id] }).onDelete('cascade')` (its `.onUpdate()` may come between). */
function extraConfigKey(call: ts.CallExpression, child: string, ctx: SinkContext, tableOf: TableOf): DeleteAction | undefined {
  const action = constString(call.arguments[0], ctx)?.toLowerCase();
  if (action !== 'cascade' && action !== 'set null' && action !== 'set default') return undefined;
  let e: ts.Expression = unwrapExpression(call.expression);
  while (ts.isPropertyAccessExpression(e) || ts.isCallExpression(e)) {
    if (ts.isCallExpression(e) && calleeName(e.expression) === 'foreignKey') break;
    e = unwrapExpression(ts.isPropertyAccessExpression(e) ? e.expression : e.expression);
  }
  if (!ts.isCallExpression(e) || !e.arguments[0] || !ts.isObjectLiteralExpression(unwrapExpression(e.arguments[0]))) return undefined;
  const config = unwrapExpression(e.arguments[0]) as ts.ObjectLiteralExpression;
  const first = (key: string) => {
    const list = ownProperty(config, key);
    const u = list && unwrapExpression(list);
    return u && ts.isArrayLiteralExpression(u) && u.elements[0] ? unwrapExpression(u.elements[0]) : undefined;
  };
  const target = first('foreignColumns');
  const parent = target && ts.isPropertyAccessExpression(target) ? tableOf(target.expression, ctx) : undefined;
  if (!parent) return undefined;
  const column = first('columns');
  return { parent, child, action, label: `${child}.${column && ts.isPropertyAccessExpression(column) ? column.name.text : '?'} onDelete: '${action}'` };
}
