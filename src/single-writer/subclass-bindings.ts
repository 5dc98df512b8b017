import { ts } from '../ts-analysis/typescript.js';
import { unwrapExpression } from '../ts-analysis/const-value.js';
import { classAt } from '../ts-analysis/scopes.js';
import { storedParameter, superArgument, type StoredParameter } from '../ts-analysis/constructor-parameters.js';
import type { ModuleIndex, ModuleInfo } from '../ts-analysis/module-index.js';
import type { Origin } from '../ts-analysis/origin.js';
import { baseClassOf, classChain, type ClassRef } from '../ts-analysis/class-members.js';
import { constString, type SinkContext } from './sink-model.js';
import { parameterBindings } from './parameter-bindings.js';

/**
 * A generic base class writes through a member its constructor is given
 * (`class BaseService { constructor({ repository }) { this.repository = repository } create(v) { return this.repository.create(v) } }`).
 * Which table that is depends on the subclass: `class SessionService extends BaseService { constructor() { super({ repository: Session }) } }`.
 * This finds, for `this.repository` in the base, what every subclass of the run hands it.
 */
export interface SubclassBinding {
  /** The subclass's name, for messages. */
  name: string;
  /** What it hands the base constructor, traced in its own module; undefined when that is not in the code (a parameter passed on). */
  value?: Origin;
  /** The expression it hands over, in its own module. */
  expr?: ts.Expression;
  /** The subclass's module, for tracing further from the value. */
  mod: ModuleInfo;
}

export interface MemberBindings {
  base: string;
  member: string;
  /** Empty: no subclass in the run, so nothing says which value the member holds. */
  subclasses: SubclassBinding[];
}

/** The bindings of `this.<member>` at `receiver`, or undefined when it is not a member the constructor stores. */
export function subclassBindings(receiver: ts.Expression, ctx: SinkContext): MemberBindings | undefined {
  const r = unwrapExpression(receiver);
  if (!ts.isPropertyAccessExpression(r) || r.expression.kind !== ts.SyntaxKind.ThisKeyword) return undefined;
  const cls = classAt(ctx.mod.scopes, r.end - 1);
  const stored = cls && storedParameter(cls, r.name.text);
  if (!cls || !stored) return undefined;
  // Any file of the run may declare a subclass: all of them are what this answer depends on.
  ctx.index.noteAccess(ctx.projectFiles());
  const subclasses: SubclassBinding[] = [];
  collect(cls, stored, ctx, subclasses, 0);
  return { base: cls.name?.text ?? 'the base class', member: r.name.text, subclasses };
}

/**
 * What `this.<member>` (at `expr`) is for each subclass of the run, as one sink model reads it
 * (`resolve`: a table, a model, a repository), with `how` saying where it comes from for the
 * message (`on this.repository, the repository PaymentsService gives BaseService`). A subclass
 * whose value `resolve` cannot read keeps `value` undefined: that write is unverifiable. Undefined
 * when `expr` is no such member, no subclass exists, or none gives a value `resolve` reads.
 */
export function perSubclass<T>(expr: ts.Expression, ctx: SinkContext, noun: string, resolve: (b: SubclassBinding) => T | undefined): { value?: T; how: string }[] | undefined {
  const bindings = subclassBindings(expr, ctx);
  if (!bindings?.subclasses.length) return undefined;
  const out = bindings.subclasses.map((b) => {
    const value = resolve(b);
    return { value, how: value === undefined ? `on this.${bindings.member}, which ${b.name} hands a ${noun} not traced here` : `on this.${bindings.member}, the ${noun} ${b.name} gives ${bindings.base}` };
  });
  return out.some((b) => b.value !== undefined) ? out : undefined;
}

/**
 * A table name decided elsewhere, one value per place that decides it:
 * - `this.tableName` in a generic base repository (`class BaseRepo { constructor(protected table: string) {} }`,
 *   `class PaymentsRepo extends BaseRepo { constructor() { super('payments') } }`): what each subclass hands over;
 * - `this.table` in a subclass's own method: what its constructor handed to the base;
 * - a helper's parameter (`function removeFrom(table, id) { return knex(table).where({ id }).del() }`): what each call passes.
 * `how` says where the value comes from, for the message; `value` is undefined where it is not a constant.
 * Undefined when nothing decides it or no place hands a constant.
 */
export function boundStrings(expr: ts.Expression, ctx: SinkContext): { value?: string; how: string }[] | undefined {
  if (subclassBindings(expr, ctx)) return perSubclass(expr, ctx, 'table', (b) => b.expr && constString(b.expr, { ...ctx, mod: b.mod }));
  const helper = parameterBindings(expr, ctx);
  if (helper?.calls.length) {
    const out = helper.calls.map((c) => {
      const value = constString(c.expr, { ...ctx, mod: c.mod });
      return { value, how: value === undefined ? `on the parameter ${helper.param} of ${helper.helper}(), given a table not constant at ${c.at}` : `on the parameter ${helper.param} of ${helper.helper}(), given '${value}' at ${c.at}` };
    });
    return out.some((b) => b.value !== undefined) ? out : undefined;
  }
  return ownHandedString(expr, ctx);
}

