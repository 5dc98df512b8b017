import { Command, Option } from 'commander';
import { createIo, runAction } from '../io.js';

export function monitorCommand(): Command {
  return new Command('monitor')
    .description("the canonical writer's SLA across the fleet: success rate, p50/p95/p99, violations (exit 1 on breach)")
    .addOption(new Option('-w, --window <minutes>', 'window in minutes (default: monitor.windowMinutes)').argParser((v) => Number(v)))
    .option('--json', 'print the report as JSON')
    .option('--database-url <url>', 'database (default: DATABASE_URL, then database.url, then the embedded PGlite)')
    .option('-c, --config <file>', 'path to finbrain.config.json')
    .option('--root <dir>', 'project root')
    .addHelpText('after', '\nExample:\n  $ finbrain monitor --window 15 --json')
    .action(async (o: { window?: number; json?: boolean; databaseUrl?: string; config?: string; root?: string }) => {
      const io = createIo(o);
      await runAction(io, async () => {
        const { runMonitor } = await import('../../monitor/index.js');
        const { renderSla, slaJson } = await import('../../report/sla-report.js');
        const r = await runMonitor({ root: o.root, configPath: o.config, url: o.databaseUrl, windowMinutes: o.window, notice: (m) => io.err(`${m}\n`) });
        io.out(io.json ? slaJson(r) : renderSla(r));
        return r.breaches.length ? 1 : 0;
      });
    });
}
