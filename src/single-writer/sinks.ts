import { ts } from '../ts-analysis/typescript.js';
import type { FoldHooks, Piece } from '../ts-analysis/fold.js';
import type { ModuleIndex, ModuleInfo } from '../ts-analysis/module-index.js';
import { OriginTracer } from '../ts-analysis/origin.js';
import { OrmFacts } from './orm-facts.js';
import { callSite, calleeName, constString, foldSql, type CallSite, type Sink, type SinkContext, type SinkModel } from './sink-model.js';
import { callsInside, forwardedParameter, type Forwarding } from './forwarding-wrappers.js';
import { hasCallers } from './parameter-bindings.js';
import { functionAt } from '../ts-analysis/scopes.js';
import { unwrapExpression } from '../ts-analysis/const-value.js';
import { drizzleModel } from './sinks/drizzle.js';
import { knexModel } from './sinks/knex.js';
import { kyselyModel } from './sinks/kysely.js';
import { mikroOrmModel } from './sinks/mikro-orm.js';
import { objectionModel } from './sinks/objection.js';
import { pgPromiseModel } from './sinks/pg-promise.js';
import { pgModel } from './sinks/pg.js';
import { postgresJsModel } from './sinks/postgres-js.js';
import { prismaModel } from './sinks/prisma.js';
import { sequelizeModel } from './sinks/sequelize.js';
import { slonikModel } from './sinks/slonik.js';
import { typeormModel } from './sinks/typeorm.js';
import { wrappersModel } from './sinks/wrappers.js';

export type { Sink } from './sink-model.js';

/** Every library the check understands, one model each (src/single-writer/sinks/). */
export const SINK_MODELS: readonly SinkModel[] = [
  wrappersModel,
  pgModel,
  postgresJsModel,
  pgPromiseModel,
  slonikModel,
  kyselyModel,
  knexModel,
  drizzleModel,
  prismaModel,
  typeormModel,
  sequelizeModel,
  mikroOrmModel,
  objectionModel,
];

const perIndex = new WeakMap<ModuleIndex, { tracer: OriginTracer; facts: OrmFacts }>();

export interface SinkOptions {
  /** Function or method names (configured `singleWriter.wrappers`) that forward their first argument as SQL. */
  wrappers: Set<string>;
  /** The files of the run (root-relative): where project-wide declarations (Sequelize associations) are looked up. */
  projectFiles?: () => readonly string[];
}

/**
 * Finds database sinks: dispatches each call or tagged template to the models
 * that react to its method name (a Map lookup: `toLocaleString` is no key of
 * it), with the receiver's origin traced through {@link OriginTracer}.
 */
export class SinkFinder {
  readonly tracer: OriginTracer;
  readonly facts: OrmFacts;
  private readonly byMethod = new Map<string, SinkModel[]>();
  private readonly bare: SinkModel[];
  private readonly patterned: SinkModel[];
  private readonly tagged: SinkModel[];
  private readonly consumed = new WeakSet<ts.Node>();
  private readonly hooks: FoldHooks;

  constructor(
    readonly index: ModuleIndex,
    private readonly options: SinkOptions,
    models: readonly SinkModel[] = SINK_MODELS,
  ) {
    // One tracer and one set of ORM facts per index: callers may make a finder per file.
    let shared = perIndex.get(index);
    if (!shared) {
      shared = { tracer: new OriginTracer(index), facts: new OrmFacts(index, options.projectFiles) };
      perIndex.set(index, shared);
    }
    this.tracer = shared.tracer;
    this.facts = shared.facts;
    for (const m of models) {
      for (const name of m.methods ?? []) {
        const list = this.byMethod.get(name) ?? [];
        list.push(m);
        this.byMethod.set(name, list);
      }
    }
    this.patterned = models.filter((m) => m.methodPattern);
    this.bare = models.filter((m) => m.bareCalls);
    this.tagged = models.filter((m) => m.tagged);
    const fragmentModels = models.filter((m) => m.fragment);
    const self = this;
    this.hooks = {
      fold(expr, mod, fold): Piece[] | undefined {
        const ctx = self.context(mod);
        for (const m of fragmentModels) {
          const p = m.fragment!(expr, mod, fold, ctx);
          if (p) return p;
        }
        return undefined;
      },
    };
  }

