import type { Check } from '../src/check-runner/check.js';

/** `finbrain check data`: rows in the database that break the data standards. */
export const check: Check = {
  id: 'data',
  description: 'scan the database (DATABASE_URL or the embedded one) for expenses that break the data standards',
  async run(ctx) {
    const { openDatabase } = await import('../src/db/open.js');
    const { scanExpenseData, DATA_RULES } = await import('../src/standards/data-scan.js');
    const db = await openDatabase({ config: ctx.config, root: ctx.root, notice: ctx.warn });
    try {
      const r = await scanExpenseData(db, ctx.config.standards);
      return { checkId: 'data', rules: DATA_RULES, findings: r.findings, stats: r.stats };
    } finally {
      await db.close();
    }
  },
};
