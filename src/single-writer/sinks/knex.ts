import { ts } from '../../ts-analysis/typescript.js';
import { unwrapExpression } from '../../ts-analysis/const-value.js';
import type { Origin } from '../../ts-analysis/origin.js';
import type { WriteOperation } from '../../sql/index.js';
import { knexToPostgres } from '../parameter-styles.js';
import { constString, flattenChain, foldSql, receiverConfidence, tableName, type CallSite, type ChainLink, type Sink, type SinkContext, type SinkModel } from '../sink-model.js';
import { boundStrings, findMethod, valueHandedBy } from '../subclass-bindings.js';
import { returnedExpression } from '../../ts-analysis/function-results.js';

/**
 * Knex: a chain rooted at a knex instance (or a transaction `trx`) that names
 * a table (`knex('t')`, `.table/.into/.from('t')`, `withSchema('s')`) and
 * writes it (`insert/update/del/delete/upsert/merge/truncate/increment/decrement`),
 * in any order; `knex.batchInsert('t', rows)`; `knex.raw(sql, bindings)` with
 * `??` identifier bindings folded. Handled once, at the outermost call of the chain.
 */
const PKG = /^knex$/;
const WRITES = new Map<string, WriteOperation>([
  ['insert', 'insert'],
  ['update', 'update'],
  ['del', 'delete'],
  ['delete', 'delete'],
  ['upsert', 'insert'],
  ['merge', 'insert'],
  ['truncate', 'truncate'],
  ['increment', 'update'],
  ['decrement', 'update'],
]);
const TABLE_LINKS = new Set(['table', 'into', 'from']);
const KNEX_NAMES = /^(knex|db|database|trx|tx|transaction|conn|connection|k|pg|qb|query)$/i;

