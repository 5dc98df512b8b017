import { ts } from '../../ts-analysis/typescript.js';
import { ownProperty, unwrapExpression } from '../../ts-analysis/const-value.js';
import { calleeName, constString, type SinkContext } from '../sink-model.js';
import { projectDeleteActions, type DeleteAction } from './delete-actions.js';

/**
 * Drizzle's foreign keys with a delete action, read once per run from every table declaration:
 * `userId: integer('user_id').references(() => users.id, { onDelete: 'cascade' })`. A delete of
 * the parent writes the children through them (the database runs the action), so the write is
 * said at the delete. `tableOf` names a drizzle table object (the model's own `drizzleTable`).
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
