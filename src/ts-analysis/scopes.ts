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
  /** From `require(…)`: the whole module is its `module.exports` value, not a namespace. */
  require?: boolean;
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
  /** Every call and tagged template, outer before inner (collected by the same walk, so callers need no second one). */
  calls: (ts.CallExpression | ts.TaggedTemplateExpression)[];
}

function unwrapFn(e: ts.Expression): ts.Expression {
  while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e)) e = e.expression;
  return e;
}

export function buildScopes(sf: ts.SourceFile): FileScopes {
  const root: Scope = { start: 0, end: sf.end + 1, kind: 'module', node: sf, names: new Map(), children: [] };
  const callbacks = new Map<ts.Node, CallbackSite>();
  const classes: Scope[] = [];
  const calls: (ts.CallExpression | ts.TaggedTemplateExpression)[] = [];

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
  const add = (scope: Scope, b: Omit<Binding, 'initializer' | 'path' | 'defaultValue' | 'type' | 'fn' | 'paramIndex' | 'iterates'> & Partial<Binding>) => {
    if (!scope.names.has(b.name)) {
      scope.names.set(b.name, { initializer: undefined, path: undefined, defaultValue: undefined, type: undefined, fn: undefined, paramIndex: undefined, iterates: undefined, ...b });
    }
  };

  type Base = { kind: BindingKind; node: ts.Node; initializer?: ts.Expression; type?: ts.TypeNode; fn?: ts.SignatureDeclaration; paramIndex?: number; iterates?: ts.Expression };
  /** Binds every name in a binding pattern, with its path into the destructured value (one object shape for every binding: this runs for every declaration). */
  const bindName = (scope: Scope, name: ts.BindingName, base: Base, path?: PathStep[], defaultValue?: ts.Expression) => {
    if (name.kind === ts.SyntaxKind.Identifier) {
      const text = (name as ts.Identifier).text;
      if (scope.names.has(text)) return;
      scope.names.set(text, {
        name: text,
        kind: base.kind,
        node: base.node,
        initializer: base.initializer,
        path,
        defaultValue,
        type: path ? undefined : base.type,
        import: undefined,
        fn: base.fn,
        paramIndex: base.paramIndex,
        iterates: base.iterates,
      });
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
        bindName(scope, el.name, base, [...(path ?? []), step], el.initializer);
      }
      return;
    }
    (name as ts.ArrayBindingPattern).elements.forEach((el, i) => {
      if (ts.isOmittedExpression(el)) return;
      bindName(scope, el.name, base, [...(path ?? []), el.dotDotDotToken ? { k: 'rest' } : { k: 'index', index: i }], el.initializer);
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

  const SK = ts.SyntaxKind;
  const visitFunction = (node: ts.SignatureDeclaration & { body?: ts.Node; name?: ts.Node }, scope: Scope) => {
    const s = open(scope, node, 'function');
    if (node.kind === SK.FunctionExpression && node.name && ts.isIdentifier(node.name)) add(s, { name: node.name.text, kind: 'function', node });
    bindParams(s, node);
    for (const p of node.parameters) visit(p, s);
    const body = node.body;
    if (body && body.kind === SK.Block) for (const st of (body as ts.Block).statements) visit(st, s);
    else if (body) visit(body, s);
  };

  // A switch on the kind: this walk runs over every node of every analysed file.
  const visit = (node: ts.Node, scope: Scope): void => {
    switch (node.kind) {
      case SK.ImportDeclaration: {
        const decl = node as ts.ImportDeclaration;
        const clause = decl.importClause;
        if (clause && ts.isStringLiteral(decl.moduleSpecifier)) {
          const specifier = decl.moduleSpecifier.text;
          if (clause.name) add(scope, { name: clause.name.text, kind: 'import', node: clause, import: { specifier, imported: 'default' } });
          const nb = clause.namedBindings;
          if (nb && ts.isNamespaceImport(nb)) add(scope, { name: nb.name.text, kind: 'import', node: nb, import: { specifier, imported: '*' } });
          if (nb && ts.isNamedImports(nb)) {
            for (const el of nb.elements) add(scope, { name: el.name.text, kind: 'import', node: el, import: { specifier, imported: (el.propertyName ?? el.name).text } });
          }
        }
        return;
      }
      case SK.ImportEqualsDeclaration: {
        const n = node as ts.ImportEqualsDeclaration;
        const ref = n.moduleReference;
        if (ts.isExternalModuleReference(ref) && ts.isStringLiteral(ref.expression)) add(scope, { name: n.name.text, kind: 'import', node, import: { specifier: ref.expression.text, imported: '*' } });
        return;
      }
      case SK.VariableStatement: {
        const list = (node as ts.VariableStatement).declarationList;
        bindVariables(list, scope);
        for (const d of list.declarations) {
          if (d.initializer) visit(d.initializer, scope);
          if (!ts.isIdentifier(d.name)) visitBindingDefaults(d.name, scope);
        }
        return;
      }
      case SK.FunctionDeclaration: {
        const n = node as ts.FunctionDeclaration;
        if (n.name) add(scope, { name: n.name.text, kind: 'function', node });
        visitFunction(n, scope);
        return;
      }
      case SK.FunctionExpression:
      case SK.ArrowFunction:
      case SK.MethodDeclaration:
      case SK.Constructor:
      case SK.GetAccessor:
      case SK.SetAccessor:
        visitFunction(node as ts.SignatureDeclaration & { body?: ts.Node }, scope);
        return;
      case SK.ClassDeclaration:
      case SK.ClassExpression: {
        const n = node as ts.ClassLikeDeclaration;
        if (node.kind === SK.ClassDeclaration && n.name) add(scope, { name: n.name.text, kind: 'class', node });
        const s = open(scope, node, 'class');
        if (node.kind === SK.ClassExpression && n.name) add(s, { name: n.name.text, kind: 'class', node });
        ts.forEachChild(node, (c) => visit(c, s));
        return;
      }
      case SK.EnumDeclaration:
        add(scope, { name: (node as ts.EnumDeclaration).name.text, kind: 'enum', node });
        return;
      case SK.ModuleDeclaration: {
        const n = node as ts.ModuleDeclaration;
        if (ts.isIdentifier(n.name)) add(scope, { name: n.name.text, kind: 'namespace', node });
        const s = open(scope, node, 'function');
        ts.forEachChild(node, (c) => visit(c, s));
        return;
      }
      case SK.Block:
      case SK.CaseBlock: {
        // A block that declares nothing block-scoped needs no scope of its own (most if/loop/try bodies).
        const s = declaresBlockScoped(node) ? open(scope, node, 'block') : scope;
        ts.forEachChild(node, (c) => visit(c, s));
        return;
      }
      case SK.ForStatement:
      case SK.ForInStatement:
      case SK.ForOfStatement: {
        const n = node as ts.ForStatement | ts.ForInStatement | ts.ForOfStatement;
        const s = open(scope, node, 'block');
        const init = n.initializer;
        if (init && ts.isVariableDeclarationList(init)) {
          bindVariables(init, s, node.kind === SK.ForOfStatement ? (n as ts.ForOfStatement).expression : undefined);
          for (const d of init.declarations) if (d.initializer) visit(d.initializer, s);
        } else if (init) visit(init, s);
        ts.forEachChild(node, (c) => {
          if (c !== init) visit(c, s);
        });
        return;
      }
      case SK.CatchClause: {
        const n = node as ts.CatchClause;
        const s = open(scope, node, 'block');
        const d = n.variableDeclaration;
        if (d) bindName(s, d.name, { kind: 'catch', node: d, type: d.type });
        visit(n.block, s);
        return;
      }
      case SK.TaggedTemplateExpression:
        calls.push(node as ts.TaggedTemplateExpression);
        break;
      case SK.CallExpression:
      case SK.NewExpression: {
        const n = node as ts.CallExpression | ts.NewExpression;
        if (node.kind === SK.CallExpression) calls.push(node as ts.CallExpression);
        const args = n.arguments;
        if (args) {
          for (let argIndex = 0; argIndex < args.length; argIndex++) {
            const fn = unwrapFn(args[argIndex]!);
            if (fn.kind === SK.ArrowFunction || fn.kind === SK.FunctionExpression) callbacks.set(fn, { call: n, argIndex });
          }
        }
        break;
      }
      case SK.Identifier:
      case SK.StringLiteral:
      case SK.NumericLiteral:
      case SK.NoSubstitutionTemplateLiteral:
        return;
    }
    ts.forEachChild(node, (c) => visit(c, scope));
  };
  const visitBindingDefaults = (name: ts.BindingName, scope: Scope) => {
    ts.forEachChild(name, (c) => visit(c, scope));
  };

  sf.statements.forEach((st) => visit(st, root));
  return { root, callbacks, classes, calls };
}

function declaresBlockScoped(block: ts.Node): boolean {
  const statements = ts.isBlock(block) ? block.statements : (block as ts.CaseBlock).clauses.flatMap((c) => [...c.statements]);
  for (const st of statements) {
    switch (st.kind) {
      case ts.SyntaxKind.VariableStatement:
        if ((st as ts.VariableStatement).declarationList.flags & (ts.NodeFlags.Const | ts.NodeFlags.Let | ts.NodeFlags.Using | ts.NodeFlags.AwaitUsing)) return true;
        break;
      case ts.SyntaxKind.FunctionDeclaration:
      case ts.SyntaxKind.ClassDeclaration:
      case ts.SyntaxKind.EnumDeclaration:
      case ts.SyntaxKind.ModuleDeclaration:
        return true;
    }
  }
  return false;
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