/** A knex handle: from the package (or MikroORM's `getKnex()`), or an unknown value with a knex-like name. */
function confidence(o: Origin): 'traced' | 'heuristic' | undefined {
  if (o.root.k === 'package' && /^@mikro-orm\//.test(o.root.pkg) && o.steps.some((s) => s.k === 'call' && s.name === 'getKnex')) return 'traced';
  return receiverConfidence(o, PKG, KNEX_NAMES);
}

export const knexModel: SinkModel = {
  id: 'knex',
  methods: [...WRITES.keys(), ...TABLE_LINKS, 'withSchema', 'batchInsert', 'raw'],
  call(site, ctx) {
    if (site.method === 'raw' || site.method === 'batchInsert') return direct(site, ctx);
    const chain = flattenChain(site.node);
    let { base, links } = chain;
    if (!links.length) return undefined;
    let o = ctx.tracer.of(base, ctx.mod);
    let sure = confidence(o);
    // A knex instance held in a property: `this.db(this.tableName).insert(…)` (the first call is of the
    // instance, not a method named `db`) or `this.db.table('t').del()` (a method of the instance).
    const firstCall = links.findIndex((l) => l.call);
    const at = links[firstCall];
    if (sure !== 'traced' && at?.name && at.call) {
      const callee = unwrapExpression(at.call.expression);
      const called = ctx.tracer.of(callee, ctx.mod);
      const owner = ts.isPropertyAccessExpression(callee) ? ctx.tracer.of(callee.expression, ctx.mod) : undefined;
      if (confidence(called) === 'traced') {
        [base, o, sure] = [callee, called, 'traced'];
        links = [{ ...at, name: undefined }, ...links.slice(firstCall + 1)];
      } else if (owner && confidence(owner) === 'traced') {
        [base, o, sure] = [(callee as ts.PropertyAccessExpression).expression, owner, 'traced'];
        links = links.slice(firstCall);
      }
    }
    if (!sure) return viaModelMethod(o, links, site, ctx);
    let table: string | undefined | null = null;
    let tableExpr: ts.Expression | undefined;
    let schema: string | undefined;
    let op: WriteOperation | undefined;
    let opLink = links[0]!;
    links.forEach((l, i) => {
      if ((l.name === undefined && i === 0 && l.args[0]) || (l.name && TABLE_LINKS.has(l.name) && l.args[0] && !ts.isArrowFunction(unwrapExpression(l.args[0])))) {
        tableExpr = l.args[0]!;
        table = tableArg(tableExpr, ctx);
      }
      else if (l.name === 'withSchema') schema = constString(l.args[0], ctx);
      else if (l.name && WRITES.has(l.name) && l.call && !op) {
        op = WRITES.get(l.name)!;
        opLink = l;
      }
      if (l.name === 'schema') table = null; // knex.schema…: DDL, not a write
    });
    if (!op || table === null) return undefined;
    for (const l of links) if (l.call && l.call !== site.node) ctx.consume(l.call);
    const qualify = (name: string) => (schema ? `${schema}.${name}` : name);
    const node = opLink.call ?? site.node;
    // `db(this.tableName)` in a generic base repository, `knex(table)` in a helper: the tables the subclasses or the callers give.
    const bound = table === undefined && tableExpr ? boundStrings(tableExpr, ctx) : undefined;
    if (bound) {
      return bound.map((b) => ({
        kind: 'builder' as const,
        node,
        via: `knex .${opLink.name}() ${b.how}`,
        table: b.value === undefined ? undefined : qualify(tableName(b.value)),
        operation: op!,
        library: 'knex',
        heuristic: sure === 'heuristic',
      }));
    }
    return [{ kind: 'builder', node, via: `knex .${opLink.name}()`, table: table === undefined ? undefined : qualify(table), operation: op, library: 'knex', heuristic: sure === 'heuristic' }];
  },
};

/**
 * `Keyresult.select({ … }).del()`: an object of a project class whose method (its own or its base
 * class's) returns a knex builder (`select(params) { return knex(this.table).select().where(params) }`),
 * then written through. The table is the method's, with `this.table` read for that object's class
 * (what it hands its base constructor).
 */
function viaModelMethod(o: Origin, links: ChainLink[], site: CallSite, ctx: SinkContext): Sink[] | undefined {
  const first = links[0];
  const inst = o.steps.at(-1);
  if (!first?.name || !first.call || inst?.k !== 'typed' || !inst.cls || !inst.clsModule) return undefined;
  const opLink = links.slice(1).find((l) => l.name && WRITES.has(l.name) && l.call);
  if (!opLink) return undefined;
  const found = findMethod(inst.cls, inst.clsModule, first.name, ctx);
  const ret = found && returnedExpression(found.method);
  if (!found || !ret) return undefined;
  const inner = flattenChain(ret);
  if (confidence(ctx.tracer.of(inner.base, found.mod)) !== 'traced') return undefined;
  const tableLink = inner.links.find((l, i) => (l.name === undefined && i === 0) || (l.name !== undefined && TABLE_LINKS.has(l.name)));
  const arg = tableLink?.args[0] && unwrapExpression(tableLink.args[0]);
  if (!arg) return undefined;
  let table = constString(arg, { ...ctx, mod: found.mod });
  if (table === undefined && ts.isPropertyAccessExpression(arg) && arg.expression.kind === ts.SyntaxKind.ThisKeyword) {
    const handed = valueHandedBy(inst.cls, inst.clsModule, arg.name.text, ctx);
    table = handed && constString(handed.expr, { ...ctx, mod: handed.mod });
  }
  const cls = inst.cls.name?.text ?? 'a class';
  for (const l of links) if (l.call && l.call !== site.node) ctx.consume(l.call);
  return [{ kind: 'builder', node: opLink.call ?? site.node, via: `knex .${opLink.name}() on the builder ${cls}.${first.name}() returns`, table: table === undefined ? undefined : tableName(table), operation: WRITES.get(opLink.name!)!, library: 'knex' }];
}

function tableArg(arg: ts.Expression, ctx: SinkContext): string | undefined | null {
  const u = unwrapExpression(arg);
  if (ts.isObjectLiteralExpression(u)) {
    // knex({ e: 'expenses' }): an aliased table
    const p = u.properties[0];
    return p && ts.isPropertyAssignment(p) ? (constString(p.initializer, ctx) ?? undefined) : undefined;
  }
  const t = constString(arg, ctx);
  return t === undefined ? undefined : tableName(t);
}

function direct(site: CallSite, ctx: SinkContext) {
  if (!site.receiver) return undefined;
  const o = ctx.tracer.of(site.receiver, ctx.mod);
  const sure = confidence(o);
  if (!sure) return undefined;
  if (site.method === 'batchInsert') {
    const t = constString(site.args[0], ctx);
    return [{ kind: 'builder' as const, node: site.node, via: 'knex.batchInsert()', table: t === undefined ? undefined : tableName(t), operation: 'insert' as const, library: 'knex', heuristic: sure === 'heuristic' }];
  }
  if (!site.args[0]) return undefined;
  const f = foldSql(site.args[0], ctx);
  const bindingsArg = site.args[1] && unwrapExpression(site.args[1]);
  const positional = bindingsArg && ts.isArrayLiteralExpression(bindingsArg) ? bindingsArg.elements.map((e) => constString(e, ctx)) : [];
  const named = new Map<string, string | undefined>();
  if (bindingsArg && ts.isObjectLiteralExpression(bindingsArg)) {
    for (const p of bindingsArg.properties) if (ts.isPropertyAssignment(p) && ts.isIdentifier(p.name)) named.set(p.name.text, constString(p.initializer, ctx));
  }
  const sql = f.unknown ? f : { ...f, text: knexToPostgres(f.text, positional, named) };
  return [{ kind: 'sql' as const, node: site.node, via: 'knex.raw()', sql, dbReceiver: true, library: 'knex', heuristic: sure === 'heuristic' }];
}
