import { ts } from './typescript.js';
import { ownProperty, unwrapExpression } from './const-value.js';
import { isRequireCall, type ModuleIndex, type ModuleInfo, type Resolved } from './module-index.js';
import { classAt, type Binding } from './scopes.js';
import { destructuredElement, expandoProperty, firstAssignment } from './assignments.js';
import { passedThrough, returnedExpression } from './function-results.js';
import { inheritedMember, member as classMember, staticMember } from './class-members.js';
import { entityNameToExpression, utilityTypeOrigin } from './utility-types.js';

/**
 * Where a value comes from: a root (a package export, a global, a project
 * class or function, a literal, or unknown) and the steps taken from it
 * (`.prop`, a call, `new`, a callback's parameter, an element). Sink models ask
 * "is this receiver a Kysely instance?" by looking at the root and steps
 * instead of at the variable's name.
 */
export type Step =
  | { k: 'get'; name: string }
  | { k: 'call'; name?: string; node: ts.CallExpression }
  | { k: 'new'; node: ts.NewExpression }
  /** Parameter `param` of a function passed as argument `arg` to a call of `method`. */
  | { k: 'cb'; method?: string; call: ts.CallExpression | ts.NewExpression; arg: number; param: number; name?: string }
  | { k: 'elem' }
  /** A value of a declared type (`x: Repository<Expense>`), with the type's arguments. */
  | { k: 'typed'; typeArgs: readonly ts.TypeNode[]; module: ModuleInfo; cls?: ts.ClassLikeDeclaration; clsModule?: ModuleInfo };

export type Root =
  | { k: 'package'; pkg: string; name: string }
  | { k: 'global'; name: string }
  | { k: 'class'; node: ts.ClassLikeDeclaration; module: ModuleInfo }
  | { k: 'function'; node: ts.Node; module: ModuleInfo }
  | { k: 'module'; module: ModuleInfo }
  | { k: 'literal'; node: ts.Expression; module: ModuleInfo }
  | { k: 'unknown'; name?: string; unresolved?: string };

export interface Origin {
  root: Root;
  steps: Step[];
}

const UNKNOWN: Origin = { root: { k: 'unknown' }, steps: [] };

function withStep(o: Origin, step: Step): Origin {
  return { root: o.root, steps: [...o.steps, step] };
}

/** The last property or method name on the way to a value (`ctx.db` → `db`). */
export function lastName(o: Origin): string | undefined {
  for (let i = o.steps.length - 1; i >= 0; i--) {
    const s = o.steps[i]!;
    if (s.k === 'get') return s.name;
    if (s.k === 'call' && s.name) return s.name;
    // A callback's parameter (`transact((db) => …)` of a package we know nothing of): its name.
    if (s.k === 'cb') return s.name;
    if (s.k === 'typed') continue;
    return undefined;
  }
  return o.root.k === 'unknown' ? o.root.name : undefined;
}

export class OriginTracer {
  private readonly memo = new Map<ts.Node, { origin: Origin; touched: readonly string[] }>();
  private readonly busy = new Set<ts.Node>();

  constructor(readonly index: ModuleIndex) {}

  of(expr: ts.Expression, mod: ModuleInfo, depth = 0): Origin {
    const e = unwrapExpression(expr);
    const hit = this.memo.get(e);
    if (hit) {
      // The modules read to find this origin are read again, as far as the result cache is concerned.
      this.index.noteAccess(hit.touched);
      return hit.origin;
    }
    if (this.busy.has(e) || depth > 40) return UNKNOWN;
    this.busy.add(e);
    let tracked: { value: Origin; touched: readonly string[] };
    try {
      tracked = this.index.track(() => this.compute(e, mod, depth + 1));
    } finally {
      this.busy.delete(e);
    }
    this.memo.set(e, { origin: tracked.value, touched: tracked.touched });
    return tracked.value;
  }

