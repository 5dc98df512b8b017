import { join } from 'node:path';
import { sharedModuleIndex } from './shared-index.js';
import type { Check } from '../src/check-runner/check.js';

/** `finbrain check single-writer`: only the writer modules write protected tables. */
export const check: Check = {
  id: 'single-writer',
  description: 'prove that only the canonical writer module writes protected tables (SQL-aware, TypeScript resolver, per-library sink models)',
  async run(ctx) {
    const { analyzeSingleWriter, SINGLE_WRITER_RULES } = await import('../src/single-writer/index.js');
    const { cache, ...options } = ctx.config.singleWriter;
    const result = await analyzeSingleWriter({
      root: ctx.root,
      ...options,
      strict: ctx.strict,
      readText: (rel) => ctx.files.readSync(rel),
      getIndex: () => sharedModuleIndex(ctx),
      cacheDir: cache ? join(ctx.root, '.finbrain', 'cache') : undefined,
    });
    return { checkId: 'single-writer', rules: SINGLE_WRITER_RULES, findings: result.findings, stats: result.stats };
  },
};
