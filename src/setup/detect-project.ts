import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors.js';

/** What `finbrain init` needs to know about the repository it runs in. */
export interface ProjectLayout {
  root: string;
  language: 'typescript' | 'javascript';
  /** Top-level folders holding source files, e.g. ['src'] or ['lib', 'server']. */
  sourceFolders: string[];
  /** Source files directly in the root (index.js, server.ts). */
  rootSourceFiles: boolean;
  packageManager: 'npm' | 'pnpm' | 'yarn';
  /** Yarn 2+ (a .yarnrc.yml): `--immutable` instead of `--frozen-lockfile`. */
  yarnBerry: boolean;
  /** The lockfile found, if any: CI installs from it. */
  lockfile?: string;
  /** The branch CI runs on for pushes. */
  branch: string;
  /** Node major for CI: the package's engines.node, else 20 (what finbrain needs). */
  nodeMajor: number;
}

interface PackageJson {
  engines?: { node?: string };
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const TS_EXTENSIONS = /\.(ts|tsx|mts|cts)$/;
const SOURCE_EXTENSIONS = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;
/** Folders that hold no application code of their own (or only tests, which the check skips anyway). */
const NOT_SOURCE = new Set([
  'node_modules', 'dist', 'build', 'out', 'coverage', 'tmp', 'vendor', 'public', 'static',
  'test', 'tests', '__tests__', 'spec', 'e2e', 'docs', 'migrations',
]);
/** Enough to tell a source folder from an asset folder without walking a whole monorepo. */
const MAX_ENTRIES_PER_FOLDER = 2000;

export function readPackageJson(root: string): PackageJson {
  const file = join(root, 'package.json');
  if (!existsSync(file)) {
    throw new UsageError(`${root} is not a package: there is no package.json`, {
      files: ['package.json'],
      hint: 'Run finbrain init in the root of your service (where its package.json is), or create one first with `npm init -y`.',
    });
  }
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as PackageJson;
  } catch (e) {
    throw new UsageError(`${file}: invalid JSON: ${(e as Error).message}`, { files: ['package.json'], hint: 'Fix package.json first.', cause: e });
  }
}

export function detectProject(root: string, migrationsDir: string): ProjectLayout {
  const pkg = readPackageJson(root);
  const skip = new Set([...NOT_SOURCE, migrationsDir.replace(/\/+$/, '')]);
  const sourceFolders: string[] = [];
  let sawTypeScript = false;
  let rootSourceFiles = false;
  for (const e of readdirSync(root, { withFileTypes: true })) {
    if (e.name.startsWith('.')) continue;
    if (e.isFile() && SOURCE_EXTENSIONS.test(e.name) && !/\.config\.|\.d\.ts$|^eslint|^vitest|^jest|^prettier/.test(e.name)) {
      rootSourceFiles = true;
      sawTypeScript ||= TS_EXTENSIONS.test(e.name);
    } else if (e.isDirectory() && !skip.has(e.name)) {
      const found = firstSourceFile(join(root, e.name));
      if (found) {
        sourceFolders.push(e.name);
        sawTypeScript ||= TS_EXTENSIONS.test(found);
      }
    }
  }
  const deps = { ...pkg.dependencies, ...pkg.devDependencies };
  const typescript = sawTypeScript || existsSync(join(root, 'tsconfig.json')) || 'typescript' in deps;
  const lockfile = ['package-lock.json', 'npm-shrinkwrap.json', 'pnpm-lock.yaml', 'yarn.lock'].find((f) => existsSync(join(root, f)));
  const packageManager = lockfile === 'pnpm-lock.yaml' ? 'pnpm' : lockfile === 'yarn.lock' ? 'yarn' : 'npm';
  return {
    root,
    language: typescript ? 'typescript' : 'javascript',
    sourceFolders: sourceFolders.sort(),
    rootSourceFiles,
    packageManager,
    yarnBerry: existsSync(join(root, '.yarnrc.yml')),
    lockfile,
    branch: currentBranch(root) === 'master' ? 'master' : 'main',
    nodeMajor: nodeMajor(pkg.engines?.node),
  };
}

/** The first source file under dir (breadth-first), or undefined. */
function firstSourceFile(dir: string): string | undefined {
  const queue = [dir];
  let seen = 0;
  while (queue.length && seen < MAX_ENTRIES_PER_FOLDER) {
    const current = queue.shift()!;
    let entries;
    try {
      entries = readdirSync(current, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      seen++;
      if (e.isFile() && SOURCE_EXTENSIONS.test(e.name) && !e.name.endsWith('.d.ts')) return join(current, e.name);
      if (e.isDirectory() && !e.name.startsWith('.') && !NOT_SOURCE.has(e.name)) queue.push(join(current, e.name));
    }
  }
  return undefined;
}

function currentBranch(root: string): string | undefined {
  try {
    return execFileSync('git', ['symbolic-ref', '--short', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

/** The lowest Node major the package accepts, at least 20 (finbrain's own floor). */
function nodeMajor(range: string | undefined): number {
  const first = range ? /(\d+)/.exec(range) : null;
  const major = first ? Number(first[1]) : 20;
  return Math.max(20, major);
}
