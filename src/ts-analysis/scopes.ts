import { ts } from './typescript.js';

/**
 * Lexical scopes of one file, built in one walk without parent pointers:
 * module, function (parameters and body), block, loop heads, catch clauses and
 * classes. An identifier is looked up by its position, so a local or a
 * parameter shadows an import of the same name in its scope only.
 */
export type PathStep = { k: 'prop'; name: string } | { k: 'index'; index: number } | { k: 'rest' };

export interface ImportBinding {
  /** The module specifier as written. */
  specifier: string;
  /** The exported name, `default`, or `*` for a namespace import. */
  imported: string;
}

export type BindingKind = 'var' | 'let' | 'const' | 'param' | 'function' | 'class' | 'import' | 'catch' | 'enum' | 'namespace';

export interface Binding {
  name: string;
  kind: BindingKind;
  /** The declaring node (VariableDeclaration, ParameterDeclaration, FunctionDeclaration, ClassDeclaration, …). */
  node: ts.Node;
  /** The value the declaration starts from (for destructuring: the destructured value). */
  initializer?: ts.Expression;
  /** Where the name sits inside a destructured value. */
  path?: PathStep[];
  /** `{ a = fallback }`. */
  defaultValue?: ts.Expression;
  /** The type annotation of a plain (not destructured) declaration or parameter. */
  type?: ts.TypeNode;
  import?: ImportBinding;
  /** For a parameter: its function and position. */
  fn?: ts.SignatureDeclaration;
  paramIndex?: number;
  /** `for (const x of xs)`: the iterated expression. */
  iterates?: ts.Expression;
}

export interface Scope {
  start: number;
  end: number;
  kind: 'module' | 'function' | 'block' | 'class';
  node: ts.Node;
  names: Map<string, Binding>;
  children: Scope[];
  parent?: Scope;
}

/** A function passed as an argument: which call, which argument. */
export interface CallbackSite {
  call: ts.CallExpression | ts.NewExpression;
  argIndex: number;
}

export interface FileScopes {
  root: Scope;
  /** Functions passed directly as arguments (transaction callbacks and the like). */
  callbacks: Map<ts.Node, CallbackSite>;
  /** Every class in the file (for `this`). */
  classes: Scope[];
}

function isFunctionLike(n: ts.Node): n is ts.SignatureDeclaration & { body?: ts.Node } {
  return (
    ts.isFunctionDeclaration(n) ||
    ts.isFunctionExpression(n) ||
    ts.isArrowFunction(n) ||
    ts.isMethodDeclaration(n) ||
    ts.isConstructorDeclaration(n) ||
    ts.isGetAccessorDeclaration(n) ||
    ts.isSetAccessorDeclaration(n)
  );
}

function unwrapFn(e: ts.Expression): ts.Expression {
  while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e)) e = e.expression;
  return e;
}

