/**
 * The one SQL brain: every part of finbrain that needs to understand SQL
 * (migrate, the single-writer check, the runtime guard, the lint, the changelog)
 * goes through this module. Never add a second one.
 */
export { initSqlParser, parseRaw, parsePlpgsql, scanTokens, lineColumnAt, byteToCharOffset, type PgNode, type RawStmt, type SqlToken } from './parser.js';
export { splitStatements, type SqlStatement } from './split.js';
export {
  classifySql,
  classifyStatement,
  findWrites,
  createTableMatcher,
  type ClassifiedStatement,
  type StatementEffects,
  type TableRef,
  type TableWrite,
  type TableDdl,
  type SettingChange,
  type RoutineVia,
  type WriteOperation,
  type TableMatcher,
} from './classify.js';
export { foldConstantText } from './const-fold.js';
export { foreignKeyActions, type ForeignKeyAction, type SchemaText } from './foreign-keys.js';
export { changeKindOf, summarizeChangeKinds, type ChangeKind } from './change-kind.js';
