/**
 * The one SQL brain: every part of finbrain that needs to understand SQL
 * (migrate, the single-writer check, the runtime guard, the lint, the changelog)
 * goes through this module. Never add a second one.
 */
export { initSqlParser, isSqlParserReady, parseRaw, lineColumnAt, byteToCharOffset, type PgNode, type RawStmt } from './parser.js';
export { splitStatements, type SqlStatement } from './split.js';
export {
  classifySql,
  classifyStatement,
  findWrites,
  createTableMatcher,
  type ClassifiedStatement,
  type TableRef,
  type TableWrite,
  type WriteOperation,
  type TableMatcher,
} from './classify.js';
export { changeKindOf, summarizeChangeKinds, type ChangeKind } from './change-kind.js';