  private readonly contexts = new WeakMap<ModuleInfo, SinkContext>();
  private context(mod: ModuleInfo): SinkContext {
    let ctx = this.contexts.get(mod);
    if (!ctx) {
      ctx = {
        mod,
        index: this.index,
        tracer: this.tracer,
        facts: this.facts,
        hooks: this.hooks,
        wrappers: this.options.wrappers,
        projectFiles: this.options.projectFiles ?? (() => []),
        consume: (n) => this.consumed.add(n),
      };
      this.contexts.set(mod, ctx);
    }
    return ctx;
  }

  /** Every sink at this node (several libraries may see one call), or [] when it is none. */
  sinksAt(node: ts.Node, mod: ModuleInfo): Sink[] {
    if (this.consumed.has(node)) return [];
    const ctx = this.context(mod);
    const out: Sink[] = [];
    if (ts.isTaggedTemplateExpression(node)) {
      for (const m of this.tagged) out.push(...(m.tag?.(node, ctx) ?? []));
      return dedupe(out);
    }
    if (!ts.isCallExpression(node)) return out;
    const site = this.normalise(callSite(node), ctx);
    const method = site.method;
    const named = method !== undefined ? (this.byMethod.get(method) ?? []) : this.bare;
    const models = method === undefined ? named : [...named, ...this.patterned.filter((m) => !named.includes(m) && m.methodPattern!.test(method))];
    for (const m of models) {
      const found = m.call?.(site, ctx);
      if (found?.length) out.push(...found);
    }
    // Configured wrappers may be methods (`repo.run(sql)`) as well as functions.
    if (site.method !== undefined && this.options.wrappers.size) out.push(...(wrappersModel.call?.(site, ctx) ?? []));
    // A project function that forwards its SQL parameter to a database (`db.query(text, params)` of node-postgres's docs).
    if (!out.some((s) => !s.heuristic)) {
      const forwarded = this.forwardingCall(site, ctx);
      if (forwarded) return [forwarded];
    }
    return dedupe(out);
  }

  private readonly forwarding = new Map<ts.Node, Forwarding | null>();

  /** The sink a call of a SQL-forwarding project function is, with the caller's argument as the SQL. */
  private forwardingCall(site: CallSite, ctx: SinkContext): Sink | undefined {
    // Most calls are of built-ins (`rows.map`, `console.log`): not worth tracing to find they are no project function.
    if (!site.args.length || (site.method !== undefined && BUILTIN_METHODS.has(site.method))) return undefined;
    const fn = ctx.tracer.of(site.callee, ctx.mod);
    if (fn.root.k !== 'function' || fn.steps.length) return undefined;
    const f = this.forwardingOf(fn.root.node, fn.root.module);
    const arg = f && site.args[f.param];
    if (!f || !arg) return undefined;
    const name = site.method ?? calleeName(site.callee);
    return { kind: 'sql', node: site.node, via: `${name}(), which sends its SQL to ${f.inner.via}`, sql: foldSql(arg, ctx), dbReceiver: true, library: f.inner.library, ...(f.inner.heuristic ? { heuristic: true } : {}) };
  }

  /**
   * A SQL sink whose text is its function's parameter, in a function the run calls: the SQL is
   * judged at each call instead (`query(text, params)`), so the sink itself says nothing.
   */
  judgedAtCallers(sink: Sink, mod: ModuleInfo): boolean {
    if (sink.kind !== 'sql' || !ts.isCallExpression(sink.node)) return false;
    const fn = functionAt(mod.scopes, sink.node.pos);
    const f = fn && this.forwardingOf(fn, mod);
    return !!f && f.inner.node === sink.node && hasCallers(fn as ts.SignatureDeclaration, mod, this.context(mod));
  }

