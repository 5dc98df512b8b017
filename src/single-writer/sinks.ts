import { ts } from '../ts-analysis/typescript.js';
import type { WriteOperation } from '../sql/index.js';
import { foldExpression, foldTaggedTemplate, isConst, isSqlShaped, type FoldedText } from '../ts-analysis/fold.js';
import type { ModuleIndex, ModuleInfo } from '../ts-analysis/module-index.js';

/**
 * Where SQL text reaches the database. A call is a sink when its receiver
 * traces back to a database client (a driver or builder import, a client
 * obtained from one, a configured wrapper) or when its argument is SQL-shaped
 * text. A method that merely shares a name (tRPC's `.query(async () => …)`)
 * is not a sink.
 */
export type Sink =
  | { kind: 'sql'; node: ts.Node; via: string; sql: FoldedText; dbReceiver: boolean }
  | { kind: 'builder'; node: ts.Node; via: string; table: string | undefined; operation: WriteOperation };

export const DB_PACKAGES = /^(pg|pg-pool|pg-promise|postgres|slonik|knex|kysely|drizzle-orm(\/.*)?|@electric-sql\/pglite|@vercel\/postgres|@neondatabase\/serverless|@databases\/pg|pg-copy-streams)$/;
const DB_TYPES = /\b(Pool|PoolClient|Client|ClientBase|Sql|TransactionSql|Knex|Kysely|DatabasePool|DatabaseTransactionConnection|DatabaseConnection|PGlite|PgDatabase|NodePgDatabase|PostgresJsDatabase|Queryable|Transaction)\b/;
const DB_NAMES = /^(pool|pgPool|client|pgClient|db|database|pg|conn|connection|tx|trx|knex|sql|pglite)$/i;
const QUERY_METHODS = new Set(['query', 'unsafe']);
const KNEX_WRITES: Record<string, WriteOperation> = { insert: 'insert', update: 'update', del: 'delete', delete: 'delete', upsert: 'insert', merge: 'merge', truncate: 'truncate' };
const KNEX_TABLE_METHODS = new Set(['table', 'from', 'into', 'withSchema']);
const KYSELY_WRITES: Record<string, WriteOperation> = { insertInto: 'insert', replaceInto: 'insert', updateTable: 'update', deleteFrom: 'delete', mergeInto: 'merge' };
const DRIZZLE_WRITES: Record<string, WriteOperation> = { insert: 'insert', update: 'update', delete: 'delete' };

export interface SinkOptions {
  /** Function or method names (configured `singleWriter.wrappers`) that forward their first argument as SQL. */
  wrappers: Set<string>;
}

function unwrap(e: ts.Expression): ts.Expression {
  while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e) || ts.isSatisfiesExpression(e) || ts.isAwaitExpression(e)) e = e.expression;
  return e;
}

export class SinkFinder {
  constructor(
    private readonly index: ModuleIndex,
    private readonly options: SinkOptions,
  ) {}

  /** Does this expression evaluate to a database client, pool, transaction or builder? */
  isDb(expr: ts.Expression, mod: ModuleInfo, depth = 0): boolean {
    if (depth > 12) return false;
    const e = unwrap(expr);
    if (ts.isIdentifier(e)) {
      if (DB_NAMES.test(e.text)) return true;
      const param = mod.parameters.get(e.text);
      if (param?.type && DB_TYPES.test(param.type.getText(mod.sourceFile))) return true;
      const r = this.index.resolveLocal(mod, e.text);
      if (r?.packageName) return DB_PACKAGES.test(r.packageName);
      const d = r?.declaration;
      if (d?.type && DB_TYPES.test(d.type.getText(r!.module.sourceFile))) return true;
      if (d?.initializer && ts.isIdentifier(d.name)) return this.isDb(d.initializer, r!.module, depth + 1);
      return false;
    }
    if (ts.isPropertyAccessExpression(e)) return DB_NAMES.test(e.name.text) || (e.name.text !== 'query' && this.isDb(e.expression, mod, depth + 1) && /^(pool|client|db|sql|\$client|session)$/i.test(e.name.text));
    if (ts.isCallExpression(e)) {
      const callee = unwrap(e.expression);
      if (ts.isPropertyAccessExpression(callee) && ['connect', 'acquire', 'transaction', 'begin', 'reserve'].includes(callee.name.text)) return this.isDb(callee.expression, mod, depth + 1);
      if (ts.isIdentifier(callee)) {
        const r = this.index.resolveLocal(mod, callee.text);
        if (r?.packageName) return DB_PACKAGES.test(r.packageName);
        return /^(postgres|drizzle|knex|createPool|getPool|getClient|getDb)$/i.test(callee.text);
      }
      return false;
    }
    if (ts.isNewExpression(e)) {
      const c = unwrap(e.expression);
      const name = ts.isIdentifier(c) ? c.text : ts.isPropertyAccessExpression(c) ? c.name.text : '';
      if (/^(Pool|Client|PGlite|Kysely)$/.test(name)) return true;
      if (ts.isIdentifier(c)) {
        const r = this.index.resolveLocal(mod, c.text);
        return Boolean(r?.packageName && DB_PACKAGES.test(r.packageName));
      }
    }
    return false;
  }

