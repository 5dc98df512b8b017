import { pathToFileURL } from 'node:url';
import { RevisionError } from '../../errors.js';
import type { RevisionFile } from '../../revisions/revision-file.js';
import type { MigrationContext } from '../context.js';
import type { Direction } from '../plan.js';

type MigrationFn = (ctx: MigrationContext) => Promise<unknown>;
type MigrationModule = { up?: MigrationFn; down?: MigrationFn };

/** Loads a TS revision with tsx (only when one actually runs) and returns its up or down. */
export async function loadMigrationFunction(file: RevisionFile, direction: Direction): Promise<MigrationFn> {
  const { tsImport } = await import('tsx/esm/api');
  const mod = (await tsImport(pathToFileURL(file.path).href, import.meta.url)) as MigrationModule & { default?: MigrationModule };
  const m = typeof mod.up === 'function' ? mod : (mod.default ?? mod);
  const fn = m[direction];
  if (typeof fn !== 'function') {
    throw new RevisionError(`${file.relPath}: does not export a ${direction}(ctx) function`, { files: [file.relPath], revision: file.revision });
  }
  return fn;
}
