export { pgPoolTransactor, pgliteTransactor, type Transactor, type Tx } from './transactor.js';
export { CanonicalWriter, protectedTablesOf, type CanonicalWriterOptions, type CallOptions, type Row, type WriteResult, type WriteTx } from './canonical-writer.js';
export {
  WriterValidationError,
  IdempotencyConflictError,
  ProtectionMissingError,
  ProtectionTamperedError,
  WriterLoginError,
  TransactionClosedError,
  type ValidationIssue,
} from './errors.js';
