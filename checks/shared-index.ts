import type { ModuleIndex } from '../src/ts-analysis/module-index.js';
import type { CheckContext } from '../src/check-runner/check.js';

/** The parsed-module index of this run, shared by single-writer and security so no file is parsed twice. */
export async function sharedModuleIndex(ctx: CheckContext): Promise<ModuleIndex> {
  const { ModuleIndex } = await import('../src/ts-analysis/module-index.js');
  return ctx.files.shared('module-index', () => new ModuleIndex(ctx.root, (rel) => ctx.files.readSync(rel)));
}
