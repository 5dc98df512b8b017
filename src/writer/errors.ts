import { FinbrainError } from '../errors.js';

export interface ValidationIssue {
  /** The field (or `[i].field` in a batch) the problem is about. */
  path: string;
  /** What is wrong and what is expected instead. */
  message: string;
}

/** A request the writer refuses before (or instead of) writing: every issue names the field and what is expected. */
export class WriterValidationError extends FinbrainError {
  readonly exitCode = 2;
  readonly code = 'validation';
  constructor(
    readonly issues: ValidationIssue[],
    options: { cause?: unknown } = {},
  ) {
    super(issues.map((i) => `${i.path}: ${i.message}`).join('; '), options);
  }
}

/** An idempotency key reused for a different request (or another operation): a retry must repeat the request exactly. */
export class IdempotencyConflictError extends FinbrainError {
  readonly exitCode = 1;
  readonly code = 'idempotency-conflict';
  constructor(
    readonly idempotencyKey: string,
    readonly firstOperation: string,
    readonly operation: string,
  ) {
    super(
      firstOperation === operation
        ? `idempotency key "${idempotencyKey}" was already used for a different ${operation} request`
        : `idempotency key "${idempotencyKey}" was already used for ${firstOperation}, not ${operation}`,
      { hint: 'A retry must send the same request with the same key; a new request needs a new key.' },
    );
  }
}

/** The writer is used before its table's protection is installed (a missing table, function or role). */
export class ProtectionMissingError extends FinbrainError {
  readonly exitCode = 2;
  readonly code = 'protection-missing';
  constructor(
    readonly table: string,
    what: string,
    options: { cause?: unknown } = {},
  ) {
    super(`the canonical writer of ${table} cannot run: ${what}`, {
      ...options,
      hint: `Install the database side of the protection: \`npx finbrain protect ${table.split('.').pop()} --writer '<glob of the writer module>'\`, then \`npx finbrain migrate up\`.`,
    });
  }
}

/** The protection is installed but broken (a rule, an inheritance child, a disabled trigger, a stray privilege …), or a write vanished. */
export class ProtectionTamperedError extends FinbrainError {
  readonly exitCode = 1;
  readonly code = 'protection-tampered';
  constructor(
    readonly table: string,
    readonly problems: string[],
  ) {
    super(`the protection of ${table} is broken, so the canonical writer refuses to write: ${problems.join('; ')}`, {
      hint: 'Undo the change to the table (or its grants) that the message names; `SELECT * FROM <schema>.finbrain_verify_<table>()` lists what is wrong.',
    });
  }
}

/** The writer's pool logs in with a role that is not a member of the writer role. */
export class WriterLoginError extends FinbrainError {
  readonly exitCode = 2;
  readonly code = 'writer-login';
}

/** A query on a writer transaction after it ended (e.g. from a timer started inside it). */
export class TransactionClosedError extends FinbrainError {
  readonly exitCode = 1;
  readonly code = 'transaction-closed';
  constructor() {
    super('the canonical writer\'s transaction is over: its handle cannot be used after the operation returned', {
      hint: 'Do all writes inside the operation and await them; work scheduled from inside it gets no right to write.',
    });
  }
}