  /** `const q = pool.query.bind(pool)`, `const run = client.query`, `const { query } = pool`. */
  private isQueryAlias(name: string, mod: ModuleInfo): boolean {
    const r = this.index.resolveLocal(mod, name);
    const d = r?.declaration;
    if (!d) return false;
    if (ts.isObjectBindingPattern(d.name)) {
      const el = d.name.elements.find((x) => ts.isIdentifier(x.name) && x.name.text === name);
      const prop = el && ((el.propertyName && ts.isIdentifier(el.propertyName) ? el.propertyName.text : undefined) ?? name);
      return Boolean(prop && QUERY_METHODS.has(prop) && d.initializer && this.isDb(d.initializer, r!.module));
    }
    let init = d.initializer && unwrap(d.initializer);
    if (init && ts.isCallExpression(init) && ts.isPropertyAccessExpression(init.expression) && init.expression.name.text === 'bind') init = init.expression.expression;
    return Boolean(init && ts.isPropertyAccessExpression(init) && QUERY_METHODS.has(init.name.text) && this.isDb(init.expression, r!.module));
  }

  private sqlArgument(arg: ts.Expression | undefined, mod: ModuleInfo): FoldedText | undefined {
    if (!arg) return undefined;
    const a = unwrap(arg);
    if (ts.isArrowFunction(a) || ts.isFunctionExpression(a)) return undefined;
    if (ts.isObjectLiteralExpression(a)) {
      const text = a.properties.find((p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && p.name.getText(mod.sourceFile) === 'text');
      return text ? foldExpression(text.initializer, mod, this.index) : { text: '', constant: false, unknown: true, namePlaceholders: [] };
    }
    if (ts.isNewExpression(a) && a.arguments?.[0]) {
      const c = unwrap(a.expression);
      if ((ts.isIdentifier(c) && /Query$/.test(c.text)) || (ts.isPropertyAccessExpression(c) && c.name.text === 'Query')) return foldExpression(a.arguments[0], mod, this.index);
    }
    if (ts.isTaggedTemplateExpression(a)) return foldTaggedTemplate(a.template);
    // client.query(copyFrom('COPY …')): the inner call is the sink that carries the SQL.
    if (ts.isCallExpression(a) && this.sinkAt(a, mod)) return undefined;
    return foldExpression(a, mod, this.index);
  }

  private importedFrom(name: string, mod: ModuleInfo, pkg: string): string | undefined {
    const imp = mod.imports.get(name);
    return imp && imp.specifier === pkg ? imp.imported : undefined;
  }

  /** The table a drizzle table object was declared for: `pgTable('expenses', …)`, followed across modules. */
  drizzleTable(expr: ts.Expression, mod: ModuleInfo): string | undefined {
    const e = unwrap(expr);
    let decl: ts.VariableDeclaration | undefined;
    let declMod = mod;
    if (ts.isIdentifier(e)) {
      const r = this.index.resolveLocal(mod, e.text);
      decl = r?.declaration;
      if (r) declMod = r.module;
    } else if (ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.expression)) {
      // schema.expenses where `import * as schema from './schema'`
      const imp = mod.imports.get(e.expression.text);
      if (imp?.imported === '*') {
        const target = this.index.resolveSpecifier(mod.relPath, imp.specifier);
        const r = target ? this.index.resolveExport(target, e.name.text) : undefined;
        decl = r?.declaration;
        if (r) declMod = r.module;
      }
    }
    const init = decl?.initializer && unwrap(decl.initializer);
    if (!init || !ts.isCallExpression(init) || !decl || !isConst(decl)) return undefined;
    const callee = unwrap(init.expression);
    const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
    if (!/^(pgTable|pgTableCreator|table)$/.test(name) || !init.arguments[0]) return undefined;
    const folded = foldExpression(init.arguments[0], declMod, this.index);
    return folded.constant ? folded.text : undefined;
  }