  private compute(e: ts.Expression, mod: ModuleInfo, depth: number): Origin {
    if (ts.isIdentifier(e)) return this.ofResolved(this.index.resolveIdentifier(mod, e), depth, e.text);
    if (e.kind === ts.SyntaxKind.ThisKeyword) {
      const cls = classAt(mod.scopes, e.end - 1);
      return cls ? this.instanceOf(cls, mod, depth) : UNKNOWN;
    }
    if (ts.isPropertyAccessExpression(e) || (ts.isElementAccessExpression(e) && ts.isStringLiteralLike(e.argumentExpression))) {
      const name = ts.isPropertyAccessExpression(e) ? e.name.text : (e.argumentExpression as ts.StringLiteral).text;
      if (ts.isPropertyAccessExpression(e) && e.expression.kind === ts.SyntaxKind.ThisKeyword) {
        const cls = classAt(mod.scopes, e.end - 1);
        const member = cls && (classMember(this, cls, name, mod, depth) ?? inheritedMember(this, cls, name, mod, depth));
        if (member) return member;
      }
      return this.property(this.of(e.expression, mod, depth), name, depth);
    }
    if (ts.isElementAccessExpression(e)) return withStep(this.of(e.expression, mod, depth), { k: 'elem' });
    if (ts.isCallExpression(e)) {
      this.nodeModules.set(e, mod);
      if (isRequireCall(e)) return this.ofResolved(this.index.resolveImport(mod, { specifier: (e.arguments[0] as ts.StringLiteral).text, imported: '*', require: true }), depth);
      const callee = unwrapExpression(e.expression);
      const fnOrigin = this.of(callee, mod, depth);
      // A project function: what it returns (for a generic pass-through like `remember<T>(k, () => T): T`, what it is given).
      if (fnOrigin.root.k === 'function' && !fnOrigin.steps.length) {
        const through = passedThrough(fnOrigin.root.node, e);
        if (through) return this.of(through, mod, depth);
        const ret = returnedExpression(fnOrigin.root.node);
        if (ret) return this.of(ret, fnOrigin.root.module, depth);
      }
      const name = ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
      if (name && ['bind', 'call', 'apply'].includes(name) && ts.isPropertyAccessExpression(callee)) return this.of(callee.expression, mod, depth);
      if (ts.isPropertyAccessExpression(callee)) {
        return { root: fnOrigin.root, steps: [...fnOrigin.steps.slice(0, -1), { k: 'call', name, node: e }] };
      }
      return withStep(fnOrigin, { k: 'call', node: e });
    }
    if (ts.isNewExpression(e)) {
      const c = this.of(e.expression, mod, depth);
      if (c.root.k === 'class' && !c.steps.length) return this.instanceOf(c.root.node, c.root.module, depth);
      return withStep(c, { k: 'new', node: e });
    }
    if (ts.isBinaryExpression(e)) {
      const op = e.operatorToken.kind;
      if (op === ts.SyntaxKind.QuestionQuestionToken || op === ts.SyntaxKind.BarBarToken) {
        // `globalThis.__prisma__ ?? new PrismaClient()`: the side a library gives wins over a global cache slot.
        const left = this.of(e.left, mod, depth);
        if (left.root.k === 'package') return left;
        const right = this.of(e.right, mod, depth);
        return right.root.k === 'package' || left.root.k === 'unknown' || left.root.k === 'literal' || left.root.k === 'global' ? right : left;
      }
      if (op === ts.SyntaxKind.EqualsToken) return this.of(e.right, mod, depth);
      return { root: { k: 'literal', node: e, module: mod }, steps: [] };
    }
    if (ts.isConditionalExpression(e)) {
      const t = this.of(e.whenTrue, mod, depth);
      if (t.root.k === 'package') return t;
      const f = this.of(e.whenFalse, mod, depth);
      return f.root.k === 'package' || t.root.k === 'unknown' || t.root.k === 'global' ? f : t;
    }
    if (ts.isClassExpression(e)) return { root: { k: 'class', node: e, module: mod }, steps: [] };
    if (ts.isArrowFunction(e) || ts.isFunctionExpression(e)) return { root: { k: 'function', node: e, module: mod }, steps: [] };
    if (
      ts.isObjectLiteralExpression(e) ||
      ts.isArrayLiteralExpression(e) ||
      ts.isStringLiteralLike(e) ||
      ts.isNumericLiteral(e) ||
      ts.isTemplateExpression(e) ||
      ts.isTaggedTemplateExpression(e)
    ) {
      return { root: { k: 'literal', node: e, module: mod }, steps: [] };
    }
    return UNKNOWN;
  }

