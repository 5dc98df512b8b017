import { ts } from './typescript.js';
import { unwrapExpression } from './const-value.js';
import type { ModuleIndex, ModuleInfo } from './module-index.js';
import type { Binding } from './scopes.js';

/**
 * Values given by assignment rather than declaration, as CommonJS code and
 * registries give them: the tracer asks here when a declaration has no value.
 */
const expandos = new WeakMap<ts.ObjectLiteralExpression, Map<string, ts.Expression>>();

/**
 * `const db = {}; … db.sequelize = sequelize;`: a property added to an object
 * literal by assignment in its own module (sequelize-cli's `models/index.js`,
 * CommonJS registries). The first such assignment is the value.
 */
export function expandoProperty(obj: ts.ObjectLiteralExpression, sf: ts.SourceFile, name: string): ts.Expression | undefined {
  let props = expandos.get(obj);
  if (!props) {
    props = new Map();
    expandos.set(obj, props);
    let id: string | undefined;
    const findDecl = (n: ts.Node): void => {
      if (id) return;
      if (ts.isVariableDeclaration(n) && n.initializer === obj && ts.isIdentifier(n.name)) id = n.name.text;
      else ts.forEachChild(n, findDecl);
    };
    findDecl(sf);
    const collect = (n: ts.Node): void => {
      if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isPropertyAccessExpression(n.left) && ts.isIdentifier(n.left.expression) && n.left.expression.text === id) {
        if (!props!.has(n.left.name.text)) props!.set(n.left.name.text, n.right);
      }
      ts.forEachChild(n, collect);
    };
    if (id) collect(sf);
  }
  return props.get(name);
}

/** The first `name = value` in the module that assigns this very binding (a `let` declared without a value). */
export function firstAssignment(mod: ModuleInfo, b: Binding, index: ModuleIndex): ts.Expression | undefined {
  let found: ts.Expression | undefined;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isIdentifier(n.left) && n.left.text === b.name) {
      const r = index.resolveIdentifier(mod, n.left);
      if (r.kind === 'binding' && r.binding.node === b.node && r.binding.name === b.name) {
        found = n.right;
        return;
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(mod.sourceFile);
  return found;
}

/**
 * The element an array pattern takes at `index` when the array is written out:
 * `[a, b]`, or the array handed to `Promise.all` (whose result keeps the order).
 */
export function destructuredElement(init: ts.Expression, index: number): ts.Expression | undefined {
  let e = unwrapExpression(init);
  if (ts.isAwaitExpression(e)) e = unwrapExpression(e.expression);
  if (ts.isCallExpression(e)) {
    const c = unwrapExpression(e.expression);
    const isAll = ts.isPropertyAccessExpression(c) && c.name.text === 'all' && ts.isIdentifier(c.expression) && c.expression.text === 'Promise';
    e = isAll && e.arguments[0] ? unwrapExpression(e.arguments[0]) : e;
  }
  if (!ts.isArrayLiteralExpression(e)) return undefined;
  const elements = e.elements;
  // A spread before the index moves every later element: not read.
  if (elements.slice(0, index + 1).some(ts.isSpreadElement)) return undefined;
  const el = elements[index];
  return el && !ts.isOmittedExpression(el) ? el : undefined;
}
