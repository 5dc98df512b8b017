import { ts } from '../ts-analysis/typescript.js';
import type { WriteOperation } from '../sql/index.js';
import { foldExpression, foldToPieces, HOLE, type FoldedText, type FoldHooks, type Piece } from '../ts-analysis/fold.js';
import { constValue, unwrapExpression } from '../ts-analysis/const-value.js';
import type { ModuleIndex, ModuleInfo } from '../ts-analysis/module-index.js';
import { lastName, type Origin, type OriginTracer } from '../ts-analysis/origin.js';
import type { OrmFacts } from './orm-facts.js';

/**
 * The contract between the analyzer and one library's sink model. A model
 * looks at one call or tagged template and says whether SQL (or a write to a
 * named table) reaches the database there, and how sure it is: `heuristic`
 * when only a name matched, because the receiver's origin could not be traced.
 */
interface SinkBase {
  node: ts.Node;
  /** How the write was reached, for the message: `.query()`, `prisma.expense.create()`. */
  via: string;
  /** The sink model that found it (`pg`, `prisma`, …). */
  library: string;
  /** Only a name matched: the receiver's origin is unknown. */
  heuristic?: boolean;
}

export type Sink =
  | (SinkBase & { kind: 'sql'; sql: FoldedText; dbReceiver: boolean })
  | (SinkBase & {
      kind: 'builder';
      /** `table` or `schema.table`; undefined when dynamic. */
      table: string | undefined;
      operation: WriteOperation;
      /** A possible write that is only inferred (MikroORM's flush of changed entities): a warning, not an error. */
      inferred?: boolean;
    });

export interface CallSite {
  node: ts.CallExpression;
  callee: ts.Expression;
  /** `recv.method(…)` or `recv['method'](…)`. */
  method?: string;
  receiver?: ts.Expression;
  args: readonly ts.Expression[];
}

export interface SinkContext {
  mod: ModuleInfo;
  index: ModuleIndex;
  tracer: OriginTracer;
  facts: OrmFacts;
  hooks: FoldHooks;
  wrappers: Set<string>;
  /** The files of the run, root-relative (empty where a caller has no run). */
  projectFiles(): readonly string[];
  /** Marks a node (an inner call of a chain, a nested fragment) as handled by an outer sink. */
  consume(node: ts.Node): void;
}

export interface SinkModel {
  id: string;
  /** Method names this model reacts to (`recv.method(…)`); looked up in a Set, so no prototype names. */
  methods?: readonly string[];
  /** Method names made up by the library at run time (Sequelize's `createProject` on an instance with a `project` association). */
  methodPattern?: RegExp;
  /** Reacts to calls of a bare identifier (`knex('t')`, `runSql(…)`). */
  bareCalls?: boolean;
  /** Reacts to tagged templates. */
  tagged?: boolean;
  /** Reacts to `new X(…)`. */
  constructed?: boolean;
  call?(site: CallSite, ctx: SinkContext): Sink[] | undefined;
  tag?(node: ts.TaggedTemplateExpression, ctx: SinkContext): Sink[] | undefined;
  /**
   * The SQL pieces a helper of this library produces inside a statement
   * (`sql.raw('x')`, `sql.identifier(['t'])`, a nested fragment, a table
   * object), or undefined when `expr` is not one of its helpers.
   */
  fragment?(expr: ts.Expression, mod: ModuleInfo, fold: (e: ts.Expression, m: ModuleInfo) => Piece[], ctx: SinkContext): Piece[] | undefined;
}

export function isFromPackage(o: Origin, pkgs: RegExp): boolean {
  return o.root.k === 'package' && pkgs.test(o.root.pkg);
}

/** Packages some model understands: a receiver from one of them is never matched by name for another. */
export const KNOWN_DB_PACKAGES =
  /^(pg|pg-pool|pg-native|pg-promise|pg-copy-streams|postgres|slonik|knex|kysely|drizzle-orm(\/.*)?|@electric-sql\/pglite(\/.*)?|@vercel\/postgres|@neondatabase\/serverless|@databases\/pg|@prisma\/client(\/.*)?|\.prisma\/client(\/.*)?|typeorm|@nestjs\/typeorm|sequelize|sequelize-typescript|@sequelize\/core|@mikro-orm\/.+)$/;

/** Names a database handle is usually given. */
export const DB_NAMES = /^(pool|pgPool|client|pgClient|db|database|pg|conn|connection|tx|trx|transaction|knex|sql|pglite|prisma|em|entityManager|manager|dataSource|sequelize|orm)$/i;

/**
 * How sure we are that `o` is a handle of the library `pkgs`: `traced` when it
 * comes from the library, `heuristic` when its origin is unknown but its name
 * matches, undefined when it comes from somewhere else (a Map, a literal, a
 * project class, another library).
 */
