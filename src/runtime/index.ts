export { withWriter, withoutWriter, currentWriter, type WriterContext } from './writer-context.js';
export { createGuard, type GuardOptions, type GuardMode, type SingleWriterGuard, type ViolationSink } from './guard.js';
export { guardPgClient, guardPgPool } from './guard-pg.js';
export { guardPglite, guardDb } from './guard-pglite.js';
export { SingleWriterViolationError, isDbGuardError } from './violation-error.js';
export { LruCache } from './lru-cache.js';
