import { ts } from './typescript.js';
import { buildScopes, type FileScopes, type ImportBinding } from './scopes.js';

/**
 * What one file says about itself, read from its syntax: its imports (static,
 * `require`, `import()`), its exports (ESM and CommonJS) and, on demand, its
 * scopes. Following them across files is module-index.ts's job.
 */
export type ExportTarget =
  /** `export const x`, `export { a as x }`, `export default name`. */
  | { kind: 'local'; name: string; pos: number }
  /** `export default <expression>`, `module.exports = …`, `exports.x = …`. */
  | { kind: 'expr'; expr: ts.Expression }
  /** `export { a as x } from './m'`. */
  | { kind: 're'; specifier: string; imported: string }
  /** `export * as x from './m'`. */
  | { kind: 'ns'; specifier: string };

export interface ImportSite {
  specifier: string;
  node: ts.Node;
}

export interface ModuleInfo {
  /** Relative to the index root, POSIX (`../` for files outside it: read for resolution only). */
  relPath: string;
  absPath: string;
  sourceFile: ts.SourceFile;
  /** Module-level imports: local name → binding. */
  imports: Map<string, ImportBinding>;
  /** Every import, re-export, `require('…')` and `import('…')` with a literal specifier. */
  importSites: ImportSite[];
  exports: Map<string, ExportTarget>;
  /** `export * from '…'`. */
  starExports: string[];
  /** `module.exports = <value>` (not an object literal): what `require()` of this module returns is that value. */
  moduleExportsValue?: boolean;
  readonly scopes: FileScopes;
}

