import { UsageError } from '../errors.js';

export interface TableName {
  table: string;
  /** Set when the name was schema-qualified (`billing.payments`). */
  schema?: string;
}

const IDENT = /^[a-z_][a-z0-9_]*$/;
/**
 * Postgres cuts identifiers at 63 bytes, and protection derives longer names
 * from the table (`<table>_single_writer_truncate`, `<table>_requests`), which
 * must stay distinct: 40 leaves room for every suffix.
 */
const MAX_TABLE = 40;

/** `payments` or `billing.payments`, as Postgres folds an unquoted name; anything else is refused. */
export function parseTableName(input: string): TableName {
  const parts = input.split('.');
  const bad = (why: string) =>
    new UsageError(`"${input}" is not a table name finbrain can protect: ${why}; nothing was written`, {
      hint: 'Give the table as Postgres stores an unquoted name: lower-case letters, digits and _, starting with a letter or _, optionally schema-qualified, e.g. `payments` or `billing.payments`.',
    });
  if (parts.length > 2) throw bad('more than one dot');
  for (const p of parts) {
    if (!IDENT.test(p)) throw bad(p === '' ? 'an empty name part' : `"${p}" is not a lower-case SQL identifier`);
  }
  const table = parts[parts.length - 1]!;
  if (table.length > MAX_TABLE) throw bad(`it is ${table.length} characters long; finbrain derives longer names from it and Postgres cuts names at 63 bytes, so at most ${MAX_TABLE}`);
  return parts.length === 2 ? { schema: parts[0], table } : { table };
}

/** Whether a configured protected-table entry names the same table (`payments` matches in any schema). */
export function sameTable(configured: string, t: TableName): boolean {
  const [a, b] = configured.toLowerCase().split('.');
  const name = b ?? a;
  const schema = b ? a : undefined;
  if (name !== t.table) return false;
  return !schema || !t.schema || schema === t.schema;
}