export function buildScopes(sf: ts.SourceFile): FileScopes {
  const root: Scope = { start: 0, end: sf.end + 1, kind: 'module', node: sf, names: new Map(), children: [] };
  const callbacks = new Map<ts.Node, CallbackSite>();
  const classes: Scope[] = [];

  const open = (parent: Scope, node: ts.Node, kind: Scope['kind']): Scope => {
    const s: Scope = { start: node.pos, end: node.end, kind, node, names: new Map(), children: [], parent };
    parent.children.push(s);
    if (kind === 'class') classes.push(s);
    return s;
  };
  const fnScope = (s: Scope): Scope => {
    let x = s;
    while (x.kind !== 'function' && x.kind !== 'module' && x.parent) x = x.parent;
    return x;
  };
  const add = (scope: Scope, b: Binding) => {
    if (!scope.names.has(b.name)) scope.names.set(b.name, b);
  };

  /** Binds every name in a binding pattern, with its path into the destructured value. */
  const bindName = (scope: Scope, name: ts.BindingName, base: Omit<Binding, 'name' | 'path' | 'defaultValue'>, path: PathStep[] = [], defaultValue?: ts.Expression) => {
    if (ts.isIdentifier(name)) {
      add(scope, { ...base, name: name.text, path: path.length ? path : undefined, defaultValue, type: path.length ? undefined : base.type });
      return;
    }
    if (ts.isObjectBindingPattern(name)) {
      for (const el of name.elements) {
        let step: PathStep;
        if (el.dotDotDotToken) step = { k: 'rest' };
        else {
          const prop = el.propertyName ?? (ts.isIdentifier(el.name) ? el.name : undefined);
          const text = prop && (ts.isIdentifier(prop) || ts.isStringLiteral(prop) || ts.isNumericLiteral(prop)) ? prop.text : '?';
          step = { k: 'prop', name: text };
        }
        bindName(scope, el.name, base, [...path, step], el.initializer);
      }
      return;
    }
    name.elements.forEach((el, i) => {
      if (ts.isOmittedExpression(el)) return;
      bindName(scope, el.name, base, [...path, el.dotDotDotToken ? { k: 'rest' } : { k: 'index', index: i }], el.initializer);
    });
  };

  const bindParams = (scope: Scope, fn: ts.SignatureDeclaration) => {
    fn.parameters.forEach((p, i) => {
      bindName(scope, p.name, { kind: 'param', node: p, type: p.type, fn, paramIndex: i, initializer: p.initializer });
    });
  };

  const bindVariables = (list: ts.VariableDeclarationList, scope: Scope, iterates?: ts.Expression) => {
    const kind: BindingKind = list.flags & ts.NodeFlags.Const ? 'const' : list.flags & (ts.NodeFlags.Let | ts.NodeFlags.Using | ts.NodeFlags.AwaitUsing) ? 'let' : 'var';
    const target = kind === 'var' ? fnScope(scope) : scope;
    for (const d of list.declarations) {
      bindName(target, d.name, { kind, node: d, initializer: d.initializer, type: d.type, iterates });
    }
  };

  const visit = (node: ts.Node, scope: Scope): void => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      if (clause && ts.isStringLiteral(node.moduleSpecifier)) {
        const specifier = node.moduleSpecifier.text;
        if (clause.name) add(scope, { name: clause.name.text, kind: 'import', node: clause, import: { specifier, imported: 'default' } });
        const nb = clause.namedBindings;
        if (nb && ts.isNamespaceImport(nb)) add(scope, { name: nb.name.text, kind: 'import', node: nb, import: { specifier, imported: '*' } });
        if (nb && ts.isNamedImports(nb)) {
          for (const el of nb.elements) add(scope, { name: el.name.text, kind: 'import', node: el, import: { specifier, imported: (el.propertyName ?? el.name).text } });
        }
      }
      return;
    }
    if (ts.isImportEqualsDeclaration(node)) {
      const ref = node.moduleReference;
      if (ts.isExternalModuleReference(ref) && ts.isStringLiteral(ref.expression)) {
        add(scope, { name: node.name.text, kind: 'import', node, import: { specifier: ref.expression.text, imported: '*' } });
      }
      return;
    }
    if (ts.isVariableStatement(node)) {
      bindVariables(node.declarationList, scope);
      for (const d of node.declarationList.declarations) {
        if (d.initializer) visit(d.initializer, scope);
        if (!ts.isIdentifier(d.name)) visitBindingDefaults(d.name, scope);
      }
      return;
    }
    if (ts.isFunctionDeclaration(node)) {
      if (node.name) add(scope, { name: node.name.text, kind: 'function', node });
      const s = open(scope, node, 'function');
      bindParams(s, node);
      node.parameters.forEach((p) => visit(p, s));
      if (node.body) node.body.statements.forEach((st) => visit(st, s));
      return;
    }
    if (isFunctionLike(node)) {
      const s = open(scope, node, 'function');
      if (ts.isFunctionExpression(node) && node.name) add(s, { name: node.name.text, kind: 'function', node });
      bindParams(s, node);
      node.parameters.forEach((p) => visit(p, s));
      const body = node.body;
      if (body && ts.isBlock(body)) body.statements.forEach((st) => visit(st, s));
      else if (body) visit(body, s);
      return;
    }
    if (ts.isClassDeclaration(node) || ts.isClassExpression(node)) {
      if (ts.isClassDeclaration(node) && node.name) add(scope, { name: node.name.text, kind: 'class', node });
      const s = open(scope, node, 'class');
      if (ts.isClassExpression(node) && node.name) add(s, { name: node.name.text, kind: 'class', node });
      ts.forEachChild(node, (c) => visit(c, s));
      return;
    }
    if (ts.isEnumDeclaration(node)) {
      add(scope, { name: node.name.text, kind: 'enum', node });
      return;
    }
    if (ts.isModuleDeclaration(node) && ts.isIdentifier(node.name)) {
      add(scope, { name: node.name.text, kind: 'namespace', node });
      const s = open(scope, node, 'function');
      ts.forEachChild(node, (c) => visit(c, s));
      return;
    }
    if (ts.isBlock(node) || ts.isCaseBlock(node)) {
      const s = open(scope, node, 'block');
      ts.forEachChild(node, (c) => visit(c, s));
      return;
    }
    if (ts.isForStatement(node) || ts.isForInStatement(node) || ts.isForOfStatement(node)) {
      const s = open(scope, node, 'block');
      const init = node.initializer;
      if (init && ts.isVariableDeclarationList(init)) {
        bindVariables(init, s, ts.isForOfStatement(node) ? node.expression : undefined);
        for (const d of init.declarations) if (d.initializer) visit(d.initializer, s);
      } else if (init) visit(init, s);
      ts.forEachChild(node, (c) => {
        if (c !== init) visit(c, s);
      });
      return;
    }
    if (ts.isCatchClause(node)) {
      const s = open(scope, node, 'block');
      const d = node.variableDeclaration;
      if (d) bindName(s, d.name, { kind: 'catch', node: d, type: d.type });
      visit(node.block, s);
      return;
    }
    if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
      node.arguments?.forEach((a, argIndex) => {
        const fn = unwrapFn(a);
        if (ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) callbacks.set(fn, { call: node, argIndex });
      });
    }
    ts.forEachChild(node, (c) => visit(c, scope));
  };
  const visitBindingDefaults = (name: ts.BindingName, scope: Scope) => {
    ts.forEachChild(name, (c) => visit(c, scope));
  };

  sf.statements.forEach((st) => visit(st, root));
  return { root, callbacks, classes };
}

/** The innermost scope holding a position. */
export function scopeAt(scopes: FileScopes, pos: number): Scope {
  let s = scopes.root;
  for (;;) {
    const child = s.children.find((c) => c.start <= pos && pos < c.end);
    if (!child) return s;
    s = child;
  }
}

/** The binding a name refers to at a position, or undefined for a global. */
export function lookup(scopes: FileScopes, name: string, pos: number): Binding | undefined {
  for (let s: Scope | undefined = scopeAt(scopes, pos); s; s = s.parent) {
    const b = s.names.get(name);
    if (b) return b;
  }
  return undefined;
}

/** The innermost class around a position (for `this`). */
export function classAt(scopes: FileScopes, pos: number): ts.ClassLikeDeclaration | undefined {
  for (let s: Scope | undefined = scopeAt(scopes, pos); s; s = s.parent) {
    if (s.kind === 'class') return s.node as ts.ClassLikeDeclaration;
  }
  return undefined;
}

/** The innermost function around a position. */
export function functionAt(scopes: FileScopes, pos: number): ts.Node | undefined {
  for (let s: Scope | undefined = scopeAt(scopes, pos); s; s = s.parent) {
    if (s.kind === 'function') return s.node;
  }
  return undefined;
}
