import { ts } from './typescript.js';
import { propertyNameText } from './const-value.js';
import type { ModuleInfo } from './module-index.js';
import type { Origin } from './origin.js';
import { storedParameter, superArgument } from './constructor-parameters.js';

/**
 * What `this.name` (or `instance.name`) holds, read from a project class: a field's type or
 * initializer, a constructor parameter property, `this.name = …` in the constructor, a getter's
 * type, a method (a project function), or what a subclass hands the base constructor that stores it.
 */
export interface MemberTracer {
  of(expr: ts.Expression, mod: ModuleInfo, depth?: number): Origin;
  ofType(type: ts.TypeNode, mod: ModuleInfo, depth: number): Origin;
}

/**
 * `this.name` declared by a project base class. When the base constructor stores one of its
 * parameters there (`this.repository = repository`, a parameter property, or a property of a
 * destructured options parameter), the value is what this class hands to `super(…)`: a generic
 * base service (`class SessionService extends BaseService { constructor() { super({ repository: Session }) } }`)
 * writes the subclass's model, not an unknown one.
 */
export function inheritedMember(t: MemberTracer, cls: ts.ClassLikeDeclaration, name: string, mod: ModuleInfo, depth: number, fieldsOnly = false): Origin | undefined {
  let sub: ClassRef = { cls, mod };
  for (let hops = 0; hops < 8 && depth < 30; hops++) {
    const base = baseClassOf(t, sub.cls, sub.mod, depth + 1);
    if (!base) return undefined;
    const stored = storedParameter(base.cls, name);
    if (stored) {
      const handed = superArgument(sub.cls, stored);
      // A subclass without a constructor of its own passes its arguments through: nothing to bind here.
      return handed ? t.of(handed, sub.mod, depth + 1) : member(t, base.cls, name, base.mod, depth + 1, fieldsOnly);
    }
    const found = member(t, base.cls, name, base.mod, depth + 1, fieldsOnly);
    if (found) return found;
    sub = base;
  }
  return undefined;
}

/** A project class and the module declaring it. */
export interface ClassRef {
  cls: ts.ClassLikeDeclaration;
  mod: ModuleInfo;
}

/** The project class `cls` extends (`class A extends B`); undefined for none, a package's class, or itself. */
export function baseClassOf(t: Pick<MemberTracer, 'of'>, cls: ts.ClassLikeDeclaration, mod: ModuleInfo, depth = 0): ClassRef | undefined {
  const ext = cls.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0];
  const base = ext && t.of(ext.expression, mod, depth);
  return base && base.root.k === 'class' && !base.steps.length && base.root.node !== cls ? { cls: base.root.node, mod: base.root.module } : undefined;
}

/** `cls`, then each project class it extends, nearest first; a chain longer than 8 (a cycle) ends there. */
export function* classChain(t: Pick<MemberTracer, 'of'>, cls: ts.ClassLikeDeclaration, mod: ModuleInfo): Generator<ClassRef> {
  let c: ClassRef | undefined = { cls, mod };
  for (let hops = 0; c && hops < 9; hops++) {
    yield c;
    c = baseClassOf(t, c.cls, c.mod);
  }
}

/** `this.name` inside a class: a property's initializer or type, a constructor parameter property, or `this.name = …` in the constructor. */
export function member(t: MemberTracer, cls: ts.ClassLikeDeclaration, name: string, mod: ModuleInfo, depth: number, fieldsOnly = false): Origin | undefined {
  let untraceableType: Origin | undefined;
  for (const m of cls.members) {
    if (ts.isPropertyDeclaration(m) && m.name && propertyNameText(m.name) === name) {
      const typed = m.type && t.ofType(m.type, mod, depth);
      // A type that says nothing traceable (`{ user: ModelStatic<UserModel>; … }`) gives way to the value stored.
      if (typed && typed.root.k !== 'unknown') return typed;
      if (m.initializer) return t.of(m.initializer, mod, depth);
      untraceableType = typed;
    }
    if (ts.isConstructorDeclaration(m)) {
      for (const p of m.parameters) {
        if (ts.isIdentifier(p.name) && p.name.text === name && p.type && ts.getModifiers(p)?.length) return t.ofType(p.type, mod, depth);
      }
      for (const st of m.body?.statements ?? []) {
        if (!ts.isExpressionStatement(st) || !ts.isBinaryExpression(st.expression) || st.expression.operatorToken.kind !== ts.SyntaxKind.EqualsToken) continue;
        const left = st.expression.left;
        if (ts.isPropertyAccessExpression(left) && left.expression.kind === ts.SyntaxKind.ThisKeyword && left.name.text === name) return t.of(st.expression.right, mod, depth);
      }
    }
    if ((ts.isGetAccessorDeclaration(m) || ts.isMethodDeclaration(m)) && m.name && propertyNameText(m.name) === name && m.type && ts.isGetAccessorDeclaration(m)) {
      return t.ofType(m.type, mod, depth);
    }
    // `this.findById(id)`: a method of the class is a project function, so a call of it is what it returns.
    if (!fieldsOnly && ts.isMethodDeclaration(m) && m.body && m.name && propertyNameText(m.name) === name) return { root: { k: 'function', node: m, module: mod }, steps: [] };
  }
  return untraceableType;
}

/** `Repo.db`: a static field's type or initializer, or a static getter's declared type, of the class or a class it extends. */
export function staticMember(t: MemberTracer, cls: ts.ClassLikeDeclaration, name: string, mod: ModuleInfo, depth: number): Origin | undefined {
  for (const m of cls.members) {
    const isStatic = ts.getModifiers(m as ts.HasModifiers)?.some((x) => x.kind === ts.SyntaxKind.StaticKeyword);
    if (!isStatic || !m.name || propertyNameText(m.name) !== name) continue;
    if (ts.isPropertyDeclaration(m)) {
      const typed = m.type && t.ofType(m.type, mod, depth);
      if (typed && typed.root.k !== 'unknown') return typed;
      if (m.initializer) return t.of(m.initializer, mod, depth);
    }
    if (ts.isGetAccessorDeclaration(m) && m.type) return t.ofType(m.type, mod, depth);
  }
  return undefined;
}
