import { maskSecrets } from './masking/mask-passwords.js';

/** 0 ok, 1 findings or a failed migration, 2 usage, config or bad input. */
export type ExitCode = 0 | 1 | 2;

export interface FinbrainErrorOptions {
  /** What the user should do about it, printed after the message. */
  hint?: string;
  cause?: unknown;
  /** Files the error is about, relative to the project root where possible. */
  files?: string[];
  /** The revision the error is about. */
  revision?: string;
}

/**
 * The base of every error finbrain raises on purpose. Messages are masked at
 * construction, so no later printing path can leak a password.
 */
export abstract class FinbrainError extends Error {
  abstract readonly exitCode: ExitCode;
  abstract readonly code: string;
  readonly hint?: string;
  readonly files?: string[];
  readonly revision?: string;

  constructor(message: string, options: FinbrainErrorOptions = {}) {
    super(maskSecrets(message), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options.hint === undefined ? undefined : maskSecrets(options.hint);
    this.files = options.files;
    this.revision = options.revision;
    if (this.stack) this.stack = maskSecrets(this.stack);
  }

  toJSON(): Record<string, unknown> {
    return {
      error: this.code,
      message: this.message,
      ...(this.hint ? { hint: this.hint } : {}),
      ...(this.revision ? { revision: this.revision } : {}),
      ...(this.files ? { files: this.files } : {}),
      exitCode: this.exitCode,
    };
  }
}

/** Bad flags or arguments. */
export class UsageError extends FinbrainError {
  readonly exitCode = 2;
  readonly code = 'usage';
}

/** finbrain.config.json is unreadable or invalid; messages read `path: message`. */
export class ConfigError extends FinbrainError {
  readonly exitCode = 2;
  readonly code = 'config';
}

/** A revision file or the revision graph is invalid: nothing was run. */
export class RevisionError extends FinbrainError {
  readonly exitCode = 2;
  readonly code = 'revision';
}

/** A revision this run applied (or reverted) before a failure stopped it. */
export interface CompletedStep {
  revision: string;
  direction: 'up' | 'down';
  summary: string;
  file: string;
  mode: 'transactional' | 'non-transactional';
  durationMs: number;
}

/** A unique index that cannot be built because the table holds duplicate keys. */
export interface UniqueViolation {
  index?: string;
  table: string;
  columns: string[];
  /** Up to five duplicated keys with their counts, e.g. `7 ×200`. */
  sample: string[];
  /** Whether an INVALID leftover of the failed build was dropped. */
  droppedInvalid: boolean;
}

export interface MigrationFailureDetails extends FinbrainErrorOptions {
  direction?: 'up' | 'down';
  /** 1-based line in the revision file of the failing statement, when known. */
  line?: number;
  /** What the failure left behind (statements of a non-transactional revision that stay applied). */
  note?: string;
  /** SQLSTATE of the database error, when there is one. */
  sqlState?: string;
  uniqueViolation?: UniqueViolation;
  /** What this run applied before the failure, in order. */
  applied?: CompletedStep[];
}

/** A migration failed and was rolled back (or, non-transactional, stopped). */
export class MigrationFailedError extends FinbrainError {
  readonly exitCode = 1;
  readonly code = 'migration-failed';
  readonly direction?: 'up' | 'down';
  readonly line?: number;
  readonly note?: string;
  readonly sqlState?: string;
  readonly uniqueViolation?: UniqueViolation;
  readonly applied: CompletedStep[];

  constructor(message: string, options: MigrationFailureDetails = {}) {
    super(message, options);
    this.direction = options.direction;
    this.line = options.line;
    this.note = options.note === undefined ? undefined : maskSecrets(options.note);
    this.sqlState = options.sqlState;
    this.uniqueViolation = options.uniqueViolation;
    this.applied = options.applied ?? [];
  }

  /** The same failure, knowing what the run applied before it. */
  withApplied(applied: CompletedStep[]): MigrationFailedError {
    return new MigrationFailedError(this.message, {
      hint: this.hint,
      cause: this.cause,
      files: this.files,
      revision: this.revision,
      direction: this.direction,
      line: this.line,
      note: this.note,
      sqlState: this.sqlState,
      uniqueViolation: this.uniqueViolation,
      applied,
    });
  }

  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      ...(this.line ? { line: this.line } : {}),
      ...(this.sqlState ? { sqlState: this.sqlState } : {}),
      ...(this.uniqueViolation ? { uniqueViolation: this.uniqueViolation } : {}),
      applied: this.applied,
    };
  }
}

/** The database could not be reached, refused the login, or the lock could not be had. */
export class DatabaseError extends FinbrainError {
  readonly exitCode = 1;
  readonly code = 'database';
}

/** SQL that the Postgres parser rejects. */
export class SqlSyntaxError extends FinbrainError {
  readonly exitCode = 2;
  readonly code = 'sql-syntax';
  constructor(
    message: string,
    readonly position: number | undefined,
    options: FinbrainErrorOptions = {},
  ) {
    super(message, options);
  }
}

export function isFinbrainError(e: unknown): e is FinbrainError {
  return e instanceof FinbrainError;
}

/** Masked one-line description of anything thrown. */
export function describeError(e: unknown): string {
  if (e instanceof Error) return maskSecrets(e.message);
  return maskSecrets(String(e));
}
