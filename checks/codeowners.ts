import type { Check } from '../src/check-runner/check.js';

/** `finbrain check codeowners`: the CODEOWNERS file itself, and that every protected path has an owner. */
export const check: Check = {
  id: 'codeowners',
  async run(ctx) {
    const { analyzeCodeowners, CODEOWNERS_RULES } = await import('../src/codeowners/analyze.js');
    const { CODEOWNERS_LOCATIONS } = await import('../src/codeowners/parse.js');
    let file: { path: string; text: string } | undefined;
    for (const path of CODEOWNERS_LOCATIONS) {
      const text = ctx.files.readSync(path);
      if (text !== undefined) {
        file = { path, text };
        break;
      }
    }
    const tracked = (await ctx.files.gitTracked()) ?? [];
    if (!(await ctx.files.gitTracked())) ctx.warn(`${ctx.root} is not a git work tree: "matches no tracked file" and protected-path coverage cannot be checked against tracked files.`);
    const { defaultProtectedPaths } = await import('../src/codeowners/protected-paths.js');
    const trackedSet = new Set(tracked);
    const protectedPaths =
      ctx.config.checks.codeowners.protectedPaths ?? defaultProtectedPaths(ctx.config, (rel) => trackedSet.has(rel) || ctx.files.readSync(rel) !== undefined);
    const findings = analyzeCodeowners({ file, tracked, protectedPaths });
    return { checkId: 'codeowners', rules: CODEOWNERS_RULES, findings, stats: { tracked: tracked.length, rules: file ? file.text.split('\n').length : 0 } };
  },
};
