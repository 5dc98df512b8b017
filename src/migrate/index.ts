/** The entry point of `finbrain migrate`: one core function per subcommand. */
export { migrateUp, migrateDown, type MigrateRunResult, type MigrateUpOptions, type MigrateDownOptions } from './engine.js';
export { migrateStatus, migrateHistory, migrateHeads, type StatusResult } from './inspect.js';
export { migrateNew, migrateMerge } from './authoring.js';
export { migrateStamp, migrateAdopt } from './stamp.js';
export type { MigrateEvent, EventSink } from './events.js';
