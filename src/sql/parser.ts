import { SqlSyntaxError } from '../errors.js';

/**
 * The real Postgres parser (libpg-query, WASM). It is imported and loaded once
 * per process, on first need: `migrate status` reads revision headers and must
 * not pay for the parser. Everything after `initSqlParser()` is synchronous.
 */
type LibPgQuery = typeof import('libpg-query');
let loading: Promise<void> | undefined;
let lib: LibPgQuery | undefined;

export function initSqlParser(): Promise<void> {
  if (lib) return Promise.resolve();
  loading ??= import('libpg-query').then(async (m) => {
    await m.loadModule();
    lib = m;
  });
  return loading;
}

function parser(): LibPgQuery {
  if (!lib) throw new Error('initSqlParser() must be awaited before parsing SQL');
  return lib;
}

/** A raw parse-tree node: `{ NodeType: { ...fields } }`. */
export type PgNode = Record<string, any>;

export interface RawStmt {
  stmt: PgNode;
  /** Byte offset (UTF-8) of the statement in the input; includes leading whitespace and comments. */
  stmt_location?: number;
  /** Byte length, without the terminating semicolon; absent for the last statement. */
  stmt_len?: number;
}

/** Parses SQL into raw statements; throws SqlSyntaxError with a 0-based character position. */
export function parseRaw(sql: string): RawStmt[] {
  const { parseSync } = parser();
  if (sql.trim() === '') return [];
  try {
    return (parseSync(sql) as { stmts?: RawStmt[] }).stmts ?? [];
  } catch (e) {
    const details = (e as { sqlDetails?: { message?: string; cursorPosition?: number } }).sqlDetails;
    const message = details?.message ?? (e as Error).message;
    if (/cannot be empty/i.test(message)) return [];
    const bytePos = details?.cursorPosition;
    const pos = bytePos === undefined ? undefined : byteToCharOffset(sql, bytePos);
    throw new SqlSyntaxError(message, pos, { cause: e });
  }
}

/** libpg-query reports UTF-8 byte offsets; JavaScript strings index UTF-16 units. */
export function byteToCharOffset(text: string, byteOffset: number): number {
  if (Buffer.byteLength(text) === text.length) return byteOffset;
  return Buffer.from(text, 'utf8').subarray(0, byteOffset).toString('utf8').length;
}

/** 1-based line and column of a character offset. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * The PL/pgSQL parse tree of a `DO` block or `CREATE FUNCTION … LANGUAGE plpgsql`
 * statement (libpg-query's own PL/pgSQL parser). Throws SqlSyntaxError when the
 * body does not parse.
 */
export function parsePlpgsql(statementText: string): PgNode[] {
  const { parsePlPgSQLSync } = parser();
  try {
    return ((parsePlPgSQLSync(statementText) as { plpgsql_funcs?: PgNode[] }).plpgsql_funcs ?? []) as PgNode[];
  } catch (e) {
    throw new SqlSyntaxError((e as Error).message, undefined, { cause: e });
  }
}

export interface SqlToken {
  /** Character offsets in the input. */
  start: number;
  end: number;
  text: string;
}

/** The real Postgres scanner's tokens (no parsing): used to find the `:=` of a PL/pgSQL assignment. */
export function scanTokens(text: string): SqlToken[] {
  const { scanSync } = parser();
  const tokens = (scanSync(text) as { tokens?: { start: number; end: number; text: string }[] }).tokens ?? [];
  return tokens.map((t) => ({ start: byteToCharOffset(text, t.start), end: byteToCharOffset(text, t.end), text: t.text }));
}
