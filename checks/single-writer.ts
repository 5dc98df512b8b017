import { join } from 'node:path';
import { sharedModuleIndex } from './shared-index.js';
import type { Check } from '../src/check-runner/check.js';

/** `finbrain check single-writer`: only the writer modules write protected tables. */
export const check: Check = {
  id: 'single-writer',
  async run(ctx) {
    const { analyzeSingleWriter, SINGLE_WRITER_RULES, COVERAGE_RULES, nothingProtected, noSourceFiles } = await import('../src/single-writer/index.js');
    // The coverage rules are listed only when one of them is reported, so a clean run's SARIF is unchanged.
    const withCoverage = [...SINGLE_WRITER_RULES, ...COVERAGE_RULES];
    const configFile = 'finbrain.config.json';
    if (!ctx.config.singleWriter.protectedTables.length) return { checkId: 'single-writer', rules: withCoverage, findings: [nothingProtected(configFile)], stats: { files: 0, protectedTables: 0 } };
    const { cache, ...options } = ctx.config.singleWriter;
    const result = await analyzeSingleWriter({
      root: ctx.root,
      ...options,
      strict: ctx.strict,
      migrationsDir: ctx.config.migrationsDir,
      readText: (rel) => ctx.files.readSync(rel),
      getIndex: () => sharedModuleIndex(ctx),
      cacheDir: cache ? join(ctx.root, '.finbrain', 'cache') : undefined,
    });
    if (result.stats.files === 0) return { checkId: 'single-writer', rules: withCoverage, findings: [noSourceFiles(configFile, ctx.config.singleWriter.include), ...result.findings], stats: result.stats };
    return { checkId: 'single-writer', rules: SINGLE_WRITER_RULES, findings: result.findings, stats: result.stats };
  },
};
