import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { ts } from './typescript.js';

/**
 * Syntax-level knowledge of the project's modules: declarations, imports and
 * exports, with targeted following of imports (relative paths, tsconfig
 * `paths`, barrels). No type checker, no node_modules: it works on a tree
 * with nothing installed and never recurses without a visited set.
 */
export interface ImportBinding {
  /** The module specifier as written. */
  specifier: string;
  /** The exported name, `default`, or `*` for a namespace import. */
  imported: string;
}

export interface ModuleInfo {
  relPath: string;
  sourceFile: ts.SourceFile;
  /** `const` (and `let`/`var`) declarations by name: the first one wins. */
  declarations: Map<string, ts.VariableDeclaration>;
  /** Parameters by name (with their type annotation), for receiver tracing. */
  parameters: Map<string, ts.ParameterDeclaration>;
  imports: Map<string, ImportBinding>;
  /** Local exports: exported name → local name. */
  exports: Map<string, string>;
  /** `export { a as b } from '../single-writer/x'`: exported name → binding in another module. */
  reExports: Map<string, ImportBinding>;
  /** `export * from '../single-writer/x'`. */
  starExports: string[];
}

export interface ResolvedDeclaration {
  module: ModuleInfo;
  name: string;
  declaration?: ts.VariableDeclaration;
  /** Set when the binding comes from a package (not a project file). */
  packageName?: string;
}

const EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.jsx'];

