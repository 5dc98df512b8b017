import picomatch from 'picomatch';
import type { FinbrainConfig } from '../config/schema.js';

/** Where `finbrain init` writes the workflow that runs the checks; protected when it exists. */
export const WORKFLOW_FILE = '.github/workflows/finbrain.yml';
export const CONFIG_FILE_NAME = 'finbrain.config.json';

/**
 * The paths whose changes need an owner's review when the config does not list
 * them (`checks.codeowners.protectedPaths` unset): what the config already names.
 * The writer modules (they may write protected tables), the migrations folder
 * (it changes the database), the config (it says what is protected), the
 * workflow that runs the checks, and CODEOWNERS itself (or anyone could drop
 * the owners). Optional files count only when the project has them.
 */
export function defaultProtectedPaths(config: FinbrainConfig, exists: (relPath: string) => boolean): string[] {
  const paths = config.singleWriter.writers.map(writerPath);
  paths.push(`${trimSlashes(config.migrationsDir)}/`);
  for (const file of [CONFIG_FILE_NAME, WORKFLOW_FILE]) if (exists(file)) paths.push(file);
  paths.push('CODEOWNERS');
  return [...new Set(paths)];
}

/** `src/payments/**` (or `src/payments/**\/*`) is the directory `src/payments/`; any other glob stays a glob. */
export function writerPath(glob: string): string {
  const g = trimSlashes(glob.replace(/^\.\//, ''));
  const dir = /^(.*?)\/\*\*(\/\*)?$/.exec(g);
  if (dir && !picomatch.scan(dir[1]!).isGlob) return `${dir[1]}/`;
  return g;
}

export function isGlob(path: string): boolean {
  return picomatch.scan(path).isGlob;
}

function trimSlashes(p: string): string {
  return p.replace(/^\.\//, '').replace(/^\/+|\/+$/g, '');
}
