import { ts } from '../../ts-analysis/typescript.js';
import { unwrapExpression } from '../../ts-analysis/const-value.js';
import { isSqlShaped, type FoldedText } from '../../ts-analysis/fold.js';
import type { ModuleInfo } from '../../ts-analysis/module-index.js';
import type { Origin } from '../../ts-analysis/origin.js';
import { calleeName, foldSql, isFunctionExpression, objectLiteral, receiverConfidence, unknownSql, type CallSite, type Sink, type SinkContext, type SinkModel } from '../sink-model.js';
import { ownProperty } from '../../ts-analysis/const-value.js';

/**
 * node-postgres (and the drivers with its `query` API: pg-pool, Neon's Pool and
 * Client, @vercel/postgres, PGlite, @databases/pg): `query(text)`,
 * `query({ text })` (shorthand and spread too), `query(new Query(text))`, with
 * the receiver traced to the driver however it was obtained (`connect()`, a
 * callback's client, `bind`, destructuring); pg-copy-streams' `from(sql)`.
 */
export const PG_PACKAGES = /^(pg|pg-pool|pg-native|@neondatabase\/serverless|@vercel\/postgres|@electric-sql\/pglite(\/.*)?|@databases\/pg)$/;

/** The SQL handed to a `query`-style method. */
export function queryArgument(arg: ts.Expression | undefined, ctx: SinkContext, mod: ModuleInfo = ctx.mod): FoldedText | undefined {
  if (!arg) return undefined;
  const a = unwrapExpression(arg);
  if (isFunctionExpression(a)) return undefined;
  if (ts.isObjectLiteralExpression(a) || ts.isIdentifier(a)) {
    const lit = objectLiteral(a, ctx, mod);
    if (lit) return configText(lit.obj, lit.module, ctx);
  }
  if (ts.isNewExpression(a) && a.arguments?.[0] && /Query$/.test(calleeName(a.expression))) return foldSql(a.arguments[0], ctx, mod);
  // client.query(copyFrom('COPY …')): the inner call is the sink that carries the SQL.
  if (ts.isCallExpression(a) && isCopyFrom(a, ctx)) return undefined;
  return foldSql(a, ctx, mod);
}

/** `{ text }`, `{ text: '…' }`, `{ ...base, values }`. */
function configText(obj: ts.ObjectLiteralExpression, mod: ModuleInfo, ctx: SinkContext): FoldedText {
  const text = ownProperty(obj, 'text');
  if (text) return foldSql(text, ctx, mod);
  for (const p of [...obj.properties].reverse()) {
    if (ts.isSpreadAssignment(p)) {
      const base = objectLiteral(p.expression, ctx, mod);
      if (base) return configText(base.obj, base.module, ctx);
    }
  }
  return unknownSql();
}

/** `from(sql)` / `copyFrom(sql)` / `copy.from(sql)` of pg-copy-streams (decided from the import alone: every `.query(call())` asks). */
function isCopyFrom(call: ts.CallExpression, ctx: SinkContext): boolean {
  const callee = unwrapExpression(call.expression);
  let r;
  if (ts.isIdentifier(callee)) r = ctx.index.resolveIdentifier(ctx.mod, callee);
  else if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'from' && ts.isIdentifier(callee.expression)) r = ctx.index.resolveIdentifier(ctx.mod, callee.expression);
  if (r?.kind !== 'package' || r.name !== 'pg-copy-streams') return false;
  return ts.isIdentifier(callee) ? r.imported === 'from' : r.imported === '*' || r.imported === 'default';
}

function isPgQueryFunction(o: Origin): boolean {
  const last = o.steps.at(-1);
  return Boolean(last && last.k === 'get' && (last.name === 'query' || last.name === 'exec') && receiverConfidence({ root: o.root, steps: o.steps.slice(0, -1) }, PG_PACKAGES) === 'traced');
}

export const pgModel: SinkModel = {
  id: 'pg',
  methods: ['query', 'exec', 'from'],
  bareCalls: true,
  call(site, ctx) {
    const { method, receiver } = site;
    if (method === 'from' || !receiver) {
      if (isCopyFrom(site.node, ctx)) {
        const sql = queryArgument(site.args[0], ctx);
        return sql ? [{ kind: 'sql', node: site.node, via: 'pg-copy-streams from()', sql, dbReceiver: true, library: 'pg' }] : undefined;
      }
      if (!receiver) {
        // const q = pool.query.bind(pool); const { query } = client
        const o = ctx.tracer.of(site.callee, ctx.mod);
        if (!isPgQueryFunction(o)) return undefined;
        const sql = queryArgument(site.args[0], ctx);
        return sql ? [{ kind: 'sql', node: site.node, via: `${calleeName(site.callee)}()`, sql, dbReceiver: true, library: 'pg' }] : undefined;
      }
      return undefined;
    }
    const o = ctx.tracer.of(receiver, ctx.mod);
    const confidence = receiverConfidence(o, PG_PACKAGES);
    // A Map, an array, a literal: never a database, whatever it is given.
    if (!confidence && (o.root.k === 'global' || o.root.k === 'literal')) return undefined;
    if (method === 'exec' && !(o.root.k === 'package' && /pglite/.test(o.root.pkg))) return undefined;
    const sql = queryArgument(site.args[0], ctx);
    if (!sql) return undefined;
    if (confidence) return [sink(site, sql, confidence === 'heuristic', true, method!)];
    // Nothing says what the receiver is, but SQL text goes in: a project wrapper or an untraceable client.
    const opaque = o.root.k === 'unknown' || o.root.k === 'class' || o.root.k === 'function' || o.root.k === 'module' || (o.root.k === 'package' && !/^(typeorm|sequelize|@mikro-orm)/.test(o.root.pkg));
    if (opaque && o.root.k !== 'package' && !sql.unknown && isSqlShaped(sql.text)) return [sink(site, sql, true, false, method!)];
    if (opaque && o.root.k === 'package' && !sql.unknown && isSqlShaped(sql.text) && !/^(drizzle-orm|kysely|knex|slonik|pg-promise|postgres|@prisma)/.test(o.root.pkg)) return [sink(site, sql, true, false, method!)];
    return undefined;
  },
};

function sink(site: CallSite, sql: FoldedText, heuristic: boolean, dbReceiver: boolean, method: string): Sink {
  return { kind: 'sql', node: site.node, via: `.${method}()`, sql, dbReceiver, library: 'pg', heuristic };
}
