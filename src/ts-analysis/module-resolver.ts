import { builtinModules } from 'node:module';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { ts } from './typescript.js';
import { ProjectConfigs } from './project-configs.js';
import { ResolutionHost } from './resolution-host.js';
import { loadWorkspace, packageNameOf, type Workspace } from './workspace.js';

/**
 * Where an import specifier leads, by TypeScript's own resolver
 * (`ts.resolveModuleName`) under the importing file's owning config, over the
 * workspace overlay of {@link ResolutionHost}.
 */
export type Resolution =
  /** A project (or workspace) source file, absolute. */
  | { kind: 'file'; path: string }
  /** A package outside the workspace (installed or only declared, or `undeclared`: named but declared by no package.json), or a Node built-in. */
  | { kind: 'package'; name: string; undeclared?: boolean }
  /** A non-code asset (`./styles.css`) or JSON. */
  | { kind: 'asset' }
  /** An import of project code that does not resolve: a workspace package, or neither declared nor installed (`relative` when it is a relative path). */
  | { kind: 'unresolved'; reason: string; relative?: boolean };

const BUILTINS = new Set(builtinModules);
/** What npm accepts as a new package name (validate-npm-package-name), scope included; `~` and `#` start aliases, not packages. */
const NPM_NAME = /^(@[a-z0-9-][a-z0-9-._]*\/)?[a-z0-9-][a-z0-9-._]*$/;
/** Modules a framework provides without a dependency (Next.js's `server-only`/`client-only` markers). */
const FRAMEWORK_PROVIDED = new Set(['server-only', 'client-only']);
const CODE_EXT = /\.(d\.)?(m|c)?(ts|js)x?$/;
const ASSET = /\.(css|scss|sass|less|svg|png|jpe?g|gif|webp|avif|ico|woff2?|ttf|otf|eot|html?|md|mdx|txt|wasm|graphql|gql|ya?ml|json5?)(\?.*)?$/i;

export class ModuleResolver {
  readonly workspace: Workspace;
  readonly host: ResolutionHost;
  readonly configs: ProjectConfigs;
  private readonly cache = new Map<string, Resolution>();
  /** Folders whose imports mean another package (Prisma's generated client). */
  private readonly virtualPackages: { dir: string; name: string }[] = [];

  constructor(readonly projectRoot: string) {
    this.workspace = loadWorkspace(projectRoot);
    this.host = new ResolutionHost(this.workspace, projectRoot);
    this.configs = new ProjectConfigs(this.host, this.workspace.root);
  }

  private scopes?: Set<string>;
  private workspaceScopes(): Set<string> {
    return (this.scopes ??= new Set([...this.workspace.byName.keys()].filter((n) => n.startsWith('@')).map((n) => n.split('/')[0]!)));
  }

  private declaredNames?: Set<string>;
  private declared(): Set<string> {
    if (!this.declaredNames) {
      this.declaredNames = new Set();
      for (const p of this.workspace.packages) for (const d of p.dependencies) this.declaredNames.add(d.startsWith('@types/') ? typesTarget(d) : d).add(d);
    }
    return this.declaredNames;
  }

  /** Imports that land under `dir` mean package `name` (e.g. a generated Prisma client). */
  addVirtualPackage(dir: string, name: string): void {
    const d = dir.replace(/[\\/]$/, '');
    if (!this.virtualPackages.some((v) => v.dir === d)) this.virtualPackages.push({ dir: d, name });
  }

  private virtualPackage(path: string): string | undefined {
    const hit = this.virtualPackages.find((v) => path === v.dir || path.startsWith(v.dir + sep) || path.replace(CODE_EXT, '') === v.dir);
    return hit?.name;
  }

  resolve(specifier: string, fromFile: string): Resolution {
    const key = `${dirname(fromFile)}\0${specifier}`;
    let r = this.cache.get(key);
    if (!r) {
      r = this.resolveUncached(specifier, fromFile);
      this.cache.set(key, r);
    }
    return r;
  }

