import { FinbrainError } from '../errors.js';

/** The idempotency key was used before for a different request. */
export class IdempotencyConflictError extends FinbrainError {
  readonly exitCode = 1;
  readonly code = 'idempotency-conflict';
  constructor(readonly key: string, previousOperation: string) {
    super(`idempotency key ${JSON.stringify(key)} was already used for a different ${previousOperation} request`, {
      hint: 'Use a new idempotency key per distinct request; repeat a key only to retry the very same request.',
    });
  }
}

/** update/delete of an expense id that does not exist. */
export class ExpenseNotFoundError extends FinbrainError {
  readonly exitCode = 1;
  readonly code = 'expense-not-found';
  constructor(readonly id: string) {
    super(`expense ${id} does not exist`, { hint: 'Check the id; it may have been deleted already.' });
  }
}
