import { FinbrainError } from '../errors.js';
import type { FindingKind } from './guard-verdict.js';

function describe(kind: FindingKind, table: string, operation: string, detail?: string): string {
  const where = detail ? ` (${detail})` : '';
  switch (kind) {
    case 'write':
      return `single-writer violation: ${operation.toUpperCase()} on protected table ${table}${where} outside the canonical writer`;
    case 'ddl':
      return `single-writer violation: ${operation} on protected table ${table}${where}`;
    case 'setting':
      return `single-writer violation: ${operation}${where}`;
    default:
      return `single-writer violation: the runtime guard cannot see what this statement runs${where}, and on this connection nothing behind the guard would stop a write`;
  }
}

/** A statement stopped by the runtime guard before it reached the database. */
export class SingleWriterViolationError extends FinbrainError {
  readonly exitCode = 1;
  readonly code = 'single-writer-violation';
  constructor(
    readonly kind: FindingKind,
    readonly table: string,
    readonly operation: string,
    readonly sql: string,
    readonly callingStack: string,
    readonly detail?: string,
  ) {
    super(describe(kind, table, operation, detail), {
      hint:
        kind === 'write'
          ? `Write ${table} through its canonical writer (a CanonicalWriter on the writer's own pool); see README, "Runtime protection".`
          : kind === 'opaque'
            ? 'Run the statement as static SQL the guard can read, or through the canonical writer.'
            : 'Application code does not change protected tables or these settings; do it in a reviewed migration.',
    });
  }
}

/**
 * A refusal by the database side of the protection on an application
 * connection: missing privileges on a protected table (SQLSTATE 42501
 * `permission denied for table …`) or the guard/append-only triggers.
 */
export function isDbGuardError(e: unknown, protectedTables: string[] = []): boolean {
  if ((e as { code?: string })?.code !== '42501') return false;
  const message = (e as Error)?.message ?? '';
  if (message.startsWith('finbrain ')) return true;
  const denied = /^permission denied for (?:table|relation) (.+)$/.exec(message)?.[1];
  if (!denied) return false;
  const name = denied.toLowerCase();
  return protectedTables.some((t) => {
    const table = t.split('.').pop()!.toLowerCase();
    return name === table;
  });
}
