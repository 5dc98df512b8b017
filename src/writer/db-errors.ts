import { ProtectionMissingError, ProtectionTamperedError, WriterLoginError, WriterValidationError, type ValidationIssue } from './errors.js';

export interface ConstraintInfo {
  name: string;
  type: 'f' | 'c';
  def: string;
  ref: string | null;
  columns: string[];
}

export interface ErrorContext {
  label: string;
  writerRole: string;
  constraints: Map<string, ConstraintInfo>;
  /** The caller's field name for a column (e.g. user_id → userId). */
  field: (column: string) => string;
  /** The values the statement sent, by column. */
  values?: Record<string, unknown>;
  /** Prefix for batch items (`[3].`). */
  prefix?: string;
}

interface PgError {
  code?: string;
  message?: string;
  constraint?: string;
  column?: string;
}

/**
 * Turns what the database said into what the caller can act on: a validation
 * error naming the field and what is expected (unknown referenced id, a CHECK,
 * NOT NULL), a missing protection with the command that installs it, a login
 * that is not the writer's, or a tampered table. Anything else is returned as is.
 */
export function explainDbError(e: unknown, ctx: ErrorContext): unknown {
  const err = e as PgError;
  const message = err?.message ?? String(e);
  const issue = (column: string, text: string): ValidationIssue => ({ path: `${ctx.prefix ?? ''}${ctx.field(column)}`, message: text });
  switch (err?.code) {
    case '23503': {
      const c = err.constraint ? ctx.constraints.get(err.constraint) : undefined;
      if (!c?.columns.length) return new WriterValidationError([{ path: `${ctx.prefix ?? ''}(input)`, message: `refers to a row that does not exist (${message})` }], { cause: e });
      const issues = c.columns.map((col) =>
        issue(col, `${JSON.stringify(String(ctx.values?.[col] ?? ''))} does not exist in ${c.ref}; expected the id of an existing ${c.ref} row`),
      );
      return new WriterValidationError(issues, { cause: e });
    }
    case '23514': {
      const c = err.constraint ? ctx.constraints.get(err.constraint) : undefined;
      const columns = c?.columns.length ? c.columns : ['(input)'];
      return new WriterValidationError(
        columns.map((col) => issue(col, `${col in (ctx.values ?? {}) ? `${JSON.stringify(String(ctx.values![col]))} ` : ''}breaks ${c ? `${c.def}` : 'a check constraint'}; expected a value that satisfies it`)),
        { cause: e },
      );
    }
    case '23502':
      return new WriterValidationError([issue(err.column ?? '(input)', 'is required (the column is NOT NULL); expected a value')], { cause: e });
    case '22P02':
    case '22003':
    case '22007':
    case '22008':
      return new WriterValidationError([{ path: `${ctx.prefix ?? ''}(input)`, message: `${message}; expected a value of the column's type` }], { cause: e });
    case '42P01':
    case '42883':
    case '3F000':
    case '42704':
      return new ProtectionMissingError(ctx.label, message, { cause: e });
    case '0A000':
      // "DO INSTEAD rules are not supported for data-modifying statements in WITH": a rule sits on the table.
      return new ProtectionTamperedError(ctx.label, [message]);
    case '42501':
      if (message.startsWith('permission denied to set role') || message.startsWith('permission denied for') || message.startsWith('finbrain single-writer guard')) {
        return new WriterLoginError(`the canonical writer of ${ctx.label} connects with a login that may not write it: ${message}`, {
          cause: e,
          hint: `Give the writer its own pool whose login is a member of role ${ctx.writerRole} (CREATE ROLE <login> LOGIN IN ROLE ${ctx.writerRole}).`,
        });
      }
      return e;
    default:
      return e;
  }
}
