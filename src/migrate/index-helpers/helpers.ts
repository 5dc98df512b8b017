import { MigrationFailedError } from '../../errors.js';
import type { BaseMigrationContext } from '../context.js';
import { indexState, quoteIdent } from './catalog.js';
import { createIndexSql, dropIndexSql, qualified, type IndexSpec } from './index-sql.js';
import { withIndexProgress } from './progress.js';
import { repairInvalidIndex, uniqueViolation } from './safety.js';

/**
 * Index helpers on the migration context. Outside a transaction (non-
 * transactional or concurrent mode) they use CONCURRENTLY; inside one, the plain
 * form, so one migration runs in both modes.
 */
export interface IndexHelpers {
  createIndex(spec: IndexSpec): Promise<{ rebuiltInvalid: boolean }>;
  createUniqueIndex(spec: Omit<IndexSpec, 'unique'>): Promise<{ rebuiltInvalid: boolean }>;
  dropIndex(name: string): Promise<void>;
  /** Builds `spec` under a temporary name, drops `oldName`, renames: valid at every step, convergent on re-run. */
  replaceIndex(oldName: string, spec: IndexSpec): Promise<void>;
}


function specHash(spec: IndexSpec): string {
  return createIndexSql({ ...spec, name: 'x', ifNotExists: true }, false).replace(/\s+/g, ' ');
}

export function indexHelpers(ctx: BaseMigrationContext): IndexHelpers {
  const concurrently = () => !ctx.inTransaction;
  const exec = (sql: string) => ctx.query(sql).then(() => undefined);
  const q = { query: ctx.query, exec };
  const build = async (spec: IndexSpec): Promise<{ rebuiltInvalid: boolean }> => {
    const rebuiltInvalid = await repairInvalidIndex(q, spec.name, concurrently(), ctx.log);
    try {
      await withIndexProgress(ctx.db, ctx.revision, (e) => e.type === 'progress' && ctx.log(e.message), () => exec(createIndexSql(spec, concurrently())));
    } catch (e) {
      if ((e as { code?: string }).code === '23505' && spec.unique) {
        const u = await uniqueViolation(q, { name: spec.name, table: qualified(spec.table), columns: (spec.columns ?? []).map(quoteIdent) }, concurrently());
        throw new MigrationFailedError(
          `unique index ${spec.name} on ${spec.table} cannot be built: duplicate keys${u.sample.length ? ` (${spec.columns!.join(', ')}): ${u.sample.join(', ')}` : ''}; no INVALID index was left behind`,
          { revision: ctx.revision, cause: e, sqlState: '23505', uniqueViolation: u, hint: 'Deduplicate the rows, then run the migration again.' },
        );
      }
      throw e;
    }
    return { rebuiltInvalid };
  };
  return {
    createIndex: build,
    createUniqueIndex: (spec) => build({ ...spec, unique: true }),
    dropIndex: (name) => exec(dropIndexSql(name, concurrently())),
    async replaceIndex(oldName, spec) {
      const marker = `finbrain:${specHash(spec)}`;
      const comment = await ctx
        .query<{ c: string | null }>('SELECT obj_description(to_regclass($1), $2) AS c', [spec.name, 'pg_class'])
        .then((r) => r.rows[0]?.c ?? null);
      const tmp = `${spec.name}_fbnew`;
      const tmpState = await indexState(ctx, tmp);
      if (comment === marker && !tmpState.exists && (await indexState(ctx, spec.name)).valid) return; // already replaced
      await build({ ...spec, name: tmp, ifNotExists: true });
      await exec(dropIndexSql(oldName, concurrently()));
      if (oldName !== spec.name) await exec(dropIndexSql(spec.name, concurrently()));
      await exec(`ALTER INDEX IF EXISTS ${qualified(tmp)} RENAME TO ${quoteIdent(spec.name.split('.').at(-1)!)}`);
      await exec(`COMMENT ON INDEX ${qualified(spec.name)} IS '${marker.replace(/'/g, "''")}'`);
    },
  };
}
