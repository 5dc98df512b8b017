import type { RuleMeta } from '../findings/finding.js';

export const PROTECTED_WRITE = 'single-writer/protected-write';
export const UNVERIFIABLE_SQL = 'single-writer/unverifiable-sql';

export const SINGLE_WRITER_RULES: RuleMeta[] = [
  {
    id: PROTECTED_WRITE,
    shortDescription: 'A protected table is written outside the canonical writer',
    fullDescription:
      'Every write (INSERT, UPDATE, DELETE, MERGE, TRUNCATE, COPY FROM, including data-modifying CTEs) to a protected table must go through the canonical writer module named by singleWriter.writers.',
    help: 'Call the canonical writer instead of writing the table directly. If this module is the writer, add it to singleWriter.writers in finbrain.config.json.',
    defaultSeverity: 'error',
  },
  {
    id: UNVERIFIABLE_SQL,
    shortDescription: 'SQL sent to the database cannot be resolved statically',
    fullDescription:
      'A database query sink outside the writer receives SQL that finbrain cannot resolve, so it cannot prove the query does not write a protected table. --strict makes this an error.',
    help: 'Build the SQL from constants (dynamic values as parameters are fine), or move the write into the canonical writer.',
    defaultSeverity: 'warning',
  },
];
