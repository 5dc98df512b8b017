import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UsageError } from '../errors.js';

export interface PlannedFile {
  /** Relative to the project root, POSIX. */
  path: string;
  content: string;
  /** One line for the summary: what the file is for. */
  what: string;
}

/**
 * Writes every planned file or none: all targets are checked before the first
 * write, so a refusal leaves the repository exactly as it was, and a failure
 * part-way (a read-only folder) removes what this call already wrote.
 */
export function writeAllOrNothing(root: string, files: PlannedFile[], command: string): void {
  const existing = files.filter((f) => existsSync(join(root, f.path))).map((f) => f.path);
  if (existing.length) {
    throw new UsageError(`${command} would overwrite ${existing.join(', ')}; nothing was written`, {
      files: existing,
      hint: `finbrain never overwrites your files: move or delete ${existing.length === 1 ? 'it' : 'them'} and run \`${command}\` again, or keep your version and skip ${command}.`,
    });
  }
  const written: string[] = [];
  const madeDirs: string[] = [];
  try {
    for (const f of files) {
      const abs = join(root, f.path);
      const made = mkdirSync(dirname(abs), { recursive: true });
      if (made) madeDirs.push(made);
      writeFileSync(abs, f.content, { flag: 'wx' });
      written.push(abs);
    }
  } catch (e) {
    for (const abs of written) rmSync(abs, { force: true });
    for (const dir of madeDirs.reverse()) rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}
