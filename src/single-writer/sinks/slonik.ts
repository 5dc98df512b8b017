import { ts } from '../../ts-analysis/typescript.js';
import { unwrapExpression } from '../../ts-analysis/const-value.js';
import { HOLE, templatePieces, type Piece } from '../../ts-analysis/fold.js';
import type { ModuleInfo } from '../../ts-analysis/module-index.js';
import type { Origin } from '../../ts-analysis/origin.js';
import { spanPieces, constString, foldSql, receiverConfidence, type SinkContext, type SinkModel } from '../sink-model.js';

/**
 * Slonik: `pool.query/one/oneFirst/many/manyFirst/any/anyFirst/maybeOne/…`
 * (on the pool, a `connect` connection or a `transaction`) with a statement
 * built by `sql.unsafe`, `sql.type(schema)` or `sql.typeAlias(name)`.
 * `sql.identifier(['public', 'expenses'])` folds to the name; `sql.fragment`
 * pieces fold in. A `sql` fragment on its own is not a sink.
 */
// Slonik and its published forks under a scope (`@silverhand/slonik`, which Logto uses).
const PKG = /^(slonik|@[^/]+\/slonik)$/;
const METHODS = ['query', 'one', 'oneFirst', 'many', 'manyFirst', 'any', 'anyFirst', 'maybeOne', 'maybeOneFirst', 'exists', 'stream', 'copyFromBinary'];

function isSlonik(o: Origin): boolean {
  return o.root.k === 'package' && PKG.test(o.root.pkg);
}

export const slonikModel: SinkModel = {
  id: 'slonik',
  methods: METHODS,
  call(site, ctx) {
    if (!site.receiver || !site.args[0]) return undefined;
    const o = ctx.tracer.of(site.receiver, ctx.mod);
    const confidence = receiverConfidence(o, PKG);
    if (confidence !== 'traced') return undefined;
    // The pool itself is not the `sql` tag.
    if (o.steps.length === 0 || (o.root.k === 'package' && o.root.name === 'sql')) return undefined;
    const sql = foldSql(site.args[0], ctx);
    return [{ kind: 'sql', node: site.node, via: `.${site.method}()`, sql, dbReceiver: true, library: 'slonik' }];
  },
  fragment(expr, mod, fold, ctx) {
    if (ts.isTaggedTemplateExpression(expr)) {
      if (!isSlonik(ctx.tracer.of(expr.tag, mod))) return undefined;
      return templatePieces(expr.template, (e) => spanPieces(e, mod, ctx));
    }
    if (!ts.isCallExpression(expr)) return undefined;
    const callee = unwrapExpression(expr.expression);
    if (!ts.isPropertyAccessExpression(callee) || !isSlonik(ctx.tracer.of(callee.expression, mod))) return undefined;
    if (callee.name.text === 'identifier') return identifierPieces(expr.arguments[0], ctx, mod);
    return [HOLE];
  },
};

/** `sql.identifier(['billing', 'expenses'])` → `"billing"."expenses"`. */
function identifierPieces(arg: ts.Expression | undefined, ctx: SinkContext, mod: ModuleInfo): Piece[] {
  const a = arg && unwrapExpression(arg);
  if (a && ts.isArrayLiteralExpression(a)) {
    const parts = a.elements.map((el) => constString(el, ctx, mod));
    if (parts.every((p): p is string => p !== undefined)) return [parts.map((p) => `"${p}"`).join('.')];
  }
  const f = arg ? foldSql(arg, ctx, mod) : undefined;
  return f?.constant ? [`"${f.text}"`] : ['\u0001'];
}
