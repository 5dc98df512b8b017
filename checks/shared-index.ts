import type { ModuleIndex } from '../src/single-writer/module-index.js';
import type { CheckContext } from './types.js';

/** The parsed-module index of this run, shared by single-writer and security so no file is parsed twice. */
export async function sharedModuleIndex(ctx: CheckContext): Promise<ModuleIndex> {
  const { ModuleIndex } = await import('../src/single-writer/module-index.js');
  return ctx.files.shared('module-index', () => new ModuleIndex(ctx.root, (rel) => ctx.files.readSync(rel)));
}