  /** `a.name`: an own property of a literal, an export of a namespace, or one more step. */
  private property(base: Origin, name: string, depth: number): Origin {
    const fromContext = this.requestContext(base, name, depth);
    if (fromContext) return fromContext;
    // `Repo.db`: a static field of a project class.
    if (base.root.k === 'class' && !base.steps.length && depth < 30) {
      const field = staticMember(this, base.root.node, name, base.root.module, depth + 1);
      if (field && field.root.k !== 'unknown') return field;
    }
    // `new Connect().knex`, `db.pool`: a field of a project class's instance is what the class puts there.
    const inst = base.steps.at(-1);
    if (inst?.k === 'typed' && inst.cls && inst.clsModule && depth < 30) {
      const field = classMember(this, inst.cls, name, inst.clsModule, depth + 1) ?? inheritedMember(this, inst.cls, name, inst.clsModule, depth + 1);
      if (field && field.root.k !== 'unknown') return field;
    }
    if (!base.steps.length) {
      if (base.root.k === 'module') {
        const r = this.index.resolveExport(base.root.module.relPath, name);
        return r ? this.ofResolved(r, depth, name) : { root: { k: 'unknown', name }, steps: [] };
      }
      if (base.root.k === 'literal' && ts.isObjectLiteralExpression(base.root.node)) {
        const v = ownProperty(base.root.node, name) ?? expandoProperty(base.root.node, base.root.module.sourceFile, name);
        if (v) return this.of(v, base.root.module, depth);
      }
    }
    return withStep(base, { k: 'get', name });
  }

  /**
   * `({ ctx }) => ctx.db` in a tRPC procedure: the context is what the function
   * named in `initTRPC.context<typeof createContext>()` returns, so `ctx.db` is
   * that object's `db`. (tRPC is how most TypeScript services hand their
   * database to request handlers.)
   */
  private requestContext(base: Origin, name: string, depth: number): Origin | undefined {
    const n = base.steps.length;
    if (n < 2 || base.root.k !== 'package' || base.root.pkg !== '@trpc/server') return undefined;
    const last = base.steps[n - 1]!;
    const cb = base.steps[n - 2]!;
    if (last.k !== 'get' || last.name !== 'ctx' || cb.k !== 'cb') return undefined;
    for (const s of base.steps) {
      if (s.k !== 'call' || s.name !== 'context') continue;
      const arg = s.node.typeArguments?.[0];
      if (!arg || !ts.isTypeQueryNode(arg) || !ts.isIdentifier(arg.exprName)) return undefined;
      const mod = this.moduleOf(s.node);
      if (!mod) return undefined;
      const fn = this.of(arg.exprName, mod, depth);
      const ret = fn.root.k === 'function' && !fn.steps.length ? returnedExpression(fn.root.node) : undefined;
      if (!ret || fn.root.k !== 'function') return undefined;
      const obj = this.of(ret, fn.root.module, depth);
      if (obj.root.k === 'literal' && ts.isObjectLiteralExpression(obj.root.node) && !obj.steps.length) {
        const v = ownProperty(obj.root.node, name);
        if (v) return this.of(v, obj.root.module, depth);
      }
      return undefined;
    }
    return undefined;
  }

  /** The module a node was traced in (recorded as origins are computed). */
  private moduleOf(node: ts.Node): ModuleInfo | undefined {
    return this.nodeModules.get(node);
  }
  private readonly nodeModules = new WeakMap<ts.Node, ModuleInfo>();

