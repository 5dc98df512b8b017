import type { SingleWriterViolationError } from './violation.js';

/**
 * `reject`: text the guard cannot see through (dynamic EXECUTE of computed
 * text, other languages, text that does not parse) is refused. `allow`: it is
 * let through, because something behind the guard stops writes it could hide
 * (database privileges on the server). PGlite handles default to `reject`
 * (one superuser session: nothing stands behind the guard); pg handles to `allow`.
 */
export type OpaquePolicy = 'reject' | 'allow';

/** What the pg and PGlite adapters need from the guard. */
export interface GuardCore {
  readonly mode: 'enforce' | 'log';
  readonly protectedTables: string[];
  /** The policy for a handle when the options do not set one. */
  opaquePolicy(defaultPolicy: OpaquePolicy): OpaquePolicy;
  /**
   * Judges `text`, reports a violation, and returns the error to deliver
   * (undefined when allowed, or in log mode). In log mode the statement goes
   * on to `innerChecks` more checks of the same text (the pooled client's, the
   * connection's): a violation already reported by an outer one is not
   * reported again by them.
   */
  judge(text: string, policy: OpaquePolicy, innerChecks?: number): SingleWriterViolationError | undefined;
  /** A refusal the guard decided on its own (a tainted session, an unpinnable query). */
  refuse(kind: 'setting' | 'opaque', operation: string, text: string, detail: string): SingleWriterViolationError | undefined;
  /** A database error on a guarded handle: counted as a database-layer violation when it is the protection refusing. */
  databaseError(e: unknown, text: string): void;
  /** Whether anyone listens for database-layer violations (else results are not wrapped to look for them). */
  readonly watchesDatabase: boolean;
}
