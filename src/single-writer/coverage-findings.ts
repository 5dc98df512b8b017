import type { Finding, RuleMeta } from '../findings/finding.js';

/**
 * Findings about what the check could not look at, so that "no findings" is
 * never printed for a check that proved nothing: no protected table yet, or
 * no source file matched singleWriter.include.
 */
export const NOTHING_PROTECTED = 'single-writer/nothing-protected';
export const NO_SOURCE_FILES = 'single-writer/no-source-files';

export const COVERAGE_RULES: RuleMeta[] = [
  {
    id: NOTHING_PROTECTED,
    shortDescription: 'No table is protected yet',
    fullDescription: 'singleWriter.protectedTables is empty, so the single-writer check has nothing to prove.',
    help: "Protect a table and name its writer: npx finbrain protect <table> --writer '<glob of the writer module>'.",
    defaultSeverity: 'warning',
  },
  {
    id: NO_SOURCE_FILES,
    shortDescription: 'No source file matched singleWriter.include',
    fullDescription: 'The single-writer check read no file, so a write to a protected table anywhere in the project would go unnoticed.',
    help: 'Point singleWriter.include in finbrain.config.json at your source folders, e.g. "lib/**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}".',
    defaultSeverity: 'warning',
  },
];

export function nothingProtected(configFile: string): Finding {
  return {
    ruleId: NOTHING_PROTECTED,
    severity: 'warning',
    file: configFile,
    line: 1,
    column: 1,
    message: 'nothing is protected yet: singleWriter.protectedTables is empty, so no write was checked',
    hint: "Run `npx finbrain protect <table> --writer '<glob of the writer module>'`, e.g. npx finbrain protect payments --writer 'src/payments/**'.",
  };
}

export function noSourceFiles(configFile: string, include: string[]): Finding {
  return {
    ruleId: NO_SOURCE_FILES,
    severity: 'warning',
    file: configFile,
    line: 1,
    column: 1,
    message: `no source file matched singleWriter.include (${include.join(', ')}): no write was checked`,
    hint: 'Set singleWriter.include in finbrain.config.json to your source folders, e.g. ["lib/**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}"].',
  };
}
