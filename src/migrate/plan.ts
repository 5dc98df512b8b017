import { RevisionError, SqlSyntaxError } from '../errors.js';
import type { RevisionFile } from '../revisions/revision-file.js';
import { sectionSql, type Direction } from '../revisions/revision-sql.js';
import { classifySql, initSqlParser, type ClassifiedStatement } from '../sql/index.js';
import { statementRelations } from '../sql/relations.js';
import { checkTsSyntax } from './ts-syntax.js';

export type { Direction };

/**
 * One revision in one direction, prepared once per run: its SQL parsed a
 * single time and everything the run needs read off that parse.
 */
export interface PlannedStep {
  file: RevisionFile;
  direction: Direction;
  inTransaction: boolean;
  /** SQL revisions: the section's text and its statements. */
  sql?: {
    text: string;
    statements: ClassifiedStatement[];
    lineAt(offset: number): number;
    /** The last statement ends with its `;`: more SQL can follow the section as written. */
    terminated: boolean;
  };
  /**
   * Relations the statements name: whoever holds a lock on them is named when
   * a lock times out. Read off the carried parse on first use (only a lock
   * timeout needs them).
   */
  relations(): string[];
  /** The section builds an index (CREATE INDEX / REINDEX): worth watching its progress. */
  buildsIndex: boolean;
}

/** `Transaction: auto` runs without a transaction only in concurrent mode. */
export function runsInTransaction(file: Pick<RevisionFile, 'transaction'>, concurrent: boolean): boolean {
  if (file.transaction === 'false') return false;
  if (file.transaction === 'auto') return !concurrent;
  return true;
}

function once<T>(compute: () => T): () => T {
  let value: { v: T } | undefined;
  return () => (value ??= { v: compute() }).v;
}

const refuse = (file: RevisionFile, message: string, hint: string, line?: number, cause?: unknown) =>
  new RevisionError(`${file.relPath}${line ? `:${line}` : ''}: ${message}`, { files: [file.relPath], revision: file.revision, hint, cause });

function prepareSql(file: RevisionFile, direction: Direction, inTransaction: boolean): PlannedStep {
  const section = sectionSql(file, direction);
  if (section.kind !== 'sql') throw new Error(`${file.relPath}: no ${direction} SQL`);
  let statements: ClassifiedStatement[];
  try {
    statements = classifySql(section.sql);
  } catch (e) {
    if (!(e instanceof SqlSyntaxError)) throw e;
    const line = section.lineAt(e.position ?? 0);
    throw refuse(file, `SQL syntax error in the ${direction} section of ${file.revision}: ${e.message}`, 'Fix the SQL; nothing was run.', line, e);
  }
  if (!statements.length) {
    throw direction === 'up'
      ? refuse(file, `the up section of ${file.revision} is empty: there is nothing to apply`, 'Write the SQL under `-- migrate:up`; nothing was run.', section.lineAt(0))
      : refuse(file, `revision ${file.revision} is irreversible: its \`-- migrate:down\` section is empty`, 'Write the SQL that reverts it under `-- migrate:down`, or stop the downgrade above this revision with --to; nothing was run.', section.lineAt(0));
  }
  const bad = inTransaction ? statements.find((s) => s.forbiddenInTransaction) : undefined;
  if (bad) {
    throw refuse(
      file,
      `revision ${file.revision} runs in a transaction but contains ${bad.forbiddenInTransaction}, which Postgres refuses inside a transaction block`,
      `Set \`Transaction: false\` in the header of ${file.relPath} (or \`Transaction: auto\` to switch with concurrent mode); nothing was run.`,
      section.lineAt(bad.start),
    );
  }
  return {
    file,
    direction,
    inTransaction,
    sql: { text: section.sql, statements, lineAt: section.lineAt, terminated: section.sql.slice(statements.at(-1)!.end).includes(';') },
    relations: once(() => [...new Set(statements.flatMap(statementRelations))]),
    buildsIndex: statements.some((s) => s.kind === 'IndexStmt' || s.kind === 'ReindexStmt'),
  };
}

function prepareTs(file: RevisionFile, direction: Direction, inTransaction: boolean): PlannedStep {
  const fn = file.ts?.[direction];
  if (direction === 'up' && fn?.empty) {
    throw refuse(file, `up(ctx) of ${file.revision} is empty: there is nothing to apply`, 'Write the statements up(ctx) runs; nothing was run.', fn.line);
  }
  // What a TS revision touches is known only when it runs; its static SQL, if any, names the likely relations.
  const section = sectionSql(file, direction);
  const relations = once(() => {
    if (section.kind !== 'sql') return [];
    try {
      return [...new Set(classifySql(section.sql).flatMap(statementRelations))];
    } catch {
      return [];
    }
  });
  return { file, direction, inTransaction, relations, buildsIndex: false };
}

/**
 * Everything that can be known before running, for the whole plan: each
 * revision can go this way (reversible, not empty), its SQL parses, a
 * transactional revision holds nothing Postgres refuses in a transaction, and
 * every TS revision compiles. Throws RevisionError (exit 2) so nothing runs.
 */
export async function preparePlan(files: RevisionFile[], direction: Direction, concurrent: boolean): Promise<PlannedStep[]> {
  for (const file of files) {
    if (direction === 'down' && !file.reversible) {
      throw refuse(
        file,
        `revision ${file.revision} is irreversible: ${file.irreversibleBecause ?? 'it has no down'}`,
        file.format === 'sql'
          ? 'Write the SQL that reverts it under `-- migrate:down`, or stop the downgrade above this revision with --to; nothing was run.'
          : 'Write a `down(ctx)` that reverts it, or stop the downgrade above this revision with --to; nothing was run.',
      );
    }
  }
  const ts = files.filter((f) => f.format === 'ts');
  if (ts.length) await checkTsSyntax(ts);
  if (files.some((f) => f.format === 'sql' || f.ts?.[direction]?.staticSql)) await initSqlParser();
  return files.map((file) => {
    const inTransaction = runsInTransaction(file, concurrent);
    return file.format === 'sql' ? prepareSql(file, direction, inTransaction) : prepareTs(file, direction, inTransaction);
  });
}
