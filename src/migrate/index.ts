/** The entry point of `finbrain migrate`: one core function per subcommand. */
export { migrateUp, migrateDown, migrateRedo, type MigrateRunResult, type MigrateUpOptions, type MigrateDownOptions, type StepResult } from './engine.js';
export { migrateStatus, migrateHistory, migrateHeads, migrateShow, type StatusResult, type HistoryEntry, type ShowResult } from './inspect.js';
export { migrateNew, migrateMerge, type NewRevisionResult } from './authoring.js';
export { migrateStamp, migrateAdopt, type StampResult } from './stamp.js';
export type { MigrateEvent, EventSink } from './events.js';
