import { FinbrainError } from '../errors.js';
import type { WriteOperation } from '../sql/index.js';

/** A write to a protected table outside the canonical writer, stopped before it reached the database. */
export class SingleWriterViolationError extends FinbrainError {
  readonly exitCode = 1;
  readonly code = 'single-writer-violation';
  constructor(
    readonly table: string,
    readonly operation: WriteOperation,
    readonly sql: string,
    readonly callingStack: string,
  ) {
    super(`single-writer violation: ${operation.toUpperCase()} on protected table ${table} outside the canonical writer`, {
      hint: 'Write expenses through the canonical writer (withWriter / ExpenseWriter); see README, "Runtime protection".',
    });
  }
}

/** The database guard's error (the trigger raises SQLSTATE 42501 with this prefix). */
export function isDbGuardError(e: unknown): boolean {
  return (e as { code?: string })?.code === '42501' && /finbrain single-writer guard/.test((e as Error)?.message ?? '');
}
