import { FinbrainError } from '../errors.js';
import type { WriteOperation } from '../sql/index.js';

/** A write to a protected table outside the canonical writer, stopped before it reached the database. */
export class SingleWriterViolationError extends FinbrainError {
  readonly exitCode = 1;
  readonly code = 'single-writer-violation';
  readonly table: string;
  readonly operation: WriteOperation;
  /** Where the offending query() was called from (guard frames removed). */
  readonly callerStack: string;
  readonly sql: string;

  constructor(table: string, operation: WriteOperation, sql: string, callerStack: string) {
    super(
      `single-writer violation: ${operation.toUpperCase()} on ${table} outside the canonical writer\n${callerStack}`,
      { hint: 'Write this table through the canonical writer (src/writer), which runs inside withWriter().' },
    );
    this.table = table;
    this.operation = operation;
    this.sql = sql;
    this.callerStack = callerStack;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), table: this.table, operation: this.operation, callerStack: this.callerStack };
  }
}

/** The database trigger guard's error (SQLSTATE 42501, message prefix below). */
export function isDbGuardError(e: unknown): boolean {
  const err = e as { code?: string; message?: string } | null;
  return Boolean(err && err.code === '42501' && typeof err.message === 'string' && err.message.startsWith('finbrain single-writer guard'));
}
