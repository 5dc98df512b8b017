import { ts } from '../../ts-analysis/typescript.js';
import { constValue, unwrapExpression } from '../../ts-analysis/const-value.js';
import { HOLE, NAME_HOLE, templatePieces, type Piece } from '../../ts-analysis/fold.js';
import type { ModuleInfo } from '../../ts-analysis/module-index.js';
import type { Origin } from '../../ts-analysis/origin.js';
import { spanPieces, calleeName, constString, foldSql, receiverConfidence, KNOWN_DB_PACKAGES, type CallSite, type Sink, type SinkContext, type SinkModel } from '../sink-model.js';
import type { WriteOperation } from '../../sql/index.js';
import { deleteEffects } from './delete-actions.js';
import { drizzleForeignKeys } from './drizzle-foreign-keys.js';
import { perSubclass } from '../subclass-bindings.js';

/**
 * Drizzle: tables from `pgTable/mysqlTable/sqliteTable('t', …)`,
 * `pgTableCreator((name) => …)` and `pgSchema('s').table('t', …)`;
 * `insert/update/delete(table)` on a drizzle database or a `transaction`
 * callback's `tx`. A `sql` fragment is not a sink until it reaches
 * `db.execute` (or `run/all/get/values`), where `${table}` folds to its name
 * and `sql.raw(…)` to its text.
 */
const PKG = /^drizzle-orm(\/.*)?$/;
const WRITES = new Map<string, WriteOperation>([
  ['insert', 'insert'],
  ['update', 'update'],
  ['delete', 'delete'],
]);
const EXECUTORS = ['execute', 'run', 'all', 'get', 'values'];
const TABLE_FACTORIES = /^(pgTable|mysqlTable|sqliteTable|singlestoreTable|gelTable|table)$/;

function isDrizzle(o: Origin): boolean {
  return o.root.k === 'package' && PKG.test(o.root.pkg);
}

/** `db.insert(this.table)` in a generic base repository: one write per subclass table (perSubclass). */
function boundBySubclasses(site: CallSite, op: WriteOperation, ctx: SinkContext): Sink[] | undefined {
  const bound = perSubclass(site.args[0]!, ctx, 'table', (b) => (b.expr ? drizzleTable(b.expr, { ...ctx, mod: b.mod }, b.mod) : undefined));
  return bound?.flatMap(({ value: table, how }) => {
    const via = `drizzle .${site.method}() ${how}`;
    const sinks: Sink[] = [{ kind: 'builder', node: site.node, via, table, operation: op, library: 'drizzle' }];
    if (op === 'delete' && table !== undefined) {
      for (const e of deleteEffects(drizzleForeignKeys(ctx, (x, c) => drizzleTable(x, c, c.mod)), table)) sinks.push({ kind: 'builder', node: site.node, via: `${via} through the foreign key (${e.path})`, table: e.table, operation: e.operation, library: 'drizzle' });
    }
    return sinks;
  });
}

/** The table a drizzle table object was declared for, followed across modules. */
export function drizzleTable(expr: ts.Expression, ctx: SinkContext, mod: ModuleInfo = ctx.mod): string | undefined {
  const v = constValue(expr, mod, ctx.index);
  if (v?.kind !== 'expr') return undefined;
  const init = unwrapExpression(v.expr);
  if (!ts.isCallExpression(init) || !init.arguments[0]) return undefined;
  const callee = unwrapExpression(init.expression);
  const name = calleeName(callee);
  const table = constString(init.arguments[0], ctx, v.module);
  if (table === undefined) return undefined;
  // pgSchema('billing').table('expenses', …)
  if (ts.isPropertyAccessExpression(callee) && name === 'table') {
    const schema = schemaName(callee.expression, ctx, v.module);
    return schema ? `${schema}.${table}` : undefined;
  }
  if (TABLE_FACTORIES.test(name)) {
    const o = ctx.tracer.of(callee, v.module);
    return isDrizzle(o) || o.root.k === 'unknown' ? table : undefined;
  }
  // const createTable = pgTableCreator((name) => `app_${name}`)
  const creator = constValue(callee, v.module, ctx.index);
  if (creator?.kind === 'expr') {
    const c = unwrapExpression(creator.expr);
    if (ts.isCallExpression(c) && calleeName(c.expression) === 'pgTableCreator' && c.arguments[0]) {
      const fn = unwrapExpression(c.arguments[0]);
      if ((ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) && fn.parameters[0] && ts.isIdentifier(fn.parameters[0].name)) {
        const param = fn.parameters[0].name.text;
        const body = ts.isArrowFunction(fn) && !ts.isBlock(fn.body) ? fn.body : undefined;
        if (!body) return undefined;
        const pieces = templateWithParam(body, param, table);
        return pieces;
      }
    }
  }
  return undefined;
}

function templateWithParam(body: ts.Expression, param: string, value: string): string | undefined {
  const b = unwrapExpression(body);
  if (ts.isIdentifier(b) && b.text === param) return value;
  if (ts.isTemplateExpression(b)) {
    let out = b.head.text;
    for (const span of b.templateSpans) {
      const e = unwrapExpression(span.expression);
      if (!ts.isIdentifier(e) || e.text !== param) return undefined;
      out += value + span.literal.text;
    }
    return out;
  }
  if (ts.isNoSubstitutionTemplateLiteral(b) || ts.isStringLiteral(b)) return b.text;
  return undefined;
}

function schemaName(expr: ts.Expression, ctx: SinkContext, mod: ModuleInfo): string | undefined {
  const v = constValue(expr, mod, ctx.index);
  if (v?.kind !== 'expr') return undefined;
  const e = unwrapExpression(v.expr);
  if (ts.isCallExpression(e) && /^(pgSchema|mysqlSchema|schema)$/.test(calleeName(e.expression))) return constString(e.arguments[0], ctx, v.module);
  return undefined;
}