  private resolveUncached(specifier: string, fromFile: string): Resolution {
    if (specifier.startsWith('node:') || BUILTINS.has(specifier) || BUILTINS.has(specifier.split('/')[0]!) || FRAMEWORK_PROVIDED.has(specifier)) return { kind: 'package', name: specifier };
    const relative = specifier.startsWith('.') || isAbsolute(specifier);
    if (relative && this.virtualPackages.length) {
      const v = this.virtualPackage(resolve(dirname(fromFile), specifier));
      if (v) return { kind: 'package', name: v };
    }
    // The common case answered without the full resolver: `./x` next to `x.ts` is what TypeScript picks first too.
    if (relative && !/\.[a-z]+$/i.test(specifier)) {
      const base = resolve(dirname(fromFile), specifier);
      for (const candidate of [`${base}.ts`, `${base}.tsx`]) if (this.host.isFile(candidate)) return { kind: 'file', path: candidate };
      if (!this.host.isFile(`${base}.d.ts`) && !this.host.isFile(`${base}.js`)) {
        for (const candidate of [join(base, 'index.ts'), join(base, 'index.tsx')]) if (this.host.isFile(candidate) && !this.host.isFile(join(base, 'package.json'))) return { kind: 'file', path: candidate };
      }
    }
    const owning = this.configs.ownerOf(fromFile);
    const pkgName = packageNameOf(specifier);
    // A dependency of the workspace that no `paths` alias could capture is a package: no need to walk node_modules for it.
    if (!relative && !this.workspace.byName.has(pkgName) && this.declared().has(pkgName) && !mayBeAliased(specifier, owning.options)) return { kind: 'package', name: specifier };
    let resolved = ts.resolveModuleName(specifier, fromFile, owning.options, this.host, owning.cache).resolvedModule;
    const mr = owning.options.moduleResolution;
    if (!resolved && (mr === undefined || mr === ts.ModuleResolutionKind.Node10 || mr === ts.ModuleResolutionKind.Classic)) {
      // The code may be built by a bundler that follows `exports` even where the config says node10.
      const bundler = { ...owning.options, moduleResolution: ts.ModuleResolutionKind.Bundler, module: ts.ModuleKind.ESNext };
      resolved = ts.resolveModuleName(specifier, fromFile, bundler, this.host).resolvedModule;
    }
    const name = packageNameOf(specifier);
    if (resolved) {
      const path = this.host.realpath(resolved.resolvedFileName);
      const v = this.virtualPackage(path);
      if (v) return { kind: 'package', name: v };
      if (resolved.extension === '.json') return { kind: 'asset' };
      const inNodeModules = path.includes(`${sep}node_modules${sep}`);
      if (!inNodeModules && CODE_EXT.test(path)) return { kind: 'file', path };
      if (!relative) return { kind: 'package', name: specifier };
      return { kind: 'asset' };
    }
    if (ASSET.test(specifier)) return { kind: 'asset' };
    if (relative) return { kind: 'unresolved', reason: 'no such file', relative: true };
    if (/^[a-z][a-z0-9+.-]*:/i.test(specifier)) return { kind: 'package', name: specifier };
    const wsPackage = this.workspace.byName.get(name);
    if (wsPackage) {
      const v = this.virtualPackages.length ? this.virtualPackage(resolve(wsPackage.dir, `.${specifier.slice(name.length)}`)) : undefined;
      if (v) return { kind: 'package', name: v };
      return { kind: 'unresolved', reason: `workspace package ${name} has no entry for this path` };
    }
    const owner = this.workspace.packageOf(fromFile);
    // No manifest governs this file: nothing says what is a dependency, so a bare name is a package.
    if (!owner && !this.workspace.packages.length) return { kind: 'package', name: specifier };
    // Declared by any package of the workspace: an external package (installs hoist it for everyone).
    if (this.declared().has(name)) return { kind: 'package', name: specifier };
    // An alias (`@/lib`, `~/db`, `#x`), a name under a workspace scope, or a name a configured `paths` pattern covers: project code that did not resolve.
    const scope = name.startsWith('@') ? name.split('/')[0] : undefined;
    if (!NPM_NAME.test(name) || (scope && this.workspaceScopes().has(scope)) || mayBeAliased(specifier, owning.options) || this.configs.anyAlias(specifier, mayBeAliased)) {
      return { kind: 'unresolved', reason: 'not relative, not a declared dependency, and no tsconfig paths or workspace package matches' };
    }
    // A well-formed package name nobody declares: most likely a package used without declaring it (counted, not followed).
    return { kind: 'package', name: specifier, undeclared: true };
  }
}

/** `@types/scope__name` → `@scope/name`, `@types/node` → `node`. */
function typesTarget(d: string): string {
  const bare = d.slice('@types/'.length);
  return bare.includes('__') ? `@${bare.replace('__', '/')}` : bare;
}

/** Could a `paths` pattern of these options capture the specifier? */
function mayBeAliased(specifier: string, options: ts.CompilerOptions): boolean {
  const paths = options.paths;
  if (!paths) return false;
  for (const pattern of Object.keys(paths)) {
    const star = pattern.indexOf('*');
    if (star < 0 ? specifier === pattern : specifier.startsWith(pattern.slice(0, star)) && specifier.endsWith(pattern.slice(star + 1))) return true;
  }
  return false;
}
