import { ts } from '../../ts-analysis/typescript.js';
import { constValue, unwrapExpression } from '../../ts-analysis/const-value.js';
import { HOLE, NAME_HOLE, templatePieces } from '../../ts-analysis/fold.js';
import type { Origin } from '../../ts-analysis/origin.js';
import type { ModuleInfo } from '../../ts-analysis/module-index.js';
import type { WriteOperation } from '../../sql/index.js';
import { spanPieces, constString, flattenChain, foldSql, receiverConfidence, tableName, type SinkContext, type SinkModel } from '../sink-model.js';
import { boundStrings } from '../subclass-bindings.js';

/**
 * Kysely: `insertInto/replaceInto/updateTable/deleteFrom/mergeInto` on a
 * Kysely instance, a transaction (`db.transaction().execute(async (trx) => …)`)
 * or a connection, with `withSchema('s')` earlier in the chain;
 * ``sql`…`.execute(db)`` and `db.executeQuery(CompiledQuery.raw(text))`.
 * A `sql` fragment inside a builder is not a sink.
 */
const PKG = /^kysely$/;
const WRITES = new Map<string, WriteOperation>([
  ['insertInto', 'insert'],
  ['replaceInto', 'insert'],
  ['updateTable', 'update'],
  ['deleteFrom', 'delete'],
  ['mergeInto', 'merge'],
]);
const KYSELY_NAMES = /^(db|database|kysely|trx|tx|transaction|conn|connection|qb)$/i;

function isKysely(o: Origin): boolean {
  return o.root.k === 'package' && PKG.test(o.root.pkg);
}

function isSqlTemplate(e: ts.Expression, ctx: SinkContext): boolean {
  const v = constValue(e, ctx.mod, ctx.index);
  const u = v?.kind === 'expr' ? unwrapExpression(v.expr) : unwrapExpression(e);
  return ts.isTaggedTemplateExpression(u) && isKysely(ctx.tracer.of(u.tag, v?.kind === 'expr' ? v.module : ctx.mod));
}

export const kyselyModel: SinkModel = {
  id: 'kysely',
  methods: [...WRITES.keys(), 'execute', 'executeQuery'],
  call(site, ctx) {
    if (!site.receiver) return undefined;
    const op = WRITES.get(site.method!);
    if (op) {
      if (!site.args[0]) return undefined;
      const o = ctx.tracer.of(site.receiver, ctx.mod);
      const confidence = receiverConfidence(o, PKG, KYSELY_NAMES);
      if (!confidence) return undefined;
      const schema = schemaOf(site.receiver, ctx);
      const args = unwrapExpression(site.args[0]);
      const list = ts.isArrayLiteralExpression(args) ? [...args.elements] : [args];
      const qualify = (t: string) => (schema && !tableName(t).includes('.') ? `${schema}.${tableName(t)}` : tableName(t));
      return list.flatMap((a) => {
        const t = constString(a, ctx);
        // `db.insertInto(this.table)` in a generic base repository: the table each subclass hands to super().
        const bound = t === undefined ? boundStrings(a, ctx) : undefined;
        if (bound) {
          return bound.map((b) => ({
            kind: 'builder' as const,
            node: site.node,
            via: `kysely .${site.method}() ${b.how}`,
            table: b.value === undefined ? undefined : qualify(b.value),
            operation: op,
            library: 'kysely',
            heuristic: confidence === 'heuristic',
          }));
        }
        return [{ kind: 'builder' as const, node: site.node, via: `kysely .${site.method}()`, table: t === undefined ? undefined : qualify(t), operation: op, library: 'kysely', heuristic: confidence === 'heuristic' }];
      });
    }
    if (site.method === 'execute' && site.args[0] && isSqlTemplate(site.receiver, ctx)) {
      const db = ctx.tracer.of(site.args[0], ctx.mod);
      const confidence = receiverConfidence(db, PKG, KYSELY_NAMES);
      return [{ kind: 'sql', node: site.node, via: 'kysely sql`…`.execute()', sql: foldSql(site.receiver, ctx), dbReceiver: true, library: 'kysely', heuristic: confidence !== 'traced' }];
    }
    if (site.method === 'executeQuery' && site.args[0]) {
      const o = ctx.tracer.of(site.receiver, ctx.mod);
      if (!receiverConfidence(o, PKG, KYSELY_NAMES)) return undefined;
      const v = constValue(site.args[0], ctx.mod, ctx.index);
      const q = v?.kind === 'expr' ? unwrapExpression(v.expr) : undefined;
      if (q && ts.isCallExpression(q) && ts.isPropertyAccessExpression(unwrapExpression(q.expression)) && (unwrapExpression(q.expression) as ts.PropertyAccessExpression).name.text === 'raw' && q.arguments[0]) {
        return [{ kind: 'sql', node: site.node, via: 'kysely CompiledQuery.raw()', sql: foldSql(q.arguments[0], ctx, (v as { module: ModuleInfo }).module), dbReceiver: true, library: 'kysely' }];
      }
      return [{ kind: 'sql', node: site.node, via: 'kysely .executeQuery()', sql: { text: '', constant: false, unknown: true, namePlaceholders: [] }, dbReceiver: true, library: 'kysely' }];
    }
    return undefined;
  },
  fragment(expr, mod, fold, ctx) {
    if (ts.isTaggedTemplateExpression(expr)) {
      if (!isKysely(ctx.tracer.of(expr.tag, mod))) return undefined;
      return templatePieces(expr.template, (e) => spanPieces(e, mod, ctx));
    }
    if (!ts.isCallExpression(expr)) return undefined;
    const callee = unwrapExpression(expr.expression);
    if (!ts.isPropertyAccessExpression(callee) || !isKysely(ctx.tracer.of(callee.expression, mod))) return undefined;
    const m = callee.name.text;
    if (m === 'raw' && expr.arguments[0]) return fold(expr.arguments[0], mod);
    if (m === 'ref' || m === 'id' || m === 'table') {
      const parts = expr.arguments.map((a) => constString(a, ctx, mod));
      return parts.length && parts.every((p) => p !== undefined) ? [parts.join('.').split('.').map((p) => `"${p}"`).join('.')] : [NAME_HOLE];
    }
    return [HOLE];
  },
};

/** `db.withSchema('billing').insertInto('expenses')`: the schema set earlier in the chain. */
function schemaOf(receiver: ts.Expression, ctx: SinkContext): string | undefined {
  const { links } = flattenChain(receiver);
  for (let i = links.length - 1; i >= 0; i--) if (links[i]!.name === 'withSchema') return constString(links[i]!.args[0], ctx);
  return undefined;
}