/** `this.table` in a subclass's own method, where its constructor handed the value to the base (`super('payments')`). */
function ownHandedString(expr: ts.Expression, ctx: SinkContext): { value?: string; how: string }[] | undefined {
  const r = unwrapExpression(expr);
  if (!ts.isPropertyAccessExpression(r) || r.expression.kind !== ts.SyntaxKind.ThisKeyword) return undefined;
  const cls = classAt(ctx.mod.scopes, r.end - 1);
  const handed = cls && valueHandedBy(cls, ctx.mod, r.name.text, ctx);
  const value = handed && constString(handed.expr, { ...ctx, mod: handed.mod });
  return value === undefined ? undefined : [{ value, how: `on this.${r.name.text}, the table ${cls!.name?.text ?? 'this class'} gives its base class` }];
}

function collect(base: ts.ClassLikeDeclaration, stored: StoredParameter, ctx: SinkContext, out: SubclassBinding[], depth: number): void {
  for (const sub of subclassesOf(base, ctx)) {
    const name = sub.cls.name?.text ?? 'an anonymous class';
    const hasConstructor = sub.cls.members.some(ts.isConstructorDeclaration);
    // A subclass without a constructor passes its arguments through: its own subclasses decide.
    if (!hasConstructor && depth < 4) {
      const before = out.length;
      collect(sub.cls, stored, ctx, out, depth + 1);
      if (out.length > before) continue;
    }
    const arg = hasConstructor ? withDefault(sub.cls, superArgument(sub.cls, stored)) : undefined;
    out.push({ name, mod: sub.mod, ...(arg ? { value: ctx.tracer.of(arg, sub.mod), expr: arg } : {}) });
  }
}

/**
 * For an instance of `cls`: the expression its class hands to the base constructor that stores
 * `this.<member>` (`class Keyresult extends Base { constructor(t = 'keyresult') { super(t) } }`), in its own module.
 */
export function valueHandedBy(cls: ts.ClassLikeDeclaration, clsMod: ModuleInfo, member: string, ctx: SinkContext): { expr: ts.Expression; mod: ModuleInfo } | undefined {
  let sub: ClassRef = { cls, mod: clsMod };
  for (let hops = 0; hops < 8; hops++) {
    const base = baseClassOf(ctx.tracer, sub.cls, sub.mod);
    if (!base) return undefined;
    const stored = storedParameter(base.cls, member);
    if (stored) {
      const arg = withDefault(sub.cls, superArgument(sub.cls, stored));
      return arg ? { expr: arg, mod: sub.mod } : undefined;
    }
    sub = base;
  }
  return undefined;
}

/** A method `name` of `cls` or of a class it extends, with the module declaring it. */
export function findMethod(cls: ts.ClassLikeDeclaration, clsMod: ModuleInfo, name: string, ctx: SinkContext): { method: ts.MethodDeclaration; mod: ModuleInfo } | undefined {
  for (const c of classChain(ctx.tracer, cls, clsMod)) {
    for (const member of c.cls.members) {
      if (ts.isMethodDeclaration(member) && member.body && member.name && ts.isIdentifier(member.name) && member.name.text === name) return { method: member, mod: c.mod };
    }
  }
  return undefined;
}

/**
 * `constructor(table = 'objective') { super(table) }`: the subclass's own parameter with a default
 * hands over the default (what `new Objective()` gives), the usual way a model names its table.
 */
function withDefault(cls: ts.ClassLikeDeclaration, arg: ts.Expression | undefined): ts.Expression | undefined {
  const u = arg && unwrapExpression(arg);
  if (!u || !ts.isIdentifier(u)) return arg;
  const ctor = cls.members.find(ts.isConstructorDeclaration);
  const param = ctor?.parameters.find((p) => ts.isIdentifier(p.name) && p.name.text === u.text);
  return param?.initializer ?? arg;
}

interface Subclass {
  cls: ts.ClassLikeDeclaration;
  mod: ModuleInfo;
}

const memo = new WeakMap<ModuleIndex, Map<ts.ClassLikeDeclaration, Subclass[]>>();

/** The run's classes that extend `base` directly, read once per index. */
function subclassesOf(base: ts.ClassLikeDeclaration, ctx: SinkContext): Subclass[] {
  let byBase = memo.get(ctx.index);
  if (!byBase) {
    byBase = new Map();
    memo.set(ctx.index, byBase);
    for (const rel of ctx.projectFiles()) {
      const mod = ctx.index.getIfMentions(rel, /\bextends\b/);
      if (!mod) continue;
      const visit = (n: ts.Node): void => {
        if (ts.isClassLike(n)) {
          const ext = n.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0];
          const o = ext && ctx.tracer.of(ext.expression, mod);
          if (o?.root.k === 'class' && !o.steps.length && o.root.node !== n) {
            const list = byBase!.get(o.root.node) ?? [];
            list.push({ cls: n, mod });
            byBase!.set(o.root.node, list);
          }
        }
        ts.forEachChild(n, visit);
      };
      visit(mod.sourceFile);
    }
  }
  return byBase.get(base) ?? [];
}
