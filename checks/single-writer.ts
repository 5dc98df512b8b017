import { sharedModuleIndex } from './shared-index.js';
import type { Check } from '../src/check-runner/check.js';

/** `finbrain check single-writer`: only the writer modules write protected tables. */
export const check: Check = {
  id: 'single-writer',
  description: 'prove that only the canonical writer module writes protected tables (SQL-aware, ts-morph)',
  async run(ctx) {
    const { analyzeSingleWriter, SINGLE_WRITER_RULES } = await import('../src/single-writer/index.js');
    const result = await analyzeSingleWriter({
      root: ctx.root,
      ...ctx.config.singleWriter,
      strict: ctx.strict,
      readText: (rel) => ctx.files.readSync(rel),
      index: await sharedModuleIndex(ctx),
    });
    return { checkId: 'single-writer', rules: SINGLE_WRITER_RULES, findings: result.findings, stats: result.stats };
  },
};