  /** Classifies one call or tagged template; undefined when it is not a database sink. */
  sinkAt(node: ts.Node, mod: ModuleInfo): Sink | undefined {
    if (ts.isTaggedTemplateExpression(node)) {
      const tag = unwrap(node.tag);
      const name = ts.isIdentifier(tag) ? tag.text : ts.isPropertyAccessExpression(tag) ? tag.name.text : '';
      const fromPkg = ts.isIdentifier(tag) ? this.index.resolveLocal(mod, tag.text)?.packageName : undefined;
      const isSql = /^sql$/i.test(name) || (fromPkg && DB_PACKAGES.test(fromPkg)) || (ts.isIdentifier(tag) && this.isDb(tag, mod));
      if (!isSql) return undefined;
      return { kind: 'sql', node, via: `${name || 'sql'}\`…\``, sql: foldTaggedTemplate(node.template), dbReceiver: true };
    }
    if (!ts.isCallExpression(node)) return undefined;
    const callee = unwrap(node.expression);

    let method: string | undefined;
    let receiver: ts.Expression | undefined;
    if (ts.isPropertyAccessExpression(callee)) {
      method = callee.name.text;
      receiver = callee.expression;
    } else if (ts.isElementAccessExpression(callee) && ts.isStringLiteralLike(callee.argumentExpression)) {
      method = callee.argumentExpression.text;
      receiver = callee.expression;
    }

    if (method && receiver) {
      if (QUERY_METHODS.has(method)) {
        const sql = this.sqlArgument(node.arguments[0], mod);
        if (!sql) return undefined;
        const db = this.isDb(receiver, mod);
        if (db || (!sql.unknown && isSqlShaped(sql.text))) return { kind: 'sql', node, via: `.${method}()`, sql, dbReceiver: db };
        return undefined;
      }
      if (this.options.wrappers.has(method) || this.options.wrappers.has(`${receiver.getText(mod.sourceFile)}.${method}`)) {
        const sql = this.sqlArgument(node.arguments[0], mod);
        return sql ? { kind: 'sql', node, via: `.${method}()`, sql, dbReceiver: true } : undefined;
      }
      if (method === 'from' && ts.isIdentifier(unwrap(receiver))) {
        const imp = mod.imports.get((unwrap(receiver) as ts.Identifier).text);
        if (imp?.specifier === 'pg-copy-streams') {
          const sql = this.sqlArgument(node.arguments[0], mod);
          return sql ? { kind: 'sql', node, via: 'pg-copy-streams from()', sql, dbReceiver: true } : undefined;
        }
      }
      const kysely = KYSELY_WRITES[method];
      if (kysely && node.arguments[0]) {
        const t = foldExpression(node.arguments[0], mod, this.index);
        if (t.unknown || !t.constant) return { kind: 'builder', node, via: `.${method}()`, table: undefined, operation: kysely };
        return { kind: 'builder', node, via: `.${method}()`, table: t.text.trim().split(/\s+/)[0], operation: kysely };
      }
      const drizzle = DRIZZLE_WRITES[method];
      if (drizzle && node.arguments.length === 1) {
        const table = this.drizzleTable(node.arguments[0]!, mod);
        if (table) return { kind: 'builder', node, via: `drizzle .${method}()`, table, operation: drizzle };
      }
      const knex = KNEX_WRITES[method];
      if (knex) {
        const table = this.knexTable(receiver, mod);
        if (table !== null) return { kind: 'builder', node, via: `knex .${method}()`, table, operation: knex };
      }
      return undefined;
    }

    if (ts.isIdentifier(callee)) {
      if (this.options.wrappers.has(callee.text) || this.isQueryAlias(callee.text, mod)) {
        const sql = this.sqlArgument(node.arguments[0], mod);
        return sql ? { kind: 'sql', node, via: `${callee.text}()`, sql, dbReceiver: true } : undefined;
      }
      if (this.importedFrom(callee.text, mod, 'pg-copy-streams') === 'from') {
        const sql = this.sqlArgument(node.arguments[0], mod);
        return sql ? { kind: 'sql', node, via: 'pg-copy-streams from()', sql, dbReceiver: true } : undefined;
      }
    }
    return undefined;
  }

  /**
   * Walks a knex chain (`knex('t').where(…).update(…)`) down to its root; the
   * table when the root is a knex instance called with a name, undefined when
   * the name is dynamic, null when this is not knex at all.
   */
  private knexTable(receiver: ts.Expression, mod: ModuleInfo): string | undefined | null {
    let e = unwrap(receiver);
    for (let i = 0; i < 30 && ts.isCallExpression(e); i++) {
      const c = unwrap(e.expression);
      const isRootCall = ts.isIdentifier(c) || (ts.isPropertyAccessExpression(c) && KNEX_TABLE_METHODS.has(c.name.text));
      if (isRootCall && e.arguments[0]) {
        const base = ts.isIdentifier(c) ? c : c.expression;
        const knexish = ts.isIdentifier(base)
          ? /^(knex|db|trx|tx)$/i.test(base.text) || this.index.resolveLocal(mod, base.text)?.packageName === 'knex' || this.isKnexInstance(base, mod)
          : this.isDb(base, mod);
        if (!knexish) return null;
        const t = foldExpression(e.arguments[0], mod, this.index);
        return t.constant ? t.text.trim().split(/\s+/)[0] : undefined;
      }
      if (!ts.isPropertyAccessExpression(c)) return null;
      e = unwrap(c.expression);
    }
    return null;
  }

  private isKnexInstance(id: ts.Identifier, mod: ModuleInfo): boolean {
    const r = this.index.resolveLocal(mod, id.text);
    const init = r?.declaration?.initializer && unwrap(r.declaration.initializer);
    if (!init || !ts.isCallExpression(init) || !ts.isIdentifier(init.expression)) return false;
    return this.index.resolveLocal(r!.module, init.expression.text)?.packageName === 'knex';
  }
}
