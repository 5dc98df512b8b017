import { ts } from '../../ts-analysis/typescript.js';
import { ownProperty, unwrapExpression } from '../../ts-analysis/const-value.js';
import type { WriteOperation } from '../../sql/index.js';
import type { CallSite, Sink, SinkContext } from '../sink-model.js';
import { projectAssociations, type Association, type ModelRef } from './sequelize-associations.js';
import { deleteEffects, type DeleteAction } from './delete-actions.js';
import { referencingTables, sequelizeDeleteActions } from './sequelize-foreign-keys.js';
import { perSubclass } from '../subclass-bindings.js';
import { parameterBindings } from '../parameter-bindings.js';
import { modelRefOf, resolveModel } from './sequelize-models.js';

/** What a Sequelize model write writes: the table, what the database does along with it, and the models a generic base or a helper is given. */
/**
 * A model write, with what the database does along with it: a paranoid model's `destroy()`
 * (without `force: true`) only sets `deletedAt`; a real delete runs the foreign keys' delete
 * actions the associations state (sequelize-foreign-keys.ts); `truncate({ cascade: true })`
 * empties every table referencing this one.
 */
export function writeSinks(site: CallSite, ctx: SinkContext, via: string, table: string, operation: WriteOperation, ref: ModelRef): Sink[] {
  const options = site.args[0] && unwrapExpression(site.args[0]);
  const flag = (key: string) => !!options && ts.isObjectLiteralExpression(options) && ownProperty(options, key)?.kind === ts.SyntaxKind.TrueKeyword;
  const sink = (t: string, op: WriteOperation, how: string): Sink => ({ kind: 'builder', node: site.node, via: how, table: t, operation: op, library: 'sequelize' });
  if (operation === 'delete' && !flag('force') && ctx.facts.sequelizeParanoid(ref.node, ref.mod)) return [sink(table, 'update', `${via}; the model is paranoid, so it sets deletedAt`)];
  const sinks = [sink(table, operation, via)];
  if (operation === 'delete') {
    for (const e of deleteEffects(deleteActionsOf(ctx), table)) sinks.push(sink(e.table, e.operation, `${via} through the foreign key (${e.path})`));
  }
  if (operation === 'truncate' && flag('cascade')) {
    for (const t of referencingTables(projectAssociations(ctx, resolveModel), table)) sinks.push(sink(t, 'truncate', `${via} with cascade: true (${t} references ${table})`));
  }
  return sinks;
}

const deleteActionsMemo = new WeakMap<readonly Association[], DeleteAction[]>();
function deleteActionsOf(ctx: SinkContext): DeleteAction[] {
  const associations = projectAssociations(ctx, resolveModel);
  let actions = deleteActionsMemo.get(associations);
  if (!actions) deleteActionsMemo.set(associations, (actions = sequelizeDeleteActions(associations)));
  return actions;
}


/**
 * `this.repository.create(…)` in a generic base service: one write per subclass model (perSubclass),
 * said with the subclass that supplies it; undefined when no subclass hands over a model traced here.
 */
export function boundBySubclasses(site: CallSite, ctx: SinkContext, operation: WriteOperation): Sink[] | undefined {
  const bound = perSubclass(site.receiver!, ctx, 'model', (b) => {
    const ref = b.value && modelRefOf(b.value, { ...ctx, mod: b.mod });
    const table = ref && ctx.facts.sequelizeTable(ref.node, ref.mod);
    return ref && table !== undefined ? { ref, table } : undefined;
  });
  return bound?.flatMap(({ value, how }) => {
    const via = `sequelize ${site.method}() ${how}`;
    return value ? writeSinks(site, ctx, via, value.table, operation, value.ref) : [{ kind: 'builder' as const, node: site.node, via, table: undefined, operation, library: 'sequelize' }];
  });
}

/**
 * `async function deleteOldest(Model) { await Model.destroy(…) }`: a helper writing through a
 * parameter writes the models its callers hand it (`deleteOldest(models.Comment)`), each said
 * with where it is called from. A caller handing something not traced to a model leaves that
 * part unverifiable; a helper nobody in the run calls stays as it was (nothing says it is Sequelize).
 */
export function boundByCallers(site: CallSite, ctx: SinkContext, operation: WriteOperation): Sink[] | undefined {
  const bindings = parameterBindings(site.receiver!, ctx);
  if (!bindings?.calls.length) return undefined;
  const byTable = new Map<string, { ref: ModelRef; at: string[] }>();
  let untraced = false;
  for (const c of bindings.calls) {
    const ref = modelRefOf(c.value, { ...ctx, mod: c.mod });
    const table = ref && ctx.facts.sequelizeTable(ref.node, ref.mod);
    if (!ref || table === undefined) {
      untraced = true;
      continue;
    }
    const entry = byTable.get(table) ?? { ref, at: [] };
    entry.at.push(c.at);
    byTable.set(table, entry);
  }
  if (!byTable.size) return undefined;
  const sinks = [...byTable].flatMap(([table, { ref, at }]) => writeSinks(site, ctx, `sequelize ${site.method}() on the parameter ${bindings.param} of ${bindings.helper}(), given this model at ${at.join(', ')}`, table, operation, ref));
  if (untraced) sinks.push({ kind: 'builder', node: site.node, via: `sequelize ${site.method}() on the parameter ${bindings.param} of ${bindings.helper}(), given a value not traced to a model by one of its callers`, table: undefined, operation, library: 'sequelize' });
  return sinks;
}

