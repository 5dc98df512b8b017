import { loadConfig } from '../config/load.js';
import { openDatabase } from '../db/open.js';
import { UsageError } from '../errors.js';
import { slaReport, type SlaReport } from './sla.js';

export type { SlaReport, SlaTargets } from './sla.js';

export interface MonitorOptions {
  cwd?: string;
  root?: string;
  configPath?: string;
  /** --database-url */
  url?: string;
  /** Minutes; default monitor.windowMinutes. */
  windowMinutes?: number;
  /** Diagnostics (which database was opened). */
  notice?: (message: string) => void;
}

/** The core of `finbrain monitor`: the fleet's SLA over a window, from the durable rollups. */
export async function runMonitor(o: MonitorOptions = {}): Promise<SlaReport> {
  const { config, root } = loadConfig({ cwd: o.cwd, root: o.root, configPath: o.configPath });
  const window = o.windowMinutes ?? config.monitor.windowMinutes;
  if (!Number.isInteger(window) || window < 1) {
    throw new UsageError(`--window must be a positive whole number of minutes, got ${o.windowMinutes}`, { hint: 'Use e.g. --window 15.' });
  }
  const db = await openDatabase({ config, root, url: o.url, notice: o.notice });
  try {
    const q = (ident: string) => `"${ident.replace(/"/g, '""')}"`;
    const table = `${q(config.protection.schema)}.${q(config.protection.statsTable)}`;
    return await slaReport(db, window, { successRate: config.monitor.successRate, p95Ms: config.monitor.p95Ms, maxViolations: config.monitor.maxViolations }, table);
  } finally {
    await db.close();
  }
}
