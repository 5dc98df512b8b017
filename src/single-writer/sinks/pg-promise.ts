import { ts } from '../../ts-analysis/typescript.js';
import { constValue, ownProperty, unwrapExpression } from '../../ts-analysis/const-value.js';
import { returnedExpression } from '../../ts-analysis/function-results.js';
import type { ModuleInfo } from '../../ts-analysis/module-index.js';
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
  if (!isPgp(o) || !(last?.k === 'new' || last?.k === 'typed') || !isQueryFile(o)) return undefined;
  const helper = helperQueryFile(arg, ctx);
  if (helper) return helper;
  // `new QueryFile(path)` here, or a constant holding one in another module: its path is read
  // where it is written (`__dirname` is that module's folder, not the caller's).
  const v = constValue(arg, ctx.mod, ctx.index);
  const created = v?.kind === 'expr' ? unwrapExpression(v.expr) : undefined;
  if (!created || !ts.isNewExpression(created) || !created.arguments?.[0] || v?.kind !== 'expr') return undefined;
  return sqlOf(ctx.facts.readSqlFile(created.arguments[0], v.module));
}

function isQueryFile(o: Origin): boolean {
  return (o.root.k === 'package' && o.root.name === 'QueryFile') || o.steps.some((s) => s.k === 'get' && s.name === 'QueryFile');
}

function sqlOf(file: FoldedText): FoldedText {
  return file.unknown ? file : { ...file, text: pgPromiseToPostgres(file.text) };
}

/**
 * `sql.add`, where `add: sql('users/add.sql')` and `function sql(file): QueryFile { const
 * fullPath = join(__dirname, file); const qf = new QueryFile(fullPath, options); return qf; }`:
 * the helper pg-promise's own demo writes. The file is read with the helper's parameters bound
 * to that call's arguments; anything else stays unknown (unverifiable), never guessed.
 */
function helperQueryFile(arg: ts.Expression, ctx: SinkContext): FoldedText | undefined {
  const v = constValue(arg, ctx.mod, ctx.index);
  if (v?.kind !== 'expr') return undefined;
  const call = unwrapExpression(v.expr);
  if (!ts.isCallExpression(call)) return undefined;
  const callMod = v.module;
  const fnOrigin = ctx.tracer.of(call.expression, callMod);
  if (fnOrigin.root.k !== 'function' || fnOrigin.steps.length) return undefined;
  const { node: fn, module: fnMod } = fnOrigin.root;
  if (!(ts.isFunctionDeclaration(fn) || ts.isFunctionExpression(fn) || ts.isArrowFunction(fn))) return undefined;
  const returned = returnedExpression(fn);
  const made = returned && constValue(returned, fnMod, ctx.index);
  if (made?.kind !== 'expr') return undefined;
  const created = unwrapExpression(made.expr);
  if (!ts.isNewExpression(created) || !created.arguments?.[0]) return undefined;
  const qf = ctx.tracer.of(created.expression, made.module);
  if (!isPgp(qf) || !isQueryFile(qf)) return undefined;
  const bindings = new Map<string, { expr: ts.Expression; module: ModuleInfo }>();
  fn.parameters.forEach((p, i) => {
    const a = call.arguments[i];
    if (a && ts.isIdentifier(p.name)) bindings.set(p.name.text, { expr: a, module: callMod });
  });
  return sqlOf(ctx.facts.readSqlFile(created.arguments[0], made.module, bindings));
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
    let heuristic = false;
    if (!isPgp(o) || !o.steps.some((s) => s.k === 'call' || s.k === 'cb' || s.k === 'typed')) {
      // An untraceable receiver named like a database (`this.db` set from an untyped constructor
      // parameter, as plain-JavaScript repositories do): pg-promise's own method names say the
      // rest, tagged heuristic. `query` is every driver's: the pg model's name and shape checks.
      if (receiverConfidence(o, PKG) !== 'heuristic' || site.method === 'query' || site.method === 'stream') return undefined;
      heuristic = true;
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
    return [{ kind: 'sql', node: site.node, via: `.${site.method}()`, sql, dbReceiver: receiverConfidence(o, PKG) === 'traced', library: 'pg-promise', ...(heuristic ? { heuristic } : {}) }];
  },
};