function scriptKind(path: string): ts.ScriptKind {
  if (path.endsWith('.tsx')) return ts.ScriptKind.TSX;
  if (path.endsWith('.jsx')) return ts.ScriptKind.JSX;
  if (/\.(m|c)?js$/.test(path)) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

function hasModifier(node: ts.Node, kind: ts.SyntaxKind): boolean {
  // node.modifiers directly: ts.getModifiers allocates a filtered copy for every statement.
  const mods = (node as { modifiers?: ts.NodeArray<ts.Node> }).modifiers;
  if (!mods) return false;
  for (const m of mods) if (m.kind === kind) return true;
  return false;
}
const hasExport = (node: ts.Node) => hasModifier(node, ts.SyntaxKind.ExportKeyword);
const hasDefault = (node: ts.Node) => hasModifier(node, ts.SyntaxKind.DefaultKeyword);

/** `module.exports` / `exports` as an assignment target. */
function commonJsExport(left: ts.Expression): string | undefined {
  if (ts.isPropertyAccessExpression(left)) {
    const obj = left.expression;
    if (ts.isIdentifier(obj) && obj.text === 'module' && left.name.text === 'exports') return 'default';
    if (ts.isIdentifier(obj) && obj.text === 'exports') return left.name.text;
    if (ts.isPropertyAccessExpression(obj) && ts.isIdentifier(obj.expression) && obj.expression.text === 'module' && obj.name.text === 'exports') return left.name.text;
  }
  return undefined;
}

export function isRequireCall(e: ts.Node): boolean {
  return ts.isCallExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'require' && e.arguments.length === 1 && ts.isStringLiteralLike(e.arguments[0]!);
}

function collectDynamicImports(sf: ts.SourceFile, sites: ImportSite[]): void {
  // Cheap pre-check: most files have neither.
  if (!sf.text.includes('require(') && !sf.text.includes('import(')) return;
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n) && n.arguments.length >= 1 && ts.isStringLiteralLike(n.arguments[0]!)) {
      if ((ts.isIdentifier(n.expression) && n.expression.text === 'require') || n.expression.kind === ts.SyntaxKind.ImportKeyword) {
        sites.push({ specifier: (n.arguments[0] as ts.StringLiteral).text, node: n });
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
}

/** Parses one file (no parent pointers) and reads its imports and exports. */
export function readModuleInfo(relPath: string, absPath: string, text: string): ModuleInfo {
  // No parent pointers: they cost a third of the parse, and every walk goes down.
  const sourceFile = ts.createSourceFile(relPath, text, ts.ScriptTarget.Latest, false, scriptKind(relPath));
  let scopes: FileScopes | undefined;
  const info: ModuleInfo = {
    relPath,
    absPath,
    sourceFile,
    imports: new Map(),
    importSites: [],
    exports: new Map(),
    starExports: [],
    get scopes() {
      return (scopes ??= buildScopes(sourceFile));
    },
  };
  for (const stmt of sourceFile.statements) {
    if (ts.isImportDeclaration(stmt) && ts.isStringLiteral(stmt.moduleSpecifier)) {
      const specifier = stmt.moduleSpecifier.text;
      info.importSites.push({ specifier, node: stmt });
      const clause = stmt.importClause;
      if (clause?.name) info.imports.set(clause.name.text, { specifier, imported: 'default' });
      const nb = clause?.namedBindings;
      if (nb && ts.isNamespaceImport(nb)) info.imports.set(nb.name.text, { specifier, imported: '*' });
      if (nb && ts.isNamedImports(nb)) for (const el of nb.elements) info.imports.set(el.name.text, { specifier, imported: (el.propertyName ?? el.name).text });
      continue;
    }
    if (ts.isImportEqualsDeclaration(stmt) && ts.isExternalModuleReference(stmt.moduleReference) && ts.isStringLiteral(stmt.moduleReference.expression)) {
      const specifier = stmt.moduleReference.expression.text;
      info.importSites.push({ specifier, node: stmt });
      info.imports.set(stmt.name.text, { specifier, imported: '*' });
      continue;
    }
    if (ts.isExportDeclaration(stmt)) {
      const from = stmt.moduleSpecifier && ts.isStringLiteral(stmt.moduleSpecifier) ? stmt.moduleSpecifier.text : undefined;
      if (from) info.importSites.push({ specifier: from, node: stmt });
      if (!stmt.exportClause) {
        if (from) info.starExports.push(from);
      } else if (ts.isNamespaceExport(stmt.exportClause)) {
        if (from) info.exports.set(stmt.exportClause.name.text, { kind: 'ns', specifier: from });
      } else {
        for (const el of stmt.exportClause.elements) {
          const local = (el.propertyName ?? el.name).text;
          info.exports.set(el.name.text, from ? { kind: 're', specifier: from, imported: local } : { kind: 'local', name: local, pos: el.end - 1 });
        }
      }
      continue;
    }
    if (ts.isExportAssignment(stmt)) {
      const e = stmt.expression;
      info.exports.set('default', ts.isIdentifier(e) ? { kind: 'local', name: e.text, pos: e.end - 1 } : { kind: 'expr', expr: e });
      continue;
    }
    if (ts.isExpressionStatement(stmt) && ts.isBinaryExpression(stmt.expression) && stmt.expression.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const name = commonJsExport(stmt.expression.left);
      if (name) {
        const right = stmt.expression.right;
        info.exports.set(name, ts.isIdentifier(right) ? { kind: 'local', name: right.text, pos: right.end - 1 } : { kind: 'expr', expr: right });
        if (name === 'default' && !ts.isObjectLiteralExpression(right)) info.moduleExportsValue = true;
        if (name === 'default' && ts.isObjectLiteralExpression(right)) {
          for (const p of right.properties) {
            if (ts.isShorthandPropertyAssignment(p)) info.exports.set(p.name.text, { kind: 'local', name: p.name.text, pos: p.name.end - 1 });
            else if (ts.isPropertyAssignment(p) && ts.isIdentifier(p.name)) info.exports.set(p.name.text, ts.isIdentifier(p.initializer) ? { kind: 'local', name: p.initializer.text, pos: p.initializer.end - 1 } : { kind: 'expr', expr: p.initializer });
          }
        }
      }
      continue;
    }
    if (!hasExport(stmt)) continue;
    if (ts.isVariableStatement(stmt)) {
      for (const d of stmt.declarationList.declarations) {
        const names: ts.Identifier[] = [];
        const collect = (n: ts.BindingName) => {
          if (ts.isIdentifier(n)) names.push(n);
          else for (const el of n.elements) if (!ts.isOmittedExpression(el)) collect(el.name);
        };
        collect(d.name);
        for (const n of names) info.exports.set(n.text, { kind: 'local', name: n.text, pos: n.end - 1 });
      }
    } else if ((ts.isFunctionDeclaration(stmt) || ts.isClassDeclaration(stmt) || ts.isEnumDeclaration(stmt)) && stmt.name) {
      info.exports.set(hasDefault(stmt) ? 'default' : stmt.name.text, { kind: 'local', name: stmt.name.text, pos: stmt.name.end - 1 });
    } else if ((ts.isFunctionDeclaration(stmt) || ts.isClassDeclaration(stmt)) && hasDefault(stmt)) {
      info.exports.set('default', { kind: 'expr', expr: stmt as unknown as ts.Expression });
    }
  }
  collectDynamicImports(sourceFile, info.importSites);
  return info;
}
