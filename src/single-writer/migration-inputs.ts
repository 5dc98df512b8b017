import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The revision files of the project's migrations folder (absolute paths), whose foreign keys
 * the analysis reads: inputs of a cached result, listed on every run so that a revision added
 * since is noticed as well as one edited.
 */
export function migrationInputs(root: string, migrationsDir: string | undefined): string[] {
  const dir = migrationsDir ? resolve(root, migrationsDir) : undefined;
  if (!dir || !existsSync(dir)) return [];
  try {
    return readdirSync(dir)
      .filter((n) => /\.(sql|ts)$/.test(n) && !n.endsWith('.d.ts'))
      .sort()
      .map((n) => join(dir, n));
  } catch {
    return [];
  }
}
