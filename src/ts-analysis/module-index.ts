import { readFileSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { ts } from './typescript.js';
import { ModuleResolver, type Resolution } from './module-resolver.js';
import { buildScopes, lookup, type Binding, type FileScopes, type ImportBinding } from './scopes.js';

export type { ImportBinding } from './scopes.js';

/**
 * Syntax-level knowledge of the project's modules: scopes, imports and
 * exports, with imports followed by TypeScript's resolver. No type checker and
 * no node_modules needed; every walk is memoised or guarded against cycles.
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

export type Resolved =
  | { kind: 'binding'; module: ModuleInfo; binding: Binding }
  | { kind: 'expr'; module: ModuleInfo; expr: ts.Expression }
  | { kind: 'module'; module: ModuleInfo }
  | { kind: 'package'; name: string; imported: string }
  | { kind: 'unresolved'; specifier: string; imported: string }
  | { kind: 'ambiguous'; module: ModuleInfo; name: string; from: string[] }
  | { kind: 'global'; name: string };

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

export class ModuleIndex {
  private readonly modules = new Map<string, ModuleInfo | null>();
  private readonly exportMemo = new Map<string, { result: Resolved | undefined; touched: readonly string[] }>();
  private readonly inProgress = new Set<string>();
  private resolverInstance?: ModuleResolver;
  /** Files parsed so far: each at most once per index. */
  parses = 0;
  /** When set, every module read is recorded (the cache's dependency list of a file). */
  accessLog?: Set<string>;
  /** Imports that met an ambiguous `export *` name while being followed: importing module, import, what it is ambiguous between. */
  readonly ambiguities: { module: ModuleInfo; specifier: string; name: string; target: Extract<Resolved, { kind: 'ambiguous' }> }[] = [];

  constructor(
    readonly root: string,
    /** Source text by root-relative path, read once and shared with other checks. */
    private readonly readText: (relPath: string) => string | undefined = (rel) => {
      try {
        return readFileSync(resolve(root, rel), 'utf8');
      } catch {
        return undefined;
      }
    },
    resolver?: ModuleResolver,
  ) {
    this.resolverInstance = resolver;
  }

  /** TypeScript's resolver over the workspace (built on first use). */
  get resolver(): ModuleResolver {
    return (this.resolverInstance ??= new ModuleResolver(this.root));
  }

  private readonly rels = new Map<string, string>();
  private readonly abss = new Map<string, string>();

  relOf(abs: string): string {
    let r = this.rels.get(abs);
    if (r === undefined) {
      r = relative(this.root, abs).split(sep).join('/');
      this.rels.set(abs, r);
    }
    return r;
  }

  absOf(rel: string): string {
    let a = this.abss.get(rel);
    if (a === undefined) {
      a = resolve(this.root, rel);
      this.abss.set(rel, a);
    }
    return a;
  }

  private readonly touchStack: Set<string>[] = [];
  /** Whether reads are recorded at all (a result cache needs them; a plain run does not pay for them). */
  trackReads = false;

  /** Runs `fn`, returning what it computed and every module it read (so a memoised answer can replay its reads). */
  track<T>(fn: () => T): { value: T; touched: readonly string[] } {
    if (!this.trackReads) return { value: fn(), touched: NO_READS };
    const touched = new Set<string>();
    this.touchStack.push(touched);
    try {
      return { value: fn(), touched: [...touched] };
    } finally {
      this.touchStack.pop();
    }
  }

  /** Records reads again for an answer taken from a memo. */
  noteAccess(rels: readonly string[]): void {
    if (!rels.length) return;
    if (!this.accessLog && !this.touchStack.length) return;
    for (const rel of rels) {
      this.accessLog?.add(rel);
      for (const t of this.touchStack) t.add(rel);
    }
  }

  get(relPath: string): ModuleInfo | undefined {
    this.accessLog?.add(relPath);
    for (const t of this.touchStack) t.add(relPath);
    if (!this.modules.has(relPath)) {
      this.parses++;
      const text = this.readText(relPath);
      this.modules.set(relPath, text === undefined ? null : this.build(relPath, text));
    }
    return this.modules.get(relPath) ?? undefined;
  }

  private build(relPath: string, text: string): ModuleInfo {
    // No parent pointers: they cost a third of the parse, and every walk goes down.
    const sourceFile = ts.createSourceFile(relPath, text, ts.ScriptTarget.Latest, false, scriptKind(relPath));
    let scopes: FileScopes | undefined;
    const info: ModuleInfo = {
      relPath,
      absPath: this.absOf(relPath),
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

  /** Where a specifier imported by a module leads. */
  resolveModule(fromRel: string, specifier: string): Resolution {
    return this.resolver.resolve(specifier, this.absOf(fromRel));
  }

  /** A specifier's target as a root-relative path, or undefined when it is not project code. */
  resolveSpecifier(fromRel: string, specifier: string): string | undefined {
    const r = this.resolveModule(fromRel, specifier);
    return r.kind === 'file' ? this.relOf(r.path) : undefined;
  }

  /** Follows an exported name through re-exports and barrels (memoised, cycle-safe; explicit exports beat `export *`). */
  resolveExport(moduleRel: string, name: string): Resolved | undefined {
    const key = `${moduleRel}#${name}`;
    const hit = this.exportMemo.get(key);
    if (hit) {
      this.noteAccess(hit.touched);
      return hit.result;
    }
    if (this.inProgress.has(key)) return undefined;
    this.inProgress.add(key);
    let tracked: { value: Resolved | undefined; touched: readonly string[] };
    try {
      tracked = this.track(() => this.resolveExportUncached(moduleRel, name));
    } finally {
      this.inProgress.delete(key);
    }
    this.exportMemo.set(key, { result: tracked.value, touched: tracked.touched });
    return tracked.value;
  }

  private resolveExportUncached(moduleRel: string, name: string): Resolved | undefined {
    const mod = this.get(moduleRel);
    if (!mod) return undefined;
    if (name === '*') return { kind: 'module', module: mod };
    const target = mod.exports.get(name);
    if (target) {
      switch (target.kind) {
        case 'local':
          return this.resolveName(mod, target.name, target.pos);
        case 'expr':
          return { kind: 'expr', module: mod, expr: target.expr };
        case 're':
          return this.resolveImport(mod, { specifier: target.specifier, imported: target.imported });
        case 'ns':
          return this.resolveImport(mod, { specifier: target.specifier, imported: '*' });
      }
    }
    if (name === 'default') return undefined;
    const found: { via: string; r: Resolved }[] = [];
    for (const star of mod.starExports) {
      const r = this.resolveModule(moduleRel, star);
      if (r.kind !== 'file') continue;
      const hit = this.resolveExport(this.relOf(r.path), name);
      if (hit && !found.some((f) => sameTarget(f.r, hit))) found.push({ via: star, r: hit });
    }
    if (found.length > 1) return { kind: 'ambiguous', module: mod, name, from: found.map((f) => f.via) };
    return found[0]?.r;
  }

  private readonly importMemo = new WeakMap<ImportBinding, { result: Resolved; touched: readonly string[] }>();

  /** Where an import binding leads (memoised per binding: every use of an imported name asks). */
  resolveImport(mod: ModuleInfo, binding: ImportBinding): Resolved {
    const hit = this.importMemo.get(binding);
    if (hit) {
      this.noteAccess(hit.touched);
      return hit.result;
    }
    const tracked = this.track(() => this.resolveImportUncached(mod, binding));
    this.importMemo.set(binding, { result: tracked.value, touched: tracked.touched });
    return tracked.value;
  }

  private resolveImportUncached(mod: ModuleInfo, binding: ImportBinding): Resolved {
    const r = this.resolveModule(mod.relPath, binding.specifier);
    if (r.kind === 'package') return { kind: 'package', name: r.name, imported: binding.imported };
    if (r.kind !== 'file') return { kind: 'unresolved', specifier: binding.specifier, imported: binding.imported };
    const rel = this.relOf(r.path);
    if (binding.imported === '*') {
      const target = this.get(rel);
      if (!target) return { kind: 'unresolved', specifier: binding.specifier, imported: '*' };
      // `module.exports = sequelize`: require() gives that value, whose properties are not exports.
      if (binding.require && target.moduleExportsValue) return this.resolveExport(rel, 'default') ?? { kind: 'module', module: target };
      return { kind: 'module', module: target };
    }
    const found = this.resolveExport(rel, binding.imported);
    if (found?.kind === 'ambiguous') this.ambiguities.push({ module: mod, specifier: binding.specifier, name: binding.imported, target: found });
    if (found) return found;
    // CommonJS interop: a default import of a module without one is the module.
    if (binding.imported === 'default') {
      const target = this.get(rel);
      if (target) return { kind: 'module', module: target };
    }
    return { kind: 'unresolved', specifier: binding.specifier, imported: binding.imported };
  }

  /** What a name means at a position of a module, followed through imports. */
  resolveName(mod: ModuleInfo, name: string, pos: number): Resolved {
    const b = lookup(mod.scopes, name, pos);
    if (!b) return { kind: 'global', name };
    if (b.import) return this.resolveImport(mod, b.import);
    // const x = require('m') / const { a } = require('m')
    if ((b.kind === 'const' || b.kind === 'let' || b.kind === 'var') && b.initializer && isRequireCall(b.initializer) && (b.path?.length ?? 0) <= 1) {
      const specifier = ((b.initializer as ts.CallExpression).arguments[0] as ts.StringLiteral).text;
      const step = b.path?.[0];
      if (!step) return this.resolveImport(mod, { specifier, imported: '*', require: true });
      if (step.k === 'prop') {
        const named = this.resolveImport(mod, { specifier, imported: step.name });
        // `const { models } = require('./db')` where db.js did `module.exports = sequelize`: a property
        // of that value, which the caller follows from the binding (the require call, then the path).
        if (named.kind !== 'unresolved' || !this.exportsValueOf(mod, specifier)) return named;
      }
    }
    return { kind: 'binding', module: mod, binding: b };
  }

  /** Whether `specifier`, required from `mod`, is a project module that assigns `module.exports` a value. */
  private exportsValueOf(mod: ModuleInfo, specifier: string): boolean {
    const r = this.resolveModule(mod.relPath, specifier);
    return r.kind === 'file' && Boolean(this.get(this.relOf(r.path))?.moduleExportsValue);
  }

  /** What an identifier means where it stands. */
  resolveIdentifier(mod: ModuleInfo, id: ts.Identifier): Resolved {
    return this.resolveName(mod, id.text, id.end - 1);
  }
}

const NO_READS: readonly string[] = Object.freeze([]);

function sameTarget(a: Resolved, b: Resolved): boolean {
  if (a.kind === 'binding' && b.kind === 'binding') return a.binding.node === b.binding.node && a.binding.name === b.binding.name;
  if (a.kind === 'package' && b.kind === 'package') return a.name === b.name && a.imported === b.imported;
  if (a.kind === 'module' && b.kind === 'module') return a.module === b.module;
  if (a.kind === 'expr' && b.kind === 'expr') return a.expr === b.expr;
  return false;
}
