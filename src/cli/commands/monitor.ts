import { Command, Option } from 'commander';
import { createIo, runAction } from '../io.js';

export function monitorCommand(): Command {
  return new Command('monitor')
    .description("the expense writer's SLA across the fleet: success rate, p50/p95/p99, violations (exit 1 on breach)")
    .addOption(new Option('-w, --window <minutes>', 'window in minutes (default: monitor.windowMinutes)').argParser((v) => Number(v)))
    .option('--json', 'print the report as JSON')
    .option('--database-url <url>', 'database (default: DATABASE_URL, then database.url, then the embedded PGlite)')
    .option('-c, --config <file>', 'path to finbrain.config.json')
    .option('--root <dir>', 'project root')
    .addHelpText('after', '\nExample:\n  $ finbrain monitor --window 15 --json')
    .action(async (o: { window?: number; json?: boolean; databaseUrl?: string; config?: string; root?: string }) => {
      const io = createIo(o);
      await runAction(io, async () => {
        const { loadConfig } = await import('../../config/load.js');
        const { openDatabase } = await import('../../db/open.js');
        const { slaReport, renderSla } = await import('../../runtime/sla-report.js');
        const { UsageError } = await import('../../errors.js');
        const { config, root } = loadConfig({ root: o.root, configPath: o.config });
        const window = o.window ?? config.monitor.windowMinutes;
        if (!Number.isInteger(window) || window < 1) throw new UsageError(`--window must be a positive number of minutes, got ${o.window}`);
        const db = await openDatabase({ config, root, url: o.databaseUrl, notice: (m) => io.err(`${m}\n`) });
        try {
          const r = await slaReport(db, window, { successRate: config.monitor.successRate, p95Ms: config.monitor.p95Ms, maxViolations: config.monitor.maxViolations });
          io.out(io.json ? `${JSON.stringify({ ...r, p99Ms: r.p99Ms === Infinity ? '>1000' : r.p99Ms, p95Ms: r.p95Ms === Infinity ? '>1000' : r.p95Ms }, null, 2)}\n` : renderSla(r));
          return r.breaches.length ? 1 : 0;
        } finally {
          await db.close();
        }
      });
    });
}
