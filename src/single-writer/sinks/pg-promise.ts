import { ts } from '../../ts-analysis/typescript.js';
import { ownProperty, unwrapExpression } from '../../ts-analysis/const-value.js';
import type { FoldedText } from '../../ts-analysis/fold.js';
import type { Origin } from '../../ts-analysis/origin.js';
import { pgPromiseToPostgres } from '../parameter-styles.js';
import { constString, foldSql, isFunctionExpression, objectLiteral, receiverConfidence, type SinkContext, type SinkModel } from '../sink-model.js';

/**
 * pg-promise: `db.none/one/oneOrNone/many/manyOrNone/any/result/multi/…`
 * with SQL text (its own `${name}`, `$1:name` formatting folded) or a
 * `QueryFile`, inside `tx`/`task` callbacks too; `pgp.helpers.insert/update`
 * with a ColumnSet (or a table argument) naming the table.
 */
const PKG = /^pg-promise$/;
const QUERY_METHODS = ['none', 'one', 'oneOrNone', 'many', 'manyOrNone', 'any', 'result', 'multi', 'multiResult', 'query', 'each', 'map', 'func', 'proc', 'stream'];

function isPgp(o: Origin): boolean {
  return o.root.k === 'package' && PKG.test(o.root.pkg);
}

function queryFileText(arg: ts.Expression, ctx: SinkContext): FoldedText | undefined {
  const o = ctx.tracer.of(arg, ctx.mod);
  const last = o.steps.at(-1);
  if (!isPgp(o) || last?.k !== 'new') return undefined;
  const isQf = (o.root.k === 'package' && o.root.name === 'QueryFile') || o.steps.some((s) => s.k === 'get' && s.name === 'QueryFile');
  if (!isQf || !last.node.arguments?.[0]) return undefined;
  const file = ctx.facts.readSqlFile(last.node.arguments[0], ctx.mod);
  return file.unknown ? file : { ...file, text: pgPromiseToPostgres(file.text) };
}

/** `{ table: 'expenses' }`, `{ table: { table, schema } }`, `{ table: new TableName(…) }`, `'expenses'`. */
function tableOf(expr: ts.Expression | undefined, ctx: SinkContext): string | undefined | null {
  if (!expr) return null;
  const direct = constString(expr, ctx);
  if (direct) return direct;
  const e = unwrapExpression(expr);
  const lit = objectLiteral(e, ctx);
  if (lit) {
    const t = ownProperty(lit.obj, 'table');
    const s = ownProperty(lit.obj, 'schema');
    const table = t ? tableOf(t, ctx) : undefined;
    const schema = s ? constString(s, ctx, lit.module) : undefined;
    return table && schema ? `${schema}.${table}` : table;
  }
  const o = ctx.tracer.of(e, ctx.mod);
  const last = o.steps.at(-1);
  if (isPgp(o) && last?.k === 'new') {
    const isColumnSet = o.steps.some((s) => s.k === 'get' && s.name === 'ColumnSet') || (o.root.k === 'package' && o.root.name === 'ColumnSet');
    const args = last.node.arguments ?? [];
    if (isColumnSet) {
      const options = objectLiteral(args[1], ctx);
      const t = options && ownProperty(options.obj, 'table');
      return t ? tableOf(t, ctx) : undefined;
    }
    return tableOf(args[0], ctx);
  }
  return undefined;
}

export const pgPromiseModel: SinkModel = {
  id: 'pg-promise',
  methods: [...QUERY_METHODS, 'insert', 'update'],
  call(site, ctx) {
    if (!site.receiver) return undefined;
    const o = ctx.tracer.of(site.receiver, ctx.mod);
    if (site.method === 'insert' || site.method === 'update') {
      if (!isPgp(o) || !o.steps.some((s) => s.k === 'get' && s.name === 'helpers')) return undefined;
      const table = tableOf(site.args[1], ctx) ?? tableOf(site.args[2], ctx) ?? undefined;
      return [{ kind: 'builder', node: site.node, via: `pgp.helpers.${site.method}()`, table, operation: site.method, library: 'pg-promise' }];
    }
    if (!isPgp(o) || !o.steps.some((s) => s.k === 'call' || s.k === 'cb' || s.k === 'typed')) {
      // Untraceable receivers are left to the pg model's name and shape checks.
      return undefined;
    }
    const arg = site.args[0];
    if (!arg || isFunctionExpression(arg)) return undefined;
    // t.none(pgp.helpers.insert(rows, cs)): the helper call is the sink that names the table.
    const inner = unwrapExpression(arg);
    if (ts.isCallExpression(inner) && ts.isPropertyAccessExpression(unwrapExpression(inner.expression))) {
      const h = ctx.tracer.of((unwrapExpression(inner.expression) as ts.PropertyAccessExpression).expression, ctx.mod);
      if (isPgp(h) && h.steps.some((s) => s.k === 'get' && s.name === 'helpers')) return undefined;
    }
    let sql = queryFileText(arg, ctx);
    if (!sql) {
      const f = foldSql(arg, ctx);
      sql = f.unknown ? f : { ...f, text: pgPromiseToPostgres(f.text) };
    }
    return [{ kind: 'sql', node: site.node, via: `.${site.method}()`, sql, dbReceiver: receiverConfidence(o, PKG) === 'traced', library: 'pg-promise' }];
  },
};
