/** The entry point of `finbrain protect`: the database side of protecting a table. */
export { renderProtectionSql, protectionDefaults, type ProtectionOptions, type ProtectionSql } from './protection-sql.js';
