import { readFileSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { ts } from './typescript.js';
import { ModuleResolver, type Resolution } from './module-resolver.js';
import { isRequireCall, readModuleInfo, type ModuleInfo } from './module-info.js';
import { lookup, type Binding, type ImportBinding } from './scopes.js';

export type { ImportBinding } from './scopes.js';
export { isRequireCall, type ExportTarget, type ImportSite, type ModuleInfo } from './module-info.js';

/** What a name, an import or an export leads to. */
export type Resolved =
  | { kind: 'binding'; module: ModuleInfo; binding: Binding }
  | { kind: 'expr'; module: ModuleInfo; expr: ts.Expression }
  | { kind: 'module'; module: ModuleInfo }
  | { kind: 'package'; name: string; imported: string }
  | { kind: 'unresolved'; specifier: string; imported: string }
  | { kind: 'ambiguous'; module: ModuleInfo; name: string; from: string[] }
  | { kind: 'global'; name: string };

/**
 * Syntax-level knowledge of the project's modules: scopes, imports and
 * exports, with imports followed by TypeScript's resolver. No type checker and
 * no node_modules needed; every walk is memoised or guarded against cycles.
 */
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

  /**
   * A module whose text mentions `needle`, parsed; undefined (and not parsed) otherwise.
   * For project-wide scans: worker shards each scan every file, so a file that cannot
   * hold what is looked for must cost a read, not a parse.
   */
  getIfMentions(relPath: string, needle: RegExp): ModuleInfo | undefined {
    const known = this.modules.get(relPath);
    if (known !== undefined) return known && needle.test(known.sourceFile.text) ? this.get(relPath) : (this.noteAccess([relPath]), undefined);
    const text = this.readText(relPath);
    this.noteAccess([relPath]);
    return text !== undefined && needle.test(text) ? this.get(relPath) : undefined;
  }

  private build(relPath: string, text: string): ModuleInfo {
    return readModuleInfo(relPath, this.absOf(relPath), text);
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
