import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import picomatch from 'picomatch';
import { createRequire } from 'node:module';

// yaml is ~25 ms of start-up that only a pnpm workspace needs: loaded when one is found.
const require = createRequire(import.meta.url);
const parseYaml = (text: string): unknown => (require('yaml') as typeof import('yaml')).parse(text);

/**
 * The workspace a project lives in: its root (from `pnpm-workspace.yaml`,
 * `package.json#workspaces` or `lerna.json`, searched upwards from the project
 * root), and its packages by name. Without any of those, every package.json
 * under the project root (outside node_modules) is a package.
 */
export interface WorkspacePackage {
  name?: string;
  /** Absolute folder. */
  dir: string;
  /** dependencies, devDependencies, peerDependencies and optionalDependencies. */
  dependencies: Set<string>;
}

export interface Workspace {
  root: string;
  kind: 'pnpm' | 'npm' | 'lerna' | 'none';
  packages: WorkspacePackage[];
  byName: Map<string, WorkspacePackage>;
  /** `*.prisma` files found while walking the workspace (absolute). */
  prismaSchemas: string[];
  /** The manifests this model was built from (workspace files and every package.json): inputs of a result cache. */
  manifests: string[];
  /** The package whose folder holds this absolute path (the deepest one). */
  packageOf(absPath: string): WorkspacePackage | undefined;
}

const SKIP = new Set(['node_modules', '.git', '.finbrain', '.next', '.turbo', 'coverage', '.cache', '.yarn', '.pnpm-store']);

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function declaration(dir: string): { kind: Workspace['kind']; patterns: string[] } | undefined {
  const pnpm = join(dir, 'pnpm-workspace.yaml');
  if (existsSync(pnpm)) {
    try {
      const doc = parseYaml(readFileSync(pnpm, 'utf8')) as { packages?: unknown } | null;
      const patterns = Array.isArray(doc?.packages) ? doc.packages.filter((p): p is string => typeof p === 'string') : [];
      return { kind: 'pnpm', patterns };
    } catch {
      return { kind: 'pnpm', patterns: [] };
    }
  }
  const pkg = readJson(join(dir, 'package.json'));
  const ws = pkg?.workspaces as unknown;
  const list = Array.isArray(ws) ? ws : Array.isArray((ws as { packages?: unknown })?.packages) ? (ws as { packages: unknown[] }).packages : undefined;
  if (list) return { kind: 'npm', patterns: list.filter((p): p is string => typeof p === 'string') };
  const lerna = readJson(join(dir, 'lerna.json'));
  if (lerna) return { kind: 'lerna', patterns: Array.isArray(lerna.packages) ? (lerna.packages as string[]) : ['packages/*'] };
  return undefined;
}

function toPackage(dir: string): WorkspacePackage | undefined {
  const manifest = readJson(join(dir, 'package.json'));
  if (!manifest) return undefined;
  const dependencies = new Set<string>();
  for (const key of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
    const deps = manifest[key];
    if (deps && typeof deps === 'object') for (const name of Object.keys(deps)) dependencies.add(name);
  }
  return { name: typeof manifest.name === 'string' ? manifest.name : undefined, dir, dependencies };
}

/** Folders holding a package.json, and *.prisma files, under `root` (outside node_modules). */
function walk(root: string): { packageDirs: string[]; prisma: string[] } {
  const packageDirs: string[] = [];
  const prisma: string[] = [];
  const visit = (dir: string, depth: number) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.isFile()) {
        if (e.name === 'package.json') packageDirs.push(dir);
        else if (e.name.endsWith('.prisma')) prisma.push(join(dir, e.name));
      } else if (e.isDirectory() && depth < 8 && !SKIP.has(e.name)) {
        visit(join(dir, e.name), depth + 1);
      }
    }
  };
  visit(root, 0);
  return { packageDirs, prisma };
}

/** The workspace of a project root. */
export function loadWorkspace(projectRoot: string): Workspace {
  const start = resolve(projectRoot);
  let root = start;
  let decl: ReturnType<typeof declaration>;
  for (let dir = start; ; dir = dirname(dir)) {
    decl = declaration(dir);
    if (decl) {
      root = dir;
      break;
    }
    if (dirname(dir) === dir || existsSync(join(dir, '.git'))) break;
  }
  const found = walk(root);
  let dirs: string[];
  if (decl) {
    const rel = (d: string) => relative(root, d).split(sep).join('/') || '.';
    const include = picomatch(decl.patterns.filter((p) => !p.startsWith('!')).map((p) => p.replace(/\/$/, '')));
    const exclude = picomatch(decl.patterns.filter((p) => p.startsWith('!')).map((p) => p.slice(1).replace(/\/$/, '')));
    dirs = found.packageDirs.filter((d) => d === root || (include(rel(d)) && !exclude(rel(d))));
  } else {
    dirs = found.packageDirs;
  }
  const packages = dirs.map(toPackage).filter((p): p is WorkspacePackage => Boolean(p));
  const byName = new Map<string, WorkspacePackage>();
  for (const p of packages) if (p.name && !byName.has(p.name)) byName.set(p.name, p);
  const sorted = [...packages].sort((a, b) => b.dir.length - a.dir.length);
  const byDir = new Map<string, WorkspacePackage | null>();
  // Per folder, memoised: the resolver asks for every path it probes.
  const packageOfDir = (dir: string): WorkspacePackage | undefined => {
    let hit = byDir.get(dir);
    if (hit === undefined) {
      hit = sorted.find((p) => dir === p.dir || dir.startsWith(p.dir + sep)) ?? null;
      byDir.set(dir, hit);
    }
    return hit ?? undefined;
  };
  const ws: Workspace = {
    root,
    kind: decl?.kind ?? 'none',
    packages,
    byName,
    prismaSchemas: found.prisma.sort(),
    manifests: [...found.packageDirs.map((d) => join(d, 'package.json')), ...['pnpm-workspace.yaml', 'lerna.json'].map((f) => join(root, f)).filter((f) => existsSync(f))],
    packageOf(absPath) {
      const own = byDir.get(absPath);
      if (own) return own;
      return packageOfDir(dirname(absPath)) ?? (sorted.find((p) => absPath === p.dir) || undefined);
    },
  };
  return ws;
}

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
export function packageNameOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}
