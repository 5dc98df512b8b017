import type { FinbrainConfig } from '../config/schema.js';
import { protectionDefaults, type ProtectionOptions } from './protection-sql.js';

/** The protection of `table` as finbrain.config.json `protection` describes it (defaults derived from the table name). */
export function protectionOptionsFor(config: Pick<FinbrainConfig, 'protection'>, table: string): ProtectionOptions {
  const p = config.protection;
  const own = p.tables[table] ?? {};
  return protectionDefaults(table, {
    schema: own.schema ?? p.schema,
    appRole: p.appRole,
    writerRole: p.writerRole,
    statsTable: p.statsTable,
    ...(own.auditTable ? { auditTable: own.auditTable } : {}),
    ...(own.idempotencyTable ? { idempotencyTable: own.idempotencyTable } : {}),
  });
}
