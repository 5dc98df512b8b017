import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import picomatch from 'picomatch';

/** Directories never worth walking. */
const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', 'build', 'coverage', '.finbrain', '.next', '.turbo']);

export type Matcher = (relPath: string) => boolean;

export function globMatcher(globs: string[]): Matcher {
  if (!globs.length) return () => false;
  return picomatch(globs, { dot: true });
}

/** Files under root (POSIX, root-relative) matching include and not exclude. */
export function listSourceFiles(root: string, include: string[], exclude: string[]): string[] {
  const inc = globMatcher(include);
  const exc = globMatcher(exclude);
  const out: string[] = [];
  // The relative path is built as the walk goes down: path.relative per file costs more than the listing.
  const walk = (dir: string, relDir: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const rel = relDir ? `${relDir}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name)) walk(join(dir, e.name), rel);
      } else if (e.isFile()) {
        if (inc(rel) && !exc(rel)) out.push(rel);
      }
    }
  };
  walk(root, '');
  return out.sort();
}

/** Reads a root-relative file from disk; undefined when it cannot be read (the fallback when no shared file cache is given). */
export function diskReader(root: string): (relPath: string) => string | undefined {
  return (rel) => {
    try {
      return readFileSync(join(root, rel), 'utf8');
    } catch {
      return undefined;
    }
  };
}