function scriptKind(path: string): ts.ScriptKind {
  if (path.endsWith('.tsx')) return ts.ScriptKind.TSX;
  if (path.endsWith('.jsx')) return ts.ScriptKind.JSX;
  if (path.endsWith('.js') || path.endsWith('.mjs') || path.endsWith('.cjs')) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

interface PathsConfig {
  baseUrl: string;
  paths: [RegExp, string[]][];
}

function readPaths(root: string): PathsConfig | undefined {
  const file = join(root, 'tsconfig.json');
  if (!existsSync(file)) return undefined;
  const parsed = ts.parseConfigFileTextToJson(file, readFileSync(file, 'utf8'));
  const options = parsed.config?.compilerOptions;
  if (!options?.paths) return undefined;
  const baseUrl = resolve(root, options.baseUrl ?? '.');
  return {
    baseUrl,
    paths: Object.entries(options.paths as Record<string, string[]>).map(([pattern, targets]) => [
      new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace('*', '(.*)')}$`),
      targets,
    ]),
  };
}

/** `const` declarations, recorded while indexing (the tree has no parent pointers). */
export const CONST_DECLARATIONS = new WeakSet<ts.VariableDeclaration>();

function isFile(p: string): boolean {
  return statSync(p, { throwIfNoEntry: false })?.isFile() ?? false;
}

export class ModuleIndex {
  private readonly modules = new Map<string, ModuleInfo | null>();
  private readonly paths?: PathsConfig;

  constructor(
    readonly root: string,
    /** Source text by root-relative path, read once and shared with other checks. */
    private readonly readText: (relPath: string) => string | undefined,
  ) {
    this.paths = readPaths(root);
  }

  /** Files parsed so far: each at most once per index. */
  parses = 0;

  get(relPath: string): ModuleInfo | undefined {
    if (!this.modules.has(relPath)) {
      this.parses++;
      const text = this.readText(relPath);
      this.modules.set(relPath, text === undefined ? null : this.build(relPath, text));
    }
    return this.modules.get(relPath) ?? undefined;
  }

  private build(relPath: string, text: string): ModuleInfo {
    // No parent pointers: they cost a third of the parse, and we only walk down.
    const sourceFile = ts.createSourceFile(relPath, text, ts.ScriptTarget.Latest, false, scriptKind(relPath));
    const info: ModuleInfo = {
      relPath,
      sourceFile,
      declarations: new Map(),
      parameters: new Map(),
      imports: new Map(),
      exports: new Map(),
      reExports: new Map(),
      starExports: [],
    };
    const visit = (node: ts.Node): void => {
      if (ts.isVariableDeclarationList(node) && node.flags & ts.NodeFlags.Const) {
        for (const d of node.declarations) CONST_DECLARATIONS.add(d);
      } else if (ts.isVariableDeclaration(node)) {
        if (ts.isIdentifier(node.name)) {
          if (!info.declarations.has(node.name.text)) info.declarations.set(node.name.text, node);
        } else if (ts.isObjectBindingPattern(node.name)) {
          // const { query } = pool: each element is looked up through its parent declaration.
          for (const el of node.name.elements) if (ts.isIdentifier(el.name) && !info.declarations.has(el.name.text)) info.declarations.set(el.name.text, node);
        }
      } else if (ts.isParameter(node) && ts.isIdentifier(node.name)) {
        if (!info.parameters.has(node.name.text)) info.parameters.set(node.name.text, node);
      }
      ts.forEachChild(node, visit);
    };
    for (const stmt of sourceFile.statements) {
      if (ts.isImportDeclaration(stmt) && ts.isStringLiteral(stmt.moduleSpecifier)) {
        const specifier = stmt.moduleSpecifier.text;
        const clause = stmt.importClause;
        if (clause?.name) info.imports.set(clause.name.text, { specifier, imported: 'default' });
        const nb = clause?.namedBindings;
        if (nb && ts.isNamespaceImport(nb)) info.imports.set(nb.name.text, { specifier, imported: '*' });
        if (nb && ts.isNamedImports(nb)) {
          for (const el of nb.elements) info.imports.set(el.name.text, { specifier, imported: (el.propertyName ?? el.name).text });
        }
        continue;
      }
      if (ts.isExportDeclaration(stmt)) {
        const from = stmt.moduleSpecifier && ts.isStringLiteral(stmt.moduleSpecifier) ? stmt.moduleSpecifier.text : undefined;
        if (!stmt.exportClause) {
          if (from) info.starExports.push(from);
        } else if (ts.isNamedExports(stmt.exportClause)) {
          for (const el of stmt.exportClause.elements) {
            const local = (el.propertyName ?? el.name).text;
            if (from) info.reExports.set(el.name.text, { specifier: from, imported: local });
            else info.exports.set(el.name.text, local);
          }
        }
        continue;
      }
      const exported = ts.canHaveModifiers(stmt) && ts.getModifiers(stmt)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
      if (exported && ts.isVariableStatement(stmt)) {
        for (const d of stmt.declarationList.declarations) if (ts.isIdentifier(d.name)) info.exports.set(d.name.text, d.name.text);
      } else if (exported && (ts.isFunctionDeclaration(stmt) || ts.isClassDeclaration(stmt)) && stmt.name) {
        info.exports.set(stmt.name.text, stmt.name.text);
      }
    }
    visit(sourceFile);
    return info;
  }

  /** Resolves a module specifier from `fromRel` to a project file, or undefined for a package. */
  resolveSpecifier(fromRel: string, specifier: string): string | undefined {
    const key = `${dirname(fromRel)}\0${specifier}`;
    if (!this.resolved.has(key)) this.resolved.set(key, this.resolveUncached(fromRel, specifier));
    return this.resolved.get(key);
  }

  private readonly resolved = new Map<string, string | undefined>();

  private resolveUncached(fromRel: string, specifier: string): string | undefined {
    const candidates: string[] = [];
    if (specifier.startsWith('.')) candidates.push(resolve(this.root, dirname(fromRel), specifier));
    else if (this.paths) {
      for (const [re, targets] of this.paths.paths) {
        const m = re.exec(specifier);
        if (m) for (const t of targets) candidates.push(resolve(this.paths.baseUrl, t.replace('*', m[1] ?? '')));
      }
    }
    for (const base of candidates) {
      const stripped = base.replace(/\.(m|c)?js$/, '');
      for (const p of [base, ...EXTENSIONS.map((e) => stripped + e), ...EXTENSIONS.map((e) => join(base, `index${e}`))]) {
        const rel = relative(this.root, p).split(sep).join('/');
        if (!rel.startsWith('..') && isFile(p)) return rel;
      }
    }
    return undefined;
  }

  /** Follows an exported name through re-exports and barrels to its declaration. */
  resolveExport(moduleRel: string, name: string, seen = new Set<string>()): ResolvedDeclaration | undefined {
    const key = `${moduleRel}#${name}`;
    if (seen.has(key)) return undefined;
    seen.add(key);
    const mod = this.get(moduleRel);
    if (!mod) return undefined;
    const local = mod.exports.get(name);
    if (local !== undefined) return this.resolveLocal(mod, local, seen);
    const re = mod.reExports.get(name);
    if (re) return this.resolveImport(mod, re, seen);
    for (const star of mod.starExports) {
      const target = this.resolveSpecifier(moduleRel, star);
      const found = target && this.resolveExport(target, name, seen);
      if (found) return found;
    }
    return undefined;
  }

  resolveImport(mod: ModuleInfo, binding: ImportBinding, seen = new Set<string>()): ResolvedDeclaration | undefined {
    const target = this.resolveSpecifier(mod.relPath, binding.specifier);
    if (!target) return { module: mod, name: binding.imported, packageName: binding.specifier };
    if (binding.imported === '*' || binding.imported === 'default') {
      return binding.imported === 'default' ? this.resolveExport(target, 'default', seen) : undefined;
    }
    return this.resolveExport(target, binding.imported, seen);
  }

  /** A name as seen inside a module: a local declaration, or an import followed to its origin. */
  resolveLocal(mod: ModuleInfo, name: string, seen = new Set<string>()): ResolvedDeclaration | undefined {
    const declaration = mod.declarations.get(name);
    if (declaration) return { module: mod, name, declaration };
    const imp = mod.imports.get(name);
    if (imp) return this.resolveImport(mod, imp, seen);
    return undefined;
  }
}