export function receiverConfidence(o: Origin, pkgs: RegExp, names: RegExp = DB_NAMES): 'traced' | 'heuristic' | undefined {
  if (o.root.k === 'package') {
    if (pkgs.test(o.root.pkg)) return 'traced';
    if (KNOWN_DB_PACKAGES.test(o.root.pkg)) return undefined;
    // A package we know nothing about (an internal library outside the workspace): only a name tells.
    return names.test(lastName(o) ?? '') ? 'heuristic' : undefined;
  }
  if (o.root.k === 'unknown') return names.test(lastName(o) ?? '') ? 'heuristic' : undefined;
  return undefined;
}

export function callSite(node: ts.CallExpression): CallSite {
  const callee = unwrapExpression(node.expression);
  if (ts.isPropertyAccessExpression(callee)) return { node, callee, method: callee.name.text, receiver: callee.expression, args: node.arguments };
  if (ts.isElementAccessExpression(callee) && ts.isStringLiteralLike(callee.argumentExpression)) {
    return { node, callee, method: callee.argumentExpression.text, receiver: callee.expression, args: node.arguments };
  }
  return { node, callee, args: node.arguments };
}

export interface ChainLink {
  /** Method or property name; undefined for a direct call (`knex('t')`). */
  name?: string;
  call?: ts.CallExpression;
  args: readonly ts.Expression[];
}

/** `a.b('x').c().d` → base `a`, links b('x'), c(), d: innermost first. */
export function flattenChain(expr: ts.Expression): { base: ts.Expression; links: ChainLink[] } {
  const links: ChainLink[] = [];
  let e = unwrapExpression(expr);
  for (let i = 0; i < 100; i++) {
    if (ts.isCallExpression(e)) {
      const callee = unwrapExpression(e.expression);
      if (ts.isPropertyAccessExpression(callee)) {
        links.unshift({ name: callee.name.text, call: e, args: e.arguments });
        e = unwrapExpression(callee.expression);
      } else {
        links.unshift({ call: e, args: e.arguments });
        return { base: callee, links };
      }
    } else if (ts.isPropertyAccessExpression(e)) {
      links.unshift({ name: e.name.text, args: [] });
      e = unwrapExpression(e.expression);
    } else break;
  }
  return { base: e, links };
}

/** A constant string (a table name), or undefined. */
export function constString(expr: ts.Expression | undefined, ctx: SinkContext, mod = ctx.mod): string | undefined {
  if (!expr) return undefined;
  const f = foldExpression(expr, mod, ctx.index, ctx.hooks);
  return f.constant && !f.unknown ? f.text : undefined;
}

/** `'expenses as e'`, `'billing.expenses e'` → `expenses`, `billing.expenses`. */
export function tableName(text: string): string {
  return text.trim().split(/\s+/)[0]!.replace(/"/g, '');
}

export function unknownSql(): FoldedText {
  return { text: '', constant: false, unknown: true, namePlaceholders: [] };
}

/** The object literal an expression stands for (through const aliases), if any. */
export function objectLiteral(expr: ts.Expression | undefined, ctx: SinkContext, mod = ctx.mod): { obj: ts.ObjectLiteralExpression; module: ModuleInfo } | undefined {
  if (!expr) return undefined;
  const v = constValue(expr, mod, ctx.index);
  if (v?.kind !== 'expr') return undefined;
  const e = unwrapExpression(v.expr);
  return ts.isObjectLiteralExpression(e) ? { obj: e, module: v.module } : undefined;
}

export function isFunctionExpression(e: ts.Expression): boolean {
  const u = unwrapExpression(e);
  return ts.isArrowFunction(u) || ts.isFunctionExpression(u);
}

/** Folds SQL text with every library's fragment helpers. */
export function foldSql(expr: ts.Expression, ctx: SinkContext, mod = ctx.mod): FoldedText {
  return foldExpression(expr, mod, ctx.index, ctx.hooks);
}

export function calleeName(e: ts.Expression): string {
  const c = unwrapExpression(e);
  return ts.isIdentifier(c) ? c.text : ts.isPropertyAccessExpression(c) ? c.name.text : '';
}

/**
 * A substitution inside a library's SQL template: a value (a `$n` parameter)
 * unless it is one of the libraries' SQL helpers or fragments (directly or
 * through a const), which fold into the text.
 */
export function spanPieces(e: ts.Expression, mod: ModuleInfo, ctx: SinkContext): Piece[] {
  const v = constValue(e, mod, ctx.index);
  const target = v?.kind === 'expr' ? v : { expr: unwrapExpression(e), module: mod };
  const u = unwrapExpression(target.expr);
  if (ts.isTaggedTemplateExpression(u) || ts.isCallExpression(u) || ts.isPropertyAccessExpression(u)) {
    return ctx.hooks.fold?.(u, target.module, (x, m) => foldToPieces(x, m, ctx.index, ctx.hooks)) ?? [HOLE];
  }
  return [HOLE];
}
