import type { Check } from '../src/check-runner/check.js';

/** `finbrain check data`: rows in the database that break the data standards. */
export const check: Check = {
  id: 'data',
  async run(ctx) {
    const { ConfigError } = await import('../src/errors.js');
    if (!ctx.config.standards.tables.length) {
      throw new ConfigError('standards.tables: `check data` has no table to scan', {
        hint: 'Name the tables that hold money in finbrain.config.json, e.g. "standards": { "tables": [{ "table": "payments" }] } (columns default to id, amount, currency, source).',
      });
    }
    const { openDatabase } = await import('../src/db/open.js');
    const { scanData, DATA_RULES } = await import('../src/standards/data-scan.js');
    const db = await openDatabase({ config: ctx.config, root: ctx.root, notice: ctx.warn });
    try {
      const r = await scanData(db, ctx.config.standards);
      return { checkId: 'data', rules: DATA_RULES, findings: r.findings, stats: r.stats };
    } finally {
      await db.close();
    }
  },
};
