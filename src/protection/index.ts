/** The entry point of `finbrain protect`: the database side of protecting a table. */
export {
  renderProtectionSql,
  renderRolesSql,
  protectionDefaults,
  protectionObjectNames,
  assertProtectionOptions,
  type ProtectionOptions,
  type ProtectionSql,
} from './protection-sql.js';
export { protectionOptionsFor } from './options.js';
export { verifyProtection } from './verify.js';