  /** Whether `fn` forwards a parameter as SQL to a sink inside it; memoised, and cycle-safe. */
  forwardingOf(fn: ts.Node, mod: ModuleInfo): Forwarding | undefined {
    if (this.forwarding.has(fn)) return this.forwarding.get(fn) ?? undefined;
    this.forwarding.set(fn, null);
    let found: Forwarding | undefined;
    for (const call of callsInside(fn, mod)) {
      // Syntax first: only a call handed one of the function's parameters is asked whether it is a sink.
      const param = forwardedParameter(fn, call.arguments);
      if (param === undefined) continue;
      const inner = this.sinksAt(call, mod).find((s): s is Extract<Sink, { kind: 'sql' }> => s.kind === 'sql' && s.node === call);
      if (inner) {
        found = { param, inner };
        break;
      }
    }
    this.forwarding.set(fn, found ?? null);
    return found;
  }

  /**
   * The call as the database sees it, whatever syntax hides the method:
   * `pool[m](sql)` with a constant `m`, `pool.query.call(pool, sql)`,
   * `pool.query.apply(pool, [sql])`, `Reflect.apply(pool.query, pool, [sql])`.
   */
  private normalise(site: CallSite, ctx: SinkContext): CallSite {
    const callee = unwrapExpression(site.node.expression);
    if (site.method === undefined && ts.isElementAccessExpression(callee)) {
      const name = constString(callee.argumentExpression, ctx);
      if (name !== undefined) return { ...site, method: name, receiver: callee.expression };
    }
    if ((site.method === 'call' || site.method === 'apply') && site.receiver) {
      const fn = unwrapExpression(site.receiver);
      const rest = site.method === 'call' ? site.args.slice(1) : arrayElements(site.args[1]);
      const isReflect = site.method === 'apply' && ts.isIdentifier(fn) && fn.text === 'Reflect';
      const target = isReflect && site.args[0] ? unwrapExpression(site.args[0]) : fn;
      const args = isReflect ? arrayElements(site.args[2]) : rest;
      if (ts.isPropertyAccessExpression(target)) return { ...site, callee: target, method: target.name.text, receiver: target.expression, args };
      if (ts.isElementAccessExpression(target)) {
        const name = constString(target.argumentExpression, ctx);
        if (name !== undefined) return { ...site, callee: target, method: name, receiver: target.expression, args };
      }
      if (ts.isIdentifier(target)) return { ...site, callee: target, method: undefined, receiver: undefined, args };
    }
    return site;
  }

  /** The first sink at this node (the security scan asks one question per call). */
  sinkAt(node: ts.Node, mod: ModuleInfo): Sink | undefined {
    return this.sinksAt(node, mod)[0];
  }
}

/** Methods of JavaScript's own objects (arrays, strings, promises, console, JSON…): never a project's SQL wrapper. Names a wrapper may well have (`get`, `all`, `run`, `send`) are not here. */
const BUILTIN_METHODS = new Set([
  'map', 'filter', 'forEach', 'reduce', 'some', 'every', 'find', 'findIndex', 'includes', 'indexOf', 'push', 'pop', 'shift', 'unshift', 'slice', 'splice', 'concat', 'join', 'sort', 'flatMap', 'at',
  'then', 'catch', 'finally', 'resolve', 'reject', 'allSettled', 'race',
  'log', 'info', 'warn', 'error', 'debug', 'trace',
  'has', 'keys', 'values', 'entries', 'assign', 'freeze', 'stringify', 'parse',
  'split', 'replace', 'replaceAll', 'trim', 'toLowerCase', 'toUpperCase', 'startsWith', 'endsWith', 'padStart', 'padEnd', 'toString', 'toFixed',
  'emit', 'on', 'once', 'json', 'status', 'end', 'next',
]);

/** Traced sinks win over heuristic ones for the same node. */
function dedupe(sinks: Sink[]): Sink[] {
  if (sinks.length < 2) return sinks;
  const traced = sinks.filter((s) => !s.heuristic);
  const pool = traced.length ? traced : sinks;
  const seen = new Set<string>();
  return pool.filter((s) => {
    const key = s.kind === 'sql' ? `sql:${s.sql.text}` : `b:${s.table}:${s.operation}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function arrayElements(e: ts.Expression | undefined): ts.Expression[] {
  const u = e && unwrapExpression(e);
  return u && ts.isArrayLiteralExpression(u) ? u.elements.filter((x) => !ts.isSpreadElement(x)) : [];
}
