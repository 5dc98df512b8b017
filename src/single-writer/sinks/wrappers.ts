import { calleeName, foldSql, type SinkModel } from '../sink-model.js';
import { queryArgument } from './pg.js';

/** Functions or methods configured in `singleWriter.wrappers`: their first argument is SQL sent to the database. */
export const wrappersModel: SinkModel = {
  id: 'wrapper',
  bareCalls: true,
  call(site, ctx) {
    if (!ctx.wrappers.size) return undefined;
    const name = site.method ?? calleeName(site.callee);
    const qualified = site.receiver ? `${site.receiver.getText(ctx.mod.sourceFile)}.${name}` : name;
    if (!ctx.wrappers.has(name) && !ctx.wrappers.has(qualified)) return undefined;
    const sql = queryArgument(site.args[0], ctx) ?? (site.args[0] ? foldSql(site.args[0], ctx) : undefined);
    return sql ? [{ kind: 'sql', node: site.node, via: `${name}()`, sql, dbReceiver: true, library: 'wrapper' }] : undefined;
  },
};
