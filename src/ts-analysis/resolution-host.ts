import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { ts } from './typescript.js';
import type { Workspace } from './workspace.js';

/**
 * The file system as TypeScript's resolver sees it, cached, with an overlay:
 * `…/node_modules/<workspace package>/…` is the workspace package's folder
 * (as pnpm and npm workspaces link it once installed, so nothing needs to be
 * installed), and a build output that does not exist (`dist/index.js`,
 * `dist/index.d.ts`) is its source (`src/index.ts`) when that exists.
 */
const OUT_DIRS = ['dist', 'build', 'lib', 'out', 'esm', 'cjs', 'dist/esm', 'dist/cjs'];
const OUT_EXT = /(\.d)?\.(m|c)?(js|ts)x?$/;
const SOURCE_EXT = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
/** Where a name that differs only in case can still be the same file: a miss in a listing is not proof there. */
const CASE_INSENSITIVE_FS = process.platform === 'darwin' || process.platform === 'win32';
type Kind = 'file' | 'dir' | null;

export class ResolutionHost implements ts.ModuleResolutionHost, ts.ParseConfigHost {
  readonly useCaseSensitiveFileNames = true;
  private readonly stats = new Map<string, Kind>();
  /** A folder's entries, read once: the resolver asks about several candidate names per import (`m.ts`, `m.tsx`, `m.d.ts`, …) and one listing answers them all. Undefined: the folder could not be listed. */
  private readonly listings = new Map<string, Map<string, Kind | 'link'> | undefined>();
  private readonly texts = new Map<string, string | undefined>();
  private readonly builtToSource = new Map<string, string | null>();
  private readonly scopes: Set<string>;

  constructor(
    private readonly workspace: Workspace,
    private readonly cwd: string,
  ) {
    this.scopes = new Set([...workspace.byName.keys()].filter((n) => n.startsWith('@')).map((n) => n.split('/')[0]!));
  }

  private kind(p: string): Kind {
    let k = this.stats.get(p);
    if (k === undefined) {
      const listed = this.listing(dirname(p))?.get(basename(p));
      // Symbolic links and names a listing cannot settle go to stat, which follows links.
      if (listed === 'file' || listed === 'dir') k = listed;
      else if (listed === undefined && this.listing(dirname(p)) && !CASE_INSENSITIVE_FS) k = null;
      else {
        const s = statSync(p, { throwIfNoEntry: false });
        k = s?.isFile() ? 'file' : s?.isDirectory() ? 'dir' : null;
      }
      this.stats.set(p, k);
    }
    return k;
  }

  private listing(dir: string): Map<string, Kind | 'link'> | undefined {
    if (this.listings.has(dir)) return this.listings.get(dir);
    let entries: Map<string, Kind | 'link'> | undefined;
    try {
      entries = new Map(readdirSync(dir, { withFileTypes: true }).map((e) => [e.name, e.isFile() ? 'file' : e.isDirectory() ? 'dir' : 'link']));
    } catch (e) {
      // A folder that does not exist holds nothing; one we may not list (no read permission) is left to stat.
      const code = (e as NodeJS.ErrnoException).code;
      entries = code === 'ENOENT' || code === 'ENOTDIR' ? new Map() : undefined;
    }
    this.listings.set(dir, entries);
    return entries;
  }

  isFile(p: string): boolean {
    return this.kind(p) === 'file';
  }

  /** Maps `…/node_modules/<workspace name>/rest` to the package folder. */
  translate(p: string): string {
    const at = p.lastIndexOf(`${sep}node_modules${sep}`);
    if (at < 0) return p;
    const rest = p.slice(at + 14).split(sep);
    const scoped = rest[0]?.startsWith('@');
    const name = scoped ? `${rest[0]}/${rest[1] ?? ''}` : rest[0]!;
    const pkg = this.workspace.byName.get(name);
    if (!pkg) return p;
    return join(pkg.dir, ...rest.slice(scoped ? 2 : 1));
  }

  /** The source file a missing build output stands for, if any. */
  private sourceFor(p: string): string | undefined {
    const cached = this.builtToSource.get(p);
    if (cached !== undefined) return cached ?? undefined;
    let found: string | null = null;
    const pkg = this.workspace.packageOf(p);
    if (pkg && OUT_EXT.test(p)) {
      const rel = relative(pkg.dir, p).split(sep).join('/');
      for (const out of OUT_DIRS) {
        if (!rel.startsWith(`${out}/`)) continue;
        const stem = rel.slice(out.length + 1).replace(OUT_EXT, '');
        for (const base of [`src/${stem}`, stem, stem.replace(/^src\//, 'src/')]) {
          for (const ext of SOURCE_EXT) {
            const candidate = join(pkg.dir, base + ext);
            if (this.kind(candidate) === 'file') {
              found = candidate;
              break;
            }
          }
          if (found) break;
        }
        if (found) break;
      }
    }
    this.builtToSource.set(p, found);
    return found ?? undefined;
  }

  fileExists = (fileName: string): boolean => {
    const p = this.translate(fileName);
    return this.kind(p) === 'file' || Boolean(this.sourceFor(p));
  };

  directoryExists = (dirName: string): boolean => {
    // Every node_modules may hold a workspace package (the overlay), installed or not.
    if (dirName.endsWith(`${sep}node_modules`) && this.workspace.byName.size) return true;
    const tail = dirName.slice(dirName.lastIndexOf(sep) + 1);
    if (this.scopes.has(tail) && dirName.endsWith(`${sep}node_modules${sep}${tail}`)) return true;
    const p = this.translate(dirName);
    return this.kind(p) === 'dir' || this.isOutDir(p);
  };

  /** A build-output folder of a workspace package (`dist/…`), which may not be built. */
  private isOutDir(p: string): boolean {
    const pkg = this.workspace.packageOf(p);
    if (!pkg) return false;
    const rel = relative(pkg.dir, p).split(sep).join('/');
    return OUT_DIRS.some((out) => rel === out || rel.startsWith(`${out}/`));
  }

  readFile = (fileName: string): string | undefined => {
    const p = this.realpath(fileName);
    if (this.texts.has(p)) return this.texts.get(p);
    let text: string | undefined;
    try {
      text = readFileSync(p, 'utf8');
    } catch {
      text = undefined;
    }
    this.texts.set(p, text);
    return text;
  };

  realpath = (path: string): string => {
    const p = this.translate(path);
    return this.kind(p) === 'file' ? p : (this.sourceFor(p) ?? p);
  };

  /** Every file read through this host (configs, manifests): inputs of the result cache. */
  filesRead(): string[] {
    return [...this.texts.keys()];
  }

  getCurrentDirectory = (): string => this.cwd;

  getDirectories = (path: string): string[] => {
    try {
      return readdirSync(this.translate(path), { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name);
    } catch {
      return [];
    }
  };

  /** Config parsing only needs the options: listing files is done by the owner lookup when it matters. */
  readDirectory = (): string[] => [];

  /** The real listing, for deciding which referenced project owns a file. */
  readDirectoryForReal = (rootDir: string, extensions: readonly string[], excludes: readonly string[] | undefined, includes: readonly string[], depth?: number): string[] =>
    ts.sys.readDirectory(rootDir, extensions, excludes, includes, depth);
}
