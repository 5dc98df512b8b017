/**
 * The finbrain library. The CLI is built on the same exports.
 */
export * from './errors.js';
export { loadConfig, parseConfig, type LoadedConfig } from './config/load.js';
export type { FinbrainConfig, FinbrainConfigInput } from './config/schema.js';
export type { Db, QueryResult } from './db/types.js';
export { openDatabase } from './db/open.js';
export { maskSecrets } from './util/mask.js';
export * from './standards/index.js';
export * from './runtime/index.js';
export * from './writer/index.js';
export { WriterMonitor, OUTCOMES, type Outcome, type WriterMonitorOptions, type StatsSink } from './monitor/writer-monitor.js';
export { monitorReport, type MonitorReport, type MonitorOptions } from './monitor/report.js';
