import type * as Engine from './engine.js';

/**
 * The entry point of `finbrain migrate`: one core function per subcommand.
 * What only a run needs (the planner and the SQL parser's statements, the run
 * strategies, esbuild, Umzug) is loaded by the commands that run something, so
 * `status`, `history` and `show` start without it.
 */
export async function migrateUp(o?: Engine.MigrateUpOptions): Promise<Engine.MigrateRunResult> {
  return (await import('./engine.js')).migrateUp(o);
}
export async function migrateDown(o?: Engine.MigrateDownOptions): Promise<Engine.MigrateRunResult> {
  return (await import('./engine.js')).migrateDown(o);
}
export async function migrateRedo(o?: Parameters<typeof Engine.migrateRedo>[0]): Promise<Engine.MigrateRunResult> {
  return (await import('./engine.js')).migrateRedo(o);
}
export type { MigrateRunResult, MigrateUpOptions, MigrateDownOptions, StepResult } from './engine.js';
export { migrateStatus, migrateHistory, migrateHeads, migrateShow, type StatusResult, type HistoryEntry, type ShowResult } from './inspect.js';
export { migrateNew, migrateMerge, type NewRevisionResult } from './authoring.js';
export { migrateStamp, migrateAdopt, type StampResult } from './stamp.js';
export type { MigrateEvent, EventSink } from './events.js';
