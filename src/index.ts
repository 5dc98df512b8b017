/**
 * The finbrain library. The CLI is built on the same exports.
 */
export * from './errors.js';
export { loadConfig, parseConfig, type LoadedConfig } from './config/load.js';
export type { FinbrainConfig, FinbrainConfigInput } from './config/schema.js';
export type { Db, QueryResult } from './db/types.js';
export { openDatabase } from './db/open.js';
export { maskSecrets } from './masking/mask-passwords.js';
export type { MigrationContext } from './migrate/context.js';
export { registerContextDecorator } from './migrate/context.js';
export { migrateUp, migrateDown, migrateRedo, type MigrateRunResult, type MigrateUpOptions, type MigrateDownOptions } from './migrate/engine.js';
export { migrateStatus, migrateHistory, migrateHeads, migrateShow, type StatusResult, type ShowResult } from './migrate/inspect.js';
export { migrateNew, migrateMerge } from './migrate/authoring.js';
export { migrateStamp, migrateAdopt } from './migrate/stamp.js';
export { parseRevisionFile, type RevisionFile } from './revisions/revision-file.js';
export { readRevisionFiles } from './revisions/revision-folder.js';
export { RevisionGraph } from './revisions/revision-graph.js';
export {
  pgPoolTransactor,
  pgliteTransactor,
  CanonicalWriter,
  protectedTablesOf,
  WriterValidationError,
  IdempotencyConflictError,
  ProtectionMissingError,
  ProtectionTamperedError,
  WriterLoginError,
  TransactionClosedError,
  type Transactor,
  type Tx,
  type CanonicalWriterOptions,
  type CallOptions,
  type Row,
  type WriteResult,
  type WriteTx,
  type ValidationIssue,
} from './writer/index.js';
export { wrapPglite } from './db/pglite-db.js';
export { SingleWriterGuard, type GuardOptions, type Violation, type OpaquePolicy } from './runtime/guard.js';
export { SingleWriterViolationError, isDbGuardError } from './runtime/violation.js';
export {
  WriterMonitor,
  statsTableSink,
  bufferedStatsSink,
  DEFAULT_STATS_TABLE,
  type BufferedStatsSink,
  type Outcome,
  type StatsSink,
  type WriterMonitorOptions,
  LATENCY_BUCKETS_MS,
} from './runtime/monitor.js';
export { renderProtectionSql, protectionDefaults, protectionOptionsFor, verifyProtection, type ProtectionOptions, type ProtectionSql } from './protection/index.js';
export * from './standards/index.js';
export { migrateVerify } from './verify/verify.js';