  ofResolved(r: Resolved, depth: number, name?: string): Origin {
    switch (r.kind) {
      case 'package':
        return { root: { k: 'package', pkg: r.name, name: r.imported }, steps: [] };
      case 'module':
        return { root: { k: 'module', module: r.module }, steps: [] };
      case 'expr':
        if (ts.isClassDeclaration(r.expr as ts.Node) || ts.isFunctionDeclaration(r.expr as ts.Node)) {
          const n = r.expr as ts.Node;
          return { root: ts.isClassDeclaration(n) ? { k: 'class', node: n, module: r.module } : { k: 'function', node: n, module: r.module }, steps: [] };
        }
        return this.of(r.expr, r.module, depth);
      case 'binding':
        return this.ofBinding(r.binding, r.module, depth);
      case 'global':
        return { root: { k: 'global', name: r.name }, steps: [] };
      case 'unresolved':
        return { root: { k: 'unknown', name: name ?? r.imported, unresolved: r.specifier }, steps: [] };
      default:
        return { root: { k: 'unknown', name }, steps: [] };
    }
  }

  private ofBinding(b: Binding, mod: ModuleInfo, depth: number): Origin {
    if (b.kind === 'class') return { root: { k: 'class', node: b.node as ts.ClassLikeDeclaration, module: mod }, steps: [] };
    if (b.kind === 'function') return { root: { k: 'function', node: b.node, module: mod }, steps: [] };
    if (b.kind === 'enum' || b.kind === 'namespace') return { root: { k: 'literal', node: b.node as ts.Expression, module: mod }, steps: [] };
    if (b.kind === 'param') {
      const fn = b.fn!;
      const site = mod.scopes.callbacks.get(fn);
      let o: Origin | undefined;
      if (b.type) o = this.ofType(b.type, mod, depth);
      else if (site && ts.isCallExpression(site.call)) {
        const callee = unwrapExpression(site.call.expression);
        const method = ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
        const base = ts.isPropertyAccessExpression(callee) ? this.of(callee.expression, mod, depth) : this.of(callee, mod, depth);
        // `findOne(…).then((row) => …)`: the callback is given what the promise resolves to, as `await` would.
        if (method === 'then' && site.argIndex === 0 && (b.paramIndex ?? 0) === 0) o = base;
        else o = withStep(base, { k: 'cb', method, call: site.call, arg: site.argIndex, param: b.paramIndex ?? 0, name: b.path ? undefined : b.name });
      } else if (ts.isParameter(b.node) && ts.isConstructorDeclaration(fn)) {
        o = undefined;
      }
      if (!o) return { root: { k: 'unknown', name: b.path ? undefined : b.name }, steps: [] };
      return this.followPath(o, b, depth);
    }
    if (b.kind === 'catch') return { root: { k: 'unknown', name: b.name }, steps: [] };
    // var / let / const
    let o: Origin;
    if (b.type && !b.path) o = this.ofType(b.type, mod, depth);
    else if (b.iterates) o = withStep(this.of(b.iterates, mod, depth), { k: 'elem' });
    else if (b.initializer) {
      // `const [user, article] = await Promise.all([User.findByPk(a), Article.findByPk(b)])`: each name is its own element.
      const first = b.path?.[0];
      const element = first?.k === 'index' ? destructuredElement(b.initializer, first.index) : undefined;
      if (element) return this.followPath(this.of(element, mod, depth), { ...b, path: b.path!.slice(1) }, depth);
      o = this.of(b.initializer, mod, depth);
    } else {
      // `let sequelize; if (…) sequelize = new Sequelize(a); else sequelize = new Sequelize(b);`
      const assigned = b.path ? undefined : firstAssignment(mod, b, this.index);
      if (!assigned) return { root: { k: 'unknown', name: b.name }, steps: [] };
      o = this.of(assigned, mod, depth);
    }
    if (o.root.k === 'unknown' && !o.steps.length && b.defaultValue) o = this.of(b.defaultValue, mod, depth);
    return this.followPath(o, b, depth);
  }

  private followPath(o: Origin, b: Binding, depth: number): Origin {
    for (const step of b.path ?? []) {
      if (step.k === 'prop') o = this.property(o, step.name, depth);
      else if (step.k === 'index') o = withStep(o, { k: 'elem' });
      else return { root: { k: 'unknown', name: b.name }, steps: [] };
    }
    return o;
  }

