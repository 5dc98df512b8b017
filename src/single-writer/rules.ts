import type { RuleMeta } from '../findings/finding.js';

export const PROTECTED_WRITE = 'single-writer/protected-write';
export const UNVERIFIABLE_SQL = 'single-writer/unverifiable-sql';
export const UNRESOLVED_IMPORT = 'single-writer/unresolved-import';
export const AMBIGUOUS_EXPORT = 'single-writer/ambiguous-export';

export const SINGLE_WRITER_RULES: RuleMeta[] = [
  {
    id: PROTECTED_WRITE,
    shortDescription: 'A protected table is written outside the canonical writer',
    fullDescription:
      'Every write (INSERT, UPDATE, DELETE, MERGE, TRUNCATE, COPY FROM, including data-modifying CTEs, and ORM writes that map to them) to a protected table must go through the canonical writer module named by singleWriter.writers.',
    help: 'Call the canonical writer instead of writing the table directly. If this module is the writer, add it to singleWriter.writers in finbrain.config.json.',
    defaultSeverity: 'error',
  },
  {
    id: UNVERIFIABLE_SQL,
    shortDescription: 'SQL sent to the database cannot be resolved statically',
    fullDescription:
      'A database query sink outside the writer receives SQL (or a table name) that finbrain cannot resolve, so it cannot prove the query does not write a protected table. --strict makes this an error.',
    help: 'Build the SQL from constants (dynamic values as parameters are fine), or move the write into the canonical writer.',
    defaultSeverity: 'warning',
  },
  {
    id: UNRESOLVED_IMPORT,
    shortDescription: 'An import of project code does not resolve',
    fullDescription:
      'An import of project code (an alias such as @/lib/db, a tsconfig paths pattern, a workspace package or a name under the workspace scope) that is not a declared dependency does not resolve through the owning tsconfig or the workspace. finbrain cannot follow it, so a database handle imported through it is only recognised by its name. --strict makes this an error.',
    help: 'Fix the alias (tsconfig paths/extends), the workspace package entry (exports, main), or declare the dependency in package.json.',
    defaultSeverity: 'note',
  },
  {
    id: AMBIGUOUS_EXPORT,
    shortDescription: 'A name is exported by two `export *` of a barrel',
    fullDescription: 'Two `export * from` of the same module provide the same name; TypeScript exports neither, and finbrain cannot tell which declaration an import means.',
    help: 'Re-export the name explicitly from the module that should provide it.',
    defaultSeverity: 'warning',
  },
];
