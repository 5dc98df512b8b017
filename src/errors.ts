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

/** A migration failed and was rolled back (or, non-transactional, stopped). */
export class MigrationFailedError extends FinbrainError {
  readonly exitCode = 1;
  readonly code = 'migration-failed';
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