  /** A value of a declared type: the type's origin plus a `typed` step with its arguments. */
  ofType(type: ts.TypeNode, mod: ModuleInfo, depth: number): Origin {
    if (ts.isUnionTypeNode(type) || ts.isIntersectionTypeNode(type)) {
      for (const t of type.types) {
        const o = this.ofType(t, mod, depth);
        if (o.root.k !== 'unknown' && o.root.k !== 'global') return o;
      }
      return UNKNOWN;
    }
    if (ts.isParenthesizedTypeNode(type)) return this.ofType(type.type, mod, depth);
    if (ts.isTypeQueryNode(type)) return this.of(entityNameToExpression(type.exprName), mod, depth);
    if (!ts.isTypeReferenceNode(type)) return UNKNOWN;
    const names: string[] = [];
    let n: ts.EntityName = type.typeName;
    while (ts.isQualifiedName(n)) {
      names.unshift(n.right.text);
      n = n.left;
    }
    const r = this.index.resolveName(mod, n.text, n.end - 1);
    const viaUtility = r.kind === 'global' && !names.length ? utilityTypeOrigin(this, n.text, type.typeArguments?.[0], mod, depth) : undefined;
    if (viaUtility) return viaUtility;
    let o: Origin;
    if (r.kind === 'binding' && r.binding.kind === 'class') return this.instanceOf(r.binding.node as ts.ClassLikeDeclaration, r.module, depth);
    if (r.kind === 'binding' && ts.isTypeAliasDeclaration(r.binding.node as ts.Node)) return this.ofType((r.binding.node as unknown as ts.TypeAliasDeclaration).type, r.module, depth);
    if (r.kind === 'global' || (r.kind === 'binding' && r.binding.kind !== 'class')) {
      // A name that is a value and a type at once (`export type EntityManager = Driver & {…}`
      // beside `export const EntityManager = Driver`, as MikroORM's generated entities file
      // writes): in a type position, the type alias where the name was declared.
      const alias = typeAlias(mod, n.text) ?? (r.kind === 'binding' && r.module !== mod ? typeAlias(r.module, r.binding.name) : undefined);
      if (alias) return this.ofType(alias.type, r.kind === 'binding' && !typeAlias(mod, n.text) ? r.module : mod, depth);
      o = { root: r.kind === 'global' ? { k: 'global', name: n.text } : { k: 'unknown', name: n.text }, steps: [] };
    } else {
      o = this.ofResolved(r, depth, n.text);
      if (o.root.k === 'class' && !o.steps.length && !names.length) return this.instanceOf(o.root.node, o.root.module, depth);
    }
    for (const name of names) o = withStep(o, { k: 'get', name });
    return withStep(o, { k: 'typed', typeArgs: type.typeArguments ?? [], module: mod });
  }

  /** An instance of a project class: its base class's instance when it extends one (`class Db extends Kysely<DB>`). */
  instanceOf(cls: ts.ClassLikeDeclaration, mod: ModuleInfo, depth: number): Origin {
    const ext = cls.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0];
    if (!ext || depth > 30) return { root: { k: 'class', node: cls, module: mod }, steps: [{ k: 'typed', typeArgs: [], module: mod, cls, clsModule: mod }] };
    let base = this.of(ext.expression, mod, depth);
    if (base.root.k === 'class' && !base.steps.length && base.root.node !== cls) base = this.instanceOf(base.root.node, base.root.module, depth + 1);
    const inherited = base.steps.at(-1);
    const steps = inherited?.k === 'typed' ? base.steps.slice(0, -1) : base.steps;
    // The class nearest to the instance is what an ORM maps to a table; type arguments come from the nearest `extends X<…>`.
    const typeArgs = ext.typeArguments ?? (inherited?.k === 'typed' ? inherited.typeArgs : []);
    return { root: base.root, steps: [...steps, { k: 'typed', typeArgs, module: ext.typeArguments ? mod : inherited?.k === 'typed' ? inherited.module : mod, cls, clsModule: mod }] };
  }

}


function typeAlias(mod: ModuleInfo, name: string): ts.TypeAliasDeclaration | undefined {
  for (const st of mod.sourceFile.statements) if (ts.isTypeAliasDeclaration(st) && st.name.text === name) return st;
  return undefined;
}