export const drizzleModel: SinkModel = {
  id: 'drizzle',
  methods: [...WRITES.keys(), ...EXECUTORS],
  call(site, ctx) {
    if (!site.receiver || !site.args[0]) return undefined;
    const o = ctx.tracer.of(site.receiver, ctx.mod);
    const op = WRITES.get(site.method!);
    if (op) {
      if (site.args.length !== 1) return tableHandedOn(site, o, op, ctx);
      const confidence = receiverConfidence(o, PKG);
      const table = drizzleTable(site.args[0], ctx);
      // `db.insert(this.table)` in a generic base repository: the tables its subclasses hand to super().
      const bound = table === undefined && receiverConfidence(o, PKG) === 'traced' ? boundBySubclasses(site, op, ctx) : undefined;
      if (bound) return bound;
      if (table === undefined) {
        // A write on a drizzle database whose table is not known here (a generic repository's
        // `table` parameter): said as unverifiable, never dropped. A name-only receiver with an
        // unknown argument is anything's `.delete(key)`: no finding.
        return confidence === 'traced' ? [{ kind: 'builder', node: site.node, via: `drizzle .${site.method}()`, table: undefined, operation: op, library: 'drizzle' }] : undefined;
      }
      // A drizzle table handed to something we cannot trace (`ctx.db`): likely a write; to a Map or Set: never.
      if (!confidence && o.root.k !== 'unknown') return undefined;
      const heuristic = confidence !== 'traced';
      const via = `drizzle .${site.method}()`;
      const sinks: Sink[] = [{ kind: 'builder', node: site.node, via, table, operation: op, library: 'drizzle', heuristic }];
      // The foreign keys' delete actions write the children: said at the delete.
      if (op === 'delete') {
        for (const e of deleteEffects(drizzleForeignKeys(ctx, (x, c) => drizzleTable(x, c, c.mod)), table)) {
          sinks.push({ kind: 'builder', node: site.node, via: `${via} through the foreign key (${e.path})`, table: e.table, operation: e.operation, library: 'drizzle', heuristic });
        }
      }
      return sinks;
    }
    // `db.insert(t).values({…})` is the builder, not the sqlite `db.values(sql)` executor.
    if (!isDrizzle(o) || o.steps.some((st) => st.k === 'call' && st.name && st.name !== 'transaction')) return undefined;
    const arg = unwrapExpression(site.args[0]);
    const sql = foldSql(arg, ctx);
    return [{ kind: 'sql', node: site.node, via: `drizzle .${site.method}()`, sql, dbReceiver: true, library: 'drizzle' }];
  },
  fragment(expr, mod, fold, ctx) {
    if (ts.isTaggedTemplateExpression(expr)) {
      if (!isDrizzle(ctx.tracer.of(expr.tag, mod))) return undefined;
      return templatePieces(expr.template, (e) => drizzleSpan(e, mod, ctx));
    }
    if (ts.isCallExpression(expr)) {
      const callee = unwrapExpression(expr.expression);
      if (!ts.isPropertyAccessExpression(callee) || !isDrizzle(ctx.tracer.of(callee.expression, mod))) return undefined;
      const m = callee.name.text;
      if (m === 'raw' && expr.arguments[0]) return fold(expr.arguments[0], mod);
      if (m === 'identifier' && expr.arguments[0]) {
        const n = constString(expr.arguments[0], ctx, mod);
        return n ? [`"${n}"`] : [NAME_HOLE];
      }
      if (m === 'empty') return [''];
      return [HOLE];
    }
    return undefined;
  },
};

/**
 * `repository.insert(tx, users, row)`: a drizzle table handed, with other arguments, to a
 * method named like a write on something that is not drizzle itself. A generic repository's
 * body (`this.db.insert(table)`) cannot say which table it writes; its callers can. Said at
 * the call, tagged heuristic (the method's name is the evidence). Drizzle's own builders take
 * the table alone, Maps and Sets are no repositories, and other libraries have their models.
 */
/** Globals with a write-like method that are never a repository (a type name that did not resolve is a global too). */
const BUILT_INS = /^(Map|Set|WeakMap|WeakSet|Array|Object|Reflect|FormData|URLSearchParams|Headers|Cache|CacheStorage|IDBObjectStore)$/;

function tableHandedOn(site: CallSite, o: Origin, op: WriteOperation, ctx: SinkContext): Sink[] | undefined {
  if (!site.receiver || isDrizzle(o) || o.root.k === 'literal' || (o.root.k === 'global' && BUILT_INS.test(o.root.name)) || (o.root.k === 'package' && KNOWN_DB_PACKAGES.test(o.root.pkg))) return undefined;
  const tables = site.args.map((a) => drizzleTable(a, ctx)).filter((t): t is string => t !== undefined);
  if (tables.length !== 1) return undefined;
  return [{ kind: 'builder', node: site.node, via: `.${site.method}() given a drizzle table`, table: tables[0], operation: op, library: 'drizzle', heuristic: true }];
}

function drizzleSpan(e: ts.Expression, mod: ModuleInfo, ctx: SinkContext): Piece[] {
  const table = drizzleTable(e, ctx, mod);
  if (table) return [table.split('.').map((p) => `"${p}"`).join('.')];
  const u = unwrapExpression(e);
  // ${expenses.amount}: a column of a table object.
  if (ts.isPropertyAccessExpression(u) && drizzleTable(u.expression, ctx, mod)) return [NAME_HOLE];
  return spanPieces(e, mod, ctx);
}

